//! TLS under a connection: the SSLRequest, the handshake with rustls (the `ring` crypto
//! provider: it builds with a C compiler alone), certificate checks as libpq's `sslmode`
//! asks, and the `tls-server-end-point` hash that SCRAM's channel binding signs.

use super::*;
use crate::engine::error::TlsErrorKind;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, ClientConnection, DigitallySignedStruct};
use std::sync::OnceLock;
use std::time::Instant;

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SslMode {
    /// Never TLS.
    Disable,
    /// Plain text first; TLS when the server refuses the plain-text session.
    Allow,
    /// TLS when the server offers it, else plain text (the default).
    Prefer,
    /// TLS or nothing; the certificate is checked only against an `sslrootcert`, if given.
    Require,
    /// TLS, the certificate chain checked against `sslrootcert`.
    VerifyCa,
    /// TLS, the chain and the host name checked.
    VerifyFull,
}

impl SslMode {
    /// Whether the connection must be encrypted (no plain-text fallback, ever).
    pub(crate) fn requires_tls(self) -> bool {
        matches!(
            self,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull
        )
    }
}

/// libpq's `channel_binding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChannelBindingMode {
    /// Never binds SCRAM to the TLS channel.
    Disable,
    /// Binds when TLS is on and the server offers SCRAM-SHA-256-PLUS (the default).
    Prefer,
    /// Refuses any authentication but SCRAM-SHA-256-PLUS over TLS.
    Require,
}

/// Where the certificates that sign the server's come from (`sslrootcert`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RootCerts {
    /// A PEM file.
    File(PathBuf),
    /// The platform's trust store (`sslrootcert=system`).
    System,
}

/// The TLS settings of a connection.
#[derive(Debug, Clone)]
pub(crate) struct TlsSettings {
    pub(crate) mode: SslMode,
    pub(crate) root_certs: Option<RootCerts>,
    /// A client certificate chain and its key (`sslcert`, `sslkey`), PEM files.
    pub(crate) client_cert: Option<(PathBuf, PathBuf)>,
    /// Whether to send the host name in the handshake (`sslsni`; never for an IP address).
    pub(crate) sni: bool,
    pub(crate) channel_binding: ChannelBindingMode,
    /// Whose option names the failures use (PostgreSQL's or MySQL's).
    pub(crate) spelling: Spelling,
    /// The rustls configuration, built on first use and shared by the connections made
    /// from these settings (a pool's), so files are read once.
    cache: Arc<OnceLock<Arc<ClientConfig>>>,
}

impl Default for TlsSettings {
    fn default() -> Self {
        TlsSettings::new(SslMode::Prefer)
    }
}

impl TlsSettings {
    pub(crate) fn new(mode: SslMode) -> Self {
        TlsSettings {
            mode,
            root_certs: None,
            client_cert: None,
            sni: true,
            channel_binding: ChannelBindingMode::Prefer,
            spelling: Spelling::Libpq,
            cache: Arc::new(OnceLock::new()),
        }
    }
}

/// Why a connect failed: plain text for [`Error::Connect`], or a typed TLS failure.
#[derive(Debug)]
pub(crate) enum ConnectFail {
    /// The socket could not be opened, the session broke, or the client gave up.
    Failed(String),
    /// The server answered the login with an error (for `sslmode=allow`'s retry).
    Refused(String),
    /// TLS could not be set up as the settings demand.
    Tls { kind: TlsErrorKind, reason: String },
}

impl From<String> for ConnectFail {
    fn from(reason: String) -> Self {
        ConnectFail::Failed(reason)
    }
}

impl ConnectFail {
    /// The public error, naming `target`.
    pub(crate) fn into_error(self, target: String) -> Error {
        match self {
            ConnectFail::Failed(reason) | ConnectFail::Refused(reason) => {
                Error::Connect { target, reason }
            }
            ConnectFail::Tls { kind, reason } => Error::Tls {
                target,
                kind,
                reason,
            },
        }
    }
}

impl std::fmt::Display for ConnectFail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectFail::Failed(reason) | ConnectFail::Refused(reason) => f.write_str(reason),
            ConnectFail::Tls { reason, .. } => f.write_str(reason),
        }
    }
}

fn tls_fail(kind: TlsErrorKind, reason: impl Into<String>) -> ConnectFail {
    ConnectFail::Tls {
        kind,
        reason: reason.into(),
    }
}

/// A TLS session over TCP.
pub(crate) struct TlsStream {
    conn: ClientConnection,
    tcp: TcpStream,
    /// The server certificate's hash for `tls-server-end-point` channel binding (RFC
    /// 5929), when its signature algorithm names one.
    end_point: Option<Vec<u8>>,
}

impl TlsStream {
    pub(crate) fn tcp(&self) -> &TcpStream {
        &self.tcp
    }

    pub(super) fn server_end_point(&self) -> Option<&[u8]> {
        self.end_point.as_deref()
    }

    /// Sends the TLS records rustls has queued.
    fn write_out(&mut self) -> io::Result<()> {
        while self.conn.wants_write() {
            if self.conn.write_tls(&mut self.tcp)? == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
        }
        Ok(())
    }

    pub(crate) fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.conn.reader().read(buf) {
                Ok(n) => return Ok(n),
                // Nothing decrypted is waiting: read more records.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
            if self.conn.read_tls(&mut self.tcp)? == 0 {
                return Ok(0);
            }
            let processed = self.conn.process_new_packets();
            // An alert or a key update to answer; a failure here shows on the next write.
            let _ = self.write_out();
            processed.map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        }
    }

    /// Takes plain text. Records queued earlier go out first (an error there leaves
    /// nothing taken, so the caller may retry); the new ones are sent as far as the socket
    /// takes them now, and the rest by the next write or [`TlsStream::flush`].
    pub(crate) fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_out()?;
        let n = self.conn.writer().write(buf)?;
        let _ = self.write_out();
        Ok(n)
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.write_out()
    }

    pub(super) fn shutdown(&mut self) {
        self.conn.send_close_notify();
        let _ = self.write_out();
        let _ = self.tcp.shutdown(std::net::Shutdown::Both);
    }
}

/// The SSLRequest message: length 8, code 1234.5679.
const SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];

/// Asks the server for TLS on a freshly opened socket and sets it up, as `settings`
/// demand. `host` is the name connected to (checked against the certificate by
/// `verify-full`, sent as SNI). A socket that must stay plain text is returned as it is.
pub(super) fn start(
    socket: Socket,
    host: &Host,
    settings: &TlsSettings,
    deadline: Instant,
) -> Result<Socket, ConnectFail> {
    let mut tcp = match socket {
        Socket::Tcp(tcp) => tcp,
        other => {
            drop_unless_plain_allowed(settings)?;
            return Ok(other);
        }
    };
    let io_fail = |e: io::Error| {
        if matches!(
            e.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
        ) {
            timed_out()
        } else {
            ConnectFail::Failed(format!("connection to the server failed: {e}"))
        }
    };
    budget(&tcp, deadline)?;
    tcp.write_all(&SSL_REQUEST).map_err(io_fail)?;
    let mut answer = [0u8; 1];
    tcp.read_exact(&mut answer).map_err(io_fail)?;
    if !server_agrees(answer[0], settings)? {
        return Ok(Socket::Tcp(tcp));
    }
    let stream = handshake(tcp, host_name(host), settings, deadline)?;
    Ok(Socket::Tls(Box::new(stream)))
}

fn timed_out() -> ConnectFail {
    ConnectFail::Failed("timed out setting up TLS (connect_timeout)".into())
}

/// Lets each read and write on `tcp` wait until `deadline` at most.
fn budget(tcp: &TcpStream, deadline: Instant) -> Result<(), ConnectFail> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(timed_out());
    }
    tcp.set_read_timeout(Some(left))
        .and_then(|()| tcp.set_write_timeout(Some(left)))
        .map_err(|e| ConnectFail::Failed(format!("cannot set a socket timeout: {e}")))
}

/// The TLS handshake on `tcp`, once the server has agreed to TLS (PostgreSQL's `S`, or
/// MySQL's SSLRequest packet sent): the certificate checked as `settings` ask against
/// `name`, every read and write done by `deadline`. The socket's timeouts are left for the
/// caller to set.
pub(crate) fn handshake(
    tcp: TcpStream,
    name: &str,
    settings: &TlsSettings,
    deadline: Instant,
) -> Result<TlsStream, ConnectFail> {
    let config = client_config(settings)?;
    let server_name = server_name(name)?;
    let conn = ClientConnection::new(config, server_name)
        .map_err(|e| tls_fail(TlsErrorKind::Handshake, format!("TLS setup: {e}")))?;
    let mut stream = TlsStream {
        conn,
        tcp,
        end_point: None,
    };
    while stream.conn.is_handshaking() {
        budget(&stream.tcp, deadline)?;
        if let Err(e) = stream.conn.complete_io(&mut stream.tcp) {
            return Err(handshake_error(e, settings));
        }
    }
    stream.end_point = stream
        .conn
        .peer_certificates()
        .and_then(|certs| certs.first())
        .and_then(|cert| server_end_point(cert.as_ref()));
    Ok(stream)
}

/// A socket that cannot carry TLS (a Unix-domain one): refused when the mode needs TLS.
fn drop_unless_plain_allowed(settings: &TlsSettings) -> Result<(), ConnectFail> {
    if !settings.mode.requires_tls() {
        return Ok(());
    }
    Err(tls_fail(
        TlsErrorKind::NotOffered,
        format!(
            "{} needs TLS, which is not used over a Unix-domain socket; connect over \
             TCP, or use sslmode=prefer for a local socket",
            settings.spelling.mode(settings.mode)
        ),
    ))
}

/// The server's one-byte answer to SSLRequest: `true` to go on with TLS, `false` to stay
/// in plain text (when the mode allows it).
fn server_agrees(answer: u8, settings: &TlsSettings) -> Result<bool, ConnectFail> {
    match answer {
        b'S' => Ok(true),
        b'N' if settings.mode.requires_tls() => Err(tls_fail(
            TlsErrorKind::NotOffered,
            format!(
                "{} needs TLS and the server does not offer it (ssl=off); nothing \
                 else was sent",
                settings.spelling.mode(settings.mode)
            ),
        )),
        b'N' => Ok(false),
        other => Err(ConnectFail::Failed(format!(
            "protocol violation: the server answered the TLS request with byte {other:#04x} \
             (expected `S` or `N`)"
        ))),
    }
}

/// The name a PostgreSQL host's certificate is checked against.
fn host_name(host: &Host) -> &str {
    match host {
        Host::Tcp(h) => h.trim_start_matches('[').trim_end_matches(']'),
        Host::Unix(_) => "localhost",
    }
}

fn server_name(name: &str) -> Result<ServerName<'static>, ConnectFail> {
    ServerName::try_from(name.to_string()).map_err(|_| {
        tls_fail(
            TlsErrorKind::HostName,
            format!("`{name}` is not a host name or IP address TLS can check"),
        )
    })
}

/// A failed handshake, typed by what failed.
fn handshake_error(e: io::Error, settings: &TlsSettings) -> ConnectFail {
    if matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    ) {
        return ConnectFail::Failed("timed out during the TLS handshake (connect_timeout)".into());
    }
    let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) else {
        return tls_fail(
            TlsErrorKind::Handshake,
            format!("the TLS handshake failed: {e}"),
        );
    };
    let mode = settings.spelling.mode(settings.mode);
    let root = settings.spelling.root();
    let (kind, what) = match tls {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => (
                TlsErrorKind::UnknownIssuer,
                "the server's certificate is not signed by a certificate in",
            ),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                (
                    TlsErrorKind::HostName,
                    "the server's certificate is not valid for the host name connected to",
                )
            }
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. } => (
                TlsErrorKind::Expired,
                "the server's certificate has expired or is not valid yet",
            ),
            _ => (
                TlsErrorKind::InvalidCertificate,
                "the server's certificate is not valid",
            ),
        },
        _ => (TlsErrorKind::Handshake, "the TLS handshake failed"),
    };
    let what = if kind == TlsErrorKind::UnknownIssuer {
        format!("{what} {root}")
    } else {
        what.to_string()
    };
    tls_fail(
        kind,
        format!("{what} ({mode}): {tls}; nothing else was sent"),
    )
}

/// Opens a new socket to the server `config` names with the session's TLS settings: a
/// CancelRequest goes over TLS when the session uses it (as libpq sends it), and `require`
/// and stronger never send it in plain text.
pub(super) fn open_like_session(config: &Config, deadline: Instant) -> Result<Socket, ConnectFail> {
    let socket = open(config, deadline)?;
    if matches!(config.tls.mode, SslMode::Disable | SslMode::Allow) {
        return Ok(socket);
    }
    start(socket, &config.host, &config.tls, deadline)
}

mod config;
mod end_point;
use config::client_config;
pub(crate) use config::Spelling;
#[cfg(feature = "tokio")]
pub(super) mod on_tokio;
pub(super) use end_point::server_end_point;
#[cfg(test)]
use end_point::{der_item, signature_oid};

#[cfg(test)]
mod tests;
