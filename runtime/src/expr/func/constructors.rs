//! The functions that build calls: `lower(e)`, `coalesce(a, b)`, `array_agg(e)`,
//! `substring(..)`, `string_agg(..)` and the rest of the built-in ones.

use super::*;

/// Constructors of one-argument calls (`f(e)`), two-argument calls whose second argument
/// has the first one's type (`f(a, b)`), and one-argument aggregates. Argument types are
/// checked where the call is used.
macro_rules! constructors {
    (one: $($(#[$m:meta])* $name:ident => $marker:ident;)*) => {$(
        $(#[$m])*
        pub fn $name<E: Expression>(e: E) -> Func<$marker, (E,)> {
            Func::new((e,))
        }
    )*};
    (two: $($(#[$m:meta])* $name:ident => $marker:ident;)*) => {$(
        $(#[$m])*
        pub fn $name<E: Expression, B: AsExpr<<E::SqlType as SqlType>::NotNull>>(
            a: E,
            b: B,
        ) -> Func<$marker, (E, B::Expr)> {
            Func::new((a, b.into_expr()))
        }
    )*};
    (aggregate: $($(#[$m:meta])* $name:ident => $marker:ident;)*) => {$(
        $(#[$m])*
        pub fn $name<E: Expression>(e: E) -> AggFunc<$marker, (E,)> {
            AggFunc::new((e,))
        }
    )*};
}

constructors! { one:
    /// `lower(text)`: the text in lower case.
    lower => Lower;
    /// `upper(text)`: the text in upper case.
    upper => Upper;
    /// `length(text)`: the number of characters, `Int4`.
    length => Length;
    /// `char_length(text)`: the number of characters, `Int4`.
    char_length => CharLength;
    /// `trim(text)`: without leading and trailing spaces.
    trim => Trim;
    /// `ltrim(text)`: without leading spaces.
    ltrim => Ltrim;
    /// `rtrim(text)`: without trailing spaces.
    rtrim => Rtrim;
    /// `floor(x)` of `numeric` or `double precision`.
    floor => Floor;
    /// `ceil(x)` of `numeric` or `double precision`.
    ceil => Ceil;
    /// `round(x)` of `numeric` or `double precision`, to the nearest integer.
    round => Round;
    /// `abs(x)` of any numeric type.
    abs => Abs;
    /// `sqrt(x)` of `numeric` or `double precision`.
    sqrt => Sqrt;
}
constructors! { two:
    /// `mod(a, b)` of integers or `numeric`.
    modulo => Mod;
    /// `power(a, b)` of `numeric` or `double precision`.
    power => Power;
    /// `coalesce(a, b)`: `a` unless it is NULL, then `b`. NULL only when both may be. For more
    /// values nest it, `coalesce(a, coalesce(b, c))`: the same result.
    coalesce => Coalesce;
    /// `nullif(a, b)`: NULL when `a = b`, else `a` (always nullable).
    nullif => NullIf;
    /// `greatest(a, b)`: the larger, ignoring NULLs (nest it for more values).
    greatest => Greatest;
    /// `least(a, b)`: the smaller, ignoring NULLs (nest it for more values).
    least => Least;
}
constructors! { aggregate:
    /// `array_agg(x)`: the values of a group as an array (`Vec<_>`), NULL over no rows.
    array_agg => ArrayAgg;
    /// `bool_and(b)`: true when every value of the group is.
    bool_and => BoolAnd;
    /// `bool_or(b)`: true when some value of the group is.
    bool_or => BoolOr;
}

/// `substring(text from start for count)` (1-based start).
pub fn substring<E: Expression, S: AsExpr<Int4>, C: AsExpr<Int4>>(
    e: E,
    start: S,
    count: C,
) -> Func<Substring, (E, S::Expr, C::Expr)>
where
    E::SqlType: SqlType<NotNull = Text>,
{
    Func::new((e, start.into_expr(), count.into_expr()))
}
/// `substring(text from start)`: from the 1-based `start` to the end.
pub fn substring_from<E: Expression, S: AsExpr<Int4>>(
    e: E,
    start: S,
) -> Func<Substring, (E, S::Expr)>
where
    E::SqlType: SqlType<NotNull = Text>,
{
    Func::new((e, start.into_expr()))
}
/// `position(needle in text)`: the 1-based position of `needle`, 0 when absent.
pub fn position<N: AsExpr<Text>, E: Expression>(needle: N, text: E) -> Func<Position, (E, N::Expr)>
where
    E::SqlType: SqlType<NotNull = Text>,
{
    Func::new((text, needle.into_expr()))
}
/// `replace(text, from, to)`: every occurrence of `from` replaced by `to`.
pub fn replace<E: Expression, A: AsExpr<Text>, B: AsExpr<Text>>(
    e: E,
    from: A,
    to: B,
) -> Func<Replace, (E, A::Expr, B::Expr)>
where
    E::SqlType: SqlType<NotNull = Text>,
{
    Func::new((e, from.into_expr(), to.into_expr()))
}
/// `round(x, digits)` of `numeric`.
pub fn round_to<E: Expression, D: AsExpr<Int4>>(e: E, digits: D) -> Func<Round, (E, D::Expr)>
where
    E::SqlType: SqlType<NotNull = Numeric>,
{
    Func::new((e, digits.into_expr()))
}
/// `string_agg(text, separator)`: the texts of a group joined, NULL over no rows.
pub fn string_agg<E: Expression, S: AsExpr<Text>>(
    e: E,
    separator: S,
) -> AggFunc<StringAgg, (E, S::Expr)>
where
    E::SqlType: SqlType<NotNull = Text>,
{
    AggFunc::new((e, separator.into_expr()))
}
