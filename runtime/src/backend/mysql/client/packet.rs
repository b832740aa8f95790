//! MySQL packets on a socket: a 4-byte header (the payload's length in 3 bytes, then a
//! sequence id counting from 0 in each command), payloads of 16 MiB - 1 bytes or more split
//! across packets (the last one shorter, empty if need be) and joined again on reading.
//!
//! Reads fill a buffer of the connection's own; a packet is taken from it only once the
//! whole of it is there, so a read whose future is dropped (async) loses nothing: the
//! bytes wait in the buffer for the next read. Only a payload longer than the buffer is
//! taken as it arrives (`partial`: a drop then leaves the connection out of step).

pub(crate) use super::socket::Stream;
use crate::engine::wire::TlsStream;
use crate::engine::Error;
use std::io;
use std::net::TcpStream;
use std::time::Duration;

/// The longest payload one packet carries; a payload this long or longer goes on in the
/// next packet.
pub(crate) const MAX_CHUNK: usize = 0xFF_FFFF;

/// The read buffer's size: packets up to this long (header included) are read whole into
/// it; a longer one is read as it arrives.
const READ_BUFFER: usize = 16 * 1024;

/// A protocol violation: the connection cannot be trusted any more.
pub(crate) fn protocol(what: impl Into<String>) -> Error {
    Error::ConnectionLost(format!("protocol violation: {}", what.into()))
}

/// The packet layer of one connection.
pub(crate) struct Packets {
    stream: Stream,
    /// Bytes read from the socket; `rbuf[rpos..rend]` not yet taken.
    rbuf: Box<[u8]>,
    rpos: usize,
    rend: usize,
    /// The sequence id the next packet (either way) must carry.
    seq: u8,
    /// The longest joined payload accepted from the server.
    max_payload: usize,
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
    /// The outgoing packet being built: 4 header bytes, then the payload.
    out: Vec<u8>,
    /// A send, or a read of a payload longer than the buffer, is under way: still set when
    /// its future was dropped half-way, which leaves the connection out of step.
    pub(crate) partial: bool,
}

impl Packets {
    pub(crate) fn new(
        stream: Stream,
        read_timeout: Option<Duration>,
        write_timeout: Option<Duration>,
        max_payload: usize,
    ) -> Packets {
        Packets {
            stream,
            rbuf: vec![0; READ_BUFFER].into_boxed_slice(),
            rpos: 0,
            rend: 0,
            seq: 0,
            max_payload,
            read_timeout,
            write_timeout,
            out: Vec::with_capacity(256),
            partial: false,
        }
    }

    /// A socket error: a read or write that waited out the URL's timeout is
    /// [`Error::Timeout`], any other [`Error::ConnectionLost`].
    fn io(&self, e: io::Error, reading: bool) -> Error {
        let (limit, which) = if reading {
            (self.read_timeout, "read_timeout")
        } else {
            (self.write_timeout, "write_timeout")
        };
        match (e.kind(), limit) {
            (io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut, Some(waited)) => Error::Timeout {
                waiting_for: format!("the server (the URL's {which})"),
                waited,
            },
            (io::ErrorKind::UnexpectedEof, _) => {
                Error::ConnectionLost("the server closed the connection".into())
            }
            _ => Error::ConnectionLost(format!("connection to the server failed: {e}")),
        }
    }

    /// The socket (for tests that look at its settings).
    #[cfg(test)]
    pub(crate) fn stream(&self) -> &Stream {
        &self.stream
    }

    /// Sets how long a read or a write may wait from now on.
    pub(crate) fn set_timeouts(
        &mut self,
        read: Option<Duration>,
        write: Option<Duration>,
    ) -> Result<(), Error> {
        self.read_timeout = read;
        self.write_timeout = write;
        let result = self.stream.set_timeouts(read, write);
        result.map_err(|e| Error::ConnectionLost(format!("could not set the timeouts: {e}")))
    }

    /// Puts TLS under the packets after the SSLRequest: `upgrade` runs the handshake on the
    /// TCP socket, and the exchange goes on over its stream with the next sequence id.
    /// Anything the server sent before the handshake is a protocol violation (it could
    /// only have been injected by whoever sits on the plain-text path).
    pub(crate) fn upgrade(
        self,
        upgrade: impl FnOnce(TcpStream) -> Result<TlsStream, Error>,
    ) -> Result<Packets, Error> {
        self.check_upgrade()?;
        let Stream::Tcp(tcp) = self.stream else {
            return Err(protocol("TLS asked for on a socket that is not TCP"));
        };
        let stream = Stream::Tls(Box::new(upgrade(tcp)?));
        Ok(Packets { stream, ..self })
    }

    /// Nothing may have come from the server before the TLS handshake.
    pub(crate) fn check_upgrade(&self) -> Result<(), Error> {
        if self.rpos != self.rend {
            return Err(protocol("bytes from the server before the TLS handshake"));
        }
        Ok(())
    }

    /// [`upgrade`](Self::upgrade) on a tokio socket: `upgrade` takes the socket and gives
    /// the TLS one.
    #[cfg(feature = "tokio")]
    pub(crate) async fn upgrade_async<F>(
        self,
        upgrade: impl FnOnce(Stream) -> F,
    ) -> Result<Packets, Error>
    where
        F: std::future::Future<Output = Result<Stream, Error>>,
    {
        self.check_upgrade()?;
        let stream = upgrade(self.stream).await?;
        Ok(Packets { stream, ..self })
    }

    /// Starts a new command: the sequence counts from 0 again.
    pub(crate) fn start_command(&mut self) -> &mut Vec<u8> {
        self.seq = 0;
        self.start()
    }

    /// Starts the next packet of the current exchange (a login answer), and gives the
    /// buffer its payload is written to.
    pub(crate) fn start(&mut self) -> &mut Vec<u8> {
        self.out.clear();
        self.out.extend_from_slice(&[0; 4]);
        &mut self.out
    }

    /// Sends the packet built since [`start`](Self::start), split if it is long.
    pub(crate) async fn send(&mut self) -> Result<(), Error> {
        self.partial = true;
        let len = self.out.len() - 4;
        if len < MAX_CHUNK {
            let header = (len as u32).to_le_bytes();
            self.out[..3].copy_from_slice(&header[..3]);
            self.out[3] = self.seq;
            self.seq = self.seq.wrapping_add(1);
            let result = self
                .stream
                .write_all_io(&self.out, self.write_timeout)
                .await;
            self.partial = false;
            return result.map_err(|e| self.io(e, false));
        }
        // Long: one packet per 16 MiB - 1, the last shorter (empty when the length is a
        // multiple), each header written before its part.
        let mut at = 4;
        loop {
            let part = (self.out.len() - at).min(MAX_CHUNK);
            let mut header = (part as u32).to_le_bytes();
            header[3] = self.seq;
            self.seq = self.seq.wrapping_add(1);
            let timeout = self.write_timeout;
            let mut result = self.stream.write_all_io(&header, timeout).await;
            if result.is_ok() {
                let body = &self.out[at..at + part];
                result = self.stream.write_all_io(body, timeout).await;
            }
            result.map_err(|e| self.io(e, false))?;
            at += part;
            if part < MAX_CHUNK {
                self.partial = false;
                return Ok(());
            }
        }
    }

    /// Sends the packet built since [`start`](Self::start) if the socket takes it now,
    /// without waiting (COM_QUIT from `Drop`).
    pub(crate) fn send_now(&mut self) {
        let len = self.out.len() - 4;
        if len < MAX_CHUNK {
            let header = (len as u32).to_le_bytes();
            self.out[..3].copy_from_slice(&header[..3]);
            self.out[3] = self.seq;
            self.stream.write_now(&self.out);
        }
    }

    /// Reads from the socket until at least `n` bytes (at most the buffer's size) are
    /// buffered, moving what is there to the front first when the rest would not fit.
    async fn fill(&mut self, n: usize) -> Result<(), Error> {
        if self.rpos + n > self.rbuf.len() {
            self.rbuf.copy_within(self.rpos..self.rend, 0);
            self.rend -= self.rpos;
            self.rpos = 0;
        }
        while self.rend - self.rpos < n {
            let timeout = self.read_timeout;
            let got = self
                .stream
                .read_io(&mut self.rbuf[self.rend..], timeout)
                .await;
            match got {
                Ok(0) => return Err(self.io(io::ErrorKind::UnexpectedEof.into(), true)),
                Ok(got) => self.rend += got,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io(e, true)),
            }
        }
        Ok(())
    }

    /// The next packet's header, buffered (not taken): its payload's length, checked
    /// against the sequence id due and the payload's limit (`joined`: the bytes of the
    /// payload already read, for a long one).
    #[inline]
    fn header(&self, joined: usize) -> Result<usize, Error> {
        let h = &self.rbuf[self.rpos..self.rpos + 4];
        let len = u32::from_le_bytes([h[0], h[1], h[2], 0]) as usize;
        if h[3] != self.seq {
            return Err(protocol(format!(
                "a packet with sequence id {} where {} was due",
                h[3], self.seq
            )));
        }
        let total = joined + len;
        if total > self.max_payload {
            return Err(Error::MessageTooLarge {
                size: total as u64,
                limit: self.max_payload as u64,
            });
        }
        Ok(len)
    }

    /// Reads one payload into `buf` (emptied first), joining the packets of a long one.
    /// The sequence id of each packet is checked; a payload longer than the limit is
    /// refused before it is read. A packet already in the buffer is taken without an await.
    #[inline]
    pub(crate) async fn read(&mut self, buf: &mut Vec<u8>) -> Result<(), Error> {
        if self.read_buffered(buf)? {
            return Ok(());
        }
        self.read_more(buf).await
    }

    /// Takes the next payload into `buf` (emptied first) when its packet is wholly in the
    /// buffer, in plain code: `false` (nothing taken) when it is not. A row loop calls this
    /// first and awaits [`read`](Self::read) only at a refill, so a buffered row costs no
    /// future (see docs/design.md, "Async on MySQL": the blocking path's cost).
    #[inline]
    pub(crate) fn read_buffered(&mut self, buf: &mut Vec<u8>) -> Result<bool, Error> {
        buf.clear();
        if self.rend - self.rpos >= 4 {
            let len = self.header(0)?;
            if len < MAX_CHUNK && self.rend - self.rpos >= 4 + len {
                let at = self.rpos + 4;
                buf.extend_from_slice(&self.rbuf[at..at + len]);
                self.rpos = at + len;
                self.seq = self.seq.wrapping_add(1);
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// [`read`](Self::read) of a packet not (wholly) buffered.
    async fn read_more(&mut self, buf: &mut Vec<u8>) -> Result<(), Error> {
        loop {
            self.fill(4).await?;
            let len = self.header(buf.len())?;
            if 4 + len <= self.rbuf.len() && !self.partial {
                // Whole in the buffer before any of it is taken.
                self.fill(4 + len).await?;
                let at = self.rpos + 4;
                buf.extend_from_slice(&self.rbuf[at..at + len]);
                self.rpos = at + len;
                self.seq = self.seq.wrapping_add(1);
            } else {
                // Long (or a part of a long payload): taken as it arrives, so a length the
                // server announces but never sends allocates nothing up front.
                self.partial = true;
                self.rpos += 4;
                self.seq = self.seq.wrapping_add(1);
                let mut left = len;
                while left > 0 {
                    if self.rpos == self.rend {
                        self.rpos = 0;
                        self.rend = 0;
                        self.fill(1).await?;
                    }
                    let n = left.min(self.rend - self.rpos);
                    buf.extend_from_slice(&self.rbuf[self.rpos..self.rpos + n]);
                    self.rpos += n;
                    left -= n;
                }
            }
            if len < MAX_CHUNK {
                self.partial = false;
                return Ok(());
            }
            self.partial = true;
        }
    }
}

impl Packets {
    /// Whether the socket is a tokio one.
    #[cfg(feature = "tokio")]
    pub(crate) fn is_async(&self) -> bool {
        matches!(self.stream, Stream::Async(_))
    }
}
