//! Runs the example programs (built by `cargo test` with the other targets) and checks what
//! they print, plain and with `--echo`: without `DATABASE_URL` (a throwaway SQLite file for
//! the portable ones), and with it naming a SQLite file or a PostgreSQL database, twice, the
//! rows still there afterwards.

use sqlwright::prelude::*;
use std::path::PathBuf;
use std::process::Command;

/// `target/<profile>/examples/<name>`, next to this test's own `deps/` directory.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    profile.join("examples").join(name)
}

/// Standard output of the program (and standard error after it, when `with_stderr`), run
/// with `DATABASE_URL` set to `url` or removed.
fn run_in(name: &str, args: &[&str], with_stderr: bool, url: Option<&str>) -> String {
    let path = example(name);
    let mut command = Command::new(&path);
    command.args(args);
    match url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", path.display()));
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    if with_stderr {
        text.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    assert!(
        out.status.success(),
        "{name} failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn run_full(name: &str, args: &[&str], with_stderr: bool) -> String {
    run_in(name, args, with_stderr, None)
}

fn run(name: &str, args: &[&str]) -> String {
    run_full(name, args, false)
}

/// A SQLite file in a new temporary directory, and its `sqlite:////..` URL.
fn sqlite_file(tag: &str) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("sqlwright-examples-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("examples.db");
    let url = format!("sqlite:///{}", file.display());
    (dir, url)
}

#[test]
fn one_to_many_prints_the_profile_its_photos_and_each_photos_owner() {
    let out = run("one_to_many", &[]);
    for expected in [
        "f_name: \"Петя\"",
        "l_name: \"Федоров\"",
        "photos of Петя Федоров",
        "path_image: \"Фото_3\"",
        "Фото_1 belongs to Петя Федоров (id 1)",
        "Фото_3 belongs to Петя Федоров (id 1)",
    ] {
        assert!(out.contains(expected), "{expected:?} not in:\n{out}");
    }
}

#[test]
fn one_to_one_prints_both_directions_and_the_refused_second_passport() {
    let out = run("one_to_one", &[]);
    for expected in [
        "passport: Some(Passport { id: 1, id_person: 1, passport_number: \"Паспорт_1\" })",
        "owner: Петя Федоров",
        "second passport refused, as expected: UNIQUE constraint failed: паспорт_.id_person \
         (SQLSTATE 23505), constraint паспорт_.id_person, column паспорт_.id_person",
    ] {
        assert!(out.contains(expected), "{expected:?} not in:\n{out}");
    }
    assert!(
        out.contains("using a throwaway SQLite database at "),
        "{out}"
    );
}

#[test]
fn one_to_one_on_postgresql_names_the_constraint_and_table() {
    let db = sqlwright::testing::database();
    let out = run_in(
        "one_to_one",
        &[],
        false,
        Some(&db.url().to_string_with_password()),
    );
    for expected in [
        "passport: Some(Passport { id: 1, id_person: 1, passport_number: \"Паспорт_1\" })",
        "owner: Петя Федоров",
        "second passport refused, as expected: duplicate key value violates unique constraint",
        "table паспорт_",
    ] {
        assert!(out.contains(expected), "{expected:?} not in:\n{out}");
    }
}

#[test]
fn many_to_many_prints_each_buyers_products_and_each_products_buyers() {
    let out = run("many_to_many", &[]);
    for expected in [
        "Петя <peta@gmail.com, +79989123123> bought: Колбаса (300 ₽), Молоко (50 ₽)",
        "bought: Колбаса (300 ₽)\n",
        "Колбаса (id 1) was bought by: Петя, Катя",
        "Молоко (id 2) was bought by: Петя",
    ] {
        assert!(out.contains(expected), "{expected:?} not in:\n{out}");
    }
}

#[test]
fn echo_shows_the_sql_the_programs_run() {
    let out = run_full("many_to_many", &["--echo"], true);
    assert!(
        out.contains("INSERT INTO \"корзина_\""),
        "no INSERT in:\n{out}"
    );
    assert!(out.contains("SELECT "), "no SELECT in:\n{out}");
    assert!(out.contains("Молоко (id 2) was bought by: Петя"), "{out}");
}

#[test]
fn batch_job_streams_transforms_and_copies_every_row() {
    let out = run("batch_job", &["3000"]);
    assert!(out.contains("loaded 3000 cleaned orders"), "{out}");
    assert!(out.contains("  #1 Peter: 1.26 EUR"), "{out}");
    assert!(out.contains("  #3 Anna: 4.11 EUR"), "{out}");
}

#[test]
fn job_queue_workers_claim_every_job_exactly_once() {
    let out = run("job_queue", &["300", "4"]);
    assert!(out.contains("300 jobs to do, 4 workers"), "{out}");
    assert!(out.contains("FOR UPDATE SKIP LOCKED"), "{out}");
    let done: usize = out
        .lines()
        .filter_map(|l| l.trim().strip_prefix("worker "))
        .map(|l| {
            let n = l
                .split(" did ")
                .nth(1)
                .and_then(|r| r.strip_suffix(" jobs"));
            n.expect("`worker k did n jobs`").parse::<usize>().unwrap()
        })
        .sum();
    assert_eq!(done, 300, "{out}");
    assert!(out.contains("processed 300 jobs"), "{out}");
    assert!(
        out.contains("every job was claimed exactly once; none is left"),
        "{out}"
    );
}

/// `cents` as the report prints a `numeric(12, 2)`: `138.20`.
fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// The lines the shop example must print after `rounds` runs on one database, computed from
/// its fixed data (each run places the same batch of orders, the workers pay every one not
/// cancelled).
fn shop_expectations(rounds: i64) -> Vec<String> {
    use sqlwright_examples::shop::{price_cents, CUSTOMERS, ORDERS, PRODUCTS};
    let mut lines = Vec::new();
    // the tree: each customer's orders in the order they were placed, run after run
    for (email, name) in CUSTOMERS {
        let theirs: Vec<_> = ORDERS.iter().filter(|o| o.customer == email).collect();
        let cancelled = theirs.iter().filter(|o| o.cancelled).count() as i64 * rounds;
        let one_run: Vec<String> = theirs
            .iter()
            .map(|o| {
                let items: i32 = o.lines.iter().map(|&(_, q)| q).sum();
                format!("{} lines/{items} items", o.lines.len())
            })
            .collect();
        let all: Vec<String> = (0..rounds).flat_map(|_| one_run.clone()).collect();
        lines.push(format!(
            "  {name}: {} orders ({cancelled} cancelled): [{}]",
            all.len(),
            all.join(", ")
        ));
    }
    // the JSONB searches, by SKU
    let mut red: Vec<_> = PRODUCTS.iter().filter(|p| p.color == "red").collect();
    red.sort_by_key(|p| p.sku);
    for p in red {
        lines.push(format!(
            "  {} at {}: size {}, tags {}",
            p.sku,
            money(p.price_cents),
            p.size.unwrap_or("-"),
            p.tags.join("+")
        ));
    }
    let mut summer: Vec<_> = PRODUCTS
        .iter()
        .filter(|p| p.tags.contains(&"summer"))
        .map(|p| p.sku)
        .collect();
    summer.sort();
    lines.push(format!(
        "summer products (attributes @> tags [summer]): {}",
        summer.join(", ")
    ));
    // revenue per month of the paid (not cancelled) orders
    let mut months: Vec<(u32, i64, i64)> = Vec::new();
    for o in ORDERS.iter().filter(|o| !o.cancelled) {
        let cents: i64 = o
            .lines
            .iter()
            .map(|&(sku, q)| price_cents(sku) * i64::from(q))
            .sum();
        match months.iter_mut().find(|(m, _, _)| *m == o.month) {
            Some((_, n, total)) => {
                *n += 1;
                *total += cents;
            }
            None => months.push((o.month, 1, cents)),
        }
    }
    months.sort();
    for (month, n, cents) in months {
        lines.push(format!(
            "  2026-{month:02}: {} paid orders, {}",
            n * rounds,
            money(cents * rounds)
        ));
    }
    let cancelled = ORDERS.iter().filter(|o| o.cancelled).count() as i64;
    let paid = ORDERS.len() as i64 - cancelled;
    lines.push("orders per status:".into());
    lines.push(format!("  Paid: {}", paid * rounds));
    lines.push(format!("  Cancelled: {}", cancelled * rounds));
    lines
}

/// Checks the shop example's output after `rounds` runs: this run's batch paid by the
/// workers, each order once, and the tree, searches and report computed from the data.
fn check_shop(out: &str, rounds: i64, workers: usize) {
    use sqlwright_examples::shop::ORDERS;
    let batch = ORDERS.len();
    let pending = ORDERS.iter().filter(|o| !o.cancelled).count();
    assert!(out.contains(&format!("placed {batch} orders")), "{out}");
    assert!(
        out.contains(&format!("{pending} pending orders, {workers} workers")),
        "{out}"
    );
    let paid: Vec<usize> = out
        .lines()
        .filter_map(|l| l.trim().strip_prefix("worker "))
        .map(|l| {
            let n = l
                .split(" paid ")
                .nth(1)
                .and_then(|r| r.strip_suffix(" orders"));
            n.expect("`worker k paid n orders`").parse().unwrap()
        })
        .collect();
    assert_eq!(paid.len(), workers, "{out}");
    assert_eq!(paid.iter().sum::<usize>(), pending, "{out}");
    assert!(
        out.contains(&format!(
            "paid {pending} orders, each claimed exactly once; none is pending"
        )),
        "{out}"
    );
    // the report's lines, in order, right after their headers
    let all: Vec<&str> = out.lines().collect();
    for expected in shop_expectations(rounds) {
        assert!(
            all.contains(&expected.as_str()),
            "{expected:?} not in:\n{out}"
        );
    }
    assert!(
        out.contains(
            "each worker claims with: SELECT \"orders\".\"id\" FROM \"orders\" \
             WHERE \"orders\".\"status\" = $1::\"order_status\" ORDER BY \"orders\".\"id\" \
             LIMIT $2 FOR UPDATE SKIP LOCKED\n"
        ),
        "{out}"
    );
    let month = "date_trunc('month', \"orders\".\"ordered_at\")";
    assert!(
        out.contains(&format!(
            "revenue per month: SELECT {month}, COUNT(*), SUM(\"orders\".\"total\") \
             FROM \"orders\" WHERE \"orders\".\"status\" = $1::\"order_status\" \
             GROUP BY {month} ORDER BY {month}\n"
        )),
        "{out}"
    );
    let report = &out[out.find("revenue per month:").expect("a report")..];
    let months: Vec<&str> = report
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert_eq!(months.len(), 3, "{report}");
}

#[test]
fn shop_places_orders_pays_them_once_and_reports_by_month() {
    let out = run("shop", &["3"]);
    assert!(
        out.contains("using a throwaway PostgreSQL database"),
        "{out}"
    );
    assert!(out.contains("added 3 customers"), "{out}");
    assert!(out.contains("added 4 products"), "{out}");
    check_shop(&out, 1, 3);
    // the report's numbers, worked out by hand from examples/shop/mod.rs
    assert!(out.contains("  2026-01: 3 paid orders, 138.20"), "{out}");
    assert!(out.contains("  Ann: 5 orders (1 cancelled): ["), "{out}");
    assert!(out.contains("  Cid: 0 orders (0 cancelled): []"), "{out}");
}

/// The tour's output from `from` up to the next `== ` header (or the end).
fn section<'a>(out: &'a str, from: &str) -> &'a str {
    let start = out
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} not in:\n{out}"));
    let rest = &out[start + from.len()..];
    &rest[..rest.find("\n== ").unwrap_or(rest.len())]
}

#[test]
fn quickstart_and_tour_run_to_the_end() {
    let out = run("quickstart", &[]);
    assert!(
        out.contains("using a throwaway SQLite database at "),
        "{out}"
    );
    assert!(out.contains("inserted 4 users"), "{out}");
    assert!(out.contains("renamed Bob to Robert"), "{out}");
    let out = run("tour", &[]);
    // the portable part, the same on both backends
    let lite = section(&out, "== the portable part, on SQLite ==");
    let pg = section(&out, "== the portable part, on PostgreSQL ==");
    for part in [lite, pg] {
        for expected in [
            "[(\"Anton\", None), (\"Alice\", Some(\"red\"))]",
            "[(\"Alice\", 3, Some(17))]",
            "[(\"Types\", \"Alice\", Some(\"Anton\")), (\"Joins\", \"Alice\", None), \
             (\"Groups\", \"Alice\", Some(\"Bob\")), (\"Rust\", \"Anton\", Some(\"Alice\"))]",
            "Some((4, \"Ann\", \"p@example.com\", None, None)) Ann",
            "(\"alice\", 5, Some(\"RED\"), 62)",
            "[(\"Alice\", \"adult\"), (\"Anton\", \"senior\"), (\"Bob\", \"minor\")]",
            "(\"Joins\", 3, Some(13), Some(\"Types\"))",
            "[(\"Alice\", Some(17)), (\"Anton\", Some(1))]",
        ] {
            assert!(part.contains(expected), "{expected:?} not in:\n{part}");
        }
    }
    assert!(lite.contains("the portable part done on Sqlite"), "{lite}");
    assert!(
        lite.contains("WHERE \"users\".\"id\" = ?1 -- binds: [5]"),
        "{lite}"
    );
    assert!(pg.contains("the portable part done on Postgres"), "{pg}");
    // the recursive CTE (1, 2, 3), on both
    assert!(lite.contains("[1, 2, 3]"), "{lite}");
    assert!(pg.contains("[1, 2, 3]"), "{pg}");
    assert!(
        pg.contains("WHERE \"users\".\"id\" = $1 -- binds: [5]"),
        "{pg}"
    );
    // the PostgreSQL-only part
    let out = section(&out, "== the PostgreSQL-only part");
    assert!(out.contains("copied 2 rows"), "{out}");
    assert!(out.contains("[\"Bulk 2\", \"Bulk 1\"]"), "{out}");
    assert!(out.contains("(None, Some(3.5), 1)"), "{out}");
    assert!(
        out.contains(
            "best posts: [(\"Alice\", Some(\"Types\")), (\"Alice\", Some(\"Groups\")), \
             (\"Anton\", Some(\"Rust\")), (\"Bob\", None)"
        ),
        "{out}"
    );
    assert!(out.contains("expressions done: ["), "{out}");
}

// The examples' tables as far as counting their rows needs them.
sqlwright::table! {
    users (id) { id -> Int4, }
    posts (id) { id -> Int4, }
    покупатель_ (id) { id -> Int4, }
    продукт_ (id) { id -> Int4, }
    корзина_ (id) { id -> Int4, }
}

/// Opens the SQLite file the examples wrote, from this process.
fn open_sqlite(url: &str) -> sqlwright::SqliteConnection {
    sqlwright::SqliteConnection::open(url).expect("the examples' SQLite file")
}

#[test]
fn examples_keep_their_rows_in_a_sqlite_database_url_and_run_again() {
    let (dir, url) = sqlite_file("kept");
    for round in 1..=2 {
        let out = run_in("quickstart", &[], false, Some(&url));
        assert!(out.contains("from DATABASE_URL"), "{out}");
        let inserted = if round == 1 { 4 } else { 0 };
        assert!(out.contains(&format!("inserted {inserted} users")), "{out}");
        let out = run_in("many_to_many", &[], false, Some(&url));
        assert!(
            out.contains("Колбаса (id 1) was bought by: Петя, Катя"),
            "{out}"
        );
        assert_eq!(
            out.contains("Петя is there already: nothing inserted"),
            round == 2,
            "{out}"
        );
        let out = run_in("tour", &[], false, Some(&url));
        assert!(out.contains("the portable part done on Sqlite"), "{out}");
        assert!(
            out.contains("skipped, DATABASE_URL names a SQLite database"),
            "{out}"
        );
    }
    // Still there after both runs, read by another program (this one): the quickstart's four
    // users and the tour's three (its Петя is deleted again by the tour, its COPY is PostgreSQL's).
    let mut conn = open_sqlite(&url);
    let count = |n: Result<i64, sqlwright::Error>| n.expect("a count");
    assert_eq!(count(users::table.count(&mut conn)), 4 + 3);
    assert_eq!(count(posts::table.count(&mut conn)), 4);
    assert_eq!(count(покупатель_::table.count(&mut conn)), 2);
    assert_eq!(count(продукт_::table.count(&mut conn)), 2);
    assert_eq!(count(корзина_::table.count(&mut conn)), 3);
    drop(conn);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn examples_keep_their_rows_in_a_postgresql_database_url_and_run_again() {
    let db = sqlwright::testing::database();
    let url = db.url().to_string_with_password();
    for round in 1..=2 {
        let out = run_in("one_to_many", &[], false, Some(&url));
        assert!(out.contains("from DATABASE_URL"), "{out}");
        assert!(
            out.contains("Фото_3 belongs to Петя Федоров (id 1)"),
            "{out}"
        );
        assert_eq!(
            out.contains("Петя Федоров is there already"),
            round == 2,
            "{out}"
        );
        let out = run_in("batch_job", &["500"], false, Some(&url));
        let loaded = if round == 1 { 500 } else { 0 };
        assert!(
            out.contains(&format!("loaded {loaded} cleaned orders")),
            "{out}"
        );
        // a second run adds 50 jobs and does only those
        let out = run_in("job_queue", &["50", "3"], false, Some(&url));
        assert!(out.contains("50 jobs to do, 3 workers"), "{out}");
        assert!(out.contains("processed 50 jobs"), "{out}");
        // customers and products once, a new batch of orders each run, the report over both
        let out = run_in("shop", &["2"], false, Some(&url));
        let added = if round == 1 { 3 } else { 0 };
        assert!(out.contains(&format!("added {added} customers")), "{out}");
        check_shop(&out, round, 2);
    }
    let mut conn = db.connect().expect("the test database");
    let count = |conn: &mut sqlwright::Connection, sql: &str| {
        sqlwright::raw::sql(sql)
            .scalar::<i64>(conn)
            .expect(sql)
            .unwrap_or(0)
    };
    assert_eq!(count(&mut conn, "SELECT count(*) FROM фотографии_"), 3);
    assert_eq!(count(&mut conn, "SELECT count(*) FROM пользователь_"), 1);
    assert_eq!(count(&mut conn, "SELECT count(*) FROM clean_orders"), 500);
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) FROM queued_jobs WHERE attempts = 1 AND done_by IS NOT NULL"
        ),
        100
    );
    let paid_once = sqlwright_examples::shop::ORDERS
        .iter()
        .filter(|o| !o.cancelled)
        .count() as i64;
    assert_eq!(
        count(
            &mut conn,
            "SELECT count(*) FROM orders WHERE status = 'paid' AND claims = 1 AND total IS NOT NULL"
        ),
        2 * paid_once
    );
    assert_eq!(count(&mut conn, "SELECT count(*) FROM customers"), 3);
}

#[test]
fn postgresql_only_examples_refuse_a_sqlite_url_and_say_why() {
    let (dir, url) = sqlite_file("refused");
    for name in ["engine", "batch_job", "job_queue", "shop", "axum_service"] {
        let out = Command::new(example(name))
            .env("DATABASE_URL", &url)
            .output()
            .expect("the example runs");
        assert!(!out.status.success(), "{name} accepted {url}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("needs PostgreSQL"), "{err}");
        assert!(
            err.contains("DATABASE_URL names a SQLite database"),
            "{err}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// What `schema_history` prints when it goes through the whole history.
fn check_schema_history(out: &str) {
    assert_eq!(out.matches("verify-schema: no drift").count(), 4, "{out}");
    for expected in [
        "== step 2: add a column",
        "--   - add column notes.stars",
        "ALTER TABLE \"notes\" RENAME COLUMN \"body\" TO \"content\";",
        "== step 4: add authors and a foreign key with cascade",
        "--   - table authors and all its rows",
        "verify-schema against step 3: 0 differences",
        "Bob deleted: his note went with him",
    ] {
        assert!(out.contains(expected), "{expected:?} not in:\n{out}");
    }
    assert!(
        !out.contains("DROP COLUMN \"body\""),
        "a rename, not a drop:\n{out}"
    );
}

#[test]
fn schema_history_generates_each_step_and_finds_nothing_to_do_the_second_time() {
    let notes = [
        "note \"groceries\": \"milk, eggs\" (0 stars)",
        "note \"ideas\": \"a typed SQL library\" (0 stars)",
    ];
    let out = run("schema_history", &[]);
    check_schema_history(&out);
    // SQLite adds the nullable key column with its reference inline (no rebuild); going
    // back without the key is a rebuild.
    assert!(
        out.contains(
            "ADD COLUMN \"author_id\" INTEGER REFERENCES \"authors\" (\"id\") ON DELETE CASCADE"
        ),
        "{out}"
    );
    assert!(
        out.contains("CREATE TABLE \"_new_notes\""),
        "SQLite rebuilds to go back:\n{out}"
    );
    for note in notes {
        assert!(out.contains(note), "{note:?} not in:\n{out}");
    }
    let db = sqlwright::testing::database();
    let url = db.url().to_string_with_password();
    for round in 1..=2 {
        let out = run_in("schema_history", &[], false, Some(&url));
        if round == 1 {
            check_schema_history(&out);
            assert!(
                out.contains("ADD CONSTRAINT \"notes_author_id_fkey\" FOREIGN KEY"),
                "{out}"
            );
            assert!(out.contains("NOT VALID"), "the lint's recipe:\n{out}");
        } else {
            assert!(out.contains("nothing to generate"), "{out}");
        }
        for note in notes {
            assert!(out.contains(note), "{note:?} not in:\n{out}");
        }
    }
}

/// One HTTP/1.1 request to `addr` (`Connection: close`): the status code and the body.
fn http(addr: &str, method: &str, path: &str, json: Option<&str>) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("the service accepts");
    let body = json.unwrap_or("");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head}"));
    (status, body.to_string())
}

#[test]
fn axum_service_answers_typed_queries_from_the_pool_as_json() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    /// Killed if the test fails before it stopped.
    struct Service(std::process::Child);
    impl Drop for Service {
        fn drop(&mut self) {
            if let Ok(None) = self.0.try_wait() {
                let _ = self.0.kill();
                let _ = self.0.wait();
            }
        }
    }
    let mut child = Service(
        Command::new(example("axum_service"))
            .args(["--addr", "127.0.0.1:0"])
            .env_remove("DATABASE_URL")
            .stdout(Stdio::piped())
            .spawn()
            .expect("the service starts"),
    );
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    // Port 0: the service says which port it got.
    let addr = loop {
        let line = lines
            .next()
            .expect("the service prints its address")
            .unwrap();
        if let Some(addr) = line.strip_prefix("listening on http://") {
            break addr.to_string();
        }
    };
    let get = |path: &str| http(&addr, "GET", path, None);
    let post = |json: &str| http(&addr, "POST", "/books", Some(json));

    assert_eq!(
        get("/books?min_pages=250"),
        (
            200,
            r#"[{"id":1,"title":"Dune","author":"Herbert","pages":412},{"id":3,"title":"Eden","author":"Lem","pages":262}]"#
                .into()
        )
    );
    assert_eq!(
        get("/books/2"),
        (
            200,
            r#"{"id":2,"title":"Solaris","author":"Lem","pages":204}"#.into()
        )
    );
    assert_eq!(
        get("/books/99"),
        (404, r#"{"error":"no such book"}"#.into())
    );
    assert_eq!(
        post(r#"{"title":"Ubik","author":"Dick","pages":202}"#),
        (
            201,
            r#"{"id":4,"title":"Ubik","author":"Dick","pages":202}"#.into()
        )
    );
    assert_eq!(
        get("/books/4").1,
        r#"{"id":4,"title":"Ubik","author":"Dick","pages":202}"#
    );
    assert_eq!(
        post(r#"{"title":"Ubik","author":"Someone","pages":10}"#).0,
        409
    );
    assert_eq!(post(r#"{"title":"","author":"Nobody","pages":10}"#).0, 422);
    // Requests at once, on a pool of ten connections: every one answered.
    std::thread::scope(|s| {
        let requests: Vec<_> = (0..40)
            .map(|_| s.spawn(|| get("/books?min_pages=1")))
            .collect();
        for request in requests {
            let (status, body) = request.join().unwrap();
            assert_eq!(status, 200);
            assert_eq!(body.matches("\"id\":").count(), 4, "{body}");
        }
    });
    assert_eq!(
        get("/authors"),
        (
            200,
            r#"[{"author":"Dick","books":1,"pages":202},{"author":"Herbert","books":1,"pages":412},{"author":"Lem","books":2,"pages":466}]"#
                .into()
        )
    );

    // SIGINT: the service stops (and drops its throwaway database) on its own.
    let stopped = Command::new("kill")
        .args(["-INT", &child.0.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(stopped.success());
    let rest: Vec<String> = lines.map(|line| line.unwrap()).collect();
    assert_eq!(rest, ["stopped"]);
    assert!(child.0.wait().unwrap().success());
}
