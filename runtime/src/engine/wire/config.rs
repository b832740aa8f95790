//! How to reach and log in to a server: the settings a URL and an engine become.

#[cfg(test)]
use super::SslMode;
use super::TlsSettings;
use std::path::PathBuf;
use std::time::Duration;

/// How to reach and log in to a server.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) host: Host,
    pub(crate) port: u16,
    pub(crate) user: String,
    pub(crate) password: Option<String>,
    pub(crate) dbname: Option<String>,
    /// Command-line options for the server process (`-c name=value ...`).
    pub(crate) options: Option<String>,
    pub(crate) application_name: Option<String>,
    /// A deadline for the whole connect: socket, TLS, login, and the server's first
    /// ReadyForQuery.
    pub(crate) connect_timeout: Duration,
    /// TCP keepalive probes (`None`: off). They find a peer that vanished (a host gone, a
    /// network cut), not a server that is up but does not answer: that is what the
    /// request timeout is for.
    pub(crate) keepalive: Option<Keepalive>,
    /// The authentication methods the client goes along with (libpq's `require_auth`).
    pub(crate) auth: AuthMethods,
    /// `sslmode`, certificates, SNI and channel binding.
    pub(crate) tls: TlsSettings,
    /// Every host to try, in order, when the URL lists several (empty: `host`, `port`);
    /// see `engine::hosts`.
    pub(crate) hosts: Vec<(Host, u16)>,
    /// What the session must be (libpq's `target_session_attrs`).
    pub(crate) session_attrs: crate::engine::hosts::TargetSessionAttrs,
    /// Try the hosts in a random order (libpq's `load_balance_hosts=random`).
    pub(crate) load_balance: bool,
    /// A deadline for trying all the hosts (a pool's checkout): each host's
    /// `connect_timeout` is cut to what is left of it.
    pub(crate) all_hosts_by: Option<std::time::Instant>,
    /// The address a session connected to: its cancel requests go there, not to whatever
    /// the host name resolves to by then (another server behind round-robin DNS).
    pub(crate) peer: Option<std::net::SocketAddr>,
}

#[cfg(test)]
impl Config {
    /// Settings for a test's own server on 127.0.0.1 `port`: plain TCP, no keepalives.
    pub(crate) fn for_test(port: u16) -> Config {
        Config {
            host: Host::Tcp("127.0.0.1".into()),
            port,
            user: "u".into(),
            password: None,
            dbname: None,
            options: None,
            application_name: None,
            connect_timeout: Duration::from_secs(5),
            keepalive: None,
            auth: AuthMethods::default(),
            tls: TlsSettings::new(SslMode::Disable),
            hosts: Vec::new(),
            session_attrs: Default::default(),
            load_balance: false,
            all_hosts_by: None,
            peer: None,
        }
    }
}

/// TCP keepalive settings (libpq's `keepalives_idle`, `keepalives_interval`,
/// `keepalives_count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Keepalive {
    /// Idle time before the first probe.
    pub(crate) idle: Duration,
    /// Time between probes.
    pub(crate) interval: Duration,
    /// Unanswered probes before the connection is dropped.
    pub(crate) count: u32,
}

impl Default for Keepalive {
    /// One minute idle, then a probe every 10 s, 6 unanswered: a dead peer is found in
    /// about two minutes instead of the kernel's default of over two hours.
    fn default() -> Self {
        Keepalive {
            idle: Duration::from_secs(60),
            interval: Duration::from_secs(10),
            count: 6,
        }
    }
}

/// Which authentication requests from the server the client answers (libpq's
/// `require_auth`). A server asking for another method gets no answer: the connect fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AuthMethods {
    /// No authentication at all (`trust`): `none`.
    pub(crate) none: bool,
    /// The password in clear text: `password`.
    pub(crate) password: bool,
    /// An MD5 hash of the password: `md5`.
    pub(crate) md5: bool,
    /// SCRAM-SHA-256, whose server proof is checked: `scram-sha-256`.
    pub(crate) scram: bool,
    /// Whether `password` was asked for explicitly. Without it, the cleartext password is
    /// sent only over a Unix-domain socket (never in clear text over TCP).
    pub(crate) cleartext_over_tcp: bool,
}

impl Default for AuthMethods {
    /// Every method sqlwright speaks, except the cleartext password over TCP.
    fn default() -> Self {
        AuthMethods {
            none: true,
            password: true,
            md5: true,
            scram: true,
            cleartext_over_tcp: false,
        }
    }
}

/// A TCP host name or address, or the directory of a Unix-domain socket.
#[derive(Debug, Clone)]
pub(crate) enum Host {
    Tcp(String),
    Unix(PathBuf),
}
