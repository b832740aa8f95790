//! LATERAL joins (PostgreSQL): a subquery in FROM that reads the tables joined before it,
//! its columns typed by a `#[derived]` table and loaded as `Option` under LEFT JOIN. Each
//! test checks the rendered SQL and the rows the data gives.

use crate::setup;
use crate::twice::twice;
use chrono::{NaiveDate, NaiveDateTime};
use sqlwright::dsl::*;
use sqlwright::prelude::*;

sqlwright::table! {
    tiers (id) {
        id -> Int4,
        name -> Text,
        threshold -> Int4,
    }
    customers (id) {
        id -> Int4,
        name -> Text,
        #[references(tiers::id)]
        tier_id -> Int4,
    }
    orders (id) {
        id -> Int4,
        #[references(customers::id)]
        customer_id -> Int4,
        ordered_at -> Timestamp,
        total -> Int4,
    }

    /// A customer's latest orders.
    #[derived]
    recent {
        id -> Int4,
        ordered_at -> Timestamp,
        total -> Int4,
    }

    /// Figures computed per customer.
    #[derived]
    stats {
        orders -> Int8,
        spent -> Nullable<Int8>,
        last_order -> Nullable<Timestamp>,
    }
}

const DDL: &str = "
CREATE TABLE tiers (id int4 PRIMARY KEY, name text NOT NULL, threshold int4 NOT NULL);
CREATE TABLE customers (id int4 PRIMARY KEY, name text NOT NULL,
    tier_id int4 NOT NULL REFERENCES tiers);
CREATE TABLE orders (id int4 PRIMARY KEY, customer_id int4 NOT NULL REFERENCES customers,
    ordered_at timestamp NOT NULL, total int4 NOT NULL);
INSERT INTO tiers VALUES (1, 'gold', 100), (2, 'basic', 20);
INSERT INTO customers VALUES (1, 'Ann', 1), (2, 'Bob', 2), (3, 'Cid', 2), (4, 'Dee', 1);
INSERT INTO orders VALUES
    (10, 1, '2024-01-05 10:00', 120), (11, 1, '2024-02-01 09:30', 40),
    (12, 1, '2024-03-10 12:00', 300), (13, 1, '2024-04-01 08:15', 90),
    (20, 2, '2024-01-10 11:00', 15), (21, 2, '2024-02-20 16:45', 60),
    (30, 4, '2024-05-05 14:00', 80);
";

fn at(month: u32, day: u32, hour: u32, minute: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2024, month, day)
        .unwrap()
        .and_hms_opt(hour, minute, 0)
        .unwrap()
}

/// Each customer's three latest orders, newest first: the subquery reads `customers`.
macro_rules! latest_three {
    () => {
        orders::table
            .correlate(customers::table)
            .filter(orders::customer_id.eq(customers::id))
            .order_by(orders::ordered_at.desc())
            .limit(3)
            .select((orders::id, orders::ordered_at, orders::total))
    };
}

const LATEST_THREE: &str = r#"(SELECT "orders"."id", "orders"."ordered_at", "orders"."total" FROM "orders" WHERE "orders"."customer_id" = "customers"."id" ORDER BY "orders"."ordered_at" DESC LIMIT $1) AS "recent"("id", "ordered_at", "total")"#;

twice! {
    fn left_join_lateral_gives_each_customer_their_latest_orders() {
        let mut db = setup(DDL);
        let q = customers::table
            .left_join_lateral(recent::table, latest_three!())
            .select((customers::name, recent::id, recent::ordered_at))
            .order_by((customers::id, recent::ordered_at.desc()));
        assert_eq!(
            q.to_sql(),
            format!(
                r#"SELECT "customers"."name", "recent"."id", "recent"."ordered_at" FROM "customers" LEFT JOIN LATERAL {LATEST_THREE} ON TRUE ORDER BY "customers"."id", "recent"."ordered_at" DESC"#
            )
        );
        let rows: Vec<(String, Option<i32>, Option<NaiveDateTime>)> = go!(q.load(&mut db.conn)).unwrap();
        let some = |name: &str, id, t| (name.to_string(), Some(id), Some(t));
        assert_eq!(
            rows,
            [
                some("Ann", 13, at(4, 1, 8, 15)),
                some("Ann", 12, at(3, 10, 12, 0)),
                some("Ann", 11, at(2, 1, 9, 30)),
                some("Bob", 21, at(2, 20, 16, 45)),
                some("Bob", 20, at(1, 10, 11, 0)),
                // no orders: one row, the LATERAL columns NULL
                ("Cid".to_string(), None, None),
                some("Dee", 30, at(5, 5, 14, 0)),
            ]
        );
        // The whole default selection: the customer, then the LATERAL row as an Option.
        let whole = go!(customers::table
            .left_join_lateral(recent::table, latest_three!().limit(1))
            .order_by(customers::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(whole.len(), 4);
        assert_eq!(whole[0].1, Some((13, at(4, 1, 8, 15), 90)));
        assert_eq!(whole[2], ((3, "Cid".to_string(), 2), None));
    }

    fn inner_join_lateral_leaves_out_customers_without_orders() {
        let mut db = setup(DDL);
        let q = customers::table
            .inner_join_lateral(recent::table, latest_three!())
            .select((customers::name, recent::total))
            .order_by((customers::id, recent::ordered_at.desc()));
        assert_eq!(
            q.to_sql(),
            format!(
                r#"SELECT "customers"."name", "recent"."total" FROM "customers" INNER JOIN LATERAL {LATEST_THREE} ON TRUE ORDER BY "customers"."id", "recent"."ordered_at" DESC"#
            )
        );
        // Not `Option`: an inner join gives only rows the subquery returned.
        let rows: Vec<(String, i32)> = go!(q.load(&mut db.conn)).unwrap();
        let expected = [
            ("Ann", 90),
            ("Ann", 300),
            ("Ann", 40),
            ("Bob", 60),
            ("Bob", 15),
            ("Dee", 80),
        ];
        assert_eq!(
            rows,
            expected.map(|(n, t)| (n.to_string(), t)).to_vec(),
            "Cid, who has no orders, is left out"
        );
    }

    fn lateral_subquery_with_an_aggregate_per_customer() {
        let mut db = setup(DDL);
        let per_customer = orders::table
            .correlate(customers::table)
            .filter(orders::customer_id.eq(customers::id))
            .select((count_star(), sum(orders::total), max(orders::ordered_at)));
        let q = customers::table
            .inner_join_lateral(stats::table, per_customer)
            .select((
                customers::name,
                stats::orders,
                stats::spent,
                stats::last_order,
            ))
            .order_by(customers::id);
        assert_eq!(
            q.to_sql(),
            r#"SELECT "customers"."name", "stats"."orders", "stats"."spent", "stats"."last_order" FROM "customers" INNER JOIN LATERAL (SELECT COUNT(*), SUM("orders"."total"), MAX("orders"."ordered_at") FROM "orders" WHERE "orders"."customer_id" = "customers"."id") AS "stats"("orders", "spent", "last_order") ON TRUE ORDER BY "customers"."id""#
        );
        // An aggregate without GROUP BY gives one row per customer, even for one without orders.
        let rows: Vec<(String, i64, Option<i64>, Option<NaiveDateTime>)> =
            go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(
            rows,
            [
                ("Ann".to_string(), 4, Some(550), Some(at(4, 1, 8, 15))),
                ("Bob".to_string(), 2, Some(75), Some(at(2, 20, 16, 45))),
                ("Cid".to_string(), 0, None, None),
                ("Dee".to_string(), 1, Some(80), Some(at(5, 5, 14, 0))),
            ]
        );
        // The same figures as PostgreSQL computes them with a GROUP BY written by hand.
        let by_hand = crate::by_hand(
            &mut crate::setup(DDL),
            "SELECT c.name, count(o.id), sum(o.total) FROM customers c LEFT JOIN orders o
         ON o.customer_id = c.id GROUP BY c.id, c.name ORDER BY c.id",
            |r| {
                (
                    r.get::<_, String>(0),
                    r.get::<_, i64>(1),
                    r.get::<_, Option<i64>>(2),
                )
            },
        );
        let ours: Vec<_> = rows.into_iter().map(|(n, c, s, _)| (n, c, s)).collect();
        assert_eq!(ours, by_hand);
    }

    fn lateral_subquery_reads_two_tables_joined_before_it() {
        let mut db = setup(DDL);
        // Orders at or above the customer's tier threshold: the subquery reads `customers` and
        // `tiers`, both joined before it.
        let big_orders = orders::table
            .correlate(customers::table)
            .correlate(tiers::table)
            .filter(
                orders::customer_id
                    .eq(customers::id)
                    .and(orders::total.ge(tiers::threshold)),
            )
            .select((count_star(), sum(orders::total), max(orders::ordered_at)));
        let q = customers::table
            .inner_join(tiers::table)
            .left_join_lateral(stats::table, big_orders)
            .select((customers::name, tiers::name, stats::orders, stats::spent))
            .order_by(customers::id);
        assert_eq!(
            q.to_sql(),
            r#"SELECT "customers"."name", "tiers"."name", "stats"."orders", "stats"."spent" FROM "customers" INNER JOIN "tiers" ON "customers"."tier_id" = "tiers"."id" LEFT JOIN LATERAL (SELECT COUNT(*), SUM("orders"."total"), MAX("orders"."ordered_at") FROM "orders" WHERE ("orders"."customer_id" = "customers"."id") AND ("orders"."total" >= "tiers"."threshold")) AS "stats"("orders", "spent", "last_order") ON TRUE ORDER BY "customers"."id""#
        );
        // Under LEFT JOIN even `count(*)` loads as an Option.
        let rows: Vec<(String, String, Option<i64>, Option<i64>)> = go!(q.load(&mut db.conn)).unwrap();
        let row = |n: &str, t: &str, c, s| (n.to_string(), t.to_string(), Some(c), s);
        assert_eq!(
            rows,
            [
                row("Ann", "gold", 2, Some(420)),
                row("Bob", "basic", 1, Some(60)),
                row("Cid", "basic", 0, None),
                row("Dee", "gold", 0, None),
            ]
        );
    }

    fn filters_and_order_on_the_lateral_columns() {
        let mut db = setup(DDL);
        // WHERE and ORDER BY of the outer query read the LATERAL columns; the subquery's LIMIT
        // is bound first ($1), the outer filter's value after it ($2).
        let q = customers::table
            .inner_join_lateral(recent::table, latest_three!())
            .filter(recent::total.gt(50))
            .select((customers::name, recent::id, recent::total))
            .order_by((recent::total.desc(), recent::id));
        assert_eq!(
            q.to_sql(),
            format!(
                r#"SELECT "customers"."name", "recent"."id", "recent"."total" FROM "customers" INNER JOIN LATERAL {LATEST_THREE} ON TRUE WHERE "recent"."total" > $2 ORDER BY "recent"."total" DESC, "recent"."id""#
            )
        );
        let rows: Vec<(String, i32, i32)> = go!(q.load(&mut db.conn)).unwrap();
        // Ann's order 10 (120) is not among her three latest.
        assert_eq!(
            rows,
            [
                ("Ann".to_string(), 12, 300),
                ("Ann".to_string(), 13, 90),
                ("Dee".to_string(), 30, 80),
                ("Bob".to_string(), 21, 60),
            ]
        );

        // An ON condition on the LATERAL columns: under LEFT JOIN a customer whose rows all
        // fail it keeps one row of NULLs, where a WHERE would drop the customer.
        let q = customers::table
            .left_join_lateral_on(recent::table, latest_three!(), recent::total.ge(100))
            .select((customers::name, recent::id))
            .order_by((customers::id, recent::id));
        assert_eq!(
            q.to_sql(),
            format!(
                r#"SELECT "customers"."name", "recent"."id" FROM "customers" LEFT JOIN LATERAL {LATEST_THREE} ON "recent"."total" >= $2 ORDER BY "customers"."id", "recent"."id""#
            )
        );
        let rows: Vec<(String, Option<i32>)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(
            rows,
            [
                ("Ann".to_string(), Some(12)),
                ("Bob".to_string(), None),
                ("Cid".to_string(), None),
                ("Dee".to_string(), None),
            ]
        );

        // The same condition given as INNER: only the rows that meet it.
        let names: Vec<(String, i32)> = go!(customers::table
            .inner_join_lateral_on(recent::table, latest_three!(), recent::total.ge(80))
            .select((customers::name, recent::id))
            .order_by(recent::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            names,
            [
                ("Ann".to_string(), 12),
                ("Ann".to_string(), 13),
                ("Dee".to_string(), 30)
            ]
        );
    }

    fn lateral_join_after_a_left_join_and_inside_a_subquery() {
        let mut db = setup(DDL);
        // A LATERAL join after other joins, from a started query, and the whole query used as an
        // IN subquery: the LATERAL subquery's outer source is satisfied inside it.
        let with_big_latest = customers::table
            .query()
            .left_join(tiers::table)
            .inner_join_lateral(recent::table, latest_three!().limit(1))
            .filter(recent::total.ge(tiers::threshold))
            .select(customers::id);
        let names: Vec<String> = go!(customers::table
            .filter(customers::id.in_query(with_big_latest))
            .select(customers::name)
            .order_by(customers::name)
            .load(&mut db.conn))
            .unwrap();
        // Latest orders: Ann 90 (gold, 100: no), Bob 60 (basic, 20: yes), Dee 80 (gold: no).
        assert_eq!(names, ["Bob"]);
    }

    fn a_lateral_subquery_reads_an_earlier_lateral_one() {
        let mut db = setup(DDL);
        // For each of a customer's two latest orders, what the customer had ordered before it:
        // the second subquery reads `customers` and the first LATERAL table, `recent`.
        let before = orders::table
            .correlate(customers::table)
            .correlate(recent::table)
            .filter(
                orders::customer_id
                    .eq(customers::id)
                    .and(orders::ordered_at.lt(recent::ordered_at)),
            )
            .select((count_star(), sum(orders::total), max(orders::ordered_at)));
        let q = customers::table
            .inner_join_lateral(recent::table, latest_three!().limit(2))
            .inner_join_lateral(stats::table, before)
            .select((customers::name, recent::id, stats::orders, stats::spent))
            .order_by((customers::id, recent::id));
        assert_eq!(
            q.to_sql(),
            format!(
                r#"SELECT "customers"."name", "recent"."id", "stats"."orders", "stats"."spent" FROM "customers" INNER JOIN LATERAL {LATEST_THREE} ON TRUE INNER JOIN LATERAL (SELECT COUNT(*), SUM("orders"."total"), MAX("orders"."ordered_at") FROM "orders" WHERE ("orders"."customer_id" = "customers"."id") AND ("orders"."ordered_at" < "recent"."ordered_at")) AS "stats"("orders", "spent", "last_order") ON TRUE ORDER BY "customers"."id", "recent"."id""#
            )
        );
        let rows: Vec<(String, i32, i64, Option<i64>)> = go!(q.load(&mut db.conn)).unwrap();
        let row = |n: &str, id, c, s| (n.to_string(), id, c, s);
        assert_eq!(
            rows,
            [
                row("Ann", 12, 2, Some(160)),
                row("Ann", 13, 3, Some(460)),
                row("Bob", 20, 0, None),
                row("Bob", 21, 1, Some(15)),
                row("Dee", 30, 0, None),
            ]
        );
    }
}
