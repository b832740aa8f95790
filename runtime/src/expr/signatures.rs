//! The signatures of the built-in functions: the argument types each accepts and the
//! result type PostgreSQL gives (see [`Signature`]).

use super::func::*;
use crate::types::*;

/// Text in, text out (nullability kept). The result is `Text` whatever the argument, so a
/// call with a mistaken argument (reported once, where it is used) still loads as text.
macro_rules! text_to_text {
    ($($f:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl<A: SqlType<NotNull = Text>> Signature<(A,)> for $f {
            type Out = NullableAs<A, Text>;
        }
    )*};
}
text_to_text!(Lower, Upper, Trim, Ltrim, Rtrim);

#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull = Text>> Signature<(A,)> for Length {
    type Out = NullableAs<A, Int4>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull = Text>> Signature<(A,)> for CharLength {
    type Out = NullableAs<A, Int4>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull = Text>, B: SqlType<NotNull = Int4>> Signature<(A, B)> for Substring {
    type Out = NullableIf<A, B, Text>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull = Text>, B: SqlType<NotNull = Int4>, C: SqlType<NotNull = Int4>>
    Signature<(A, B, C)> for Substring
{
    type Out = NullableIf<A, NullableIf<B, C, Int4>, Text>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull = Text>, B: SqlType<NotNull = Text>> Signature<(A, B)> for Position {
    type Out = NullableIf<A, B, Int4>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull = Text>, B: SqlType<NotNull = Text>, C: SqlType<NotNull = Text>>
    Signature<(A, B, C)> for Replace
{
    type Out = NullableIf<A, NullableIf<B, C, Text>, Text>;
}

/// `concat` takes any values and ignores NULLs: never NULL.
macro_rules! concat_sig {
    ($(($($t:ident)+))*) => {$(
        #[diagnostic::do_not_recommend]
        impl<$($t: SqlType),+> Signature<($($t,)+)> for ConcatFn {
            type Out = Text;
        }
    )*};
}
concat_sig! { (A) (A B) (A B C) (A B C D) (A B C D E) (A B C D E F) (A B C D E F G) (A B C D E F G H) }

/// SQL types that `floor`, `ceil`, `round`, `sqrt` and `power` accept: `numeric` and
/// `double precision` (PostgreSQL has no integer versions).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not `Numeric` or `Float8`",
    note = "cast integers first: `cast::<Numeric, _>(..)`"
)]
pub trait Rounded: SqlType {}
impl Rounded for Numeric {}
impl Rounded for Float8 {}

macro_rules! rounded {
    ($($f:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl<A: SqlType<NotNull: Rounded>> Signature<(A,)> for $f {
            type Out = A;
        }
    )*};
}
rounded!(Floor, Ceil, Round, Sqrt);

#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull = Numeric>, B: SqlType<NotNull = Int4>> Signature<(A, B)> for Round {
    type Out = NullableIf<A, B, Numeric>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull: Arithmetic>> Signature<(A,)> for Abs {
    type Out = A;
}

/// Integer and `numeric` types (`mod`).
pub trait Exact: SqlType {}
impl Exact for Int2 {}
impl Exact for Int4 {}
impl Exact for Int8 {}
impl Exact for Numeric {}

#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull: Exact>, B: SqlType<NotNull = A::NotNull>> Signature<(A, B)> for Mod {
    type Out = NullableIf<A, B, A::NotNull>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull: Rounded>, B: SqlType<NotNull = A::NotNull>> Signature<(A, B)> for Power {
    type Out = NullableIf<A, B, A::NotNull>;
}

/// `coalesce`, `greatest` and `least` skip NULL arguments: NULL only when all are.
macro_rules! null_skipping {
    ($($f:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl<A: SqlType, B: SqlType<NotNull = A::NotNull>> Signature<(A, B)> for $f {
            type Out = NullableIfBoth<A, B, A::NotNull>;
        }
        #[diagnostic::do_not_recommend]
        impl<A: SqlType, B: SqlType<NotNull = A::NotNull>, C: SqlType<NotNull = A::NotNull>>
            Signature<(A, B, C)> for $f
        {
            type Out = NullableIfBoth<A, NullableIfBoth<B, C, A::NotNull>, A::NotNull>;
        }
    )*};
}
null_skipping!(Coalesce, Greatest, Least);

#[diagnostic::do_not_recommend]
impl<A: SqlType, B: SqlType<NotNull = A::NotNull>> Signature<(A, B)> for NullIf {
    type Out = A::Nullable;
}

#[diagnostic::do_not_recommend]
impl<A: ArrayElement> Signature<(A,)> for ArrayAgg {
    type Out = Nullable<Array<A>>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull = Text>, B: SqlType<NotNull = Text>> Signature<(A, B)> for StringAgg {
    type Out = Nullable<Text>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull = Bool>> Signature<(A,)> for BoolAnd {
    type Out = Nullable<Bool>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull = Bool>> Signature<(A,)> for BoolOr {
    type Out = Nullable<Bool>;
}

/// Types `date_trunc` accepts, and what it returns for each: a `timestamp` stays one, a
/// `timestamptz` too, an `interval` too, and a `date` is read as a `timestamptz` (at
/// midnight in the session's time zone: PostgreSQL has no `date_trunc` of a `date`, and
/// picks its preferred `timestamptz` one).
pub trait Truncatable: HasFields {
    /// The result's SQL type.
    type Out: SqlType<Nullability = NotNull>;
    /// What truncating a value of this type needs of the backend.
    type Needs: crate::backend::Needs;
}
impl Truncatable for Timestamp {
    type Out = Timestamp;
    type Needs = super::fields::ExactTrunc;
}
impl Truncatable for Timestamptz {
    type Out = Timestamptz;
    type Needs = super::fields::ExactTrunc;
}
impl Truncatable for Date {
    type Out = Timestamptz;
    type Needs = super::fields::ExactTrunc;
}
impl Truncatable for Interval {
    type Out = Interval;
    type Needs = super::fields::IntervalParts;
}

/// Which kind of date or time value a field is read from (how MySQL writes it, and which
/// fields PostgreSQL has for it).
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateKind {
    /// `date`
    Date,
    /// `time`
    Time,
    /// `timestamp`
    Timestamp,
    /// `timestamptz` (UTC on MySQL, where every session is)
    Timestamptz,
    /// `interval`
    Interval,
}

/// Types `extract`/`date_part` read fields from.
pub trait HasFields: SqlType {
    /// What `extract`, `date_part` or `date_trunc` of this type needs of the backend.
    type Parts: crate::backend::Needs;
    /// Which kind of value it is.
    #[doc(hidden)]
    const KIND: DateKind;
}
impl HasFields for Date {
    type Parts = super::fields::ExactParts;
    const KIND: DateKind = DateKind::Date;
}
impl HasFields for Time {
    type Parts = super::fields::ExactParts;
    const KIND: DateKind = DateKind::Time;
}
impl HasFields for Timestamp {
    type Parts = super::fields::ExactParts;
    const KIND: DateKind = DateKind::Timestamp;
}
impl HasFields for Timestamptz {
    type Parts = super::fields::ExactParts;
    const KIND: DateKind = DateKind::Timestamptz;
}
impl HasFields for Interval {
    type Parts = super::fields::IntervalParts;
    const KIND: DateKind = DateKind::Interval;
}
