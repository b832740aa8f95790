//! What a [`Bound`](crate::expr::Bound) parameter holds: any [`Encode`] value, and the Rust
//! unsigned integers, which `postgres-types` does not encode (so they cannot be `Encode`,
//! whose PostgreSQL side is `ToSql`) and which sqlwright writes itself
//! (`types/unsigned.rs`).
//!
//! Every method of the blanket impl forwards to `Encode`/`ToSql` and is inlined, so a
//! `Bound` of any other value does the same work as before.

use super::Encode;
use bytes::BytesMut;
use postgres_types::{IsNull, ToSql, Type};
use std::error::Error as StdError;
use std::fmt;

/// A Rust value a bound parameter holds. Not API: implemented for every [`Encode`] type and
/// for `u8`, `u16`, `u32`, `u64` (and references and `Option`s of them).
#[doc(hidden)]
pub trait BindValue: fmt::Debug + Sync {
    /// The value in PostgreSQL's binary format for a parameter declared as `ty`.
    fn to_pg(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>>;

    /// Whether a parameter declared as `ty` takes this value.
    fn accepts_pg(ty: &Type) -> bool
    where
        Self: Sized;

    /// [`Encode::to_sqlite`].
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<super::SqliteArg<'_>, String>;

    /// [`Encode::to_mysql`].
    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String>;

    /// [`Encode::write_mysql`].
    #[cfg(feature = "mysql")]
    fn write_mysql(&self, out: &mut Vec<u8>) -> Result<[u8; 2], String>;

    /// [`Encode::check`].
    fn check(&self) -> Result<(), String>;

    /// [`Encode::is_string`].
    fn is_string() -> bool
    where
        Self: Sized;

    /// [`Encode::as_str`].
    fn as_str(&self) -> Option<&str>;

    /// [`Encode::interval`].
    #[inline]
    fn interval(&self) -> Option<Option<&crate::types::PgInterval>> {
        None
    }

    /// The value as one element of a list of SQL type `ST` (`in_`, key lookups), which
    /// is bound whole as an array and, on MySQL, element by element: each element must be
    /// an [`Encode`] on its own. An `Encode` value is itself; an unsigned integer is a
    /// [`Bound`](crate::expr::Bound) (of the same size, holding it).
    type Item<ST: crate::types::SqlType>: Encode;

    /// This value as [`Item`](Self::Item). The identity for an `Encode` value.
    fn item<ST: crate::types::SqlType>(self) -> Self::Item<ST>;

    /// `values` as items: for an `Encode` type the same vector, untouched; for an unsigned
    /// integer each value wrapped in place (a `Bound` has its value's size).
    fn items<ST: crate::types::SqlType>(values: Vec<Self>) -> Vec<Self::Item<ST>>
    where
        Self: Sized;
}

impl<T: Encode> BindValue for T {
    #[inline]
    fn to_pg(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        self.to_sql(ty, out)
    }
    #[inline]
    fn accepts_pg(ty: &Type) -> bool {
        <T as ToSql>::accepts(ty)
    }
    #[cfg(feature = "sqlite")]
    #[inline]
    fn to_sqlite(&self) -> Result<super::SqliteArg<'_>, String> {
        Encode::to_sqlite(self)
    }
    #[cfg(feature = "mysql")]
    #[inline]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        Encode::to_mysql(self)
    }
    #[cfg(feature = "mysql")]
    #[inline]
    fn write_mysql(&self, out: &mut Vec<u8>) -> Result<[u8; 2], String> {
        Encode::write_mysql(self, out)
    }
    #[inline]
    fn check(&self) -> Result<(), String> {
        Encode::check(self)
    }
    #[inline]
    fn is_string() -> bool {
        <T as Encode>::is_string()
    }
    #[inline]
    fn as_str(&self) -> Option<&str> {
        Encode::as_str(self)
    }
    #[inline]
    fn interval(&self) -> Option<Option<&crate::types::PgInterval>> {
        Encode::interval(self)
    }
    type Item<ST: crate::types::SqlType> = T;
    #[inline]
    fn item<ST: crate::types::SqlType>(self) -> T {
        self
    }
    #[inline]
    fn items<ST: crate::types::SqlType>(values: Vec<T>) -> Vec<T> {
        values
    }
}
