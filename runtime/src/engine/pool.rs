//! The engine: a URL, connection settings, and a pool of connections.
//!
//! Semantics follow SQLAlchemy's `QueuePool`: up to `pool_size` connections stay open
//! between uses; under load up to `max_overflow` more are opened, and a connection returned
//! while `pool_size` others are already idle is closed; a checkout waits at most
//! `checkout_timeout` for a free connection.
//! A connection comes back to the pool only in a known-clean state: one returned inside a
//! transaction is rolled back first, one that broke is closed. Before reuse, an idle
//! connection is pinged (one empty statement), so a server restart costs the next checkout
//! one reconnect instead of an error.
//!
//! We wrote this pool instead of using r2d2: r2d2 has no overflow connections that close on
//! return (only an idle timeout checked by a background reaper every 30 seconds), and no
//! hook that runs when a connection is returned, where the rollback of a left-open
//! transaction belongs. What remains is a mutex, a condition variable and a `Vec`.
//!
//! The pool is the same for every backend; how a connection is opened, reset and its
//! ROLLBACK bounded is the backend's (the hidden `driver::Pooled` trait).

use super::{log::Echo, Connection, DatabaseUrl, EngineBuilder, Error, Executor};
use crate::backend::{Backend, Postgres};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The least time a pre-ping gets: with less left of the checkout timeout, a healthy
/// connection could be closed as hung for want of time.
pub(super) const PING_BUDGET: Duration = Duration::from_millis(5);

/// What an engine with a `statement_timeout` adds to it for its request timeout: the
/// server's cancel and the answer's trip back.
pub const REQUEST_TIMEOUT_GRACE: Duration = Duration::from_secs(2);

/// The pool's settings, the same on every backend.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub pool_size: usize,
    pub max_overflow: usize,
    pub checkout_timeout: Duration,
    pub echo: bool,
    pub redact_params: bool,
    pub slow_query: Option<Duration>,
    pub pre_ping: bool,
}

impl Settings {
    /// The engine's echo settings for connection number `conn`.
    pub(super) fn echo(&self, conn: u64) -> Echo {
        Echo {
            print: self.echo,
            slow: self.slow_query,
            redact: self.redact_params,
            conn,
        }
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
///
/// On SQLite (feature `sqlite`) the same engine pools connections to one database file:
/// `Engine::sqlite("sqlite:///app.db")` is an `Engine<Sqlite>` (`SqliteEngine`).
pub struct Engine<B: Backend = Postgres> {
    inner: Arc<Inner<B>>,
}

impl<B: Backend> Clone for Engine<B> {
    fn clone(&self) -> Self {
        Engine {
            inner: Arc::clone(&self.inner),
        }
    }
}

struct Inner<B: Backend> {
    url: DatabaseUrl,
    opener: B::Opener,
    settings: Settings,
    state: Mutex<State<B>>,
    freed: Condvar,
}

struct State<B: Backend> {
    idle: Vec<Connection<B>>,
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

impl<B: Backend> fmt::Debug for Engine<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("backend", &B::DIALECT)
            .field("url", &self.inner.url)
            .field("pool_size", &self.inner.settings.pool_size)
            .field("max_overflow", &self.inner.settings.max_overflow)
            .field("state", &self.state())
            .finish()
    }
}

impl Engine<Postgres> {
    /// A PostgreSQL engine with default settings (pool_size 5, max_overflow 10, 30 s
    /// checkout timeout): `Engine::new("postgres://user:pw@host/db")`.
    pub fn new(url: &str) -> Result<Engine, Error> {
        Engine::builder(url).build()
    }

    /// Starts building a PostgreSQL engine; a bad URL is reported by
    /// [`build`](EngineBuilder::build), naming the bad part.
    pub fn builder(url: &str) -> EngineBuilder {
        EngineBuilder::with_url(DatabaseUrl::parse(url))
    }

    /// Starts building a PostgreSQL engine from a parsed URL.
    pub fn builder_url(url: DatabaseUrl) -> EngineBuilder {
        EngineBuilder::with_url(Ok(url))
    }
}

#[cfg(feature = "sqlite")]
impl Engine<crate::backend::Sqlite> {
    /// A SQLite engine with default settings, pooling connections to one database file:
    /// `Engine::sqlite("sqlite:///app.db")`. An in-memory database is refused (each
    /// connection would get its own, empty).
    pub fn sqlite(url: &str) -> Result<Self, Error> {
        Self::sqlite_builder(url).build()
    }

    /// Starts building a SQLite engine; a bad URL is reported by
    /// [`build`](EngineBuilder::build).
    pub fn sqlite_builder(url: &str) -> EngineBuilder<crate::backend::Sqlite> {
        EngineBuilder::with_url(DatabaseUrl::parse(url))
    }

    /// Starts building a SQLite engine from a parsed URL.
    pub fn sqlite_builder_url(url: DatabaseUrl) -> EngineBuilder<crate::backend::Sqlite> {
        EngineBuilder::with_url(Ok(url))
    }
}

#[cfg(feature = "mysql")]
impl Engine<crate::backend::Mysql> {
    /// A MySQL or MariaDB engine with default settings:
    /// `Engine::mysql("mysql://user:pw@host/db")`. A returned connection is reset
    /// (COM_RESET_CONNECTION, then utf8mb4 and the `sql_mode` again).
    pub fn mysql(url: &str) -> Result<Self, Error> {
        Self::mysql_builder(url).build()
    }

    /// Starts building a MySQL engine; a bad URL is reported by
    /// [`build`](EngineBuilder::build).
    pub fn mysql_builder(url: &str) -> EngineBuilder<crate::backend::Mysql> {
        EngineBuilder::with_url(DatabaseUrl::parse(url))
    }

    /// Starts building a MySQL engine from a parsed URL.
    pub fn mysql_builder_url(url: DatabaseUrl) -> EngineBuilder<crate::backend::Mysql> {
        EngineBuilder::with_url(Ok(url))
    }
}

impl<B: Backend> Engine<B> {
    pub(super) fn from_parts(url: DatabaseUrl, opener: B::Opener, settings: Settings) -> Self {
        Engine {
            inner: Arc::new(Inner {
                url,
                opener,
                settings,
                state: Mutex::new(State {
                    idle: Vec::new(),
                    open: 0,
                    peak: 0,
                }),
                freed: Condvar::new(),
            }),
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
    pub fn connect(&self) -> Result<PooledConnection<B>, Error> {
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
                let pinged = if settings.pre_ping {
                    conn.ping_before(deadline)
                } else {
                    Ok(())
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
                // Opening a connection counts against the checkout timeout too. A failed
                // connect is reported as it is (a refused login, a host that does not
                // answer in the time left), not as a full pool.
                let mut conn = B::open_pooled(&inner.opener, deadline)?;
                conn.echo = settings.echo(conn.echo.conn);
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

    fn wrap(&self, conn: Connection<B>) -> PooledConnection<B> {
        PooledConnection {
            conn: Some(conn),
            pool: Arc::clone(&self.inner),
        }
    }

    /// Checks out a connection and runs `f` in a transaction on it (commit on `Ok`,
    /// rollback on `Err` or panic).
    pub fn transaction<T, E: From<Error>>(
        &self,
        f: impl FnOnce(&mut super::Transaction<'_, B>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.connect()?;
        conn.transaction(f)
    }

    /// Checks out a connection and runs `f` in a transaction on it, again (up to
    /// `attempts` times) when it fails with a serialization failure, a deadlock, or (on
    /// SQLite) a database busy past its busy timeout.
    pub fn transaction_with_retry<T>(
        &self,
        attempts: u32,
        f: impl FnMut(&mut super::Transaction<'_, B>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut conn = self.connect()?;
        conn.transaction_with_retry(attempts, f)
    }
}

/// A pool slot taken for a connection being opened; dropped (not forgotten), it gives the
/// slot back and wakes a waiter.
struct Slot<'p, B: Backend>(&'p Inner<B>);

impl<B: Backend> Drop for Slot<'_, B> {
    fn drop(&mut self) {
        self.0.lock().open -= 1;
        self.0.freed.notify_one();
    }
}

impl<B: Backend> Inner<B> {
    fn lock(&self) -> MutexGuard<'_, State<B>> {
        // The state stays consistent even if a holder panicked: every update is one step.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes a connection back: cleaned and kept, or closed.
    fn give_back(&self, mut conn: Connection<B>) {
        if !conn.broken && !conn.is_closed() && (conn.depth > 0 || conn.server_in_transaction()) {
            // Returned inside a transaction (a leaked guard, or `BEGIN` sent as text, which
            // the database's own transaction status shows): roll it back before anyone
            // else gets the connection.
            // Bounded: a drop must not hang on a server that stopped answering.
            let deadline = Instant::now() + B::rollback_bound(&self.opener);
            match conn.control_until("ROLLBACK", Some(deadline)) {
                Ok(()) => {
                    conn.depth = 0;
                    conn.aborted = false;
                }
                Err(_) => conn.broken = true,
            }
        }
        // Settings a user changed on the checked-out connection go back to the engine's.
        conn.echo = self.settings.echo(conn.echo.conn);
        if B::reset(&self.opener, &mut conn).is_err() {
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
pub struct PooledConnection<B: Backend = Postgres> {
    conn: Option<Connection<B>>,
    pool: Arc<Inner<B>>,
}

impl<B: Backend> fmt::Debug for PooledConnection<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PooledConnection").field(&self.conn).finish()
    }
}

impl<B: Backend> PooledConnection<B> {
    /// Takes the connection out of the pool for good (the pool may open another).
    pub fn detach(mut self) -> Connection<B> {
        let conn = self
            .conn
            .take()
            .expect("a pooled connection holds its connection until dropped");
        self.pool.lock().open -= 1;
        self.pool.freed.notify_one();
        conn
    }
}

impl<B: Backend> Deref for PooledConnection<B> {
    type Target = Connection<B>;
    fn deref(&self) -> &Connection<B> {
        self.conn
            .as_ref()
            .expect("a pooled connection holds its connection until dropped")
    }
}

impl<B: Backend> DerefMut for PooledConnection<B> {
    fn deref_mut(&mut self) -> &mut Connection<B> {
        self.conn
            .as_mut()
            .expect("a pooled connection holds its connection until dropped")
    }
}

impl<B: Backend> Executor for PooledConnection<B> {
    type Backend = B;
    #[inline]
    fn connection(&mut self) -> &mut Connection<B> {
        self
    }
}

impl<B: Backend> Drop for PooledConnection<B> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.give_back(conn);
        }
    }
}
