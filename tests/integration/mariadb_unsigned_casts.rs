//! `cast::<UInt1, _>` .. `cast::<UInt8, _>` on MariaDB (#23): integers, decimals and unsigned
//! values to each unsigned type, at 0 and the maximum, one past the maximum and negative
//! values (the server's out-of-range error, never MySQL's wrap-around of a negative), in a
//! select list and a filter; on PostgreSQL the statement is refused before it is sent
//! (SQLite's refusal is the ui case `sqlite_cast_to_unsigned`).

use rust_decimal::Decimal;
use sqlwright::dsl::*;
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::Error;
use std::str::FromStr;

sqlwright::table! {
    sources (id) {
        id -> Int4,
        small -> Int2,
        plain -> Int4,
        wide -> Int8,
        dec -> Numeric,
        big -> UInt8,
        maybe -> Nullable<Int4>,
    }
}

#[derive(sqlwright::Insertable, Debug, Clone)]
#[sqlwright(table = sources)]
struct Source {
    id: i32,
    small: i16,
    plain: i32,
    wide: i64,
    dec: Decimal,
    big: u64,
    maybe: Option<i32>,
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn out_of_range(e: &Error) -> bool {
    matches!(e, Error::Database(d) if d.kind == DbErrorKind::NumericOutOfRange)
}

fn mariadb() -> (
    sqlwright::testing::MariadbDatabase,
    sqlwright::MysqlConnection,
) {
    let db = sqlwright::testing::mariadb_database();
    let mut conn = db.connect().unwrap();
    sqlwright::schema!(sources)
        .create_all(&mut conn, false)
        .unwrap();
    let rows = [
        Source {
            id: 1,
            small: 0,
            plain: 0,
            wide: 0,
            dec: dec("0.4"),
            big: 0,
            maybe: None,
        },
        Source {
            id: 2,
            small: 255,
            plain: 65_535,
            wide: 4_294_967_295,
            dec: dec("254.5"),
            big: u64::MAX,
            maybe: Some(7),
        },
        Source {
            id: 3,
            small: -1,
            plain: -1,
            wide: -1,
            dec: dec("-0.6"),
            big: 300,
            maybe: Some(-5),
        },
    ];
    insert_into(sources::table)
        .values(&rows[..])
        .execute(&mut conn)
        .unwrap();
    (db, conn)
}

#[test]
fn casts_to_unsigned_types_keep_zero_and_each_maximum_on_mariadb() {
    let (_db, mut conn) = mariadb();
    let row: (u8, u16, u32, u64, u8, u64) = sources::table
        .filter(sources::id.eq(2))
        .select((
            cast::<UInt1, _>(sources::small),
            cast::<UInt2, _>(sources::plain),
            cast::<UInt4, _>(sources::wide),
            cast::<UInt8, _>(sources::big),
            // 254.5 rounds half away from zero, as PostgreSQL's cast of a decimal does.
            cast::<UInt1, _>(sources::dec),
            cast::<UInt8, _>(sources::wide),
        ))
        .one(&mut conn)
        .unwrap();
    assert_eq!(row, (255, 65_535, u32::MAX, u64::MAX, 255, 4_294_967_295));
    let zeros: (u8, u16, u32, u64, u64) = sources::table
        .filter(sources::id.eq(1))
        .select((
            cast::<UInt1, _>(sources::small),
            cast::<UInt2, _>(sources::wide),
            cast::<UInt4, _>(sources::plain),
            // 0.4 rounds to 0: in range.
            cast::<UInt8, _>(sources::dec),
            cast::<UInt8, _>(sources::big),
        ))
        .one(&mut conn)
        .unwrap();
    assert_eq!(zeros, (0, 0, 0, 0, 0));
    // Bound values of every source type, and an unsigned value narrowed.
    let bound: (u8, u16, u32, u64, u8) = sources::table
        .filter(sources::id.eq(1))
        .select((
            cast::<UInt1, _>(value(200i16)),
            cast::<UInt2, _>(value(dec("65534.6"))),
            cast::<UInt4, _>(value(u64::from(u32::MAX))),
            cast::<UInt8, _>(value(i64::MAX)),
            cast::<UInt1, _>(value(9u32)),
        ))
        .one(&mut conn)
        .unwrap();
    assert_eq!(bound, (200, 65_535, u32::MAX, i64::MAX as u64, 9));
    // NULL stays NULL.
    let maybe: Vec<Option<u16>> = sources::table
        .filter(sources::id.le(2))
        .order_by(sources::id)
        .select(cast::<UInt2, _>(sources::maybe))
        .load(&mut conn)
        .unwrap();
    assert_eq!(maybe, vec![None, Some(7)]);
}

#[test]
fn casts_past_the_range_or_of_negatives_are_the_servers_error_on_mariadb() {
    let (_db, mut conn) = mariadb();
    // One past each maximum.
    let errors = [
        sources::table
            .select(cast::<UInt1, _>(value(256i32)))
            .first(&mut conn)
            .map(|_: Option<u8>| ())
            .unwrap_err(),
        sources::table
            .select(cast::<UInt2, _>(value(65_536i64)))
            .first(&mut conn)
            .map(|_: Option<u16>| ())
            .unwrap_err(),
        sources::table
            .select(cast::<UInt4, _>(value(4_294_967_296i64)))
            .first(&mut conn)
            .map(|_: Option<u32>| ())
            .unwrap_err(),
        // 255.5 rounds to 256.
        sources::table
            .select(cast::<UInt1, _>(value(dec("255.5"))))
            .first(&mut conn)
            .map(|_: Option<u8>| ())
            .unwrap_err(),
        // A decimal past u64::MAX.
        sources::table
            .select(cast::<UInt8, _>(value(dec("18446744073709551616"))))
            .first(&mut conn)
            .map(|_: Option<u64>| ())
            .unwrap_err(),
        // A BIGINT UNSIGNED narrowed.
        sources::table
            .filter(sources::id.eq(3))
            .select(cast::<UInt1, _>(sources::big))
            .first(&mut conn)
            .map(|_: Option<u8>| ())
            .unwrap_err(),
    ];
    for e in &errors {
        assert!(out_of_range(e), "{e:?}");
    }
    // Negatives: MySQL's own CAST(-1 AS UNSIGNED) is 18446744073709551615 with a note; here
    // each is the out-of-range error, for every type and every signed source.
    let negatives = [
        sources::table
            .filter(sources::id.eq(3))
            .select(cast::<UInt1, _>(sources::small))
            .first(&mut conn)
            .map(|_: Option<u8>| ())
            .unwrap_err(),
        sources::table
            .filter(sources::id.eq(3))
            .select(cast::<UInt2, _>(sources::plain))
            .first(&mut conn)
            .map(|_: Option<u16>| ())
            .unwrap_err(),
        sources::table
            .filter(sources::id.eq(3))
            .select(cast::<UInt4, _>(sources::wide))
            .first(&mut conn)
            .map(|_: Option<u32>| ())
            .unwrap_err(),
        sources::table
            .filter(sources::id.eq(3))
            .select(cast::<UInt8, _>(sources::wide))
            .first(&mut conn)
            .map(|_: Option<u64>| ())
            .unwrap_err(),
        // -0.6 rounds to -1.
        sources::table
            .filter(sources::id.eq(3))
            .select(cast::<UInt8, _>(sources::dec))
            .first(&mut conn)
            .map(|_: Option<u64>| ())
            .unwrap_err(),
        sources::table
            .select(cast::<UInt8, _>(value(i64::MIN)))
            .first(&mut conn)
            .map(|_: Option<u64>| ())
            .unwrap_err(),
    ];
    for e in &negatives {
        assert!(out_of_range(e), "{e:?}");
    }
    // The connection goes on.
    let n: i64 = sources::table.count(&mut conn).unwrap();
    assert_eq!(n, 3);
}

#[test]
fn unsigned_casts_filter_rows_and_a_negative_row_fails_the_statement_on_mariadb() {
    let (_db, mut conn) = mariadb();
    // Rows 1 and 2 are in range for UInt4.
    let ids: Vec<i32> = sources::table
        .filter(sources::id.le(2))
        .filter(cast::<UInt4, _>(sources::wide).gt(0u32))
        .select(sources::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(ids, vec![2]);
    let ids: Vec<i32> = sources::table
        .filter(sources::id.le(2))
        .filter(cast::<UInt1, _>(sources::small).eq(255u8))
        .select(sources::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(ids, vec![2]);
    // Row 3's -1 is not silently 18446744073709551615 (which `gt(0)` would keep): the filter
    // meets it, and the statement fails.
    let e = sources::table
        .filter(cast::<UInt8, _>(sources::wide).gt(0u64))
        .select(sources::id)
        .load(&mut conn)
        .map(|_: Vec<i32>| ())
        .unwrap_err();
    assert!(out_of_range(&e), "{e:?}");
    let n: i64 = sources::table.count(&mut conn).unwrap();
    assert_eq!(n, 3);
}

#[test]
fn unsigned_casts_are_refused_before_sending_on_postgres() {
    let db = sqlwright::testing::database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute("CREATE TABLE sources (id int4 PRIMARY KEY, small int2, plain int4, wide int8, dec numeric, big numeric(20,0), maybe int4)")
        .unwrap();
    let e = sources::table
        .select(cast::<UInt4, _>(sources::plain))
        .load(&mut conn)
        .map(|_: Vec<u32>| ())
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Unsupported {
                feature: "UnsignedCasts",
                backend: "PostgreSQL"
            }
        ),
        "{e:?}"
    );
    // COPY's text is refused the same way.
    let copied = sources::table
        .select(cast::<UInt1, _>(sources::small))
        .copy_out(&mut conn)
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(
            copied,
            Error::Unsupported {
                feature: "UnsignedCasts",
                backend: "PostgreSQL"
            }
        ),
        "{copied:?}"
    );
    let n: i64 = sources::table.count(&mut conn).unwrap();
    assert_eq!(n, 0);
}
