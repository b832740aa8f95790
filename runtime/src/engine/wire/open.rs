//! Opening the socket a configuration names (a Unix-domain socket, or TCP to each address
//! the host resolves to, within the connect deadline), for both transports.

use super::*;
use std::time::Instant;

/// Opens the socket a configuration names, before `deadline`.
pub(super) fn open(config: &Config, deadline: Instant) -> Result<Socket, String> {
    match &config.host {
        #[cfg(unix)]
        Host::Unix(dir) => {
            let path = unix_path(dir, config);
            UnixStream::connect(&path)
                .map(Socket::Unix)
                .map_err(|e| format!("{}: {e}", path.display()))
        }
        #[cfg(not(unix))]
        Host::Unix(dir) => Err(no_unix(dir)),
        Host::Tcp(host) => {
            let addrs: Vec<std::net::SocketAddr> = match config.peer {
                // A session's own address (its cancel requests): not resolved again.
                Some(addr) => vec![addr],
                None => (host.as_str(), config.port)
                    .to_socket_addrs()
                    .map_err(|e| format!("cannot resolve {host}: {e}"))?
                    .collect(),
            };
            let mut last = format!("{host} resolves to no address");
            for addr in addrs {
                match TcpStream::connect_timeout(&addr, time_left(config, deadline)?) {
                    Ok(s) => {
                        tune(socket2::SockRef::from(&s), config, addr)?;
                        return Ok(Socket::Tcp(s));
                    }
                    Err(e) => last = connect_failure(config, addr, &e),
                }
            }
            Err(last)
        }
    }
}

/// The Unix-domain socket of the server in `dir`.
pub(super) fn unix_path(dir: &std::path::Path, config: &Config) -> PathBuf {
    dir.join(format!(".s.PGSQL.{}", config.port))
}

#[cfg(not(unix))]
pub(super) fn no_unix(dir: &std::path::Path) -> String {
    format!(
        "{}: Unix-domain sockets are not available here",
        dir.display()
    )
}

/// What is left of `deadline` for opening the connection, or the timeout's message.
pub(super) fn time_left(config: &Config, deadline: Instant) -> Result<Duration, String> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        Err(format!(
            "timed out after {:?} opening the connection",
            config.connect_timeout
        ))
    } else {
        Ok(left)
    }
}

/// A freshly connected TCP socket set up as the configuration says: no Nagle delay, and
/// TCP keepalive when asked for.
pub(super) fn tune(
    sock: socket2::SockRef<'_>,
    config: &Config,
    addr: std::net::SocketAddr,
) -> Result<(), String> {
    let _ = sock.set_tcp_nodelay(true);
    if let Some(k) = config.keepalive {
        let settings = socket2::TcpKeepalive::new()
            .with_time(k.idle)
            .with_interval(k.interval)
            .with_retries(k.count);
        sock.set_tcp_keepalive(&settings)
            .map_err(|e| format!("{addr}: cannot set TCP keepalive: {e}"))?;
    }
    Ok(())
}

/// Why connecting to `addr` failed, for the error that names every address tried.
pub(super) fn connect_failure(
    config: &Config,
    addr: std::net::SocketAddr,
    e: &io::Error,
) -> String {
    if e.kind() == io::ErrorKind::TimedOut {
        format!(
            "{addr}: timed out after {:?} opening the connection",
            config.connect_timeout
        )
    } else {
        format!("{addr}: {e}")
    }
}
