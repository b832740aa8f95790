//! `date_trunc`, `date_part` and every `extract` field on MySQL (#23, session 13): each call
//! runs on PostgreSQL and on MariaDB, and MariaDB's values must be PostgreSQL's exactly:
//! the same instants, the same decimals (scales included), the same doubles (bit for bit),
//! the same NULLs, and an error on both where PostgreSQL has no such field. A `timestamptz`
//! is compared with PostgreSQL's session at UTC, which every MySQL session of sqlwright's is.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use sqlwright::dsl::*;
use sqlwright::prelude::*;
use sqlwright::render::{Render, SqlWriter};
use sqlwright::{Connection, Mysql};

mod schema {
    sqlwright::table! {
        moments (id) {
            id -> Int4,
            day -> Date,
            at -> Timestamp,
            tz -> Timestamptz,
            clock -> Time,
            maybe -> Nullable<Timestamp>,
        }
    }
}
use schema::moments;

const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(schema::moments);

const FIELDS: [Field; 18] = [
    Field::Microseconds,
    Field::Milliseconds,
    Field::Second,
    Field::Minute,
    Field::Hour,
    Field::Day,
    Field::Week,
    Field::Month,
    Field::Quarter,
    Field::Year,
    Field::Decade,
    Field::Century,
    Field::Millennium,
    Field::Dow,
    Field::IsoDow,
    Field::Doy,
    Field::IsoYear,
    Field::Epoch,
];

fn at(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32, micro: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_micro_opt(h, mi, s, micro)
        .unwrap()
}

/// Month and year ends, leap days, the ISO weeks that cross a year, midnight, the first and
/// last instants MySQL holds, the century and millennium boundaries, times before 1970 with
/// a fraction, a year in the first decade.
fn edges() -> Vec<NaiveDateTime> {
    vec![
        at(2024, 2, 29, 23, 59, 59, 999_999),
        at(2023, 12, 31, 0, 0, 0, 0),
        at(2024, 12, 30, 10, 11, 12, 500_000),
        at(2021, 1, 3, 12, 0, 0, 1),
        at(2021, 1, 4, 0, 0, 0, 0),
        at(2000, 1, 1, 0, 0, 0, 0),
        at(2001, 1, 1, 0, 0, 0, 1),
        at(2000, 12, 31, 23, 59, 59, 999_000),
        at(1900, 2, 28, 6, 7, 8, 9),
        at(1969, 12, 31, 23, 59, 59, 999_999),
        at(1970, 1, 1, 0, 0, 0, 0),
        at(2038, 1, 19, 3, 14, 8, 123_456),
        at(1, 1, 1, 0, 0, 0, 0),
        at(9999, 12, 31, 23, 59, 59, 999_999),
        at(2024, 3, 31, 12, 30, 15, 250_001),
        at(2020, 12, 31, 8, 0, 0, 100_000),
        at(1000, 1, 1, 1, 1, 1, 1),
        at(1005, 6, 15, 0, 0, 0, 0),
    ]
}

/// Seconds with fractions spread over years 1 to 9999, made by a fixed linear congruential
/// sequence: `date_part`'s doubles round twice on PostgreSQL, and these catch a form that
/// rounds once.
fn spread(n: usize) -> Vec<NaiveDateTime> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let first = at(1, 1, 1, 0, 0, 0, 0);
    let span = at(9999, 12, 31, 23, 59, 59, 999_999) - first;
    let span_us = span.num_microseconds().unwrap() as u64;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            first + chrono::Duration::microseconds(((x >> 1) % span_us) as i64)
        })
        .collect()
}

/// The same rows on PostgreSQL (its session at UTC) and MariaDB.
fn setup(
    instants: &[NaiveDateTime],
) -> (
    sqlwright::testing::TestDatabase,
    Connection,
    sqlwright::testing::MariadbDatabase,
    Connection<Mysql>,
) {
    let (pg_db, maria_db) = (
        sqlwright::testing::database(),
        sqlwright::testing::mariadb_database(),
    );
    let mut pg = pg_db.connect().unwrap();
    let mut maria = maria_db.connect().unwrap();
    pg.batch_execute("SET TIME ZONE 'UTC'").unwrap();
    SCHEMA.create_all(&mut pg, false).unwrap();
    SCHEMA.create_all(&mut maria, false).unwrap();
    let rows = |from: usize| -> Vec<_> {
        instants
            .iter()
            .enumerate()
            .skip(from)
            .take(500)
            .map(|(i, &when)| {
                (
                    moments::id.to(i as i32),
                    moments::day.to(when.date()),
                    moments::at.to(when),
                    moments::tz.to(when.and_utc()),
                    moments::clock.to(when.time()),
                    moments::maybe.to((i % 3 != 1).then_some(when)),
                )
            })
            .collect()
    };
    for from in (0..instants.len()).step_by(500) {
        insert_into(moments::table)
            .values(rows(from))
            .execute(&mut pg)
            .unwrap();
        insert_into(moments::table)
            .values(rows(from))
            .execute(&mut maria)
            .unwrap();
    }
    (pg_db, pg, maria_db, maria)
}

/// An expression's SQL text on MySQL.
fn mysql_sql<E: Render>(e: &E) -> String {
    let mut out = SqlWriter::for_dialect(sqlwright::backend::Dialect::Mysql);
    e.render(&mut out);
    out.finish().sql
}

/// Runs `$expr` for each row (ordered by id) on both connections. Where PostgreSQL answers,
/// MariaDB's rows must equal its rows (through `$key`, which keeps what equality alone
/// would not: a decimal's scale, a double's bits); where PostgreSQL refuses the field,
/// MariaDB's statement must be refused before it is sent. Returns whether PostgreSQL
/// answered.
macro_rules! compare {
    ($pg:expr, $maria:expr, $what:expr, $expr:expr, $row:ty, $key:expr) => {{
        let query = || moments::table.select($expr).order_by(moments::id);
        let on_pg: Result<Vec<$row>, _> = query().load(&mut $pg);
        let on_maria: Result<Vec<$row>, _> = query().load(&mut $maria);
        match (on_pg, on_maria) {
            (Ok(pg_rows), Ok(maria_rows)) => {
                let key = $key;
                let pg_keys: Vec<_> = pg_rows.iter().map(&key).collect();
                let maria_keys: Vec<_> = maria_rows.iter().map(&key).collect();
                for (i, (p, m)) in pg_keys.iter().zip(&maria_keys).enumerate() {
                    assert_eq!(
                        m, p,
                        "{}: row {i}: MariaDB's value, then PostgreSQL's",
                        $what
                    );
                }
                assert_eq!(maria_keys.len(), pg_keys.len(), "{}", $what);
                true
            }
            (Err(sqlwright::Error::Database(_)), Err(sqlwright::Error::Parameter(reason))) => {
                assert!(
                    reason.contains("PostgreSQL refuses it too"),
                    "{}: {reason}",
                    $what
                );
                false
            }
            (pg, maria) => panic!(
                "{}: PostgreSQL gave {:?}, MariaDB {:?}",
                $what,
                pg.map(|r| r.len()),
                maria.map(|r| r.len())
            ),
        }
    }};
}

/// A decimal with its scale: `12.500000` is not `12.5` here.
fn exact(d: &Decimal) -> String {
    d.to_string()
}

fn exact_opt(d: &Option<Decimal>) -> Option<String> {
    d.as_ref().map(exact)
}

#[test]
fn date_trunc_of_every_field_gives_postgresqls_instants() {
    let (_a, mut pg, _b, mut maria) = setup(&edges());
    let mut answered = 0;
    for field in FIELDS {
        let what = format!("date_trunc('{}', ..)", field.sql());
        let ok = compare!(
            pg,
            maria,
            what,
            (
                date_trunc(field, moments::at),
                date_trunc(field, moments::tz),
                date_trunc(field, moments::day),
                date_trunc(field, moments::maybe),
            ),
            (
                NaiveDateTime,
                DateTime<Utc>,
                DateTime<Utc>,
                Option<NaiveDateTime>
            ),
            |r: &(
                NaiveDateTime,
                DateTime<Utc>,
                DateTime<Utc>,
                Option<NaiveDateTime>
            )| *r
        );
        answered += usize::from(ok);
    }
    // microseconds to millennium; not dow, isodow, doy, isoyear, epoch.
    assert_eq!(answered, 13);

    // The values themselves, for a few: ISO weeks begin on Monday, 2000 is in the 20th
    // century and the 2nd millennium, a leap day's month is February.
    let got: Vec<(NaiveDateTime, NaiveDateTime, NaiveDateTime, NaiveDateTime)> = moments::table
        .select((
            date_trunc(fields::Week, moments::at),
            date_trunc(fields::Century, moments::at),
            date_trunc(fields::Millennium, moments::at),
            date_trunc(fields::Milliseconds, moments::at),
        ))
        .order_by(moments::id)
        .load(&mut maria)
        .unwrap();
    assert_eq!(got[0].0, at(2024, 2, 26, 0, 0, 0, 0));
    assert_eq!(got[1].0, at(2023, 12, 25, 0, 0, 0, 0));
    assert_eq!(got[5].1, at(1901, 1, 1, 0, 0, 0, 0));
    assert_eq!(got[5].2, at(1001, 1, 1, 0, 0, 0, 0));
    assert_eq!(got[6].1, at(2001, 1, 1, 0, 0, 0, 0));
    assert_eq!(got[0].3, at(2024, 2, 29, 23, 59, 59, 999_000));
    assert_eq!(got[12].0, at(1, 1, 1, 0, 0, 0, 0));
    assert_eq!(
        mysql_sql(&date_trunc(fields::Month, moments::at)),
        "TIMESTAMPADD(MONTH, TIMESTAMPDIFF(MONTH, TIMESTAMP'0001-01-01 00:00:00', \
         `moments`.`at`), TIMESTAMP'0001-01-01 00:00:00')"
    );
}

/// A year in the first decade truncates to year 0 (1 BC), which both give.
#[test]
fn date_trunc_to_the_decade_of_year_5_is_year_0_on_both() {
    let (_a, mut pg, _b, mut maria) = setup(&[at(5, 6, 7, 8, 9, 10, 11)]);
    let got = compare!(
        pg,
        maria,
        "decade",
        date_trunc(fields::Decade, moments::at),
        NaiveDateTime,
        |r: &NaiveDateTime| *r
    );
    assert!(got);
}

#[test]
fn extract_of_every_field_gives_postgresqls_decimals() {
    let (_a, mut pg, _b, mut maria) = setup(&edges());
    let mut answered = Vec::new();
    for field in FIELDS {
        let what = format!("extract({} from timestamp/timestamptz)", field.sql());
        let ok = compare!(
            pg,
            maria,
            what,
            (
                extract(field, moments::at),
                extract(field, moments::tz),
                extract(field, moments::maybe),
            ),
            (Decimal, Decimal, Option<Decimal>),
            |r: &(Decimal, Decimal, Option<Decimal>)| (exact(&r.0), exact(&r.1), exact_opt(&r.2))
        );
        assert!(ok, "{what}");
        let what = format!("extract({} from date)", field.sql());
        let on_date = compare!(
            pg,
            maria,
            what,
            extract(field, moments::day),
            Decimal,
            exact
        );
        let what = format!("extract({} from time)", field.sql());
        let on_time = compare!(
            pg,
            maria,
            what,
            extract(field, moments::clock),
            Decimal,
            exact
        );
        answered.push((field, on_date, on_time));
    }
    let dates = answered.iter().filter(|a| a.1).count();
    let times: Vec<Field> = answered.iter().filter(|a| a.2).map(|a| a.0).collect();
    assert_eq!(dates, 13);
    assert_eq!(
        times,
        [
            Field::Microseconds,
            Field::Milliseconds,
            Field::Second,
            Field::Minute,
            Field::Hour,
            Field::Epoch
        ]
    );

    // Scales and values of the fractional fields, and a few ISO answers.
    let got: Vec<(Decimal, Decimal, Decimal, Decimal, Decimal)> = moments::table
        .select((
            extract(fields::Second, moments::at),
            extract(fields::Milliseconds, moments::at),
            extract(fields::Epoch, moments::at),
            extract(fields::Week, moments::at),
            extract(fields::IsoYear, moments::at),
        ))
        .order_by(moments::id)
        .load(&mut maria)
        .unwrap();
    assert_eq!(exact(&got[2].0), "12.500000");
    assert_eq!(exact(&got[2].1), "12500.000");
    assert_eq!(exact(&got[9].2), "-0.000001");
    assert_eq!(exact(&got[13].2), "253402300799.999999");
    // 2024-12-30 is in week 1 of 2025; 2021-01-03 in week 53 of 2020.
    assert_eq!(
        (got[2].3, got[2].4),
        (Decimal::from(1), Decimal::from(2025))
    );
    assert_eq!(
        (got[3].3, got[3].4),
        (Decimal::from(53), Decimal::from(2020))
    );
    assert_eq!(
        mysql_sql(&extract(fields::Second, moments::at)),
        "(EXTRACT(SECOND_MICROSECOND FROM `moments`.`at`) * 0.000001)"
    );
}

#[test]
fn date_part_gives_postgresqls_doubles_bit_for_bit() {
    let mut instants = edges();
    instants.extend(spread(2000));
    let (_a, mut pg, _b, mut maria) = setup(&instants);
    let bits = |r: &(f64, f64, f64, Option<f64>)| {
        (
            r.0.to_bits(),
            r.1.to_bits(),
            r.2.to_bits(),
            r.3.map(f64::to_bits),
        )
    };
    for field in FIELDS {
        let what = format!("date_part('{}', ..)", field.sql());
        let ok = compare!(
            pg,
            maria,
            what,
            (
                date_part(field, moments::at),
                date_part(field, moments::tz),
                date_part(field, moments::day),
                date_part(field, moments::maybe),
            ),
            (f64, f64, f64, Option<f64>),
            bits
        );
        assert!(ok, "{what}");
        let what = format!("date_part('{}', time)", field.sql());
        compare!(
            pg,
            maria,
            what,
            date_part(field, moments::clock),
            f64,
            |r: &f64| r.to_bits()
        );
    }
    // The first edge: 59 + 999999 / 1e6 in doubles.
    let second: Vec<f64> = moments::table
        .select(date_part(fields::Second, moments::at))
        .order_by(moments::id)
        .load(&mut maria)
        .unwrap();
    assert_eq!(second[0], 59.0 + 999_999.0 / 1e6);
}

/// PostgreSQL groups revenue per month by `date_trunc('month', ..)`; so does MySQL now,
/// with the same groups, through a field type and a `Field` value alike.
#[test]
fn grouping_by_month_gives_the_same_groups() {
    let (_a, mut pg, _b, mut maria) = setup(&edges());
    let month = date_trunc(fields::Month, moments::at);
    let by_type = || {
        moments::table
            .group_by(month)
            .select((month, count_star()))
            .order_by(month)
    };
    let on_pg: Vec<(NaiveDateTime, i64)> = by_type().load(&mut pg).unwrap();
    let on_maria: Vec<(NaiveDateTime, i64)> = by_type().load(&mut maria).unwrap();
    assert_eq!(on_maria, on_pg);
    assert_eq!(on_pg[0], (at(1, 1, 1, 0, 0, 0, 0), 1));
    assert_eq!(
        on_pg.len(),
        edges().len() - 1,
        "2000-01-01 and 2000-12-31 differ"
    );

    let month = date_trunc(Field::Month, moments::tz);
    let by_value = || {
        moments::table
            .group_by(month)
            .select((month, count_star()))
            .order_by(month)
    };
    let on_pg: Vec<(DateTime<Utc>, i64)> = by_value().load(&mut pg).unwrap();
    let on_maria: Vec<(DateTime<Utc>, i64)> = by_value().load(&mut maria).unwrap();
    assert_eq!(on_maria, on_pg);
}

/// A field PostgreSQL has no value of for the type is refused on MySQL before anything is
/// sent, naming the function, the field and the type.
#[test]
fn a_field_postgresql_refuses_is_refused_before_it_is_sent() {
    let (_a, mut pg, _b, mut maria) = setup(&edges()[..2]);
    let by_dow = || moments::table.select(date_trunc(Field::Dow, moments::at));
    let on_maria: Result<Vec<NaiveDateTime>, _> = by_dow().load(&mut maria);
    match on_maria {
        Err(sqlwright::Error::Parameter(reason)) => assert_eq!(
            reason,
            "date_trunc has no field `dow` for a timestamp (PostgreSQL refuses it too)"
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let on_pg: Result<Vec<NaiveDateTime>, _> = by_dow().load(&mut pg);
    assert!(
        matches!(on_pg, Err(sqlwright::Error::Database(_))),
        "{on_pg:?}"
    );
    let year_of_time = || moments::table.select(extract(fields::Year, moments::clock));
    let on_maria: Result<Vec<Decimal>, _> = year_of_time().load(&mut maria);
    match on_maria {
        Err(sqlwright::Error::Parameter(reason)) => assert_eq!(
            reason,
            "extract has no field `year` for a time (PostgreSQL refuses it too)"
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // The connection is usable after the refusal: nothing was sent.
    let ids: Vec<i32> = moments::table
        .select(moments::id)
        .order_by(moments::id)
        .load(&mut maria)
        .unwrap();
    assert_eq!(ids, [0, 1]);
}
