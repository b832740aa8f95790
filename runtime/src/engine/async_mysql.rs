//! MySQL and MariaDB on tokio (features `tokio` and `mysql`): the blocking MySQL
//! connection's own protocol client, statement cache, logging and error handling on a
//! tokio socket (TCP, Unix, or TLS through `tokio-rustls`). Every read loop is the one the
//! blocking API polls once; here it is awaited, each wait bounded by the URL's
//! `read_timeout`/`write_timeout` with tokio timers (see docs/design.md, "Async on MySQL").

use super::async_transaction::transaction_methods;
use super::runner::{Async, BoxFuture, Decode, Job, Runner, Work};
use super::step::{load_on, Load, Step, WaitMysql};
use super::wire::SocketKind;
use super::{
    AsyncEngine, AsyncPooledConnection, AsyncTransaction, AsyncTransactionBuilder, Connection,
    DatabaseUrl, Error, RowData,
};
use crate::backend::Mysql;
use crate::types::RowReader;

/// A MySQL or MariaDB connection for async code: every typed query runs on it with the
/// blocking method names, awaited (`users::table.load(&mut conn).await?`), as do raw SQL
/// (`sqlwright::raw::sql`), `create_all`/`drop_all` and transactions
/// ([`transaction`](Self::transaction), [`begin`](Self::begin)).
///
/// ```no_run
/// # async fn demo() -> Result<(), sqlwright::Error> {
/// let mut conn = sqlwright::AsyncMysqlConnection::open("mysql://app@localhost/shop").await?;
/// conn.batch_execute("CREATE TABLE IF NOT EXISTS notes (id INT PRIMARY KEY, body TEXT)")
///     .await?;
/// conn.transaction(async |tx| {
///     tx.batch_execute("INSERT INTO notes VALUES (1, 'hello')").await?;
///     Ok::<_, sqlwright::Error>(())
/// })
/// .await?;
/// # Ok(()) }
/// ```
///
/// The runtime must have its I/O and time drivers (`#[tokio::main]` and `Runtime::new()`
/// enable both). A future of this connection dropped before it finished (a timeout, a
/// `select!` that took another branch) is finished by the next use: the rest of the
/// statement's answer is read and dropped first (rows for at most 2 s, then the statement
/// is stopped with `KILL QUERY`), as is the rest of a [`stream`](crate::AsyncMysqlRows)
/// dropped before its end; one dropped half-sent closes the
/// connection ([`is_closed`](Self::is_closed) says so); a transaction dropped open is
/// rolled back ahead of the next statement.
#[derive(Debug)]
pub struct AsyncMysqlConnection {
    pub(super) inner: Connection<Mysql>,
}

impl AsyncMysqlConnection {
    /// Connects to the server a `mysql://` URL names (the options of
    /// [`Connection::<Mysql>::open`]: TLS with `ssl-mode`, Unix sockets, timeouts).
    pub async fn open(url: &str) -> Result<Self, Error> {
        Self::open_url(&DatabaseUrl::parse(url)?).await
    }

    /// Connects with an already parsed URL.
    pub async fn open_url(url: &DatabaseUrl) -> Result<Self, Error> {
        let inner = Connection::<Mysql>::open_io(url, None, None, SocketKind::Tokio).await?;
        Ok(AsyncMysqlConnection { inner })
    }

    /// Runs SQL text without parameters (several statements allowed), discarding rows.
    pub async fn batch_execute(&mut self, sql: &str) -> Result<(), Error> {
        self.inner.mysql_batch_io(sql).await
    }

    /// Checks that the server still answers (one round trip).
    pub async fn ping(&mut self) -> Result<(), Error> {
        self.inner.mysql_ping_io().await
    }

    /// The server's `VERSION()` (see [`Connection::<Mysql>::server_version`]).
    pub async fn server_version(&mut self) -> Result<String, Error> {
        self.inner.server_version_io().await
    }

    /// The AUTO_INCREMENT value the last statement that generated one generated (see
    /// [`Connection::<Mysql>::last_insert_id`]).
    pub fn last_insert_id(&self) -> Option<u64> {
        self.inner.last_insert_id()
    }

    /// Whether the connection can no longer be used (lost, timed out, or a future of it
    /// dropped while its statement was half sent).
    pub fn is_closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// Whether a transaction is open on this connection.
    pub fn in_transaction(&self) -> bool {
        self.inner.in_transaction()
    }

    /// Logs every statement (see [`Connection::set_echo`]).
    pub fn set_echo(&mut self, on: bool) {
        self.inner.set_echo(on);
    }

    /// The connection's number in the log.
    pub fn id(&self) -> u64 {
        self.inner.id()
    }
}

/// The async engine on MySQL: `Engine::mysql_builder(url)…build_async()` or
/// `AsyncEngine::mysql(url)` (see [`AsyncEngine`]). Every returned connection is put back
/// as new (COM_RESET_CONNECTION, then the session settings) by a task before it is idle.
///
/// ```no_run
/// use sqlwright::prelude::*;
///
/// # async fn demo() -> Result<(), sqlwright::Error> {
/// let engine = Engine::mysql_builder("mysql://app:secret@localhost/shop")
///     .pool_size(10)
///     .build_async()?;
/// let mut conn = engine.connect().await?; // back to the pool, reset, when dropped
/// conn.batch_execute("UPDATE stock SET n = n - 1 WHERE n > 0").await?;
/// let mut session = engine.session().await?; // the unit of work, on MySQL too
/// # let _ = &mut session;
/// # Ok(()) }
/// ```
pub type AsyncMysqlEngine = AsyncEngine<Mysql>;

/// A connection checked out of an [`AsyncMysqlEngine`]: use it as an
/// [`AsyncMysqlConnection`]. It returns to the pool, reset, when dropped.
pub type AsyncMysqlPooledConnection = AsyncPooledConnection<Mysql>;

/// An async transaction on MySQL (see [`AsyncTransaction`]).
pub type AsyncMysqlTransaction<'c> = AsyncTransaction<'c, Mysql>;

/// Builds an async MySQL transaction with options (see [`AsyncTransactionBuilder`]).
pub type AsyncMysqlTransactionBuilder<'c> = AsyncTransactionBuilder<'c, Mysql>;

impl AsyncMysqlConnection {
    transaction_methods!(Mysql);
}

/// A borrowed async connection runs queries as the connection does (so a session can
/// borrow one: `AsyncSession::new(&mut conn)`).
impl Runner for &mut AsyncMysqlConnection {
    type Backend = Mysql;
    type Mode = Async;
    #[inline]
    fn __connection(&mut self) -> &mut Connection<Mysql> {
        &mut self.inner
    }
}

impl Runner for AsyncMysqlConnection {
    type Backend = Mysql;
    type Mode = Async;
    #[inline]
    fn __connection(&mut self) -> &mut Connection<Mysql> {
        &mut self.inner
    }
}

impl<'c, Q: Send + 'c, D: Decode<Row: Send + 'c> + 'c, T: Send + 'c> Work<'c, Mysql, Async>
    for Job<Q, D, T>
{
    type Output = T;
    fn run(self, conn: &'c mut Connection<Mysql>) -> BoxFuture<'c, Result<T, Error>> {
        Box::pin(async move {
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
                let mut sink = |row: RowData<'_>| {
                    rows.push(D::decode(&mut RowReader::new(row, labels))?);
                    Ok(())
                };
                conn.mysql_run_io(&rendered, &mut sink).await?
            } else {
                conn.mysql_run_io(&rendered, &mut |_: RowData<'_>| Ok(()))
                    .await?
            };
            (self.finish)(rows, count)
        })
    }
}

impl<'c, S: Step + Send + 'c> Work<'c, Mysql, Async> for Load<S>
where
    S::Row: Send,
    S::Output: Send + 'c,
{
    type Output = S::Output;
    fn run(self, conn: &'c mut Connection<Mysql>) -> BoxFuture<'c, Result<S::Output, Error>> {
        Box::pin(async move { load_on(self.0, &mut WaitMysql(conn)).await })
    }
}

#[allow(dead_code)]
fn _is_send() {
    fn send<T: Send>(_: T) {}
    // The futures of the async connection can move between a runtime's threads.
    let _ = |conn: &'static mut AsyncMysqlConnection| send(conn.batch_execute("SELECT 1"));
    let _ = |conn: &'static mut AsyncMysqlConnection| send(conn.ping());
    let _ = |url: &'static str| send(AsyncMysqlConnection::open(url));
    let _ = |conn: &'static mut AsyncMysqlConnection| {
        send(conn.transaction(async |tx| {
            tx.batch_execute("SELECT 1").await?;
            Ok::<_, Error>(())
        }))
    };
    let _ = |conn: &'static mut AsyncMysqlConnection| send(conn.begin());
}
