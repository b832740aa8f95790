//! Work that carries state beyond a query (the parents a relation loader pairs its rows
//! with, the options of a reflection) in both modes, written once:
//! - [`Step`]: one statement, its rows decoded on the spot, and a finish that consumes the
//!   state. [`Load`] runs it through [`Work`], so a method over any [`Runner`](super::Runner)
//!   returns `Result<T, Error>` or a future of it, as the query run methods do. The blocking
//!   run is the same plain code the loaders ran before: render, `query_each`, finish.
//! - `Io`: a connection in a mode, for work of several statements that depend on each
//!   other (reflection reads its tables, then their columns by the tables' oids). The body
//!   is one `async fn` generic over `Io`; the blocking API polls it once through
//!   `wire::now` (its socket never waits), the async API awaits it.

use super::runner::{Blocking, Work};
use super::{Connection, Error, RowData};
use crate::backend::Backend;
use crate::render::{Rendered, SqlWriter};
use crate::types::RowReader;

/// One statement with state: what the statement is, how a row decodes, what the rows and
/// the state become.
#[doc(hidden)]
pub trait Step {
    /// What a row decodes to.
    type Row;
    /// What the run gives.
    type Output;
    /// Writes the statement; `false` when there is nothing to run (no keys to look up),
    /// and [`finish`](Self::finish) gets no rows. Called twice when the connection does
    /// not know the statement yet, so it must write the same thing each time.
    fn write<'q>(&'q self, out: &mut SqlWriter<'q>) -> bool;
    /// Decodes one row (an associated function: the state is not shared with the row
    /// reader, so the async future only needs the state to be `Send`).
    fn decode(row: &mut RowReader<'_>) -> Result<Self::Row, Error>;
    /// What the rows and the state become.
    fn finish(self, rows: Vec<Self::Row>) -> Result<Self::Output, Error>;
}

/// A [`Step`] run through [`Work`] on a connection of either mode.
#[doc(hidden)]
pub struct Load<S>(pub(crate) S);

impl<'c, B: Backend, S: Step> Work<'c, B, Blocking> for Load<S>
where
    S::Output: 'c,
{
    type Output = S::Output;
    fn run(self, conn: &'c mut Connection<B>) -> Result<S::Output, Error> {
        let step = self.0;
        let mut written = true;
        let rendered = crate::render::render_for(conn, &mut |out| written = step.write(out));
        if !written {
            return step.finish(Vec::new());
        }
        let mut rows = Vec::new();
        let labels = &rendered.labels;
        conn.query_each(&rendered, &mut |row| {
            rows.push(S::decode(&mut RowReader::new(row, labels))?);
            Ok(())
        })?;
        drop(rendered);
        step.finish(rows)
    }
}

/// Runs `step`'s statement on `io` and finishes it with the decoded rows: the async
/// [`Load`] of each server.
#[cfg(feature = "tokio")]
pub(crate) async fn load_on<S: Step, I: Io>(step: S, io: &mut I) -> Result<S::Output, Error> {
    let mut written = true;
    let rendered = crate::render::render_for(io.conn(), &mut |out| written = step.write(out));
    if !written {
        return step.finish(Vec::new());
    }
    let mut rows = Vec::new();
    let labels = &rendered.labels;
    let mut sink = |row: RowData<'_>| {
        rows.push(S::decode(&mut RowReader::new(row, labels))?);
        Ok(())
    };
    io.run(&rendered, &mut sink).await?;
    drop(rendered);
    step.finish(rows)
}

#[cfg(feature = "tokio")]
impl<'c, S: Step + Send + 'c> Work<'c, crate::Postgres, super::runner::Async> for Load<S>
where
    S::Row: Send,
    S::Output: Send + 'c,
{
    type Output = S::Output;
    fn run(
        self,
        conn: &'c mut Connection<crate::Postgres>,
    ) -> super::BoxFuture<'c, Result<S::Output, Error>> {
        Box::pin(async move { load_on(self.0, &mut Wait(conn)).await })
    }
}

/// A connection in a mode, for a body of several statements written once as an
/// `async fn` over `Io`.
pub(crate) trait Io {
    /// The database the statements run on.
    type Backend: Backend;
    /// The connection (to render for it).
    fn conn(&mut self) -> &mut Connection<Self::Backend>;
    /// Runs a rendered statement, handing each row to `sink`; the row count.
    async fn run<S: FnMut(RowData<'_>) -> Result<(), Error>>(
        &mut self,
        statement: &Rendered<'_>,
        sink: &mut S,
    ) -> Result<u64, Error>;
}

/// A blocking connection as [`Io`]: each statement runs to its end when polled.
pub(crate) struct Now<'a, B: Backend>(pub(crate) &'a mut Connection<B>);

impl<B: Backend> Io for Now<'_, B> {
    type Backend = B;
    fn conn(&mut self) -> &mut Connection<B> {
        self.0
    }
    async fn run<S: FnMut(RowData<'_>) -> Result<(), Error>>(
        &mut self,
        statement: &Rendered<'_>,
        sink: &mut S,
    ) -> Result<u64, Error> {
        self.0.query_each(statement, sink)
    }
}

/// An async connection's PostgreSQL connection as [`Io`].
#[cfg(feature = "tokio")]
pub(crate) struct Wait<'a>(pub(crate) &'a mut Connection<crate::Postgres>);

#[cfg(feature = "tokio")]
impl Io for Wait<'_> {
    type Backend = crate::Postgres;
    fn conn(&mut self) -> &mut Connection<crate::Postgres> {
        self.0
    }
    async fn run<S: FnMut(RowData<'_>) -> Result<(), Error>>(
        &mut self,
        statement: &Rendered<'_>,
        sink: &mut S,
    ) -> Result<u64, Error> {
        self.0.pg_run_io(statement, sink).await
    }
}

/// An async connection's MySQL connection as [`Io`].
#[cfg(all(feature = "tokio", feature = "mysql"))]
pub(crate) struct WaitMysql<'a>(pub(crate) &'a mut Connection<crate::backend::Mysql>);

#[cfg(all(feature = "tokio", feature = "mysql"))]
impl Io for WaitMysql<'_> {
    type Backend = crate::backend::Mysql;
    fn conn(&mut self) -> &mut Connection<crate::backend::Mysql> {
        self.0
    }
    async fn run<S: FnMut(RowData<'_>) -> Result<(), Error>>(
        &mut self,
        statement: &Rendered<'_>,
        sink: &mut S,
    ) -> Result<u64, Error> {
        self.0.mysql_run_io(statement, sink).await
    }
}
