//! The select clause of a query: the default one (every column), one chosen with
//! `select`, what each writes and its row type ([`SelectClause`]), and how choosing one
//! changes the grouping ([`Regroup`]).

use super::super::clauses::AllRows;
use crate::check::{Agg, GroupBy, MixedNoGroup, Neutral, NoGroup, Plain, ValidSelect};
use crate::render::{Render, SqlWriter};
use std::marker::PhantomData;

/// The select clause when none was given: every column of the FROM clause's sources
/// (`C` is one source, or a tuple of them after joins).
#[derive(Clone, Copy, Default)]
pub struct DefaultSelection<C>(pub(crate) C);

/// A select clause `E`, checked with index `I`.
pub struct Selected<E, I> {
    pub(crate) expr: E,
    pub(crate) _index: PhantomData<I>,
}

impl<E, I> Selected<E, I> {
    pub(crate) fn new(expr: E) -> Self {
        Selected {
            expr,
            _index: PhantomData,
        }
    }

    /// The same select list with the index of a new check.
    pub(crate) fn recheck<I2>(self) -> Selected<E, I2> {
        Selected::new(self.expr)
    }
}

/// The select clause of a query: what it writes and the SQL type of its rows. `J` is an
/// inferred index (the default selection is checked when the query runs).
pub trait SelectClause<F, G, J> {
    /// The SQL type of a row.
    type SqlType;
    /// What the select list needs of the backend.
    type Needs: crate::backend::Needs;
    /// Writes the select list.
    fn render_list<'a>(&'a self, out: &mut SqlWriter<'a>);
}

impl<C, F, G, I, K, ST, G2> SelectClause<F, G, (I, K, ST, G2)> for DefaultSelection<C>
where
    C: ValidSelect<F, G, (I, K, ST), G2> + Render,
{
    type SqlType = C::SqlType;
    type Needs = C::Needs;
    fn render_list<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.0.render_select(out);
    }
}

/// Checked by `select`, which found the row type `ST`; here nothing is checked again, so a
/// mistake in the select list is reported once, not again where the query runs. (A list
/// that mixes aggregates and plain columns is reported where the query runs, see
/// [`GroupingComplete`](crate::check::GroupingComplete).)
impl<E: Render, F, G, I, J, ST> SelectClause<F, G, ()> for Selected<E, (I, J, ST)> {
    type SqlType = ST;
    type Needs = E::Needs;
    fn render_list<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.expr.render_select(out);
    }
}

/// How choosing a select list changes the grouping: a list of aggregates without GROUP BY
/// makes the query one implicit group, so ORDER BY is then checked as under GROUP BY.
pub trait Regroup<G> {
    /// The grouping after the select clause.
    type Out;
    /// Converts the grouping value.
    fn regroup(g: G) -> Self::Out;
}
impl Regroup<NoGroup> for Agg {
    type Out = GroupBy<AllRows>;
    fn regroup(_: NoGroup) -> GroupBy<AllRows> {
        GroupBy(AllRows)
    }
}
impl Regroup<NoGroup> for Plain {
    type Out = NoGroup;
    fn regroup(g: NoGroup) -> NoGroup {
        g
    }
}
impl Regroup<NoGroup> for Neutral {
    type Out = NoGroup;
    fn regroup(g: NoGroup) -> NoGroup {
        g
    }
}
impl Regroup<NoGroup> for crate::check::Mixed {
    type Out = MixedNoGroup;
    fn regroup(_: NoGroup) -> MixedNoGroup {
        MixedNoGroup
    }
}
impl<K, X> Regroup<GroupBy<X>> for K {
    type Out = GroupBy<X>;
    fn regroup(g: GroupBy<X>) -> GroupBy<X> {
        g
    }
}
