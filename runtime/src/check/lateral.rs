//! Which outer sources the query of a derived table may read: those joined before it when it
//! is joined LATERAL, none otherwise.
//!
//! A query declares the outer sources it reads with `correlate` (an `Outer<S>` entry in its
//! FROM list, see [`super::OuterRefs`]). A LATERAL subquery is checked against the FROM list
//! of the query it is joined to, as it stands before the join ([`LateralRefs`]); a derived
//! table, a CTE or a subquery joined without LATERAL must read none ([`Uncorrelated`]).

use super::{Both, Cons, HasSource, Nil, Outer, Src};

/// Every outer source a LATERAL subquery's FROM list `Self` reads is joined before it, in
/// FROM list `Fo`.
pub trait LateralRefs<Fo, I> {}
impl<Fo> LateralRefs<Fo, ()> for Nil {}
impl<S, N, T: LateralRefs<Fo, I>, Fo, I> LateralRefs<Fo, I> for Cons<Src<S, N>, T> {}
impl<S, T: LateralRefs<Fo, I>, Fo: LateralScope<S, J>, I, J> LateralRefs<Fo, (I, J)>
    for Cons<Outer<S>, T>
{
}
impl<A: LateralRefs<Fo, I>, B: LateralRefs<Fo, J>, Fo, I, J> LateralRefs<Fo, (I, J)>
    for Both<A, B>
{
}

/// The query a LATERAL subquery is joined to reads source `S` before the join.
#[diagnostic::on_unimplemented(
    message = "this LATERAL subquery reads `{S}`, but `{S}` is not joined before it",
    label = "the subquery is correlated with `{S}` (`.correlate({S})`)",
    note = "a LATERAL subquery reads only the tables joined before it: join `{S}` first, then the LATERAL subquery"
)]
pub trait LateralScope<S, I> {}
#[diagnostic::do_not_recommend]
impl<F: HasSource<S, I>, S, I> LateralScope<S, I> for F {}

/// A FROM list that reads no outer source: the query of a derived table or a CTE.
pub trait Uncorrelated {}
impl Uncorrelated for Nil {}
impl<S, N, T: Uncorrelated> Uncorrelated for Cons<Src<S, N>, T> {}
impl<S: ReadByLateralOnly, T: Uncorrelated> Uncorrelated for Cons<Outer<S>, T> {}
impl<A: Uncorrelated, B: Uncorrelated> Uncorrelated for Both<A, B> {}

/// Implemented by no source: a derived table or a CTE whose query is correlated with `Self`
/// is reported with this message.
#[diagnostic::on_unimplemented(
    message = "a derived table or CTE cannot read `{Self}` of another query",
    label = "this query is correlated with `{Self}` (`.correlate({Self})`)",
    note = "to read the tables joined before it, join the query LATERAL: `.left_join_lateral(table, query)` or `.inner_join_lateral(table, query)`"
)]
pub trait ReadByLateralOnly {}
