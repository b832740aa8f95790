//! `SELECT DISTINCT` and PostgreSQL's `SELECT DISTINCT ON (..)`, checked against ORDER BY
//! (see [`crate::check::distinct`]).

use super::clauses::{NoOrder, OrderBy};
use super::select::{rebuild, DefaultSelection, Select, SelectClause, Selected};
use crate::check::distinct::{AllSelected, ColumnTree, DistinctOnList, LeadsWith, Probe, Wildcard};
use crate::check::{AppearsIn, ValidGrouping};
use crate::render::{Render, SqlWriter};
use std::marker::PhantomData;

/// A select clause `S` under `DISTINCT` ([`All`]) or `DISTINCT ON (..)` ([`On`]).
pub struct Distinct<S, K> {
    pub(crate) inner: S,
    kind: K,
}

impl<S, K> Distinct<S, K> {
    /// The same DISTINCT over another select clause.
    pub(crate) fn map<S2>(self, f: impl FnOnce(S) -> S2) -> Distinct<S2, K> {
        Distinct {
            inner: f(self.inner),
            kind: self.kind,
        }
    }
}

/// `SELECT DISTINCT`: duplicate rows are removed.
pub struct All;
/// `SELECT DISTINCT ON (columns)`: the first row of each set of rows with equal `columns`.
pub struct On<X>(X);

/// What `DISTINCT` writes and needs.
pub trait DistinctKind {
    /// What it needs of the backend.
    type Needs: crate::backend::Needs;
    /// Writes `DISTINCT ` or `DISTINCT ON (..) `.
    fn render_distinct<'a>(&'a self, out: &mut SqlWriter<'a>);
}
impl DistinctKind for All {
    type Needs = ();
    fn render_distinct<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql("DISTINCT ");
    }
}
impl<X: Render> DistinctKind for On<X> {
    type Needs = crate::backend::needs::Both<
        crate::backend::needs::PgOnly<crate::backend::needs::features::DistinctOn>,
        X::Needs,
    >;
    fn render_distinct<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql("DISTINCT ON (");
        self.0.render(out);
        out.sql(") ");
    }
}

impl<S: SelectClause<F, G, J>, K: DistinctKind, F, G, J> SelectClause<F, G, J> for Distinct<S, K> {
    type SqlType = S::SqlType;
    type Needs = crate::backend::needs::Both<S::Needs, K::Needs>;
    fn render_list<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.kind.render_distinct(out);
        self.inner.render_list(out);
    }
}

/// A select clause that `select` may still set: the default one, possibly under DISTINCT.
pub trait Unselected {
    /// The select clause once `E` (checked with index `I`) is chosen.
    type With<E, I>;
    /// Sets it.
    fn with<E, I>(self, expr: E) -> Self::With<E, I>;
}
impl<C> Unselected for DefaultSelection<C> {
    type With<E, I> = Selected<E, I>;
    fn with<E, I>(self, expr: E) -> Selected<E, I> {
        Selected {
            expr,
            _index: PhantomData,
        }
    }
}
impl<C, K> Unselected for Distinct<DefaultSelection<C>, K> {
    type With<E, I> = Distinct<Selected<E, I>, K>;
    fn with<E, I>(self, expr: E) -> Distinct<Selected<E, I>, K> {
        Distinct {
            inner: Selected {
                expr,
                _index: PhantomData,
            },
            kind: self.kind,
        }
    }
}

/// A select clause without DISTINCT yet.
#[diagnostic::on_unimplemented(
    message = "this query is already DISTINCT",
    label = "`.distinct()` or `.distinct_on(..)` was called before"
)]
pub trait NotDistinct {}
impl<C> NotDistinct for DefaultSelection<C> {}
impl<E, I> NotDistinct for Selected<E, I> {}
impl<F, G> NotDistinct for super::BoxedColumns<'_, F, G> {}

/// The kind of a select clause under [`Probe`]: the columns it reads, or [`Wildcard`].
pub trait ProbeSelect<J> {
    /// [`crate::check::distinct::Reads`] of its columns, or [`Wildcard`].
    type Kind;
}
impl<C> ProbeSelect<()> for DefaultSelection<C> {
    type Kind = Wildcard;
}
impl<E: ValidGrouping<Probe, J>, I, J> ProbeSelect<J> for Selected<E, I> {
    type Kind = E::Kind;
}
/// A select list chosen at run time: its columns are not known here, so any ORDER BY
/// passes (the server checks it).
impl<F, G> ProbeSelect<()> for super::BoxedColumns<'_, F, G> {
    type Kind = Wildcard;
}

/// Any ORDER BY (no DISTINCT).
pub struct Free;
/// The ORDER BY of a `SELECT DISTINCT` whose select list has [`Probe`] kind `K`.
pub struct UnderDistinct<K>(PhantomData<K>);
/// The ORDER BY of a `SELECT DISTINCT ON (X)`.
pub struct UnderDistinctOn<X>(PhantomData<X>);

/// The rule a select clause sets for ORDER BY.
pub trait OrderRule<J> {
    /// [`Free`], [`UnderDistinct`] or [`UnderDistinctOn`].
    type Rule;
}
impl<C> OrderRule<()> for DefaultSelection<C> {
    type Rule = Free;
}
impl<E, I> OrderRule<()> for Selected<E, I> {
    type Rule = Free;
}
impl<F, G> OrderRule<()> for super::BoxedColumns<'_, F, G> {
    type Rule = Free;
}
impl<S: ProbeSelect<J>, J> OrderRule<J> for Distinct<S, All> {
    type Rule = UnderDistinct<S::Kind>;
}
impl<S, X> OrderRule<()> for Distinct<S, On<X>> {
    type Rule = UnderDistinctOn<X>;
}

/// ORDER BY `Self` (`NoOrder` or `OrderBy<..>`) fits rule `R`: PostgreSQL's rules for
/// DISTINCT and DISTINCT ON, anything without DISTINCT.
pub trait OrderUnder<R, J> {}
impl<O> OrderUnder<Free, ()> for O {}
impl<K> OrderUnder<UnderDistinct<K>, ()> for NoOrder {}
impl<K: ColumnTree, X: ValidGrouping<Probe, J, Kind: ColumnTree>, J> OrderUnder<UnderDistinct<K>, J>
    for OrderBy<X>
where
    <X::Kind as ColumnTree>::Tree: AllSelected<K::Tree>,
{
}
impl<X> OrderUnder<UnderDistinctOn<X>, ()> for NoOrder {}
impl<X: DistinctOnList, Y: LeadsWith<X::Tree, X::Count>> OrderUnder<UnderDistinctOn<X>, ()>
    for OrderBy<Y>
{
}

/// An ORDER BY item appended by `then_order_by` under rule `Self`: checked as an ORDER BY
/// of its own under DISTINCT; free under DISTINCT ON, whose leading items `order_by`
/// checked.
pub trait AppendRule<E, J> {}
impl<E> AppendRule<E, ()> for Free {}
impl<X, E> AppendRule<E, ()> for UnderDistinctOn<X> {}
impl<K, E, J> AppendRule<E, J> for UnderDistinct<K> where OrderBy<E>: OrderUnder<Self, J> {}

/// ORDER BY item (or tuple) `Self`, given to `order_by`, fits select clause `S`.
pub trait OrderItemFor<S, J> {}
impl<E, S: OrderRule<JS>, JS, JO> OrderItemFor<S, (JS, JO)> for E where
    OrderBy<E>: OrderUnder<S::Rule, JO>
{
}

/// ORDER BY item `Self`, appended by `then_order_by`, fits select clause `S`.
pub trait AppendItemFor<S, J> {}
impl<E, S: OrderRule<JS>, JS, JE> AppendItemFor<S, (JS, JE)> for E where S::Rule: AppendRule<E, JE> {}

/// Select list `Self` (checked with index `I`) chosen for select clause `S` fits ORDER BY
/// `O`.
pub trait SelectFor<S: Unselected, O, I, J> {}
impl<E, S: Unselected, O, I, JS, JO> SelectFor<S, O, I, (JS, JO)> for E
where
    S::With<E, I>: OrderRule<JS>,
    O: OrderUnder<<S::With<E, I> as OrderRule<JS>>::Rule, JO>,
{
}

/// DISTINCT ON columns `Self` fit ORDER BY `O`.
pub trait OnFits<O, J> {}
impl<X, O: OrderUnder<UnderDistinctOn<X>, J>, J> OnFits<O, J> for X {}

/// ORDER BY `Self` fits a `SELECT DISTINCT` of select clause `S`.
pub trait FitsDistinct<S, J> {}
impl<O, S: ProbeSelect<JS>, JS, JO> FitsDistinct<S, (JS, JO)> for O where
    O: OrderUnder<UnderDistinct<S::Kind>, JO>
{
}

impl<F, From, S: NotDistinct, W, O, G, H> Select<F, From, S, W, O, G, H> {
    /// `SELECT DISTINCT`: removes duplicate rows. Its ORDER BY may use only columns it
    /// selects (PostgreSQL's rule, checked here).
    pub fn distinct<J>(self) -> Select<F, From, Distinct<S, All>, W, O, G, H>
    where
        O: FitsDistinct<S, J>,
    {
        rebuild!(self, select: Distinct { inner: self.select, kind: All })
    }

    /// `SELECT DISTINCT ON (columns)` (PostgreSQL): one row per distinct value of
    /// `columns` (a column or a tuple of up to 4), the first in ORDER BY's order, so the
    /// ORDER BY must start with `columns` (checked here): the latest order of each customer
    /// is `.distinct_on(orders::customer_id).order_by((orders::customer_id,
    /// orders::placed_at.desc()))`.
    pub fn distinct_on<X: DistinctOnList + AppearsIn<F, IX> + Render + OnFits<O, JO>, IX, JO>(
        self,
        columns: X,
    ) -> Select<F, From, Distinct<S, On<X>>, W, O, G, H> {
        let _ = PhantomData::<IX>;
        rebuild!(self, select: Distinct { inner: self.select, kind: On(columns) })
    }
}
