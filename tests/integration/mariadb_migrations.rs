//! Migrations on MariaDB: DDL commits implicitly, so every migration runs with its dirty
//! mark set first; a migration whose second statement fails leaves its first applied and
//! the mark set until `resolve`; run, revert, redo and status; concurrent runners apply
//! each migration once under `GET_LOCK`.

use crate::migrations::{states, write};
use sqlwright::migrate::{MigrateError, MigrationState, Migrations, Resolution, Target};
use sqlwright::testing::mariadb_database;
use sqlwright::{Connection, Mysql};
use std::path::PathBuf;

fn dir(tag: &str, files: &[(&str, &str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sqlwright-mariadb-migrations-{}-{tag}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for (name, up, down) in files {
        write(&dir, name, up, down);
    }
    dir
}

const CREATE_EVENTS: (&str, &str, &str) = (
    "1_create_events",
    "CREATE TABLE events (id INT PRIMARY KEY, note TEXT NOT NULL);",
    "DROP TABLE events;",
);

fn notes(conn: &mut Connection<Mysql>) -> Vec<String> {
    conn.query_text("SELECT note FROM events ORDER BY id")
        .unwrap()
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect()
}

fn has_table(conn: &mut Connection<Mysql>, name: &str) -> bool {
    // The names are the test's own.
    conn.query_text(&format!(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() \
         AND table_name = '{name}'"
    ))
    .unwrap()
    .len()
        == 1
}

#[test]
fn run_revert_redo_and_status_on_mariadb() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    let d = dir(
        "basic",
        &[
            CREATE_EVENTS,
            (
                "2_first",
                "INSERT INTO events VALUES (1, 'one');\nALTER TABLE events ADD COLUMN n INT NULL;",
                "ALTER TABLE events DROP COLUMN n;\nDELETE FROM events WHERE id = 1;",
            ),
            (
                "3_second",
                "INSERT INTO events (id, note, n) VALUES (2, 'two', 2);",
                "DELETE FROM events WHERE id = 2;",
            ),
        ],
    );
    let m = Migrations::from_dir(&d).unwrap();
    use MigrationState::*;
    // Before anything: no bookkeeping table, everything pending, nothing written.
    assert_eq!(
        states(&m, &mut conn),
        [(1, Pending), (2, Pending), (3, Pending)]
    );
    assert!(!has_table(&mut conn, "sqlwright_migrations"));
    assert_eq!(m.run(&mut conn, Target::Version(2)).unwrap(), [1, 2]);
    assert_eq!(
        states(&m, &mut conn),
        [(1, Applied), (2, Applied), (3, Pending)]
    );
    assert_eq!(m.run(&mut conn, Target::Latest).unwrap(), [3]);
    assert_eq!(notes(&mut conn), ["one", "two"]);
    let status = m.status(&mut conn).unwrap();
    let row = status[2].applied.as_ref().unwrap();
    assert!(!row.dirty);
    assert_eq!(row.checksum, m.get(3).unwrap().checksum());
    assert!(
        row.applied_at.ends_with("+00") && row.applied_at.len() == 26,
        "{row:?}"
    );
    assert_eq!(m.revert(&mut conn, 2).unwrap(), [3, 2]);
    assert_eq!(
        states(&m, &mut conn),
        [(1, Applied), (2, Pending), (3, Pending)]
    );
    assert!(notes(&mut conn).is_empty());
    assert!(m.revert(&mut conn, 2).is_err());
    assert_eq!(m.run(&mut conn, Target::Latest).unwrap(), [2, 3]);
    assert_eq!(m.redo(&mut conn).unwrap(), 3);
    assert_eq!(notes(&mut conn), ["one", "two"]);
    assert_eq!(m.revert(&mut conn, 3).unwrap(), [3, 2, 1]);
    assert!(!has_table(&mut conn, "events"));
    // The lock was released: another connection takes it at once.
    let mut other = db.connect().unwrap();
    let got = other
        .query_text(
            "SELECT GET_LOCK(CONCAT('sqlwright_migrations.', LEFT(SHA2(DATABASE(), 256), 40)), 0)",
        )
        .unwrap();
    assert_eq!(got, [vec![Some("1".to_string())]]);
}

#[test]
fn a_migration_whose_second_statement_fails_is_dirty_with_its_first_applied() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    let d = dir(
        "dirty",
        &[
            CREATE_EVENTS,
            (
                "2_half",
                // No `no-transaction` marker: on MySQL DDL commits anyway, so the
                // migration is run as one with its dirty mark.
                "CREATE TABLE tags (id INT PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);\n",
                "DROP TABLE tags;",
            ),
        ],
    );
    let m = Migrations::from_dir(&d).unwrap();
    let err = m.run(&mut conn, Target::Latest).unwrap_err();
    assert!(
        matches!(
            &err,
            MigrateError::Failed {
                version: 2,
                dirty: true,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("resolve 2 --applied"), "{err}");
    // The first statement stays (MySQL committed it), and the mark says so.
    assert!(has_table(&mut conn, "tags"));
    use MigrationState::*;
    assert_eq!(states(&m, &mut conn), [(1, Applied), (2, Dirty)]);
    for err in [
        m.run(&mut conn, Target::Latest).unwrap_err(),
        m.revert(&mut conn, 1).unwrap_err(),
        m.redo(&mut conn).unwrap_err(),
    ] {
        assert!(
            matches!(err, MigrateError::Dirty { version: 2, .. }),
            "{err}"
        );
    }
    // Repaired by hand, resolved as rolled back, fixed and run again.
    conn.batch_execute("DROP TABLE tags").unwrap();
    m.resolve(&mut conn, 2, Resolution::RolledBack).unwrap();
    assert_eq!(states(&m, &mut conn), [(1, Applied), (2, Pending)]);
    std::fs::write(
        d.join("2_half/up.sql"),
        "CREATE TABLE tags (id INT PRIMARY KEY);\nINSERT INTO events VALUES (1, 'fixed');\n",
    )
    .unwrap();
    let m = Migrations::from_dir(&d).unwrap();
    assert_eq!(m.run(&mut conn, Target::Latest).unwrap(), [2]);
    assert_eq!(states(&m, &mut conn), [(1, Applied), (2, Applied)]);
    // A dirty revert resolved as applied keeps the migration applied.
    std::fs::write(
        d.join("2_half/down.sql"),
        "DELETE FROM events WHERE id = 1;\nDROP TABLE no_such_table;\n",
    )
    .unwrap();
    let m = Migrations::from_dir(&d).unwrap();
    let err = m.revert(&mut conn, 1).unwrap_err();
    assert!(
        matches!(
            &err,
            MigrateError::Failed {
                version: 2,
                dirty: true,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(states(&m, &mut conn), [(1, Applied), (2, Dirty)]);
    assert!(notes(&mut conn).is_empty());
    assert!(m.resolve(&mut conn, 1, Resolution::Applied).is_err());
    m.resolve(&mut conn, 2, Resolution::Applied).unwrap();
    assert_eq!(states(&m, &mut conn), [(1, Applied), (2, Applied)]);
}

#[test]
fn concurrent_runners_on_mariadb_apply_each_migration_once() {
    let db = mariadb_database();
    let events: Vec<(String, String, String)> = (1..=6)
        .map(|n| {
            (
                format!("{}_event_{n}", n + 1),
                format!("INSERT INTO events (id, note) VALUES ({n}, 'e{n}');"),
                format!("DELETE FROM events WHERE id = {n};"),
            )
        })
        .collect();
    let mut files = vec![CREATE_EVENTS];
    files.extend(
        events
            .iter()
            .map(|e| (e.0.as_str(), e.1.as_str(), e.2.as_str())),
    );
    let m = Migrations::from_dir(dir("race", &files)).unwrap();
    let runners = 4;
    let start = std::sync::Barrier::new(runners);
    let applied: Vec<Vec<u64>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..runners)
            .map(|_| {
                s.spawn(|| {
                    let mut conn = db.connect().unwrap();
                    start.wait();
                    m.run(&mut conn, Target::Latest).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut all: Vec<u64> = applied.into_iter().flatten().collect();
    all.sort();
    assert_eq!(
        all,
        [1, 2, 3, 4, 5, 6, 7],
        "each migration applied by one runner"
    );
    let mut conn = db.connect().unwrap();
    assert_eq!(notes(&mut conn), ["e1", "e2", "e3", "e4", "e5", "e6"]);
}

static EMBEDDED: sqlwright::migrate::EmbeddedMigrations =
    sqlwright::embed_migrations!("fixtures/migrations");

#[test]
fn embedded_migrations_run_pending_on_mariadb() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    assert_eq!(
        EMBEDDED.run_pending(&mut conn).unwrap(),
        [20260101000000, 20260102000000]
    );
    assert_eq!(EMBEDDED.run_pending(&mut conn).unwrap(), Vec::<u64>::new());
    let bodies = conn
        .query_text("SELECT body FROM notes ORDER BY id")
        .unwrap();
    assert_eq!(
        bodies,
        [
            vec![Some("first".to_string())],
            vec![Some("second".to_string())]
        ]
    );
}
