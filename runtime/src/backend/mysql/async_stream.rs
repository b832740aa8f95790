//! Streams and `for_each` on an async MySQL connection (features `tokio` and `mysql`):
//! [`AsyncMysqlRows`], a `futures::Stream` over the same row-by-row read the blocking
//! [`MysqlRows`](super::MysqlRows) does, each row decoded in place from its packet.
//!
//! A row whose packet is already in the read buffer is decoded without a future; only a
//! refill runs the client's `next_row` in a boxed future, so the allocation is per socket
//! read, not per row. A stream dropped before its end (or ended by a decode error) cannot
//! await in `Drop`: it leaves the result to the connection's next command, which reads
//! on for at most 2 s and then stops the statement with `KILL QUERY` (`client/kill.rs`,
//! `client/resume.rs`). Packets are taken from the buffer only whole, so a stream dropped
//! while a refill waited leaves the connection in step too. See docs/design.md, "Async
//! MySQL: streams, for_each, both modes".

use super::super::Mysql;
use crate::engine::row_data::Inner;
use crate::engine::runner::{Async, BoxFuture, DecodeFn, Work};
use crate::engine::stream_job::{ForEachJob, StreamJob};
use crate::engine::{AsyncBatches, Connection, Error, RowData};
use crate::render::Label;
use crate::types::RowReader;
use futures_core::Stream;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A query's rows on an [`AsyncMysqlConnection`](crate::AsyncMysqlConnection), read as
/// the server sends them: a `futures::Stream` of `Result<R, Error>` that stops after the
/// first error (the server's, a decoding error, or a lost connection). Memory holds one
/// row whatever the result's size. Dropping it before its end leaves the rest of the
/// result to the connection's next statement, which reads it and drops it for at most
/// 2 s, then asks the server (over a second connection) to stop it with `KILL QUERY`.
///
/// ```no_run
/// # async fn demo(conn: &mut sqlwright::AsyncMysqlConnection) -> Result<(), sqlwright::Error> {
/// use futures_core::Stream; // or `futures::StreamExt` and `rows.next().await`
/// use std::pin::Pin;
/// let query = sqlwright::raw::sql("SELECT id FROM notes");
/// let mut rows = query.stream(conn).await?;
/// while let Some(row) = std::future::poll_fn(|cx| Pin::new(&mut rows).poll_next(cx)).await {
///     let id: i32 = row?.get("id")?;
///     println!("{id}");
/// }
/// # Ok(()) }
/// ```
pub struct AsyncMysqlRows<'c, R> {
    state: State<'c, R>,
    read: DecodeFn<R>,
}

/// The connection, the statement whose rows are read (its columns are kept under its
/// fingerprint) and the labels of the selected columns, for decode errors.
struct Reader<'c> {
    conn: &'c mut Connection<Mysql>,
    key: u64,
    labels: Vec<Label>,
}

impl Drop for Reader<'_> {
    /// A result not read to its end is left to the next command (see the module docs);
    /// nothing to do when it ended.
    fn drop(&mut self) {
        self.conn.link.client.leave_rows();
    }
}

type Step<'c, R> = BoxFuture<'c, (Reader<'c>, Option<Result<R, Error>>)>;

enum State<'c, R> {
    /// Between rows.
    Ready(Reader<'c>),
    /// Waiting for the server.
    Reading(Step<'c, R>),
    /// Ended (the last row, or an error).
    Done,
}

impl<R> std::fmt::Debug for AsyncMysqlRows<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AsyncMysqlRows")
            .field("done", &matches!(self.state, State::Done))
            .finish_non_exhaustive()
    }
}

impl<'c> Reader<'c> {
    /// The next row when its packet is buffered: `None` when a read must be awaited,
    /// `Some(None)` at the end.
    fn buffered<R>(&mut self, read: DecodeFn<R>) -> Option<Option<Result<R, Error>>> {
        let link = &mut self.conn.link;
        let item = match link.statements.get(&self.key) {
            Some((_, prepared)) => match link.client.next_row_buffered(&prepared.columns)? {
                Ok(Some(row)) => {
                    let row = RowData(Inner::Mysql(row));
                    read(&mut RowReader::new(row, &self.labels))
                }
                Ok(None) => return Some(None),
                Err(e) => Err(e),
            },
            None => Err(not_kept()),
        };
        Some(Some(self.noted(item)))
    }

    /// The next row, awaiting the server: `None` at the end.
    async fn next<R>(&mut self, read: DecodeFn<R>) -> Option<Result<R, Error>> {
        let link = &mut self.conn.link;
        let item = match link.statements.get(&self.key) {
            Some((_, prepared)) => match link.client.next_row(&prepared.columns).await {
                Ok(Some(row)) => {
                    let row = RowData(Inner::Mysql(row));
                    read(&mut RowReader::new(row, &self.labels))
                }
                Ok(None) => return None,
                Err(e) => Err(e),
            },
            None => Err(not_kept()),
        };
        Some(self.noted(item))
    }

    fn noted<R>(&mut self, item: Result<R, Error>) -> Result<R, Error> {
        if item.is_err() {
            self.conn.note(item)
        } else {
            item
        }
    }
}

fn not_kept() -> Error {
    Error::Misuse("a MySQL statement was not kept".into())
}

/// The next row the slow way, in a future that owns the reader (dropped with it, the
/// result is left to the next command).
fn step<'c, R: Send + 'c>(mut reader: Reader<'c>, read: DecodeFn<R>) -> Step<'c, R> {
    Box::pin(async move {
        let item = reader.next(read).await;
        (reader, item)
    })
}

impl<'c, R: Send + 'c> AsyncMysqlRows<'c, R> {
    /// Up to `n` rows at a time (`n` of 0 is taken as 1), as the blocking
    /// [`MysqlRows::batches`](super::MysqlRows::batches).
    pub fn batches(self, n: usize) -> AsyncBatches<'c, R, Self> {
        AsyncBatches::over(self, n)
    }
}

impl<'c, R: Send + 'c> Stream for AsyncMysqlRows<'c, R> {
    type Item = Result<R, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Ready(mut reader) => match reader.buffered(this.read) {
                    Some(item) => {
                        // After an error or the end, the reader is dropped (see `Reader`).
                        if let Some(Ok(_)) = &item {
                            this.state = State::Ready(reader);
                        }
                        return Poll::Ready(item);
                    }
                    None => this.state = State::Reading(step(reader, this.read)),
                },
                State::Reading(mut future) => match future.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Reading(future);
                        return Poll::Pending;
                    }
                    Poll::Ready((reader, item)) => {
                        if let Some(Ok(_)) = &item {
                            this.state = State::Ready(reader);
                        }
                        return Poll::Ready(item);
                    }
                },
            }
        }
    }
}

impl<'c, Q: Send + 'c, R: Send + 'c> Work<'c, Mysql, Async> for StreamJob<Q, R, Mysql> {
    type Output = AsyncMysqlRows<'c, R>;
    fn run(
        self,
        conn: &'c mut Connection<Mysql>,
    ) -> BoxFuture<'c, Result<AsyncMysqlRows<'c, R>, Error>> {
        Box::pin(async move {
            let rendered = (self.render)(&self.query, conn)?;
            let rows = super::stream::begin(conn, &rendered).await?;
            let reader = Reader {
                conn,
                key: rendered.key,
                labels: rendered.labels,
            };
            let state = if rows {
                State::Ready(reader)
            } else {
                State::Done
            };
            Ok(AsyncMysqlRows {
                state,
                read: self.read,
            })
        })
    }
}

impl<'c, Q: Send + 'c, R: 'c, F: FnMut(R) -> Result<(), Error> + Send + 'c> Work<'c, Mysql, Async>
    for ForEachJob<Q, R, F>
{
    type Output = u64;
    fn run(mut self, conn: &'c mut Connection<Mysql>) -> BoxFuture<'c, Result<u64, Error>> {
        Box::pin(async move {
            let mut written = Ok(true);
            let rendered = crate::render::render_for(conn, &mut |out| {
                written = (self.write)(&self.query, None, out);
            });
            written?;
            let (decode, each, labels) = (self.decode, &mut self.each, &rendered.labels);
            // A closure's error stops the rows through the bounded path (`kill.rs`).
            let mut sink = |row: RowData<'_>| each(decode(&mut RowReader::new(row, labels))?);
            conn.mysql_run_io(&rendered, &mut sink).await
        })
    }
}

#[allow(dead_code)]
fn _is_send() {
    fn send<T: Send>(_: T) {}
    // The stream and its futures can move between a runtime's threads.
    let _ = |rows: AsyncMysqlRows<'static, (i32, String)>| send(rows);
}
