//! Rust values as bound parameters.

use super::{AsExpr, Expression};
use crate::check::{AppearsIn, Neutral, ValidGrouping};
use crate::render::{Render, SqlWriter};
use crate::types::*;
use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type};
use std::error::Error as StdError;
use std::fmt;
use std::marker::PhantomData;

/// A Rust value bound as a parameter of SQL type `ST`.
pub struct Bound<ST, T> {
    value: T,
    _st: PhantomData<fn() -> ST>,
}

impl<ST, T: Clone> Clone for Bound<ST, T> {
    fn clone(&self) -> Self {
        Bound::new(self.value.clone())
    }
}
impl<ST, T: Copy> Copy for Bound<ST, T> {}

impl<ST, T> Bound<ST, T> {
    /// Binds `value` as SQL type `ST`.
    pub fn new(value: T) -> Self {
        Bound {
            value,
            _st: PhantomData,
        }
    }
}

/// A Rust type that can be sent to PostgreSQL as a value of SQL type `ST`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as a SQL `{ST}` value",
    label = "expected a Rust value of SQL type `{ST}`"
)]
pub trait SqlValue<ST>: ToSql + Sync {}

impl<ST: SqlType, T: SqlValue<ST>> Expression for Bound<ST, T> {
    type SqlType = ST;
}

#[diagnostic::do_not_recommend]
impl<ST: SqlType, T, F> AppearsIn<F, ()> for Bound<ST, T> {
    type Lifted = ST;
}

#[diagnostic::do_not_recommend]
impl<ST, T, G> ValidGrouping<G, ()> for Bound<ST, T> {
    type Kind = Neutral;
}

impl<ST: SqlType, T: SqlValue<ST>> Render for Bound<ST, T> {
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.bind(self, ST::PG_TYPE);
    }
    fn is_atomic(&self) -> bool {
        true
    }
}

impl<ST, T: fmt::Debug> fmt::Debug for Bound<ST, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// A NUL byte in a text parameter, which PostgreSQL cannot store.
#[derive(Debug)]
pub(crate) struct NulInText;
impl fmt::Display for NulInText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("text contains a NUL byte (\\0), which PostgreSQL cannot store")
    }
}
impl StdError for NulInText {}

impl<ST: SqlType, T: SqlValue<ST>> ToSql for Bound<ST, T> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        let start = out.len();
        let is_null = self.value.to_sql(ty, out)?;
        let textual = [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME];
        if textual.contains(ty) && out[start..].contains(&0) {
            return Err(Box::new(NulInText));
        }
        Ok(is_null)
    }

    fn accepts(ty: &Type) -> bool {
        T::accepts(ty)
    }

    fn to_sql_checked(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        if !T::accepts(ty) {
            return Err(format!(
                "cannot send Rust `{}` as PostgreSQL `{}`",
                std::any::type_name::<T>(),
                ty.name()
            )
            .into());
        }
        self.to_sql(ty, out)
    }
}

macro_rules! sql_values {
    ($($st:ty => $rust:ty $(; $cfg:literal)?;)*) => {$(
        $(#[cfg(feature = $cfg)])?
        impl SqlValue<$st> for $rust {}
        $(#[cfg(feature = $cfg)])?
        impl AsExpr<$st> for $rust {
            type Expr = Bound<$st, $rust>;
            fn into_expr(self) -> Self::Expr {
                Bound::new(self)
            }
        }
    )*};
}

sql_values! {
    Int2 => i16;
    Int4 => i32;
    Int8 => i64;
    Float4 => f32;
    Float8 => f64;
    Bool => bool;
    Text => String;
    Bytea => Vec<u8>;
    Interval => PgInterval;
    Numeric => rust_decimal::Decimal; "rust_decimal";
    Date => chrono::NaiveDate; "chrono";
    Time => chrono::NaiveTime; "chrono";
    Timestamp => chrono::NaiveDateTime; "chrono";
    Timestamptz => chrono::DateTime<chrono::Utc>; "chrono";
    Uuid => uuid::Uuid; "uuid";
    Json => serde_json::Value; "serde_json";
    Jsonb => serde_json::Value; "serde_json";
}

impl SqlValue<Text> for &str {}
impl<'s> AsExpr<Text> for &'s str {
    type Expr = Bound<Text, &'s str>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}
/// A reference binds like the value it refers to (for structs inserted by reference).
#[diagnostic::do_not_recommend]
impl<ST, T: SqlValue<ST>> SqlValue<ST> for &T {}
impl<'s> AsExpr<Text> for &'s String {
    type Expr = Bound<Text, &'s str>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self.as_str())
    }
}
impl SqlValue<Bytea> for &[u8] {}
impl<'s> AsExpr<Bytea> for &'s [u8] {
    type Expr = Bound<Bytea, &'s [u8]>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}
/// Arrays bind from `Vec`s of values of the element type (`Option`s for nullable elements).
impl<ST: ArrayElement, T: SqlValue<ST>> SqlValue<Array<ST>> for Vec<T> {}
impl<ST: ArrayElement, T: SqlValue<ST>> AsExpr<Array<ST>> for Vec<T> {
    type Expr = Bound<Array<ST>, Vec<T>>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

/// The SQL type a Rust value has when nothing else says: `i32` is `Int4`, `&str` is `Text`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no default SQL type; use `Bound::<SqlType, _>::new(value)`"
)]
pub trait NaturalSqlType {
    /// The SQL type.
    type SqlType: SqlType;
}

macro_rules! natural {
    ($($rust:ty => $st:ty $(; $cfg:literal)?;)*) => {$(
        $(#[cfg(feature = $cfg)])?
        impl NaturalSqlType for $rust {
            type SqlType = $st;
        }
    )*};
}

natural! {
    i16 => Int2; i32 => Int4; i64 => Int8; f32 => Float4; f64 => Float8; bool => Bool;
    String => Text; &str => Text; Vec<u8> => Bytea; PgInterval => Interval;
    rust_decimal::Decimal => Numeric; "rust_decimal";
    chrono::NaiveDate => Date; "chrono";
    chrono::NaiveTime => Time; "chrono";
    chrono::NaiveDateTime => Timestamp; "chrono";
    chrono::DateTime<chrono::Utc> => Timestamptz; "chrono";
    uuid::Uuid => Uuid; "uuid";
    serde_json::Value => Jsonb; "serde_json";
}

/// A Rust value as an expression of its natural SQL type, sent as a bound parameter (never
/// spliced into the SQL): `select((value(1), count_star()))`.
pub fn value<T: NaturalSqlType + SqlValue<T::SqlType>>(v: T) -> Bound<T::SqlType, T> {
    Bound::new(v)
}

/// `Option<T>` is a nullable value: `None` binds NULL.
impl<ST: SqlType<Nullability = NotNull>, T: SqlValue<ST>> SqlValue<Nullable<ST>> for Option<T> {}
impl<ST: SqlType<Nullability = NotNull>, T: SqlValue<ST>> AsExpr<Nullable<ST>> for Option<T> {
    type Expr = Bound<Nullable<ST>, Option<T>>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}
