//! GROUP BY and HAVING.

use super::clauses::{AddCondition, AllRows, NoHaving};
use super::select::{rebuild, DefaultSelection, Select};
use crate::check::{AppearsIn, GroupBy, GroupList, NoGroup, ValidGrouping};
use crate::expr::BoolExpression;
use std::marker::PhantomData;

/// A valid GROUP BY list for FROM list `F`: columns (or a tuple of them) of its sources.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be grouped by in this query",
    note = "GROUP BY takes columns of the query's tables, or a tuple of them"
)]
pub trait ValidGroupBy<F, I> {}
impl<E: AppearsIn<F, I> + GroupList, F, I> ValidGroupBy<F, I> for E {}

/// A valid HAVING condition under grouping `G`: boolean, columns in `F`, and every plain
/// column grouped.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a HAVING condition of this query",
    note = "HAVING takes a boolean expression of aggregates and grouped columns"
)]
pub trait ValidHaving<F, G, I> {}
impl<E, F, G, I, J> ValidHaving<F, G, (I, J)> for E where
    E: AppearsIn<F, I> + BoolExpression + ValidGrouping<crate::check::WithFrom<G, F>, J>
{
}

impl<F, From, C, W, O> Select<F, From, DefaultSelection<C>, W, O, NoGroup, NoHaving> {
    /// `GROUP BY columns`: afterwards every plain column in the select list, HAVING and
    /// ORDER BY must be grouped, or its table's primary key must be.
    pub fn group_by<E: ValidGroupBy<F, I>, I>(
        self,
        columns: E,
    ) -> Select<F, From, DefaultSelection<C>, W, O, GroupBy<E>> {
        rebuild!(self, group: GroupBy(columns))
    }

    /// `HAVING condition` without GROUP BY: the query becomes one group, so it may select
    /// only aggregates.
    #[allow(clippy::type_complexity)]
    pub fn having<E: ValidHaving<F, GroupBy<AllRows>, I>, I>(
        self,
        condition: E,
    ) -> Select<
        F,
        From,
        DefaultSelection<C>,
        W,
        O,
        GroupBy<AllRows>,
        <NoHaving as AddCondition<E>>::Out,
    > {
        let _ = PhantomData::<I>;
        rebuild!(self, group: GroupBy(AllRows), having: self.having.add(condition))
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
