//! Aggregate kinds: which expressions may appear together in a select list.
//!
//! Every expression has a kind under a grouping `G`: [`Plain`] (reads a column row by row),
//! [`Agg`] (an aggregate), or [`Neutral`] (a constant, or a column that is in GROUP BY).
//! Kinds combine through [`Mix`]; `Plain` with `Agg` has no combination, which is the
//! compile error for a select list that mixes the two.

use super::from::HasId;
use super::identity::ExprKey;
use super::ids::{AllIn, Bool, ColumnId, ListHas, True};
use crate::query::{Source, SourceColumn, Table};
use std::marker::PhantomData;

/// No GROUP BY clause.
pub struct NoGroup;

/// `GROUP BY g`: `G` is the grouped column or expression, or a tuple of them. `GroupBy<()>` is the single
/// implicit group of an aggregate query without GROUP BY (HAVING alone).
pub struct GroupBy<G>(pub(crate) G);

/// What can be grouped by: a column or an expression, or a tuple of them. `Ids` lists their
/// identities.
pub trait GroupList {
    /// A tuple of [`ColumnId`]s and expression ids ([`ExprKey::Id`]).
    type Ids;
    /// [`True`] for ROLLUP, CUBE and GROUPING SETS, whose rows may hold NULL in any column.
    type Sets: Bool;
    /// The ids grouped in every grouping set: a table's key among them makes its other
    /// columns grouped (PostgreSQL's functional dependency rule needs the key in each set).
    /// `Ids` for a plain list; empty for ROLLUP and CUBE (their empty set groups nothing)
    /// and for GROUPING SETS.
    type Common;
}

/// The FROM list after grouping: unchanged, or every entry nullable under grouping sets
/// (`Self` is the [`GroupList::Sets`] answer).
pub trait NullAllIf<F> {
    /// The FROM list.
    type Out;
}
impl<F> NullAllIf<F> for super::ids::False {
    type Out = F;
}
impl<F: super::AllNullable> NullAllIf<F> for True {
    type Out = F::Out;
}

/// The identity of a column as read from its source.
pub type IdOf<C> =
    ColumnId<<<C as SourceColumn>::Source as Source>::Id, <C as SourceColumn>::Position>;

impl GroupList for () {
    type Ids = ();
    type Sets = super::ids::False;
    type Common = ();
}

/// A column or an expression: its identity is its [`ExprKey::Id`] (a column's is [`IdOf`]).
impl<C: ExprKey> GroupList for C {
    type Ids = (C::Id,);
    type Sets = super::ids::False;
    type Common = (C::Id,);
}

macro_rules! group_lists {
    ($(($($t:ident)+))*) => {$(
        impl<$($t: ExprKey),+> GroupList for ($($t,)+) {
            type Ids = ($($t::Id,)+);
            type Sets = super::ids::False;
            type Common = ($($t::Id,)+);
        }
    )*};
}

group_lists! {
    (A) (A B) (A B C) (A B C D) (A B C D E) (A B C D E F) (A B C D E F G) (A B C D E F G H)
    (A B C D E F G H I) (A B C D E F G H I J) (A B C D E F G H I J K) (A B C D E F G H I J K L)
}

/// A tuple of column positions (a table's primary key), which gives column ids once the
/// id of the source read is known.
pub trait KeyIds {
    /// A tuple of [`ColumnId`]s.
    type With<SourceId>;
}

macro_rules! key_ids {
    ($(($($t:ident)*))*) => {$(
        impl<$($t),*> KeyIds for ($($t,)*) {
            type With<Sid> = ($(ColumnId<Sid, $t>,)*);
        }
    )*};
}

key_ids! { () (A) (A B) (A B C) (A B C D) (A B C D E) (A B C D E F) (A B C D E F G) (A B C D E F G H) }

/// The key column ids of source `S`.
pub type KeysOf<S> =
    <<<S as Source>::Table as Table>::KeyPositions as KeyIds>::With<<S as Source>::Id>;

/// Whether column `C` may be used under this grouping, in a query with FROM list `F`: it is
/// grouped, or its source's primary key is (PostgreSQL's functional dependency rule). A
/// column whose source is not in `F` passes here: that mistake is reported as not being in
/// the FROM clause.
pub trait GroupHas<C, F> {}

/// "`C` is grouped, or its key is, or its source is not in `F`".
type GroupedOrAbsent<G, C, F> =
    <<<<G as GroupList>::Ids as ListHas<IdOf<C>>>::Out as Bool>::Or<
        <KeysOf<<C as SourceColumn>::Source> as AllIn<<G as GroupList>::Common>>::Out,
    > as Bool>::Or<<<F as HasId<<<C as SourceColumn>::Source as Source>::Id>>::Out as Bool>::Not>;

impl<G, C, F> GroupHas<C, F> for G
where
    G: GroupList,
    C: SourceColumn,
    G::Ids: ListHas<IdOf<C>>,
    KeysOf<C::Source>: AllIn<G::Common>,
    F: HasId<<C::Source as Source>::Id>,
    GroupedOrAbsent<G, C, F>: ColumnGrouped<C::Name>,
{
}

/// The answer "column `C` is grouped" must be yes.
#[diagnostic::on_unimplemented(
    message = "column `{C}` must appear in GROUP BY or be used in an aggregate function",
    label = "add `{C}` to `.group_by(..)`, group by its table's primary key, or aggregate it (`max(..)`)"
)]
pub trait ColumnGrouped<C> {}
#[diagnostic::do_not_recommend]
impl<C> ColumnGrouped<C> for True {}

/// Whether a whole source `S` may be selected under this grouping: its primary key is grouped.
pub trait GroupKeys<S> {}

impl<G, S> GroupKeys<S> for G
where
    G: GroupList,
    S: Source,
    KeysOf<S>: AllIn<G::Common>,
    <KeysOf<S> as AllIn<G::Common>>::Out: SourceGrouped<S>,
{
}

/// The answer "source `S`'s key is grouped" must be yes.
#[diagnostic::on_unimplemented(
    message = "all columns of `{S}` are selected, but its primary key is not in GROUP BY",
    label = "group by the primary key of `{S}` to select it whole"
)]
pub trait SourceGrouped<S> {}
#[diagnostic::do_not_recommend]
impl<S> SourceGrouped<S> for True {}

/// The grouping mode of a WHERE or ON condition: row by row, no aggregates.
pub struct InsideWhere;
/// The grouping mode of an aggregate's argument: row by row, no nested aggregates.
pub struct InsideAggregate;

/// The kind of column `C` under grouping mode `Self`: [`Plain`] row by row, [`Neutral`]
/// when grouped. One impl per mode, all here, so each column needs one generated impl.
pub trait ColumnMode<C> {
    /// The column's kind.
    type Kind;
}
/// Grouping mode `G` of a query whose FROM list is `F`: the select list, HAVING and ORDER BY
/// are checked in this mode, so that a column of a table the query does not read is reported
/// once (as not in the FROM clause), not also as not grouped.
pub struct WithFrom<G, F>(PhantomData<(G, F)>);

impl<C, F> ColumnMode<C> for WithFrom<NoGroup, F> {
    type Kind = Plain;
}
impl<C, F> ColumnMode<C> for WithFrom<MixedNoGroup, F> {
    type Kind = Plain;
}
impl<C, F, X: GroupHas<C, F>> ColumnMode<C> for WithFrom<GroupBy<X>, F> {
    type Kind = Neutral;
}
impl<C> ColumnMode<C> for InsideWhere {
    type Kind = Plain;
}
impl<C> ColumnMode<C> for InsideAggregate {
    type Kind = Plain;
}

/// Grouping mode of HAVING: as the select list ([`WithFrom`]), but without window functions.
pub struct InHaving<G, F>(PhantomData<(G, F)>);

impl<C, G, F> ColumnMode<C> for InHaving<G, F>
where
    WithFrom<G, F>: ColumnMode<C>,
{
    type Kind = <WithFrom<G, F> as ColumnMode<C>>::Kind;
}

/// The kind of a whole source `S` selected under grouping mode `Self`.
pub trait SourceMode<S> {
    /// The source's kind.
    type Kind;
}
impl<S, F> SourceMode<S> for WithFrom<NoGroup, F> {
    type Kind = Plain;
}
impl<S, F> SourceMode<S> for WithFrom<MixedNoGroup, F> {
    type Kind = Plain;
}
impl<S, F, X: GroupKeys<S>> SourceMode<S> for WithFrom<GroupBy<X>, F> {
    type Kind = Neutral;
}
impl<S, G, F> SourceMode<S> for InHaving<G, F>
where
    WithFrom<G, F>: SourceMode<S>,
{
    type Kind = <WithFrom<G, F> as SourceMode<S>>::Kind;
}
impl<S> SourceMode<S> for InsideWhere {
    type Kind = Plain;
}
impl<S> SourceMode<S> for InsideAggregate {
    type Kind = Plain;
}

/// Kind of an expression that reads columns row by row.
pub struct Plain;
/// Kind of an aggregate call.
pub struct Agg;
/// Kind of a constant, or of a grouped column: mixes with either.
pub struct Neutral;

/// The kind of an expression under grouping `G` (`J` is an inferred index).
pub trait ValidGrouping<G, J> {
    /// `Plain`, `Agg` or `Neutral`.
    type Kind;
}

/// Kind of an expression or list that has both an aggregate and a plain column: wrong
/// without GROUP BY, which may still follow (`.select(..).group_by(..)`), so the query
/// carries [`MixedNoGroup`] and the mistake is reported where the query is run.
pub struct Mixed;

/// Combines two kinds: the kind of an expression built from both.
pub trait Mix<K> {
    /// The combined kind.
    type Out;
}

macro_rules! mix {
    ($($a:ty, $b:ty => $out:ty;)*) => {$(
        #[diagnostic::do_not_recommend]
        impl Mix<$b> for $a {
            type Out = $out;
        }
    )*};
}
mix! {
    Plain, Plain => Plain;
    Plain, Neutral => Plain;
    Neutral, Plain => Plain;
    Neutral, Neutral => Neutral;
    Agg, Agg => Agg;
    Agg, Neutral => Agg;
    Neutral, Agg => Agg;
    Plain, Agg => Mixed;
    Agg, Plain => Mixed;
    Mixed, Mixed => Mixed;
    Mixed, Plain => Mixed;
    Mixed, Agg => Mixed;
    Mixed, Neutral => Mixed;
    Plain, Mixed => Mixed;
    Agg, Mixed => Mixed;
    Neutral, Mixed => Mixed;
}

/// The grouping state of a query whose select list mixes aggregates and plain columns
/// without GROUP BY: fine if `.group_by(..)` follows, an error where the query is run.
pub struct MixedNoGroup;

/// The query's grouping is complete: not [`MixedNoGroup`]. `B` is the backend the query
/// runs on (any): a parameter the compiler knows only once the connection's type is, so
/// the mistake is reported with this message rather than as a missing method.
#[diagnostic::on_unimplemented(
    message = "cannot mix aggregate expressions and plain columns without GROUP BY",
    label = "this query selects both an aggregate and a plain column, and has no `.group_by(..)`",
    note = "add `.group_by(..)` with the plain columns, or aggregate them too"
)]
pub trait GroupingComplete<B> {}
#[diagnostic::do_not_recommend]
impl<B> GroupingComplete<B> for NoGroup {}
#[diagnostic::do_not_recommend]
impl<B, X> GroupingComplete<B> for GroupBy<X> {}
