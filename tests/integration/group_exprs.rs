//! GROUP BY expressions: `date_trunc`, `extract`, `lower(..)`, arithmetic and casts as
//! grouping items, recognised again in the select list, HAVING and ORDER BY.

use crate::both::{spelled, text_of, with};
use crate::schema::*;
use crate::twice::twice;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlwright::backend::Dialect;
use sqlwright::dsl::*;
use sqlwright::prelude::*;
use sqlwright::Postgres;

sqlwright::table! {
    sales (id) {
        #[serial] id -> Int4,
        customer -> Text,
        ordered_at -> Timestamp,
        total -> Numeric,
    }
}

const SALES_SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(sales);
const SALES: &str = "
INSERT INTO sales (customer, ordered_at, total) VALUES
    ('Ann', '2026-01-03 10:00', 10.50),
    ('Bob', '2026-01-20 12:30', 4.00),
    ('ann', '2026-02-01 09:00', 7.25),
    ('Ann', '2026-02-14 18:45', 2.75),
    ('Cid', '2025-12-31 23:59', 100.00);
";

twice! {
    fn grouped_by_an_expression_of_a_column<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        // lower(name) grouped, selected, ordered by, and named in HAVING
        let q = users::table
            .group_by(lower(users::name))
            .select((lower(users::name), count_star()))
            .having(lower(users::name).ne("bob"))
            .order_by(lower(users::name).desc());
        // MySQL's HAVING cannot read `users`.`name` (only the select list's names, grouped
        // columns and aggregates): a condition without an aggregate is one value per group,
        // written there as its MAX over the group's rows.
        let having = if B::DIALECT == Dialect::Mysql {
            "MAX(lower(\"users\".\"name\") <> $1)"
        } else {
            "lower(\"users\".\"name\") <> $1"
        };
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(&format!(
                "SELECT lower(\"users\".\"name\"), COUNT(*) FROM \"users\" GROUP BY lower(\"users\".\"name\") \
         HAVING {having} ORDER BY lower(\"users\".\"name\") DESC"
            ))
        );
        let rows: Vec<(String, i64)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(rows.len(), 4);
        assert!(rows.iter().all(|(n, c)| n != "bob" && *c == 1));
        // (SQLite's lower() folds ASCII letters only)
        assert_eq!(rows[0].0.to_lowercase(), "ёжик");
        assert_eq!(rows[1].0, "dee");
        // beside an aggregate condition (on MySQL each side of the AND is its own condition,
        // the one without an aggregate written through MAX)
        let q = users::table
            .group_by(lower(users::name))
            .select((lower(users::name), count_star()))
            .having(lower(users::name).ne("bob"))
            .having(count_star().ge(1))
            .order_by(lower(users::name).desc());
        if B::DIALECT == Dialect::Mysql {
            assert!(
                text_of(q.debug_sql_for(B::DIALECT)).contains(
                    " HAVING (MAX(lower(`users`.`name`) <> ?)) AND (COUNT(*) >= ?) ORDER BY"
                ),
                "{}",
                q.debug_sql_for(B::DIALECT)
            );
        }
        let again: Vec<(String, i64)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(again, rows);
        // an expression of a grouped column needs no grouping of its own
        let rows: Vec<(Option<String>, Option<String>, i64)> = go!(users::table
            .group_by((users::hair_color, upper(users::hair_color)))
            .select((upper(users::hair_color), users::hair_color, count_star()))
            .filter(users::hair_color.is_not_null())
            .order_by(users::hair_color)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            rows,
            [
                (Some("BLACK".into()), Some("black".into()), 1),
                (Some("RED".into()), Some("red".into()), 2),
            ]
        );
    }
}

twice! {
    fn monthly_totals_grouped_by_date_trunc() {
        let mut db = with::<Postgres>(SALES_SCHEMA, SALES);
        let month = date_trunc(Field::Month, sales::ordered_at);
        let q = sales::table
            .group_by(month)
            .select((month, sum(sales::total), count_star()))
            .having(count_star().gt(1))
            .order_by(month);
        assert_eq!(
            text_of(q.debug_sql_for(Dialect::Postgres)),
            "SELECT date_trunc('month', \"sales\".\"ordered_at\"), SUM(\"sales\".\"total\"), COUNT(*) \
         FROM \"sales\" GROUP BY date_trunc('month', \"sales\".\"ordered_at\") \
         HAVING COUNT(*) > $1 ORDER BY date_trunc('month', \"sales\".\"ordered_at\")"
        );
        let rows: Vec<(chrono::NaiveDateTime, Option<Decimal>, i64)> = go!(q.load(&mut db.conn)).unwrap();
        let first = |m: u32| {
            NaiveDate::from_ymd_opt(2026, m, 1)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
        };
        assert_eq!(
            rows,
            [
                (first(1), Some(Decimal::new(1450, 2)), 2),
                (first(2), Some(Decimal::new(1000, 2)), 2),
            ]
        );
        // the month next to a grouped column, in SQLAlchemy's order (select, then group_by)
        let rows: Vec<(String, chrono::NaiveDateTime, Option<Decimal>)> = go!(sales::table
            .select((sales::customer, month, sum(sales::total)))
            .group_by((sales::customer, month))
            .filter(sales::ordered_at.ge(first(1)))
            .order_by((sales::customer, month))
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            rows,
            [
                ("Ann".into(), first(1), Some(Decimal::new(1050, 2))),
                ("Ann".into(), first(2), Some(Decimal::new(275, 2))),
                ("Bob".into(), first(1), Some(Decimal::new(400, 2))),
                ("ann".into(), first(2), Some(Decimal::new(725, 2))),
            ]
        );
    }

    fn yearly_counts_grouped_by_extract_and_a_cast() {
        let mut db = with::<Postgres>(SALES_SCHEMA, SALES);
        let year = extract(Field::Year, sales::ordered_at);
        let rows: Vec<(Decimal, i64)> = go!(sales::table
            .group_by(year)
            .select((year, count_star()))
            .order_by(year.desc())
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(rows, [(Decimal::from(2026), 4), (Decimal::from(2025), 1)]);
        // a cast to date, and arithmetic on an aggregate of the group
        let day = cast::<Date, _>(sales::ordered_at);
        let rows: Vec<(NaiveDate, Option<Decimal>)> = go!(sales::table
            .group_by(day)
            .select((day, sum(sales::total) + sum(sales::total)))
            .filter(sales::customer.eq("Ann"))
            .order_by(day)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            rows,
            [
                (
                    NaiveDate::from_ymd_opt(2026, 1, 3).unwrap(),
                    Some(Decimal::new(2100, 2))
                ),
                (
                    NaiveDate::from_ymd_opt(2026, 2, 14).unwrap(),
                    Some(Decimal::new(550, 2))
                ),
            ]
        );
    }
}
