//! Blocking or async: the run methods of queries (`load`, `first`, `execute`, ...) take
//! any [`Runner`], and what they return follows from it — `Result<T, Error>` on a
//! blocking connection, a future of it on an async one. The bounds that check a query
//! are the same in both modes, so an async query gets the same compile errors; the
//! blocking path runs exactly the code it ran before (see docs/design.md, "Async").

use super::{Connection, Error, Executor};
use crate::backend::Backend;
use crate::render::SqlWriter;
use crate::types::RowReader;

/// Blocking or async.
pub trait Mode {
    /// What a run method returns, for a result `T`, borrowing the connection for `'c`.
    type Out<'c, T: 'c>;
    /// What the work runs on: the connection itself (`&mut`), or a shared handle.
    #[doc(hidden)]
    type Target<'c, B: Backend>;
    /// The dialect of the database the target speaks to.
    #[doc(hidden)]
    fn dialect<B: Backend>(target: &Self::Target<'_, B>) -> crate::backend::Dialect;
}

/// Runs on the calling thread: run methods return `Result<T, Error>`.
#[derive(Debug)]
pub enum Blocking {}

impl Mode for Blocking {
    type Out<'c, T: 'c> = Result<T, Error>;
    type Target<'c, B: Backend> = &'c mut Connection<B>;
    #[inline]
    fn dialect<B: Backend>(target: &&mut Connection<B>) -> crate::backend::Dialect {
        target.dialect()
    }
}

/// Runs on the tokio runtime: run methods return a future of `Result<T, Error>`.
#[cfg(feature = "tokio")]
#[derive(Debug)]
pub enum Async {}

/// A boxed future that may move between a runtime's threads.
#[cfg(feature = "tokio")]
pub type BoxFuture<'c, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'c>>;

#[cfg(feature = "tokio")]
impl Mode for Async {
    type Out<'c, T: 'c> = BoxFuture<'c, Result<T, Error>>;
    type Target<'c, B: Backend> = &'c mut Connection<B>;
    #[inline]
    fn dialect<B: Backend>(target: &&mut Connection<B>) -> crate::backend::Dialect {
        target.dialect()
    }
}

/// What a query's run method returns on runner `C`: `Result<T, Error>`, or a future of it.
pub type Ran<'c, C, T> = <<C as Runner>::Mode as Mode>::Out<'c, T>;

/// Something queries run on: every [`Executor`] (a connection, pooled connection,
/// transaction or session) blocking, the async connection, and a shared
/// `&AsyncConnection` (statements pipelined, see [`Shared`](super::Shared)).
pub trait Runner {
    /// The database the statements run on.
    type Backend: Backend;
    /// Blocking or async.
    type Mode: Mode;
    /// What the work runs on (for every `&mut` runner, `&mut Connection<Self::Backend>`).
    #[doc(hidden)]
    fn __connection(&mut self) -> <Self::Mode as Mode>::Target<'_, Self::Backend>;
}

impl<E: Executor + ?Sized> Runner for E {
    type Backend = E::Backend;
    type Mode = Blocking;
    #[inline]
    fn __connection(&mut self) -> &mut Connection<E::Backend> {
        self.connection()
    }
}

/// How one run of a statement goes in a mode: render, run, collect. Implemented by
/// [`Job`] for every mode; on an async connection the query and its rows must be `Send`.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "this query cannot run on an async connection",
    note = "the query's values and the row type must be `Send` for the future to move \
            between the runtime's threads"
)]
pub trait Work<'c, B: Backend, M: Mode> {
    /// What the run gives.
    type Output: 'c;
    /// Runs on `conn` (for every `&mut` runner, `&'c mut Connection<B>`).
    fn run(self, conn: M::Target<'c, B>) -> M::Out<'c, Self::Output>;
}

/// Writes a statement; `Ok(false)` when there is nothing to run (an INSERT of no rows),
/// an error when the statement cannot be written.
#[doc(hidden)]
pub type WriteFn<Q> = for<'q> fn(&'q Q, Option<&'q i64>, &mut SqlWriter<'q>) -> Result<bool, Error>;

/// Decodes one row (streams keep it as a pointer, as their blocking iterator always did).
#[doc(hidden)]
pub type DecodeFn<R> = fn(&mut RowReader<'_>) -> Result<R, Error>;

/// How the rows of a statement decode: [`As`] a Rust type, or [`Affected`] (no rows: the
/// result is the count). A type, not a function pointer, so the per-row decode is inlined.
#[doc(hidden)]
pub trait Decode {
    /// One decoded row.
    type Row;
    /// Whether the statement's rows are read (else only its count).
    const ROWS: bool;
    /// Decodes one row.
    fn decode(row: &mut RowReader<'_>) -> Result<Self::Row, Error>;
}

/// Rows of SQL type `ST` decoded as `R`.
#[doc(hidden)]
pub struct As<R, ST>(std::marker::PhantomData<fn() -> (R, ST)>);

impl<R: crate::types::FromRow<ST>, ST> Decode for As<R, ST> {
    type Row = R;
    const ROWS: bool = true;
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode(row: &mut RowReader<'_>) -> Result<R, Error> {
        R::from_row(row)
    }
}

/// No rows: the statement's result is the number of rows it affected.
#[doc(hidden)]
pub enum Affected {}

impl Decode for Affected {
    type Row = ();
    const ROWS: bool = false;
    fn decode(_: &mut RowReader<'_>) -> Result<(), Error> {
        Ok(())
    }
}

/// One run of a query: the query, how it writes itself, how its rows decode (`D`), and
/// what the rows become.
#[doc(hidden)]
pub struct Job<Q, D: Decode, T> {
    pub(crate) query: Q,
    pub(crate) limit: Option<i64>,
    pub(crate) write: WriteFn<Q>,
    pub(crate) finish: fn(Vec<D::Row>, u64) -> Result<T, Error>,
}

impl<Q, D: Decode, T> Job<Q, D, T> {
    /// A query whose rows decode as `D` says and become `finish(rows, count)`.
    pub(crate) fn rows(
        query: Q,
        limit: Option<i64>,
        write: WriteFn<Q>,
        finish: fn(Vec<D::Row>, u64) -> Result<T, Error>,
    ) -> Self {
        Job {
            query,
            limit,
            write,
            finish,
        }
    }
}

impl<Q> Job<Q, Affected, u64> {
    /// A statement whose result is the number of rows it affected.
    pub(crate) fn affected(query: Q, write: WriteFn<Q>) -> Self {
        Job {
            query,
            limit: None,
            write,
            finish: affected_count,
        }
    }
}

/// The number of rows a statement affected (a named function, so that it is compiled once
/// rather than as a closure per statement type).
fn affected_count(_: Vec<()>, count: u64) -> Result<u64, Error> {
    Ok(count)
}

/// All the rows.
pub(crate) fn all<R>(rows: Vec<R>, _: u64) -> Result<Vec<R>, Error> {
    Ok(rows)
}

/// The first row, if any.
pub(crate) fn first<R>(rows: Vec<R>, _: u64) -> Result<Option<R>, Error> {
    Ok(rows.into_iter().next())
}

/// The only row ([`Error::NotFound`], [`Error::MultipleRows`] otherwise).
pub(crate) fn exactly_one<R>(rows: Vec<R>, _: u64) -> Result<R, Error> {
    super::exactly_one(rows)
}

/// The only row or none ([`Error::MultipleRows`] for more).
pub(crate) fn at_most_one<R>(rows: Vec<R>, _: u64) -> Result<Option<R>, Error> {
    super::at_most_one(rows)
}

impl<'c, B: Backend, Q, D: Decode, T: 'c> Work<'c, B, Blocking> for Job<Q, D, T> {
    type Output = T;
    #[inline]
    fn run(self, conn: &'c mut Connection<B>) -> Result<T, Error> {
        let rendered = render_job(conn, &self)?;
        run_rendered::<B, D, T>(conn, rendered.as_ref(), self.finish)
    }
}

/// A job's statement as a trait object, so that rendering it is compiled once per backend
/// rather than once per query (docs/design.md, "Compile time: less code per query").
trait WriteJob {
    /// Writes the statement; `false` when there is nothing to run.
    fn write_job<'a>(&'a self, out: &mut SqlWriter<'a>) -> Result<bool, Error>;
}

impl<Q, D: Decode, T> WriteJob for Job<Q, D, T> {
    fn write_job<'a>(&'a self, out: &mut SqlWriter<'a>) -> Result<bool, Error> {
        (self.write)(&self.query, self.limit.as_ref(), out)
    }
}

/// Renders a job's statement for `conn` ([`crate::render::render_for`]); `None` when it
/// wrote nothing to run (an empty list of rows, say).
fn render_job<'a, B: Backend>(
    conn: &mut Connection<B>,
    job: &'a dyn WriteJob,
) -> Result<Option<crate::render::Rendered<'a>>, Error> {
    let mut written = Ok(true);
    let rendered = crate::render::render_for(conn, &mut |out| written = job.write_job(out));
    Ok(written?.then_some(rendered))
}

/// Runs a rendered statement and makes its rows (decoded as `D` says) `finish`'s result.
/// Apart from [`Job::run`] so that it is compiled once per row type and result, not once
/// per query (docs/design.md, "Compile time: less code per query").
fn run_rendered<B: Backend, D: Decode, T>(
    conn: &mut Connection<B>,
    rendered: Option<&crate::render::Rendered<'_>>,
    finish: fn(Vec<D::Row>, u64) -> Result<T, Error>,
) -> Result<T, Error> {
    let Some(rendered) = rendered else {
        return finish(Vec::new(), 0);
    };
    if !D::ROWS {
        let count = conn.execute_rendered(rendered)?;
        return finish(Vec::new(), count);
    }
    let mut collect = Collect::<D> {
        rows: Vec::new(),
        labels: &rendered.labels,
    };
    let count = collect_rows(conn, rendered, &mut collect)?;
    finish(collect.rows, count)
}

/// Where a statement's rows go: decoded and kept.
trait CollectRow {
    /// Decodes and keeps one row.
    fn collect(&mut self, row: crate::engine::RowData<'_>) -> Result<(), Error>;
}

/// The rows of a statement, decoded as `D` says.
struct Collect<'l, D: Decode> {
    rows: Vec<D::Row>,
    labels: &'l [crate::render::Label],
}

impl<D: Decode> CollectRow for Collect<'_, D> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn collect(&mut self, row: crate::engine::RowData<'_>) -> Result<(), Error> {
        self.rows
            .push(D::decode(&mut RowReader::new(row, self.labels))?);
        Ok(())
    }
}

/// Runs a statement into a collector: one closure for every row type, so that a query adds
/// one function (its `collect`) rather than a closure with its call shims.
fn collect_rows<B: Backend>(
    conn: &mut Connection<B>,
    rendered: &crate::render::Rendered<'_>,
    collect: &mut dyn CollectRow,
) -> Result<u64, Error> {
    conn.query_each(rendered, &mut |row| collect.collect(row))
}

#[cfg(feature = "tokio")]
impl<'c, Q: Send + 'c, D: Decode<Row: Send + 'c> + 'c, T: Send + 'c>
    Work<'c, crate::Postgres, Async> for Job<Q, D, T>
{
    type Output = T;
    fn run(self, conn: &'c mut Connection<crate::Postgres>) -> BoxFuture<'c, Result<T, Error>> {
        Box::pin(async move {
            conn.settle_owed().await?;
            let mut written = Ok(true);
            let rendered = crate::render::render_for(conn, &mut |out| {
                written = (self.write)(&self.query, self.limit.as_ref(), out);
            });
            if !written? {
                return (self.finish)(Vec::new(), 0);
            }
            let mut rows = Vec::new();
            let count = if D::ROWS {
                let labels = &rendered.labels;
                let mut sink = |row: crate::engine::RowData<'_>| {
                    rows.push(D::decode(&mut RowReader::new(row, labels))?);
                    Ok(())
                };
                conn.pg_run_io(&rendered, &mut sink).await?
            } else {
                conn.pg_run_io(&rendered, &mut |_| Ok(())).await?
            };
            (self.finish)(rows, count)
        })
    }
}
