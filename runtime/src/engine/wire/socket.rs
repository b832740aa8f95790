//! The socket under a connection: opening it (with a deadline and TCP keepalives),
//! sending, and reading whole messages within the connection's limits (message size,
//! request timeout, a deadline).

use super::*;
use std::time::Instant;

/// The socket under a connection.
pub(super) enum Socket {
    Tcp(TcpStream),
    #[cfg(unix)]
    Unix(UnixStream),
    /// TLS over TCP (see `tls.rs`).
    Tls(Box<super::tls::TlsStream>),
    /// A socket of the tokio runtime (see `tokio_socket.rs`).
    #[cfg(feature = "tokio")]
    Async(Box<super::tokio_socket::AsyncSocket>),
}

impl Socket {
    pub(super) fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Socket::Tcp(s) => s.set_read_timeout(t),
            #[cfg(unix)]
            Socket::Unix(s) => s.set_read_timeout(t),
            Socket::Tls(s) => s.tcp().set_read_timeout(t),
            // Each wait is given its time when it starts.
            #[cfg(feature = "tokio")]
            Socket::Async(_) => Ok(()),
        }
    }

    pub(super) fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Socket::Tcp(s) => s.set_write_timeout(t),
            #[cfg(unix)]
            Socket::Unix(s) => s.set_write_timeout(t),
            Socket::Tls(s) => s.tcp().set_write_timeout(t),
            #[cfg(feature = "tokio")]
            Socket::Async(_) => Ok(()),
        }
    }

    pub(super) fn set_nonblocking(&self, on: bool) -> io::Result<()> {
        match self {
            Socket::Tcp(s) => s.set_nonblocking(on),
            #[cfg(unix)]
            Socket::Unix(s) => s.set_nonblocking(on),
            Socket::Tls(s) => s.tcp().set_nonblocking(on),
            #[cfg(feature = "tokio")]
            Socket::Async(_) => Ok(()),
        }
    }

    /// Closes both directions now (the server sees the connection end).
    fn shutdown(&mut self) {
        let _ = match self {
            Socket::Tcp(s) => s.shutdown(std::net::Shutdown::Both),
            #[cfg(unix)]
            Socket::Unix(s) => s.shutdown(std::net::Shutdown::Both),
            Socket::Tls(s) => {
                s.shutdown();
                Ok(())
            }
            #[cfg(feature = "tokio")]
            Socket::Async(s) => {
                s.shutdown();
                Ok(())
            }
        };
    }

    /// Whether this is a Unix-domain socket (local: nothing on it crosses a network).
    /// The TCP peer's address (`None` for a Unix-domain socket).
    pub(super) fn peer_addr(&self) -> Option<std::net::SocketAddr> {
        match self {
            Socket::Tcp(s) => s.peer_addr().ok(),
            Socket::Tls(s) => s.tcp().peer_addr().ok(),
            #[cfg(unix)]
            Socket::Unix(_) => None,
            #[cfg(feature = "tokio")]
            Socket::Async(s) => s.peer_addr(),
        }
    }

    pub(super) fn is_local(&self) -> bool {
        match self {
            #[cfg(feature = "tokio")]
            Socket::Async(s) => s.is_local(),
            other => matches!(other, Socket::Unix(_)),
        }
    }

    /// Whether what is sent is encrypted (TLS).
    pub(super) fn is_encrypted(&self) -> bool {
        match self {
            #[cfg(feature = "tokio")]
            Socket::Async(s) => s.is_encrypted(),
            other => matches!(other, Socket::Tls(_)),
        }
    }

    /// The `tls-server-end-point` data for SCRAM channel binding: `None` without TLS,
    /// `Some(None)` over TLS with a certificate whose signature names no hash.
    pub(super) fn tls_server_end_point(&self) -> Option<Option<&[u8]>> {
        match self {
            Socket::Tls(s) => Some(s.server_end_point()),
            #[cfg(feature = "tokio")]
            Socket::Async(s) => s.tls_server_end_point(),
            _ => None,
        }
    }

    #[cfg(test)]
    /// The TCP keepalive settings in force (`None` when off or not TCP), as the kernel
    /// reports them.
    pub(super) fn keepalive(&self) -> Option<Keepalive> {
        let sock = match self {
            Socket::Tcp(s) => socket2::SockRef::from(s),
            Socket::Tls(s) => socket2::SockRef::from(s.tcp()),
            #[cfg(unix)]
            Socket::Unix(_) => return None,
            #[cfg(feature = "tokio")]
            Socket::Async(s) => s.tcp_ref()?,
        };
        if !sock.keepalive().ok()? {
            return None;
        }
        Some(Keepalive {
            idle: sock.tcp_keepalive_time().ok()?,
            interval: sock.tcp_keepalive_interval().ok()?,
            count: sock.tcp_keepalive_retries().ok()?,
        })
    }
}

impl Socket {
    /// One read. A blocking socket waits here (its timeout set on the socket); an async
    /// one awaits the runtime, for at most `timeout`.
    #[inline]
    pub(super) async fn read_io(
        &mut self,
        buf: &mut [u8],
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        match self {
            #[cfg(feature = "tokio")]
            Socket::Async(s) => s.read(buf, timeout).await,
            _ => {
                let _ = timeout;
                self.read(buf)
            }
        }
    }

    /// One write (see [`read_io`](Self::read_io)).
    #[inline]
    pub(super) async fn write_io(
        &mut self,
        buf: &[u8],
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        match self {
            #[cfg(feature = "tokio")]
            Socket::Async(s) => s.write(buf, timeout).await,
            _ => {
                let _ = timeout;
                self.write(buf)
            }
        }
    }

    /// Sends what a TLS layer still holds (see [`read_io`](Self::read_io)).
    #[inline]
    pub(super) async fn flush_io(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        match self {
            #[cfg(feature = "tokio")]
            Socket::Async(s) => s.flush(timeout).await,
            _ => {
                let _ = timeout;
                self.flush()
            }
        }
    }
}

impl Read for Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Socket::Tcp(s) => s.read(buf),
            #[cfg(unix)]
            Socket::Unix(s) => s.read(buf),
            Socket::Tls(s) => s.read(buf),
            // Only a non-waiting read reaches here (COPY's drain).
            #[cfg(feature = "tokio")]
            Socket::Async(s) => s.read_now(buf),
        }
    }
}

impl Write for Socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Socket::Tcp(s) => s.write(buf),
            #[cfg(unix)]
            Socket::Unix(s) => s.write(buf),
            Socket::Tls(s) => s.write(buf),
            #[cfg(feature = "tokio")]
            Socket::Async(_) => Err(io::ErrorKind::WouldBlock.into()),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Socket::Tcp(s) => s.flush(),
            #[cfg(unix)]
            Socket::Unix(s) => s.flush(),
            Socket::Tls(s) => s.flush(),
            #[cfg(feature = "tokio")]
            Socket::Async(_) => Ok(()),
        }
    }
}

/// The deadline state a [`Wire::enter_deadline`] replaced.
pub(crate) struct Saved(Option<Instant>, Instant, &'static str);

/// Whether an I/O error is a socket timeout (`SO_RCVTIMEO`/`SO_SNDTIMEO` ran out).
pub(super) fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

impl Wire {
    /// Marks the connection unusable for `error`'s reason, shuts the socket, and returns
    /// the error.
    pub(super) fn broke(&mut self, error: Error) -> Error {
        if self.closed.is_none() {
            self.closed = Some(error.to_string());
            self.socket.shutdown();
            self.cancel_connection_closed();
        }
        error
    }

    /// The error for using a connection that is closed, with the reason it closed.
    pub(super) fn closed_error(&self) -> Error {
        Error::ConnectionLost(match &self.closed {
            Some(reason) => format!("the connection was closed earlier: {reason}"),
            None => "the connection is closed".into(),
        })
    }

    /// The client gave up waiting for the server.
    /// The server's work is cancelled first (when a request is in flight and the server
    /// gave a cancel key), so it does not run on after the client stopped waiting.
    pub(super) fn timed_out(&mut self, waited: Duration) -> Error {
        self.cancel_before_giving_up();
        let waiting_for = self.waiting_for.to_string();
        self.broke(Error::Timeout {
            waiting_for,
            waited,
        })
    }

    /// The longest the connection waits for the server to answer or take data: `None`
    /// waits for ever. Applies to every wait from now on (each wait, not the sum: a
    /// long result that keeps arriving is not cut off).
    pub(crate) fn set_request_timeout(&mut self, timeout: Option<Duration>) -> Result<(), Error> {
        let timeout = timeout.map(|t| t.max(Duration::from_millis(1)));
        self.timeout = timeout;
        self.socket_timeout = timeout;
        let set = self
            .socket
            .set_read_timeout(timeout)
            .and_then(|()| self.socket.set_write_timeout(timeout));
        set.map_err(|e| self.broke(lost(&e)))
    }

    /// The request timeout in force.
    pub(crate) fn request_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Makes every wait from now on end by `deadline` (a pool's checkout, a login): a
    /// wait past it is [`Error::Timeout`] and closes the connection. Undone by
    /// [`leave_deadline`](Self::leave_deadline), which gets what this returns.
    pub(crate) fn enter_deadline(&mut self, deadline: Instant, waiting_for: &'static str) -> Saved {
        let saved = Saved(self.deadline, self.deadline_started, self.waiting_for);
        self.deadline_scopes += 1;
        self.deadline = Some(deadline);
        self.deadline_started = Instant::now();
        self.waiting_for = waiting_for;
        saved
    }

    /// Ends what [`enter_deadline`](Self::enter_deadline) began, passing `result` on.
    pub(crate) fn leave_deadline<T>(
        &mut self,
        saved: Saved,
        result: Result<T, Error>,
    ) -> Result<T, Error> {
        (self.deadline, self.deadline_started, self.waiting_for) = (saved.0, saved.1, saved.2);
        self.deadline_scopes = self.deadline_scopes.saturating_sub(1);
        if self.closed.is_none() && self.socket_timeout != self.timeout {
            // Back to the request timeout after the deadline shortened the socket's.
            self.set_request_timeout(self.timeout)?;
        }
        result
    }

    /// At the start of a top-level operation (no deadline scope can be open then): a scope
    /// still open was left by a future dropped inside it, and its deadline would cut short
    /// every later wait; it is closed.
    #[inline]
    pub(crate) fn close_abandoned_scopes(&mut self) -> Result<(), Error> {
        if self.deadline_scopes == 0 {
            return Ok(());
        }
        self.deadline_scopes = 0;
        self.deadline = None;
        self.waiting_for = "the server's answer";
        if self.closed.is_none() && self.socket_timeout != self.timeout {
            self.set_request_timeout(self.timeout)?;
        }
        Ok(())
    }

    /// Before a socket wait under a deadline: the socket's timeout shortened to what is
    /// left of it, or [`Error::Timeout`] when nothing is left.
    fn wait_budget(&mut self) -> Result<(), Error> {
        let Some(deadline) = self.deadline else {
            return Ok(());
        };
        let started = self.deadline_started;
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(self.timed_out(deadline.saturating_duration_since(started)));
        }
        if self.socket_timeout != Some(left) {
            let set = self
                .socket
                .set_read_timeout(Some(left))
                .and_then(|()| self.socket.set_write_timeout(Some(left)));
            set.map_err(|e| self.broke(lost(&e)))?;
            self.socket_timeout = Some(left);
        }
        Ok(())
    }

    /// Sends everything buffered.
    pub(super) async fn send(&mut self) -> Result<(), Error> {
        if self.closed.is_some() {
            self.wbuf.clear();
            return Err(self.closed_error());
        }
        // Set until the loop ends: a future dropped in it leaves the mark (`recover.rs`).
        self.writing = true;
        let mut at = 0;
        let result = loop {
            if let Err(e) = self.wait_budget() {
                break Err(e);
            }
            let written = if at == self.wbuf.len() {
                // What TLS still holds goes out (nothing to do for a plain socket).
                match self.socket.flush_io(self.socket_timeout).await {
                    Ok(()) => break Ok(()),
                    Err(e) => Err(e),
                }
            } else {
                self.socket
                    .write_io(&self.wbuf[at..], self.socket_timeout)
                    .await
            };
            match written {
                Ok(0) => break Err(self.broke(lost(&io::ErrorKind::WriteZero.into()))),
                Ok(n) => {
                    // Bytes of the request went out: the server may run it.
                    self.sent = true;
                    at += n;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_timeout(&e) && self.deadline.is_some() => {}
                Err(e) if is_timeout(&e) => {
                    let waited = self.timeout.unwrap_or_default();
                    break Err(self.timed_out(waited));
                }
                Err(e) => break Err(self.broke(lost(&e))),
            }
        };
        self.writing = false;
        self.wbuf.clear();
        result
    }

    /// The tag and total length of the message at the front of `rbuf` when it is there
    /// whole: plain code, so that a read loop awaits only at a refill (see `next_message!`).
    #[inline(always)]
    pub(super) fn buffered(&self) -> Option<(u8, usize)> {
        if self.rbuf.len() >= 5 {
            let len = u32::from_be_bytes([self.rbuf[1], self.rbuf[2], self.rbuf[3], self.rbuf[4]])
                as usize;
            if self.rbuf.len() > len && len >= 4 {
                return Some((self.rbuf[0], len + 1));
            }
        }
        None
    }

    /// Reads until `rbuf` holds a whole message; returns its tag and total length (tag
    /// included). A message longer than the connection's limit closes it with
    /// [`Error::MessageTooLarge`]; the buffer grows as bytes arrive, never by the length a
    /// message announces.
    pub(super) async fn fill_more(&mut self) -> Result<(u8, usize), Error> {
        loop {
            if self.rbuf.len() >= 5 {
                let len =
                    u32::from_be_bytes([self.rbuf[1], self.rbuf[2], self.rbuf[3], self.rbuf[4]])
                        as usize;
                if self.rbuf.len() > len && len >= 4 {
                    return Ok((self.rbuf[0], len + 1));
                }
                self.check_length(len)?;
            }
            self.read_more().await?;
        }
    }

    #[cold]
    fn check_length(&mut self, len: usize) -> Result<(), Error> {
        if len < 4 {
            return Err(self.broke(protocol("message length under 4")));
        }
        if len > self.max_message {
            return Err(self.broke(Error::MessageTooLarge {
                size: len as u64,
                limit: self.max_message as u64,
            }));
        }
        Ok(())
    }

    pub(super) async fn read_more(&mut self) -> Result<(), Error> {
        if self.closed.is_some() {
            return Err(self.closed_error());
        }
        loop {
            self.wait_budget()?;
            let read = self
                .socket
                .read_io(&mut self.scratch, self.socket_timeout)
                .await;
            match read {
                Ok(0) => {
                    let reason = match self.server_fatal.take() {
                        Some(why) => format!("the server closed the connection: {why}"),
                        None => "the server closed the connection".to_string(),
                    };
                    return Err(self.broke(Error::ConnectionLost(reason)));
                }
                Ok(n) => {
                    self.rbuf.extend_from_slice(&self.scratch[..n]);
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                // Under a deadline, the loop's next budget check decides.
                Err(e) if is_timeout(&e) && self.deadline.is_some() => {}
                Err(e) if is_timeout(&e) => {
                    let waited = self.timeout.unwrap_or_default();
                    return Err(self.timed_out(waited));
                }
                Err(e) => return Err(self.broke(lost(&e))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A server that lets anyone in: reads the startup message, answers
    /// AuthenticationOk and ReadyForQuery, then waits for the client to leave.
    fn trusting_server() -> (u16, std::thread::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut len = [0u8; 4];
            s.read_exact(&mut len).unwrap();
            let mut rest = vec![0u8; u32::from_be_bytes(len) as usize - 4];
            s.read_exact(&mut rest).unwrap();
            s.write_all(b"R\0\0\0\x08\0\0\0\0Z\0\0\0\x05I").unwrap();
            let _ = s.read(&mut [0u8; 16]);
        });
        (port, handle)
    }

    fn config(port: u16, keepalive: Option<Keepalive>) -> Config {
        Config {
            keepalive,
            ..Config::for_test(port)
        }
    }

    #[test]
    fn a_known_peer_address_is_used_without_resolving_the_name_again() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let peer = listener.local_addr().unwrap();
        let config = Config {
            // A name that resolves nowhere: only the recorded address can be reached.
            host: Host::Tcp("no-such-host.invalid".into()),
            peer: Some(peer),
            ..Config::for_test(peer.port())
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        let socket = open(&config, deadline).expect("connects to the recorded address");
        assert_eq!(socket.peer_addr(), Some(peer));
        let without = Config {
            peer: None,
            ..config
        };
        assert!(open(&without, deadline).is_err());
    }

    #[test]
    fn tcp_keepalive_is_set_as_configured() {
        let (port, server) = trusting_server();
        let wire = now(Wire::connect(
            &config(port, Some(Keepalive::default())),
            SocketKind::Blocking,
        ))
        .unwrap();
        let k = wire.keepalive().expect("keepalive on");
        assert_eq!(k, Keepalive::default());
        drop(wire);
        server.join().unwrap();

        let custom = Keepalive {
            idle: Duration::from_secs(7),
            interval: Duration::from_secs(3),
            count: 2,
        };
        let (port, server) = trusting_server();
        let wire = now(Wire::connect(
            &config(port, Some(custom)),
            SocketKind::Blocking,
        ))
        .unwrap();
        assert_eq!(wire.keepalive(), Some(custom));
        drop(wire);
        server.join().unwrap();

        let (port, server) = trusting_server();
        let wire = now(Wire::connect(&config(port, None), SocketKind::Blocking)).unwrap();
        assert_eq!(wire.keepalive(), None);
        drop(wire);
        server.join().unwrap();
    }
}
