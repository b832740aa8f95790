//! Decoding values as MySQL returns them, read in place from the row's packet. A prepared statement's row (the binary protocol)
//! carries integers as integers and floats as floats; text, decimals and anything read
//! through the text protocol arrive as bytes, which are parsed here when the Rust type is
//! a number.

pub(crate) use crate::backend::mysql::MysqlValue as Value;
use crate::engine::error::DecodeError;
use std::any::type_name;

fn kind(value: &Value<'_>) -> &'static str {
    match value {
        Value::Null => "NULL",
        Value::Bytes(_) => "text or bytes",
        Value::Int(_) | Value::UInt(_) => "an integer",
        Value::Float(_) | Value::Double(_) => "a float",
        Value::Date(..) => "a date",
        Value::Time(..) => "a time",
    }
}

fn wrong<T>(value: &Value<'_>) -> DecodeError {
    match value {
        Value::Null => DecodeError::UnexpectedNull {
            rust: type_name::<T>(),
        },
        other => DecodeError::WrongType {
            rust: type_name::<T>(),
            sql: format!("MySQL {} value", kind(other)),
        },
    }
}

fn invalid<T>(reason: String) -> DecodeError {
    DecodeError::Invalid {
        rust: type_name::<T>(),
        reason,
    }
}

/// What a Rust type that is not read from MySQL yet answers.
pub(crate) fn not_yet<T>() -> DecodeError {
    DecodeError::WrongType {
        rust: type_name::<T>(),
        sql: "a MySQL value (this Rust type is not read from MySQL yet)".into(),
    }
}

/// An integer that must fit `T` (a BIGINT in an `i32` is an error, not a wrap); signed or
/// unsigned, or the decimal text of one.
pub(crate) fn int<T: TryFrom<i64> + TryFrom<u64>>(value: &Value<'_>) -> Result<T, DecodeError> {
    let too_big = |n: &dyn std::fmt::Display| {
        invalid::<T>(format!("{n} does not fit in a `{}`", type_name::<T>()))
    };
    match value {
        Value::Int(n) => T::try_from(*n).map_err(|_| too_big(n)),
        Value::UInt(n) => T::try_from(*n).map_err(|_| too_big(n)),
        Value::Bytes(b) => {
            let text = std::str::from_utf8(b).map_err(|_| wrong::<T>(value))?;
            // Signed first; a BIGINT UNSIGNED above i64::MAX (or its DECIMAL sum) as u64.
            if let Ok(n) = text.parse::<i64>() {
                T::try_from(n).map_err(|_| too_big(&n))
            } else if let Ok(n) = text.parse::<u64>() {
                T::try_from(n).map_err(|_| too_big(&n))
            } else {
                Err(invalid::<T>(format!("`{text}` is not an integer")))
            }
        }
        other => Err(wrong::<T>(other)),
    }
}

/// A boolean: MySQL's BOOLEAN is TINYINT(1), so 0 and 1 (anything else is refused rather
/// than read as true).
pub(crate) fn boolean(value: &Value<'_>) -> Result<bool, DecodeError> {
    match int::<i64>(value)? {
        0 => Ok(false),
        1 => Ok(true),
        n => Err(invalid::<bool>(format!(
            "{n} is not a boolean (MySQL stores them as 0 and 1)"
        ))),
    }
}

/// A double; integers are taken too (`SUM` of integers is a DECIMAL, and an integral
/// expression an integer).
pub(crate) fn float(value: &Value<'_>) -> Result<f64, DecodeError> {
    match value {
        Value::Double(x) => Ok(*x),
        Value::Float(x) => Ok(f64::from(*x)),
        Value::Int(n) => Ok(*n as f64),
        Value::UInt(n) => Ok(*n as f64),
        Value::Bytes(b) => {
            let text = std::str::from_utf8(b).map_err(|_| wrong::<f64>(value))?;
            text.parse()
                .map_err(|_| invalid::<f64>(format!("`{text}` is not a number")))
        }
        other => Err(wrong::<f64>(other)),
    }
}

pub(crate) fn float4(value: &Value<'_>) -> Result<f32, DecodeError> {
    match value {
        Value::Float(x) => Ok(*x),
        other => float(other).map(|x| x as f32),
    }
}

/// Text, which must be UTF-8 (connections use utf8mb4).
pub(crate) fn text(value: &Value<'_>) -> Result<String, DecodeError> {
    match value {
        Value::Bytes(b) => std::str::from_utf8(b)
            .map(str::to_owned)
            .map_err(|_| invalid::<String>("the text is not UTF-8".into())),
        other => Err(wrong::<String>(other)),
    }
}

pub(crate) fn bytes(value: &Value<'_>) -> Result<Vec<u8>, DecodeError> {
    match value {
        Value::Bytes(b) => Ok(b.to_vec()),
        other => Err(wrong::<Vec<u8>>(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_must_fit() {
        assert_eq!(int::<i32>(&Value::Int(-7)).unwrap(), -7);
        assert_eq!(int::<i64>(&Value::UInt(42)).unwrap(), 42);
        assert_eq!(int::<i16>(&Value::Bytes(b"12")).unwrap(), 12);
        assert!(matches!(
            int::<i16>(&Value::Int(70_000)),
            Err(DecodeError::Invalid { .. })
        ));
        assert!(matches!(
            int::<i64>(&Value::UInt(u64::MAX)),
            Err(DecodeError::Invalid { .. })
        ));
        assert!(matches!(
            int::<i32>(&Value::Null),
            Err(DecodeError::UnexpectedNull { .. })
        ));
        assert!(matches!(
            int::<i32>(&Value::Double(1.5)),
            Err(DecodeError::WrongType { .. })
        ));
    }

    #[test]
    fn booleans_are_zero_and_one() {
        assert!(!boolean(&Value::Int(0)).unwrap());
        assert!(boolean(&Value::Int(1)).unwrap());
        assert!(boolean(&Value::Int(2)).is_err());
    }

    #[test]
    fn text_is_utf8() {
        assert_eq!(text(&Value::Bytes("é`?".as_bytes())).unwrap(), "é`?");
        assert!(text(&Value::Bytes(&[0xff])).is_err());
        assert!(text(&Value::Int(1)).is_err());
    }
}
