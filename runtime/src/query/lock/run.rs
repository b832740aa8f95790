//! Running a locked query: `load`, `load_as`, `first`, `one`, `stream` and `for_each`,
//! each a [`Job`] (or a streaming job) over the query's text with its locking clause.

use super::{LockNames, LockStrength, LockWait, Locked, LockedCanon};
use crate::check::lock::RunsLocked;
use crate::check::GroupingComplete;
use crate::engine::runner::{self, As, Job, Ran, Runner, Work};
use crate::engine::stream_job::{ForEachJob, StreamJob, Streamed};
use crate::engine::{Error, RowRef};
use crate::query::compose::FromClause;
use crate::query::select::{RowType, Select, SelectClause};
use crate::render::{Label, SqlWriter};
use crate::types::{FromRow, RowOf, RowReader};

impl<F, From, S, W, O, G, H, M, L, Wt> Locked<Select<F, From, S, W, O, G, H>, M, L, Wt>
where
    From: FromClause,
    W: crate::query::Clause,
    G: crate::query::Clause,
    H: crate::query::Clause,
    O: crate::query::Clause,
    M: LockStrength,
    L: LockNames,
    Wt: LockWait,
{
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

/// Decodes one streamed row into `R`.
fn decode_row<R: FromRow<ST>, ST>(row: RowRef<'_>, labels: &[Label]) -> Result<R, Error> {
    R::from_row(&mut RowReader::new(crate::engine::RowData::pg(row), labels))
}
