//! Subqueries (scalar, EXISTS, IN, ANY/ALL, correlated), derived tables, CTEs (plain and
//! recursive, in SELECT, INSERT, UPDATE and DELETE) and set operations, checked against
//! the same SQL written by hand (on PostgreSQL) and against the rows the data gives (on
//! PostgreSQL and SQLite).

use crate::both::{spelled, text_of, with};
use crate::setup;
use crate::twice::twice;
use sqlwright::backend::Dialect;
use sqlwright::dsl::*;
use sqlwright::prelude::*;

sqlwright::table! {
    customers (id) {
        id -> Int4,
        name -> Text,
        country -> Text,
    }
    purchases (id) {
        id -> Int4,
        #[references(customers::id)]
        customer_id -> Int4,
        amount -> Int4,
    }
    categories (id) {
        id -> Int4,
        #[references(categories::id, name = parent)]
        parent_id -> Nullable<Int4>,
        title -> Text,
    }
    archive (id) {
        id -> Int4,
        name -> Text,
    }

    /// Purchase totals per customer: a derived table.
    #[derived]
    totals {
        customer_id -> Int4,
        spent -> Nullable<Int8>,
        orders -> Int8,
    }

    /// A recursive CTE walking the category tree.
    #[derived]
    tree {
        id -> Int4,
        title -> Text,
        depth -> Int4,
    }

    /// Big spenders, as a CTE.
    #[derived]
    big {
        customer_id -> Int4,
    }

    /// Spending per customer, as a CTE that a second one reads.
    #[derived]
    spend {
        customer_id -> Int4,
        total -> Nullable<Int8>,
    }
}

sqlwright::alias!(other = purchases);

pub const DDL: &str = concat!(
    "
CREATE TABLE customers (id int4 PRIMARY KEY, name text NOT NULL, country text NOT NULL);
CREATE TABLE purchases (id int4 PRIMARY KEY, customer_id int4 NOT NULL REFERENCES customers,
    amount int4 NOT NULL);
CREATE TABLE categories (id int4 PRIMARY KEY, parent_id int4 REFERENCES categories,
    title text NOT NULL);
CREATE TABLE archive (id int4 PRIMARY KEY, name text NOT NULL);",
    rows!()
);

/// The tables, for [`with`] on any backend.
const SCHEMA: sqlwright::ddl::Schema =
    sqlwright::schema!(customers, purchases, categories, archive);

/// The rows of [`DDL`], as portable INSERT text.
const ROWS: &str = rows!();

macro_rules! rows {
    () => {
        "
INSERT INTO customers VALUES (1, 'Ann', 'NO'), (2, 'Bob', 'SE'), (3, 'Cid', 'NO'),
    (4, 'Dee', 'DK');
INSERT INTO purchases VALUES (10, 1, 50), (11, 1, 70), (12, 2, 20), (13, 3, 200),
    (14, 3, 5), (15, 2, 30);
INSERT INTO categories VALUES (1, NULL, 'root'), (2, 1, 'books'), (3, 1, 'music'),
    (4, 2, 'novels'), (5, 4, 'crime'), (6, NULL, 'other');
"
    };
}
use rows;

twice! {
    fn scalar_subqueries_uncorrelated_and_correlated<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        // Uncorrelated, in WHERE: purchases above the smallest (the average, compared through a
        // CAST, is PostgreSQL's: `scalar_subquery_compared_through_a_cast`).
        let smallest = purchases::table
            .select(min(purchases::amount))
            .scalar_subquery();
        let q = purchases::table
            .filter(purchases::amount.gt(smallest))
            .select(purchases::id)
            .order_by(purchases::id);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(r#"SELECT "purchases"."id" FROM "purchases" WHERE "purchases"."amount" > (SELECT MIN("purchases"."amount") FROM "purchases") ORDER BY "purchases"."id""#)
        );
        assert_eq!(go!(q.load(&mut db.conn)).unwrap(), vec![10, 11, 12, 13, 15]);

        // Correlated, in the select list: each customer's largest purchase (NULL for none),
        // and the labels of the outer select list are unaffected by the subquery's.
        let largest = purchases::table
            .correlate(customers::table)
            .filter(purchases::customer_id.eq(customers::id))
            .select(max(purchases::amount))
            .scalar_subquery();
        let q = customers::table
            .select((customers::name, largest))
            .order_by(customers::id);
        let typed: Vec<(String, Option<i32>)> = go!(q.load(&mut db.conn)).unwrap();
        if let Some(hand) = db.by_hand(
            "SELECT name, (SELECT max(amount) FROM purchases WHERE customer_id = customers.id)
         FROM customers ORDER BY id",
            |r| (r.get(0), r.get(1)),
        ) {
            assert_eq!(typed, hand);
        }
        assert_eq!(
            typed,
            [
                ("Ann".to_string(), Some(70)),
                ("Bob".to_string(), Some(30)),
                ("Cid".to_string(), Some(200)),
                ("Dee".to_string(), None)
            ]
        );

        // In HAVING, like TPC-H Q11.
        let q = purchases::table
            .group_by(purchases::customer_id)
            .having(
                sum(purchases::amount).gt(purchases::table
                    .select(sum(purchases::amount) / 4)
                    .scalar_subquery()),
            )
            .select(purchases::customer_id)
            .order_by(purchases::customer_id);
        assert_eq!(go!(q.load(&mut db.conn)).unwrap(), vec![1, 3]);
    }

    fn exists_and_in<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        let bought = || {
            purchases::table
                .correlate(customers::table)
                .filter(purchases::customer_id.eq(customers::id))
        };
        let with: Vec<String> = go!(customers::table
            .filter(exists(bought()))
            .select(customers::name)
            .order_by(customers::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(with, ["Ann", "Bob", "Cid"]);
        let without: Vec<String> = go!(customers::table
            .filter(not_exists(bought()))
            .select(customers::name)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(without, ["Dee"]);
        let negated: Vec<String> = go!(customers::table
            .filter(!exists(bought().filter(purchases::amount.gt(60))))
            .select(customers::name)
            .order_by(customers::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(negated, ["Bob", "Dee"]);

        // IN / NOT IN (subquery), with a subquery that groups and filters on an aggregate
        // (TPC-H Q18's shape).
        let big_spenders = purchases::table
            .group_by(purchases::customer_id)
            .having(sum(purchases::amount).gt(100))
            .select(purchases::customer_id);
        let q = customers::table
            .filter(customers::id.in_query(big_spenders))
            .select(customers::name)
            .order_by(customers::id);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(
                r#"SELECT "customers"."name" FROM "customers" WHERE "customers"."id" IN (SELECT "purchases"."customer_id" FROM "purchases" GROUP BY "purchases"."customer_id" HAVING SUM("purchases"."amount") > $1) ORDER BY "customers"."id""#
            )
        );
        assert_eq!(go!(q.load(&mut db.conn)).unwrap(), ["Ann", "Cid"]);
        let q = customers::table
            .filter(customers::id.not_in_query(purchases::table.select(purchases::customer_id)))
            .select(customers::name);
        assert_eq!(go!(q.load(&mut db.conn)).unwrap(), ["Dee"]);

        // An outer column is nullable inside the subquery (its table may be on the optional side
        // of an outer join out there), so the IN is typed Option<bool>: for a customer without
        // purchases `NULL IN (no rows)` is false, and with rows it would be NULL, not a decode
        // error.
        let q = customers::table
            .left_join(purchases::table)
            .select((
                customers::name,
                purchases::amount.in_query(
                    other
                        .query()
                        .correlate(purchases::table)
                        .filter(other.col(purchases::customer_id).eq(purchases::customer_id))
                        .select(other.col(purchases::amount)),
                ),
            ))
            .filter(customers::id.eq(4));
        let dee: Vec<(String, Option<bool>)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(dee, [("Dee".to_string(), Some(false))]);

        // A correlated subquery over an alias of the outer table (TPC-H Q21's shape): orders
        // with another purchase by the same customer.
        let q = purchases::table
            .filter(exists(
                other
                    .query()
                    .correlate(purchases::table)
                    .filter(other.col(purchases::customer_id).eq(purchases::customer_id))
                    .filter(other.col(purchases::id).ne(purchases::id)),
            ))
            .select(purchases::id)
            .order_by(purchases::id);
        let typed: Vec<i32> = go!(q.load(&mut db.conn)).unwrap();
        if let Some(hand) = db.by_hand(
            "SELECT id FROM purchases p WHERE EXISTS (SELECT * FROM purchases o
         WHERE o.customer_id = p.customer_id AND o.id <> p.id) ORDER BY id",
            |r| r.get::<_, i32>(0),
        ) {
            assert_eq!(typed, hand);
        }
        assert_eq!(typed, [10, 11, 12, 13, 14, 15]);
    }

    /// A scalar subquery compared through a CAST of an integer to a decimal, which SQLite
    /// computes as PostgreSQL does (casts are judged pair by pair: `expr/casts.rs`).
    fn scalar_subquery_compared_through_a_cast<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        let average = purchases::table
            .select(avg(purchases::amount))
            .scalar_subquery();
        let q = purchases::table
            .filter(cast::<Numeric, _>(purchases::amount).gt(average))
            .select(purchases::id)
            .order_by(purchases::id);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            // MySQL names the type DECIMAL, with the most digits it has.
            spelled::<B>(r#"SELECT "purchases"."id" FROM "purchases" WHERE CAST("purchases"."amount" AS numeric) > (SELECT AVG("purchases"."amount") FROM "purchases") ORDER BY "purchases"."id""#)
                .replace("AS numeric", if B::DIALECT == Dialect::Mysql { "AS DECIMAL(65, 30)" } else { "AS numeric" })
        );
        assert_eq!(go!(q.load(&mut db.conn)).unwrap(), vec![11, 13]);
    }

    /// `> ALL (subquery)` and `= ANY (subquery)`: PostgreSQL's; SQLite has no quantified
    /// comparisons.
    fn quantified_comparisons() {
        let mut db = setup(DDL);
        let ones = purchases::table
            .filter(purchases::customer_id.eq(1))
            .select(purchases::amount);
        let above_all: Vec<i32> = go!(purchases::table
            .filter(purchases::amount.gt_all(ones))
            .select(purchases::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(above_all, [13]);
        let ones = purchases::table
            .filter(purchases::customer_id.eq(1))
            .select(purchases::amount);
        let equal_any: Vec<i32> = go!(purchases::table
            .filter(purchases::amount.eq_any(ones))
            .select(purchases::id)
            .order_by(purchases::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(equal_any, [10, 11]);
    }

    /// Derived tables with a column list, `(..) AS "totals"("customer_id", ..)`; SQLite takes
    /// no column list after a subquery's alias, so there it is `(WITH "totals"(..) AS (..)
    /// SELECT * FROM "totals") AS "totals"` (the text is checked on PostgreSQL).
    fn derived_tables_have_typed_named_columns<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        let pg = B::DIALECT == sqlwright::backend::Dialect::Postgres;
        let per_customer = purchases::table.group_by(purchases::customer_id).select((
            purchases::customer_id,
            sum(purchases::amount),
            count_star(),
        ));
        // Group again over the derived table's columns (TPC-H Q13's shape).
        let q = totals::table
            .from_subquery(per_customer)
            .group_by(totals::orders)
            .select((totals::orders, count_star(), max(totals::spent)))
            .order_by(totals::orders);
        if pg {
            assert_eq!(
                q.to_sql(),
                r#"SELECT "totals"."orders", COUNT(*), MAX("totals"."spent") FROM (SELECT "purchases"."customer_id", SUM("purchases"."amount"), COUNT(*) FROM "purchases" GROUP BY "purchases"."customer_id") AS "totals"("customer_id", "spent", "orders") GROUP BY "totals"."orders" ORDER BY "totals"."orders""#
            );
        }
        let typed: Vec<(i64, i64, Option<i64>)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(typed, [(2, 3, Some(205))]);

        // A derived table joined with a table.
        let per_customer = purchases::table.group_by(purchases::customer_id).select((
            purchases::customer_id,
            sum(purchases::amount),
            count_star(),
        ));
        let q = totals::table
            .from_subquery(per_customer)
            .inner_join_on(customers::table, customers::id.eq(totals::customer_id))
            .filter(totals::spent.ge(100))
            .select((customers::name, totals::spent))
            .order_by(customers::name);
        let typed: Vec<(String, Option<i64>)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(
            typed,
            [
                ("Ann".to_string(), Some(120)),
                ("Cid".to_string(), Some(205))
            ]
        );
        // A derived table joined to a table: LEFT JOIN (SELECT ..) AS "totals"(..) ON ..
        let per_customer = purchases::table.group_by(purchases::customer_id).select((
            purchases::customer_id,
            sum(purchases::amount),
            count_star(),
        ));
        let q = customers::table
            .query()
            .left_join_subquery(
                totals::table,
                per_customer,
                totals::customer_id.eq(customers::id),
            )
            .select((customers::name, totals::spent, totals::orders))
            .order_by(customers::id);
        if pg {
            assert_eq!(
                q.to_sql(),
                r#"SELECT "customers"."name", "totals"."spent", "totals"."orders" FROM "customers" LEFT JOIN (SELECT "purchases"."customer_id", SUM("purchases"."amount"), COUNT(*) FROM "purchases" GROUP BY "purchases"."customer_id") AS "totals"("customer_id", "spent", "orders") ON "totals"."customer_id" = "customers"."id" ORDER BY "customers"."id""#
            );
        }
        let typed: Vec<(String, Option<i64>, Option<i64>)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(typed[0], ("Ann".to_string(), Some(120), Some(2)));
        assert_eq!(typed[3], ("Dee".to_string(), None, None));
        let inner: Vec<String> = go!(customers::table
            .inner_join_subquery(
                big::table,
                purchases::table
                    .filter(purchases::amount.gt(100))
                    .select(purchases::customer_id),
                big::customer_id.eq(customers::id),
            )
            .select(customers::name)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(inner, ["Cid"]);

        // A union as a derived table.
        let q = big::table
            .from_subquery(
                purchases::table
                    .filter(purchases::amount.gt(100))
                    .select(purchases::customer_id)
                    .union(
                        purchases::table
                            .filter(purchases::amount.lt(10))
                            .select(purchases::customer_id),
                    ),
            )
            .select(count_star());
        assert_eq!(go!(q.one(&mut db.conn)).unwrap(), 1);
    }

    fn ctes_plain_and_recursive<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        // WITH big AS (...) SELECT ... FROM customers JOIN big (TPC-H Q15's shape: a CTE read by
        // the main query and by a scalar subquery).
        let big_cte = big::table.cte(
            purchases::table
                .group_by(purchases::customer_id)
                .having(sum(purchases::amount).gt(100))
                .select(purchases::customer_id),
        );
        let q = customers::table
            .inner_join_on(big::table, big::customer_id.eq(customers::id))
            .filter(big::customer_id.eq(big::table.select(max(big::customer_id)).scalar_subquery()))
            .select(customers::name)
            .with(big_cte);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(
                r#"WITH "big"("customer_id") AS (SELECT "purchases"."customer_id" FROM "purchases" GROUP BY "purchases"."customer_id" HAVING SUM("purchases"."amount") > $1) SELECT "customers"."name" FROM "customers" INNER JOIN "big" ON "big"."customer_id" = "customers"."id" WHERE "big"."customer_id" = (SELECT MAX("big"."customer_id") FROM "big")"#
            )
        );
        assert_eq!(go!(q.load(&mut db.conn)).unwrap(), ["Cid"]);

        // Two CTEs, the second reading the first.
        let spend_cte = spend::table.cte(
            purchases::table
                .group_by(purchases::customer_id)
                .select((purchases::customer_id, sum(purchases::amount))),
        );
        let big_from_spend = big::table.cte(
            spend::table
                .filter(spend::total.gt(100))
                .select(spend::customer_id),
        );
        let q = customers::table
            .inner_join_on(big::table, big::customer_id.eq(customers::id))
            .select(customers::name)
            .order_by(customers::name)
            .with(spend_cte)
            .with(big_from_spend);
        assert_eq!(
            text_of(q.debug_sql_for(B::DIALECT)),
            spelled::<B>(
                r#"WITH "spend"("customer_id", "total") AS (SELECT "purchases"."customer_id", SUM("purchases"."amount") FROM "purchases" GROUP BY "purchases"."customer_id"), "big"("customer_id") AS (SELECT "spend"."customer_id" FROM "spend" WHERE "spend"."total" > $1) SELECT "customers"."name" FROM "customers" INNER JOIN "big" ON "big"."customer_id" = "customers"."id" ORDER BY "customers"."name""#
            )
        );
        assert_eq!(go!(q.load(&mut db.conn)).unwrap(), ["Ann", "Cid"]);

        // WITH RECURSIVE: the category tree below 'root', with depths.
        let base = categories::table
            .filter(categories::parent_id.is_null())
            .filter(categories::title.eq("root"))
            .select((categories::id, categories::title, value(0)));
        let step = categories::table
            .inner_join_on(tree::table, categories::parent_id.eq(tree::id))
            .select((categories::id, categories::title, tree::depth + 1));
        let q = tree::table
            .query()
            .select((tree::title, tree::depth))
            .order_by((tree::depth, tree::title))
            .with(tree::table.recursive_cte(base.union_all(step)));
        let typed: Vec<(String, i32)> = go!(q.load(&mut db.conn)).unwrap();
        let hand: Option<Vec<(String, i32)>> = db.by_hand(
            "WITH RECURSIVE tree(id, title, depth) AS (
            SELECT id, title, 0 FROM categories WHERE parent_id IS NULL AND title = 'root'
            UNION ALL
            SELECT c.id, c.title, t.depth + 1 FROM categories c JOIN tree t ON c.parent_id = t.id)
         SELECT title, depth FROM tree ORDER BY depth, title",
            |r| (r.get(0), r.get(1)),
        );
        if let Some(hand) = hand {
            assert_eq!(typed, hand);
        }
        assert_eq!(typed.len(), 5);
        assert_eq!(typed[4], ("crime".to_string(), 3));
        let depth = |t: &str, d: i32| (t.to_string(), d);
        assert_eq!(
            typed,
            [
                depth("root", 0),
                depth("books", 1),
                depth("music", 1),
                depth("novels", 2),
                depth("crime", 3)
            ]
        );
    }

    fn ctes_in_insert_update_and_delete<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        let big_ids = || {
            big::table.query().select(big::customer_id).with(
                big::table.cte(
                    purchases::table
                        .group_by(purchases::customer_id)
                        .having(sum(purchases::amount).gt(100))
                        .select(purchases::customer_id),
                ),
            )
        };
        // INSERT .. SELECT whose SELECT carries a WITH clause.
        let inserted = go!(insert_into(archive::table)
            .from_select(
                (archive::id, archive::name),
                customers::table
                    .filter(customers::id.in_query(big_ids()))
                    .select((customers::id, customers::name)),
            )
            .execute(&mut db.conn))
            .unwrap();
        assert_eq!(inserted, 2);
        // UPDATE and DELETE whose conditions read a CTE.
        let updated = go!(update(customers::table)
            .filter(customers::id.in_query(big_ids()))
            .set(customers::country.to("VIP"))
            .execute(&mut db.conn))
            .unwrap();
        assert_eq!(updated, 2);
        let deleted = go!(delete(purchases::table)
            .filter(purchases::customer_id.not_in_query(big_ids()))
            .execute(&mut db.conn))
            .unwrap();
        assert_eq!(deleted, 2);
        if let Some(left) = db.by_hand(
            "SELECT name, country FROM customers WHERE country = 'VIP' ORDER BY id",
            |r| (r.get(0), r.get(1)),
        ) {
            assert_eq!(
                left,
                [
                    ("Ann".to_string(), "VIP".to_string()),
                    ("Cid".to_string(), "VIP".to_string())
                ]
            );
        }
        let left: Vec<(String, String)> = go!(customers::table
            .filter(customers::country.eq("VIP"))
            .select((customers::name, customers::country))
            .order_by(customers::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            left,
            [
                ("Ann".to_string(), "VIP".to_string()),
                ("Cid".to_string(), "VIP".to_string())
            ]
        );
    }

    fn set_operations_check_both_sides_and_order_the_whole<B>() {
        let mut db = with::<B>(SCHEMA, ROWS);
        let norse = customers::table
            .filter(customers::country.eq("NO"))
            .select((customers::id, customers::name));
        let buyers = customers::table
            .filter(customers::id.in_query(purchases::table.select(purchases::customer_id)))
            .select((customers::id, customers::name));
        let q = norse.union(buyers).order_by_column_desc(1).limit(10);
        assert_eq!(
            q.to_sql(),
            r#"(SELECT "customers"."id", "customers"."name" FROM "customers" WHERE "customers"."country" = $1) UNION (SELECT "customers"."id", "customers"."name" FROM "customers" WHERE "customers"."id" IN (SELECT "purchases"."customer_id" FROM "purchases")) ORDER BY 1 DESC LIMIT $2"#
        );
        // SQLite takes no parenthesised members in a compound SELECT.
        assert_eq!(
            text_of(q.debug_sql_for(Dialect::Sqlite)),
            r#"SELECT "customers"."id", "customers"."name" FROM "customers" WHERE "customers"."country" = ?1 UNION SELECT "customers"."id", "customers"."name" FROM "customers" WHERE "customers"."id" IN (SELECT "purchases"."customer_id" FROM "purchases") ORDER BY 1 DESC LIMIT ?2"#
        );
        let typed: Vec<(i32, String)> = go!(q.load(&mut db.conn)).unwrap();
        assert_eq!(typed.iter().map(|r| r.0).collect::<Vec<_>>(), [3, 2, 1]);

        let side = |country: &'static str| {
            customers::table
                .filter(customers::country.eq(country))
                .select(customers::country)
        };
        let all: Vec<String> = go!(side("NO")
            .union_all(side("NO"))
            .union_all(side("SE"))
            .order_by_column(1)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(all, ["NO", "NO", "NO", "NO", "SE"]);
        let both: Vec<String> = go!(customers::table
            .select(customers::country)
            .intersect(side("SE"))
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(both, ["SE"]);
        let err = go!(side("NO")
            .union(side("SE"))
            .order_by_column(0)
            .load(&mut db.conn))
            .unwrap_err();
        assert!(matches!(err, sqlwright::Error::Misuse(_)), "{err}");
        let rest: Vec<String> = go!(customers::table
            .select(customers::country)
            .except(side("NO"))
            .order_by_column(1)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(rest, ["DK", "SE"]);
        // A compound on the right is one member (SQLite would group `a EXCEPT b UNION c` from
        // the left), and a member keeps its own ORDER BY and LIMIT.
        let neither: Vec<String> = go!(customers::table
            .select(customers::country)
            .except(side("NO").union(side("SE")))
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(neither, ["DK"]);
        let first_and_se: Vec<String> = go!(customers::table
            .select(customers::country)
            .order_by(customers::country.desc())
            .limit(1)
            .union_all(side("DK"))
            .order_by_column(1)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(first_and_se, ["DK", "SE"]);

        // Whole rows (the notes' union of two `select(Model)`), and nullability: a column
        // nullable on either side is nullable in the result.
        let rows: Vec<(i32, String, String)> = go!(customers::table
            .filter(customers::id.eq(1))
            .union(customers::table.filter(customers::id.eq(4)))
            .order_by_column(1)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(rows.len(), 2);
        let mixed: Vec<Option<i32>> = go!(categories::table
            .filter(categories::id.lt(3))
            .select(categories::parent_id)
            .union_all(
                categories::table
                    .filter(categories::id.eq(3))
                    .select(categories::id),
            )
            .order_by_column(1)
            .load(&mut db.conn))
            .unwrap();
        // NULL sorts last in ascending order on PostgreSQL, first on SQLite (a set operation's
        // ORDER BY position takes no NULLS FIRST/LAST here), and first on MySQL.
        match B::DIALECT {
            Dialect::Sqlite | Dialect::Mysql => assert_eq!(mixed, [None, Some(1), Some(3)]),
            _ => assert_eq!(mixed, [Some(1), Some(3), None]),
        }
    }

    /// INTERSECT ALL and EXCEPT ALL: PostgreSQL's; SQLite has only the distinct forms.
    fn intersect_all_and_except_all() {
        let mut db = setup(DDL);
        let side = |country: &'static str| {
            customers::table
                .filter(customers::country.eq(country))
                .select(customers::country)
        };
        let both_all: Vec<String> = go!(customers::table
            .select(customers::country)
            .intersect_all(side("NO").union_all(side("NO")).union_all(side("NO")))
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(both_all, ["NO", "NO"]);
        let rest_all: Vec<String> = go!(customers::table
            .select(customers::country)
            .except_all(side("SE"))
            .order_by_column(1)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(rest_all, ["DK", "NO", "NO"]);
    }
}
