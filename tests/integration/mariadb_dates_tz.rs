//! `timestamptz ± interval` on MySQL (#23, session 14): every sum runs on PostgreSQL (its
//! session at UTC, which every MySQL session of sqlwright's is) and on MariaDB, and both
//! must equal the sum computed here by PostgreSQL's rule: the interval's months first (the
//! day clamped to the month's last), then its days, then its time part; `-` negates all
//! three.

use chrono::{DateTime, Days, Months, NaiveDate, TimeDelta, Utc};
use sqlwright::dsl::*;
use sqlwright::expr::Bound;
use sqlwright::prelude::*;
use sqlwright::render::{Render, SqlWriter};
use sqlwright::types::{Interval, Nullable, PgInterval};
use sqlwright::{Connection, Mysql};

mod schema {
    sqlwright::table! {
        stamps (id) {
            id -> Int4,
            tz -> Timestamptz,
            maybe -> Nullable<Timestamptz>,
        }
    }
}
use schema::stamps;

const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(schema::stamps);

fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32, micro: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_micro_opt(h, mi, s, micro)
        .unwrap()
        .and_utc()
}

/// Month ends, leap days (2000's, 2024's, and 1900, which had none), a year's last
/// microsecond, the days Europe and the US change their clocks, the epoch.
fn instants() -> Vec<DateTime<Utc>> {
    vec![
        utc(2024, 1, 31, 23, 59, 58, 999_999),
        utc(2023, 1, 31, 0, 0, 0, 0),
        utc(2024, 2, 29, 12, 30, 15, 250_000),
        utc(2024, 3, 31, 0, 0, 0, 0),
        utc(2000, 2, 29, 0, 0, 0, 1),
        utc(2023, 12, 31, 23, 59, 59, 999_999),
        utc(2024, 3, 10, 1, 30, 0, 0),
        utc(2024, 10, 27, 0, 30, 0, 0),
        utc(1970, 1, 1, 0, 0, 0, 0),
        utc(1900, 1, 29, 18, 0, 0, 0),
        utc(2024, 12, 31, 12, 0, 0, 0),
        utc(2024, 5, 31, 23, 0, 0, 0),
    ]
}

/// Months, days and microseconds: positive, negative, of mixed signs, a time part longer
/// than a day, zero.
fn intervals() -> Vec<PgInterval> {
    vec![
        PgInterval::new(1, 0, 0),
        PgInterval::new(1, 1, 0),
        PgInterval::new(-1, -1, 0),
        PgInterval::new(12, 0, 0),
        PgInterval::new(-12, 0, 0),
        PgInterval::new(0, 1, 3_600_000_001),
        PgInterval::new(13, -2, -1),
        PgInterval::new(-1, 31, 86_399_999_999),
        PgInterval::new(0, -1, 86_400_000_000),
        PgInterval::new(25, -400, 123_456_789_012),
        PgInterval::new(0, 0, -1),
        PgInterval::new(0, 0, 0),
    ]
}

/// `t + iv` (or `t - iv`) by PostgreSQL's rule, computed here: months (clamping the day),
/// then days, then microseconds.
fn by_the_rule(t: DateTime<Utc>, iv: &PgInterval, plus: bool) -> DateTime<Utc> {
    let sign = if plus { 1 } else { -1 };
    let months = iv.months * sign;
    let days = i64::from(iv.days) * sign as i64;
    let t = if months >= 0 {
        t.checked_add_months(Months::new(months as u32))
    } else {
        t.checked_sub_months(Months::new(months.unsigned_abs()))
    }
    .unwrap();
    let t = if days >= 0 {
        t.checked_add_days(Days::new(days as u64))
    } else {
        t.checked_sub_days(Days::new(days.unsigned_abs()))
    }
    .unwrap();
    t + TimeDelta::microseconds(iv.microseconds * sign as i64)
}

/// The same rows on PostgreSQL (its session at UTC) and MariaDB; every third `maybe` NULL.
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
    pg.batch_execute("SET TIME ZONE 'UTC'").unwrap();
    SCHEMA.create_all(&mut pg, false).unwrap();
    SCHEMA.create_all(&mut maria, false).unwrap();
    let rows = || -> Vec<_> {
        instants()
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    stamps::id.to(i as i32),
                    stamps::tz.to(t),
                    stamps::maybe.to((i % 3 != 1).then_some(t)),
                )
            })
            .collect()
    };
    insert_into(stamps::table)
        .values(rows())
        .execute(&mut pg)
        .unwrap();
    insert_into(stamps::table)
        .values(rows())
        .execute(&mut maria)
        .unwrap();
    (pg_db, pg, maria_db, maria)
}

type Sums = (
    DateTime<Utc>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
);

#[test]
fn a_timestamptz_plus_or_minus_an_interval_is_postgresqls_sum_at_utc() {
    let (_a, mut pg, _b, mut maria) = setup();
    let fixed = utc(2024, 1, 31, 22, 0, 0, 0);
    for iv in intervals() {
        let query = || {
            stamps::table
                .select((
                    stamps::tz.plus(value(iv)),
                    stamps::tz.minus(value(iv)),
                    stamps::maybe.plus(value(iv)),
                    stamps::maybe.minus(value(iv)),
                    value(fixed).plus(value(iv)),
                ))
                .order_by(stamps::id)
        };
        let on_pg: Vec<Sums> = query().load(&mut pg).unwrap();
        let on_maria: Vec<Sums> = query().load(&mut maria).unwrap();
        assert_eq!(on_maria, on_pg, "{iv:?}: MariaDB's rows, then PostgreSQL's");
        let expected: Vec<Sums> = instants()
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let maybe = i % 3 != 1;
                (
                    by_the_rule(t, &iv, true),
                    by_the_rule(t, &iv, false),
                    maybe.then(|| by_the_rule(t, &iv, true)),
                    maybe.then(|| by_the_rule(t, &iv, false)),
                    by_the_rule(fixed, &iv, true),
                )
            })
            .collect();
        assert_eq!(
            on_pg, expected,
            "{iv:?}: PostgreSQL's rows, then the rule's"
        );
    }
}

/// The edges named one by one, so that a sum in another order (days before months) or a
/// time part that does not carry over midnight is seen by name.
#[test]
fn month_ends_leap_days_and_midnight_at_the_edges() {
    let (_a, mut pg, _b, mut maria) = setup();
    let query = || {
        stamps::table
            .select((
                stamps::tz.plus(value(PgInterval::new(1, 1, 0))),
                stamps::tz.minus(value(PgInterval::new(1, 1, 0))),
                stamps::tz.plus(years(1)),
                stamps::tz.plus(value(PgInterval::new(0, 1, 3_600_000_001))),
                stamps::tz.minus(value(PgInterval::new(13, -2, -1))),
            ))
            .order_by(stamps::id)
    };
    type Row = (
        DateTime<Utc>,
        DateTime<Utc>,
        DateTime<Utc>,
        DateTime<Utc>,
        DateTime<Utc>,
    );
    let on_pg: Vec<Row> = query().load(&mut pg).unwrap();
    let on_maria: Vec<Row> = query().load(&mut maria).unwrap();
    assert_eq!(on_maria, on_pg, "MariaDB's rows, then PostgreSQL's");
    // 2024-01-31 23:59:58.999999 + 1 month 1 day: February 29th (clamped), then March 1st.
    assert_eq!(on_pg[0].0, utc(2024, 3, 1, 23, 59, 58, 999_999));
    // ... plus 1 day and 1 h 0.000001 s: the time carries over midnight.
    assert_eq!(on_pg[0].3, utc(2024, 2, 2, 0, 59, 59, 0));
    // 2024-03-31 - (1 month 1 day): months first (2024-02-29), then the day.
    assert_eq!(on_pg[3].1, utc(2024, 2, 28, 0, 0, 0, 0));
    // A leap day plus a year is the 28th.
    assert_eq!(on_pg[2].2, utc(2025, 2, 28, 12, 30, 15, 250_000));
    assert_eq!(on_pg[4].2, utc(2001, 2, 28, 0, 0, 0, 1));
    // 2024-02-29 12:30:15.25 - (13 months -2 days -1 us): 2023-01-29, +2 days, +1 us.
    assert_eq!(on_pg[2].4, utc(2023, 1, 31, 12, 30, 15, 250_001));
    // 1900 had no February 29th: 1900-01-29 + 1 month 1 day is March 1st.
    assert_eq!(on_pg[9].0, utc(1900, 3, 1, 18, 0, 0, 0));
    // The year's last microsecond minus (1 month 1 day).
    assert_eq!(on_pg[5].1, utc(2023, 11, 29, 23, 59, 59, 999_999));
}

/// The interval's parts are bound parameters, never written into the text, and a NULL
/// interval makes the sum NULL on both servers.
#[test]
fn the_parts_are_bound_and_a_null_interval_gives_null() {
    let e = stamps::tz.minus(months(1));
    let mut out = SqlWriter::for_dialect(sqlwright::backend::Dialect::Mysql);
    e.render(&mut out);
    let rendered = out.finish();
    assert_eq!(
        rendered.sql,
        "`stamps`.`tz` - INTERVAL ? MONTH - INTERVAL ? DAY - INTERVAL ? MICROSECOND"
    );
    assert_eq!(rendered.params.len(), 3);
    assert!(rendered.lacking.is_none(), "{:?}", rendered.lacking);

    let (_a, mut pg, _b, mut maria) = setup();
    let query = || {
        let none = Bound::<Nullable<Interval>, Option<PgInterval>>::new(None);
        stamps::table
            .select(stamps::tz.plus(none))
            .filter(
                stamps::tz
                    .plus(days(1))
                    .gt(value(utc(2024, 3, 1, 0, 0, 0, 0))),
            )
            .order_by(stamps::id)
    };
    let on_pg: Vec<Option<DateTime<Utc>>> = query().load(&mut pg).unwrap();
    let on_maria: Vec<Option<DateTime<Utc>>> = query().load(&mut maria).unwrap();
    assert_eq!(on_maria, on_pg);
    // 2024-02-29 12:30, 2024-03-31, 2024-03-10, 2024-10-27, 2024-12-31, 2024-05-31.
    assert_eq!(on_pg, vec![None; 6]);
}

/// Why the rule names UTC: PostgreSQL adds days in its session's zone, and across a DST
/// change a day there is 23 or 25 hours. MariaDB's sum is the UTC session's, not that one.
#[test]
fn a_day_is_24_hours_at_utc_and_25_across_a_dst_change_elsewhere() {
    let (_a, mut pg, _b, mut maria) = setup();
    let query = || {
        stamps::table
            .select(stamps::tz.plus(days(1)))
            .filter(stamps::id.eq(7))
    };
    // 2024-10-27 00:30 UTC is 02:30 in Berlin, before the clocks go back an hour.
    let at_utc: DateTime<Utc> = query().one(&mut pg).unwrap();
    let on_maria: DateTime<Utc> = query().one(&mut maria).unwrap();
    pg.batch_execute("SET TIME ZONE 'Europe/Berlin'").unwrap();
    let in_berlin: DateTime<Utc> = query().one(&mut pg).unwrap();
    assert_eq!(at_utc, utc(2024, 10, 28, 0, 30, 0, 0));
    assert_eq!(on_maria, at_utc);
    assert_eq!(in_berlin, utc(2024, 10, 28, 1, 30, 0, 0));
}
