//! Expression identities: the same expression in GROUP BY and in the select list.
//!
//! PostgreSQL accepts `SELECT date_trunc('month', ordered_at), sum(total) .. GROUP BY
//! date_trunc('month', ordered_at)`: an expression equal to a GROUP BY item is grouped, even
//! though the column it reads is not. To tell "equal" at compile time every expression has
//! an [`ExprKey::Id`], a type-level tree: a column is its [`super::ids::ColumnId`], a function
//! call or an operator is a [`Node`] of its marker's id and its arguments' ids, and anything
//! the rule does not look into is [`Opaque`], equal to nothing. A bound value is opaque on
//! purpose: PostgreSQL compares parameters by number, so `lower($1)` in the select list never
//! matches `lower($2)` in GROUP BY, and a GROUP BY expression holding a Rust value cannot be
//! selected; the compiler says the same.
//!
//! Equality is computed as an associated type ([`IdEq`]), so there is one impl to choose at
//! every step and a mistake is still reported at the column that is not grouped.

use super::grouping::{GroupBy, GroupList, InHaving, InsideAggregate, InsideWhere};
use super::grouping::{Mix, MixedNoGroup, Neutral, NoGroup, ValidGrouping, WithFrom};
use super::ids::{Bool, ColumnId, False, IdEq, ListHas, True};
use std::marker::PhantomData;

/// The identity of an expression, for matching GROUP BY expressions (see the module docs).
pub trait ExprKey {
    /// A [`ColumnId`], a [`Node`] or [`Opaque`].
    type Id;
}

/// The type-level id of a function or operator marker (a hash of its name).
pub trait NameId {
    /// A chain of hexadecimal digits ([`super::ids::X0`] ..).
    type Id;
}

/// A call of marker `Tag` on the arguments `Args` (an [`Args`] list).
pub struct Node<Tag, Args>(PhantomData<(Tag, Args)>);
/// An argument list: `H` followed by `T`.
pub struct Args<H, T>(PhantomData<(H, T)>);
/// The end of an argument list.
pub struct ArgsEnd;
/// An expression the rule does not look into (a bound value, an aggregate, a subquery):
/// equal to nothing, itself included.
pub struct Opaque;

impl<T1: IdEq<T2>, A1: IdEq<A2>, T2, A2> IdEq<Node<T2, A2>> for Node<T1, A1> {
    type Out = <T1::Out as Bool>::And<A1::Out>;
}
impl<T, A, S, P> IdEq<ColumnId<S, P>> for Node<T, A> {
    type Out = False;
}
impl<T, A, S, P> IdEq<Node<T, A>> for ColumnId<S, P> {
    type Out = False;
}
impl<X> IdEq<X> for Opaque {
    type Out = False;
}
impl<T, A> IdEq<Opaque> for Node<T, A> {
    type Out = False;
}
impl<S, P> IdEq<Opaque> for ColumnId<S, P> {
    type Out = False;
}
impl IdEq<ArgsEnd> for ArgsEnd {
    type Out = True;
}
impl<H, T> IdEq<Args<H, T>> for ArgsEnd {
    type Out = False;
}
impl<H, T> IdEq<ArgsEnd> for Args<H, T> {
    type Out = False;
}
impl<H1: IdEq<H2>, T1: IdEq<T2>, H2, T2> IdEq<Args<H2, T2>> for Args<H1, T1> {
    type Out = <H1::Out as Bool>::And<T1::Out>;
}

/// The ids of a tuple of arguments, as an [`Args`] list.
pub trait ArgKeys {
    /// The list.
    type Ids;
}
impl ArgKeys for () {
    type Ids = ArgsEnd;
}
macro_rules! arg_keys {
    ($(($first:ident $($rest:ident)*))*) => {$(
        impl<$first: ExprKey, $($rest: ExprKey),*> ArgKeys for ($first, $($rest,)*) {
            type Ids = Args<$first::Id, <($($rest,)*) as ArgKeys>::Ids>;
        }
    )*};
}
arg_keys! {
    (A) (A B) (A B C) (A B C D) (A B C D E) (A B C D E F) (A B C D E F G) (A B C D E F G H)
    (A B C D E F G H I) (A B C D E F G H I J) (A B C D E F G H I J K) (A B C D E F G H I J K L)
}

/// `Node<marker id, argument ids>`.
pub type NodeOf<N, A> = Node<<N as NameId>::Id, <A as ArgKeys>::Ids>;

/// Whether expression `E` is itself grouped under grouping mode `Self`: equal to an item of
/// GROUP BY. [`False`] in every mode but the select list, HAVING and ORDER BY of a grouped
/// query.
pub trait GroupedExpr<E> {
    /// [`True`] or [`False`].
    type Out: Bool;
}
impl<E, F> GroupedExpr<E> for WithFrom<NoGroup, F> {
    type Out = False;
}
impl<E, F> GroupedExpr<E> for WithFrom<MixedNoGroup, F> {
    type Out = False;
}
impl<E: ExprKey, X: GroupList, F> GroupedExpr<E> for WithFrom<GroupBy<X>, F>
where
    X::Ids: ListHas<E::Id>,
{
    type Out = <X::Ids as ListHas<E::Id>>::Out;
}
impl<E, G, F> GroupedExpr<E> for InHaving<G, F>
where
    WithFrom<G, F>: GroupedExpr<E>,
{
    type Out = <WithFrom<G, F> as GroupedExpr<E>>::Out;
}
impl<E> GroupedExpr<E> for InsideWhere {
    type Out = False;
}
impl<E> GroupedExpr<E> for InsideAggregate {
    type Out = False;
}

/// The kind of an expression under grouping `G`: [`Neutral`] when it is grouped itself
/// (`Self` is [`True`]), else the kind of its parts `S` (`J` is their inferred index).
pub trait GroupedOr<S, G, J> {
    /// `Plain`, `Agg` or `Neutral`.
    type Kind;
}
impl<S, G> GroupedOr<S, G, ()> for True {
    type Kind = Neutral;
}
impl<S: ValidGrouping<G, J>, G, J> GroupedOr<S, G, J> for False {
    type Kind = S::Kind;
}

/// [`GroupedOr`] for a node of two parts `L` and `R` (an operator): their kinds mixed.
pub trait GroupedOr2<L, R, G, J> {
    /// `Plain`, `Agg` or `Neutral`.
    type Kind;
}
impl<L, R, G> GroupedOr2<L, R, G, ()> for True {
    type Kind = Neutral;
}
impl<L, R, G, JL, JR> GroupedOr2<L, R, G, (JL, JR)> for False
where
    L: ValidGrouping<G, JL>,
    R: ValidGrouping<G, JR>,
    L::Kind: Mix<R::Kind>,
{
    type Kind = <L::Kind as Mix<R::Kind>>::Out;
}

/// `ValidGrouping` for an expression node `$ty` whose parts are `$parts`: grouped itself,
/// or as its parts are.
macro_rules! keyed_grouping {
    ([$($gen:tt)*] $ty:ty => ($l:ty, $r:ty)) => {
        impl<$($gen)* __G, __J> $crate::check::ValidGrouping<__G, __J> for $ty
        where
            __G: $crate::check::identity::GroupedExpr<Self>,
            <__G as $crate::check::identity::GroupedExpr<Self>>::Out:
                $crate::check::identity::GroupedOr2<$l, $r, __G, __J>,
        {
            type Kind = <<__G as $crate::check::identity::GroupedExpr<Self>>::Out as
                $crate::check::identity::GroupedOr2<$l, $r, __G, __J>>::Kind;
        }
    };
    ([$($gen:tt)*] $ty:ty => $parts:ty) => {
        impl<$($gen)* __G, __J> $crate::check::ValidGrouping<__G, __J> for $ty
        where
            __G: $crate::check::identity::GroupedExpr<Self>,
            <__G as $crate::check::identity::GroupedExpr<Self>>::Out:
                $crate::check::identity::GroupedOr<$parts, __G, __J>,
        {
            type Kind = <<__G as $crate::check::identity::GroupedExpr<Self>>::Out as
                $crate::check::identity::GroupedOr<$parts, __G, __J>>::Kind;
        }
    };
}
pub(crate) use keyed_grouping;

/// `ExprKey` for types the rule does not look into.
macro_rules! opaque_keys {
    ($([$($gen:tt)*] $ty:ty;)*) => {$(
        impl<$($gen)*> $crate::check::identity::ExprKey for $ty {
            type Id = $crate::check::identity::Opaque;
        }
    )*};
}
pub(crate) use opaque_keys;

/// A fixed marker id for the crate's own nodes (`CAST`, `extract`, ...).
macro_rules! name_ids {
    ($($marker:ident = $name:ident;)*) => {$(
        #[doc(hidden)]
        pub struct $marker;
        impl $crate::check::identity::NameId for $marker {
            type Id = ::sqlwright::__private::name_id!(node $name);
        }
    )*};
}
pub(crate) use name_ids;
