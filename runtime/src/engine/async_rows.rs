//! Streams on an async connection (feature `tokio`): [`AsyncRows`], a `futures::Stream`
//! over the same portal the blocking [`RowStream`](super::RowStream) reads, with the same
//! batches (two requested ahead) and the same end, decode-error and abandon handling.
//!
//! A row already in the read buffer is decoded without a future; only a refill (or the
//! request for the next batch) runs the wire's `portal_next` in a boxed future, so the
//! allocation is per socket read, not per row. A stream dropped early cannot await the
//! abandon in `Drop`: its portal stays open, and the connection's next async use abandons
//! it first ([`Connection::settle_owed`]). A stream dropped while a refill waited closes
//! the connection (where the exchange stopped is unknown).

use super::runner::{Async, BoxFuture, Work};
use super::stream_job::{ForEachJob, RowDecode, StreamJob};
use super::{Connection, Error};
use crate::backend::Postgres;
use crate::render::Label;
use crate::types::RowReader;
use futures_core::Stream;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A query's rows on an async connection, read as the server sends them: a
/// `futures::Stream` of `Result<R, Error>` that stops after the first error. Memory stays
/// bounded as with the blocking [`Rows`](crate::query::Rows). Dropping it before its end
/// ends the statement at the connection's next use (a cancel, then what was on its way is
/// read and dropped, within the blocking stream's bounds).
pub struct AsyncRows<'c, R> {
    state: State<'c, R>,
    decode: RowDecode<R>,
}

/// The connection and the labels of the selected columns, for decode errors.
struct Reader<'c> {
    conn: &'c mut Connection<Postgres>,
    labels: Vec<Label>,
}

type Step<'c, R> = BoxFuture<'c, (Option<Reader<'c>>, Option<Result<R, Error>>)>;

enum State<'c, R> {
    /// Between rows.
    Ready(Reader<'c>),
    /// Waiting for the server.
    Reading(Step<'c, R>),
    /// Ended (the last row, or an error).
    Done,
}

impl<R> std::fmt::Debug for AsyncRows<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncRows")
            .field("done", &matches!(self.state, State::Done))
            .finish_non_exhaustive()
    }
}

/// Closes the connection when a refill's future is dropped before it finished.
struct Interrupted<'c>(Option<Reader<'c>>);

impl Drop for Interrupted<'_> {
    fn drop(&mut self) {
        if let Some(reader) = &mut self.0 {
            reader.conn.link.wire.interrupt_portal();
            reader.conn.broken = true;
        }
    }
}

/// The next row the slow way: awaits the wire (or, with `failed`, ends the portal after a
/// decode error), handling errors as [`RowStream::next_with`](super::RowStream::next_with).
fn step<'c, R: Send + 'c>(
    reader: Reader<'c>,
    decode: RowDecode<R>,
    failed: Option<Error>,
) -> Step<'c, R> {
    Box::pin(async move {
        let mut guard = Interrupted(Some(reader));
        let Some(Reader { conn, labels }) = guard.0.as_mut() else {
            return (None, None);
        };
        let item = match failed {
            Some(e) => Some(Err(e)),
            None => {
                let labels = &*labels;
                conn.link.wire.portal_next(|row| decode(row, labels)).await
            }
        };
        let item = match item {
            Some(Err(e)) if conn.link.wire.in_portal() => {
                // A decode error: the statement itself is fine; end it.
                if let Err(lost) = conn.link.wire.end_portal().await {
                    let _ = conn.note(Err::<(), _>(lost));
                }
                Some(Err(e))
            }
            Some(Err(e)) => Some(conn.note(Err(e))),
            other => other,
        };
        (guard.0.take(), item)
    })
}

impl<'c, R: Send + 'c> AsyncRows<'c, R> {
    fn new(conn: &'c mut Connection<Postgres>, labels: Vec<Label>, decode: RowDecode<R>) -> Self {
        AsyncRows {
            state: State::Ready(Reader { conn, labels }),
            decode,
        }
    }

    /// Up to `n` rows at a time (`n` of 0 is taken as 1), as the blocking
    /// [`Rows::batches`](crate::query::Rows::batches).
    pub fn batches(self, n: usize) -> AsyncBatches<'c, R> {
        AsyncBatches::over(self, n)
    }
}

impl<'c, R: Send + 'c> Stream for AsyncRows<'c, R> {
    type Item = Result<R, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Ready(reader) => {
                    let decode = this.decode;
                    let labels = &reader.labels;
                    match reader
                        .conn
                        .link
                        .wire
                        .portal_buffered(|row| decode(row, labels))
                    {
                        Some(Ok(row)) => {
                            this.state = State::Ready(reader);
                            return Poll::Ready(Some(Ok(row)));
                        }
                        Some(Err(e)) => this.state = State::Reading(step(reader, decode, Some(e))),
                        None => this.state = State::Reading(step(reader, decode, None)),
                    }
                }
                State::Reading(mut future) => match future.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Reading(future);
                        return Poll::Pending;
                    }
                    Poll::Ready((reader, item)) => {
                        if let (Some(reader), Some(Ok(_))) = (reader, &item) {
                            this.state = State::Ready(reader);
                        }
                        return Poll::Ready(item);
                    }
                },
            }
        }
    }
}

/// A query's rows in batches of up to `n`, on an async connection: see
/// [`AsyncRows::batches`] (and `AsyncMysqlRows::batches` on MySQL, whose rows `S` are).
pub struct AsyncBatches<'c, R, S = AsyncRows<'c, R>> {
    rows: S,
    n: usize,
    batch: Vec<R>,
    _rows: std::marker::PhantomData<&'c ()>,
}

impl<'c, R, S> AsyncBatches<'c, R, S> {
    /// Batches of up to `n` (0 taken as 1) of the rows of `rows`.
    pub(crate) fn over(rows: S, n: usize) -> Self {
        AsyncBatches {
            rows,
            n: n.max(1),
            batch: Vec::new(),
            _rows: std::marker::PhantomData,
        }
    }
}

impl<R, S> std::fmt::Debug for AsyncBatches<'_, R, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncBatches")
            .field("n", &self.n)
            .finish_non_exhaustive()
    }
}

impl<R, S: Unpin> Unpin for AsyncBatches<'_, R, S> {}

impl<R, S: Stream<Item = Result<R, Error>> + Unpin> Stream for AsyncBatches<'_, R, S> {
    type Item = Result<Vec<R>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match Pin::new(&mut this.rows).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(row))) => {
                    this.batch.push(row);
                    if this.batch.len() >= this.n {
                        return Poll::Ready(Some(Ok(std::mem::take(&mut this.batch))));
                    }
                }
                // As the blocking batches: the rows of the failed batch are dropped.
                Poll::Ready(Some(Err(e))) => {
                    this.batch.clear();
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) if this.batch.is_empty() => return Poll::Ready(None),
                Poll::Ready(None) => return Poll::Ready(Some(Ok(std::mem::take(&mut this.batch)))),
            }
        }
    }
}

impl Connection<Postgres> {
    /// Before an async request: ends the portal or COPY TO STDOUT a stream dropped early
    /// left open (see the module docs). Nothing to do, and no future, in the common case.
    pub(crate) async fn settle_owed(&mut self) -> Result<(), Error> {
        if self.link.wire.portal_owed() {
            let ended = Box::pin(self.link.wire.abandon_portal()).await;
            self.note(ended)?;
        } else if self.link.wire.copy_out_owed() {
            self.link.wire.owe_copy_out(false);
            let ended = Box::pin(self.link.wire.abandon_copy_out()).await;
            self.note(ended)?;
        }
        Ok(())
    }
}

impl<'c, Q: Send + 'c, R: Send + 'c> Work<'c, Postgres, Async> for StreamJob<Q, R, Postgres> {
    type Output = AsyncRows<'c, R>;
    fn run(
        self,
        conn: &'c mut Connection<Postgres>,
    ) -> BoxFuture<'c, Result<AsyncRows<'c, R>, Error>> {
        Box::pin(async move {
            conn.settle_owed().await?;
            let rendered = (self.render)(&self.query, conn)?;
            conn.start_stream_io(&rendered).await?;
            let labels = rendered.labels;
            Ok(AsyncRows::new(conn, labels, self.decode))
        })
    }
}

impl<'c, Q: Send + 'c, R: 'c, F: FnMut(R) -> Result<(), Error> + Send + 'c>
    Work<'c, Postgres, Async> for ForEachJob<Q, R, F>
{
    type Output = u64;
    fn run(mut self, conn: &'c mut Connection<Postgres>) -> BoxFuture<'c, Result<u64, Error>> {
        Box::pin(async move {
            conn.settle_owed().await?;
            let mut written = Ok(true);
            let rendered = crate::render::render_for(conn, &mut |out| {
                written = (self.write)(&self.query, None, out);
            });
            written?;
            let (decode, each, labels) = (self.decode, &mut self.each, &rendered.labels);
            let mut sink =
                |row: super::RowData<'_>| each(decode(&mut RowReader::new(row, labels))?);
            conn.pg_run_io(&rendered, &mut sink).await
        })
    }
}

impl Connection<Postgres> {
    /// The first row of a statement, read as a stream's first row: the server stops
    /// sending after it (the rest is abandoned as a dropped stream's).
    pub(crate) async fn first_row_io(
        &mut self,
        rendered: &crate::render::Rendered<'_>,
    ) -> Result<Option<super::OwnedRow>, Error> {
        self.start_stream_io(rendered).await?;
        let mut rows = AsyncRows::new(&mut *self, Vec::new(), |row, _| Ok(row.to_row()));
        let first = std::future::poll_fn(|cx| Pin::new(&mut rows).poll_next(cx)).await;
        drop(rows);
        // As the blocking stream's drop: the outcome is recorded, the row kept.
        let _ = self.settle_owed().await;
        first.transpose()
    }
}
