//! Decoding result rows into Rust values, checked against the selected SQL types.

use super::array::RawArray;
use super::*;
use crate::engine::error::{DecodeError, Error};
use crate::engine::row_data::Inner;
use crate::engine::RowData;
use crate::render::Label;
use postgres_types::{FromSql, Kind};

/// A Rust type that values of SQL type `ST` can be loaded into.
///
/// Implemented for the std, chrono, uuid, serde_json and rust_decimal types that match each
/// SQL type, and for `Option<T>` of `Nullable<ST>`.
#[diagnostic::on_unimplemented(
    message = "cannot load SQL `{ST}` into Rust `{Self}`",
    label = "not the Rust type of this SQL type (a nullable one, `Nullable<_>` or a column of an outer-joined table, loads only into `Option<_>`)"
)]
pub trait FromSqlValue<ST: ?Sized>: Sized {
    /// Decodes one value in PostgreSQL's binary format (`None` is NULL).
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError>;

    /// Decodes one value as SQLite returned it.
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError>;

    /// Decodes one value as MySQL returned it (feature `mysql`): integers, booleans,
    /// floats, text and bytes so far; another type is a decode error naming it.
    #[cfg(feature = "mysql")]
    fn decode_mysql(_value: &mysql::Value<'_>) -> Result<Self, DecodeError> {
        Err(mysql::not_yet::<Self>())
    }
}

/// Decodes through `postgres-types` `FromSql`, with our own NULL and type checks.
pub(crate) fn decode_pg<T: for<'a> FromSql<'a>>(
    ty: &Type,
    raw: Option<&[u8]>,
) -> Result<T, DecodeError> {
    if !T::accepts(ty) {
        return Err(DecodeError::WrongType {
            rust: std::any::type_name::<T>(),
            sql: ty.name().to_string(),
        });
    }
    match raw {
        None => Err(DecodeError::UnexpectedNull {
            rust: std::any::type_name::<T>(),
        }),
        Some(bytes) => T::from_sql(ty, bytes).map_err(|e| DecodeError::Invalid {
            rust: std::any::type_name::<T>(),
            reason: e.to_string(),
        }),
    }
}

/// The bytes of a value `T` accepts the SQL type of (as `postgres-types` judges), or the
/// error for a wrong type or an unexpected NULL: for decoders sqlwright writes itself.
#[cfg(any(feature = "rust_decimal", feature = "chrono"))]
pub(crate) fn checked_raw<'r, T: for<'a> FromSql<'a>>(
    ty: &Type,
    raw: Option<&'r [u8]>,
) -> Result<&'r [u8], DecodeError> {
    if !T::accepts(ty) {
        return Err(DecodeError::WrongType {
            rust: std::any::type_name::<T>(),
            sql: ty.name().to_string(),
        });
    }
    raw.ok_or(DecodeError::UnexpectedNull {
        rust: std::any::type_name::<T>(),
    })
}

impl<T: FromSqlValue<ST>, ST: SqlType<Nullability = NotNull>> FromSqlValue<Nullable<ST>>
    for Option<T>
{
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        match raw {
            None => Ok(None),
            some => T::decode(ty, some).map(Some),
        }
    }

    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        match value {
            crate::backend::SqliteValue::Null => Ok(None),
            some => T::decode_sqlite(some).map(Some),
        }
    }

    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &mysql::Value<'_>) -> Result<Self, DecodeError> {
        match value {
            mysql::Value::Null => Ok(None),
            some => T::decode_mysql(some).map(Some),
        }
    }
}

/// The Rust type a SQL type loads into when the row type is inferred.
#[diagnostic::on_unimplemented(
    message = "SQL type `{Self}` has no default Rust type",
    note = "enable the cargo feature that maps it (chrono, uuid, serde_json, rust_decimal), or load into a struct"
)]
pub trait DefaultRust: SqlType {
    /// The Rust type.
    type Rust: FromSqlValue<Self>;
}

impl<T: DefaultRust + SqlType<Nullability = NotNull>> DefaultRust for Nullable<T> {
    type Rust = Option<T::Rust>;
}

// Written out rather than generated, so that a compiler note pointing at one of these
// impls shows one line instead of a macro expansion.

impl FromSqlValue<Int2> for i16 {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &mysql::Value<'_>) -> Result<Self, DecodeError> {
        mysql::int(value)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::int(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_pg(ty, raw)
    }
}
impl DefaultRust for Int2 {
    type Rust = i16;
}

impl FromSqlValue<Int4> for i32 {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &mysql::Value<'_>) -> Result<Self, DecodeError> {
        mysql::int(value)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::int(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_pg(ty, raw)
    }
}
impl DefaultRust for Int4 {
    type Rust = i32;
}

impl FromSqlValue<Int8> for i64 {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &mysql::Value<'_>) -> Result<Self, DecodeError> {
        mysql::int(value)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::int(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_pg(ty, raw)
    }
}
impl DefaultRust for Int8 {
    type Rust = i64;
}

impl FromSqlValue<Float4> for f32 {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &mysql::Value<'_>) -> Result<Self, DecodeError> {
        mysql::float4(value)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::float4(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_pg(ty, raw)
    }
}
impl DefaultRust for Float4 {
    type Rust = f32;
}

impl FromSqlValue<Float8> for f64 {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &mysql::Value<'_>) -> Result<Self, DecodeError> {
        mysql::float(value)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::float(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_pg(ty, raw)
    }
}
impl DefaultRust for Float8 {
    type Rust = f64;
}

impl FromSqlValue<Text> for String {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &mysql::Value<'_>) -> Result<Self, DecodeError> {
        mysql::text(value)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::text(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_pg(ty, raw)
    }
}
impl DefaultRust for Text {
    type Rust = String;
}

impl FromSqlValue<Bool> for bool {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &mysql::Value<'_>) -> Result<Self, DecodeError> {
        mysql::boolean(value)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::boolean(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_pg(ty, raw)
    }
}
impl DefaultRust for Bool {
    type Rust = bool;
}

impl FromSqlValue<Bytea> for Vec<u8> {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &mysql::Value<'_>) -> Result<Self, DecodeError> {
        mysql::bytes(value)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::blob(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_pg(ty, raw)
    }
}
impl DefaultRust for Bytea {
    type Rust = Vec<u8>;
}

impl FromSqlValue<Interval> for PgInterval {
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::none(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_pg(ty, raw)
    }
}
impl DefaultRust for Interval {
    type Rust = PgInterval;
}

/// Exactly the server's value, or [`DecodeError::Invalid`] saying why `Decimal` cannot hold
/// it (NaN, an infinity, more than 28 significant fractional digits, a magnitude of 2^96 or
/// more): never a rounded value.
#[cfg(feature = "rust_decimal")]
impl FromSqlValue<Numeric> for rust_decimal::Decimal {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &crate::backend::mysql::MysqlValue<'_>) -> Result<Self, DecodeError> {
        super::mysql_forms::decimal(value)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::decimal(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        let bytes = checked_raw::<Self>(ty, raw)?;
        super::numeric::decode(bytes).map_err(|reason| DecodeError::Invalid {
            rust: std::any::type_name::<Self>(),
            reason,
        })
    }
}
#[cfg(feature = "rust_decimal")]
impl DefaultRust for Numeric {
    type Rust = rust_decimal::Decimal;
}

#[cfg(feature = "chrono")]
impl FromSqlValue<Date> for chrono::NaiveDate {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &crate::backend::mysql::MysqlValue<'_>) -> Result<Self, DecodeError> {
        super::mysql_forms::date::<Self>(value).and_then(super::mysql_forms::chrono_date::<Self>)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::date(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_pg(ty, raw)
    }
}
#[cfg(feature = "chrono")]
impl DefaultRust for Date {
    type Rust = chrono::NaiveDate;
}

/// PostgreSQL's `time` runs to `24:00:00` inclusive; `NaiveTime` ends at 23:59:59.999999,
/// so `24:00` is a [`DecodeError::Invalid`] (not the 00:00 of the same day).
#[cfg(feature = "chrono")]
impl FromSqlValue<Time> for chrono::NaiveTime {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &crate::backend::mysql::MysqlValue<'_>) -> Result<Self, DecodeError> {
        super::mysql_forms::time::<Self>(value).and_then(super::mysql_forms::chrono_time::<Self>)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::time(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        const DAY: i64 = 86_400_000_000;
        let bytes = checked_raw::<Self>(ty, raw)?;
        let invalid = |reason: String| DecodeError::Invalid {
            rust: std::any::type_name::<Self>(),
            reason,
        };
        let micros = <[u8; 8]>::try_from(bytes)
            .map(i64::from_be_bytes)
            .map_err(|_| invalid(format!("a time takes 8 bytes, {} came", bytes.len())))?;
        if micros == DAY {
            return Err(invalid(
                "24:00:00 is a PostgreSQL time, but chrono::NaiveTime ends at 23:59:59.999999 \
                 (load it as an interval: `column - time '00:00'`)"
                    .into(),
            ));
        }
        let time = (0..DAY).contains(&micros).then(|| {
            chrono::NaiveTime::from_num_seconds_from_midnight_opt(
                (micros / 1_000_000) as u32,
                (micros % 1_000_000) as u32 * 1_000,
            )
        });
        time.flatten().ok_or_else(|| {
            invalid(format!(
                "a time of {micros} microseconds after midnight is outside a day"
            ))
        })
    }
}
#[cfg(feature = "chrono")]
impl DefaultRust for Time {
    type Rust = chrono::NaiveTime;
}

#[cfg(feature = "chrono")]
impl FromSqlValue<Timestamp> for chrono::NaiveDateTime {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &crate::backend::mysql::MysqlValue<'_>) -> Result<Self, DecodeError> {
        super::mysql_forms::date_time::<Self>(value)
            .and_then(super::mysql_forms::chrono_date_time::<Self>)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::timestamp(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_pg(ty, raw)
    }
}
#[cfg(feature = "chrono")]
impl DefaultRust for Timestamp {
    type Rust = chrono::NaiveDateTime;
}

#[cfg(feature = "chrono")]
impl FromSqlValue<Timestamptz> for chrono::DateTime<chrono::Utc> {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &crate::backend::mysql::MysqlValue<'_>) -> Result<Self, DecodeError> {
        super::mysql_forms::date_time::<Self>(value)
            .and_then(super::mysql_forms::chrono_date_time::<Self>)
            .map(|t| t.and_utc())
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::timestamptz(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_pg(ty, raw)
    }
}
#[cfg(feature = "chrono")]
impl DefaultRust for Timestamptz {
    type Rust = chrono::DateTime<chrono::Utc>;
}

#[cfg(feature = "uuid")]
impl FromSqlValue<Uuid> for uuid::Uuid {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &crate::backend::mysql::MysqlValue<'_>) -> Result<Self, DecodeError> {
        super::mysql_forms::uuid(value)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::uuid(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_pg(ty, raw)
    }
}
#[cfg(feature = "uuid")]
impl DefaultRust for Uuid {
    type Rust = uuid::Uuid;
}

#[cfg(feature = "serde_json")]
impl FromSqlValue<Json> for serde_json::Value {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &crate::backend::mysql::MysqlValue<'_>) -> Result<Self, DecodeError> {
        super::mysql_forms::json(value)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::json(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_pg(ty, raw)
    }
}
#[cfg(feature = "serde_json")]
impl DefaultRust for Json {
    type Rust = serde_json::Value;
}

#[cfg(feature = "serde_json")]
impl FromSqlValue<Jsonb> for serde_json::Value {
    #[cfg(feature = "mysql")]
    fn decode_mysql(value: &crate::backend::mysql::MysqlValue<'_>) -> Result<Self, DecodeError> {
        super::mysql_forms::json(value)
    }
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::json(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        decode_pg(ty, raw)
    }
}
#[cfg(feature = "serde_json")]
impl DefaultRust for Jsonb {
    type Rust = serde_json::Value;
}

/// Arrays load element by element; elements of `Nullable<_>` arrays as `Option<_>`.
///
/// The array is read by sqlwright itself, every count checked against the
/// bytes present, and each element decoded as `T` loads it from `ST`. Only arrays of one
/// dimension numbered from 1 load: another shape is a [`DecodeError::Invalid`], not a `Vec`
/// that silently lost it.
impl<T, ST: SqlType> FromSqlValue<Array<ST>> for Vec<T>
where
    T: FromSqlValue<ST> + for<'a> FromSql<'a>,
{
    #[cfg(feature = "sqlite")]
    fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
        sqlite::none(value)
    }
    fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
        let rust = std::any::type_name::<Self>();
        let member = match ty.kind() {
            // A `table!` enum's elements arrive as the enum type, which `T` (a `String`)
            // does not name but reads as text.
            Kind::Array(member)
                if T::accepts(member) || ST::ENUM.is_some_and(|e| e.sql_name == member.name()) =>
            {
                member
            }
            _ => {
                return Err(DecodeError::WrongType {
                    rust,
                    sql: ty.name().to_string(),
                })
            }
        };
        let raw = raw.ok_or(DecodeError::UnexpectedNull { rust })?;
        let invalid = |reason: String| DecodeError::Invalid { rust, reason };
        let array = RawArray::parse(raw).map_err(invalid)?;
        if array.element != member.oid() {
            let sent = Type::from_oid(array.element).map_or_else(
                || format!("OID {}", array.element),
                |t| t.name().to_string(),
            );
            return Err(invalid(format!(
                "the array's elements are of type {sent}, not the column's element type {}",
                member.name()
            )));
        }
        if let [_, _, ..] = array.dimensions() {
            return Err(invalid(format!(
                "the array has {} dimensions; a Vec holds one (select `ARRAY(SELECT unnest(column))` to flatten it)",
                array.dimensions().len()
            )));
        }
        if let [(_, lower @ (..=0 | 2..))] = array.dimensions() {
            return Err(invalid(format!(
                "the array's indexes start at {lower} (lower bound {lower}, not 1), which a Vec would lose: \
                 select `column[:]`, which numbers from 1, and `array_lower(column, 1)` if the bound matters"
            )));
        }
        let mut out = Vec::with_capacity(array.count);
        for (i, element) in array.elements().enumerate() {
            let value = T::decode(member, element.map_err(invalid)?)
                .map_err(|e| invalid(format!("element {}: {e}", i + 1)))?;
            out.push(value);
        }
        Ok(out)
    }
}

impl<ST: DefaultRust + ArrayElement> DefaultRust for Array<ST>
where
    ST::Rust: for<'a> FromSql<'a>,
{
    type Rust = Vec<ST::Rust>;
}

#[cfg(feature = "mysql")]
mod mysql;
mod rows;
pub(crate) use rows::decode_rows;
pub use rows::{FromRow, RowOf, RowReader, Tagged};

#[cfg(feature = "sqlite")]
mod sqlite;
mod unsigned;

#[cfg(test)]
mod tests;
