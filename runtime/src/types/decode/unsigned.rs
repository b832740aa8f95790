//! Loading the unsigned integer types into `u8`, `u16`, `u32` and `u64`: from MySQL's
//! unsigned (or signed) integers, PostgreSQL's `smallint`/`integer`/`bigint`/`numeric`
//! (their storage there, and what arithmetic on them gives), SQLite's integers. A value the
//! Rust type cannot hold (negative, or too large) is [`DecodeError::Invalid`], never wrapped.

use super::*;
use crate::types::unsigned::read_numeric;
use crate::types::{UInt1, UInt2, UInt4, UInt8};

/// A PostgreSQL integer or integral `numeric` as an unsigned `T`.
fn pg_unsigned<T: TryFrom<u64>>(ty: &Type, raw: Option<&[u8]>) -> Result<T, DecodeError> {
    let rust = std::any::type_name::<T>();
    let raw = raw.ok_or(DecodeError::UnexpectedNull { rust })?;
    let invalid = |reason: String| DecodeError::Invalid { rust, reason };
    let wrong_size = |n: usize| {
        invalid(format!(
            "a {} takes {n} bytes, {} came",
            ty.name(),
            raw.len()
        ))
    };
    let signed: i64 = match *ty {
        Type::INT2 => i64::from(i16::from_be_bytes(
            raw.try_into().map_err(|_| wrong_size(2))?,
        )),
        Type::INT4 => i64::from(i32::from_be_bytes(
            raw.try_into().map_err(|_| wrong_size(4))?,
        )),
        Type::INT8 => i64::from_be_bytes(raw.try_into().map_err(|_| wrong_size(8))?),
        Type::NUMERIC => {
            let n = read_numeric(raw).map_err(invalid)?;
            return T::try_from(n).map_err(|_| invalid(format!("{n} does not fit in a `{rust}`")));
        }
        _ => {
            return Err(DecodeError::WrongType {
                rust,
                sql: ty.name().to_string(),
            })
        }
    };
    let n = u64::try_from(signed).map_err(|_| {
        invalid(format!(
            "{signed} is negative, which a `{rust}` cannot hold"
        ))
    })?;
    T::try_from(n).map_err(|_| invalid(format!("{n} does not fit in a `{rust}`")))
}

macro_rules! load_unsigned {
    ($($st:ty => $rust:ty;)*) => {$(
        impl FromSqlValue<$st> for $rust {
            #[cfg(feature = "mysql")]
            fn decode_mysql(value: &mysql::Value<'_>) -> Result<Self, DecodeError> {
                mysql::int(value)
            }
            #[cfg(feature = "sqlite")]
            fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
                sqlite::int(value)
            }
            fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
                pg_unsigned(ty, raw)
            }
        }
    )*};
}

load_unsigned! {
    UInt1 => u8;
    UInt2 => u16;
    UInt4 => u32;
    UInt8 => u64;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load<T: FromSqlValue<ST>, ST>(ty: Type, raw: &[u8]) -> Result<T, DecodeError> {
        T::decode(&ty, Some(raw))
    }

    #[test]
    fn postgres_integers_load_when_they_fit() {
        assert_eq!(
            load::<u8, UInt1>(Type::INT2, &255i16.to_be_bytes()).unwrap(),
            255
        );
        assert_eq!(
            load::<u8, UInt1>(Type::INT2, &0i16.to_be_bytes()).unwrap(),
            0
        );
        assert_eq!(
            load::<u16, UInt2>(Type::INT4, &65_535i32.to_be_bytes()).unwrap(),
            65_535
        );
        assert_eq!(
            load::<u32, UInt4>(Type::INT8, &(u32::MAX as i64).to_be_bytes()).unwrap(),
            u32::MAX
        );
        // What arithmetic on the storage can give: too large, negative.
        let e = load::<u8, UInt1>(Type::INT2, &256i16.to_be_bytes()).unwrap_err();
        assert!(e.to_string().contains("256 does not fit in a `u8`"), "{e}");
        let e = load::<u32, UInt4>(Type::INT8, &(-1i64).to_be_bytes()).unwrap_err();
        assert!(e.to_string().contains("-1 is negative"), "{e}");
        let e = load::<u32, UInt4>(Type::INT8, &(1i64 << 32).to_be_bytes()).unwrap_err();
        assert!(matches!(e, DecodeError::Invalid { .. }));
        // A wrong size, another type, NULL.
        assert!(load::<u16, UInt2>(Type::INT4, &[0, 1]).is_err());
        assert!(matches!(
            load::<u16, UInt2>(Type::TEXT, b"1"),
            Err(DecodeError::WrongType { .. })
        ));
        assert!(matches!(
            <u8 as FromSqlValue<UInt1>>::decode(&Type::INT2, None),
            Err(DecodeError::UnexpectedNull { .. })
        ));
        assert_eq!(
            <Option<u8> as FromSqlValue<Nullable<UInt1>>>::decode(&Type::INT2, None).unwrap(),
            None
        );
    }

    #[test]
    fn postgres_numerics_load_into_u64() {
        let mut out = bytes::BytesMut::new();
        crate::types::unsigned::write_numeric(u64::MAX, &mut out);
        assert_eq!(load::<u64, UInt8>(Type::NUMERIC, &out).unwrap(), u64::MAX);
        // A numeric u32 result (a sum) too large for the narrower type.
        let e = load::<u32, UInt4>(Type::NUMERIC, &out).unwrap_err();
        assert!(e.to_string().contains("does not fit in a `u32`"), "{e}");
        assert_eq!(
            load::<u64, UInt8>(Type::INT8, &7i64.to_be_bytes()).unwrap(),
            7
        );
    }

    #[cfg(feature = "mysql")]
    #[test]
    fn mysql_values_load_at_the_edges() {
        use mysql::Value;
        assert_eq!(
            <u64 as FromSqlValue<UInt8>>::decode_mysql(&Value::UInt(u64::MAX)).unwrap(),
            u64::MAX
        );
        assert_eq!(
            <u8 as FromSqlValue<UInt1>>::decode_mysql(&Value::UInt(255)).unwrap(),
            255
        );
        assert_eq!(
            <u8 as FromSqlValue<UInt1>>::decode_mysql(&Value::Int(0)).unwrap(),
            0
        );
        // SUM of BIGINT UNSIGNED is a DECIMAL, sent as text.
        assert_eq!(
            <u64 as FromSqlValue<UInt8>>::decode_mysql(&Value::Bytes(b"18446744073709551615"))
                .unwrap(),
            u64::MAX
        );
        assert!(<u8 as FromSqlValue<UInt1>>::decode_mysql(&Value::UInt(256)).is_err());
        assert!(<u32 as FromSqlValue<UInt4>>::decode_mysql(&Value::Int(-1)).is_err());
        assert!(
            <u64 as FromSqlValue<UInt8>>::decode_mysql(&Value::Bytes(b"18446744073709551616"))
                .is_err()
        );
        assert!(matches!(
            <u16 as FromSqlValue<UInt2>>::decode_mysql(&Value::Null),
            Err(DecodeError::UnexpectedNull { .. })
        ));
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn sqlite_integers_load_when_they_fit() {
        use crate::backend::SqliteValue;
        assert_eq!(
            <u64 as FromSqlValue<UInt8>>::decode_sqlite(SqliteValue::Integer(i64::MAX)).unwrap(),
            i64::MAX as u64
        );
        assert!(<u64 as FromSqlValue<UInt8>>::decode_sqlite(SqliteValue::Integer(-1)).is_err());
        assert!(<u8 as FromSqlValue<UInt1>>::decode_sqlite(SqliteValue::Integer(256)).is_err());
        // An overflowing sum on SQLite is a REAL: refused, not rounded into an integer.
        assert!(<u64 as FromSqlValue<UInt8>>::decode_sqlite(SqliteValue::Real(1.8e19)).is_err());
    }
}
