//! Async transactions on a real server: the closure form (commit, rollback on `Err`, on a
//! panic, on the future being dropped), the guard form, savepoints, isolation level and
//! read-only, and the retry helper under two concurrent serializable transactions.

use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::testing;
use sqlwright::{AsyncConnection, AsyncTransaction, Error};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

sqlwright::table! {
    items (id) {
        id -> Int4,
        label -> Text,
    }
    oncall (name) {
        name -> Text,
        on_duty -> Bool,
    }
}

const SCHEMA: &str = "CREATE TABLE items (id int4 PRIMARY KEY, label text NOT NULL)";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

async fn connect(db: &testing::TestDatabase) -> AsyncConnection {
    let mut conn = AsyncConnection::connect_url(db.url()).await.unwrap();
    conn.batch_execute(SCHEMA).await.unwrap();
    conn
}

/// Inserts an item through the typed API on a transaction.
async fn add(tx: &mut AsyncTransaction<'_>, id: i32) -> Result<u64, Error> {
    insert_into(items::table)
        .values((items::id.to(id), items::label.to(format!("item {id}"))))
        .execute(tx)
        .await
}

/// The ids in the table, read on a connection of its own (so only committed rows count).
fn committed(db: &testing::TestDatabase) -> Vec<i32> {
    let mut other = db.connect().unwrap();
    items::table
        .select(items::id)
        .order_by(items::id)
        .load(&mut other)
        .unwrap()
}

/// Sessions of the test database that sit inside a transaction, seen from another one.
fn idle_in_transaction(db: &testing::TestDatabase) -> i64 {
    let mut other = db.connect().unwrap();
    let rows = other
        .query_text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'",
        )
        .unwrap();
    rows[0][0].as_deref().unwrap().parse().unwrap()
}

fn boom() -> Result<(), Error> {
    panic!("boom in the transaction")
}

#[derive(Debug)]
struct AppError(String);

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError(e.to_string())
    }
}

#[test]
fn both_forms_roll_back_on_err_panic_and_drop() {
    let db = testing::database();
    let rt = runtime();
    let mut conn = rt.block_on(connect(&db));

    // Ok: committed, and typed queries run on the transaction.
    let seen = rt
        .block_on(conn.transaction(async |tx| {
            add(tx, 1).await?;
            let ids: Vec<i32> = items::table.select(items::id).load(tx).await?;
            Ok::<_, Error>(ids)
        }))
        .unwrap();
    assert_eq!(seen, [1]);
    assert_eq!(committed(&db), [1]);

    // Err: rolled back, and the caller's own error type comes back.
    let failed = rt.block_on(conn.transaction(async |tx| {
        add(tx, 2).await?;
        Err::<(), _>(AppError("changed my mind".into()))
    }));
    assert_eq!(failed.unwrap_err().0, "changed my mind");
    assert_eq!(committed(&db), [1]);

    // A panic: rolled back before the panic goes on.
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(conn.transaction(async |tx| {
            add(tx, 3).await?;
            boom()
        }))
    }));
    assert!(panicked.is_err());
    assert!(!conn.in_transaction());
    assert_eq!(committed(&db), [1]);

    // The guard form: a panic unwinding past the guard leaves its rollback owed, sent
    // ahead of the connection's next request.
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async {
            let mut tx = conn.begin().await?;
            add(&mut tx, 5).await?;
            boom()
        })
    }));
    assert!(panicked.is_err());
    assert_eq!(
        idle_in_transaction(&db),
        1,
        "the rollback waits for the next request"
    );
    let count = rt.block_on(items::table.count(&mut conn)).unwrap();
    assert_eq!(count, 1);
    assert!(!conn.in_transaction());
    assert_eq!(idle_in_transaction(&db), 0);

    // Dropped by a timeout while a statement runs: the next use reads the statement's
    // end, rolls back, and answers.
    let given_up = rt.block_on(async {
        tokio::time::timeout(
            Duration::from_millis(200),
            conn.transaction(async |tx| {
                add(tx, 4).await?;
                tx.batch_execute("SELECT pg_sleep(3)").await?;
                Ok::<_, Error>(())
            }),
        )
        .await
    });
    assert!(given_up.is_err(), "the transaction should still be running");
    assert!(!conn.is_closed());
    let rows = rt.block_on(conn.query_text("SELECT 1")).unwrap();
    assert_eq!(rows, vec![vec![Some("1".to_string())]]);
    assert!(!conn.in_transaction());
    assert_eq!(committed(&db), [1]);
    assert_eq!(idle_in_transaction(&db), 0);
}

#[test]
fn the_guard_form_commits_rolls_back_and_owes_a_rollback_when_dropped() {
    let db = testing::database();
    runtime().block_on(async {
        let mut conn = connect(&db).await;
        let mut tx = conn.begin().await.unwrap();
        add(&mut tx, 1).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(committed(&db), [1]);

        let mut tx = conn.begin().await.unwrap();
        add(&mut tx, 2).await.unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(committed(&db), [1]);

        // Dropped without commit: the rollback is owed; until the next request the
        // server still holds the transaction (and its row lock).
        let mut tx = conn.begin().await.unwrap();
        add(&mut tx, 3).await.unwrap();
        drop(tx);
        assert_eq!(idle_in_transaction(&db), 1);
        let count = items::table.count(&mut conn).await.unwrap();
        assert_eq!(count, 1);
        assert!(!conn.in_transaction());
        assert_eq!(idle_in_transaction(&db), 0);

        // A failed statement makes commit a rollback with a typed error.
        let mut tx = conn.begin().await.unwrap();
        add(&mut tx, 5).await.unwrap();
        assert!(add(&mut tx, 5).await.is_err());
        assert!(matches!(tx.commit().await, Err(Error::TransactionAborted)));
        assert_eq!(committed(&db), [1]);
        assert!(!conn.in_transaction());
    });
}

#[test]
fn savepoints_nest_in_both_forms() {
    let db = testing::database();
    runtime().block_on(async {
        let mut conn = connect(&db).await;
        let mut tx = conn.begin().await.unwrap();
        assert!(!tx.is_nested());
        add(&mut tx, 1).await.unwrap();

        let mut inner = tx.begin().await.unwrap();
        assert!(inner.is_nested());
        add(&mut inner, 2).await.unwrap();
        inner.rollback().await.unwrap();

        tx.transaction(async |sp| {
            add(sp, 3).await?;
            Ok::<_, Error>(())
        })
        .await
        .unwrap();

        // A failing savepoint leaves the outer transaction usable.
        let failed = tx
            .transaction(async |sp| {
                add(sp, 4).await?;
                add(sp, 1).await?; // duplicate key
                Ok::<_, Error>(())
            })
            .await;
        match failed {
            Err(Error::Database(db)) => assert_eq!(db.kind, DbErrorKind::UniqueViolation),
            other => panic!("expected a unique violation, got {other:?}"),
        }

        // A savepoint guard dropped: rolled back to, ahead of the next statement.
        let mut dropped = tx.begin().await.unwrap();
        add(&mut dropped, 6).await.unwrap();
        drop(dropped);
        add(&mut tx, 7).await.unwrap();

        // A nested transaction cannot set options.
        match tx.begin().await {
            Ok(mut sp) => {
                add(&mut sp, 8).await.unwrap();
                sp.commit().await.unwrap();
            }
            Err(e) => panic!("a plain savepoint should open: {e}"),
        }
        tx.commit().await.unwrap();
        assert_eq!(committed(&db), [1, 3, 7, 8]);
        assert!(!conn.in_transaction());

        // A nested transaction takes no options, and is not retried.
        let mut outer = conn.begin().await.unwrap();
        let nested = outer
            .build_transaction()
            .serializable()
            .begin()
            .await
            .map(drop);
        assert!(matches!(nested, Err(Error::Misuse(_))), "{nested:?}");
        let retried = outer
            .transaction_with_retry(3, async |sp| sp.batch_execute("SELECT 1").await)
            .await;
        assert!(matches!(retried, Err(Error::Misuse(_))), "{retried:?}");
        outer.rollback().await.unwrap();
    });
}

#[test]
fn isolation_and_read_only_come_from_the_builder() {
    let db = testing::database();
    runtime().block_on(async {
        let mut conn = connect(&db).await;
        let rows = conn
            .build_transaction()
            .serializable()
            .read_only()
            .run(async |tx| {
                tx.query_text("SHOW transaction_isolation; SHOW transaction_read_only")
                    .await
            })
            .await
            .unwrap();
        assert_eq!(
            rows,
            vec![
                vec![Some("serializable".to_string())],
                vec![Some("on".to_string())]
            ]
        );

        let rows = conn
            .build_transaction()
            .repeatable_read()
            .run(async |tx| {
                let rows = tx
                    .query_text("SHOW transaction_isolation; SHOW transaction_read_only")
                    .await?;
                Ok::<_, Error>(rows)
            })
            .await
            .unwrap();
        assert_eq!(
            rows,
            vec![
                vec![Some("repeatable read".to_string())],
                vec![Some("off".to_string())]
            ]
        );

        let mut tx = conn
            .build_transaction()
            .serializable()
            .read_only()
            .begin()
            .await
            .unwrap();
        let rows = tx
            .query_text("SHOW transaction_isolation; SHOW transaction_read_only")
            .await
            .unwrap();
        assert_eq!(
            rows,
            vec![
                vec![Some("serializable".to_string())],
                vec![Some("on".to_string())]
            ]
        );
        match add(&mut tx, 1).await {
            Err(e) => assert_eq!(
                e.database_error().map(|d| d.kind),
                Some(DbErrorKind::ReadOnlyTransaction)
            ),
            Ok(_) => panic!("a read-only transaction wrote"),
        }
        tx.rollback().await.unwrap();
        assert!(committed(&db).is_empty());
    });
}

#[test]
fn the_retry_helper_reruns_a_serialization_failure() {
    let db = testing::database();
    let rt = runtime();
    rt.block_on(async {
        let mut conn = connect(&db).await;
        conn.batch_execute(
            "CREATE TABLE oncall (name text PRIMARY KEY, on_duty bool NOT NULL);
             INSERT INTO oncall VALUES ('ann', true), ('bob', true);",
        )
        .await
        .unwrap();
        // Each doctor goes off duty if another is on: under SERIALIZABLE one of the two
        // overlapping transactions fails, runs again, and then stays on duty.
        let read = Arc::new(AtomicU32::new(0));
        let attempts = Arc::new(AtomicU32::new(0));
        let mut tasks = Vec::new();
        for name in ["ann", "bob"] {
            let (url, read, attempts) = (db.url().clone(), read.clone(), attempts.clone());
            // Owned: a `&str` among the closure's captures trips rustc's `Send` check of
            // a higher-ranked async closure's future in `tokio::spawn`.
            let name = name.to_string();
            tasks.push(tokio::spawn(async move {
                let mut conn = AsyncConnection::connect_url(&url).await?;
                conn.build_transaction()
                    .serializable()
                    .run_with_retry(5, async move |tx| {
                        attempts.fetch_add(1, Ordering::SeqCst);
                        let on = oncall::table
                            .filter(oncall::on_duty.eq(true))
                            .count(tx)
                            .await?;
                        read.fetch_add(1, Ordering::SeqCst);
                        // Both read before either writes (bounded: 5 s).
                        for _ in 0..500 {
                            if read.load(Ordering::SeqCst) >= 2 {
                                break;
                            }
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                        let me = name.clone();
                        if on == 2 {
                            update(oncall::table)
                                .filter(oncall::name.eq(me))
                                .set(oncall::on_duty.to(false))
                                .execute(tx)
                                .await?;
                        }
                        Ok(())
                    })
                    .await
            }));
        }
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(
            attempts.load(Ordering::SeqCst),
            3,
            "one transaction ran twice"
        );
        let on = conn
            .query_text("SELECT count(*) FROM oncall WHERE on_duty")
            .await
            .unwrap();
        assert_eq!(on[0][0].as_deref(), Some("1"));
    });
}
