//! How lists are matched so that a prepared statement's plan fits every list: fewer than 9
//! values as `= ANY($1)`, 9 or more as `IN (SELECT unnest($1))`, whose generic plan hashes
//! the list (or probes an index) where `= ANY($1)`'s tests every row against every element
//! (docs/design.md, "Plans that fit the parameters"). Both stay named statements, prepared
//! once.

use crate::setup;
use sqlwright::prelude::*;

sqlwright::table! {
    users (id) {
        id -> Int4,
        name -> Text,
    }
    posts (id) {
        id -> Int4,
        #[references(users::id)] user_id -> Int4,
        title -> Text,
    }
}

#[derive(sqlwright::Row, Debug, Clone)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    name: String,
}

#[derive(sqlwright::Row, Debug)]
#[sqlwright(table = posts)]
struct Post {
    id: i32,
    user_id: i32,
    title: String,
}

// A foreign key without an index, as PostgreSQL leaves it.
const SCHEMA: &str = "
    CREATE TABLE users (id int4 PRIMARY KEY, name text NOT NULL);
    CREATE TABLE posts (id int4 PRIMARY KEY, user_id int4 NOT NULL REFERENCES users, title text NOT NULL);
    INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 100) g;
    INSERT INTO posts SELECT g, 1 + g % 100, 'p' || g FROM generate_series(1, 2000) g;
    ANALYZE;";

/// The server's prepared statements of this session: (name, text, executions).
fn prepared(conn: &mut Connection) -> Vec<(String, String, i64)> {
    conn.query_text(
        "SELECT name, statement, generic_plans + custom_plans FROM pg_prepared_statements \
         WHERE statement LIKE '%posts%' OR statement LIKE '%users%'",
    )
    .unwrap()
    .into_iter()
    .map(|r| {
        let text = |i: usize| r[i].clone().unwrap_or_default();
        (text(0), text(1), text(2).parse().unwrap())
    })
    .collect()
}

/// The generic plan PostgreSQL keeps for prepared statement `name`, run with `list`.
fn generic_plan(conn: &mut Connection, name: &str, list: &str) -> String {
    conn.batch_execute("SET plan_cache_mode = force_generic_plan")
        .unwrap();
    let plan = conn
        .query_text(&format!("EXPLAIN EXECUTE {name}('{list}')"))
        .unwrap()
        .into_iter()
        .map(|r| r[0].clone().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    conn.batch_execute("RESET plan_cache_mode").unwrap();
    plan
}

#[test]
fn long_lists_are_matched_through_unnest_and_short_ones_with_any_both_prepared_once() {
    let mut db = setup(SCHEMA);
    for round in 0..10 {
        let ids: Vec<i32> = (1..=50 + round).collect();
        let found = posts::table
            .filter(posts::user_id.in_(ids.clone()))
            .select(posts::id)
            .load(&mut db.conn)
            .unwrap();
        assert_eq!(found.len(), 20 * ids.len());
        let few = posts::table
            .filter(posts::user_id.in_([1, 2, round + 3]))
            .select(posts::id)
            .load(&mut db.conn)
            .unwrap();
        assert_eq!(few.len(), 60);
        let outside = posts::table
            .filter(posts::user_id.not_in(ids.clone()))
            .select(posts::id)
            .load(&mut db.conn)
            .unwrap();
        assert_eq!(outside.len() + found.len(), 2000);
    }
    let statements = prepared(&mut db.conn);
    let find = |needle: &str| {
        statements
            .iter()
            .find(|(_, sql, _)| sql.contains(needle))
            .unwrap_or_else(|| panic!("no statement with {needle}: {statements:?}"))
            .clone()
    };
    let (long, _, runs) = find(r#""posts"."user_id" IN (SELECT unnest($1))"#);
    assert_eq!(runs, 10);
    let (_, _, runs) = find(r#""posts"."user_id" = ANY($1)"#);
    assert_eq!(runs, 10);
    let (_, _, runs) = find("NOT IN (SELECT unnest($1))");
    assert_eq!(runs, 10);
    // The long list's generic plan hashes the list instead of testing every row against it.
    let plan = generic_plan(&mut db.conn, &long, "{1,2,3,4,5,6,7,8,9,10}");
    assert!(plan.contains("Hash"), "{plan}");
    assert!(!plan.contains("= ANY"), "{plan}");
}

#[test]
fn relation_loaders_keep_a_generic_plan_that_hashes_the_keys() {
    let mut db = setup(SCHEMA);
    let users: Vec<User> = users::table
        .select(User::as_select())
        .load(&mut db.conn)
        .unwrap();
    for _ in 0..12 {
        let posts: Vec<Vec<Post>> = users
            .clone()
            .with_children(posts::user_id, &mut db.conn)
            .unwrap()
            .into_iter()
            .map(|(_, posts)| posts)
            .collect();
        assert_eq!(posts.iter().map(Vec::len).sum::<usize>(), 2000);
        assert!(posts
            .iter()
            .zip(&users)
            .all(|(ps, u)| ps.len() == 20 && ps.iter().all(|p| p.user_id == u.id)));
        assert!(posts
            .iter()
            .flatten()
            .all(|p| p.title == format!("p{}", p.id)));
    }
    let statements = prepared(&mut db.conn);
    let (name, _, runs) = statements
        .iter()
        .find(|(_, sql, _)| sql.contains("unnest"))
        .unwrap_or_else(|| panic!("the loader's statement: {statements:?}"))
        .clone();
    assert_eq!(runs, 12, "one prepared statement, run 12 times");
    let plan = generic_plan(&mut db.conn, &name, "{1,2,3,4,5,6,7,8,9,10}");
    assert!(plan.contains("Hash"), "{plan}");
    assert!(!plan.contains("= ANY"), "{plan}");
}
