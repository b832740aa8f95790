//! UPDATE and DELETE.

use super::assign::{AssignList, ValidSet};
use super::clauses::{AddCondition, Clause, NoFilter};
use super::returning::{
    execute_job, render_write, returning_job, NoReturning, ReturnedRow, Returning, ReturningClause,
    ValidReturning, WriteStatement,
};
use super::{KeyFilter, SingleFrom, Table};
use crate::check::writes::UpdateSet;
use crate::check::ValidWhere;
use crate::engine::runner::{self, Affected, As, Job, Ran, Runner, Work};

use crate::render::{Render, Rendered, SqlWriter};
use crate::types::FromRow;
use crate::types::RowOf;
use std::marker::PhantomData;

/// `UPDATE table [WHERE ...]`: give it `set`.
#[must_use = "an UPDATE needs `.set(..)` and then `.execute(..)`"]
pub struct UpdateTarget<T, W = NoFilter> {
    filter: W,
    _table: PhantomData<T>,
}

/// Starts `UPDATE table`.
pub fn update<T: super::StoredTable>(table: T) -> UpdateTarget<T> {
    let _ = table;
    UpdateTarget {
        filter: NoFilter,
        _table: PhantomData,
    }
}

impl<T: Table, W> UpdateTarget<T, W> {
    /// Adds a WHERE condition (several calls are ANDed). Without one, every row is updated.
    pub fn filter<E: ValidWhere<SingleFrom<T>, I>, I>(self, condition: E) -> UpdateTarget<T, W::Out>
    where
        W: AddCondition<E>,
    {
        UpdateTarget {
            filter: self.filter.add(condition),
            _table: PhantomData,
        }
    }

    /// Only the row whose primary key is `key` (a tuple for a composite key).
    pub fn by_key<K, E: ValidWhere<SingleFrom<T>, I>, I>(self, key: K) -> UpdateTarget<T, W::Out>
    where
        T::PrimaryKey: KeyFilter<K, E>,
        W: AddCondition<E>,
    {
        self.filter(T::PRIMARY_KEY.key_filter(key))
    }

    /// `SET column = value, ...`: values may read the row's columns (`price.to(price * 2)`);
    /// a `Changeset` struct by reference; or an `Insertable` struct's `values()`, to save a
    /// whole loaded row: `update(users::table).by_key(user.id).set(user.values())`.
    pub fn set<S: ValidSet<T, UpdateSet, I>, I>(self, set: S) -> Update<T, W, S::List> {
        Update {
            filter: self.filter,
            set: set.into_list(),
            returning: NoReturning,
            _table: PhantomData,
        }
    }
}

/// An UPDATE statement.
#[must_use = "an UPDATE does nothing until it is run with `execute`, `get_results`, ..."]
pub struct Update<T, W, S, R = NoReturning> {
    filter: W,
    set: S,
    returning: R,
    _table: PhantomData<T>,
}

// Running needs only what holds for every statement the builder methods return, checked or
// not, so that a mistake is reported once, where it was made.
impl<T: Table, W: Clause, S: AssignList, R: ReturningClause> WriteStatement for Update<T, W, S, R> {
    type Needs = crate::backend::needs::All3<S::Needs, W::Needs, R::OnUpdate>;
    fn render_statement<'a>(&'a self, out: &mut SqlWriter<'a>) -> bool {
        if self.set.is_empty() {
            return false;
        }
        out.sql("UPDATE ");
        out.ident(T::SQL_NAME);
        out.sql(" SET ");
        self.set.render_set(out);
        self.filter.render_clause(out);
        self.returning.render_returning(out);
        true
    }
}

/// `DELETE FROM table [WHERE ...]`.
#[must_use = "a DELETE does nothing until it is run with `execute`, `get_results`, ..."]
pub struct Delete<T, W = NoFilter, R = NoReturning> {
    filter: W,
    returning: R,
    _table: PhantomData<T>,
}

/// Starts `DELETE FROM table`. Without a filter, every row is deleted.
pub fn delete<T: super::StoredTable>(table: T) -> Delete<T> {
    let _ = table;
    Delete {
        filter: NoFilter,
        returning: NoReturning,
        _table: PhantomData,
    }
}

impl<T: Table, W> Delete<T, W> {
    /// Adds a WHERE condition (several calls are ANDed).
    pub fn filter<E: ValidWhere<SingleFrom<T>, I>, I>(self, condition: E) -> Delete<T, W::Out>
    where
        W: AddCondition<E>,
    {
        Delete {
            filter: self.filter.add(condition),
            returning: NoReturning,
            _table: PhantomData,
        }
    }

    /// Only the row whose primary key is `key` (a tuple for a composite key).
    pub fn by_key<K, E: ValidWhere<SingleFrom<T>, I>, I>(self, key: K) -> Delete<T, W::Out>
    where
        T::PrimaryKey: KeyFilter<K, E>,
        W: AddCondition<E>,
    {
        self.filter(T::PRIMARY_KEY.key_filter(key))
    }

    /// `RETURNING e`: columns of the deleted rows.
    pub fn returning<E: ValidReturning<T, I, SqlType = ST>, I, ST>(
        self,
        e: E,
    ) -> Delete<T, W, Returning<E, ST>> {
        Delete {
            filter: self.filter,
            returning: Returning::new(e),
            _table: PhantomData,
        }
    }
}

impl<T: Table, W, S> Update<T, W, S> {
    /// `RETURNING e`: columns of the updated rows, after the update.
    pub fn returning<E: ValidReturning<T, I, SqlType = ST>, I, ST>(
        self,
        e: E,
    ) -> Update<T, W, S, Returning<E, ST>> {
        Update {
            filter: self.filter,
            set: self.set,
            returning: Returning::new(e),
            _table: PhantomData,
        }
    }
}

impl<T: Table, W: Clause, R: ReturningClause> WriteStatement for Delete<T, W, R> {
    type Needs = crate::backend::needs::Both<W::Needs, R::Needs>;
    fn render_statement<'a>(&'a self, out: &mut SqlWriter<'a>) -> bool {
        out.sql("DELETE FROM ");
        out.ident(T::SQL_NAME);
        self.filter.render_clause(out);
        self.returning.render_returning(out);
        true
    }
}

// Running and showing UPDATE and DELETE statements: written out for each (not generated),
// so that an error in a bound points at plain code.

impl<T: Table, W, S> Update<T, W, S>
where
    Update<T, W, S>: WriteStatement,
{
    /// The SQL text and parameters, without running.
    pub fn render(&self) -> Rendered<'_> {
        render_write(self)
    }
    /// The SQL text.
    pub fn to_sql(&self) -> String {
        self.render().sql
    }
    /// Runs the statement: the number of rows written.
    pub fn execute<'c, Conn: Runner + ?Sized>(self, conn: &'c mut Conn) -> Ran<'c, Conn, u64>
    where
        Conn::Backend:
            crate::backend::Runs<crate::backend::Canonical<<Self as WriteStatement>::Needs>>,
        Job<Self, Affected, u64>: Work<'c, Conn::Backend, Conn::Mode, Output = u64>,
    {
        execute_job(self).run(conn.__connection())
    }
}
impl<T: Table, W, S, E: Render, ST: RowOf> Update<T, W, S, Returning<E, ST>>
where
    Update<T, W, S, Returning<E, ST>>: WriteStatement,
{
    /// The SQL text and parameters, without running.
    pub fn render(&self) -> Rendered<'_> {
        render_write(self)
    }
    /// Runs the statement and returns the RETURNING values of every row written.
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
    /// Runs the statement and returns the RETURNING values of its only row:
    /// [`Error::NotFound`](crate::Error::NotFound) when none was written, [`Error::MultipleRows`](crate::Error::MultipleRows) when more were.
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

impl<T: Table, W> Delete<T, W>
where
    Delete<T, W>: WriteStatement,
{
    /// The SQL text and parameters, without running.
    pub fn render(&self) -> Rendered<'_> {
        render_write(self)
    }
    /// The SQL text.
    pub fn to_sql(&self) -> String {
        self.render().sql
    }
    /// Runs the statement: the number of rows written.
    pub fn execute<'c, Conn: Runner + ?Sized>(self, conn: &'c mut Conn) -> Ran<'c, Conn, u64>
    where
        Conn::Backend:
            crate::backend::Runs<crate::backend::Canonical<<Self as WriteStatement>::Needs>>,
        Job<Self, Affected, u64>: Work<'c, Conn::Backend, Conn::Mode, Output = u64>,
    {
        execute_job(self).run(conn.__connection())
    }
}
impl<T: Table, W, E: Render, ST: RowOf> Delete<T, W, Returning<E, ST>>
where
    Delete<T, W, Returning<E, ST>>: WriteStatement,
{
    /// The SQL text and parameters, without running.
    pub fn render(&self) -> Rendered<'_> {
        render_write(self)
    }
    /// Runs the statement and returns the RETURNING values of every row written.
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
    /// Runs the statement and returns the RETURNING values of its only row:
    /// [`Error::NotFound`](crate::Error::NotFound) when none was written, [`Error::MultipleRows`](crate::Error::MultipleRows) when more were.
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
