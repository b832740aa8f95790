//! The engine (the pool) on every backend: checkout and reuse, cleaning a connection
//! returned inside a transaction, checkout timeouts, transactions, logging and sessions;
//! then what only SQLite's engine has to say (in-memory URLs, a busy database file).

use crate::both::{spelled, FreshEngine, TestBackend};
use crate::on_all;
use crate::session::capture_sql;
use sqlwright::engine::{DbErrorKind, EngineBuilder, PoolState};
use sqlwright::prelude::*;
use sqlwright::{PooledConnection, Sqlite, SqliteEngine};
use std::time::{Duration, Instant};

sqlwright::table! {
    items (id) {
        #[serial] id -> Int4,
        name -> Text,
    }
    counter (id) {
        id -> Int4,
        n -> Int4,
    }
}

const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(items);

#[derive(sqlwright::Insertable)]
#[sqlwright(table = items)]
struct NewItem {
    name: String,
}

on_all!(
    connections_are_returned_and_reused,
    a_connection_returned_inside_a_transaction_is_rolled_back,
    checkout_waits_then_times_out,
    engine_transactions_commit_and_roll_back,
    engine_settings_reach_every_connection_and_come_back,
    a_session_over_the_engine,
    log_lines_name_their_connection,
);

fn log_lines_name_their_connection<B: TestBackend>() {
    let e = engine::<B>(|b| b.pool_size(2).max_overflow(0));
    let mut a = e.engine.connect().unwrap();
    let mut b = e.engine.connect().unwrap();
    let (ida, idb) = (a.id(), b.id());
    assert_ne!(ida, idb);
    let (_, log) = capture_sql(|| {
        items::table.count(&mut a).unwrap();
        items::table.count(&mut b).unwrap();
    });
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log[0].contains(&format!("conn={ida} ")), "{log:?}");
    assert!(log[1].contains(&format!("conn={idb} ")), "{log:?}");
    // Back in the pool and out again, a connection keeps its number.
    drop(a);
    let mut again = e.engine.connect().unwrap();
    assert_eq!(again.id(), ida);
    let (_, log) = capture_sql(|| items::table.count(&mut again).unwrap());
    assert!(log[0].contains(&format!("conn={ida} ")), "{log:?}");
}

/// An engine on a fresh database with the `items` table.
fn engine<B: TestBackend>(
    configure: impl FnOnce(EngineBuilder<B>) -> EngineBuilder<B>,
) -> FreshEngine<B> {
    let e = B::engine(configure);
    let mut conn = e.engine.connect().expect("check out a connection");
    SCHEMA.create_all(&mut conn, false).expect("create items");
    drop(conn);
    e
}

fn names<B: TestBackend>(e: &FreshEngine<B>) -> Vec<String> {
    let mut conn = e.engine.connect().unwrap();
    items::table
        .select(items::name)
        .order_by(items::id)
        .load(&mut conn)
        .unwrap()
}

fn connections_are_returned_and_reused<B: TestBackend>() {
    let e = engine::<B>(|b| b.pool_size(2).max_overflow(1));
    let state = |open, idle, peak| PoolState { open, idle, peak };
    assert_eq!(e.engine.state(), state(1, 1, 1));
    let mut a = e.engine.connect().unwrap();
    let b = e.engine.connect().unwrap();
    let c = e.engine.connect().unwrap();
    assert_eq!(e.engine.state(), state(3, 0, 3));
    insert_into(items::table)
        .values(items::name.to("seen by all"))
        .execute(&mut a)
        .unwrap();
    drop((a, b, c));
    // The overflow connection is closed on return; pool_size stay.
    assert_eq!(e.engine.state(), state(2, 2, 3));
    let mut again = e.engine.connect().unwrap();
    assert_eq!(e.engine.state(), state(2, 1, 3));
    assert_eq!(items::table.count(&mut again).unwrap(), 1);
    drop(again);
    e.engine.dispose();
    assert_eq!(e.engine.state(), state(0, 0, 3));
    assert_eq!(names(&e), ["seen by all"]);
    let detached = e.engine.connect().unwrap().detach();
    assert_eq!(e.engine.state().open, 0);
    drop(detached);
}

fn a_connection_returned_inside_a_transaction_is_rolled_back<B: TestBackend>() {
    let e = engine::<B>(|b| b.pool_size(1).max_overflow(0));
    {
        // A leaked guard: the connection still counts a transaction open.
        let mut conn = e.engine.connect().unwrap();
        std::mem::forget(conn.begin().unwrap());
        insert_into(items::table)
            .values(items::name.to("leaked"))
            .execute(&mut conn)
            .unwrap();
        assert!(conn.in_transaction());
    }
    {
        // BEGIN sent as text: only the database knows a transaction is open.
        let mut conn = e.engine.connect().unwrap();
        assert!(!conn.in_transaction());
        conn.batch_execute("BEGIN").unwrap();
        insert_into(items::table)
            .values(items::name.to("as text"))
            .execute(&mut conn)
            .unwrap();
    }
    assert!(names(&e).is_empty());
    // The same connection each time, rolled back and kept, not closed.
    assert_eq!(
        e.engine.state(),
        PoolState {
            open: 1,
            idle: 1,
            peak: 1
        }
    );
}

fn checkout_waits_then_times_out<B: TestBackend>() {
    let e = engine::<B>(|b| {
        b.pool_size(1)
            .max_overflow(0)
            .checkout_timeout(Duration::from_millis(200))
    });
    let held = e.engine.connect().unwrap();
    let started = Instant::now();
    let err = e.engine.connect().unwrap_err();
    let waited = started.elapsed();
    assert!(
        matches!(
            err,
            Error::PoolTimeout {
                max_connections: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        waited >= Duration::from_millis(190) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    // A waiter gets the connection another thread gives back.
    std::thread::scope(|s| {
        s.spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            drop(held);
        });
        let mut conn = e.engine.connect().expect("the returned connection");
        assert_eq!(items::table.count(&mut conn).unwrap(), 0);
    });
}

fn engine_transactions_commit_and_roll_back<B: TestBackend>() {
    let e = engine::<B>(|b| b.pool_size(1));
    let inserted = e
        .engine
        .transaction(|tx| {
            insert_into(items::table)
                .values(items::name.to("kept"))
                .execute(tx)
        })
        .unwrap();
    assert_eq!(inserted, 1);
    let failed: Result<(), Error> = e.engine.transaction(|tx| {
        insert_into(items::table)
            .values(items::name.to("rolled back"))
            .execute(tx)?;
        Err(Error::NotFound)
    });
    assert!(matches!(failed, Err(Error::NotFound)), "{failed:?}");
    let n = e
        .engine
        .transaction_with_retry(3, |tx| items::table.count(tx))
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(names(&e), ["kept"]);
}

fn engine_settings_reach_every_connection_and_come_back<B: TestBackend>() {
    let e = engine::<B>(|b| {
        b.pool_size(1)
            .max_overflow(0)
            .echo(true)
            .redact_params(true)
            .slow_query_threshold(Duration::ZERO)
    });
    let insert = |conn: &mut PooledConnection<B>, name: &str| {
        insert_into(items::table)
            .values(items::name.to(name))
            .execute(conn)
            .unwrap()
    };
    let (_, log) = capture_sql(|| {
        let mut conn = e.engine.connect().unwrap();
        insert(&mut conn, "secret one");
        // Changed while checked out; the engine's setting is back on the next checkout.
        conn.set_redact_params(false);
        conn.set_slow_query_threshold(None);
    });
    let line = log
        .iter()
        .find(|l| l.contains(&spelled::<B>(r#"INSERT INTO "items""#)))
        .unwrap_or_else(|| panic!("{log:#?}"));
    assert!(
        line.contains("WARN") && line.contains("slow statement"),
        "{line}"
    );
    assert!(
        line.contains("<redacted>") && !line.contains("secret"),
        "{line}"
    );
    let (_, log) = capture_sql(|| insert(&mut e.engine.connect().unwrap(), "secret two"));
    let line = log
        .iter()
        .find(|l| l.contains(&spelled::<B>(r#"INSERT INTO "items""#)))
        .unwrap_or_else(|| panic!("{log:#?}"));
    assert!(
        line.contains("WARN") && line.contains("<redacted>"),
        "{line}"
    );
    assert!(!line.contains("secret"), "{line}");
    assert_eq!(names(&e), ["secret one", "secret two"]);
}

fn a_session_over_the_engine<B: TestBackend>() {
    let e = engine::<B>(|b| b.pool_size(1).max_overflow(0));
    let mut session = e.engine.session().unwrap();
    session.add_all(["a", "b", "c"].map(|name| NewItem { name: name.into() }));
    session.add_write(
        update(items::table)
            .filter(items::name.eq("b"))
            .set(items::name.to("B")),
    );
    assert_eq!(session.commit().unwrap(), 4);
    let loaded: Vec<String> = items::table
        .select(items::name)
        .order_by(items::id)
        .load(&mut session)
        .unwrap();
    assert_eq!(loaded, ["a", "B", "c"]);
    // A failed commit writes nothing and keeps the work pending.
    session.add(NewItem { name: "d".into() });
    session.add_write(insert_into(items::table).values((items::id.to(1), items::name.to("dup"))));
    assert!(session.commit().is_err());
    assert!(!session.is_clean());
    session.rollback();
    drop(session);
    assert_eq!(names(&e), ["a", "B", "c"]);
    assert_eq!(e.engine.state().idle, 1);
}

#[test]
fn sqlite_engines_refuse_in_memory_databases_and_other_backends_urls() {
    for url in ["sqlite::memory:", "sqlite://", "sqlite://:memory:"] {
        let err = Engine::sqlite(url).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidUrl { part, reason }
                if part == "database" && reason.contains("use a file")),
            "{url}: {err:?}"
        );
    }
    let err = Engine::sqlite("postgres://app@localhost/shop").unwrap_err();
    assert!(
        matches!(&err, Error::InvalidUrl { part, .. } if part == "scheme"),
        "{err:?}"
    );
    let err = Engine::new("sqlite:///shop.db").unwrap_err();
    assert!(
        matches!(&err, Error::InvalidUrl { part, reason }
            if part == "scheme" && reason.contains("Engine::sqlite")),
        "{err:?}"
    );
    let err = Engine::sqlite_builder("sqlite:///x.db?journal=wal")
        .build()
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidUrl { .. }), "{err:?}");
}

/// Two pooled connections on one file: while one holds the write lock, the other's write
/// waits the busy timeout and fails as `Busy` (reads go on: write-ahead log); a retried
/// transaction gets through once the first commits.
#[test]
fn sqlite_writers_wait_for_the_busy_timeout_and_retry() {
    let db = sqlwright::testing::sqlite_database();
    let url = format!("sqlite:///{}?busy_timeout=200", db.path().display());
    assert!(url.starts_with("sqlite:////"), "{url}");
    let engine: SqliteEngine = Engine::sqlite_builder(&url)
        .pool_size(2)
        .max_overflow(0)
        .build()
        .unwrap();
    let mut conn = engine.connect().unwrap();
    sqlwright::schema!(counter)
        .create_all(&mut conn, false)
        .unwrap();
    insert_into(counter::table)
        .values((counter::id.to(1), counter::n.to(0)))
        .execute(&mut conn)
        .unwrap();
    drop(conn);
    let count = |conn: &mut PooledConnection<Sqlite>| -> i32 {
        counter::table.select(counter::n).one(conn).unwrap()
    };
    let (locked, locked_rx) = std::sync::mpsc::channel();
    let (go, go_rx) = std::sync::mpsc::channel();
    let mut holder = engine.connect().unwrap();
    std::thread::scope(|s| {
        let holding = s.spawn(move || {
            let mut tx = holder.begin().unwrap();
            tx.batch_execute("UPDATE counter SET n = n + 1").unwrap();
            locked.send(()).unwrap();
            go_rx.recv().unwrap();
            std::thread::sleep(Duration::from_millis(300));
            tx.commit().unwrap();
        });
        locked_rx.recv().unwrap();
        let mut other = engine.connect().unwrap();
        assert_eq!(count(&mut other), 0, "a reader sees the last commit");
        let started = Instant::now();
        let err = other
            .batch_execute("UPDATE counter SET n = n + 10")
            .unwrap_err();
        let waited = started.elapsed();
        assert_eq!(err.kind(), Some(DbErrorKind::Busy), "{err:?}");
        assert!(err.is_retryable());
        assert!(
            waited >= Duration::from_millis(150) && waited < Duration::from_secs(3),
            "{waited:?}"
        );
        assert!(!other.in_transaction());
        drop(other);
        go.send(()).unwrap();
        let started = Instant::now();
        let (n, log) = capture_sql(|| {
            engine.transaction_with_retry(20, |tx| {
                tx.batch_execute("UPDATE counter SET n = n + 100")?;
                counter::table.select(counter::n).one(tx)
            })
        });
        assert_eq!(n.unwrap(), 101);
        assert!(started.elapsed() >= Duration::from_millis(250));
        assert!(
            log.iter().any(|l| l.contains("retrying transaction")),
            "{log:#?}"
        );
        holding.join().unwrap();
    });
    assert_eq!(count(&mut engine.connect().unwrap()), 101);
    assert_eq!(engine.state().open, 2);
}
