//! MySQL packets on a socket: a 4-byte header (the payload's length in 3 bytes, then a
//! sequence id counting from 0 in each command), payloads of 16 MiB - 1 bytes or more split
//! across packets (the last one shorter, empty if need be) and joined again on reading.

use crate::engine::wire::TlsStream;
use crate::engine::Error;
use std::io::{self, BufReader, Read, Write};
use std::net::TcpStream;
#[cfg(unix)]
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// The longest payload one packet carries; a payload this long or longer goes on in the
/// next packet.
pub(crate) const MAX_CHUNK: usize = 0xFF_FFFF;

/// Packets up to this long are read straight into a buffer of their announced length.
const DIRECT_READ: usize = 64 * 1024;

/// The socket: TCP, a Unix socket on the same machine, or TLS over TCP. One match per
/// read or write of the `BufReader` (not per packet), as between TCP and Unix before: the
/// plain-text path gains a match arm, no allocation and no indirection.
pub(crate) enum Stream {
    Tcp(TcpStream),
    #[cfg(unix)]
    Unix(UnixStream),
    Tls(Box<TlsStream>),
}

impl Stream {
    pub(crate) fn set_timeouts(
        &self,
        read: Option<Duration>,
        write: Option<Duration>,
    ) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => {
                s.set_read_timeout(read)?;
                s.set_write_timeout(write)?;
                s.set_nodelay(true)
            }
            #[cfg(unix)]
            Stream::Unix(s) => {
                s.set_read_timeout(read)?;
                s.set_write_timeout(write)
            }
            Stream::Tls(s) => {
                s.tcp().set_read_timeout(read)?;
                s.tcp().set_write_timeout(write)?;
                s.tcp().set_nodelay(true)
            }
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            #[cfg(unix)]
            Stream::Unix(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            #[cfg(unix)]
            Stream::Unix(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.flush(),
            #[cfg(unix)]
            Stream::Unix(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// A protocol violation: the connection cannot be trusted any more.
pub(crate) fn protocol(what: impl Into<String>) -> Error {
    Error::ConnectionLost(format!("protocol violation: {}", what.into()))
}

/// The packet layer of one connection.
pub(crate) struct Packets {
    reader: BufReader<Stream>,
    /// The sequence id the next packet (either way) must carry.
    seq: u8,
    /// The longest joined payload accepted from the server.
    max_payload: usize,
    read_timeout: Option<Duration>,
    write_timeout: Option<Duration>,
    /// The outgoing packet being built: 4 header bytes, then the payload.
    out: Vec<u8>,
}

impl Packets {
    pub(crate) fn new(
        stream: Stream,
        read_timeout: Option<Duration>,
        write_timeout: Option<Duration>,
        max_payload: usize,
    ) -> Packets {
        Packets {
            reader: BufReader::with_capacity(16 * 1024, stream),
            seq: 0,
            max_payload,
            read_timeout,
            write_timeout,
            out: Vec::with_capacity(256),
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

    /// Sets how long a read or a write may wait from now on.
    pub(crate) fn set_timeouts(
        &mut self,
        read: Option<Duration>,
        write: Option<Duration>,
    ) -> Result<(), Error> {
        self.read_timeout = read;
        self.write_timeout = write;
        let result = self.reader.get_ref().set_timeouts(read, write);
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
        if !self.reader.buffer().is_empty() {
            return Err(protocol("bytes from the server before the TLS handshake"));
        }
        let Stream::Tcp(tcp) = self.reader.into_inner() else {
            return Err(protocol("TLS asked for on a socket that is not TCP"));
        };
        let stream = Stream::Tls(Box::new(upgrade(tcp)?));
        Ok(Packets {
            reader: BufReader::with_capacity(16 * 1024, stream),
            ..self
        })
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
    pub(crate) fn send(&mut self) -> Result<(), Error> {
        let len = self.out.len() - 4;
        if len < MAX_CHUNK {
            let header = (len as u32).to_le_bytes();
            self.out[..3].copy_from_slice(&header[..3]);
            self.out[3] = self.seq;
            self.seq = self.seq.wrapping_add(1);
            let result = self.reader.get_mut().write_all(&self.out);
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
            let stream = self.reader.get_mut();
            let result = stream
                .write_all(&header)
                .and_then(|()| stream.write_all(&self.out[at..at + part]));
            result.map_err(|e| self.io(e, false))?;
            at += part;
            if part < MAX_CHUNK {
                return Ok(());
            }
        }
    }

    /// Reads one payload into `buf` (emptied first), joining the packets of a long one.
    /// The sequence id of each packet is checked; a payload longer than the limit is
    /// refused before it is read.
    pub(crate) fn read(&mut self, buf: &mut Vec<u8>) -> Result<(), Error> {
        buf.clear();
        loop {
            let mut header = [0u8; 4];
            if let Err(e) = self.reader.read_exact(&mut header) {
                return Err(self.io(e, true));
            }
            let len = u32::from_le_bytes([header[0], header[1], header[2], 0]) as usize;
            if header[3] != self.seq {
                return Err(protocol(format!(
                    "a packet with sequence id {} where {} was due",
                    header[3], self.seq
                )));
            }
            self.seq = self.seq.wrapping_add(1);
            let total = buf.len() + len;
            if total > self.max_payload {
                return Err(Error::MessageTooLarge {
                    size: total as u64,
                    limit: self.max_payload as u64,
                });
            }
            let start = buf.len();
            if len <= DIRECT_READ {
                buf.resize(start + len, 0);
                if let Err(e) = self.reader.read_exact(&mut buf[start..]) {
                    return Err(self.io(e, true));
                }
            } else {
                // Long: grows as bytes arrive, so a length the server announces but never
                // sends allocates nothing up front.
                let got = (&mut self.reader)
                    .take(len as u64)
                    .read_to_end(buf)
                    .map_err(|e| self.io(e, true))?;
                if got < len {
                    return Err(Error::ConnectionLost(
                        "the server closed the connection in the middle of a packet".into(),
                    ));
                }
            }
            if len < MAX_CHUNK {
                return Ok(());
            }
        }
    }
}
