//! Relationships from declared foreign keys, in both directions, with every loading
//! strategy, on PostgreSQL and SQLite; each test counts the statements sent to the server.

use crate::both::{spelled, with};
use crate::session::capture_sql;
use crate::twice::twice;
use sqlwright::backend::Dialect;
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;

sqlwright::table! {
    users (id) {
        #[serial] id -> Int4,
        name -> Text,
    }
    posts (id) {
        #[serial] id -> Int4,
        #[references(users::id, on_delete = cascade)] user_id -> Int4,
        #[references(users::id, on_delete = set_null)] editor_id -> Nullable<Int4>,
        title -> Text,
    }
    comments (id) {
        #[serial] id -> Int4,
        #[references(posts::id, on_delete = cascade)] post_id -> Int4,
        body -> Text,
    }
    passports (id) {
        #[serial] id -> Int4,
        #[unique] #[references(users::id, on_delete = restrict)] person_id -> Int4,
        number -> Text,
    }
    products (id) {
        #[serial] id -> Int4,
        #[unique] name -> Text,
    }
    basket (buyer_id, product_id) {
        #[references(users::id, on_delete = cascade)] buyer_id -> Int4,
        #[references(products::id, on_delete = cascade)] product_id -> Int4,
    }
}

const SCHEMA: sqlwright::ddl::Schema =
    sqlwright::schema!(users, posts, comments, passports, products, basket);

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    name: String,
}

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = posts)]
struct Post {
    id: i32,
    user_id: i32,
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
#[sqlwright(table = passports)]
struct Passport {
    id: i32,
    person_id: i32,
    number: String,
}

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = products)]
struct Product {
    id: i32,
    name: String,
}

/// Ann (2 posts, one edited by Bob; 3 comments), Bob (1 post), Cid (none); Ann and Bob
/// have passports; Ann bought milk and bread, Bob bread, Cid nothing; nobody bought tea.
macro_rules! fixture {
    () => {
        with::<B>(
            SCHEMA,
            "INSERT INTO users (name) VALUES ('Ann'), ('Bob'), ('Cid');
             INSERT INTO posts (user_id, editor_id, title) VALUES
                 (1, 2, 'a1'), (1, NULL, 'a2'), (2, NULL, 'b1');
             INSERT INTO comments (post_id, body) VALUES (1, 'x'), (1, 'y'), (3, 'z');
             INSERT INTO passports (person_id, number) VALUES (1, 'P-1'), (2, 'P-2');
             INSERT INTO products (name) VALUES ('milk'), ('bread'), ('tea');
             INSERT INTO basket VALUES (1, 1), (1, 2), (2, 2);",
        )
    };
}

/// Every user, by id (a macro: the run is awaited on tokio).
macro_rules! all_users {
    ($conn:expr) => {
        go!(users::table
            .select(User::as_select())
            .order_by(users::id)
            .load($conn))
        .unwrap()
    };
}

fn titles(posts: &[Post]) -> Vec<&str> {
    posts.iter().map(|p| p.title.as_str()).collect()
}

fn statements(log: &[String]) -> usize {
    log.iter().filter(|l| l.contains(" statement ")).count()
}

twice! {
    fn one_to_many_lazy_is_one_statement_per_parent<B>() {
        let mut db = fixture!();
        let users = all_users!(&mut db.conn);
        let (posts, log) = capture_sql(|| {
            users
                .iter()
                .map(|u| go!(u.children::<Post, _>(posts::user_id, &mut db.conn)).unwrap())
                .collect::<Vec<_>>()
        });
        assert_eq!(statements(&log), 3, "{log:#?}");
        let got: Vec<Vec<&str>> = posts.iter().map(|p| titles(p)).collect();
        assert_eq!(got, [vec!["a1", "a2"], vec!["b1"], vec![]]);
    }

    fn one_to_many_select_in_is_two_statements_for_any_number_of_parents<B>() {
        let mut db = fixture!();
        let (loaded, log) = capture_sql(|| {
            let users = all_users!(&mut db.conn);
            go!(users
                .with_children::<Post, _>(posts::user_id, &mut db.conn))
                .unwrap()
        });
        assert_eq!(statements(&log), 2, "{log:#?}");
        // The parents' keys are one parameter on both: an array on PostgreSQL, JSON on SQLite.
        let by_keys = match B::DIALECT {
            Dialect::Sqlite => r#"WHERE "posts"."user_id" IN (SELECT value FROM json_each(?1))"#,
            // MySQL: one `?` a key, padded to a power of two (3 parents: 4).
            Dialect::Mysql => "WHERE `posts`.`user_id` IN (?, ?, ?, ?)",
            _ => r#"WHERE "posts"."user_id" = ANY($1)"#,
        };
        assert!(log[1].contains(by_keys), "{}", log[1]);
        let got: Vec<(&str, Vec<&str>)> = loaded
            .iter()
            .map(|(u, p)| (u.name.as_str(), titles(p)))
            .collect();
        assert_eq!(
            got,
            [
                ("Ann", vec!["a1", "a2"]),
                ("Bob", vec!["b1"]),
                ("Cid", vec![])
            ]
        );

        // Many parents: still one statement for all their children.
        go!(insert_into(users::table)
            .values(
                (1..=500)
                    .map(|n| users::name.to(format!("u{n}")))
                    .collect::<Vec<_>>(),
            )
            .execute(&mut db.conn))
            .unwrap();
        go!(db.conn
            .batch_execute(
                "INSERT INTO posts (user_id, title) SELECT id, 'p' || id FROM users WHERE id > 3;",
            ))
            .unwrap();
        let users = all_users!(&mut db.conn);
        let (children, log) = capture_sql(|| {
            go!(users
                .clone()
                .with_children::<Post, _>(posts::user_id, &mut db.conn))
                .unwrap()
                .into_iter()
                .map(|(_, related)| related)
                .collect::<Vec<_>>()
        });
        assert_eq!(statements(&log), 1);
        assert_eq!(children.len(), 503);
        assert!(children[3..].iter().all(|c| c.len() == 1));
        assert!(children[2].is_empty());
        // No parents: no statement at all.
        let (none, log) = capture_sql(|| {
            go!(Vec::<User>::new()
                .clone()
                .with_children::<Post, _>(posts::user_id, &mut db.conn))
                .unwrap()
                .into_iter()
                .map(|(_, related)| related)
                .collect::<Vec<_>>()
        });
        assert!(none.is_empty() && log.is_empty());
    }

    fn one_to_many_joined_is_one_statement_and_keeps_parents_without_children<B>() {
        let mut db = fixture!();
        let (grouped, log) = capture_sql(|| {
            let rows = go!(users::table
                .left_join_on(posts::table, posts::user_id.eq(users::id))
                .select((User::as_select(), Post::as_select()))
                .order_by(users::id)
                .then_order_by(posts::id)
                .load(&mut db.conn))
                .unwrap();
            group_children(posts::user_id, rows)
        });
        assert_eq!(statements(&log), 1, "{log:#?}");
        let got: Vec<(&str, Vec<&str>)> = grouped
            .iter()
            .map(|(u, p)| (u.name.as_str(), titles(p)))
            .collect();
        assert_eq!(
            got,
            [
                ("Ann", vec!["a1", "a2"]),
                ("Bob", vec!["b1"]),
                ("Cid", vec![])
            ]
        );
    }

    fn one_to_many_subquery_selects_children_by_the_parent_query<B>() {
        let mut db = fixture!();
        let (loaded, log) = capture_sql(|| {
            let parents = || users::table.filter(users::name.ne("Bob"));
            let users: Vec<User> = go!(parents()
                .select(User::as_select())
                .order_by(users::id)
                .load(&mut db.conn))
                .unwrap();
            let posts = go!(users
                .clone()
                .with_children_in::<Post, _, _, _>(
                    posts::user_id,
                    parents().select(users::id),
                    &mut db.conn,
                ))
                .unwrap()
                .into_iter()
                .map(|(_, related)| related)
                .collect::<Vec<_>>();
            (users, posts)
        });
        assert_eq!(statements(&log), 2, "{log:#?}");
        assert!(
            log[1].contains(&spelled::<B>(r#"WHERE "posts"."user_id" IN (SELECT "users"."id" FROM "users" WHERE "users"."name" <> $1)"#)),
            "{}",
            log[1]
        );
        let got: Vec<Vec<&str>> = loaded.1.iter().map(|p| titles(p)).collect();
        assert_eq!(got, [vec!["a1", "a2"], vec![]]);
    }

    fn many_to_one_backref_both_strategies_and_nullable_keys<B>() {
        let mut db = fixture!();
        let posts: Vec<Post> = go!(posts::table
            .select(Post::as_select())
            .order_by(posts::id)
            .load(&mut db.conn))
            .unwrap();
        // select-in: one statement for all the posts' authors.
        let (authors, log) = capture_sql(|| {
            go!(posts
                .clone()
                .with_parents::<User, _>(posts::user_id, &mut db.conn))
                .unwrap()
        });
        assert_eq!(statements(&log), 1);
        let got: Vec<(&str, &str)> = authors
            .iter()
            .map(|(p, u)| (p.title.as_str(), u.name.as_str()))
            .collect();
        assert_eq!(got, [("a1", "Ann"), ("a2", "Ann"), ("b1", "Bob")]);
        // A nullable key gives Option.
        let editors: Vec<Option<User>> = go!(posts
            .clone()
            .with_parents::<User, _>(posts::editor_id, &mut db.conn))
            .unwrap()
            .into_iter()
            .map(|(_, related)| related)
            .collect::<Vec<_>>();
        let names: Vec<Option<&str>> = editors
            .iter()
            .map(|e| e.as_ref().map(|u| u.name.as_str()))
            .collect();
        assert_eq!(names, [Some("Bob"), None, None]);
        // lazy: one statement.
        let (author, log) = capture_sql(|| {
            go!(posts[2]
                .parent::<User, _>(posts::user_id, &mut db.conn))
                .unwrap()
        });
        assert_eq!((author.name.as_str(), statements(&log)), ("Bob", 1));
        let editor: Option<User> = go!(posts[1].parent(posts::editor_id, &mut db.conn)).unwrap();
        assert_eq!(editor, None);
    }

    fn one_to_one_through_a_unique_key<B>() {
        let mut db = fixture!();
        let users = all_users!(&mut db.conn);
        // lazy: one statement per parent.
        let (passports, log) = capture_sql(|| {
            users
                .iter()
                .map(|u| go!(u.child(passports::person_id, &mut db.conn)).unwrap())
                .collect::<Vec<Option<Passport>>>()
        });
        assert_eq!(statements(&log), 3, "{log:#?}");
        // select-in: one statement for all parents, at most one child each.
        let (all, log) = capture_sql(|| {
            go!(users
                .clone()
                .with_children::<Passport, _>(passports::person_id, &mut db.conn))
                .unwrap()
                .into_iter()
                .map(|(_, related)| related)
                .collect::<Vec<_>>()
        });
        assert_eq!(statements(&log), 1, "{log:#?}");
        assert_eq!(all.iter().map(Vec::len).collect::<Vec<_>>(), [1, 1, 0]);
        let numbers: Vec<Option<&str>> = passports
            .iter()
            .map(|p| p.as_ref().map(|p| p.number.as_str()))
            .collect();
        assert_eq!(numbers, [Some("P-1"), Some("P-2"), None]);
        let owner: User = go!(passports[1]
            .as_ref()
            .unwrap()
            .parent(passports::person_id, &mut db.conn))
            .unwrap();
        assert_eq!(owner.name, "Bob");
        // A second passport for the same person breaks the unique key: a typed error.
        let err = go!(insert_into(passports::table)
            .values((passports::person_id.to(1), passports::number.to("P-3")))
            .execute(&mut db.conn))
            .unwrap_err();
        assert_eq!(err.kind(), Some(DbErrorKind::UniqueViolation), "{err}");
    }

    fn many_to_many_through_an_association_table_with_a_composite_key<B>() {
        let mut db = fixture!();
        let users = all_users!(&mut db.conn);
        let (bought, log) = capture_sql(|| {
            go!(users
                .clone()
                .with_through::<Product, _, _>(basket::buyer_id, basket::product_id, &mut db.conn))
                .unwrap()
                .into_iter()
                .map(|(_, related)| related)
                .collect::<Vec<_>>()
        });
        assert_eq!(statements(&log), 1, "{log:#?}");
        let names = |ps: &Vec<Product>| {
            let mut n: Vec<String> = ps.iter().map(|p| p.name.clone()).collect();
            n.sort();
            n
        };
        let got: Vec<Vec<String>> = bought.iter().map(names).collect();
        assert_eq!(got, [vec!["bread", "milk"], vec!["bread"], vec![]]);
        // The other direction, from the same declarations.
        let products: Vec<Product> = go!(products::table
            .select(Product::as_select())
            .order_by(products::id)
            .load(&mut db.conn))
            .unwrap();
        let buyers = go!(products
            .clone()
            .with_through::<User, _, _>(basket::product_id, basket::buyer_id, &mut db.conn))
            .unwrap()
            .into_iter()
            .map(|(_, related)| related)
            .collect::<Vec<_>>();
        let got: Vec<Vec<String>> = buyers
            .iter()
            .map(|us| {
                let mut n: Vec<String> = us.iter().map(|u| u.name.clone()).collect();
                n.sort();
                n
            })
            .collect();
        assert_eq!(got, [vec!["Ann"], vec!["Ann", "Bob"], vec![]]);
        let lazy: Vec<Product> = go!(users[1]
            .through(basket::buyer_id, basket::product_id, &mut db.conn))
            .unwrap();
        assert_eq!(lazy.len(), 1);
    }

    fn nested_users_posts_comments_in_three_statements<B>() {
        let mut db = fixture!();
        let (tree, log) = capture_sql(|| {
            // three statements: users, all their posts, all the posts' comments
            go!(go!(all_users!(&mut db.conn)
                .with_children::<Post, _>(posts::user_id, &mut db.conn))
                .unwrap()
                .with_grandchildren::<Comment, _>(comments::post_id, &mut db.conn))
                .unwrap()
        });
        assert_eq!(statements(&log), 3, "{log:#?}");
        let shape: Vec<(String, Vec<(String, usize)>)> = tree
            .iter()
            .map(|(u, ps)| {
                (
                    u.name.clone(),
                    ps.iter()
                        .map(|(p, cs)| (p.title.clone(), cs.len()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                ("Ann".into(), vec![("a1".into(), 2), ("a2".into(), 0)]),
                ("Bob".into(), vec![("b1".into(), 1)]),
                ("Cid".into(), vec![]),
            ]
        );
    }

    fn cascade_set_null_and_restrict_on_delete<B>() {
        let mut db = fixture!();
        // Bob edits a1 (set null) and owns b1 (cascade, with its comment) and a passport
        // (restrict).
        let err = go!(delete(users::table)
            .by_key(2)
            .execute(&mut db.conn))
            .unwrap_err();
        assert_eq!(err.kind(), Some(DbErrorKind::ForeignKeyViolation), "{err}");
        // PostgreSQL names the constraint it made; SQLite's foreign-key message names nothing.
        let constraint = err.database_error().unwrap().constraint.as_deref();
        match B::DIALECT {
            Dialect::Sqlite => assert_eq!(constraint, None),
            _ => assert_eq!(constraint, Some("passports_person_id_fkey")),
        }
        go!(delete(passports::table)
            .filter(passports::person_id.eq(2))
            .execute(&mut db.conn))
            .unwrap();
        assert_eq!(
            go!(delete(users::table)
                .by_key(2)
                .execute(&mut db.conn))
                .unwrap(),
            1
        );
        let posts: Vec<(String, Option<i32>)> = go!(posts::table
            .select((posts::title, posts::editor_id))
            .order_by(posts::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(posts, [("a1".to_string(), None), ("a2".to_string(), None)]);
        assert_eq!(
            go!(comments::table.count(&mut db.conn)).unwrap(),
            2,
            "b1's comment went with it"
        );
        assert_eq!(go!(basket::table.count(&mut db.conn)).unwrap(), 2);
    }
}
