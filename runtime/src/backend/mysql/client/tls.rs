//! TLS under a MySQL connection: whether to ask for it (the URL's `ssl-mode` and the
//! server's `CLIENT_SSL`), the SSLRequest packet, then the rustls handshake with the
//! settings, certificate checks and typed failures the PostgreSQL client uses
//! (`engine::wire::tls`).

use super::connect::{ConnectOptions, MAX_PAYLOAD, UTF8MB4_GENERAL_CI};
use super::packet::Packets;
use super::wire::CLIENT_SSL;
use crate::engine::error::TlsErrorKind;
use crate::engine::wire::{tls_handshake, ConnectFail, SslMode};
use crate::engine::Error;
use std::time::Instant;

/// Whether the login goes on over TLS, decided from the greeting before anything is sent:
/// never with `DISABLED`; over TCP whenever the server offers it; otherwise plain text for
/// `PREFERRED`, and a typed error for `REQUIRED` and stronger (so a server, or whoever sits
/// between, that drops `CLIENT_SSL` never sees the login, the password's scramble included).
pub(super) fn wanted(
    options: &ConnectOptions<'_>,
    server_capabilities: u32,
    unix: bool,
) -> Result<bool, Error> {
    let tls = options.tls;
    if tls.mode == SslMode::Disable {
        return Ok(false);
    }
    if !unix && server_capabilities & CLIENT_SSL != 0 {
        return Ok(true);
    }
    if !tls.mode.requires_tls() {
        return Ok(false);
    }
    let why = if unix {
        "which is not used over a Unix socket; connect over TCP, or use ssl-mode=PREFERRED \
         for a local socket"
    } else {
        "and the server does not offer it (no CLIENT_SSL in its greeting: it has no \
         certificate configured)"
    };
    Err(Error::Tls {
        target: String::new(),
        kind: TlsErrorKind::NotOffered,
        reason: format!(
            "{} needs TLS {why}; nothing was sent, the login included",
            tls.spelling.mode(tls.mode)
        ),
    })
}

/// Sends the SSLRequest (the handshake response's first 32 bytes, `CLIENT_SSL` among the
/// capabilities) and runs the TLS handshake (rustls on a blocking socket, `tokio-rustls`
/// on a tokio one: the same settings and checks); the full handshake response follows over
/// TLS with the next sequence id.
pub(super) async fn start(
    mut packets: Packets,
    capabilities: u32,
    options: &ConnectOptions<'_>,
) -> Result<Packets, Error> {
    let out = packets.start();
    out.extend_from_slice(&(capabilities | CLIENT_SSL).to_le_bytes());
    out.extend_from_slice(&(MAX_PAYLOAD as u32).to_le_bytes());
    out.push(UTF8MB4_GENERAL_CI);
    out.extend_from_slice(&[0; 23]);
    packets.send().await?;
    let deadline = Instant::now() + options.connect_timeout;
    let name = options.host.trim_start_matches('[').trim_end_matches(']');
    #[cfg(feature = "tokio")]
    if packets.is_async() {
        use super::socket::{AsyncStream, Stream};
        let upgrade = async |stream: Stream| {
            let Stream::Async(stream) = stream else {
                return Err(super::packet::protocol(
                    "TLS asked for on a socket that is not TCP",
                ));
            };
            let AsyncStream::Tcp(tcp) = *stream else {
                return Err(super::packet::protocol(
                    "TLS asked for on a socket that is not TCP",
                ));
            };
            let tls = crate::engine::wire::tls_handshake_tokio(tcp, name, options.tls, deadline)
                .await
                .map_err(fail)?;
            Ok(Stream::Async(Box::new(AsyncStream::Tls(tls))))
        };
        return packets.upgrade_async(upgrade).await;
    }
    let mut packets =
        packets.upgrade(|tcp| tls_handshake(tcp, name, options.tls, deadline).map_err(fail))?;
    // The handshake left its own deadline on the socket: the login's wait again.
    let login_wait = Some(options.connect_timeout);
    packets.set_timeouts(login_wait, login_wait)?;
    Ok(packets)
}

fn fail(e: ConnectFail) -> Error {
    match e {
        ConnectFail::Tls { kind, reason } => Error::Tls {
            target: String::new(),
            kind,
            reason,
        },
        ConnectFail::Failed(reason) | ConnectFail::Refused(reason) => Error::ConnectionLost(reason),
    }
}
