//! Unsigned integer columns: [`UInt1`], [`UInt2`], [`UInt4`], [`UInt8`], loading into and
//! binding from `u8`, `u16`, `u32`, `u64`.
//!
//! MySQL and MariaDB have them (`TINYINT UNSIGNED` .. `BIGINT UNSIGNED`). PostgreSQL and
//! SQLite do not; there each is stored in a signed type wide enough for every value, with a
//! `CHECK` that keeps it in range, so one `table!` runs on all three backends:
//!
//! | SQL type | Rust | MySQL | PostgreSQL | SQLite |
//! |----------|------|-------|------------|--------|
//! | `UInt1`  | `u8`  | `TINYINT UNSIGNED`  | `smallint`      | `INTEGER` |
//! | `UInt2`  | `u16` | `SMALLINT UNSIGNED` | `integer`       | `INTEGER` |
//! | `UInt4`  | `u32` | `INT UNSIGNED`      | `bigint`        | `INTEGER` |
//! | `UInt8`  | `u64` | `BIGINT UNSIGNED`   | `numeric(20,0)` | `INTEGER` (up to `i64::MAX`) |
//!
//! `postgres-types` encodes none of `u8`, `u16`, `u64` (and `u32` only as an `oid`), so
//! these values are written here ([`BindValue`]); a `u64` above `i64::MAX` bound on SQLite
//! is refused before the statement is sent, naming the value.

use super::*;
use crate::backend::BindValue;
use bytes::{BufMut, BytesMut};
use postgres_types::IsNull;
use std::error::Error as StdError;

/// `TINYINT UNSIGNED` (0 to 255): loads as `u8`. `smallint` with a range check on
/// PostgreSQL, `INTEGER` with one on SQLite.
pub struct UInt1;
/// `SMALLINT UNSIGNED` (0 to 65 535): loads as `u16`. `integer` with a range check on
/// PostgreSQL, `INTEGER` with one on SQLite.
pub struct UInt2;
/// `INT UNSIGNED` (0 to 4 294 967 295): loads as `u32`. `bigint` with a range check on
/// PostgreSQL, `INTEGER` with one on SQLite.
pub struct UInt4;
/// `BIGINT UNSIGNED` (0 to 18 446 744 073 709 551 615): loads as `u64`. `numeric(20,0)`
/// with a range check on PostgreSQL; `INTEGER` on SQLite, which stores up to `i64::MAX`
/// (a larger value is refused when it is bound).
pub struct UInt8;

macro_rules! unsigned_types {
    ($($name:ident = $sql:literal, $pg:ident, $rank:ident, $rust:ty;)*) => {$(
        impl SqlType for $name {
            const NAME: &'static str = $sql;
            const IS_NULLABLE: bool = false;
            const PG_TYPE: Type = Type::$pg;
            type Nullability = NotNull;
            type NotNull = Self;
            type Nullable = Nullable<Self>;
            type Needs = ();
            type Rank = $rank;
            const UNSIGNED: bool = true;
        }
        impl Arithmetic for $name {}
        impl Comparable for $name {}
        impl DefaultRust for $name {
            type Rust = $rust;
        }
        impl crate::expr::RustValue for $rust {}
        impl crate::expr::SqlValue<$name> for $rust {}
        impl crate::expr::AsExpr<$name> for $rust {
            type Expr = crate::expr::Bound<$name, $rust>;
            fn into_expr(self) -> Self::Expr {
                crate::expr::Bound::new(self)
            }
        }
        impl crate::expr::NaturalSqlType for $rust {
            type SqlType = $name;
        }
        impl crate::expr::IntoOperand for $rust {
            type Expr = crate::expr::Bound<$name, $rust>;
            fn into_operand(self) -> Self::Expr {
                crate::expr::Bound::new(self)
            }
        }
    )*};
}

unsigned_types! {
    UInt1 = "uint1", INT2, RankUInt1, u8;
    UInt2 = "uint2", INT4, RankUInt2, u16;
    UInt4 = "uint4", INT8, RankUInt4, u32;
    UInt8 = "uint8", NUMERIC, RankUInt8, u64;
}

/// The unsigned types' names, their storage on PostgreSQL (as PostgreSQL names it back) and
/// their largest value: what each backend's DDL writes for them.
const STORAGE: &[(&str, &str, u64)] = &[
    ("uint1", "int2", u8::MAX as u64),
    ("uint2", "int4", u16::MAX as u64),
    ("uint4", "int8", u32::MAX as u64),
    ("uint8", "numeric(20,0)", u64::MAX),
];

/// The largest value of an unsigned type, by its name (`uint1` is 255), `None` for any
/// other type.
pub(crate) fn unsigned_max(name: &str) -> Option<u64> {
    STORAGE
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(.., max)| *max)
}

/// The PostgreSQL storage of an unsigned type's name (`uint4` is `int8`), `None` for any
/// other type.
pub(crate) fn pg_storage(name: &str) -> Option<&'static str> {
    STORAGE
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, pg, _)| *pg)
}

/// The range check a PostgreSQL (`pg`) or SQLite column of an unsigned type gets:
/// ` CHECK ("c" >= 0 AND "c" <= max)`, empty for any other type. On PostgreSQL a maximum
/// beyond `integer` is written as PostgreSQL gives it back (`'4294967295'::bigint`), so
/// that migrations compare the declared and the live check as equal.
pub(crate) fn range_check(name: &str, column: &str, pg: bool) -> String {
    let Some((_, storage, max)) = STORAGE.iter().find(|(n, ..)| *n == name) else {
        return String::new();
    };
    let quoted = format!("\"{}\"", column.replace('"', "\"\""));
    let max = match (pg, *storage) {
        (true, "int8") => format!("'{max}'::bigint"),
        (true, "numeric(20,0)") => format!("'{max}'::numeric"),
        _ => max.to_string(),
    };
    format!(" CHECK ({quoted} >= 0 AND {quoted} <= {max})")
}

/// `n` as a parameter declared as `ty` on PostgreSQL: `smallint`, `integer` and `bigint` in
/// their binary forms when `n` fits, `numeric` always.
fn to_pg(
    n: Option<u64>,
    ty: &Type,
    out: &mut BytesMut,
) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
    let Some(n) = n else {
        return Ok(IsNull::Yes);
    };
    let too_big = || format!("{n} does not fit a PostgreSQL {}", ty.name());
    match *ty {
        Type::INT2 => out.put_i16(i16::try_from(n).map_err(|_| too_big())?),
        Type::INT4 => out.put_i32(i32::try_from(n).map_err(|_| too_big())?),
        Type::INT8 => out.put_i64(i64::try_from(n).map_err(|_| too_big())?),
        Type::NUMERIC => write_numeric(n, out),
        _ => {
            return Err(format!(
                "an unsigned integer is not sent as PostgreSQL {}",
                ty.name()
            )
            .into())
        }
    }
    Ok(IsNull::No)
}

/// `n` in PostgreSQL's binary `numeric`: base-10000 digits, most significant first, no
/// trailing zero digits (the weight places them), scale 0.
pub(crate) fn write_numeric(n: u64, out: &mut BytesMut) {
    let mut groups = [0u16; 5];
    let mut len = 0;
    let mut rest = n;
    while rest > 0 {
        groups[len] = (rest % 10_000) as u16;
        rest /= 10_000;
        len += 1;
    }
    let weight = len.saturating_sub(1) as i16;
    let zeros = groups[..len].iter().take_while(|&&g| g == 0).count();
    out.put_u16((len - zeros) as u16);
    out.put_i16(weight);
    out.put_u16(0); // positive
    out.put_u16(0); // display scale
    for &g in groups[zeros..len].iter().rev() {
        out.put_u16(g);
    }
}

/// A binary `numeric` as a `u64`: an error naming why for a negative value, a fraction, NaN,
/// an infinity or a value above `u64::MAX`.
pub(crate) fn read_numeric(raw: &[u8]) -> Result<u64, String> {
    let word = |at: usize| {
        raw.get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    let (Some(ndigits), Some(weight), Some(sign)) = (word(0), word(2), word(4)) else {
        return Err(format!(
            "a numeric starts with an 8-byte header, but {} bytes came",
            raw.len()
        ));
    };
    if raw.len() < 8 {
        return Err(format!(
            "a numeric starts with an 8-byte header, but {} bytes came",
            raw.len()
        ));
    }
    let negative = match sign {
        0x0000 => false,
        0x4000 => true,
        0xC000 => return Err("NaN is not an unsigned integer".into()),
        0xD000 | 0xF000 => return Err("an infinity is not an unsigned integer".into()),
        other => return Err(format!("a numeric's sign is {other:#06x}")),
    };
    let body = &raw[8..];
    if body.len() != 2 * usize::from(ndigits) {
        return Err(format!(
            "a numeric of {ndigits} digits takes {} bytes after its header, but {} came",
            2 * usize::from(ndigits),
            body.len()
        ));
    }
    let weight = i64::from(weight as i16);
    let too_big = || "the value is above u64::MAX (18446744073709551615)".to_string();
    let mut value: u128 = 0;
    let mut last_power = 0i64;
    for (i, d) in body.chunks_exact(2).enumerate() {
        let d = u16::from_be_bytes([d[0], d[1]]);
        if d > 9999 {
            return Err(format!("a numeric's base-10000 digit is {d}"));
        }
        let power = weight - i as i64;
        if power < 0 {
            if d != 0 {
                return Err("the value has a fractional part".into());
            }
            continue;
        }
        value = value * 10_000 + u128::from(d);
        if value > u128::from(u64::MAX) {
            return Err(too_big());
        }
        last_power = power;
    }
    if value != 0 && last_power > 0 {
        let scale = u32::try_from(last_power)
            .ok()
            .and_then(|p| 10_000u128.checked_pow(p))
            .ok_or_else(too_big)?;
        value = value.checked_mul(scale).ok_or_else(too_big)?;
    }
    let value = u64::try_from(value).map_err(|_| too_big())?;
    if negative && value != 0 {
        return Err(format!("-{value} is negative"));
    }
    Ok(value)
}

/// A `u64` as SQLite stores integers: refused above `i64::MAX`.
#[cfg(feature = "sqlite")]
fn to_sqlite(n: Option<u64>) -> Result<crate::backend::SqliteArg<'static>, String> {
    match n {
        None => Ok(crate::backend::SqliteArg::Null),
        Some(n) => i64::try_from(n)
            .map(crate::backend::SqliteArg::Integer)
            .map_err(|_| {
                format!(
                    "the u64 {n} is above i64::MAX (9223372036854775807), the largest integer \
                 SQLite stores"
                )
            }),
    }
}

#[cfg(feature = "mysql")]
fn to_mysql(n: Option<u64>) -> mysql_common::value::Value {
    n.map_or(
        mysql_common::value::Value::NULL,
        mysql_common::value::Value::UInt,
    )
}

/// The value onto a COM_STMT_EXECUTE packet: a `LONGLONG` with the unsigned flag.
#[cfg(feature = "mysql")]
fn write_mysql(n: Option<u64>, out: &mut Vec<u8>) -> [u8; 2] {
    match n {
        None => [6, 0], // MYSQL_TYPE_NULL
        Some(n) => {
            out.extend_from_slice(&n.to_le_bytes());
            [8, 0x80] // MYSQL_TYPE_LONGLONG, unsigned
        }
    }
}

macro_rules! bind_one {
    ($t:ty, |$s:ident| $get:expr) => {
        impl BindValue for $t {
            fn to_pg(
                &self,
                ty: &Type,
                out: &mut BytesMut,
            ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
                let $s = self;
                to_pg($get, ty, out)
            }
            fn accepts_pg(ty: &Type) -> bool {
                matches!(*ty, Type::INT2 | Type::INT4 | Type::INT8 | Type::NUMERIC)
            }
            #[cfg(feature = "sqlite")]
            fn to_sqlite(&self) -> Result<crate::backend::SqliteArg<'_>, String> {
                let $s = self;
                to_sqlite($get)
            }
            #[cfg(feature = "mysql")]
            fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
                let $s = self;
                Ok(to_mysql($get))
            }
            #[cfg(feature = "mysql")]
            #[inline]
            fn write_mysql(&self, out: &mut Vec<u8>) -> Result<[u8; 2], String> {
                let $s = self;
                Ok(write_mysql($get, out))
            }
            fn check(&self) -> Result<(), String> {
                Ok(())
            }
            fn is_string() -> bool {
                false
            }
            fn as_str(&self) -> Option<&str> {
                None
            }
            type Item<ST: SqlType> = crate::expr::Bound<ST, Self>;
            #[inline]
            fn item<ST: SqlType>(self) -> Self::Item<ST> {
                crate::expr::Bound::unchecked(self)
            }
            fn items<ST: SqlType>(values: Vec<Self>) -> Vec<Self::Item<ST>> {
                values
                    .into_iter()
                    .map(crate::expr::Bound::unchecked)
                    .collect()
            }
        }
    };
}

macro_rules! bind_unsigned {
    ($($u:ty),*) => {$(
        bind_one!($u, |s| Some(u64::from(*s)));
        bind_one!(&$u, |s| Some(u64::from(**s)));
        bind_one!(Option<$u>, |s| s.map(u64::from));
        bind_one!(&Option<$u>, |s| s.map(u64::from));
        bind_one!(Option<&$u>, |s| s.map(|v| u64::from(*v)));
        // A changeset's borrowed field (`Option<&u32>`, `Option<Option<&u32>>`), borrowed again.
        bind_one!(&&$u, |s| Some(u64::from(***s)));
        bind_one!(&Option<&$u>, |s| s.map(|v| u64::from(*v)));
    )*};
}

bind_unsigned!(u8, u16, u32, u64);

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric(n: u64) -> Vec<u8> {
        let mut out = BytesMut::new();
        write_numeric(n, &mut out);
        out.to_vec()
    }

    #[test]
    fn numerics_round_trip_at_the_edges() {
        for n in [
            0,
            1,
            9999,
            10_000,
            10_001,
            100_000_000,
            4_294_967_295,
            i64::MAX as u64,
            u64::MAX - 1,
            u64::MAX,
        ] {
            assert_eq!(read_numeric(&numeric(n)), Ok(n), "{n}");
        }
        // 10000 is one digit (1) of weight 1; zero has no digits.
        assert_eq!(numeric(10_000), [0, 1, 0, 1, 0, 0, 0, 0, 0, 1]);
        assert_eq!(numeric(0), [0, 0, 0, 0, 0, 0, 0, 0]);
        // u64::MAX = 1844 6744 0737 0955 1615
        assert_eq!(
            numeric(u64::MAX),
            [0, 5, 0, 4, 0, 0, 0, 0, 0x07, 0x34, 0x1a, 0x58, 0x02, 0xe1, 0x03, 0xbb, 0x06, 0x4f]
        );
    }

    #[test]
    fn numerics_that_are_not_a_u64_are_refused() {
        // 18446744073709551616 = u64::MAX + 1
        let over = [
            0, 5, 0, 4, 0, 0, 0, 0, 0x07, 0x34, 0x1a, 0x58, 0x02, 0xe1, 0x03, 0xbb, 0x06, 0x50,
        ];
        assert!(read_numeric(&over).unwrap_err().contains("above u64::MAX"));
        // -5
        assert!(read_numeric(&[0, 1, 0, 0, 0x40, 0, 0, 0, 0, 5])
            .unwrap_err()
            .contains("negative"));
        // -0 is 0
        assert_eq!(read_numeric(&[0, 0, 0, 0, 0x40, 0, 0, 0]), Ok(0));
        // 3.5: digits 3 and 5000, weight 0
        assert!(read_numeric(&[0, 2, 0, 0, 0, 0, 0, 1, 0, 3, 0x13, 0x88])
            .unwrap_err()
            .contains("fractional"));
        // 3.0000 with a zero fraction digit is 3
        assert_eq!(read_numeric(&[0, 2, 0, 0, 0, 0, 0, 4, 0, 3, 0, 0]), Ok(3));
        // NaN, a short header, a body of the wrong length, a digit over 9999, a huge weight
        assert!(read_numeric(&[0, 0, 0, 0, 0xC0, 0, 0, 0]).is_err());
        assert!(read_numeric(&[0, 1, 0]).is_err());
        assert!(read_numeric(&[0, 2, 0, 0, 0, 0, 0, 0, 0, 1]).is_err());
        assert!(read_numeric(&[0, 1, 0, 0, 0, 0, 0, 0, 0x27, 0x10]).is_err());
        assert!(read_numeric(&[0, 1, 0x7f, 0xff, 0, 0, 0, 0, 0, 1])
            .unwrap_err()
            .contains("above"));
    }

    #[test]
    fn postgres_parameters_take_the_declared_width() {
        let sent = |n: u64, ty: Type| {
            let mut out = BytesMut::new();
            to_pg(Some(n), &ty, &mut out)
                .map(|_| out.to_vec())
                .map_err(|e| e.to_string())
        };
        assert_eq!(sent(255, Type::INT2), Ok(vec![0, 255]));
        assert_eq!(sent(65_535, Type::INT4), Ok(vec![0, 0, 255, 255]));
        assert_eq!(
            sent(u32::MAX as u64, Type::INT8),
            Ok(vec![0, 0, 0, 0, 255, 255, 255, 255])
        );
        assert!(sent(u64::MAX, Type::INT8)
            .unwrap_err()
            .contains("does not fit"));
        assert!(sent(1, Type::TEXT).is_err());
        let mut out = BytesMut::new();
        assert!(matches!(
            to_pg(None, &Type::INT8, &mut out),
            Ok(IsNull::Yes)
        ));
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn sqlite_refuses_a_u64_above_i64_max() {
        assert_eq!(
            to_sqlite(Some(i64::MAX as u64)),
            Ok(crate::backend::SqliteArg::Integer(i64::MAX))
        );
        assert!(to_sqlite(Some(i64::MAX as u64 + 1))
            .unwrap_err()
            .contains("above i64::MAX"));
    }

    #[cfg(feature = "mysql")]
    #[test]
    fn mysql_parameters_carry_the_unsigned_flag() {
        let mut out = Vec::new();
        assert_eq!(write_mysql(Some(u64::MAX), &mut out), [8, 0x80]);
        assert_eq!(out, [255; 8]);
        assert_eq!(write_mysql(None, &mut out), [6, 0]);
        assert_eq!(out.len(), 8);
    }
}
