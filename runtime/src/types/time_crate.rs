//! The `time` crate (feature `time`) as an alternative to chrono: `time::Date`, `time::Time`,
//! `time::PrimitiveDateTime` and `time::OffsetDateTime` bind to and load from `Date`, `Time`,
//! `Timestamp` and `Timestamptz`.
//!
//! PostgreSQL takes and sends them in binary through `postgres-types`; SQLite stores them as
//! the same ISO-8601 text chrono's values are stored as (see `sqlite_format`), so a column
//! written with one crate reads with the other. An `OffsetDateTime` is stored as the same
//! instant in UTC, and loads with offset `+00:00`.

use super::decode::{decode_pg, FromSqlValue};
use super::{Date, Time, Timestamp, Timestamptz};
use crate::engine::error::DecodeError;
use crate::expr::{AsExpr, Bound, RustValue, SqlValue};
use postgres_types::Type;

macro_rules! time_value {
    ($($rust:ty => $st:ident, $to_text:path, $from_text:path;)*) => {$(
        impl FromSqlValue<$st> for $rust {
            #[cfg(feature = "sqlite")]
            fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
                sqlite::decode(value, $from_text)
            }
            fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
                decode_pg(ty, raw)
            }
            #[cfg(feature = "mysql")]
            fn decode_mysql(value: &crate::backend::mysql::MysqlValue<'_>) -> Result<Self, DecodeError> {
                mysql::FromMysql::from_mysql(value)
            }
        }
        impl RustValue for $rust {}
        impl SqlValue<$st> for $rust {}
        impl AsExpr<$st> for $rust {
            type Expr = Bound<$st, $rust>;
            fn into_expr(self) -> Self::Expr {
                Bound::new(self)
            }
        }
        impl crate::backend::Encode for $rust {
            #[cfg(feature = "sqlite")]
            fn to_sqlite(&self) -> Result<crate::backend::SqliteArg<'_>, String> {
                InRange::in_range(self)?;
                Ok(crate::backend::SqliteArg::Text($to_text(self).into()))
            }
            fn check(&self) -> Result<(), String> {
                InRange::in_range(self)
            }
            #[cfg(feature = "mysql")]
            fn to_mysql(&self) -> Result<::mysql_common::value::Value, String> {
                mysql::FromMysql::to_mysql(self)
            }
        }
    )*};
}

/// Whether a value has a form PostgreSQL and SQLite take: an `OffsetDateTime` within a
/// day of the `time` crate's limits may have no UTC form (`to_offset` would panic).
trait InRange {
    fn in_range(&self) -> Result<(), String> {
        Ok(())
    }
}
impl InRange for time::Date {}
impl InRange for time::Time {}
impl InRange for time::PrimitiveDateTime {}
impl InRange for time::OffsetDateTime {
    fn in_range(&self) -> Result<(), String> {
        match self.checked_to_offset(time::UtcOffset::UTC) {
            Some(_) => Ok(()),
            None => Err(format!(
                "{self} has no UTC form within the `time` crate's range"
            )),
        }
    }
}

time_value! {
    time::Date => Date, text::date, text::parse_date;
    time::Time => Time, text::time, text::parse_time;
    time::PrimitiveDateTime => Timestamp, text::timestamp, text::parse_timestamp;
    time::OffsetDateTime => Timestamptz, text::timestamptz, text::parse_timestamptz;
}

/// MySQL's forms (see `mysql_forms`): an `OffsetDateTime` is sent as its UTC date and time
/// and loads with offset `+00:00`.
#[cfg(feature = "mysql")]
mod mysql {
    use super::super::mysql_forms::{self, Parts};
    use crate::backend::mysql::MysqlValue;
    use crate::engine::error::DecodeError;
    use mysql_common::value::Value;

    pub(super) trait FromMysql: Sized {
        fn from_mysql(value: &MysqlValue<'_>) -> Result<Self, DecodeError>;
        fn to_mysql(&self) -> Result<Value, String>;
    }

    fn invalid<T>(e: impl std::fmt::Display) -> DecodeError {
        DecodeError::Invalid {
            rust: std::any::type_name::<T>(),
            reason: e.to_string(),
        }
    }

    fn date<T>(p: Parts) -> Result<time::Date, DecodeError> {
        let month = time::Month::try_from(p.month).map_err(invalid::<T>)?;
        time::Date::from_calendar_date(p.year, month, p.day).map_err(invalid::<T>)
    }

    fn time_of<T>((h, m, s, us): (u8, u8, u8, u32)) -> Result<time::Time, DecodeError> {
        time::Time::from_hms_micro(h, m, s, us).map_err(invalid::<T>)
    }

    fn parts(d: time::Date, t: time::Time) -> Parts {
        Parts {
            year: d.year(),
            month: u8::from(d.month()),
            day: d.day(),
            hour: t.hour(),
            minute: t.minute(),
            second: t.second(),
            micro: t.microsecond(),
        }
    }

    impl FromMysql for time::Date {
        fn from_mysql(value: &MysqlValue<'_>) -> Result<Self, DecodeError> {
            mysql_forms::date::<Self>(value).and_then(date::<Self>)
        }
        fn to_mysql(&self) -> Result<Value, String> {
            parts(*self, time::Time::MIDNIGHT).to_value()
        }
    }

    impl FromMysql for time::Time {
        fn from_mysql(value: &MysqlValue<'_>) -> Result<Self, DecodeError> {
            mysql_forms::time::<Self>(value).and_then(time_of::<Self>)
        }
        fn to_mysql(&self) -> Result<Value, String> {
            Ok(mysql_forms::time_value(
                self.hour(),
                self.minute(),
                self.second(),
                self.microsecond(),
            ))
        }
    }

    impl FromMysql for time::PrimitiveDateTime {
        fn from_mysql(value: &MysqlValue<'_>) -> Result<Self, DecodeError> {
            let p = mysql_forms::date_time::<Self>(value)?;
            let t = time_of::<Self>((p.hour, p.minute, p.second, p.micro))?;
            Ok(time::PrimitiveDateTime::new(date::<Self>(p)?, t))
        }
        fn to_mysql(&self) -> Result<Value, String> {
            parts(self.date(), self.time()).to_value()
        }
    }

    impl FromMysql for time::OffsetDateTime {
        fn from_mysql(value: &MysqlValue<'_>) -> Result<Self, DecodeError> {
            time::PrimitiveDateTime::from_mysql(value).map(|t| t.assume_utc())
        }
        fn to_mysql(&self) -> Result<Value, String> {
            let utc = self
                .checked_to_offset(time::UtcOffset::UTC)
                .ok_or_else(|| format!("{self} has no UTC form within the `time` crate's range"))?;
            parts(utc.date(), utc.time()).to_value()
        }
    }
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use crate::backend::SqliteValue;

    /// A value stored as text, parsed by `parse`.
    pub(super) fn decode<T>(
        value: SqliteValue<'_>,
        parse: fn(&str) -> Option<T>,
    ) -> Result<T, DecodeError> {
        let rust = std::any::type_name::<T>();
        match value {
            SqliteValue::Text(bytes) => {
                let text = std::str::from_utf8(bytes).map_err(|e| DecodeError::Invalid {
                    rust,
                    reason: format!("not UTF-8: {e}"),
                })?;
                parse(text).ok_or_else(|| DecodeError::Invalid {
                    rust,
                    reason: format!("`{text}` is not an ISO-8601 date or time of that kind"),
                })
            }
            SqliteValue::Null => Err(DecodeError::UnexpectedNull { rust }),
            other => Err(DecodeError::WrongType {
                rust,
                sql: format!("{} value", other.kind()),
            }),
        }
    }
}

/// The text forms, written and read without the `time` crate's formatting features: fixed
/// width, so that text order is time order (for years 0 to 9999).
#[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
mod text {
    use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

    /// `YYYY-MM-DD`, as chrono writes it: years before 0 as `-0001`, after 9999 with a `+`.
    pub fn date(d: &Date) -> String {
        let year = d.year();
        let year = match year {
            0..=9999 => format!("{year:04}"),
            y if y < 0 => format!("-{:04}", -i64::from(y)),
            y => format!("+{y}"),
        };
        format!("{year}-{:02}-{:02}", u8::from(d.month()), d.day())
    }

    pub fn time(t: &Time) -> String {
        format!(
            "{:02}:{:02}:{:02}.{:06}",
            t.hour(),
            t.minute(),
            t.second(),
            t.microsecond()
        )
    }

    pub fn timestamp(t: &PrimitiveDateTime) -> String {
        format!("{} {}", date(&t.date()), time(&t.time()))
    }

    pub fn timestamptz(t: &OffsetDateTime) -> String {
        // `in_range` refused a value without a UTC form before it got here.
        let utc = t.checked_to_offset(UtcOffset::UTC).unwrap_or(*t);
        format!("{} {}+00:00", date(&utc.date()), time(&utc.time()))
    }

    /// `YYYY-MM-DD` (a leading `-` for years before 1).
    pub fn parse_date(text: &str) -> Option<Date> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let mut parts = rest.splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day: u8 = parts.next()?.parse().ok()?;
        let year = if negative { -year } else { year };
        Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
    }

    /// `HH:MM:SS[.f..]`, up to nanoseconds.
    pub fn parse_time(text: &str) -> Option<Time> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let mut parts = whole.splitn(3, ':');
        let hour: u8 = parts.next()?.parse().ok()?;
        let minute: u8 = parts.next()?.parse().ok()?;
        let second: u8 = parts.next()?.parse().ok()?;
        if fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let nanos: u32 = if fraction.is_empty() {
            0
        } else {
            format!("{fraction:0<9}").parse().ok()?
        };
        Time::from_hms_nano(hour, minute, second, nanos).ok()
    }

    /// `YYYY-MM-DD HH:MM:SS[.f..]`, with `T` accepted for the space.
    pub fn parse_timestamp(text: &str) -> Option<PrimitiveDateTime> {
        let split = text.rfind([' ', 'T'])?;
        let date = parse_date(&text[..split])?;
        let time = parse_time(&text[split + 1..])?;
        Some(PrimitiveDateTime::new(date, time))
    }

    /// A timestamp with an offset (`+00:00`, `-05:30`, `Z`) or without one (UTC, as
    /// SQLite's `CURRENT_TIMESTAMP` writes it).
    pub fn parse_timestamptz(text: &str) -> Option<OffsetDateTime> {
        if let Some(naive) = text.strip_suffix('Z') {
            return parse_timestamp(naive).map(PrimitiveDateTime::assume_utc);
        }
        let time_start = text.rfind([' ', 'T'])? + 1;
        let sign_at = text[time_start..].rfind(['+', '-']).map(|i| time_start + i);
        let Some(at) = sign_at else {
            return parse_timestamp(text).map(PrimitiveDateTime::assume_utc);
        };
        let (naive, offset) = text.split_at(at);
        let sign: i8 = if offset.starts_with('-') { -1 } else { 1 };
        let (hours, minutes) = offset[1..].split_once(':').unwrap_or((&offset[1..], "0"));
        // Digits only (`u8` takes no sign), then signed: no overflow on hostile text.
        let part = |digits: &str| digits.parse::<u8>().ok().and_then(|n| i8::try_from(n).ok());
        let offset = UtcOffset::from_hms(sign * part(hours)?, sign * part(minutes)?, 0).ok()?;
        parse_timestamp(naive).map(|t| t.assume_offset(offset))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn text_forms_round_trip_and_match_chronos() {
            let d = Date::from_calendar_date(1969, Month::July, 20).unwrap();
            assert_eq!(date(&d), "1969-07-20");
            assert_eq!(parse_date("1969-07-20"), Some(d));
            let t = Time::from_hms_micro(20, 17, 40, 5).unwrap();
            assert_eq!(time(&t), "20:17:40.000005");
            assert_eq!(parse_time("20:17:40.000005"), Some(t));
            assert_eq!(parse_time("20:17:40"), Time::from_hms(20, 17, 40).ok());
            let ts = PrimitiveDateTime::new(d, t);
            assert_eq!(timestamp(&ts), "1969-07-20 20:17:40.000005");
            assert_eq!(parse_timestamp("1969-07-20T20:17:40.000005"), Some(ts));
            let offset = UtcOffset::from_hms(5, 30, 0).unwrap();
            let at = ts.assume_offset(offset);
            assert_eq!(timestamptz(&at), "1969-07-20 14:47:40.000005+00:00");
            assert_eq!(parse_timestamptz(&timestamptz(&at)), Some(at));
            assert_eq!(
                parse_timestamptz("1969-07-20 20:17:40.000005+05:30"),
                Some(at)
            );
            assert_eq!(
                parse_timestamptz("1969-07-20 20:17:40.000005"),
                Some(ts.assume_utc())
            );
            assert_eq!(parse_date("1969-13-01"), None);
            assert_eq!(parse_timestamptz("1969-07-20 20:17:40+-128:00"), None);
            assert_eq!(parse_timestamptz("1969-07-20 20:17:40+200:00"), None);
            assert_eq!(parse_time("25:00:00"), None);
        }

        #[test]
        fn years_before_0001_are_written_as_chrono_writes_them() {
            let d = Date::from_calendar_date(-1, Month::March, 4).unwrap();
            assert_eq!(date(&d), "-0001-03-04");
            assert_eq!(parse_date("-0001-03-04"), Some(d));
            let chrono = chrono::NaiveDate::from_ymd_opt(-1, 3, 4)
                .unwrap()
                .to_string();
            assert_eq!(chrono, "-0001-03-04");
            assert_eq!(
                parse_date("+2026-01-02"),
                Date::from_calendar_date(2026, Month::January, 2).ok()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::backend::Encode;

    #[test]
    fn an_offset_date_time_without_a_utc_form_is_refused_not_a_panic() {
        let late = time::PrimitiveDateTime::new(
            time::Date::from_calendar_date(9999, time::Month::December, 31).unwrap(),
            time::Time::from_hms(23, 30, 0).unwrap(),
        )
        .assume_offset(time::UtcOffset::from_hms(-5, 0, 0).unwrap());
        let err = late.check().unwrap_err();
        assert!(err.contains("no UTC form"), "{err}");
        #[cfg(feature = "sqlite")]
        assert!(late.to_sqlite().is_err());
        let fine = late.replace_offset(time::UtcOffset::UTC);
        assert!(fine.check().is_ok());
    }
}
