//! `+ - * /` between different numeric types: the result type sqlwright declares is the one
//! PostgreSQL reports for every pair, and what each backend computes loads into its Rust type.

use crate::setup;
use sqlwright::prelude::*;
use sqlwright::types::SqlType;

sqlwright::table! {
    measures (id) {
        id -> Int4,
        small -> Int2,
        big -> Int8,
        real4 -> Float4,
        real8 -> Float8,
        price -> Numeric,
        maybe -> Nullable<Numeric>,
    }
}

/// The type PostgreSQL gives `expr` over table `measures`.
fn server_type(db: &mut crate::Db, expr: &str) -> String {
    crate::aggregate_types::server_type_over(db, "measures", expr)
}

fn declared<E: sqlwright::expr::Expression>(_: &E) -> &'static str {
    <E::SqlType as SqlType>::NAME
}

/// `(sql, declared type)` of `a op b` for every operator and every pair of the columns, as
/// nested arrays (by left column, by right column, by operator).
macro_rules! pairs {
    ($($a:ident)*; $b:tt) => {
        [$(pairs!(@row $a; $b)),*]
    };
    (@row $a:ident; [$($b:ident)*]) => {
        [$([
            (concat!(stringify!($a), " + ", stringify!($b)), declared(&(measures::$a + measures::$b))),
            (concat!(stringify!($a), " - ", stringify!($b)), declared(&(measures::$a - measures::$b))),
            (concat!(stringify!($a), " * ", stringify!($b)), declared(&(measures::$a * measures::$b))),
            (concat!(stringify!($a), " / ", stringify!($b)), declared(&(measures::$a / measures::$b))),
        ]),*]
    };
}

#[test]
fn arithmetic_result_types_match_the_server_for_every_pair() {
    let mut db = setup(
        "CREATE TABLE measures (id int4 PRIMARY KEY, small int2 NOT NULL, big int8 NOT NULL,
             real4 float4 NOT NULL, real8 float8 NOT NULL, price numeric NOT NULL, maybe numeric);
         INSERT INTO measures VALUES (1, 2, 3, 1.5, 2.5, 10.25, NULL);",
    );
    let cases: Vec<(&str, &str)> =
        pairs!(small id big price real4 real8 maybe; [small id big price real4 real8 maybe])
            .into_iter()
            .flatten()
            .flatten()
            .collect();
    assert_eq!(cases.len(), 7 * 7 * 4);
    for (expr, ours) in cases {
        assert_eq!(server_type(&mut db, expr), ours, "{expr}");
    }
}

crate::on_all!(
    promoted_arithmetic_loads_into_the_promoted_type,
    numeric_types_compare_with_each_other,
);

/// Each backend's result of a mixed operation loads into the Rust type of the promoted SQL
/// type; a nullable operand makes it an `Option`.
fn promoted_arithmetic_loads_into_the_promoted_type<B: crate::both::TestBackend>() {
    use rust_decimal::Decimal;
    let mut db = crate::both::with::<B>(
        sqlwright::schema!(measures),
        "INSERT INTO measures VALUES (1, 2, 3, 1.5, 2.5, 10.25, NULL), (2, 4, 5, 0.5, 0.25, 0.75, 4.5);",
    );
    let first = measures::table
        .filter(measures::id.eq(1))
        .select((
            measures::small + measures::id,
            measures::big - measures::small,
            measures::small * measures::small,
            measures::big / measures::small,
            measures::id * measures::price,
            measures::price / measures::small,
            measures::id + measures::real4,
            measures::price + measures::real8,
            measures::real4 * measures::real4,
            measures::small - measures::real8,
        ))
        .one(&mut db.conn)
        .unwrap();
    let expected: (i32, i64, i16, i64, Decimal, Decimal, f64, f64, f32, f64) = (
        3,
        1,
        4,
        1, // integer division, as on both backends
        Decimal::new(1025, 2),
        Decimal::new(5125, 3),
        2.5,
        12.75,
        2.25,
        -0.5,
    );
    assert_eq!(first, expected);

    let nullable = measures::table
        .select((
            measures::id * measures::maybe,
            measures::maybe + measures::real8,
        ))
        .order_by(measures::id)
        .load(&mut db.conn)
        .unwrap();
    let expected: Vec<(Option<Decimal>, Option<f64>)> =
        vec![(None, None), (Some(Decimal::from(9)), Some(4.75))];
    assert_eq!(nullable, expected);

    // A Rust value of another numeric type, bound with its own type, promotes the same way.
    let scaled: Vec<Decimal> = measures::table
        .select(measures::id * value(Decimal::new(15, 1)))
        .order_by(measures::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(scaled, [Decimal::new(15, 1), Decimal::from(3)]);
}

/// Two numeric columns of different types compare, as in PostgreSQL (`int4 < numeric`); a
/// Rust value still takes the other side's type.
fn numeric_types_compare_with_each_other<B: crate::both::TestBackend>() {
    let mut db = crate::both::with::<B>(
        sqlwright::schema!(measures),
        "INSERT INTO measures VALUES (1, 2, 3, 1.5, 2.5, 10.25, NULL), (2, 4, 5, 0.5, 0.25, 0.75, 4.5);",
    );
    let small: Vec<i32> = measures::table
        .filter(measures::small.lt(measures::big))
        .select(measures::id)
        .order_by(measures::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(small, [1, 2]);
    let cheap: Vec<i32> = measures::table
        .filter(
            measures::price
                .lt(measures::id)
                .or(measures::real8.le(measures::small)),
        )
        .select(measures::id)
        .order_by(measures::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(cheap, [2]);
    let between: Vec<i32> = measures::table
        .filter(measures::real4.between(measures::id, measures::price))
        .select(measures::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(between, [1]);
}
