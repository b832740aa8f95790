//! The engine: a URL, connection settings, and a pool of connections.
//!
//! Semantics follow SQLAlchemy's `QueuePool`: up to `pool_size` connections stay open
//! between uses; under load up to `max_overflow` more are opened, and a connection returned
//! while `pool_size` others are already idle is closed; a checkout waits at most `checkout_timeout` for a free connection.
//! A connection comes back to the pool only in a known-clean state: one returned inside a
//! transaction is rolled back first, one that broke is closed. Before reuse, an idle
//! connection is pinged (one empty statement), so a server restart costs the next checkout
//! one reconnect instead of an error.
//!
//! We wrote this pool instead of using r2d2: r2d2 has no overflow connections that close on
//! return (only an idle timeout checked by a background reaper every 30 seconds), and no
//! hook that runs when a connection is returned, where the rollback of a left-open
//! transaction belongs. What remains is a mutex, a condition variable and a `Vec`.

use super::{log::Echo, Connection, DatabaseUrl, Error, Executor, IsolationLevel};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Builds an [`Engine`]: `Engine::builder(url).pool_size(4).echo(true).build()?`.
#[derive(Clone, Debug)]
pub struct EngineBuilder {
    url: Result<DatabaseUrl, String>,
    pool_size: usize,
    max_overflow: usize,
    checkout_timeout: Duration,
    connect_timeout: Option<Duration>,
    isolation: Option<IsolationLevel>,
    statement_timeout: Option<Duration>,
    echo: bool,
    redact_params: bool,
    slow_query: Option<Duration>,
    pre_ping: bool,
    statement_cache: usize,
    statement_cache_mode: super::StatementCacheMode,
    request_timeout: Option<Option<Duration>>,
    max_rows: Option<u64>,
    max_message_size: usize,
}

/// The least time a pre-ping gets: with less left of the checkout timeout, a healthy
/// connection could be closed as hung for want of time.
const PING_BUDGET: Duration = Duration::from_millis(5);

/// What an engine with a `statement_timeout` adds to it for its request timeout: the
/// server's cancel and the answer's trip back.
pub const REQUEST_TIMEOUT_GRACE: Duration = Duration::from_secs(2);

impl EngineBuilder {
    /// Connections kept open between uses (default 5).
    pub fn pool_size(mut self, n: usize) -> Self {
        self.pool_size = n;
        self
    }

    /// Extra connections opened under load (default 10); one returned while `pool_size`
    /// connections are already idle is closed.
    pub fn max_overflow(mut self, n: usize) -> Self {
        self.max_overflow = n;
        self
    }

    /// How long a checkout waits for a free connection before [`Error::PoolTimeout`]
    /// (default 30 s).
    pub fn checkout_timeout(mut self, timeout: Duration) -> Self {
        self.checkout_timeout = timeout;
        self
    }

    /// How long opening one connection may take (default: the URL's `connect_timeout`, or
    /// 10 seconds).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The isolation level of every transaction unless one asks for another (default:
    /// the server's, normally READ COMMITTED).
    pub fn isolation_level(mut self, level: IsolationLevel) -> Self {
        self.isolation = Some(level);
        self
    }

    /// Statements running longer are cancelled by the server with
    /// [`DbErrorKind::StatementTimeout`](super::DbErrorKind::StatementTimeout). Unless
    /// [`request_timeout`](Self::request_timeout) says otherwise, the client then waits at
    /// most this plus [`REQUEST_TIMEOUT_GRACE`] for any answer, so a server that stops
    /// answering altogether cannot hang the caller either.
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.statement_timeout = Some(timeout);
        self
    }

    /// The longest each connection waits for the server (see
    /// [`Connection::set_request_timeout`]); `None` waits for ever. Default: the
    /// `statement_timeout` plus [`REQUEST_TIMEOUT_GRACE`] when there is one, otherwise
    /// none — the client cannot know how long a legitimate statement of yours runs, and
    /// TCP keepalives (on by default) already find a server host or network that is gone.
    /// Work that lifts its own statement timeout (`SET statement_timeout = 0` for a long
    /// migration) lifts this one too, with [`Connection::set_request_timeout`].
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// The `max_rows` guard on every connection (see [`Connection::set_max_rows`]).
    pub fn max_rows(mut self, rows: u64) -> Self {
        self.max_rows = Some(rows);
        self
    }

    /// The longest message accepted from the server (see
    /// [`Connection::set_max_message_size`]).
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }

    /// Print each statement to standard error (SQLAlchemy's `echo=True`). Statements are
    /// `tracing` events under [`SQL_LOG_TARGET`](super::SQL_LOG_TARGET) either way.
    pub fn echo(mut self, on: bool) -> Self {
        self.echo = on;
        self
    }

    /// Every connection shows all parameters as `<redacted>` in echo and `tracing` events
    /// (see [`Connection::set_redact_params`]).
    pub fn redact_params(mut self, on: bool) -> Self {
        self.redact_params = on;
        self
    }

    /// Statements taking at least this long are logged at WARN level.
    pub fn slow_query_threshold(mut self, threshold: Duration) -> Self {
        self.slow_query = Some(threshold);
        self
    }

    /// Ping an idle connection before handing it out (default on). Off saves a round trip
    /// per checkout; a connection the server closed then fails on first use.
    pub fn pre_ping(mut self, on: bool) -> Self {
        self.pre_ping = on;
        self
    }

    /// Prepared statements kept per connection (default 256).
    pub fn statement_cache_size(mut self, n: usize) -> Self {
        self.statement_cache = n.max(1);
        self
    }

    /// How connections keep statements (default [`StatementCacheMode::Named`]); behind
    /// PgBouncer in transaction mode (before 1.21, or without `max_prepared_statements`)
    /// use [`StatementCacheMode::Unnamed`].
    ///
    /// [`StatementCacheMode::Named`]: super::StatementCacheMode::Named
    /// [`StatementCacheMode::Unnamed`]: super::StatementCacheMode::Unnamed
    pub fn statement_cache_mode(mut self, mode: super::StatementCacheMode) -> Self {
        self.statement_cache_mode = mode;
        self
    }

    /// The engine. No connection is opened until the first checkout.
    pub fn build(self) -> Result<Engine, Error> {
        let url = self.url.clone().map_err(|reason| Error::InvalidUrl {
            part: "url".into(),
            reason,
        })?;
        if self.pool_size.saturating_add(self.max_overflow) == 0 {
            return Err(Error::Misuse(
                "an engine needs pool_size + max_overflow of at least 1".into(),
            ));
        }
        let mut config = url.to_config()?;
        let mut options = config.options.clone().unwrap_or_default();
        if let Some(timeout) = self.statement_timeout {
            // PostgreSQL takes milliseconds up to i32::MAX; 0 turns the timeout off.
            let ms = timeout.as_millis().min(i32::MAX as u128);
            let ms = if timeout.is_zero() { 0 } else { ms.max(1) };
            options.push_str(&format!(" -c statement_timeout={ms}"));
        }
        if let Some(level) = self.isolation {
            options.push_str(&format!(
                " -c default_transaction_isolation={}",
                level.setting()
            ));
        }
        if !options.trim().is_empty() {
            config.options = Some(options.trim().to_string());
        }
        // Otherwise the URL's connect_timeout, or 10 seconds.
        if let Some(t) = self.connect_timeout {
            config.connect_timeout =
                t.clamp(Duration::from_millis(1), super::url::MAX_CONNECT_TIMEOUT);
        }
        let request_timeout = match self.request_timeout {
            Some(chosen) => chosen,
            None => self
                .statement_timeout
                .filter(|t| !t.is_zero())
                .map(|t| t.saturating_add(REQUEST_TIMEOUT_GRACE)),
        };
        Ok(Engine {
            inner: Arc::new(Inner {
                url,
                config,
                request_timeout,
                settings: self,
                state: Mutex::new(State {
                    idle: Vec::new(),
                    open: 0,
                    peak: 0,
                }),
                freed: Condvar::new(),
            }),
        })
    }
}

/// A database and a pool of connections to it; cheap to clone and share between threads.
///
/// ```no_run
/// use sqlwright::prelude::*;
/// use std::time::Duration;
///
/// let engine = Engine::builder("postgres://app:secret@localhost/shop")
///     .pool_size(5)
///     .max_overflow(10)
///     .checkout_timeout(Duration::from_secs(5))
///     .statement_timeout(Duration::from_secs(30))
///     .echo(true)
///     .build()?;
/// let mut conn = engine.connect()?; // back to the pool when dropped
/// conn.transaction(|tx| {
///     tx.batch_execute("UPDATE stock SET n = n - 1")?;
///     Ok::<_, sqlwright::Error>(())
/// })?;
/// # Ok::<(), sqlwright::Error>(())
/// ```
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    url: DatabaseUrl,
    config: super::wire::Config,
    request_timeout: Option<Duration>,
    settings: EngineBuilder,
    state: Mutex<State>,
    freed: Condvar,
}

struct State {
    idle: Vec<Connection>,
    /// Connections open or being opened, idle or checked out.
    open: usize,
    /// The most connections ever open at once.
    peak: usize,
}

/// A snapshot of the pool, for monitoring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolState {
    /// Connections open (idle or in use).
    pub open: usize,
    /// Of those, idle in the pool.
    pub idle: usize,
    /// The most connections that were ever open at once.
    pub peak: usize,
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("url", &self.inner.url)
            .field("pool_size", &self.inner.settings.pool_size)
            .field("max_overflow", &self.inner.settings.max_overflow)
            .field("state", &self.state())
            .finish()
    }
}

impl Engine {
    /// An engine with default settings (pool_size 5, max_overflow 10, 30 s checkout
    /// timeout): `Engine::new("postgres://user:pw@host/db")`.
    pub fn new(url: &str) -> Result<Engine, Error> {
        Engine::builder(url).build()
    }

    /// Starts building an engine; a bad URL is reported by
    /// [`build`](EngineBuilder::build), naming the bad part.
    pub fn builder(url: &str) -> EngineBuilder {
        Self::builder_url_result(DatabaseUrl::parse(url))
    }

    /// Starts building an engine from a parsed URL.
    pub fn builder_url(url: DatabaseUrl) -> EngineBuilder {
        Self::builder_url_result(Ok(url))
    }

    fn builder_url_result(url: Result<DatabaseUrl, Error>) -> EngineBuilder {
        EngineBuilder {
            url: url.map_err(|e| match e {
                Error::InvalidUrl { part, reason } => format!("{part}: {reason}"),
                other => other.to_string(),
            }),
            pool_size: 5,
            max_overflow: 10,
            checkout_timeout: Duration::from_secs(30),
            connect_timeout: None,
            isolation: None,
            statement_timeout: None,
            echo: false,
            redact_params: false,
            slow_query: None,
            pre_ping: true,
            statement_cache: super::DEFAULT_STATEMENT_CACHE,
            statement_cache_mode: super::StatementCacheMode::Named,
            request_timeout: None,
            max_rows: None,
            max_message_size: super::DEFAULT_MAX_MESSAGE_SIZE,
        }
    }

    /// The URL (its password redacted when shown).
    pub fn url(&self) -> &DatabaseUrl {
        &self.inner.url
    }

    /// How many connections are open, idle, and were open at most.
    pub fn state(&self) -> PoolState {
        let state = self.inner.lock();
        PoolState {
            open: state.open,
            idle: state.idle.len(),
            peak: state.peak,
        }
    }

    /// Closes the idle connections; checked-out ones return to the pool as usual.
    pub fn dispose(&self) {
        let idle = {
            let mut state = self.inner.lock();
            let idle = std::mem::take(&mut state.idle);
            state.open -= idle.len();
            idle
        };
        drop(idle);
        self.inner.freed.notify_all();
    }

    /// Checks a connection out of the pool, opening one when none is idle and the pool
    /// may grow, or waiting up to the checkout timeout. It goes back when dropped.
    pub fn connect(&self) -> Result<PooledConnection, Error> {
        let inner = &self.inner;
        let settings = &inner.settings;
        let max = settings.pool_size.saturating_add(settings.max_overflow);
        // A timeout too long to add to now means "wait for ever".
        let deadline = Instant::now().checked_add(settings.checkout_timeout);
        let mut state = inner.lock();
        loop {
            if let Some(mut conn) = state.idle.pop() {
                drop(state);
                // The pre-ping counts against the checkout timeout: a server that stopped
                // answering costs the checkout no more than it.
                let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
                if settings.pre_ping && left.is_some_and(|l| l < PING_BUDGET) {
                    // Too little time left to tell a healthy connection from a hung one:
                    // it goes back, and the checkout times out.
                    let mut state = inner.lock();
                    state.idle.push(conn);
                    drop(state);
                    inner.freed.notify_one();
                    return Err(Error::PoolTimeout {
                        waited: settings.checkout_timeout,
                        max_connections: max,
                    });
                }
                let pinged = match deadline {
                    _ if !settings.pre_ping => Ok(()),
                    Some(deadline) => conn.ping_before(deadline),
                    None => conn.ping(),
                };
                if pinged.is_ok() {
                    return Ok(self.wrap(conn));
                }
                drop(conn);
                state = inner.lock();
                state.open -= 1;
                continue;
            }
            if state.open < max {
                state.open += 1;
                state.peak = state.peak.max(state.open);
                drop(state);
                // Gives the slot back if connecting fails, or panics (the driver panics
                // when it cannot start its runtime, e.g. out of file descriptors).
                let slot = Slot(inner);
                // Opening a connection counts against the checkout timeout too.
                let mut config = inner.config.clone();
                if let Some(deadline) = deadline {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left < config.connect_timeout {
                        config.connect_timeout = left.max(Duration::from_millis(1));
                    }
                    config.all_hosts_by = Some(deadline);
                }
                // A failed connect is reported as it is (a refused login, a host that does
                // not answer in the time left), not as a full pool.
                let mut conn = Connection::connect_config(&inner.url, config)?;
                conn.echo = Echo {
                    print: settings.echo,
                    slow: settings.slow_query,
                    redact: settings.redact_params,
                };
                conn.set_statement_cache_size(settings.statement_cache);
                conn.set_statement_cache_mode(settings.statement_cache_mode);
                conn.set_max_rows(settings.max_rows);
                conn.set_max_message_size(settings.max_message_size);
                conn.set_request_timeout(inner.request_timeout)?;
                std::mem::forget(slot);
                return Ok(self.wrap(conn));
            }
            let now = Instant::now();
            state = match deadline {
                Some(deadline) if now >= deadline => {
                    return Err(Error::PoolTimeout {
                        waited: settings.checkout_timeout,
                        max_connections: max,
                    });
                }
                Some(deadline) => {
                    inner
                        .freed
                        .wait_timeout(state, deadline - now)
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .0
                }
                None => inner
                    .freed
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
            };
        }
    }

    fn wrap(&self, conn: Connection) -> PooledConnection {
        PooledConnection {
            conn: Some(conn),
            pool: Arc::clone(&self.inner),
        }
    }

    /// Checks out a connection and runs `f` in a transaction on it (commit on `Ok`,
    /// rollback on `Err` or panic).
    pub fn transaction<T, E: From<Error>>(
        &self,
        f: impl FnOnce(&mut super::Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.connect()?;
        conn.transaction(f)
    }

    /// Checks out a connection and runs `f` in a transaction on it, again (up to
    /// `attempts` times) when it fails with a serialization failure or a deadlock.
    pub fn transaction_with_retry<T>(
        &self,
        attempts: u32,
        f: impl FnMut(&mut super::Transaction<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut conn = self.connect()?;
        conn.transaction_with_retry(attempts, f)
    }
}

/// A pool slot taken for a connection being opened; dropped (not forgotten), it gives the
/// slot back and wakes a waiter.
struct Slot<'p>(&'p Inner);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.lock().open -= 1;
        self.0.freed.notify_one();
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked: every update is one step.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes a connection back: cleaned and kept, or closed.
    fn give_back(&self, mut conn: Connection) {
        if !conn.broken && !conn.is_closed() && (conn.depth > 0 || conn.server_in_transaction()) {
            // Returned inside a transaction (a leaked guard, or `BEGIN` sent as text, which
            // the server's own transaction status shows): roll it back before anyone else
            // gets the connection.
            // Bounded: a drop must not hang on a server that stopped answering.
            let deadline = Instant::now() + self.config.connect_timeout;
            match conn.control_until("ROLLBACK", Some(deadline)) {
                Ok(()) => {
                    conn.depth = 0;
                    conn.aborted = false;
                }
                Err(_) => conn.broken = true,
            }
        }
        conn.echo = Echo {
            print: self.settings.echo,
            slow: self.settings.slow_query,
            redact: self.settings.redact_params,
        };
        // Settings a user changed on the checked-out connection go back to the engine's.
        conn.set_max_rows(self.settings.max_rows);
        if conn.request_timeout() != self.request_timeout
            && conn.set_request_timeout(self.request_timeout).is_err()
        {
            conn.broken = true;
        }
        let mut state = self.lock();
        // Kept while fewer than pool_size are idle (so under load an overflow connection
        // goes to the next waiter); closed when the pool already has enough idle ones.
        let keep = !conn.broken && !conn.is_closed() && state.idle.len() < self.settings.pool_size;
        let closing = if keep {
            state.idle.push(conn);
            None
        } else {
            state.open -= 1;
            Some(conn)
        };
        drop(state);
        self.freed.notify_one();
        drop(closing);
    }
}

/// A connection checked out of an [`Engine`]; use it as a [`Connection`]. It returns to
/// the pool when dropped.
pub struct PooledConnection {
    conn: Option<Connection>,
    pool: Arc<Inner>,
}

impl fmt::Debug for PooledConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PooledConnection").field(&self.conn).finish()
    }
}

impl PooledConnection {
    /// Takes the connection out of the pool for good (the pool may open another).
    pub fn detach(mut self) -> Connection {
        let conn = self
            .conn
            .take()
            .expect("a pooled connection holds its connection until dropped");
        self.pool.lock().open -= 1;
        self.pool.freed.notify_one();
        conn
    }
}

impl Deref for PooledConnection {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
            .as_ref()
            .expect("a pooled connection holds its connection until dropped")
    }
}

impl DerefMut for PooledConnection {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn
            .as_mut()
            .expect("a pooled connection holds its connection until dropped")
    }
}

impl Executor for PooledConnection {
    type Backend = crate::backend::Postgres;
    #[inline]
    fn connection(&mut self) -> &mut Connection {
        self
    }
}

impl Drop for PooledConnection {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.give_back(conn);
        }
    }
}
