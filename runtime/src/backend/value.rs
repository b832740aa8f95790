//! How Rust values cross into each backend.

use postgres_types::ToSql;
#[cfg(feature = "sqlite")]
use std::borrow::Cow;

/// A Rust value that can be sent as a parameter to every compiled-in backend.
///
/// PostgreSQL takes it through `postgres-types`' [`ToSql`] (its binary format); SQLite
/// through `Encode::to_sqlite` (feature `sqlite`). Implemented for the Rust types that bind to sqlwright's
/// SQL types (`i32`, `String`, `&str`, `chrono::NaiveDate`, ...), for `Option<T>` and
/// references. A statement's parameters are `&dyn Encode`: each value says for itself how
/// it is written, so a query is not compiled once per backend.
pub trait Encode: ToSql + Sync {
    /// The value as SQLite stores it: integers, floats, text, blobs; dates and times as
    /// ISO-8601 text, decimals as exact doubles (or an error), UUIDs as hyphenated text,
    /// JSON as text, arrays as JSON arrays (which SQLite reads with `json_each`).
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<SqliteArg<'_>, String>;

    /// The value as it is bound to a MySQL statement (feature `mysql`): integers (booleans
    /// as 0 and 1), floats, text and bytes so far; a type not yet sent to MySQL is refused
    /// with an error naming it, before the statement is sent.
    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        Err(format!(
            "{} is not sent to MySQL yet",
            std::any::type_name::<Self>()
        ))
    }

    /// Writes the value as a MySQL statement's parameter (feature `mysql`): its binary
    /// value onto `out`, its type and flag bytes returned (`MYSQL_TYPE_NULL`, writing
    /// nothing, for NULL). The default goes through [`to_mysql`](Self::to_mysql); the
    /// common types write themselves, without an intermediate value.
    #[cfg(feature = "mysql")]
    #[doc(hidden)]
    fn write_mysql(&self, out: &mut Vec<u8>) -> Result<[u8; 2], String> {
        Ok(crate::backend::mysql::write_param(&self.to_mysql()?, out))
    }

    /// Whether the value can be sent: an error for one whose encoding would fail in a way
    /// the encoder cannot report (a `time::OffsetDateTime` that has no UTC form, which
    /// `postgres-types` would panic on). Asked where the value is bound, so the statement
    /// is refused before anything is written.
    #[doc(hidden)]
    fn check(&self) -> Result<(), String> {
        Ok(())
    }

    /// Whether the value, bound as text, holds a NUL byte, when that can be told without
    /// encoding it (`None`: the binder encodes the value and looks). PostgreSQL refuses
    /// such text, so the statement is refused before it is sent.
    #[doc(hidden)]
    #[inline]
    fn text_nul(&self) -> Option<bool> {
        None
    }

    /// Whether values of this type are Rust strings (`String`, `&str`, or an `Option` or
    /// reference of one), which [`as_str`](Self::as_str) then gives: a string bound as SQL
    /// text is written as its bytes without the generic encoder (see `Bound`'s `ToSql`).
    #[doc(hidden)]
    #[inline]
    fn is_string() -> bool
    where
        Self: Sized,
    {
        false
    }

    /// Whether values of this type are [`PgInterval`](crate::types::PgInterval)s (for an
    /// `Option`'s `None`, which has no value to ask).
    #[doc(hidden)]
    #[inline]
    fn interval_type() -> bool
    where
        Self: Sized,
    {
        false
    }

    /// The string, or `None` for NULL, of a type whose [`is_string`](Self::is_string) is
    /// true (`None` for any other).
    #[doc(hidden)]
    #[inline]
    fn as_str(&self) -> Option<&str> {
        None
    }

    /// The interval, `Some(None)` for a NULL one, when the value is a [`PgInterval`]
    /// (or an `Option` or reference of one); `None` for any other type. MySQL has no
    /// interval values: date arithmetic writes an interval's parts as parameters of their own.
    ///
    /// [`PgInterval`]: crate::types::PgInterval
    #[doc(hidden)]
    #[inline]
    fn interval(&self) -> Option<Option<&crate::types::PgInterval>> {
        None
    }
}

/// A value as it is bound to a SQLite statement.
#[cfg(feature = "sqlite")]
#[derive(Clone, Debug, PartialEq)]
pub enum SqliteArg<'a> {
    /// NULL.
    Null,
    /// A 64-bit integer (also booleans, as 0 and 1).
    Integer(i64),
    /// A double.
    Real(f64),
    /// Text.
    Text(Cow<'a, str>),
    /// Bytes.
    Blob(Cow<'a, [u8]>),
}

/// A value as SQLite hands it back: one of its five storage classes.
#[cfg(feature = "sqlite")]
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SqliteValue<'a> {
    /// NULL.
    Null,
    /// A 64-bit integer.
    Integer(i64),
    /// A double.
    Real(f64),
    /// Text (UTF-8 unless the database was filled from elsewhere).
    Text(&'a [u8]),
    /// Bytes.
    Blob(&'a [u8]),
}

#[cfg(feature = "sqlite")]
impl SqliteValue<'_> {
    /// The storage class's name, for errors.
    pub fn kind(&self) -> &'static str {
        match self {
            SqliteValue::Null => "NULL",
            SqliteValue::Integer(_) => "an integer",
            SqliteValue::Real(_) => "a real",
            SqliteValue::Text(_) => "text",
            SqliteValue::Blob(_) => "a blob",
        }
    }
}

macro_rules! encode_int {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            #[cfg(feature = "sqlite")]
            fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
                Ok(SqliteArg::Integer(i64::from(*self)))
            }
            #[cfg(feature = "mysql")]
            fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
                Ok(mysql_common::value::Value::Int(i64::from(*self)))
            }
            #[cfg(feature = "mysql")]
            #[inline]
            fn write_mysql(&self, out: &mut Vec<u8>) -> Result<[u8; 2], String> {
                out.extend_from_slice(&i64::from(*self).to_le_bytes());
                Ok([8, 0]) // MYSQL_TYPE_LONGLONG
            }
        }
    )*};
}
encode_int!(i16, i32, i64, bool);

impl Encode for f32 {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
        Ok(SqliteArg::Real(f64::from(*self)))
    }
    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        Ok(mysql_common::value::Value::Float(*self))
    }
}

impl Encode for f64 {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
        Ok(SqliteArg::Real(*self))
    }
    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        Ok(mysql_common::value::Value::Double(*self))
    }
    #[cfg(feature = "mysql")]
    #[inline]
    fn write_mysql(&self, out: &mut Vec<u8>) -> Result<[u8; 2], String> {
        out.extend_from_slice(&self.to_le_bytes());
        Ok([5, 0]) // MYSQL_TYPE_DOUBLE
    }
}

/// What `to_mysql` answers for text holding a NUL byte: the MySQL backend reports it as
/// [`Error::NulInText`](crate::Error::NulInText), as the other backends do.
#[cfg(feature = "mysql")]
pub(crate) const NUL_IN_TEXT: &str = "text holds a NUL byte";

/// Text as MySQL takes it; a NUL byte is refused (MySQL would store it, and other backends
/// cannot, so the same value must not work on one and fail on another).
#[cfg(feature = "mysql")]
fn mysql_text(text: &str) -> Result<mysql_common::value::Value, String> {
    if crate::types::has_nul(text.as_bytes()) {
        return Err(NUL_IN_TEXT.to_string());
    }
    Ok(mysql_common::value::Value::Bytes(text.as_bytes().to_vec()))
}

/// [`mysql_text`] written straight into the statement's packet.
#[cfg(feature = "mysql")]
fn write_mysql_text(text: &str, out: &mut Vec<u8>) -> Result<[u8; 2], String> {
    if crate::types::has_nul(text.as_bytes()) {
        return Err(NUL_IN_TEXT.to_string());
    }
    Ok(crate::backend::mysql::write_bytes(text.as_bytes(), out))
}

impl Encode for String {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
        Ok(SqliteArg::Text(Cow::Borrowed(self)))
    }
    #[inline]
    fn text_nul(&self) -> Option<bool> {
        Some(self.as_bytes().contains(&0))
    }
    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        mysql_text(self)
    }
    #[cfg(feature = "mysql")]
    #[inline]
    fn write_mysql(&self, out: &mut Vec<u8>) -> Result<[u8; 2], String> {
        write_mysql_text(self, out)
    }
    #[inline]
    fn is_string() -> bool {
        true
    }
    #[inline]
    fn as_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl Encode for &str {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
        Ok(SqliteArg::Text(Cow::Borrowed(self)))
    }
    #[inline]
    fn text_nul(&self) -> Option<bool> {
        Some(self.as_bytes().contains(&0))
    }
    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        mysql_text(self)
    }
    #[cfg(feature = "mysql")]
    #[inline]
    fn write_mysql(&self, out: &mut Vec<u8>) -> Result<[u8; 2], String> {
        write_mysql_text(self, out)
    }
    #[inline]
    fn is_string() -> bool {
        true
    }
    #[inline]
    fn as_str(&self) -> Option<&str> {
        Some(self)
    }
}

impl Encode for Vec<u8> {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
        Ok(SqliteArg::Blob(Cow::Borrowed(self)))
    }
    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        Ok(mysql_common::value::Value::Bytes(self.to_vec()))
    }
}

impl Encode for &[u8] {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
        Ok(SqliteArg::Blob(Cow::Borrowed(self)))
    }
    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        Ok(mysql_common::value::Value::Bytes(self.to_vec()))
    }
}

impl<T: Encode> Encode for &T {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
        (**self).to_sqlite()
    }
    fn check(&self) -> Result<(), String> {
        (**self).check()
    }
    #[inline]
    fn text_nul(&self) -> Option<bool> {
        (**self).text_nul()
    }
    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        (**self).to_mysql()
    }
    #[cfg(feature = "mysql")]
    #[inline]
    fn write_mysql(&self, out: &mut Vec<u8>) -> Result<[u8; 2], String> {
        (**self).write_mysql(out)
    }
    #[inline]
    fn is_string() -> bool {
        T::is_string()
    }
    #[inline]
    fn interval_type() -> bool {
        T::interval_type()
    }
    #[inline]
    fn as_str(&self) -> Option<&str> {
        (**self).as_str()
    }
    #[inline]
    fn interval(&self) -> Option<Option<&crate::types::PgInterval>> {
        (**self).interval()
    }
}

impl<T: Encode> Encode for Option<T> {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
        match self {
            Some(v) => v.to_sqlite(),
            None => Ok(SqliteArg::Null),
        }
    }
    fn check(&self) -> Result<(), String> {
        self.as_ref().map_or(Ok(()), Encode::check)
    }
    #[inline]
    fn text_nul(&self) -> Option<bool> {
        self.as_ref().map_or(Some(false), Encode::text_nul)
    }
    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        match self {
            Some(v) => v.to_mysql(),
            None => Ok(mysql_common::value::Value::NULL),
        }
    }
    #[cfg(feature = "mysql")]
    #[inline]
    fn write_mysql(&self, out: &mut Vec<u8>) -> Result<[u8; 2], String> {
        match self {
            Some(v) => v.write_mysql(out),
            None => Ok([6, 0]), // MYSQL_TYPE_NULL
        }
    }
    #[inline]
    fn is_string() -> bool {
        T::is_string()
    }
    #[inline]
    fn interval_type() -> bool {
        T::interval_type()
    }
    #[inline]
    fn as_str(&self) -> Option<&str> {
        self.as_ref().and_then(Encode::as_str)
    }
    #[inline]
    fn interval(&self) -> Option<Option<&crate::types::PgInterval>> {
        match self {
            Some(v) => v.interval(),
            None => T::interval_type().then_some(None),
        }
    }
}

impl Encode for crate::types::PgInterval {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
        Err("an interval has no SQLite type".into())
    }
    #[inline]
    fn interval(&self) -> Option<Option<&crate::types::PgInterval>> {
        Some(Some(self))
    }
    #[inline]
    fn interval_type() -> bool {
        true
    }
}

/// An array goes to SQLite (and MySQL) as a JSON array of its elements, which `json_each`
/// (`JSON_TABLE`) reads (lists of `in_` and relation loaders): numbers as numbers,
/// everything else as the text it is stored as.
impl<T: Encode> Encode for Vec<T> {
    fn check(&self) -> Result<(), String> {
        self.iter().try_for_each(Encode::check)
    }
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
        let mut json = String::with_capacity(2 + self.len() * 8);
        json.push('[');
        for (i, element) in self.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            match element.to_sqlite()? {
                SqliteArg::Null => json.push_str("null"),
                SqliteArg::Integer(n) => json.push_str(&n.to_string()),
                SqliteArg::Real(x) if x.is_finite() => json.push_str(&format!("{x:?}")),
                SqliteArg::Real(x) => return Err(format!("{x} has no JSON form")),
                SqliteArg::Text(text) => json_string(&mut json, &text),
                SqliteArg::Blob(_) => {
                    return Err("a list of byte strings cannot be sent to SQLite".into())
                }
            }
        }
        json.push(']');
        Ok(SqliteArg::Text(Cow::Owned(json)))
    }
    /// One JSON array, which MySQL reads with `JSON_TABLE`.
    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        crate::backend::mysql::json_list(self.iter().map(Encode::to_mysql))
    }
}

/// Appends `text` as a JSON string.
#[cfg(feature = "sqlite")]
fn json_string(out: &mut String, text: &str) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A decimal goes to SQLite as a REAL when the double holds it exactly (up to 15
/// significant digits always do), so that comparisons and ORDER BY are numeric; one with
/// more digits is refused rather than rounded (docs/design.md, "Decimals on SQLite").
#[cfg(feature = "rust_decimal")]
impl Encode for rust_decimal::Decimal {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
        use rust_decimal::prelude::ToPrimitive;
        use std::str::FromStr;
        let exact = self
            .to_f64()
            .filter(|x| x.is_finite())
            .filter(|x| rust_decimal::Decimal::from_str(&format!("{x:?}")).ok() == Some(*self));
        exact.map(SqliteArg::Real).ok_or_else(|| {
            format!(
                "the decimal {self} has more significant digits than SQLite stores exactly \
                 (a double: 15 digits always fit)"
            )
        })
    }
    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        Ok(crate::types::mysql_forms::decimal_value(self))
    }
    #[cfg(feature = "mysql")]
    #[inline]
    fn write_mysql(&self, out: &mut Vec<u8>) -> Result<[u8; 2], String> {
        Ok(crate::types::mysql_forms::write_decimal(self, out))
    }
}

#[cfg(feature = "chrono")]
mod chrono_values {
    use super::*;
    #[cfg(feature = "mysql")]
    use crate::types::mysql_forms::{self, naive_date_time, Parts};

    impl Encode for chrono::NaiveDate {
        #[cfg(feature = "sqlite")]
        fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
            Ok(SqliteArg::Text(Cow::Owned(
                self.format(crate::types::sqlite_format::DATE).to_string(),
            )))
        }
        #[cfg(feature = "mysql")]
        fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
            use chrono::Datelike;
            Parts::date(self.year(), self.month() as u8, self.day() as u8).to_value()
        }
    }

    impl Encode for chrono::NaiveTime {
        #[cfg(feature = "sqlite")]
        fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
            Ok(SqliteArg::Text(Cow::Owned(
                self.format(crate::types::sqlite_format::TIME).to_string(),
            )))
        }
        #[cfg(feature = "mysql")]
        fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
            use chrono::Timelike;
            Ok(mysql_forms::time_value(
                self.hour() as u8,
                self.minute() as u8,
                self.second() as u8,
                mysql_forms::micros(self.nanosecond())?,
            ))
        }
    }

    impl Encode for chrono::NaiveDateTime {
        #[cfg(feature = "sqlite")]
        fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
            Ok(SqliteArg::Text(Cow::Owned(
                self.format(crate::types::sqlite_format::TIMESTAMP)
                    .to_string(),
            )))
        }
        #[cfg(feature = "mysql")]
        fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
            naive_date_time(self)
        }
    }

    impl Encode for chrono::DateTime<chrono::Utc> {
        #[cfg(feature = "sqlite")]
        fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
            Ok(SqliteArg::Text(Cow::Owned(
                self.naive_utc()
                    .format(crate::types::sqlite_format::TIMESTAMPTZ)
                    .to_string(),
            )))
        }
        #[cfg(feature = "mysql")]
        fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
            naive_date_time(&self.naive_utc())
        }
    }
}

#[cfg(feature = "uuid")]
impl Encode for uuid::Uuid {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
        Ok(SqliteArg::Text(Cow::Owned(self.hyphenated().to_string())))
    }
    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        Ok(mysql_common::value::Value::Bytes(
            self.hyphenated().to_string().into_bytes(),
        ))
    }
}

#[cfg(feature = "serde_json")]
impl Encode for serde_json::Value {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<SqliteArg<'_>, String> {
        Ok(SqliteArg::Text(Cow::Owned(self.to_string())))
    }
    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        crate::types::mysql_forms::json_value(self)
    }
}
