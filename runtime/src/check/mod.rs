//! The compile-time rules: FROM-clause membership, nullability from joins, grouping.
//!
//! A query's FROM clause is a type-level list `Cons<Src<T, N>, Cons<..., Nil>>`, where `N`
//! says whether rows of `T` may be missing (outer joins). "Table `T` is in list `F`" is the
//! trait [`HasSource<T, I>`], proven by an index `I` (`Here`, `There<Here>`, ...) that the
//! compiler infers, so no impl per pair of tables is ever needed. Every builder method takes
//! one rule trait whose index parameter is inferred and stored in the query's type.

pub mod distinct;
mod from;
mod grouping;
pub mod identity;
pub mod ids;
mod lateral;
pub mod lock;
pub mod writes;

pub use from::{AllNullable, Append, HasId, NotInFrom};
pub use grouping::{
    Agg, ColumnGrouped, ColumnMode, GroupBy, GroupHas, GroupKeys, GroupList, GroupingComplete,
    IdOf, InHaving, InsideAggregate, InsideWhere, KeyIds, KeysOf, Mix, Mixed, MixedNoGroup,
    Neutral, NoGroup, NullAllIf, Plain, SourceGrouped, SourceMode, ValidGrouping, WithFrom,
};
pub use lateral::{
    LateralRefs, LateralRefsEach, LateralScope, ReadsNoOuter, Uncorrelated, UncorrelatedEach,
};

use crate::expr::{ctx, Expression, IsBool, Shown, ShownAs};
use crate::types::Nullability;
use std::marker::PhantomData;

/// The end of a FROM list.
pub struct Nil;
/// A FROM list: entry `H` followed by the list `T`.
pub struct Cons<H, T>(PhantomData<(H, T)>);
/// A FROM-list entry: source `S` whose columns have nullability `N` in this query
/// (`Null` on the optional side of an outer join).
pub struct Src<S, N>(PhantomData<(S, N)>);
/// A FROM-list entry of a correlated subquery: source `S` of an enclosing query, readable
/// here (see `Select::correlate`), as nullable. It is not written in this query's FROM clause, is not
/// counted as one of its sources for grouping, and must be in scope where the subquery is
/// used ([`OuterRefs`]).
pub struct Outer<S>(PhantomData<S>);
/// Index: the entry is the head of the list.
pub struct Here;
/// Index: the entry is in the tail, at index `I`.
pub struct There<I>(PhantomData<I>);

/// The FROM list contains source `S`, at index `I`.
#[diagnostic::on_unimplemented(
    message = "`{S}` is not in the FROM clause of this query",
    label = "this expression reads `{S}`, which this query does not select from",
    note = "join `{S}` first, or use only columns of the tables this query reads"
)]
pub trait HasSource<S, I> {
    /// How `S`'s columns are seen in this query: `NotNull`, or `Null` after an outer join.
    type Null: Nullability;
}

#[diagnostic::do_not_recommend]
impl<S, N: Nullability, T> HasSource<S, Here> for Cons<Src<S, N>, T> {
    type Null = N;
}

#[diagnostic::do_not_recommend]
impl<H, S, T: HasSource<S, I>, I> HasSource<S, There<I>> for Cons<H, T> {
    type Null = T::Null;
}

// An outer query's columns are seen as nullable: the outer source may be on the optional
// side of an outer join there, which the subquery cannot know.
#[diagnostic::do_not_recommend]
impl<S, T> HasSource<S, Here> for Cons<Outer<S>, T> {
    type Null = crate::types::Null;
}
#[diagnostic::do_not_recommend]
impl<C, S, T> HasColumn<C, S, Here> for Cons<Outer<S>, T> {
    type Null = crate::types::Null;
}

/// Every outer source a (sub)query's FROM list `Self` reads is in scope in the enclosing
/// FROM list `Fo`.
pub trait OuterRefs<Fo, I> {}
impl<Fo> OuterRefs<Fo, ()> for Nil {}
impl<S, N, T: OuterRefs<Fo, I>, Fo, I> OuterRefs<Fo, I> for Cons<Src<S, N>, T> {}
impl<S, T: OuterRefs<Fo, I>, Fo: OuterScope<S, J>, I, J> OuterRefs<Fo, (I, J)>
    for Cons<Outer<S>, T>
{
}
/// Both sides of a set operation.
pub struct Both<A, B>(PhantomData<(A, B)>);
impl<A: OuterRefs<Fo, I>, B: OuterRefs<Fo, J>, Fo, I, J> OuterRefs<Fo, (I, J)> for Both<A, B> {}

/// The enclosing query reads source `S`, which a correlated subquery refers to.
#[diagnostic::on_unimplemented(
    message = "this subquery reads `{S}` of an outer query, but `{S}` is not in the FROM clause around it",
    label = "the subquery is correlated with `{S}` (`.correlate({S})`)",
    note = "use the subquery inside a query that reads `{S}`; a derived table (FROM) or a CTE cannot be correlated"
)]
pub trait OuterScope<S, I> {}
#[diagnostic::do_not_recommend]
impl<F: HasSource<S, I>, S, I> OuterScope<S, I> for F {}

/// The SQL type `ST` of column `C` (of source `T`) in FROM list `F`: nullable when `T` is on
/// the optional side of an outer join.
pub type LiftColumn<F, C, T, I, ST> = <<F as HasColumn<C, T, I>>::Null as Nullability>::Apply<ST>;

/// [`HasSource`] for a column `C` of table `S`: the same lookup, with the column named so
/// that the error message can name it whichever way the compiler reaches it.
#[diagnostic::on_unimplemented(
    message = "column `{C}` is not in the FROM clause of this query: its table `{S}` is not in it",
    label = "`{C}` belongs to `{S}`, which this query does not select from",
    note = "join `{S}` first, or use a column of a table this query reads"
)]
pub trait HasColumn<C, S, I> {
    /// How `S`'s columns are seen in this query.
    type Null: Nullability;
}

#[diagnostic::do_not_recommend]
impl<C, S, N: Nullability, T> HasColumn<C, S, Here> for Cons<Src<S, N>, T> {
    type Null = N;
}

#[diagnostic::do_not_recommend]
impl<C, H, S, T: HasColumn<C, S, I>, I> HasColumn<C, S, There<I>> for Cons<H, T> {
    type Null = T::Null;
}

/// An expression (or a tuple of them) whose columns all come from FROM list `F`.
/// `Lifted` is its SQL type there, made nullable where a column sits on the optional
/// side of an outer join.
pub trait AppearsIn<F, I> {
    /// The SQL type (or tuple of SQL types) seen through `F`.
    type Lifted;
}

/// A valid WHERE condition for FROM list `F`: boolean, columns in `F`, and no aggregate.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a WHERE condition of this query",
    note = "a filter is a boolean expression over the tables in this query's FROM clause, with no aggregate"
)]
pub trait ValidWhere<F, I> {}

impl<E, F, I, J> ValidWhere<F, (I, J)> for E
where
    E: AppearsIn<F, I> + Expression + Shown + ValidGrouping<InsideWhere, J>,
    // Checked on the condition's name, so that the error names the column.
    ShownAs<E>: IsBool<E::SqlType, ctx::filter>,
{
}

/// A valid select clause for FROM list `F` and grouping `G`: `SqlType` is the row's SQL type.
///
/// `G2` is the grouping after this select list: a list of aggregates without GROUP BY makes
/// the query one implicit group (see [`crate::query::Regroup`]). It is a parameter, not an
/// associated type, so that `select`'s return type needs no projection and a mistake is
/// reported once, at the argument.
pub trait ValidSelect<F, G, I, G2 = G> {
    /// The row's SQL type (a SQL type, a tuple of them, or a struct's `Tagged` row).
    type SqlType;
    /// The grouping after this select list.
    fn regroup(g: G) -> G2;
}

impl<E, F, G, I, J, G2, ST> ValidSelect<F, G, (I, J, ST), G2> for E
where
    E: AppearsIn<F, I, Lifted = ST> + ValidGrouping<WithFrom<G, F>, J>,
    <E as ValidGrouping<WithFrom<G, F>, J>>::Kind: crate::query::Regroup<G, Out = G2>,
{
    type SqlType = <E as AppearsIn<F, I>>::Lifted;
    fn regroup(g: G) -> G2 {
        <<E as ValidGrouping<WithFrom<G, F>, J>>::Kind as crate::query::Regroup<G>>::regroup(g)
    }
}

/// A valid ORDER BY list for FROM list `F` and grouping `G`.
pub trait ValidOrder<F, G, I> {}

impl<E, F, G, I, J> ValidOrder<F, G, (I, J)> for E
where
    E: AppearsIn<F, I> + ValidGrouping<WithFrom<G, F>, J>,
    <E as ValidGrouping<WithFrom<G, F>, J>>::Kind: OrderKind<G>,
{
}

/// An ORDER BY item of kind `Self` fits grouping `G`: without GROUP BY (and without an
/// aggregate select list, which makes the query one group) rows are not grouped, so an
/// aggregate cannot order them.
#[diagnostic::on_unimplemented(
    message = "an aggregate in ORDER BY needs GROUP BY or a select list of aggregates",
    label = "this query's rows are not grouped",
    note = "call `.select(..)` with aggregates (or `.group_by(..)`) before `.order_by(..)`"
)]
pub trait OrderKind<G> {}
#[diagnostic::do_not_recommend]
impl OrderKind<NoGroup> for Plain {}
#[diagnostic::do_not_recommend]
impl OrderKind<NoGroup> for Neutral {}
#[diagnostic::do_not_recommend]
impl<K, X> OrderKind<GroupBy<X>> for K {}
// Already an error where the query runs (see `GroupingComplete`): not reported twice.
#[diagnostic::do_not_recommend]
impl<K> OrderKind<MixedNoGroup> for K {}
