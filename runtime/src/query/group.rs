//! GROUP BY and HAVING.

use super::clauses::{AddCondition, AllRows, NoHaving};
use super::clauses::{NoOrder, OrderBy};
use super::distinct::{Distinct, Unselected};
use super::select::{rebuild, DefaultSelection, Select, Selected};
use crate::check::ids::True;
use crate::check::{AppearsIn, GroupBy, GroupList, NoGroup, NullAllIf, ValidGrouping};
use crate::check::{ValidOrder, ValidSelect};
use crate::expr::BoolExpression;
use crate::render::{Render, SqlWriter};
use std::marker::PhantomData;

/// A valid GROUP BY list for FROM list `F`: columns or expressions of its sources (or a
/// tuple of them), without aggregates or window functions.
#[diagnostic::on_unimplemented(
    message = "GROUP BY takes columns or expressions of the query's tables (or a tuple of them), and this is not one",
    label = "not a column or an expression of them"
)]
///
/// `F2` is the FROM list as seen after grouping (every entry nullable under grouping sets);
/// a parameter rather than an associated type, so that `group_by`'s return type needs no
/// projection and a mistake is reported once, at the argument.
pub trait ValidGroupBy<F, I, F2> {}
impl<E, F, I, J, F2> ValidGroupBy<F, (I, J), F2> for E
where
    E: AppearsIn<F, I> + GroupList + ValidGrouping<crate::check::InsideWhere, J>,
    E::Sets: NullAllIf<F, Out = F2>,
{
}

/// A valid HAVING condition under grouping `G`: boolean, columns in `F`, and every plain
/// column grouped.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a HAVING condition of this query",
    note = "HAVING takes a boolean expression of aggregates and grouped columns"
)]
pub trait ValidHaving<F, G, I> {}
impl<E, F, G, I, J> ValidHaving<F, G, (I, J)> for E where
    E: AppearsIn<F, I> + BoolExpression + ValidGrouping<crate::check::InHaving<G, F>, J>
{
}

impl<F, From, S: Unselected, W, O> Select<F, From, S, W, O, NoGroup, NoHaving> {
    /// `HAVING condition` without GROUP BY: the query becomes one group, so it may select
    /// only aggregates.
    #[allow(clippy::type_complexity)]
    pub fn having<E: ValidHaving<F, GroupBy<AllRows>, I>, I>(
        self,
        condition: E,
    ) -> Select<F, From, S, W, O, GroupBy<AllRows>, <NoHaving as AddCondition<E>>::Out> {
        let _ = PhantomData::<I>;
        rebuild!(self, group: GroupBy(AllRows), having: self.having.add(condition))
    }
}

/// The grouping of a query whose select list was set before `group_by`: none, the single
/// group of an aggregate select list, or a list that mixes aggregates and plain columns.
pub trait Ungrouped {}
impl Ungrouped for NoGroup {}
impl Ungrouped for GroupBy<AllRows> {}
impl Ungrouped for crate::check::MixedNoGroup {}

/// A select clause, checked again under a new grouping `G` and FROM list `F` when it was
/// set before `group_by` (the default one is checked where the query runs).
pub trait Reselect<F, G, I> {
    /// The select clause with its new check.
    type Out;
    /// Converts it.
    fn reselect(self) -> Self::Out;
}
impl<C, F, G> Reselect<F, G, ()> for DefaultSelection<C> {
    type Out = Self;
    fn reselect(self) -> Self {
        self
    }
}
impl<C, K, F, G> Reselect<F, G, ()> for Distinct<DefaultSelection<C>, K> {
    type Out = Self;
    fn reselect(self) -> Self {
        self
    }
}
impl<E: ValidSelect<F, G, I2>, I, F, G, I2> Reselect<F, G, I2> for Selected<E, I> {
    type Out = Selected<E, I2>;
    fn reselect(self) -> Selected<E, I2> {
        self.recheck()
    }
}
impl<E: ValidSelect<F, G, I2>, I, K, F, G, I2> Reselect<F, G, I2> for Distinct<Selected<E, I>, K> {
    type Out = Distinct<Selected<E, I2>, K>;
    fn reselect(self) -> Self::Out {
        self.map(Selected::recheck)
    }
}

/// An ORDER BY already set, checked again under a new grouping `G` and FROM list `F`.
pub trait Reorder<F, G, I> {}
impl<F, G> Reorder<F, G, ()> for NoOrder {}
impl<X: ValidOrder<F, G, I>, F, G, I> Reorder<F, G, I> for OrderBy<X> {}

/// GROUP BY columns `Self` fit a select clause `S` and ORDER BY `O` set before them: both
/// are checked again under the grouping (`SOut` is the select clause with its new check).
pub trait RegroupFor<S, O, F, SOut, J> {
    /// The select clause with its new check.
    fn regroup(select: S) -> SOut;
}
impl<X, S, O, F, SOut, IS, IO> RegroupFor<S, O, F, SOut, (IS, IO)> for X
where
    S: Reselect<F, GroupBy<X>, IS, Out = SOut>,
    O: Reorder<F, GroupBy<X>, IO>,
{
    fn regroup(select: S) -> SOut {
        select.reselect()
    }
}

impl<F, From, S, W, O, G: Ungrouped> Select<F, From, S, W, O, G, NoHaving> {
    /// `GROUP BY columns`: afterwards every plain column in the select list, HAVING and
    /// ORDER BY must be grouped, or its table's primary key must be. It may come before or
    /// after `select` (SQL's order, or SQLAlchemy's `select(..).group_by(..)`): the select
    /// list and ORDER BY are checked against the grouping either way.
    ///
    /// `columns` may also be [`rollup`], [`cube`] or [`grouping_sets`]: then every column
    /// loads as `Option<_>`, since a grouping set leaves the columns it does not group NULL.
    #[allow(clippy::type_complexity)]
    pub fn group_by<E: ValidGroupBy<F, I, F2> + RegroupFor<S, O, F2, S2, J>, I, F2, S2, J>(
        self,
        columns: E,
    ) -> Select<F2, From, S2, W, O, GroupBy<E>> {
        rebuild!(self, select: E::regroup(self.select), group: GroupBy(columns))
    }
}

impl<F, From, S, W, O, G, H> Select<F, From, S, W, O, GroupBy<G>, H> {
    /// `HAVING condition` (several calls are ANDed).
    pub fn having<E: ValidHaving<F, GroupBy<G>, I>, I>(
        self,
        condition: E,
    ) -> Select<F, From, S, W, O, GroupBy<G>, H::Out>
    where
        H: AddCondition<E>,
    {
        rebuild!(self, having: self.having.add(condition))
    }
}

/// `ROLLUP (a, b, ..)`: the groups `(a, b, ..)`, `(a, ..)`, ..., `()`.
#[derive(Clone, Copy)]
pub struct Rollup<T>(T);
/// `CUBE (a, b, ..)`: every subset of the columns as a group.
#[derive(Clone, Copy)]
pub struct Cube<T>(T);
/// `GROUPING SETS ((..), (..), ..)`.
#[derive(Clone, Copy)]
pub struct GroupingSets<T>(T);

/// `ROLLUP (columns)`, for `group_by`: a column or a tuple of columns.
pub fn rollup<T: GroupList>(columns: T) -> Rollup<T> {
    Rollup(columns)
}
/// `CUBE (columns)`, for `group_by`: a column or a tuple of columns.
pub fn cube<T: GroupList>(columns: T) -> Cube<T> {
    Cube(columns)
}
/// `GROUPING SETS (..)`, for `group_by`: a tuple of sets, each a column, a tuple of columns,
/// or `()` (the grand total).
pub fn grouping_sets<T: GroupSets>(sets: T) -> GroupingSets<T> {
    GroupingSets(sets)
}

impl<T: GroupList> GroupList for Rollup<T> {
    type Ids = T::Ids;
    type Sets = True;
    type Common = ();
}
impl<T: GroupList> GroupList for Cube<T> {
    type Ids = T::Ids;
    type Sets = True;
    type Common = ();
}
impl<T: GroupSets> GroupList for GroupingSets<T> {
    type Ids = T::Ids;
    type Sets = True;
    type Common = ();
}
// A grouping set's items are checked for aggregates as a plain list's are; GROUPING SETS'
// own sets (which may be `()`) are left to the server.
impl<T: ValidGrouping<G, J>, G, J> ValidGrouping<G, J> for Rollup<T> {
    type Kind = T::Kind;
}
impl<T: ValidGrouping<G, J>, G, J> ValidGrouping<G, J> for Cube<T> {
    type Kind = T::Kind;
}
impl<T, G> ValidGrouping<G, ()> for GroupingSets<T> {
    type Kind = crate::check::Neutral;
}
impl<T: AppearsIn<F, I>, F, I> AppearsIn<F, I> for Rollup<T> {
    type Lifted = ();
}
impl<T: AppearsIn<F, I>, F, I> AppearsIn<F, I> for Cube<T> {
    type Lifted = ();
}
impl<T: SetsIn<F, I>, F, I> AppearsIn<F, I> for GroupingSets<T> {
    type Lifted = ();
}
impl<T: Render> Render for Rollup<T> {
    type Needs =
        crate::backend::needs::PgOnly<crate::backend::needs::features::RollupCubeGroupingSets>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql("ROLLUP (");
        self.0.render(out);
        out.sql(")");
    }
}
impl<T: Render> Render for Cube<T> {
    type Needs =
        crate::backend::needs::PgOnly<crate::backend::needs::features::RollupCubeGroupingSets>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql("CUBE (");
        self.0.render(out);
        out.sql(")");
    }
}
impl<T: GroupSets> Render for GroupingSets<T> {
    type Needs =
        crate::backend::needs::PgOnly<crate::backend::needs::features::RollupCubeGroupingSets>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql("GROUPING SETS (");
        self.0.render_sets(out);
        out.sql(")");
    }
}

/// A tuple of grouping sets.
pub trait GroupSets {
    /// Every set's column ids.
    type Ids;
    /// Writes `(..), (..)`.
    fn render_sets<'a>(&'a self, out: &mut SqlWriter<'a>);
}
/// One grouping set: a column, a tuple of columns, or `()`.
pub trait GroupSet: GroupList {
    /// Writes the columns (nothing for `()`).
    fn render_set<'a>(&'a self, out: &mut SqlWriter<'a>);
}
impl GroupSet for () {
    fn render_set<'a>(&'a self, _: &mut SqlWriter<'a>) {}
}
impl<T: GroupList + Render> GroupSet for T {
    fn render_set<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.render(out);
    }
}
/// Every set's columns are in FROM list `F`.
pub trait SetsIn<F, I> {}
/// One set's columns are in FROM list `F`.
pub trait SetIn<F, I> {}
/// Index marker of the empty grouping set.
pub struct GrandTotal;
/// Index marker of a grouping set of columns.
pub struct SetCols<I>(PhantomData<I>);
impl<F> SetIn<F, GrandTotal> for () {}
impl<T: AppearsIn<F, I> + GroupList, F, I> SetIn<F, SetCols<I>> for T {}

macro_rules! group_sets {
    ($(($($t:ident $i:ident)+))*) => {$(
        #[allow(non_snake_case)]
        impl<$($t: GroupSet),+> GroupSets for ($($t,)+) {
            type Ids = ($($t::Ids,)+);
            fn render_sets<'a>(&'a self, out: &mut SqlWriter<'a>) {
                let ($($t,)+) = self;
                let mut first = true;
                $(
                    if !first {
                        out.sql(", ");
                    }
                    first = false;
                    out.sql("(");
                    $t.render_set(out);
                    out.sql(")");
                )+
                let _ = first;
            }
        }
        impl<Fr, $($t: SetIn<Fr, $i>, $i),+> SetsIn<Fr, ($($i,)+)> for ($($t,)+) {}
    )*};
}
group_sets! {
    (A IA) (A IA B IB) (A IA B IB C IC) (A IA B IB C IC D ID) (A IA B IB C IC D ID E IE)
    (A IA B IB C IC D ID E IE F IF) (A IA B IB C IC D ID E IE F IF G IG)
    (A IA B IB C IC D ID E IE F IF G IG H IH)
}
