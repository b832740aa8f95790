//! Streams: a portal read in pipelined batches.

use super::*;

/// The most an abandoned result is read for when it could not be cancelled (see
/// [`Wire::drop_rest`]).
pub(crate) const DISCARD_BYTES: usize = 4 << 20;
/// The longest an abandoned result is read for.
pub(crate) const DISCARD_TIME: std::time::Duration = std::time::Duration::from_millis(250);
/// The longest the rest of an abandoned result is read for once the server confirmed the
/// cancel sent for it (the server stops at once; what is read is what was on its way).
pub(crate) const CANCELLED_DISCARD_TIME: std::time::Duration = std::time::Duration::from_secs(2);

impl Wire {
    /// Starts reading a statement's rows in batches of `batch`: Bind, and two Execute
    /// messages so that the server prepares the next batch while this one is decoded.
    /// No Sync is sent until the end, so the unnamed portal lives on outside a transaction
    /// too; rows are read with [`Wire::portal_next`].
    ///
    /// With `text`, the statement is parsed as the unnamed statement in the same request
    /// and the portal described (see [`Wire::execute_text`]).
    pub(crate) async fn start_portal(
        &mut self,
        statement: &Statement,
        text: Option<&str>,
        params: &[crate::render::Param<'_>],
        batch: i32,
    ) -> Result<(), Error> {
        self.begin_statement(statement, text, params).await?;
        // A statement without rows runs to its end on the first Execute, and a second one
        // would be an error that rolls it back: it gets one.
        let executes = if statement.returns_rows { 2 } else { 1 };
        for _ in 0..executes {
            frontend::execute("", batch, &mut self.wbuf).map_err(|e| lost(&e))?;
        }
        frontend::flush(&mut self.wbuf);
        self.send_request().await?;
        self.portal = Some(PortalState {
            batch,
            columns: Arc::clone(&statement.columns),
        });
        // BindComplete (and the portal's description when asked for), or the error
        // Parse or Bind caused.
        let mut bound = false;
        loop {
            match self.read_message().await? {
                Message::BindComplete if text.is_none() => return Ok(()),
                Message::BindComplete => bound = true,
                Message::NoData if bound => return Ok(()),
                Message::RowDescription(body) if bound => {
                    return match self.described_columns(&body, &statement.columns) {
                        Ok(columns) => {
                            if let Some(portal) = self.portal.as_mut() {
                                portal.columns = columns;
                            }
                            Ok(())
                        }
                        Err(e) => {
                            // The rows already asked for are read and dropped.
                            self.end_portal().await?;
                            Err(e)
                        }
                    };
                }
                Message::NoticeResponse(body) => notice(body.fields()),
                Message::ParseComplete
                | Message::CloseComplete
                | Message::ParameterStatus(_)
                | Message::NotificationResponse(_) => {}
                Message::ErrorResponse(body) => {
                    let e = self.server_error(body.fields());
                    self.end_portal().await?;
                    return Err(e);
                }
                _ => {
                    return Err(self.broke(protocol("unexpected message after Bind")));
                }
            }
        }
    }

    /// The next row of the portal, decoded by `decode`; `None` after the last one (the
    /// portal is then closed).
    pub(crate) async fn portal_next<R>(
        &mut self,
        decode: impl FnOnce(RowRef<'_>) -> Result<R, Error>,
    ) -> Option<Result<R, Error>> {
        let columns = Arc::clone(&self.portal.as_ref()?.columns);
        loop {
            let (tag, total) = match next_message!(self) {
                Ok(m) => m,
                Err(e) => {
                    self.portal = None;
                    return Some(Err(e));
                }
            };
            if tag == b'D' {
                if let Err(e) = self.row_spans(total, columns.len()) {
                    self.portal = None;
                    return Some(Err(e));
                }
                let result = decode(RowRef::new(&columns, &self.rbuf[..total], &self.spans));
                self.rbuf.advance(total);
                return Some(result);
            }
            let message = match self.read_message().await {
                Ok(m) => m,
                Err(e) => {
                    self.portal = None;
                    return Some(Err(e));
                }
            };
            match message {
                Message::PortalSuspended => {
                    // One batch done: ask for the one after the batch in flight.
                    let batch = self.portal.as_ref()?.batch;
                    let sent = match frontend::execute("", batch, &mut self.wbuf) {
                        Ok(()) => {
                            frontend::flush(&mut self.wbuf);
                            self.send().await
                        }
                        Err(e) => Err(lost(&e)),
                    };
                    if let Err(e) = sent {
                        self.portal = None;
                        return Some(Err(e));
                    }
                }
                Message::CommandComplete(_) | Message::EmptyQueryResponse => {
                    return self.end_portal().await.err().map(Err);
                }
                Message::ErrorResponse(body) => {
                    let e = self.server_error(body.fields());
                    return Some(match self.end_portal().await {
                        Ok(()) => Err(e),
                        Err(lost) => Err(lost),
                    });
                }
                Message::NoticeResponse(body) => notice(body.fields()),
                Message::ParameterStatus(_)
                | Message::NotificationResponse(_)
                | Message::CloseComplete => {}
                Message::CopyInResponse(_) | Message::CopyOutResponse(_) => {
                    let copy_in = matches!(message, Message::CopyInResponse(_));
                    self.portal = None;
                    return Some(Err(self.refuse_copy(copy_in, false).await));
                }
                _ => {
                    self.portal = None;
                    return Some(Err(
                        self.broke(protocol("unexpected message while reading rows"))
                    ));
                }
            }
        }
    }

    /// Ends a portal (finished, failed, or abandoned): Sync, then everything the server
    /// still sends (at most the batches in flight) is read and dropped.
    pub(crate) async fn end_portal(&mut self) -> Result<(), Error> {
        if self.portal.take().is_none() {
            return Ok(());
        }
        frontend::sync(&mut self.wbuf);
        self.send().await?;
        self.until_ready(None).await.map(drop)
    }

    /// Ends a portal the caller stopped reading (a stream dropped early): the statement is
    /// cancelled, then Sync, and what the server still sends is read and dropped up to
    /// ReadyForQuery (see [`Wire::drop_rest`]).
    pub(crate) async fn abandon_portal(&mut self) -> Result<(), Error> {
        if self.portal.take().is_none() {
            return Ok(());
        }
        let cancelled = self.cancel_unless_in_transaction().await;
        frontend::sync(&mut self.wbuf);
        self.send().await?;
        self.drop_rest(cancelled).await
    }

    /// Ends a COPY TO STDOUT the caller stopped reading: cancelled, and the rest read and
    /// dropped (see [`Wire::drop_rest`]).
    pub(crate) async fn abandon_copy_out(&mut self) -> Result<(), Error> {
        if !self.pending || self.closed.is_some() {
            return Ok(());
        }
        let cancelled = self.cancel_unless_in_transaction().await;
        self.drop_rest(cancelled).await
    }

    /// Cancels the request under way, unless it runs inside a transaction block: there a
    /// cancel that lands while the server still produces rows fails the whole transaction,
    /// which the caller would only learn from the next statement. Then the rest is read
    /// within the bounds of [`Wire::drop_rest`] (past them the connection closes, which
    /// ends the transaction visibly).
    ///
    /// On an async socket the cancel (its own connection to the server) runs on the
    /// runtime's blocking pool, not on the task's thread.
    async fn cancel_unless_in_transaction(&mut self) -> bool {
        if self.in_transaction() || !self.pending {
            return false;
        }
        #[cfg(feature = "tokio")]
        if self.is_async() {
            let shared = Arc::clone(&self.cancel);
            let cancel = tokio::task::spawn_blocking(move || {
                matches!(shared.cancel(), Ok(super::CancelOutcome::Delivered))
            });
            return cancel.await.unwrap_or(false);
        }
        self.cancel_own_request()
    }

    /// Reads and drops the rest of the request under way, up to its ReadyForQuery. After
    /// a cancel the server confirmed (`cancelled`), the server stops at once, so the rest
    /// is what was already on its way, read for at most [`CANCELLED_DISCARD_TIME`]. Without
    /// one (the server gave no cancel key, or it could not be reached), at most
    /// [`DISCARD_BYTES`] and [`DISCARD_TIME`]. Past a limit, the connection is closed
    /// instead: reading a large or slow remainder only to throw it away would hold the
    /// caller for as long as the server takes (the server stops at its next write to the
    /// closed socket).
    pub(crate) async fn drop_rest(&mut self, cancelled: bool) -> Result<(), Error> {
        if !self.pending {
            return Ok(());
        }
        let (time, bytes) = if cancelled {
            (CANCELLED_DISCARD_TIME, usize::MAX)
        } else {
            (DISCARD_TIME, DISCARD_BYTES)
        };
        let deadline = std::time::Instant::now() + time;
        let saved = self.enter_deadline(deadline, "the rest of an abandoned result");
        let result = async {
            let mut dropped = 0usize;
            loop {
                let (tag, total) = next_message!(self)?;
                match tag {
                    b'Z' => {
                        if let Message::ReadyForQuery(body) = self.read_message().await? {
                            self.ready(body.status());
                        }
                        return Ok(());
                    }
                    b'E' => {
                        // The cancel's error, or the statement's own: noted, then dropped.
                        if let Message::ErrorResponse(body) = self.read_message().await? {
                            let _ = self.server_error(body.fields());
                        }
                        continue;
                    }
                    _ => {}
                }
                dropped += total;
                if dropped > bytes {
                    return Err(self.broke(Error::ConnectionLost(format!(
                        "a result was abandoned with over {} KiB still to come; the connection \
                         was closed rather than reading the rest",
                        bytes / 1024
                    ))));
                }
                self.rbuf.advance(total);
            }
        }
        .await;
        self.leave_deadline(saved, result)
    }

    /// The next row of the portal when a whole DataRow is already in the read buffer,
    /// decoded by `decode` without waiting; `None` when the next message is not a buffered
    /// row (the caller then awaits [`Wire::portal_next`]). The async stream's fast path.
    #[cfg(feature = "tokio")]
    pub(crate) fn portal_buffered<R>(
        &mut self,
        decode: impl FnOnce(RowRef<'_>) -> Result<R, Error>,
    ) -> Option<Result<R, Error>> {
        let columns = Arc::clone(&self.portal.as_ref()?.columns);
        match self.buffered()? {
            (b'D', total) => {
                if let Err(e) = self.row_spans(total, columns.len()) {
                    self.portal = None;
                    return Some(Err(e));
                }
                let result = decode(RowRef::new(&columns, &self.rbuf[..total], &self.spans));
                self.rbuf.advance(total);
                Some(result)
            }
            _ => None,
        }
    }

    /// Whether a portal was left open by a stream dropped early on an async connection:
    /// its abandon is owed, and done before the connection's next request.
    #[cfg(feature = "tokio")]
    pub(crate) fn portal_owed(&self) -> bool {
        self.portal.is_some() && self.closed.is_none()
    }

    /// A read of the portal was dropped while it waited (its future cancelled): where the
    /// exchange stopped is unknown, so the connection is closed.
    #[cfg(feature = "tokio")]
    pub(crate) fn interrupt_portal(&mut self) {
        if self.portal.take().is_some() {
            self.broke(Error::ConnectionLost(
                "a stream's read was interrupted (its future was dropped while it waited for \
                 the server); the connection was closed"
                    .into(),
            ));
        }
    }

    /// Whether a portal is being read.
    pub(crate) fn in_portal(&self) -> bool {
        self.portal.is_some()
    }

    /// A COPY reached through `execute` or a stream (hand-written SQL): abandoned, the
    /// connection brought back in step, and [`Error::Misuse`] returned. `sync_sent`: the
    /// request already ended with Sync (ignored by the server during COPY FROM STDIN).
    pub(super) async fn refuse_copy(&mut self, copy_in: bool, sync_sent: bool) -> Error {
        let ended = async {
            if copy_in {
                frontend::copy_fail("COPY is run with sqlwright's copy API", &mut self.wbuf)
                    .map_err(|e| lost(&e))?;
                frontend::sync(&mut self.wbuf);
            } else if !sync_sent {
                frontend::sync(&mut self.wbuf);
            }
            self.send().await?;
            self.until_ready(None).await
        }
        .await;
        match ended {
            Err(lost @ Error::ConnectionLost(_)) => lost,
            _ => Error::Misuse(
                "COPY .. FROM STDIN / TO STDOUT cannot run as a statement; use \
                 sqlwright::copy::copy_in or Select::copy_out"
                    .into(),
            ),
        }
    }
}
