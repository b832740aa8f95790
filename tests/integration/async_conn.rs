//! The async connection on a real server: the same protocol client as the blocking one on
//! a tokio socket (TCP and Unix-domain), its timeouts, and what a dropped future leaves.

use sqlwright::testing::{self, PrivateServer};
use sqlwright::{AsyncConnection, Connection, DatabaseUrl, Error};
use std::time::Duration;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn sql_runs_over_tcp_and_the_futures_move_between_threads() {
    let db = testing::database();
    let url = db.url().clone();
    runtime().block_on(async move {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        conn.batch_execute(
            "CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);
             INSERT INTO notes (body) SELECT 'note ' || g FROM generate_series(1, 300) g;",
        )
        .await
        .unwrap();
        let rows = conn
            .query_text("SELECT count(*), max(body) FROM notes")
            .await
            .unwrap();
        assert_eq!(rows, vec![vec![Some("300".into()), Some("note 99".into())]]);
        conn.ping().await.unwrap();
        // A server error is typed, and the connection stays usable.
        match conn
            .batch_execute("INSERT INTO notes (body) VALUES (NULL)")
            .await
        {
            Err(Error::Database(db)) => assert_eq!(db.code, "23502"),
            other => panic!("expected a not-null violation, got {other:?}"),
        }
        assert!(!conn.is_closed());
        // Tasks on a multi-threaded runtime, each with a connection of its own.
        let mut tasks = Vec::new();
        for i in 0..8 {
            let url = url.clone();
            tasks.push(tokio::spawn(async move {
                let mut conn = AsyncConnection::connect_url(&url).await?;
                let rows = conn
                    .query_text(&format!("SELECT count(*) FROM notes WHERE id % 8 = {i}"))
                    .await?;
                Ok::<_, Error>(rows[0][0].clone().unwrap().parse::<i64>().unwrap())
            }));
        }
        let mut total = 0;
        for t in tasks {
            total += t.await.unwrap().unwrap();
        }
        assert_eq!(total, 300);
    });
}

#[test]
fn a_unix_socket_works_as_over_tcp() {
    let server = PrivateServer::start().unwrap();
    let mut url = server.url();
    url.host = Some(server.socket_dir().display().to_string());
    let url: DatabaseUrl = url;
    runtime().block_on(async move {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        let rows = conn
            .query_text("SELECT inet_server_addr() IS NULL")
            .await
            .unwrap();
        // No server address: the session came over the Unix-domain socket.
        assert_eq!(rows[0][0].as_deref(), Some("t"));
    });
}

#[test]
fn a_request_timeout_cancels_the_statement_and_closes_the_connection() {
    let db = testing::database();
    let url = db.url().clone();
    runtime().block_on(async move {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        conn.set_request_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let started = std::time::Instant::now();
        match conn.batch_execute("SELECT pg_sleep(30)").await {
            Err(Error::Timeout { .. }) => {}
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(10));
        assert!(conn.is_closed());
        // The cancel reached the server: nothing of it is still running.
        let mut check = Connection::connect_url(&url).unwrap();
        let mut left = 1;
        for _ in 0..50 {
            let rows = check
                .query_text(
                    "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)'",
                )
                .unwrap();
            left = rows[0][0].as_deref().unwrap().parse::<i64>().unwrap();
            if left == 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(left, 0);
    });
}

#[test]
fn a_future_dropped_half_way_is_read_to_its_end_by_the_next_use() {
    let db = testing::database();
    let url = db.url().clone();
    runtime().block_on(async move {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        let given_up = tokio::time::timeout(
            Duration::from_millis(100),
            conn.batch_execute("SELECT pg_sleep(5)"),
        )
        .await;
        assert!(given_up.is_err(), "the statement should still be running");
        // Not closed: the next use cancels the statement, reads its end, and runs.
        assert!(!conn.is_closed());
        let rows = conn.query_text("SELECT 1").await.unwrap();
        assert_eq!(rows, vec![vec![Some("1".to_string())]]);
        assert!(!conn.in_transaction());
        let running = conn
            .query_text(
                "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(5)' \
                 AND state = 'active'",
            )
            .await
            .unwrap();
        assert_eq!(
            running[0][0].as_deref(),
            Some("0"),
            "the statement was cancelled"
        );
    });
}

#[test]
fn a_cancel_sent_from_async_code_stops_the_statement_and_keeps_the_connection() {
    let db = testing::database();
    let url = db.url().clone();
    runtime().block_on(async move {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        let mut watcher = AsyncConnection::connect_url(&url).await.unwrap();
        let handle = conn.cancel_handle();
        // Nothing runs yet: nothing is sent, and that is not an error.
        handle.cancel_async().await.unwrap();
        let canceller = tokio::spawn(async move {
            // Once the server runs the sleep (at most 10 s of looking).
            let check = "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' \
                         AND pid <> pg_backend_pid() AND wait_event = 'PgSleep' \
                         AND datname = current_database()";
            for _ in 0..500 {
                let rows = watcher.query_text(check).await.unwrap();
                if rows[0][0].as_deref() != Some("0") {
                    return handle.cancel_async().await.map(|()| true);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Ok(false)
        });
        let result = tokio::time::timeout(
            Duration::from_secs(60),
            sqlwright::raw::sql("SELECT pg_sleep(30)").execute(&mut conn),
        )
        .await
        .expect("the cancel never stopped the statement");
        assert!(canceller.await.unwrap().unwrap(), "the sleep never ran");
        match result {
            Err(Error::Database(e)) => {
                assert_eq!(e.kind, sqlwright::engine::DbErrorKind::Canceled, "{e:?}")
            }
            other => panic!("expected a cancelled statement, got {other:?}"),
        }
        let rows = conn.query_text("SELECT 41 + 1").await.unwrap();
        assert_eq!(rows, vec![vec![Some("42".into())]]);
    });
}
