//! Opening a connection: the socket, the server's greeting, TLS when the URL's `ssl-mode`
//! and the server agree (`tls`), the login (with `mysql_native_password` or
//! `caching_sha2_password`, following an auth-switch request), then the session's init
//! statements.

use super::packet::{protocol, Packets, Stream};
use super::wire::{self, *};
use super::Client;
use crate::engine::wire::{SocketKind, TlsSettings};
use crate::engine::Error;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// What a connection needs to know to open.
pub(crate) struct ConnectOptions<'a> {
    /// A host name or address, or a Unix socket's path (starting with `/`).
    pub(crate) host: &'a str,
    pub(crate) port: u16,
    pub(crate) user: &'a str,
    pub(crate) password: Option<&'a str>,
    pub(crate) database: Option<&'a str>,
    pub(crate) connect_timeout: Duration,
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) write_timeout: Option<Duration>,
    /// SQL text run once logged in and after every reset (one or more statements).
    pub(crate) init: &'a str,
    /// `ssl-mode` and its files.
    pub(crate) tls: &'a TlsSettings,
    /// A blocking socket or a tokio one.
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    pub(crate) kind: SocketKind,
}

/// The longest payload accepted from the server: MariaDB's and MySQL's largest
/// `max_allowed_packet`.
pub(super) const MAX_PAYLOAD: usize = 1 << 30;

/// utf8mb4_general_ci: the login's character set.
pub(super) const UTF8MB4_GENERAL_CI: u8 = 45;

/// What the client asks for: 4.1 protocol and authentication, plugins, transactions'
/// status, multi-statement texts (for batches) and their results, and OK packets in place
/// of EOF. Never `LOCAL_FILES` (a server could ask for any file); `SSL` only when TLS is
/// set up (`tls`).
const WANTED: u32 = CLIENT_LONG_PASSWORD
    | CLIENT_LONG_FLAG
    | CLIENT_PROTOCOL_41
    | CLIENT_TRANSACTIONS
    | CLIENT_SECURE_CONNECTION
    | CLIENT_MULTI_STATEMENTS
    | CLIENT_MULTI_RESULTS
    | CLIENT_PS_MULTI_RESULTS
    | CLIENT_PLUGIN_AUTH
    | CLIENT_DEPRECATE_EOF;

/// Capabilities the server must have.
const REQUIRED: u32 = CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION;

async fn open_socket(options: &ConnectOptions<'_>) -> Result<Stream, Error> {
    #[cfg(feature = "tokio")]
    if options.kind == SocketKind::Tokio {
        return super::tokio_open::open(options).await;
    }
    let lost = |e: std::io::Error| Error::ConnectionLost(format!("could not connect: {e}"));
    if options.host.starts_with('/') {
        #[cfg(unix)]
        {
            let stream = std::os::unix::net::UnixStream::connect(options.host).map_err(lost)?;
            return Ok(Stream::Unix(stream));
        }
        #[cfg(not(unix))]
        return Err(Error::Unsupported {
            feature: "Unix sockets",
            backend: "MySQL on this platform",
        });
    }
    let addrs = (options.host, options.port)
        .to_socket_addrs()
        .map_err(lost)?;
    let mut last = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, options.connect_timeout) {
            Ok(stream) => return Ok(Stream::Tcp(stream)),
            Err(e) => last = Some(e),
        }
    }
    Err(match last {
        Some(e) if e.kind() == std::io::ErrorKind::TimedOut => Error::Timeout {
            waiting_for: "the TCP connect (the URL's connect_timeout)".into(),
            waited: options.connect_timeout,
        },
        Some(e) => lost(e),
        None => Error::ConnectionLost(format!("{} resolves to no address", options.host)),
    })
}

impl Client {
    /// Opens a connection and logs in. The login waits at most `connect_timeout` for each
    /// answer (the URL's `read_timeout` applies from then on).
    pub(crate) async fn connect(options: &ConnectOptions<'_>) -> Result<Client, Error> {
        Self::login(options).await.map_err(|e| match e {
            Error::Timeout { waited, .. } => Error::Timeout {
                waiting_for: "the server's login (the URL's connect_timeout)".into(),
                waited,
            },
            other => other,
        })
    }

    async fn login(options: &ConnectOptions<'_>) -> Result<Client, Error> {
        let stream = open_socket(options).await?;
        let login_wait = Some(options.connect_timeout);
        stream
            .set_timeouts(login_wait, login_wait)
            .map_err(|e| Error::ConnectionLost(e.to_string()))?;
        let unix = stream.is_unix();
        let mut packets = Packets::new(stream, login_wait, login_wait, MAX_PAYLOAD);
        let mut buf = Vec::new();
        packets.read(&mut buf).await?;
        let greeting = wire::greeting(&buf)?;
        if greeting.capabilities & REQUIRED != REQUIRED {
            return Err(Error::Unsupported {
                feature: "servers older than MySQL 4.1",
                backend: "MySQL",
            });
        }
        let mut capabilities = WANTED & greeting.capabilities;
        if options.database.is_some() {
            capabilities |= CLIENT_CONNECT_WITH_DB & greeting.capabilities;
        }
        let tls = super::tls::wanted(options, greeting.capabilities, unix)?;
        if tls {
            packets = super::tls::start(packets, capabilities, options).await?;
            capabilities |= CLIENT_SSL;
        }
        let password = options.password.unwrap_or("");
        let mut plugin = greeting.plugin.clone();
        let mut nonce = greeting.nonce.clone();
        let answer = auth_response(&plugin, &nonce, password)?;
        let out = packets.start();
        out.extend_from_slice(&capabilities.to_le_bytes());
        out.extend_from_slice(&(MAX_PAYLOAD as u32).to_le_bytes());
        out.push(UTF8MB4_GENERAL_CI);
        out.extend_from_slice(&[0; 23]);
        out.extend_from_slice(options.user.as_bytes());
        out.push(0);
        out.push(answer.len() as u8);
        out.extend_from_slice(&answer);
        if capabilities & CLIENT_CONNECT_WITH_DB != 0 {
            out.extend_from_slice(options.database.unwrap_or("").as_bytes());
            out.push(0);
        }
        if capabilities & CLIENT_PLUGIN_AUTH != 0 {
            out.extend_from_slice(&plugin);
            out.push(0);
        }
        packets.send().await?;
        // The login's exchange: an OK ends it; an auth switch or the plugin's own packets
        // may come first. Bounded: a server that keeps asking is refused.
        for _ in 0..8 {
            packets.read(&mut buf).await?;
            match buf.first() {
                Some(0x00) => {
                    let status = wire::ok(&buf)?.status;
                    let id = greeting.connection_id;
                    return finish(packets, capabilities, status, id, options).await;
                }
                Some(0xFF) => return Err(wire::err(&buf)),
                Some(0xFE) => {
                    // Auth switch: plugin name, NUL, the new challenge.
                    let mut r = Reader::new(&buf[1..], "auth switch request");
                    plugin = r.nul_bytes()?.to_vec();
                    let data = r.rest();
                    nonce = data.strip_suffix(&[0]).unwrap_or(data).to_vec();
                    let answer = auth_response(&plugin, &nonce, password)?;
                    packets.start().extend_from_slice(&answer);
                    packets.send().await?;
                }
                Some(0x01) if plugin == b"caching_sha2_password" => match buf.get(1) {
                    // Fast path: the server had the password's hash cached; an OK follows.
                    Some(3) => {}
                    Some(4) if unix || tls => {
                        // Full authentication: the password in clear is safe on a Unix
                        // socket or over TLS (the server accepts it on either).
                        let out = packets.start();
                        out.extend_from_slice(password.as_bytes());
                        out.push(0);
                        packets.send().await?;
                    }
                    Some(4) => {
                        return Err(Error::Unsupported {
                            feature: "caching_sha2_password's full authentication over TCP \
                                      without TLS (the password would travel in clear: use \
                                      TLS, ssl-mode=PREFERRED or stronger with a server that \
                                      offers it; the RSA key exchange is not built)",
                            backend: "MySQL",
                        })
                    }
                    _ => return Err(protocol("an unknown caching_sha2_password step")),
                },
                _ => return Err(protocol("an unexpected packet during login")),
            }
        }
        Err(protocol("a login that does not end"))
    }
}

/// The answer to `plugin`'s challenge `nonce`.
fn auth_response(plugin: &[u8], nonce: &[u8], password: &str) -> Result<Vec<u8>, Error> {
    if password.is_empty() {
        return Ok(Vec::new());
    }
    let pass = password.as_bytes();
    match plugin {
        b"mysql_native_password" => Ok(mysql_common::scramble::scramble_native(nonce, pass)
            .map(|s| s.to_vec())
            .unwrap_or_default()),
        b"caching_sha2_password" => Ok(mysql_common::scramble::scramble_sha256(nonce, pass)
            .map(|s| s.to_vec())
            .unwrap_or_default()),
        other => Err(Error::Connect {
            target: String::new(),
            reason: format!(
                "the server asks for the authentication plugin {}, which sqlwright does not \
                 speak (mysql_native_password and caching_sha2_password are supported)",
                String::from_utf8_lossy(other)
            ),
        }),
    }
}

/// Logged in: the init statements, then the URL's timeouts.
async fn finish(
    packets: Packets,
    capabilities: u32,
    status: u16,
    id: u32,
    options: &ConnectOptions<'_>,
) -> Result<Client, Error> {
    let mut client = Client {
        packets,
        capabilities,
        status,
        id,
        buf: Vec::new(),
        spans: Vec::new(),
        closed: false,
        reading: false,
        phase: super::Phase::Idle,
        owed: 0,
        last: wire::Ok::default(),
        init: options.init.into(),
        reach: super::kill::Reach::of(options),
        kill_pending: false,
    };
    if !options.init.is_empty() {
        let init = std::mem::take(&mut client.init);
        let result = client.query(&init).await;
        client.init = init;
        result?;
    }
    // The URL's timeouts from now on (the login and the init waited `connect_timeout`).
    client
        .packets
        .set_timeouts(options.read_timeout, options.write_timeout)?;
    Ok(client)
}
