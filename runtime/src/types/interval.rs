//! PostgreSQL's `interval`, which the `postgres` crate does not map.

use bytes::{BufMut, BytesMut};
use postgres_types::{accepts, to_sql_checked, FromSql, IsNull, ToSql, Type};
use std::error::Error as StdError;

/// A PostgreSQL `interval`: months, days and microseconds kept apart, as the server does
/// (a month is not a fixed number of days).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PgInterval {
    /// Whole months.
    pub months: i32,
    /// Whole days.
    pub days: i32,
    /// Microseconds.
    pub microseconds: i64,
}

impl PgInterval {
    /// An interval of `months`, `days` and `microseconds`.
    pub const fn new(months: i32, days: i32, microseconds: i64) -> Self {
        PgInterval {
            months,
            days,
            microseconds,
        }
    }
}

impl<'a> FromSql<'a> for PgInterval {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn StdError + Sync + Send>> {
        let raw: &[u8; 16] = raw
            .try_into()
            .map_err(|_| format!("interval must be 16 bytes, got {}", raw.len()))?;
        let (us, rest) = raw.split_at(8);
        let (days, months) = rest.split_at(4);
        Ok(PgInterval {
            microseconds: i64::from_be_bytes(us.try_into()?),
            days: i32::from_be_bytes(days.try_into()?),
            months: i32::from_be_bytes(months.try_into()?),
        })
    }

    accepts!(INTERVAL);
}

impl ToSql for PgInterval {
    fn to_sql(
        &self,
        _: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        out.put_i64(self.microseconds);
        out.put_i32(self.days);
        out.put_i32(self.months);
        Ok(IsNull::No)
    }

    accepts!(INTERVAL);
    to_sql_checked!();
}
