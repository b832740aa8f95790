//! Typed statements on a shared `&AsyncConnection`, pipelined: several futures borrow one
//! connection (`tokio::try_join!(a.load(&mut &conn), b.first(&mut &conn))`), each writes
//! its statement with its own Sync, and the answers are read in the order written. No
//! background task: the future whose turn it is reads its own answer, rows decoded straight
//! from the read buffer, then hands over (see docs/design.md, "Pipelining on a shared
//! connection").
//!
//! The connection sits behind a `tokio::sync::Mutex` that `&mut AsyncConnection` bypasses
//! with `get_mut`; the line of requests (tickets) is a small `std::sync::Mutex` never held
//! across an await. A future dropped after writing leaves its ticket abandoned: the next
//! reader reads and drops that answer first, so no later request reads another's.

use super::async_connection::AsyncConnection;
use super::async_pool::AsyncPooledConnection;
use super::runner::{BoxFuture, Decode, Job, Mode, Runner, Work};
use super::{log, Connection, Error, RowData};
use crate::backend::{Backend, Dialect, Postgres};
use crate::types::RowReader;
use std::collections::{BTreeMap, BTreeSet};
use std::future::poll_fn;
use std::marker::PhantomData;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Poll, Waker};
use std::time::Instant;

/// The most requests written and not yet read on one shared connection: past it a writer
/// waits for room. The answers must fit in the two sockets' buffers while a reader sends
/// the requests written after its own (as [`Batch::MAX`](crate::query::Batch::MAX)).
pub const MAX_IN_FLIGHT: u64 = 1000;

/// Runs on the tokio runtime through a shared `&'a AsyncConnection` (or a shared
/// `&'a AsyncTransaction`, inside the transaction): run methods return a future of
/// `Result<T, Error>` that borrows the connection (not the `&mut` around it), so many can
/// be joined. Single typed statements run this way (`load`, `load_as`, `first`, `one`,
/// `optional`, `count`, `scalar`, `execute`, `get_result(s)`, a table's `get`/`find`).
///
/// What does not compile on `&mut &conn` (the error is "this query cannot run on an
/// async connection"), and why:
/// - streams (`stream`, `for_each`) and COPY: they hold the connection between reads, a
///   request with no single answer that could wait its turn in the line;
/// - a [`Batch`](crate::query::Batch): it is its own pipeline, with one Sync;
/// - raw SQL (`raw::sql`), relation loaders, reflection and DDL (`create_all`): each
///   would need its own shared run, not built; they take `&mut AsyncConnection`;
/// - transactions: `begin`/`transaction` are methods of `&mut AsyncConnection` (and
///   `&mut AsyncTransaction` for a savepoint), since a transaction changes what every
///   request after it means. Open it through `&mut`, then share the transaction.
///
/// ```compile_fail,E0277
/// # use sqlwright::prelude::*;
/// # sqlwright::table! { users (id) { id -> Int4, name -> Text } }
/// # async fn demo(conn: &sqlwright::AsyncConnection) {
/// // A stream holds the connection while it is read: not on a shared connection.
/// let rows = users::table.select(users::name).stream(&mut &*conn);
/// # }
/// ```
///
/// Answers are read in the order the statements were written, each by its own future: a
/// future waits for those written before it to be read (or dropped). Join the futures
/// (`tokio::try_join!`, `try_join_all`) or await them in the order they were first
/// polled; awaiting one while an earlier one sits unpolled waits for ever, as a lock
/// would whose guard is held by a future nobody polls.
///
/// A cached statement the server finds stale (a schema change under it, or a pooler that
/// lost it) is prepared again and run once more, as through `&mut`; inside a transaction
/// block the error stands.
#[derive(Debug)]
pub struct Shared<'a>(PhantomData<&'a AsyncConnection>);

impl<'a> Mode for Shared<'a> {
    type Out<'c, T: 'c> = BoxFuture<'a, Result<T, Error>>;
    type Target<'c, B: Backend> = &'a AsyncConnection;
    fn dialect<B: Backend>(_: &&'a AsyncConnection) -> Dialect {
        Dialect::Postgres
    }
}

impl<'a> Runner for &'a AsyncConnection {
    type Backend = Postgres;
    type Mode = Shared<'a>;
    #[inline]
    fn __connection(&mut self) -> &'a AsyncConnection {
        self
    }
}

impl<'a> Runner for &'a AsyncPooledConnection {
    type Backend = Postgres;
    type Mode = Shared<'a>;
    #[inline]
    fn __connection(&mut self) -> &'a AsyncConnection {
        let pooled: &'a AsyncPooledConnection = self;
        pooled
    }
}

/// The line of requests written on a shared connection and not yet read.
#[derive(Debug, Default)]
pub(crate) struct Queue(Mutex<Line>);

#[derive(Debug, Default)]
struct Line {
    /// The oldest ticket whose answer is not read.
    head: u64,
    /// The next ticket handed out.
    next: u64,
    /// Tickets whose futures were dropped before reading their answer.
    abandoned: BTreeSet<u64>,
    /// Readers waiting for their turn, by ticket.
    turns: BTreeMap<u64, Waker>,
    /// Writers waiting for the line to empty (a statement to prepare) or to have room.
    room: Vec<Waker>,
}

impl Line {
    /// Whether every request before ticket `t` was read or abandoned.
    fn clear_before(&self, t: u64) -> bool {
        self.abandoned.range(self.head..t).count() as u64 == t - self.head
    }

    /// Wakes the first waiting reader when its turn has come, and the writers waiting
    /// for room (they look again).
    fn wake(&mut self) {
        if let Some((&t, _)) = self.turns.first_key_value() {
            if self.clear_before(t) {
                if let Some(waker) = self.turns.remove(&t) {
                    waker.wake();
                }
            }
        }
        for waker in self.room.drain(..) {
            waker.wake();
        }
    }
}

impl Queue {
    fn line(&self) -> MutexGuard<'_, Line> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether no live request is in the line (all read, or abandoned), and whether there
    /// is room for one more.
    fn state(&self) -> (bool, bool) {
        let line = self.line();
        (
            line.clear_before(line.next),
            line.next - line.head < MAX_IN_FLIGHT,
        )
    }

    /// Waits until no live request is in the line (`quiet`), or until there is room.
    async fn until(&self, quiet: bool) {
        poll_fn(|cx| {
            let mut line = self.line();
            let ready = if quiet {
                line.clear_before(line.next)
            } else {
                line.next - line.head < MAX_IN_FLIGHT
            };
            if ready {
                return Poll::Ready(());
            }
            line.room.push(cx.waker().clone());
            Poll::Pending
        })
        .await
    }

    /// Waits until every request before ticket `t` was read or abandoned.
    async fn turn(&self, t: u64) {
        poll_fn(|cx| {
            let mut line = self.line();
            if line.clear_before(t) {
                line.turns.remove(&t);
                return Poll::Ready(());
            }
            line.turns.insert(t, cx.waker().clone());
            Poll::Pending
        })
        .await
    }

    /// Whether the answer at the head of the line belongs to an abandoned request before
    /// ticket `t` (then it is read and dropped first).
    fn owes_before(&self, t: u64) -> bool {
        let line = self.line();
        line.head < t && line.abandoned.contains(&line.head)
    }

    /// The answer at the head was read (or dropped): the next one is the head.
    fn advance(&self) {
        let mut line = self.line();
        let head = line.head;
        line.abandoned.remove(&head);
        line.head += 1;
        line.wake();
    }

    /// A future dropped before reading its answer: whoever reads next drops it.
    fn abandon(&self, t: u64) {
        let mut line = self.line();
        if t >= line.head {
            line.abandoned.insert(t);
        }
        line.turns.remove(&t);
        line.wake();
    }

    /// Through `&mut`, no future of the line is alive: every answer not read is handed
    /// to the connection, which reads and drops them before its next request.
    pub(crate) fn hand_over(&mut self, conn: &mut Connection<Postgres>) {
        let line = self.0.get_mut().unwrap_or_else(PoisonError::into_inner);
        if line.next != line.head {
            conn.link.wire.owe_shared(line.next - line.head);
            line.head = line.next;
            line.abandoned.clear();
            line.turns.clear();
            line.room.clear();
        }
    }
}

/// A place in the line: dropped before its answer was read, it is abandoned.
struct Ticket<'a> {
    queue: &'a Queue,
    number: u64,
    read: bool,
}

impl<'a> Ticket<'a> {
    /// The next ticket (taken under the connection's lock, right after the request was
    /// written, so tickets follow the order of the requests in the buffer).
    fn take(queue: &'a Queue) -> Self {
        let mut line = queue.line();
        let number = line.next;
        line.next += 1;
        Ticket {
            queue,
            number,
            read: false,
        }
    }

    /// Its answer was read: the next request's turn.
    fn done(mut self) {
        self.read = true;
        self.queue.advance();
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if !self.read {
            self.queue.abandon(self.number);
        }
    }
}

/// Returns `Pending` once (waking itself): the other futures polled in the same round
/// write their requests before any is read, so they leave in one send.
async fn yield_once() {
    let mut yielded = false;
    poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    })
    .await
}

/// Reads and drops the answers of abandoned requests at the head of the line, before
/// ticket `t` (or all of them, `t = u64::MAX`), one at a time: the head moves past each
/// as soon as it is read, so a drop in between never counts one twice.
async fn drain_abandoned(
    queue: &Queue,
    conn: &mut Connection<Postgres>,
    t: u64,
) -> Result<(), Error> {
    // Draining all that is left (`t = u64::MAX`, no live request in the line), the
    // statement the server runs is an abandoned one: it may be cancelled.
    let quiet = t == u64::MAX;
    while queue.owes_before(t) {
        let drained = conn.link.wire.drain_one_shared(quiet).await;
        conn.note(drained)?;
        queue.advance();
    }
    Ok(())
}

impl<'c, 'a, Q, D, T> Work<'c, Postgres, Shared<'a>> for Job<Q, D, T>
where
    Q: Send + 'a,
    D: Decode<Row: Send + 'a> + 'a,
    T: Send + 'a + 'c,
{
    type Output = T;
    fn run(self, shared: &'a AsyncConnection) -> BoxFuture<'a, Result<T, Error>> {
        Box::pin(async move {
            let started = Instant::now();
            let queue = &shared.queue;
            // One retry of a statement the server found stale, as on the `&mut` path.
            let mut may_retry = true;
            loop {
                // Write: render, prepare when needed (only with no live request in the line),
                // buffer Bind/Execute/Sync, take a ticket.
                let (rendered, prepared, sql, max_rows, ticket) = loop {
                    let mut guard = shared.inner.lock().await;
                    let conn = &mut *guard;
                    // A deadline scope left open by a future dropped while it held the
                    // lock (draining) is closed first: none is open here legitimately.
                    conn.link.wire.close_abandoned_scopes()?;
                    let mut written = Ok(true);
                    let rendered = crate::render::render_for(conn, &mut |out| {
                        written = (self.write)(&self.query, self.limit.as_ref(), out);
                    });
                    if !written? {
                        return (self.finish)(Vec::new(), 0);
                    }
                    Connection::check(&rendered)?;
                    let cached = conn.cached(&rendered);
                    let (quiet, room) = queue.state();
                    if !quiet && (cached.is_none() || !room) {
                        drop(guard);
                        queue.until(cached.is_none()).await;
                        continue;
                    }
                    if quiet {
                        drain_abandoned(queue, conn, u64::MAX).await?;
                        conn.settle_owed().await?;
                    }
                    let begun = conn.link.wire.begin_shared(quiet).await;
                    conn.note(begun)?;
                    let (prepared, sql) = match cached {
                        Some(found) => found,
                        None => conn.prepare_logged(&rendered, started).await?,
                    };
                    let max_rows = match conn.max_rows() {
                        Some(n) if prepared.returns_rows => u32::try_from(n).unwrap_or(u32::MAX),
                        _ => 0,
                    };
                    let text = prepared.name.is_empty().then_some(&*sql);
                    conn.link
                        .wire
                        .write_shared(&prepared, text, &rendered.params, max_rows)?;
                    // Sent now, not left in the buffer for a later reader: a future dropped
                    // after this point has sent its statement (its answer is drained), and
                    // one dropped before never runs later behind the user's back. The
                    // ticket is taken first, so an answer that may come always has one.
                    let ticket = Ticket::take(queue);
                    conn.link.wire.flush_shared().await?;
                    break (rendered, prepared, sql, max_rows, ticket);
                };
                yield_once().await;
                // Read: when every request before it was read (or abandoned), send what is
                // buffered and read its own answer.
                queue.turn(ticket.number).await;
                let mut guard = shared.inner.lock().await;
                let conn = &mut *guard;
                conn.link.wire.close_abandoned_scopes()?;
                let described = prepared.name.is_empty();
                let mut rows = Vec::new();
                let result = async {
                    drain_abandoned(queue, conn, ticket.number).await?;
                    conn.link.wire.flush_shared().await?;
                    // A "columns changed" mark left by a reader dropped after its
                    // RowDescription is not this request's.
                    let _ = conn.link.wire.take_redescribe();
                    let wire = &mut conn.link.wire;
                    if D::ROWS {
                        let labels = &rendered.labels;
                        let mut sink = |row: RowData<'_>| {
                            rows.push(D::decode(&mut RowReader::new(row, labels))?);
                            Ok(())
                        };
                        wire.read_shared(&prepared, described, max_rows, &mut sink)
                            .await
                    } else {
                        wire.read_shared(&prepared, described, max_rows, &mut |_| Ok(()))
                            .await
                    }
                }
                .await;
                ticket.done();
                let stale = result
                    .as_ref()
                    .is_err_and(super::connection::is_stale_statement);
                if conn.link.wire.take_redescribe() || stale {
                    // Every request that may bind it was sent before this answer was read
                    // (the reader sends all that is buffered and holds the lock until
                    // here), so its Close goes after them; and no request in flight can
                    // have prepared it again (statements are prepared with the line
                    // empty), so the cached one is this one, or already forgotten.
                    conn.forget(rendered.key);
                }
                if stale && may_retry && conn.depth == 0 && !conn.link.wire.in_transaction() {
                    // Prepared again with the line empty, run once more with a new ticket.
                    // Inside a transaction block the error stands: the block is aborted.
                    may_retry = false;
                    continue;
                }
                log::rendered(
                    &conn.echo,
                    &sql,
                    &rendered,
                    started.elapsed(),
                    result.as_ref().map(|n| Some(*n)),
                );
                let count = conn.settle(result, &sql)?;
                drop(guard);
                return (self.finish)(rows, count);
            }
        })
    }
}
