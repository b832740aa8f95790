//! Query methods called directly on a table: `users::table.filter(..)`.

use super::select::{DefaultRow, Filter, NoFilter, OrderBy, RowType, Selected};
use super::{DefaultSelection, Select, SingleFrom, Table};
use crate::check::{NoGroup, ValidOrder, ValidSelect, ValidWhere};
use crate::engine::{Error, Executor};
use crate::render::Render;
use crate::types::RowOf;

/// The query of a whole table, as the table methods start it.
pub type TableSelect<T, W = NoFilter> =
    Select<SingleFrom<T>, T, DefaultSelection<<T as Table>::AllColumns>, W>;

/// Starts a query from a table: every method is the same as on [`Select`].
pub trait TableQuery: Table {
    /// `SELECT <all columns> FROM table`.
    fn query(self) -> TableSelect<Self> {
        Select::from_table(self)
    }

    /// See [`Select::filter`].
    fn filter<E, I>(self, condition: E) -> TableSelect<Self, Filter<E>>
    where
        E: ValidWhere<SingleFrom<Self>, I>,
    {
        self.query().filter(condition)
    }

    /// See [`Select::select`].
    #[allow(clippy::type_complexity)]
    fn select<E, I>(self, selection: E) -> Select<SingleFrom<Self>, Self, Selected<E, I>, NoFilter>
    where
        E: ValidSelect<SingleFrom<Self>, NoGroup, I>,
    {
        self.query().select(selection)
    }

    /// See [`Select::order_by`].
    #[allow(clippy::type_complexity)]
    fn order_by<E, I>(
        self,
        order: E,
    ) -> Select<SingleFrom<Self>, Self, DefaultSelection<Self::AllColumns>, NoFilter, OrderBy<E>>
    where
        E: ValidOrder<SingleFrom<Self>, NoGroup, I>,
    {
        self.query().order_by(order)
    }

    /// See [`Select::limit`].
    fn limit(self, n: i64) -> TableSelect<Self> {
        self.query().limit(n)
    }

    /// See [`Select::distinct`].
    fn distinct(self) -> TableSelect<Self> {
        self.query().distinct()
    }

    /// Every row of the table: see [`Select::load`].
    #[allow(clippy::type_complexity)]
    fn load<C: Executor + ?Sized>(
        self,
        conn: &mut C,
    ) -> Result<Vec<RowType<SingleFrom<Self>, DefaultSelection<Self::AllColumns>, NoGroup>>, Error>
    where
        Self::AllColumns: Render,
        <SingleFrom<Self> as DefaultRow>::SqlType: RowOf,
    {
        self.query().load(conn)
    }

    /// The number of rows in the table.
    fn count<C: Executor + ?Sized>(self, conn: &mut C) -> Result<i64, Error>
    where
        Self::AllColumns: Render,
    {
        self.query().count(conn)
    }
}

impl<T: Table> TableQuery for T {}
