//! Migrations compiled in by `embed_migrations!` and applied by `run_pending` (on both
//! backends, on a pooled and on an `AnyConnection`), and `migrate::replay` on a scratch
//! database.

use crate::migrations::{dir, states, write, Db, CREATE_EVENTS};
use crate::on_both;
use sqlwright::backend::Dialect;
use sqlwright::migrate::{self, MigrateError, MigrationState, Migrations};
use sqlwright::prelude::*;
use std::path::Path;

sqlwright::table! {
    notes (id) {
        id -> Int4,
        body -> Text,
    }
}

static EMBEDDED: migrate::EmbeddedMigrations = sqlwright::embed_migrations!("fixtures/migrations");

fn embedded_migrations_run_pending_at_start_up<B: Db>() {
    let (_keep, url) = B::fresh();
    let mut conn = B::connect_to(&url);
    assert_eq!(
        EMBEDDED.run_pending(&mut conn).unwrap(),
        [20260101000000, 20260102000000]
    );
    assert_eq!(EMBEDDED.run_pending(&mut conn).unwrap(), Vec::<u64>::new());
    let bodies: Vec<String> = notes::table
        .select(notes::body)
        .order_by(notes::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(bodies, ["first", "second"]);
    // The same files read from the directory at run time are the same migrations: same
    // checksums, so the CLI sees them applied.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/migrations");
    let from_dir = Migrations::from_dir(dir).unwrap();
    use MigrationState::*;
    assert_eq!(
        states(&from_dir, &mut conn),
        [(20260101000000, Applied), (20260102000000, Applied)]
    );
    let embedded = EMBEDDED.migrations().unwrap();
    assert_eq!(
        embedded.iter().map(|m| m.checksum()).collect::<Vec<_>>(),
        from_dir.iter().map(|m| m.checksum()).collect::<Vec<_>>()
    );
    // Inside a transaction they are refused: each migration commits its own.
    let mut tx = conn.begin().unwrap();
    let err = EMBEDDED.run_pending(&mut tx).unwrap_err();
    assert!(err.to_string().contains("outside a transaction"), "{err}");
}

fn replay_reads_the_schema_on_a_scratch_database<B: Db>() {
    let (_keep, url) = B::fresh();
    let d = dir::<B>(
        "replay",
        &[
            CREATE_EVENTS,
            (
                "2_extra",
                "ALTER TABLE events ADD COLUMN extra TEXT;",
                "ALTER TABLE events DROP COLUMN extra;",
            ),
        ],
    );
    let m = Migrations::from_dir(&d).unwrap();
    let catalog = migrate::replay(&url, &m).unwrap();
    assert_eq!(catalog.dialect, B::DIALECT);
    let names: Vec<&str> = catalog.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["events"], "the bookkeeping table is left out");
    let columns: Vec<&str> = catalog.tables[0]
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(columns, ["id", "note", "extra"]);
    // The target database was not touched.
    let mut conn = B::connect_to(&url);
    let target = sqlwright::reflect::reflect(&mut conn, &Default::default()).unwrap();
    assert!(target.tables.is_empty(), "{:?}", target.tables);

    // A failing migration is the replay's error, and the scratch database is gone too.
    write(&d, "3_broken", "INSERT INTO no_such_table VALUES (1);", "");
    let err = migrate::replay(&url, &Migrations::from_dir(&d).unwrap()).unwrap_err();
    assert!(
        matches!(err, MigrateError::Failed { version: 3, .. }),
        "{err}"
    );
    if B::DIALECT == Dialect::Postgres {
        let mut admin = Connection::connect_url(&url).unwrap();
        let left = admin
            .query_text(&format!(
                "SELECT count(*) FROM pg_database WHERE datname LIKE 'sqlwright\\_scratch\\_{}\\_%'",
                std::process::id()
            ))
            .unwrap();
        assert_eq!(
            left[0][0].as_deref(),
            Some("0"),
            "scratch databases dropped"
        );
    }
}

on_both!(
    embedded_migrations_run_pending_at_start_up,
    replay_reads_the_schema_on_a_scratch_database,
);

/// An engine's pooled connection and an `AnyConnection` (the backend the URL picks) run the
/// same migrations.
#[test]
fn embedded_migrations_on_an_any_connection() {
    let pg = sqlwright::testing::database();
    let lite = sqlwright::testing::sqlite_database();
    // MariaDB: DDL commits by itself, so each migration runs as a no-transaction one does.
    let maria = sqlwright::testing::mariadb_database();
    for url in [pg.url(), lite.url(), maria.url()] {
        // At start-up, on a connection of the application's pool.
        let engine = sqlwright::create_engine(&url.to_string_with_password()).unwrap();
        assert_eq!(
            EMBEDDED
                .run_pending(&mut engine.connect().unwrap())
                .unwrap(),
            [20260101000000, 20260102000000],
            "{url}"
        );
        let mut conn = sqlwright::AnyConnection::open_url(url).unwrap();
        assert_eq!(EMBEDDED.run_pending(&mut conn).unwrap(), Vec::<u64>::new());
        let m = EMBEDDED.migrations().unwrap();
        assert_eq!(m.revert(&mut conn, 1).unwrap(), [20260102000000]);
        use MigrationState::*;
        assert_eq!(
            states(&m, &mut conn),
            [(20260101000000, Applied), (20260102000000, Pending)]
        );
        assert_eq!(EMBEDDED.run_pending(&mut conn).unwrap(), [20260102000000]);
        let bodies: Vec<String> = notes::table
            .select(notes::body)
            .order_by(notes::id)
            .load(&mut conn)
            .unwrap();
        assert_eq!(bodies, ["first", "second"], "{url}");
    }
}
