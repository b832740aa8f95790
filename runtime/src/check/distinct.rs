//! SELECT DISTINCT and DISTINCT ON against ORDER BY.
//!
//! PostgreSQL requires that a `SELECT DISTINCT` is ordered only by what it selects, and that
//! the ORDER BY of a `SELECT DISTINCT ON (..)` starts with the DISTINCT ON expressions.
//!
//! The first rule is checked on columns: the grouping walk ([`super::ValidGrouping`]) is run in the
//! mode [`Probe`], where a column's kind is [`Reads<C>`] and kinds combine into a tree of
//! the columns read; every column an ORDER BY item reads must be read by the select list.
//! That is what PostgreSQL's rule implies (an ORDER BY expression equal to a select item
//! reads the same columns), so nothing PostgreSQL accepts is rejected; an expression over
//! selected columns that is not itself selected (`ORDER BY lower(name)` with `name`
//! selected) passes here and is left to the server (docs/design.md).

use super::grouping::{Agg, ColumnMode, Mix, Mixed, Neutral, Plain, SourceMode};
use super::ids::{Bool, False, IdEq};
use crate::query::SourceColumn;
use std::marker::PhantomData;

/// The grouping mode that collects the columns an expression reads instead of checking.
pub struct Probe;
/// Kind under [`Probe`]: the expression reads the columns of tree `L` (a column, or a pair
/// of trees).
pub struct Reads<L>(PhantomData<L>);
/// Kind under [`Probe`] of a whole source: it reads every column.
pub struct Wildcard;

impl<C> ColumnMode<C> for Probe {
    type Kind = Reads<C>;
}
impl<S> SourceMode<S> for Probe {
    type Kind = Wildcard;
}
impl<E> super::identity::GroupedExpr<E> for Probe {
    type Out = super::ids::False;
}

macro_rules! mix_probe {
    ($($k:ty),*) => {$(
                #[diagnostic::do_not_recommend]
        impl<L> Mix<$k> for Reads<L> {
            type Out = Reads<L>;
        }
                #[diagnostic::do_not_recommend]
        impl<L> Mix<Reads<L>> for $k {
            type Out = Reads<L>;
        }
                #[diagnostic::do_not_recommend]
        impl Mix<$k> for Wildcard {
            type Out = Wildcard;
        }
                #[diagnostic::do_not_recommend]
        impl Mix<Wildcard> for $k {
            type Out = Wildcard;
        }
    )*};
}
mix_probe!(Plain, Neutral, Agg, Mixed);

#[diagnostic::do_not_recommend]
impl<A, B> Mix<Reads<B>> for Reads<A> {
    type Out = Reads<(A, B)>;
}
#[diagnostic::do_not_recommend]
impl<L> Mix<Reads<L>> for Wildcard {
    type Out = Wildcard;
}
#[diagnostic::do_not_recommend]
impl<L> Mix<Wildcard> for Reads<L> {
    type Out = Wildcard;
}
#[diagnostic::do_not_recommend]
impl Mix<Wildcard> for Wildcard {
    type Out = Wildcard;
}

/// Whether a tree of columns holds a column of identity `Id`.
pub trait TreeHas<Id> {
    /// [`super::ids::True`] or [`False`].
    type Out: Bool;
}
/// Column leaves: `Col` and `AliasCol` written out, not a blanket impl over columns, so a
/// pair matches one impl only and an error names the column at fault.
macro_rules! column_leaves {
    ($([$($gen:tt)*] $c:ty, $id:ty;)*) => {$(
        impl<Id, $($gen)*> TreeHas<Id> for $c
        where
            $id: IdEq<Id>,
        {
            type Out = <$id as IdEq<Id>>::Out;
        }
        impl<T, $($gen)*> AllSelected<T> for $c
        where
            T: TreeHas<$id>,
            <T as TreeHas<$id>>::Out: OrderedColumnSelected<<$c as SourceColumn>::Name>,
        {
        }
        impl<On, $($gen)*> DistinctOnColumn<On> for $c
        where
            On: TreeHas<$id>,
            <On as TreeHas<$id>>::Out: IsDistinctOnColumn<<$c as SourceColumn>::Name>,
        {
        }
        impl<On, N, $($gen)*> LeadsWith<On, S<N>> for $c where $c: DistinctOnColumn<On> {}
    )*};
}
column_leaves! {
    [M: crate::query::ColumnDef] crate::query::Col<M>,
        super::ids::ColumnId<<M::Table as crate::query::Source>::Id, M::Position>;
    [A: crate::query::Alias, K: crate::query::Column] crate::query::AliasCol<A, K>,
        super::ids::ColumnId<<A as crate::query::Source>::Id, K::Position>;
}
impl<Id, A: TreeHas<Id>, B: TreeHas<Id>> TreeHas<Id> for (A, B) {
    type Out = <A::Out as Bool>::Or<B::Out>;
}
impl<Id> TreeHas<Id> for () {
    type Out = False;
}

/// Every column: what a select list of a whole table is seen to select.
pub struct Everything;
impl<Id> TreeHas<Id> for Everything {
    type Out = super::ids::True;
}

/// The columns an expression of kind `Self` (under [`Probe`]) reads, as a tree (`()` for
/// none, [`Everything`] for a whole table).
pub trait ColumnTree {
    /// The tree.
    type Tree;
}
impl<L> ColumnTree for Reads<L> {
    type Tree = L;
}
impl ColumnTree for Wildcard {
    type Tree = Everything;
}
macro_rules! no_columns {
    ($($k:ty),*) => {$(
        impl ColumnTree for $k {
            type Tree = ();
        }
    )*};
}
no_columns!(Plain, Neutral, Agg, Mixed);

/// Every column of tree `Self` is in tree `T`.
pub trait AllSelected<T> {}
impl<A: AllSelected<T>, B: AllSelected<T>, T> AllSelected<T> for (A, B) {}
impl<T> AllSelected<T> for () {}
/// An ORDER BY of a whole table (`order_by(users::table)` is not SQL, but the kind exists).
impl<T> AllSelected<T> for Everything {}

/// The answer "ORDER BY column `C` of a SELECT DISTINCT is selected" must be yes.
#[diagnostic::on_unimplemented(
    message = "column `{C}` is in ORDER BY, but this SELECT DISTINCT does not select it",
    label = "add `{C}` to `.select(..)`, or order by a selected column: a SELECT DISTINCT is ordered by what it selects"
)]
pub trait OrderedColumnSelected<C> {}
#[diagnostic::do_not_recommend]
impl<C> OrderedColumnSelected<C> for super::ids::True {}

/// An ORDER BY item that may start the ORDER BY of a `DISTINCT ON (..)` query whose columns
/// are the tree `On`: one of those columns, ascending or descending.
#[diagnostic::on_unimplemented(
    message = "the ORDER BY of a DISTINCT ON query must start with the DISTINCT ON columns",
    label = "`{Self}` is not one of the DISTINCT ON columns",
    note = "order by the `.distinct_on(..)` columns first, then by anything else: `.order_by((users::id, users::name.desc()))`"
)]
pub trait DistinctOnColumn<On> {}
impl<E: DistinctOnColumn<On>, On> DistinctOnColumn<On> for crate::expr::Ordered<E> {}

/// The answer "`C` is a DISTINCT ON column" must be yes.
#[diagnostic::on_unimplemented(
    message = "the ORDER BY of a DISTINCT ON query must start with the DISTINCT ON columns, not `{C}`",
    label = "`{C}` is not a DISTINCT ON column: order by the `.distinct_on(..)` columns first, then by anything else"
)]
pub trait IsDistinctOnColumn<C> {}
#[diagnostic::do_not_recommend]
impl<C> IsDistinctOnColumn<C> for super::ids::True {}

/// Type-level counts: how many DISTINCT ON columns the ORDER BY must start with.
pub struct Z;
/// One more than `N`.
pub struct S<N>(PhantomData<N>);

/// An ORDER BY list (a single item or a tuple) whose first `N` items (all of them, when it
/// has fewer) are DISTINCT ON columns of tree `On`.
#[diagnostic::on_unimplemented(
    message = "the ORDER BY of a DISTINCT ON query must start with the DISTINCT ON columns",
    label = "this ORDER BY does not start with the `.distinct_on(..)` columns",
    note = "order by the `.distinct_on(..)` columns first, then by anything else"
)]
pub trait LeadsWith<On, N> {}

impl<On, E: DistinctOnColumn<On>, N> LeadsWith<On, S<N>> for crate::expr::Ordered<E> {}

macro_rules! leads_with {
    ($(($($t:ident)*) [$($lead:ident)*] $n:ty;)*) => {$(
                #[allow(unused_parens)]
        impl<On, $($t),*> LeadsWith<On, $n> for ($($t,)*)
        where
            $($lead: DistinctOnColumn<On>,)*
        {
        }
    )*};
}
// Every tuple arity up to 8 for 1 to 4 DISTINCT ON columns: the leading items are checked.
leads_with! {
    (A) [A] S<Z>; (A) [A] S<S<Z>>; (A) [A] S<S<S<Z>>>; (A) [A] S<S<S<S<Z>>>>;
    (A B) [A] S<Z>; (A B) [A B] S<S<Z>>; (A B) [A B] S<S<S<Z>>>; (A B) [A B] S<S<S<S<Z>>>>;
    (A B C) [A] S<Z>; (A B C) [A B] S<S<Z>>; (A B C) [A B C] S<S<S<Z>>>;
    (A B C) [A B C] S<S<S<S<Z>>>>;
    (A B C D) [A] S<Z>; (A B C D) [A B] S<S<Z>>; (A B C D) [A B C] S<S<S<Z>>>;
    (A B C D) [A B C D] S<S<S<S<Z>>>>;
    (A B C D E) [A] S<Z>; (A B C D E) [A B] S<S<Z>>; (A B C D E) [A B C] S<S<S<Z>>>;
    (A B C D E) [A B C D] S<S<S<S<Z>>>>;
    (A B C D E F) [A] S<Z>; (A B C D E F) [A B] S<S<Z>>; (A B C D E F) [A B C] S<S<S<Z>>>;
    (A B C D E F) [A B C D] S<S<S<S<Z>>>>;
    (A B C D E F G) [A] S<Z>; (A B C D E F G) [A B] S<S<Z>>;
    (A B C D E F G) [A B C] S<S<S<Z>>>; (A B C D E F G) [A B C D] S<S<S<S<Z>>>>;
    (A B C D E F G H) [A] S<Z>; (A B C D E F G H) [A B] S<S<Z>>;
    (A B C D E F G H) [A B C] S<S<S<Z>>>; (A B C D E F G H) [A B C D] S<S<S<S<Z>>>>;
}

/// The columns of `DISTINCT ON (..)`: a column or a tuple of up to 4 columns.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a DISTINCT ON list",
    note = "`.distinct_on(..)` takes a column or a tuple of up to 4 columns"
)]
pub trait DistinctOnList {
    /// The columns as a tree (for [`TreeHas`]).
    type Tree;
    /// How many there are ([`S`]`<`[`Z`]`>` for one).
    type Count;
}
impl<C: SourceColumn> DistinctOnList for C {
    type Tree = C;
    type Count = S<Z>;
}
impl<A: SourceColumn> DistinctOnList for (A,) {
    type Tree = A;
    type Count = S<Z>;
}
impl<A: SourceColumn, B: SourceColumn> DistinctOnList for (A, B) {
    type Tree = (A, B);
    type Count = S<S<Z>>;
}
impl<A: SourceColumn, B: SourceColumn, C: SourceColumn> DistinctOnList for (A, B, C) {
    type Tree = (A, (B, C));
    type Count = S<S<S<Z>>>;
}
impl<A: SourceColumn, B: SourceColumn, C: SourceColumn, D: SourceColumn> DistinctOnList
    for (A, B, C, D)
{
    type Tree = (A, (B, (C, D)));
    type Count = S<S<S<S<Z>>>>;
}
