//! Relation loaders, `RowByKey`, reflection and schema scripts in both modes: each body
//! runs on a blocking `Connection` and again on an `AsyncConnection` (`go!` awaits), with
//! the same names and the same assertions. Each body runs a third time on an
//! `AsyncMysqlConnection` to MariaDB (`on_mariadb::NAME`, with `MYSQL_SCHEMA`: the same
//! rows; MySQL has no arrays, so each key list goes bound one by one).

use crate::modes::both_modes;
use sqlwright::prelude::*;
use sqlwright::reflect::{reflect, verify_schema, Drift, ReflectOptions};
use sqlwright::testing;
use sqlwright::{AsyncConnection, AsyncMysqlConnection, Error};

sqlwright::table! {
    authors (id) {
        #[serial] id -> Int4,
        name -> Text,
    }
    posts (id) {
        #[serial] id -> Int4,
        #[references(authors::id)] author_id -> Int4,
        #[references(authors::id)] editor_id -> Nullable<Int4>,
        title -> Text,
    }
    comments (id) {
        #[serial] id -> Int4,
        #[references(posts::id)] post_id -> Int4,
        body -> Text,
    }
    tags (id) {
        #[serial] id -> Int4,
        label -> Text,
    }
    post_tags (post_id, tag_id) {
        #[references(posts::id)] post_id -> Int4,
        #[references(tags::id)] tag_id -> Int4,
    }
    profiles (id) {
        #[serial] id -> Int4,
        #[unique] #[references(authors::id)] author_id -> Int4,
        bio -> Text,
    }
}

mod extra {
    sqlwright::table! {
        shelves (id) {
            #[serial] id -> Int4,
            label -> Text,
        }
    }
}

const SHELVES: sqlwright::ddl::Schema = sqlwright::schema!(extra::shelves);

const SCHEMA: &str = "
CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE posts (id serial PRIMARY KEY, author_id int4 NOT NULL REFERENCES authors (id),
                    editor_id int4 REFERENCES authors (id), title text NOT NULL);
CREATE TABLE comments (id serial PRIMARY KEY, post_id int4 NOT NULL REFERENCES posts (id),
                       body text NOT NULL);
CREATE TABLE tags (id serial PRIMARY KEY, label text NOT NULL);
CREATE TABLE post_tags (post_id int4 NOT NULL REFERENCES posts (id),
                        tag_id int4 NOT NULL REFERENCES tags (id),
                        PRIMARY KEY (post_id, tag_id));
CREATE TABLE profiles (id serial PRIMARY KEY, author_id int4 NOT NULL UNIQUE REFERENCES authors (id),
                       bio text NOT NULL);
INSERT INTO authors (name) VALUES ('Ann'), ('Bob'), ('Cid');
INSERT INTO posts (author_id, editor_id, title) VALUES
    (1, 2, 'A1'), (1, NULL, 'A2'), (3, 1, 'C1');
INSERT INTO comments (post_id, body) VALUES (1, 'first'), (1, 'second'), (3, 'third');
INSERT INTO tags (label) VALUES ('rust'), ('sql'), ('async');
INSERT INTO post_tags VALUES (1, 1), (1, 2), (3, 2);
INSERT INTO profiles (author_id, bio) VALUES (3, 'writes C');
";

/// `SCHEMA` in MySQL's DDL, with the same rows (their ids given).
const MYSQL_SCHEMA: &str = "
CREATE TABLE authors (id INT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE posts (id INT PRIMARY KEY, author_id INT NOT NULL REFERENCES authors (id),
                    editor_id INT REFERENCES authors (id), title TEXT NOT NULL);
CREATE TABLE comments (id INT PRIMARY KEY, post_id INT NOT NULL REFERENCES posts (id),
                       body TEXT NOT NULL);
CREATE TABLE tags (id INT PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE post_tags (post_id INT NOT NULL REFERENCES posts (id),
                        tag_id INT NOT NULL REFERENCES tags (id),
                        PRIMARY KEY (post_id, tag_id));
CREATE TABLE profiles (id INT PRIMARY KEY,
                       author_id INT NOT NULL UNIQUE REFERENCES authors (id), bio TEXT NOT NULL);
INSERT INTO authors VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cid');
INSERT INTO posts VALUES (1, 1, 2, 'A1'), (2, 1, NULL, 'A2'), (3, 3, 1, 'C1');
INSERT INTO comments VALUES (1, 1, 'first'), (2, 1, 'second'), (3, 3, 'third');
INSERT INTO tags VALUES (1, 'rust'), (2, 'sql'), (3, 'async');
INSERT INTO post_tags VALUES (1, 1), (1, 2), (3, 2);
INSERT INTO profiles VALUES (1, 3, 'writes C');
";

/// `both_modes!`, and each body once more on an `AsyncMysqlConnection` to a fresh MariaDB
/// database with `MYSQL_SCHEMA` (`on_mariadb::NAME`).
macro_rules! three_modes {
    ($(fn $name:ident($conn:ident) $body:block)*) => {
        both_modes! { $(fn $name($conn) $body)* }

        mod on_mariadb {
            use super::*;
            $(
                #[test]
                fn $name() {
                    let db = sqlwright::testing::mariadb_database();
                    db.connect().unwrap().batch_execute(MYSQL_SCHEMA).unwrap();
                    let runtime = crate::twice::runtime();
                    // Spawned, so the test also proves the futures are `Send` on MySQL.
                    let url = db.url().clone();
                    let task = runtime.spawn(async move {
                        let mut $conn = AsyncMysqlConnection::open_url(&url).await.unwrap();
                        macro_rules! go {
                            ($run:expr) => {
                                $run.await
                            };
                        }
                        $body
                    });
                    runtime.block_on(task).unwrap();
                }
            )*
        }
    };
}

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = authors)]
struct Author {
    id: i32,
    name: String,
}

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = posts)]
struct Post {
    id: i32,
    author_id: i32,
    editor_id: Option<i32>,
    title: String,
}

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = comments)]
struct Comment {
    id: i32,
    post_id: i32,
    body: String,
}

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = tags)]
struct Tag {
    id: i32,
    label: String,
}

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = profiles)]
struct Profile {
    id: i32,
    author_id: i32,
    bio: String,
}

fn titles(posts: &[Post]) -> Vec<&str> {
    let mut t: Vec<&str> = posts.iter().map(|p| p.title.as_str()).collect();
    t.sort();
    t
}

three_modes! {
    fn select_in_loaders(conn) {
        let authors: Vec<Author> = go!(authors::table
            .select(Author::as_select())
            .order_by(authors::id)
            .load(&mut conn))
        .unwrap();

        // Children: one statement for all parents, each parent in its place.
        let with_posts = go!(authors
            .clone()
            .with_children::<Post, _>(posts::author_id, &mut conn))
        .unwrap();
        let shape: Vec<(&str, Vec<&str>)> = with_posts
            .iter()
            .map(|(a, p)| (a.name.as_str(), titles(p)))
            .collect();
        assert_eq!(shape, [("Ann", vec!["A1", "A2"]), ("Bob", vec![]), ("Cid", vec!["C1"])]);

        // Grandchildren: one more statement.
        let tree = go!(with_posts.with_grandchildren::<Comment, _>(comments::post_id, &mut conn))
            .unwrap();
        let mut ann: Vec<(String, usize)> =
            tree[0].1.iter().map(|(p, c)| (p.title.clone(), c.len())).collect();
        ann.sort();
        assert_eq!(ann, [("A1".to_string(), 2), ("A2".to_string(), 0)]);
        assert_eq!(tree[2].1[0].1[0].body, "third");

        // Parents, through a nullable key: `Option` of the parent.
        let posts: Vec<Post> = go!(posts::table
            .select(Post::as_select())
            .order_by(posts::id)
            .load(&mut conn))
        .unwrap();
        let edited = go!(posts.clone().with_parents::<Author, _>(posts::editor_id, &mut conn))
            .unwrap();
        let editors: Vec<Option<&str>> =
            edited.iter().map(|(_, a)| a.as_ref().map(|a| a.name.as_str())).collect();
        assert_eq!(editors, [Some("Bob"), None, Some("Ann")]);
        let written = go!(posts.clone().with_parents::<Author, _>(posts::author_id, &mut conn))
            .unwrap();
        let writers: Vec<&str> = written.iter().map(|(_, a)| a.name.as_str()).collect();
        assert_eq!(writers, ["Ann", "Ann", "Cid"]);

        // Children selected by the parents' own query.
        let some: Vec<Author> = authors.iter().filter(|a| a.id != 1).cloned().collect();
        let by_query = go!(some.with_children_in::<Post, _, _, _>(
            posts::author_id,
            authors::table.select(authors::id).filter(authors::id.ne(1)),
            &mut conn,
        ))
        .unwrap();
        let shape: Vec<(&str, Vec<&str>)> =
            by_query.iter().map(|(a, p)| (a.name.as_str(), titles(p))).collect();
        assert_eq!(shape, [("Bob", vec![]), ("Cid", vec!["C1"])]);

        // Many-to-many through the association table.
        let tagged = go!(posts.with_through::<Tag, _, _>(
            post_tags::post_id,
            post_tags::tag_id,
            &mut conn,
        ))
        .unwrap();
        let labels: Vec<Vec<String>> = tagged
            .iter()
            .map(|(_, tags)| {
                let mut l: Vec<String> = tags.iter().map(|t| t.label.clone()).collect();
                l.sort();
                l
            })
            .collect();
        assert_eq!(labels, [vec!["rust".to_string(), "sql".into()], vec![], vec!["sql".into()]]);

        // No parents: no statement, nothing to pair.
        let none = go!(Vec::<Author>::new().with_children::<Post, _>(posts::author_id, &mut conn))
            .unwrap();
        assert!(none.is_empty());
    }

    fn lazy_loaders_and_row_by_key(conn) {
        let ann = go!(Author::find(1, &mut conn)).unwrap();
        assert_eq!(ann, Author { id: 1, name: "Ann".into() });
        assert_eq!(go!(Author::get(40, &mut conn)).unwrap(), None);
        match go!(Author::find(40, &mut conn)) {
            Err(Error::NotFound) => {}
            other => panic!("expected NotFound, got {other:?}"),
        }

        let posts = go!(ann.children::<Post, _>(posts::author_id, &mut conn)).unwrap();
        assert_eq!(titles(&posts), ["A1", "A2"]);
        let a2 = posts.iter().find(|p| p.title == "A2").unwrap().clone();
        assert_eq!(go!(a2.parent::<Author, _>(posts::author_id, &mut conn)).unwrap(), ann);
        assert_eq!(go!(a2.parent::<Author, _>(posts::editor_id, &mut conn)).unwrap(), None);

        let cid = go!(Author::find(3, &mut conn)).unwrap();
        let profile = go!(cid.child::<Profile, _>(profiles::author_id, &mut conn)).unwrap();
        assert_eq!(profile.map(|p| p.bio), Some("writes C".to_string()));
        assert_eq!(go!(ann.child::<Profile, _>(profiles::author_id, &mut conn)).unwrap(), None);

        let a1 = go!(Post::find(1, &mut conn)).unwrap();
        let mut tags = go!(a1.through::<Tag, _, _>(post_tags::post_id, post_tags::tag_id, &mut conn))
            .unwrap();
        tags.sort_by_key(|t| t.id);
        assert_eq!(
            tags,
            [Tag { id: 1, label: "rust".into() }, Tag { id: 2, label: "sql".into() }]
        );
    }

    fn reflection_and_schema_scripts(conn) {
        let options = ReflectOptions::default();
        let catalog = go!(reflect(&mut conn, &options)).unwrap();
        let names: Vec<&str> = catalog.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["authors", "comments", "post_tags", "posts", "profiles", "tags"]);
        let posts = catalog.table("posts").unwrap();
        assert_eq!(posts.foreign_keys.len(), 2);
        assert!(posts.column("editor_id").unwrap().nullable);

        let declared = [
            <authors::table as sqlwright::query::Table>::META,
            <posts::table as sqlwright::query::Table>::META,
            <extra::shelves::table as sqlwright::query::Table>::META,
        ];
        let drift = go!(verify_schema(&mut conn, &declared)).unwrap();
        assert_eq!(drift, [Drift::MissingTable { table: "shelves".into() }]);

        go!(SHELVES.create_all(&mut conn, false)).unwrap();
        assert_eq!(go!(verify_schema(&mut conn, &declared)).unwrap(), []);
        // Without IF NOT EXISTS a second run fails on the server, and nothing is left open.
        assert!(go!(SHELVES.create_all(&mut conn, false)).is_err());
        go!(SHELVES.create_all(&mut conn, true)).unwrap();
        go!(SHELVES.drop_all(&mut conn, false)).unwrap();
        assert!(go!(SHELVES.drop_all(&mut conn, false)).is_err());
        go!(SHELVES.drop_all(&mut conn, true)).unwrap();
        let drift = go!(verify_schema(&mut conn, &declared)).unwrap();
        assert_eq!(drift, [Drift::MissingTable { table: "shelves".into() }]);
    }
}
