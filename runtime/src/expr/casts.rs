//! Which `CAST`s SQLite computes as PostgreSQL does.
//!
//! SQLite reads `CAST(x AS type)` by the affinity of the type's name: it truncates a decimal
//! cast to an integer where PostgreSQL rounds, makes 0 of text that is not a number where
//! PostgreSQL fails, narrows integers without an overflow error, keeps a double where
//! PostgreSQL rounds to `real`, and would make a number of JSON text such as `'42'`. A cast
//! is portable only where both give the same value: a type to itself, an integer to a wider
//! integer, to a double, to a decimal (a decimal is an exact double on SQLite) or to text, a
//! boolean to an integer, a decimal to a double. Every other pair is PostgreSQL's (a compile
//! error naming `PgCasts` on SQLite), and so is every cast to or from an array; a `date` to a
//! `timestamp` and back is `DateCasts`, which MySQL computes as PostgreSQL does. An integer, a
//! decimal or an unsigned integer to an unsigned type is `UnsignedCasts`, MySQL's alone (other
//! sources, text among them, have no line: MySQL reads text as a number laxly, `'abc'` as 0).
//! The table is written out, one line per pair.

use crate::types::*;

/// What converting SQL type `Self` to `T` needs of the backend.
pub trait CastTo<T> {
    /// `()` for a portable cast, PostgreSQL-only otherwise.
    type Needs: crate::backend::Needs;
}

/// A cast that SQLite computes as PostgreSQL does.
type Exact = ();
/// A cast only PostgreSQL computes as written.
type PgCast = crate::backend::needs::PgOnly<crate::backend::needs::features::PgCasts>;
/// A `date` to a `timestamp` (midnight) and back (the time cut off): PostgreSQL's and
/// MySQL's (`CAST(.. AS DATE)`, `CAST(.. AS DATETIME(6))`) computation, not SQLite's.
type DateCast = crate::backend::needs::PgOnly<crate::backend::needs::features::DateCasts>;
/// An integer or a decimal to an unsigned type: MySQL's alone (range-checked there, see
/// `Cast`'s rendering); a compile error on SQLite, refused before sending on PostgreSQL.
type UnsignedCast = crate::backend::needs::PgOnly<crate::backend::needs::features::UnsignedCasts>;

#[rustfmt::skip]
mod table {
    use super::*;
    impl CastTo<Int2> for Int2 { type Needs = Exact; }
    impl CastTo<Int4> for Int2 { type Needs = Exact; }
    impl CastTo<Int8> for Int2 { type Needs = Exact; }
    impl CastTo<Float4> for Int2 { type Needs = PgCast; }
    impl CastTo<Float8> for Int2 { type Needs = Exact; }
    impl CastTo<Numeric> for Int2 { type Needs = Exact; }
    impl CastTo<Text> for Int2 { type Needs = Exact; }
    impl CastTo<Bool> for Int2 { type Needs = PgCast; }
    impl CastTo<Date> for Int2 { type Needs = PgCast; }
    impl CastTo<Time> for Int2 { type Needs = PgCast; }
    impl CastTo<Timestamp> for Int2 { type Needs = PgCast; }
    impl CastTo<Timestamptz> for Int2 { type Needs = PgCast; }
    impl CastTo<Interval> for Int2 { type Needs = PgCast; }
    impl CastTo<Uuid> for Int2 { type Needs = PgCast; }
    impl CastTo<Json> for Int2 { type Needs = PgCast; }
    impl CastTo<Jsonb> for Int2 { type Needs = PgCast; }
    impl CastTo<Bytea> for Int2 { type Needs = PgCast; }
    impl CastTo<Int2> for Int4 { type Needs = PgCast; }
    impl CastTo<Int4> for Int4 { type Needs = Exact; }
    impl CastTo<Int8> for Int4 { type Needs = Exact; }
    impl CastTo<Float4> for Int4 { type Needs = PgCast; }
    impl CastTo<Float8> for Int4 { type Needs = Exact; }
    impl CastTo<Numeric> for Int4 { type Needs = Exact; }
    impl CastTo<Text> for Int4 { type Needs = Exact; }
    impl CastTo<Bool> for Int4 { type Needs = PgCast; }
    impl CastTo<Date> for Int4 { type Needs = PgCast; }
    impl CastTo<Time> for Int4 { type Needs = PgCast; }
    impl CastTo<Timestamp> for Int4 { type Needs = PgCast; }
    impl CastTo<Timestamptz> for Int4 { type Needs = PgCast; }
    impl CastTo<Interval> for Int4 { type Needs = PgCast; }
    impl CastTo<Uuid> for Int4 { type Needs = PgCast; }
    impl CastTo<Json> for Int4 { type Needs = PgCast; }
    impl CastTo<Jsonb> for Int4 { type Needs = PgCast; }
    impl CastTo<Bytea> for Int4 { type Needs = PgCast; }
    impl CastTo<Int2> for Int8 { type Needs = PgCast; }
    impl CastTo<Int4> for Int8 { type Needs = PgCast; }
    impl CastTo<Int8> for Int8 { type Needs = Exact; }
    impl CastTo<Float4> for Int8 { type Needs = PgCast; }
    impl CastTo<Float8> for Int8 { type Needs = Exact; }
    impl CastTo<Numeric> for Int8 { type Needs = Exact; }
    impl CastTo<Text> for Int8 { type Needs = Exact; }
    impl CastTo<Bool> for Int8 { type Needs = PgCast; }
    impl CastTo<Date> for Int8 { type Needs = PgCast; }
    impl CastTo<Time> for Int8 { type Needs = PgCast; }
    impl CastTo<Timestamp> for Int8 { type Needs = PgCast; }
    impl CastTo<Timestamptz> for Int8 { type Needs = PgCast; }
    impl CastTo<Interval> for Int8 { type Needs = PgCast; }
    impl CastTo<Uuid> for Int8 { type Needs = PgCast; }
    impl CastTo<Json> for Int8 { type Needs = PgCast; }
    impl CastTo<Jsonb> for Int8 { type Needs = PgCast; }
    impl CastTo<Bytea> for Int8 { type Needs = PgCast; }
    impl CastTo<Int2> for Float4 { type Needs = PgCast; }
    impl CastTo<Int4> for Float4 { type Needs = PgCast; }
    impl CastTo<Int8> for Float4 { type Needs = PgCast; }
    impl CastTo<Float4> for Float4 { type Needs = Exact; }
    impl CastTo<Float8> for Float4 { type Needs = PgCast; }
    impl CastTo<Numeric> for Float4 { type Needs = PgCast; }
    impl CastTo<Text> for Float4 { type Needs = PgCast; }
    impl CastTo<Bool> for Float4 { type Needs = PgCast; }
    impl CastTo<Date> for Float4 { type Needs = PgCast; }
    impl CastTo<Time> for Float4 { type Needs = PgCast; }
    impl CastTo<Timestamp> for Float4 { type Needs = PgCast; }
    impl CastTo<Timestamptz> for Float4 { type Needs = PgCast; }
    impl CastTo<Interval> for Float4 { type Needs = PgCast; }
    impl CastTo<Uuid> for Float4 { type Needs = PgCast; }
    impl CastTo<Json> for Float4 { type Needs = PgCast; }
    impl CastTo<Jsonb> for Float4 { type Needs = PgCast; }
    impl CastTo<Bytea> for Float4 { type Needs = PgCast; }
    impl CastTo<Int2> for Float8 { type Needs = PgCast; }
    impl CastTo<Int4> for Float8 { type Needs = PgCast; }
    impl CastTo<Int8> for Float8 { type Needs = PgCast; }
    impl CastTo<Float4> for Float8 { type Needs = PgCast; }
    impl CastTo<Float8> for Float8 { type Needs = Exact; }
    impl CastTo<Numeric> for Float8 { type Needs = PgCast; }
    impl CastTo<Text> for Float8 { type Needs = PgCast; }
    impl CastTo<Bool> for Float8 { type Needs = PgCast; }
    impl CastTo<Date> for Float8 { type Needs = PgCast; }
    impl CastTo<Time> for Float8 { type Needs = PgCast; }
    impl CastTo<Timestamp> for Float8 { type Needs = PgCast; }
    impl CastTo<Timestamptz> for Float8 { type Needs = PgCast; }
    impl CastTo<Interval> for Float8 { type Needs = PgCast; }
    impl CastTo<Uuid> for Float8 { type Needs = PgCast; }
    impl CastTo<Json> for Float8 { type Needs = PgCast; }
    impl CastTo<Jsonb> for Float8 { type Needs = PgCast; }
    impl CastTo<Bytea> for Float8 { type Needs = PgCast; }
    impl CastTo<Int2> for Numeric { type Needs = PgCast; }
    impl CastTo<Int4> for Numeric { type Needs = PgCast; }
    impl CastTo<Int8> for Numeric { type Needs = PgCast; }
    impl CastTo<Float4> for Numeric { type Needs = PgCast; }
    impl CastTo<Float8> for Numeric { type Needs = Exact; }
    impl CastTo<Numeric> for Numeric { type Needs = Exact; }
    impl CastTo<Text> for Numeric { type Needs = PgCast; }
    impl CastTo<Bool> for Numeric { type Needs = PgCast; }
    impl CastTo<Date> for Numeric { type Needs = PgCast; }
    impl CastTo<Time> for Numeric { type Needs = PgCast; }
    impl CastTo<Timestamp> for Numeric { type Needs = PgCast; }
    impl CastTo<Timestamptz> for Numeric { type Needs = PgCast; }
    impl CastTo<Interval> for Numeric { type Needs = PgCast; }
    impl CastTo<Uuid> for Numeric { type Needs = PgCast; }
    impl CastTo<Json> for Numeric { type Needs = PgCast; }
    impl CastTo<Jsonb> for Numeric { type Needs = PgCast; }
    impl CastTo<Bytea> for Numeric { type Needs = PgCast; }
    impl CastTo<Int2> for Text { type Needs = PgCast; }
    impl CastTo<Int4> for Text { type Needs = PgCast; }
    impl CastTo<Int8> for Text { type Needs = PgCast; }
    impl CastTo<Float4> for Text { type Needs = PgCast; }
    impl CastTo<Float8> for Text { type Needs = PgCast; }
    impl CastTo<Numeric> for Text { type Needs = PgCast; }
    impl CastTo<Text> for Text { type Needs = Exact; }
    impl CastTo<Bool> for Text { type Needs = PgCast; }
    impl CastTo<Date> for Text { type Needs = PgCast; }
    impl CastTo<Time> for Text { type Needs = PgCast; }
    impl CastTo<Timestamp> for Text { type Needs = PgCast; }
    impl CastTo<Timestamptz> for Text { type Needs = PgCast; }
    impl CastTo<Interval> for Text { type Needs = PgCast; }
    impl CastTo<Uuid> for Text { type Needs = PgCast; }
    impl CastTo<Json> for Text { type Needs = PgCast; }
    impl CastTo<Jsonb> for Text { type Needs = PgCast; }
    impl CastTo<Bytea> for Text { type Needs = PgCast; }
    impl CastTo<Int2> for Bool { type Needs = PgCast; }
    impl CastTo<Int4> for Bool { type Needs = Exact; }
    impl CastTo<Int8> for Bool { type Needs = PgCast; }
    impl CastTo<Float4> for Bool { type Needs = PgCast; }
    impl CastTo<Float8> for Bool { type Needs = PgCast; }
    impl CastTo<Numeric> for Bool { type Needs = PgCast; }
    impl CastTo<Text> for Bool { type Needs = PgCast; }
    impl CastTo<Bool> for Bool { type Needs = Exact; }
    impl CastTo<Date> for Bool { type Needs = PgCast; }
    impl CastTo<Time> for Bool { type Needs = PgCast; }
    impl CastTo<Timestamp> for Bool { type Needs = PgCast; }
    impl CastTo<Timestamptz> for Bool { type Needs = PgCast; }
    impl CastTo<Interval> for Bool { type Needs = PgCast; }
    impl CastTo<Uuid> for Bool { type Needs = PgCast; }
    impl CastTo<Json> for Bool { type Needs = PgCast; }
    impl CastTo<Jsonb> for Bool { type Needs = PgCast; }
    impl CastTo<Bytea> for Bool { type Needs = PgCast; }
    impl CastTo<Int2> for Date { type Needs = PgCast; }
    impl CastTo<Int4> for Date { type Needs = PgCast; }
    impl CastTo<Int8> for Date { type Needs = PgCast; }
    impl CastTo<Float4> for Date { type Needs = PgCast; }
    impl CastTo<Float8> for Date { type Needs = PgCast; }
    impl CastTo<Numeric> for Date { type Needs = PgCast; }
    impl CastTo<Text> for Date { type Needs = PgCast; }
    impl CastTo<Bool> for Date { type Needs = PgCast; }
    impl CastTo<Date> for Date { type Needs = Exact; }
    impl CastTo<Time> for Date { type Needs = PgCast; }
    impl CastTo<Timestamp> for Date { type Needs = DateCast; }
    impl CastTo<Timestamptz> for Date { type Needs = PgCast; }
    impl CastTo<Interval> for Date { type Needs = PgCast; }
    impl CastTo<Uuid> for Date { type Needs = PgCast; }
    impl CastTo<Json> for Date { type Needs = PgCast; }
    impl CastTo<Jsonb> for Date { type Needs = PgCast; }
    impl CastTo<Bytea> for Date { type Needs = PgCast; }
    impl CastTo<Int2> for Time { type Needs = PgCast; }
    impl CastTo<Int4> for Time { type Needs = PgCast; }
    impl CastTo<Int8> for Time { type Needs = PgCast; }
    impl CastTo<Float4> for Time { type Needs = PgCast; }
    impl CastTo<Float8> for Time { type Needs = PgCast; }
    impl CastTo<Numeric> for Time { type Needs = PgCast; }
    impl CastTo<Text> for Time { type Needs = PgCast; }
    impl CastTo<Bool> for Time { type Needs = PgCast; }
    impl CastTo<Date> for Time { type Needs = PgCast; }
    impl CastTo<Time> for Time { type Needs = Exact; }
    impl CastTo<Timestamp> for Time { type Needs = PgCast; }
    impl CastTo<Timestamptz> for Time { type Needs = PgCast; }
    impl CastTo<Interval> for Time { type Needs = PgCast; }
    impl CastTo<Uuid> for Time { type Needs = PgCast; }
    impl CastTo<Json> for Time { type Needs = PgCast; }
    impl CastTo<Jsonb> for Time { type Needs = PgCast; }
    impl CastTo<Bytea> for Time { type Needs = PgCast; }
    impl CastTo<Int2> for Timestamp { type Needs = PgCast; }
    impl CastTo<Int4> for Timestamp { type Needs = PgCast; }
    impl CastTo<Int8> for Timestamp { type Needs = PgCast; }
    impl CastTo<Float4> for Timestamp { type Needs = PgCast; }
    impl CastTo<Float8> for Timestamp { type Needs = PgCast; }
    impl CastTo<Numeric> for Timestamp { type Needs = PgCast; }
    impl CastTo<Text> for Timestamp { type Needs = PgCast; }
    impl CastTo<Bool> for Timestamp { type Needs = PgCast; }
    impl CastTo<Date> for Timestamp { type Needs = DateCast; }
    impl CastTo<Time> for Timestamp { type Needs = PgCast; }
    impl CastTo<Timestamp> for Timestamp { type Needs = Exact; }
    impl CastTo<Timestamptz> for Timestamp { type Needs = PgCast; }
    impl CastTo<Interval> for Timestamp { type Needs = PgCast; }
    impl CastTo<Uuid> for Timestamp { type Needs = PgCast; }
    impl CastTo<Json> for Timestamp { type Needs = PgCast; }
    impl CastTo<Jsonb> for Timestamp { type Needs = PgCast; }
    impl CastTo<Bytea> for Timestamp { type Needs = PgCast; }
    impl CastTo<Int2> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Int4> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Int8> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Float4> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Float8> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Numeric> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Text> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Bool> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Date> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Time> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Timestamp> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Timestamptz> for Timestamptz { type Needs = Exact; }
    impl CastTo<Interval> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Uuid> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Json> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Jsonb> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Bytea> for Timestamptz { type Needs = PgCast; }
    impl CastTo<Int2> for Interval { type Needs = PgCast; }
    impl CastTo<Int4> for Interval { type Needs = PgCast; }
    impl CastTo<Int8> for Interval { type Needs = PgCast; }
    impl CastTo<Float4> for Interval { type Needs = PgCast; }
    impl CastTo<Float8> for Interval { type Needs = PgCast; }
    impl CastTo<Numeric> for Interval { type Needs = PgCast; }
    impl CastTo<Text> for Interval { type Needs = PgCast; }
    impl CastTo<Bool> for Interval { type Needs = PgCast; }
    impl CastTo<Date> for Interval { type Needs = PgCast; }
    impl CastTo<Time> for Interval { type Needs = PgCast; }
    impl CastTo<Timestamp> for Interval { type Needs = PgCast; }
    impl CastTo<Timestamptz> for Interval { type Needs = PgCast; }
    impl CastTo<Interval> for Interval { type Needs = PgCast; }
    impl CastTo<Uuid> for Interval { type Needs = PgCast; }
    impl CastTo<Json> for Interval { type Needs = PgCast; }
    impl CastTo<Jsonb> for Interval { type Needs = PgCast; }
    impl CastTo<Bytea> for Interval { type Needs = PgCast; }
    impl CastTo<Int2> for Uuid { type Needs = PgCast; }
    impl CastTo<Int4> for Uuid { type Needs = PgCast; }
    impl CastTo<Int8> for Uuid { type Needs = PgCast; }
    impl CastTo<Float4> for Uuid { type Needs = PgCast; }
    impl CastTo<Float8> for Uuid { type Needs = PgCast; }
    impl CastTo<Numeric> for Uuid { type Needs = PgCast; }
    impl CastTo<Text> for Uuid { type Needs = PgCast; }
    impl CastTo<Bool> for Uuid { type Needs = PgCast; }
    impl CastTo<Date> for Uuid { type Needs = PgCast; }
    impl CastTo<Time> for Uuid { type Needs = PgCast; }
    impl CastTo<Timestamp> for Uuid { type Needs = PgCast; }
    impl CastTo<Timestamptz> for Uuid { type Needs = PgCast; }
    impl CastTo<Interval> for Uuid { type Needs = PgCast; }
    impl CastTo<Uuid> for Uuid { type Needs = Exact; }
    impl CastTo<Json> for Uuid { type Needs = PgCast; }
    impl CastTo<Jsonb> for Uuid { type Needs = PgCast; }
    impl CastTo<Bytea> for Uuid { type Needs = PgCast; }
    impl CastTo<Int2> for Json { type Needs = PgCast; }
    impl CastTo<Int4> for Json { type Needs = PgCast; }
    impl CastTo<Int8> for Json { type Needs = PgCast; }
    impl CastTo<Float4> for Json { type Needs = PgCast; }
    impl CastTo<Float8> for Json { type Needs = PgCast; }
    impl CastTo<Numeric> for Json { type Needs = PgCast; }
    impl CastTo<Text> for Json { type Needs = PgCast; }
    impl CastTo<Bool> for Json { type Needs = PgCast; }
    impl CastTo<Date> for Json { type Needs = PgCast; }
    impl CastTo<Time> for Json { type Needs = PgCast; }
    impl CastTo<Timestamp> for Json { type Needs = PgCast; }
    impl CastTo<Timestamptz> for Json { type Needs = PgCast; }
    impl CastTo<Interval> for Json { type Needs = PgCast; }
    impl CastTo<Uuid> for Json { type Needs = PgCast; }
    impl CastTo<Json> for Json { type Needs = PgCast; }
    impl CastTo<Jsonb> for Json { type Needs = PgCast; }
    impl CastTo<Bytea> for Json { type Needs = PgCast; }
    impl CastTo<Int2> for Jsonb { type Needs = PgCast; }
    impl CastTo<Int4> for Jsonb { type Needs = PgCast; }
    impl CastTo<Int8> for Jsonb { type Needs = PgCast; }
    impl CastTo<Float4> for Jsonb { type Needs = PgCast; }
    impl CastTo<Float8> for Jsonb { type Needs = PgCast; }
    impl CastTo<Numeric> for Jsonb { type Needs = PgCast; }
    impl CastTo<Text> for Jsonb { type Needs = PgCast; }
    impl CastTo<Bool> for Jsonb { type Needs = PgCast; }
    impl CastTo<Date> for Jsonb { type Needs = PgCast; }
    impl CastTo<Time> for Jsonb { type Needs = PgCast; }
    impl CastTo<Timestamp> for Jsonb { type Needs = PgCast; }
    impl CastTo<Timestamptz> for Jsonb { type Needs = PgCast; }
    impl CastTo<Interval> for Jsonb { type Needs = PgCast; }
    impl CastTo<Uuid> for Jsonb { type Needs = PgCast; }
    impl CastTo<Json> for Jsonb { type Needs = PgCast; }
    impl CastTo<Jsonb> for Jsonb { type Needs = PgCast; }
    impl CastTo<Bytea> for Jsonb { type Needs = PgCast; }
    impl CastTo<Int2> for Bytea { type Needs = PgCast; }
    impl CastTo<Int4> for Bytea { type Needs = PgCast; }
    impl CastTo<Int8> for Bytea { type Needs = PgCast; }
    impl CastTo<Float4> for Bytea { type Needs = PgCast; }
    impl CastTo<Float8> for Bytea { type Needs = PgCast; }
    impl CastTo<Numeric> for Bytea { type Needs = PgCast; }
    impl CastTo<Text> for Bytea { type Needs = PgCast; }
    impl CastTo<Bool> for Bytea { type Needs = PgCast; }
    impl CastTo<Date> for Bytea { type Needs = PgCast; }
    impl CastTo<Time> for Bytea { type Needs = PgCast; }
    impl CastTo<Timestamp> for Bytea { type Needs = PgCast; }
    impl CastTo<Timestamptz> for Bytea { type Needs = PgCast; }
    impl CastTo<Interval> for Bytea { type Needs = PgCast; }
    impl CastTo<Uuid> for Bytea { type Needs = PgCast; }
    impl CastTo<Json> for Bytea { type Needs = PgCast; }
    impl CastTo<Jsonb> for Bytea { type Needs = PgCast; }
    impl CastTo<Bytea> for Bytea { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Int2 { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Int4 { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Int8 { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Float4 { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Float8 { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Numeric { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Text { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Bool { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Date { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Time { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Timestamp { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Timestamptz { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Interval { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Uuid { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Json { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Jsonb { type Needs = PgCast; }
    impl<T> CastTo<Array<T>> for Bytea { type Needs = PgCast; }
    impl<A, T> CastTo<T> for Array<A> { type Needs = PgCast; }
    impl CastTo<UInt1> for Int2 { type Needs = UnsignedCast; }
    impl CastTo<UInt1> for Int4 { type Needs = UnsignedCast; }
    impl CastTo<UInt1> for Int8 { type Needs = UnsignedCast; }
    impl CastTo<UInt1> for Numeric { type Needs = UnsignedCast; }
    impl CastTo<UInt1> for UInt1 { type Needs = UnsignedCast; }
    impl CastTo<UInt1> for UInt2 { type Needs = UnsignedCast; }
    impl CastTo<UInt1> for UInt4 { type Needs = UnsignedCast; }
    impl CastTo<UInt1> for UInt8 { type Needs = UnsignedCast; }
    impl CastTo<UInt2> for Int2 { type Needs = UnsignedCast; }
    impl CastTo<UInt2> for Int4 { type Needs = UnsignedCast; }
    impl CastTo<UInt2> for Int8 { type Needs = UnsignedCast; }
    impl CastTo<UInt2> for Numeric { type Needs = UnsignedCast; }
    impl CastTo<UInt2> for UInt1 { type Needs = UnsignedCast; }
    impl CastTo<UInt2> for UInt2 { type Needs = UnsignedCast; }
    impl CastTo<UInt2> for UInt4 { type Needs = UnsignedCast; }
    impl CastTo<UInt2> for UInt8 { type Needs = UnsignedCast; }
    impl CastTo<UInt4> for Int2 { type Needs = UnsignedCast; }
    impl CastTo<UInt4> for Int4 { type Needs = UnsignedCast; }
    impl CastTo<UInt4> for Int8 { type Needs = UnsignedCast; }
    impl CastTo<UInt4> for Numeric { type Needs = UnsignedCast; }
    impl CastTo<UInt4> for UInt1 { type Needs = UnsignedCast; }
    impl CastTo<UInt4> for UInt2 { type Needs = UnsignedCast; }
    impl CastTo<UInt4> for UInt4 { type Needs = UnsignedCast; }
    impl CastTo<UInt4> for UInt8 { type Needs = UnsignedCast; }
    impl CastTo<UInt8> for Int2 { type Needs = UnsignedCast; }
    impl CastTo<UInt8> for Int4 { type Needs = UnsignedCast; }
    impl CastTo<UInt8> for Int8 { type Needs = UnsignedCast; }
    impl CastTo<UInt8> for Numeric { type Needs = UnsignedCast; }
    impl CastTo<UInt8> for UInt1 { type Needs = UnsignedCast; }
    impl CastTo<UInt8> for UInt2 { type Needs = UnsignedCast; }
    impl CastTo<UInt8> for UInt4 { type Needs = UnsignedCast; }
    impl CastTo<UInt8> for UInt8 { type Needs = UnsignedCast; }
}

/// Writes `CAST(e AS T)` for an unsigned `T` (`UInt1` .. `UInt8`), from an integer, a decimal
/// or an unsigned integer `S` (the lines above).
///
/// MySQL's `CAST(x AS UNSIGNED)` is always a `BIGINT UNSIGNED`, and it wraps a negative value
/// around (`CAST(-1 AS UNSIGNED)` is 2^64 - 1, with only a note) and saturates a decimal past
/// the range (with a warning): wrong values, silently. So the cast is written as unsigned
/// arithmetic, which MySQL checks: `(CAST(max AS UNSIGNED) - (CAST(max AS UNSIGNED) - x))`,
/// `max` the type's largest value. The inner difference is negative, so the server's
/// out-of-range error 1690, when `x > max`, and the outer one when `x < 0`; otherwise the
/// result is `x`, as a `BIGINT UNSIGNED` (read into the Rust type with a range check). `x`
/// is written once. A decimal is first rounded to an integer as PostgreSQL's cast rounds
/// (half away from zero), `(ROUND(e) DIV 1)`, a signed BIGINT, so a decimal above
/// `i64::MAX` is the out-of-range error too (even for `UInt8`): refused, never wrong.
///
/// PostgreSQL has no unsigned types, and runs a query's needs without looking at them: the
/// statement is refused there before it is sent (`Error::Unsupported`). SQLite never gets
/// here for a typed query (a compile error); a boxed piece is refused by its feature.
pub(crate) fn render_unsigned<'a, S: SqlType, T: SqlType>(
    e: &'a (impl crate::render::Render + ?Sized),
    out: &mut crate::render::SqlWriter<'a>,
) {
    use crate::backend::Dialect;
    let max = crate::types::unsigned::unsigned_max(T::NAME).unwrap_or(u64::MAX);
    if out.dialect() != Dialect::Mysql {
        out.mysql_only("UnsignedCasts");
    }
    // The constants are chosen by the library (the type's maximum), never a user's value.
    let max = max.to_string();
    out.sql("(CAST(");
    out.sql(&max);
    out.sql(" AS UNSIGNED) - (CAST(");
    out.sql(&max);
    out.sql(" AS UNSIGNED) - ");
    if S::NotNull::NAME == Numeric::NAME {
        out.sql("(ROUND(");
        e.render(out);
        out.sql(") DIV 1)");
    } else {
        out.sql("(");
        e.render(out);
        out.sql(")");
    }
    out.sql("))");
}
