//! Tables, columns and the statements built from them.

mod dsl;
mod meta;
mod select;
mod selectable;

pub use dsl::{TableQuery, TableSelect};
pub use selectable::{AsSelect, Selectable};

pub use meta::{ColumnMeta, ForeignKeyMeta, TableMeta};
pub use select::{
    AddFilter, AddOrder, DefaultRow, DefaultSelection, Filter, FromClause, NoFilter, NoOrder,
    OrderBy, OrderClause, RowType, Select, SelectClause, Selected, WhereClause,
};

use crate::check::{Cons, Nil, Src};
use crate::expr::Expression;
use crate::render::SqlWriter;
use crate::types::NotNull;

/// A table declared with [`table!`](crate::table): the type `users::table`.
pub trait Table: Copy + Default + 'static {
    /// The table's SQL name.
    const SQL_NAME: &'static str;
    /// Everything the declaration says about the table, for DDL, reflection and drift checks.
    const META: &'static TableMeta;
    /// The tuple of all columns, in declaration order.
    type AllColumns: Copy;
    /// All columns, as a value.
    const ALL_COLUMNS: Self::AllColumns;
    /// The tuple of the columns' declared SQL types.
    type AllSqlTypes;

    /// Writes this table as a FROM item.
    fn render_from(out: &mut SqlWriter<'_>) {
        out.ident(Self::SQL_NAME);
    }
}

/// A column of a declared table: the types `users::id`, `users::name`, ...
pub trait Column: Expression + Copy + Default + 'static {
    /// The table the column belongs to.
    type Table: Table;
    /// The column's SQL name.
    const NAME: &'static str;
}

/// The FROM list of a query over table `T` alone.
pub type SingleFrom<T> = Cons<Src<T, NotNull>, Nil>;
