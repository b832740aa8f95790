//! The async engine (feature `tokio`): the blocking [`Engine`](super::Engine)'s pool
//! semantics on tokio, built on `deadpool` from the same builder.
//!
//! - `pool_size + max_overflow` connections at most (deadpool's `max_size`); a connection
//!   returned while `pool_size` others are idle is closed (`Object::take`), so under load
//!   the overflow goes away again, as in the blocking engine.
//! - A checkout waits at most the checkout timeout, then fails with
//!   [`Error::PoolTimeout`]; opening a connection, the pre-ping and a left-over ROLLBACK
//!   count against the same deadline (carried to deadpool's `create`/`recycle` in a task
//!   local, since deadpool's manager takes no per-call argument).
//! - A connection returned inside a transaction is rolled back by a task that owns it
//!   (still checked out from deadpool's point of view, so nobody else gets it before it is
//!   clean); no idle connection holds locks. Without a runtime to run that task, the
//!   connection is closed and the server rolls back.
//! - A broken connection, or one whose request was interrupted (a dropped future), is
//!   closed on return and never handed out again.
//! - At checkout, deadpool's async `recycle` pings an idle connection first (`pre_ping`).

use super::builder::EngineBuilder;
use super::pool::{Settings, PING_BUDGET};
use super::postgres::PgOpener;
use super::wire::SocketKind;
use super::{AsyncConnection, Connection, DatabaseUrl, Error, PoolState};
use crate::backend::{driver::Pooled, Postgres};
use deadpool::managed::{self, Metrics, Object, PoolError, QueueMode, RecycleError};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

tokio::task_local! {
    /// When the checkout under way gives up (`None`: never).
    static CHECKOUT_DEADLINE: Option<Instant>;
}

/// A PostgreSQL database and a pool of async connections to it; cheap to clone and share
/// between tasks. Built from the blocking engine's builder, with the same options:
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
#[derive(Clone)]
pub struct AsyncEngine {
    url: DatabaseUrl,
    pool: managed::Pool<Manager>,
}

/// Opens, checks and cleans the pool's connections.
struct Manager {
    opener: PgOpener,
    settings: Settings,
    /// The most connections open (or being opened) at once.
    peak: AtomicUsize,
}

impl fmt::Debug for AsyncEngine {
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

impl EngineBuilder<Postgres> {
    /// The async engine (feature `tokio`) with this builder's settings and options: see
    /// [`AsyncEngine`]. Fails as [`build`](Self::build) does. No connection is opened until
    /// the first checkout.
    pub fn build_async(self) -> Result<AsyncEngine, Error> {
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

    /// Checks a connection out of the pool: an idle one (pinged first), or a new one when
    /// the pool may grow, or the next one returned, waiting at most the checkout timeout
    /// ([`Error::PoolTimeout`]). It goes back when dropped.
    pub async fn connect(&self) -> Result<AsyncPooledConnection, Error> {
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

impl Manager {
    /// Rolls back the transaction a returned connection was left in, bounded: the return
    /// path must not hang on a server that stopped answering.
    async fn roll_back(&self, conn: &mut Connection<Postgres>) -> Result<(), Error> {
        let deadline = Instant::now() + <Postgres as Pooled>::rollback_bound(&self.opener);
        conn.pg_control_io("ROLLBACK", Some(deadline)).await?;
        conn.depth = 0;
        conn.aborted = false;
        Ok(())
    }
}

impl managed::Manager for Manager {
    type Type = AsyncConnection;
    type Error = Error;

    async fn create(&self) -> Result<AsyncConnection, Error> {
        let deadline = CHECKOUT_DEADLINE.try_with(|d| *d).ok().flatten();
        let mut inner = self.opener.open_io(deadline, SocketKind::Tokio).await?;
        inner.echo = self.settings.echo(inner.echo.conn);
        Ok(AsyncConnection::new(inner))
    }

    async fn recycle(
        &self,
        conn: &mut AsyncConnection,
        _: &Metrics,
    ) -> Result<(), RecycleError<Error>> {
        let conn = conn.exclusive();
        if conn.broken || conn.is_closed() {
            return Err(RecycleError::message("the connection is closed"));
        }
        // Left in a transaction when no task could clean it on return (it was dropped
        // outside a runtime, or the runtime stopped): roll back before handing it out.
        if conn.depth > 0 || conn.server_in_transaction() {
            self.roll_back(conn).await.map_err(RecycleError::Backend)?;
        }
        if self.settings.pre_ping {
            // The pre-ping counts against the checkout timeout, but gets at least
            // PING_BUDGET: with less, a healthy connection would be closed as hung.
            let deadline = CHECKOUT_DEADLINE.try_with(|d| *d).ok().flatten();
            let least = Instant::now() + PING_BUDGET;
            let deadline = deadline.map_or(least + super::REQUEST_TIMEOUT_GRACE, |d| d.max(least));
            conn.ping_before_io(deadline)
                .await
                .map_err(RecycleError::Backend)?;
        }
        Ok(())
    }
}

/// A connection checked out of an [`AsyncEngine`]: use it as an [`AsyncConnection`]
/// (typed queries run on it with `.await`). It returns to the pool when dropped.
pub struct AsyncPooledConnection {
    conn: Option<Object<Manager>>,
}

impl fmt::Debug for AsyncPooledConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AsyncPooledConnection")
            .field(&self.conn.as_deref())
            .finish()
    }
}

impl AsyncPooledConnection {
    /// Takes the connection out of the pool for good (the pool may open another).
    pub fn detach(mut self) -> AsyncConnection {
        let conn = self
            .conn
            .take()
            .expect("a pooled connection holds its connection until dropped");
        Object::take(conn)
    }
}

impl Deref for AsyncPooledConnection {
    type Target = AsyncConnection;
    fn deref(&self) -> &AsyncConnection {
        self.conn
            .as_ref()
            .expect("a pooled connection holds its connection until dropped")
    }
}

impl DerefMut for AsyncPooledConnection {
    fn deref_mut(&mut self) -> &mut AsyncConnection {
        self.conn
            .as_mut()
            .expect("a pooled connection holds its connection until dropped")
    }
}

impl super::Runner for AsyncPooledConnection {
    type Backend = Postgres;
    type Mode = super::runner::Async;
    #[inline]
    fn __connection(&mut self) -> &mut Connection<Postgres> {
        self.deref_mut().exclusive()
    }
}

impl Drop for AsyncPooledConnection {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        let inner = conn.exclusive();
        // An interrupted request may still run on the server (holding locks): it is
        // cancelled and read to its end before the connection is idle again.
        let dirty =
            inner.depth > 0 || inner.server_in_transaction() || inner.link.wire.interrupted();
        if !dirty || inner.broken || inner.is_closed() {
            give_back(conn);
            return;
        }
        // The ROLLBACK needs the runtime: a task owns the connection until it is clean.
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(clean_up(conn));
            }
            // No runtime to roll back on: closing the session rolls it back on the server.
            Err(_) => drop(Object::take(conn)),
        }
    }
}

/// Rolls back a connection returned inside a transaction (after finishing an interrupted
/// request: the ROLLBACK's request does that first), then gives it back (or closes it when
/// that fails).
async fn clean_up(mut conn: Object<Manager>) {
    let Some(pool) = Object::pool(&conn) else {
        return;
    };
    match pool.manager().roll_back(conn.exclusive()).await {
        Ok(()) => give_back(conn),
        Err(_) => drop(Object::take(conn)),
    }
}

/// Takes a connection back: kept for the next checkout, or closed (broken, interrupted,
/// or an overflow connection returned while `pool_size` others are idle).
fn give_back(mut conn: Object<Manager>) {
    let Some(pool) = Object::pool(&conn) else {
        return;
    };
    let manager = pool.manager();
    let inner = conn.exclusive();
    // Settings a user changed on the checked-out connection go back to the engine's.
    inner.echo = manager.settings.echo(inner.echo.conn);
    let reset = <Postgres as Pooled>::reset(&manager.opener, inner);
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
    let _ = |engine: &'static AsyncEngine| send(engine.connect());
}
