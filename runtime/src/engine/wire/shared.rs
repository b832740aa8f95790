//! The wire side of requests on a shared `&AsyncConnection` (see `engine/shared.rs`): each
//! request is written whole (Bind, Execute, Sync) and sent at once, then read later, in
//! the order written, by the future whose turn it is (a future dropped before its send
//! never runs; one dropped after has its answer drained).

use super::*;

impl Wire {
    /// Before writing a shared request. `quiet` (no shared answer is outstanding): the
    /// connection is brought back in step as before any request (`recover.rs`); otherwise
    /// a closed connection is refused, and a send dropped half-way closes it.
    pub(crate) async fn begin_shared(&mut self, quiet: bool) -> Result<(), Error> {
        if quiet {
            return self.begin_request().await;
        }
        self.check_shared_send()
    }

    /// Writes one statement (Parse and Describe too when `text` is given: the unnamed
    /// statement), its Execute and its own Sync into the write buffer: all of it, or
    /// nothing when a value cannot be sent (the requests written before it stay).
    pub(crate) fn write_shared(
        &mut self,
        statement: &Statement,
        text: Option<&str>,
        params: &[crate::render::Param<'_>],
        max_rows: u32,
    ) -> Result<(), Error> {
        if text.is_some_and(|sql| sql.contains('\0')) {
            // `write_text` would clear the whole buffer, other requests' bytes included.
            return Err(Error::NulInText);
        }
        let start = self.wbuf.len();
        let limit = if max_rows == 0 {
            0
        } else {
            i32::try_from(max_rows.saturating_add(1)).unwrap_or(i32::MAX)
        };
        let written = self
            .write_parse_ahead(statement, text)
            .and_then(|()| self.write_bind(statement, params))
            .and_then(|()| self.write_describe_portal(text.is_some()))
            .and_then(|()| frontend::execute("", limit, &mut self.wbuf).map_err(|e| lost(&e)));
        match written {
            Ok(()) => {
                frontend::sync(&mut self.wbuf);
                Ok(())
            }
            Err(e) => {
                self.wbuf.truncate(start);
                Err(e)
            }
        }
    }

    /// Sends the shared requests written since the last send (with the Close messages of
    /// forgotten statements ahead of them). With none written, the Close messages wait for
    /// the next request: a statement forgotten while answers are still unread (a stale
    /// one) is never closed by a send of its own, without a Sync.
    pub(crate) async fn flush_shared(&mut self) -> Result<(), Error> {
        self.check_shared_send()?;
        if self.wbuf.is_empty() {
            return Ok(());
        }
        self.sent = false;
        self.send_request().await
    }

    /// Reads the answer of the shared request at the head of the line (see
    /// [`Wire::read_answer`]).
    pub(crate) async fn read_shared<S: Sink + ?Sized>(
        &mut self,
        statement: &Statement,
        described: bool,
        max_rows: u32,
        sink: &mut S,
    ) -> Result<u64, Error> {
        if self.closed.is_some() {
            return Err(self.closed_error());
        }
        self.read_answer(statement, described, max_rows, sink).await
    }

    /// Reads and drops the answer of one shared request whose future was dropped (the
    /// oldest not read), within [`Wire::drop_rest`]'s bounds (past them the connection is
    /// closed). With `quiet` (no live request behind it) the statement is cancelled first,
    /// as an abandoned `&mut` request's is; otherwise no cancel is sent: the statement the
    /// server runs may be a later, live request's.
    pub(crate) async fn drain_one_shared(&mut self, quiet: bool) -> Result<(), Error> {
        self.flush_shared().await?;
        self.pending = true;
        let cancelled = quiet && self.cancel_off_thread().await;
        self.drop_rest(cancelled).await
    }

    /// `n` answers of shared requests are left unread when the connection is next used
    /// through `&mut`: that request drains them first (`recover.rs`).
    pub(crate) fn owe_shared(&mut self, n: u64) {
        self.shared_owed += n;
        self.pending = true;
    }

    /// A send of shared requests dropped half-way: when bytes of it went out the server
    /// would read the rest as garbage, so the connection is closed; when none did, the
    /// buffer is whole and goes with the next send.
    fn check_shared_send(&mut self) -> Result<(), Error> {
        if self.closed.is_some() {
            return Err(self.closed_error());
        }
        if self.writing {
            if self.sent {
                return Err(self.broke(Error::ConnectionLost(
                    "a shared request on this connection was dropped while the requests \
                     were being sent; the connection was closed"
                        .into(),
                )));
            }
            self.writing = false;
        }
        Ok(())
    }
}
