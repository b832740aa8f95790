//! Expressions: columns, bound values, operators, and the methods that build them.
//!
//! An expression's type records its declared SQL type ([`Expression::SqlType`]); the
//! rule traits in [`crate::check`] add, per query, which tables it reads, its SQL type seen
//! through outer joins, and whether it aggregates.

mod aggregate;
pub(crate) mod arith;
mod array;
mod bound;
mod case;
pub mod casts;
mod date_parts;
mod datetime;
pub mod fields;
mod func;
mod json;
mod methods;
mod mysql_dates;
pub(crate) mod operand;
mod ops;
mod ordered_set;
mod signatures;
mod special;
mod time_arith;
mod window;

pub use aggregate::{
    avg, count, count_distinct, count_star, max, min, sum, Aggregate, AggregateOf,
    AggregatesAllowed, Averageable, CountDistinctFn, CountStar, Summable,
};
pub use array::*;
pub(crate) use bound::NulInText;
pub use bound::{value, Bound, IntoOperand, NaturalSqlType, SqlValue};
pub use case::{case_when, Case, CaseWhen, Else, NoElse};
pub use date_parts::{date_part, date_trunc, extract, DatePart, DateTrunc, Extract};
pub use datetime::*;
pub use func::*;
pub use json::*;
pub use methods::*;
pub use operand::{
    ctx, ArithRhs, Branch, Compared, ComparesAs, FromRhs, IsBool, IsNumeric, IsText, ListValue,
    RanksCompare, RustValue, SameBranchType, Shown, ShownAs,
};
pub use ops::*;
pub use ordered_set::{
    mode, percentile_cont, percentile_disc, OrderedSet, OrderedSetOf, WithinGroup,
};
pub use signatures::{DateKind, Exact, HasFields, Rounded, Truncatable};
pub use special::*;
pub use time_arith::*;
pub use window::{
    cume_dist, dense_rank, first_value, lag, lag_by, lag_or, last_value, lead, lead_by, lead_or,
    nth_value, ntile, percent_rank, rank, row_number, window, CumeDist, DenseRank, Empty,
    FirstValue, FrameBound, Lag, LastValue, Lead, NoArgs, NthValue, Ntile, Over, OverMethod,
    PartitionBy, PercentRank, Rank, RowNumber, WinFn, Window, WindowCall, WindowOrder, Windowable,
    WindowsAllowed,
};

use crate::check::{AppearsIn, Mix, ValidGrouping};
use crate::types::SqlType;

/// A SQL expression with a declared SQL type.
#[diagnostic::on_unimplemented(message = "`{Self}` is not a SQL expression")]
pub trait Expression {
    /// The declared SQL type.
    type SqlType: SqlType;
}

/// A Rust value or an expression usable where SQL type `ST` is expected.
///
/// Columns and other expressions qualify when their type is `ST` (or `Nullable<ST>`); Rust
/// values when they map to `ST` (`i32` for `Int4`, `&str`/`String` for `Text`, ...) and
/// then become bound parameters.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a SQL `{ST}` value",
    label = "expected something of SQL type `{ST}`",
    note = "compare a column with a value or column of the same SQL type"
)]
pub trait AsExpr<ST: SqlType> {
    /// The expression this becomes.
    type Expr: Expression;
    /// Converts into the expression.
    fn into_expr(self) -> Self::Expr;
}

/// A condition that may be absent (`filter_opt`): left out of `AND` and of WHERE when
/// `None` (and written `TRUE` anywhere else).
pub struct Optional<E>(pub Option<E>);

impl<E: crate::render::Render> crate::render::Render for Optional<E> {
    type Needs = E::Needs;
    fn render<'a>(&'a self, out: &mut crate::render::SqlWriter<'a>) {
        match &self.0 {
            Some(e) => e.render(out),
            None => out.sql("TRUE"),
        }
    }
    fn is_atomic(&self) -> bool {
        self.0.as_ref().is_none_or(|e| e.is_atomic())
    }
    fn is_absent(&self) -> bool {
        self.0.as_ref().is_none_or(|e| e.is_absent())
    }
}

macro_rules! tuple_checks {
    ($(($($t:ident $i:ident $j:ident),+))*) => {$(
        impl<Fr, $($t: AppearsIn<Fr, $i>, $i),+> AppearsIn<Fr, ($($i,)+)> for ($($t,)+) {
            type Lifted = ($($t::Lifted,)+);
        }
    )*};
}

tuple_checks! {
    (T0 I0 J0)
    (T0 I0 J0, T1 I1 J1)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16, T17 I17 J17)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16, T17 I17 J17, T18 I18 J18)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16, T17 I17 J17, T18 I18 J18, T19 I19 J19)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16, T17 I17 J17, T18 I18 J18, T19 I19 J19, T20 I20 J20)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16, T17 I17 J17, T18 I18 J18, T19 I19 J19, T20 I20 J20, T21 I21 J21)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16, T17 I17 J17, T18 I18 J18, T19 I19 J19, T20 I20 J20, T21 I21 J21, T22 I22 J22)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16, T17 I17 J17, T18 I18 J18, T19 I19 J19, T20 I20 J20, T21 I21 J21, T22 I22 J22, T23 I23 J23)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16, T17 I17 J17, T18 I18 J18, T19 I19 J19, T20 I20 J20, T21 I21 J21, T22 I22 J22, T23 I23 J23, T24 I24 J24)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16, T17 I17 J17, T18 I18 J18, T19 I19 J19, T20 I20 J20, T21 I21 J21, T22 I22 J22, T23 I23 J23, T24 I24 J24, T25 I25 J25)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16, T17 I17 J17, T18 I18 J18, T19 I19 J19, T20 I20 J20, T21 I21 J21, T22 I22 J22, T23 I23 J23, T24 I24 J24, T25 I25 J25, T26 I26 J26)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16, T17 I17 J17, T18 I18 J18, T19 I19 J19, T20 I20 J20, T21 I21 J21, T22 I22 J22, T23 I23 J23, T24 I24 J24, T25 I25 J25, T26 I26 J26, T27 I27 J27)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16, T17 I17 J17, T18 I18 J18, T19 I19 J19, T20 I20 J20, T21 I21 J21, T22 I22 J22, T23 I23 J23, T24 I24 J24, T25 I25 J25, T26 I26 J26, T27 I27 J27, T28 I28 J28)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16, T17 I17 J17, T18 I18 J18, T19 I19 J19, T20 I20 J20, T21 I21 J21, T22 I22 J22, T23 I23 J23, T24 I24 J24, T25 I25 J25, T26 I26 J26, T27 I27 J27, T28 I28 J28, T29 I29 J29)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16, T17 I17 J17, T18 I18 J18, T19 I19 J19, T20 I20 J20, T21 I21 J21, T22 I22 J22, T23 I23 J23, T24 I24 J24, T25 I25 J25, T26 I26 J26, T27 I27 J27, T28 I28 J28, T29 I29 J29, T30 I30 J30)
    (T0 I0 J0, T1 I1 J1, T2 I2 J2, T3 I3 J3, T4 I4 J4, T5 I5 J5, T6 I6 J6, T7 I7 J7, T8 I8 J8, T9 I9 J9, T10 I10 J10, T11 I11 J11, T12 I12 J12, T13 I13 J13, T14 I14 J14, T15 I15 J15, T16 I16 J16, T17 I17 J17, T18 I18 J18, T19 I19 J19, T20 I20 J20, T21 I21 J21, T22 I22 J22, T23 I23 J23, T24 I24 J24, T25 I25 J25, T26 I26 J26, T27 I27 J27, T28 I28 J28, T29 I29 J29, T30 I30 J30, T31 I31 J31)
}

/// Kinds of a tuple fold left through [`Mix`].
macro_rules! tuple_grouping {
    ($(($a:ident $ja:ident $(, $t:ident $j:ident)*))*) => {$(
        impl<Gr, $a: ValidGrouping<Gr, $ja>, $ja, $($t: ValidGrouping<Gr, $j>, $j),*>
            ValidGrouping<Gr, ($ja, $($j,)*)> for ($a, $($t,)*)
        where
            (($a::Kind,), $($t::Kind,)*): MixAll,
        {
            type Kind = <(($a::Kind,), $($t::Kind,)*) as MixAll>::Out;
        }
    )*};
}

/// Folds a list of kinds `((K1,), K2, K3, ...)` through [`Mix`].
#[diagnostic::on_unimplemented(
    message = "cannot mix aggregate expressions and plain columns without GROUP BY",
    label = "this list has both an aggregate and a plain column",
    note = "add `.group_by(..)` with the plain columns, or aggregate them too"
)]
pub trait MixAll {
    /// The combined kind.
    type Out;
}

macro_rules! mix_all {
    ($(($($t:ident)*))*) => {$(
        #[diagnostic::do_not_recommend]
        impl<Acc, X $(, $t)*> MixAll for ((Acc,), X, $($t,)*)
        where
            Acc: Mix<X>,
            ((<Acc as Mix<X>>::Out,), $($t,)*): MixAll,
        {
            type Out = <((<Acc as Mix<X>>::Out,), $($t,)*) as MixAll>::Out;
        }
    )*};
}

#[diagnostic::do_not_recommend]
impl<Acc> MixAll for ((Acc,),) {
    type Out = Acc;
}

mix_all! {
    () (M0) (M0 M1) (M0 M1 M2) (M0 M1 M2 M3) (M0 M1 M2 M3 M4) (M0 M1 M2 M3 M4 M5)
    (M0 M1 M2 M3 M4 M5 M6) (M0 M1 M2 M3 M4 M5 M6 M7) (M0 M1 M2 M3 M4 M5 M6 M7 M8)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9) (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11) (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14 M15)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14 M15 M16)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14 M15 M16 M17)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14 M15 M16 M17 M18)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14 M15 M16 M17 M18 M19)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14 M15 M16 M17 M18 M19 M20)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14 M15 M16 M17 M18 M19 M20 M21)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14 M15 M16 M17 M18 M19 M20 M21 M22)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14 M15 M16 M17 M18 M19 M20 M21 M22 M23)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14 M15 M16 M17 M18 M19 M20 M21 M22 M23 M24)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14 M15 M16 M17 M18 M19 M20 M21 M22 M23 M24 M25)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14 M15 M16 M17 M18 M19 M20 M21 M22 M23 M24 M25 M26)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14 M15 M16 M17 M18 M19 M20 M21 M22 M23 M24 M25 M26 M27)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14 M15 M16 M17 M18 M19 M20 M21 M22 M23 M24 M25 M26 M27 M28)
    (M0 M1 M2 M3 M4 M5 M6 M7 M8 M9 M10 M11 M12 M13 M14 M15 M16 M17 M18 M19 M20 M21 M22 M23 M24 M25 M26 M27 M28 M29)
}

tuple_grouping! {
    (T0 J0)
    (T0 J0, T1 J1)
    (T0 J0, T1 J1, T2 J2)
    (T0 J0, T1 J1, T2 J2, T3 J3)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16, T17 J17)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16, T17 J17, T18 J18)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16, T17 J17, T18 J18, T19 J19)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16, T17 J17, T18 J18, T19 J19, T20 J20)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16, T17 J17, T18 J18, T19 J19, T20 J20, T21 J21)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16, T17 J17, T18 J18, T19 J19, T20 J20, T21 J21, T22 J22)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16, T17 J17, T18 J18, T19 J19, T20 J20, T21 J21, T22 J22, T23 J23)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16, T17 J17, T18 J18, T19 J19, T20 J20, T21 J21, T22 J22, T23 J23, T24 J24)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16, T17 J17, T18 J18, T19 J19, T20 J20, T21 J21, T22 J22, T23 J23, T24 J24, T25 J25)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16, T17 J17, T18 J18, T19 J19, T20 J20, T21 J21, T22 J22, T23 J23, T24 J24, T25 J25, T26 J26)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16, T17 J17, T18 J18, T19 J19, T20 J20, T21 J21, T22 J22, T23 J23, T24 J24, T25 J25, T26 J26, T27 J27)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16, T17 J17, T18 J18, T19 J19, T20 J20, T21 J21, T22 J22, T23 J23, T24 J24, T25 J25, T26 J26, T27 J27, T28 J28)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16, T17 J17, T18 J18, T19 J19, T20 J20, T21 J21, T22 J22, T23 J23, T24 J24, T25 J25, T26 J26, T27 J27, T28 J28, T29 J29)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16, T17 J17, T18 J18, T19 J19, T20 J20, T21 J21, T22 J22, T23 J23, T24 J24, T25 J25, T26 J26, T27 J27, T28 J28, T29 J29, T30 J30)
    (T0 J0, T1 J1, T2 J2, T3 J3, T4 J4, T5 J5, T6 J6, T7 J7, T8 J8, T9 J9, T10 J10, T11 J11, T12 J12, T13 J13, T14 J14, T15 J15, T16 J16, T17 J17, T18 J18, T19 J19, T20 J20, T21 J21, T22 J22, T23 J23, T24 J24, T25 J25, T26 J26, T27 J27, T28 J28, T29 J29, T30 J30, T31 J31)
}
