//! The socket under a MySQL connection: blocking (TCP, a Unix socket, TLS over TCP) for
//! the blocking API, or a tokio one (the same three, TLS through `tokio-rustls`) for
//! `AsyncMysqlConnection`. The packet layer above calls one `async fn` per read or write:
//! on a blocking socket it never waits for a wake-up (the thread blocks in it, the
//! socket's own timeouts bounding it), so the blocking API polls it once with a no-op
//! waker (`engine::wire::now`); on a tokio socket each wait is bounded by a tokio timer.

use crate::engine::wire::TlsStream;
use std::io::{self, Read, Write};
use std::net::TcpStream;
#[cfg(unix)]
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// The socket: one match per read or write (not per packet: reads fill a buffer).
pub(crate) enum Stream {
    Tcp(TcpStream),
    #[cfg(unix)]
    Unix(UnixStream),
    Tls(Box<TlsStream>),
    /// A socket of the tokio runtime.
    #[cfg(feature = "tokio")]
    Async(Box<AsyncStream>),
}

/// A tokio socket (boxed whole in [`Stream::Async`], so its TLS variant's size costs the
/// blocking ones nothing).
#[cfg(feature = "tokio")]
#[allow(clippy::large_enum_variant)]
pub(crate) enum AsyncStream {
    Tcp(tokio::net::TcpStream),
    #[cfg(unix)]
    Unix(tokio::net::UnixStream),
    Tls(tokio_rustls::client::TlsStream<tokio::net::TcpStream>),
}

/// A TCP socket to the server: no Nagle delay (a request goes out whole at once), and
/// keepalive probes as on PostgreSQL's connections (one minute idle, then every 10 s, 6
/// unanswered), so that a server host or network gone silent is found within about two
/// minutes instead of the kernel's two hours, even while waiting with no `read_timeout`.
fn tune(tcp: socket2::SockRef<'_>) -> io::Result<()> {
    tcp.set_tcp_nodelay(true)?;
    let probes = crate::engine::wire::Keepalive::default();
    tcp.set_tcp_keepalive(
        &socket2::TcpKeepalive::new()
            .with_time(probes.idle)
            .with_interval(probes.interval)
            .with_retries(probes.count),
    )
}

/// `work`, given up after `timeout` with [`io::ErrorKind::TimedOut`].
#[cfg(feature = "tokio")]
async fn timed<T>(
    timeout: Option<Duration>,
    work: impl std::future::Future<Output = io::Result<T>>,
) -> io::Result<T> {
    match timeout {
        None => work.await,
        Some(limit) => match tokio::time::timeout(limit, work).await {
            Ok(result) => result,
            Err(_) => Err(io::ErrorKind::TimedOut.into()),
        },
    }
}

impl Stream {
    /// Sets the blocking socket's timeouts (a tokio socket's waits get theirs as they
    /// start), and on TCP no Nagle delay and keepalive probes.
    pub(crate) fn set_timeouts(
        &self,
        read: Option<Duration>,
        write: Option<Duration>,
    ) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => {
                s.set_read_timeout(read)?;
                s.set_write_timeout(write)?;
            }
            #[cfg(unix)]
            Stream::Unix(s) => {
                s.set_read_timeout(read)?;
                s.set_write_timeout(write)?;
            }
            Stream::Tls(s) => {
                s.tcp().set_read_timeout(read)?;
                s.tcp().set_write_timeout(write)?;
            }
            #[cfg(feature = "tokio")]
            Stream::Async(_) => {}
        }
        match self.tcp() {
            Some(tcp) => tune(tcp),
            None => Ok(()),
        }
    }

    /// The TCP socket under the stream (`None` on a Unix socket).
    pub(crate) fn tcp(&self) -> Option<socket2::SockRef<'_>> {
        match self {
            Stream::Tcp(s) => Some(socket2::SockRef::from(s)),
            #[cfg(unix)]
            Stream::Unix(_) => None,
            Stream::Tls(s) => Some(socket2::SockRef::from(s.tcp())),
            #[cfg(feature = "tokio")]
            Stream::Async(s) => match &**s {
                AsyncStream::Tcp(s) => Some(socket2::SockRef::from(s)),
                AsyncStream::Tls(s) => Some(socket2::SockRef::from(s.get_ref().0)),
                #[cfg(unix)]
                AsyncStream::Unix(_) => None,
            },
        }
    }

    /// Whether this is a local socket (nothing on it crosses a network).
    pub(crate) fn is_unix(&self) -> bool {
        match self {
            #[cfg(unix)]
            Stream::Unix(_) => true,
            #[cfg(all(unix, feature = "tokio"))]
            Stream::Async(s) => matches!(**s, AsyncStream::Unix(_)),
            _ => false,
        }
    }

    /// One read: the blocking socket waits here (bounded by its own timeout), a tokio one
    /// awaits the runtime for at most `timeout`.
    #[inline]
    pub(crate) async fn read_io(
        &mut self,
        buf: &mut [u8],
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        let _ = timeout;
        match self {
            Stream::Tcp(s) => s.read(buf),
            #[cfg(unix)]
            Stream::Unix(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
            #[cfg(feature = "tokio")]
            Stream::Async(s) => {
                use tokio::io::AsyncReadExt;
                timed(timeout, async {
                    match &mut **s {
                        AsyncStream::Tcp(s) => s.read(buf).await,
                        #[cfg(unix)]
                        AsyncStream::Unix(s) => s.read(buf).await,
                        AsyncStream::Tls(s) => s.read(buf).await,
                    }
                })
                .await
            }
        }
    }

    /// Writes all of `buf` (and flushes a TLS layer), as [`read_io`](Self::read_io) waits.
    #[inline]
    pub(crate) async fn write_all_io(
        &mut self,
        buf: &[u8],
        timeout: Option<Duration>,
    ) -> io::Result<()> {
        let _ = timeout;
        match self {
            Stream::Tcp(s) => s.write_all(buf),
            #[cfg(unix)]
            Stream::Unix(s) => s.write_all(buf),
            Stream::Tls(s) => write_all_tls(s, buf),
            #[cfg(feature = "tokio")]
            Stream::Async(s) => {
                use tokio::io::AsyncWriteExt;
                timed(timeout, async {
                    match &mut **s {
                        AsyncStream::Tcp(s) => s.write_all(buf).await,
                        #[cfg(unix)]
                        AsyncStream::Unix(s) => s.write_all(buf).await,
                        AsyncStream::Tls(s) => {
                            s.write_all(buf).await?;
                            s.flush().await
                        }
                    }
                })
                .await
            }
        }
    }

    /// Writes `buf` if the socket takes it now, without waiting and without a timer (a
    /// COM_QUIT from `Drop`, which may run outside any runtime).
    pub(crate) fn write_now(&mut self, buf: &[u8]) {
        match self {
            Stream::Tcp(s) => drop(s.write_all(buf)),
            #[cfg(unix)]
            Stream::Unix(s) => drop(s.write_all(buf)),
            Stream::Tls(s) => drop(write_all_tls(s, buf)),
            #[cfg(feature = "tokio")]
            Stream::Async(s) => {
                use std::pin::Pin;
                use std::task::{Context, Poll, Waker};
                use tokio::io::AsyncWrite;
                let mut cx = Context::from_waker(Waker::noop());
                let mut at = 0;
                while at < buf.len() {
                    let polled = match &mut **s {
                        AsyncStream::Tcp(s) => Pin::new(s).poll_write(&mut cx, &buf[at..]),
                        #[cfg(unix)]
                        AsyncStream::Unix(s) => Pin::new(s).poll_write(&mut cx, &buf[at..]),
                        AsyncStream::Tls(s) => Pin::new(s).poll_write(&mut cx, &buf[at..]),
                    };
                    match polled {
                        Poll::Ready(Ok(n)) if n > 0 => at += n,
                        _ => return,
                    }
                }
                if let AsyncStream::Tls(s) = &mut **s {
                    let _ = Pin::new(s).poll_flush(&mut cx);
                }
            }
        }
    }
}

/// `write_all` on the blocking TLS stream, which writes through on each call.
fn write_all_tls(s: &mut TlsStream, mut buf: &[u8]) -> io::Result<()> {
    while !buf.is_empty() {
        match s.write(buf) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => buf = &buf[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    s.flush()
}
