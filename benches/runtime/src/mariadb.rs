//! The MySQL column: the same workloads (select, join, insert; not yet assoc) on MariaDB, run by
//! sqlwright's `Connection<Mysql>`, by hand-written `mysql` crate code with prepared
//! statements (each statement prepared once and kept, the practical limit with that
//! crate), and by Diesel's MySQL backend (libmysqlclient, here MariaDB's Connector/C),
//! interleaved as on PostgreSQL. Each side has a connection of its own to one database; a
//! fourth (sqlwright's) loads the data.
//!
//! The server: `MARIADB_URL`, else a throwaway MariaDB of `sqlwright::testing`.
//! `cargo run --release --manifest-path benches/runtime/Cargo.toml -- --mysql [only..]`

use crate::{dl, rows, sw, Report, Run};
use diesel::{
    Connection as _, ExpressionMethods as _, NullableExpressionMethods as _, QueryDsl as _,
    RunQueryDsl as _,
};
use mysql::prelude::Queryable as _;
use sqlwright::prelude::*;

/// One connection per implementation, to the same database.
pub struct Env {
    pub sw: sqlwright::MysqlConnection,
    pub my: mysql::Conn,
    pub dl: diesel::MysqlConnection,
    /// Schema and data set-up.
    admin: sqlwright::MysqlConnection,
    /// The database, dropped when the run ends.
    _db: sqlwright::testing::MariadbDatabase,
}

const DDL: &str = "
CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, name TEXT NOT NULL, hair_color TEXT NULL);
CREATE TABLE posts (id INT AUTO_INCREMENT PRIMARY KEY, user_id INT NOT NULL REFERENCES users (id), title TEXT NOT NULL);
CREATE TABLE comments (id INT AUTO_INCREMENT PRIMARY KEY, post_id INT NOT NULL REFERENCES posts (id), body TEXT NOT NULL);
";

impl Env {
    pub fn open() -> Env {
        let db = sqlwright::testing::mariadb_database();
        let url = db.url().to_string_with_password();
        let mut admin = db.connect().expect("sqlwright connects");
        admin.batch_execute(DDL).expect("schema");
        let sw = db.connect().expect("sqlwright connects");
        let opts = mysql::Opts::from_url(&url).expect("the mysql crate reads the URL");
        let my = mysql::Conn::new(mysql::OptsBuilder::from_opts(opts).stmt_cache_size(64))
            .expect("the mysql crate connects");
        let dl = diesel::MysqlConnection::establish(&url).expect("diesel connects");
        Env {
            sw,
            my,
            dl,
            admin,
            _db: db,
        }
    }

    /// Empties the tables and runs `sql` (which fills them).
    pub fn reset(&mut self, sql: &str) {
        self.admin
            .batch_execute(&format!(
                "SET SESSION max_recursive_iterations = 100000; \
                 SET FOREIGN_KEY_CHECKS = 0; TRUNCATE comments; TRUNCATE posts; TRUNCATE users; \
                 SET FOREIGN_KEY_CHECKS = 1; {sql}; ANALYZE TABLE users, posts, comments"
            ))
            .expect("reset data");
    }
}

/// A recursive CTE of rows 1..=n as `g(i)` (MariaDB stops a recursion after
/// `max_recursive_iterations`, 1000 by default, with a warning only: `reset` raises it).
fn series(n: usize) -> String {
    format!("WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < {n})")
}

fn checksum<'a>(ids: impl Iterator<Item = i32>, names: impl Iterator<Item = &'a str>) -> u64 {
    let ids: u64 = ids.map(|i| i as u64).sum();
    let len: u64 = names.map(|n| n.len() as u64).sum();
    ids * 31 + len
}

/// `BENCH_SIZES=1,100` runs only those sizes of each workload (callgrind.sh measures one
/// size at a time, with fewer calls for the large ones).
pub fn run(report: &mut Report, wanted: &dyn Fn(&str) -> bool, scale: usize) {
    let sizes: Option<Vec<usize>> = std::env::var("BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.parse().ok()).collect());
    let size = |n: &usize| sizes.as_ref().is_none_or(|s| s.contains(n));
    let mut env = Env::open();
    if wanted("select") {
        for (n, rounds) in [(1, 3000), (100, 1500), (10_000, 60)] {
            if size(&n) {
                select_all(&mut env, report, n, (rounds / scale).max(5));
            }
        }
    }
    if wanted("join") {
        for (n, rounds) in [(1, 3000), (100, 1500), (1_000, 300)] {
            if size(&n) {
                left_join(&mut env, report, n, (rounds / scale).max(5));
            }
        }
    }
    if wanted("insert") {
        for (n, rounds) in [(1, 1500), (10, 1000), (100, 400)] {
            if size(&n) {
                insert(&mut env, report, n, (rounds / scale).max(5));
            }
        }
    }
    // No `assoc`: `with_children` renders PostgreSQL's `unnest($1)` on MySQL too (MariaDB:
    // "FUNCTION unnest does not exist"); see BENCHMARKS.md, session 11.
}

/// `SELECT id, name, hair_color FROM users`, all `n` rows.
fn select_all(env: &mut Env, report: &mut Report, n: usize, rounds: usize) {
    env.reset(&format!(
        "INSERT INTO users (name, hair_color) {} SELECT CONCAT('User ', i), \
         CASE WHEN i % 2 = 0 THEN 'brown' END FROM g",
        series(n)
    ));
    let Env { sw, my, dl, .. } = env;
    let stmt = my.prep("SELECT id, name, hair_color FROM users").unwrap();
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
            "mysql",
            Box::new(|| {
                let rows: Vec<(i32, String, Option<String>)> = my.exec(&stmt, ()).unwrap();
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
        "INSERT INTO users (name, hair_color) {} SELECT CONCAT('User ', i), \
         CASE WHEN i <= {n} THEN 'brown' ELSE 'black' END FROM g;
         INSERT INTO posts (user_id, title) SELECT id, CONCAT('Post of ', name) FROM users",
        series(2 * n)
    ));
    let Env { sw, my, dl, .. } = env;
    let stmt = my
        .prep(
            "SELECT users.name, posts.title FROM users LEFT JOIN posts \
             ON posts.user_id = users.id WHERE users.hair_color = ?",
        )
        .unwrap();
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
            "mysql",
            Box::new(|| {
                let rows: Vec<(String, Option<String>)> = my.exec(&stmt, ("brown",)).unwrap();
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

/// `INSERT ... VALUES (?, ?), (?, ?), ...` with `n` rows: the hand-written statement text.
fn values_sql(n: usize) -> String {
    let mut sql = String::from("INSERT INTO users (name, hair_color) VALUES ");
    for i in 0..n {
        sql.push_str(if i > 0 { ", (?, ?)" } else { "(?, ?)" });
    }
    sql
}

/// A multi-row INSERT of `n` users per call, from a `Vec`.
fn insert(env: &mut Env, report: &mut Report, n: usize, rounds: usize) {
    env.reset("SELECT 1");
    let names: Vec<String> = (0..n).map(|i| format!("New user {i}")).collect();
    let hair: Vec<Option<&str>> = (0..n).map(|i| (i % 2 == 0).then_some("red")).collect();
    let Env { sw, my, dl, .. } = env;
    // The best hand-written code: one statement for this row count, prepared once.
    let stmt = my.prep(values_sql(n)).unwrap();
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
            "mysql",
            Box::new(|| {
                let mut params: Vec<mysql::Value> = Vec::with_capacity(2 * n);
                for (name, hair) in names.iter().zip(&hair) {
                    params.push(name.as_str().into());
                    params.push((*hair).into());
                }
                my.exec_drop(&stmt, params).unwrap();
                my.affected_rows()
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

/// Bulk loads on MariaDB (COPY's counterpart): `rows` users stored one INSERT per row, in
/// multi-row INSERT batches of several sizes (sqlwright's `insert_into(..).values(vec)`,
/// and hand-written prepared statements), and by `LOAD DATA LOCAL INFILE` (hand-written,
/// the `mysql` crate's local-infile handler). Each load is one transaction. Wall time of
/// one load each (the server's work dominates), best of three, as rows per second.
pub fn bulk_load(rows: usize) {
    let mut env = Env::open();
    let names: Vec<String> = (0..rows).map(|i| format!("Bulk user {i}")).collect();
    let hair = |i: usize| (i % 2 == 0).then_some("red");
    let count = |env: &mut Env| -> usize {
        env.my
            .query_first::<u64, _>("SELECT COUNT(*) FROM users")
            .unwrap()
            .unwrap() as usize
    };
    let time = |label: &str, env: &mut Env, load: &mut dyn FnMut(&mut Env) -> usize| {
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            env.reset("SELECT 1");
            let started = std::time::Instant::now();
            // One transaction per load (the server's commit, with its log flush, once),
            // started and ended on each side's own connection as SQL text.
            env.sw.batch_execute("START TRANSACTION").unwrap();
            env.my.query_drop("START TRANSACTION").unwrap();
            let stored = load(env);
            env.my.query_drop("COMMIT").unwrap();
            env.sw.batch_execute("COMMIT").unwrap();
            let secs = started.elapsed().as_secs_f64();
            assert_eq!(stored, count(env), "{label}");
            best = best.min(secs / stored as f64);
        }
        println!("| {label} | {:.0} |", 1.0 / best);
    };
    println!("\n| MariaDB bulk load | rows/s |\n|---|---:|");
    let one_by_one = rows.min(10_000);
    time(
        &format!("sqlwright, one INSERT per row ({one_by_one} rows)"),
        &mut env,
        &mut |env| {
            for (i, name) in names.iter().take(one_by_one).enumerate() {
                insert_into(sw::users::table)
                    .values((
                        sw::users::name.to(name.as_str()),
                        sw::users::hair_color.to(hair(i)),
                    ))
                    .execute(&mut env.sw)
                    .unwrap();
            }
            one_by_one
        },
    );
    for batch in [100, 1000, 10_000] {
        time(
            &format!("sqlwright, multi-row INSERTs of {batch} rows ({rows} rows)"),
            &mut env,
            &mut |env| {
                for (k, chunk) in names.chunks(batch).enumerate() {
                    let values: Vec<_> = chunk
                        .iter()
                        .enumerate()
                        .map(|(i, name)| {
                            (
                                sw::users::name.to(name.as_str()),
                                sw::users::hair_color.to(hair(k * batch + i)),
                            )
                        })
                        .collect();
                    insert_into(sw::users::table)
                        .values(values)
                        .execute(&mut env.sw)
                        .unwrap();
                }
                rows
            },
        );
    }
    let batch = 1000;
    time(
        &format!("mysql (hand), prepared multi-row INSERTs of {batch} rows ({rows} rows)"),
        &mut env,
        &mut |env| {
            let full = env.my.prep(values_sql(batch)).unwrap();
            for (k, chunk) in names.chunks(batch).enumerate() {
                let mut params: Vec<mysql::Value> = Vec::with_capacity(2 * chunk.len());
                for (i, name) in chunk.iter().enumerate() {
                    params.push(name.as_str().into());
                    params.push(hair(k * batch + i).into());
                }
                if chunk.len() == batch {
                    env.my.exec_drop(&full, params).unwrap();
                } else {
                    env.my.exec_drop(values_sql(chunk.len()), params).unwrap();
                }
            }
            rows
        },
    );
    // Tab-separated lines, `\N` for NULL: LOAD DATA's default format.
    let mut file = Vec::with_capacity(rows * 20);
    for (i, name) in names.iter().enumerate() {
        file.extend_from_slice(name.as_bytes());
        let tail: &[u8] = if hair(i).is_some() {
            b"\tred\n"
        } else {
            b"\t\\N\n"
        };
        file.extend_from_slice(tail);
    }
    let file = std::sync::Arc::new(file);
    let local_infile = env
        .my
        .query_first::<String, _>("SELECT @@local_infile")
        .unwrap()
        .unwrap_or_default();
    if local_infile == "1" || local_infile.eq_ignore_ascii_case("ON") {
        time(
            &format!("mysql (hand), LOAD DATA LOCAL INFILE ({rows} rows)"),
            &mut env,
            &mut |env| {
                let data = std::sync::Arc::clone(&file);
                env.my
                    .set_local_infile_handler(Some(mysql::LocalInfileHandler::new(
                        move |_, out| std::io::Write::write_all(out, &data),
                    )));
                env.my
                    .query_drop(
                        "LOAD DATA LOCAL INFILE 'users.tsv' INTO TABLE users (name, hair_color)",
                    )
                    .unwrap();
                env.my.affected_rows() as usize
            },
        );
    } else {
        println!("| LOAD DATA LOCAL INFILE | off on this server (local_infile = {local_infile}) |");
    }
}
