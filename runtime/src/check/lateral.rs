//! Which outer sources the query of a derived table may read: those joined before it when it
//! is joined LATERAL, none otherwise.
//!
//! A query declares the outer sources it reads with `correlate` (an `Outer<S>` entry in its
//! FROM list, see [`super::OuterRefs`]). A LATERAL subquery is checked against the FROM list
//! of the query it is joined to, as it stands before the join ([`LateralRefs`]); a derived
//! table, a CTE or a subquery joined without LATERAL must read none ([`Uncorrelated`]).

use super::{Both, Cons, HasSource, Nil, Outer, Src};

/// Every outer source a LATERAL subquery's FROM list `Self` reads is joined before it, in
/// FROM list `Fo`. (One blanket impl over [`LateralRefsEach`], so that a failure is reported
/// at the source it names, without a list of this trait's impls.)
pub trait LateralRefs<Fo, I> {}
impl<L: LateralRefsEach<Fo, I>, Fo, I> LateralRefs<Fo, I> for L {}

/// [`LateralRefs`], entry by entry.
pub trait LateralRefsEach<Fo, I> {}
impl<Fo> LateralRefsEach<Fo, ()> for Nil {}
impl<S, N, T: LateralRefsEach<Fo, I>, Fo, I> LateralRefsEach<Fo, I> for Cons<Src<S, N>, T> {}
impl<S, T: LateralRefsEach<Fo, I>, Fo: LateralScope<S, J>, I, J> LateralRefsEach<Fo, (I, J)>
    for Cons<Outer<S>, T>
{
}
impl<A: LateralRefsEach<Fo, I>, B: LateralRefsEach<Fo, J>, Fo, I, J> LateralRefsEach<Fo, (I, J)>
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

/// A FROM list that reads no outer source: the query of a derived table or a CTE (one
/// blanket impl over [`UncorrelatedEach`], as for [`LateralRefs`]).
pub trait Uncorrelated {}
impl<L: UncorrelatedEach> Uncorrelated for L {}

/// [`Uncorrelated`], entry by entry.
pub trait UncorrelatedEach {}
impl UncorrelatedEach for Nil {}
impl<S, N, T: UncorrelatedEach> UncorrelatedEach for Cons<Src<S, N>, T> {}
impl<S, T: UncorrelatedEach> UncorrelatedEach for Cons<Outer<S>, T> where Self: ReadsNoOuter<S> {}
impl<A: UncorrelatedEach, B: UncorrelatedEach> UncorrelatedEach for Both<A, B> {}

/// Implemented by no FROM list: a derived table or a CTE whose query is correlated with
/// source `S` is reported with this message.
#[diagnostic::on_unimplemented(
    message = "a derived table or CTE cannot read `{S}` of another query",
    label = "this query is correlated with `{S}` (`.correlate({S})`)",
    note = "to read the tables joined before it, join the query LATERAL: `.left_join_lateral(table, query)` or `.inner_join_lateral(table, query)`"
)]
pub trait ReadsNoOuter<S> {}
