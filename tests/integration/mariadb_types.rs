//! Values on MariaDB (#23, session 11): dates and times (chrono and the `time` crate),
//! time zones, decimals, JSON, UUIDs, NULLs and edge values round trip through bound
//! parameters; values MySQL cannot hold are typed errors; `||` is written `CONCAT(a, b)`;
//! lists (`in_`) are bound element by element.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use rust_decimal::Decimal;
use sqlwright::prelude::*;
use sqlwright::testing::{mariadb_database, MariadbDatabase};
use sqlwright::{Connection, Error, Mysql};
use std::str::FromStr;

sqlwright::table! {
    vals (id) {
        id -> Int4,
        day -> Nullable<Date>,
        at -> Nullable<Time>,
        stamp -> Nullable<Timestamp>,
        instant -> Nullable<Timestamptz>,
        ts -> Nullable<Timestamptz>,
        amount -> Nullable<Numeric>,
        big -> Nullable<Numeric>,
        doc -> Nullable<Jsonb>,
        uid -> Nullable<Uuid>,
        label -> Nullable<Text>,
    }
}

sqlwright::table! {
    as_text (id) {
        id -> Int4,
        day -> Date,
        at -> Time,
        stamp -> Timestamp,
        uid -> Uuid,
    }
}

// `vals` read through other declarations: a DATETIME column as a date, instants as their
// stored wall-clock times.
sqlwright::table! {
    #[sql_name = "vals"]
    as_date (id) {
        id -> Int4,
        stamp -> Nullable<Date>,
    }
}

sqlwright::table! {
    #[sql_name = "vals"]
    as_naive (id) {
        id -> Int4,
        instant -> Nullable<Timestamp>,
        ts -> Nullable<Timestamp>,
    }
}

/// `instant` is DATETIME(6) (no conversion), `ts` TIMESTAMP(6) (converted through the
/// session's time zone, 1970 to 2038).
const VALS: &str = "CREATE TABLE vals (
    id INT PRIMARY KEY,
    day DATE NULL,
    at TIME(6) NULL,
    stamp DATETIME(6) NULL,
    instant DATETIME(6) NULL,
    ts TIMESTAMP(6) NULL,
    amount DECIMAL(12, 2) NULL,
    big DECIMAL(65, 30) NULL,
    doc JSON NULL,
    uid UUID NULL,
    label TEXT NULL
)";

fn with_vals() -> (MariadbDatabase, Connection<Mysql>) {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(VALS).unwrap();
    (db, conn)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn stamp(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32, us: u32) -> NaiveDateTime {
    date(y, m, d).and_hms_micro_opt(h, mi, s, us).unwrap()
}

fn insert_id(conn: &mut Connection<Mysql>, id: i32) {
    insert_into(vals::table)
        .values(vals::id.to(id))
        .execute(conn)
        .unwrap();
}

#[test]
fn chrono_dates_and_times_round_trip_with_their_edges_and_nulls() {
    let (_db, mut conn) = with_vals();
    let rows = [
        (
            1,
            date(2024, 2, 29),
            NaiveTime::from_hms_micro_opt(13, 5, 7, 250_001).unwrap(),
            stamp(2024, 2, 29, 23, 59, 59, 999_999),
        ),
        (
            2,
            date(1, 1, 1),
            NaiveTime::from_hms_opt(0, 0, 0).unwrap(),
            stamp(1000, 1, 1, 0, 0, 0, 0),
        ),
        (
            3,
            date(9999, 12, 31),
            NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999).unwrap(),
            stamp(9999, 12, 31, 23, 59, 59, 999_999),
        ),
    ];
    for (id, d, t, s) in rows {
        insert_into(vals::table)
            .values((
                vals::id.to(id),
                vals::day.to(Some(d)),
                vals::at.to(Some(t)),
                vals::stamp.to(Some(s)),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    insert_id(&mut conn, 4);
    type Row = (
        i32,
        Option<NaiveDate>,
        Option<NaiveTime>,
        Option<NaiveDateTime>,
    );
    let back: Vec<Row> = vals::table
        .select((vals::id, vals::day, vals::at, vals::stamp))
        .order_by(vals::id)
        .load_as(&mut conn)
        .unwrap();
    let mut expected: Vec<_> = rows
        .iter()
        .map(|&(id, d, t, s)| (id, Some(d), Some(t), Some(s)))
        .collect();
    expected.push((4, None, None, None));
    assert_eq!(back, expected);

    // Bound values compare as dates on the server, not as text.
    let found: Vec<i32> = vals::table
        .filter(vals::day.gt(date(2000, 1, 1)))
        .filter(vals::stamp.lt(stamp(9999, 1, 1, 0, 0, 0, 0)))
        .select(vals::id)
        .load_as(&mut conn)
        .unwrap();
    assert_eq!(found, [1]);
    // Text forms decode too (a column declared here as a date over text in the table).
    conn.batch_execute(
        "CREATE TABLE as_text (id INT PRIMARY KEY, day VARCHAR(40), at VARCHAR(40), \
         stamp VARCHAR(40), uid VARCHAR(40)); \
         INSERT INTO as_text VALUES (1, '2024-02-29', '01:02:03', '2024-02-29 01:02:03.5', \
         '67e55044-10b1-426f-9247-bb680e5fe0c8'), (2, '2024-02-30', '24:00:00', 'x', 'nope')",
    )
    .unwrap();
    let texts: Vec<(NaiveDate, NaiveTime, NaiveDateTime, uuid::Uuid)> = as_text::table
        .filter(as_text::id.eq(1))
        .select((as_text::day, as_text::at, as_text::stamp, as_text::uid))
        .load_as(&mut conn)
        .unwrap();
    assert_eq!(
        texts,
        [(
            date(2024, 2, 29),
            NaiveTime::from_hms_opt(1, 2, 3).unwrap(),
            stamp(2024, 2, 29, 1, 2, 3, 500_000),
            uuid::Uuid::from_str("67e55044-10b1-426f-9247-bb680e5fe0c8").unwrap(),
        )]
    );
    // Text that is not one is a decode error naming the column.
    let bad = || as_text::table.filter(as_text::id.eq(2));
    for err in [
        bad()
            .select(as_text::day)
            .load_as::<NaiveDate, _, _>(&mut conn)
            .unwrap_err(),
        bad()
            .select(as_text::at)
            .load_as::<NaiveTime, _, _>(&mut conn)
            .unwrap_err(),
        bad()
            .select(as_text::stamp)
            .load_as::<NaiveDateTime, _, _>(&mut conn)
            .unwrap_err(),
        bad()
            .select(as_text::uid)
            .load_as::<uuid::Uuid, _, _>(&mut conn)
            .unwrap_err(),
    ] {
        assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    }
}

#[test]
fn values_mysql_cannot_hold_are_typed_errors() {
    let (_db, mut conn) = with_vals();
    // Before anything is sent: years outside 0001 to 9999.
    let err = insert_into(vals::table)
        .values((vals::id.to(1), vals::day.to(Some(date(10_000, 1, 1)))))
        .execute(&mut conn)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Parameter(m) if m.contains("outside MySQL's DATE")),
        "{err:?}"
    );
    let err = insert_into(vals::table)
        .values((
            vals::id.to(1),
            vals::stamp.to(Some(stamp(-5, 1, 1, 0, 0, 0, 0))),
        ))
        .execute(&mut conn)
        .unwrap_err();
    assert!(matches!(err, Error::Parameter(_)), "{err:?}");
    // A TIME outside a day (MySQL's TIME is a duration up to 838 hours) is a decode error.
    conn.batch_execute("INSERT INTO vals (id, at) VALUES (2, '-01:00:00'), (3, '25:00:00')")
        .unwrap();
    for id in [2, 3] {
        let err = vals::table
            .filter(vals::id.eq(id))
            .select(vals::at)
            .load_as::<Option<NaiveTime>, _, _>(&mut conn)
            .unwrap_err();
        assert!(
            matches!(&err, Error::Decode { source, .. } if source.to_string().contains("outside a day")),
            "{err:?}"
        );
    }
    // A DATETIME read as a date would lose its time: refused, not cut.
    conn.batch_execute("INSERT INTO vals (id, stamp) VALUES (6, '2024-01-01 10:00:00')")
        .unwrap();
    let err = as_date::table
        .filter(as_date::id.eq(6))
        .select(as_date::stamp)
        .load_as::<Option<NaiveDate>, _, _>(&mut conn)
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    // An over-precision decimal is the server's out-of-range error (strict mode), not a
    // silently clipped value.
    let err = insert_into(vals::table)
        .values((
            vals::id.to(4),
            vals::amount.to(Some(Decimal::from_str("12345678901.5").unwrap())),
        ))
        .execute(&mut conn)
        .unwrap_err();
    assert!(matches!(err, Error::Database(_)), "{err:?}");
    // A stored decimal with more than 28 significant fractional digits has no exact
    // `Decimal`: a decode error, never a rounded value.
    conn.batch_execute("INSERT INTO vals (id, big) VALUES (5, 0.123456789012345678901234567891)")
        .unwrap();
    let err = vals::table
        .filter(vals::id.eq(5))
        .select(vals::big)
        .load_as::<Option<Decimal>, _, _>(&mut conn)
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

#[test]
fn decimals_round_trip_exactly() {
    let (_db, mut conn) = with_vals();
    let amounts = ["0.00", "-0.01", "1234567890.12", "-9999999999.99", "0.10"];
    let bigs = [
        "12345678901234567890123456789",
        "-0.0000000000000000000000000001",
        "79228162514264337593543950335",
        "3.1415926535897932384626433832",
    ];
    for (i, (a, b)) in amounts.iter().zip(bigs.iter().cycle()).enumerate() {
        insert_into(vals::table)
            .values((
                vals::id.to(i as i32),
                vals::amount.to(Some(Decimal::from_str(a).unwrap())),
                vals::big.to(Some(Decimal::from_str(b).unwrap())),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    let back: Vec<(Option<Decimal>, Option<Decimal>)> = vals::table
        .select((vals::amount, vals::big))
        .order_by(vals::id)
        .load_as(&mut conn)
        .unwrap();
    for ((a, b), (got_a, got_b)) in amounts.iter().zip(bigs.iter().cycle()).zip(&back) {
        // DECIMAL(12, 2) keeps the scale: the text comes back as it went in.
        assert_eq!(got_a.unwrap().to_string(), *a);
        assert_eq!(got_b.unwrap(), Decimal::from_str(b).unwrap());
    }
    // Arithmetic stays decimal on the server: a sum is exact.
    let sum: Vec<Option<Decimal>> = vals::table
        .select(sum(vals::amount))
        .load_as(&mut conn)
        .unwrap();
    assert_eq!(sum, [Some(Decimal::from_str("-8765432109.78").unwrap())]);
    // More digits after the point than the column's scale: MariaDB rounds (note 1265, not
    // an error, even in strict mode; docs/design.md, "MySQL values"). Recorded here so that
    // a server that starts refusing it shows up.
    insert_into(vals::table)
        .values((
            vals::id.to(100),
            vals::amount.to(Some(Decimal::from_str("1.235").unwrap())),
        ))
        .execute(&mut conn)
        .unwrap();
    let stored: Vec<Option<Decimal>> = vals::table
        .filter(vals::id.eq(100))
        .select(vals::amount)
        .load_as(&mut conn)
        .unwrap();
    assert_eq!(stored, [Some(Decimal::from_str("1.24").unwrap())]);
}

#[test]
fn instants_are_utc_whatever_the_offset_they_were_given_in() {
    let (_db, mut conn) = with_vals();
    let kolkata = FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
    let local = kolkata
        .with_ymd_and_hms(2024, 7, 1, 2, 30, 0)
        .unwrap()
        .checked_add_signed(chrono::Duration::microseconds(7))
        .unwrap();
    insert_into(vals::table)
        .values((
            vals::id.to(1),
            vals::instant.to(Some(local)),
            vals::ts.to(Some(local)),
        ))
        .execute(&mut conn)
        .unwrap();
    type Both = (Option<DateTime<Utc>>, Option<DateTime<FixedOffset>>);
    let back: Vec<Both> = vals::table
        .select((vals::instant, vals::ts))
        .load_as(&mut conn)
        .unwrap();
    assert_eq!(back[0].0.unwrap(), local);
    assert_eq!(back[0].1.unwrap(), local);
    // Stored as the UTC wall-clock time (the session's zone is +00:00).
    let wall: Vec<(Option<NaiveDateTime>, Option<NaiveDateTime>)> = as_naive::table
        .select((as_naive::instant, as_naive::ts))
        .load_as(&mut conn)
        .unwrap();
    let utc = stamp(2024, 6, 30, 21, 0, 0, 7);
    assert_eq!(wall, [(Some(utc), Some(utc))]);
    // The `time` crate's `OffsetDateTime` is the same instant.
    let odt: Vec<Option<time::OffsetDateTime>> = vals::table
        .select(vals::instant)
        .load_as(&mut conn)
        .unwrap();
    assert_eq!(
        odt[0].unwrap().unix_timestamp_nanos(),
        i128::from(local.timestamp_micros()) * 1000
    );
    // A session whose time zone someone changed reads a TIMESTAMP column in that zone:
    // the instant loaded is then wrong by the offset, while a DATETIME column is unchanged.
    // (So sqlwright's connections keep `+00:00`, and DDL for `Timestamptz` is DATETIME(6).)
    conn.batch_execute("SET time_zone = '+02:00'").unwrap();
    type Utcs = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let moved: Vec<Utcs> = vals::table
        .select((vals::instant, vals::ts))
        .load_as(&mut conn)
        .unwrap();
    assert_eq!(moved[0].0.unwrap(), local);
    assert_eq!(
        moved[0].1.unwrap() - local.with_timezone(&Utc),
        chrono::Duration::hours(2),
        "TIMESTAMP follows the session's zone"
    );
    // A new connection is back in UTC.
    let mut fresh = _db.connect().unwrap();
    let again: Vec<Option<DateTime<Utc>>> =
        vals::table.select(vals::ts).load_as(&mut fresh).unwrap();
    assert_eq!(again[0].unwrap(), local);
}

#[test]
fn time_crate_values_round_trip() {
    let (_db, mut conn) = with_vals();
    let d = time::Date::from_calendar_date(2024, time::Month::February, 29).unwrap();
    let t = time::Time::from_hms_micro(23, 59, 59, 999_999).unwrap();
    let dt = time::PrimitiveDateTime::new(d, t);
    let odt = dt.assume_offset(time::UtcOffset::from_hms(-7, 0, 0).unwrap());
    insert_into(vals::table)
        .values((
            vals::id.to(1),
            vals::day.to(Some(d)),
            vals::at.to(Some(t)),
            vals::stamp.to(Some(dt)),
            vals::instant.to(Some(odt)),
        ))
        .execute(&mut conn)
        .unwrap();
    insert_id(&mut conn, 2);
    type Row = (
        Option<time::Date>,
        Option<time::Time>,
        Option<time::PrimitiveDateTime>,
        Option<time::OffsetDateTime>,
    );
    let back: Vec<Row> = vals::table
        .select((vals::day, vals::at, vals::stamp, vals::instant))
        .order_by(vals::id)
        .load_as(&mut conn)
        .unwrap();
    assert_eq!(back[0], (Some(d), Some(t), Some(dt), Some(odt)));
    assert_eq!(back[0].3.unwrap().offset(), time::UtcOffset::UTC);
    assert_eq!(back[1], (None, None, None, None));
    // chrono reads what the `time` crate wrote.
    let chrono: Vec<Option<NaiveDateTime>> = vals::table
        .filter(vals::id.eq(1))
        .select(vals::stamp)
        .load_as(&mut conn)
        .unwrap();
    assert_eq!(chrono, [Some(stamp(2024, 2, 29, 23, 59, 59, 999_999))]);
    // A year MySQL cannot hold is refused before sending.
    let far = time::Date::from_calendar_date(-1, time::Month::January, 1).unwrap();
    let err = insert_into(vals::table)
        .values((vals::id.to(3), vals::day.to(Some(far))))
        .execute(&mut conn)
        .unwrap_err();
    assert!(matches!(err, Error::Parameter(_)), "{err:?}");
}

#[test]
fn json_and_uuids_round_trip() {
    let (_db, mut conn) = with_vals();
    let doc = serde_json::json!({"a": [1, 2.5, null, "é\"\\"], "b": {"c": true}, "n": -12345678901234i64});
    let uid = uuid::Uuid::from_str("67e55044-10b1-426f-9247-bb680e5fe0c8").unwrap();
    insert_into(vals::table)
        .values((
            vals::id.to(1),
            vals::doc.to(Some(doc.clone())),
            vals::uid.to(Some(uid)),
        ))
        .execute(&mut conn)
        .unwrap();
    insert_id(&mut conn, 2);
    let back: Vec<(Option<serde_json::Value>, Option<uuid::Uuid>)> = vals::table
        .select((vals::doc, vals::uid))
        .order_by(vals::id)
        .load_as(&mut conn)
        .unwrap();
    assert_eq!(back, [(Some(doc), Some(uid)), (None, None)]);
    let found: Vec<i32> = vals::table
        .filter(vals::uid.eq(uid))
        .select(vals::id)
        .load_as(&mut conn)
        .unwrap();
    assert_eq!(found, [1]);
    // The column's json_valid check refuses text that is not JSON.
    let err = conn
        .batch_execute("INSERT INTO vals (id, doc) VALUES (3, '{oops')")
        .unwrap_err();
    assert!(matches!(err, Error::Database(_)), "{err:?}");
}

#[test]
fn concatenation_is_written_concat_and_keeps_nulls_as_postgresql_does() {
    let (_db, mut conn) = with_vals();
    insert_into(vals::table)
        .values((vals::id.to(1), vals::label.to(Some("ab"))))
        .execute(&mut conn)
        .unwrap();
    insert_id(&mut conn, 2);
    let query = || {
        vals::table
            .select(vals::label.concat("-").concat(vals::label))
            .order_by(vals::id)
    };
    let (rows, log) = crate::session::capture_sql(|| query().load_as(&mut conn).unwrap());
    let rows: Vec<Option<String>> = rows;
    assert_eq!(rows, [Some("ab-ab".to_string()), None]);
    assert!(
        log.iter()
            .any(|l| l.contains("CONCAT(CONCAT(`vals`.`label`, ?), `vals`.`label`)")),
        "{log:#?}"
    );
    assert!(log.iter().all(|l| !l.contains("||")), "{log:#?}");
    // Without PIPES_AS_CONCAT in the session the text still concatenates.
    conn.batch_execute("SET sql_mode = 'STRICT_ALL_TABLES'")
        .unwrap();
    let rows: Vec<Option<String>> = query().load_as(&mut conn).unwrap();
    assert_eq!(rows, [Some("ab-ab".to_string()), None]);
    // The function `concat(a, b)` skips NULLs, as PostgreSQL's does (`CONCAT_WS('', ..)`).
    let skipped = || {
        vals::table
            .select(sqlwright::dsl::concat(
                vals::label,
                sqlwright::dsl::concat("-", vals::label),
            ))
            .order_by(vals::id)
    };
    let rows: Vec<String> = skipped().load_as(&mut conn).unwrap();
    assert_eq!(rows, ["ab-ab", "-"]);
    // PostgreSQL answers the same.
    let pg = sqlwright::testing::database();
    let mut pg_conn = pg.connect().unwrap();
    pg_conn
        .batch_execute(
            "CREATE TABLE vals (id int PRIMARY KEY, label text); \
             INSERT INTO vals VALUES (1, 'ab'), (2, NULL)",
        )
        .unwrap();
    let pg_rows: Vec<Option<String>> = query().load_as(&mut pg_conn).unwrap();
    assert_eq!(pg_rows, [Some("ab-ab".to_string()), None]);
    let pg_skipped: Vec<String> = skipped().load_as(&mut pg_conn).unwrap();
    assert_eq!(pg_skipped, rows);
}

#[test]
fn lists_are_bound_element_by_element_in_power_of_two_statements() {
    let (_db, mut conn) = with_vals();
    for id in 1..=20 {
        insert_into(vals::table)
            .values((vals::id.to(id), vals::label.to(Some(format!("n{id}")))))
            .execute(&mut conn)
            .unwrap();
    }
    insert_id(&mut conn, 21);
    let ids = |list: Vec<i32>, conn: &mut Connection<Mysql>| -> Vec<i32> {
        vals::table
            .filter(vals::id.in_(list))
            .select(vals::id)
            .order_by(vals::id)
            .load_as(conn)
            .unwrap()
    };
    assert_eq!(ids(vec![3], &mut conn), [3]);
    assert_eq!(ids(vec![5, 3, 9], &mut conn), [3, 5, 9]);
    assert_eq!(
        ids((1..=17).collect(), &mut conn),
        (1..=17).collect::<Vec<_>>()
    );
    assert_eq!(ids(vec![], &mut conn), Vec::<i32>::new());
    let (_, log) = crate::session::capture_sql(|| ids(vec![5, 3, 9], &mut conn));
    assert!(
        log.iter().any(|l| l.contains("IN (?, ?, ?, ?)")),
        "three elements are bound as four: {log:#?}"
    );
    // NOT IN, with text values; an empty list matches every row, NULL included.
    let not_in: Vec<i32> = vals::table
        .filter(vals::label.not_in(["n1", "n2"]))
        .filter(vals::id.lt(5))
        .select(vals::id)
        .order_by(vals::id)
        .load_as(&mut conn)
        .unwrap();
    assert_eq!(not_in, [3, 4]);
    let none: Vec<i32> = vals::table
        .filter(vals::label.not_in(Vec::<String>::new()))
        .select(vals::id)
        .load_as(&mut conn)
        .unwrap();
    assert_eq!(none.len(), 21);
    // Decimals in a list are compared exactly (as DECIMAL, not as doubles, which would
    // take 0.1 for 0.1000000000000000000000000001).
    update(vals::table)
        .filter(vals::id.eq(1))
        .set(vals::big.to(Some(
            Decimal::from_str("0.1000000000000000000000000001").unwrap(),
        )))
        .execute(&mut conn)
        .unwrap();
    let exact = |list: Vec<Decimal>, conn: &mut Connection<Mysql>| -> Vec<i32> {
        vals::table
            .filter(vals::big.in_(list))
            .select(vals::id)
            .load_as(conn)
            .unwrap()
    };
    assert_eq!(
        exact(vec![Decimal::from_str("0.1").unwrap()], &mut conn),
        Vec::<i32>::new()
    );
    assert_eq!(
        exact(
            vec![Decimal::from_str("0.1000000000000000000000000001").unwrap()],
            &mut conn
        ),
        [1]
    );
    // A list of dates, bound as dates.
    let days: Vec<i32> = vals::table
        .filter(vals::day.in_([date(2024, 1, 1)]))
        .select(vals::id)
        .load_as(&mut conn)
        .unwrap();
    assert!(days.is_empty());
}
