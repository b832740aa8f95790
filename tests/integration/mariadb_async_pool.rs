//! `AsyncMysqlEngine` (`Engine::mysql_builder(url)…build_async()`) on the MariaDB of
//! `sqlwright::testing`: connections reused and reset on return (a transaction left open
//! rolled back, session state gone), the checkout timeout, the pre-ping replacing a
//! connection the server killed, and a connection closed by a dropped future replaced.

use sqlwright::prelude::*;
use sqlwright::testing::mariadb_database;
use sqlwright::{raw, Engine, Error};
use std::time::Duration;

sqlwright::table! {
    notes (id) {
        id -> Int4,
        body -> Text,
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Lets the pool's return task run (the reset is done by a task of the runtime).
async fn settle() {
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[test]
fn a_returned_connection_is_reused_reset_and_rolled_back() {
    let db = mariadb_database();
    db.connect()
        .unwrap()
        .batch_execute("CREATE TABLE notes (id INT PRIMARY KEY, body TEXT NOT NULL)")
        .unwrap();
    let url = db.url().to_string_with_password();
    runtime().block_on(async {
        let engine = Engine::mysql_builder(&url)
            .pool_size(1)
            .max_overflow(0)
            .build_async()
            .unwrap();
        let first_id = {
            let mut conn = engine.connect().await.unwrap();
            conn.batch_execute("SET @left = 5; START TRANSACTION")
                .await
                .unwrap();
            insert_into(notes::table)
                .values((notes::id.to(1), notes::body.to("left open")))
                .execute(&mut conn)
                .await
                .unwrap();
            let id = raw::sql("SELECT CONNECTION_ID()")
                .load(&mut conn)
                .await
                .unwrap();
            id[0].get::<i64>(0).unwrap()
        };
        settle().await;
        assert_eq!(engine.state().idle, 1);
        let mut conn = engine.connect().await.unwrap();
        let rows = raw::sql("SELECT CONNECTION_ID(), @left, @@in_transaction")
            .load(&mut conn)
            .await
            .unwrap();
        assert_eq!(rows[0].get::<i64>(0).unwrap(), first_id, "not reused");
        assert_eq!(rows[0].get::<Option<i64>>(1).unwrap(), None, "not reset");
        assert_eq!(rows[0].get::<i64>(2).unwrap(), 0);
        assert_eq!(notes::table.count(&mut conn).await.unwrap(), 0);
        // The session settings are back after the reset: `||` concatenates.
        let text = raw::sql("SELECT 'a' || 'b'").load(&mut conn).await.unwrap();
        assert_eq!(text[0].get::<String>(0).unwrap(), "ab");
        assert_eq!(engine.state().peak, 1);
    });
}

#[test]
fn a_checkout_waits_at_most_the_checkout_timeout() {
    let db = mariadb_database();
    let url = db.url().to_string_with_password();
    runtime().block_on(async {
        let engine = Engine::mysql_builder(&url)
            .pool_size(1)
            .max_overflow(0)
            .checkout_timeout(Duration::from_millis(200))
            .build_async()
            .unwrap();
        let held = engine.connect().await.unwrap();
        let started = std::time::Instant::now();
        let err = engine.connect().await.unwrap_err();
        assert!(matches!(err, Error::PoolTimeout { .. }), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(3));
        drop(held);
        settle().await;
        let mut conn = engine.connect().await.unwrap();
        conn.ping().await.unwrap();
    });
}

#[test]
fn the_pre_ping_replaces_a_connection_the_server_killed() {
    let db = mariadb_database();
    let mut admin = db.connect().unwrap();
    let url = db.url().to_string_with_password();
    runtime().block_on(async {
        let engine = Engine::mysql_builder(&url)
            .pool_size(1)
            .max_overflow(0)
            .pre_ping(true)
            .build_async()
            .unwrap();
        let id = {
            let mut conn = engine.connect().await.unwrap();
            let id = raw::sql("SELECT CONNECTION_ID()")
                .load(&mut conn)
                .await
                .unwrap();
            id[0].get::<i64>(0).unwrap()
        };
        settle().await;
        admin.batch_execute(&format!("KILL {id}")).unwrap();
        let mut conn = engine.connect().await.unwrap();
        let now = raw::sql("SELECT CONNECTION_ID()")
            .load(&mut conn)
            .await
            .unwrap();
        assert_ne!(now[0].get::<i64>(0).unwrap(), id);
    });
}

#[test]
fn a_connection_closed_by_a_timeout_is_not_handed_out_again() {
    let db = mariadb_database();
    let url = format!("{}?read_timeout=1", db.url().to_string_with_password());
    runtime().block_on(async {
        let engine = Engine::mysql_builder(&url)
            .pool_size(1)
            .max_overflow(0)
            .build_async()
            .unwrap();
        {
            let mut conn = engine.connect().await.unwrap();
            let err = conn.batch_execute("SELECT SLEEP(3)").await.unwrap_err();
            assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
        }
        settle().await;
        assert_eq!(engine.state().open, 0);
        let mut conn = engine.connect().await.unwrap();
        conn.ping().await.unwrap();
    });
}
