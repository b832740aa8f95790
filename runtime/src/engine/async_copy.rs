//! `copy_out` on an async connection (feature `tokio`): [`AsyncCopyRows`], a
//! `futures::Stream` over the same COPY TO STDOUT messages the blocking
//! [`CopyRows`](crate::copy::CopyRows) reads, decoded by the same code. As with
//! [`AsyncRows`](super::AsyncRows), a message already buffered is decoded without a future,
//! and a stream dropped before its end leaves the COPY's abandon owed to the next use.

use super::runner::{Async, BoxFuture, Work};
use super::wire::{Column, Span};
use super::{Connection, Error};
use crate::backend::Postgres;
use crate::copy::{copy_out_sql, decode_copy_message, CopyOutJob, DecodeCopy};
use crate::render::{Label, SqlWriter};
use futures_core::Stream;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The rows of `copy_out` on an async connection, decoded as they arrive: a
/// `futures::Stream` of `Result<R, Error>` that stops after the first error.
pub struct AsyncCopyRows<'c, R> {
    state: State<'c, R>,
    decode: DecodeCopy<R>,
}

/// The connection and what decoding the COPY's messages needs.
struct Reader<'c> {
    conn: &'c mut Connection<Postgres>,
    columns: Arc<[Column]>,
    labels: Vec<Label>,
    spans: Vec<Span>,
    /// The file header has been read.
    header: bool,
}

type Step<'c, R> = BoxFuture<'c, (Option<Reader<'c>>, Option<Result<R, Error>>)>;

enum State<'c, R> {
    Ready(Reader<'c>),
    Reading(Step<'c, R>),
    Done,
}

impl<R> std::fmt::Debug for AsyncCopyRows<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncCopyRows")
            .field("done", &matches!(self.state, State::Done))
            .finish_non_exhaustive()
    }
}

/// A refill dropped before it finished: the connection is marked broken (a pool closes it
/// on return); a connection of its own finishes the pending request at its next use,
/// like any interrupted one (cancelled and read to its end, or closed past the bounds).
struct Interrupted<'c>(Option<Reader<'c>>);

impl Drop for Interrupted<'_> {
    fn drop(&mut self) {
        if let Some(reader) = &mut self.0 {
            reader.conn.link.wire.owe_copy_out(false);
            reader.conn.broken = true;
        }
    }
}

/// The next row the slow way (or, with `failed`, the COPY abandoned after a row that did
/// not decode), as the blocking `CopyRows::next`.
fn step<'c, R: Send + 'c>(
    reader: Reader<'c>,
    decode: DecodeCopy<R>,
    failed: Option<Error>,
) -> Step<'c, R> {
    Box::pin(async move {
        let mut guard = Interrupted(Some(reader));
        let mut failed = failed;
        let item = match guard.0.as_mut() {
            None => None,
            Some(Reader {
                conn,
                columns,
                labels,
                spans,
                header,
            }) => loop {
                let next = match failed.take() {
                    Some(e) => Some(Ok(Err(e))),
                    None => {
                        conn.link
                            .wire
                            .copy_out_next(|data: &[u8]| {
                                decode_copy_message(data, header, columns, spans, decode, labels)
                            })
                            .await
                    }
                };
                match next {
                    None => break None,
                    // The trailer: the end message follows.
                    Some(Ok(Ok(None))) => continue,
                    Some(Ok(Ok(Some(row)))) => break Some(Ok(row)),
                    Some(Ok(Err(e))) => {
                        let ended = conn.link.wire.abandon_copy_out().await;
                        let _ = conn.note(ended);
                        break Some(Err(e));
                    }
                    Some(Err(e)) => break Some(conn.note(Err(e))),
                }
            },
        };
        let reader = guard.0.take();
        (reader.filter(|_| matches!(item, Some(Ok(_)))), item)
    })
}

impl<'c, R: Send + 'c> Stream for AsyncCopyRows<'c, R> {
    type Item = Result<R, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Ready(mut reader) => {
                    let decode = this.decode;
                    let Reader {
                        conn,
                        columns,
                        labels,
                        spans,
                        header,
                    } = &mut reader;
                    let buffered = conn.link.wire.copy_out_buffered(|data: &[u8]| {
                        decode_copy_message(data, header, columns, spans, decode, labels)
                    });
                    match buffered {
                        Some(Ok(Some(row))) => {
                            this.state = State::Ready(reader);
                            return Poll::Ready(Some(Ok(row)));
                        }
                        Some(Ok(None)) => this.state = State::Ready(reader),
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
                        if let Some(reader) = reader {
                            this.state = State::Ready(reader);
                        }
                        return Poll::Ready(item);
                    }
                },
            }
        }
    }
}

impl<R> Drop for AsyncCopyRows<'_, R> {
    /// Rows left unread: the COPY is abandoned (cancelled, the rest read and dropped, as
    /// the blocking `CopyRows`) before the connection's next request.
    fn drop(&mut self) {
        if let State::Ready(reader) = &mut self.state {
            reader.conn.link.wire.owe_copy_out(true);
        }
    }
}

impl<'c, Q: Send + 'c, R: Send + 'c> Work<'c, Postgres, Async> for CopyOutJob<Q, R, Postgres> {
    type Output = AsyncCopyRows<'c, R>;
    fn run(
        self,
        conn: &'c mut Connection<Postgres>,
    ) -> BoxFuture<'c, Result<AsyncCopyRows<'c, R>, Error>> {
        Box::pin(async move {
            conn.settle_owed().await?;
            let mut out = SqlWriter::new();
            (self.write)(&self.query, None, &mut out)?;
            let rendered = out.finish();
            let sql = copy_out_sql(&rendered)?;
            let columns = conn.columns_of_io(&rendered).await?;
            conn.copy_out_start_io(&sql).await?;
            Ok(AsyncCopyRows {
                state: State::Ready(Reader {
                    conn,
                    columns,
                    labels: rendered.labels,
                    spans: Vec::new(),
                    header: false,
                }),
                decode: self.decode,
            })
        })
    }
}

/// The rows of an async COPY FROM STDIN, handed to the sink one at a time (see
/// [`Connection::copy_in_io`]).
pub(crate) trait CopyFeed: Send {
    /// Writes the next row into `sink` (encoded only: the driver sends); `Ok(false)`
    /// after the last.
    fn next_row<'s>(
        &'s mut self,
        sink: &'s mut super::CopySink<'_>,
    ) -> impl std::future::Future<Output = Result<bool, Error>> + Send + 's;

    /// The outcome of ending the data (the rows stored, or the server's error), as the
    /// caller reports it.
    fn finished(&mut self, stored: Result<u64, Error>) -> Result<u64, Error>;
}

impl Connection<Postgres> {
    /// [`copy_in_with`](Connection::copy_in_with) on an async connection, with the rows
    /// from `feed`: the same wire calls, awaited; the data is sent in the same chunks.
    pub(crate) async fn copy_in_io<F: CopyFeed>(
        &mut self,
        sql: &str,
        mut feed: F,
    ) -> Result<u64, Error> {
        self.settle_owed().await?;
        let started = std::time::Instant::now();
        let result = match self.link.wire.copy_in_start(sql).await {
            Err(e) => Err(e),
            Ok(()) => {
                let mut sink = super::CopySink::new(&mut self.link.wire);
                let written = loop {
                    match feed.next_row(&mut sink).await {
                        Ok(true) if sink.full() => {
                            if let Err(e) = sink.flush_io().await {
                                break Err(e);
                            }
                        }
                        Ok(true) => {}
                        Ok(false) => {
                            let stored = sink.finish_io().await;
                            break feed.finished(stored);
                        }
                        Err(e) => break Err(e),
                    }
                };
                sink.end_io(written).await
            }
        };
        super::log::statement(
            &self.echo,
            sql,
            &[],
            started.elapsed(),
            result.as_ref().map(|n| Some(*n)),
        );
        self.settle(result, sql)
    }
}
