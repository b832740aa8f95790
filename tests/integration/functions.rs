//! Text, math and conditional functions, CASE and window functions, on PostgreSQL and
//! SQLite: checked against the rows the data gives on both, and on PostgreSQL also against
//! the same SQL written by hand.

use crate::both::{spelled, text_of, with};
use crate::expressions::{staff, ROWS};
use crate::twice::twice;
use rust_decimal::Decimal;
use sqlwright::dsl::*;
use sqlwright::prelude::*;

macro_rules! fixture {
    () => {
        with::<B>(sqlwright::schema!(staff), ROWS)
    };
}

twice! {
    fn text_functions_have_postgres_types_and_nullability<B>() {
        let mut db = fixture!();
        let q = staff::table
            .select((
                lower(staff::name),
                upper(staff::city),
                length(trim(staff::name)),
                char_length(staff::name),
                substring(staff::dept, 1, 2),
                position("e", staff::dept),
                replace(staff::dept, "o", "0"),
                concat(staff::name, staff::bonus),
                staff::dept.concat("!"),
                ltrim(staff::name),
                rtrim(staff::name),
                substring_from(staff::dept, 2),
            ))
            .order_by(staff::id);
        type Row = (
            String,
            Option<String>,
            i32,
            i32,
            String,
            i32,
            String,
            String,
            String,
            String,
            String,
            String,
        );
        let typed: Vec<Row> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Option<Vec<Row>> = db.by_hand(
            "SELECT lower(name), upper(city), length(trim(name)), char_length(name),
                substring(dept from 1 for 2), position('e' in dept), replace(dept, 'o', '0'),
                concat(name, bonus), dept || '!', ltrim(name), rtrim(name), substring(dept from 2)
         FROM staff ORDER BY id",
            |r| {
                (
                    r.get(0),
                    r.get(1),
                    r.get(2),
                    r.get(3),
                    r.get(4),
                    r.get(5),
                    r.get(6),
                    r.get(7),
                    r.get(8),
                    r.get(9),
                    r.get(10),
                    r.get(11),
                )
            },
        );
        if let Some(hand) = hand {
            assert_eq!(typed, hand);
        }
        assert_eq!(typed[0].2, 3);
        assert_eq!(typed[1].1, None);
        assert_eq!(typed[1].7, "Bob");
        let s = |t: &str| t.to_string();
        #[rustfmt::skip]
        let expected: Vec<Row> = vec![
            (s("  ann "), Some(s("OSLO")), 3, 6, s("en"), 1, s("eng"), s("  Ann 10"), s("eng!"), s("Ann "), s("  Ann"), s("ng")),
            (s("bob"), None, 3, 3, s("en"), 1, s("eng"), s("Bob"), s("eng!"), s("Bob"), s("Bob"), s("ng")),
            (s("cid"), Some(s("ROME")), 3, 3, s("op"), 0, s("0ps"), s("Cid5"), s("ops!"), s("Cid"), s("Cid"), s("ps")),
            (s("dee"), Some(s("OSLO")), 3, 3, s("op"), 0, s("0ps"), s("Dee"), s("ops!"), s("Dee"), s("Dee"), s("ps")),
            (s("eve"), Some(s("LIMA")), 3, 3, s("sa"), 4, s("sales"), s("Eve7"), s("sales!"), s("Eve"), s("Eve"), s("ales")),
        ];
        assert_eq!(typed, expected);
    }

    fn math_and_conditional_functions<B>() {
        let mut db = fixture!();
        let q = staff::table
            .select((
                round(staff::salary),
                round_to(staff::salary, 1),
                abs(staff::bonus - 20),
                coalesce(staff::bonus, 0),
                nullif(staff::dept, "eng"),
            ))
            .order_by(staff::id);
        type Row = (Decimal, Decimal, Option<i32>, i32, Option<String>);
        let typed: Vec<Row> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Option<Vec<Row>> = db.by_hand(
            "SELECT round(salary), round(salary, 1), abs(bonus - 20), coalesce(bonus, 0),
                nullif(dept, 'eng')
         FROM staff ORDER BY id",
            |r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)),
        );
        if let Some(hand) = hand {
            assert_eq!(typed, hand);
        }
        // coalesce with a non-null fallback is not nullable.
        assert_eq!(typed[1].3, 0);
        let d = Decimal::new;
        let ops = || Some("ops".to_string());
        assert_eq!(
            typed,
            vec![
                (d(101, 0), d(1005, 1), Some(10), 10, None),
                (d(90, 0), d(900, 1), None, 0, None),
                (d(70, 0), d(703, 1), Some(15), 5, ops()),
                (d(80, 0), d(800, 1), None, 0, ops()),
                (d(60, 0), d(600, 1), Some(13), 7, Some("sales".into())),
            ]
        );
    }

    fn case_when_types_and_nullability<B>() {
        let mut db = fixture!();
        // On a float: on a decimal, SQLite compares the decimals' text (see
        // `expressions::windows_and_case_over_decimals`).
        let band = case_when(staff::rating.ge(4.0), "high")
            .when(staff::rating.ge(3.0), "mid")
            .otherwise("low");
        let no_else = case_when(staff::dept.eq("eng"), staff::id).end();
        let nullable_branch = case_when(staff::active, staff::bonus).otherwise(0);
        let q = staff::table
            .select((staff::id, band, no_else, nullable_branch))
            .order_by(staff::id);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(
                r#"SELECT "staff"."id", CASE WHEN "staff"."rating" >= $1 THEN $2 WHEN "staff"."rating" >= $3 THEN $4 ELSE $5 END, CASE WHEN "staff"."dept" = $6 THEN "staff"."id" END, CASE WHEN "staff"."active" THEN "staff"."bonus" ELSE $7 END FROM "staff" ORDER BY "staff"."id""#
            )
        );
        // Types: ELSE of non-null branches gives String; no ELSE gives Option; a nullable branch
        // gives Option.
        type Row = (i32, String, Option<i32>, Option<i32>);
        let typed: Vec<Row> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Option<Vec<Row>> = db.by_hand(
            "SELECT id, CASE WHEN rating >= 4 THEN 'high' WHEN rating >= 3 THEN 'mid' ELSE 'low' END,
                CASE WHEN dept = 'eng' THEN id END,
                CASE WHEN active THEN bonus ELSE 0 END
         FROM staff ORDER BY id",
            |r| (r.get(0), r.get(1), r.get(2), r.get(3)),
        );
        if let Some(hand) = hand {
            assert_eq!(typed, hand);
        }
        let band = |s: &str| s.to_string();
        assert_eq!(
            typed,
            vec![
                (1, band("high"), Some(1), Some(10)),
                (2, band("mid"), Some(2), None),
                (3, band("high"), None, Some(0)),
                (4, band("low"), None, None),
                (5, band("high"), None, Some(0)),
            ]
        );
        // CASE inside an aggregate, as TPC-H Q12 and Q14 use it.
        let counted: (Option<i64>, Option<i64>) = go!(staff::table
            .select((
                sum(case_when(staff::active, 1).otherwise(0)),
                sum(case_when(!staff::active, 1).otherwise(0)),
            ))
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(counted, (Some(3), Some(2)));
    }

    // `lead_or`: MariaDB's lead takes no default, so MySQL refuses it before sending (window
    // functions on MySQL: mariadb_semantics.rs).
    fn window_functions_with_partitions_orders_and_frames<B: PgOrSqlite>() {
        let mut db = fixture!();
        // Ordered by a float: ordered by a decimal, SQLite compares the decimals' text (see
        // `expressions::windows_and_case_over_decimals`).
        let by_dept = || {
            window()
                .partition_by(staff::dept)
                .order_by(staff::rating.desc())
        };
        let q = staff::table
            .select((
                staff::id,
                row_number().over(by_dept()),
                rank().over(window().order_by(staff::dept)),
                dense_rank().over(window().order_by(staff::dept)),
                percent_rank().over(window().order_by(staff::id)),
                cume_dist().over(window().order_by(staff::id)),
                ntile(2).over(window().order_by(staff::id)),
                lag(staff::name).over(window().order_by(staff::id)),
                lead_or(staff::id, 2, -1).over(window().order_by(staff::id)),
                first_value(staff::name).over(by_dept()),
                sum(staff::salary).over(window().partition_by(staff::dept)),
                count_star().over(
                    window()
                        .order_by(staff::id)
                        .rows_between(FrameBound::Preceding(1), FrameBound::CurrentRow),
                ),
            ))
            .order_by(staff::id);
        type Row = (
            i32,
            i64,
            i64,
            i64,
            f64,
            f64,
            i32,
            Option<String>,
            i32,
            Option<String>,
            Option<Decimal>,
            i64,
        );
        let typed: Vec<Row> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Option<Vec<Row>> = db.by_hand(
            "SELECT id, row_number() OVER (PARTITION BY dept ORDER BY rating DESC),
                rank() OVER (ORDER BY dept), dense_rank() OVER (ORDER BY dept),
                percent_rank() OVER (ORDER BY id), cume_dist() OVER (ORDER BY id),
                ntile(2) OVER (ORDER BY id), lag(name) OVER (ORDER BY id),
                lead(id, 2, -1) OVER (ORDER BY id),
                first_value(name) OVER (PARTITION BY dept ORDER BY rating DESC),
                sum(salary) OVER (PARTITION BY dept),
                count(*) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
         FROM staff ORDER BY id",
            |r| {
                (
                    r.get(0),
                    r.get(1),
                    r.get(2),
                    r.get(3),
                    r.get(4),
                    r.get(5),
                    r.get(6),
                    r.get(7),
                    r.get(8),
                    r.get(9),
                    r.get(10),
                    r.get(11),
                )
            },
        );
        if let Some(hand) = hand {
            assert_eq!(typed, hand);
        }
        assert_eq!(
            typed[4].8, -1,
            "lead with a non-null default is not nullable"
        );
        let name = |n: &str| Some(n.to_string());
        let total = |cents: i64| Some(Decimal::new(cents, 2));
        #[rustfmt::skip]
        let expected: Vec<Row> = vec![
            (1, 1, 1, 1, 0.0, 0.2, 1, None, 3, name("  Ann "), total(19050), 1),
            (2, 2, 1, 1, 0.25, 0.4, 1, name("  Ann "), 4, name("  Ann "), total(19050), 2),
            (3, 1, 3, 2, 0.5, 0.6, 1, name("Bob"), 5, name("Cid"), total(15025), 2),
            (4, 2, 3, 2, 0.75, 0.8, 2, name("Cid"), -1, name("Cid"), total(15025), 2),
            (5, 1, 5, 3, 1.0, 1.0, 2, name("Dee"), -1, name("Eve"), total(6000), 2),
        ];
        assert_eq!(typed, expected);

        // A frame that excludes the current row can be empty: first_value is then NULL.
        // lag/lead with an offset; date_trunc written twice is one expression to PostgreSQL
        // (the field is a literal, not two parameters).
        let q = staff::table
            .select((
                staff::id,
                first_value(staff::id).over(
                    window()
                        .order_by(staff::id)
                        .rows_between(FrameBound::Following(1), FrameBound::Following(2)),
                ),
                lag_by(staff::id, 2).over(window().order_by(staff::id)),
                lead_by(staff::id, 2).over(window().order_by(staff::id)),
            ))
            .order_by(staff::id);
        type Offsets = (i32, Option<i32>, Option<i32>, Option<i32>);
        let typed: Vec<Offsets> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(typed[4], (5, None, Some(3), None));
        assert_eq!(typed[0], (1, Some(2), None, Some(3)));
        // A window over an aggregate in a grouped query, and ordering by a window.
        let q = staff::table
            .group_by(staff::dept)
            .select((
                staff::dept,
                sum(staff::salary),
                rank().over(window().order_by(sum(staff::salary).desc())),
            ))
            .order_by(rank().over(window().order_by(sum(staff::salary).desc())));
        let typed: Vec<(String, Option<Decimal>, i64)> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Option<Vec<(String, Option<Decimal>, i64)>> = db.by_hand(
            "SELECT dept, sum(salary), rank() OVER (ORDER BY sum(salary) DESC) FROM staff
         GROUP BY dept ORDER BY rank() OVER (ORDER BY sum(salary) DESC)",
            |r| (r.get(0), r.get(1), r.get(2)),
        );
        if let Some(hand) = hand {
            assert_eq!(typed, hand);
        }
        assert_eq!(typed[0].0, "eng");
        assert_eq!(
            typed,
            vec![
                ("eng".to_string(), Some(Decimal::new(19050, 2)), 1),
                ("ops".to_string(), Some(Decimal::new(15025, 2)), 2),
                ("sales".to_string(), Some(Decimal::new(6000, 2)), 3),
            ]
        );
    }
}
