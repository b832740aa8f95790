//! One workload, `BENCH_ITERS` times, by the implementation `BENCH_IMPL` names:
//! `mysql` (hand-written, prepared once), `sqlwright-mysql`, `postgres` (hand-written,
//! prepared once) or `sqlwright-pg`. Workloads: `select1` (a row by its key, a different key
//! each call) and `select100` (100 rows of four columns). Run under callgrind by
//! callgrind.sh, which subtracts a run of N calls from one of 2N.

use mysql::prelude::Queryable;
use sqlwright::prelude::*;
use std::hint::black_box;

sqlwright::table! {
    users (id) {
        id -> Int4,
        name -> Text,
        email -> Text,
        age -> Nullable<Int4>,
    }
}

type Row = (i32, String, String, Option<i32>);

const SELECT1: &str = "SELECT id, name, email, age FROM users WHERE id = ?";
const SELECT100: &str = "SELECT id, name, email, age FROM users WHERE id > ?";

fn fill(batch: &mut dyn FnMut(&str)) {
    batch(
        "CREATE TABLE users (id INT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, \
         age INT NULL)",
    );
    let rows: Vec<String> = (1..=100)
        .map(|i| {
            let age = if i % 5 == 0 {
                "NULL".to_string()
            } else {
                (20 + i % 50).to_string()
            };
            format!("({i}, 'user {i}', 'user{i}@example.com', {age})")
        })
        .collect();
    batch(&format!(
        "INSERT INTO users (id, name, email, age) VALUES {}",
        rows.join(", ")
    ));
}

fn main() {
    let which = std::env::var("BENCH_IMPL").expect("BENCH_IMPL");
    let iters: i32 = std::env::var("BENCH_ITERS")
        .expect("BENCH_ITERS")
        .parse()
        .unwrap();
    let workload = std::env::args()
        .nth(1)
        .expect("a workload: select1 or select100");
    let key = |i: i32| match workload.as_str() {
        "select1" => i % 100 + 1,
        "select100" => 0,
        other => panic!("unknown workload {other}"),
    };
    let expect = if workload == "select1" { 1 } else { 100 };
    match which.as_str() {
        "mysql" | "sqlwright-mysql" => {
            let db = sqlwright::testing::mariadb_database();
            let mut conn = db.connect().unwrap();
            fill(&mut |sql| conn.batch_execute(sql).unwrap());
            if which == "mysql" {
                let opts = mysql::Opts::from_url(&db.url().to_string_with_password()).unwrap();
                let mut raw = mysql::Conn::new(opts).unwrap();
                let sql = if expect == 1 { SELECT1 } else { SELECT100 };
                let stmt = raw.prep(sql).unwrap();
                for i in 0..iters {
                    let rows: Vec<Row> = raw.exec(&stmt, (key(i),)).unwrap();
                    assert_eq!(black_box(rows).len(), expect);
                }
            } else {
                for i in 0..iters {
                    let rows = sw_load(&mut conn, key(i), expect == 1);
                    assert_eq!(black_box(rows).len(), expect);
                }
            }
        }
        "postgres" | "sqlwright-pg" => {
            let db = sqlwright::testing::database();
            let mut conn = db.connect().unwrap();
            fill(&mut |sql| conn.batch_execute(sql).unwrap());
            if which == "postgres" {
                let url = db.url().to_string_with_password();
                let mut raw = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                let sql = if expect == 1 { SELECT1 } else { SELECT100 }.replace('?', "$1");
                let stmt = raw.prepare(&sql).unwrap();
                for i in 0..iters {
                    let rows: Vec<Row> = raw
                        .query(&stmt, &[&key(i)])
                        .unwrap()
                        .iter()
                        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
                        .collect();
                    assert_eq!(black_box(rows).len(), expect);
                }
            } else {
                for i in 0..iters {
                    let rows = sw_load(&mut conn, key(i), expect == 1);
                    assert_eq!(black_box(rows).len(), expect);
                }
            }
        }
        other => panic!("unknown BENCH_IMPL {other}"),
    }
}

fn sw_load<B: sqlwright::Backend>(
    conn: &mut sqlwright::Connection<B>,
    key: i32,
    one: bool,
) -> Vec<Row> {
    let columns = (users::id, users::name, users::email, users::age);
    if one {
        users::table
            .filter(users::id.eq(key))
            .select(columns)
            .load(conn)
            .unwrap()
    } else {
        users::table
            .filter(users::id.gt(key))
            .select(columns)
            .load(conn)
            .unwrap()
    }
}
