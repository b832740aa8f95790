//! SELECTs of different types sent together:
//! `Pipeline::new().load(a).one(b).count(c).run(&mut conn)` gives `(rows, row, n)` in one
//! round trip (PostgreSQL's pipelining; on MySQL and SQLite one after another in one
//! transaction, `sequenced.rs`).

// Query types spell out their FROM lists; naming every piece would not make them clearer.
#![allow(clippy::type_complexity)]

use super::clauses::Clause;
use super::compose::{FromClause, SelectNeeds};
use super::dsl::{TableQuery, TableSelect};
use super::read_list::{Pipelined, Read, ReadList};
use super::reads::write_select;
use super::select::{RowType, Select, SelectClause};
use crate::backend::{Backend, Canonical, Postgres, Runs};
use crate::check::GroupingComplete;
use crate::engine::runner::{self, Ran, Runner, Work};
use crate::render::SqlWriter;
use crate::types::{Int8, RowOf};

/// Up to eight SELECTs of different types, sent to PostgreSQL together and answered in one
/// round trip; the result is a tuple with each query's result in its place.
///
/// Each query is added the way it would run alone — [`load`](Self::load),
/// [`first`](Self::first), [`one`](Self::one),
/// [`count`](Self::count) — and checked where it is added, as that run method would check
/// it; [`run`](Self::run) sends them all. Prepared statements, the one Sync, errors
/// ([`Error::Batch`](crate::Error::Batch) naming the position of the first failure) and
/// the implicit transaction are those of [`ReadBatch`](super::ReadBatch). On MySQL and
/// SQLite (`Pipeline<_, Mysql>`, the backend inferred from the connection `run` is given)
/// the reads run one after another in one transaction, each checked for that backend where
/// it is added.
///
/// ```no_run
/// # use sqlwright::prelude::*;
/// # sqlwright::table! { items (id) { #[serial] id -> Int4, name -> Text, stock -> Int4, } }
/// # fn demo(conn: &mut Connection) -> Result<(), sqlwright::Error> {
/// let (low, total, first): (Vec<String>, i64, Option<(i32, String)>) =
///     sqlwright::query::Pipeline::new()
///         .load(items::table.select(items::name).filter(items::stock.lt(5)))
///         .count(items::table)
///         .first(items::table.select((items::id, items::name)).order_by(items::id))
///         .run(conn)?; // on an async connection: `.run(&mut conn).await?`
/// # Ok(()) }
/// ```
#[must_use = "the reads run when `run` is called"]
pub struct Pipeline<L = (), B = Postgres> {
    reads: L,
    _backend: std::marker::PhantomData<fn() -> B>,
}

impl<L: std::fmt::Debug, B> std::fmt::Debug for Pipeline<L, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("reads", &self.reads)
            .finish()
    }
}

impl<B> Default for Pipeline<(), B> {
    fn default() -> Self {
        Pipeline {
            reads: (),
            _backend: std::marker::PhantomData,
        }
    }
}

impl<B> Pipeline<(), B> {
    /// A pipeline of no reads yet.
    pub fn new() -> Self {
        Self::default()
    }
}

/// A tuple of reads with one more at its end.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "a pipeline holds at most 8 reads",
    note = "for more reads of one type, use `sqlwright::query::reads`; else run two pipelines"
)]
pub trait Append<X> {
    /// The longer tuple.
    type Out;
    /// `self` with `x` at its end.
    fn append(self, x: X) -> Self::Out;
}

macro_rules! append {
    ($($A:ident $i:tt),*) => {
        impl<$($A,)* X> Append<X> for ($($A,)*) {
            type Out = ($($A,)* X,);
            fn append(self, x: X) -> Self::Out {
                ($(self.$i,)* x,)
            }
        }
    };
}

append!();
append!(A 0);
append!(A 0, B 1);
append!(A 0, B 1, C 2);
append!(A 0, B 1, C 2, D 3);
append!(A 0, B 1, C 2, D 3, E 4);
append!(A 0, B 1, C 2, D 3, E 4, F 5);
append!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);

/// A read of rows of query `Q` (of select clause `S`) as `R`, made into `T`.
type ReadOf<Q, R, S, F, G, J, T> = Read<Q, R, <S as SelectClause<F, G, J>>::SqlType, T>;

/// Writes `SELECT COUNT(*) FROM (query) AS "q"`.
fn write_count<'q, F, From, S, W, O, G, H, J>(
    query: &'q Select<F, From, S, W, O, G, H>,
    _: Option<&'q i64>,
    out: &mut SqlWriter<'q>,
) where
    From: FromClause,
    W: Clause,
    G: Clause,
    H: Clause,
    O: Clause,
    S: SelectClause<F, G, J>,
{
    out.sql("SELECT COUNT(*) FROM (");
    query.render_with(out, None);
    out.sql(") AS ");
    out.ident("q");
}

/// A query, or a table or alias standing for `SELECT <all columns> FROM` it.
#[doc(hidden)]
pub trait IntoSelect {
    /// The query.
    type Select;
    /// The query.
    fn into_select(self) -> Self::Select;
}

impl<F, From, S, W, O, G, H> IntoSelect for Select<F, From, S, W, O, G, H> {
    type Select = Self;
    fn into_select(self) -> Self {
        self
    }
}

impl<T: TableQuery> IntoSelect for T {
    type Select = TableSelect<T>;
    fn into_select(self) -> TableSelect<T> {
        self.query()
    }
}

impl<L, B> Pipeline<L, B> {
    /// The pipeline with `read` at its end.
    fn with<X>(self, read: X) -> Pipeline<L::Out, B>
    where
        L: Append<X>,
    {
        Pipeline {
            reads: self.reads.append(read),
            _backend: std::marker::PhantomData,
        }
    }

    /// Adds `query`; its result is every row (as [`Select::load`]).
    pub fn load<Q, F, From, S, W, O, G, H, J>(self, query: Q) -> Pipeline<L::Out, B>
    where
        Q: IntoSelect<Select = Select<F, From, S, W, O, G, H>>,
        From: FromClause,
        W: Clause,
        G: Clause,
        H: Clause,
        O: Clause,
        B: Runs<Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
        G: GroupingComplete<B>,
        S: SelectClause<F, G, J, SqlType: RowOf>,
        L: Append<
            ReadOf<
                Select<F, From, S, W, O, G, H>,
                RowType<F, S, G, J>,
                S,
                F,
                G,
                J,
                Vec<RowType<F, S, G, J>>,
            >,
        >,
    {
        self.with(Read::new(
            query.into_select(),
            None,
            write_select::<F, From, S, W, O, G, H, J>,
            runner::all,
        ))
    }

    /// Adds `query`; its result is the first row or `None`, with `LIMIT 1` (as
    /// [`Select::first`]).
    pub fn first<Q, F, From, S, W, O, G, H, J>(self, query: Q) -> Pipeline<L::Out, B>
    where
        Q: IntoSelect<Select = Select<F, From, S, W, O, G, H>>,
        From: FromClause,
        W: Clause,
        G: Clause,
        H: Clause,
        O: Clause,
        B: Runs<Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
        G: GroupingComplete<B>,
        S: SelectClause<F, G, J, SqlType: RowOf>,
        L: Append<
            ReadOf<
                Select<F, From, S, W, O, G, H>,
                RowType<F, S, G, J>,
                S,
                F,
                G,
                J,
                Option<RowType<F, S, G, J>>,
            >,
        >,
    {
        let query = query.into_select();
        let one = query.limit.map_or(1, |l| l.min(1));
        self.with(Read::new(
            query,
            Some(one),
            write_select::<F, From, S, W, O, G, H, J>,
            runner::first,
        ))
    }

    /// Adds `query`; its result is its only row (as [`Select::one`]: none or more is
    /// [`Error::Batch`](crate::Error::Batch) naming it, with
    /// [`Error::NotFound`](crate::Error::NotFound) or
    /// [`Error::MultipleRows`](crate::Error::MultipleRows) inside).
    pub fn one<Q, F, From, S, W, O, G, H, J>(self, query: Q) -> Pipeline<L::Out, B>
    where
        Q: IntoSelect<Select = Select<F, From, S, W, O, G, H>>,
        From: FromClause,
        W: Clause,
        G: Clause,
        H: Clause,
        O: Clause,
        B: Runs<Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
        G: GroupingComplete<B>,
        S: SelectClause<F, G, J, SqlType: RowOf>,
        L: Append<
            ReadOf<
                Select<F, From, S, W, O, G, H>,
                RowType<F, S, G, J>,
                S,
                F,
                G,
                J,
                RowType<F, S, G, J>,
            >,
        >,
    {
        let query = query.into_select();
        let two = query.limit.map_or(2, |l| l.min(2));
        self.with(Read::new(
            query,
            Some(two),
            write_select::<F, From, S, W, O, G, H, J>,
            runner::exactly_one,
        ))
    }

    /// Adds `SELECT COUNT(*) FROM (query)`; its result is the number of rows `query`
    /// returns (as [`Select::count`]).
    pub fn count<Q, F, From, S, W, O, G, H, J>(self, query: Q) -> Pipeline<L::Out, B>
    where
        Q: IntoSelect<Select = Select<F, From, S, W, O, G, H>>,
        From: FromClause,
        W: Clause,
        G: Clause,
        H: Clause,
        O: Clause,
        B: Runs<Canonical<SelectNeeds<F, From, S, W, O, G, H, J>>>,
        G: GroupingComplete<B>,
        S: SelectClause<F, G, J>,
        L: Append<Read<Select<F, From, S, W, O, G, H>, i64, Int8, i64>>,
    {
        self.with(Read::new(
            query.into_select(),
            None,
            write_count::<F, From, S, W, O, G, H, J>,
            |counts, _| counts.first().copied().ok_or(crate::Error::NotFound),
        ))
    }

    /// Runs the reads (on PostgreSQL sent together, on MySQL and SQLite one after another
    /// in one transaction): a tuple of their results, in the order they were added.
    pub fn run<'c, C: Runner<Backend = B> + ?Sized>(self, conn: &'c mut C) -> Ran<'c, C, L::Output>
    where
        B: Backend,
        L: ReadList,
        Pipelined<L>: Work<'c, B, C::Mode, Output = L::Output>,
    {
        Pipelined(self.reads).run(conn.__connection())
    }
}
