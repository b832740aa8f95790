//! MySQL's date parts, date arithmetic and date casts (#23, session 12): each query runs on
//! PostgreSQL and on MariaDB and must give the same values, and those values are the ones
//! PostgreSQL's rules give (month ends included). SQLite has none of these features, so the
//! bodies run on the two backends that do.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use sqlwright::dsl::*;
use sqlwright::expr::Bound;
use sqlwright::prelude::*;
use sqlwright::render::{Render, SqlWriter};
use sqlwright::types::{Interval, Nullable, PgInterval};
use sqlwright::{Connection, Mysql};

mod schema {
    sqlwright::table! {
        events (id) {
            id -> Int4,
            day -> Date,
            at -> Timestamp,
            later -> Nullable<Date>,
        }
    }
}
use schema::events;

const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(schema::events);

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn at(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32, micro: u32) -> NaiveDateTime {
    date(y, m, d).and_hms_micro_opt(h, mi, s, micro).unwrap()
}

/// Month ends, a leap day, a year end and a NULL.
fn rows() -> Vec<(i32, NaiveDate, NaiveDateTime, Option<NaiveDate>)> {
    vec![
        (
            1,
            date(2024, 1, 31),
            at(2024, 1, 31, 23, 59, 58, 999_999),
            Some(date(2024, 3, 1)),
        ),
        (
            2,
            date(2023, 1, 31),
            at(2023, 12, 31, 0, 0, 0, 0),
            Some(date(2022, 12, 31)),
        ),
        (
            3,
            date(2024, 3, 31),
            at(2024, 2, 29, 12, 30, 15, 250_000),
            None,
        ),
        (
            4,
            date(2024, 2, 29),
            at(2000, 5, 31, 6, 7, 8, 9),
            Some(date(2024, 2, 29)),
        ),
    ]
}

/// The same table and rows on PostgreSQL and MariaDB.
fn setup() -> (
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
    SCHEMA.create_all(&mut pg, false).unwrap();
    SCHEMA.create_all(&mut maria, false).unwrap();
    for (id, day, when, later) in rows() {
        let row = || {
            (
                events::id.to(id),
                events::day.to(day),
                events::at.to(when),
                events::later.to(later),
            )
        };
        insert_into(events::table)
            .values(row())
            .execute(&mut pg)
            .unwrap();
        insert_into(events::table)
            .values(row())
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

/// Runs the query (a macro: its type is the builders') on both connections and returns
/// PostgreSQL's rows after checking MariaDB's are the same.
macro_rules! same_on_both {
    ($pg:expr, $maria:expr, $query:expr, $row:ty) => {{
        let on_pg: Vec<$row> = $query.load(&mut $pg).unwrap();
        let on_maria: Vec<$row> = $query.load(&mut $maria).unwrap();
        assert_eq!(on_maria, on_pg, "MariaDB's rows, then PostgreSQL's");
        on_pg
    }};
}

#[test]
fn extract_of_the_six_exact_fields_matches_postgresql() {
    let (_a, mut pg, _b, mut maria) = setup();
    let parts = |n: i64| Decimal::from(n);
    let got = same_on_both!(
        pg,
        maria,
        events::table
            .select((
                extract(fields::Year, events::at),
                extract(fields::Quarter, events::at),
                extract(fields::Month, events::at),
                extract(fields::Day, events::at),
                extract(fields::Hour, events::at),
                extract(fields::Minute, events::at),
                extract(fields::Quarter, events::day),
                extract(fields::Year, events::later),
            ))
            .order_by(events::id),
        (
            Decimal,
            Decimal,
            Decimal,
            Decimal,
            Decimal,
            Decimal,
            Decimal,
            Option<Decimal>
        )
    );
    assert_eq!(
        got[0],
        (
            parts(2024),
            parts(1),
            parts(1),
            parts(31),
            parts(23),
            parts(59),
            parts(1),
            Some(parts(2024))
        )
    );
    assert_eq!(got[2].7, None);
    assert_eq!(got[3].1, parts(2));
    assert_eq!(
        mysql_sql(&extract(fields::Month, events::at)),
        "EXTRACT(month FROM `events`.`at`)"
    );
}

#[test]
fn a_date_plus_an_interval_adds_months_then_days_then_time_as_postgresql_does() {
    let (_a, mut pg, _b, mut maria) = setup();
    let got = same_on_both!(
        pg,
        maria,
        events::table
            .select((
                events::day.plus(months(1)),
                events::day.plus(value(PgInterval::new(1, 1, 0))),
                events::day.minus(value(PgInterval::new(1, 1, 0))),
                events::day.plus(years(1)),
                events::day.minus(months(1)),
                events::at.plus(value(PgInterval::new(0, 1, 3_600_000_001))),
                events::at.minus(value(PgInterval::new(13, -2, -1))),
            ))
            .order_by(events::id),
        (
            NaiveDateTime,
            NaiveDateTime,
            NaiveDateTime,
            NaiveDateTime,
            NaiveDateTime,
            NaiveDateTime,
            NaiveDateTime
        )
    );
    let midnight = |y, m, d| at(y, m, d, 0, 0, 0, 0);
    // 2024-01-31: one month is the last day of February (a leap year); then one day.
    assert_eq!(got[0].0, midnight(2024, 2, 29));
    assert_eq!(got[0].1, midnight(2024, 3, 1));
    // 2023-01-31 + 1 month = 2023-02-28; minus 1 month 1 day: 2022-12-31 - 1 day.
    assert_eq!(got[1].0, midnight(2023, 2, 28));
    assert_eq!(got[1].2, midnight(2022, 12, 30));
    // 2024-03-31 - (1 month 1 day): months first (2024-02-29), then the day.
    assert_eq!(got[2].2, midnight(2024, 2, 28));
    assert_eq!(got[2].4, midnight(2024, 2, 29));
    // A leap day plus a year is the 28th.
    assert_eq!(got[3].3, midnight(2025, 2, 28));
    // Time parts carry over midnight: 23:59:58.999999 + 1 day + 1 h 0.000001 s.
    assert_eq!(got[0].5, at(2024, 2, 2, 0, 59, 59, 0));
    // 2024-02-29 12:30:15.25 - (13 months -2 days -1 us): 2023-01-29, +2 days, +1 us.
    assert_eq!(got[2].6, at(2023, 1, 31, 12, 30, 15, 250_001));
    assert_eq!(
        mysql_sql(&events::day.minus(months(1))),
        "`events`.`day` - INTERVAL ? MONTH - INTERVAL ? DAY - INTERVAL ? MICROSECOND"
    );
}

#[test]
fn a_null_interval_or_date_makes_the_sum_null() {
    let (_a, mut pg, _b, mut maria) = setup();
    let got = same_on_both!(
        pg,
        maria,
        events::table
            .select((
                events::later.plus(days(3)),
                events::day.plus(Bound::<Nullable<Interval>, Option<PgInterval>>::new(None)),
            ))
            .order_by(events::id),
        (Option<NaiveDateTime>, Option<NaiveDateTime>)
    );
    assert_eq!(got[0], (Some(at(2024, 3, 4, 0, 0, 0, 0)), None));
    assert_eq!(got[2], (None, None));
}

#[test]
fn days_added_to_a_date_and_the_days_between_two_dates() {
    let (_a, mut pg, _b, mut maria) = setup();
    let got = same_on_both!(
        pg,
        maria,
        events::table
            .select((
                events::day.minus(90),
                events::day.plus(events::id * 366),
                events::day.minus(events::later),
                value(date(1998, 12, 1)).minus(90),
            ))
            .order_by(events::id),
        (NaiveDate, NaiveDate, Option<i32>, NaiveDate)
    );
    assert_eq!(got[0].0, date(2023, 11, 2));
    assert_eq!(got[0].1, date(2025, 1, 31));
    assert_eq!(got[0].2, Some(-30));
    assert_eq!(got[1].2, Some(31));
    assert_eq!(got[2].2, None);
    assert_eq!(got[0].3, date(1998, 9, 2));
    assert_eq!(
        mysql_sql(&events::day.minus(events::later)),
        "DATEDIFF(`events`.`day`, `events`.`later`)"
    );
    assert_eq!(
        mysql_sql(&events::day.plus(30)),
        "`events`.`day` + INTERVAL ? DAY"
    );
}

#[test]
fn date_casts_cut_the_time_and_add_midnight() {
    let (_a, mut pg, _b, mut maria) = setup();
    let got = same_on_both!(
        pg,
        maria,
        events::table
            .filter(
                cast::<Date, _>(events::at)
                    .lt(cast::<Date, _>(value(date(2024, 1, 1)).plus(months(1))))
            )
            .select((
                cast::<Date, _>(events::at),
                cast::<Timestamp, _>(events::day)
            ))
            .order_by(events::id),
        (NaiveDate, NaiveDateTime)
    );
    assert_eq!(
        got,
        vec![
            (date(2024, 1, 31), at(2024, 1, 31, 0, 0, 0, 0)),
            (date(2023, 12, 31), at(2023, 1, 31, 0, 0, 0, 0)),
            (date(2000, 5, 31), at(2024, 2, 29, 0, 0, 0, 0)),
        ]
    );
    assert_eq!(
        mysql_sql(&cast::<Date, _>(events::at)),
        "CAST(`events`.`at` AS DATE)"
    );
}

/// An interval that is not a bound value (here a cast of one) cannot be split into parts
/// on MySQL, which has no interval values: the statement is refused before anything is
/// sent, naming `Intervals`.
#[test]
fn an_interval_that_is_not_a_value_is_refused_on_mysql_before_it_is_sent() {
    let e = events::day.plus(cast::<Interval, _>(days(1)));
    let mut out = SqlWriter::for_dialect(sqlwright::backend::Dialect::Mysql);
    e.render(&mut out);
    let rendered = out.finish();
    let lacking = rendered.lacking.expect("refused");
    assert!(lacking.starts_with("Intervals"), "{lacking}");
}

/// A boxed query's pieces lose their types, so what they need is checked when the
/// statement is written: on MySQL `extract(fields::Year, ..)` and `extract` of a `Field`
/// value run (session 13: every field of a date is written for MySQL), and `extract` of an
/// interval (PostgreSQL's `Intervals`) is refused before anything is
/// sent, while PostgreSQL runs all three.
#[test]
fn boxed_pieces_run_what_mysql_has_and_are_refused_for_the_rest() {
    let (_a, mut pg, _b, mut maria) = setup();
    let in_2024 = || {
        events::table
            .select(events::id)
            .into_boxed()
            .filter(extract(fields::Year, events::day).eq(value(Decimal::from(2024))))
    };
    let mut on_pg: Vec<i32> = in_2024().load(&mut pg).unwrap();
    let mut on_maria: Vec<i32> = in_2024().load(&mut maria).unwrap();
    on_pg.sort();
    on_maria.sort();
    assert_eq!((on_pg, on_maria), (vec![1, 3, 4], vec![1, 3, 4]));

    let by_week = || {
        events::table
            .select(events::id)
            .into_boxed()
            .filter(extract(Field::Week, events::day).gt(value(Decimal::from(5))))
    };
    let mut on_pg: Vec<i32> = by_week().load(&mut pg).unwrap();
    let mut on_maria: Vec<i32> = by_week().load(&mut maria).unwrap();
    on_pg.sort();
    on_maria.sort();
    // 2024-02-29 is in ISO week 9, 2024-03-31 in week 13; the January days are not.
    assert_eq!((on_pg, on_maria), (vec![3, 4], vec![3, 4]));

    let by_interval = || {
        events::table.select(events::id).into_boxed().filter(
            extract(Field::Day, days(3))
                .gt(value(Decimal::from(0)))
                .and(events::id.gt(0)),
        )
    };
    assert_eq!(by_interval().load(&mut pg).unwrap().len(), 4);
    match by_interval().load(&mut maria) {
        Err(sqlwright::Error::Unsupported { feature, backend }) => {
            assert_eq!(feature, "Intervals", "{backend}")
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
}
