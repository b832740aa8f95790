//! Which statements are prepared once and which are planned with their values each time:
//! a statement with an array parameter of 9 elements or more (`in_` lists, relation
//! loaders) runs as the unnamed statement, parsed and planned with the array every time,
//! because a cached generic plan searches the array linearly for every row (docs/design.md,
//! "Plans that fit the parameters"). Everything else stays a named statement, prepared once.

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

#[derive(sqlwright::Row, Debug)]
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

/// The server's prepared statements of this session: (text, generic plans, custom plans).
fn prepared(conn: &mut Connection) -> Vec<(String, i64, i64)> {
    conn.query_text(
        "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements \
         WHERE statement LIKE '%posts%' OR statement LIKE '%users%'",
    )
    .unwrap()
    .into_iter()
    .map(|r| {
        let n = |i: usize| r[i].as_deref().unwrap_or("0").parse().unwrap();
        (r[0].clone().unwrap(), n(1), n(2))
    })
    .collect()
}

#[test]
fn array_parameters_are_planned_with_their_values_and_scalars_are_prepared_once() {
    let mut db = setup(SCHEMA);
    for round in 0..10 {
        let ids: Vec<i32> = (1..=50 + round).collect();
        let found = users::table
            .filter(users::id.in_(ids.clone()))
            .select(users::id)
            .load(&mut db.conn)
            .unwrap();
        assert_eq!(found.len(), ids.len());
        let one = users::table
            .filter(users::id.eq(round + 1))
            .select(users::name)
            .load(&mut db.conn)
            .unwrap();
        assert_eq!(one, vec![format!("u{}", round + 1)]);
    }
    // A short list (under 9 values) is searched element by element whatever the plan: it
    // stays a named statement.
    for round in 0..10 {
        let few = users::table
            .filter(users::id.in_([1, 2, round + 3]))
            .select(users::id)
            .load(&mut db.conn)
            .unwrap();
        assert_eq!(few.len(), 3);
    }
    let statements = prepared(&mut db.conn);
    assert!(
        statements
            .iter()
            .any(|(sql, g, c)| sql.contains("ANY") && g + c == 10),
        "{statements:?}"
    );
    // The scalar query is one named statement, run ten times.
    assert!(
        statements
            .iter()
            .any(|(sql, g, c)| sql.contains("= $1") && g + c == 10),
        "{statements:?}"
    );
    // The long lists are no named statement at all: the only one with ANY is the short
    // lists' (ten executions).
    assert_eq!(
        statements
            .iter()
            .filter(|(sql, ..)| sql.contains("ANY"))
            .count(),
        1,
        "{statements:?}"
    );
}

#[test]
fn relation_loaders_are_planned_with_their_keys_every_time() {
    let mut db = setup(SCHEMA);
    let users: Vec<User> = users::table
        .select(User::as_select())
        .load(&mut db.conn)
        .unwrap();
    for _ in 0..12 {
        let posts: Vec<Vec<Post>> = users.load_children(posts::user_id, &mut db.conn).unwrap();
        assert_eq!(posts.iter().map(Vec::len).sum::<usize>(), 2000);
        assert!(posts
            .iter()
            .zip(&users)
            .all(|(ps, u)| ps.iter().all(|p| p.user_id == u.id)));
        assert!(posts
            .iter()
            .all(|ps| ps.iter().all(|p| !p.title.is_empty())));
    }
    let statements = prepared(&mut db.conn);
    assert!(
        statements.iter().all(|(sql, ..)| !sql.contains("ANY")),
        "the loader's statement was prepared: {statements:?}"
    );
    // Its result is still streamed through the cached description: one statement per
    // call, and the cache knows it.
    assert!(db.conn.cached_statements() >= 2);
}
