//! Cancel safety: an async statement or transaction future dropped at any of its await
//! points leaves the connection in step and no transaction open. Each operation is
//! polled exactly n times and dropped, for every n until it finishes, over a loopback
//! proxy that hands the server's answer to the client one byte at a time (so that the
//! operation waits at many points); after each drop the connection must answer
//! correctly, outside any transaction, and the server must show no session idle inside
//! one.

use crate::trickle::{poll_at_most, server_address, Trickle};
use sqlwright::prelude::*;
use sqlwright::testing;
use sqlwright::{AsyncConnection, Connection, DatabaseUrl, Error};
use std::time::Duration;

sqlwright::table! {
    marks (id) {
        id -> Int4,
        note -> Text,
    }
}

/// More polls than any operation here needs: past it the test fails instead of looping.
const MAX_POLLS: usize = 3000;

/// After a drop after `n` polls: the connection answers, and nothing is left open.
async fn check_in_step(conn: &mut AsyncConnection, watcher: &mut Connection, n: usize) {
    assert!(!conn.is_closed(), "closed after {n} polls");
    match conn.query_text("SELECT 41 + 1").await {
        Ok(rows) => assert_eq!(rows, vec![vec![Some("42".to_string())]], "after {n} polls"),
        Err(e) => panic!("after {n} polls the connection failed: {e}"),
    }
    assert!(
        !conn.in_transaction(),
        "a transaction is open after {n} polls"
    );
    let open = watcher
        .query_text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'",
        )
        .unwrap();
    assert_eq!(open[0][0].as_deref(), Some("0"), "after {n} polls");
}

/// Runs `$work` (an expression using `$conn`) dropped after every number of polls until
/// it finishes, checking the connection after each; the number of polls it took.
macro_rules! at_every_await {
    ($conn:ident, $watcher:expr, |$n:ident| $work:expr) => {{
        let mut $n = 0;
        loop {
            assert!($n < MAX_POLLS, "the operation never finished");
            let finished = poll_at_most($work, $n).await;
            let finished = finished.map(|result| result.expect("the operation failed"));
            check_in_step(&mut $conn, $watcher, $n).await;
            if finished.is_some() {
                break $n;
            }
            $n += 1;
        }
    }};
}

/// A fresh database behind a trickling proxy: the async connection through it, a
/// blocking one straight to the server for checks, and the proxy.
fn setup(db: &testing::TestDatabase) -> (DatabaseUrl, Connection, Trickle) {
    let mut watcher = db.connect().unwrap();
    watcher
        .batch_execute("CREATE TABLE marks (id int4 PRIMARY KEY, note text NOT NULL)")
        .unwrap();
    let proxy = Trickle::start(server_address(&mut watcher), usize::MAX, 1);
    (proxy.url(db.url()), watcher, proxy)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_query_dropped_at_any_await_leaves_the_connection_in_step() {
    let db = testing::database();
    let (url, mut watcher, _proxy) = setup(&db);
    runtime().block_on(async {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        conn.batch_execute("INSERT INTO marks VALUES (1, 'one'), (2, 'two')")
            .await
            .unwrap();
        let polls = at_every_await!(conn, &mut watcher, |n| conn
            .query_text("SELECT id, note FROM marks ORDER BY id"));
        assert!(polls > 5, "the proxy made only {polls} await points");
        // A typed query: prepared on first use, then from the cache.
        let polls = at_every_await!(conn, &mut watcher, |n| marks::table
            .select(marks::note)
            .filter(marks::id.eq(2))
            .load(&mut conn));
        assert!(polls > 5, "the proxy made only {polls} await points");
    });
}

#[test]
fn a_transaction_dropped_at_any_await_is_rolled_back_or_committed_whole() {
    let db = testing::database();
    let (url, mut watcher, _proxy) = setup(&db);
    runtime().block_on(async {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        // The closure form: a row inserted, then committed.
        let polls = at_every_await!(conn, &mut watcher, |n| conn.transaction(async |tx| {
            insert_into(marks::table)
                .values((marks::id.to(n as i32), marks::note.to("closure")))
                .execute(tx)
                .await?;
            Ok::<_, Error>(())
        }));
        assert!(polls > 5, "the proxy made only {polls} await points");
        // The guard form with a savepoint: two rows, committed together or not at all.
        let base = 100_000;
        let polls = at_every_await!(conn, &mut watcher, |n| async {
            let mut tx = conn.begin().await?;
            tx.batch_execute(&format!("INSERT INTO marks VALUES ({}, 'outer')", base + n))
                .await?;
            let mut sp = tx.begin().await?;
            sp.batch_execute(&format!(
                "INSERT INTO marks VALUES ({}, 'inner')",
                2 * base + n
            ))
            .await?;
            sp.commit().await?;
            tx.commit().await
        });
        assert!(polls > 5, "the proxy made only {polls} await points");
        // Every outer row has its savepoint's row, and the other way round.
        let rows = watcher
            .query_text(&format!(
                "SELECT count(*) FILTER (WHERE id < {twice}), \
                        count(*) FILTER (WHERE id >= {twice}), \
                        count(*) FILTER (WHERE id < {twice} AND NOT EXISTS \
                            (SELECT 1 FROM marks i WHERE i.id = o.id + {base})) \
                 FROM marks o WHERE id >= {base}",
                twice = 2 * base
            ))
            .unwrap();
        assert_eq!(rows[0][0], rows[0][1], "{rows:?}");
        assert_eq!(rows[0][2].as_deref(), Some("0"), "{rows:?}");
        assert!(rows[0][0].as_deref() != Some("0"), "the last run commits");
    });
}

#[test]
fn a_request_dropped_half_sent_closes_the_connection() {
    let db = testing::database();
    let mut watcher = db.connect().unwrap();
    // The client's bytes go through slowly: a large request waits for room to be sent.
    let proxy = Trickle::start(server_address(&mut watcher), 1024, 1);
    runtime().block_on(async {
        let mut conn = AsyncConnection::connect_url(&proxy.url(db.url()))
            .await
            .unwrap();
        let sql = format!("SELECT length('{}')", "x".repeat(64 << 20));
        let finished = poll_at_most(conn.batch_execute(&sql), 3).await;
        assert!(finished.is_none(), "64 MiB went out at once");
        // The server got part of a message: nothing can bring it back in step.
        assert!(conn.is_closed());
        match conn.query_text("SELECT 1").await {
            Err(Error::ConnectionLost(reason)) => {
                assert!(reason.contains("being sent"), "{reason}")
            }
            other => panic!("expected ConnectionLost, got {other:?}"),
        }
    });
}

#[test]
fn transactions_dropped_at_random_points_under_load_leave_nothing_open() {
    let db = testing::database();
    let mut watcher = db.connect().unwrap();
    watcher
        .batch_execute("CREATE TABLE marks (id int4 PRIMARY KEY, note text NOT NULL)")
        .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..6)
        .map(|task: i32| {
            let url = db.url().clone();
            rt.spawn(async move {
                let mut conn = AsyncConnection::connect_url(&url).await?;
                // A fixed pseudo-random sequence per task: which await each drop hits
                // varies with the machine's load; what must hold does not.
                let mut seed = 0x9E37_79B9_u32.wrapping_mul(task as u32 + 1);
                for round in 0..40 {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    let budget = Duration::from_micros(u64::from(seed >> 20) % 4000);
                    let id = task * 1000 + round;
                    let work = conn.transaction(async |tx| {
                        insert_into(marks::table)
                            .values((marks::id.to(id), marks::note.to("outer")))
                            .execute(&mut *tx)
                            .await?;
                        tx.transaction(async |sp| {
                            insert_into(marks::table)
                                .values((marks::id.to(id + 500), marks::note.to("inner")))
                                .execute(sp)
                                .await
                        })
                        .await?;
                        Ok::<_, Error>(())
                    });
                    // Finished (and then it must have worked) or dropped: either way
                    // nothing may stay open.
                    if let Ok(finished) = tokio::time::timeout(budget, work).await {
                        finished?;
                    }
                    let rows = conn.query_text("SELECT 1").await?;
                    assert_eq!(rows, vec![vec![Some("1".to_string())]]);
                    assert!(!conn.in_transaction());
                }
                Ok::<_, Error>(())
            })
        })
        .collect();
    for task in tasks {
        rt.block_on(task).unwrap().unwrap();
    }
    let open = watcher
        .query_text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'",
        )
        .unwrap();
    assert_eq!(open[0][0].as_deref(), Some("0"));
    // Each outer row was committed with its savepoint's row, or neither was.
    let unpaired = watcher
        .query_text(
            "SELECT count(*) FROM marks o WHERE o.id % 1000 < 500 AND NOT EXISTS \
             (SELECT 1 FROM marks i WHERE i.id = o.id + 500) \
             OR o.id % 1000 >= 500 AND NOT EXISTS \
             (SELECT 1 FROM marks i WHERE i.id = o.id - 500)",
        )
        .unwrap();
    assert_eq!(unpaired[0][0].as_deref(), Some("0"));
}
