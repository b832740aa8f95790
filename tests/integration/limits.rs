//! Guards a job can rely on: a row cap, a parameter count and size checked before
//! anything is sent, streams and COPY abandoned early cancelled instead of read on, and a
//! refused COPY that stops pulling the caller's rows.

use crate::twice::twice;
use crate::{engine_setup, setup};
use sqlwright::prelude::*;
use sqlwright::{raw, Error};
use std::cell::Cell;
use std::time::{Duration, Instant};

sqlwright::table! {
    items (id) {
        id -> Int4,
        label -> Text,
    }
}

const ITEMS: &str = "CREATE TABLE items (id int4 PRIMARY KEY, label text NOT NULL);
    INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 50) g;";

twice! {
    fn max_rows_refuses_a_larger_result_with_a_typed_error() {
        let mut db = setup(ITEMS);
        assert_eq!(db.conn.max_rows(), None);
        db.conn.set_max_rows(Some(10));
        assert_eq!(db.conn.max_rows(), Some(10));
        let err = go!(items::table.select(items::id).load(&mut db.conn)).unwrap_err();
        assert!(matches!(err, Error::TooManyRows { limit: 10 }), "{err:?}");
        assert!(err.to_string().contains("more than 10 rows"), "{err}");
        // Exactly the limit loads; the connection is in step after the refusal.
        let ten = go!(items::table
            .select(items::id)
            .filter(items::id.le(10))
            .load(&mut db.conn))
        .unwrap();
        assert_eq!(ten.len(), 10);
        // Raw SQL too; statements without rows are not limited.
        let err = go!(raw::sql("SELECT * FROM items").load(&mut db.conn)).unwrap_err();
        assert!(matches!(err, Error::TooManyRows { .. }), "{err:?}");
        let changed = go!(raw::sql("UPDATE items SET label = label || '!'").execute(&mut db.conn))
            .unwrap();
        assert_eq!(changed, 50);
        db.conn.set_max_rows(None);
        assert_eq!(db.conn.max_rows(), None);
        assert_eq!(
            go!(items::table.select(items::id).load(&mut db.conn))
                .unwrap()
                .len(),
            50
        );
    }
}

#[test]
fn max_rows_does_not_limit_streams() {
    // Blocking: an async stream is consumed another way (see async_streams.rs).
    let mut db = setup(ITEMS);
    db.conn.set_max_rows(Some(10));
    let streamed = items::table
        .select(items::id)
        .stream(&mut db.conn)
        .unwrap()
        .count();
    assert_eq!(streamed, 50);
    // and the guard still holds after the stream
    let err = items::table
        .select(items::id)
        .load(&mut db.conn)
        .unwrap_err();
    assert!(matches!(err, Error::TooManyRows { limit: 10 }), "{err:?}");
}

#[test]
fn max_rows_set_on_the_engine_holds_for_every_connection() {
    let e = engine_setup(ITEMS, |b| b.max_rows(5));
    let mut conn = e.engine.connect().unwrap();
    assert_eq!(conn.max_rows(), Some(5));
    let err = items::table.select(items::id).load(&mut conn).unwrap_err();
    assert!(matches!(err, Error::TooManyRows { limit: 5 }), "{err:?}");
}

twice! {
    fn too_many_parameters_names_the_limit_before_sending() {
        let mut db = setup(ITEMS);
        let names: Vec<String> = (0..70_000).map(|i| format!("p{i}")).collect();
        let list: Vec<String> = names.iter().map(|n| format!(":{n}")).collect();
        let text = format!("SELECT id FROM items WHERE id IN ({})", list.join(", "));
        let mut query = raw::sql(&text);
        for (i, n) in names.iter().enumerate() {
            query = query.bind(n, i as i32);
        }
        let err = go!(query.load(&mut db.conn)).unwrap_err();
        assert!(matches!(err, Error::Parameter(_)), "{err:?}");
        assert!(err.to_string().contains("at most 65535"), "{err}");
        assert!(err.to_string().contains("70000"), "{err}");
        assert_eq!(go!(items::table.count(&mut db.conn)).unwrap(), 50);
    }

    fn a_value_over_one_gibibyte_is_refused_before_it_is_sent() {
        let mut db = setup(ITEMS);
        let huge = "x".repeat((1 << 30) + 1);
        let err = go!(items::table
            .select(items::id)
            .filter(items::label.eq(huge.as_str()))
            .load(&mut db.conn))
            .unwrap_err();
        drop(huge);
        assert!(matches!(err, Error::Parameter(_)), "{err:?}");
        assert!(err.to_string().contains("1 GiB"), "{err}");
        assert!(!db.conn.is_closed());
        // The next statement runs: nothing was sent, nothing is out of step.
        assert_eq!(go!(items::table.count(&mut db.conn)).unwrap(), 50);
    }

    fn raw_rows_are_exact_or_a_typed_error() {
        let mut db = setup(ITEMS);
        let row = go!(raw::sql(
            "SELECT ARRAY[1, NULL]::int4[] AS a, 1e-29::numeric AS n, '24:00'::time AS t, \
         '[0:1]={1,2}'::int4[] AS b, 1.5::numeric AS ok",
        )
        .one(&mut db.conn))
        .unwrap();
        let null_element = row.get::<Vec<i32>>("a").unwrap_err().to_string();
        assert!(null_element.contains("Vec of Option"), "{null_element}");
        assert!(
            !null_element.contains("Option<alloc::vec"),
            "{null_element}"
        );
        assert_eq!(
            row.get::<Vec<Option<i32>>>("a").unwrap(),
            vec![Some(1), None]
        );
        assert!(row.get::<rust_decimal::Decimal>("n").is_err());
        assert_eq!(
            row.get::<rust_decimal::Decimal>("ok").unwrap(),
            rust_decimal::Decimal::new(15, 1)
        );
        assert!(row.get::<chrono::NaiveTime>("t").is_err());
        assert!(row
            .get::<Vec<i32>>("b")
            .unwrap_err()
            .to_string()
            .contains("start at 0"));
    }

    fn a_nul_inside_a_text_array_is_refused_before_sending() {
        let mut db = setup(ITEMS);
        let labels = vec!["item 1".to_string(), "bad\0label".to_string()];
        let err = go!(items::table
            .filter(items::label.in_(labels.clone()))
            .select(items::id)
            .load(&mut db.conn))
            .unwrap_err();
        assert!(matches!(err, Error::NulInText), "{err:?}");
        let err = go!(raw::sql("SELECT id FROM items WHERE label = ANY(:labels)")
            .bind_as::<sqlwright::types::Array<sqlwright::types::Text>, _>("labels", labels)
            .load(&mut db.conn))
            .unwrap_err();
        assert!(matches!(err, Error::NulInText), "{err:?}");
        // Arrays without NUL in their text (their length words hold zero bytes) go through.
        let ok = go!(items::table
            .filter(items::label.in_(["item 1".to_string(), "item 2".to_string()]))
            .select(items::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(ok, vec![1, 2]);
    }

    fn raw_rows_leave_the_exactness_checks_to_the_types_that_need_them() {
        let mut db = setup(ITEMS);
        let row = go!(raw::sql(
            "SELECT 1e-29::numeric AS n, '24:00'::time AS t, '[0:1]={1,2}'::int4[] AS b, \
         'NaN'::numeric AS nan",
        )
        .one(&mut db.conn))
        .unwrap();
        // A type of the user's gets the bytes as they are...
        for column in ["n", "t", "b", "nan"] {
            assert!(
                !row.get::<AnyBytes>(column).unwrap().0.is_empty(),
                "{column}"
            );
        }
        // ...while the types that would change the value refuse it.
        assert!(row.get::<rust_decimal::Decimal>("n").is_err());
        assert!(row.get::<Option<rust_decimal::Decimal>>("nan").is_err());
        assert!(row.get::<chrono::NaiveTime>("t").is_err());
        assert!(row.get::<Vec<i32>>("b").is_err());
    }
}

#[test]
fn a_stream_dropped_early_on_a_slow_query_is_cancelled_and_keeps_the_connection() {
    let mut db = setup(ITEMS);
    // The first batch comes at once; the second would take over ten minutes.
    let slow = raw::sql(
        "SELECT g, CASE WHEN g > 4096 THEN pg_sleep(0.2) END::text \
         FROM generate_series(1, 100000) g",
    );
    let mut rows = slow.stream(&mut db.conn).unwrap();
    assert!(rows.next().unwrap().is_ok());
    let started = Instant::now();
    drop(rows);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(1), "dropping took {took:?}");
    // Cancelled rather than read on or closed: the connection goes on.
    assert!(!db.conn.is_closed());
    assert_eq!(items::table.count(&mut db.conn).unwrap(), 50);

    // A stream dropped with little left keeps its connection.
    let mut conn = db.connect_again();
    let mut rows = items::table.select(items::id).stream(&mut conn).unwrap();
    assert!(rows.next().unwrap().is_ok());
    drop(rows);
    assert!(!conn.is_closed());
    assert_eq!(items::table.count(&mut conn).unwrap(), 50);
}

#[test]
fn a_copy_out_dropped_with_much_left_is_cancelled_and_keeps_the_connection() {
    let mut db = setup(
        "CREATE TABLE items (id int4 PRIMARY KEY, label text NOT NULL);
         INSERT INTO items SELECT g, repeat('x', 100) FROM generate_series(1, 300000) g;",
    );
    let mut rows = items::table
        .select((items::id, items::label))
        .copy_out(&mut db.conn)
        .unwrap();
    assert!(rows.next().unwrap().is_ok());
    let started = Instant::now();
    drop(rows);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(1), "dropping took {took:?}");
    // Cancelled: the server stopped instead of sending 30 MB to be dropped, and the
    // connection goes on.
    assert!(!db.conn.is_closed());
    assert_eq!(items::table.count(&mut db.conn).unwrap(), 300_000);

    // With little left, the rest is read and the connection kept.
    let mut small = setup(ITEMS);
    let mut rows = items::table
        .select(items::id)
        .copy_out(&mut small.conn)
        .unwrap();
    assert!(rows.next().unwrap().is_ok());
    drop(rows);
    assert!(!small.conn.is_closed());
    assert_eq!(items::table.count(&mut small.conn).unwrap(), 50);
}

#[test]
fn a_refused_copy_stops_pulling_the_callers_rows() {
    let mut db = setup("CREATE TABLE items (id int4 PRIMARY KEY, label text NOT NULL);");
    let pulled = Cell::new(0u64);
    const ROWS: i32 = 2_000_000;
    // Row 2 repeats row 1's key: the server refuses the COPY at once.
    let rows = (0..ROWS).map(|i| {
        pulled.set(pulled.get() + 1);
        (
            items::id.to(i.max(1)),
            items::label.to("a label of some length"),
        )
    });
    let err = copy_in(items::table).rows(rows, &mut db.conn).unwrap_err();
    assert!(
        matches!(&err, Error::Copy { source, .. } if source.database_error().is_some()),
        "{err:?}"
    );
    assert!(
        pulled.get() < u64::from(ROWS as u32) / 2,
        "pulled {} of {ROWS} rows after the refusal",
        pulled.get()
    );
    assert_eq!(items::table.count(&mut db.conn).unwrap(), 0);
}

#[test]
fn a_stream_dropped_early_inside_a_transaction_never_fails_it_silently() {
    let mut db = setup(ITEMS);
    db.conn.batch_execute("BEGIN").unwrap();
    raw::sql("INSERT INTO items VALUES (1000, 'kept')")
        .execute(&mut db.conn)
        .unwrap();
    // The second batch takes the server a little while: a cancel sent now would land
    // while it runs and fail the transaction.
    let slow = raw::sql(
        "SELECT g, CASE WHEN g > 4096 AND g % 8 = 0 THEN pg_sleep(0.0001) END::text \
         FROM generate_series(1, 20000) g",
    );
    let mut rows = slow.stream(&mut db.conn).unwrap();
    assert!(rows.next().unwrap().is_ok());
    drop(rows);
    // Either the rest was read and the transaction goes on, or the connection was closed
    // (the transaction visibly gone) — never a transaction failed behind the caller's back.
    match items::table.count(&mut db.conn) {
        Ok(n) => {
            assert_eq!(n, 51);
            db.conn.batch_execute("COMMIT").unwrap();
            let mut other = db.connect_again();
            assert_eq!(items::table.count(&mut other).unwrap(), 51);
        }
        Err(e) => assert!(e.is_connection_lost(), "{e:?}"),
    }
}

/// A Rust type of the user's that takes any value's bytes as they are.
struct AnyBytes(Vec<u8>);

impl<'a> postgres::types::FromSql<'a> for AnyBytes {
    fn from_sql(
        _: &postgres::types::Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(AnyBytes(raw.to_vec()))
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }
}
