//! `stream()` and `for_each` on `AsyncMysqlConnection` and in its transactions, on the
//! MariaDB of `sqlwright::testing`: rows read in place as they arrive, in order, in
//! batches, raw and typed; a decode error, a closure's error, a stream dropped early or a
//! future dropped mid-rows (by `tokio::time::timeout`, or after exactly n polls over a
//! proxy that hands the answer over one byte at a time) leave the connection answering,
//! and a result no drain could finish is stopped within seconds (`KILL QUERY`). Every
//! body runs through `twice::wait`, which needs a `Send` future: the streams and their
//! futures can move between a runtime's threads.

use crate::trickle::{poll_at_most, Trickle};
use crate::twice::wait;
use futures_util::StreamExt;
use sqlwright::prelude::*;
use sqlwright::testing::mariadb_database;
use sqlwright::{raw, AsyncMysqlConnection, Error};
use std::time::{Duration, Instant};

sqlwright::table! {
    wide (id) {
        id -> Int4,
        body -> Text,
    }
    /// `n` is a BIGINT on the server, declared `Int4` here: row 500's value does not fit.
    narrow (id) {
        id -> Int4,
        n -> Int4,
    }
    /// A view no reader could finish: `wide` crossed with itself three times.
    endless (id) {
        id -> Int4,
        body -> Text,
    }
}

const ROWS: i64 = 20_000;

/// `wide` with rows 1..=ROWS of 100 bytes of text, and `narrow` of 1000 rows.
const SCHEMA: &str = "CREATE TABLE wide (id INT PRIMARY KEY, body TEXT NOT NULL);
SET SESSION max_recursive_iterations = 100000;
INSERT INTO wide (id, body)
WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 20000)
SELECT i, REPEAT('x', 100) FROM g;
CREATE TABLE narrow (id INT PRIMARY KEY, n BIGINT NOT NULL);
INSERT INTO narrow (id, n) SELECT id, IF(id = 500, 5000000000, id) FROM wide WHERE id <= 1000";

async fn count(conn: &mut AsyncMysqlConnection) -> i64 {
    wide::table.count(conn).await.unwrap()
}

#[test]
fn mariadb_async_streams_and_for_each_read_every_row_and_leave_the_connection_in_step() {
    let db = mariadb_database();
    wait(async {
        let mut conn = AsyncMysqlConnection::open_url(db.url()).await.unwrap();
        conn.batch_execute(SCHEMA).await.unwrap();

        // Every row, in order.
        let mut rows = wide::table
            .select((wide::id, wide::body))
            .order_by(wide::id)
            .stream(&mut conn)
            .await
            .unwrap();
        let mut seen = 0i64;
        while let Some(row) = rows.next().await {
            let (id, body) = row.unwrap();
            seen += 1;
            assert_eq!(i64::from(id), seen);
            assert_eq!(body.len(), 100);
        }
        assert!(rows.next().await.is_none());
        drop(rows);
        assert_eq!(seen, ROWS);

        // Dropped after 10 rows, twice over: the next statements run.
        for _ in 0..2 {
            let mut rows = wide::table
                .select(wide::id)
                .order_by(wide::id)
                .stream(&mut conn)
                .await
                .unwrap();
            for i in 1..=10 {
                assert_eq!(rows.next().await.unwrap().unwrap(), i);
            }
        }
        assert_eq!(count(&mut conn).await, ROWS);

        // No rows: the stream ends at once.
        let mut none = wide::table
            .select(wide::id)
            .filter(wide::id.lt(0))
            .stream(&mut conn)
            .await
            .unwrap();
        assert!(none.next().await.is_none());
        drop(none);

        // In batches: 6 of 3000 and the last 2000.
        let mut batches = wide::table
            .select(wide::id)
            .stream(&mut conn)
            .await
            .unwrap()
            .batches(3000);
        let mut sizes = Vec::new();
        while let Some(batch) = batches.next().await {
            sizes.push(batch.unwrap().len());
        }
        drop(batches);
        assert_eq!(sizes, vec![3000, 3000, 3000, 3000, 3000, 3000, 2000]);

        // Raw SQL, with a bound value: rows by name.
        let query =
            raw::sql("SELECT id, body FROM wide WHERE id > :from ORDER BY id").bind("from", 19_990);
        let mut rows = query.stream(&mut conn).await.unwrap();
        let first = rows.next().await.unwrap().unwrap();
        assert_eq!(first.keys(), vec!["id", "body"]);
        assert_eq!(first.get::<i32>("id").unwrap(), 19_991);
        let rest = rows.count().await;
        assert_eq!(rest, 9);
        assert_eq!(count(&mut conn).await, ROWS);

        // A value that does not fit at row 500: that row is the error, the stream ends,
        // and the rest of the result is ended by the next statement.
        let mut rows = narrow::table
            .select(narrow::n)
            .order_by(narrow::id)
            .stream(&mut conn)
            .await
            .unwrap();
        let mut read = 0;
        let err = loop {
            match rows.next().await.unwrap() {
                Ok(_) => read += 1,
                Err(e) => break e,
            }
        };
        assert_eq!(read, 499);
        assert!(
            matches!(&err, Error::Decode { column, .. } if column.contains('n')),
            "{err:?}"
        );
        assert!(rows.next().await.is_none());
        drop(rows);
        assert_eq!(count(&mut conn).await, ROWS);

        // for_each: every row, then a closure that stops at row 5.
        let mut sum = 0i64;
        let n = wide::table
            .select(wide::id)
            .for_each(&mut conn, |id: i32| {
                sum += i64::from(id);
                Ok(())
            })
            .await
            .unwrap();
        assert_eq!((n, sum), (ROWS as u64, ROWS * (ROWS + 1) / 2));
        let mut calls = 0;
        let err = wide::table
            .select(wide::id)
            .for_each(&mut conn, |_: i32| {
                calls += 1;
                if calls == 5 {
                    return Err(Error::NotFound);
                }
                Ok(())
            })
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound), "{err:?}");
        assert_eq!(calls, 5);
        assert_eq!(count(&mut conn).await, ROWS);

        // In a transaction: a stream dropped early and a for_each stopped early between
        // two deletes, all committed.
        conn.transaction(async |tx| {
            sqlwright::query::delete(wide::table)
                .filter(wide::id.eq(1))
                .execute(tx)
                .await?;
            let mut rows = wide::table.select(wide::id).stream(tx).await?;
            assert!(rows.next().await.transpose()?.is_some());
            drop(rows);
            // A closure's error fails the work it is in, as any error in a transaction:
            // here a savepoint's, rolled back; the transaction goes on.
            let stopped = tx
                .transaction(async |inner| {
                    wide::table
                        .select(wide::id)
                        .for_each(inner, |_: i32| Err(Error::NotFound))
                        .await
                })
                .await;
            assert!(matches!(stopped, Err(Error::NotFound)));
            let mut left = 0;
            let mut rows = wide::table.select(wide::id).stream(tx).await?;
            while let Some(row) = rows.next().await {
                row?;
                left += 1;
            }
            drop(rows);
            assert_eq!(left, ROWS - 1);
            sqlwright::query::delete(wide::table)
                .filter(wide::id.eq(2))
                .execute(tx)
                .await?;
            Ok::<_, Error>(())
        })
        .await
        .unwrap();
        assert_eq!(count(&mut conn).await, ROWS - 2);
        assert!(!conn.is_closed());
    });
}

/// 10^9 rows. A stream dropped after its first row, a `for_each` whose closure fails,
/// and a `for_each` or `load` future dropped mid-rows by a timeout cannot be drained: the
/// rest is read for 2 s, then the statement is stopped (`KILL QUERY` over a second
/// connection) and the next statement runs; in a transaction too (the closure's error in
/// a savepoint, as an error fails the work it is in), whose work then commits.
#[test]
fn mariadb_async_a_result_no_drain_could_finish_is_stopped_and_the_connection_goes_on() {
    let db = mariadb_database();
    wait(async {
        let mut conn = AsyncMysqlConnection::open_url(db.url()).await.unwrap();
        conn.batch_execute(
            "CREATE TABLE wide (id INT PRIMARY KEY, body TEXT NOT NULL);
             INSERT INTO wide (id, body)
             WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 1000)
             SELECT i, REPEAT('x', 100) FROM g;
             CREATE VIEW endless AS
             SELECT a.id, b.body FROM wide a CROSS JOIN wide b CROSS JOIN wide c",
        )
        .await
        .unwrap();
        // The next statement after each abandoned result: it must run, and within far
        // less than any drain of 10^9 rows (2 s of reading, then the kill).
        async fn alive(conn: &mut AsyncMysqlConnection, what: &str) -> i64 {
            let started = Instant::now();
            let n = wide::table.count(conn).await.unwrap();
            let took = started.elapsed();
            eprintln!("after {what}: the next statement took {took:?}");
            assert!(took < Duration::from_secs(20), "{what}: {took:?}");
            n
        }

        let mut rows = endless::table
            .select(endless::id)
            .stream(&mut conn)
            .await
            .unwrap();
        let _first: i32 = rows.next().await.unwrap().unwrap();
        drop(rows);
        assert_eq!(alive(&mut conn, "a typed stream dropped").await, 1000);

        let query = raw::sql("SELECT id, body FROM endless");
        let mut rows = query.stream(&mut conn).await.unwrap();
        assert_eq!(
            rows.next().await.unwrap().unwrap().keys(),
            vec!["id", "body"]
        );
        drop(rows);
        assert_eq!(alive(&mut conn, "a raw stream dropped").await, 1000);

        let err = endless::table
            .select((endless::id, endless::body))
            .for_each(&mut conn, |_: (i32, String)| Err(Error::NotFound))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::NotFound), "{err:?}");
        assert_eq!(alive(&mut conn, "a for_each closure's error").await, 1000);

        let short = Duration::from_millis(300);
        let mut rows = 0u64;
        let timed = tokio::time::timeout(
            short,
            endless::table
                .select(endless::id)
                .for_each(&mut conn, |_: i32| {
                    rows += 1;
                    Ok(())
                }),
        )
        .await;
        assert!(timed.is_err(), "10^9 rows read in {short:?}");
        assert!(rows > 0);
        assert_eq!(alive(&mut conn, "a for_each future dropped").await, 1000);

        let timed =
            tokio::time::timeout(short, endless::table.select(endless::id).load(&mut conn)).await;
        assert!(timed.is_err(), "10^9 rows loaded in {short:?}");
        assert_eq!(alive(&mut conn, "a load future dropped").await, 1000);

        // A stream whose refill is dropped by the timeout around its `next()` loop.
        let mut rows = endless::table
            .select(endless::id)
            .stream(&mut conn)
            .await
            .unwrap();
        let timed = tokio::time::timeout(short, async {
            while let Some(row) = rows.next().await {
                row.unwrap();
            }
        })
        .await;
        assert!(timed.is_err());
        drop(rows);
        assert_eq!(alive(&mut conn, "a stream dropped mid-loop").await, 1000);

        conn.transaction(async |tx| {
            sqlwright::query::delete(wide::table)
                .filter(wide::id.eq(1))
                .execute(tx)
                .await?;
            let mut rows = endless::table.select(endless::id).stream(tx).await?;
            assert!(rows.next().await.transpose()?.is_some());
            drop(rows);
            let stopped = tx
                .transaction(async |inner| {
                    endless::table
                        .select(endless::id)
                        .for_each(inner, |_: i32| Err(Error::NotFound))
                        .await
                })
                .await;
            assert!(matches!(stopped, Err(Error::NotFound)));
            let timed = tokio::time::timeout(
                short,
                endless::table
                    .select(endless::id)
                    .for_each(tx, |_: i32| Ok(())),
            )
            .await;
            assert!(timed.is_err());
            sqlwright::query::delete(wide::table)
                .filter(wide::id.eq(2))
                .execute(tx)
                .await?;
            Ok::<_, Error>(())
        })
        .await
        .unwrap();
        assert_eq!(
            alive(&mut conn, "a transaction's abandoned results").await,
            998
        );
        assert!(!conn.is_closed());
    });
}

/// A stream's work (the statement, then every row) polled exactly n times and dropped,
/// for every n until it finishes, over a proxy that hands the server's answer over one
/// byte at a time: each drop (mid-prepare, mid-columns, mid-row, between rows) leaves the
/// connection answering the next statement correctly.
#[test]
fn mariadb_async_a_stream_dropped_at_every_await_leaves_the_connection_in_step() {
    let db = mariadb_database();
    let mut setup = db.connect().unwrap();
    setup
        .batch_execute(
            "CREATE TABLE wide (id INT PRIMARY KEY, body TEXT NOT NULL);
             INSERT INTO wide VALUES (1, 'one'), (2, 'two'), (3, 'three')",
        )
        .unwrap();
    let proxy = Trickle::start(("127.0.0.1".into(), db.url().port.unwrap()), usize::MAX, 1);
    let url = proxy.mysql_url(db.url());
    wait(async {
        let mut conn = AsyncMysqlConnection::open_url(&url).await.unwrap();
        let mut n = 0;
        loop {
            assert!(n < 5000, "the stream never finished");
            let work = async {
                let mut rows = wide::table
                    .select(wide::body)
                    .filter(wide::id.ge(n as i32 % 5 - 5))
                    .order_by(wide::id)
                    .stream(&mut conn)
                    .await?;
                let mut got = Vec::new();
                while let Some(row) = rows.next().await {
                    got.push(row?);
                }
                Ok::<_, Error>(got)
            };
            let finished = poll_at_most(work, n).await;
            if let Some(got) = &finished {
                assert_eq!(got.as_ref().unwrap(), &["one", "two", "three"]);
            }
            let ids = wide::table
                .select(wide::id)
                .order_by(wide::id)
                .load(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("dropped after {n} polls: {e}"));
            assert_eq!(ids, vec![1, 2, 3], "dropped after {n} polls");
            if finished.is_some() {
                break;
            }
            n += 1;
        }
        // The statement's send, its answer, columns and rows: more awaits than a handful
        // (how many depends on how the proxy's bytes bunch up).
        assert!(
            n > 5,
            "the stream finished after {n} polls: the proxy did not trickle"
        );
    });
}
