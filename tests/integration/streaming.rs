//! Reading rows as they arrive: one at a time, in batches, stopped early.

use crate::schema::*;
use crate::setup;
use sqlwright::prelude::*;

const MANY_USERS: &str = "
INSERT INTO users (name, email, age)
    SELECT 'user' || n, 'u' || n || '@x', CASE WHEN n % 10 = 0 THEN NULL ELSE n END
    FROM generate_series(1, 25000) AS n;";

#[test]
fn stream_reads_every_row_in_order() {
    let mut db = setup(&format!("{EMPTY_USERS}{MANY_USERS}"));
    let mut count = 0;
    let mut nulls = 0;
    let mut last = 0;
    for row in users::table
        .select((users::id, users::age))
        .order_by(users::id)
        .stream(&mut db.conn)
        .unwrap()
    {
        let (id, age): (i32, Option<i32>) = row.unwrap();
        assert_eq!(id, last + 1);
        last = id;
        count += 1;
        nulls += usize::from(age.is_none());
    }
    assert_eq!((count, nulls), (25000, 2500));
}

#[test]
fn batches_of_n_like_fetchmany() {
    let mut db = setup(&format!("{EMPTY_USERS}{MANY_USERS}"));
    let mut rows = users::table
        .filter(users::id.le(2500))
        .select(users::name)
        .order_by(users::id)
        .stream(&mut db.conn)
        .unwrap();
    let first = rows.fetch_many(3).unwrap();
    assert_eq!(first, ["user1", "user2", "user3"]);
    let sizes: Vec<usize> = rows.batches(1000).map(|b| b.unwrap().len()).collect();
    assert_eq!(sizes, [1000, 1000, 497]);
}

#[test]
fn a_stream_dropped_early_leaves_the_connection_usable() {
    let mut db = setup(&format!("{EMPTY_USERS}{MANY_USERS}"));
    {
        let mut rows = users::table.select(users::id).stream(&mut db.conn).unwrap();
        assert!(rows.next().unwrap().is_ok());
    }
    assert_eq!(users::table.count(&mut db.conn).unwrap(), 25000);
    // Inside a transaction too.
    db.conn
        .transaction(|tx| {
            let taken: Vec<i32> = users::table
                .select(users::id)
                .order_by(users::id)
                .stream(tx)?
                .take(5)
                .collect::<Result<_, _>>()?;
            assert_eq!(taken, [1, 2, 3, 4, 5]);
            users::table.count(tx)
        })
        .unwrap();
}

#[test]
fn a_decode_error_ends_the_stream_with_the_column_named() {
    let mut db = setup(&format!("{EMPTY_USERS}{MANY_USERS}"));
    db.conn
        .batch_execute("ALTER TABLE users ALTER COLUMN age TYPE int8")
        .unwrap();
    let mut rows = users::table
        .select(users::age)
        .stream(&mut db.conn)
        .unwrap();
    let err = rows.next().unwrap().unwrap_err();
    assert!(err.to_string().contains("users.age"), "{err}");
    assert!(rows.next().is_none());
}

/// Streams read a portal in batches (several here): outside a transaction nothing is left
/// open once the last row has arrived, and a failure in a later batch ends the stream.
#[test]
fn streams_span_batches_and_leave_nothing_open() {
    let mut db = setup(&format!("{EMPTY_USERS}{MANY_USERS}"));
    let n = users::table
        .select(users::id)
        .stream(&mut db.conn)
        .unwrap()
        .count();
    assert_eq!(n, 25000);
    // No transaction is left open: a statement that cannot run in one works.
    db.conn.batch_execute("VACUUM users").unwrap();

    // A server error in a later batch ends the stream; the connection goes on.
    let mut rows = users::table
        .select(users::id / (users::id - 20_000))
        .order_by(users::id)
        .stream(&mut db.conn)
        .unwrap();
    let mut read = 0;
    let err = loop {
        match rows.next() {
            Some(Ok(_)) => read += 1,
            Some(Err(e)) => break e,
            None => panic!("expected a division by zero"),
        }
    };
    assert!(read < 20_000, "{read}");
    assert_eq!(
        err.kind(),
        Some(sqlwright::engine::DbErrorKind::DivisionByZero),
        "{err}"
    );
    assert!(rows.next().is_none());
    drop(rows);
    db.conn.batch_execute("VACUUM users").unwrap();

    // Inside a transaction the stream sees the transaction's own writes, and the same
    // failure aborts the transaction, as any failed statement does.
    let mut tx = db.conn.begin().unwrap();
    delete(users::table)
        .filter(users::id.gt(10))
        .execute(&mut tx)
        .unwrap();
    let ids: Vec<i32> = users::table
        .select(users::id)
        .order_by(users::id)
        .stream(&mut tx)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ids, (1..=10).collect::<Vec<_>>());
    let failed = users::table
        .select(users::id / (users::id - 5))
        .stream(&mut tx)
        .unwrap()
        .find_map(Result::err)
        .unwrap();
    assert_eq!(
        failed.kind(),
        Some(sqlwright::engine::DbErrorKind::DivisionByZero)
    );
    assert!(matches!(
        tx.commit(),
        Err(sqlwright::Error::TransactionAborted)
    ));
    assert_eq!(users::table.count(&mut db.conn).unwrap(), 25000);
}

/// Two streams of different column lists on one connection: each decodes with its own
/// columns.
#[test]
fn consecutive_streams_of_different_shapes_decode_their_own_columns() {
    let mut db = setup(&format!("{EMPTY_USERS}{MANY_USERS}"));
    let ids: Vec<i32> = users::table
        .select(users::id)
        .order_by(users::id)
        .limit(300)
        .stream(&mut db.conn)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ids.len(), 300);
    let pairs: Vec<(String, i32)> = users::table
        .select((users::name, users::id))
        .order_by(users::id)
        .limit(300)
        .stream(&mut db.conn)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(pairs[299], ("user300".to_string(), 300));
    let again: Vec<Option<i32>> = users::table
        .select(users::age)
        .order_by(users::id)
        .stream(&mut db.conn)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!((again.len(), again[9]), (25000, None));
}

/// Statements without rows through a stream (hand-written SQL): they run once and their
/// effect stays, whether the stream is read or dropped unread; a COPY is refused with a
/// typed error and the connection stays usable.
#[test]
fn statements_without_rows_stream_once_and_keep_their_effect() {
    let mut db = setup(&format!("{EMPTY_USERS}{MANY_USERS}"));
    let rows: Vec<_> = sqlwright::raw::sql("UPDATE users SET age = 1 WHERE id <= 100")
        .stream(&mut db.conn)
        .unwrap()
        .collect();
    assert!(rows.is_empty(), "{rows:?}");
    {
        let _unread = sqlwright::raw::sql("UPDATE users SET age = 2 WHERE id <= 10")
            .stream(&mut db.conn)
            .unwrap();
    }
    let set: Vec<_> = sqlwright::raw::sql("SET application_name = 'streamed'")
        .stream(&mut db.conn)
        .unwrap()
        .collect();
    assert!(set.is_empty(), "{set:?}");
    let ones = users::table
        .filter(users::age.eq(1))
        .count(&mut db.conn)
        .unwrap();
    let twos = users::table
        .filter(users::age.eq(2))
        .count(&mut db.conn)
        .unwrap();
    assert_eq!((ones, twos), (90, 10));

    for sql in [
        "COPY users TO STDOUT",
        "COPY users (name, email) FROM STDIN",
    ] {
        let err = sqlwright::raw::sql(sql).execute(&mut db.conn).unwrap_err();
        assert!(matches!(err, sqlwright::Error::Misuse(_)), "{err}");
        let streamed = sqlwright::raw::sql(sql)
            .stream(&mut db.conn)
            .map(|rows| rows.collect::<Vec<_>>());
        let err = match streamed {
            Err(e) => e,
            Ok(rows) => rows.into_iter().find_map(Result::err).unwrap(),
        };
        assert!(matches!(err, sqlwright::Error::Misuse(_)), "{err}");
        assert!(!db.conn.is_closed());
    }
    assert_eq!(users::table.count(&mut db.conn).unwrap(), 25000);
}
