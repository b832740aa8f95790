//! Tables, columns and the statements built from them.

mod clauses;
mod column;
mod dsl;
mod group;
mod join;
mod meta;
mod select;
mod selectable;
mod source;

pub use dsl::{TableQuery, TableSelect};
/// Index markers of the join impls that `table!` generates.
#[doc(hidden)]
pub mod join_markers {
    pub use super::join::{ByKey, ByPath};
}
pub use crate::check::NotInFrom;
pub use join::{
    Child, CrossJoin, Join, JoinKind, JoinPath, JoinTarget, Parent, PushSource, Related, ValidOn,
};
pub use selectable::{AsSelect, Selectable, TaggedIn};
pub use source::{Alias, AliasCol, AliasMethods, Source, SourceColumn, TableRow};

pub use clauses::{
    AddCondition, AddOrder, AllRows, Clause, Filter, Having, NoFilter, NoHaving, NoOrder, OrderBy,
};
pub use column::{Col, ColumnDef};
pub use group::{ValidGroupBy, ValidHaving};
pub use meta::{ColumnMeta, ForeignKeyMeta, TableMeta};
pub use select::{
    DefaultSelection, FromClause, Regroup, RowType, Select, SelectClause, Selected, SingleFrom,
};

use crate::expr::Expression;

/// A table declared with [`table!`](crate::table): the type `users::table`.
pub trait Table: Source + Copy + Default + 'static {
    /// The table's SQL name.
    const SQL_NAME: &'static str;
    /// Everything the declaration says about the table, for DDL, reflection and drift checks.
    const META: &'static TableMeta;
    /// The positions of the primary-key columns, as type-level ids.
    type KeyPositions: crate::check::KeyIds;
    /// The tuple of all columns, in declaration order.
    type AllColumns: Copy;
    /// All columns, as a value.
    const ALL_COLUMNS: Self::AllColumns;
    /// The tuple of the columns' declared SQL types.
    type AllSqlTypes;
}

/// A column of a declared table: the types `users::id`, `users::name`, ...
pub trait Column: Expression + Copy + Default + 'static {
    /// The table the column belongs to.
    type Table: Table;
    /// The column's SQL name.
    const NAME: &'static str;
    /// The column as a value.
    const VALUE: Self;
    /// The column's position in its table, as a type-level id.
    type Position;
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
