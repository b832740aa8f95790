//! `Timestamptz` as `chrono::DateTime<FixedOffset>` and `DateTime<Local>`, beside the
//! `DateTime<Utc>` it loads as by default.
//!
//! A `timestamptz` is an instant: PostgreSQL keeps no offset. Any offset binds correctly (the
//! instant is sent); a value loaded as `DateTime<FixedOffset>` has offset `+00:00`, since
//! the server sends UTC, and one loaded as `DateTime<Local>` is in the process's time zone.
//! SQLite stores them as the UTC text `DateTime<Utc>` is stored as.

use super::decode::{decode_pg, FromSqlValue};
use super::Timestamptz;
use crate::engine::error::DecodeError;
use crate::expr::{AsExpr, Bound, RustValue, SqlValue};
use chrono::{DateTime, FixedOffset, Local};
use postgres_types::Type;

macro_rules! zoned {
    ($($zone:ty, $from_utc:expr;)*) => {$(
        impl FromSqlValue<Timestamptz> for DateTime<$zone> {
            #[cfg(feature = "sqlite")]
            fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
                <DateTime<chrono::Utc> as FromSqlValue<Timestamptz>>::decode_sqlite(value).map($from_utc)
            }
            #[cfg(feature = "mysql")]
            fn decode_mysql(value: &crate::backend::mysql::MysqlValue<'_>) -> Result<Self, DecodeError> {
                <DateTime<chrono::Utc> as FromSqlValue<Timestamptz>>::decode_mysql(value).map($from_utc)
            }
            fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
                decode_pg(ty, raw)
            }
        }
        impl RustValue for DateTime<$zone> {}
        impl SqlValue<Timestamptz> for DateTime<$zone> {}
        impl AsExpr<Timestamptz> for DateTime<$zone> {
            type Expr = Bound<Timestamptz, DateTime<$zone>>;
            fn into_expr(self) -> Self::Expr {
                Bound::new(self)
            }
        }
        impl crate::backend::Encode for DateTime<$zone> {
            #[cfg(feature = "sqlite")]
            fn to_sqlite(&self) -> Result<crate::backend::SqliteArg<'_>, String> {
                let utc = self.with_timezone(&chrono::Utc);
                Ok(crate::backend::SqliteArg::Text(
                    utc.naive_utc()
                        .format(super::sqlite_format::TIMESTAMPTZ)
                        .to_string()
                        .into(),
                ))
            }
            /// The instant, as its UTC date and time.
            #[cfg(feature = "mysql")]
            fn to_mysql(&self) -> Result<::mysql_common::value::Value, String> {
                super::mysql_forms::naive_date_time(&self.naive_utc())
            }
        }
    )*};
}

zoned! {
    FixedOffset, |t: DateTime<chrono::Utc>| t.fixed_offset();
    Local, |t: DateTime<chrono::Utc>| t.with_timezone(&Local);
}
