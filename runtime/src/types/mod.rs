//! SQL types as Rust types, and how Rust values map to and from them.
//!
//! Every SQL type is a zero-sized marker (`Int4`, `Text`, `Nullable<Text>`, ...). Expressions
//! carry one as their `SqlType`; operators are offered by category traits on these markers
//! ([`Arithmetic`], [`TextLike`], [`BoolLike`], [`Comparable`]), never by a type's name.
//! Rust values enter a query through [`crate::expr::AsExpr`] and leave it through
//! [`FromSqlValue`].

mod array;
#[cfg(feature = "chrono")]
mod chrono_zones;
mod decode;
mod enums;
pub(crate) mod guard;
mod interval;
#[cfg(feature = "serde_json")]
pub(crate) mod json;
mod list;
#[cfg(feature = "mysql")]
pub(crate) mod mysql_forms;
mod network;
#[cfg(feature = "rust_decimal")]
mod numeric;
mod promote;
#[cfg(feature = "time")]
mod time_crate;
pub(crate) mod unsigned;

pub(crate) use decode::decode_rows;

/// How dates and times are written as SQLite text: ISO-8601, fixed width, so that text
/// order is time order (and SQLAlchemy's `DateTime` reads them).
#[cfg(all(feature = "sqlite", feature = "chrono"))]
pub(crate) mod sqlite_format {
    pub const DATE: &str = "%Y-%m-%d";
    pub const TIME: &str = "%H:%M:%S%.6f";
    pub const TIMESTAMP: &str = "%Y-%m-%d %H:%M:%S%.6f";
    pub const TIMESTAMPTZ: &str = "%Y-%m-%d %H:%M:%S%.6f+00:00";
}

/// Whether values of `ty` are text (where PostgreSQL refuses a NUL byte).
#[inline]
pub(crate) fn is_text(ty: &Type) -> bool {
    matches!(*ty, Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME)
}
pub use decode::{DefaultRust, FromRow, FromSqlValue, RowOf, RowReader, Tagged};

/// Whether values of `ty` are arrays of text (whose elements PostgreSQL checks for NUL).
#[inline]
pub(crate) fn is_text_array(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY | Type::NAME_ARRAY
    )
}

/// Whether a value of `ty` in binary form (`bytes`) holds text with a NUL byte, which
/// PostgreSQL refuses: a text value, or an element of a text array (whose length words
/// hold zero bytes of their own, so elements are looked at one by one).
#[inline]
pub(crate) fn text_has_nul(ty: &Type, bytes: &[u8]) -> bool {
    if is_text(ty) {
        has_nul(bytes)
    } else if is_text_array(ty) {
        array_has_nul(bytes)
    } else {
        false
    }
}

/// Whether an element of a text array in binary form holds a NUL byte.
#[cold]
pub(crate) fn array_has_nul(bytes: &[u8]) -> bool {
    array::RawArray::parse(bytes).is_ok_and(|a| {
        a.elements()
            .any(|e| matches!(e, Ok(Some(text)) if has_nul(text)))
    })
}

/// Whether `bytes` holds a NUL byte (which PostgreSQL refuses in text), eight bytes at a time:
/// the check runs on every text parameter, most of them short, where a general `memchr`
/// costs more in setup than in scanning.
#[inline]
pub(crate) fn has_nul(bytes: &[u8]) -> bool {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        // A byte of `v` is zero exactly when this sets its high bit (no false positives
        // once any lower zero byte is accounted for: the answer is only "some byte is zero").
        if v.wrapping_sub(LOW) & !v & HIGH != 0 {
            return true;
        }
    }
    chunks.remainder().contains(&0)
}
#[doc(hidden)]
pub use enums::{label_accepts, label_from_pg, label_to_sql, same_labels};
#[cfg(feature = "mysql")]
#[doc(hidden)]
pub use enums::{label_from_mysql, label_to_mysql};
#[cfg(feature = "sqlite")]
#[doc(hidden)]
pub use enums::{label_from_sqlite, label_to_sqlite};
pub use enums::{DbEnum, EnumMeta, EnumType};
pub use interval::PgInterval;
pub(crate) use list::list_type;
pub use list::{ListElement, UnsignedList};
pub use network::MacAddress;
#[cfg(feature = "ipnetwork")]
pub use network::Network;
pub use promote::{
    ArithValue, NotNumeric, NumericRank, Promoted, RankFloat4, RankFloat8, RankInt2, RankInt4,
    RankInt8, RankNumeric, RankUInt1, RankUInt2, RankUInt4, RankUInt8,
};
pub use unsigned::{UInt1, UInt2, UInt4, UInt8};

use postgres_types::Type;
use std::marker::PhantomData;

/// A SQL type: a marker that expressions carry in their type.
///
/// `PG_TYPE` is the type a bound parameter of this SQL type is declared with when the
/// statement is prepared, so parameters never depend on the server's guess.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a SQL type",
    note = "SQL types live in `sqlwright::types` (Int4, Text, Nullable<Text>, ...)"
)]
pub trait SqlType: 'static {
    /// The type's name as PostgreSQL spells it (`int4`, `text`, `int4[]`).
    const NAME: &'static str;
    /// Whether values of this type may be NULL.
    const IS_NULLABLE: bool;
    /// The PostgreSQL type used to declare parameters of this type.
    const PG_TYPE: Type;
    /// [`NotNull`] or [`Null`].
    type Nullability: Nullability;
    /// This type without NULL (`Nullable<T>` gives `T`).
    type NotNull: SqlType<Nullability = NotNull>;
    /// This type with NULL (`T` gives `Nullable<T>`).
    type Nullable: SqlType<Nullability = Null>;
    /// What values and columns of this type need of the backend (`()` for the types every
    /// backend stores).
    type Needs: crate::backend::Needs;
    /// Where the type sits in PostgreSQL's arithmetic promotion ([`NotNumeric`] for a type
    /// without `+ - * /`): the result type of `a + b` is computed from the two ranks.
    type Rank: NumericRank;
    /// The enum type declared in `table!` that this type is, or is an array of (`None` for
    /// the built-in types): DDL creates it, and parameters are cast to it on PostgreSQL.
    const ENUM: Option<&'static EnumMeta> = None;
    /// Whether this is one of the unsigned integer types ([`UInt1`] .. [`UInt8`]), bound to
    /// MySQL as unsigned `BIGINT`s. Not API.
    #[doc(hidden)]
    const UNSIGNED: bool = false;
}

/// Type-level nullability flag of a SQL type: [`NotNull`] or [`Null`].
pub trait Nullability: 'static {
    /// `Null` when either side is `Null`.
    type Or<N: Nullability>: Nullability;
    /// `Null` only when both sides are `Null` (`coalesce`, `greatest`).
    type And<N: Nullability>: Nullability;
    /// Applies this nullability to a SQL type.
    type Apply<T: SqlType>: SqlType;
}

/// The flag of SQL types that cannot hold NULL.
pub struct NotNull;
/// The flag of SQL types that can hold NULL.
pub struct Null;

impl Nullability for NotNull {
    type Or<N: Nullability> = N;
    type And<N: Nullability> = NotNull;
    type Apply<T: SqlType> = T;
}
impl Nullability for Null {
    type Or<N: Nullability> = Null;
    type And<N: Nullability> = N;
    type Apply<T: SqlType> = T::Nullable;
}

/// `T` or NULL: the SQL type of a nullable column. Loads as `Option<_>`.
pub struct Nullable<T>(PhantomData<T>);

impl<T: SqlType<Nullability = NotNull>> SqlType for Nullable<T> {
    const NAME: &'static str = T::NAME;
    const IS_NULLABLE: bool = true;
    const PG_TYPE: Type = T::PG_TYPE;
    type Nullability = Null;
    type NotNull = T;
    type Nullable = Self;
    type Needs = T::Needs;
    type Rank = T::Rank;
    const ENUM: Option<&'static EnumMeta> = T::ENUM;
    const UNSIGNED: bool = T::UNSIGNED;
}

/// The result type of a binary operation: `Out` made nullable when either operand is.
pub type NullableIf<A, B, Out> = <<<A as SqlType>::Nullability as Nullability>::Or<
    <B as SqlType>::Nullability,
> as Nullability>::Apply<Out>;

/// `Out` made nullable only when both `A` and `B` are nullable.
pub type NullableIfBoth<A, B, Out> = <<<A as SqlType>::Nullability as Nullability>::And<
    <B as SqlType>::Nullability,
> as Nullability>::Apply<Out>;

/// `Out` with the nullability of `A`.
pub type NullableAs<A, Out> = <<A as SqlType>::Nullability as Nullability>::Apply<Out>;

macro_rules! sql_types {
    ($($name:ident = $sql:literal, $pg:ident, $arr:ident;)*) => {$(
        impl SqlType for $name {
            const NAME: &'static str = $sql;
            const IS_NULLABLE: bool = false;
            const PG_TYPE: Type = Type::$pg;
            type Nullability = NotNull;
            type NotNull = Self;
            type Nullable = Nullable<Self>;
            type Needs = sql_types!(@needs $name);
            type Rank = sql_types!(@rank $name);
        }
        impl ArrayElement for $name {
            const ARRAY_NAME: &'static str = concat!($sql, "[]");
            const ARRAY_PG_TYPE: Type = Type::$arr;
        }
    )*
        /// The built-in SQL type markers and the PostgreSQL names they declare (`("Int4",
        /// "int4")`): what `print-schema` writes for a reflected type, and how the CLI reads
        /// declarations back. [`Varchar`] is `Text`.
        pub const BUILTIN_TYPES: &[(&str, &str)] = &[$((stringify!($name), $sql)),*,
            ("UInt1", "uint1"), ("UInt2", "uint2"), ("UInt4", "uint4"), ("UInt8", "uint8")];
    };
    (@needs Interval) => { crate::backend::needs::PgOnly<crate::backend::needs::features::Intervals> };
    (@needs Inet) => { crate::backend::needs::PgOnly<crate::backend::needs::features::NetworkTypes> };
    (@needs Cidr) => { crate::backend::needs::PgOnly<crate::backend::needs::features::NetworkTypes> };
    (@needs MacAddr) => { crate::backend::needs::PgOnly<crate::backend::needs::features::NetworkTypes> };
    (@needs $other:ident) => { () };
    (@rank Int2) => { RankInt2 };
    (@rank Int4) => { RankInt4 };
    (@rank Int8) => { RankInt8 };
    (@rank Numeric) => { RankNumeric };
    (@rank Float4) => { RankFloat4 };
    (@rank Float8) => { RankFloat8 };
    (@rank $other:ident) => { NotNumeric };
}

/// `smallint`: loads as `i16`.
pub struct Int2;
/// `integer`: loads as `i32`.
pub struct Int4;
/// `bigint`: loads as `i64`.
pub struct Int8;
/// `real`: loads as `f32`.
pub struct Float4;
/// `double precision`: loads as `f64`.
pub struct Float8;
/// `numeric`: loads as `rust_decimal::Decimal` (feature `rust_decimal`).
pub struct Numeric;
/// `text`: loads as `String`.
pub struct Text;
/// `boolean`: loads as `bool`.
pub struct Bool;
/// `date`: loads as `chrono::NaiveDate` (feature `chrono`).
pub struct Date;
/// `time`: loads as `chrono::NaiveTime` (feature `chrono`).
pub struct Time;
/// `timestamp` (without time zone): loads as `chrono::NaiveDateTime` (feature `chrono`).
pub struct Timestamp;
/// `timestamptz`: loads as `chrono::DateTime<Utc>` (feature `chrono`), also as
/// `DateTime<FixedOffset>` (offset `+00:00`: the server sends UTC) and `DateTime<Local>`.
pub struct Timestamptz;
/// `interval`: loads as [`PgInterval`].
pub struct Interval;
/// `uuid`: loads as `uuid::Uuid` (feature `uuid`).
pub struct Uuid;
/// `json`: loads as `serde_json::Value` (feature `serde_json`).
pub struct Json;
/// `jsonb`: loads as `serde_json::Value` (feature `serde_json`).
pub struct Jsonb;
/// `bytea`: loads as `Vec<u8>`.
pub struct Bytea;
/// `inet`, an IP address with an optional prefix length: loads as `std::net::IpAddr`, or
/// `ipnetwork::IpNetwork` (feature `ipnetwork`). PostgreSQL only.
pub struct Inet;
/// `cidr`, an IP network: loads as `ipnetwork::IpNetwork` (feature `ipnetwork`).
/// PostgreSQL only.
pub struct Cidr;
/// `macaddr`: loads as `[u8; 6]` (binds from [`MacAddress`]). PostgreSQL only.
pub struct MacAddr;

sql_types! {
    Int2 = "int2", INT2, INT2_ARRAY;
    Int4 = "int4", INT4, INT4_ARRAY;
    Int8 = "int8", INT8, INT8_ARRAY;
    Float4 = "float4", FLOAT4, FLOAT4_ARRAY;
    Float8 = "float8", FLOAT8, FLOAT8_ARRAY;
    Numeric = "numeric", NUMERIC, NUMERIC_ARRAY;
    Text = "text", TEXT, TEXT_ARRAY;
    Bool = "bool", BOOL, BOOL_ARRAY;
    Date = "date", DATE, DATE_ARRAY;
    Time = "time", TIME, TIME_ARRAY;
    Timestamp = "timestamp", TIMESTAMP, TIMESTAMP_ARRAY;
    Timestamptz = "timestamptz", TIMESTAMPTZ, TIMESTAMPTZ_ARRAY;
    Interval = "interval", INTERVAL, INTERVAL_ARRAY;
    Uuid = "uuid", UUID, UUID_ARRAY;
    Json = "json", JSON, JSON_ARRAY;
    Jsonb = "jsonb", JSONB, JSONB_ARRAY;
    Bytea = "bytea", BYTEA, BYTEA_ARRAY;
    Inet = "inet", INET, INET_ARRAY;
    Cidr = "cidr", CIDR, CIDR_ARRAY;
    MacAddr = "macaddr", MACADDR, MACADDR_ARRAY;
}

/// `varchar` behaves as `text` in every operation; declared columns of either type compare
/// with each other freely.
pub type Varchar = Text;

/// `char(n)` (`bpchar`, blank-padded) behaves as `text` in every operation, as [`Varchar`]
/// does; `table!` takes it with its length only: `Char(10)`.
pub type Char = Text;

/// A SQL type that can be the element of an [`Array`].
pub trait ArrayElement: SqlType {
    /// The array type's name (`int4[]`).
    const ARRAY_NAME: &'static str;
    /// The array type's PostgreSQL type.
    const ARRAY_PG_TYPE: Type;
}

impl<T: ArrayElement + SqlType<Nullability = NotNull>> ArrayElement for Nullable<T> {
    const ARRAY_NAME: &'static str = T::ARRAY_NAME;
    const ARRAY_PG_TYPE: Type = T::ARRAY_PG_TYPE;
}

/// A one-dimensional SQL array of `T` (`int4[]`); loads as `Vec<_>`.
pub struct Array<T>(PhantomData<T>);

impl<T: ArrayElement> SqlType for Array<T> {
    const NAME: &'static str = T::ARRAY_NAME;
    const IS_NULLABLE: bool = false;
    const PG_TYPE: Type = T::ARRAY_PG_TYPE;
    type Nullability = NotNull;
    type NotNull = Self;
    type Nullable = Nullable<Self>;
    type Needs = crate::backend::needs::PgOnly<crate::backend::needs::features::Arrays>;
    type Rank = NotNumeric;
    const ENUM: Option<&'static EnumMeta> = T::ENUM;
}

/// `Self` is `ST` or `Nullable<ST>`: an expression of type `Self` may stand where a value of
/// `ST` is expected (comparisons accept a nullable side).
pub trait Compatible<ST> {}
impl<T: SqlType<Nullability = NotNull>> Compatible<T> for T {}
impl<T: SqlType<Nullability = NotNull>> Compatible<T> for Nullable<T> {}

/// SQL types with `+ - * /`. `Output` is the result type before nullability.
#[diagnostic::on_unimplemented(
    message = "arithmetic is not defined for SQL type `{Self}`",
    label = "`+ - * /` need numeric operands"
)]
pub trait Arithmetic: SqlType {}
impl Arithmetic for Int2 {}
impl Arithmetic for Int4 {}
impl Arithmetic for Int8 {}
impl Arithmetic for Float4 {}
impl Arithmetic for Float8 {}
impl Arithmetic for Numeric {}
impl<T: Arithmetic + SqlType<Nullability = NotNull>> Arithmetic for Nullable<T> {}

/// SQL types that `like`/`ilike` accept.
#[diagnostic::on_unimplemented(
    message = "`like`/`ilike` need a text expression, but this one has SQL type `{Self}`"
)]
pub trait TextLike: SqlType {}
impl TextLike for Text {}
impl<T: TextLike + SqlType<Nullability = NotNull>> TextLike for Nullable<T> {}

/// `Bool` and `Nullable<Bool>`: what WHERE, `&`, `|` and `!` accept.
#[diagnostic::on_unimplemented(
    message = "expected a boolean SQL expression, found SQL type `{Self}`",
    label = "`filter`, `&`, `|` and `!` need a `Bool` expression"
)]
pub trait BoolLike: SqlType {}
impl BoolLike for Bool {}
impl BoolLike for Nullable<Bool> {}

/// SQL types with `=`, `<>`, `<`, ... (`json` has no equality in PostgreSQL).
#[diagnostic::on_unimplemented(message = "SQL type `{Self}` cannot be compared")]
pub trait Comparable: SqlType {}
macro_rules! comparable { ($($t:ty),*) => { $(impl Comparable for $t {})* } }
comparable!(
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Numeric,
    Text,
    Bool,
    Date,
    Time,
    Timestamp,
    Timestamptz,
    Interval,
    Uuid,
    Jsonb,
    Bytea,
    Inet,
    Cidr,
    MacAddr
);
impl<T: ArrayElement + Comparable> Comparable for Array<T> {}
impl<T: Comparable + SqlType<Nullability = NotNull>> Comparable for Nullable<T> {}

#[cfg(test)]
mod nul_tests {
    use super::has_nul;

    #[test]
    fn finds_a_nul_anywhere_and_only_a_nul() {
        assert!(!has_nul(b""));
        for len in 1..40 {
            let clean: Vec<u8> = (0..len).map(|i| 1 + (i as u8 % 250)).collect();
            assert!(!has_nul(&clean), "no NUL in {len} bytes");
            let high: Vec<u8> = (0..len).map(|i| 0x80 | i as u8).collect();
            assert!(!has_nul(&high), "no NUL in {len} high bytes");
            for at in 0..len {
                let mut with = clean.clone();
                with[at] = 0;
                assert!(has_nul(&with), "NUL at {at} of {len}");
            }
        }
        assert!(!has_nul("Пётр — ünïcödé".as_bytes()));
    }
}
