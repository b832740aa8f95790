//! INSERT: one row, many rows, RETURNING, and upserts (`ON CONFLICT`).

use super::assign::{AssignList, Assignments, ColumnList, ColumnNames, StoresInto, ValidSet};
use super::compose::SubSelect;
pub use super::conflict::{
    AnyConstraint, ConflictClause, ConflictTarget, DoNothing, DoUpdate, NoConflict, TargetNames,
    UniqueTarget,
};
use super::returning::{
    execute_job, render_write, returning_job, NoReturning, ReturnedRow, Returning, ReturningClause,
    ValidReturning, WriteStatement,
};
use super::Table;
use crate::check::writes::{DistinctColumns, DoUpdateSet, InsertColumns, InsertableInto, IsTable};
use crate::engine::runner::{self, Affected, As, Job, Ran, Runner, Work};

use crate::render::{Render, Rendered, SqlWriter};
use crate::types::FromRow;
use crate::types::RowOf;
use std::marker::PhantomData;

/// `INSERT INTO table`: give it `values`.
#[must_use = "an INSERT needs `.values(..)` and then `.execute(..)`"]
pub struct InsertInto<T>(T);

/// Starts `INSERT INTO table`.
pub fn insert_into<T: super::StoredTable>(table: T) -> InsertInto<T> {
    InsertInto(table)
}

/// Index marker: one row of values.
pub struct OneRow<I>(PhantomData<I>);
/// Index marker: a `Vec` of rows.
pub struct ManyRows<I>(PhantomData<I>);

/// The rows of an INSERT as the statement renders them: one row of assignments, a `Vec` of
/// rows, or the rows of a query. Holds for anything `values` and `from_select` return,
/// checked or not ([`InsertValues`] is the check), so running reports no mistake twice.
pub trait InsertRows<I> {
    /// What the values need of the backend.
    type Needs: crate::backend::Needs;
    /// Writes ` ("a", "b") VALUES ($1, $2), ...`; `false` when there are no rows.
    fn render_insert<'a>(&'a self, out: &mut SqlWriter<'a>) -> bool;
}

/// What `values` takes for table `T`: one row of assignments (`column.to(value)` or a
/// tuple of them), or a `Vec` of such rows (all with the same columns).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be inserted into `{T}`",
    note = "insert `column.to(value)`, a tuple of them, or a Vec of such tuples, for columns of `{T}`"
)]
pub trait InsertValues<T, I>: InsertRows<I> {}

fn render_row<'a, A: AssignList>(row: &'a A, out: &mut SqlWriter<'a>) {
    out.sql("(");
    row.render_values(out);
    out.sql(")");
}

impl<T, A: Assignments<T, InsertColumns, I>, I> IntoInsertValues<T, ManyRows<I>, Vec<A>>
    for Vec<A>
{
    fn into_insert_values(self) -> Vec<A> {
        self
    }
}

impl<T, A: Assignments<T, InsertColumns, I>, I> InsertValues<T, ManyRows<I>> for Vec<A> {}

impl<A: AssignList, I> InsertRows<ManyRows<I>> for Vec<A> {
    type Needs = A::Needs;
    fn render_insert<'a>(&'a self, out: &mut SqlWriter<'a>) -> bool {
        if self.is_empty() {
            return false;
        }
        out.sql(" (");
        A::render_columns(out);
        out.sql(") VALUES ");
        // The row count is hashed once; the parentheses and commas between rows are then
        // determined by it and are not hashed piece by piece (what each row writes inside
        // its parentheses still is).
        out.hash_count(self.len());
        let before = out.param_count();
        for (i, row) in self.iter().enumerate() {
            if i == 1 {
                // Every row binds as many values as the first.
                let per_row = out.param_count() - before;
                out.reserve_params(per_row * (self.len() - 1));
            }
            out.sql_unhashed(if i == 0 { "(" } else { ", (" });
            row.render_values(out);
            out.sql_unhashed(")");
        }
        true
    }
}

macro_rules! one_row {
    ($([$($gen:tt)*] $ty:ty;)*) => {$(
        impl<Tb, Ix, $($gen)*> IntoInsertValues<Tb, OneRow<Ix>, $ty> for $ty
        where
            $ty: Assignments<Tb, InsertColumns, Ix>,
        {
            fn into_insert_values(self) -> $ty {
                self
            }
        }
        impl<Tb, Ix, $($gen)*> InsertValues<Tb, OneRow<Ix>> for $ty
        where
            $ty: Assignments<Tb, InsertColumns, Ix>,
        {
        }
        impl<Ix, $($gen)*> InsertRows<OneRow<Ix>> for $ty
        where
            $ty: AssignList,
        {
            type Needs = <$ty as AssignList>::Needs;
            fn render_insert<'a>(&'a self, out: &mut SqlWriter<'a>) -> bool {
                out.sql(" (");
                <$ty as AssignList>::render_columns(out);
                out.sql(") VALUES ");
                render_row(self, out);
                true
            }
        }
    )*};
}

one_row! {
    [C, E] super::Assign<C, E>;
    [A] (A,);
    [A, B] (A, B);
    [A, B, C] (A, B, C);
    [A, B, C, D] (A, B, C, D);
    [A, B, C, D, E] (A, B, C, D, E);
    [A, B, C, D, E, F] (A, B, C, D, E, F);
    [A, B, C, D, E, F, G] (A, B, C, D, E, F, G);
    [A, B, C, D, E, F, G, H] (A, B, C, D, E, F, G, H);
    [A, B, C, D, E, F, G, H, I] (A, B, C, D, E, F, G, H, I);
    [A, B, C, D, E, F, G, H, I, J] (A, B, C, D, E, F, G, H, I, J);
    [A, B, C, D, E, F, G, H, I, J, K] (A, B, C, D, E, F, G, H, I, J, K);
    [A, B, C, D, E, F, G, H, I, J, K, L] (A, B, C, D, E, F, G, H, I, J, K, L);
    [A, B, C, D, E, F, G, H, I, J, K, L, M] (A, B, C, D, E, F, G, H, I, J, K, L, M);
    [A, B, C, D, E, F, G, H, I, J, K, L, M, N] (A, B, C, D, E, F, G, H, I, J, K, L, M, N);
    [A, B, C, D, E, F, G, H, I, J, K, L, M, N, O] (A, B, C, D, E, F, G, H, I, J, K, L, M, N, O);
    [A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P] (A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P);
}

/// What `values` accepts for table `T`, and the rows `Out` it becomes: rows of
/// assignments as they are, or a struct deriving `Insertable` (by reference), whose fields
/// become assignments to the columns of the same names.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be inserted into `{T}`",
    note = "insert `column.to(value)`, a tuple of them, a Vec of such tuples, or `&row` of a struct deriving `Insertable` for `{T}`"
)]
pub trait IntoInsertValues<T, I, Out> {
    /// The rows to insert.
    fn into_insert_values(self) -> Out;
}

/// What `values` checks: [`IntoInsertValues`], stated once over it so that a compiler error
/// does not list every tuple impl.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be inserted into `{T}`",
    note = "insert `column.to(value)`, a tuple of them, a Vec of such tuples, or `&row` of a struct deriving `Insertable` for `{T}`"
)]
pub trait ValidValues<T, I, Out>: IntoInsertValues<T, I, Out> {}
impl<V: IntoInsertValues<T, I, Out>, T, I, Out> ValidValues<T, I, Out> for V {}

/// What `from_select` checks: the target columns `Self` are columns of `T`, each once
/// ([`ColumnList`]), and the rows of query `Q` fit them ([`RowsFit`]). One trait with no
/// projection in `from_select`'s bounds, so that a mistake is one error at the columns.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the columns of an INSERT ... SELECT into `{T}`",
    note = "name the target columns as a column of `{T}` or a tuple of them"
)]
pub trait SelectInto<T, Q, J> {}
impl<Cols, T, Q, J> SelectInto<T, Q, J> for Cols
where
    Cols: ColumnList<T> + DistinctColumns<InsertColumns>,
    Q: SubSelect<J>,
    Q::SqlType: RowsFit<Cols::Types, Cols::Names>,
{
}

/// A struct deriving `Insertable`: its table, and its fields as assignments to the columns
/// of the same names.
///
/// The derive checks the fields (each a column of the table, once, of a Rust type that the
/// column's SQL type takes), so `values(&row)` checks only that the INSERT is into the
/// struct's table.
pub trait Insertable<'x> {
    /// The table the struct is a row of.
    type Table;
    /// The tuple of assignments, borrowing the struct's fields.
    type Values;
    /// The assignments.
    fn values(&'x self) -> Self::Values;
}

/// Index marker: rows of a struct deriving `Insertable`, checked by the derive.
pub struct Derived;

impl<'x, T, S: Insertable<'x>> IntoInsertValues<T, OneRow<Derived>, S::Values> for &'x S
where
    T: IsTable<S::Table>,
    <T as IsTable<S::Table>>::Out: InsertableInto<T, S::Table, S>,
{
    fn into_insert_values(self) -> S::Values {
        self.values()
    }
}

impl<'x, T, S: Insertable<'x>> IntoInsertValues<T, ManyRows<Derived>, Vec<S::Values>> for &'x [S]
where
    T: IsTable<S::Table>,
    <T as IsTable<S::Table>>::Out: InsertableInto<T, S::Table, S>,
{
    fn into_insert_values(self) -> Vec<S::Values> {
        self.iter().map(|s| s.values()).collect()
    }
}

/// `INSERT INTO t (cols) SELECT ...`: the rows of a query.
pub struct FromSelect<Cols, Q> {
    query: Q,
    _columns: PhantomData<Cols>,
}

/// Index marker: rows of a query.
pub struct SelectRows<J>(PhantomData<J>);

impl<Cols: ColumnNames, Q: SubSelect<J>, J> InsertRows<SelectRows<J>> for FromSelect<Cols, Q> {
    type Needs = Q::Needs;
    fn render_insert<'a>(&'a self, out: &mut SqlWriter<'a>) -> bool {
        out.sql(" (");
        Cols::render_names(out);
        out.sql(") ");
        // The SELECT's columns are not the statement's (RETURNING labels its own).
        out.enter_subquery();
        self.query.render_subselect(out);
        out.leave_subquery();
        true
    }
}

/// The rows of the SELECT of `INSERT ... SELECT`, of SQL type `Self`, fit the columns `N`
/// of SQL types `ST`, one by one.
#[diagnostic::on_unimplemented(
    message = "the SELECT's rows do not fit the columns `{N}`",
    label = "the columns' SQL types are `{ST}`, the SELECT's `{Self}`",
    note = "select one item per column, each of the column's SQL type (a NOT NULL column takes no nullable item)"
)]
pub trait RowsFit<ST, N> {}
#[diagnostic::do_not_recommend]
impl<R: StoresInto<ST>, ST, N> RowsFit<ST, N> for R {}

/// An INSERT statement into `T` with values `V` (checked with index `VI`), RETURNING `R`
/// and ON CONFLICT `C`.
#[must_use = "an INSERT does nothing until it is run with `execute`, `get_result`, ..."]
pub struct Insert<T, V, VI, R = NoReturning, C = NoConflict> {
    values: V,
    returning: R,
    conflict: C,
    _table: PhantomData<(T, VI)>,
}

impl<T: Table> InsertInto<T> {
    /// The row (or rows) to insert: assignments (`column.to(value)` or a tuple of them), a
    /// `Vec` of such rows, a reference to a struct deriving `Insertable`, or a slice of
    /// them. Columns not named take their defaults.
    pub fn values<V: ValidValues<T, I, Out>, I, Out>(self, values: V) -> Insert<T, Out, I> {
        let _ = self.0;
        Insert {
            values: values.into_insert_values(),
            returning: NoReturning,
            conflict: NoConflict,
            _table: PhantomData,
        }
    }

    /// `INSERT INTO table (columns) SELECT ...`: the query's row types must fit the columns,
    /// one by one (a column of `Int4` takes an `Int4` select item, ...).
    pub fn from_select<Cols: SelectInto<T, Q, J>, Q, J>(
        self,
        columns: Cols,
        query: Q,
    ) -> Insert<T, FromSelect<Cols, Q>, SelectRows<J>> {
        let _ = (self.0, columns);
        Insert {
            values: FromSelect {
                query,
                _columns: PhantomData,
            },
            returning: NoReturning,
            conflict: NoConflict,
            _table: PhantomData,
        }
    }
}

/// Conflict target being chosen: `.on_conflict(cols)` then `.do_nothing()` or
/// `.do_update(set)`.
pub struct OnConflict<T, V, VI, R, K> {
    insert: Insert<T, V, VI, R>,
    _target: PhantomData<K>,
}

impl<T: Table, V, VI, R> Insert<T, V, VI, R> {
    /// `ON CONFLICT DO NOTHING`, for any constraint.
    pub fn on_conflict_do_nothing(self) -> Insert<T, V, VI, R, DoNothing<AnyConstraint>> {
        Insert {
            values: self.values,
            returning: self.returning,
            conflict: DoNothing(PhantomData),
            _table: PhantomData,
        }
    }

    /// `ON CONFLICT (target)`: the columns of the table's primary key or of one of its
    /// unique constraints (declared in `table!`), in any order.
    pub fn on_conflict<K: UniqueTarget<T>>(self, target: K) -> OnConflict<T, V, VI, R, K> {
        let _ = target;
        OnConflict {
            insert: self,
            _target: PhantomData,
        }
    }
}

impl<T: Table, V, VI, R, K> OnConflict<T, V, VI, R, K> {
    /// `... DO NOTHING`.
    pub fn do_nothing(self) -> Insert<T, V, VI, R, DoNothing<(K,)>> {
        Insert {
            values: self.insert.values,
            returning: self.insert.returning,
            conflict: DoNothing(PhantomData),
            _table: PhantomData,
        }
    }

    /// `... DO UPDATE SET ...`: assignments that may read the existing row and
    /// `excluded(column)`, the value the INSERT proposed.
    pub fn do_update<S: ValidSet<T, DoUpdateSet, I>, I>(
        self,
        set: S,
    ) -> Insert<T, V, VI, R, DoUpdate<K, S>> {
        Insert {
            values: self.insert.values,
            returning: self.insert.returning,
            conflict: DoUpdate {
                set,
                _target: PhantomData,
            },
            _table: PhantomData,
        }
    }
}

impl<T: Table, V, VI, C> Insert<T, V, VI, NoReturning, C> {
    /// `RETURNING e`: a column, an expression of the table's columns, the table itself
    /// (the whole row), or a tuple of them.
    pub fn returning<E: ValidReturning<T, I, SqlType = ST>, I, ST>(
        self,
        e: E,
    ) -> Insert<T, V, VI, Returning<E, ST>, C> {
        Insert {
            values: self.values,
            returning: Returning::new(e),
            conflict: self.conflict,
            _table: PhantomData,
        }
    }
}

// Running: the bounds below hold for every statement the builder methods return, checked
// or not, so that a mistake is reported once, where it was made.

impl<T, V, VI, R, C> WriteStatement for Insert<T, V, VI, R, C>
where
    T: Table,
    V: InsertRows<VI>,
    R: ReturningClause,
    C: ConflictClause,
{
    type Needs = crate::backend::needs::All3<
        V::Needs,
        C::Needs,
        crate::backend::needs::Both<R::Needs, C::Returned<R>>,
    >;
    fn render_statement<'a>(&'a self, out: &mut SqlWriter<'a>) -> bool {
        out.sql("INSERT INTO ");
        out.ident(T::SQL_NAME);
        if !self.values.render_insert(out) {
            return false;
        }
        self.conflict.render_conflict(out, T::META);
        self.returning.render_returning(out);
        true
    }
}

impl<T: Table, V: InsertRows<VI>, VI, R: ReturningClause, C: ConflictClause>
    Insert<T, V, VI, R, C>
{
    /// The SQL text and parameters, without running.
    pub fn render(&self) -> Rendered<'_> {
        render_write(self)
    }

    /// The SQL text.
    pub fn to_sql(&self) -> String {
        self.render().sql
    }
}

impl<T: Table, V: InsertRows<VI>, VI, C: ConflictClause> Insert<T, V, VI, NoReturning, C> {
    /// Runs the INSERT: the number of rows inserted (0 for an empty `Vec`, without a round
    /// trip; rows skipped by `DO NOTHING` are not counted).
    pub fn execute<'c, Conn: Runner + ?Sized>(self, conn: &'c mut Conn) -> Ran<'c, Conn, u64>
    where
        Conn::Backend:
            crate::backend::Runs<crate::backend::Canonical<<Self as WriteStatement>::Needs>>,
        Job<Self, Affected, u64>: Work<'c, Conn::Backend, Conn::Mode, Output = u64>,
    {
        execute_job(self).run(conn.__connection())
    }
}

impl<T, V, VI, E, ST, C> Insert<T, V, VI, Returning<E, ST>, C>
where
    T: Table,
    V: InsertRows<VI>,
    E: Render,
    ST: RowOf,
    C: ConflictClause,
{
    /// Runs the INSERT and returns the RETURNING values of every row written.
    pub fn get_results<'c, Conn: Runner + ?Sized>(
        self,
        conn: &'c mut Conn,
    ) -> Ran<'c, Conn, Vec<ReturnedRow<ST>>>
    where
        Conn::Backend:
            crate::backend::Runs<crate::backend::Canonical<<Self as WriteStatement>::Needs>>,
        ReturnedRow<ST>: FromRow<ST>,
        Job<Self, As<ReturnedRow<ST>, ST>, Vec<ReturnedRow<ST>>>:
            Work<'c, Conn::Backend, Conn::Mode, Output = Vec<ReturnedRow<ST>>>,
    {
        returning_job::<_, ST, _>(self, runner::all).run(conn.__connection())
    }

    /// Runs the INSERT of one row and returns its RETURNING values; [`Error::NotFound`](crate::Error::NotFound)
    /// when no row was written (a conflict skipped it), [`Error::MultipleRows`](crate::Error::MultipleRows) when more were
    /// (use `get_results` for many rows).
    pub fn get_result<'c, Conn: Runner + ?Sized>(
        self,
        conn: &'c mut Conn,
    ) -> Ran<'c, Conn, ReturnedRow<ST>>
    where
        Conn::Backend:
            crate::backend::Runs<crate::backend::Canonical<<Self as WriteStatement>::Needs>>,
        ReturnedRow<ST>: FromRow<ST>,
        Job<Self, As<ReturnedRow<ST>, ST>, ReturnedRow<ST>>:
            Work<'c, Conn::Backend, Conn::Mode, Output = ReturnedRow<ST>>,
    {
        returning_job::<_, ST, _>(self, runner::exactly_one).run(conn.__connection())
    }
}
