//! Decoding values as SQLite returns them: one of five storage classes, checked against
//! the Rust type each time (SQLite's columns hold what they were given unless `STRICT`).

use crate::backend::SqliteValue;
use crate::engine::error::DecodeError;
use std::any::type_name;

fn wrong<T>(value: SqliteValue<'_>) -> DecodeError {
    match value {
        SqliteValue::Null => DecodeError::UnexpectedNull {
            rust: type_name::<T>(),
        },
        other => DecodeError::WrongType {
            rust: type_name::<T>(),
            sql: format!("{} value", other.kind()),
        },
    }
}

fn invalid<T>(reason: String) -> DecodeError {
    DecodeError::Invalid {
        rust: type_name::<T>(),
        reason,
    }
}

/// An integer that must fit `T` (an `i64` in an `Int4` column is an error, not a wrap).
pub(crate) fn int<T: TryFrom<i64>>(value: SqliteValue<'_>) -> Result<T, DecodeError> {
    match value {
        SqliteValue::Integer(n) => T::try_from(n)
            .map_err(|_| invalid::<T>(format!("{n} does not fit in a `{}`", type_name::<T>()))),
        other => Err(wrong::<T>(other)),
    }
}

pub(crate) fn boolean(value: SqliteValue<'_>) -> Result<bool, DecodeError> {
    match value {
        SqliteValue::Integer(0) => Ok(false),
        SqliteValue::Integer(1) => Ok(true),
        SqliteValue::Integer(n) => Err(invalid::<bool>(format!(
            "{n} is not a boolean (SQLite stores them as 0 and 1)"
        ))),
        other => Err(wrong::<bool>(other)),
    }
}

/// A double; an integer is taken too (SQLite returns `sum` of integral reals, and any
/// integral value an expression yields, as an integer).
pub(crate) fn float(value: SqliteValue<'_>) -> Result<f64, DecodeError> {
    match value {
        SqliteValue::Real(x) => Ok(x),
        SqliteValue::Integer(n) => Ok(n as f64),
        other => Err(wrong::<f64>(other)),
    }
}

pub(crate) fn float4(value: SqliteValue<'_>) -> Result<f32, DecodeError> {
    float(value).map(|x| x as f32)
}

fn text_of<T>(value: SqliteValue<'_>) -> Result<&str, DecodeError> {
    match value {
        SqliteValue::Text(bytes) => {
            std::str::from_utf8(bytes).map_err(|_| invalid::<T>("the text is not UTF-8".into()))
        }
        other => Err(wrong::<T>(other)),
    }
}

pub(crate) fn text(value: SqliteValue<'_>) -> Result<String, DecodeError> {
    text_of::<String>(value).map(str::to_owned)
}

pub(crate) fn blob(value: SqliteValue<'_>) -> Result<Vec<u8>, DecodeError> {
    match value {
        SqliteValue::Blob(bytes) => Ok(bytes.to_vec()),
        other => Err(wrong::<Vec<u8>>(other)),
    }
}

/// A type SQLite has no storage for: an error whatever the value.
pub(crate) fn none<T>(value: SqliteValue<'_>) -> Result<T, DecodeError> {
    match value {
        SqliteValue::Null => Err(wrong::<T>(value)),
        _ => Err(invalid::<T>(format!(
            "`{}` has no SQLite storage",
            type_name::<T>()
        ))),
    }
}

/// Decimals are stored as text, exactly. SQLite computes arithmetic and aggregates on them
/// in floating point, so a computed value arrives as a real or an integer: it loads
/// through the shortest decimal text of that double.
#[cfg(feature = "rust_decimal")]
pub(crate) fn decimal(value: SqliteValue<'_>) -> Result<rust_decimal::Decimal, DecodeError> {
    use rust_decimal::Decimal;
    use std::str::FromStr;
    let parse = |text: &str| {
        Decimal::from_str(text)
            .or_else(|_| Decimal::from_scientific(text))
            .map_err(|e| invalid::<Decimal>(format!("`{text}` is not a decimal: {e}")))
    };
    match value {
        SqliteValue::Integer(n) => Ok(Decimal::from(n)),
        SqliteValue::Real(x) if x.is_finite() => parse(&format!("{x:?}")),
        SqliteValue::Real(x) => Err(invalid::<Decimal>(format!("{x} is not a decimal"))),
        other => parse(text_of::<Decimal>(other)?),
    }
}

#[cfg(feature = "chrono")]
pub(crate) fn date(value: SqliteValue<'_>) -> Result<chrono::NaiveDate, DecodeError> {
    let text = text_of::<chrono::NaiveDate>(value)?;
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| invalid::<chrono::NaiveDate>(format!("`{text}` is not a date: {e}")))
}

#[cfg(feature = "chrono")]
pub(crate) fn time(value: SqliteValue<'_>) -> Result<chrono::NaiveTime, DecodeError> {
    let text = text_of::<chrono::NaiveTime>(value)?;
    chrono::NaiveTime::parse_from_str(text, "%H:%M:%S%.f")
        .map_err(|e| invalid::<chrono::NaiveTime>(format!("`{text}` is not a time: {e}")))
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]`, with `T` accepted for the space.
#[cfg(feature = "chrono")]
pub(crate) fn timestamp(value: SqliteValue<'_>) -> Result<chrono::NaiveDateTime, DecodeError> {
    let text = text_of::<chrono::NaiveDateTime>(value)?;
    parse_timestamp(text).ok_or_else(|| {
        invalid::<chrono::NaiveDateTime>(format!(
            "`{text}` is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])"
        ))
    })
}

#[cfg(feature = "chrono")]
fn parse_timestamp(text: &str) -> Option<chrono::NaiveDateTime> {
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(text, f).ok())
}

/// A timestamp with an offset (`+00:00`, as sqlwright writes them) or without one (read as
/// UTC, as SQLite's own `CURRENT_TIMESTAMP` writes them).
#[cfg(feature = "chrono")]
pub(crate) fn timestamptz(
    value: SqliteValue<'_>,
) -> Result<chrono::DateTime<chrono::Utc>, DecodeError> {
    use chrono::{DateTime, Utc};
    let text = text_of::<DateTime<Utc>>(value)?;
    let with_offset = ["%Y-%m-%d %H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%:z"]
        .iter()
        .find_map(|f| DateTime::parse_from_str(text, f).ok())
        .map(|t| t.with_timezone(&Utc));
    with_offset
        .or_else(|| parse_timestamp(text).map(|t| t.and_utc()))
        .ok_or_else(|| {
            invalid::<DateTime<Utc>>(format!(
                "`{text}` is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM])"
            ))
        })
}

#[cfg(feature = "uuid")]
pub(crate) fn uuid(value: SqliteValue<'_>) -> Result<uuid::Uuid, DecodeError> {
    match value {
        SqliteValue::Blob(bytes) => uuid::Uuid::from_slice(bytes)
            .map_err(|e| invalid::<uuid::Uuid>(format!("a blob of {} bytes: {e}", bytes.len()))),
        other => {
            let text = text_of::<uuid::Uuid>(other)?;
            uuid::Uuid::parse_str(text)
                .map_err(|e| invalid::<uuid::Uuid>(format!("`{text}` is not a UUID: {e}")))
        }
    }
}

#[cfg(feature = "serde_json")]
pub(crate) fn json(value: SqliteValue<'_>) -> Result<serde_json::Value, DecodeError> {
    match value {
        SqliteValue::Integer(n) => Ok(serde_json::Value::from(n)),
        SqliteValue::Real(x) => Ok(serde_json::Value::from(x)),
        other => {
            let text = text_of::<serde_json::Value>(other)?;
            serde_json::from_str(text)
                .map_err(|e| invalid::<serde_json::Value>(format!("not JSON: {e}")))
        }
    }
}
