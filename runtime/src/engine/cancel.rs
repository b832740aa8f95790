//! Cancelling a running statement from another thread.

use super::wire::{CancelOutcome, CancelShared};
use super::Error;
use std::sync::Arc;

/// Cancels whatever statement its connection is running, from any thread: get one with
/// [`Connection::cancel_handle`](super::Connection::cancel_handle) (also reachable from a
/// [`PooledConnection`](super::PooledConnection) and, through
/// [`Executor::connection`](super::Executor::connection), from a transaction) before the
/// statement starts, and call [`cancel`](Self::cancel) while it runs.
///
/// The cancel goes to the server on a new socket (PostgreSQL's CancelRequest), so it works
/// while the connection itself is blocked waiting for the statement's answer. The
/// statement then fails with a [`Database`](Error::Database) error of kind
/// [`DbErrorKind::Canceled`](super::DbErrorKind::Canceled), and the connection stays
/// usable. A cancel that reaches the server after the statement finished cannot stop the
/// next one: the connection waits, at the end of a request a cancel was sent for, for the
/// server's confirmation that the cancel was handled, and closes itself when none comes
/// (a pool then opens a new connection).
#[derive(Clone)]
pub struct CancelHandle {
    shared: Arc<CancelShared>,
    target: Arc<str>,
}

impl std::fmt::Debug for CancelHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelHandle")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl CancelHandle {
    pub(super) fn new(shared: Arc<CancelShared>, target: &str) -> Self {
        CancelHandle {
            shared,
            target: Arc::from(target),
        }
    }

    /// Asks the server to cancel the statement the connection is running now, and waits
    /// (at most the connection's `connect_timeout`) until the server has taken the
    /// request. When nothing runs, nothing is sent. A second call for the same statement
    /// sends nothing more.
    ///
    /// Returns [`Error::Connect`] when the server cannot be reached on a new socket, or
    /// gave this session no cancel key; the statement then runs on.
    pub fn cancel(&self) -> Result<(), Error> {
        match self.shared.cancel() {
            Ok(CancelOutcome::Idle | CancelOutcome::Delivered | CancelOutcome::AlreadySent) => {
                Ok(())
            }
            Err(reason) => Err(Error::Connect {
                target: self.target.to_string(),
                reason: format!("cancel request: {reason}"),
            }),
        }
    }
}

#[cfg(feature = "tokio")]
impl CancelHandle {
    /// [`cancel`](Self::cancel) from async code: the request is sent from tokio's blocking
    /// pool, so no runtime thread waits on the new socket. For an
    /// [`AsyncConnection`](super::AsyncConnection)'s statement, get the handle before the
    /// statement starts, then cancel from another task (`tokio::select!` with a timer, a
    /// shutdown signal).
    pub async fn cancel_async(&self) -> Result<(), Error> {
        let handle = self.clone();
        match tokio::task::spawn_blocking(move || handle.cancel()).await {
            Ok(result) => result,
            Err(e) => Err(Error::Connect {
                target: self.target.to_string(),
                reason: format!("cancel request: the blocking task ended: {e}"),
            }),
        }
    }
}

/// A handle is shared with and moved to other threads.
const _: fn() = || {
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<CancelHandle>();
};
