//! Running a SELECT: `load`, `load_as`, `first`, `one`, `scalar`, `stream`, `for_each`,
//! `copy_out` and `count`, each a [`Job`] (or a streaming job) over the query's text.

use super::{RowType, Select, SelectClause};
use crate::backend::needs::PostgresOnly;
use crate::check::GroupingComplete;
use crate::engine::runner::{self, As, Job, Ran, Runner, Work};
use crate::engine::stream_job::{ForEachJob, StreamJob, Streamed};
use crate::engine::{Error, RowRef};
use crate::query::clauses::Clause;
use crate::query::compose::SelectNeeds;
use crate::render::{Label, SqlWriter};
use crate::types::{FromRow, RowOf, RowReader};

impl<F, From, S, W, O, G, H> Select<F, From, S, W, O, G, H>
where
    From: crate::query::FromClause,
    W: Clause,
    G: Clause,
    H: Clause,
    O: Clause,
{
    /// One run of the query on `C`: its rows decoded as `R` and made into `T` by
    /// `finish`, with `LIMIT limit` when given.
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

    /// Runs the query and returns every row.
    pub fn load<'c, C: Runner + ?Sized, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<RowType<F, S, G, J>>>
    where
        C::Backend:
            crate::backend::Runs<crate::backend::Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
        G: GroupingComplete<C::Backend>,
        S: SelectClause<F, G, J, SqlType: RowOf>,
        Job<Self, As<RowType<F, S, G, J>, S::SqlType>, Vec<RowType<F, S, G, J>>>:
            Work<'c, C::Backend, C::Mode, Output = Vec<RowType<F, S, G, J>>>,
    {
        self.job(None, runner::all).run(conn.__connection())
    }

    /// Runs the query and loads every row into `R`, which must match the row's SQL types
    /// (a tuple of values, or a type implementing [`FromRow`]).
    pub fn load_as<'c, R: FromRow<S::SqlType>, C: Runner + ?Sized, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<R>>
    where
        C::Backend:
            crate::backend::Runs<crate::backend::Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
        G: GroupingComplete<C::Backend>,
        S: SelectClause<F, G, J>,
        Job<Self, As<R, S::SqlType>, Vec<R>>: Work<'c, C::Backend, C::Mode, Output = Vec<R>>,
    {
        self.job(None, runner::all).run(conn.__connection())
    }

    /// The first row, or `None` (runs with `LIMIT 1`).
    pub fn first<'c, C: Runner + ?Sized, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Option<RowType<F, S, G, J>>>
    where
        C::Backend:
            crate::backend::Runs<crate::backend::Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
        G: GroupingComplete<C::Backend>,
        S: SelectClause<F, G, J, SqlType: RowOf>,
        Job<Self, As<RowType<F, S, G, J>, S::SqlType>, Option<RowType<F, S, G, J>>>:
            Work<'c, C::Backend, C::Mode, Output = Option<RowType<F, S, G, J>>>,
    {
        let one = self.limit.map_or(1, |l| l.min(1));
        self.job(Some(one), runner::first).run(conn.__connection())
    }

    /// Exactly one row: [`Error::NotFound`] when there is none, [`Error::MultipleRows`]
    /// when there are more.
    pub fn one<'c, C: Runner + ?Sized, J>(self, conn: &'c mut C) -> Ran<'c, C, RowType<F, S, G, J>>
    where
        C::Backend:
            crate::backend::Runs<crate::backend::Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
        G: GroupingComplete<C::Backend>,
        S: SelectClause<F, G, J, SqlType: RowOf>,
        Job<Self, As<RowType<F, S, G, J>, S::SqlType>, RowType<F, S, G, J>>:
            Work<'c, C::Backend, C::Mode, Output = RowType<F, S, G, J>>,
    {
        let two = self.limit.map_or(2, |l| l.min(2));
        self.job(Some(two), runner::exactly_one)
            .run(conn.__connection())
    }

    /// The single value of the only row, or `None` when there is no row;
    /// [`Error::MultipleRows`] when there are more (SQLAlchemy's `scalar()`).
    pub fn scalar<'c, C: Runner + ?Sized, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Option<RowType<F, S, G, J>>>
    where
        C::Backend:
            crate::backend::Runs<crate::backend::Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
        G: GroupingComplete<C::Backend>,
        S: SelectClause<F, G, J, SqlType: RowOf>,
        Job<Self, As<RowType<F, S, G, J>, S::SqlType>, Option<RowType<F, S, G, J>>>:
            Work<'c, C::Backend, C::Mode, Output = Option<RowType<F, S, G, J>>>,
    {
        let two = self.limit.map_or(2, |l| l.min(2));
        self.job(Some(two), runner::at_most_one)
            .run(conn.__connection())
    }

    /// Runs the query and reads its rows one at a time as the server sends them, without
    /// holding them all in memory: for results too big to load at once.
    ///
    /// The server sends the rows in batches of 4096 with the next batch always requested
    /// ahead, and each row is decoded from the connection's buffer when asked for, so
    /// memory stays bounded (5 million rows peak at a few MiB of RSS). Dropping the stream
    /// early ends the statement; inside a transaction, a failure aborts the transaction
    /// like any failed statement.
    ///
    /// On an async connection (feature `tokio`) the same call returns a future of an
    /// `AsyncRows` (feature `tokio`), a `futures::Stream` read the same way:
    /// `let mut rows = query.stream(&mut conn).await?; while let Some(row) = rows.next().await`.
    ///
    /// ```no_run
    /// # use sqlwright::prelude::*;
    /// # sqlwright::table! { users (id) { id -> Int4, name -> Text, } }
    /// # fn demo(conn: &mut Connection) -> Result<(), sqlwright::Error> {
    /// for row in users::table.select((users::id, users::name)).stream(conn)? {
    ///     let (id, name) = row?;
    ///     println!("{id} {name}");
    /// }
    /// // or in batches of 1000 rows (SQLAlchemy's fetchmany)
    /// for batch in users::table.select(users::id).stream(conn)?.batches(1000) {
    ///     let ids: Vec<i32> = batch?;
    /// }
    /// # Ok(()) }
    /// ```
    #[allow(clippy::type_complexity)]
    pub fn stream<'c, C: Runner + ?Sized, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Streamed<'c, C, Self, RowType<F, S, G, J>>>
    where
        S: SelectClause<F, G, J, SqlType: RowOf>,
        C::Backend: crate::engine::stream_job::Streaming,
        C::Backend:
            crate::backend::Runs<crate::backend::Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
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

    /// Runs the query and hands each row to `f` as it is read, without holding the rows in
    /// memory, on any backend; returns how many rows there were. An error from `f` stops
    /// the decoding and is returned (the rest of the result is read and dropped). On
    /// PostgreSQL [`stream`](Self::stream) gives the same as an iterator. On an async
    /// connection it returns a future; `f` is still a plain closure, called as each row
    /// is decoded from the read buffer (for async work per row, use `stream`).
    pub fn for_each<'c, C: Runner + ?Sized, J, Each>(
        self,
        conn: &'c mut C,
        f: Each,
    ) -> Ran<'c, C, u64>
    where
        Each: FnMut(RowType<F, S, G, J>) -> Result<(), Error> + 'c,
        S: SelectClause<F, G, J, SqlType: RowOf>,
        C::Backend:
            crate::backend::Runs<crate::backend::Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
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

    /// Runs the query as `COPY (query) TO STDOUT (FORMAT binary)` and decodes its rows as
    /// they arrive: the fastest way to read a whole table or a large result. COPY takes no
    /// parameters, so a query with bound values is [`Error::Misuse`] (use
    /// [`stream`](Self::stream)).
    #[allow(clippy::type_complexity)]
    pub fn copy_out<'c, C: Runner + ?Sized, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, crate::copy::CopiedOut<'c, C, Self, RowType<F, S, G, J>>>
    where
        S: SelectClause<F, G, J, SqlType: RowOf>,
        C::Backend: crate::backend::needs::PostgresOnly<crate::backend::needs::features::COPY>,
        G: GroupingComplete<C::Backend>,
        crate::copy::CopyOutJob<Self, RowType<F, S, G, J>, C::Backend>:
            Work<'c, C::Backend, C::Mode>,
    {
        crate::copy::CopyOutJob {
            query: self,
            write: |query, _, out| {
                query.render_with(out, None);
                Ok(true)
            },
            decode: decode_row::<RowType<F, S, G, J>, S::SqlType>,
            postgres: <C::Backend as PostgresOnly<crate::backend::needs::features::COPY>>::postgres,
        }
        .run(conn.__connection())
    }

    /// The number of rows this query returns: `SELECT COUNT(*) FROM (query) AS "q"`.
    pub fn count<'c, C: Runner + ?Sized, J>(self, conn: &'c mut C) -> Ran<'c, C, i64>
    where
        C::Backend:
            crate::backend::Runs<crate::backend::Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
        G: GroupingComplete<C::Backend>,
        S: SelectClause<F, G, J>,
        Job<Self, As<i64, crate::types::Int8>, i64>: Work<'c, C::Backend, C::Mode, Output = i64>,
    {
        Job::<_, As<i64, crate::types::Int8>, _>::rows(
            self,
            None,
            |query, _, out| {
                out.sql("SELECT COUNT(*) FROM (");
                // MySQL refuses a derived table with two columns of one name.
                out.with_item_aliases(|out| query.render_with(out, None));
                out.sql(") AS ");
                out.ident("q");
                Ok(true)
            },
            |counts, _| counts.first().copied().ok_or(Error::NotFound),
        )
        .run(conn.__connection())
    }
}

/// Decodes one streamed row into `R`.
fn decode_row<R: FromRow<ST>, ST>(row: RowRef<'_>, labels: &[Label]) -> Result<R, Error> {
    R::from_row(&mut RowReader::new(crate::engine::RowData::pg(row), labels))
}
