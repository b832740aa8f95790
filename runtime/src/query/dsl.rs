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

/// A table's query with a select clause.
pub type TableSelected<T, E, I> = Select<SingleFrom<T>, T, Selected<E, I>, NoFilter>;

/// A table's query with an ORDER BY clause.
pub type TableOrdered<T, E> =
    Select<SingleFrom<T>, T, DefaultSelection<<T as Table>::AllColumns>, NoFilter, OrderBy<E>>;

/// Starts a query from a table: every method is the same as on [`Select`].
pub trait TableQuery: Table {
    /// `SELECT <all columns> FROM table`.
    fn query(self) -> TableSelect<Self> {
        Select::from_table(self)
    }

    /// See [`Select::filter`].
    fn filter<E: ValidWhere<SingleFrom<Self>, I>, I>(self, e: E) -> TableSelect<Self, Filter<E>> {
        self.query().filter(e)
    }

    /// See [`Select::select`].
    fn select<E: ValidSelect<SingleFrom<Self>, NoGroup, I>, I>(
        self,
        e: E,
    ) -> TableSelected<Self, E, I> {
        self.query().select(e)
    }

    /// See [`Select::order_by`].
    fn order_by<E: ValidOrder<SingleFrom<Self>, NoGroup, I>, I>(
        self,
        e: E,
    ) -> TableOrdered<Self, E> {
        self.query().order_by(e)
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
