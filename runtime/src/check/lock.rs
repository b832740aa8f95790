//! Where a locking clause (`FOR UPDATE`, `FOR SHARE`, ..) may stand: PostgreSQL's rules,
//! checked when the query is locked (see `Select::for_update`) and, for the FROM list, when
//! it runs (after any `.of(..)`).
//!
//! PostgreSQL refuses a locking clause on a query whose rows are not rows of tables: with
//! GROUP BY or HAVING, with aggregates, with DISTINCT, with window functions, with
//! UNION/INTERSECT/EXCEPT; and on a table on the optional side of an outer join, whose
//! missing rows cannot be locked. Each rule is one trait whose message names the clause. The
//! rules are chained (HAVING, then grouping, then the select list), each asking the next
//! from its passing impl, so a query breaking two of them is still one error.

use super::grouping::{ColumnMode, GroupBy, MixedNoGroup, Neutral, NoGroup, SourceMode};
use super::ids::True;
use super::{Cons, HasSource, Nil, Src, ValidGrouping};
use crate::query::{AllRows, NoHaving, Source, Table};
use crate::types::NotNull;
use std::marker::PhantomData;

/// HAVING `Self` (then the grouping `G` and select clause `S`) allows a locking clause.
#[diagnostic::on_unimplemented(
    message = "FOR UPDATE / FOR SHARE cannot be used with HAVING",
    label = "this query has a HAVING clause: its rows are groups, not rows of a table",
    note = "lock the rows in a query without grouping, and aggregate in another statement"
)]
pub trait LockHaving<G, S, J> {}
#[diagnostic::do_not_recommend]
impl<G: LockGrouping<S, J>, S, J> LockHaving<G, S, J> for NoHaving {}

/// Grouping `Self` (then the select clause `S`) allows a locking clause.
#[diagnostic::on_unimplemented(
    message = "FOR UPDATE / FOR SHARE cannot be used with GROUP BY",
    label = "this query groups its rows: a group is not a row of a table",
    note = "lock the rows in a query without grouping, and aggregate in another statement"
)]
pub trait LockGrouping<S, J> {}
#[diagnostic::do_not_recommend]
impl<S: LockSelect<J>, J> LockGrouping<S, J> for NoGroup {}
// A select list mixing aggregates and columns without GROUP BY is reported where the query
// runs (`GroupingComplete`); not a second time here.
#[diagnostic::do_not_recommend]
impl<S: LockSelect<J>, J> LockGrouping<S, J> for MixedNoGroup {}
// A select list of aggregates (or HAVING, checked before) makes the query one group.
#[diagnostic::do_not_recommend]
impl<S: NoAggregates, J> LockGrouping<S, J> for GroupBy<AllRows> {}

/// An aggregate select list refuses a locking clause (`Self` is the select clause).
#[diagnostic::on_unimplemented(
    message = "FOR UPDATE / FOR SHARE cannot be used with aggregate functions",
    label = "this query selects aggregates: its one row is computed, not a row of a table",
    note = "lock the rows in a query that selects them, and aggregate in another statement"
)]
pub trait NoAggregates {}

/// Select clause `Self` allows a locking clause: no DISTINCT, no window function.
pub trait LockSelect<J> {}
#[diagnostic::do_not_recommend]
impl<C> LockSelect<()> for crate::query::DefaultSelection<C> {}
#[diagnostic::do_not_recommend]
impl<E: ValidGrouping<LockProbe, J>, I, J> LockSelect<J> for crate::query::Selected<E, I> {}
// A select list chosen at run time: a window function in it is the server's error.
#[diagnostic::do_not_recommend]
impl<F, G> LockSelect<()> for crate::query::BoxedColumns<'_, F, G> {}
#[diagnostic::do_not_recommend]
impl<S, K: NotDistinct> LockSelect<()> for crate::query::Distinct<S, K> {}

/// DISTINCT refuses a locking clause (`Self` is `All` or `On<..>`).
#[diagnostic::on_unimplemented(
    message = "FOR UPDATE / FOR SHARE cannot be used with DISTINCT",
    label = "this query is DISTINCT: a row of its result may stand for several rows of a table",
    note = "lock the rows in a query without DISTINCT"
)]
pub trait NotDistinct {}

/// The grouping mode in which a locked query's select list is walked: everything a select
/// list may hold passes, except window functions (`W` is [`WindowFunction`], which is asked
/// [`NoWindows`] so that the error has that trait's message).
pub struct LockProbe<W = WindowFunction>(PhantomData<W>);
/// What a window function in a locked query is reported as.
pub struct WindowFunction;
impl<C, W> ColumnMode<C> for LockProbe<W> {
    type Kind = Neutral;
}
impl<S, W> SourceMode<S> for LockProbe<W> {
    type Kind = Neutral;
}
#[diagnostic::do_not_recommend]
impl<W> crate::expr::AggregatesAllowed for LockProbe<W> {}
#[diagnostic::do_not_recommend]
impl<W> crate::expr::GroupingAllowed for LockProbe<W> {}
#[diagnostic::do_not_recommend]
impl<W: NoWindows> crate::expr::WindowsAllowed for LockProbe<W> {}

/// Window functions refuse a locking clause.
#[diagnostic::on_unimplemented(
    message = "FOR UPDATE / FOR SHARE cannot be used with window functions",
    label = "this query computes a window function over its rows",
    note = "lock the rows in a query without `.over(..)`, and compute the window in another statement"
)]
pub trait NoWindows {}

/// A source a locking clause may lock: a stored table, or an alias of one. A derived table
/// or a CTE is not (name the tables to lock with `.of(..)`).
pub trait LockableSource: Source {}
#[diagnostic::do_not_recommend]
impl<S: Source> LockableSource for S where <S::Table as Table>::Stored: Stored<S> {}

/// The answer "`S` is a stored table" must be yes.
#[diagnostic::on_unimplemented(
    message = "FOR UPDATE / FOR SHARE cannot lock `{S}`: it is a derived table or a CTE, not a stored table",
    label = "the rows of `{S}` are computed by a query",
    note = "name the stored tables to lock with `.of(..)`, or lock inside the query that reads them"
)]
pub trait Stored<S> {}
#[diagnostic::do_not_recommend]
impl<S> Stored<S> for True {}

/// Nullability `Self` of source `S` in the FROM list allows locking `S`: not the optional side
/// of an outer join.
#[diagnostic::on_unimplemented(
    message = "FOR UPDATE / FOR SHARE cannot lock `{S}`: it is on the nullable side of an outer join",
    label = "a row missing from `{S}` cannot be locked",
    note = "name the tables to lock with `.of(..)`, leaving out `{S}`"
)]
pub trait LockableSide<S> {}
#[diagnostic::do_not_recommend]
impl<S> LockableSide<S> for NotNull {}

/// Every source of FROM list `Self` can be locked (a locking clause without `OF`).
pub trait AllLockable {}
#[diagnostic::do_not_recommend]
impl AllLockable for Nil {}
#[diagnostic::do_not_recommend]
impl<S: LockableSource, N: LockableSide<S>, T: AllLockable> AllLockable for Cons<Src<S, N>, T> {}

/// The `OF` list `Self` (a source or a tuple of them) names sources of FROM list `F` that
/// can be locked; `I` is the inferred index.
pub trait LockTargets<F, I> {
    /// Writes the names, comma separated.
    fn render_names(out: &mut crate::render::SqlWriter<'_>);
}

#[diagnostic::do_not_recommend]
impl<S: LockableSource, F: HasSource<S, I>, I> LockTargets<F, I> for S
where
    F::Null: LockableSide<S>,
{
    fn render_names(out: &mut crate::render::SqlWriter<'_>) {
        out.ident(S::NAME);
    }
}

macro_rules! lock_target_tuples {
    ($(($s0:ident $i0:ident $($s:ident $i:ident)+))*) => {$(
        #[diagnostic::do_not_recommend]
        impl<F, $s0: LockTargets<F, $i0>, $i0, $($s: LockTargets<F, $i>, $i),+>
            LockTargets<F, ($i0, $($i,)+)> for ($s0, $($s,)+)
        {
            fn render_names(out: &mut crate::render::SqlWriter<'_>) {
                $s0::render_names(out);
                $(
                    out.sql(", ");
                    $s::render_names(out);
                )+
            }
        }
    )*};
}
lock_target_tuples! {
    (S0 I0 S1 I1)
    (S0 I0 S1 I1 S2 I2)
    (S0 I0 S1 I1 S2 I2 S3 I3)
}
