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
    /// Whether this is an integer rank (`int2`, `int4`, `int8`): `/` of two of them
    /// truncates, which MySQL spells `DIV`.
    const IS_INTEGER: bool = false;
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
    ($rank:ident => $sql:ty, dispatch $with:ident, integer $int:literal;
        $i2:ident $i4:ident $i8:ident $num:ident $f4:ident $f8:ident) => {
        impl NumericRank for $rank {
            const IS_INTEGER: bool = $int;
            type Join<R: NumericRank> = R::$with;
            type Sql<Other: SqlType<Nullability = NotNull>> = $sql;
            type WithInt2 = $i2;
            type WithInt4 = $i4;
            type WithInt8 = $i8;
            type WithNumeric = $num;
            type WithFloat4 = $f4;
            type WithFloat8 = $f8;
        }
    };
}

// Each line: a rank, its SQL type, and its join with int2, int4, int8, numeric, float4 and
// float8 (the table above, read along a row).
rank!(RankInt2 => Int2, dispatch WithInt2, integer true;
    RankInt2 RankInt4 RankInt8 RankNumeric RankFloat8 RankFloat8);
rank!(RankInt4 => Int4, dispatch WithInt4, integer true;
    RankInt4 RankInt4 RankInt8 RankNumeric RankFloat8 RankFloat8);
rank!(RankInt8 => Int8, dispatch WithInt8, integer true;
    RankInt8 RankInt8 RankInt8 RankNumeric RankFloat8 RankFloat8);
rank!(RankNumeric => Numeric, dispatch WithNumeric, integer false;
    RankNumeric RankNumeric RankNumeric RankNumeric RankFloat8 RankFloat8);
rank!(RankFloat4 => Float4, dispatch WithFloat4, integer false;
    RankFloat8 RankFloat8 RankFloat8 RankFloat8 RankFloat4 RankFloat8);
rank!(RankFloat8 => Float8, dispatch WithFloat8, integer false;
    RankFloat8 RankFloat8 RankFloat8 RankFloat8 RankFloat8 RankFloat8);

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
}
