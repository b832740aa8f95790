//! The async MySQL engine (features `tokio` and `mysql`): the blocking MySQL engine's pool
//! on tokio, built on `deadpool` from the same builder (`Engine::mysql_builder(url)…
//! .build_async()`), with the async PostgreSQL engine's rules:
//!
//! - `pool_size + max_overflow` connections at most; an overflow connection returned
//!   while `pool_size` others are idle is closed.
//! - A checkout waits at most the checkout timeout ([`Error::PoolTimeout`]); opening a
//!   connection and the pre-ping count against it.
//! - Every returned connection is put back as new by a task that owns it until then (still
//!   checked out from deadpool's point of view, so nobody else gets it): the rest of any
//!   answer a dropped future left is read, then COM_RESET_CONNECTION rolls back a
//!   transaction left open and drops the session's state, and the session settings are
//!   set again, all within the URL's `read_timeout` (10 s without one). No idle
//!   connection holds locks. Without a runtime to run that task, the connection is closed
//!   (the server then rolls back).
//! - A broken connection, or one closed by a future dropped half-sent, is closed on return.

use super::builder::EngineBuilder;
use super::pool::{Settings, PING_BUDGET};
use super::{AsyncMysqlConnection, Connection, DatabaseUrl, Error, PoolState};
use crate::backend::driver::Pooled;
use crate::backend::mysql::MysqlOpener;
use crate::backend::Mysql;
use deadpool::managed::{self, Metrics, Object, PoolError, QueueMode, RecycleError};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

tokio::task_local! {
    /// When the checkout under way gives up (`None`: never).
    static CHECKOUT_DEADLINE: Option<Instant>;
}

/// A MySQL or MariaDB database and a pool of async connections to it; cheap to clone and
/// share between tasks. Built from the blocking MySQL engine's builder, with its options:
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
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AsyncMysqlEngine {
    url: DatabaseUrl,
    pool: managed::Pool<Manager>,
}

/// Opens, checks and cleans the pool's connections.
struct Manager {
    opener: MysqlOpener,
    settings: Settings,
    /// The most connections open (or being opened) at once.
    peak: AtomicUsize,
}

impl fmt::Debug for AsyncMysqlEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.pool.manager().settings;
        f.debug_struct("AsyncMysqlEngine")
            .field("url", &self.url)
            .field("pool_size", &settings.pool_size)
            .field("max_overflow", &settings.max_overflow)
            .field("state", &self.state())
            .finish()
    }
}

impl EngineBuilder<Mysql> {
    /// The async MySQL engine (feature `tokio`) with this builder's settings: see
    /// [`AsyncMysqlEngine`]. Fails as [`build`](Self::build) does. No connection is opened
    /// until the first checkout.
    pub fn build_async(self) -> Result<AsyncMysqlEngine, Error> {
        let (url, opener, settings) = self.parts()?;
        let max_size = settings.pool_size.saturating_add(settings.max_overflow);
        let wait = Instant::now()
            .checked_add(settings.checkout_timeout)
            .map(|_| settings.checkout_timeout);
        let manager = Manager {
            opener,
            settings,
            peak: AtomicUsize::new(0),
        };
        let pool = managed::Pool::builder(manager)
            .max_size(max_size)
            .queue_mode(QueueMode::Lifo)
            .wait_timeout(wait)
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .map_err(|e| Error::Misuse(format!("the async pool could not be built: {e}")))?;
        Ok(AsyncMysqlEngine { url, pool })
    }
}

impl AsyncMysqlEngine {
    /// An async MySQL engine with default settings (pool_size 5, max_overflow 10, 30 s
    /// checkout timeout); `Engine::mysql_builder(url)…build_async()` sets them.
    pub fn new(url: &str) -> Result<AsyncMysqlEngine, Error> {
        super::Engine::mysql_builder(url).build_async()
    }

    /// The URL (its password redacted when shown).
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// How many connections are open, idle, and were open at most.
    pub fn state(&self) -> PoolState {
        let status = self.pool.status();
        PoolState {
            open: status.size,
            idle: status.available,
            peak: self.pool.manager().peak.load(Ordering::Relaxed),
        }
    }

    /// Closes the idle connections; checked-out ones return to the pool as usual.
    pub fn dispose(&self) {
        self.pool.retain(|_, _| false);
    }

    /// Checks a connection out of the pool: an idle one (pinged first when `pre_ping` is
    /// on), or a new one when the pool may grow, or the next one returned, waiting at most
    /// the checkout timeout ([`Error::PoolTimeout`]). It goes back when dropped.
    pub async fn connect(&self) -> Result<AsyncMysqlPooledConnection, Error> {
        let manager = self.pool.manager();
        let settings = &manager.settings;
        let deadline = Instant::now().checked_add(settings.checkout_timeout);
        let got = CHECKOUT_DEADLINE.scope(deadline, self.pool.get()).await;
        let conn = match got {
            Ok(conn) => conn,
            Err(PoolError::Timeout(_)) => {
                return Err(Error::PoolTimeout {
                    waited: settings.checkout_timeout,
                    max_connections: settings.pool_size.saturating_add(settings.max_overflow),
                })
            }
            Err(PoolError::Backend(e)) => return Err(e),
            Err(other) => return Err(Error::Misuse(format!("async pool: {other}"))),
        };
        manager
            .peak
            .fetch_max(self.pool.status().size, Ordering::Relaxed);
        Ok(AsyncMysqlPooledConnection { conn: Some(conn) })
    }
}

impl Manager {
    /// Puts a returned connection back as new, bounded: the rest of a dropped future's
    /// answer, then COM_RESET_CONNECTION (a transaction rolled back) and the settings.
    async fn reset(&self, conn: &mut Connection<Mysql>) -> Result<(), Error> {
        let bound = <Mysql as Pooled>::rollback_bound(&self.opener);
        let work = async {
            conn.link.settle().await?;
            conn.link.reset_io().await
        };
        let result = match tokio::time::timeout(bound, work).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout {
                waiting_for: "the reset of a connection returned to the pool".into(),
                waited: bound,
            }),
        };
        let result = conn.note(result);
        conn.depth = 0;
        conn.aborted = false;
        result
    }
}

impl managed::Manager for Manager {
    type Type = AsyncMysqlConnection;
    type Error = Error;

    async fn create(&self) -> Result<AsyncMysqlConnection, Error> {
        let deadline = CHECKOUT_DEADLINE.try_with(|d| *d).ok().flatten();
        let mut inner = self.opener.open_io(deadline).await?;
        inner.echo = self.settings.echo(inner.echo.conn);
        Ok(AsyncMysqlConnection { inner })
    }

    async fn recycle(
        &self,
        conn: &mut AsyncMysqlConnection,
        _: &Metrics,
    ) -> Result<(), RecycleError<Error>> {
        let conn = &mut conn.inner;
        if conn.broken || conn.is_closed() {
            return Err(RecycleError::message("the connection is closed"));
        }
        if self.settings.pre_ping {
            // The pre-ping counts against the checkout timeout, but gets at least
            // PING_BUDGET: with less, a healthy connection would be closed as hung.
            let deadline = CHECKOUT_DEADLINE.try_with(|d| *d).ok().flatten();
            let least = Instant::now() + PING_BUDGET;
            let deadline = deadline.map_or(least + super::REQUEST_TIMEOUT_GRACE, |d| d.max(least));
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, conn.mysql_ping_io()).await {
                Ok(result) => result.map_err(RecycleError::Backend)?,
                Err(_) => {
                    // Out of step now: never handed out again.
                    conn.broken = true;
                    return Err(RecycleError::message("the pre-ping timed out"));
                }
            }
        }
        Ok(())
    }
}

/// A connection checked out of an [`AsyncMysqlEngine`]: use it as an
/// [`AsyncMysqlConnection`] (typed queries run on it with `.await`). It returns to the
/// pool, reset, when dropped.
pub struct AsyncMysqlPooledConnection {
    conn: Option<Object<Manager>>,
}

impl fmt::Debug for AsyncMysqlPooledConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AsyncMysqlPooledConnection")
            .field(&self.conn.as_deref())
            .finish()
    }
}

impl AsyncMysqlPooledConnection {
    /// Takes the connection out of the pool for good (the pool may open another).
    pub fn detach(mut self) -> AsyncMysqlConnection {
        let conn = self
            .conn
            .take()
            .expect("a pooled connection holds its connection until dropped");
        Object::take(conn)
    }
}

impl Deref for AsyncMysqlPooledConnection {
    type Target = AsyncMysqlConnection;
    fn deref(&self) -> &AsyncMysqlConnection {
        self.conn
            .as_ref()
            .expect("a pooled connection holds its connection until dropped")
    }
}

impl DerefMut for AsyncMysqlPooledConnection {
    fn deref_mut(&mut self) -> &mut AsyncMysqlConnection {
        self.conn
            .as_mut()
            .expect("a pooled connection holds its connection until dropped")
    }
}

impl super::Runner for AsyncMysqlPooledConnection {
    type Backend = Mysql;
    type Mode = super::runner::Async;
    #[inline]
    fn __connection(&mut self) -> &mut Connection<Mysql> {
        &mut self.deref_mut().inner
    }
}

impl Drop for AsyncMysqlPooledConnection {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        if conn.inner.broken || conn.inner.is_closed() {
            drop(Object::take(conn));
            return;
        }
        // The reset needs the runtime: a task owns the connection until it is clean.
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(give_back(conn));
            }
            // No runtime to reset on: closing the session rolls it back on the server.
            Err(_) => drop(Object::take(conn)),
        }
    }
}

/// Resets a returned connection, then keeps it for the next checkout, or closes it (the
/// reset failed, or an overflow connection returned while `pool_size` others are idle).
async fn give_back(mut conn: Object<Manager>) {
    let Some(pool) = Object::pool(&conn) else {
        return;
    };
    let manager = pool.manager();
    let inner = &mut conn.inner;
    // Settings a user changed on the checked-out connection go back to the engine's.
    inner.echo = manager.settings.echo(inner.echo.conn);
    let reset = manager.reset(inner).await;
    // `available` counts the idle connections (this one is still checked out).
    let keep = reset.is_ok()
        && !inner.broken
        && !inner.is_closed()
        && pool.status().available < manager.settings.pool_size;
    if keep {
        drop(conn);
    } else {
        drop(Object::take(conn));
    }
}

#[allow(dead_code)]
fn _is_send() {
    fn send<T: Send>(_: T) {}
    let _ = |engine: &'static AsyncMysqlEngine| send(engine.connect());
}
