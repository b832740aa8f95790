//! Opening a tokio socket for `AsyncMysqlConnection`: a Unix socket (a host starting
//! with `/`) or TCP to each address the host resolves to, the whole within the URL's
//! `connect_timeout`, with the blocking open's errors.

use super::connect::ConnectOptions;
use super::socket::{AsyncStream, Stream};
use crate::engine::Error;
use std::time::Instant;

fn lost(e: std::io::Error) -> Error {
    Error::ConnectionLost(format!("could not connect: {e}"))
}

fn timed_out(options: &ConnectOptions<'_>) -> Error {
    Error::Timeout {
        waiting_for: "the TCP connect (the URL's connect_timeout)".into(),
        waited: options.connect_timeout,
    }
}

pub(super) async fn open(options: &ConnectOptions<'_>) -> Result<Stream, Error> {
    let deadline = Instant::now() + options.connect_timeout;
    let left = || deadline.saturating_duration_since(Instant::now());
    if options.host.starts_with('/') {
        #[cfg(unix)]
        {
            let connect = tokio::net::UnixStream::connect(options.host);
            let stream = match tokio::time::timeout(left(), connect).await {
                Err(_) => return Err(timed_out(options)),
                Ok(stream) => stream.map_err(lost)?,
            };
            return Ok(Stream::Async(Box::new(AsyncStream::Unix(stream))));
        }
        #[cfg(not(unix))]
        return Err(Error::Unsupported {
            feature: "Unix sockets",
            backend: "MySQL on this platform",
        });
    }
    let lookup = tokio::net::lookup_host((options.host, options.port));
    let addrs = match tokio::time::timeout(left(), lookup).await {
        Err(_) => return Err(timed_out(options)),
        Ok(addrs) => addrs.map_err(lost)?,
    };
    let mut last = None;
    for addr in addrs {
        match tokio::time::timeout(left(), tokio::net::TcpStream::connect(addr)).await {
            Err(_) => return Err(timed_out(options)),
            Ok(Ok(stream)) => return Ok(Stream::Async(Box::new(AsyncStream::Tcp(stream)))),
            Ok(Err(e)) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) => lost(e),
        None => Error::ConnectionLost(format!("{} resolves to no address", options.host)),
    })
}
