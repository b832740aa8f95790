//! Every SQL type: bound as a parameter, compared on the server, and loaded back.

use crate::twice::twice;
use crate::{setup, Db};
use sqlwright::prelude::*;

sqlwright::table! {
    scalars (id) {
        id -> Int4,
        i2 -> Nullable<Int2>,
        i4 -> Nullable<Int4>,
        i8 -> Nullable<Int8>,
        f4 -> Nullable<Float4>,
        f8 -> Nullable<Float8>,
        num -> Nullable<Numeric>,
        txt -> Nullable<Text>,
        vc -> Nullable<Varchar>,
        b -> Nullable<Bool>,
        by -> Nullable<Bytea>,
    }
    temporal (id) {
        id -> Int4,
        d -> Nullable<Date>,
        t -> Nullable<Time>,
        ts -> Nullable<Timestamp>,
        tstz -> Nullable<Timestamptz>,
        iv -> Nullable<Interval>,
    }
    documents (id) {
        id -> Int4,
        u -> Nullable<Uuid>,
        j -> Nullable<Json>,
        jb -> Nullable<Jsonb>,
        ints -> Nullable<Array<Int4>>,
        texts -> Nullable<Array<Nullable<Text>>>,
        tags -> Array<Text>,
    }
}

const DDL: &str = "
CREATE TABLE scalars (id int4 PRIMARY KEY, i2 int2, i4 int4, i8 int8, f4 float4, f8 float8,
    num numeric, txt text, vc varchar(20), b bool, by bytea);
CREATE TABLE temporal (id int4 PRIMARY KEY, d date, t time, ts timestamp, tstz timestamptz,
    iv interval);
CREATE TABLE documents (id int4 PRIMARY KEY, u uuid, j json, jb jsonb, ints int4[],
    texts text[], tags text[] NOT NULL DEFAULT '{}');
INSERT INTO scalars (id) VALUES (2);
INSERT INTO temporal (id) VALUES (2);
INSERT INTO documents (id) VALUES (2);
";

/// Inserts `value` into row 1 of `table.column` with the driver directly, then checks that
/// sqlwright binds the same value in a comparison, finds row 1, and loads it back equal; and
/// that row 2 (NULL) loads as `None`.
macro_rules! round_trip {
    ($db:expr, $table:ident, $col:ident, $value:expr) => {{
        let value = $value;
        let sql = concat!(
            "INSERT INTO ",
            stringify!($table),
            " (id, ",
            stringify!($col),
            ") VALUES (1, $1) ",
            "ON CONFLICT (id) DO UPDATE SET ",
            stringify!($col),
            " = EXCLUDED.",
            stringify!($col)
        );
        $db.client().execute(sql, &[&value]).unwrap();
        let found = go!($table::table
            .filter($table::$col.eq(value.clone()))
            .select(($table::id, $table::$col))
            .load(&mut $db.conn))
        .unwrap();
        assert_eq!(found, vec![(1, Some(value.clone()))], stringify!($col));
        let null = go!($table::table
            .filter($table::id.eq(2))
            .select($table::$col)
            .one(&mut $db.conn))
        .unwrap();
        assert_eq!(null, None, concat!(stringify!($col), " NULL"));
    }};
}

/// Sets `edges.<column>` of row 1 to the SQL literal `value` (a macro: the run is awaited
/// on tokio).
macro_rules! set_edge {
    ($db:expr, $column:expr, $value:expr) => {{
        let (column, value) = ($column, $value);
        go!($db.conn.batch_execute(&format!(
            "INSERT INTO edges (id, {column}) VALUES (1, {value})
             ON CONFLICT (id) DO UPDATE SET {column} = EXCLUDED.{column}"
        )))
        .unwrap();
    }};
}

twice! {
    fn numbers_text_bool_bytes() {
        let mut db = setup(DDL);
        round_trip!(db, scalars, i2, i16::MIN);
        round_trip!(db, scalars, i4, i32::MAX);
        round_trip!(db, scalars, i8, -9_007_199_254_740_993i64);
        round_trip!(db, scalars, f4, 1.5f32);
        round_trip!(db, scalars, f8, -2.25e300f64);
        round_trip!(
            db,
            scalars,
            num,
            rust_decimal::Decimal::new(-1234567890123, 4)
        );
        round_trip!(
            db,
            scalars,
            txt,
            String::from("héllo, мир, 🌍, 'quotes' \"and\" \\")
        );
        round_trip!(db, scalars, vc, String::from("varchar"));
        round_trip!(db, scalars, b, true);
        round_trip!(db, scalars, by, vec![0u8, 1, 2, 255]);
        // &str binds as text too
        let n = go!(scalars::table
            .filter(scalars::vc.eq("varchar"))
            .count(&mut db.conn))
            .unwrap();
        assert_eq!(n, 1);
    }

    fn dates_times_intervals() {
        use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
        let mut db = setup(DDL);
        let date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let time = NaiveTime::from_hms_micro_opt(23, 59, 58, 123_456).unwrap();
        round_trip!(db, temporal, d, date);
        round_trip!(db, temporal, t, time);
        round_trip!(db, temporal, ts, date.and_time(time));
        round_trip!(
            db,
            temporal,
            tstz,
            Utc.with_ymd_and_hms(1999, 12, 31, 23, 0, 0).unwrap()
        );
        round_trip!(db, temporal, iv, PgInterval::new(14, 3, 4_000_001));
        let text: String = {
            let row = db
                .client()
                .query_one("SELECT iv::text FROM temporal WHERE id = 1", &[])
                .unwrap();
            row.get(0)
        };
        assert_eq!(text, "1 year 2 mons 3 days 00:00:04.000001");
    }

    fn uuid_json_arrays() {
        let mut db = setup(DDL);
        round_trip!(
            db,
            documents,
            u,
            uuid::Uuid::from_u128(0x1234_5678_9abc_def0_1234_5678_9abc_def0)
        );
        round_trip!(
            db,
            documents,
            jb,
            serde_json::json!({"a": [1, 2, {"b": null}], "ü": "✓"})
        );
        round_trip!(db, documents, ints, vec![3, 1, 2]);
        round_trip!(db, documents, texts, vec![Some("x".to_string()), None]);
        // json has no equality operator in PostgreSQL: load it back by id.
        let doc = serde_json::json!({"k": "v"});
        db.client()
            .execute("UPDATE documents SET j = $1 WHERE id = 1", &[&doc])
            .unwrap();
        let loaded = go!(documents::table
            .filter(documents::id.eq(1))
            .select(documents::j)
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(loaded, Some(doc));
        let tags: Vec<String> = go!(documents::table
            .filter(documents::id.eq(2))
            .select(documents::tags)
            .one(&mut db.conn))
            .unwrap();
        assert!(tags.is_empty());
    }

    fn inferred_row_types() {
        let mut db = setup(DDL);
        // The annotation only documents what the compiler inferred.
        type Row = (i32, Option<i16>, Option<String>, Option<Vec<u8>>);
        let rows: Vec<Row> = go!(scalars::table
            .select((scalars::id, scalars::i2, scalars::txt, scalars::by))
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(rows, vec![(2, None, None, None)]);
        let whole = go!(scalars::table.load(&mut db.conn)).unwrap();
        assert_eq!(whole.len(), 1);
        assert_eq!(whole[0].0, 2);
        assert_eq!(whole[0].10, None);
    }

    fn tables_wider_than_sixteen_columns() {
        let cols: Vec<String> = (1..=18).map(|i| format!("c{i:02} int4 NOT NULL")).collect();
        let mut db = setup(&format!(
            "CREATE TABLE wide ({}, c19 text NOT NULL, c20 text);
         INSERT INTO wide VALUES ({}, 'nineteen', NULL);",
            cols.join(", "),
            (1..=18)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        let row = go!(wide::table.load(&mut db.conn)).unwrap().remove(0);
        assert_eq!(
            (row.0, row.17, row.18.as_str(), row.19.clone()),
            (1, 18, "nineteen", None)
        );
        let s = go!(wide::table
            .select(Wide::as_select())
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(
            (s.c01, s.c18, s.c19.as_str(), s.c20),
            (1, 18, "nineteen", None)
        );
    }

    fn arrays_with_null_elements_and_empty_arrays_load() {
        let mut db = setup(EDGES);
        set_edge!(db, "maybe", "'{1,NULL,3}'");
        set_edge!(db, "ints", "'{}'");
        set_edge!(db, "nums", "ARRAY[1.5, NULL, -0.001]");
        let row = go!(edges::table
            .select((edges::maybe, edges::ints, edges::nums))
            .one(&mut db.conn))
            .unwrap();
        let d = |s: &str| Some(s.parse::<rust_decimal::Decimal>().unwrap());
        assert_eq!(
            row,
            (
                Some(vec![Some(1), None, Some(3)]),
                Some(vec![]),
                Some(vec![d("1.5"), None, d("-0.001")])
            )
        );
        set_edge!(db, "maybe", "'{NULL,NULL}'");
        set_edge!(db, "ints", "NULL");
        set_edge!(db, "nums", "'{}'");
        let row = go!(edges::table
            .select((edges::maybe, edges::ints, edges::nums))
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(row, (Some(vec![None, None]), None, Some(vec![])));
        // A NULL element does not load into Vec<i32>.
        set_edge!(db, "ints", "'{1,NULL}'");
        let reason = invalid("ints", go!(edges::table.select(edges::ints).load(&mut db.conn)));
        assert!(
            reason.contains("element 2") && reason.contains("NULL"),
            "{reason}"
        );
    }

    fn arrays_that_a_vec_would_misplace_are_errors() {
        let mut db = setup(EDGES);
        // Lower bound 0: a Vec would renumber the elements.
        set_edge!(db, "ints", "'[0:2]={1,2,3}'");
        let reason = invalid("ints", go!(edges::table.select(edges::ints).load(&mut db.conn)));
        assert!(reason.contains("lower bound 0"), "{reason}");
        // The slice `[:]` numbers from 1, as the message suggests.
        go!(db.conn
            .batch_execute("UPDATE edges SET ints = ints[:]"))
            .unwrap();
        let renumbered = go!(edges::table.select(edges::ints).one(&mut db.conn)).unwrap();
        assert_eq!(renumbered, Some(vec![1, 2, 3]));
        // Lower bound 1 written out is an ordinary array.
        set_edge!(db, "ints", "'[1:3]={4,5,6}'");
        let loaded = go!(edges::table.select(edges::ints).one(&mut db.conn)).unwrap();
        assert_eq!(loaded, Some(vec![4, 5, 6]));
        // Two dimensions.
        set_edge!(db, "ints", "'{{1,2},{3,4}}'");
        let reason = invalid("ints", go!(edges::table.select(edges::ints).load(&mut db.conn)));
        assert!(reason.contains("2 dimensions"), "{reason}");
    }

    fn numerics_load_exactly_or_not_at_all() {
        use rust_decimal::Decimal;
        let mut db = setup(EDGES);
        let num = |db: &mut Db, literal: &str| {
            set_edge!(db, "num", literal);
            go!(edges::table.select(edges::num).one(&mut db.conn))
        };
        let exact = |s: &str| Some(s.parse::<Decimal>().unwrap());
        // Representable: 28 fractional digits, 29 significant ones, Decimal's extremes.
        assert_eq!(
            num(&mut db, "0.0000000000000000000000000001").unwrap(),
            exact("0.0000000000000000000000000001")
        );
        assert_eq!(
            num(&mut db, "123456789012345678901234567.89").unwrap(),
            exact("123456789012345678901234567.89")
        );
        assert_eq!(
            num(&mut db, "79228162514264337593543950335").unwrap(),
            Some(Decimal::MAX)
        );
        assert_eq!(
            num(&mut db, "-79228162514264337593543950335").unwrap(),
            Some(Decimal::MIN)
        );
        assert_eq!(
            num(&mut db, "1e28").unwrap(),
            Some(Decimal::from_i128_with_scale(10i128.pow(28), 0))
        );
        // Trailing zeros beyond scale 28 are exact.
        assert_eq!(
            num(&mut db, "0.10000000000000000000000000000000000").unwrap(),
            exact("0.1")
        );
        set_edge!(db, "wide", "1");
        let wide = go!(edges::table.select(edges::wide).one(&mut db.conn)).unwrap();
        assert_eq!(wide, Some(Decimal::ONE));
        // Not representable: each an error that says why, never a rounded value.
        for (literal, why) in [
            ("1e-29", "28"),
            ("0.12345678901234567890123456789", "28"),
            ("1234567890123456789012345678.91", "significant"),
            ("79228162514264337593543950336", "large"),
            ("-1e29", "large"),
            ("'NaN'", "NaN"),
            ("'Infinity'", "Infinity"),
            ("'-Infinity'", "Infinity"),
        ] {
            let reason = invalid("num", num(&mut db, literal));
            assert!(reason.contains(why), "{literal}: {reason}");
        }
        // Inside an array, the same.
        set_edge!(db, "nums", "ARRAY[1, 1e-29]");
        let reason = invalid("nums", go!(edges::table.select(edges::nums).load(&mut db.conn)));
        assert!(reason.contains("element 2"), "{reason}");
    }

    fn time_24_00_is_an_error() {
        use chrono::NaiveTime;
        let mut db = setup(EDGES);
        set_edge!(db, "t", "'23:59:59.999999'");
        let t = go!(edges::table.select(edges::t).one(&mut db.conn)).unwrap();
        assert_eq!(t, NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999));
        set_edge!(db, "t", "'24:00'");
        let reason = invalid("t", go!(edges::table.select(edges::t).load(&mut db.conn)));
        assert!(reason.contains("24:00"), "{reason}");
        // ... and loads as the interval the message suggests.
        let iv: Option<PgInterval> = go!(raw_scalar!(sqlwright::raw::sql("SELECT t - time '00:00' FROM edges"), &mut db.conn))
            .unwrap();
        assert_eq!(iv, Some(PgInterval::new(0, 0, 86_400_000_000)));
    }
}

sqlwright::table! {
    /// Wider than 16 columns: loads whole, and into a struct.
    wide (c01) {
        c01 -> Int4, c02 -> Int4, c03 -> Int4, c04 -> Int4, c05 -> Int4,
        c06 -> Int4, c07 -> Int4, c08 -> Int4, c09 -> Int4, c10 -> Int4,
        c11 -> Int4, c12 -> Int4, c13 -> Int4, c14 -> Int4, c15 -> Int4,
        c16 -> Int4, c17 -> Int4, c18 -> Int4, c19 -> Text, c20 -> Nullable<Text>,
    }
}

#[derive(sqlwright::Row, Debug, PartialEq)]
#[sqlwright(table = wide)]
struct Wide {
    c01: i32,
    c02: i32,
    c03: i32,
    c04: i32,
    c05: i32,
    c06: i32,
    c07: i32,
    c08: i32,
    c09: i32,
    c10: i32,
    c11: i32,
    c12: i32,
    c13: i32,
    c14: i32,
    c15: i32,
    c16: i32,
    c17: i32,
    c18: i32,
    c19: String,
    c20: Option<String>,
}

sqlwright::table! {
    /// Values at the edges of what their Rust types hold.
    edges (id) {
        id -> Int4,
        num -> Nullable<Numeric>,
        wide -> Nullable<Numeric>,
        nums -> Nullable<Array<Nullable<Numeric>>>,
        t -> Nullable<Time>,
        ints -> Nullable<Array<Int4>>,
        maybe -> Nullable<Array<Nullable<Int4>>>,
    }
}

const EDGES: &str = "CREATE TABLE edges (id int4 PRIMARY KEY, num numeric, wide numeric(40,30),
    nums numeric[], t time, ints int4[], maybe int4[]);";

/// The reason of a `DecodeError::Invalid` naming `edges.<column>`, or a panic showing what
/// loaded instead.
#[track_caller]
fn invalid<T: std::fmt::Debug>(column: &str, result: Result<T, sqlwright::Error>) -> String {
    use sqlwright::engine::DecodeError;
    match result {
        Err(sqlwright::Error::Decode {
            column: c,
            source: DecodeError::Invalid { reason, .. },
        }) if c == format!("edges.{column}") => reason,
        other => panic!("expected a decode error of edges.{column}, got {other:?}"),
    }
}
