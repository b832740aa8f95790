//! Bound decimals on MariaDB (#23, session 12): a `Decimal` parameter is sent as
//! `MYSQL_TYPE_NEWDECIMAL`, without a cast in the SQL text, and the server types it as a
//! DECIMAL with the value's own scale. Arithmetic on it stays decimal (never a double) and
//! keeps the scales PostgreSQL's would; comparisons with decimal and integer columns are
//! exact; NULL, negative values, zero and the extremes of `Decimal` round-trip.

use rust_decimal::Decimal;
use sqlwright::expr::Bound;
use sqlwright::prelude::*;
use sqlwright::raw;
use sqlwright::testing::{mariadb_database, MariadbDatabase};
use sqlwright::types::{Nullable, Numeric};
use sqlwright::{Connection, Mysql};
use std::str::FromStr;

sqlwright::table! {
    amounts (id) {
        id -> Int4,
        price -> Numeric,
        qty -> Int4,
        maybe -> Nullable<Numeric>,
    }
}

const AMOUNTS: &str = "CREATE TABLE amounts (
    id INT PRIMARY KEY,
    price DECIMAL(15, 2) NOT NULL,
    qty INT NOT NULL,
    maybe DECIMAL(65, 30) NULL
);
INSERT INTO amounts VALUES (1, 1.50, 3, NULL), (2, 2.25, 2, 0.1), (3, -4.00, 4, -7)";

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn with_amounts() -> (MariadbDatabase, Connection<Mysql>) {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(AMOUNTS).unwrap();
    (db, conn)
}

/// The type MariaDB gives each column of a table made from bound values.
fn column_types(conn: &mut Connection<Mysql>, table: &str) -> Vec<String> {
    raw::sql(
        "SELECT column_type AS t FROM information_schema.columns \
         WHERE table_schema = DATABASE() AND table_name = :table ORDER BY ordinal_position",
    )
    .bind("table", table)
    .load(conn)
    .unwrap()
    .iter()
    .map(|r| r.get::<String>("t").unwrap())
    .collect()
}

#[test]
fn a_bound_decimal_is_a_decimal_of_its_own_scale() {
    let (_db, mut conn) = with_amounts();
    raw::sql(
        "CREATE TABLE made AS SELECT :a AS a, :b AS b, :a + :b AS s, :one / :three AS q, \
         :z AS z, :neg AS neg",
    )
    .bind("a", dec("1.50"))
    .bind("b", dec("0.125"))
    .bind("one", dec("1"))
    .bind("three", dec("3"))
    .bind("z", Decimal::ZERO)
    .bind("neg", dec("-0.0000000000000000000000000001"))
    .execute(&mut conn)
    .unwrap();
    // Never `double` or `varchar`: the value's own precision and scale, and for the sum and
    // the quotient MariaDB's rules for decimals (the larger scale; 4 more digits).
    assert_eq!(
        column_types(&mut conn, "made"),
        [
            "decimal(3,2)",
            "decimal(4,3)",
            "decimal(5,3)",
            "decimal(5,4)",
            "decimal(1,0)",
            "decimal(29,28)"
        ]
    );
}

#[test]
fn arithmetic_on_bound_decimals_stays_exact() {
    let (_db, mut conn) = with_amounts();
    // 0.1 + 0.2 is 0.3, not 0.30000000000000004.
    let added: Vec<Decimal> = amounts::table
        .filter(amounts::id.eq(1))
        .select(value(dec("0.1")) + value(dec("0.2")))
        .load(&mut conn)
        .unwrap();
    assert_eq!(added, [dec("0.3")]);
    assert_eq!(added[0].to_string(), "0.3");
    // A column times a value: the scales add, as on PostgreSQL.
    let scaled: Vec<Decimal> = amounts::table
        .select(amounts::price * value(dec("1.1")))
        .order_by(amounts::id)
        .load(&mut conn)
        .unwrap();
    let texts: Vec<String> = scaled.iter().map(Decimal::to_string).collect();
    assert_eq!(texts, ["1.650", "2.475", "-4.400"]);
    // A quotient's digits: 4 more than the dividend's scale, truncated by MariaDB's own
    // rule, not a double's 17 significant digits.
    let third: Vec<Decimal> = amounts::table
        .filter(amounts::id.eq(1))
        .select(value(dec("1.00")) / value(dec("3")))
        .load(&mut conn)
        .unwrap();
    assert_eq!(third[0].to_string(), "0.333333");
    // TPC-H Q14's shape: `100.00 * sum(..) / sum(..)` loads into a Decimal (the bound
    // 100.00 has scale 2, not the 30 of a cast).
    let share: Vec<Option<Decimal>> = amounts::table
        .select(value(dec("100.00")) * sum(amounts::price) / sum(amounts::price * value(dec("2"))))
        .load(&mut conn)
        .unwrap();
    assert_eq!(share, [Some(dec("50"))]);
    assert_eq!(share[0].unwrap().to_string(), "50.00000000");
    // A sum over a bound factor is exact.
    let total: Vec<Option<Decimal>> = amounts::table
        .select(sum(amounts::price * value(dec("0.1"))))
        .load(&mut conn)
        .unwrap();
    assert_eq!(total[0].unwrap().to_string(), "-0.025");
}

#[test]
fn bound_decimals_compare_exactly_with_decimal_and_integer_columns() {
    let (_db, mut conn) = with_amounts();
    let ids = |conn: &mut Connection<Mysql>, sql: &str, v: Decimal| -> Vec<i32> {
        raw::sql(sql)
            .bind("v", v)
            .load(conn)
            .unwrap()
            .iter()
            .map(|r| r.get::<i32>("id").unwrap())
            .collect()
    };
    let by_qty = "SELECT id FROM amounts WHERE qty = :v ORDER BY id";
    // An integer column equals a decimal with a zero fraction, and nothing that is not.
    assert_eq!(ids(&mut conn, by_qty, dec("3.0")), [1]);
    assert_eq!(
        ids(&mut conn, by_qty, dec("3.0000000000000000000000000001")),
        Vec::<i32>::new()
    );
    assert_eq!(
        ids(&mut conn, by_qty, dec("2.9999999999999999999999999999")),
        Vec::<i32>::new()
    );
    // A decimal column against more digits than a double tells apart.
    let maybe = "SELECT id FROM amounts WHERE maybe = :v ORDER BY id";
    assert_eq!(ids(&mut conn, maybe, dec("0.1")), [2]);
    assert_eq!(
        ids(&mut conn, maybe, dec("0.1000000000000000000000000001")),
        Vec::<i32>::new()
    );
    // The typed DSL, with the statement cached between the two runs: a value of another
    // scale is typed again, not read with the first one's.
    for (bound, expected) in [
        ("1.5", vec![2]),
        ("1.50000000000000000001", vec![2]),
        ("2.25", vec![]),
    ] {
        let got: Vec<i32> = amounts::table
            .filter(amounts::price.gt(value(dec(bound))))
            .select(amounts::id)
            .order_by(amounts::id)
            .load(&mut conn)
            .unwrap();
        assert_eq!(got, expected, "price > {bound}");
    }
    let negative: Vec<i32> = amounts::table
        .filter(amounts::price.lt(value(Decimal::ZERO)))
        .select(amounts::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(negative, [3]);
}

#[test]
fn null_zero_negative_and_extreme_decimals_round_trip() {
    let (_db, mut conn) = with_amounts();
    let values = [
        Some(Decimal::MAX),
        Some(Decimal::MIN),
        Some(dec("-0.0000000000000000000000000001")),
        Some(dec("7.9228162514264337593543950335")),
        Some(Decimal::ZERO),
        Some(dec("-12.50")),
        None,
    ];
    for (i, v) in values.iter().enumerate() {
        // Selected straight back: the server returns the digits it was sent.
        let echoed: Vec<Option<Decimal>> = amounts::table
            .filter(amounts::id.eq(1))
            .select(Bound::<Nullable<Numeric>, _>::new(*v))
            .load(&mut conn)
            .unwrap();
        assert_eq!(echoed, [*v]);
        if let Some(d) = v {
            assert_eq!(echoed[0].unwrap().to_string(), d.to_string());
        }
        // Stored in DECIMAL(65, 30) and compared back with the same bound value.
        insert_into(amounts::table)
            .values((
                amounts::id.to(10 + i as i32),
                amounts::price.to(Decimal::ZERO),
                amounts::qty.to(0),
                amounts::maybe.to(*v),
            ))
            .execute(&mut conn)
            .unwrap();
        let found: Vec<Option<Decimal>> = amounts::table
            .filter(amounts::id.eq(10 + i as i32))
            .select(amounts::maybe)
            .load(&mut conn)
            .unwrap();
        assert_eq!(found, [*v]);
        if let Some(d) = v {
            let same: Vec<i32> = amounts::table
                .filter(amounts::maybe.eq(value(*d)))
                .select(amounts::id)
                .load(&mut conn)
                .unwrap();
            assert!(same.contains(&(10 + i as i32)), "{d}: {same:?}");
        }
    }
    // The largest Decimal plus one more unit is still exact on the server (65 digits hold
    // it), and is refused when loaded into a Decimal, never rounded.
    let err = amounts::table
        .filter(amounts::id.eq(1))
        .select(value(Decimal::MAX) + value(Decimal::ONE))
        .load_as::<Decimal, _, _>(&mut conn)
        .unwrap_err();
    assert!(err.to_string().contains("has no exact Decimal"), "{err}");
}
