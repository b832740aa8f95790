//! [`Value`]: what a dynamic statement binds, and how it is sent to each backend.

use super::*;

/// A value for a column of a reflected table.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// SQL NULL; fits any column (NOT NULL is the server's to enforce).
    Null,
    /// `bool`.
    Bool(bool),
    /// Any integer; fits integer columns it is in range of, and float and numeric columns.
    Int(i64),
    /// An unsigned integer (`u64`): as [`Int`](Value::Int), for the values past `i64::MAX`
    /// too (MySQL's `BIGINT UNSIGNED`).
    UInt(u64),
    /// A float; fits `real`, `double precision` and `numeric`.
    Float(f64),
    /// Text; fits text-like columns, and enum and other types without a Rust mapping
    /// (sent as text, converted by the server).
    Text(String),
    /// `bytea`.
    Bytes(Vec<u8>),
    /// `numeric`.
    #[cfg(feature = "rust_decimal")]
    Numeric(rust_decimal::Decimal),
    /// `date`.
    #[cfg(feature = "chrono")]
    Date(chrono::NaiveDate),
    /// `time`.
    #[cfg(feature = "chrono")]
    Time(chrono::NaiveTime),
    /// `timestamp`.
    #[cfg(feature = "chrono")]
    Timestamp(chrono::NaiveDateTime),
    /// `timestamptz`.
    #[cfg(feature = "chrono")]
    Timestamptz(chrono::DateTime<chrono::Utc>),
    /// `uuid`.
    #[cfg(feature = "uuid")]
    Uuid(uuid::Uuid),
    /// `json`, `jsonb`.
    #[cfg(feature = "serde_json")]
    Json(serde_json::Value),
    /// An array; each element must fit the column's element type.
    Array(Vec<Value>),
}

impl crate::backend::Encode for Value {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<crate::backend::SqliteArg<'_>, String> {
        use crate::backend::SqliteArg;
        use std::borrow::Cow;
        match self {
            Value::Null => Ok(SqliteArg::Null),
            Value::Bool(b) => b.to_sqlite(),
            Value::Int(n) => Ok(SqliteArg::Integer(*n)),
            Value::UInt(n) => i64::try_from(*n)
                .map(SqliteArg::Integer)
                .map_err(|_| format!("{n} is above SQLite's largest integer ({})", i64::MAX)),
            Value::Float(x) => Ok(SqliteArg::Real(*x)),
            Value::Text(t) => Ok(SqliteArg::Text(Cow::Borrowed(t))),
            Value::Bytes(b) => Ok(SqliteArg::Blob(Cow::Borrowed(b))),
            #[cfg(feature = "rust_decimal")]
            Value::Numeric(d) => d.to_sqlite(),
            #[cfg(feature = "chrono")]
            Value::Date(d) => d.to_sqlite(),
            #[cfg(feature = "chrono")]
            Value::Time(t) => t.to_sqlite(),
            #[cfg(feature = "chrono")]
            Value::Timestamp(t) => t.to_sqlite(),
            #[cfg(feature = "chrono")]
            Value::Timestamptz(t) => t.to_sqlite(),
            #[cfg(feature = "uuid")]
            Value::Uuid(u) => u.to_sqlite(),
            #[cfg(feature = "serde_json")]
            Value::Json(j) => j.to_sqlite(),
            Value::Array(items) => items.to_sqlite(),
        }
    }

    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        match self {
            Value::UInt(n) => Ok(mysql_common::value::Value::UInt(*n)),
            other => other.mysql_inner()?.to_mysql(),
        }
    }

    #[cfg(feature = "mysql")]
    fn write_mysql(&self, out: &mut Vec<u8>) -> Result<[u8; 2], String> {
        match self {
            Value::UInt(n) => Ok(crate::backend::mysql::write_param(
                &mysql_common::value::Value::UInt(*n),
                out,
            )),
            other => other.mysql_inner()?.write_mysql(out),
        }
    }
}

impl Value {
    /// The Rust value inside, which binds itself to a MySQL statement (`UInt` is bound by
    /// the caller; MySQL has no arrays).
    #[cfg(feature = "mysql")]
    fn mysql_inner(&self) -> Result<&dyn crate::backend::Encode, String> {
        const NULL: Option<i64> = None;
        Ok(match self {
            Value::Null | Value::UInt(_) => &NULL,
            Value::Bool(b) => b,
            Value::Int(n) => n,
            Value::Float(x) => x,
            Value::Text(t) => t,
            Value::Bytes(b) => b,
            #[cfg(feature = "rust_decimal")]
            Value::Numeric(d) => d,
            #[cfg(feature = "chrono")]
            Value::Date(d) => d,
            #[cfg(feature = "chrono")]
            Value::Time(t) => t,
            #[cfg(feature = "chrono")]
            Value::Timestamp(t) => t,
            #[cfg(feature = "chrono")]
            Value::Timestamptz(t) => t,
            #[cfg(feature = "uuid")]
            Value::Uuid(u) => u,
            #[cfg(feature = "serde_json")]
            Value::Json(j) => j,
            Value::Array(_) => return Err("MySQL has no arrays".into()),
        })
    }
}

impl Value {
    /// An array value from any values.
    pub fn array<T: Into<Value>>(items: impl IntoIterator<Item = T>) -> Value {
        Value::Array(items.into_iter().map(Into::into).collect())
    }

    /// What the value is, for error messages.
    pub(super) fn describe(&self) -> String {
        match self {
            Value::Null => "NULL".into(),
            Value::Bool(_) => "a bool".into(),
            Value::Int(i) => format!("the integer {i}"),
            Value::UInt(i) => format!("the integer {i}"),
            Value::Float(_) => "a float".into(),
            Value::Text(_) => "a text value".into(),
            Value::Bytes(_) => "a byte string".into(),
            #[cfg(feature = "rust_decimal")]
            Value::Numeric(_) => "a decimal".into(),
            #[cfg(feature = "chrono")]
            Value::Date(_) => "a date".into(),
            #[cfg(feature = "chrono")]
            Value::Time(_) => "a time".into(),
            #[cfg(feature = "chrono")]
            Value::Timestamp(_) => "a timestamp".into(),
            #[cfg(feature = "chrono")]
            Value::Timestamptz(_) => "a timestamptz".into(),
            #[cfg(feature = "uuid")]
            Value::Uuid(_) => "a uuid".into(),
            #[cfg(feature = "serde_json")]
            Value::Json(_) => "a JSON value".into(),
            Value::Array(_) => "an array".into(),
        }
    }

    /// Whether the value can be sent as a parameter of type `ty`.
    pub(super) fn fits(&self, ty: &Type) -> bool {
        let text_like = crate::types::is_text(ty);
        match self {
            Value::Null => true,
            Value::Bool(_) => *ty == Type::BOOL,
            Value::Int(i) => match *ty {
                Type::INT2 => i16::try_from(*i).is_ok(),
                Type::INT4 => i32::try_from(*i).is_ok(),
                Type::INT8 | Type::FLOAT4 | Type::FLOAT8 => true,
                Type::NUMERIC => cfg!(feature = "rust_decimal"),
                _ => false,
            },
            Value::UInt(u) => match *ty {
                Type::INT2 => i16::try_from(*u).is_ok(),
                Type::INT4 => i32::try_from(*u).is_ok(),
                Type::INT8 => i64::try_from(*u).is_ok(),
                Type::FLOAT4 | Type::FLOAT8 => true,
                Type::NUMERIC => cfg!(feature = "rust_decimal"),
                _ => false,
            },
            Value::Float(f) => match *ty {
                Type::FLOAT4 | Type::FLOAT8 => true,
                Type::NUMERIC => cfg!(feature = "rust_decimal") && f.is_finite(),
                _ => false,
            },
            Value::Text(_) => text_like,
            Value::Bytes(_) => *ty == Type::BYTEA,
            #[cfg(feature = "rust_decimal")]
            Value::Numeric(_) => *ty == Type::NUMERIC,
            #[cfg(feature = "chrono")]
            Value::Date(_) => *ty == Type::DATE,
            #[cfg(feature = "chrono")]
            Value::Time(_) => *ty == Type::TIME,
            #[cfg(feature = "chrono")]
            Value::Timestamp(_) => *ty == Type::TIMESTAMP,
            #[cfg(feature = "chrono")]
            Value::Timestamptz(_) => *ty == Type::TIMESTAMPTZ,
            #[cfg(feature = "uuid")]
            Value::Uuid(_) => *ty == Type::UUID,
            #[cfg(feature = "serde_json")]
            Value::Json(_) => [Type::JSON, Type::JSONB].contains(ty),
            Value::Array(items) => match ty.kind() {
                Kind::Array(element) => items.iter().all(|v| v.fits(element)),
                _ => false,
            },
        }
    }

    /// Whether a text parameter (or an element of one) holds a NUL byte.
    pub(super) fn has_nul(&self) -> bool {
        match self {
            Value::Text(s) => s.contains('\0'),
            Value::Array(items) => items.iter().any(Value::has_nul),
            _ => false,
        }
    }
}

type BoxError = Box<dyn std::error::Error + Sync + Send>;

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Bool(b) => b.to_sql(ty, out),
            Value::Int(i) => match *ty {
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::FLOAT4 => (*i as f32).to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                #[cfg(feature = "rust_decimal")]
                Type::NUMERIC => rust_decimal::Decimal::from(*i).to_sql(ty, out),
                _ => i.to_sql(ty, out),
            },
            Value::UInt(u) => match *ty {
                Type::FLOAT4 => (*u as f32).to_sql(ty, out),
                Type::FLOAT8 => (*u as f64).to_sql(ty, out),
                #[cfg(feature = "rust_decimal")]
                Type::NUMERIC => rust_decimal::Decimal::from(*u).to_sql(ty, out),
                _ => Value::Int(i64::try_from(*u)?).to_sql(ty, out),
            },
            Value::Float(f) => match *ty {
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                #[cfg(feature = "rust_decimal")]
                Type::NUMERIC => rust_decimal::Decimal::try_from(*f)?.to_sql(ty, out),
                _ => f.to_sql(ty, out),
            },
            Value::Text(s) => s.to_sql(ty, out),
            Value::Bytes(b) => b.to_sql(ty, out),
            #[cfg(feature = "rust_decimal")]
            Value::Numeric(d) => d.to_sql(ty, out),
            #[cfg(feature = "chrono")]
            Value::Date(d) => d.to_sql(ty, out),
            #[cfg(feature = "chrono")]
            Value::Time(t) => t.to_sql(ty, out),
            #[cfg(feature = "chrono")]
            Value::Timestamp(t) => t.to_sql(ty, out),
            #[cfg(feature = "chrono")]
            Value::Timestamptz(t) => t.to_sql(ty, out),
            #[cfg(feature = "uuid")]
            Value::Uuid(u) => u.to_sql(ty, out),
            #[cfg(feature = "serde_json")]
            Value::Json(j) => postgres_types::Json(j).to_sql(ty, out),
            Value::Array(items) => items.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        // Checked per value by `fits` before the statement is built.
        true
    }

    postgres_types::to_sql_checked!();
}

macro_rules! value_from {
    ($($rust:ty => $variant:ident via $conv:expr),* $(,)?) => {$(
        impl From<$rust> for Value {
            fn from(v: $rust) -> Value {
                Value::$variant($conv(v))
            }
        }
    )*};
}

value_from! {
    bool => Bool via std::convert::identity,
    i16 => Int via i64::from,
    i32 => Int via i64::from,
    i64 => Int via std::convert::identity,
    u8 => Int via i64::from,
    u16 => Int via i64::from,
    u32 => Int via i64::from,
    u64 => UInt via std::convert::identity,
    f32 => Float via f64::from,
    f64 => Float via std::convert::identity,
    String => Text via std::convert::identity,
    &str => Text via str::to_string,
    Vec<u8> => Bytes via std::convert::identity,
    &[u8] => Bytes via <[u8]>::to_vec,
}
#[cfg(feature = "rust_decimal")]
value_from! { rust_decimal::Decimal => Numeric via std::convert::identity }
#[cfg(feature = "chrono")]
value_from! {
    chrono::NaiveDate => Date via std::convert::identity,
    chrono::NaiveTime => Time via std::convert::identity,
    chrono::NaiveDateTime => Timestamp via std::convert::identity,
    chrono::DateTime<chrono::Utc> => Timestamptz via std::convert::identity,
}
#[cfg(feature = "uuid")]
value_from! { uuid::Uuid => Uuid via std::convert::identity }
#[cfg(feature = "serde_json")]
value_from! { serde_json::Value => Json via std::convert::identity }

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}
