//! Many SELECTs of one type sent together: `query::reads(queries).load(&mut conn)`, one
//! round trip for all of them, each with its own typed rows (PostgreSQL's pipelining).

// Query types spell out their FROM lists; naming every piece would not make them clearer.
#![allow(clippy::type_complexity)]

use super::clauses::Clause;
use super::compose::{FromClause, SelectNeeds};
use super::read_list::{Pipelined, Read};
use super::select::{RowType, Select, SelectClause};
use crate::backend::{Canonical, Runs};
use crate::check::GroupingComplete;
use crate::engine::runner::{self, Ran, Runner, Work};
use crate::render::SqlWriter;
use crate::types::{FromRow, RowOf};

/// SELECT statements of one type (the same query with other values, most often), sent to
/// PostgreSQL together and answered in one round trip: on a network with a 1 ms round
/// trip, 100 point selects take about 1 ms instead of 100. Made by [`reads`].
///
/// Each statement is prepared first (from the cache, or one round trip the first time),
/// then all run as one request ended by one Sync, as a [`Batch`](super::Batch) of writes
/// does: outside a transaction they are one implicit transaction (one snapshot under
/// REPEATABLE READ; under the default READ COMMITTED each statement takes its own).
/// The first failure — a statement the server refuses, a row that does not decode, no row
/// for [`one`](Self::one) — is [`Error::Batch`](crate::Error::Batch) naming the
/// statement's position, and no result is returned. At most
/// [`Batch::MAX`](super::Batch::MAX) statements; more is
/// [`Error::Misuse`](crate::Error::Misuse).
///
/// The run methods are those of a single query, giving a list with one result per
/// query, in order: `load`, `load_as`, `first`, `one`; on an async connection they are
/// awaited. On MySQL and SQLite the statements run one after another in one transaction
/// (a savepoint inside the caller's), with the same results and errors.
///
/// ```no_run
/// # use sqlwright::prelude::*;
/// # sqlwright::table! { items (id) { #[serial] id -> Int4, name -> Text, stock -> Int4, } }
/// # fn demo(conn: &mut Connection) -> Result<(), sqlwright::Error> {
/// let wanted = [3, 14, 15];
/// let names: Vec<Option<String>> = sqlwright::query::reads(
///     wanted.iter().map(|id| items::table.select(items::name).filter(items::id.eq(*id))),
/// )
/// .first(conn)?; // on an async connection: `.first(&mut conn).await?`
/// assert_eq!(names.len(), 3);
/// # Ok(()) }
/// ```
#[must_use = "the reads run when `load`, `first` or `one` is called"]
pub struct ReadBatch<Q> {
    queries: Vec<Q>,
}

impl<Q> std::fmt::Debug for ReadBatch<Q> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadBatch")
            .field("statements", &self.queries.len())
            .finish()
    }
}

/// The SELECTs `queries`, to be sent together (see [`ReadBatch`]).
pub fn reads<Q>(queries: impl IntoIterator<Item = Q>) -> ReadBatch<Q> {
    ReadBatch {
        queries: queries.into_iter().collect(),
    }
}

impl<Q> ReadBatch<Q> {
    /// Adds `query` at the end.
    pub fn push(&mut self, query: Q) {
        self.queries.push(query);
    }

    /// How many statements.
    pub fn len(&self) -> usize {
        self.queries.len()
    }

    /// Whether there is no statement.
    pub fn is_empty(&self) -> bool {
        self.queries.is_empty()
    }
}

/// Writes a SELECT (the [`WriteRead`](super::read_list::WriteRead) of every read of rows).
pub(super) fn write_select<'q, F, From, S, W, O, G, H, J>(
    query: &'q Select<F, From, S, W, O, G, H>,
    limit: Option<&'q i64>,
    out: &mut SqlWriter<'q>,
) where
    From: FromClause,
    W: Clause,
    G: Clause,
    H: Clause,
    O: Clause,
    S: SelectClause<F, G, J>,
{
    query.render_with(out, limit);
}

/// The reads of `Q`'s rows as `R`, each made into `T`.
type ReadsOf<Q, R, ST, T> = Pipelined<Vec<Read<Q, R, ST, T>>>;

impl<F, From, S, W, O, G, H> ReadBatch<Select<F, From, S, W, O, G, H>>
where
    From: FromClause,
    W: Clause,
    G: Clause,
    H: Clause,
    O: Clause,
{
    /// The reads of this list, each with the LIMIT `cap` (when given, lowered to the
    /// query's own) and its rows made into `T` by `finish`.
    fn list<R, T, J>(
        self,
        cap: Option<i64>,
        finish: fn(Vec<R>, u64) -> Result<T, crate::Error>,
    ) -> Vec<Read<Select<F, From, S, W, O, G, H>, R, S::SqlType, T>>
    where
        S: SelectClause<F, G, J>,
    {
        self.queries
            .into_iter()
            .map(|query| {
                let limit = cap.map(|cap| query.limit.map_or(cap, |l| l.min(cap)));
                Read::new(
                    query,
                    limit,
                    write_select::<F, From, S, W, O, G, H, J>,
                    finish,
                )
            })
            .collect()
    }

    /// Every row of every query: one list of rows per query, in order.
    pub fn load<'c, C: Runner + ?Sized, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<Vec<RowType<F, S, G, J>>>>
    where
        C::Backend: Runs<Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
        G: GroupingComplete<C::Backend>,
        S: SelectClause<F, G, J, SqlType: RowOf>,
        ReadsOf<
            Select<F, From, S, W, O, G, H>,
            RowType<F, S, G, J>,
            S::SqlType,
            Vec<RowType<F, S, G, J>>,
        >: Work<'c, C::Backend, C::Mode, Output = Vec<Vec<RowType<F, S, G, J>>>>,
    {
        Pipelined(self.list(None, runner::all)).run(conn.__connection())
    }

    /// Every row of every query loaded into `R` (see
    /// [`Select::load_as`](super::Select::load_as)).
    pub fn load_as<'c, R: FromRow<S::SqlType>, C: Runner + ?Sized, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<Vec<R>>>
    where
        C::Backend: Runs<Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
        G: GroupingComplete<C::Backend>,
        S: SelectClause<F, G, J>,
        ReadsOf<Select<F, From, S, W, O, G, H>, R, S::SqlType, Vec<R>>:
            Work<'c, C::Backend, C::Mode, Output = Vec<Vec<R>>>,
    {
        Pipelined(self.list(None, runner::all)).run(conn.__connection())
    }

    /// The first row of each query, or `None` (each runs with `LIMIT 1`).
    pub fn first<'c, C: Runner + ?Sized, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<Option<RowType<F, S, G, J>>>>
    where
        C::Backend: Runs<Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
        G: GroupingComplete<C::Backend>,
        S: SelectClause<F, G, J, SqlType: RowOf>,
        ReadsOf<
            Select<F, From, S, W, O, G, H>,
            RowType<F, S, G, J>,
            S::SqlType,
            Option<RowType<F, S, G, J>>,
        >: Work<'c, C::Backend, C::Mode, Output = Vec<Option<RowType<F, S, G, J>>>>,
    {
        Pipelined(self.list(Some(1), runner::first)).run(conn.__connection())
    }

    /// Exactly one row of each query: a query with none or more is
    /// [`Error::Batch`](crate::Error::Batch) naming it, with
    /// [`Error::NotFound`](crate::Error::NotFound) or
    /// [`Error::MultipleRows`](crate::Error::MultipleRows) inside.
    pub fn one<'c, C: Runner + ?Sized, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<RowType<F, S, G, J>>>
    where
        C::Backend: Runs<Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
        G: GroupingComplete<C::Backend>,
        S: SelectClause<F, G, J, SqlType: RowOf>,
        ReadsOf<
            Select<F, From, S, W, O, G, H>,
            RowType<F, S, G, J>,
            S::SqlType,
            RowType<F, S, G, J>,
        >: Work<'c, C::Backend, C::Mode, Output = Vec<RowType<F, S, G, J>>>,
    {
        Pipelined(self.list(Some(2), runner::exactly_one)).run(conn.__connection())
    }
}
