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
    /// The column as a value.
    const VALUE: Self;
}

/// Tuples of columns as constant values (for the select clauses of `#[derive(Row)]`).
pub trait ColumnTuple {
    /// The tuple as a value.
    const VALUE: Self;
}

macro_rules! column_tuples {
    ($(($($t:ident)+))*) => {$(
        impl<$($t: Column),+> ColumnTuple for ($($t,)+) {
            const VALUE: Self = ($($t::VALUE,)+);
        }
    )*};
}

column_tuples! {
    (A) (A B) (A B C) (A B C D) (A B C D E) (A B C D E F) (A B C D E F G) (A B C D E F G H)
    (A B C D E F G H I) (A B C D E F G H I J) (A B C D E F G H I J K)
    (A B C D E F G H I J K L) (A B C D E F G H I J K L M) (A B C D E F G H I J K L M N)
    (A B C D E F G H I J K L M N O) (A B C D E F G H I J K L M N O P)
}

/// The FROM list of a query over table `T` alone.
pub type SingleFrom<T> = Cons<Src<T, NotNull>, Nil>;
