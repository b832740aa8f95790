//! The async engine (feature `tokio`): the blocking [`Engine`](super::Engine)'s pool
//! semantics on tokio, built on `deadpool` from the same builder, for PostgreSQL
//! (`Engine::builder(url)…build_async()`) and MySQL (`Engine::mysql_builder(url)…
//! .build_async()`); what differs between them is in `async_driver.rs`.
//!
//! - `pool_size + max_overflow` connections at most (deadpool's `max_size`); a connection
//!   returned while `pool_size` others are idle is closed (`Object::take`), so under load
//!   the overflow goes away again, as in the blocking engine.
//! - A checkout waits at most the checkout timeout, then fails with
//!   [`Error::PoolTimeout`]; opening a connection, the pre-ping and a left-over ROLLBACK
//!   count against the same deadline (carried to deadpool's `create`/`recycle` in a task
//!   local, since deadpool's manager takes no per-call argument).
//! - A connection returned inside a transaction is cleaned by a task that owns it (still
//!   checked out from deadpool's point of view, so nobody else gets it before it is
//!   clean); no idle connection holds locks. On PostgreSQL that is a ROLLBACK, only when
//!   one is needed; on MySQL every return is put back as new (the rest of any answer a
//!   dropped future left, then COM_RESET_CONNECTION and the session settings), within the
//!   URL's `read_timeout` (10 s without one). Without a runtime to run that task, the
//!   connection is closed and the server rolls back.
//! - A broken connection, or one whose request was interrupted past repair, is closed on
//!   return and never handed out again.
//! - At checkout, deadpool's async `recycle` pings an idle connection first (`pre_ping`).

use super::async_driver::{ping_deadline, AsyncDriver};
use super::builder::EngineBuilder;
use super::pool::Settings;
use super::{Connection, DatabaseUrl, Error, PoolState};
use crate::backend::Postgres;
use deadpool::managed::{self, Metrics, Object, PoolError, QueueMode, RecycleError};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

tokio::task_local! {
    /// When the checkout under way gives up (`None`: never).
    static CHECKOUT_DEADLINE: Option<Instant>;
}

/// A database and a pool of async connections to it; cheap to clone and share between
/// tasks. Built from the blocking engine's builder, with the same options:
///
/// ```no_run
/// use sqlwright::prelude::*;
/// use std::time::Duration;
///
/// # async fn demo() -> Result<(), sqlwright::Error> {
/// let engine = Engine::builder("postgres://app:secret@localhost/shop")
///     .pool_size(10)
///     .max_overflow(0)
///     .checkout_timeout(Duration::from_secs(5))
///     .build_async()?;
/// let mut conn = engine.connect().await?; // back to the pool when dropped
/// conn.batch_execute("UPDATE stock SET n = n - 1 WHERE n > 0").await?;
/// # Ok(()) }
/// ```
///
/// `B` is the backend: PostgreSQL by default, [`Mysql`](crate::backend::Mysql) from
/// `Engine::mysql_builder(url)…build_async()` (named [`AsyncMysqlEngine`](crate::AsyncMysqlEngine)).
pub struct AsyncEngine<B: AsyncDriver = Postgres> {
    url: DatabaseUrl,
    pool: managed::Pool<Manager<B>>,
}

impl<B: AsyncDriver> Clone for AsyncEngine<B> {
    fn clone(&self) -> Self {
        AsyncEngine {
            url: self.url.clone(),
            pool: self.pool.clone(),
        }
    }
}

/// Opens, checks and cleans the pool's connections.
struct Manager<B: AsyncDriver> {
    opener: B::Opener,
    settings: Settings,
    /// The most connections open (or being opened) at once.
    peak: AtomicUsize,
}

impl<B: AsyncDriver> fmt::Debug for AsyncEngine<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.pool.manager().settings;
        f.debug_struct("AsyncEngine")
            .field("url", &self.url)
            .field("pool_size", &settings.pool_size)
            .field("max_overflow", &settings.max_overflow)
            .field("state", &self.state())
            .finish()
    }
}

impl<B: AsyncDriver> EngineBuilder<B> {
    /// The async engine (feature `tokio`) with this builder's settings and options: see
    /// [`AsyncEngine`]. Fails as [`build`](Self::build) does. No connection is opened until
    /// the first checkout.
    pub fn build_async(self) -> Result<AsyncEngine<B>, Error> {
        let (url, opener, settings) = self.parts()?;
        let max_size = settings.pool_size.saturating_add(settings.max_overflow);
        // A timeout too long to add to now waits for ever, as in the blocking engine.
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
        Ok(AsyncEngine { url, pool })
    }
}

impl AsyncEngine {
    /// An async PostgreSQL engine with default settings (pool_size 5, max_overflow 10,
    /// 30 s checkout timeout); `Engine::builder(url)…build_async()` sets them.
    pub fn new(url: &str) -> Result<AsyncEngine, Error> {
        super::Engine::builder(url).build_async()
    }
}

#[cfg(feature = "mysql")]
impl AsyncEngine<crate::backend::Mysql> {
    /// An async MySQL or MariaDB engine with default settings (pool_size 5, max_overflow
    /// 10, 30 s checkout timeout): `AsyncEngine::mysql("mysql://user:pw@host/db")`;
    /// `Engine::mysql_builder(url)…build_async()` sets them.
    pub fn mysql(url: &str) -> Result<Self, Error> {
        super::Engine::mysql_builder(url).build_async()
    }
}

impl<B: AsyncDriver> AsyncEngine<B> {
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
    pub async fn connect(&self) -> Result<AsyncPooledConnection<B>, Error> {
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
            // A failed connect is reported as it is (a refused login, a host that does
            // not answer in the time left), not as a full pool.
            Err(PoolError::Backend(e)) => return Err(e),
            Err(other) => return Err(Error::Misuse(format!("async pool: {other}"))),
        };
        manager
            .peak
            .fetch_max(self.pool.status().size, Ordering::Relaxed);
        Ok(AsyncPooledConnection { conn: Some(conn) })
    }
}

impl<B: AsyncDriver> managed::Manager for Manager<B> {
    type Type = B::AsyncConn;
    type Error = Error;

    async fn create(&self) -> Result<B::AsyncConn, Error> {
        let deadline = CHECKOUT_DEADLINE.try_with(|d| *d).ok().flatten();
        let mut inner = B::__open_io(&self.opener, deadline).await?;
        inner.echo = self.settings.echo(inner.echo.conn);
        Ok(B::__wrap(inner))
    }

    async fn recycle(
        &self,
        conn: &mut B::AsyncConn,
        _: &Metrics,
    ) -> Result<(), RecycleError<Error>> {
        let conn = B::__exclusive(conn);
        if conn.broken || conn.is_closed() {
            return Err(RecycleError::message("the connection is closed"));
        }
        // The pre-ping counts against the checkout timeout, with a floor.
        let ping = self
            .settings
            .pre_ping
            .then(|| ping_deadline(CHECKOUT_DEADLINE.try_with(|d| *d).ok().flatten()));
        B::__recycle_io(&self.opener, conn, ping)
            .await
            .map_err(RecycleError::Backend)
    }
}

/// A connection checked out of an [`AsyncEngine`]: use it as the backend's async
/// connection ([`AsyncConnection`](crate::AsyncConnection) on PostgreSQL; typed queries
/// run on it with `.await`). It returns to the pool when dropped.
pub struct AsyncPooledConnection<B: AsyncDriver = Postgres> {
    conn: Option<Object<Manager<B>>>,
}

impl<B: AsyncDriver> fmt::Debug for AsyncPooledConnection<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AsyncPooledConnection")
            .field(&self.conn.as_deref())
            .finish()
    }
}

impl<B: AsyncDriver> AsyncPooledConnection<B> {
    /// Takes the connection out of the pool for good (the pool may open another).
    pub fn detach(mut self) -> B::AsyncConn {
        let conn = self
            .conn
            .take()
            .expect("a pooled connection holds its connection until dropped");
        Object::take(conn)
    }
}

impl<B: AsyncDriver> Deref for AsyncPooledConnection<B> {
    type Target = B::AsyncConn;
    fn deref(&self) -> &B::AsyncConn {
        self.conn
            .as_ref()
            .expect("a pooled connection holds its connection until dropped")
    }
}

impl<B: AsyncDriver> DerefMut for AsyncPooledConnection<B> {
    fn deref_mut(&mut self) -> &mut B::AsyncConn {
        self.conn
            .as_mut()
            .expect("a pooled connection holds its connection until dropped")
    }
}

impl<B: AsyncDriver> super::Runner for AsyncPooledConnection<B> {
    type Backend = B;
    type Mode = super::runner::Async;
    #[inline]
    fn __connection(&mut self) -> &mut Connection<B> {
        B::__exclusive(self.deref_mut())
    }
}

/// A borrowed pooled async connection runs queries as the connection does (so a session
/// can borrow one).
impl<B: AsyncDriver> super::Runner for &mut AsyncPooledConnection<B> {
    type Backend = B;
    type Mode = super::runner::Async;
    #[inline]
    fn __connection(&mut self) -> &mut Connection<B> {
        B::__exclusive((**self).deref_mut())
    }
}

impl<B: AsyncDriver> Drop for AsyncPooledConnection<B> {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        let Some(pool) = Object::pool(&conn) else {
            return;
        };
        let manager = pool.manager();
        let inner = B::__exclusive(&mut conn);
        if inner.broken || inner.is_closed() {
            drop(Object::take(conn));
            return;
        }
        // Settings a user changed on the checked-out connection go back to the engine's.
        inner.echo = manager.settings.echo(inner.echo.conn);
        if let Some(reset) = B::__return_now(&manager.opener, inner) {
            give_back(conn, reset);
            return;
        }
        // The clean-up needs the runtime: a task owns the connection until it is clean.
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(clean_up(conn));
            }
            // No runtime to clean up on: closing the session rolls it back on the server.
            Err(_) => drop(Object::take(conn)),
        }
    }
}

/// Puts a returned connection back as new (on PostgreSQL, after finishing an interrupted
/// request and rolling back; on MySQL, the reset), then gives it back.
async fn clean_up<B: AsyncDriver>(mut conn: Object<Manager<B>>) {
    let Some(pool) = Object::pool(&conn) else {
        return;
    };
    let cleaned = B::__clean_io(&pool.manager().opener, B::__exclusive(&mut conn)).await;
    give_back(conn, cleaned);
}

/// Takes a connection back: kept for the next checkout, or closed (its reset failed, it
/// is broken, or an overflow connection returned while `pool_size` others are idle).
fn give_back<B: AsyncDriver>(mut conn: Object<Manager<B>>, reset: Result<(), Error>) {
    let Some(pool) = Object::pool(&conn) else {
        return;
    };
    let inner = B::__exclusive(&mut conn);
    // `available` counts the idle connections (this one is still checked out).
    let keep = reset.is_ok()
        && !inner.broken
        && !inner.is_closed()
        && pool.status().available < pool.manager().settings.pool_size;
    if keep {
        drop(conn);
    } else {
        drop(Object::take(conn));
    }
}

#[allow(dead_code)]
fn _is_send() {
    fn send<T: Send>(_: T) {}
    let _ = |engine: &'static AsyncEngine| send(engine.connect());
    #[cfg(feature = "mysql")]
    let _ = |engine: &'static AsyncEngine<crate::backend::Mysql>| send(engine.connect());
}
