//! PostgreSQL's result types for `+ - * /` on two numeric types.
//!
//! PostgreSQL has same-type and cross-integer operators (`int2 + int4` is `int4`), and
//! otherwise casts one operand implicitly (`pg_cast.castcontext = 'i'`): an integer to a
//! wider integer, to `numeric`, `real` or `double precision`; `numeric` to `real` or `double
//! precision`; `real` to `double precision`. Operator resolution then prefers `double
//! precision`, the preferred type of the numeric category, so `real` with anything but `real`
//! gives `double precision`. Checked with `pg_typeof` on PostgreSQL 15 for every pair:
//!
//! | left \ right | int2    | int4    | int8    | numeric | float4 | float8 |
//! |--------------|---------|---------|---------|---------|--------|--------|
//! | int2         | int2    | int4    | int8    | numeric | float8 | float8 |
//! | int4         | int4    | int4    | int8    | numeric | float8 | float8 |
//! | int8         | int8    | int8    | int8    | numeric | float8 | float8 |
//! | numeric      | numeric | numeric | numeric | numeric | float8 | float8 |
//! | float4       | float8  | float8  | float8  | float8  | float4 | float8 |
//! | float8       | float8  | float8  | float8  | float8  | float8 | float8 |
//!
//! The unsigned integers (`UInt1`, `UInt2`, `UInt4`, `UInt8`, MySQL's `TINYINT UNSIGNED` ..
//! `BIGINT UNSIGNED`, stored on PostgreSQL as `smallint`, `integer`, `bigint` and
//! `numeric(20,0)`) keep their kind among themselves, the wider one winning (`uint1 + uint4`
//! is `uint4`); beside a signed type they take the signed type PostgreSQL gives their
//! storage (`uint4 + int4` is `int8`, `uint8 + int2` is `numeric`); beside `numeric` or a
//! float, that type's result. A result that leaves the type's range is an error: the
//! server's (MySQL refuses a negative or too large unsigned result, PostgreSQL a too large
//! `smallint`/`bigint`), or the decoder's when the row is read (a `uint4` sum of 5 billion
//! does not load into a `u32`). See docs/design.md, "Unsigned integers".
//!
//! | left \ right | uint1 | uint2 | uint4 | uint8 |
//! |--------------|-------|-------|-------|-------|
//! | int2         | int2  | int4  | int8  | numeric |
//! | int4         | int4  | int4  | int8  | numeric |
//! | int8         | int8  | int8  | int8  | numeric |
//! | numeric      | numeric | numeric | numeric | numeric |
//! | float4/8     | float8 | float8 | float8 | float8 |
//! | uint1        | uint1 | uint2 | uint4 | uint8 |
//! | uint2        | uint2 | uint2 | uint4 | uint8 |
//! | uint4        | uint4 | uint4 | uint4 | uint8 |
//! | uint8        | uint8 | uint8 | uint8 | uint8 |
//!
//! Every SQL type has a [`NumericRank`], non-numeric ones [`NotNumeric`], and the join of two
//! ranks is defined for every pair: the result type of any `+` is computable, also for a
//! mistaken one (then it is the numeric operand's type, or the left one's when neither is).
//! The mistake itself is reported where the operator is written, and nothing downstream (the
//! select list, `load`) fails again.

use super::*;

/// Where a SQL type sits among PostgreSQL's numeric types, for `+ - * /`.
pub trait NumericRank: 'static {
    /// The rank of the result of an operation with an operand of rank `R`.
    type Join<R: NumericRank>: NumericRank;
    /// The SQL type at this rank; `Other` for [`NotNumeric`].
    type Sql<Other: SqlType<Nullability = NotNull>>: SqlType<Nullability = NotNull>;
    /// `Join<RankInt2>` (the table's column for `int2`, so that `Join` dispatches twice).
    type WithInt2: NumericRank;
    /// `Join<RankInt4>`.
    type WithInt4: NumericRank;
    /// `Join<RankInt8>`.
    type WithInt8: NumericRank;
    /// `Join<RankNumeric>`.
    type WithNumeric: NumericRank;
    /// `Join<RankFloat4>`.
    type WithFloat4: NumericRank;
    /// `Join<RankFloat8>`.
    type WithFloat8: NumericRank;
    /// `Join<RankUInt1>`.
    type WithUInt1: NumericRank;
    /// `Join<RankUInt2>`.
    type WithUInt2: NumericRank;
    /// `Join<RankUInt4>`.
    type WithUInt4: NumericRank;
    /// `Join<RankUInt8>`.
    type WithUInt8: NumericRank;
    /// Whether this is an integer rank (`int2`, `int4`, `int8`): `/` of two of them
    /// truncates, which MySQL spells `DIV`.
    const IS_INTEGER: bool = false;
    /// Whether this is the rank of [`UInt8`], an integer that PostgreSQL stores as
    /// `numeric(20,0)`: its `/` is written `div(a, b)` there, which truncates as the other
    /// integers' `/` does.
    const IS_PG_NUMERIC_INTEGER: bool = false;
}

/// The rank of `int2`.
pub struct RankInt2;
/// The rank of `int4`.
pub struct RankInt4;
/// The rank of `int8`.
pub struct RankInt8;
/// The rank of `numeric`.
pub struct RankNumeric;
/// The rank of `real`.
pub struct RankFloat4;
/// The rank of `double precision`.
pub struct RankFloat8;
/// The rank of `UInt1` (`TINYINT UNSIGNED`).
pub struct RankUInt1;
/// The rank of `UInt2` (`SMALLINT UNSIGNED`).
pub struct RankUInt2;
/// The rank of `UInt4` (`INT UNSIGNED`).
pub struct RankUInt4;
/// The rank of `UInt8` (`BIGINT UNSIGNED`).
pub struct RankUInt8;
/// The rank of every type without arithmetic.
pub struct NotNumeric;

/// The result type of `L op R` for numeric `L` and `R`, without nullability (`L`'s own type
/// when one of them is not numeric).
pub type Promoted<L, R> =
    <<<L as SqlType>::Rank as NumericRank>::Join<<R as SqlType>::Rank> as NumericRank>::Sql<
        <L as SqlType>::NotNull,
    >;

/// The SQL type a Rust value takes next to an operand of type `L` in arithmetic: `L`'s own
/// (so `id + 1` binds an `i32` for an `Int4` column), `Int4` beside a non-numeric `L` (whose
/// mistake is reported on its own).
pub type ArithValue<L> = <<L as SqlType>::Rank as NumericRank>::Sql<Int4>;

macro_rules! rank {
    ($rank:ident => $sql:ty, dispatch $with:ident, integer $int:literal $(, pg_numeric $pgn:literal)?;
        $i2:ident $i4:ident $i8:ident $num:ident $f4:ident $f8:ident;
        $u1:ident $u2:ident $u4:ident $u8:ident) => {
        impl NumericRank for $rank {
            const IS_INTEGER: bool = $int;
            $(const IS_PG_NUMERIC_INTEGER: bool = $pgn;)?
            type Join<R: NumericRank> = R::$with;
            type Sql<Other: SqlType<Nullability = NotNull>> = $sql;
            type WithInt2 = $i2;
            type WithInt4 = $i4;
            type WithInt8 = $i8;
            type WithNumeric = $num;
            type WithFloat4 = $f4;
            type WithFloat8 = $f8;
            type WithUInt1 = $u1;
            type WithUInt2 = $u2;
            type WithUInt4 = $u4;
            type WithUInt8 = $u8;
        }
    };
}

// Each line: a rank, its SQL type, and its join with int2, int4, int8, numeric, float4 and
// float8, then with the unsigned uint1, uint2, uint4 and uint8 (the tables above, read
// along a row).
rank!(RankInt2 => Int2, dispatch WithInt2, integer true;
    RankInt2 RankInt4 RankInt8 RankNumeric RankFloat8 RankFloat8;
    RankInt2 RankInt4 RankInt8 RankNumeric);
rank!(RankInt4 => Int4, dispatch WithInt4, integer true;
    RankInt4 RankInt4 RankInt8 RankNumeric RankFloat8 RankFloat8;
    RankInt4 RankInt4 RankInt8 RankNumeric);
rank!(RankInt8 => Int8, dispatch WithInt8, integer true;
    RankInt8 RankInt8 RankInt8 RankNumeric RankFloat8 RankFloat8;
    RankInt8 RankInt8 RankInt8 RankNumeric);
rank!(RankNumeric => Numeric, dispatch WithNumeric, integer false;
    RankNumeric RankNumeric RankNumeric RankNumeric RankFloat8 RankFloat8;
    RankNumeric RankNumeric RankNumeric RankNumeric);
rank!(RankFloat4 => Float4, dispatch WithFloat4, integer false;
    RankFloat8 RankFloat8 RankFloat8 RankFloat8 RankFloat4 RankFloat8;
    RankFloat8 RankFloat8 RankFloat8 RankFloat8);
rank!(RankFloat8 => Float8, dispatch WithFloat8, integer false;
    RankFloat8 RankFloat8 RankFloat8 RankFloat8 RankFloat8 RankFloat8;
    RankFloat8 RankFloat8 RankFloat8 RankFloat8);
rank!(RankUInt1 => UInt1, dispatch WithUInt1, integer true;
    RankInt2 RankInt4 RankInt8 RankNumeric RankFloat8 RankFloat8;
    RankUInt1 RankUInt2 RankUInt4 RankUInt8);
rank!(RankUInt2 => UInt2, dispatch WithUInt2, integer true;
    RankInt4 RankInt4 RankInt8 RankNumeric RankFloat8 RankFloat8;
    RankUInt2 RankUInt2 RankUInt4 RankUInt8);
rank!(RankUInt4 => UInt4, dispatch WithUInt4, integer true;
    RankInt8 RankInt8 RankInt8 RankNumeric RankFloat8 RankFloat8;
    RankUInt4 RankUInt4 RankUInt4 RankUInt8);
rank!(RankUInt8 => UInt8, dispatch WithUInt8, integer true, pg_numeric true;
    RankNumeric RankNumeric RankNumeric RankNumeric RankFloat8 RankFloat8;
    RankUInt8 RankUInt8 RankUInt8 RankUInt8);

// A mistaken operand takes the other operand's rank: `name + 1` (reported where it is written)
// is still an `Int4` expression, so the query it is selected in, and what it loads into, are
// what the user meant.
impl NumericRank for NotNumeric {
    type Join<R: NumericRank> = R;
    type Sql<Other: SqlType<Nullability = NotNull>> = Other;
    type WithInt2 = RankInt2;
    type WithInt4 = RankInt4;
    type WithInt8 = RankInt8;
    type WithNumeric = RankNumeric;
    type WithFloat4 = RankFloat4;
    type WithFloat8 = RankFloat8;
    type WithUInt1 = RankUInt1;
    type WithUInt2 = RankUInt2;
    type WithUInt4 = RankUInt4;
    type WithUInt8 = RankUInt8;
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::any::TypeId;

    fn is<A: 'static, B: 'static>() -> bool {
        TypeId::of::<A>() == TypeId::of::<B>()
    }

    #[test]
    fn the_table_and_its_symmetry() {
        assert!(is::<Promoted<Int2, Int2>, Int2>());
        assert!(is::<Promoted<Int2, Int4>, Int4>());
        assert!(is::<Promoted<Int4, Int8>, Int8>());
        assert!(is::<Promoted<Int8, Int4>, Int8>());
        assert!(is::<Promoted<Int4, Numeric>, Numeric>());
        assert!(is::<Promoted<Numeric, Int8>, Numeric>());
        assert!(is::<Promoted<Numeric, Float8>, Float8>());
        assert!(is::<Promoted<Float4, Float4>, Float4>());
        assert!(is::<Promoted<Float4, Int2>, Float8>());
        assert!(is::<Promoted<Int4, Float4>, Float8>());
        assert!(is::<Promoted<Numeric, Float4>, Float8>());
        assert!(is::<Promoted<Float4, Float8>, Float8>());
        assert!(is::<Promoted<Nullable<Int4>, Numeric>, Numeric>());
        // A mistaken pair takes the numeric operand's type, so the expression still has one.
        assert!(is::<Promoted<Text, Int4>, Int4>());
        assert!(is::<Promoted<Int4, Text>, Int4>());
        assert!(is::<Promoted<Text, Nullable<Float8>>, Float8>());
        assert!(is::<Promoted<Text, Bool>, Text>());
        assert!(is::<ArithValue<Nullable<Int8>>, Int8>());
        assert!(is::<ArithValue<Text>, Int4>());
    }

    #[test]
    fn unsigned_types_keep_their_kind_and_widen_as_their_storage() {
        assert!(is::<Promoted<UInt1, UInt1>, UInt1>());
        assert!(is::<Promoted<UInt1, UInt4>, UInt4>());
        assert!(is::<Promoted<UInt8, UInt2>, UInt8>());
        assert!(is::<Promoted<UInt1, Int2>, Int2>());
        assert!(is::<Promoted<Int2, UInt2>, Int4>());
        assert!(is::<Promoted<UInt4, Int4>, Int8>());
        assert!(is::<Promoted<Int8, UInt8>, Numeric>());
        assert!(is::<Promoted<UInt8, Numeric>, Numeric>());
        assert!(is::<Promoted<UInt4, Float4>, Float8>());
        assert!(is::<Promoted<Nullable<UInt2>, UInt4>, UInt4>());
        assert!(is::<ArithValue<UInt4>, UInt4>());
        assert!(is::<Promoted<Text, UInt8>, UInt8>());
        // Integer division: MySQL's `DIV`, PostgreSQL's `div` for the numeric-stored u64.
        // (flags: 1 an integer, 2 kept as numeric on PostgreSQL, 4/8 the left/right operand
        // unsigned beside a signed integer)
        assert_eq!(crate::__private::both_integers::<UInt4, UInt1>(), 1);
        assert_eq!(crate::__private::both_integers::<UInt8, UInt8>(), 1 | 2);
        assert_eq!(crate::__private::both_integers::<UInt8, Int4>(), 4);
        assert_eq!(
            crate::__private::both_integers::<Int2, Nullable<UInt4>>(),
            1 | 8
        );
        assert_eq!(crate::__private::both_integers::<UInt4, Numeric>(), 0);
        assert_eq!(crate::__private::both_integers::<Int4, Int8>(), 1);
        assert_eq!(crate::__private::both_integers::<Int4, Numeric>(), 0);
    }
}
