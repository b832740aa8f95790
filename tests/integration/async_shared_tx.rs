//! Sharing an open `AsyncTransaction` (#21 item 5): joined futures on `&mut &tx` run
//! pipelined inside the transaction, a failure fails the ones after it and the commit, and
//! futures dropped unread leave the transaction in step for its next request, its commit
//! or its rollback.

use super::async_shared::{name_of, people, still_usable, with_conn};
use sqlwright::prelude::*;
use sqlwright::{AsyncConnection, AsyncTransaction, Error};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::Poll;

/// Inserts a person named "tx" through a shared transaction or connection runner.
macro_rules! insert_tx {
    ($runner:expr, $email:expr) => {
        insert_into(people::table)
            .values((people::name.to("tx"), people::email.to($email)))
            .execute(&mut $runner)
    };
}

/// How many people named "tx" there are, asked through `&mut`.
async fn tx_rows(conn: &mut AsyncConnection) -> i64 {
    people::table
        .filter(people::name.eq("tx"))
        .count(&mut *conn)
        .await
        .unwrap()
}

#[test]
fn joined_queries_share_a_transaction_guard() {
    with_conn(|mut conn| async move {
        let tx = conn.begin().await.unwrap();
        let (a, b, names, count) = tokio::try_join!(
            insert_tx!(&tx, "a@x"),
            insert_tx!(&tx, "b@x"),
            futures_util::future::try_join_all((1..=5).map(|id| {
                people::table
                    .filter(people::id.eq(id))
                    .select(people::name)
                    .one(&mut &tx)
            })),
            people::table.filter(people::name.eq("tx")).count(&mut &tx),
        )
        .unwrap();
        assert_eq!((a, b), (1, 1));
        assert_eq!(names[4], "person 5");
        // The count ran after both inserts, in the same transaction.
        assert_eq!(count, 2);
        tx.commit().await.unwrap();
        assert_eq!(tx_rows(&mut conn).await, 2);
        // Dropped without commit: rolled back, the shared work with it.
        let tx = conn.begin().await.unwrap();
        let (c, d) = tokio::try_join!(insert_tx!(&tx, "c@x"), insert_tx!(&tx, "d@x")).unwrap();
        assert_eq!((c, d), (1, 1));
        drop(tx);
        assert_eq!(tx_rows(&mut conn).await, 2);
        still_usable(&mut conn).await;
    });
}

#[test]
fn a_failure_in_a_shared_transaction_fails_it() {
    with_conn(|mut conn| async move {
        let tx = conn.begin().await.unwrap();
        let (ok, failed, later) = tokio::join!(
            insert_tx!(&tx, "ok@x"),
            insert_tx!(&tx, "p2@x"),
            insert_tx!(&tx, "later@x"),
        );
        assert_eq!(ok.unwrap(), 1);
        assert!(
            matches!(&failed, Err(Error::Database(db)) if db.code == "23505"),
            "{failed:?}"
        );
        assert!(
            matches!(&later, Err(Error::Database(db)) if db.code == "25P02"),
            "{later:?}"
        );
        // The commit rolls back and says so.
        let committed = tx.commit().await;
        assert!(
            matches!(committed, Err(Error::TransactionAborted)),
            "{committed:?}"
        );
        assert_eq!(tx_rows(&mut conn).await, 0);
        // The closure form's transaction is the same type: shared the same way.
        let outcome = conn
            .transaction(async |tx| {
                tokio::try_join!(insert_tx!(&*tx, "e@x"), insert_tx!(&*tx, "p3@x"))
            })
            .await;
        assert!(
            matches!(&outcome, Err(Error::Database(db)) if db.code == "23505"),
            "{outcome:?}"
        );
        assert_eq!(tx_rows(&mut conn).await, 0);
        let (e, f) = conn
            .transaction(async |tx| {
                tokio::try_join!(insert_tx!(&*tx, "e@x"), insert_tx!(&*tx, "f@x"))
            })
            .await
            .unwrap();
        assert_eq!((e, f), (1, 1));
        assert_eq!(tx_rows(&mut conn).await, 2);
        still_usable(&mut conn).await;
    });
}

#[test]
fn shared_futures_dropped_inside_a_transaction_leave_it_in_step() {
    with_conn(|mut conn| async move {
        // Prepared first, so the dropped futures only write (no prepare in between).
        assert_eq!(name_of(&conn, 1).await.unwrap(), "person 1");
        // Read through the transaction first, or committed (or dropped) with them unread.
        for (commit, read) in [(true, true), (false, true), (true, false), (false, false)] {
            let tx = conn.begin().await.unwrap();
            assert_eq!(insert_tx!(&tx, "kept@x").await.unwrap(), 1);
            {
                // Written, then dropped before anyone read their answers.
                let mut left: Vec<Pin<Box<dyn Future<Output = _> + Send + '_>>> = (1..=5)
                    .map(|id| {
                        Box::pin(
                            people::table
                                .filter(people::id.eq(id))
                                .select(people::name)
                                .one(&mut &tx),
                        ) as _
                    })
                    .collect();
                poll_fn(|cx| {
                    for future in &mut left {
                        assert!(future.as_mut().poll(cx).is_pending());
                    }
                    Poll::Ready(())
                })
                .await;
            }
            if read {
                // The next request through the transaction reads them first.
                let (name, count) = tokio::try_join!(
                    people::table
                        .filter(people::id.eq(7))
                        .select(people::name)
                        .one(&mut &tx),
                    people::table.filter(people::name.eq("tx")).count(&mut &tx),
                )
                .unwrap();
                assert_eq!((name.as_str(), count), ("person 7", 1));
            }
            if commit {
                tx.commit().await.unwrap();
            } else {
                drop(tx);
            }
            assert_eq!(tx_rows(&mut conn).await, i64::from(commit));
            assert!(!conn.in_transaction());
            conn.batch_execute("DELETE FROM people WHERE name = 'tx'")
                .await
                .unwrap();
        }
        still_usable(&mut conn).await;
    });
}

#[test]
fn a_savepoint_is_shared_the_same_way() {
    with_conn(|mut conn| async move {
        let mut tx = conn.begin().await.unwrap();
        assert_eq!(insert_tx!(&tx, "outer@x").await.unwrap(), 1);
        {
            let savepoint = tx.begin().await.unwrap();
            assert!(savepoint.is_nested());
            let (ok, failed) = tokio::join!(
                insert_tx!(&savepoint, "inner@x"),
                insert_tx!(&savepoint, "p4@x"),
            );
            assert_eq!(ok.unwrap(), 1);
            assert!(
                matches!(&failed, Err(Error::Database(db)) if db.code == "23505"),
                "{failed:?}"
            );
            // Rolled back to the savepoint: the outer transaction goes on.
            savepoint.rollback().await.unwrap();
        }
        let (count, name) = tokio::try_join!(
            people::table.filter(people::name.eq("tx")).count(&mut &tx),
            name_of_tx(&tx, 4),
        )
        .unwrap();
        assert_eq!((count, name.as_str()), (1, "person 4"));
        tx.commit().await.unwrap();
        assert_eq!(tx_rows(&mut conn).await, 1);
        still_usable(&mut conn).await;
    });
}

/// The name of person `id`, read through a shared transaction.
fn name_of_tx<'a>(
    tx: &'a AsyncTransaction<'_>,
    id: i32,
) -> impl Future<Output = Result<String, Error>> + 'a {
    people::table
        .filter(people::id.eq(id))
        .select(people::name)
        .one(&mut &*tx)
}
