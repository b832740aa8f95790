//! Rust values as bound parameters.

use super::{AsExpr, Expression, RustValue};
use crate::backend::BindValue;
use crate::check::{AppearsIn, Neutral, ValidGrouping};
use crate::render::{Render, SqlWriter};
use crate::types::*;
use bytes::BytesMut;
use postgres_types::{IsNull, ToSql, Type};
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
        Bound {
            value: self.value.clone(),
            _st: PhantomData,
        }
    }
}
impl<ST, T: Copy> Copy for Bound<ST, T> {}

impl<ST, T> Bound<ST, T> {
    /// Binds `value` as SQL type `ST`.
    pub fn new(value: T) -> Self
    where
        T: SqlValue<ST>,
    {
        Bound {
            value,
            _st: PhantomData,
        }
    }

    /// Binds `value` as SQL type `ST` without asking `T: SqlValue<ST>` here: for callers that
    /// check it in another form (`Option<T>` for a nullable `ST`, a derive's own per-field
    /// check), or that need `ST` inferred from where the value goes. Not API.
    #[doc(hidden)]
    pub fn unchecked(value: T) -> Self {
        Bound {
            value,
            _st: PhantomData,
        }
    }

    /// The bound value.
    pub(crate) fn value(&self) -> &T {
        &self.value
    }
}

/// A Rust type that can be sent to PostgreSQL as a value of SQL type `ST`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be sent as a SQL `{ST}` value",
    label = "expected a Rust value of SQL type `{ST}`"
)]
pub trait SqlValue<ST>: BindValue {}

// The impls below ask of the value only that it can be sent (`Encode`); that it is a value of
// `ST` is asked where a `Bound` is made (`Bound::new`, and the operand traits, which report a
// mismatch). A mistaken operand so still makes an expression that the rest of the query, and
// `load`, accept: the mistake is reported once, where it is written.

impl<ST: SqlType, T> Expression for Bound<ST, T> {
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

impl<ST: SqlType, T: BindValue> Render for Bound<ST, T> {
    type Needs = ST::Needs;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.check_value(&self.value);
        out.bind_as::<ST>(self);
    }
    fn is_atomic(&self) -> bool {
        true
    }
    fn bound_value(&self) -> Option<&dyn crate::backend::Encode> {
        Some(self)
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

impl<ST: SqlType, T: BindValue> ToSql for Bound<ST, T> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        let start = out.len();
        let is_null = self.value.to_pg(ty, out)?;
        // Decided by the declared SQL type, a constant of each `Bound<ST, _>`: no check
        // at all for the other types.
        if crate::types::is_text(&ST::PG_TYPE) {
            if crate::types::has_nul(&out[start..]) {
                return Err(Box::new(NulInText));
            }
        } else if crate::types::is_text_array(&ST::PG_TYPE)
            && crate::types::array_has_nul(&out[start..])
        {
            return Err(Box::new(NulInText));
        }
        Ok(is_null)
    }

    fn accepts(ty: &Type) -> bool {
        T::accepts_pg(ty)
    }

    #[inline]
    fn to_sql_checked(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        // A Rust string declared as one of the text types, and prepared as that same type:
        // `accepts` holds (a string takes every text type) and the encoding is the string's
        // bytes, so both are skipped and the bytes written here (the NUL check stays).
        // The first two tests are constants of each `Bound<ST, T>`.
        if crate::types::is_text(&ST::PG_TYPE) && T::is_string() && *ty == ST::PG_TYPE {
            return match self.value.as_str() {
                None => Ok(IsNull::Yes),
                Some(s) if crate::types::has_nul(s.as_bytes()) => Err(Box::new(NulInText)),
                Some(s) => {
                    out.extend_from_slice(s.as_bytes());
                    Ok(IsNull::No)
                }
            };
        }
        if !T::accepts_pg(ty) {
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

impl<ST: SqlType, T: BindValue> crate::backend::Encode for Bound<ST, T> {
    #[cfg(feature = "sqlite")]
    #[inline]
    fn to_sqlite(&self) -> Result<crate::backend::SqliteArg<'_>, String> {
        self.value.to_sqlite()
    }
    #[cfg(feature = "mysql")]
    #[inline]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        self.value.to_mysql()
    }
    #[cfg(feature = "mysql")]
    #[inline]
    fn write_mysql(&self, out: &mut Vec<u8>) -> Result<[u8; 2], String> {
        self.value.write_mysql(out)
    }
    #[inline]
    fn check(&self) -> Result<(), String> {
        self.value.check()
    }
    #[inline]
    fn interval(&self) -> Option<Option<&crate::types::PgInterval>> {
        self.value.interval()
    }
}

// Written out rather than generated, so that a compiler note pointing at one of these
// impls shows one line instead of a macro expansion.

impl RustValue for i16 {}
impl RustValue for i32 {}
impl RustValue for i64 {}
impl RustValue for f32 {}
impl RustValue for f64 {}
impl RustValue for bool {}
impl RustValue for String {}
impl RustValue for str {}
impl RustValue for [u8] {}
impl RustValue for PgInterval {}
impl<T> RustValue for Vec<T> {}
impl<T> RustValue for Option<T> {}
impl<T: RustValue + ?Sized> RustValue for &T {}
#[cfg(feature = "rust_decimal")]
impl RustValue for rust_decimal::Decimal {}
#[cfg(feature = "chrono")]
impl RustValue for chrono::NaiveDate {}
#[cfg(feature = "chrono")]
impl RustValue for chrono::NaiveTime {}
#[cfg(feature = "chrono")]
impl RustValue for chrono::NaiveDateTime {}
#[cfg(feature = "chrono")]
impl RustValue for chrono::DateTime<chrono::Utc> {}
#[cfg(feature = "uuid")]
impl RustValue for uuid::Uuid {}
#[cfg(feature = "serde_json")]
impl RustValue for serde_json::Value {}

impl SqlValue<Int2> for i16 {}
impl AsExpr<Int2> for i16 {
    type Expr = Bound<Int2, i16>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

impl SqlValue<Int4> for i32 {}
impl AsExpr<Int4> for i32 {
    type Expr = Bound<Int4, i32>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

impl SqlValue<Int8> for i64 {}
impl AsExpr<Int8> for i64 {
    type Expr = Bound<Int8, i64>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

impl SqlValue<Float4> for f32 {}
impl AsExpr<Float4> for f32 {
    type Expr = Bound<Float4, f32>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

impl SqlValue<Float8> for f64 {}
impl AsExpr<Float8> for f64 {
    type Expr = Bound<Float8, f64>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

impl SqlValue<Bool> for bool {}
impl AsExpr<Bool> for bool {
    type Expr = Bound<Bool, bool>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

impl SqlValue<Text> for String {}
impl AsExpr<Text> for String {
    type Expr = Bound<Text, String>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

impl SqlValue<Bytea> for Vec<u8> {}
impl AsExpr<Bytea> for Vec<u8> {
    type Expr = Bound<Bytea, Vec<u8>>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

impl SqlValue<Interval> for PgInterval {}
impl AsExpr<Interval> for PgInterval {
    type Expr = Bound<Interval, PgInterval>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

#[cfg(feature = "rust_decimal")]
impl SqlValue<Numeric> for rust_decimal::Decimal {}
#[cfg(feature = "rust_decimal")]
impl AsExpr<Numeric> for rust_decimal::Decimal {
    type Expr = Bound<Numeric, rust_decimal::Decimal>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

#[cfg(feature = "chrono")]
impl SqlValue<Date> for chrono::NaiveDate {}
#[cfg(feature = "chrono")]
impl AsExpr<Date> for chrono::NaiveDate {
    type Expr = Bound<Date, chrono::NaiveDate>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

#[cfg(feature = "chrono")]
impl SqlValue<Time> for chrono::NaiveTime {}
#[cfg(feature = "chrono")]
impl AsExpr<Time> for chrono::NaiveTime {
    type Expr = Bound<Time, chrono::NaiveTime>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

#[cfg(feature = "chrono")]
impl SqlValue<Timestamp> for chrono::NaiveDateTime {}
#[cfg(feature = "chrono")]
impl AsExpr<Timestamp> for chrono::NaiveDateTime {
    type Expr = Bound<Timestamp, chrono::NaiveDateTime>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

#[cfg(feature = "chrono")]
impl SqlValue<Timestamptz> for chrono::DateTime<chrono::Utc> {}
#[cfg(feature = "chrono")]
impl AsExpr<Timestamptz> for chrono::DateTime<chrono::Utc> {
    type Expr = Bound<Timestamptz, chrono::DateTime<chrono::Utc>>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

#[cfg(feature = "uuid")]
impl SqlValue<Uuid> for uuid::Uuid {}
#[cfg(feature = "uuid")]
impl AsExpr<Uuid> for uuid::Uuid {
    type Expr = Bound<Uuid, uuid::Uuid>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

#[cfg(feature = "serde_json")]
impl SqlValue<Json> for serde_json::Value {}
#[cfg(feature = "serde_json")]
impl AsExpr<Json> for serde_json::Value {
    type Expr = Bound<Json, serde_json::Value>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

#[cfg(feature = "serde_json")]
impl SqlValue<Jsonb> for serde_json::Value {}
#[cfg(feature = "serde_json")]
impl AsExpr<Jsonb> for serde_json::Value {
    type Expr = Bound<Jsonb, serde_json::Value>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
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
impl<ST, T: SqlValue<ST>> SqlValue<ST> for &T where for<'x> &'x T: BindValue {}
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
impl<ST: ArrayElement, T: SqlValue<ST>> SqlValue<Array<ST>> for Vec<T> where Vec<T>: BindValue {}
impl<ST: ArrayElement, T: SqlValue<ST>> AsExpr<Array<ST>> for Vec<T>
where
    Vec<T>: BindValue,
{
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
    chrono::DateTime<chrono::FixedOffset> => Timestamptz; "chrono";
    chrono::DateTime<chrono::Local> => Timestamptz; "chrono";
    time::Date => Date; "time";
    time::Time => Time; "time";
    time::PrimitiveDateTime => Timestamp; "time";
    time::OffsetDateTime => Timestamptz; "time";
    std::net::IpAddr => Inet; crate::types::MacAddress => MacAddr;
    uuid::Uuid => Uuid; "uuid";
    serde_json::Value => Jsonb; "serde_json";
}

/// A Rust value or an expression, as an expression: values become bound parameters of their
/// natural SQL type. For operands whose SQL type is not fixed by the other side (the first
/// branch of `CASE`, the right side of date arithmetic).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is neither a SQL expression nor a Rust value with a default SQL type",
    note = "wrap the value with its SQL type: `Bound::<SqlType, _>::new(value)`"
)]
pub trait IntoOperand {
    /// The expression.
    type Expr: Expression;
    /// Converts.
    fn into_operand(self) -> Self::Expr;
}
impl<E: Expression> IntoOperand for E {
    type Expr = E;
    fn into_operand(self) -> E {
        self
    }
}
impl<'a> IntoOperand for &'a str {
    type Expr = Bound<Text, &'a str>;
    fn into_operand(self) -> Self::Expr {
        Bound::new(self)
    }
}
macro_rules! operands {
    ($($rust:ty => $st:ty $(; $cfg:literal)?;)*) => {$(
        $(#[cfg(feature = $cfg)])?
        impl IntoOperand for $rust {
            type Expr = Bound<$st, $rust>;
            fn into_operand(self) -> Self::Expr {
                Bound::new(self)
            }
        }
    )*};
}
operands! {
    i16 => Int2; i32 => Int4; i64 => Int8; f32 => Float4; f64 => Float8; bool => Bool;
    String => Text; Vec<u8> => Bytea; PgInterval => Interval;
    rust_decimal::Decimal => Numeric; "rust_decimal";
    chrono::NaiveDate => Date; "chrono";
    chrono::NaiveTime => Time; "chrono";
    chrono::NaiveDateTime => Timestamp; "chrono";
    chrono::DateTime<chrono::Utc> => Timestamptz; "chrono";
    chrono::DateTime<chrono::FixedOffset> => Timestamptz; "chrono";
    chrono::DateTime<chrono::Local> => Timestamptz; "chrono";
    time::Date => Date; "time";
    time::Time => Time; "time";
    time::PrimitiveDateTime => Timestamp; "time";
    time::OffsetDateTime => Timestamptz; "time";
    std::net::IpAddr => Inet; crate::types::MacAddress => MacAddr;
    uuid::Uuid => Uuid; "uuid";
    serde_json::Value => Jsonb; "serde_json";
}

/// A Rust value as an expression of its natural SQL type, sent as a bound parameter (never
/// spliced into the SQL): `select((value(1), count_star()))`.
pub fn value<T: NaturalSqlType + SqlValue<T::SqlType>>(v: T) -> Bound<T::SqlType, T> {
    Bound::new(v)
}

/// `Option<T>` is a nullable value: `None` binds NULL.
impl<ST: SqlType<Nullability = NotNull>, T: SqlValue<ST>> SqlValue<Nullable<ST>> for Option<T> where
    Option<T>: BindValue
{
}
impl<ST: SqlType<Nullability = NotNull>, T: SqlValue<ST>> AsExpr<Nullable<ST>> for Option<T>
where
    Option<T>: BindValue,
{
    type Expr = Bound<Nullable<ST>, Option<T>>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

// A value on the left of an operator: `value(Decimal::ONE) - l_discount`.
crate::__impl_operators!([ST: SqlType, T: SqlValue<ST>,] Bound<ST, T>, shown = T);

crate::check::identity::opaque_keys! {
    [ST, T] Bound<ST, T>;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `b` writes as a parameter of type `ty`: its bytes, `None` for NULL.
    fn sent<B: ToSql>(b: &B, ty: &Type) -> Result<Option<Vec<u8>>, String> {
        let mut out = BytesMut::new();
        match b.to_sql_checked(ty, &mut out) {
            Ok(IsNull::No) => Ok(Some(out.to_vec())),
            Ok(IsNull::Yes) if out.is_empty() => Ok(None),
            Ok(IsNull::Yes) => Err("NULL with bytes written".into()),
            Err(e) => Err(e.to_string()),
        }
    }

    /// A string declared as text and prepared as text takes the short way; what is sent is
    /// what the generic encoder sends, NUL bytes and NULL included.
    #[test]
    fn strings_sent_as_text_are_their_bytes_and_nul_is_refused() {
        let text = Bound::<Text, &str>::new("héllo");
        assert_eq!(sent(&text, &Type::TEXT).unwrap(), Some("héllo".into()));
        // Prepared as another type than declared: the generic encoder, same bytes.
        assert_eq!(sent(&text, &Type::VARCHAR).unwrap(), Some("héllo".into()));
        let owned = Bound::<Text, String>::new("a\0b".to_owned());
        assert_eq!(
            sent(&owned, &Type::TEXT).unwrap_err(),
            NulInText.to_string()
        );
        assert_eq!(
            sent(&owned, &Type::VARCHAR).unwrap_err(),
            NulInText.to_string()
        );
        let none = Bound::<Nullable<Text>, Option<&str>>::new(None);
        assert_eq!(sent(&none, &Type::TEXT).unwrap(), None);
        let some = Bound::<Nullable<Text>, Option<&&str>>::unchecked(Some(&"x"));
        assert_eq!(sent(&some, &Type::TEXT).unwrap(), Some(b"x".to_vec()));
        // A parameter of a type a string does not take is still refused.
        assert!(sent(&text, &Type::INT4).is_err());
        // Not a string: the generic path, whatever the declared type says.
        let int = Bound::<Text, i32>::unchecked(5);
        assert!(sent(&int, &Type::TEXT).is_err());
    }
}
