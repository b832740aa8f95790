//! The workloads: data set-up and the three implementations of each.

use crate::{dl, peak_rss_kib, sw, Report, Run};
use diesel::{
    Connection as _, ExpressionMethods as _, NullableExpressionMethods as _, QueryDsl as _,
    RunQueryDsl as _,
};
use postgres::types::ToSql;
use sqlwright::prelude::*;
use std::collections::HashMap;
use std::time::Instant;

/// One connection per implementation, to the same database.
pub struct Env {
    pub sw: sqlwright::Connection,
    pub pg: postgres::Client,
    pub dl: diesel::PgConnection,
    /// A second hand-written connection: the same code on another server backend, the
    /// control that shows how far apart two identical runs land on this machine.
    pub pg2: postgres::Client,
    /// Schema and data set-up, on a connection of its own: no measured side's server
    /// backend does the loading.
    admin: postgres::Client,
}

const DDL: &str = "
DROP TABLE IF EXISTS comments, posts, users, big;
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, hair_color text);
CREATE TABLE posts (id serial PRIMARY KEY, user_id int4 NOT NULL REFERENCES users, title text NOT NULL);
CREATE TABLE comments (id serial PRIMARY KEY, post_id int4 NOT NULL REFERENCES posts, body text NOT NULL);
CREATE TABLE big (id int4 PRIMARY KEY, name text NOT NULL);
";

impl Env {
    /// Pins this process and the server backends of the measured connections to one CPU
    /// (`taskset`): small queries then cost what client and server do, without the
    /// scheduler's cross-CPU wake-ups, which on this machine add 50-60 us to a call at
    /// random, to one connection for a while and then another.
    pub fn pin(&mut self, cpu: usize) {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct Pid {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            pid: i32,
        }
        let mut pids = vec![std::process::id() as i32];
        pids.push(
            sqlwright::raw::sql("SELECT pg_backend_pid()")
                .scalar::<i32>(&mut self.sw)
                .unwrap()
                .unwrap(),
        );
        for c in [&mut self.pg, &mut self.pg2] {
            pids.push(c.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0));
        }
        let dl: Vec<Pid> = diesel::sql_query("SELECT pg_backend_pid() AS pid")
            .load(&mut self.dl)
            .unwrap();
        pids.push(dl[0].pid);
        for pid in pids {
            let ok = std::process::Command::new("taskset")
                .args(["-cp", &cpu.to_string(), &pid.to_string()])
                .stdout(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "taskset -cp {cpu} {pid} failed");
        }
    }

    pub fn connect(url: &str) -> Env {
        let mut admin = postgres::Client::connect(
            &url.replace("postgres://", "postgresql://"),
            postgres::NoTls,
        )
        .expect("postgres connects");
        admin.batch_execute(DDL).expect("schema");
        let sw = sqlwright::Connection::connect(url).expect("sqlwright connects");
        let pg = postgres::Client::connect(
            &url.replace("postgres://", "postgresql://"),
            postgres::NoTls,
        )
        .expect("postgres connects");
        let pg2 = postgres::Client::connect(
            &url.replace("postgres://", "postgresql://"),
            postgres::NoTls,
        )
        .expect("postgres connects");
        let dl = diesel::PgConnection::establish(&url.replace("postgres://", "postgresql://"))
            .expect("diesel connects");
        Env {
            sw,
            pg,
            dl,
            pg2,
            admin,
        }
    }

    /// Fills `big` with `n` rows (`id` 1..=n), unless it holds that many already.
    pub fn fill_big(&mut self, n: i64) {
        let have: i64 = self
            .admin
            .query_one("SELECT count(*) FROM big", &[])
            .unwrap()
            .get(0);
        if have != n {
            self.admin
                .batch_execute(&format!(
                    "TRUNCATE big; INSERT INTO big SELECT g, 'name ' || g FROM generate_series(1, {n}) g; ANALYZE big"
                ))
                .expect("fill big");
        }
    }

    pub fn reset(&mut self, sql: &str) {
        self.admin
            .batch_execute(&format!(
                "TRUNCATE comments, posts, users RESTART IDENTITY CASCADE; {sql}; ANALYZE"
            ))
            .expect("reset data");
    }
}

pub fn checksum<'a>(ids: impl Iterator<Item = i32>, names: impl Iterator<Item = &'a str>) -> u64 {
    let ids: u64 = ids.map(|i| i as u64).sum();
    let len: u64 = names.map(|n| n.len() as u64).sum();
    ids * 31 + len
}

/// The select workload's data: `n` users, every second one with brown hair.
pub fn select_data(n: usize) -> String {
    format!(
        "INSERT INTO users (name, hair_color) SELECT 'User ' || i, CASE WHEN i % 2 = 0 THEN 'brown' END
         FROM generate_series(1, {n}) i"
    )
}

/// `SELECT id, name, hair_color FROM users`, all `n` rows.
pub fn select_all(env: &mut Env, report: &mut Report, n: usize, rounds: usize) {
    env.reset(&select_data(n));
    let Env {
        sw, pg, dl, pg2, ..
    } = env;
    let stmt = pg
        .prepare("SELECT id, name, hair_color FROM users")
        .unwrap();
    let stmt2 = pg2
        .prepare("SELECT id, name, hair_color FROM users")
        .unwrap();
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
            "postgres",
            Box::new(|| {
                let rows: Vec<(i32, String, Option<String>)> = pg
                    .query(&stmt, &[])
                    .unwrap()
                    .iter()
                    .map(|r| (r.get(0), r.get(1), r.get(2)))
                    .collect();
                checksum(rows.iter().map(|r| r.0), rows.iter().map(|r| r.1.as_str()))
            }),
        ),
        (
            "postgres, 2nd connection",
            Box::new(|| {
                let rows: Vec<(i32, String, Option<String>)> = pg2
                    .query(&stmt2, &[])
                    .unwrap()
                    .iter()
                    .map(|r| (r.get(0), r.get(1), r.get(2)))
                    .collect();
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
    report.measure(&format!("select all users, {n} rows"), rounds, &mut runs);
}

/// The join workload's data: `2 n` users, `n` of them brown-haired, one post each.
pub fn join_data(n: usize) -> String {
    format!(
        "INSERT INTO users (name, hair_color) SELECT 'User ' || i, CASE WHEN i <= {n} THEN 'brown' ELSE 'black' END
         FROM generate_series(1, {}) i;
         INSERT INTO posts (user_id, title) SELECT id, 'Post of ' || name FROM users",
        2 * n
    )
}

/// `users LEFT JOIN posts WHERE hair_color = $1`, returning `n` rows.
pub fn left_join(env: &mut Env, report: &mut Report, n: usize, rounds: usize) {
    env.reset(&join_data(n));
    let Env { sw, pg, dl, .. } = env;
    let stmt = pg
        .prepare(
            "SELECT users.name, posts.title FROM users LEFT JOIN posts ON posts.user_id = users.id
             WHERE users.hair_color = $1",
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
            "postgres",
            Box::new(|| {
                let rows: Vec<(String, Option<String>)> = pg
                    .query(&stmt, &[&"brown"])
                    .unwrap()
                    .iter()
                    .map(|r| (r.get(0), r.get(1)))
                    .collect();
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
        &format!("users left join posts, {n} rows"),
        rounds,
        &mut runs,
    );
}

/// The hand-written multi-row INSERT of `n` users: `($1, $2), ($3, $4), ...`.
pub fn insert_sql(n: usize) -> String {
    let mut sql = String::from("INSERT INTO users (name, hair_color) VALUES ");
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("(${}, ${})", 2 * i + 1, 2 * i + 2));
    }
    sql
}

/// A multi-row INSERT of `n` users per call.
pub fn insert(env: &mut Env, report: &mut Report, n: usize, rounds: usize) {
    env.reset("SELECT 1");
    let names: Vec<String> = (0..n).map(|i| format!("New user {i}")).collect();
    let hair: Vec<Option<&str>> = (0..n).map(|i| (i % 2 == 0).then_some("red")).collect();
    let Env { sw, pg, dl, .. } = env;
    // The best hand-written code: one prepared statement for this row count, reused.
    let stmt = pg.prepare(&insert_sql(n)).unwrap();
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
            "postgres",
            Box::new(|| {
                let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(2 * n);
                for (name, hair) in names.iter().zip(&hair) {
                    params.push(name);
                    params.push(hair);
                }
                pg.execute(&stmt, &params).unwrap()
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

/// Bulk load of `n` users: sqlwright COPY, hand-written binary COPY, multi-row INSERTs.
pub fn bulk_load(env: &mut Env, n: usize) {
    let names: Vec<String> = (0..n).map(|i| format!("Bulk user {i}")).collect();
    let hair = |i: usize| i.is_multiple_of(3).then_some("grey");
    let mut times: HashMap<&str, Vec<f64>> = HashMap::new();
    let mut cpu: HashMap<&str, Vec<f64>> = HashMap::new();
    for round in 0..3 {
        let order: [&str; 3] = match round {
            0 => ["sqlwright COPY", "postgres binary COPY", "sqlwright INSERT"],
            1 => ["postgres binary COPY", "sqlwright INSERT", "sqlwright COPY"],
            _ => ["sqlwright INSERT", "sqlwright COPY", "postgres binary COPY"],
        };
        for which in order {
            env.reset("SELECT 1");
            let started = Instant::now();
            let cpu_started = crate::cpu_now();
            let stored = match which {
                "sqlwright COPY" => copy_in(sw::users::table)
                    .rows(
                        names.iter().enumerate().map(|(i, name)| {
                            (
                                sw::users::name.to(name.as_str()),
                                sw::users::hair_color.to(hair(i)),
                            )
                        }),
                        &mut env.sw,
                    )
                    .unwrap(),
                "postgres binary COPY" => {
                    use postgres::binary_copy::BinaryCopyInWriter;
                    use postgres::types::Type;
                    let sink = env
                        .pg
                        .copy_in("COPY users (name, hair_color) FROM STDIN (FORMAT binary)")
                        .unwrap();
                    let mut writer = BinaryCopyInWriter::new(sink, &[Type::TEXT, Type::TEXT]);
                    for (i, name) in names.iter().enumerate() {
                        writer.write(&[name, &hair(i)]).unwrap();
                    }
                    writer.finish().unwrap()
                }
                _ => {
                    let mut tx = env.sw.begin().unwrap();
                    let mut stored = 0;
                    for (c, chunk) in names.chunks(1000).enumerate() {
                        let rows: Vec<_> = chunk
                            .iter()
                            .enumerate()
                            .map(|(i, name)| {
                                (
                                    sw::users::name.to(name.as_str()),
                                    sw::users::hair_color.to(hair(c * 1000 + i)),
                                )
                            })
                            .collect();
                        stored += insert_into(sw::users::table)
                            .values(rows)
                            .execute(&mut tx)
                            .unwrap();
                    }
                    tx.commit().unwrap();
                    stored
                }
            };
            assert_eq!(stored, n as u64, "{which}");
            times
                .entry(which)
                .or_default()
                .push(started.elapsed().as_secs_f64());
            cpu.entry(which)
                .or_default()
                .push((crate::cpu_now() - cpu_started).as_secs_f64());
        }
    }
    let med = |k: &str| {
        let mut v = times[k].clone();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (copy, raw, insert) = (
        med("sqlwright COPY"),
        med("postgres binary COPY"),
        med("sqlwright INSERT"),
    );
    let cpu_med = |k: &str| {
        let mut v = cpu[k].clone();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!();
    println!(
        "| bulk load of {n} rows (median of 3) | seconds | rows/s | throughput vs raw COPY | client CPU s |"
    );
    println!("|---|---:|---:|---:|---:|");
    for (name, key, t) in [
        ("sqlwright copy_in (binary)", "sqlwright COPY", copy),
        ("postgres BinaryCopyInWriter", "postgres binary COPY", raw),
        (
            "sqlwright multi-row INSERT (1000 rows, one transaction)",
            "sqlwright INSERT",
            insert,
        ),
    ] {
        println!(
            "| {name} | {t:.2} | {:.0} | {:.2} | {:.2} |",
            n as f64 / t,
            raw / t,
            cpu_med(key)
        );
    }
    println!(
        "sqlwright COPY is {:.1}x faster than multi-row INSERT",
        insert / copy
    );
    // Multi-row INSERTs of 100 rows (the insert workload's largest statement), on a tenth
    // of the rows, one transaction; reported per row against the COPY above.
    let m = n / 10;
    env.reset("SELECT 1");
    let started = Instant::now();
    let mut tx = env.sw.begin().unwrap();
    for (c, chunk) in names[..m].chunks(100).enumerate() {
        let rows: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(i, name)| {
                (
                    sw::users::name.to(name.as_str()),
                    sw::users::hair_color.to(hair(c * 100 + i)),
                )
            })
            .collect();
        insert_into(sw::users::table)
            .values(rows)
            .execute(&mut tx)
            .unwrap();
    }
    tx.commit().unwrap();
    let hundreds = started.elapsed().as_secs_f64();
    println!(
        "multi-row INSERT of 100 rows a statement ({m} rows, one transaction): {:.0} rows/s; \
         COPY is {:.1}x faster per row",
        m as f64 / hundreds,
        (hundreds / m as f64) / (copy / n as f64)
    );
    // One INSERT per row (one transaction), on a tenth of the rows: what an ORM's add() loop
    // does; reported per row against the COPY above.
    env.reset("SELECT 1");
    let started = Instant::now();
    let mut tx = env.sw.begin().unwrap();
    for (i, name) in names[..m].iter().enumerate() {
        insert_into(sw::users::table)
            .values((
                sw::users::name.to(name.as_str()),
                sw::users::hair_color.to(hair(i)),
            ))
            .execute(&mut tx)
            .unwrap();
    }
    tx.commit().unwrap();
    let single = started.elapsed().as_secs_f64();
    println!(
        "one INSERT per row ({m} rows, one transaction): {:.0} rows/s; COPY is {:.1}x faster per row",
        m as f64 / single,
        (single / m as f64) / (copy / n as f64)
    );
}

/// Streams `n` rows, each implementation in a process of its own, for its peak RSS.
pub fn stream(env: &mut Env, url: &str, n: usize) {
    env.sw
        .batch_execute(&format!(
            "TRUNCATE big; INSERT INTO big SELECT i, 'Streamed row number ' || i FROM generate_series(1, {n}) i; ANALYZE big"
        ))
        .unwrap();
    println!();
    println!("| stream {n} rows | seconds | peak RSS |");
    println!("|---|---:|---:|");
    let exe = std::env::current_exe().unwrap();
    for which in [
        "sqlwright stream",
        "sqlwright copy_out",
        "postgres query_raw",
        "postgres cursor, FETCH 8192",
        "diesel load_iter",
        "sqlwright load (all in memory)",
    ] {
        // BENCH_CHILD_WRAPPER="valgrind --tool=callgrind" counts each child's instructions.
        let wrapper = std::env::var("BENCH_CHILD_WRAPPER").unwrap_or_default();
        let mut words = wrapper.split_whitespace();
        let mut cmd = match words.next() {
            Some(program) => {
                let mut c = std::process::Command::new(program);
                c.args(words).arg(&exe);
                c
            }
            None => std::process::Command::new(&exe),
        };
        let out = cmd
            .args(["--stream-child", which])
            .env("BENCH_URL", url)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let mut parts = text.split_whitespace();
        let (secs, rss) = (parts.next().unwrap_or("?"), parts.next().unwrap_or("?"));
        let rss_mib = rss
            .parse::<f64>()
            .map_or("?".to_string(), |k| format!("{:.1} MiB", k / 1024.0));
        println!("| {which} | {secs} | {rss_mib} |");
        if !out.status.success() {
            eprintln!("{which} failed: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
}

/// In a child process: streams table `big` with one implementation; prints seconds, peak
/// RSS in KiB, and a checksum.
pub fn stream_child(which: &str) {
    let url = std::env::var("BENCH_URL").unwrap();
    let started = Instant::now();
    let mut sum = 0u64;
    let mut add = |id: i32, name: &str| sum += id as u64 + name.len() as u64;
    match which {
        "sqlwright stream" => {
            let mut conn = sqlwright::Connection::connect(&url).unwrap();
            for row in sw::big::table
                .select((sw::big::id, sw::big::name))
                .stream(&mut conn)
                .unwrap()
            {
                let (id, name) = row.unwrap();
                add(id, &name);
            }
        }
        "sqlwright copy_out" => {
            let mut conn = sqlwright::Connection::connect(&url).unwrap();
            for row in sw::big::table
                .select((sw::big::id, sw::big::name))
                .copy_out(&mut conn)
                .unwrap()
            {
                let (id, name) = row.unwrap();
                add(id, &name);
            }
        }
        "sqlwright load (all in memory)" => {
            let mut conn = sqlwright::Connection::connect(&url).unwrap();
            for (id, name) in sw::big::table
                .select((sw::big::id, sw::big::name))
                .load(&mut conn)
                .unwrap()
            {
                add(id, &name);
            }
        }
        "postgres query_raw" => {
            use postgres::fallible_iterator::FallibleIterator;
            let mut client = postgres::Client::connect(
                &url.replace("postgres://", "postgresql://"),
                postgres::NoTls,
            )
            .unwrap();
            let stmt = client.prepare("SELECT id, name FROM big").unwrap();
            let mut rows = client.query_raw(&stmt, std::iter::empty::<i32>()).unwrap();
            while let Some(row) = rows.next().unwrap() {
                // Owned like the other implementations' rows (not a borrowed &str).
                let (id, name): (i32, String) = (row.get(0), row.get(1));
                add(id, &name);
            }
        }
        "postgres cursor, FETCH 8192" => {
            let mut client = postgres::Client::connect(
                &url.replace("postgres://", "postgresql://"),
                postgres::NoTls,
            )
            .unwrap();
            client
                .batch_execute("BEGIN; DECLARE c NO SCROLL CURSOR FOR SELECT id, name FROM big")
                .unwrap();
            let fetch = client.prepare("FETCH 8192 FROM c").unwrap();
            loop {
                let rows = client.query(&fetch, &[]).unwrap();
                for row in &rows {
                    // Owned like the other implementations' rows (not a borrowed &str).
                    let (id, name): (i32, String) = (row.get(0), row.get(1));
                    add(id, &name);
                }
                if rows.len() < 8192 {
                    break;
                }
            }
            client.batch_execute("COMMIT").unwrap();
        }
        "diesel load_iter" => {
            use diesel::pg::PgRowByRowLoadingMode;
            let mut conn =
                diesel::PgConnection::establish(&url.replace("postgres://", "postgresql://"))
                    .unwrap();
            let rows = dl::big::table
                .select((dl::big::id, dl::big::name))
                .load_iter::<(i32, String), PgRowByRowLoadingMode>(&mut conn)
                .unwrap();
            for row in rows {
                let (id, name) = row.unwrap();
                add(id, &name);
            }
        }
        other => panic!("unknown stream implementation {other}"),
    }
    println!(
        "{:.2} {} {sum}",
        started.elapsed().as_secs_f64(),
        peak_rss_kib()
    );
}
