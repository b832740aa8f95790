//! The async engine's pool on the real server: typed queries on pooled connections, the
//! pool's size and overflow, the checkout timeout, broken and interrupted connections
//! replaced, transactions left open rolled back, and 1000 tasks on ten connections.

use crate::session::capture_sql;
use sqlwright::prelude::*;
use sqlwright::testing::{self, TestDatabase};
use sqlwright::{AsyncConnection, AsyncEngine, AsyncPooledConnection, DatabaseUrl, Error};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

sqlwright::table! {
    items (id) {
        id -> Int4,
        label -> Text,
    }
}

const ITEMS: &str = "CREATE TABLE items (id int4 PRIMARY KEY, label text NOT NULL);
    INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 100) g;";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A fresh database with `items`, and its URL tagged with an application name that tells
/// the pool's sessions apart in `pg_stat_activity`.
fn database(app: &str) -> (TestDatabase, DatabaseUrl) {
    let db = testing::database();
    db.connect().unwrap().batch_execute(ITEMS).unwrap();
    let url = db
        .url()
        .clone()
        .with_param("application_name", app)
        .unwrap();
    (db, url)
}

/// The server process behind a connection.
async fn backend_pid(conn: &mut AsyncPooledConnection) -> String {
    let rows = conn.query_text("SELECT pg_backend_pid()").await.unwrap();
    rows[0][0].clone().unwrap()
}

sqlwright::table! {
    /// The server's view of its sessions.
    pg_stat_activity (pid) {
        pid -> Int4,
        application_name -> Text,
        state -> Nullable<Text>,
    }
}

/// Sessions with application name `app`, and how many of them are idle inside a
/// transaction, seen from `monitor` (a connection of the test's own, under another name).
async fn sessions(monitor: &mut AsyncConnection, app: &str) -> (usize, usize) {
    let states: Vec<Option<String>> = pg_stat_activity::table
        .filter(pg_stat_activity::application_name.eq(app))
        .select(pg_stat_activity::state)
        .load(monitor)
        .await
        .unwrap();
    let in_transaction = states
        .iter()
        .filter(|s| {
            s.as_deref()
                .is_some_and(|s| s.starts_with("idle in transaction"))
        })
        .count();
    (states.len(), in_transaction)
}

/// Ends the pool's one server session in `broken_and_interrupted_connections_are_replaced`.
async fn terminate(killer: &mut AsyncConnection) {
    assert_eq!(sessions(killer, "apool-broken").await.0, 1);
    killer
        .batch_execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = 'apool-broken'",
        )
        .await
        .unwrap();
}

#[test]
fn typed_queries_run_on_pooled_connections_and_the_builder_options_apply() {
    let (_db, url) = database("apool-typed");
    runtime().block_on(async move {
        let engine = Engine::builder_url(url)
            .statement_timeout(Duration::from_secs(7))
            .build_async()
            .unwrap();
        let mut conn = engine.connect().await.unwrap();
        let labels: Vec<String> = items::table
            .select(items::label)
            .filter(items::id.le(3))
            .order_by(items::id)
            .load(&mut conn)
            .await
            .unwrap();
        assert_eq!(labels, ["item 1", "item 2", "item 3"]);
        let n = insert_into(items::table)
            .values((items::id.to(101), items::label.to("new")))
            .execute(&mut conn)
            .await
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(items::table.count(&mut conn).await.unwrap(), 101);
        // The engine's statement timeout is a startup option of each connection.
        let shown = conn.query_text("SHOW statement_timeout").await.unwrap();
        assert_eq!(shown[0][0].as_deref(), Some("7s"));
    });
    // A SQLite URL, or a pool of no connections, is refused when building.
    match AsyncEngine::new("sqlite:///x.db") {
        Err(Error::InvalidUrl { part, .. }) => assert_eq!(part, "scheme"),
        other => panic!("expected InvalidUrl, got {other:?}"),
    }
    match Engine::builder("postgres://u@localhost/db")
        .pool_size(0)
        .max_overflow(0)
        .build_async()
    {
        Err(Error::Misuse(_)) => {}
        other => panic!("expected Misuse, got {other:?}"),
    }
}

#[test]
fn overflow_connections_open_under_load_and_close_when_returned() {
    let app = "apool-overflow";
    let (db, url) = database(app);
    runtime().block_on(async move {
        let engine = Engine::builder_url(url.clone())
            .pool_size(2)
            .max_overflow(1)
            .checkout_timeout(Duration::from_millis(300))
            .build_async()
            .unwrap();
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(engine.connect().await.unwrap());
        }
        let state = engine.state();
        assert_eq!((state.open, state.idle, state.peak), (3, 0, 3));
        let mut monitor = AsyncConnection::connect_url(db.url()).await.unwrap();
        assert_eq!(sessions(&mut monitor, app).await.0, 3);
        // pool_size + max_overflow are out: the next checkout times out, typed.
        match engine.connect().await {
            Err(Error::PoolTimeout {
                max_connections, ..
            }) => assert_eq!(max_connections, 3),
            other => panic!("expected PoolTimeout, got {other:?}"),
        }
        // Returned, the third connection finds two idle already and is closed.
        held.clear();
        let state = engine.state();
        assert_eq!((state.open, state.idle, state.peak), (2, 2, 3));
        // And a checkout now gets one of the idle two.
        let mut conn = engine.connect().await.unwrap();
        assert_eq!(items::table.count(&mut conn).await.unwrap(), 100);
        assert_eq!(engine.state().open, 2);
        // Detached, a connection leaves the pool for good.
        let mut own: AsyncConnection = conn.detach();
        own.ping().await.unwrap();
        assert_eq!(engine.state().open, 1);
        engine.dispose();
        assert_eq!(engine.state().open, 0);
    });
}

#[test]
fn a_checkout_waits_for_a_returned_connection_then_times_out() {
    let (_db, url) = database("apool-timeout");
    runtime().block_on(async move {
        let engine = Engine::builder_url(url)
            .pool_size(1)
            .max_overflow(0)
            .checkout_timeout(Duration::from_millis(200))
            .build_async()
            .unwrap();
        let first = engine.connect().await.unwrap();
        let err = engine.connect().await.unwrap_err();
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
        assert!(err.to_string().contains("no pooled connection became free"));
        // A waiting checkout gets the connection the moment it is returned.
        let waiter = tokio::spawn({
            let engine = engine.clone();
            async move {
                let mut conn = engine.connect().await?;
                items::table.count(&mut conn).await
            }
        });
        tokio::task::yield_now().await;
        drop(first);
        assert_eq!(waiter.await.unwrap().unwrap(), 100);
    });
}

#[test]
fn broken_and_interrupted_connections_are_replaced() {
    let (db, url) = database("apool-broken");
    runtime().block_on(async move {
        let engine = Engine::builder_url(url.clone())
            .pool_size(1)
            .max_overflow(0)
            .build_async()
            .unwrap();
        let mut killer = AsyncConnection::connect_url(db.url()).await.unwrap();

        // Killed while idle in the pool: the pre-ping at checkout finds it gone.
        let mut conn = engine.connect().await.unwrap();
        let first = backend_pid(&mut conn).await;
        drop(conn);
        terminate(&mut killer).await;
        let mut conn = engine.connect().await.unwrap();
        let second = backend_pid(&mut conn).await;
        assert_ne!(first, second);

        // Killed while checked out: the query fails, and the broken connection is closed
        // on return instead of going back.
        terminate(&mut killer).await;
        assert!(items::table.count(&mut conn).await.is_err());
        assert!(conn.is_closed());
        drop(conn);
        assert_eq!(engine.state().open, 0);
        let mut conn = engine.connect().await.unwrap();
        let third = backend_pid(&mut conn).await;
        assert_ne!(third, second);

        // A query future dropped half-way leaves the connection out of step: it is
        // closed on return, never handed out again.
        {
            let mut query = std::pin::pin!(conn.batch_execute("SELECT pg_sleep(0.2)"));
            std::future::poll_fn(|cx| {
                assert!(query.as_mut().poll(cx).is_pending());
                Poll::Ready(())
            })
            .await;
        }
        assert!(conn.is_closed());
        drop(conn);
        assert_eq!(engine.state().open, 0);
        let mut conn = engine.connect().await.unwrap();
        assert_ne!(backend_pid(&mut conn).await, third);
        assert_eq!(items::table.count(&mut conn).await.unwrap(), 100);
    });
}

#[test]
fn a_connection_returned_inside_a_transaction_is_rolled_back() {
    let app = "apool-rollback";
    let (db, url) = database(app);
    runtime().block_on(async move {
        let engine = Engine::builder_url(url.clone())
            .pool_size(1)
            .max_overflow(0)
            .build_async()
            .unwrap();
        let mut conn = engine.connect().await.unwrap();
        let pid = backend_pid(&mut conn).await;
        conn.batch_execute("BEGIN; DELETE FROM items WHERE id <= 50")
            .await
            .unwrap();
        assert!(conn.in_transaction());
        let mut monitor = AsyncConnection::connect_url(db.url()).await.unwrap();
        assert_eq!(sessions(&mut monitor, app).await, (1, 1));
        drop(conn);
        // A clean-up task rolls it back, then puts it back in the pool: idle there, it
        // holds no transaction (nor its locks), before anyone checks it out again.
        let mut waits = 0;
        while engine.state().idle == 0 {
            waits += 1;
            assert!(
                waits < 10_000,
                "the clean-up never gave the connection back"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(sessions(&mut monitor, app).await, (1, 0));
        let mut conn = engine.connect().await.unwrap();
        assert_eq!(backend_pid(&mut conn).await, pid);
        assert!(!conn.in_transaction());
        assert_eq!(items::table.count(&mut conn).await.unwrap(), 100);

        // Dropped where no runtime can run the ROLLBACK, it is closed instead (the
        // server rolls back when the session ends).
        conn.batch_execute("BEGIN; DELETE FROM items")
            .await
            .unwrap();
        std::thread::spawn(move || drop(conn)).join().unwrap();
        assert_eq!(engine.state().open, 0);
        let mut conn = engine.connect().await.unwrap();
        assert_ne!(backend_pid(&mut conn).await, pid);
        assert!(!conn.in_transaction());
    });
}

#[test]
fn a_thousand_tasks_share_ten_connections() {
    let app = "apool-load";
    let (db, url) = database(app);
    runtime().block_on(async move {
        let engine = Engine::builder_url(url.clone())
            .pool_size(10)
            .max_overflow(0)
            .checkout_timeout(Duration::from_secs(120))
            .build_async()
            .unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let monitor = tokio::spawn({
            let (url, stop) = (db.url().clone(), Arc::clone(&stop));
            async move {
                let mut monitor = AsyncConnection::connect_url(&url).await.unwrap();
                let mut most = 0;
                while !stop.load(Ordering::Relaxed) {
                    most = most.max(sessions(&mut monitor, app).await.0);
                    tokio::task::yield_now().await;
                }
                most
            }
        });
        let answered = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..1000i32)
            .map(|i| {
                let engine = engine.clone();
                let answered = Arc::clone(&answered);
                tokio::spawn(async move {
                    let mut conn = engine.connect().await.unwrap();
                    let id = i % 100 + 1;
                    let got: (i32, String) = items::table
                        .select((items::id + i, items::label))
                        .filter(items::id.eq(id))
                        .one(&mut conn)
                        .await
                        .unwrap();
                    assert_eq!(got, (id + i, format!("item {id}")));
                    answered.fetch_add(1, Ordering::Relaxed);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        stop.store(true, Ordering::Relaxed);
        let most = monitor.await.unwrap();
        assert_eq!(answered.load(Ordering::Relaxed), 1000);
        let state = engine.state();
        assert!(state.peak <= 10, "{state:?}");
        assert!(
            (1..=10).contains(&most),
            "pg_stat_activity showed {most} connections"
        );
        let mut monitor = AsyncConnection::connect_url(db.url()).await.unwrap();
        assert_eq!(sessions(&mut monitor, app).await.0, state.open);
    });
}

#[test]
fn pooled_connections_log_as_the_engine_says() {
    let (_db, url) = database("apool-log");
    let engine = Engine::builder_url(url)
        .pool_size(1)
        .max_overflow(0)
        .redact_params(true)
        .build_async()
        .unwrap();
    // On this thread, where the log is captured.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // The second round gets the same connection back from the pool.
    for _ in 0..2 {
        let (count, log) = capture_sql(|| {
            runtime.block_on(async {
                let mut conn = engine.connect().await.unwrap();
                items::table
                    .filter(items::label.eq("secret-label"))
                    .count(&mut conn)
                    .await
                    .unwrap()
            })
        });
        assert_eq!(count, 0);
        assert_eq!(log.len(), 1, "{log:#?}");
        assert!(log[0].contains("params=[<redacted>]"), "{}", log[0]);
        assert!(!log[0].contains("secret-label"), "{}", log[0]);
    }
    assert_eq!(engine.state().peak, 1);
}

/// Polls `future` once and drops it: a checkout abandoned half-way (a timeout, a `select!`).
async fn poll_once_and_drop<F: Future>(future: F) {
    let mut future = std::pin::pin!(future);
    std::future::poll_fn(|cx| {
        let _ = future.as_mut().poll(cx);
        Poll::Ready(())
    })
    .await;
}

#[test]
fn a_checkout_dropped_half_way_never_hands_out_a_connection_out_of_step() {
    let (_db, url) = database("apool-dropped");
    runtime().block_on(async move {
        let engine = Engine::builder_url(url)
            .pool_size(1)
            .max_overflow(0)
            .build_async()
            .unwrap();
        // Dropped while connecting, then while pre-pinging an idle connection.
        poll_once_and_drop(engine.connect()).await;
        assert!(engine.state().open <= 1, "{:?}", engine.state());
        drop(engine.connect().await.unwrap());
        assert_eq!(engine.state().idle, 1);
        poll_once_and_drop(engine.connect()).await;
        assert!(engine.state().open <= 1, "{:?}", engine.state());
        // The next checkout gets a connection in step, whichever it is.
        for _ in 0..3 {
            let mut conn = engine.connect().await.unwrap();
            assert!(!conn.is_closed());
            assert_eq!(items::table.count(&mut conn).await.unwrap(), 100);
        }
        assert_eq!(engine.state().open, 1);
    });
}
