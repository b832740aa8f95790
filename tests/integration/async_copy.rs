//! COPY on an async connection (#21): `copy_out` as a `futures::Stream` in both modes (one
//! body, see `modes.rs`), and `copy_in(..).stream_rows(stream, &mut conn)` from a
//! `futures::Stream`, with the blocking path's checks and errors.

// One loop body reads an `Iterator` blocking and a `Stream` on tokio: `while let`, not `for`.
#![allow(clippy::while_let_on_iterator)]

use super::modes::both_modes;
use futures_util::{stream, StreamExt};
use sqlwright::prelude::*;
use sqlwright::testing;
use sqlwright::{AsyncConnection, Error};

sqlwright::table! {
    readings (id) {
        #[serial] id -> Int4,
        sensor -> Text,
        value -> Int8,
        note -> Nullable<Text>,
    }
}

/// 100 000 rows; `value` is the id, so its sum is 100 000 * 100 001 / 2.
const SCHEMA: &str = "
CREATE TABLE readings (id serial PRIMARY KEY, sensor text NOT NULL, value int8 NOT NULL,
                       note text);
INSERT INTO readings (sensor, value, note)
SELECT 's' || (g % 7), g, CASE WHEN g % 3 = 0 THEN NULL ELSE 'n' || g END
FROM generate_series(1, 100000) g;
";
const SUM: i64 = 100_000 * 100_001 / 2;

both_modes! {
    fn copy_out_reads_every_row_and_an_early_drop_keeps_the_connection(conn) {
        let mut rows = go!(readings::table
            .select((readings::id, readings::value, readings::note))
            .copy_out(&mut conn))
        .unwrap();
        let (mut count, mut sum, mut nulls) = (0u64, 0i64, 0u64);
        while let Some(row) = go!(rows.next()) {
            let (id, value, note): (i32, i64, Option<String>) = row.unwrap();
            assert_eq!(i64::from(id), value);
            assert_eq!(note.is_none(), value % 3 == 0);
            count += 1;
            sum += value;
            nulls += u64::from(note.is_none());
        }
        assert!(go!(rows.next()).is_none());
        drop(rows);
        assert_eq!((count, sum, nulls), (100_000, SUM, 33_333));

        // Dropped after 5 of 100 000 rows: the COPY is abandoned and the next query runs.
        let mut rows = go!(readings::table.select(readings::sensor).copy_out(&mut conn)).unwrap();
        for _ in 0..5 {
            assert!(go!(rows.next()).unwrap().is_ok());
        }
        drop(rows);
        assert_eq!(go!(readings::table.count(&mut conn)).unwrap(), 100_000);

        // COPY takes no parameters: a query with a bound value is refused before it runs.
        let refused = go!(readings::table
            .select(readings::id)
            .filter(readings::value.gt(10))
            .copy_out(&mut conn));
        match &refused {
            Err(Error::Misuse(m)) => assert!(m.contains("parameters"), "{m}"),
            Err(other) => panic!("expected Misuse, got {other:?}"),
            Ok(_) => panic!("expected Misuse, got rows"),
        }
        drop(refused);
        let first = go!(readings::table.select(readings::id).order_by(readings::id).first(&mut conn));
        assert_eq!(first.unwrap(), Some(1));
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn copy_in_from_a_stream_of_100_000_rows_then_out_again() {
    let db = testing::database();
    let url = db.url().clone();
    let runtime = runtime();
    let task = runtime.spawn(async move {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        conn.batch_execute(
            "CREATE TABLE readings (id serial PRIMARY KEY, sensor text NOT NULL, \
                 value int8 NOT NULL, note text)",
        )
        .await
        .unwrap();
        let rows = stream::iter(1..=100_000i64).map(|i| {
            (
                readings::sensor.to(format!("s{}", i % 7)),
                readings::value.to(i),
                readings::note.to((i % 3 != 0).then(|| format!("n{i}"))),
            )
        });
        let mut seen = Vec::new();
        let stored = copy_in(readings::table)
            .on_progress(40_000, |n| seen.push(n))
            .stream_rows(rows, &mut conn)
            .await
            .unwrap();
        assert_eq!(stored, 100_000);
        assert_eq!(seen, [40_000, 80_000, 100_000]);

        let mut out = readings::table
            .select((readings::value, readings::note))
            .copy_out(&mut conn)
            .await
            .unwrap();
        let (mut count, mut sum) = (0u64, 0i64);
        while let Some(row) = out.next().await {
            let (value, note) = row.unwrap();
            assert_eq!(note, (value % 3 != 0).then(|| format!("n{value}")));
            count += 1;
            sum += value;
        }
        drop(out);
        assert_eq!((count, sum), (100_000, SUM));

        // No rows: nothing is sent, and the progress hook hears 0.
        let mut zero = Vec::new();
        let none = stream::iter(Vec::<(_, _, _)>::new());
        let stored = copy_in(readings::table)
            .on_progress(10, |n| zero.push(n))
            .stream_rows(
                none.map(|(s, v, n): (String, i64, Option<String>)| {
                    (
                        readings::sensor.to(s),
                        readings::value.to(v),
                        readings::note.to(n),
                    )
                }),
                &mut conn,
            )
            .await
            .unwrap();
        assert_eq!((stored, zero), (0, vec![0]));

        // A NUL byte in row 3's text: `Error::Copy` names the row and column, and
        // nothing of the COPY is stored.
        let bad = stream::iter(["a", "b", "c\0", "d"]).map(|s| {
            (
                readings::sensor.to(s.to_string()),
                readings::value.to(0i64),
                readings::note.to(None::<String>),
            )
        });
        match copy_in(readings::table).stream_rows(bad, &mut conn).await {
            Err(Error::Copy { row, column, .. }) => {
                assert_eq!((row, column.as_deref()), (Some(3), Some("sensor")));
            }
            other => panic!("expected Error::Copy, got {other:?}"),
        }
        // A value the server refuses (a duplicate key): its row, nothing stored.
        let dup = stream::iter([1, 2, 2]).map(|id: i32| {
            (
                readings::id.to(100_000 + id),
                readings::sensor.to("x".to_string()),
                readings::value.to(0i64),
            )
        });
        match copy_in(readings::table).stream_rows(dup, &mut conn).await {
            Err(Error::Copy { row, source, .. }) => {
                assert_eq!(row, Some(3));
                assert!(source.database_error().is_some(), "{source:?}");
            }
            other => panic!("expected Error::Copy, got {other:?}"),
        }
        let count = readings::table.count(&mut conn).await.unwrap();
        assert_eq!(count, 100_000);
        assert!(!conn.is_closed());
    });
    runtime.block_on(task).unwrap();
}

/// A COPY FROM STDIN whose future is dropped between rows (its source stalls, and a
/// timeout gives up): the next use ends the COPY with CopyFail, nothing of it is stored,
/// and the connection goes on.
#[test]
fn a_copy_in_dropped_between_rows_stores_nothing_and_keeps_the_connection() {
    let db = testing::database();
    let url = db.url().clone();
    let runtime = runtime();
    let task = runtime.spawn(async move {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        conn.batch_execute(
            "CREATE TABLE readings (id serial PRIMARY KEY, sensor text NOT NULL, \
                 value int8 NOT NULL, note text)",
        )
        .await
        .unwrap();
        // 5000 rows (past the first 64 KiB sent), then nothing more, ever.
        let rows = stream::iter(1..=5_000i64)
            .map(|i| {
                (
                    readings::sensor.to(format!("s{i}")),
                    readings::value.to(i),
                    readings::note.to(None::<String>),
                )
            })
            .chain(stream::pending());
        let given_up = tokio::time::timeout(
            std::time::Duration::from_millis(300),
            copy_in(readings::table).stream_rows(rows, &mut conn),
        )
        .await;
        assert!(
            given_up.is_err(),
            "the COPY should still be waiting for rows"
        );
        assert!(!conn.is_closed());
        let started = std::time::Instant::now();
        let count = conn
            .query_text("SELECT count(*) FROM readings")
            .await
            .unwrap();
        assert_eq!(count[0][0].as_deref(), Some("0"));
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert!(!conn.is_closed());
    });
    runtime.block_on(task).unwrap();
}
