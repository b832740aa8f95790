//! Row locking: `SELECT .. FOR UPDATE | FOR NO KEY UPDATE | FOR SHARE | FOR KEY SHARE
//! [OF t, ..] [NOWAIT | SKIP LOCKED]` (PostgreSQL); on MySQL and MariaDB `FOR UPDATE` and
//! `LOCK IN SHARE MODE` with `NOWAIT` or `SKIP LOCKED`.
//!
//! A locking clause is written last in SQL: `for_update()` (or `for_share()`, ..) turns a
//! [`Select`] whose select list, joins, grouping and DISTINCT are final into a [`Locked`]
//! query, which takes `.of(..)`, `.skip_locked()` or `.no_wait()`, and still `filter`,
//! `order_by`, `limit` and `offset` (which the locking rules do not depend on). Where PostgreSQL refuses the
//! clause (GROUP BY, HAVING, aggregates, DISTINCT, set operations and their members, the
//! nullable side of an outer join) the query does not compile; see [`crate::check::lock`]
//! (window functions are the server's error). A locked query may be a subquery, a derived
//! table or a CTE body: `UPDATE .. WHERE id IN (SELECT .. FOR UPDATE SKIP LOCKED LIMIT 1)`.
//! SQLite has no row locks: running a locked query on it is the compile error "RowLocks is
//! not available on sqlwright::Sqlite". MySQL has no `FOR NO KEY UPDATE`, `FOR KEY SHARE`
//! or (MariaDB) `OF`: those are the compile errors "ForNoKeyUpdateOrKeyShare is not
//! available on sqlwright::Mysql" and "ForUpdateOf is not available on sqlwright::Mysql".

use super::clauses::{AddCondition, AddOrder, OrderBy};
use super::compose::{FromClause, SelectNeeds, SubSelect};
use super::distinct::{AppendItemFor, OrderItemFor};
use super::select::{RowType, Select, SelectClause};
use super::setop::SetOp;
use crate::backend::needs::Both;
use crate::backend::Dialect;
use crate::check::lock::{LockRules, LockableFrom, OfList, RunsLocked};
use crate::check::{GroupingComplete, ValidOrder, ValidWhere};
use crate::engine::runner::{self, As, Job, Ran, Runner, Work};
use crate::engine::stream_job::{ForEachJob, StreamJob, Streamed};
use crate::engine::{Error, RowRef};
use crate::render::{Label, Rendered, SqlWriter};
use crate::types::{FromRow, RowOf, RowReader};
use std::marker::PhantomData;

mod kinds;
pub use kinds::{
    AllSources, ForKeyShare, ForNoKeyUpdate, ForShare, ForUpdate, LockNames, LockStrength,
    LockWait, NoWait, Of, SkipLocked, Wait,
};

/// A SELECT with a locking clause: lock strength `M` ([`ForUpdate`], [`ForNoKeyUpdate`],
/// [`ForShare`], [`ForKeyShare`]), the sources it locks `L` ([`AllSources`] or [`Of`]) and what it
/// does about rows another transaction has locked `Wt` ([`Wait`], [`NoWait`],
/// [`SkipLocked`]).
///
/// The locks are held until the transaction ends, so a locked query belongs in
/// [`transaction`](crate::engine::Executor::transaction) (outside one, each statement is its
/// own transaction and the locks end with it).
///
/// ```no_run
/// # use sqlwright::prelude::*;
/// # sqlwright::table! { jobs (id) { id -> Int4, done -> Bool, } }
/// # fn demo(conn: &mut Connection) -> Result<(), sqlwright::Error> {
/// conn.transaction(|tx| {
///     // claim one job no other worker holds
///     let job: Option<i32> = jobs::table
///         .filter(jobs::done.eq(false))
///         .select(jobs::id)
///         .order_by(jobs::id)
///         .limit(1)
///         .for_update()
///         .skip_locked()
///         .first(tx)?;
///     if let Some(id) = job {
///         update(jobs::table).filter(jobs::id.eq(id)).set(jobs::done.to(true)).execute(tx)?;
///     }
///     Ok::<_, sqlwright::Error>(())
/// })
/// # }
/// ```
#[must_use = "a query does nothing until it is run with `load`, `first`, `one`, ..."]
pub struct Locked<Q, M, L = AllSources, Wt = Wait> {
    query: Q,
    _lock: PhantomData<(M, L, Wt)>,
}

impl<F, From, S, W, O, G, H> Select<F, From, S, W, O, G, H> {
    /// `FOR UPDATE` (Diesel's `for_update`, SQLAlchemy's `with_for_update()`): locks the
    /// rows read, until the transaction ends, against updates, deletes and other locks.
    /// Call it after `select`, the joins, `group_by` and `distinct` (the rules it checks
    /// depend on them); `.of(..)`, `.skip_locked()`/`.no_wait()`, `filter`, `order_by`,
    /// `limit` and `offset` may follow.
    #[rustfmt::skip] // one line: the note under a refused query's error is shorter
    pub fn for_update<J>(self) -> Locked<Self, ForUpdate> where S: LockRules<G, J> {
        Locked::new(self)
    }

    /// `FOR NO KEY UPDATE` (SQLAlchemy's `with_for_update(key_share=True)`): as
    /// [`for_update`](Self::for_update), but rows referencing these may still be inserted.
    #[rustfmt::skip] // one line: the note under a refused query's error is shorter
    pub fn for_no_key_update<J>(self) -> Locked<Self, ForNoKeyUpdate> where S: LockRules<G, J> {
        Locked::new(self)
    }

    /// `FOR SHARE` (SQLAlchemy's `with_for_update(read=True)`): the rows may not change
    /// until the transaction ends; other transactions may share the lock.
    #[rustfmt::skip] // one line: the note under a refused query's error is shorter
    pub fn for_share<J>(self) -> Locked<Self, ForShare> where S: LockRules<G, J> {
        Locked::new(self)
    }

    /// `FOR KEY SHARE` (SQLAlchemy's `with_for_update(read=True, key_share=True)`): the
    /// rows' keys may not change, nor the rows be deleted.
    #[rustfmt::skip] // one line: the note under a refused query's error is shorter
    pub fn for_key_share<J>(self) -> Locked<Self, ForKeyShare> where S: LockRules<G, J> {
        Locked::new(self)
    }
}

impl<Q, M> Locked<Q, M> {
    fn new(query: Q) -> Self {
        Locked {
            query,
            _lock: PhantomData,
        }
    }
}

impl<Q, M, L, Wt> Locked<Q, M, L, Wt> {
    fn retype<L2, Wt2>(self) -> Locked<Q, M, L2, Wt2> {
        Locked {
            query: self.query,
            _lock: PhantomData,
        }
    }
}

impl<Q, M, L> Locked<Q, M, L, Wait> {
    /// `SKIP LOCKED`: rows another transaction has locked are left out of the result (the
    /// job-queue pattern: each worker claims rows no other worker holds).
    pub fn skip_locked(self) -> Locked<Q, M, L, SkipLocked> {
        self.retype()
    }

    /// `NOWAIT`: when a row is locked by another transaction, fail at once with
    /// [`DbErrorKind::LockNotAvailable`](crate::engine::DbErrorKind::LockNotAvailable)
    /// ([`Error::is_lock_not_available`]) instead of waiting.
    pub fn no_wait(self) -> Locked<Q, M, L, NoWait> {
        self.retype()
    }
}

/// The clauses a locking clause does not depend on may still be added after it, in the order
/// Diesel and SQLAlchemy allow (`.for_update().filter(..).limit(1)`): each is checked as on
/// [`Select`], and the SQL is the same as when they come first.
impl<F, From, S, W, O, G, H, M, L, Wt> Locked<Select<F, From, S, W, O, G, H>, M, L, Wt> {
    #[allow(clippy::type_complexity)]
    fn map<W2, O2>(
        self,
        f: impl FnOnce(Select<F, From, S, W, O, G, H>) -> Select<F, From, S, W2, O2, G, H>,
    ) -> Locked<Select<F, From, S, W2, O2, G, H>, M, L, Wt> {
        Locked {
            query: f(self.query),
            _lock: PhantomData,
        }
    }

    /// See [`Select::filter`].
    #[allow(clippy::type_complexity)]
    pub fn filter<E: ValidWhere<F, I>, I>(
        self,
        condition: E,
    ) -> Locked<Select<F, From, S, W::Out, O, G, H>, M, L, Wt>
    where
        W: AddCondition<E>,
    {
        self.map(|q| q.filter(condition))
    }

    /// See [`Select::order_by`].
    #[allow(clippy::type_complexity)]
    pub fn order_by<E: ValidOrder<F, G, I> + OrderItemFor<S, J>, I, J>(
        self,
        order: E,
    ) -> Locked<Select<F, From, S, W, OrderBy<E>, G, H>, M, L, Wt> {
        self.map(|q| q.order_by(order))
    }

    /// See [`Select::then_order_by`].
    #[allow(clippy::type_complexity)]
    pub fn then_order_by<E: ValidOrder<F, G, I> + AppendItemFor<S, J>, I, J>(
        self,
        order: E,
    ) -> Locked<Select<F, From, S, W, O::Out, G, H>, M, L, Wt>
    where
        O: AddOrder<E>,
    {
        self.map(|q| q.then_order_by(order))
    }

    /// See [`Select::limit`].
    pub fn limit(self, n: i64) -> Self {
        self.map(|q| q.limit(n))
    }

    /// See [`Select::offset`].
    pub fn offset(self, n: i64) -> Self {
        self.map(|q| q.offset(n))
    }
}

impl<F, From, S, W, O, G, H, M, Wt> Locked<Select<F, From, S, W, O, G, H>, M, AllSources, Wt> {
    /// `OF t, ..`: lock only the rows of these sources (a table or alias of the FROM
    /// clause, or a tuple of up to 4), for a join whose other tables are only read, or whose
    /// outer join's optional side cannot be locked.
    #[allow(clippy::type_complexity)]
    pub fn of<T: OfList<F, I>, I>(
        self,
        tables: T,
    ) -> Locked<Select<F, From, S, W, O, G, H>, M, Of<T, I>, Wt> {
        let _ = tables;
        self.retype()
    }
}

impl<F, From, S, W, O, G, H, M, L, Wt> Locked<Select<F, From, S, W, O, G, H>, M, L, Wt>
where
    From: FromClause,
    W: super::Clause,
    G: super::Clause,
    H: super::Clause,
    O: super::Clause,
    M: LockStrength,
    L: LockNames,
    Wt: LockWait,
{
    fn render_with<'a, J>(&'a self, out: &mut SqlWriter<'a>, limit: Option<&'a i64>)
    where
        S: SelectClause<F, G, J>,
    {
        self.query.render_with(out, limit);
        if out.dialect() == Dialect::Mysql {
            out.sql(M::MYSQL);
            L::render_of(out);
            out.sql(Wt::SQL);
            if let Some(marks) = out.mysql_marks() {
                marks.nowait |= Wt::NOWAIT;
                marks.shared_lock_option |= M::SHARED && !Wt::SQL.is_empty();
            }
            return;
        }
        out.sql(M::SQL);
        L::render_of(out);
        out.sql(Wt::SQL);
    }

    /// The SQL text, parameters and column labels of this query, without running it.
    pub fn render<J>(&self) -> Rendered<'_>
    where
        S: SelectClause<F, G, J>,
    {
        let mut out = SqlWriter::new();
        self.render_with(&mut out, None);
        out.finish()
    }

    /// The SQL text of this query.
    pub fn to_sql<J>(&self) -> String
    where
        S: SelectClause<F, G, J>,
    {
        self.render().sql
    }

    /// The SQL text followed by the bound parameters, for logs and debugging.
    pub fn debug_sql<J>(&self) -> String
    where
        S: SelectClause<F, G, J>,
    {
        self.render().to_string()
    }

    /// [`debug_sql`](Self::debug_sql) as the backend of `dialect` spells it (on MySQL:
    /// `LOCK IN SHARE MODE` for `for_share()`).
    pub fn debug_sql_for<J>(&self, dialect: Dialect) -> String
    where
        S: SelectClause<F, G, J>,
    {
        let mut out = SqlWriter::for_dialect(dialect);
        self.render_with(&mut out, None);
        out.finish().to_string()
    }

    /// One run of the query: its rows decoded as `R` and made into `T` by `finish`.
    fn job<R: FromRow<S::SqlType>, T, J>(
        self,
        limit: Option<i64>,
        finish: fn(Vec<R>, u64) -> Result<T, Error>,
    ) -> Job<Self, As<R, S::SqlType>, T>
    where
        S: SelectClause<F, G, J>,
    {
        Job {
            query: self,
            limit,
            write: Self::write_job::<J>,
            finish,
        }
    }

    /// Writes the query for a [`Job`] (a named function rather than a closure: no call
    /// shim per query).
    fn write_job<'q, J>(
        query: &'q Self,
        limit: Option<&'q i64>,
        out: &mut SqlWriter<'q>,
    ) -> Result<bool, Error>
    where
        S: SelectClause<F, G, J>,
    {
        query.render_with(out, limit);
        Ok(true)
    }

    /// Runs the query, locking its rows, and returns every row.
    pub fn load<'c, C: Runner + ?Sized + RunsLocked<F, L>, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<RowType<F, S, G, J>>>
    where
        C::Backend: crate::backend::Runs<LockedCanon<M, L, F, From, S, W, O, G, H, J>>,
        G: GroupingComplete<C::Backend>,
        S: SelectClause<F, G, J, SqlType: RowOf>,
        Job<Self, As<RowType<F, S, G, J>, S::SqlType>, Vec<RowType<F, S, G, J>>>:
            Work<'c, C::Backend, C::Mode, Output = Vec<RowType<F, S, G, J>>>,
    {
        self.job(None, runner::all).run(conn.__connection())
    }

    /// Runs the query and loads every row into `R` (see [`Select::load_as`]).
    pub fn load_as<'c, R: FromRow<S::SqlType>, C: Runner + ?Sized + RunsLocked<F, L>, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<R>>
    where
        C::Backend: crate::backend::Runs<LockedCanon<M, L, F, From, S, W, O, G, H, J>>,
        G: GroupingComplete<C::Backend>,
        S: SelectClause<F, G, J>,
        Job<Self, As<R, S::SqlType>, Vec<R>>: Work<'c, C::Backend, C::Mode, Output = Vec<R>>,
    {
        self.job(None, runner::all).run(conn.__connection())
    }

    /// The first row, or `None` (runs with `LIMIT 1`, so only that row is locked).
    pub fn first<'c, C: Runner + ?Sized + RunsLocked<F, L>, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Option<RowType<F, S, G, J>>>
    where
        C::Backend: crate::backend::Runs<LockedCanon<M, L, F, From, S, W, O, G, H, J>>,
        G: GroupingComplete<C::Backend>,
        S: SelectClause<F, G, J, SqlType: RowOf>,
        Job<Self, As<RowType<F, S, G, J>, S::SqlType>, Option<RowType<F, S, G, J>>>:
            Work<'c, C::Backend, C::Mode, Output = Option<RowType<F, S, G, J>>>,
    {
        let one = self.query.limit.map_or(1, |l| l.min(1));
        self.job(Some(one), runner::first).run(conn.__connection())
    }

    /// Exactly one row: [`Error::NotFound`] when there is none, [`Error::MultipleRows`]
    /// when there are more (runs with `LIMIT 2`).
    pub fn one<'c, C: Runner + ?Sized + RunsLocked<F, L>, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, RowType<F, S, G, J>>
    where
        C::Backend: crate::backend::Runs<LockedCanon<M, L, F, From, S, W, O, G, H, J>>,
        G: GroupingComplete<C::Backend>,
        S: SelectClause<F, G, J, SqlType: RowOf>,
        Job<Self, As<RowType<F, S, G, J>, S::SqlType>, RowType<F, S, G, J>>:
            Work<'c, C::Backend, C::Mode, Output = RowType<F, S, G, J>>,
    {
        let two = self.query.limit.map_or(2, |l| l.min(2));
        self.job(Some(two), runner::exactly_one)
            .run(conn.__connection())
    }

    /// Runs the query and reads its rows as the server sends them (see
    /// [`Select::stream`]); each row is locked as it is read.
    #[allow(clippy::type_complexity)]
    pub fn stream<'c, C: Runner + ?Sized + RunsLocked<F, L>, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Streamed<'c, C, Self, RowType<F, S, G, J>>>
    where
        S: SelectClause<F, G, J, SqlType: RowOf>,
        C::Backend: crate::engine::stream_job::Streaming,
        C::Backend: crate::backend::Runs<LockedCanon<M, L, F, From, S, W, O, G, H, J>>,
        G: GroupingComplete<C::Backend>,
        StreamJob<Self, RowType<F, S, G, J>, C::Backend>: Work<'c, C::Backend, C::Mode>,
    {
        StreamJob {
            query: self,
            render: |query, conn| {
                Ok(crate::render::render_for(conn, &mut |out| {
                    query.render_with(out, None)
                }))
            },
            decode: decode_row::<RowType<F, S, G, J>, S::SqlType>,
            read: <RowType<F, S, G, J> as FromRow<S::SqlType>>::from_row,
        }
        .run(conn.__connection())
    }

    /// Runs the query and hands each row to `f` as it is read (see [`Select::for_each`]);
    /// returns how many rows there were.
    pub fn for_each<'c, C: Runner + ?Sized + RunsLocked<F, L>, J, Each>(
        self,
        conn: &'c mut C,
        f: Each,
    ) -> Ran<'c, C, u64>
    where
        Each: FnMut(RowType<F, S, G, J>) -> Result<(), Error> + 'c,
        S: SelectClause<F, G, J, SqlType: RowOf>,
        C::Backend: crate::backend::Runs<LockedCanon<M, L, F, From, S, W, O, G, H, J>>,
        G: GroupingComplete<C::Backend>,
        ForEachJob<Self, RowType<F, S, G, J>, Each>: Work<'c, C::Backend, C::Mode, Output = u64>,
    {
        ForEachJob {
            query: self,
            write: |query, _, out| {
                query.render_with(out, None);
                Ok(true)
            },
            decode: <RowType<F, S, G, J> as FromRow<S::SqlType>>::from_row,
            each: f,
        }
        .run(conn.__connection())
    }
}

/// A locked query inside another statement: a subquery (`in_query`, `exists`, a scalar
/// subquery), a derived table or a CTE, where PostgreSQL locks the rows it reads (the job
/// queue's one-statement claim, `UPDATE .. WHERE id IN (SELECT .. FOR UPDATE SKIP LOCKED
/// LIMIT 1)`). Not a member of a set operation ([`SetMember`]).
impl<F, From, S, W, O, G, H, M, L, Wt, J> SubSelect<J>
    for Locked<Select<F, From, S, W, O, G, H>, M, L, Wt>
where
    From: FromClause,
    W: super::Clause,
    G: super::Clause + GroupingComplete<()>,
    H: super::Clause,
    O: super::Clause,
    M: LockStrength,
    L: LockNames,
    Wt: LockWait,
    S: SelectClause<F, G, J>,
    F: LockableFrom<L, ()>,
{
    type SqlType = S::SqlType;
    type FromList = F;
    type Needs = LockedNeeds<M, L, F, From, S, W, O, G, H, J>;
    fn render_subselect<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.render_with(out, None);
    }
    fn limited(&self) -> bool {
        self.query.limit.is_some() || self.query.offset.is_some()
    }
}

/// A query that may be a member of a set operation (the right side of `union`, ..): any
/// but a locked one. One blanket impl over [`SetMemberKind`].
pub trait SetMember {}
impl<Q: SetMemberKind> SetMember for Q {}

/// [`SetMember`], per kind of query.
pub trait SetMemberKind {}
impl<F, From, S, W, O, G, H> SetMemberKind for Select<F, From, S, W, O, G, H> {}
impl<Lq, R, JL, JR> SetMemberKind for SetOp<Lq, R, JL, JR> {}
impl<Q, M: NotInSetOperation, L, Wt> SetMemberKind for Locked<Q, M, L, Wt> {}

/// A locked query (`Self` is its lock strength) refuses to be a set operation's member.
#[diagnostic::on_unimplemented(
    message = "FOR UPDATE / FOR SHARE cannot be used in a member of UNION, INTERSECT or EXCEPT",
    label = "a locked query: lock its rows in a statement of their own, in the same transaction"
)]
pub trait NotInSetOperation {}
#[diagnostic::do_not_recommend]
impl NotInSetOperation for crate::check::lock::Unlocked {}

/// The needs of a SELECT locked with strength `M` over sources `L`: the lock's (row locks,
/// which PostgreSQL and MySQL have; the key-level strengths and `OF`, PostgreSQL's only),
/// then the query's own.
pub type LockedNeeds<M, L, F, From, S, W, O, G, H, J> =
    Both<<M as LockStrength>::Needs<L>, SelectNeeds<F, From, S, W, O, G, H, J>>;

/// [`LockedNeeds`] in canonical form: what the connection's backend must run.
pub type LockedCanon<M, L, F, From, S, W, O, G, H, J> =
    crate::backend::Canonical<LockedNeeds<M, L, F, From, S, W, O, G, H, J>>;

/// Decodes one streamed row into `R`.
fn decode_row<R: FromRow<ST>, ST>(row: RowRef<'_>, labels: &[Label]) -> Result<R, Error> {
    R::from_row(&mut RowReader::new(crate::engine::RowData::pg(row), labels))
}

/// A set operation refuses a locking clause.
#[diagnostic::on_unimplemented(
    message = "FOR UPDATE / FOR SHARE cannot be used with UNION, INTERSECT or EXCEPT",
    label = "the rows of a set operation are not rows of one table",
    note = "lock the rows in a query of their own, inside the same transaction"
)]
pub trait NotSetOperation {}

/// What a locking clause on a set operation is reported as.
pub struct SetOperation<'a>(PhantomData<&'a ()>);

impl<Lq, R, JL, JR> SetOp<Lq, R, JL, JR> {
    /// Not allowed: PostgreSQL refuses a locking clause on UNION, INTERSECT and EXCEPT. The
    /// method exists so that the compile error says so.
    pub fn for_update(self) -> Self
    where
        for<'a> SetOperation<'a>: NotSetOperation,
    {
        self
    }

    /// Not allowed, as [`for_update`](Self::for_update).
    pub fn for_no_key_update(self) -> Self
    where
        for<'a> SetOperation<'a>: NotSetOperation,
    {
        self
    }

    /// Not allowed, as [`for_update`](Self::for_update).
    pub fn for_share(self) -> Self
    where
        for<'a> SetOperation<'a>: NotSetOperation,
    {
        self
    }

    /// Not allowed, as [`for_update`](Self::for_update).
    pub fn for_key_share(self) -> Self
    where
        for<'a> SetOperation<'a>: NotSetOperation,
    {
        self
    }
}
