//! Faults on the real server: a backend that stops (SIGSTOP), one terminated or cancelled
//! from another session, a connection cut right after COMMIT reached the server, and
//! statement_timeout meeting a stream read slowly.

use super::fake::Proxy;
use crate::engine_setup;
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::Executor;
use sqlwright::{raw, Connection, Error};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TABLE: &str = "CREATE TABLE ledger (id int4 PRIMARY KEY, note text NOT NULL);";

fn backend_pid(conn: &mut Connection) -> String {
    conn.query_text("SELECT pg_backend_pid()").unwrap()[0][0]
        .clone()
        .unwrap()
}

/// A backend stopped with SIGSTOP until dropped (then SIGCONT), as a server that hangs.
struct Stopped(String);

impl Stopped {
    fn new(pid: String) -> Stopped {
        let ok = std::process::Command::new("kill")
            .args(["-STOP", &pid])
            .status()
            .unwrap()
            .success();
        assert!(ok, "cannot stop backend {pid}");
        Stopped(pid)
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-CONT", &self.0])
            .status();
    }
}

#[test]
fn a_stopped_backend_is_a_timeout_after_the_statement_timeout_and_a_grace() {
    let e = engine_setup(TABLE, |b| b.statement_timeout(Duration::from_millis(500)));
    let mut conn = e.engine.connect().unwrap();
    let pid = backend_pid(&mut conn);
    let _stopped = Stopped::new(pid);
    let started = Instant::now();
    let err = raw::sql("SELECT 1").load(&mut conn).unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(
        waited >= Duration::from_millis(2500) && waited < Duration::from_secs(6),
        "waited {waited:?}"
    );
    assert!(conn.is_closed());
}

#[test]
fn a_checkout_never_outlasts_the_checkout_timeout_when_the_pre_ping_hangs() {
    let e = engine_setup(TABLE, |b| {
        b.pool_size(1)
            .max_overflow(0)
            .checkout_timeout(Duration::from_secs(2))
    });
    let pid = {
        let mut conn = e.engine.connect().unwrap();
        backend_pid(&mut conn)
    };
    assert_eq!(e.engine.state().idle, 1);
    let _stopped = Stopped::new(pid);
    let started = Instant::now();
    let checkout = e.engine.connect();
    let waited = started.elapsed();
    assert!(waited < Duration::from_millis(3000), "waited {waited:?}");
    // The stopped connection was dropped; either a new one was opened in the time left
    // or the checkout timed out, never a hang.
    match checkout {
        Ok(mut conn) => assert_ne!(backend_pid(&mut conn), _stopped.0),
        // Or the new connect ran out of the time left (a connect error saying so).
        Err(err) => assert!(
            matches!(err, Error::PoolTimeout { .. } | Error::Connect { .. }),
            "{err:?}"
        ),
    }
}

/// Runs `SELECT pg_sleep(30)` on a connection of its own in a thread, and calls `kill`
/// with that backend's pid from `conn` once it runs; returns the sleeper's error.
fn interrupt_a_sleeper(db: &sqlwright::testing::TestDatabase, kill: &str) -> Error {
    let mut sleeper = db.connect().unwrap();
    let pid = backend_pid(&mut sleeper);
    let handle = std::thread::spawn(move || {
        raw::sql("SELECT pg_sleep(30)")
            .execute(&mut sleeper)
            .unwrap_err()
    });
    let mut admin = db.connect().unwrap();
    // Wait until the sleeper runs its statement.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = admin
            .query_text(&format!(
                "SELECT 1 FROM pg_stat_activity WHERE pid = {pid} AND query LIKE '%pg_sleep%'"
            ))
            .unwrap();
        if !rows.is_empty() || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    admin
        .batch_execute(&format!("SELECT {kill}({pid})"))
        .unwrap();
    handle.join().unwrap()
}

#[test]
fn a_terminated_backend_reports_the_servers_reason() {
    let db = sqlwright::testing::database();
    let err = interrupt_a_sleeper(&db, "pg_terminate_backend");
    assert!(err.is_connection_lost(), "{err:?}");
    assert!(
        err.to_string()
            .contains("terminating connection due to administrator command"),
        "{err}"
    );
}

#[test]
fn a_cancel_from_another_session_is_not_called_a_statement_timeout() {
    let db = sqlwright::testing::database();
    let err = interrupt_a_sleeper(&db, "pg_cancel_backend");
    assert_eq!(err.kind(), Some(DbErrorKind::Canceled), "{err:?}");
    assert!(!err.to_string().contains("statement_timeout"), "{err}");

    let mut conn = db.connect().unwrap();
    conn.batch_execute("SET statement_timeout = 50").unwrap();
    let err = raw::sql("SELECT pg_sleep(5)")
        .execute(&mut conn)
        .unwrap_err();
    assert_eq!(err.kind(), Some(DbErrorKind::StatementTimeout), "{err:?}");
    assert!(err.to_string().contains("statement_timeout"), "{err}");
}

/// A connection to `db` through a proxy that, once armed, cuts the connection right
/// after passing on a client message `cut` picks.
fn through_proxy(
    db: &sqlwright::testing::TestDatabase,
    cut: impl Fn(u8, &[u8]) -> bool + Send + Sync + 'static,
) -> (Connection, Proxy) {
    let url = db.url();
    let upstream = (
        url.host.clone().unwrap_or_else(|| "127.0.0.1".into()),
        url.port.unwrap_or(5432),
    );
    let proxy = Proxy::start(upstream, cut);
    let mut via = url.clone();
    via.host = Some("127.0.0.1".into());
    via.port = Some(proxy.port);
    (Connection::connect_url(&via).unwrap(), proxy)
}

fn stored(db: &sqlwright::testing::TestDatabase) -> i64 {
    let mut conn = db.connect().unwrap();
    raw::sql("SELECT count(*) FROM ledger")
        .scalar::<i64>(&mut conn)
        .unwrap()
        .unwrap()
}

#[test]
fn a_commit_whose_answer_is_lost_is_outcome_unknown_and_not_retried() {
    let db = sqlwright::testing::database();
    db.connect().unwrap().batch_execute(TABLE).unwrap();
    let (mut conn, proxy) =
        through_proxy(&db, |tag, body| tag == b'Q' && body.starts_with(b"COMMIT"));
    let attempts = AtomicU32::new(0);
    let armed = Arc::clone(&proxy.armed);
    let err = conn
        .transaction_with_retry(5, |tx| {
            attempts.fetch_add(1, Ordering::SeqCst);
            raw::sql("INSERT INTO ledger VALUES (1, 'paid')").execute(tx)?;
            armed.store(true, Ordering::SeqCst);
            Ok(())
        })
        .unwrap_err();
    assert!(proxy.cut_done.load(Ordering::SeqCst));
    match &err {
        Error::OutcomeUnknown { statement, .. } => assert_eq!(statement, "COMMIT"),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("may or may not"), "{err}");
    assert!(err.is_connection_lost());
    assert!(!err.is_retryable());
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        1,
        "an unknown outcome is never retried"
    );
    // The server did commit: reporting "rolled back" would have made a retry write twice.
    assert_eq!(stored(&db), 1);
}

#[test]
fn a_write_outside_a_transaction_whose_answer_is_lost_is_outcome_unknown() {
    let db = sqlwright::testing::database();
    db.connect().unwrap().batch_execute(TABLE).unwrap();
    let executed = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&executed);
    // Cut after the Sync that follows an Execute: the implicit transaction commits there.
    let (mut conn, proxy) = through_proxy(&db, move |tag, _| {
        if tag == b'E' {
            seen.store(true, Ordering::SeqCst);
        }
        tag == b'S' && seen.load(Ordering::SeqCst)
    });
    let insert = raw::sql("INSERT INTO ledger VALUES (:id, 'paid')").bind("id", 7i32);
    proxy.armed.store(true, Ordering::SeqCst);
    let err = insert.execute(&mut conn).unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert_eq!(stored(&db), 1);
}

#[test]
fn a_read_whose_answer_is_lost_is_a_plain_lost_connection() {
    let db = sqlwright::testing::database();
    db.connect().unwrap().batch_execute(TABLE).unwrap();
    let (mut conn, proxy) = through_proxy(&db, |tag, _| tag == b'Q');
    proxy.armed.store(true, Ordering::SeqCst);
    let err = conn.query_text("SELECT count(*) FROM ledger").unwrap_err();
    assert!(matches!(err, Error::ConnectionLost(_)), "{err:?}");
}

#[test]
fn statement_timeout_counts_the_time_a_stream_is_read_and_the_error_says_so() {
    let e = engine_setup(TABLE, |b| b.statement_timeout(Duration::from_millis(300)));
    let mut conn = e.engine.connect().unwrap();
    let query = raw::sql("SELECT g, repeat('x', 8000) FROM generate_series(1, 200000) g");
    let mut rows = query.stream(&mut conn).unwrap();
    assert!(rows.next().unwrap().is_ok());
    // A slow consumer: the server blocks on a full socket, and its timeout runs out.
    std::thread::sleep(Duration::from_millis(1200));
    let err = rows
        .find_map(Result::err)
        .expect("the stream ends in the server's statement_timeout");
    assert_eq!(err.kind(), Some(DbErrorKind::StatementTimeout), "{err:?}");
    assert!(err.to_string().contains("stream"), "{err}");
}

#[test]
fn returning_a_connection_inside_a_transaction_to_a_hung_server_does_not_hang() {
    let e = engine_setup(TABLE, |b| b.connect_timeout(Duration::from_secs(1)));
    let mut conn = e.engine.connect().unwrap();
    conn.batch_execute("BEGIN").unwrap();
    let _stopped = Stopped::new(backend_pid(&mut conn));
    let started = Instant::now();
    // The pool rolls the transaction back on return, within the connect timeout.
    drop(conn);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        e.engine.state().idle,
        0,
        "the hung connection is not pooled"
    );
}

#[test]
fn settings_changed_on_a_checked_out_connection_go_back_to_the_engines() {
    let e = engine_setup(TABLE, |b| {
        b.statement_timeout(Duration::from_secs(1))
            .max_rows(5)
            .pool_size(1)
    });
    let mut conn = e.engine.connect().unwrap();
    conn.set_request_timeout(None).unwrap();
    conn.set_max_rows(None);
    drop(conn);
    let conn = e.engine.connect().unwrap();
    assert_eq!(conn.request_timeout(), Some(Duration::from_secs(3)));
    assert_eq!(conn.max_rows(), Some(5));
}
