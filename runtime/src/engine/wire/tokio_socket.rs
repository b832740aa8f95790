//! The async socket under a connection (feature `tokio`): TCP, a Unix-domain socket, or
//! TLS over TCP with `tokio-rustls`. It carries bytes only: framing, login, statements and
//! every read loop are the same code the blocking socket runs (see `sync.rs`).

use super::*;
use std::future::Future;
use std::task::{Context, Poll, Waker};
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, ReadBuf};

/// An async socket.
pub(crate) enum AsyncSocket {
    Tcp(tokio::net::TcpStream),
    #[cfg(unix)]
    Unix(tokio::net::UnixStream),
    /// TLS over TCP, and the server certificate's `tls-server-end-point` hash.
    Tls(
        Box<tokio_rustls::client::TlsStream<tokio::net::TcpStream>>,
        Option<Vec<u8>>,
    ),
}

/// `work`, given up after `timeout` with [`io::ErrorKind::TimedOut`].
async fn timed<T>(
    timeout: Option<Duration>,
    work: impl Future<Output = io::Result<T>>,
) -> io::Result<T> {
    match timeout {
        None => work.await,
        Some(limit) => match tokio::time::timeout(limit, work).await {
            Ok(result) => result,
            Err(_) => Err(io::ErrorKind::TimedOut.into()),
        },
    }
}

impl AsyncSocket {
    pub(super) async fn read(
        &mut self,
        buf: &mut [u8],
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        timed(timeout, async {
            match self {
                AsyncSocket::Tcp(s) => s.read(buf).await,
                #[cfg(unix)]
                AsyncSocket::Unix(s) => s.read(buf).await,
                AsyncSocket::Tls(s, _) => s.read(buf).await,
            }
        })
        .await
    }

    pub(super) async fn write(
        &mut self,
        buf: &[u8],
        timeout: Option<Duration>,
    ) -> io::Result<usize> {
        timed(timeout, async {
            match self {
                AsyncSocket::Tcp(s) => s.write(buf).await,
                #[cfg(unix)]
                AsyncSocket::Unix(s) => s.write(buf).await,
                AsyncSocket::Tls(s, _) => s.write(buf).await,
            }
        })
        .await
    }

    pub(super) async fn flush(&mut self, timeout: Option<Duration>) -> io::Result<()> {
        match self {
            AsyncSocket::Tls(s, _) => timed(timeout, s.flush()).await,
            _ => Ok(()),
        }
    }

    /// What has arrived, without waiting: [`io::ErrorKind::WouldBlock`] when nothing has.
    pub(super) fn read_now(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut cx = Context::from_waker(Waker::noop());
        let mut out = ReadBuf::new(buf);
        let polled = match self {
            AsyncSocket::Tcp(s) => std::pin::Pin::new(s).poll_read(&mut cx, &mut out),
            #[cfg(unix)]
            AsyncSocket::Unix(s) => std::pin::Pin::new(s).poll_read(&mut cx, &mut out),
            AsyncSocket::Tls(s, _) => std::pin::Pin::new(&mut **s).poll_read(&mut cx, &mut out),
        };
        match polled {
            Poll::Ready(Ok(())) => Ok(out.filled().len()),
            Poll::Ready(Err(e)) => Err(e),
            Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
        }
    }

    fn tcp(&self) -> Option<&tokio::net::TcpStream> {
        match self {
            AsyncSocket::Tcp(s) => Some(s),
            AsyncSocket::Tls(s, _) => Some(s.get_ref().0),
            #[cfg(unix)]
            AsyncSocket::Unix(_) => None,
        }
    }

    /// Closes both directions now.
    pub(super) fn shutdown(&mut self) {
        let _ = match self {
            #[cfg(unix)]
            AsyncSocket::Unix(s) => socket2::SockRef::from(&*s).shutdown(std::net::Shutdown::Both),
            other => match other.tcp() {
                Some(tcp) => socket2::SockRef::from(tcp).shutdown(std::net::Shutdown::Both),
                None => Ok(()),
            },
        };
    }

    pub(super) fn peer_addr(&self) -> Option<std::net::SocketAddr> {
        self.tcp()?.peer_addr().ok()
    }

    pub(super) fn is_local(&self) -> bool {
        #[cfg(unix)]
        return matches!(self, AsyncSocket::Unix(_));
        #[cfg(not(unix))]
        false
    }

    pub(super) fn is_encrypted(&self) -> bool {
        matches!(self, AsyncSocket::Tls(..))
    }

    pub(super) fn tls_server_end_point(&self) -> Option<Option<&[u8]>> {
        match self {
            AsyncSocket::Tls(_, end_point) => Some(end_point.as_deref()),
            _ => None,
        }
    }

    #[cfg(test)]
    pub(super) fn tcp_ref(&self) -> Option<socket2::SockRef<'_>> {
        self.tcp().map(socket2::SockRef::from)
    }
}

/// Opens the socket a configuration names, before `deadline`.
pub(super) async fn open(config: &Config, deadline: Instant) -> Result<AsyncSocket, String> {
    use super::open::{connect_failure, time_left, tune};
    match &config.host {
        #[cfg(unix)]
        Host::Unix(dir) => {
            let path = super::open::unix_path(dir, config);
            timed(
                Some(time_left(config, deadline)?),
                tokio::net::UnixStream::connect(&path),
            )
            .await
            .map(AsyncSocket::Unix)
            .map_err(|e| format!("{}: {e}", path.display()))
        }
        #[cfg(not(unix))]
        Host::Unix(dir) => Err(super::open::no_unix(dir)),
        Host::Tcp(host) => {
            let addrs: Vec<std::net::SocketAddr> = match config.peer {
                Some(addr) => vec![addr],
                None => timed(
                    Some(time_left(config, deadline)?),
                    tokio::net::lookup_host((host.as_str(), config.port)),
                )
                .await
                .map_err(|e| format!("cannot resolve {host}: {e}"))?
                .collect(),
            };
            let mut last = format!("{host} resolves to no address");
            for addr in addrs {
                let left = time_left(config, deadline)?;
                match timed(Some(left), tokio::net::TcpStream::connect(addr)).await {
                    Ok(s) => {
                        tune(socket2::SockRef::from(&s), config, addr)?;
                        return Ok(AsyncSocket::Tcp(s));
                    }
                    Err(e) => last = connect_failure(config, addr, &e),
                }
            }
            Err(last)
        }
    }
}
