//! Streams, `for_each` and raw SQL in both modes (#21): each body runs on a blocking
//! `Connection` and again on an `AsyncConnection` (see `modes.rs`), with the same
//! assertions. `go!(rows.next())` is `Iterator::next` on the blocking `Rows` and
//! `StreamExt::next(..).await` on the async `AsyncRows`.

// One loop body reads an `Iterator` blocking and a `Stream` on tokio: `while let`, not `for`.
#![allow(clippy::while_let_on_iterator)]

use super::modes::both_modes;
use futures_util::StreamExt;
use sqlwright::prelude::*;
use sqlwright::testing::{self, PrivateServer};
use sqlwright::{raw, AsyncConnection, Error};

sqlwright::table! {
    items (id) {
        #[serial] id -> Int4,
        n -> Int4,
        label -> Text,
    }
    /// Declared NOT NULL here, but the database holds a NULL in row 3: a decode error.
    loose (id) {
        id -> Int4,
        v -> Text,
    }
}

/// 50 000 rows; `n` is `id % 100`, so its sum is 500 times 0 + 1 + .. + 99.
const SCHEMA: &str = "
CREATE TABLE items (id serial PRIMARY KEY, n int4 NOT NULL, label text NOT NULL);
INSERT INTO items (n, label) SELECT g % 100, 'item ' || g FROM generate_series(1, 50000) g;
CREATE TABLE loose (id int4 PRIMARY KEY, v text);
INSERT INTO loose SELECT g, CASE WHEN g = 3 THEN NULL ELSE 'v' || g END
FROM generate_series(1, 20000) g;
";
const ROWS: u64 = 50_000;
const SUM: i64 = 500 * 4950;

#[derive(sqlwright::RawRow, Debug, PartialEq)]
struct Named {
    id: i32,
    label: String,
}

both_modes! {
    fn streams_read_every_row_and_leave_the_connection_in_step(conn) {
        let mut rows = go!(items::table
            .select((items::id, items::n))
            .order_by(items::id)
            .stream(&mut conn))
        .unwrap();
        let (mut count, mut sum) = (0u64, 0i64);
        while let Some(row) = go!(rows.next()) {
            let (id, n) = row.unwrap();
            count += 1;
            sum += i64::from(n);
            assert_eq!(u64::try_from(id).unwrap(), count);
        }
        assert!(go!(rows.next()).is_none());
        drop(rows);
        assert_eq!((count, sum), (ROWS, SUM));

        // Dropped after 10 of 50 000 rows, twice over: the next statements run.
        for _ in 0..2 {
            let mut rows = go!(items::table
                .select(items::label)
                .order_by(items::id)
                .stream(&mut conn))
            .unwrap();
            for i in 1..=10 {
                assert_eq!(go!(rows.next()).unwrap().unwrap(), format!("item {i}"));
            }
        }
        assert_eq!(go!(items::table.count(&mut conn)).unwrap(), 50_000);

        // A stream dropped early, then pipelines: a write batch and a read batch run.
        for _ in 0..2 {
            let mut rows = go!(items::table.select(items::id).stream(&mut conn)).unwrap();
            assert!(go!(rows.next()).unwrap().is_ok());
            drop(rows);
            let counts = go!(sqlwright::query::Batch::new()
                .with(update(items::table).filter(items::id.eq(1)).set(items::n.to(1)))
                .with(update(items::table).filter(items::id.le(3)).set(items::n.to(1)))
                .execute(&mut conn))
            .unwrap();
            assert_eq!(counts, vec![1, 3]);
            let mut rows = go!(items::table.select(items::id).stream(&mut conn)).unwrap();
            assert!(go!(rows.next()).unwrap().is_ok());
            drop(rows);
            let found = go!(sqlwright::query::reads(
                [4, 5].map(|id| items::table.select(items::id).filter(items::id.eq(id)))
            )
            .one(&mut conn))
            .unwrap();
            assert_eq!(found, vec![4, 5]);
        }

        // A stream dropped early, then a statement run as a `Step` (a run-time select
        // list's `load_dyn`): the stream is ended first.
        let mut rows = go!(items::table.select(items::id).stream(&mut conn)).unwrap();
        assert!(go!(rows.next()).unwrap().is_ok());
        drop(rows);
        let mut columns = sqlwright::query::BoxedColumns::default();
        columns.push(items::label);
        let q = items::table
            .query()
            .filter(items::id.eq(7))
            .select_boxed(columns);
        let found = go!(q.load_dyn(&mut conn)).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].get::<String>("label").unwrap(), "item 7");

        // In batches: 12 of 4000 and the last 2000.
        let mut batches = go!(items::table.select(items::id).stream(&mut conn))
            .unwrap()
            .batches(4000);
        let mut sizes = Vec::new();
        while let Some(batch) = go!(batches.next()) {
            sizes.push(batch.unwrap().len());
        }
        drop(batches);
        assert_eq!(sizes.len(), 13);
        assert_eq!((sizes[0], sizes[12]), (4000, 2000));

        // A locked stream inside a transaction, dropped after its first row: the
        // transaction goes on (no cancel there; the rest is read and dropped).
        go!(conn.batch_execute("BEGIN")).unwrap();
        let mut locked = go!(items::table
            .select(items::id)
            .filter(items::n.eq(7))
            .order_by(items::id)
            .for_update()
            .stream(&mut conn))
        .unwrap();
        assert_eq!(go!(locked.next()).unwrap().unwrap(), 7);
        drop(locked);
        let changed = go!(update(items::table)
            .filter(items::id.eq(7))
            .set(items::label.to("locked"))
            .execute(&mut conn))
        .unwrap();
        assert_eq!(changed, 1);
        go!(conn.batch_execute("COMMIT")).unwrap();
        let label = go!(items::table.select(items::label).filter(items::id.eq(7)).one(&mut conn));
        assert_eq!(label.unwrap(), "locked");

        // A server error mid-stream (a division by zero at row 40 000) ends it with the
        // error; the connection goes on.
        let mut failing = go!(items::table
            .select(items::n / (items::id - 40_000))
            .filter(items::id.gt(39_000))
            .order_by(items::id)
            .stream(&mut conn))
        .unwrap();
        let mut read = 0;
        let error = loop {
            match go!(failing.next()) {
                Some(Ok(_)) => read += 1,
                Some(Err(e)) => break e,
                None => panic!("the stream ended without the division's error"),
            }
        };
        assert!(go!(failing.next()).is_none());
        drop(failing);
        assert_eq!(error.database_error().map(|db| db.code.as_str()), Some("22012"));
        assert!(read < 1000, "{read}");
        let first = go!(items::table.select(items::id).order_by(items::id).first(&mut conn));
        assert_eq!(first.unwrap(), Some(1));
    }

    fn a_row_that_does_not_decode_ends_the_stream_and_the_statement(conn) {
        for _ in 0..2 {
            let mut rows = go!(loose::table.select(loose::v).order_by(loose::id).stream(&mut conn))
                .unwrap();
            assert_eq!(go!(rows.next()).unwrap().unwrap(), "v1");
            assert_eq!(go!(rows.next()).unwrap().unwrap(), "v2");
            match go!(rows.next()) {
                Some(Err(Error::Decode { .. })) => {}
                other => panic!("expected a decode error, got {other:?}"),
            }
            assert!(go!(rows.next()).is_none());
            drop(rows);
            let count = go!(loose::table.count(&mut conn)).unwrap();
            assert_eq!(count, 20_000);
        }
        // The same through COPY: the rest of the COPY is dropped, the connection kept.
        let mut copied = go!(loose::table.select(loose::v).order_by(loose::id).copy_out(&mut conn))
            .unwrap();
        assert_eq!(go!(copied.next()).unwrap().unwrap(), "v1");
        assert_eq!(go!(copied.next()).unwrap().unwrap(), "v2");
        assert!(matches!(go!(copied.next()), Some(Err(Error::Decode { .. }))));
        assert!(go!(copied.next()).is_none());
        drop(copied);
        let count = go!(loose::table.count(&mut conn)).unwrap();
        assert_eq!(count, 20_000);
    }

    fn for_each_hands_over_every_row(conn) {
        let mut sum = 0i64;
        let count = go!(items::table.select(items::n).for_each(&mut conn, |n| {
            sum += i64::from(n);
            Ok(())
        }))
        .unwrap();
        assert_eq!((count, sum), (ROWS, SUM));

        // An error from the closure stops it and is returned; the connection goes on.
        let mut seen = 0;
        let stopped = go!(items::table
            .select(items::id)
            .order_by(items::id)
            .for_each(&mut conn, |id| {
                seen += 1;
                if id == 100 { Err(Error::NotFound) } else { Ok(()) }
            }));
        assert!(matches!(stopped, Err(Error::NotFound)), "{stopped:?}");
        assert_eq!(seen, 100);

        let mut locked = Vec::new();
        go!(conn.batch_execute("BEGIN")).unwrap();
        let count = go!(items::table
            .select(items::id)
            .filter(items::id.le(3))
            .order_by(items::id)
            .for_update()
            .for_each(&mut conn, |id| {
                locked.push(id);
                Ok(())
            }))
        .unwrap();
        go!(conn.batch_execute("COMMIT")).unwrap();
        assert_eq!((count, locked), (3, vec![1, 2, 3]));
    }

    fn raw_sql_with_named_parameters(conn) {
        let rows = go!(raw::sql(
            "SELECT id, label FROM items WHERE id > :min AND id <= :min + 3 \
             AND label <> ':min' ORDER BY id"
        )
        .bind("min", 10)
        .load(&mut conn))
        .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].get::<i32>("id").unwrap(), 11);
        assert_eq!(rows[2].get::<String>("label").unwrap(), "item 13");

        let named: Vec<Named> = go!(raw::sql(
            "SELECT id, label FROM items WHERE n = :n ORDER BY id LIMIT 2"
        )
        .bind("n", 5)
        .load_as(&mut conn))
        .unwrap();
        assert_eq!(
            named,
            [
                Named { id: 5, label: "item 5".into() },
                Named { id: 105, label: "item 105".into() },
            ]
        );

        // `first` stops the server after one row of 11; the connection goes on.
        let first = go!(raw::sql("SELECT label FROM items WHERE id >= :from ORDER BY id")
            .bind("from", 49_990)
            .first(&mut conn))
        .unwrap()
        .unwrap();
        assert_eq!(first.get::<String>(0).unwrap(), "item 49990");
        let none = go!(raw::sql("SELECT id FROM items WHERE id < :id").bind("id", 0).first(&mut conn));
        assert!(none.unwrap().is_none());

        let one = go!(raw::sql("SELECT count(*) AS c FROM items WHERE n = :n")
            .bind("n", 99)
            .one(&mut conn))
        .unwrap();
        assert_eq!(one.get::<i64>("c").unwrap(), 500);
        match go!(raw::sql("SELECT id FROM items WHERE n = :n").bind("n", 1).one(&mut conn)) {
            Err(Error::MultipleRows) => {}
            other => panic!("expected MultipleRows, got {other:?}"),
        }

        let changed = go!(raw::sql("UPDATE items SET label = :label WHERE n = :n")
            .bind("label", "ninety-nine")
            .bind("n", 99)
            .execute(&mut conn))
        .unwrap();
        assert_eq!(changed, 500);

        // On tokio the stream's future borrows the query, so the query outlives it.
        let query = raw::sql("SELECT id FROM items WHERE label = :label ORDER BY id")
            .bind("label", "ninety-nine");
        let mut streamed = go!(query.stream(&mut conn)).unwrap();
        let mut ids = Vec::new();
        while let Some(row) = go!(streamed.next()) {
            ids.push(row.unwrap().get::<i32>(0).unwrap());
        }
        drop(streamed);
        assert_eq!((ids.len(), ids[0], ids[499]), (500, 99, 49_999));

        // A value of the wrong type names its parameter: the explanation prepares the
        // statement again (awaited on tokio).
        match go!(raw::sql("SELECT id FROM items WHERE id = :id").bind("id", "seven").load(&mut conn)) {
            Err(Error::ParameterType { name, bound, expected, .. }) => {
                assert_eq!((name.as_str(), bound.as_str(), expected.as_str()), ("id", "text", "int4"));
            }
            other => panic!("expected ParameterType, got {other:?}"),
        }
        match go!(raw::sql("SELECT :a").bind("b", 1).execute(&mut conn)) {
            Err(Error::Misuse(m)) => assert!(m.contains(":a"), "{m}"),
            other => panic!("expected Misuse, got {other:?}"),
        }
        let count = go!(raw::sql("SELECT count(*) FROM items").one(&mut conn)).unwrap();
        assert_eq!(count.get::<i64>(0).unwrap(), 50_000);
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Sums `1..=n` streamed from the server, dropping the stream at `stop` rows when given.
async fn stream_series(conn: &mut AsyncConnection, n: i32, stop: Option<usize>) -> (usize, i64) {
    let query = raw::sql("SELECT g FROM generate_series(1, :n) g").bind("n", n);
    let mut rows = query.stream(conn).await.unwrap();
    let (mut count, mut sum) = (0usize, 0i64);
    while let Some(row) = rows.next().await {
        sum += i64::from(row.unwrap().get::<i32>(0).unwrap());
        count += 1;
        if Some(count) == stop {
            break;
        }
    }
    (count, sum)
}

#[test]
fn a_stream_runs_over_tcp_without_tls_and_over_a_unix_socket() {
    let server = PrivateServer::start().unwrap();
    let tcp = server.url().with_param("sslmode", "disable").unwrap();
    let mut unix = server.url();
    unix.host = Some(server.socket_dir().display().to_string());
    runtime().block_on(async move {
        for (url, over_unix) in [(tcp, false), (unix, true)] {
            let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
            let local = raw::sql("SELECT inet_server_addr() IS NULL AND :x")
                .bind("x", true)
                .scalar_async::<bool>(&mut conn)
                .await
                .unwrap();
            assert_eq!(local, Some(over_unix));
            let tls = raw::sql("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                .scalar_async::<bool>(&mut conn)
                .await
                .unwrap();
            assert_eq!(tls, Some(false));
            assert_eq!(
                stream_series(&mut conn, 50_000, None).await,
                (50_000, 1_250_025_000)
            );
            // Dropped early: the abandon is owed, and done before the next statement.
            assert_eq!(stream_series(&mut conn, 50_000, Some(3)).await, (3, 6));
            assert!(!conn.is_closed());
            assert_eq!(stream_series(&mut conn, 10, None).await, (10, 55));
            conn.ping().await.unwrap();
        }
    });
}

#[test]
fn a_dropped_stream_is_ended_before_plain_sql_and_tasks_stream_at_once() {
    let db = testing::database();
    let url = db.url().clone();
    runtime().block_on(async move {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        conn.batch_execute(SCHEMA).await.unwrap();
        {
            let mut rows = items::table
                .select(items::id)
                .stream(&mut conn)
                .await
                .unwrap();
            assert!(rows.next().await.unwrap().is_ok());
        }
        // The connection's own SQL-text methods settle the owed abandon too.
        let rows = conn.query_text("SELECT count(*) FROM items").await.unwrap();
        assert_eq!(rows[0][0].as_deref(), Some("50000"));
        assert!(!conn.in_transaction());

        // Eight tasks, a connection each, streaming at the same time.
        let mut tasks = Vec::new();
        for i in 0..8 {
            let url = url.clone();
            tasks.push(tokio::spawn(async move {
                let mut conn = AsyncConnection::connect_url(&url).await?;
                let mut rows = items::table
                    .select(items::n)
                    .filter(items::id.gt(i * 1000))
                    .stream(&mut conn)
                    .await?;
                let mut count = 0u64;
                while let Some(row) = rows.next().await {
                    row?;
                    count += 1;
                }
                Ok::<_, Error>(count)
            }));
        }
        for (i, task) in tasks.into_iter().enumerate() {
            assert_eq!(task.await.unwrap().unwrap(), ROWS - 1000 * i as u64);
        }
    });
}
