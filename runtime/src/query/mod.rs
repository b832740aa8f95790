//! Tables, columns and the statements built from them: SELECT (with joins and grouping),
//! INSERT, UPDATE and DELETE.

mod assign;
mod batch;
mod boxed;
mod clauses;
mod column;
mod compose;
mod conflict;
mod derived;
mod distinct;
mod dsl;
mod group;
mod insert;
mod join;
mod lateral;
mod lock;
mod meta;
mod pipeline;
mod read_list;
mod reads;
mod returning;
mod select;
mod selectable;
mod sequenced;
mod setop;
mod source;
mod stream;
mod subquery;
mod unnest;
mod update;
mod upsert_mysql;

pub use batch::Batch;
pub use dsl::{KeyFilter, KeyQuery, RowByKey, TableQuery, TableSelect};
pub use pipeline::Pipeline;
pub use reads::{reads, ReadBatch};
/// Index markers of the join impls that `table!` generates.
#[doc(hidden)]
pub mod join_markers {
    pub use super::join::{ByKey, ByPath};
}
pub use crate::check::NotInFrom;
pub use join::{
    Ambiguous, CrossJoin, FkRef, ForeignKeys, Found, Join, JoinKind, JoinPath, JoinSearch,
    JoinTarget, LookupFk, Merge, NotFound, Pick, PushSource, UniqueJoin, ValidOn,
};
pub use selectable::{AsSelect, ColumnTypes, Selectable, TaggedIn};
pub use source::{Alias, AliasCol, AliasMethods, Source, SourceColumn, TableRow};

pub use assign::{
    excluded, set_field, set_item, unlisted_changeset, Assign, AssignList, AssignMethods, AssignTo,
    Assignment, Assignments, ColumnList, ColumnNames, Excluded, StoresInto,
};
pub use boxed::{
    BoxedColumns, BoxedFilter, BoxedOrder, DynamicRow, IntoBoxedFilter, IntoBoxedOrder,
};
pub use clauses::{
    AddCondition, AddOrder, AllRows, Clause, Filter, Having, NoFilter, NoHaving, NoOrder, OrderBy,
};
pub use column::{Col, ColumnDef};
pub use compose::{FromClause, Member, SelectNeeds, SubSelect};
pub use derived::{Cte, CteDef, Derived, DerivedTable, FitsColumn, FitsRow, JoinDerived, WithCte};
pub use distinct::{
    All, AppendItemFor, AppendRule, Distinct, DistinctKind, FitsDistinct, Free, NotDistinct, On,
    OnFits, OrderItemFor, OrderRule, OrderUnder, ProbeSelect, SelectFor, UnderDistinct,
    UnderDistinctOn, Unselected,
};
pub use group::{
    cube, grouping_sets, rollup, Cube, GroupSet, GroupSets, GroupingSets, RegroupFor, Reorder,
    Reselect, Rollup, SetIn, SetsIn, Ungrouped, ValidGroupBy, ValidHaving,
};
pub use insert::{
    insert_into, ConflictClause, ConflictTarget, Insert, InsertInto, InsertRows, InsertValues,
    Insertable, IntoInsertValues, ManyRows, OnConflict, TargetNames, UniqueTarget,
};
pub use lateral::{JoinLateral, LateralJoined, LateralJoins, OnTrue};
pub use lock::{
    AllSources, ForKeyShare, ForNoKeyUpdate, ForShare, ForUpdate, LockNames, LockStrength,
    LockWait, Locked, LockedCanon, LockedNeeds, NoWait, NotInSetOperation, NotSetOperation, Of,
    SetMember, SetMemberKind, SetOperation, SkipLocked, Wait,
};
pub use meta::{
    CheckMeta, ColumnMeta, CompositeKeyMeta, ForeignKeyMeta, IndexMeta, TableMeta, UniqueMeta,
};
pub(crate) use returning::run_execute;
pub use returning::{
    NoReturning, ReturnedRow, Returning, ReturningClause, ValidReturning, WriteStatement,
};
pub use select::{DefaultSelection, Regroup, RowType, Select, SelectClause, Selected, SingleFrom};
pub use setop::{Compound, SetKind, SetOp, UnionRow};
pub use stream::{Batches, DecodeRow, Progress, Rows, WithProgress};
pub use subquery::{
    exists, not_exists, ColumnOf, Exists, InQuery, Quantified, ScalarQuery, ScalarSubquery,
    SingleColumn, SubqueryMethods,
};
pub use unnest::{FromUnnest, OneColumn, ReadsNoTable, Unnest, UnnestArray, UnnestElement};
pub use update::{delete, update, Delete, Update, UpdateTarget};

use crate::expr::Expression;

/// A table declared with [`table!`](crate::table): the type `users::table`.
pub trait Table: Source + Copy + Default + 'static {
    /// The table's SQL name.
    const SQL_NAME: &'static str;
    /// Everything the declaration says about the table, for DDL, reflection and drift checks.
    const META: &'static TableMeta;
    /// The positions of the primary-key columns, as type-level ids.
    type KeyPositions: crate::check::KeyIds;
    /// The primary-key column (`Col<id>`), or the tuple of them for a composite key.
    type PrimaryKey: Copy;
    /// The primary key, as a value.
    const PRIMARY_KEY: Self::PrimaryKey;
    /// The tuple of all columns, in declaration order.
    type AllColumns: Copy;
    /// All columns, as a value.
    const ALL_COLUMNS: Self::AllColumns;
    /// The tuple of the columns' declared SQL types.
    type AllSqlTypes;
    /// [`True`](crate::check::ids::True) for a stored table, `False` for a `#[derived]` one
    /// (see [`StoredTable`]).
    type Stored;
    /// The primary key and every declared unique constraint or unique index, as a list
    /// `(key, (key, ..()))` of tuples of column positions: what an ON CONFLICT target may name.
    type UniqueKeys;
}

/// A table stored in the database: every `table!` declaration except `#[derived]` ones, which
/// name the rows of a query (a derived table or a CTE) and cannot be written to or created.
pub trait StoredTable: Table {}
impl<T: Table> StoredTable for T where T::Stored: Writable<T> {}

/// The answer "`T` is stored" must be yes (`Self` is [`Table::Stored`]).
#[diagnostic::on_unimplemented(
    message = "`{T}` is a derived table (the shape of a query's rows), not a stored table",
    label = "a derived table cannot be written to, copied into or created",
    note = "derived tables and CTEs are read: `t::table.from_subquery(query)`, or `query.with(t::table.cte(..))`"
)]
pub trait Writable<T> {}
#[diagnostic::do_not_recommend]
impl<T> Writable<T> for crate::check::ids::True {}

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
    /// Whether values bound against the column are redacted in logs (`#[sensitive]`).
    const SENSITIVE: bool = false;
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

crate::for_tuples!(column_tuples);
