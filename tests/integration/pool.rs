//! The engine's pool on the real server: limits, overflow, timeouts, cleaning returned
//! connections, lost connections and server restarts.

use crate::engine_setup;
use crate::schema::*;
use sqlwright::engine::PoolState;
use sqlwright::prelude::*;
use sqlwright::testing::PrivateServer;
use sqlwright::{raw, Error};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const COUNTER: &str = "CREATE TABLE counter (id int4 PRIMARY KEY, n int4 NOT NULL);
                       INSERT INTO counter VALUES (1, 0);";

#[test]
fn thirty_two_threads_share_eight_connections() {
    let app = format!("pool-load-{}", std::process::id());
    let e = engine_setup(crate::schema::USERS, |b| b.pool_size(4).max_overflow(4));
    // A separate application_name tells the pool's sessions from the monitor's.
    let url = e.db.url().clone().with_param("application_name", &app);
    let engine = Engine::builder_url(url.unwrap())
        .pool_size(4)
        .max_overflow(4)
        .build()
        .unwrap();
    let stop = AtomicBool::new(false);
    let most_seen = AtomicUsize::new(0);
    let answered = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let monitor = s.spawn(|| {
            let mut conn = e.db.connect().unwrap();
            while !stop.load(Ordering::Relaxed) {
                let n: i64 =
                    raw::sql("SELECT count(*) FROM pg_stat_activity WHERE application_name = :app")
                        .bind("app", app.as_str())
                        .scalar(&mut conn)
                        .unwrap()
                        .unwrap();
                most_seen.fetch_max(n as usize, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        let workers: Vec<_> = (0..32)
            .map(|t| {
                let engine = engine.clone();
                let answered = &answered;
                s.spawn(move || {
                    for i in 0..1000i32 {
                        let mut conn = engine.connect().unwrap();
                        let want = t * 1000 + i;
                        let got: i32 = users::table
                            .select(users::id + want)
                            .filter(users::name.eq("Ann"))
                            .one(&mut *conn)
                            .unwrap();
                        assert_eq!(got, want + 1);
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        stop.store(true, Ordering::Relaxed);
        monitor.join().unwrap();
    });
    assert_eq!(answered.load(Ordering::Relaxed), 32_000);
    let state = engine.state();
    assert!(state.peak <= 8, "{state:?}");
    assert!(
        state.peak >= 2,
        "the threads should have needed several connections: {state:?}"
    );
    let seen = most_seen.load(Ordering::Relaxed);
    assert!(
        (1..=8).contains(&seen),
        "pg_stat_activity showed {seen} connections"
    );
    // Overflow connections were closed on return: at most pool_size stay.
    assert!(state.open <= 4 && state.idle == state.open, "{state:?}");
}

#[test]
fn overflow_connections_close_when_returned() {
    let e = engine_setup("", |b| b.pool_size(1).max_overflow(2));
    let a = e.engine.connect().unwrap();
    let b = e.engine.connect().unwrap();
    let c = e.engine.connect().unwrap();
    assert_eq!(
        e.engine.state(),
        PoolState {
            open: 3,
            idle: 0,
            peak: 3
        }
    );
    drop((a, b, c));
    assert_eq!(
        e.engine.state(),
        PoolState {
            open: 1,
            idle: 1,
            peak: 3
        }
    );
    e.engine.dispose();
    assert_eq!(e.engine.state().open, 0);
}

#[test]
fn checkout_times_out_with_a_typed_error() {
    let e = engine_setup("", |b| {
        b.pool_size(1)
            .max_overflow(0)
            .checkout_timeout(Duration::from_millis(300))
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
        "{err}"
    );
    assert!(
        waited >= Duration::from_millis(290) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    assert!(
        err.to_string().contains("all 1 connections are in use"),
        "{err}"
    );
    // A waiting checkout gets the connection as soon as it is returned.
    std::thread::scope(|s| {
        let waiter = s.spawn(|| e.engine.connect().map(drop));
        std::thread::sleep(Duration::from_millis(50));
        drop(held);
        waiter.join().unwrap().unwrap();
    });
}

#[test]
fn a_connection_returned_inside_a_transaction_is_rolled_back() {
    let e = engine_setup(COUNTER, |b| b.pool_size(1).max_overflow(0));
    {
        // A guard leaked without commit or rollback.
        let mut conn = e.engine.connect().unwrap();
        let tx = conn.begin().unwrap();
        std::mem::forget(tx);
        conn.batch_execute("UPDATE counter SET n = 1").unwrap();
    }
    {
        // BEGIN sent as text.
        let mut conn = e.engine.connect().unwrap();
        conn.batch_execute("BEGIN; UPDATE counter SET n = 2")
            .unwrap();
    }
    {
        // BEGIN as a prepared statement of hand-written SQL: no text sqlwright inspects,
        // the server's transaction status tells.
        let mut conn = e.engine.connect().unwrap();
        raw::sql("BEGIN").execute(&mut *conn).unwrap();
        raw::sql("UPDATE counter SET n = 3")
            .execute(&mut *conn)
            .unwrap();
    }
    let mut conn = e.engine.connect().unwrap();
    assert!(!conn.in_transaction());
    let n: Option<i32> = raw::sql("SELECT n FROM counter")
        .scalar(&mut *conn)
        .unwrap();
    assert_eq!(n, Some(0));
    // Still one connection: it was cleaned, not replaced.
    assert_eq!(e.engine.state().peak, 1);
}

#[test]
fn a_terminated_backend_loses_its_transaction_and_the_pool_recovers() {
    let e = engine_setup(COUNTER, |b| b.pool_size(2).max_overflow(0));
    let mut admin = e.db.connect().unwrap();
    let mut conn = e.engine.connect().unwrap();
    let pid: Option<i32> = raw::sql("SELECT pg_backend_pid()")
        .scalar(&mut *conn)
        .unwrap();
    let err = conn
        .transaction(|tx| {
            tx.batch_execute("UPDATE counter SET n = 42")?;
            raw::sql("SELECT pg_terminate_backend(:pid)")
                .bind("pid", pid.unwrap())
                .execute(&mut admin)?;
            raw::sql("SELECT n FROM counter").load(tx)?;
            Ok::<_, Error>(())
        })
        .unwrap_err();
    assert!(err.is_connection_lost(), "{err:?}");
    assert!(err.to_string().contains("connection lost"), "{err}");
    drop(conn);
    let n: Option<i32> = raw::sql("SELECT n FROM counter")
        .scalar(&mut admin)
        .unwrap();
    assert_eq!(
        n,
        Some(0),
        "nothing of the killed transaction may be committed"
    );
    let mut next = e.engine.connect().unwrap();
    let n: Option<i32> = raw::sql("SELECT n FROM counter")
        .scalar(&mut *next)
        .unwrap();
    assert_eq!(n, Some(0));
    assert_eq!(
        e.engine.state().open,
        1,
        "the broken connection was discarded"
    );
}

#[test]
fn the_pool_recovers_after_a_server_restart() {
    let server = PrivateServer::start().unwrap();
    let engine = Engine::builder_url(server.url())
        .pool_size(2)
        .build()
        .unwrap();
    {
        let (mut a, mut b) = (engine.connect().unwrap(), engine.connect().unwrap());
        for conn in [&mut a, &mut b] {
            assert_eq!(raw::sql("SELECT 1").scalar::<i32>(conn).unwrap(), Some(1));
        }
    }
    assert_eq!(engine.state().idle, 2);
    server.restart().unwrap();
    // Both idle connections are dead; the checkout finds out and reconnects.
    let mut conn = engine.connect().unwrap();
    assert_eq!(
        raw::sql("SELECT 2").scalar::<i32>(&mut *conn).unwrap(),
        Some(2)
    );
    drop(conn);
    assert_eq!(engine.state().open, 1);
}

#[test]
fn bad_url_wrong_password_and_unreachable_hosts_are_clear_errors() {
    // A bad URL names the part, at build time.
    let err = Engine::new("postgres://me:secret@localhost:99999/db").unwrap_err();
    match &err {
        Error::InvalidUrl { reason, .. } => assert!(reason.contains("port"), "{err}"),
        other => panic!("expected InvalidUrl, got {other:?}"),
    }
    assert!(!err.to_string().contains("secret"));

    // A wrong password: a connect error without the password in it.
    let server = PrivateServer::start().unwrap();
    let mut wrong = server.url();
    wrong.set_password(Some("not-the-password"));
    let engine = Engine::builder_url(wrong).build().unwrap();
    let err = engine.connect().unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(
        err.to_string().contains("password authentication failed"),
        "{err}"
    );
    assert!(!format!("{err} {err:?} {engine:?}").contains("not-the-password"));
    assert_eq!(
        engine.state().open,
        0,
        "a failed connect does not hold a slot"
    );
    // The right password works.
    let engine = Engine::builder_url(server.url()).build().unwrap();
    engine.connect().unwrap();

    // Nothing listening: refused at once.
    let engine = Engine::builder("postgres://me@127.0.0.1:1/db")
        .checkout_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = engine.connect().unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(4));

    // An address that does not answer: given up after the timeout.
    let engine = Engine::builder("postgres://me@10.255.255.1:5432/db")
        .connect_timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = engine.connect().unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn statement_timeout_cancels_long_statements() {
    let e = engine_setup("", |b| b.statement_timeout(Duration::from_millis(200)));
    let mut conn = e.engine.connect().unwrap();
    let started = Instant::now();
    let err = raw::sql("SELECT pg_sleep(5)")
        .execute(&mut *conn)
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(
        err.kind(),
        Some(sqlwright::engine::DbErrorKind::StatementTimeout),
        "{err}"
    );
    assert!(err.to_string().contains("statement_timeout"), "{err}");
    assert_eq!(
        raw::sql("SELECT 1").scalar::<i32>(&mut *conn).unwrap(),
        Some(1)
    );
}
