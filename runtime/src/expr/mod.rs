//! Expressions: columns, bound values, operators, and the methods that build them.
//!
//! An expression's type records its declared SQL type ([`Expression::SqlType`]); the
//! rule traits in [`crate::check`] add, per query, which tables it reads, its SQL type seen
//! through outer joins, and whether it aggregates.

mod aggregate;
mod bound;
mod ops;

pub use aggregate::{
    avg, count, count_distinct, count_star, max, min, sum, Aggregate, AggregateOf,
    AggregatesAllowed, Averageable, CountStar, Summable,
};
pub(crate) use bound::NulInText;
pub use bound::{value, Bound, NaturalSqlType, SqlValue};
pub use ops::*;

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

/// A condition that may be absent (`filter_opt`): renders `TRUE` when `None`.
pub struct Optional<E>(pub Option<E>);

impl<E: crate::render::Render> crate::render::Render for Optional<E> {
    fn render<'a>(&'a self, out: &mut crate::render::SqlWriter<'a>) {
        match &self.0 {
            Some(e) => e.render(out),
            None => out.sql("TRUE"),
        }
    }
    fn is_atomic(&self) -> bool {
        self.0.as_ref().is_none_or(|e| e.is_atomic())
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
    (A IA JA)
    (A IA JA, B IB JB)
    (A IA JA, B IB JB, C IC JC)
    (A IA JA, B IB JB, C IC JC, D ID JD)
    (A IA JA, B IB JB, C IC JC, D ID JD, E IE JE)
    (A IA JA, B IB JB, C IC JC, D ID JD, E IE JE, F IF JF)
    (A IA JA, B IB JB, C IC JC, D ID JD, E IE JE, F IF JF, G IG JG)
    (A IA JA, B IB JB, C IC JC, D ID JD, E IE JE, F IF JF, G IG JG, H IH JH)
    (A IA JA, B IB JB, C IC JC, D ID JD, E IE JE, F IF JF, G IG JG, H IH JH, I II JI)
    (A IA JA, B IB JB, C IC JC, D ID JD, E IE JE, F IF JF, G IG JG, H IH JH, I II JI, J IJ JJ)
    (A IA JA, B IB JB, C IC JC, D ID JD, E IE JE, F IF JF, G IG JG, H IH JH, I II JI, J IJ JJ, K IK JK)
    (A IA JA, B IB JB, C IC JC, D ID JD, E IE JE, F IF JF, G IG JG, H IH JH, I II JI, J IJ JJ, K IK JK, L IL JL)
    (A IA JA, B IB JB, C IC JC, D ID JD, E IE JE, F IF JF, G IG JG, H IH JH, I II JI, J IJ JJ, K IK JK, L IL JL, M IM JM)
    (A IA JA, B IB JB, C IC JC, D ID JD, E IE JE, F IF JF, G IG JG, H IH JH, I II JI, J IJ JJ, K IK JK, L IL JL, M IM JM, N IN JN)
    (A IA JA, B IB JB, C IC JC, D ID JD, E IE JE, F IF JF, G IG JG, H IH JH, I II JI, J IJ JJ, K IK JK, L IL JL, M IM JM, N IN JN, O IO JO)
    (A IA JA, B IB JB, C IC JC, D ID JD, E IE JE, F IF JF, G IG JG, H IH JH, I II JI, J IJ JJ, K IK JK, L IL JL, M IM JM, N IN JN, O IO JO, P IP JP)
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
    () (B) (B C) (B C D) (B C D E) (B C D E F) (B C D E F G) (B C D E F G H)
    (B C D E F G H I) (B C D E F G H I J) (B C D E F G H I J K) (B C D E F G H I J K L)
    (B C D E F G H I J K L M) (B C D E F G H I J K L M N) (B C D E F G H I J K L M N O)
}

tuple_grouping! {
    (A JA)
    (A JA, B JB)
    (A JA, B JB, C JC)
    (A JA, B JB, C JC, D JD)
    (A JA, B JB, C JC, D JD, E JE)
    (A JA, B JB, C JC, D JD, E JE, F JF)
    (A JA, B JB, C JC, D JD, E JE, F JF, G JG)
    (A JA, B JB, C JC, D JD, E JE, F JF, G JG, H JH)
    (A JA, B JB, C JC, D JD, E JE, F JF, G JG, H JH, I JI)
    (A JA, B JB, C JC, D JD, E JE, F JF, G JG, H JH, I JI, J JJ)
    (A JA, B JB, C JC, D JD, E JE, F JF, G JG, H JH, I JI, J JJ, K JK)
    (A JA, B JB, C JC, D JD, E JE, F JF, G JG, H JH, I JI, J JJ, K JK, L JL)
    (A JA, B JB, C JC, D JD, E JE, F JF, G JG, H JH, I JI, J JJ, K JK, L JL, M JM)
    (A JA, B JB, C JC, D JD, E JE, F JF, G JG, H JH, I JI, J JJ, K JK, L JL, M JM, N JN)
    (A JA, B JB, C JC, D JD, E JE, F JF, G JG, H JH, I JI, J JJ, K JK, L JL, M JM, N JN, O JO)
    (A JA, B JB, C JC, D JD, E JE, F JF, G JG, H JH, I JI, J JJ, K JK, L JL, M JM, N JN, O JO, P JP)
}
