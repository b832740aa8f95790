//! Read replicas: an engine for a primary and its streaming replicas, sending reads to a
//! replica and everything else to the primary.

use super::{Engine, Error, PooledConnection, Transaction};
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a replica that failed a checkout is passed over before it is tried again.
pub const REPLICA_RETRY_AFTER: Duration = Duration::from_secs(5);

/// A primary and its read replicas, each an [`Engine`] (a pool) of its own; cheap to clone
/// and share between threads.
///
/// - [`connect`](Self::connect) and [`transaction`](Self::transaction) go to the primary.
/// - [`connect_read`](Self::connect_read) and
///   [`read_only_transaction`](Self::read_only_transaction) go to a replica, in turn
///   (round robin). A replica whose checkout fails (down, or its pool exhausted) is passed
///   over for [`REPLICA_RETRY_AFTER`]; with no replica to use, reads go to the primary.
/// - Reads on a replica may lag behind the primary (asynchronous replication). For
///   read-your-writes, use a [`ReplicaSession`] from [`session`](Self::session): once it
///   has written, its reads stay on the primary.
///
/// ```no_run
/// use sqlwright::engine::ReplicatedEngine;
/// use sqlwright::prelude::*;
///
/// let engine = ReplicatedEngine::new(
///     Engine::new("postgres://app@primary/shop?target_session_attrs=read-write")?,
///     vec![
///         Engine::new("postgres://app@replica1/shop")?,
///         Engine::new("postgres://app@replica2/shop")?,
///     ],
/// );
/// let n = engine.read_only_transaction(|tx| {
///     tx.connection().query_text("SELECT count(*) FROM orders").map(|rows| rows.len())
/// })?;
/// # let _ = n;
/// # Ok::<(), sqlwright::Error>(())
/// ```
#[derive(Clone)]
pub struct ReplicatedEngine {
    inner: Arc<Inner>,
}

struct Inner {
    primary: Engine,
    replicas: Vec<Replica>,
    next: AtomicUsize,
    retry_after: Duration,
}

struct Replica {
    engine: Engine,
    /// Passed over until then, after a failed checkout.
    down_until: Mutex<Option<Instant>>,
}

impl fmt::Debug for ReplicatedEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplicatedEngine")
            .field("primary", &self.inner.primary)
            .field(
                "replicas",
                &self
                    .inner
                    .replicas
                    .iter()
                    .map(|r| &r.engine)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl ReplicatedEngine {
    /// An engine sending writes to `primary` and reads to `replicas`.
    pub fn new(primary: Engine, replicas: Vec<Engine>) -> Self {
        Self::with_retry_after(primary, replicas, REPLICA_RETRY_AFTER)
    }

    /// [`new`](Self::new), passing a replica that failed a checkout over for
    /// `retry_after` instead of [`REPLICA_RETRY_AFTER`].
    pub fn with_retry_after(primary: Engine, replicas: Vec<Engine>, retry_after: Duration) -> Self {
        ReplicatedEngine {
            inner: Arc::new(Inner {
                primary,
                replicas: replicas
                    .into_iter()
                    .map(|engine| Replica {
                        engine,
                        down_until: Mutex::new(None),
                    })
                    .collect(),
                next: AtomicUsize::new(0),
                retry_after,
            }),
        }
    }

    /// The primary's engine.
    pub fn primary(&self) -> &Engine {
        &self.inner.primary
    }

    /// The replicas' engines.
    pub fn replicas(&self) -> impl Iterator<Item = &Engine> {
        self.inner.replicas.iter().map(|r| &r.engine)
    }

    /// A connection to the primary, for anything.
    pub fn connect(&self) -> Result<PooledConnection, Error> {
        self.inner.primary.connect()
    }

    /// A connection for reads: to the next replica in turn that can be checked out,
    /// else to the primary. Its data may lag behind the primary's.
    pub fn connect_read(&self) -> Result<PooledConnection, Error> {
        let replicas = &self.inner.replicas;
        if !replicas.is_empty() {
            let start = self.inner.next.fetch_add(1, Ordering::Relaxed);
            for i in 0..replicas.len() {
                let replica = &replicas[(start + i) % replicas.len()];
                if replica.is_down() {
                    continue;
                }
                match replica.engine.connect() {
                    Ok(conn) => return Ok(conn),
                    Err(e) => {
                        tracing::warn!(
                            target: super::SQL_LOG_TARGET,
                            replica = %replica.engine.url(),
                            error = %e,
                            "replica passed over"
                        );
                        replica.mark_down(self.inner.retry_after);
                    }
                }
            }
        }
        self.inner.primary.connect()
    }

    /// Runs `f` in a transaction on the primary (commit on `Ok`, rollback otherwise).
    pub fn transaction<T, E: From<Error>>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.inner.primary.transaction(f)
    }

    /// Runs `f` in a `READ ONLY` transaction on a replica (see
    /// [`connect_read`](Self::connect_read)).
    pub fn read_only_transaction<T, E: From<Error>>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.connect_read()?;
        super::Executor::build_transaction(&mut *conn)
            .read_only()
            .run(f)
    }

    /// [`read_only_transaction`](Self::read_only_transaction), run again (up to
    /// `attempts` times in all, each on a connection checked out anew) when it fails with
    /// an error worth retrying ([`Error::is_retryable`]): on a replica, a recovery conflict
    /// (SQLSTATE 40001, "canceling statement due to conflict with recovery"), which may
    /// also end the session; or when the connection is lost (`Error::ConnectionLost`: the
    /// work is read-only, so running it again is safe). `OutcomeUnknown`, `Timeout` and
    /// `MessageTooLarge` are returned as they are.
    pub fn read_only_transaction_with_retry<T>(
        &self,
        attempts: u32,
        mut f: impl FnMut(&mut Transaction<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let attempts = attempts.max(1);
        let mut attempt = 1;
        loop {
            match self.read_only_transaction(&mut f) {
                // A plain lost connection only: never an unknown outcome, a timeout (paid
                // again each time) or an oversized message (that would come again).
                Err(e)
                    if (e.is_retryable() || matches!(e, Error::ConnectionLost(_)))
                        && attempt < attempts =>
                {
                    tracing::debug!(
                        target: super::SQL_LOG_TARGET,
                        attempt,
                        error = %e,
                        "retrying read-only transaction"
                    );
                    std::thread::sleep(super::transaction::backoff(attempt));
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// A handle for one unit of work (a request) that reads its own writes: its reads
    /// go to a replica until it writes, then to the primary.
    pub fn session(&self) -> ReplicaSession {
        ReplicaSession {
            engine: self.clone(),
            wrote: false,
        }
    }
}

impl Replica {
    fn is_down(&self) -> bool {
        let mut down = self.down_until.lock().unwrap_or_else(|p| p.into_inner());
        match *down {
            Some(until) if Instant::now() < until => true,
            Some(_) => {
                *down = None;
                false
            }
            None => false,
        }
    }

    fn mark_down(&self, for_: Duration) {
        let mut down = self.down_until.lock().unwrap_or_else(|p| p.into_inner());
        *down = Instant::now().checked_add(for_);
    }
}

/// One unit of work on a [`ReplicatedEngine`] that reads its own writes: reads go to a
/// replica until the session writes (anything through [`connect`](Self::connect) or
/// [`transaction`](Self::transaction) counts as a write), then to the primary for the
/// rest of its life. Make one per request, not one for the program.
#[derive(Debug)]
pub struct ReplicaSession {
    engine: ReplicatedEngine,
    wrote: bool,
}

impl ReplicaSession {
    /// Whether the session has written (so its reads go to the primary).
    pub fn has_written(&self) -> bool {
        self.wrote
    }

    /// A connection to the primary; counts as a write.
    pub fn connect(&mut self) -> Result<PooledConnection, Error> {
        self.wrote = true;
        self.engine.connect()
    }

    /// A connection for reads: a replica's until the session has written, then the
    /// primary's.
    pub fn connect_read(&mut self) -> Result<PooledConnection, Error> {
        if self.wrote {
            self.engine.connect()
        } else {
            self.engine.connect_read()
        }
    }

    /// A transaction on the primary; counts as a write (also when it fails: it may have
    /// committed before its answer was lost).
    pub fn transaction<T, E: From<Error>>(
        &mut self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.wrote = true;
        self.engine.transaction(f)
    }

    /// A `READ ONLY` transaction: on a replica until the session has written, then on the
    /// primary.
    pub fn read_only_transaction<T, E: From<Error>>(
        &mut self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.connect_read()?;
        super::Executor::build_transaction(&mut *conn)
            .read_only()
            .run(f)
    }
}
