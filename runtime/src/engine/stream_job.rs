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

/// Writes the statement a stream reads.
#[doc(hidden)]
pub type RenderFn<Q> = for<'q> fn(&'q Q, &mut Connection<Postgres>) -> Result<Rendered<'q>, Error>;

/// One stream of a query: the query, how it writes itself, how its rows decode, and the
/// connection as PostgreSQL's (given where the backend's `PostgresOnly` bound is checked,
/// so that a stream on SQLite is that one error).
#[doc(hidden)]
pub struct StreamJob<Q, R, B: Backend = Postgres> {
    pub(crate) query: Q,
    pub(crate) render: RenderFn<Q>,
    pub(crate) decode: RowDecode<R>,
    pub(crate) postgres: ToPostgres<B>,
}

/// A connection of backend `B` as PostgreSQL's.
#[doc(hidden)]
pub type ToPostgres<B> = fn(&mut Connection<B>) -> &mut Connection<Postgres>;

/// What a `stream` of rows `R` gives on runner `C`: [`Rows`] (an `Iterator`) on a blocking
/// connection, `AsyncRows` (feature `tokio`) (a `futures::Stream`) on an async one.
pub type Streamed<'c, C, Q, R> = <StreamJob<Q, R, <C as super::Runner>::Backend> as Work<
    'c,
    <C as super::Runner>::Backend,
    <C as super::Runner>::Mode,
>>::Output;

impl<'c, B: Backend, Q, R: 'c> Work<'c, B, Blocking> for StreamJob<Q, R, B> {
    type Output = Rows<'c, R, RowDecode<R>>;
    #[inline]
    fn run(self, conn: &'c mut Connection<B>) -> Result<Self::Output, Error> {
        let conn = (self.postgres)(conn);
        let rendered = (self.render)(&self.query, conn)?;
        let stream = conn.stream_rendered(&rendered)?;
        Ok(Rows::new(stream, self.decode))
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
        let rendered = crate::render::render_for(conn, |out| {
            written = (self.write)(&self.query, None, out);
        });
        written?;
        let (decode, each, labels) = (self.decode, &mut self.each, &rendered.labels);
        conn.query_each(&rendered, &mut |row| {
            each(decode(&mut RowReader::new(row, labels))?)
        })
    }
}
