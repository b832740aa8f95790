//! SELECT statements as typed values.

use super::clauses::{AddCondition, AddOrder, Clause, NoFilter, NoHaving, NoOrder, OrderBy};
use super::compose::SelectNeeds;
use super::distinct::{AppendItemFor, OrderItemFor, SelectFor, Unselected};
use super::Source;
use crate::backend::needs::PostgresOnly;
use crate::check::{Cons, GroupingComplete, Nil, NoGroup};
use crate::check::{Src, ValidOrder};
use crate::check::{ValidSelect, ValidWhere};
use crate::engine::runner::{self, As, Job, Ran, Runner, Work};
use crate::engine::stream_job::{ForEachJob, StreamJob, Streamed};
use crate::engine::{Error, RowRef};
use crate::render::{Label, Rendered, SqlWriter};
use crate::types::{FromRow, NotNull, RowOf, RowReader};
use std::marker::PhantomData;

mod clause;
pub use clause::{DefaultSelection, Regroup, SelectClause, Selected};

/// A SELECT statement.
///
/// `F` is the FROM list as a type (see [`crate::check`]), `From` the value that renders the
/// FROM clause, `S` the select clause, `W` WHERE, `O` ORDER BY, `G` GROUP BY, `H` HAVING.
/// Every builder method checks its argument against `F` and `G` where it is called, so a
/// mistake is reported at the faulty call. The order is the one SQL reads in: joins, then
/// `filter`, `group_by`, `having`, `select`, `distinct`, `order_by` (filters and ordering
/// may repeat); `group_by` may also follow `select` (the select list is then checked again),
/// and `distinct` may come anywhere after the joins.
#[must_use = "a query does nothing until it is run with `load`, `first`, `one`, ..."]
pub struct Select<F, From, S, W = NoFilter, O = NoOrder, G = NoGroup, H = NoHaving> {
    pub(crate) from: From,
    pub(crate) select: S,
    pub(crate) filter: W,
    pub(crate) order: O,
    pub(crate) group: G,
    pub(crate) having: H,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
    pub(crate) _from: PhantomData<F>,
}

/// Rebuilds query `$q` (an identifier, usually `self`) with some parts replaced (and so,
/// possibly, of another type): `rebuild!(self, filter: self.filter.add(c))`.
macro_rules! rebuild {
    ($q:ident, $($field:ident: $value:expr),* $(,)?) => {
        Select {
            from: rebuild!(@pick from $q [$($field: $value,)*]),
            select: rebuild!(@pick select $q [$($field: $value,)*]),
            filter: rebuild!(@pick filter $q [$($field: $value,)*]),
            order: rebuild!(@pick order $q [$($field: $value,)*]),
            group: rebuild!(@pick group $q [$($field: $value,)*]),
            having: rebuild!(@pick having $q [$($field: $value,)*]),
            limit: $q.limit,
            offset: $q.offset,
            _from: PhantomData,
        }
    };
    (@pick $want:ident $q:ident []) => { $q.$want };
    (@pick from $q:ident [from: $v:expr, $($rest:tt)*]) => { $v };
    (@pick select $q:ident [select: $v:expr, $($rest:tt)*]) => { $v };
    (@pick filter $q:ident [filter: $v:expr, $($rest:tt)*]) => { $v };
    (@pick order $q:ident [order: $v:expr, $($rest:tt)*]) => { $v };
    (@pick group $q:ident [group: $v:expr, $($rest:tt)*]) => { $v };
    (@pick having $q:ident [having: $v:expr, $($rest:tt)*]) => { $v };
    (@pick $want:ident $q:ident [$other:ident: $v:expr, $($rest:tt)*]) => {
        rebuild!(@pick $want $q [$($rest)*])
    };
}
pub(crate) use rebuild;

/// The FROM list of a query over source `S` alone.
pub type SingleFrom<S> = Cons<Src<S, NotNull>, Nil>;

impl<S: Source> Select<SingleFrom<S>, S, DefaultSelection<S>> {
    /// `SELECT <all columns> FROM source`.
    pub fn from_source(source: S) -> Self {
        Select::over(source, source)
    }
}

impl<S: Source, From> Select<SingleFrom<S>, From, DefaultSelection<S>> {
    /// `SELECT <all columns of source> FROM <from>`, where `from` writes `source` as a FROM
    /// item (the source itself, or a derived table named by it).
    pub(crate) fn over(source: S, from: From) -> Self {
        Select {
            from,
            select: DefaultSelection(source),
            filter: NoFilter,
            order: NoOrder,
            group: NoGroup,
            having: NoHaving,
            limit: None,
            offset: None,
            _from: PhantomData,
        }
    }
}

impl<F, From, S, W, O, G, H> Select<F, From, S, W, O, G, H> {
    /// Adds a WHERE condition; several calls are ANDed.
    pub fn filter<E: ValidWhere<F, I>, I>(self, condition: E) -> Select<F, From, S, W::Out, O, G, H>
    where
        W: AddCondition<E>,
    {
        rebuild!(self, filter: self.filter.add(condition))
    }

    /// Adds a WHERE condition when `condition` is `Some`, keeping the query's type either
    /// way: for filters chosen at run time.
    pub fn filter_opt<E: ValidWhere<F, I>, I>(
        self,
        condition: Option<E>,
    ) -> Select<F, From, S, W::Out, O, G, H>
    where
        W: AddCondition<crate::expr::Optional<E>>,
    {
        rebuild!(self, filter: self.filter.add(crate::expr::Optional(condition)))
    }

    /// Sets ORDER BY to an expression, `expr.desc()`, or a tuple of them. Under GROUP BY,
    /// the same grouping rule as for the select list applies.
    pub fn order_by<E: ValidOrder<F, G, I> + OrderItemFor<S, J>, I, J>(
        self,
        order: E,
    ) -> Select<F, From, S, W, OrderBy<E>, G, H> {
        rebuild!(self, order: OrderBy(order))
    }

    /// Appends to ORDER BY.
    pub fn then_order_by<E: ValidOrder<F, G, I> + AppendItemFor<S, J>, I, J>(
        self,
        order: E,
    ) -> Select<F, From, S, W, O::Out, G, H>
    where
        O: AddOrder<E>,
    {
        rebuild!(self, order: self.order.add(order))
    }

    /// `LIMIT n`.
    pub fn limit(mut self, n: i64) -> Self {
        self.limit = Some(n);
        self
    }

    /// `OFFSET n`.
    pub fn offset(mut self, n: i64) -> Self {
        self.offset = Some(n);
        self
    }
}

impl<F, From, S: Unselected, W, O, G, H> Select<F, From, S, W, O, G, H> {
    /// Sets the select clause: a column, an expression, a table, a `Row` struct's
    /// `as_select()`, or a tuple of them. The row type of [`load`](Select::load) follows
    /// from it.
    pub fn select<E: ValidSelect<F, G, I, G2> + SelectFor<S, O, I, J>, I, G2, J>(
        self,
        selection: E,
    ) -> Select<F, From, S::With<E, I>, W, O, G2, H> {
        rebuild!(
            self,
            select: self.select.with(selection),
            group: E::regroup(self.group),
        )
    }
}

/// The Rust row type of a query: inferred from its select clause.
pub type RowType<F, S, G, J> = <<S as SelectClause<F, G, J>>::SqlType as RowOf>::Row;

impl<F, From, S, W, O, G, H> Select<F, From, S, W, O, G, H>
where
    From: super::FromClause,
    W: Clause,
    G: Clause,
    H: Clause,
    O: Clause,
{
    pub(crate) fn render_with<'a, J>(&'a self, out: &mut SqlWriter<'a>, limit: Option<&'a i64>)
    where
        S: SelectClause<F, G, J>,
    {
        if self.from.has_ctes() {
            out.sql(if self.from.recursive_ctes() {
                "WITH RECURSIVE "
            } else {
                "WITH "
            });
            let mut first = true;
            self.from.render_ctes(out, &mut first);
            out.sql(" ");
        }
        out.sql("SELECT ");
        self.select.render_list(out);
        out.sql(" FROM ");
        self.from.render_from(out);
        self.filter.render_clause(out);
        self.group.render_clause(out);
        self.having.render_clause(out);
        self.order.render_clause(out);
        out.limit_offset(limit.or(self.limit.as_ref()), self.offset.as_ref());
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

    /// The parameters and fingerprint of this query without its SQL text: what rendering
    /// costs when the connection already has the statement prepared (see
    /// [`SqlWriter::fingerprint_only`]).
    pub fn render_fingerprint<J>(&self) -> Rendered<'_>
    where
        S: SelectClause<F, G, J>,
    {
        let mut out = SqlWriter::fingerprint_only();
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

    /// [`debug_sql`](Self::debug_sql) as the backend of `dialect` spells it
    /// (`users.debug_sql_for(Sqlite::DIALECT)`).
    pub fn debug_sql_for<J>(&self, dialect: crate::backend::Dialect) -> String
    where
        S: SelectClause<F, G, J>,
    {
        let mut out = SqlWriter::for_dialect(dialect);
        self.render_with(&mut out, None);
        out.finish().to_string()
    }

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
