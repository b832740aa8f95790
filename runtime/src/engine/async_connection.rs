//! The async connection (feature `tokio`): the same protocol client as [`Connection`],
//! on a tokio socket (TCP, Unix-domain, or TLS through `tokio-rustls`). Every read loop,
//! the statement cache, logging and error handling are the blocking connection's own code;
//! only the socket differs (see the "Async" section of docs/design.md).

use super::wire::SocketKind;
use super::{Connection, DatabaseUrl, Error, OwnedRow, RowData};
use crate::backend::Postgres;
use crate::render::Rendered;
use std::time::Duration;

/// A PostgreSQL connection driven by the tokio runtime: the blocking [`Connection`]'s
/// protocol client, statement cache and logging on a tokio socket. Every typed query runs on
/// it with the blocking method names, awaited (`users::table.load(&mut conn).await?`), as
/// does a [`Batch`](crate::query::Batch); the compiler checks it the same way.
///
/// ```no_run
/// # async fn demo() -> Result<(), sqlwright::Error> {
/// let mut conn = sqlwright::AsyncConnection::connect("postgres://app@localhost/shop").await?;
/// conn.batch_execute("CREATE TABLE IF NOT EXISTS notes (id serial PRIMARY KEY, body text)")
///     .await?;
/// let rows = conn.query_text("SELECT count(*) FROM notes").await?;
/// println!("{:?}", rows[0][0]);
/// # Ok(()) }
/// ```
///
/// The runtime must have its I/O and time drivers (`#[tokio::main]` and
/// `Runtime::new()` enable both; a hand-built runtime needs `enable_all()`): every wait
/// is bounded by a tokio timer.
///
/// A future of this connection dropped before it finished (a timeout, a `select!` that
/// took another branch) is finished by the next use: a statement that was sent is
/// cancelled (outside a transaction block) and its answer read to its end, within the
/// bounds of an abandoned stream's; one dropped before any of it was sent never
/// happened; one dropped half-sent closes the connection ([`is_closed`](Self::is_closed)
/// says so). Transactions: [`begin`](Self::begin), [`transaction`](Self::transaction).
///
/// Shared (`&conn`), it runs single typed statements pipelined: each future writes its
/// statement and they are read in order, so joined queries cost about one round trip.
///
/// ```no_run
/// # use sqlwright::prelude::*;
/// # sqlwright::table! { users (id) { id -> Int4, name -> Text } }
/// # async fn demo(conn: &sqlwright::AsyncConnection) -> Result<(), sqlwright::Error> {
/// let names = users::table.select(users::name).load(&mut &*conn);
/// let count = users::table.count(&mut &*conn);
/// // Join them (`tokio::try_join!`, `futures::future::try_join_all`) to send both
/// // before reading either; awaited in turn, they run one after the other.
/// let (names, count) = (names.await?, count.await?);
/// # let _: (Vec<String>, i64) = (names, count);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct AsyncConnection {
    /// Behind a lock for shared requests; `&mut self` reaches it with `get_mut`.
    pub(super) inner: tokio::sync::Mutex<Connection<Postgres>>,
    /// The shared requests written and not yet read.
    pub(super) queue: super::shared::Queue,
    id: u64,
    cancel: super::CancelHandle,
}

impl AsyncConnection {
    /// Connects to the database a URL names (`postgres://user:password@host:port/db`, with
    /// the same options as [`Connection::connect`]: TLS, several hosts, timeouts).
    pub async fn connect(url: &str) -> Result<Self, Error> {
        Self::connect_url(&DatabaseUrl::parse(url)?).await
    }

    /// Connects with an already parsed URL.
    pub async fn connect_url(url: &DatabaseUrl) -> Result<Self, Error> {
        let config = url.to_config()?;
        let inner = Connection::connect_config_io(url, config, SocketKind::Tokio).await?;
        Ok(AsyncConnection::new(inner))
    }

    pub(super) fn new(inner: Connection<Postgres>) -> Self {
        AsyncConnection {
            id: inner.id(),
            cancel: inner.cancel_handle(),
            inner: tokio::sync::Mutex::new(inner),
            queue: super::shared::Queue::default(),
        }
    }

    /// The connection, for a request through `&mut self`: answers that shared requests
    /// dropped before reading them are read and dropped first (by the request itself).
    #[inline]
    pub(super) fn exclusive(&mut self) -> &mut Connection<Postgres> {
        let inner = self.inner.get_mut();
        self.queue.hand_over(inner);
        inner
    }

    /// Runs SQL text without parameters (several statements allowed), discarding rows.
    pub async fn batch_execute(&mut self, sql: &str) -> Result<(), Error> {
        let inner = self.exclusive();
        inner.settle_owed().await?;
        inner.pg_batch_io(sql).await
    }

    /// SQL text through the simple protocol: the rows of every statement, each value as
    /// the server's text (see [`Connection::query_text`]).
    pub async fn query_text(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, Error> {
        let inner = self.exclusive();
        inner.settle_owed().await?;
        inner.query_text_io(sql).await
    }

    /// Checks that the server still answers (one round trip).
    pub async fn ping(&mut self) -> Result<(), Error> {
        let inner = self.exclusive();
        inner.settle_owed().await?;
        inner.ping_io().await
    }

    /// Runs a rendered statement, handing each row to `sink` as it is read (see
    /// [`Connection::query_each`]); returns the row count.
    pub async fn query_each(
        &mut self,
        statement: &Rendered<'_>,
        sink: &mut (dyn FnMut(RowData<'_>) -> Result<(), Error> + Send),
    ) -> Result<u64, Error> {
        let inner = self.exclusive();
        inner.settle_owed().await?;
        inner.pg_run_io(statement, sink).await
    }

    /// Runs a rendered statement and returns its rows.
    pub async fn query_rendered(
        &mut self,
        statement: &Rendered<'_>,
    ) -> Result<Vec<OwnedRow>, Error> {
        let inner = self.exclusive();
        inner.settle_owed().await?;
        let mut rows = Vec::new();
        inner
            .pg_run_io(statement, &mut |row: RowData<'_>| {
                rows.extend(row.as_pg().map(|row| row.to_row()));
                Ok(())
            })
            .await?;
        Ok(rows)
    }

    /// Runs a rendered statement and returns the number of rows it affected.
    pub async fn execute_rendered(&mut self, statement: &Rendered<'_>) -> Result<u64, Error> {
        let inner = self.exclusive();
        inner.settle_owed().await?;
        inner
            .pg_run_io(statement, &mut |_: RowData<'_>| Ok(()))
            .await
    }

    /// The longest each wait for the server may take (see
    /// [`Connection::set_request_timeout`]): past it the statement is cancelled, the call
    /// fails with [`Error::Timeout`] and the connection is closed.
    pub fn set_request_timeout(&mut self, timeout: Option<Duration>) -> Result<(), Error> {
        self.exclusive().set_request_timeout(timeout)
    }

    /// The `max_rows` guard (see [`Connection::set_max_rows`]): a load of more rows is
    /// [`Error::TooManyRows`], and the server stops sending after one row more.
    pub fn set_max_rows(&mut self, rows: Option<u64>) {
        self.exclusive().set_max_rows(rows);
    }

    /// The `max_rows` guard in force (through `&mut`, as
    /// [`cached_statements`](Self::cached_statements)).
    pub fn max_rows(&mut self) -> Option<u64> {
        self.exclusive().max_rows()
    }

    /// How many prepared statements are cached now. Through `&mut self`, unlike
    /// [`Connection::cached_statements`]: the connection is behind the lock that shared
    /// requests take, and `&mut` proves none is under way, so the answer is sure.
    pub fn cached_statements(&mut self) -> usize {
        self.exclusive().cached_statements()
    }

    /// Whether the connection can no longer be used (lost, timed out, or a future of it
    /// dropped while its request was half sent). A stream dropped early does not close
    /// it: its statement is ended at the next use. While a shared request holds the
    /// connection, `false`.
    pub fn is_closed(&self) -> bool {
        self.inner
            .try_lock()
            .is_ok_and(|inner| inner.is_closed() && !inner.link.wire.portal_owed())
    }

    /// Whether a transaction is open on the server. While a shared request holds the
    /// connection, `false`: ask through `&mut` for a sure answer.
    pub fn in_transaction(&self) -> bool {
        self.inner
            .try_lock()
            .is_ok_and(|inner| inner.server_in_transaction())
    }

    /// Logs every statement (see [`Connection::set_echo`]).
    pub fn set_echo(&mut self, on: bool) {
        self.exclusive().set_echo(on);
    }

    /// A handle that cancels the statement this connection runs, from another task or
    /// thread (see [`CancelHandle`](super::CancelHandle)).
    pub fn cancel_handle(&self) -> super::CancelHandle {
        self.cancel.clone()
    }

    /// The connection's number in the log.
    pub fn id(&self) -> u64 {
        self.id
    }
}

impl super::Runner for AsyncConnection {
    type Backend = Postgres;
    type Mode = super::runner::Async;
    #[inline]
    fn __connection(&mut self) -> &mut Connection<Postgres> {
        self.exclusive()
    }
}

#[allow(dead_code)]
fn _is_send() {
    fn send<T: Send>(_: T) {}
    // The futures of the async connection can move between a runtime's threads.
    let _ = |conn: &'static mut AsyncConnection| send(conn.batch_execute("SELECT 1"));
    let _ = |conn: &'static mut AsyncConnection, r: &'static Rendered<'static>| {
        send(conn.query_rendered(r))
    };
    // Shared, too: the connection is `Sync`.
    let _ = |conn: &'static AsyncConnection| send(conn);
}
