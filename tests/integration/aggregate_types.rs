//! The result types the aggregates declare are the ones PostgreSQL reports, and what each
//! backend computes loads into them.

use crate::setup;
use sqlwright::prelude::*;
use sqlwright::types::SqlType;

sqlwright::table! {
    numbers (id) {
        id -> Int4,
        i2 -> Int2,
        i8 -> Int8,
        f4 -> Float4,
        f8 -> Float8,
        num -> Numeric,
        iv -> Interval,
    }
}

/// The type PostgreSQL gives `expr` over table `numbers`.
fn server_type(db: &mut crate::Db, expr: &str) -> String {
    server_type_over(db, "numbers", expr)
}

/// The type PostgreSQL gives `expr` over `table`, by name (`bigint` -> `int8`, ...).
pub fn server_type_over(db: &mut crate::Db, table: &str, expr: &str) -> String {
    let sql = format!("SELECT pg_typeof({expr})::regtype::oid::regtype::text FROM {table}");
    let t: String = db.client().query_one(&sql, &[]).unwrap().get(0);
    match t.as_str() {
        "smallint" => "int2",
        "integer" => "int4",
        "bigint" => "int8",
        "real" => "float4",
        "double precision" => "float8",
        other => return other.to_string(),
    }
    .to_string()
}

fn declared<E: sqlwright::expr::Expression>(_: &E) -> &'static str {
    <E::SqlType as SqlType>::NAME
}

#[test]
fn aggregate_result_types_match_the_server() {
    let mut db = setup(
        "CREATE TABLE numbers (id int4 PRIMARY KEY, i2 int2 NOT NULL, i8 int8 NOT NULL,
             f4 float4 NOT NULL, f8 float8 NOT NULL, num numeric NOT NULL, iv interval NOT NULL);",
    );
    let cases: Vec<(&str, &str)> = vec![
        ("sum(id)", declared(&sum(numbers::id))),
        ("sum(i2)", declared(&sum(numbers::i2))),
        ("sum(i8)", declared(&sum(numbers::i8))),
        ("sum(f4)", declared(&sum(numbers::f4))),
        ("sum(f8)", declared(&sum(numbers::f8))),
        ("sum(num)", declared(&sum(numbers::num))),
        ("sum(iv)", declared(&sum(numbers::iv))),
        ("avg(id)", declared(&avg(numbers::id))),
        ("avg(i8)", declared(&avg(numbers::i8))),
        ("avg(f4)", declared(&avg(numbers::f4))),
        ("avg(num)", declared(&avg(numbers::num))),
        ("avg(iv)", declared(&avg(numbers::iv))),
        ("min(i2)", declared(&min(numbers::i2))),
        ("max(f4)", declared(&max(numbers::f4))),
        ("count(*)", declared(&count_star())),
        ("count(num)", declared(&count(numbers::num))),
    ];
    for (expr, ours) in cases {
        assert_eq!(server_type(&mut db, expr), ours, "{expr}");
    }
}

/// `numbers` without its interval column (SQLite has no intervals).
mod portable {
    sqlwright::table! {
        numbers (id) {
            id -> Int4,
            i2 -> Int2,
            i8 -> Int8,
            f4 -> Float4,
            f8 -> Float8,
            num -> Numeric,
        }
    }
}

crate::on_all!(aggregates_load_into_their_declared_types);

/// What each backend computes loads into the Rust type of the declared result type.
fn aggregates_load_into_their_declared_types<B: crate::both::TestBackend>() {
    use portable::numbers;
    use rust_decimal::Decimal;
    let mut db = crate::both::with::<B>(
        sqlwright::schema!(portable::numbers),
        "INSERT INTO numbers VALUES (1, 2, 3, 1.5, 2.5, 10.25), (2, 4, 5, 0.5, 0.25, 0.75);",
    );
    let sums = numbers::table
        .select((
            sum(numbers::id),
            sum(numbers::i2),
            sum(numbers::i8),
            sum(numbers::f4),
            sum(numbers::f8),
            sum(numbers::num),
        ))
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(
        sums,
        (
            Some(3i64),
            Some(6i64),
            Some(Decimal::from(8)),
            Some(2.0f32),
            Some(2.75f64),
            Some(Decimal::from(11))
        )
    );
    let others = numbers::table
        .select((
            avg(numbers::id),
            avg(numbers::i8),
            avg(numbers::f4),
            avg(numbers::num),
            min(numbers::i2),
            max(numbers::f4),
            count_star(),
            count(numbers::num),
        ))
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(
        others,
        (
            Some(Decimal::new(15, 1)),
            Some(Decimal::from(4)),
            Some(1.0f64),
            Some(Decimal::new(55, 1)),
            Some(2i16),
            Some(1.5f32),
            2i64,
            2i64
        )
    );
}
