//! Migrations (`sqlwright::migrate`) on both backends: run, revert, redo and status with the
//! bookkeeping they leave; edited, missing and out-of-order migrations refused; a failed
//! migration leaves nothing (in a transaction) or a dirty mark (outside one) that blocks
//! runs until resolved; concurrent runners apply each migration once. Embedded migrations
//! and the replay are in `migrations_embed.rs`.

use crate::on_both;
use sqlwright::backend::Dialect;
use sqlwright::migrate::{
    MigrateError, MigrationBackend, MigrationState, Migrations, Resolution, Target,
};
use sqlwright::prelude::*;
use sqlwright::{DatabaseUrl, Postgres, Sqlite};
use std::path::{Path, PathBuf};

sqlwright::table! {
    events (id) {
        id -> Int4,
        note -> Text,
    }
    sqlwright_migrations (version) {
        version -> Int8,
        name -> Text,
        checksum -> Text,
        duration_ms -> Int8,
    }
}

/// A backend the tests make a fresh database of, reachable by URL from several connections.
pub(crate) trait Db: MigrationBackend + sqlwright::reflect::Reflects {
    /// A fresh database (kept while the box lives) and its URL.
    fn fresh() -> (Box<dyn std::any::Any>, DatabaseUrl);
    /// A new connection to it.
    fn connect_to(url: &DatabaseUrl) -> Connection<Self>;
}

impl Db for Postgres {
    fn fresh() -> (Box<dyn std::any::Any>, DatabaseUrl) {
        let db = sqlwright::testing::database();
        let url = db.url().clone();
        (Box::new(db), url)
    }
    fn connect_to(url: &DatabaseUrl) -> Connection<Self> {
        Connection::connect_url(url).unwrap()
    }
}

impl Db for Sqlite {
    fn fresh() -> (Box<dyn std::any::Any>, DatabaseUrl) {
        let db = sqlwright::testing::sqlite_database();
        let url = db.url().clone();
        (Box::new(db), url)
    }
    fn connect_to(url: &DatabaseUrl) -> Connection<Self> {
        Connection::<Sqlite>::open_url(url).unwrap()
    }
}

/// A fresh migrations directory for test `tag` on backend `B`, holding `files`
/// (`(directory, up.sql, down.sql)`).
pub(crate) fn dir<B: Db>(tag: &str, files: &[(&str, &str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sqlwright-migrations-{}-{tag}-{}",
        std::process::id(),
        B::DIALECT.name()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for (name, up, down) in files {
        write(&dir, name, up, down);
    }
    dir
}

pub(crate) fn write(dir: &Path, name: &str, up: &str, down: &str) {
    std::fs::create_dir_all(dir.join(name)).unwrap();
    std::fs::write(dir.join(name).join("up.sql"), up).unwrap();
    std::fs::write(dir.join(name).join("down.sql"), down).unwrap();
}

pub(crate) const CREATE_EVENTS: (&str, &str, &str) = (
    "1_create_events",
    "CREATE TABLE events (id INTEGER PRIMARY KEY, note TEXT NOT NULL);",
    "DROP TABLE events;",
);

fn event(n: i32) -> (String, String, String) {
    (
        format!("{}_event_{n}", n + 1),
        format!("INSERT INTO events (id, note) VALUES ({n}, 'e{n}');"),
        format!("DELETE FROM events WHERE id = {n};"),
    )
}

fn notes_of<B: Db>(conn: &mut Connection<B>) -> Vec<String> {
    events::table
        .select(events::note)
        .order_by(events::id)
        .load(conn)
        .unwrap()
}

pub(crate) fn states<B: MigrationBackend>(
    m: &Migrations,
    conn: &mut Connection<B>,
) -> Vec<(u64, MigrationState)> {
    m.status(conn)
        .unwrap()
        .into_iter()
        .map(|s| (s.version, s.state))
        .collect()
}

fn run_revert_redo_and_status<B: Db>() {
    let (_keep, url) = B::fresh();
    let mut conn = B::connect_to(&url);
    let (e1, e2) = (event(1), event(2));
    let d = dir::<B>(
        "cycle",
        &[CREATE_EVENTS, (&e1.0, &e1.1, &e1.2), (&e2.0, &e2.1, &e2.2)],
    );
    let m = Migrations::from_dir(&d).unwrap();
    use MigrationState::*;
    assert_eq!(
        states(&m, &mut conn),
        [(1, Pending), (2, Pending), (3, Pending)]
    );
    assert!(
        conn.batch_execute("SELECT * FROM sqlwright_migrations")
            .is_err(),
        "status writes nothing, not even the bookkeeping table"
    );

    assert_eq!(m.run(&mut conn, Target::Version(2)).unwrap(), [1, 2]);
    assert_eq!(notes_of(&mut conn), ["e1"]);
    assert_eq!(
        states(&m, &mut conn),
        [(1, Applied), (2, Applied), (3, Pending)]
    );
    assert_eq!(m.run(&mut conn, Target::Latest).unwrap(), [3]);
    assert_eq!(m.run(&mut conn, Target::Latest).unwrap(), Vec::<u64>::new());
    assert_eq!(notes_of(&mut conn), ["e1", "e2"]);

    // The bookkeeping: one row per migration, with the name, the SHA-256 of up.sql as
    // applied, when, how long, not dirty.
    let rows: Vec<(i64, String, String, i64)> = sqlwright_migrations::table
        .select((
            sqlwright_migrations::version,
            sqlwright_migrations::name,
            sqlwright_migrations::checksum,
            sqlwright_migrations::duration_ms,
        ))
        .order_by(sqlwright_migrations::version)
        .load(&mut conn)
        .unwrap();
    assert_eq!(rows.len(), 3);
    for (row, file) in rows.iter().zip(m.iter()) {
        assert_eq!(row.0 as u64, file.version());
        assert_eq!(row.1, file.name());
        assert_eq!(row.2, file.checksum());
        assert_eq!(row.2.len(), 64);
        assert!(row.3 >= 0);
    }
    for line in m.status(&mut conn).unwrap() {
        let applied = line.applied.expect("applied");
        assert!(applied.applied_at.starts_with("20"), "{applied:?}");
        assert!(applied.applied_at.ends_with("+00"), "{applied:?}");
        assert!(!applied.dirty);
    }

    assert_eq!(m.revert(&mut conn, 2).unwrap(), [3, 2]);
    assert_eq!(notes_of(&mut conn), Vec::<String>::new());
    assert_eq!(
        states(&m, &mut conn),
        [(1, Applied), (2, Pending), (3, Pending)]
    );
    assert_eq!(m.redo(&mut conn).unwrap(), 1);
    assert_eq!(
        states(&m, &mut conn),
        [(1, Applied), (2, Pending), (3, Pending)]
    );
    let err = m.revert(&mut conn, 2).unwrap_err();
    assert_eq!(err.to_string(), "cannot revert 2 migrations: 1 is applied");
    assert_eq!(m.revert(&mut conn, 1).unwrap(), [1]);
    assert!(conn.batch_execute("SELECT * FROM events").is_err());
    let err = m.run(&mut conn, Target::Version(9)).unwrap_err();
    assert!(
        matches!(err, MigrateError::UnknownVersion { version: 9, .. }),
        "{err}"
    );
    let err = m.redo(&mut conn).unwrap_err();
    assert!(err.to_string().contains("nothing to redo"), "{err}");
}

fn edited_missing_and_out_of_order_migrations_are_refused<B: Db>() {
    let (_keep, url) = B::fresh();
    let mut conn = B::connect_to(&url);
    let (e1, e3) = (event(1), event(3));
    let d = dir::<B>("edited", &[CREATE_EVENTS, (&e1.0, &e1.1, &e1.2)]);
    Migrations::from_dir(&d)
        .unwrap()
        .run(&mut conn, Target::Latest)
        .unwrap();

    // Edited after it was applied: refused, naming it; status says changed.
    std::fs::write(
        d.join("2_event_1/up.sql"),
        "INSERT INTO events VALUES (7, 'x');",
    )
    .unwrap();
    write(&d, &e3.0, &e3.1, &e3.2);
    let m = Migrations::from_dir(&d).unwrap();
    let err = m.run(&mut conn, Target::Latest).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("migration 2_event_1 was changed after it was applied"),
        "{err}"
    );
    assert!(m.revert(&mut conn, 1).is_err());
    use MigrationState::*;
    assert_eq!(
        states(&m, &mut conn),
        [(1, Applied), (2, Changed), (4, Pending)]
    );
    assert_eq!(notes_of(&mut conn), ["e1"], "nothing ran");

    // Its files gone: refused as missing.
    std::fs::remove_dir_all(d.join("2_event_1")).unwrap();
    let m = Migrations::from_dir(&d).unwrap();
    let err = m.run(&mut conn, Target::Latest).unwrap_err();
    assert_eq!(
        err.to_string(),
        "migration 2_event_1 is applied in the database but its files are missing from the migrations"
    );
    assert_eq!(
        states(&m, &mut conn),
        [(1, Applied), (2, Missing), (4, Pending)]
    );

    // Restored, then a migration older than the newest applied one appears.
    write(&d, &e1.0, &e1.1, &e1.2);
    let m = Migrations::from_dir(&d).unwrap();
    assert_eq!(m.run(&mut conn, Target::Latest).unwrap(), [4]);
    write(&d, "3_late", "SELECT 1;", "SELECT 1;");
    let err = Migrations::from_dir(&d)
        .unwrap()
        .run(&mut conn, Target::Latest)
        .unwrap_err();
    assert!(
        matches!(
            err,
            MigrateError::OutOfOrder {
                version: 3,
                latest: 4,
                ..
            }
        ),
        "{err}"
    );
}

fn a_failed_migration_in_a_transaction_leaves_nothing<B: Db>() {
    let (_keep, url) = B::fresh();
    let mut conn = B::connect_to(&url);
    let d = dir::<B>(
        "failed",
        &[
            CREATE_EVENTS,
            (
                "2_broken",
                "CREATE TABLE kept_not (x INTEGER);\nINSERT INTO events (id, note) VALUES (1, 'a');\nINSERT INTO no_such_table VALUES (1);",
                "DROP TABLE kept_not;",
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
                file: "up.sql",
                dirty: false,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("nothing of it was kept"), "{err}");
    // The first migration stays applied; nothing of the second is left: no table, no row,
    // no bookkeeping.
    assert!(conn.batch_execute("SELECT * FROM kept_not").is_err());
    assert_eq!(notes_of(&mut conn), Vec::<String>::new());
    use MigrationState::*;
    assert_eq!(states(&m, &mut conn), [(1, Applied), (2, Pending)]);
}

fn a_failed_migration_outside_a_transaction_is_dirty_until_resolved<B: Db>() {
    let (_keep, url) = B::fresh();
    let mut conn = B::connect_to(&url);
    // PostgreSQL refuses CREATE INDEX CONCURRENTLY in a transaction: this runs outside one.
    let concurrently = if B::DIALECT == Dialect::Postgres {
        " CONCURRENTLY"
    } else {
        ""
    };
    let up = format!(
        "-- sqlwright: no-transaction\n\
         CREATE INDEX{concurrently} events_note ON events (note);\n\
         CREATE INDEX{concurrently} broken ON no_such_table (x);\n"
    );
    let d = dir::<B>(
        "dirty",
        &[CREATE_EVENTS, ("2_index", &up, "DROP INDEX events_note;")],
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
    use MigrationState::*;
    assert_eq!(states(&m, &mut conn), [(1, Applied), (2, Dirty)]);

    // Dirty blocks every further run, revert and redo until resolved.
    for err in [
        m.run(&mut conn, Target::Latest).unwrap_err(),
        m.revert(&mut conn, 1).unwrap_err(),
    ] {
        assert!(
            matches!(err, MigrateError::Dirty { version: 2, .. }),
            "{err}"
        );
    }
    let err = m.resolve(&mut conn, 1, Resolution::Applied).unwrap_err();
    assert_eq!(
        err.to_string(),
        "version 1: no migration of this version is marked dirty"
    );

    // Repaired by hand (the index that was made dropped), forgotten, fixed, run again.
    conn.batch_execute("DROP INDEX events_note").unwrap();
    m.resolve(&mut conn, 2, Resolution::RolledBack).unwrap();
    assert_eq!(states(&m, &mut conn), [(1, Applied), (2, Pending)]);
    let fixed = format!(
        "-- sqlwright: no-transaction\nCREATE INDEX{concurrently} events_note ON events (note);\n"
    );
    std::fs::write(d.join("2_index/up.sql"), &fixed).unwrap();
    let m = Migrations::from_dir(&d).unwrap();
    assert_eq!(m.run(&mut conn, Target::Latest).unwrap(), [2]);
    assert_eq!(states(&m, &mut conn), [(1, Applied), (2, Applied)]);
    assert!(
        !m.status(&mut conn).unwrap()[1]
            .applied
            .as_ref()
            .unwrap()
            .dirty
    );

    // A dirty mark resolved as applied keeps the migration.
    write(
        &d,
        "3_more",
        "-- sqlwright: no-transaction\nINSERT INTO events VALUES (5, 'e5');\nINSERT INTO no_such_table VALUES (1);",
        "DELETE FROM events WHERE id = 5;",
    );
    let m = Migrations::from_dir(&d).unwrap();
    assert!(m.run(&mut conn, Target::Latest).is_err());
    m.resolve(&mut conn, 3, Resolution::Applied).unwrap();
    assert_eq!(
        states(&m, &mut conn),
        [(1, Applied), (2, Applied), (3, Applied)]
    );
    assert_eq!(notes_of(&mut conn), ["e5"]);
}

fn a_down_sql_outside_a_transaction_reverts_or_goes_dirty<B: Db>() {
    let (_keep, url) = B::fresh();
    let mut conn = B::connect_to(&url);
    let concurrently = if B::DIALECT == Dialect::Postgres {
        " CONCURRENTLY"
    } else {
        ""
    };
    let d = dir::<B>(
        "down",
        &[
            CREATE_EVENTS,
            (
                "2_index",
                &format!("-- sqlwright: no-transaction\nCREATE INDEX{concurrently} events_note ON events (note);"),
                &format!("-- sqlwright: no-transaction\nDROP INDEX{concurrently} events_note;"),
            ),
        ],
    );
    let m = Migrations::from_dir(&d).unwrap();
    assert!(!m.get(2).unwrap().down_in_transaction());
    assert_eq!(m.run(&mut conn, Target::Latest).unwrap(), [1, 2]);
    assert_eq!(m.revert(&mut conn, 1).unwrap(), [2]);
    use MigrationState::*;
    assert_eq!(states(&m, &mut conn), [(1, Applied), (2, Pending)]);
    // The index is gone: making it again works.
    conn.batch_execute("CREATE INDEX events_note ON events (note)")
        .unwrap();
    conn.batch_execute("DROP INDEX events_note").unwrap();

    // A down.sql that fails half-way marks the migration dirty.
    std::fs::write(
        d.join("2_index/down.sql"),
        format!("-- sqlwright: no-transaction\nDROP INDEX{concurrently} events_note;\nDROP INDEX no_such_index;"),
    )
    .unwrap();
    let m = Migrations::from_dir(&d).unwrap();
    assert_eq!(m.run(&mut conn, Target::Latest).unwrap(), [2]);
    let err = m.revert(&mut conn, 1).unwrap_err();
    assert!(
        matches!(
            &err,
            MigrateError::Failed {
                version: 2,
                file: "down.sql",
                dirty: true,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(states(&m, &mut conn), [(1, Applied), (2, Dirty)]);
    m.resolve(&mut conn, 2, Resolution::RolledBack).unwrap();
    assert_eq!(states(&m, &mut conn), [(1, Applied), (2, Pending)]);
}

fn empty_files_from_migration_new_apply_and_revert<B: Db>() {
    let (_keep, url) = B::fresh();
    let mut conn = B::connect_to(&url);
    let d = dir::<B>(
        "empty",
        &[
            ("20261206143000_todo", "", ""),
            ("20261206143001_comment", "-- nothing yet\n", ""),
        ],
    );
    let m = Migrations::from_dir(&d).unwrap();
    assert_eq!(
        m.run(&mut conn, Target::Latest).unwrap(),
        [20261206143000, 20261206143001]
    );
    assert_eq!(
        m.revert(&mut conn, 2).unwrap(),
        [20261206143001, 20261206143000]
    );
}

fn concurrent_runners_apply_each_migration_once<B: Db>() {
    let (_keep, url) = B::fresh();
    let events: Vec<_> = (1..=6).map(event).collect();
    let mut files = vec![CREATE_EVENTS];
    files.extend(
        events
            .iter()
            .map(|e| (e.0.as_str(), e.1.as_str(), e.2.as_str())),
    );
    let m = Migrations::from_dir(dir::<B>("race", &files)).unwrap();
    let runners = 4;
    let start = std::sync::Barrier::new(runners);
    let applied: Vec<Vec<u64>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..runners)
            .map(|_| {
                s.spawn(|| {
                    let mut conn = B::connect_to(&url);
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
        "each migration applied by exactly one runner"
    );
    let mut conn = B::connect_to(&url);
    assert_eq!(notes_of(&mut conn), ["e1", "e2", "e3", "e4", "e5", "e6"]);
}

on_both!(
    run_revert_redo_and_status,
    edited_missing_and_out_of_order_migrations_are_refused,
    a_failed_migration_in_a_transaction_leaves_nothing,
    a_failed_migration_outside_a_transaction_is_dirty_until_resolved,
    a_down_sql_outside_a_transaction_reverts_or_goes_dirty,
    empty_files_from_migration_new_apply_and_revert,
    concurrent_runners_apply_each_migration_once,
    a_script_that_opened_its_own_transaction_is_rolled_back_when_it_fails,
    a_script_that_leaves_its_own_transaction_open_is_not_taken_as_applied,
);

/// A no-transaction file whose BEGIN has no COMMIT: its work would end uncommitted with the
/// session, so the run fails, rolls it back, and the migration stays dirty.
fn a_script_that_leaves_its_own_transaction_open_is_not_taken_as_applied<B: Db>() {
    let (_keep, url) = B::fresh();
    let mut conn = B::connect_to(&url);
    let up = "-- sqlwright: no-transaction\nBEGIN;\nCREATE TABLE open_ended (x int);\n";
    let d = dir::<B>(
        "open_tx",
        &[CREATE_EVENTS, ("2_open", up, "DROP TABLE open_ended;")],
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
    assert!(err.to_string().contains("left a transaction open"), "{err}");
    use MigrationState::*;
    assert_eq!(states(&m, &mut conn), [(1, Applied), (2, Dirty)]);
    let mut other = B::connect_to(&url);
    assert!(other.batch_execute("SELECT x FROM open_ended").is_err());
}

/// A no-transaction file that opens a transaction itself (as SQLite's table rebuild does)
/// and fails inside it: that transaction is rolled back, the dirty mark stays, and the
/// connection is left outside any transaction.
fn a_script_that_opened_its_own_transaction_is_rolled_back_when_it_fails<B: Db>() {
    let (_keep, url) = B::fresh();
    let mut conn = B::connect_to(&url);
    let up = "-- sqlwright: no-transaction\n\
              BEGIN;\n\
              CREATE TABLE half (x int);\n\
              INSERT INTO no_such_table VALUES (1);\n\
              COMMIT;\n";
    let d = dir::<B>(
        "own_tx",
        &[CREATE_EVENTS, ("2_half", up, "DROP TABLE half;")],
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
    use MigrationState::*;
    assert_eq!(states(&m, &mut conn), [(1, Applied), (2, Dirty)]);
    // What the connection does next is committed on its own, not held in the script's
    // transaction: another connection sees it.
    conn.batch_execute("CREATE TABLE after_failure (x int)")
        .unwrap();
    let mut other = B::connect_to(&url);
    other.batch_execute("SELECT x FROM after_failure").unwrap();
    assert!(
        other.batch_execute("SELECT x FROM half").is_err(),
        "the script's table stayed"
    );
}
