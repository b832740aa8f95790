//! The expression language's PostgreSQL-only parts: arrays and ordered aggregates, CAST,
//! date arithmetic, ordered-set aggregates and grouping sets, sequences, columns chosen at
//! run time; each checked against the same SQL written by hand on a real server. The
//! portable functions, CASE and windows are in `functions.rs`, on both backends.

use crate::twice::twice;
use crate::{by_hand, setup};
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use sqlwright::dsl::*;
use sqlwright::prelude::*;

sqlwright::table! {
    staff (id) {
        id -> Int4,
        name -> Text,
        dept -> Text,
        city -> Nullable<Text>,
        salary -> Numeric,
        bonus -> Nullable<Int4>,
        hired -> Date,
        rating -> Float8,
        active -> Bool,
    }
}

pub const DDL: &str = concat!(
    "
CREATE TABLE staff (id int4 PRIMARY KEY, name text NOT NULL, dept text NOT NULL, city text,
    salary numeric(10,2) NOT NULL, bonus int4, hired date NOT NULL, rating float8 NOT NULL,
    active bool NOT NULL);",
    rows!()
);

/// The rows of [`DDL`], as portable INSERT text.
pub const ROWS: &str = rows!();

macro_rules! rows {
    () => {
        "
INSERT INTO staff VALUES
    (1, '  Ann ', 'eng', 'Oslo', 100.50, 10, '2020-01-15', 4.5, true),
    (2, 'Bob', 'eng', NULL, 90.00, NULL, '2021-03-01', 3.0, true),
    (3, 'Cid', 'ops', 'Rome', 70.25, 5, '2019-07-30', 4.0, false),
    (4, 'Dee', 'ops', 'Oslo', 80.00, NULL, '2022-11-11', 2.5, true),
    (5, 'Eve', 'sales', 'Lima', 60.00, 7, '2018-02-28', 5.0, false);
"
    };
}
use rows;

twice! {
    fn aggregates_beyond_the_basic_five() {
        let mut db = setup(DDL);
        let q = staff::table
            .group_by(staff::dept)
            .select((
                staff::dept,
                array_agg(staff::id),
                string_agg(staff::name, ","),
                bool_and(staff::active),
                bool_or(staff::active),
                array_agg(staff::bonus),
            ))
            .order_by(staff::dept);
        type Row = (
            String,
            Option<Vec<i32>>,
            Option<String>,
            Option<bool>,
            Option<bool>,
            Option<Vec<Option<i32>>>,
        );
        let typed: Vec<Row> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Vec<Row> = by_hand(
            &mut db,
            "SELECT dept, array_agg(id), string_agg(name, ','), bool_and(active), bool_or(active),
                array_agg(bonus)
         FROM staff GROUP BY dept ORDER BY dept",
            |r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)),
        );
        assert_eq!(typed, hand);
        assert_eq!(typed[0].5, Some(vec![Some(10), None]));

        // ORDER BY inside the aggregate, and DISTINCT with it.
        let q = staff::table
            .group_by(staff::dept)
            .select((
                staff::dept,
                string_agg(staff::name, ",").order_by(staff::name.desc()),
                array_agg(staff::id).order_by((staff::active.desc(), staff::id.desc())),
                array_agg(staff::city).distinct().order_by(staff::city),
            ))
            .order_by(staff::dept);
        assert_eq!(
            q.to_sql(),
            r#"SELECT "staff"."dept", string_agg("staff"."name", $1 ORDER BY "staff"."name" DESC), array_agg("staff"."id" ORDER BY "staff"."active" DESC, "staff"."id" DESC), array_agg(DISTINCT "staff"."city" ORDER BY "staff"."city") FROM "staff" GROUP BY "staff"."dept" ORDER BY "staff"."dept""#
        );
        type Ordered = (
            String,
            Option<String>,
            Option<Vec<i32>>,
            Option<Vec<Option<String>>>,
        );
        let typed: Vec<Ordered> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Vec<Ordered> = by_hand(
            &mut db,
            "SELECT dept, string_agg(name, ',' ORDER BY name DESC),
                array_agg(id ORDER BY active DESC, id DESC), array_agg(DISTINCT city ORDER BY city)
         FROM staff GROUP BY dept ORDER BY dept",
            |r| (r.get(0), r.get(1), r.get(2), r.get(3)),
        );
        assert_eq!(typed, hand);
        assert_eq!(typed[1].2, Some(vec![4, 3]));
    }

    fn date_time_functions_and_arithmetic() {
        let mut db = setup(DDL);
        let day = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
        let q = staff::table
            .filter(staff::hired.lt(value(day).plus(365)))
            .select((
                extract(Field::Year, staff::hired),
                date_part(Field::Month, staff::hired),
                staff::hired.plus(days(10)),
                staff::hired.plus(30),
                staff::hired.minus(value(day)),
                date_trunc(Field::Month, staff::hired.plus(months(1))),
                staff::hired.minus(years(1)),
            ))
            .order_by(staff::id);
        type Row = (
            Decimal,
            f64,
            NaiveDateTime,
            NaiveDate,
            i32,
            NaiveDateTime,
            NaiveDateTime,
        );
        let typed: Vec<Row> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Vec<Row> = by_hand(
            &mut db,
            "SELECT extract(year from hired), date_part('month', hired), hired + interval '10 days',
                hired + 30, hired - date '2021-01-01',
                date_trunc('month', hired + interval '1 month'), hired - interval '1 year'
         FROM staff WHERE hired < date '2021-01-01' + 365 ORDER BY id",
            |r| {
                (
                    r.get(0),
                    r.get(1),
                    r.get(2),
                    r.get(3),
                    r.get(4),
                    r.get(5),
                    r.get(6),
                )
            },
        );
        assert_eq!(typed, hand);
        assert_eq!(typed.len(), 4);
        assert_eq!(typed[0].0, Decimal::from(2020));

        // The clock functions: types and plausibility (the server's clock, not the client's).
        let (now_, date_, time_, ts, lt, lts, user, session, r): (
            chrono::DateTime<chrono::Utc>,
            NaiveDate,
            chrono::NaiveTime,
            chrono::DateTime<chrono::Utc>,
            chrono::NaiveTime,
            NaiveDateTime,
            String,
            String,
            f64,
        ) = go!(staff::table
            .select((
                now(),
                current_date(),
                current_time(),
                current_timestamp(),
                localtime(),
                localtimestamp(),
                current_user(),
                session_user(),
                random(),
            ))
            .first(&mut db.conn))
            .unwrap()
            .unwrap();
        assert_eq!(
            now_, ts,
            "now() and CURRENT_TIMESTAMP are the transaction start"
        );
        assert!((chrono::Utc::now() - now_).num_minutes().abs() < 60);
        assert!((date_ - now_.date_naive()).num_days().abs() <= 1);
        let _ = (time_, lt, lts);
        let who: String = db
            .client()
            .query_one("SELECT CURRENT_USER::text", &[])
            .unwrap()
            .get(0);
        assert_eq!((user, session), (who.clone(), who));
        assert!((0.0..1.0).contains(&r));
    }

    fn cast_to_sql_types() {
        let mut db = setup(DDL);
        let q = staff::table
            .select((
                cast::<Text, _>(staff::id),
                cast::<Int8, _>(staff::bonus),
                cast::<Numeric, _>(staff::rating),
                cast::<Int4, _>(staff::salary),
                cast::<Date, _>(cast::<Text, _>(staff::hired)),
            ))
            .order_by(staff::id);
        type Row = (String, Option<i64>, Decimal, i32, NaiveDate);
        let typed: Vec<Row> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Vec<Row> = by_hand(
            &mut db,
            "SELECT CAST(id AS text), CAST(bonus AS int8), CAST(rating AS numeric),
                CAST(salary AS int4), CAST(CAST(hired AS text) AS date)
         FROM staff ORDER BY id",
            |r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)),
        );
        assert_eq!(typed, hand);
        assert_eq!(typed[0].3, 101, "numeric rounds when cast to int4");
        // A value that does not convert is the server's error, typed, with nothing lost.
        let err = go!(staff::table
            .select(cast::<Int4, _>(staff::name))
            .load(&mut db.conn))
            .unwrap_err();
        assert!(err.to_string().contains("invalid input syntax"), "{err}");
        assert_eq!(go!(staff::table.count(&mut db.conn)).unwrap(), 5);
    }

    fn ordered_set_aggregates_and_grouping_sets() {
        let mut db = setup(DDL);
        let q = staff::table
            .group_by(staff::dept)
            .select((
                staff::dept,
                mode().within_group(staff::city),
                percentile_cont(0.5).within_group(staff::rating),
                percentile_disc(0.5).within_group_desc(staff::salary),
            ))
            .order_by(staff::dept);
        type Row = (String, Option<String>, Option<f64>, Option<Decimal>);
        let typed: Vec<Row> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Vec<Row> = by_hand(
            &mut db,
            "SELECT dept, mode() WITHIN GROUP (ORDER BY city),
                percentile_cont(0.5) WITHIN GROUP (ORDER BY rating),
                percentile_disc(0.5) WITHIN GROUP (ORDER BY salary DESC)
         FROM staff GROUP BY dept ORDER BY dept",
            |r| (r.get(0), r.get(1), r.get(2), r.get(3)),
        );
        assert_eq!(typed, hand);

        // ROLLUP: the grouped columns come back as Option (NULL in the subtotal rows).
        let q = staff::table
            .group_by(rollup((staff::dept, staff::active)))
            .select((
                staff::dept,
                staff::active,
                count_star(),
                grouping((staff::dept, staff::active)),
            ))
            .order_by((
                staff::dept.asc().nulls_last(),
                staff::active.asc().nulls_last(),
            ));
        let typed: Vec<(Option<String>, Option<bool>, i64, i32)> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Vec<(Option<String>, Option<bool>, i64, i32)> = by_hand(
            &mut db,
            "SELECT dept, active, count(*), grouping(dept, active) FROM staff
         GROUP BY ROLLUP (dept, active) ORDER BY dept NULLS LAST, active NULLS LAST",
            |r| (r.get(0), r.get(1), r.get(2), r.get(3)),
        );
        assert_eq!(typed, hand);
        assert_eq!(typed.last().unwrap(), &(None, None, 5, 3));

        let q = staff::table
            .group_by(cube((staff::dept, staff::active)))
            .select((staff::dept, staff::active, count_star()));
        assert_eq!(
            go!(q.load(&mut db.conn)).unwrap().len(),
            by_hand(
                &mut db,
                "SELECT 1 FROM staff GROUP BY CUBE (dept, active)",
                |_| ()
            )
            .len()
        );
        let q = staff::table
            .group_by(grouping_sets((staff::dept, (staff::city,), ())))
            .select((staff::dept, staff::city, count_star()))
            .order_by((
                staff::dept.asc().nulls_last(),
                staff::city.asc().nulls_last(),
            ));
        assert_eq!(
            q.to_sql(),
            r#"SELECT "staff"."dept", "staff"."city", COUNT(*) FROM "staff" GROUP BY GROUPING SETS (("staff"."dept"), ("staff"."city"), ()) ORDER BY "staff"."dept" ASC NULLS LAST, "staff"."city" ASC NULLS LAST"#
        );
        let typed: Vec<(Option<String>, Option<String>, i64)> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Vec<(Option<String>, Option<String>, i64)> = by_hand(
            &mut db,
            "SELECT dept, city, count(*) FROM staff GROUP BY GROUPING SETS ((dept), (city), ())
         ORDER BY dept NULLS LAST, city NULLS LAST",
            |r| (r.get(0), r.get(1), r.get(2)),
        );
        assert_eq!(typed, hand);
    }

    fn user_declared_functions_and_sequences() {
        let mut db = setup(DDL);
        let q = staff::table
            .group_by(staff::dept)
            .select((staff::dept, left(staff::dept, 1), every(staff::active)))
            .order_by(staff::dept);
        let typed: Vec<(String, String, Option<bool>)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(
            typed,
            vec![
                ("eng".into(), "e".into(), Some(true)),
                ("ops".into(), "o".into(), Some(false)),
                ("sales".into(), "s".into(), Some(false)),
            ]
        );
        // Nullability follows the arguments: `left(city, 1)` is Option.
        let cities: Vec<Option<String>> = go!(staff::table
            .select(left(staff::city, 1))
            .order_by(staff::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(cities[1], None);

        const TICKETS: Sequence = Sequence::new("ticket \"numbers\"");
        go!(db.conn.batch_execute(&TICKETS.create_sql())).unwrap();
        let first: Vec<(i32, i64)> = go!(staff::table
            .select((staff::id, TICKETS.nextval()))
            .order_by(staff::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            first.iter().map(|r| r.1).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5]
        );
        let current: i64 = go!(staff::table
            .select(TICKETS.currval())
            .first(&mut db.conn))
            .unwrap()
            .unwrap();
        assert_eq!(current, 5);
        go!(db.conn.batch_execute(&TICKETS.drop_sql())).unwrap();
    }

    /// `greatest`/`least` skip NULL arguments on PostgreSQL; SQLite's several-argument
    /// `max`/`min` return NULL if any argument is, so there is no exact rewrite for a nullable
    /// argument (docs/design.md): PostgreSQL's.
    fn greatest_and_least_skip_nulls() {
        let mut db = setup(DDL);
        let q = staff::table
            .select((greatest(staff::bonus, staff::id), least(staff::id, 3)))
            .order_by(staff::id);
        let typed: Vec<(i32, i32)> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Vec<(i32, i32)> = by_hand(
            &mut db,
            "SELECT greatest(bonus, id), least(id, 3) FROM staff ORDER BY id",
            |r| (r.get(0), r.get(1)),
        );
        assert_eq!(typed, hand);
        // greatest of a nullable and a non-null column is not nullable (PostgreSQL skips NULL
        // arguments).
        assert_eq!(typed[1].0, 2);
    }

    /// Windows over dates: `date_trunc`, and RANGE frames by an interval.
    fn windows_over_dates() {
        let mut db = setup(DDL);
        let years: Vec<NaiveDateTime> = go!(staff::table
            .select(date_trunc(Field::Year, cast::<Timestamp, _>(staff::hired)))
            .distinct()
            .order_by(date_trunc(Field::Year, cast::<Timestamp, _>(staff::hired)))
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(years.len(), 5);

        // RANGE frames by an interval over a date ORDER BY column.
        let q = staff::table
            .select((
                staff::id,
                count_star().over(window().order_by(staff::hired).range_between(
                    FrameBound::PrecedingBy(sqlwright::types::PgInterval::new(0, 800, 0)),
                    FrameBound::CurrentRow,
                )),
            ))
            .order_by(staff::id);
        let typed: Vec<(i32, i64)> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Vec<(i32, i64)> = by_hand(
            &mut db,
            "SELECT id, count(*) OVER (ORDER BY hired RANGE BETWEEN interval '800 days' PRECEDING
         AND CURRENT ROW) FROM staff ORDER BY id",
            |r| (r.get(0), r.get(1)),
        );
        assert_eq!(typed, hand);
        assert!(typed.iter().any(|r| r.1 > 1), "{typed:?}");
    }

    /// `floor`, `ceil`, `mod`, `power` and `sqrt`: PostgreSQL's for now (the bundled SQLite is
    /// built without its math functions: "no such function: floor").
    fn math_functions() {
        let mut db = setup(DDL);
        let q = staff::table
            .select((
                floor(staff::salary),
                ceil(staff::rating),
                modulo(staff::id, 2),
                power(staff::rating, 2.0),
                sqrt(staff::rating),
            ))
            .order_by(staff::id);
        type Row = (Decimal, f64, i32, f64, f64);
        let typed: Vec<Row> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Vec<Row> = by_hand(
            &mut db,
            "SELECT floor(salary), ceil(rating), mod(id, 2), power(rating, 2.0), sqrt(rating)
         FROM staff ORDER BY id",
            |r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)),
        );
        assert_eq!(typed, hand);
    }

    /// Windows ordered by a decimal and CASE comparing one: PostgreSQL's for now. SQLite
    /// stores decimals as their text, so it compares and orders them as text ('100.5' < '90').
    fn windows_and_case_over_decimals() {
        let mut db = setup(DDL);
        let by_dept = || {
            window()
                .partition_by(staff::dept)
                .order_by(staff::salary.desc())
        };
        let band = case_when(staff::salary.ge(Decimal::from(90)), "high")
            .when(staff::salary.ge(Decimal::from(70)), "mid")
            .otherwise("low");
        let q = staff::table
            .select((
                staff::id,
                row_number().over(by_dept()),
                first_value(staff::name).over(by_dept()),
                band,
            ))
            .order_by(staff::id);
        type Row = (i32, i64, Option<String>, String);
        let typed: Vec<Row> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Vec<Row> = by_hand(
            &mut db,
            "SELECT id, row_number() OVER (PARTITION BY dept ORDER BY salary DESC),
                first_value(name) OVER (PARTITION BY dept ORDER BY salary DESC),
                CASE WHEN salary >= 90 THEN 'high' WHEN salary >= 70 THEN 'mid' ELSE 'low' END
         FROM staff ORDER BY id",
            |r| (r.get(0), r.get(1), r.get(2), r.get(3)),
        );
        assert_eq!(typed, hand);
        assert_eq!(typed[0], (1, 1, Some("  Ann ".into()), "high".into()));
    }
}

sqlwright::sql_function!(
    /// `pg_catalog.left(text, int)`.
    fn left(s: Text, n: Int4) -> Text
);
sqlwright::sql_function!(aggregate fn every(b: Bool) -> Nullable<Bool>);

twice! {
    fn boxed_queries_choose_filters_orders_and_columns_at_run_time() {
        let mut db = setup(DDL);
        let search = |dept: Option<&str>, min_salary: Option<i64>, newest_first: bool| {
            let mut q = staff::table.select(staff::id).into_boxed();
            if let Some(dept) = dept {
                q = q.filter(staff::dept.eq(dept.to_string()));
            }
            if let Some(min) = min_salary {
                q = q.filter(staff::salary.ge(Decimal::from(min)));
            }
            q = q.filter_opt(dept.is_none().then(|| staff::active.eq(true)));
            if newest_first {
                q.then_order_by(staff::hired.desc())
            } else {
                q.then_order_by(staff::id)
            }
        };
        let ids: Vec<i32> = go!(search(None, None, false).load(&mut db.conn)).unwrap();
        assert_eq!(ids, [1, 2, 4]);
        let ids: Vec<i32> = go!(search(Some("eng"), None, true).load(&mut db.conn)).unwrap();
        assert_eq!(ids, [2, 1]);
        let ids: Vec<i32> = go!(search(Some("ops"), Some(75), false).load(&mut db.conn)).unwrap();
        assert_eq!(ids, [4]);
        let ids: Vec<i32> = go!(search(None, Some(85), true).load(&mut db.conn)).unwrap();
        assert_eq!(ids, [2, 1]);

        // Columns chosen at run time; rows read by name.
        for wanted in [vec!["name"], vec!["name", "city", "bonus"]] {
            let mut columns = sqlwright::query::BoxedColumns::default();
            for w in &wanted {
                match *w {
                    "name" => columns.push(staff::name),
                    "city" => columns.push(staff::city),
                    "bonus" => columns.push(coalesce(staff::bonus, 0)),
                    _ => unreachable!(),
                };
            }
            let q = staff::table
                .query()
                .filter(staff::id.eq(2))
                .select_boxed(columns);
            let rows = go!(q.load_dyn(&mut db.conn)).unwrap();
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].len(), wanted.len());
            assert_eq!(rows[0].get::<String>("name").unwrap(), "Bob");
            if wanted.len() == 3 {
                assert_eq!(rows[0].get::<Option<String>>("city").unwrap(), None);
                assert_eq!(rows[0].get::<i32>(2).unwrap(), 0);
            }
        }
        let empty = sqlwright::query::BoxedColumns::default();
        let q = staff::table.query().select_boxed(empty);
        let err = go!(q.load_dyn(&mut db.conn)).unwrap_err();
        assert!(matches!(err, sqlwright::Error::Misuse(_)), "{err}");
    }
}
