//! Bringing an async connection back in step after a future of it was dropped (a
//! timeout, a `select!` that took another branch, a task aborted): the next request first
//! finishes what the dropped one left, by its state on the wire.
//! - Nothing of the request went out: nothing happened; it is forgotten.
//! - Part of it went out: the server reads the rest as garbage, so the connection is
//!   closed.
//! - It was sent, and its answer not read to ReadyForQuery: the statement is cancelled
//!   (outside a transaction block, or in one whose rollback is owed) and the rest read
//!   and dropped within the bounds of [`Wire::drop_rest`]; past them the connection is
//!   closed.
//!
//! Then a rollback owed by an async transaction dropped without finishing is sent. A
//! blocking connection never gets here with a request pending except after a panic or a
//! leaked stream, and keeps refusing: the blocking API has no point at which a caller can
//! stop waiting half-way.

use super::*;

impl Wire {
    /// Whether an interrupted request can be finished by the next one: on an async
    /// socket, unless part of it was sent.
    pub(super) fn recoverable(&self) -> bool {
        self.is_async() && !(self.writing && self.sent)
    }

    /// Whether a request was interrupted (its future dropped) and waits for the next use
    /// to bring the connection back in step (see [`recoverable`](Self::recoverable)).
    #[cfg(feature = "tokio")]
    pub(crate) fn interrupted(&self) -> bool {
        self.closed.is_none() && self.pending && self.recoverable()
    }

    pub(super) fn is_async(&self) -> bool {
        #[cfg(feature = "tokio")]
        {
            matches!(self.socket, Socket::Async(_))
        }
        #[cfg(not(feature = "tokio"))]
        {
            false
        }
    }

    /// Brings the connection back in step before a request (see the module's doc).
    pub(super) async fn restore(&mut self) -> Result<(), Error> {
        if self.closed.is_some() {
            self.wbuf.clear();
            return Err(self.closed_error());
        }
        #[cfg(feature = "tokio")]
        while self.shared_owed > 0 {
            // Answers of dropped shared requests come first, in the order they were
            // written; each is counted off once read, so a drop in between loses none.
            // Nothing live behind them (the `&mut` path): each may be cancelled.
            self.drain_one_shared(true).await?;
            self.shared_owed -= 1;
        }
        if self.pending {
            if !self.recoverable() {
                self.wbuf.clear();
                let reason = if self.is_async() {
                    "a statement on this connection was dropped while it was being sent; the \
                     connection was closed"
                } else {
                    "a previous statement on this connection was interrupted before its result \
                     was read (a panic, or a leaked stream); the connection cannot be used"
                };
                return Err(self.broke(Error::ConnectionLost(reason.into())));
            }
            if self.writing {
                self.forget_unsent();
            } else {
                self.finish_abandoned().await?;
            }
        }
        if self.owed != 0 {
            self.send_owed_rollback().await?;
        }
        Ok(())
    }

    /// A request whose future was dropped before any of it went out: forgotten, except
    /// the Close messages of forgotten statements sent ahead of it, which go with the
    /// next request.
    fn forget_unsent(&mut self) {
        let mut keep = 0;
        while self.wbuf.len() >= keep + 5 && self.wbuf[keep] == b'C' {
            let len = &self.wbuf[keep + 1..keep + 5];
            keep += 1 + u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
        }
        self.wbuf.truncate(keep.min(self.wbuf.len()));
        self.writing = false;
        self.pending = false;
        self.cancel_request_ended();
    }

    /// A request sent and abandoned before its ReadyForQuery (an open portal included):
    /// cancelled unless inside a transaction block (see
    /// `cancel_unless_in_transaction`), then read to its end.
    async fn finish_abandoned(&mut self) -> Result<(), Error> {
        if self.copy_in {
            // COPY FROM STDIN left between messages: the server reads COPY data and would
            // not act on a cancel; CopyFail ends it (nothing of it is stored), and its
            // error and ReadyForQuery are read and dropped.
            frontend::copy_fail("the COPY was abandoned", &mut self.wbuf).map_err(|e| lost(&e))?;
            self.end_copy().await?;
            return self.drop_rest(false).await;
        }
        // The portal is forgotten only once its Sync is written: a future dropped while the
        // cancel is under way leaves it for the next try.
        let cancelled = self.cancel_off_thread().await;
        if self.portal.take().is_some() {
            // A portal is read without Sync: its end is asked for now (part of the
            // request already sent, so a drop during this send closes the connection).
            frontend::sync(&mut self.wbuf);
            self.send().await?;
        }
        self.drop_rest(cancelled).await
    }

    /// Cancels the request in flight, unless a transaction block stays open after it
    /// (there the cancel's error would fail the transaction, which the caller would only
    /// learn from its next statement); with a rollback owed, the transaction or savepoint
    /// the statement ran in is rolled back anyway. The cancel's socket is opened on the
    /// runtime's blocking pool, not the task's thread. Whether the server confirmed it.
    pub(super) async fn cancel_off_thread(&mut self) -> bool {
        if self.in_transaction() && self.owed == 0 {
            return false;
        }
        #[cfg(feature = "tokio")]
        {
            let shared = Arc::clone(&self.cancel);
            let cancel = tokio::task::spawn_blocking(move || {
                matches!(shared.cancel(), Ok(cancel::Outcome::Delivered))
            });
            cancel.await.unwrap_or(false)
        }
        #[cfg(not(feature = "tokio"))]
        {
            false
        }
    }

    /// Sends the rollback an async transaction left owed: `ROLLBACK` (not when the
    /// server says no transaction is open: the dropped BEGIN never ran, or its COMMIT
    /// did), or back to a savepoint. A server error for it is not returned: the
    /// transaction status the server reports decides what follows (an enclosing
    /// transaction it leaves failed can only roll back).
    async fn send_owed_rollback(&mut self) -> Result<(), Error> {
        let level = self.owed;
        if level == 1 && !self.in_transaction() {
            self.owed = 0;
            return Ok(());
        }
        let sql = crate::engine::transaction::end_sql(level, false);
        self.sent = false;
        self.write_text(|buf| frontend::query(&sql, buf))?;
        self.send_request().await?;
        // Sent whole: owed no more, whatever becomes of the answer.
        self.owed = 0;
        match self.until_ready(None).await {
            Ok(_) | Err(Error::Database(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// What async transactions use.
#[cfg(feature = "tokio")]
impl Wire {
    /// Records that the transaction at `level` (1: the whole transaction, 2 and up: a
    /// savepoint) must be rolled back before the next request. An owed outer level
    /// covers an inner one.
    pub(crate) fn owe_rollback(&mut self, level: u32) {
        self.owed = if self.owed == 0 {
            level
        } else {
            self.owed.min(level)
        };
    }

    /// Brings the connection back in step, as the next request would (see the module's
    /// doc): nothing is owed or pending afterwards.
    pub(crate) async fn ready_for_request(&mut self) -> Result<(), Error> {
        self.begin_request().await
    }

    /// Whether bytes of the last request went out (for a transaction future dropped
    /// while its BEGIN, SAVEPOINT or COMMIT was under way: did the server get it?).
    pub(crate) fn request_went_out(&self) -> bool {
        self.sent
    }
}
