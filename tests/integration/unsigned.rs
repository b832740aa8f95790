//! Unsigned integer columns (`UInt1` .. `UInt8`, #23) on every backend: MySQL's own
//! `TINYINT UNSIGNED` .. `BIGINT UNSIGNED`, PostgreSQL's and SQLite's wider signed storage
//! with a range check. Round trips of 0, the largest values and NULL; filters, ORDER BY,
//! aggregates, arithmetic (and its overflow and negative results, typed errors on every
//! backend), writes, upserts and RETURNING; DDL, reflection and `verify_schema`.

use crate::both::{text_of, with, TestBackend};
use sqlwright::backend::Dialect;
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::reflect::{reflect, verify_schema, ReflectOptions, Reflects};
use sqlwright::Error;

sqlwright::table! {
    counters (id) {
        id -> UInt4,
        tiny -> UInt1,
        small -> UInt2,
        mid -> UInt4,
        big -> UInt8,
        maybe -> Nullable<UInt4>,
    }
}

#[derive(sqlwright::Insertable, sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = counters)]
pub(crate) struct Counter {
    pub(crate) id: u32,
    pub(crate) tiny: u8,
    pub(crate) small: u16,
    pub(crate) mid: u32,
    pub(crate) big: u64,
    pub(crate) maybe: Option<u32>,
}

/// The largest `u64` the backend stores: all of them, but SQLite's integers end at
/// `i64::MAX`.
pub(crate) fn big_max<B: TestBackend>() -> u64 {
    match B::DIALECT {
        Dialect::Sqlite => i64::MAX as u64,
        _ => u64::MAX,
    }
}

pub(crate) fn rows<B: TestBackend>() -> Vec<Counter> {
    vec![
        Counter {
            id: 1,
            tiny: 0,
            small: 0,
            mid: 0,
            big: 0,
            maybe: None,
        },
        Counter {
            id: 2,
            tiny: u8::MAX,
            small: u16::MAX,
            mid: u32::MAX,
            big: big_max::<B>(),
            maybe: Some(u32::MAX),
        },
        Counter {
            id: 3,
            tiny: 7,
            small: 300,
            mid: 70_000,
            big: 5_000_000_000,
            maybe: Some(0),
        },
    ]
}

fn filled<B: TestBackend>() -> crate::both::Fresh<B> {
    let mut db = with::<B>(sqlwright::schema!(counters), "");
    let n = insert_into(counters::table)
        .values(&rows::<B>()[..])
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(n, 3);
    db
}

/// The error is one of the typed errors a value out of its type's range gives: the
/// server's (out of range, or the storage's check) or the decoder's.
fn out_of_range(e: &Error) -> bool {
    match e {
        Error::Decode { .. } => true,
        Error::Database(d) => matches!(
            d.kind,
            DbErrorKind::NumericOutOfRange | DbErrorKind::CheckViolation
        ),
        _ => false,
    }
}

crate::on_all!(
    unsigned_values_round_trip_at_zero_the_maximum_and_null,
    unsigned_columns_filter_order_and_aggregate,
    unsigned_arithmetic_gives_typed_errors_out_of_range,
    unsigned_columns_update_upsert_and_return,
    unsigned_columns_reflect_and_verify_clean,
);

fn unsigned_values_round_trip_at_zero_the_maximum_and_null<B: TestBackend>() {
    let mut db = filled::<B>();
    let loaded: Vec<Counter> = counters::table
        .select(Counter::as_select())
        .order_by(counters::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(loaded, rows::<B>());
    // The default Rust types, selected as a tuple.
    let top: (u8, u16, u32, u64, Option<u32>) = counters::table
        .filter(counters::id.eq(2))
        .select((
            counters::tiny,
            counters::small,
            counters::mid,
            counters::big,
            counters::maybe,
        ))
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(top, (255, 65_535, u32::MAX, big_max::<B>(), Some(u32::MAX)));
    // A bound value: a parameter of the column's type.
    let echoed: u64 = counters::table
        .filter(counters::id.eq(1))
        .select(value(big_max::<B>()))
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(echoed, big_max::<B>());
    if B::DIALECT == Dialect::Sqlite {
        // SQLite's integers end at i64::MAX: a larger u64 is refused before it is sent.
        let err = insert_into(counters::table)
            .values(&Counter {
                id: 9,
                big: u64::MAX,
                ..rows::<B>()[0].clone()
            })
            .execute(&mut db.conn)
            .unwrap_err();
        assert!(err.to_string().contains("above i64::MAX"), "{err:?}");
        assert_eq!(counters::table.count(&mut db.conn).unwrap(), 3);
    }
}

fn unsigned_columns_filter_order_and_aggregate<B: TestBackend>() {
    let mut db = filled::<B>();
    // Literals take the column's Rust type (`200` is a `u8` beside `tiny`).
    let ids: Vec<u32> = counters::table
        .filter(counters::tiny.gt(5).and(counters::small.lt(65_535)))
        .select(counters::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [3]);
    let ids: Vec<u32> = counters::table
        .filter(counters::big.eq(big_max::<B>()))
        .select(counters::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [2]);
    let ids: Vec<u32> = counters::table
        .filter(counters::mid.between(1u32, u32::MAX - 1))
        .select(counters::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [3]);
    let ids: Vec<u32> = counters::table
        .filter(counters::maybe.is_null())
        .select(counters::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [1]);
    // Compared with a signed column: numeric types compare.
    let ids: Vec<u32> = counters::table
        .filter(counters::small.gt(counters::tiny))
        .select(counters::id)
        .order_by(counters::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(ids, [2, 3]);
    // ORDER BY the u64: by value, u64::MAX (above i64::MAX on MySQL and PostgreSQL) last.
    let order: Vec<u64> = counters::table
        .select(counters::big)
        .order_by(counters::big.desc())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(order, [big_max::<B>(), 5_000_000_000, 0]);
    // Aggregates: sums as PostgreSQL sums the storage, min and max of the type itself.
    // The types are the default Rust types of the aggregates' SQL types: inferred.
    let (sum_tiny, sum_small, sum_mid, max_big, min_mid, counted) = counters::table
        .select((
            sum(counters::tiny),
            sum(counters::small),
            sum(counters::mid),
            max(counters::big),
            min(counters::mid),
            count(counters::maybe),
        ))
        .one(&mut db.conn)
        .unwrap();
    let _: (Option<i64>, Option<i64>) = (sum_tiny, sum_small);
    let _: (Option<u64>, Option<u32>, i64) = (max_big, min_mid, counted);
    assert_eq!(sum_tiny, Some(262));
    assert_eq!(sum_small, Some(65_835));
    // Past u32::MAX: no overflow, the sum is a numeric.
    assert_eq!(
        sum_mid,
        Some(rust_decimal::Decimal::from(u64::from(u32::MAX) + 70_000))
    );
    assert_eq!(max_big, Some(big_max::<B>()));
    assert_eq!(min_mid, Some(0));
    assert_eq!(counted, 2);
}

fn unsigned_arithmetic_gives_typed_errors_out_of_range<B: TestBackend>() {
    let mut db = filled::<B>();
    let at = |id: u32| counters::table.filter(counters::id.eq(id));
    // In range: the result has the wider unsigned type of the two.
    let (sum, product, quotient): (u32, u8, u64) = at(3)
        .select((
            counters::mid + counters::tiny,
            counters::tiny * 2,
            counters::big / 3u64,
        ))
        .one(&mut db.conn)
        .unwrap();
    assert_eq!((sum, product, quotient), (70_007, 14, 1_666_666_666));
    // `/` of integers truncates on every backend (MySQL's `DIV`, PostgreSQL's `div` of the
    // numeric storage).
    let halves = at(3).select((counters::big + 1u64) / 2u64);
    let sql = text_of(halves.debug_sql_for(B::DIALECT));
    let division = match B::DIALECT {
        Dialect::Postgres => "SELECT div(\"counters\".\"big\" + $1, $2) FROM",
        Dialect::Mysql => "SELECT (`counters`.`big` + ?) DIV ? FROM",
        _ => "SELECT (\"counters\".\"big\" + ?1) / ?2 FROM",
    };
    assert!(sql.starts_with(division), "{sql}");
    assert_eq!(halves.one(&mut db.conn).unwrap(), 2_500_000_000);
    let odd: u64 = at(3)
        .select(counters::big / 3000u64 / 7u64)
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(odd, 5_000_000_000 / 3000 / 7);
    // Beside a signed integer the result is signed, as PostgreSQL types the storage, and
    // may be negative on every backend (MySQL's unsigned operand is cast first).
    let signed = at(3).select(counters::mid + value(-70_010i32));
    let sql = text_of(signed.debug_sql_for(B::DIALECT));
    if B::DIALECT == Dialect::Mysql {
        assert!(
            sql.starts_with("SELECT CAST(`counters`.`mid` AS SIGNED) + ? FROM"),
            "{sql}"
        );
    }
    let signed: i64 = signed.one(&mut db.conn).unwrap();
    assert_eq!(signed, -10);
    let signed: i16 = at(3)
        .select(value(3i16) - counters::tiny)
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(signed, -4);
    // A u64 beside a signed integer is a numeric, exact on every backend.
    let exact: rust_decimal::Decimal = at(2)
        .select(counters::big - value(i64::MAX))
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(
        exact,
        rust_decimal::Decimal::from(big_max::<B>()) - rust_decimal::Decimal::from(i64::MAX)
    );
    let below: rust_decimal::Decimal = at(3)
        .select(counters::big - value(5_000_000_001i64))
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(below, rust_decimal::Decimal::from(-1));
    // A negative result: MySQL refuses it (BIGINT UNSIGNED out of range), PostgreSQL and
    // SQLite compute -1, which no `u32` holds.
    let err = at(1)
        .select(counters::mid - 1u32)
        .one(&mut db.conn)
        .unwrap_err();
    assert!(out_of_range(&err), "{err:?}");
    // Past the type's largest value: 255 + 255 does not load into a u8; u64::MAX + 1 is
    // refused by MySQL, above u64 on PostgreSQL (numeric), a REAL on SQLite.
    let err = at(2)
        .select(counters::tiny + counters::tiny)
        .one(&mut db.conn)
        .unwrap_err();
    assert!(out_of_range(&err), "{err:?}");
    let err = at(2)
        .select(counters::big + 1u64)
        .one(&mut db.conn)
        .unwrap_err();
    assert!(out_of_range(&err), "{err:?}");
    // The connection goes on.
    assert_eq!(counters::table.count(&mut db.conn).unwrap(), 3);
}

fn unsigned_columns_update_upsert_and_return<B: TestBackend>() {
    let mut db = filled::<B>();
    let n = update(counters::table)
        .filter(counters::id.eq(3))
        .set((
            counters::tiny.to(counters::tiny + 1),
            counters::maybe.to(None::<u32>),
        ))
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(n, 1);
    let (tiny, maybe): (u8, Option<u32>) = counters::table
        .filter(counters::id.eq(3))
        .select((counters::tiny, counters::maybe))
        .one(&mut db.conn)
        .unwrap();
    assert_eq!((tiny, maybe), (8, None));
    // Rows by an unsigned primary key.
    let n = update(counters::table)
        .by_key(3u32)
        .set(counters::big.to(counters::big * 2u64))
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(n, 1);
    let doubled: u64 = counters::table
        .by_key(3)
        .select(counters::big)
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(doubled, 10_000_000_000);
    // Written below zero: the server refuses it (MySQL's range, the storage's check), and
    // the row is unchanged.
    let err = update(counters::table)
        .filter(counters::id.eq(1))
        .set(counters::tiny.to(counters::tiny - 1))
        .execute(&mut db.conn)
        .unwrap_err();
    assert!(out_of_range(&err), "{err:?}");
    // Above the type's range in a wider expression: refused the same way.
    let err = update(counters::table)
        .filter(counters::id.eq(2))
        .set(counters::small.to(counters::small + 1))
        .execute(&mut db.conn)
        .unwrap_err();
    assert!(out_of_range(&err), "{err:?}");
    let unchanged: (u8, u16) = counters::table
        .filter(counters::id.eq(1))
        .select((counters::tiny, counters::small))
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(unchanged, (0, 0));
    // An upsert keyed on the primary key adds to the stored value.
    let upsert = |id: u32, big: u64| {
        insert_into(counters::table)
            .values((
                counters::id.to(id),
                counters::tiny.to(1),
                counters::small.to(2),
                counters::mid.to(3),
                counters::big.to(big),
            ))
            .on_conflict(counters::id)
            .do_update(counters::big.to(counters::big + 10u64))
    };
    upsert(4, 40).execute(&mut db.conn).unwrap();
    upsert(4, 40).execute(&mut db.conn).unwrap();
    let big: u64 = counters::table
        .filter(counters::id.eq(4))
        .select(counters::big)
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(big, 50);
    // RETURNING (MariaDB 10.5+ on INSERT and DELETE).
    let returned: (u32, u64) = insert_into(counters::table)
        .values((
            counters::id.to(5),
            counters::tiny.to(u8::MAX),
            counters::small.to(u16::MAX),
            counters::mid.to(u32::MAX),
            counters::big.to(big_max::<B>()),
        ))
        .returning((counters::mid, counters::big))
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(returned, (u32::MAX, big_max::<B>()));
    let gone: Vec<u64> = delete(counters::table)
        .filter(counters::id.ge(4))
        .returning(counters::big)
        .get_results(&mut db.conn)
        .unwrap();
    assert_eq!(gone.len(), 2);
    assert!(gone.contains(&big_max::<B>()) && gone.contains(&50));
}

fn unsigned_columns_reflect_and_verify_clean<B: TestBackend + Reflects>() {
    let ddl = sqlwright::schema!(counters).create_sql_for(B::DIALECT, false);
    let expected: &[&str] = match B::DIALECT {
        Dialect::Mysql => &[
            "`tiny` TINYINT UNSIGNED NOT NULL",
            "`small` SMALLINT UNSIGNED NOT NULL",
            "`mid` INT UNSIGNED NOT NULL",
            "`big` BIGINT UNSIGNED NOT NULL",
            "`maybe` INT UNSIGNED,",
        ],
        Dialect::Postgres => &[
            "\"tiny\" int2 NOT NULL CHECK (\"tiny\" >= 0 AND \"tiny\" <= 255)",
            "\"small\" int4 NOT NULL CHECK (\"small\" >= 0 AND \"small\" <= 65535)",
            "\"mid\" int8 NOT NULL CHECK (\"mid\" >= 0 AND \"mid\" <= '4294967295'::bigint)",
            "\"big\" numeric(20,0) NOT NULL \
             CHECK (\"big\" >= 0 AND \"big\" <= '18446744073709551615'::numeric)",
            "\"maybe\" int8 CHECK (\"maybe\" >= 0 AND \"maybe\" <= '4294967295'::bigint)",
        ],
        _ => &[
            "\"tiny\" INTEGER NOT NULL CHECK (\"tiny\" >= 0 AND \"tiny\" <= 255)",
            "\"big\" INTEGER NOT NULL CHECK (\"big\" >= 0 AND \"big\" <= 18446744073709551615)",
        ],
    };
    for part in expected {
        assert!(ddl.contains(part), "{part} in {ddl}");
    }
    let mut db = filled::<B>();
    let meta = <counters::table as sqlwright::query::Table>::META;
    let drift = verify_schema(&mut db.conn, &[meta]).unwrap();
    assert!(drift.is_empty(), "{drift:?}");
    let catalog = reflect(&mut db.conn, &ReflectOptions::default()).unwrap();
    if B::DIALECT != Dialect::Mysql {
        // Migration autogenerate (PostgreSQL and SQLite) reads the range checks back as
        // the ones declared: nothing to plan.
        let plan = sqlwright::migrate::autogen::plan(&[meta], &catalog, B::DIALECT).unwrap();
        assert!(plan.is_empty(), "{}", plan.up);
    }
    let table = catalog.table("counters").unwrap();
    let types: Vec<&str> = table.columns.iter().map(|c| c.type_name.as_str()).collect();
    match B::DIALECT {
        // MySQL's own unsigned types, read back as declared, printed as `table!` types.
        Dialect::Mysql => {
            assert_eq!(
                types,
                ["uint4", "uint1", "uint2", "uint4", "uint8", "uint4"]
            );
            let printed = sqlwright::reflect::print_schema(&catalog, &Default::default()).unwrap();
            for line in [
                "tiny -> UInt1,",
                "small -> UInt2,",
                "big -> UInt8,",
                "maybe -> Nullable<UInt4>,",
            ] {
                assert!(printed.contains(line), "{line} in {printed}");
            }
        }
        // The signed storage, each column with its range check.
        Dialect::Postgres => {
            assert_eq!(types, ["int8", "int2", "int4", "int8", "numeric", "int8"]);
            assert_eq!(table.checks.len(), 6, "{:?}", table.checks);
        }
        _ => assert_eq!(table.checks.len(), 6, "{:?}", table.checks),
    }
    // A signed column where an unsigned one is declared is drift.
    let signed = match B::DIALECT {
        Dialect::Mysql => Some("ALTER TABLE counters MODIFY maybe INT"),
        Dialect::Postgres => Some("ALTER TABLE counters ALTER COLUMN maybe TYPE int4"),
        _ => None,
    };
    if let Some(alter) = signed {
        // u32::MAX has no signed INT: the server refuses the change while the row is there.
        delete(counters::table)
            .filter(counters::id.eq(2))
            .execute(&mut db.conn)
            .unwrap();
        db.conn.batch_execute(alter).unwrap();
        let drift = verify_schema(&mut db.conn, &[meta]).unwrap();
        assert!(
            matches!(&drift[..], [sqlwright::reflect::Drift::Type { column, declared, .. }]
                if column == "counters.maybe" && declared == "uint4"),
            "{drift:?}"
        );
    }
}

/// Raw SQL on MariaDB: an unsigned value bound by its SQL type, read back by `get`, above
/// `i64::MAX`; a hand-made `BIGINT UNSIGNED` column loads through the typed DSL as well.
#[test]
fn raw_sql_binds_and_reads_unsigned_values_on_mariadb() {
    use sqlwright::raw;
    use sqlwright::types::UInt8;
    let db = sqlwright::testing::mariadb_database();
    let mut conn = db.connect().unwrap();
    sqlwright::schema!(counters)
        .create_all(&mut conn, false)
        .unwrap();
    let n = raw::sql(
        "INSERT INTO counters (id, tiny, small, mid, big) VALUES (1, 255, 65535, 4294967295, :big)",
    )
    .bind_as::<UInt8, _>("big", u64::MAX)
    .execute(&mut conn)
    .unwrap();
    assert_eq!(n, 1);
    let rows = raw::sql("SELECT big, tiny, big - :less AS less FROM counters WHERE big = :big")
        .bind_as::<UInt8, _>("big", u64::MAX)
        .bind_as::<UInt8, _>("less", 1u64 << 63)
        .load(&mut conn)
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<u64>("big").unwrap(), u64::MAX);
    assert_eq!(rows[0].get::<u8>("tiny").unwrap(), 255);
    assert_eq!(rows[0].get::<u64>("less").unwrap(), (1u64 << 63) - 1);
    // Too large for the Rust type asked: an error naming the column.
    let err = rows[0].get::<u32>("big").unwrap_err();
    assert!(
        matches!(&err, Error::Decode { column, .. } if column == "big"),
        "{err:?}"
    );
    let big: u64 = counters::table
        .select(counters::big)
        .one(&mut conn)
        .unwrap();
    assert_eq!(big, u64::MAX);
}
