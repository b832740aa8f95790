//! A synchronous PostgreSQL connection with a bounded prepared-statement cache, SQL
//! logging, and the bookkeeping transactions and the pool rely on.

use super::log::{self, Echo};
pub(super) use super::outcome::is_stale_statement;
use super::outcome::may_write;
pub(crate) use super::outcome::reached_server;
use super::statement_cache::CachedStatement;
use super::wire::{self, OwnedRow, Wire};
use super::{DatabaseUrl, Error, RowData, StatementCacheMode};
use crate::backend::{Backend, Postgres};
use crate::render::Rendered;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest message a connection accepts from the server by default (1 GiB and 1 MiB:
/// PostgreSQL sends no value over 1 GiB); see [`Connection::set_max_message_size`].
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = wire::DEFAULT_MAX_MESSAGE;

/// How many prepared statements a connection keeps by default.
pub const DEFAULT_STATEMENT_CACHE: usize = 256;

/// One connection to a database: `Connection` (that is, `Connection<Postgres>`) to
/// PostgreSQL, `SqliteConnection` to SQLite (feature `sqlite`). Every query runs on
/// either; what only one backend has (COPY, cancel, request timeouts) is a method of that
/// backend's connection alone.
///
/// On PostgreSQL, statements are prepared once per SQL text and parameter types, kept in a
/// least-recently-used cache of bounded size, and reused.
pub struct Connection<B: Backend = Postgres> {
    pub(crate) link: B::Link,
    pub(crate) target: String,
    pub(crate) echo: Echo,
    /// Open transaction levels: 0 outside a transaction, 1 in one, 2+ in savepoints.
    pub(crate) depth: u32,
    /// A statement failed inside the open transaction, so the server aborted it.
    pub(crate) aborted: bool,
    /// The connection broke, or its state could not be restored: never reuse it.
    pub(crate) broken: bool,
}

/// PostgreSQL's part of a connection: the protocol client and the statement cache.
pub struct PgLink {
    pub(super) wire: Wire,
    pub(super) statements: HashMap<u64, CachedStatement>,
    pub(super) capacity: usize,
    pub(super) tick: u64,
    /// The `max_rows` guard of loads (0: none).
    pub(super) max_rows: u32,
    /// How statements are kept (named on the server, or described on the client only).
    pub(super) mode: StatementCacheMode,
}

impl<B: Backend> std::fmt::Debug for Connection<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("backend", &self.dialect())
            .field("target", &self.target)
            .field("transaction_depth", &self.depth)
            .finish()
    }
}

impl<B: Backend> Connection<B> {
    /// Wraps a backend's link in a connection outside any transaction.
    pub(crate) fn from_link(link: B::Link, target: String) -> Self {
        Connection {
            link,
            target,
            echo: Echo {
                conn: super::log::next_connection_id(),
                ..Echo::default()
            },
            depth: 0,
            aborted: false,
            broken: false,
        }
    }

    /// How this connection's database spells SQL (for an `Any`
    /// connection, the backend its URL picked).
    #[inline]
    pub fn dialect(&self) -> crate::backend::Dialect {
        B::dialect_of(&self.link)
    }

    /// Runs one or more SQL statements given as text, without parameters: for schema
    /// scripts and migrations. Never build this text from user data; queries built with
    /// sqlwright send every value as a parameter (and [`crate::raw::sql`] binds named
    /// parameters for hand-written SQL).
    pub fn batch_execute(&mut self, sql: &str) -> Result<(), Error> {
        B::batch(self, sql)
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        B::is_closed(&self.link)
    }

    /// Whether the database reported a transaction open after the last statement, however
    /// it was opened (hand-written `BEGIN` included).
    pub(crate) fn server_in_transaction(&self) -> bool {
        B::server_in_transaction(&self.link)
    }

    /// Whether the database reported the open transaction failed (a statement in it failed,
    /// whether or not the caller kept the error).
    pub(crate) fn server_transaction_failed(&self) -> bool {
        B::server_transaction_failed(&self.link)
    }

    /// Whether a transaction is open on this connection.
    pub fn in_transaction(&self) -> bool {
        self.depth > 0
    }

    /// Checks that the database still answers, giving up at `deadline` when there is one
    /// ([`Error::Timeout`], and the connection is closed).
    pub(crate) fn ping_before(&mut self, deadline: Option<Instant>) -> Result<(), Error> {
        B::ping_before(self, deadline)
    }

    /// This connection's number in the process (1, 2, ... in the order connections are
    /// made): the `conn` that echo lines and SQL log events show, so that the statements of
    /// several connections (a pool's, or a worker's) can be told apart.
    pub fn id(&self) -> u64 {
        self.echo.conn
    }

    /// Prints every statement this connection runs to standard error, SQL in yellow on a
    /// terminal (SQLAlchemy's `echo=True`). Statements are also `tracing` events under the
    /// target [`SQL_LOG_TARGET`](crate::SQL_LOG_TARGET) whatever this says.
    pub fn set_echo(&mut self, on: bool) {
        self.echo.print = on;
    }

    /// Shows every parameter as `<redacted>` in echo and `tracing` events (default off:
    /// only values bound against `#[sensitive]` columns are). The database gets them
    /// unchanged.
    pub fn set_redact_params(&mut self, on: bool) {
        self.echo.redact = on;
    }

    /// Statements that take at least `threshold` are logged at WARN level.
    pub fn set_slow_query_threshold(&mut self, threshold: Option<Duration>) {
        self.echo.slow = threshold;
    }

    /// Records what an outcome means for the connection's state.
    pub(crate) fn note<T>(&mut self, result: Result<T, Error>) -> Result<T, Error> {
        if let Err(e) = &result {
            if e.is_connection_lost() || B::is_closed(&self.link) {
                self.broken = true;
            }
            if self.depth > 0 && reached_server(e) {
                self.aborted = true;
            }
        }
        result
    }

    /// Runs transaction-control text (`BEGIN`, `SAVEPOINT`, ...) built by sqlwright itself.
    pub(crate) fn control(&mut self, sql: &str) -> Result<(), Error> {
        B::control(self, sql, None)
    }

    /// [`control`](Self::control) that gives up at `deadline` (the pool's ROLLBACK of a
    /// connection returned inside a transaction: dropping a connection must not hang).
    pub(crate) fn control_until(
        &mut self,
        sql: &str,
        deadline: Option<Instant>,
    ) -> Result<(), Error> {
        B::control(self, sql, deadline)
    }

    /// Whether a statement of this fingerprint and these parameter types is known to the
    /// connection, so that it can run without its SQL text (see
    /// [`crate::render::SqlWriter`]).
    pub fn knows(&self, key: u64, types: &[postgres_types::Type]) -> bool {
        B::knows(&self.link, key, crate::render::TypesKey::of(types))
    }

    /// [`knows`](Self::knows) with the types as their key ([`Rendered`]'s `types_key`).
    #[inline]
    pub(crate) fn knows_key(&self, key: u64, types_key: u64) -> bool {
        B::knows(&self.link, key, types_key)
    }

    /// Runs a rendered statement and hands each row to `sink` as it is read (decoded
    /// straight from the connection's buffer); returns the row count. After an error from
    /// `sink` the rest of the result is read and dropped, and that error is returned.
    pub fn query_each(
        &mut self,
        statement: &Rendered<'_>,
        sink: &mut dyn FnMut(RowData<'_>) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        B::run(self, statement, sink)
    }

    /// Runs a rendered statement and returns the number of rows it affected.
    pub fn execute_rendered(&mut self, statement: &Rendered<'_>) -> Result<u64, Error> {
        B::run(self, statement, &mut |_| Ok(()))
    }
}

impl Connection {
    /// Connects to the database a URL names: `postgres://user:password@host:port/database`.
    ///
    /// A URL that does not parse gives [`Error::InvalidUrl`] naming the bad part; a server
    /// that cannot be reached gives [`Error::Connect`].
    pub fn connect(url: &str) -> Result<Self, Error> {
        Self::connect_url(&DatabaseUrl::parse(url)?)
    }

    /// Connects with an already parsed URL.
    pub fn connect_url(url: &DatabaseUrl) -> Result<Self, Error> {
        Self::connect_config(url, url.to_config()?)
    }

    pub(crate) fn connect_config(url: &DatabaseUrl, config: wire::Config) -> Result<Self, Error> {
        wire::now(Self::connect_config_io(
            url,
            config,
            wire::SocketKind::Blocking,
        ))
    }

    /// [`connect_config`](Self::connect_config) on either kind of socket.
    pub(crate) async fn connect_config_io(
        url: &DatabaseUrl,
        config: wire::Config,
        kind: wire::SocketKind,
    ) -> Result<Self, Error> {
        let target = url.target();
        let wire = super::hosts::connect(&config, kind)
            .await
            .map_err(|e| e.into_error(target.clone()))?;
        let link = PgLink {
            wire,
            statements: HashMap::new(),
            capacity: DEFAULT_STATEMENT_CACHE,
            tick: 0,
            max_rows: 0,
            mode: StatementCacheMode::Named,
        };
        Ok(Connection::from_link(link, target))
    }

    /// The longest the connection waits for the server: for the answer to a statement,
    /// for the next rows of a result, for the server to take data (`None`, the default
    /// for a connection of its own, waits for ever; an [`Engine`](crate::Engine) with a
    /// `statement_timeout` sets it to that plus a grace). It bounds each wait, not a
    /// statement's whole run: a long result that keeps arriving is not cut off. When it
    /// runs out, a cancel is sent for the statement (so the server's work stops too), the
    /// call fails with [`Error::Timeout`] and the connection is closed (its state on the
    /// server is unknown; the server ends the session when it notices).
    pub fn set_request_timeout(&mut self, timeout: Option<Duration>) -> Result<(), Error> {
        let result = self.link.wire.set_request_timeout(timeout);
        self.note(result)
    }

    /// The request timeout in force (see [`set_request_timeout`](Self::set_request_timeout)).
    pub fn request_timeout(&self) -> Option<Duration> {
        self.link.wire.request_timeout()
    }

    /// The longest message accepted from the server (default
    /// [`DEFAULT_MAX_MESSAGE_SIZE`], enough for any row PostgreSQL can send; at least
    /// 1 MiB). A longer one is [`Error::MessageTooLarge`] and closes the connection,
    /// before the client buffers it.
    pub fn set_max_message_size(&mut self, bytes: usize) {
        self.link.wire.set_max_message(bytes);
    }

    /// A guard for jobs that must not run out of memory: a load (`load`, `first`,
    /// `get_results`, relation loaders, raw queries) whose result has more than `rows` rows
    /// is [`Error::TooManyRows`], and the server stops sending after one row more (`None`,
    /// the default: no guard). Streams are not limited (they hold one row at a time).
    /// A write with `RETURNING` has run to its end when its rows are counted: inside a
    /// transaction the error rolls it back with the transaction; outside one it stays.
    pub fn set_max_rows(&mut self, rows: Option<u64>) {
        self.link.max_rows = rows.map_or(0, |n| u32::try_from(n.max(1)).unwrap_or(u32::MAX - 1));
    }

    /// The `max_rows` guard in force.
    pub fn max_rows(&self) -> Option<u64> {
        (self.link.max_rows > 0).then_some(u64::from(self.link.max_rows))
    }

    /// [`batch_execute`](Connection::batch_execute) on PostgreSQL: the simple protocol.
    pub(crate) fn pg_batch(&mut self, sql: &str) -> Result<(), Error> {
        wire::now(self.pg_batch_io(sql))
    }

    /// [`pg_batch`](Self::pg_batch), on either kind of socket.
    pub(crate) async fn pg_batch_io(&mut self, sql: &str) -> Result<(), Error> {
        self.link.wire.close_abandoned_scopes()?;
        let started = Instant::now();
        let result = self.link.wire.simple_query(sql).await;
        log::statement(
            &self.echo,
            sql,
            &[],
            started.elapsed(),
            result.as_ref().map(|_| None),
        );
        self.settle(result, sql)
    }

    /// Runs SQL text without parameters through PostgreSQL's simple protocol and returns
    /// the rows of every statement in it, in order, each value as the server's text
    /// (`None` for NULL): for administration and diagnostics (`SHOW ..`, catalog queries).
    /// The statement is not prepared or cached. Never build this text from user data:
    /// [`crate::raw::sql`] binds values as parameters.
    pub fn query_text(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, Error> {
        wire::now(self.query_text_io(sql))
    }

    /// [`query_text`](Self::query_text), on either kind of socket.
    pub(crate) async fn query_text_io(
        &mut self,
        sql: &str,
    ) -> Result<Vec<Vec<Option<String>>>, Error> {
        self.link.wire.close_abandoned_scopes()?;
        let started = Instant::now();
        let result = self.link.wire.simple_rows(sql).await;
        log::statement(
            &self.echo,
            sql,
            &[],
            started.elapsed(),
            result.as_ref().map(|rows| Some(rows.len() as u64)),
        );
        self.note(result)
    }

    /// A handle that cancels, from another thread, the statement this connection runs
    /// (see [`CancelHandle`](super::CancelHandle)).
    pub fn cancel_handle(&self) -> super::CancelHandle {
        super::CancelHandle::new(self.link.wire.cancel_shared(), &self.target)
    }

    /// Checks that the server still answers (an empty statement, one round trip).
    pub fn ping(&mut self) -> Result<(), Error> {
        wire::now(self.ping_io())
    }

    /// [`ping`](Self::ping), on either kind of socket.
    pub(crate) async fn ping_io(&mut self) -> Result<(), Error> {
        self.link.wire.close_abandoned_scopes()?;
        let result = self.link.wire.simple_query("").await;
        self.note(result)
    }

    /// The pre-ping of PostgreSQL's connections.
    pub(crate) fn pg_ping_before(&mut self, deadline: Instant) -> Result<(), Error> {
        wire::now(self.ping_before_io(deadline))
    }

    /// [`pg_ping_before`](Self::pg_ping_before), on either kind of socket.
    pub(crate) async fn ping_before_io(&mut self, deadline: Instant) -> Result<(), Error> {
        self.link.wire.close_abandoned_scopes()?;
        let wire = &mut self.link.wire;
        let saved = wire.enter_deadline(deadline, "the answer to a pre-ping");
        let result = wire.simple_query("").await;
        let result = wire.leave_deadline(saved, result);
        self.note(result)
    }

    /// A lost connection after `sql` was sent, where the server may have made its work
    /// permanent (COMMIT, or a statement that may write outside a transaction), becomes
    /// [`Error::OutcomeUnknown`]: retrying it could store the work twice.
    pub(super) fn settle<T>(&mut self, result: Result<T, Error>, sql: &str) -> Result<T, Error> {
        let Err(e) = result else { return result };
        let commits = if sql == "COMMIT" {
            true
        } else {
            !self.link.wire.in_transaction() && self.depth == 0 && may_write(sql)
        };
        if commits && e.is_connection_lost() && self.link.wire.request_sent() {
            let statement = if sql.len() > 200 {
                let mut end = 200;
                while !sql.is_char_boundary(end) {
                    end -= 1;
                }
                format!("{}...", &sql[..end])
            } else {
                sql.to_string()
            };
            let reason = match &e {
                Error::ConnectionLost(reason) => reason.clone(),
                other => other.to_string(),
            };
            return self.note(Err(Error::OutcomeUnknown { statement, reason }));
        }
        self.note(Err(e))
    }

    /// The result columns of a statement, asked of the server now (not from the statement
    /// cache, whose description may predate a schema change).
    pub(crate) fn columns_of(
        &mut self,
        rendered: &Rendered<'_>,
    ) -> Result<Arc<[wire::Column]>, Error> {
        wire::now(self.columns_of_io(rendered))
    }

    /// [`columns_of`](Self::columns_of), on either kind of socket.
    pub(crate) async fn columns_of_io(
        &mut self,
        rendered: &Rendered<'_>,
    ) -> Result<Arc<[wire::Column]>, Error> {
        let (prepared, sql) = self.prepare_logged(rendered, Instant::now()).await?;
        // Rendered without its text, the statement has no types; the cached one's are the
        // same (its types' key matched).
        let types = if rendered.has_text {
            &rendered.types[..]
        } else {
            &prepared.params[..]
        };
        let described = self.link.wire.prepare(Arc::from(""), &sql, types).await;
        Ok(self.note(described)?.columns)
    }

    /// Transaction control on PostgreSQL, giving up at `deadline` when there is one.
    pub(crate) fn pg_control(&mut self, sql: &str, deadline: Option<Instant>) -> Result<(), Error> {
        wire::now(self.pg_control_io(sql, deadline))
    }

    /// [`pg_control`](Self::pg_control), on either kind of socket.
    pub(crate) async fn pg_control_io(
        &mut self,
        sql: &str,
        deadline: Option<Instant>,
    ) -> Result<(), Error> {
        self.link.wire.close_abandoned_scopes()?;
        let started = Instant::now();
        let wire = &mut self.link.wire;
        let result = match deadline {
            Some(deadline) => {
                let saved = wire.enter_deadline(deadline, "the answer to a ROLLBACK");
                let result = wire.simple_query(sql).await;
                wire.leave_deadline(saved, result)
            }
            None => wire.simple_query(sql).await,
        };
        let result = if sql == "COMMIT" {
            self.settle(result, sql)
        } else {
            result
        };
        log::statement(
            &self.echo,
            sql,
            &[],
            started.elapsed(),
            result.as_ref().map(|_| None),
        );
        if let Err(e) = &result {
            if e.is_connection_lost() || self.link.wire.is_closed() {
                self.broken = true;
            }
            if self.depth > 0 {
                self.aborted = true;
            }
        }
        result
    }

    pub(super) fn check(statement: &Rendered<'_>) -> Result<(), Error> {
        if statement.nul_in_text {
            return Err(Error::NulInText);
        }
        if let Some((_, reason)) = &statement.refused {
            return Err(Error::Parameter(reason.clone()));
        }
        if let Some(feature) = statement.lacking {
            return Err(Error::Unsupported {
                feature,
                backend: "PostgreSQL",
            });
        }
        if statement.params.len() > wire::MAX_PARAMS {
            return Err(Error::Parameter(format!(
                "the statement has {} parameters; PostgreSQL takes at most {} in one statement \
                 (bind a list as one array parameter, `= ANY($1)`, or load rows with COPY)",
                statement.params.len(),
                wire::MAX_PARAMS
            )));
        }
        Ok(())
    }

    /// Runs a rendered statement and returns its rows.
    pub fn query_rendered(&mut self, statement: &Rendered<'_>) -> Result<Vec<OwnedRow>, Error> {
        let mut rows = Vec::new();
        self.pg_run(statement, &mut |row| {
            rows.extend(row.as_pg().map(|row| row.to_row()));
            Ok(())
        })?;
        Ok(rows)
    }

    /// Prepares (or finds) `statement`, runs it handing each row to `sink`, logs it with
    /// the row count, and records what the outcome means for the connection.
    pub(crate) fn pg_run(
        &mut self,
        statement: &Rendered<'_>,
        sink: &mut dyn FnMut(crate::engine::RowData<'_>) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        wire::now(self.pg_run_io(statement, sink))
    }

    /// [`pg_run`](Self::pg_run), on either kind of socket.
    pub(crate) async fn pg_run_io<S: wire::Sink + ?Sized>(
        &mut self,
        statement: &Rendered<'_>,
        sink: &mut S,
    ) -> Result<u64, Error> {
        self.link.wire.close_abandoned_scopes()?;
        Self::check(statement)?;
        let started = Instant::now();
        let (prepared, sql) = self.prepare_logged(statement, started).await?;
        let max_rows = if prepared.returns_rows {
            self.link.max_rows
        } else {
            0
        };
        let wire = &mut self.link.wire;
        let mut result = if prepared.name.is_empty() {
            // Unnamed or no cache: parsed again in the same request.
            wire.execute_text(&prepared, &sql, &statement.params, max_rows, sink)
                .await
        } else {
            wire.execute(&prepared, &statement.params, max_rows, sink)
                .await
        };
        if result.as_ref().is_err_and(is_stale_statement) {
            // The schema changed under the prepared statement (or it was deallocated):
            // forget it, and outside a transaction prepare it again and retry once.
            // The text comes from the cache when the statement was rendered without it.
            let types = self.forget(statement.key);
            if self.depth == 0 {
                let types = types.as_deref().unwrap_or(&statement.types);
                let prepared = Box::pin(self.prepare_text(statement.key, &sql, types)).await?;
                let wire = &mut self.link.wire;
                result = if prepared.name.is_empty() {
                    wire.execute_text(&prepared, &sql, &statement.params, max_rows, sink)
                        .await
                } else {
                    wire.execute(&prepared, &statement.params, max_rows, sink)
                        .await
                };
            }
        }
        if self.link.wire.take_redescribe() {
            // The result's columns changed since the statement was described.
            self.forget(statement.key);
        }
        log::rendered(
            &self.echo,
            &sql,
            statement,
            started.elapsed(),
            result.as_ref().map(|n| Some(*n)),
        );
        self.settle(result, &sql)
    }
}
