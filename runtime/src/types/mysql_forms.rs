//! How dates, times, decimals, JSON and UUIDs cross to MySQL and MariaDB and back (feature
//! `mysql`): the values chrono's, the `time` crate's, rust_decimal's, serde_json's and
//! uuid's types are bound as, and how a returned value (binary protocol or text) is read.
//!
//! Dates and times travel in the binary protocol's own forms (`Value::Date`, `Value::Time`);
//! a text form (`2024-02-29 13:05:00.000001`) is parsed too, so a value read through the
//! text protocol or produced as a string decodes the same. A timestamp with a time zone is
//! sent and read as UTC wall-clock time: every connection sets `time_zone = '+00:00'`
//! (docs/design.md, "MySQL values"). A decimal travels as its exact decimal text, JSON as
//! its text, a UUID as its hyphenated text (MariaDB's `UUID` type reads and writes that).

// Without chrono and `time` only the decimal, JSON and UUID forms are used.
#![cfg_attr(not(any(feature = "chrono", feature = "time")), allow(dead_code))]

use crate::backend::mysql::MysqlValue as V;
use crate::engine::error::DecodeError;
use mysql_common::value::Value;
use std::any::type_name;

/// The years MySQL's DATE and DATETIME hold (MariaDB documents 0001 to 9999; MySQL
/// documents 1000 to 9999 but stores from 0001).
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// A date and time of day as MySQL carries them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Parts {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub micro: u32,
}

impl Parts {
    pub(crate) fn date(year: i32, month: u8, day: u8) -> Self {
        Parts {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            micro: 0,
        }
    }

    /// The value bound for it, or why MySQL cannot hold it.
    pub(crate) fn to_value(self) -> Result<Value, String> {
        if !YEARS.contains(&self.year) {
            return Err(format!(
                "the year {} is outside MySQL's DATE and DATETIME range (0001 to 9999)",
                self.year
            ));
        }
        Ok(Value::Date(
            self.year as u16,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.micro,
        ))
    }
}

/// A chrono date and time as MySQL's DATETIME (a `Timestamptz` is sent as its UTC date and
/// time: the session's time zone is `+00:00`).
#[cfg(feature = "chrono")]
pub(crate) fn naive_date_time(t: &chrono::NaiveDateTime) -> Result<Value, String> {
    use chrono::{Datelike, Timelike};
    Parts {
        year: t.year(),
        month: t.month() as u8,
        day: t.day() as u8,
        hour: t.hour() as u8,
        minute: t.minute() as u8,
        second: t.second() as u8,
        micro: micros(t.nanosecond())?,
    }
    .to_value()
}

/// A chrono date and time from MySQL's parts.
#[cfg(feature = "chrono")]
pub(crate) fn chrono_date_time<T>(p: Parts) -> Result<chrono::NaiveDateTime, DecodeError> {
    let date = chrono_date::<T>(p)?;
    chrono_time::<T>((p.hour, p.minute, p.second, p.micro)).map(|t| date.and_time(t))
}

/// A chrono date from MySQL's parts.
#[cfg(feature = "chrono")]
pub(crate) fn chrono_date<T>(p: Parts) -> Result<chrono::NaiveDate, DecodeError> {
    chrono::NaiveDate::from_ymd_opt(p.year, u32::from(p.month), u32::from(p.day)).ok_or_else(|| {
        invalid::<T>(format!(
            "{:04}-{:02}-{:02} is not a date",
            p.year, p.month, p.day
        ))
    })
}

/// A chrono time of day from MySQL's parts.
#[cfg(feature = "chrono")]
pub(crate) fn chrono_time<T>(
    (h, m, s, us): (u8, u8, u8, u32),
) -> Result<chrono::NaiveTime, DecodeError> {
    chrono::NaiveTime::from_hms_micro_opt(u32::from(h), u32::from(m), u32::from(s), us)
        .ok_or_else(|| invalid::<T>(format!("{h:02}:{m:02}:{s:02}.{us:06} is not a time of day")))
}

/// Microseconds of a nanosecond count; a leap second (chrono's nanoseconds of 1e9 and up)
/// has no MySQL form.
pub(crate) fn micros(nanos: u32) -> Result<u32, String> {
    if nanos >= 1_000_000_000 {
        return Err("a leap second (:60) has no MySQL form".into());
    }
    Ok(nanos / 1_000)
}

/// A time of day bound as MySQL's TIME.
pub(crate) fn time_value(hour: u8, minute: u8, second: u8, micro: u32) -> Value {
    Value::Time(false, 0, hour, minute, second, micro)
}

fn invalid<T>(reason: String) -> DecodeError {
    DecodeError::Invalid {
        rust: type_name::<T>(),
        reason,
    }
}

fn wrong<T>(value: &V<'_>, what: &str) -> DecodeError {
    match value {
        V::Null => DecodeError::UnexpectedNull {
            rust: type_name::<T>(),
        },
        _ => DecodeError::WrongType {
            rust: type_name::<T>(),
            sql: format!("a MySQL value that is not {what}"),
        },
    }
}

fn utf8<T>(bytes: &[u8]) -> Result<&str, DecodeError> {
    std::str::from_utf8(bytes).map_err(|_| invalid::<T>("the text is not UTF-8".into()))
}

/// `n` decimal digits as a number (no sign, nothing else).
fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `HH:MM:SS[.ffffff]` within a day.
fn parse_time(text: &str) -> Option<(u8, u8, u8, u32)> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) if (1..=6).contains(&fraction.len()) => (whole, fraction),
        Some(_) => return None,
        None => (text, "0"),
    };
    let mut fields = whole.split(':');
    let (h, m, s) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() || h.len() != 2 || m.len() != 2 || s.len() != 2 {
        return None;
    }
    let (h, m, s) = (digits(h)?, digits(m)?, digits(s)?);
    let micro = digits(fraction)? * 10u32.pow(6 - fraction.len() as u32);
    (h < 24 && m < 60 && s < 60).then_some((h as u8, m as u8, s as u8, micro))
}

/// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS[.ffffff]`.
fn parse_date_time(text: &str) -> Option<Parts> {
    let (date, time) = match text.split_once(' ') {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let mut fields = date.split('-');
    let (y, m, d) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let mut parts = Parts::date(digits(y)? as i32, digits(m)? as u8, digits(d)? as u8);
    if let Some(time) = time {
        (parts.hour, parts.minute, parts.second, parts.micro) = parse_time(time)?;
    }
    Some(parts)
}

/// A date and time of day, from a DATE, DATETIME or TIMESTAMP (or their text). The zero
/// date (`0000-00-00`, which the session's `sql_mode` refuses to store) is an error.
pub(crate) fn date_time<T>(value: &V<'_>) -> Result<Parts, DecodeError> {
    let parts = match value {
        V::Date(y, mo, d, h, mi, s, us) => Parts {
            year: i32::from(*y),
            month: *mo,
            day: *d,
            hour: *h,
            minute: *mi,
            second: *s,
            micro: *us,
        },
        V::Bytes(b) => {
            let text = utf8::<T>(b)?;
            parse_date_time(text).ok_or_else(|| {
                invalid::<T>(format!("`{text}` is not a MySQL date or date and time"))
            })?
        }
        other => return Err(wrong::<T>(other, "a date")),
    };
    if parts.month == 0 || parts.day == 0 {
        return Err(invalid::<T>(format!(
            "{:04}-{:02}-{:02} is a zero date, which no Rust date holds",
            parts.year, parts.month, parts.day
        )));
    }
    Ok(parts)
}

/// A date alone: a value with a time of day other than midnight is an error, not cut.
pub(crate) fn date<T>(value: &V<'_>) -> Result<Parts, DecodeError> {
    let parts = date_time::<T>(value)?;
    if (parts.hour, parts.minute, parts.second, parts.micro) != (0, 0, 0, 0) {
        return Err(invalid::<T>(
            "the value has a time of day; a date would lose it".into(),
        ));
    }
    Ok(parts)
}

/// A time of day (hour, minute, second, microsecond). MySQL's TIME runs from -838:59:59 to
/// 838:59:59 (a duration); a value outside one day is an error naming it.
pub(crate) fn time<T>(value: &V<'_>) -> Result<(u8, u8, u8, u32), DecodeError> {
    match value {
        V::Time(negative, days, h, m, s, us) => {
            if *negative || *days > 0 || *h >= 24 {
                let sign = if *negative { "-" } else { "" };
                let hours = u64::from(*days) * 24 + u64::from(*h);
                return Err(invalid::<T>(format!(
                    "the TIME {sign}{hours}:{m:02}:{s:02} is outside a day"
                )));
            }
            Ok((*h, *m, *s, *us))
        }
        V::Bytes(b) => {
            let text = utf8::<T>(b)?;
            parse_time(text)
                .ok_or_else(|| invalid::<T>(format!("`{text}` is not a MySQL time within a day")))
        }
        other => Err(wrong::<T>(other, "a time")),
    }
}

/// Text a value arrives as (decimals, JSON and UUIDs are sent as text in both protocols).
fn text_of<'v, T>(value: &V<'v>, what: &str) -> Result<&'v str, DecodeError> {
    match value {
        V::Bytes(b) => utf8::<T>(b),
        other => Err(wrong::<T>(other, what)),
    }
}

/// A decimal, exactly: the server's decimal text (or an integer), never a float, which is
/// not exact. A value `Decimal` cannot hold (more than 28 digits after the point that are
/// not trailing zeros, a magnitude of 2^96 or more) is an error, never rounded.
#[cfg(feature = "rust_decimal")]
pub(crate) fn decimal(value: &V<'_>) -> Result<rust_decimal::Decimal, DecodeError> {
    use rust_decimal::Decimal;
    type D = Decimal;
    let text = match value {
        V::Int(n) => return Ok(Decimal::from(*n)),
        V::UInt(n) => return Ok(Decimal::from(*n)),
        V::Float(_) | V::Double(_) => {
            return Err(DecodeError::WrongType {
                rust: type_name::<D>(),
                sql: "a MySQL float (not exact; cast the expression to DECIMAL)".into(),
            })
        }
        other => text_of::<D>(other, "a decimal")?,
    };
    // A DECIMAL(65, 30) (a bare `numeric` column, a cast to `Numeric`) writes 30 digits
    // after the point: trailing zeros carry nothing, and are dropped where `Decimal` could not hold them (it keeps the scale where it can:
    // `1.50` stays `1.50`).
    let exact = Decimal::from_str_exact(text).or_else(|e| match text.split_once('.') {
        Some((whole, fraction)) if fraction.ends_with('0') => {
            let fraction = fraction.trim_end_matches('0');
            if fraction.is_empty() {
                Decimal::from_str_exact(whole)
            } else {
                Decimal::from_str_exact(&format!("{whole}.{fraction}"))
            }
        }
        _ => Err(e),
    });
    exact.map_err(|e| {
        invalid::<D>(format!(
            "`{text}` has no exact Decimal (at most 28 digits after the point, a magnitude \
             below 2^96): {e}"
        ))
    })
}

/// A decimal as its exact text (`Display` writes no exponent).
#[cfg(feature = "rust_decimal")]
pub(crate) fn decimal_value(d: &rust_decimal::Decimal) -> Value {
    Value::Bytes(d.to_string().into_bytes())
}

/// `MYSQL_TYPE_NEWDECIMAL`: a parameter of this type is a DECIMAL with the scale of the
/// digits sent, so arithmetic on it stays exact and keeps that scale.
#[cfg(feature = "rust_decimal")]
pub(crate) const TYPE_NEWDECIMAL: u8 = 0xF6;

/// Writes a decimal as a statement's parameter: its text, as a length-encoded string, typed
/// `MYSQL_TYPE_NEWDECIMAL`. Never longer than 31 bytes (a sign, 29 digits, a point; scale
/// 28 puts at most 28 digits after `0.`), so the length is one byte, written before the text
/// is known and set after, without a buffer of its own.
#[cfg(feature = "rust_decimal")]
pub(crate) fn write_decimal(d: &rust_decimal::Decimal, out: &mut Vec<u8>) -> [u8; 2] {
    use std::io::Write;
    let at = out.len();
    out.push(0);
    // Writing into a Vec cannot fail.
    let _ = write!(out, "{d}");
    let len = out.len() - at - 1;
    debug_assert!(len < 0xFB, "a Decimal's text is at most 31 bytes");
    out[at] = len as u8;
    [TYPE_NEWDECIMAL, 0]
}

/// JSON read from its text as `T`.
#[cfg(feature = "serde_json")]
pub(crate) fn json<T: serde::de::DeserializeOwned>(value: &V<'_>) -> Result<T, DecodeError> {
    let text = text_of::<T>(value, "JSON text")?;
    serde_json::from_str(text).map_err(|e| invalid::<T>(e.to_string()))
}

/// JSON bound as its text.
#[cfg(feature = "serde_json")]
pub(crate) fn json_value<T: serde::Serialize + ?Sized>(value: &T) -> Result<Value, String> {
    serde_json::to_vec(value)
        .map(Value::Bytes)
        .map_err(|e| format!("the value does not serialize as JSON: {e}"))
}

/// A UUID: MariaDB's `UUID` type sends its hyphenated text; 16 bytes (a `BINARY(16)`)
/// are read as the UUID's bytes.
#[cfg(feature = "uuid")]
pub(crate) fn uuid(value: &V<'_>) -> Result<uuid::Uuid, DecodeError> {
    type U = uuid::Uuid;
    match value {
        V::Bytes(b) if b.len() == 16 => Ok(U::from_slice(b).expect("16 bytes")),
        other => {
            let text = text_of::<U>(other, "a UUID")?;
            U::parse_str(text).map_err(|e| invalid::<U>(format!("`{text}`: {e}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_parse_and_bad_ones_are_refused() {
        let p = date_time::<()>(&V::Bytes(b"2024-02-29 13:05:07.25")).unwrap();
        assert_eq!((p.year, p.month, p.day), (2024, 2, 29));
        assert_eq!((p.hour, p.minute, p.second, p.micro), (13, 5, 7, 250_000));
        assert!(date::<()>(&V::Bytes(b"2024-02-29 13:05:07")).is_err());
        assert!(date::<()>(&V::Bytes(b"0000-00-00")).is_err());
        assert!(date::<()>(&V::Bytes(b"2024-2-29")).is_err());
        assert_eq!(
            time::<()>(&V::Bytes(b"23:59:59.999999")).unwrap(),
            (23, 59, 59, 999_999)
        );
        assert!(time::<()>(&V::Bytes(b"24:00:00")).is_err());
        assert!(time::<()>(&V::Time(true, 0, 1, 0, 0, 0)).is_err());
        assert!(time::<()>(&V::Time(false, 1, 0, 0, 0, 0)).is_err());
        assert!(Parts::date(10_000, 1, 1).to_value().is_err());
        assert!(Parts::date(0, 1, 1).to_value().is_err());
        assert!(micros(1_000_000_000).is_err());
    }

    #[cfg(feature = "rust_decimal")]
    #[test]
    fn decimals_are_exact_or_refused() {
        let d = |s: &str| decimal(&V::Bytes(s.as_bytes()));
        assert_eq!(d("-12.50").unwrap().to_string(), "-12.50");
        assert_eq!(
            d("1.000000000000000000000000000000").unwrap(),
            rust_decimal::Decimal::ONE
        );
        assert_eq!(
            d("12345678901234567890123456789.000000000000000000000000000000")
                .unwrap()
                .to_string(),
            "12345678901234567890123456789"
        );
        assert!(d("0.000000000000000000000000000001").is_err());
        assert!(d("99999999999999999999999999999999").is_err());
        assert!(decimal(&V::Double(1.5)).is_err());
        assert_eq!(decimal(&V::Int(-3)).unwrap().to_string(), "-3");
    }

    /// A bound decimal is `MYSQL_TYPE_NEWDECIMAL` with its exact text, one length byte
    /// before it, after whatever the packet already held; NULL is `MYSQL_TYPE_NULL`.
    #[cfg(all(feature = "rust_decimal", feature = "mysql"))]
    #[test]
    fn decimals_are_written_as_newdecimal_text() {
        use crate::backend::Encode;
        use rust_decimal::Decimal;
        let texts = [
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "-0.0000000000000000000000000001",
            "-7.9228162514264337593543950335",
            "0",
            "1.50",
            "-12.500",
        ];
        for text in texts {
            let d: Decimal = text.parse().unwrap();
            let mut out = vec![0xAA];
            assert_eq!(d.write_mysql(&mut out), Ok([0xF6, 0]), "{text}");
            assert_eq!(out[0], 0xAA);
            assert_eq!(usize::from(out[1]), text.len(), "{text}");
            assert_eq!(&out[2..], text.as_bytes());
        }
        assert_eq!(Decimal::MAX.to_string(), texts[0]);
        assert_eq!(Decimal::MIN.to_string(), texts[1]);
        let mut out = Vec::new();
        assert_eq!(Some(Decimal::ONE).write_mysql(&mut out), Ok([0xF6, 0]));
        assert_eq!(out, b"\x011");
        out.clear();
        assert_eq!(None::<Decimal>.write_mysql(&mut out), Ok([6, 0]));
        assert!(out.is_empty());
    }
}
