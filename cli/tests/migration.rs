//! `sqlwright migration ...` as a process: new, run, status, revert, redo, resolve and
//! their exit statuses, `--echo`, and two processes running `migration run` at once.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn command(url: &str, dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sqlwright"));
    cmd.arg("migration")
        .arg("--dir")
        .arg(dir)
        .args(args)
        .env("DATABASE_URL", url);
    cmd
}

fn sqlwright(url: &str, dir: &Path, args: &[&str]) -> Output {
    command(url, dir, args)
        .output()
        .expect("run the sqlwright binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sqlwright-cli-mig-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, up: &str, down: &str) {
    std::fs::create_dir_all(dir.join(name)).unwrap();
    std::fs::write(dir.join(name).join("up.sql"), up).unwrap();
    std::fs::write(dir.join(name).join("down.sql"), down).unwrap();
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite:///{}", dir.join("app.db").display())
}

#[test]
fn new_makes_a_timestamped_directory_with_empty_files() {
    let dir = scratch("new");
    let migrations = dir.join("migrations");
    let out = sqlwright("sqlite://:memory:", &migrations, &["new", "add_users"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let made: Vec<String> = std::fs::read_dir(&migrations)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(made.len(), 1);
    let (stamp, name) = made[0].split_once('_').unwrap();
    assert_eq!(name, "add_users");
    assert_eq!(stamp.len(), 14, "{stamp}");
    assert!(stamp.starts_with("20") && stamp.bytes().all(|b| b.is_ascii_digit()));
    for file in ["up.sql", "down.sql"] {
        assert_eq!(
            std::fs::read_to_string(migrations.join(&made[0]).join(file)).unwrap(),
            ""
        );
    }
    assert!(text(&out.stdout).starts_with("created "));

    let out = sqlwright("sqlite://:memory:", &migrations, &["new", "add users"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("a migration name is letters"),
        "{}",
        text(&out.stderr)
    );
}

/// run, status, an edit refused, revert, redo, on the database `url` names.
fn cycle(url: &str, dir: &Path) {
    write(
        dir,
        "20260101000000_create_items",
        "CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL);",
        "DROP TABLE items;",
    );
    write(
        dir,
        "20260102000000_seed_items",
        "INSERT INTO items (id, label) VALUES (1, 'one');",
        "DELETE FROM items;",
    );
    let out = sqlwright(url, dir, &["status"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "pending  20260101000000_create_items\npending  20260102000000_seed_items\n"
    );

    let out = sqlwright(url, dir, &["--echo", "run", "--to", "20260101000000"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "applied 20260101000000_create_items\n");
    let echo = text(&out.stderr);
    assert!(
        echo.contains("applying 20260101000000_create_items (in a transaction)"),
        "{echo}"
    );
    assert!(echo.contains("CREATE TABLE items"), "{echo}");

    let out = sqlwright(url, dir, &["run"]);
    assert_eq!(text(&out.stdout), "applied 20260102000000_seed_items\n");
    let out = sqlwright(url, dir, &["list"]);
    assert_eq!(out.status.code(), Some(0));
    let listed = text(&out.stdout);
    assert!(
        listed.starts_with("applied  20260101000000_create_items  20"),
        "{listed}"
    );
    assert_eq!(listed.lines().count(), 2, "{listed}");

    // An applied migration edited: status exits 1 naming it, run refuses with 2.
    std::fs::write(
        dir.join("20260102000000_seed_items/up.sql"),
        "INSERT INTO items (id, label) VALUES (1, 'uno');",
    )
    .unwrap();
    let out = sqlwright(url, dir, &["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("changed  20260102000000_seed_items"),
        "{}",
        text(&out.stdout)
    );
    let out = sqlwright(url, dir, &["run"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("migration 20260102000000_seed_items was changed after it was applied"),
        "{}",
        text(&out.stderr)
    );
    // redo takes the edit of the newest migration (the development loop).
    let out = sqlwright(url, dir, &["redo"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "reverted and applied again 20260102000000_seed_items\n"
    );
    assert_eq!(sqlwright(url, dir, &["status"]).status.code(), Some(0));

    let out = sqlwright(url, dir, &["revert", "-n", "2"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "reverted 20260102000000_seed_items\nreverted 20260101000000_create_items\n"
    );
    let out = sqlwright(url, dir, &["revert"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot revert 1 migration: 0 are applied"));
}

#[test]
fn run_status_revert_redo_on_postgres() {
    let db = sqlwright::testing::database();
    cycle(&db.url().to_string_with_password(), &scratch("cycle-pg"));
}

#[test]
fn run_status_revert_redo_on_sqlite() {
    let dir = scratch("cycle-sqlite");
    cycle(&sqlite_url(&dir), &dir.join("migrations"));
}

/// Two `migration run` processes started together on `url`: each migration is applied by
/// exactly one of them.
fn two_processes(url: &str, dir: &Path, slow: &str) {
    write(
        dir,
        "1_create_log",
        "CREATE TABLE log (n INTEGER NOT NULL);",
        "DROP TABLE log;",
    );
    write(dir, "2_slow", slow, "SELECT 1;");
    for n in 3..=8 {
        write(
            dir,
            &format!("{n}_insert"),
            &format!("INSERT INTO log (n) VALUES ({n});"),
            &format!("DELETE FROM log WHERE n = {n};"),
        );
    }
    let children: Vec<_> = (0..2)
        .map(|_| {
            command(url, dir, &["run"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut applied = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        applied.extend(
            text(&out.stdout)
                .lines()
                .filter_map(|l| l.strip_prefix("applied "))
                .map(str::to_owned),
        );
    }
    applied.sort_by_key(|l| l.split('_').next().unwrap().parse::<u64>().unwrap());
    let expected: Vec<String> = ["1_create_log", "2_slow"]
        .into_iter()
        .map(str::to_owned)
        .chain((3..=8).map(|n| format!("{n}_insert")))
        .collect();
    assert_eq!(
        applied, expected,
        "each migration applied once, by one process"
    );
    let out = sqlwright(url, dir, &["status"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout).matches("applied  ").count(), 8);
}

#[test]
fn two_processes_run_at_once_on_postgres() {
    let db = sqlwright::testing::database();
    let url = db.url().to_string_with_password();
    // The sleep keeps the first process inside the lock while the second arrives.
    two_processes(&url, &scratch("race-pg"), "SELECT pg_sleep(0.3);");
    let mut conn = db.connect().unwrap();
    let rows = conn
        .query_text("SELECT count(*), count(DISTINCT n) FROM log")
        .unwrap();
    assert_eq!(rows[0], [Some("6".to_string()), Some("6".to_string())]);
}

#[test]
fn two_processes_run_at_once_on_sqlite() {
    let dir = scratch("race-sqlite");
    // A statement that takes a moment: counting through a recursive CTE.
    let slow = "CREATE TABLE spin AS WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300000) SELECT count(*) AS n FROM c;";
    two_processes(&sqlite_url(&dir), &dir.join("migrations"), slow);
}

#[test]
fn a_dirty_migration_blocks_runs_until_resolved() {
    let dir = scratch("dirty");
    let url = sqlite_url(&dir);
    let migrations = dir.join("migrations");
    write(
        &migrations,
        "1_t",
        "CREATE TABLE t (x INTEGER);",
        "DROP TABLE t;",
    );
    write(
        &migrations,
        "2_half",
        "-- sqlwright: no-transaction\nINSERT INTO t VALUES (1);\nINSERT INTO missing VALUES (1);",
        "DELETE FROM t;",
    );
    let out = sqlwright(&url, &migrations, &["run"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("it ran outside a transaction, so it is marked dirty"));
    let out = sqlwright(&url, &migrations, &["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("dirty    2_half"),
        "{}",
        text(&out.stdout)
    );
    let out = sqlwright(&url, &migrations, &["run"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("migration 2_half ran outside a transaction and did not finish")
    );

    let out = sqlwright(&url, &migrations, &["resolve", "2"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--applied or --rolled-back is required"
    );
    let out = sqlwright(&url, &migrations, &["resolve", "2", "--applied"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "2 is recorded as applied\n");
    let out = sqlwright(&url, &migrations, &["status"]);
    assert_eq!(out.status.code(), Some(0));
    let out = sqlwright(&url, &migrations, &["run"]);
    assert_eq!(
        text(&out.stdout),
        "nothing to apply: the database is up to date\n"
    );
}

#[test]
fn a_run_waits_for_the_lock_another_run_holds_on_postgres() {
    let db = sqlwright::testing::database();
    let url = db.url().to_string_with_password();
    let dir = scratch("wait-pg");
    write(&dir, "1_t", "CREATE TABLE t (x INTEGER);", "DROP TABLE t;");
    let key = sqlwright::migrate::ADVISORY_LOCK_KEY;
    let mut holder = db.connect().unwrap();
    holder
        .batch_execute(&format!("SELECT pg_advisory_lock({key})"))
        .unwrap();
    let child = command(&url, &dir, &["--echo", "run"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Until the process is seen waiting for the lock in this database (bounded, not timed).
    let waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted \
                   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";
    let mut seen = false;
    for _ in 0..1000 {
        if holder.query_text(waiting).unwrap()[0][0].as_deref() == Some("1") {
            seen = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(seen, "the second run never waited for the lock");
    // While it waits it has done nothing, not even the bookkeeping table.
    let table = holder
        .query_text("SELECT to_regclass('sqlwright_migrations')::text")
        .unwrap();
    assert_eq!(table[0][0], None);
    // `status` takes no lock: it answers at once.
    let out = sqlwright(&url, &dir, &["status"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "pending  1_t\n");
    holder
        .batch_execute(&format!("SELECT pg_advisory_unlock({key})"))
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("waiting for another migration run to finish"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(text(&out.stdout), "applied 1_t\n");
}
