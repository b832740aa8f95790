//! The SQLite column: the same workloads (select, join, insert, assoc) run by sqlwright's
//! SQLite backend, by hand-written `rusqlite` code with cached prepared statements
//! (`prepare_cached`, the practical limit), and by Diesel's SQLite backend, interleaved as
//! on PostgreSQL. All three link the one bundled SQLite of libsqlite3-sys 0.40 (cargo
//! allows one `links = "sqlite3"` package per build graph), and each has a connection of
//! its own to one database file; a fourth connection loads the data.
//!
//! Unlike the PostgreSQL schema, the foreign keys have indexes: SQLite has no hash join,
//! and without them the 1000-row join is a nested loop over 2000 x 2000 rows (50 ms a
//! call, all of it SQLite's), which measures no client; SQLite's documentation asks for
//! an index on every child key anyway.
//!
//! `cargo run --release --manifest-path benches/runtime/Cargo.toml -- --sqlite [only..]`
//! (`BENCH_SQLITE_ANALYZE=1`: with `ANALYZE` statistics, see `Env::reset`.)

use crate::{dl, rows, sw, Report, Run};
use diesel::{
    BelongingToDsl as _, Connection as _, ExpressionMethods as _, GroupedBy as _,
    NullableExpressionMethods as _, QueryDsl as _, RunQueryDsl as _, SelectableHelper as _,
};
use sqlwright::prelude::*;
use std::collections::HashMap;
use std::fmt::Write as _;

/// One connection per implementation, to the same database file.
pub struct Env {
    pub sw: sqlwright::SqliteConnection,
    pub rs: rusqlite::Connection,
    pub dl: diesel::SqliteConnection,
    /// Schema and data set-up.
    admin: rusqlite::Connection,
    /// The file, removed when the run ends.
    _db: sqlwright::testing::SqliteDatabase,
}

const DDL: &str = "
DROP TABLE IF EXISTS comments; DROP TABLE IF EXISTS posts; DROP TABLE IF EXISTS users;
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users, title TEXT NOT NULL);
CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts, body TEXT NOT NULL);
CREATE INDEX posts_user_id ON posts (user_id);
CREATE INDEX comments_post_id ON comments (post_id);
";

/// What sqlwright's connection sets (its WAL mode is the file's, so every connection has
/// it); the other sides get the same, so all run the same SQLite configuration.
const PRAGMAS: &str =
    "PRAGMA foreign_keys = ON; PRAGMA case_sensitive_like = ON; PRAGMA busy_timeout = 5000";

impl Env {
    pub fn open() -> Env {
        let db = sqlwright::testing::sqlite_database();
        let path = db.path();
        let path = path.to_str().expect("UTF-8 temporary path");
        let admin = rusqlite::Connection::open(path).expect("admin opens");
        admin.execute_batch(DDL).expect("schema");
        let sw = db.connect().expect("sqlwright opens");
        let rs = rusqlite::Connection::open(path).expect("rusqlite opens");
        rs.execute_batch(PRAGMAS).unwrap();
        let mut dl = diesel::SqliteConnection::establish(path).expect("diesel opens");
        diesel::connection::SimpleConnection::batch_execute(&mut dl, PRAGMAS).unwrap();
        Env {
            sw,
            rs,
            dl,
            admin,
            _db: db,
        }
    }

    /// Empties the tables and runs `sql` (which fills them). No `ANALYZE`: statistics
    /// written by this connection reach the others' plans only when they reload the
    /// schema, and a measured connection planned the 1000-row join from stale ones (a
    /// full scan of `posts` per user, 150 ms a call instead of 0.45 ms) in some runs and
    /// not in others. Without statistics SQLite's plans here are the indexed ones.
    pub fn reset(&mut self, sql: &str) {
        self.admin
            .execute_batch(&format!(
                "DELETE FROM comments; DELETE FROM posts; DELETE FROM users; {sql}"
            ))
            .expect("reset data");
        if std::env::var_os("BENCH_SQLITE_ANALYZE").is_some() {
            // Statistics on every connection (each loads its own): with STAT4 samples, a
            // statement comparing a bound parameter with an indexed column is prepared
            // again at each execution (Diesel's `IN (?, ?, ...)` on the foreign keys).
            self.admin.execute_batch("ANALYZE").unwrap();
            self.sw.batch_execute("ANALYZE").unwrap();
            self.rs.execute_batch("ANALYZE").unwrap();
            diesel::connection::SimpleConnection::batch_execute(&mut self.dl, "ANALYZE").unwrap();
        }
    }
}

/// `WITH RECURSIVE` rows 1..=n as `g(i)` (SQLite's bundled build has no generate_series).
fn series(n: usize) -> String {
    format!("WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < {n})")
}

fn checksum<'a>(ids: impl Iterator<Item = i32>, names: impl Iterator<Item = &'a str>) -> u64 {
    let ids: u64 = ids.map(|i| i as u64).sum();
    let len: u64 = names.map(|n| n.len() as u64).sum();
    ids * 31 + len
}

pub fn run(report: &mut Report, wanted: &dyn Fn(&str) -> bool, scale: usize) {
    let mut env = Env::open();
    if wanted("select") {
        for (n, rounds) in [(1, 3000), (100, 1500), (10_000, 60)] {
            select_all(&mut env, report, n, (rounds / scale).max(5));
        }
    }
    if wanted("join") {
        for (n, rounds) in [(1, 3000), (100, 1500), (1_000, 300)] {
            left_join(&mut env, report, n, (rounds / scale).max(5));
        }
    }
    if wanted("insert") {
        for (n, rounds) in [(1, 1500), (10, 1000), (100, 400)] {
            insert(&mut env, report, n, (rounds / scale).max(5));
        }
    }
    if wanted("assoc") {
        associations(&mut env, report, (300 / scale).max(5));
    }
}

/// `SELECT id, name, hair_color FROM users`, all `n` rows.
fn select_all(env: &mut Env, report: &mut Report, n: usize, rounds: usize) {
    env.reset(&format!(
        "{} INSERT INTO users (name, hair_color) SELECT 'User ' || i, CASE WHEN i % 2 = 0 THEN 'brown' END FROM g",
        series(n)
    ));
    let Env { sw, rs, dl, .. } = env;
    let mut runs: Vec<Run<'_>> = vec![
        (
            "sqlwright",
            Box::new(|| {
                let rows = sw::users::table
                    .select((sw::users::id, sw::users::name, sw::users::hair_color))
                    .load(&mut *sw)
                    .unwrap();
                checksum(rows.iter().map(|r| r.0), rows.iter().map(|r| r.1.as_str()))
            }),
        ),
        (
            "rusqlite",
            Box::new(|| {
                let mut stmt = rs
                    .prepare_cached("SELECT id, name, hair_color FROM users")
                    .unwrap();
                let rows: Vec<(i32, String, Option<String>)> = stmt
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                checksum(rows.iter().map(|r| r.0), rows.iter().map(|r| r.1.as_str()))
            }),
        ),
        (
            "diesel",
            Box::new(|| {
                let rows: Vec<(i32, String, Option<String>)> = dl::users::table
                    .select((dl::users::id, dl::users::name, dl::users::hair_color))
                    .load(&mut *dl)
                    .unwrap();
                checksum(rows.iter().map(|r| r.0), rows.iter().map(|r| r.1.as_str()))
            }),
        ),
    ];
    report.measure(&format!("select all users, {}", rows(n)), rounds, &mut runs);
}

/// `users LEFT JOIN posts WHERE hair_color = ?`, returning `n` rows.
fn left_join(env: &mut Env, report: &mut Report, n: usize, rounds: usize) {
    env.reset(&format!(
        "{} INSERT INTO users (name, hair_color) SELECT 'User ' || i, CASE WHEN i <= {n} THEN 'brown' ELSE 'black' END FROM g;
         INSERT INTO posts (user_id, title) SELECT id, 'Post of ' || name FROM users",
        series(2 * n)
    ));
    let Env { sw, rs, dl, .. } = env;
    let sum = |rows: &[(String, Option<String>)]| -> u64 {
        rows.iter()
            .map(|r| (r.0.len() + r.1.as_ref().map_or(0, String::len)) as u64)
            .sum()
    };
    let mut runs: Vec<Run<'_>> = vec![
        (
            "sqlwright",
            Box::new(|| {
                let rows = sw::users::table
                    .left_join(sw::posts::table)
                    .filter(sw::users::hair_color.eq("brown"))
                    .select((sw::users::name, sw::posts::title))
                    .load(&mut *sw)
                    .unwrap();
                sum(&rows)
            }),
        ),
        (
            "rusqlite",
            Box::new(|| {
                let mut stmt = rs
                    .prepare_cached(
                        "SELECT users.name, posts.title FROM users LEFT JOIN posts \
                         ON posts.user_id = users.id WHERE users.hair_color = ?1",
                    )
                    .unwrap();
                let rows: Vec<(String, Option<String>)> = stmt
                    .query_map(["brown"], |r| Ok((r.get(0)?, r.get(1)?)))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                sum(&rows)
            }),
        ),
        (
            "diesel",
            Box::new(|| {
                let rows: Vec<(String, Option<String>)> = dl::users::table
                    .left_join(dl::posts::table)
                    .filter(dl::users::hair_color.eq("brown"))
                    .select((dl::users::name, dl::posts::title.nullable()))
                    .load(&mut *dl)
                    .unwrap();
                sum(&rows)
            }),
        ),
    ];
    report.measure(
        &format!("users left join posts, {}", rows(n)),
        rounds,
        &mut runs,
    );
}

/// A multi-row INSERT of `n` users per call, from a `Vec`.
fn insert(env: &mut Env, report: &mut Report, n: usize, rounds: usize) {
    env.reset("SELECT 1");
    let names: Vec<String> = (0..n).map(|i| format!("New user {i}")).collect();
    let hair: Vec<Option<&str>> = (0..n).map(|i| (i % 2 == 0).then_some("red")).collect();
    let Env { sw, rs, dl, .. } = env;
    // The best hand-written code: one statement for this row count, cached.
    let mut sql = String::from("INSERT INTO users (name, hair_color) VALUES ");
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        write!(sql, "(?{}, ?{})", 2 * i + 1, 2 * i + 2).unwrap();
    }
    let mut runs: Vec<Run<'_>> = vec![
        (
            "sqlwright",
            Box::new(|| {
                let rows: Vec<_> = names
                    .iter()
                    .zip(&hair)
                    .map(|(name, hair)| {
                        (
                            sw::users::name.to(name.as_str()),
                            sw::users::hair_color.to(*hair),
                        )
                    })
                    .collect();
                insert_into(sw::users::table)
                    .values(rows)
                    .execute(&mut *sw)
                    .unwrap()
            }),
        ),
        (
            "rusqlite",
            Box::new(|| {
                let mut stmt = rs.prepare_cached(&sql).unwrap();
                let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(2 * n);
                for (name, hair) in names.iter().zip(&hair) {
                    params.push(name);
                    params.push(hair);
                }
                stmt.execute(params.as_slice()).unwrap() as u64
            }),
        ),
        (
            "diesel",
            Box::new(|| {
                let rows: Vec<dl::NewUser<'_>> = names
                    .iter()
                    .zip(&hair)
                    .map(|(name, hair)| dl::NewUser {
                        name,
                        hair_color: *hair,
                    })
                    .collect();
                diesel::insert_into(dl::users::table)
                    .values(&rows)
                    .execute(&mut *dl)
                    .unwrap() as u64
            }),
        ),
    ];
    report.measure(
        &format!("insert {n} users in one statement"),
        rounds,
        &mut runs,
    );
}

/// A JSON array of ids, as `json_each` reads it: what sqlwright binds for a list on SQLite.
fn json_ids(ids: impl Iterator<Item = i32>) -> String {
    let mut s = String::from("[");
    for (i, id) in ids.enumerate() {
        if i > 0 {
            s.push(',');
        }
        write!(s, "{id}").unwrap();
    }
    s.push(']');
    s
}

/// Users -> posts -> comments (100 / 1000 / 2000 rows, indexed foreign keys), one
/// level at a time: `with_children` + `with_grandchildren` (sqlwright), `belonging_to` + `grouped_by` (Diesel,
/// `IN (?, ?, ...)`), and hand-written cached statements `IN (SELECT value FROM
/// json_each(?1))` (the statement sqlwright sends) grouped in a `HashMap`.
fn associations(env: &mut Env, report: &mut Report, rounds: usize) {
    env.reset(&format!(
        "{} INSERT INTO users (name) SELECT 'User ' || i FROM g;
         WITH RECURSIVE p(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM p WHERE k < 10)
         INSERT INTO posts (user_id, title) SELECT u.id, 'Post ' || k FROM users u, p ORDER BY u.id, k;
         WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c WHERE k < 2)
         INSERT INTO comments (post_id, body) SELECT p.id, 'Comment ' || k FROM posts p, c ORDER BY p.id, k",
        series(100)
    ));
    let Env { sw, rs, dl, .. } = env;
    let tally = |users: usize, posts: usize, comments: usize| -> u64 {
        (users as u64) * 1_000_000_000 + (posts as u64) * 100_000 + comments as u64
    };
    let mut runs: Vec<Run<'_>> = vec![
        (
            "sqlwright",
            Box::new(|| {
                let users: Vec<sw::User> = sw::users::table
                    .select(sw::User::as_select())
                    .load(&mut *sw)
                    .unwrap();
                let tree: sw::Tree = users
                    .with_children(sw::posts::user_id, &mut *sw)
                    .unwrap()
                    .with_grandchildren(sw::comments::post_id, &mut *sw)
                    .unwrap();
                let posts = tree.iter().flat_map(|(_, posts)| posts);
                tally(
                    tree.len(),
                    posts.clone().count(),
                    posts.map(|(_, comments)| comments.len()).sum(),
                )
            }),
        ),
        (
            "rusqlite",
            Box::new(|| {
                type Row3 = (i32, i32, String);
                let users: Vec<(i32, String, Option<String>)> = rs
                    .prepare_cached("SELECT id, name, hair_color FROM users")
                    .unwrap()
                    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                let mut by_user: HashMap<i32, Vec<Row3>> = HashMap::new();
                {
                    let mut stmt = rs
                        .prepare_cached(
                            "SELECT id, user_id, title FROM posts \
                             WHERE user_id IN (SELECT value FROM json_each(?1))",
                        )
                        .unwrap();
                    let mut q = stmt.query([json_ids(users.iter().map(|u| u.0))]).unwrap();
                    while let Some(r) = q.next().unwrap() {
                        let row: Row3 = (r.get(0).unwrap(), r.get(1).unwrap(), r.get(2).unwrap());
                        by_user.entry(row.1).or_default().push(row);
                    }
                }
                let posts: Vec<Row3> = users
                    .iter()
                    .flat_map(|u| by_user.remove(&u.0).unwrap_or_default())
                    .collect();
                let mut by_post: HashMap<i32, Vec<Row3>> = HashMap::new();
                {
                    let mut stmt = rs
                        .prepare_cached(
                            "SELECT id, post_id, body FROM comments \
                             WHERE post_id IN (SELECT value FROM json_each(?1))",
                        )
                        .unwrap();
                    let mut q = stmt.query([json_ids(posts.iter().map(|p| p.0))]).unwrap();
                    while let Some(r) = q.next().unwrap() {
                        let row: Row3 = (r.get(0).unwrap(), r.get(1).unwrap(), r.get(2).unwrap());
                        by_post.entry(row.1).or_default().push(row);
                    }
                }
                let comments: Vec<Vec<Row3>> = posts
                    .iter()
                    .map(|p| by_post.remove(&p.0).unwrap_or_default())
                    .collect();
                tally(
                    users.len(),
                    posts.len(),
                    comments.iter().map(Vec::len).sum(),
                )
            }),
        ),
        (
            "diesel",
            Box::new(|| {
                let users: Vec<dl::User> = dl::users::table
                    .select(dl::User::as_select())
                    .load(&mut *dl)
                    .unwrap();
                let posts: Vec<dl::Post> = dl::Post::belonging_to(&users)
                    .select(dl::Post::as_select())
                    .load(&mut *dl)
                    .unwrap();
                let comments: Vec<dl::Comment> = dl::Comment::belonging_to(&posts)
                    .select(dl::Comment::as_select())
                    .load(&mut *dl)
                    .unwrap();
                let per_post: Vec<Vec<dl::Comment>> = comments.grouped_by(&posts);
                let per_user: Vec<Vec<dl::Post>> = posts.grouped_by(&users);
                tally(
                    users.len(),
                    per_user.iter().map(Vec::len).sum(),
                    per_post.iter().map(Vec::len).sum(),
                )
            }),
        ),
    ];
    report.measure(
        "users -> posts -> comments (100/1000/2000 rows, 3 statements)",
        rounds,
        &mut runs,
    );
}
