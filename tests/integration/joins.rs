//! Every join kind, on PostgreSQL and SQLite, with the NULL rows that outer joins produce:
//! checked against the rows the data gives, and on PostgreSQL also against the same SQL
//! written by hand.

use crate::both::{spelled, text_of, with, HandWritten};
use crate::twice::twice;
use sqlwright::prelude::*;

sqlwright::table! {
    people (id) {
        id -> Int4,
        name -> Text,
        #[references(people::id, name = referrer)]
        referred_by -> Nullable<Int4>,
    }
    articles (id) {
        id -> Int4,
        #[references(people::id)]
        author_id -> Int4,
        #[references(people::id)]
        editor_id -> Nullable<Int4>,
        title -> Text,
    }
    remarks (id) {
        id -> Int4,
        #[references(articles::id)]
        article_id -> Int4,
        #[references(people::id)]
        person_id -> Int4,
        body -> Text,
    }
}

sqlwright::alias!(editor = people, referrer_alias = people);

pub const DDL: &str = concat!(
    "
CREATE TABLE people (id int4 PRIMARY KEY, name text NOT NULL, referred_by int4 REFERENCES people);
CREATE TABLE articles (id int4 PRIMARY KEY, author_id int4 NOT NULL REFERENCES people,
    editor_id int4 REFERENCES people, title text NOT NULL);
CREATE TABLE remarks (id int4 PRIMARY KEY, article_id int4 NOT NULL REFERENCES articles,
    person_id int4 NOT NULL REFERENCES people, body text NOT NULL);",
    rows!()
);

/// The tables, for [`with`] on any backend.
pub const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(people, articles, remarks);

/// The rows of [`DDL`], as portable INSERT text.
pub const ROWS: &str = rows!();

macro_rules! rows {
    () => {
        "
INSERT INTO people VALUES (1, 'Ann', NULL), (2, 'Bob', 1), (3, 'Cid', 1), (4, 'Dee', 3);
INSERT INTO articles VALUES (10, 1, 2, 'Rust'), (11, 1, NULL, 'SQL'), (12, 2, 1, 'Types'),
    (13, 4, NULL, 'Lonely');
INSERT INTO remarks VALUES (100, 10, 2, 'nice'), (101, 10, 3, 'long'), (102, 12, 1, 'ok'),
    (103, 11, 2, 'hm');
"
    };
}
use rows;

/// Asserts that `typed` are the rows `sql` gives when written by hand, on PostgreSQL.
fn same_by_hand<T: PartialEq + std::fmt::Debug>(
    db: &impl HandWritten,
    typed: &[T],
    sql: &str,
    f: impl Fn(&postgres::Row) -> T,
) {
    if let Some(hand) = db.by_hand(sql, f) {
        assert_eq!(typed, hand);
    }
}

twice! {
    fn inner_join_on_the_declared_foreign_key<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        let q = people::table
            .inner_join(remarks::table)
            .select((people::name, remarks::body))
            .order_by(remarks::id);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(r#"SELECT "people"."name", "remarks"."body" FROM "people" INNER JOIN "remarks" ON "remarks"."person_id" = "people"."id" ORDER BY "remarks"."id""#)
        );
        let typed: Vec<(String, String)> = go!(q.load(&mut db.conn)).unwrap();
        same_by_hand(
            &db,
            &typed,
            "SELECT p.name, r.body FROM people p JOIN remarks r ON r.person_id = p.id ORDER BY r.id",
            |r| (r.get(0), r.get(1)),
        );
        let pairs = |rows: &[(&str, &str)]| -> Vec<(String, String)> {
            rows.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        assert_eq!(
            typed,
            pairs(&[
                ("Bob", "nice"),
                ("Cid", "long"),
                ("Ann", "ok"),
                ("Bob", "hm")
            ])
        );
    }

    fn left_join_gives_options_and_null_rows<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        let q = people::table
            .left_join(remarks::table)
            .select((people::name, remarks::body, remarks::id))
            .order_by((people::id, remarks::id));
        let typed: Vec<(String, Option<String>, Option<i32>)> = go!(q.load(&mut db.conn)).unwrap();
        same_by_hand(
            &db,
            &typed,
            "SELECT p.name, r.body, r.id FROM people p LEFT JOIN remarks r ON r.person_id = p.id
         ORDER BY p.id, r.id",
            |r| (r.get(0), r.get(1), r.get(2)),
        );
        assert!(
            typed.contains(&("Dee".to_string(), None, None)),
            "{typed:?}"
        );
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            typed,
            vec![
                ("Ann".to_string(), some("ok"), Some(102)),
                ("Bob".to_string(), some("nice"), Some(100)),
                ("Bob".to_string(), some("hm"), Some(103)),
                ("Cid".to_string(), some("long"), Some(101)),
                ("Dee".to_string(), None, None),
            ]
        );
    }

    // FULL JOIN, which MySQL lacks.
    fn right_and_full_joins_make_the_other_side_optional<B: PgOrSqlite>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        // right join: every article, its remarks' ids optional on the left
        let typed: Vec<(Option<i32>, String)> = go!(remarks::table
            .right_join(articles::table)
            .select((remarks::id, articles::title))
            .order_by((articles::id, remarks::id))
            .load(&mut db.conn))
            .unwrap();
        same_by_hand(
            &db,
            &typed,
            "SELECT r.id, a.title FROM remarks r RIGHT JOIN articles a ON r.article_id = a.id
         ORDER BY a.id, r.id",
            |r| (r.get(0), r.get(1)),
        );
        assert!(typed.contains(&(None, "Lonely".to_string())));
        assert_eq!(
            typed,
            vec![
                (Some(100), "Rust".to_string()),
                (Some(101), "Rust".to_string()),
                (Some(103), "SQL".to_string()),
                (Some(102), "Types".to_string()),
                (None, "Lonely".to_string()),
            ]
        );

        // full join: both sides optional
        let typed: Vec<(Option<String>, Option<String>)> = go!(articles::table
            .full_join(remarks::table)
            .select((articles::title, remarks::body))
            .order_by((articles::id, remarks::id))
            .load(&mut db.conn))
            .unwrap();
        same_by_hand(
            &db,
            &typed,
            "SELECT a.title, r.body FROM articles a FULL JOIN remarks r ON r.article_id = a.id
         ORDER BY a.id, r.id",
            |r| (r.get(0), r.get(1)),
        );
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            typed,
            vec![
                (some("Rust"), some("nice")),
                (some("Rust"), some("long")),
                (some("SQL"), some("hm")),
                (some("Types"), some("ok")),
                (some("Lonely"), None),
            ]
        );
    }

    fn cross_join<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        let typed: Vec<(i32, i32)> = go!(people::table
            .cross_join(articles::table)
            .select((people::id, articles::id))
            .filter(people::id.lt(3))
            .order_by((people::id, articles::id))
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(typed.len(), 8);
        same_by_hand(
            &db,
            &typed,
            "SELECT p.id, a.id FROM people p CROSS JOIN articles a WHERE p.id < 3 ORDER BY p.id, a.id",
            |r| (r.get(0), r.get(1)),
        );
        assert_eq!(
            typed,
            [1, 2]
                .iter()
                .flat_map(|p| [10, 11, 12, 13].map(|a| (*p, a)))
                .collect::<Vec<_>>()
        );
    }

    fn three_tables_and_a_join_found_from_any_table_in_the_query<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        // remarks relates to people (person_id) and articles (article_id): after people, the
        // key to people is used; then articles joins on remarks.article_id.
        let q = people::table
            .inner_join(remarks::table)
            .inner_join_on(articles::table, remarks::article_id.eq(articles::id))
            .filter(articles::title.ne("SQL"))
            .select((people::name, articles::title, remarks::body))
            .order_by(remarks::id);
        let typed: Vec<(String, String, String)> = go!(q.load(&mut db.conn)).unwrap();
        same_by_hand(
            &db,
            &typed,
            "SELECT p.name, a.title, r.body FROM people p JOIN remarks r ON r.person_id = p.id
         JOIN articles a ON r.article_id = a.id WHERE a.title <> 'SQL' ORDER BY r.id",
            |r| (r.get(0), r.get(1), r.get(2)),
        );
        let triple = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(
            typed,
            vec![
                triple("Bob", "Rust", "nice"),
                triple("Cid", "Rust", "long"),
                triple("Ann", "Types", "ok"),
            ]
        );
        // articles is found from remarks (not from people, whose two keys are ambiguous);
        // `count()` reads the join as a derived table, whose three `id` columns get aliases
        // of their own on MySQL (which refuses two columns of one name there)
        let n = go!(remarks::table
            .inner_join(articles::table)
            .left_join_on(people::table, people::id.eq(remarks::person_id))
            .count(&mut db.conn))
            .unwrap();
        assert_eq!(n, 4);
        let distinct = go!(remarks::table
            .inner_join(articles::table)
            .select((articles::id, articles::title))
            .distinct()
            .count(&mut db.conn))
            .unwrap();
        // remarks are on articles 10, 11 and 12
        assert_eq!(distinct, 3);
    }

    fn the_foreign_key_is_found_among_any_number_of_sources<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        // With two sources in the query (articles and the alias editor), remarks joins along its
        // one key to a source of the query (remarks.article_id): its key to people does not
        // count, since people is only in the query as an alias.
        let q = articles::table
            .left_join_on(editor, articles::editor_id.eq(editor.col(people::id)))
            .inner_join(remarks::table)
            .inner_join_on(people::table, people::id.eq(remarks::person_id))
            .select((articles::title, editor.col(people::name), people::name))
            .order_by(remarks::id);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(r#"SELECT "articles"."title", "editor"."name", "people"."name" FROM "articles" LEFT JOIN "people" AS "editor" ON "articles"."editor_id" = "editor"."id" INNER JOIN "remarks" ON "remarks"."article_id" = "articles"."id" INNER JOIN "people" ON "people"."id" = "remarks"."person_id" ORDER BY "remarks"."id""#)
        );
        let typed: Vec<(String, Option<String>, String)> = go!(q.load(&mut db.conn)).unwrap();
        same_by_hand(
            &db,
            &typed,
            "SELECT a.title, e.name, p.name FROM articles a LEFT JOIN people e ON a.editor_id = e.id
         JOIN remarks r ON r.article_id = a.id JOIN people p ON p.id = r.person_id ORDER BY r.id",
            |r| (r.get(0), r.get(1), r.get(2)),
        );
        let row =
            |a: &str, e: Option<&str>, p: &str| (a.to_string(), e.map(String::from), p.to_string());
        assert_eq!(
            typed,
            vec![
                row("Rust", Some("Bob"), "Bob"),
                row("Rust", Some("Bob"), "Cid"),
                row("Types", Some("Ann"), "Ann"),
                row("SQL", None, "Bob"),
            ]
        );
    }

    fn named_join_paths_and_aliases_for_the_same_table_twice<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        let q = articles::table
            .inner_join(articles::author)
            .left_join_on(editor, articles::editor_id.eq(editor.col(people::id)))
            .select((articles::title, people::name, editor.col(people::name)))
            .order_by(articles::id);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(r#"SELECT "articles"."title", "people"."name", "editor"."name" FROM "articles" INNER JOIN "people" ON "articles"."author_id" = "people"."id" LEFT JOIN "people" AS "editor" ON "articles"."editor_id" = "editor"."id" ORDER BY "articles"."id""#)
        );
        let typed: Vec<(String, String, Option<String>)> = go!(q.load(&mut db.conn)).unwrap();
        same_by_hand(
            &db,
            &typed,
            "SELECT a.title, au.name, ed.name FROM articles a JOIN people au ON a.author_id = au.id
         LEFT JOIN people ed ON a.editor_id = ed.id ORDER BY a.id",
            |r| (r.get(0), r.get(1), r.get(2)),
        );
        let row =
            |a: &str, au: &str, e: Option<&str>| (a.to_string(), au.to_string(), e.map(String::from));
        assert_eq!(
            typed,
            vec![
                row("Rust", "Ann", Some("Bob")),
                row("SQL", "Ann", None),
                row("Types", "Bob", Some("Ann")),
                row("Lonely", "Dee", None),
            ]
        );
        // the editor path alone
        let edited: Vec<String> = go!(articles::table
            .inner_join(articles::editor)
            .select(articles::title)
            .order_by(articles::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(edited, ["Rust", "Types"]);
    }

    fn self_join_through_an_alias<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        let q = people::table
            .left_join_on(
                referrer_alias,
                people::referred_by.eq(referrer_alias.col(people::id)),
            )
            .select((people::name, referrer_alias.col(people::name)))
            .order_by(people::id);
        let typed: Vec<(String, Option<String>)> = go!(q.load(&mut db.conn)).unwrap();
        same_by_hand(
            &db,
            &typed,
            "SELECT p.name, r.name FROM people p LEFT JOIN people r ON p.referred_by = r.id ORDER BY p.id",
            |r| (r.get(0), r.get(1)),
        );
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            typed,
            vec![
                ("Ann".to_string(), None),
                ("Bob".to_string(), some("Ann")),
                ("Cid".to_string(), some("Ann")),
                ("Dee".to_string(), some("Cid")),
            ]
        );
        // the self-referencing key as a named path
        let referred: Vec<(String, String)> = go!(people::table
            .inner_join_on(
                referrer_alias,
                people::referred_by.eq(referrer_alias.col(people::id)),
            )
            .filter(referrer_alias.col(people::name).eq("Ann"))
            .select((people::name, referrer_alias.col(people::name)))
            .order_by(people::name)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            referred,
            [("Bob".into(), "Ann".into()), ("Cid".into(), "Ann".into())]
        );
    }

    fn whole_tables_and_structs_through_outer_joins<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        // the default selection of a join: each table whole, the optional one as Option<tuple>
        let rows = go!(people::table
            .left_join(remarks::table)
            .filter(people::id.gt(2))
            .order_by((people::id, remarks::id))
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            rows,
            vec![
                (
                    (3, "Cid".to_string(), Some(1)),
                    Some((101, 10, 3, "long".to_string()))
                ),
                ((4, "Dee".to_string(), Some(3)), None),
            ]
        );
        // a struct of the optional table loads as Option<Struct>
        let rows: Vec<(String, Option<Remark>)> = go!(people::table
            .left_join(remarks::table)
            .filter(people::id.gt(2))
            .select((people::name, Remark::as_select()))
            .order_by(people::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            rows,
            vec![
                (
                    "Cid".to_string(),
                    Some(Remark {
                        id: 101,
                        body: "long".into()
                    })
                ),
                ("Dee".to_string(), None),
            ]
        );
        // a whole table as one item of a select list
        let rows = go!(articles::table
            .inner_join(articles::author)
            .filter(articles::id.eq(12))
            .select((articles::title, people::table))
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            rows,
            vec![("Types".to_string(), (2, "Bob".to_string(), Some(1)))]
        );
    }
}

#[derive(sqlwright::Row, Debug, PartialEq)]
#[sqlwright(table = remarks)]
struct Remark {
    id: i32,
    body: String,
}
