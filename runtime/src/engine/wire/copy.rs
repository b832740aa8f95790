//! COPY FROM STDIN and COPY TO STDOUT.

use super::*;

impl Wire {
    /// During COPY FROM STDIN, when the socket will not take more data: reads what the
    /// server sent meanwhile without waiting, and consumes the notices at its front (a
    /// trigger's `RAISE NOTICE` per row would otherwise fill both directions' buffers and
    /// block client and server on each other). Anything else (the server's error) stays
    /// for [`Wire::copy_done`], and the rest of the data is not sent.
    pub(super) async fn drain_during_copy(&mut self) -> Result<(), Error> {
        self.socket.set_nonblocking(true).map_err(|e| lost(&e))?;
        let read = loop {
            match self.socket.read(&mut self.scratch) {
                Ok(0) => {
                    break Err(self.broke(Error::ConnectionLost(
                        "the server closed the connection".into(),
                    )));
                }
                Ok(n) => self.rbuf.extend_from_slice(&self.scratch[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(self.broke(lost(&e))),
            }
        };
        self.socket.set_nonblocking(false).map_err(|e| lost(&e))?;
        read?;
        while self.rbuf.len() >= 5 {
            let len = u32::from_be_bytes([self.rbuf[1], self.rbuf[2], self.rbuf[3], self.rbuf[4]])
                as usize;
            if len > self.max_message {
                // fill_message reports it.
                self.copy_refused = true;
                break;
            }
            if self.rbuf[0] != b'N' && self.rbuf[0] != b'S' {
                self.copy_refused = true;
                break;
            }
            if self.rbuf.len() <= len {
                break;
            }
            if let Message::NoticeResponse(body) = self.read_message().await? {
                notice(body.fields());
            }
        }
        Ok(())
    }

    /// Sends buffered COPY data, reading the server's notices whenever the socket will not
    /// take more (see [`Wire::drain_during_copy`]). A server that takes no data for the
    /// request timeout is [`Error::Timeout`].
    pub(super) async fn send_copy(&mut self) -> Result<(), Error> {
        if self.closed.is_some() {
            self.wbuf.clear();
            return Err(self.closed_error());
        }
        // Set until the loop ends: a future dropped in it leaves a CopyData half sent, and
        // the connection cannot be brought back in step (`recover.rs`).
        self.writing = true;
        let mut at = 0;
        let mut stalled_since: Option<std::time::Instant> = None;
        let result = loop {
            if self.copy_refused {
                break Ok(());
            }
            // All handed to the socket: over TLS, its last records may still wait in the
            // TLS layer (a write that found the socket full): flushed the same way.
            let step = if at >= self.wbuf.len() {
                if !self.socket.is_encrypted() {
                    break Ok(());
                }
                self.socket
                    .flush_io(Some(COPY_WRITE_WAIT))
                    .await
                    .map(|()| usize::MAX)
            } else {
                self.socket
                    .write_io(&self.wbuf[at..], Some(COPY_WRITE_WAIT))
                    .await
            };
            match step {
                Ok(usize::MAX) => break Ok(()),
                Ok(0) => {
                    break Err(self.broke(Error::ConnectionLost(
                        "the server closed the connection".into(),
                    )));
                }
                Ok(n) => {
                    at += n;
                    stalled_since = None;
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    let since = *stalled_since.get_or_insert_with(std::time::Instant::now);
                    if let Some(limit) = self.timeout.filter(|t| since.elapsed() >= *t) {
                        self.waiting_for = "the server to take COPY data";
                        break Err(self.timed_out(limit));
                    }
                    if let Err(e) = self.drain_during_copy().await {
                        break Err(e);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => break Err(self.broke(lost(&e))),
            }
        };
        self.writing = false;
        self.wbuf.clear();
        result
    }

    /// Whether the server refused the COPY FROM STDIN under way (its error is read when
    /// the COPY ends): the rest of the rows need not be produced.
    pub(crate) fn copy_refused(&self) -> bool {
        self.copy_refused
    }

    /// Starts `COPY ... FROM STDIN`.
    pub(crate) async fn copy_in_start(&mut self, sql: &str) -> Result<(), Error> {
        self.begin_request().await?;
        self.write_text(|buf| frontend::query(sql, buf))?;
        self.send_request().await?;
        loop {
            match self.read_message().await? {
                Message::CopyInResponse(_) => {
                    self.copy_refused = false;
                    self.copy_in = true;
                    self.socket
                        .set_write_timeout(Some(COPY_WRITE_WAIT))
                        .map_err(|e| lost(&e))?;
                    return Ok(());
                }
                Message::ErrorResponse(body) => {
                    let e = self.server_error(body.fields());
                    return self.until_ready(Some(e)).await.map(drop);
                }
                Message::NoticeResponse(body) => notice(body.fields()),
                Message::CloseComplete
                | Message::ParameterStatus(_)
                | Message::NotificationResponse(_) => {}
                Message::ReadyForQuery(body) => {
                    self.ready(body.status());
                    return Err(Error::Misuse(
                        "the statement is not a COPY FROM STDIN".into(),
                    ));
                }
                _ => {}
            }
        }
    }

    /// Buffers one CopyData message (sent when enough has gathered).
    pub(crate) async fn copy_data(&mut self, data: &[u8]) -> Result<(), Error> {
        if self.copy_refused {
            // The server has refused the COPY and drops whatever follows.
            return Ok(());
        }
        frontend::CopyData::new(data)
            .map_err(|e| lost(&e))?
            .write(&mut self.wbuf);
        if self.wbuf.len() >= COPY_FLUSH {
            self.send_copy().await?;
            self.copy_flushes = self.copy_flushes.wrapping_add(1);
            if self.copy_flushes.is_multiple_of(COPY_POLL_EVERY) && !self.copy_refused {
                // A refused COPY (a bad row) is ended at once instead of after all the
                // data: the server reads and drops what follows its error.
                self.drain_during_copy().await?;
            }
        }
        Ok(())
    }

    /// The end of COPY FROM STDIN's data: the last of it sent, writes back to blocking.
    pub(super) async fn end_copy(&mut self) -> Result<(), Error> {
        let sent = self.send_copy().await;
        self.copy_refused = false;
        self.copy_in = false;
        let timeout = self.socket_timeout;
        if let Err(e) = self.socket.set_write_timeout(timeout) {
            return Err(self.broke(lost(&e)));
        }
        sent
    }

    /// Ends COPY FROM STDIN: the number of rows stored.
    pub(crate) async fn copy_done(&mut self) -> Result<u64, Error> {
        frontend::copy_done(&mut self.wbuf);
        self.end_copy().await?;
        self.until_ready(None).await
    }

    /// Abandons COPY FROM STDIN: the server stores nothing of it.
    pub(crate) async fn copy_fail(&mut self, reason: &str) -> Result<(), Error> {
        frontend::copy_fail(reason, &mut self.wbuf).map_err(|e| lost(&e))?;
        self.end_copy().await?;
        // The server answers with its error for the failed COPY, which is expected.
        match self.until_ready(None).await {
            Ok(_) | Err(Error::Database(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Starts `COPY ... TO STDOUT`.
    pub(crate) async fn copy_out_start(&mut self, sql: &str) -> Result<(), Error> {
        self.begin_request().await?;
        self.write_text(|buf| frontend::query(sql, buf))?;
        self.send_request().await?;
        loop {
            match self.read_message().await? {
                Message::CopyOutResponse(_) => return Ok(()),
                Message::ErrorResponse(body) => {
                    let e = self.server_error(body.fields());
                    return self.until_ready(Some(e)).await.map(drop);
                }
                Message::ReadyForQuery(body) => {
                    self.ready(body.status());
                    return Err(Error::Misuse(
                        "the statement is not a COPY TO STDOUT".into(),
                    ));
                }
                _ => {}
            }
        }
    }

    /// The next CopyData message of COPY TO STDOUT when it is already in the read buffer,
    /// handed to `f` without waiting; `None` otherwise. The async stream's fast path.
    #[cfg(feature = "tokio")]
    pub(crate) fn copy_out_buffered<R>(&mut self, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
        match self.buffered()? {
            (b'd', total) => {
                let out = f(&self.rbuf[5..total]);
                self.rbuf.advance(total);
                Some(out)
            }
            _ => None,
        }
    }

    /// Marks (or clears) a COPY TO STDOUT left unread by an async stream.
    #[cfg(feature = "tokio")]
    pub(crate) fn owe_copy_out(&mut self, owed: bool) {
        self.copy_out_owed = owed && self.pending && self.closed.is_none();
    }

    /// Whether a COPY TO STDOUT was left unread (see [`Wire::owe_copy_out`]).
    #[cfg(feature = "tokio")]
    pub(crate) fn copy_out_owed(&self) -> bool {
        self.copy_out_owed && self.closed.is_none()
    }

    /// The next CopyData message of COPY TO STDOUT, handed to `f`; `None` at the end.
    pub(crate) async fn copy_out_next<R>(
        &mut self,
        f: impl FnOnce(&[u8]) -> R,
    ) -> Option<Result<R, Error>> {
        loop {
            let (tag, total) = match next_message!(self) {
                Ok(m) => m,
                Err(e) => return Some(Err(e)),
            };
            if tag == b'd' {
                let out = f(&self.rbuf[5..total]);
                self.rbuf.advance(total);
                return Some(Ok(out));
            }
            match self.read_message().await {
                Err(e) => return Some(Err(e)),
                Ok(Message::CopyDone) => {}
                Ok(Message::CommandComplete(_)) => {
                    return self.until_ready(None).await.err().map(Err);
                }
                Ok(Message::ErrorResponse(body)) => {
                    let e = self.server_error(body.fields());
                    // Reads up to ReadyForQuery; a lost connection is recorded there.
                    let _ = self.until_ready(None).await;
                    return Some(Err(e));
                }
                Ok(_) => {}
            }
        }
    }
}

/// A value's binary serialization for COPY: appends the 4-byte length and the bytes.
pub(crate) fn write_copy_value(
    value: &(dyn ToSql + Sync),
    ty: &Type,
    out: &mut BytesMut,
) -> Result<(), Box<dyn std::error::Error + Sync + Send>> {
    use bytes::BufMut;
    let at = out.len();
    out.put_i32(0);
    match value.to_sql_checked(ty, out)? {
        IsNull::Yes => {
            out.truncate(at);
            out.put_i32(-1);
        }
        IsNull::No => {
            let len = i32::try_from(out.len() - at - 4).map_err(|_| "value over 2 GiB")?;
            out[at..at + 4].copy_from_slice(&len.to_be_bytes());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_values_are_length_prefixed_and_null_is_minus_one() {
        let mut out = BytesMut::new();
        write_copy_value(&"héllo", &Type::TEXT, &mut out).unwrap();
        write_copy_value(&None::<i32>, &Type::INT4, &mut out).unwrap();
        write_copy_value(&7i32, &Type::INT4, &mut out).unwrap();
        assert_eq!(
            &out[..],
            b"\x00\x00\x00\x06h\xc3\xa9llo\xff\xff\xff\xff\x00\x00\x00\x04\x00\x00\x00\x07"
        );
        // A value of the wrong type is refused.
        assert!(write_copy_value(&7i32, &Type::TEXT, &mut out).is_err());
    }
}
