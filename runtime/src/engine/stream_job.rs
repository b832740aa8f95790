//! Streams and `for_each` through [`Runner`](super::Runner): a query's `stream` and
//! `for_each` build one of these jobs, and the connection's mode runs it — on a blocking
//! connection exactly the code the methods ran before, on an async one the same wire
//! loops awaited (`engine/async_rows.rs`).

use super::runner::{Blocking, DecodeFn, Work, WriteFn};
use super::{Connection, Error, RowRef};
use crate::backend::{Backend, Postgres};
use crate::query::Rows;
use crate::render::{Label, Rendered};
use crate::types::RowReader;

/// Decodes one streamed row, straight from the connection's buffer.
pub type RowDecode<R> = for<'r> fn(RowRef<'r>, &[Label]) -> Result<R, Error>;

/// Writes the statement a stream reads, for the connection of backend `B`.
#[doc(hidden)]
pub type RenderFn<Q, B = Postgres> =
    for<'q> fn(&'q Q, &mut Connection<B>) -> Result<Rendered<'q>, Error>;

/// One stream of a query: the query, how it writes itself, and how its rows decode
/// (PostgreSQL's straight from the connection's buffer, any other backend's through a
/// [`RowReader`]).
#[doc(hidden)]
pub struct StreamJob<Q, R, B: Backend = Postgres> {
    pub(crate) query: Q,
    pub(crate) render: RenderFn<Q, B>,
    pub(crate) decode: RowDecode<R>,
    #[cfg_attr(not(feature = "mysql"), allow(dead_code))]
    pub(crate) read: DecodeFn<R>,
}

/// A connection of backend `B` as PostgreSQL's.
#[doc(hidden)]
pub type ToPostgres<B> = fn(&mut Connection<B>) -> &mut Connection<Postgres>;

/// What a `stream` of rows `R` gives on runner `C`: [`Rows`] (an `Iterator`) on a blocking
/// PostgreSQL connection, `MysqlRows` (an `Iterator`) on MySQL, `AsyncRows` (feature
/// `tokio`) (a `futures::Stream`) on an async one.
pub type Streamed<'c, C, Q, R> = <StreamJob<Q, R, <C as super::Runner>::Backend> as Work<
    'c,
    <C as super::Runner>::Backend,
    <C as super::Runner>::Mode,
>>::Output;

/// A backend whose blocking connection reads a query's rows as an iterator (`stream`):
/// PostgreSQL (a portal read in batches of 4096 rows) and MySQL (the result read one row
/// packet at a time). SQLite has [`for_each`](crate::query::Select::for_each) instead.
#[diagnostic::on_unimplemented(
    message = "Streams is not available on {Self}",
    label = "this connection's backend has no Streams",
    note = "README's feature table lists what each backend has; `for_each` reads rows one at a time on every backend"
)]
pub trait Streaming: StreamRows {}

#[diagnostic::do_not_recommend]
impl Streaming for Postgres {}

#[cfg(feature = "mysql")]
#[diagnostic::do_not_recommend]
impl Streaming for crate::backend::Mysql {}

/// How a backend's blocking connection streams rows: implemented by every backend, so that
/// a `stream` on one without [`Streaming`] is that one error; only `Streaming` backends
/// get here.
#[doc(hidden)]
pub trait StreamRows: Backend {
    /// The iterator of rows `R`.
    type Rows<'c, R: 'c>;
    /// Runs the job's statement on `conn`.
    fn stream<'c, Q, R: 'c>(
        job: StreamJob<Q, R, Self>,
        conn: &'c mut Connection<Self>,
    ) -> Result<Self::Rows<'c, R>, Error>;
}

impl StreamRows for Postgres {
    type Rows<'c, R: 'c> = Rows<'c, R, RowDecode<R>>;
    #[inline]
    fn stream<'c, Q, R: 'c>(
        job: StreamJob<Q, R, Self>,
        conn: &'c mut Connection<Self>,
    ) -> Result<Self::Rows<'c, R>, Error> {
        let rendered = (job.render)(&job.query, conn)?;
        let stream = conn.stream_rendered(&rendered)?;
        Ok(Rows::new(stream, job.decode))
    }
}

#[cfg(feature = "mysql")]
impl StreamRows for crate::backend::Mysql {
    type Rows<'c, R: 'c> = crate::backend::mysql::MysqlRows<'c, R>;
    fn stream<'c, Q, R: 'c>(
        job: StreamJob<Q, R, Self>,
        conn: &'c mut Connection<Self>,
    ) -> Result<Self::Rows<'c, R>, Error> {
        let rendered = (job.render)(&job.query, conn)?;
        crate::backend::mysql::MysqlRows::start(conn, &rendered, job.read)
    }
}

/// No streams: `stream` does not compile on these backends (they lack [`Streaming`]).
macro_rules! no_streams {
    ($($backend:ty, $name:literal;)*) => {$(
        #[cfg(feature = "sqlite")]
        impl StreamRows for $backend {
            type Rows<'c, R: 'c> = std::iter::Empty<Result<R, Error>>;
            fn stream<'c, Q, R: 'c>(
                _: StreamJob<Q, R, Self>,
                _: &'c mut Connection<Self>,
            ) -> Result<Self::Rows<'c, R>, Error> {
                Err(Error::Unsupported {
                    feature: "Streams",
                    backend: $name,
                })
            }
        }
    )*};
}
no_streams! {
    crate::backend::Sqlite, "SQLite";
    crate::backend::Any, "Any";
}

impl<'c, B: StreamRows, Q, R: 'c> Work<'c, B, Blocking> for StreamJob<Q, R, B> {
    type Output = B::Rows<'c, R>;
    #[inline]
    fn run(self, conn: &'c mut Connection<B>) -> Result<Self::Output, Error> {
        B::stream(self, conn)
    }
}

/// One `for_each` of a query: each decoded row is handed to `each` as it is read.
#[doc(hidden)]
pub struct ForEachJob<Q, R, F> {
    pub(crate) query: Q,
    pub(crate) write: WriteFn<Q>,
    pub(crate) decode: DecodeFn<R>,
    pub(crate) each: F,
}

impl<'c, B: Backend, Q, R, F: FnMut(R) -> Result<(), Error> + 'c> Work<'c, B, Blocking>
    for ForEachJob<Q, R, F>
{
    type Output = u64;
    #[inline]
    fn run(mut self, conn: &'c mut Connection<B>) -> Result<u64, Error> {
        let mut written = Ok(true);
        let rendered = crate::render::render_for(conn, &mut |out| {
            written = (self.write)(&self.query, None, out);
        });
        written?;
        let (decode, each, labels) = (self.decode, &mut self.each, &rendered.labels);
        conn.query_each(&rendered, &mut |row| {
            each(decode(&mut RowReader::new(row, labels))?)
        })
    }
}
