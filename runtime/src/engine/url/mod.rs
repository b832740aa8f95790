//! Connection URLs: `dialect[+driver]://user:password@host:port/database?param=value`.

use super::error::Error;
use super::hosts::{parse_load_balance, TargetSessionAttrs};
use super::wire::{
    AuthMethods, ChannelBindingMode, Config, Host, Keepalive, RootCerts, SslMode, TlsSettings,
};
use std::fmt;
use std::time::Duration;

mod config;
mod display;
mod hosts;
mod mysql;
mod params;
mod sqlite;
use hosts::*;
#[cfg(feature = "mysql")]
pub(crate) use mysql::statement_timeout_param;
pub(crate) use params::MAX_CONNECT_TIMEOUT;
use params::*;

pub use crate::backend::Dialect;

/// A parsed connection URL, `postgres://user:password@host:port/database?param=value`,
/// read as libpq reads it. The password never appears in `Debug` or `Display` output, nor
/// in an error.
///
/// Parts are percent-encoded: a `/` or `?` in a user name or password must be written
/// `%2F` or `%3F`, and an `@` after the host `%40`. An IPv6 address goes in brackets
/// (`[::1]:5432`); a Unix-socket directory is written `%2Frun%2Fpostgresql` or given as
/// `?host=/run/postgresql`. Several hosts are listed as libpq lists them,
/// `postgres://u@h1:5432,h2:5433/db` or `?host=h1,h2&port=5432` (one port for all, or one
/// per host; see [`DatabaseUrl::hosts`]): a connection goes to the first that accepts it
/// and fits `target_session_attrs`. The parameters sqlwright acts on are listed at
/// [`DatabaseUrl::set_param`]; any other is refused, in a URL and through the setters alike.
///
/// # Environment variables
///
/// When connecting, what the URL does not say is taken from libpq's environment
/// variables; the URL wins, and a variable set to the empty string counts as unset:
///
/// - `PGHOST` (a host or socket directory, or a comma-separated list), `PGPORT` (one
///   port, or one per host), `PGDATABASE`, `PGPASSWORD`;
/// - `PGUSER`, else `USER`, else `postgres`;
/// - `PGAPPNAME` (`application_name`), `PGCONNECT_TIMEOUT` (`connect_timeout`),
///   `PGSSLMODE` (`sslmode`), `PGSSLROOTCERT` (`sslrootcert`), `PGSSLCERT` (`sslcert`),
///   `PGSSLKEY` (`sslkey`), `PGSSLSNI` (`sslsni`), `PGCHANNELBINDING`
///   (`channel_binding`), `PGREQUIREAUTH` (`require_auth`), `PGTARGETSESSIONATTRS`
///   (`target_session_attrs`), `PGLOADBALANCEHOSTS` (`load_balance_hosts`).
///
/// They are checked like the URL's parameters: `PGSSLMODE=sometimes` fails the connect.
/// Every other variable (`PGOPTIONS`, `PGSERVICE`, `PGPASSFILE`, `PGHOSTADDR`,
/// `PGSSLCRL`, ...) is ignored, and no password, service or certificate file is read
/// from a default place (libpq's `~/.postgresql/root.crt` and `postgresql.crt` are not
/// looked for: name them). The fields, [`DatabaseUrl::params`] and `Display` hold only what the URL
/// says; [`DatabaseUrl::target`] and connections take the environment into account.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    /// The database kind.
    pub dialect: Dialect,
    /// The driver named after `+`, if any (`postgresql+postgres://`).
    pub driver: Option<String>,
    /// The user name.
    pub user: Option<String>,
    password: Option<String>,
    /// The host name, IP address, or directory of a Unix socket; the first host when the
    /// URL lists several (see [`DatabaseUrl::hosts`]).
    pub host: Option<String>,
    /// The port; the first port when the URL lists one per host.
    pub port: Option<u16>,
    /// The hosts after the first, when the URL lists several (`h1:5432,h2:5433`).
    more_hosts: Vec<String>,
    /// The ports after the first, when the URL lists one per host (`None`: the default).
    more_ports: Vec<Option<u16>>,
    /// The database name.
    pub database: Option<String>,
    /// Query parameters other than those naming the parts above, each checked by
    /// [`DatabaseUrl::apply_param`].
    params: Vec<(String, String)>,
}

const KNOWN_PARAMS: &[&str] = &[
    "application_name",
    "connect_timeout",
    "sslmode",
    "host",
    "port",
    "user",
    "password",
    "dbname",
    "options",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "require_auth",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslsni",
    "channel_binding",
    "target_session_attrs",
    "load_balance_hosts",
];

fn bad(part: &str, reason: impl Into<String>) -> Error {
    Error::InvalidUrl {
        part: part.to_string(),
        reason: reason.into(),
    }
}

/// Decodes `%XX` escapes; `part` names the URL part in errors.
fn percent_decode(text: &str, part: &str) -> Result<String, Error> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| bad(part, "a `%` must be followed by two hex digits"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad(part, "percent-escapes do not form UTF-8"))
}

impl DatabaseUrl {
    /// Parses a URL, naming the part that is wrong when it cannot.
    pub fn parse(url: &str) -> Result<Self, Error> {
        if let Some((scheme, rest)) = url.split_once(':') {
            let (name, driver) = match scheme.split_once('+') {
                Some((d, drv)) => (d, Some(drv)),
                None => (scheme, None),
            };
            if name.eq_ignore_ascii_case("sqlite") {
                return Self::parse_sqlite(driver, rest);
            }
        }
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("scheme", "expected `postgres://...` (no `://` found)"))?;
        // Only letters, digits, `+`, `-` and `.` make a scheme; anything else (a
        // `postgres:/` typo with a later `://`) may hold the password, so it is not quoted.
        if !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        {
            return Err(bad(
                "scheme",
                "the text before the first `://` is not a scheme; expected `postgres://...`",
            ));
        }
        let (dialect_name, driver) = match scheme.split_once('+') {
            Some((d, drv)) => (d, Some(drv)),
            None => (scheme, None),
        };
        let dialect = match dialect_name.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Dialect::Postgres,
            "mysql" | "mariadb" => Dialect::Mysql,
            "oracle" | "mssql" => {
                return Err(bad(
                    "scheme",
                    format!(
                        "`{dialect_name}` is not supported yet; sqlwright runs on PostgreSQL \
                         (postgres://), SQLite (sqlite:///path.db) and MySQL/MariaDB (mysql://)"
                    ),
                ))
            }
            "" => return Err(bad("scheme", "the scheme is empty; use postgres://")),
            other => {
                return Err(bad(
                    "scheme",
                    format!("unknown database `{other}`; use postgres://"),
                ))
            }
        };
        let driver = match driver {
            None => None,
            Some(d) if dialect == Dialect::Mysql => Some(mysql::driver(d)?),
            Some(d @ ("postgres" | "psycopg2" | "psycopg")) => Some(d.to_string()),
            Some(d) => {
                return Err(bad(
                    "driver",
                    format!("unknown driver `{d}`; sqlwright talks to PostgreSQL with `postgres`"),
                ))
            }
        };

        // The authority ends at the first `/` or `?`. An `@` after that means a user name
        // or password with an unencoded `/` or `?` (or an unencoded `@` in the database
        // name or a parameter): refused before anything else, so that no error can quote
        // a piece of the password taken for a port, a database or a parameter.
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if tail.contains('@') {
            return Err(bad(
                "password",
                "an `@` after the host: a `/` or `?` in the user name or password must be \
                 written `%2F` or `%3F`, and an `@` in the database name or a parameter `%40`",
            ));
        }
        let (path, query) = match tail.strip_prefix('/') {
            Some(tail) => match tail.split_once('?') {
                Some((p, q)) => (Some(p), Some(q)),
                None => (Some(tail), None),
            },
            None => (None, tail.strip_prefix('?')),
        };
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            None => (None, None),
            Some(u) => match u.split_once(':') {
                Some((name, pw)) => (
                    Some(percent_decode(name, "user")?),
                    Some(percent_decode(pw, "password")?),
                ),
                None => (Some(percent_decode(u, "user")?), None),
            },
        };
        let (hosts, ports) = parse_authority_hosts(hostport)?;
        let database = match path {
            None | Some("") => None,
            Some(p) if p.contains('/') => {
                return Err(bad("database", "a database name cannot contain `/`"))
            }
            Some(p) => Some(percent_decode(p, "database")?),
        };
        let mut url = DatabaseUrl {
            dialect,
            driver,
            user: user.filter(|u| !u.is_empty()),
            password,
            host: None,
            port: None,
            more_hosts: Vec::new(),
            more_ports: Vec::new(),
            database,
            params: Vec::new(),
        };
        url.set_hosts(hosts);
        url.set_ports(ports);
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = percent_decode(key, "parameter name")?;
            // A name that is not a word (a `?` left unencoded in the user name or password
            // with the `@` missing) may hold the password: it is not quoted.
            // MySQL's options are spelled with `-` (`ssl-mode`).
            let dash_ok = dialect == Dialect::Mysql;
            if !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || (dash_ok && b == b'-'))
            {
                return Err(bad(
                    "parameter name",
                    "a parameter name is a word; a `?` in the user name or password must be \
                     written `%3F`",
                ));
            }
            let value = percent_decode(value, &key)?;
            url.apply_param(&key, &value)?;
        }
        // After every parameter: libpq lets `port=` come before `host=`.
        url.check_lists()?;
        if dialect == Dialect::Mysql {
            url.check_mysql()?;
        }
        Ok(url)
    }

    /// Each host the URL names with its port, in order (`None`: not said, so the
    /// environment's or the default). A URL names one host unless it lists several
    /// (`postgres://h1:5432,h2:5433/db`, `?host=h1,h2&port=5432`); one port applies to
    /// every host.
    pub fn hosts(&self) -> Vec<(Option<&str>, Option<u16>)> {
        let ports = self.port_list();
        self.host_list()
            .into_iter()
            .enumerate()
            .map(|(i, h)| {
                (
                    h,
                    if ports.len() == 1 {
                        ports[0]
                    } else {
                        ports.get(i).copied().flatten()
                    },
                )
            })
            .collect()
    }

    fn host_list(&self) -> Vec<Option<&str>> {
        std::iter::once(self.host.as_deref())
            .chain(self.more_hosts.iter().map(|h| Some(h.as_str())))
            .collect()
    }

    fn port_list(&self) -> Vec<Option<u16>> {
        std::iter::once(self.port)
            .chain(self.more_ports.iter().copied())
            .collect()
    }

    fn set_hosts(&mut self, hosts: Vec<Option<String>>) {
        let mut hosts = hosts.into_iter();
        self.host = hosts.next().flatten();
        self.more_hosts = hosts.flatten().collect();
    }

    fn set_ports(&mut self, ports: Vec<Option<u16>>) {
        let mut ports = ports.into_iter();
        self.port = ports.next().flatten();
        self.more_ports = ports.collect();
        // Only defaults: the same as one default port.
        if self.port.is_none() && self.more_ports.iter().all(Option::is_none) {
            self.more_ports.clear();
        }
    }

    /// One port for every host, or one per host.
    fn check_lists(&self) -> Result<(), Error> {
        let (hosts, ports) = (1 + self.more_hosts.len(), 1 + self.more_ports.len());
        if !self.more_hosts.is_empty() && self.host.is_none() {
            return Err(bad("host", "an empty host in the list of hosts"));
        }
        if ports != 1 && ports != hosts {
            return Err(bad(
                "port",
                format!("{ports} ports for {hosts} hosts: give one port for all, or one per host"),
            ));
        }
        Ok(())
    }

    /// The password, if the URL has one.
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// The URL with the database name replaced.
    pub fn with_database(&self, database: &str) -> Self {
        let mut url = self.clone();
        url.database = Some(database.to_string());
        url
    }

    /// Sets or removes the password.
    pub fn set_password(&mut self, password: Option<&str>) {
        self.password = password.map(str::to_string);
    }

    /// The URL with parameter `name` set to `value` (replacing an earlier value), checked
    /// exactly as in a parsed URL: see [`DatabaseUrl::set_param`].
    pub fn with_param(mut self, name: &str, value: &str) -> Result<Self, Error> {
        self.set_param(name, value)?;
        Ok(self)
    }

    /// Sets parameter `name` to `value` (replacing an earlier value), checked exactly as in
    /// a parsed URL: a parameter sqlwright does not act on, or a value it cannot honour, is
    /// [`Error::InvalidUrl`] naming the parameter, and leaves the URL unchanged.
    ///
    /// `host`, `port`, `user`, `password` and `dbname` set those parts of the URL (and are
    /// not kept among [`DatabaseUrl::params`]); an empty `host`, `user` or `dbname` unsets
    /// it. `host` and `port` take comma-separated lists (one port for every host, or one
    /// per host; an empty port in a list is the default, 5432). The others:
    ///
    /// - `application_name`: shown in the server's `pg_stat_activity`.
    /// - `options`: command-line options for the server process (`-c name=value ...`).
    /// - `connect_timeout`: whole seconds for the whole connect to one host (default 10);
    ///   with several hosts, each has this long.
    /// - `target_session_attrs`: which host's session to keep, as in libpq: `any` (the
    ///   default), `read-write` (not a hot standby, `default_transaction_read_only` off),
    ///   `read-only` (the opposite), `primary` (not a hot standby), `standby` (a hot
    ///   standby), `prefer-standby` (a standby if one of the hosts is, otherwise any).
    /// - `load_balance_hosts`: `disable` (the default: the hosts in the order given) or
    ///   `random` (in a random order, spreading connections over the hosts).
    /// - `sslmode`, as in libpq: `disable` (plain text), `allow` (plain text; TLS when the
    ///   server turns a plain session away), `prefer` (the default: TLS when the server
    ///   offers it), `require` (TLS or no connection; the certificate is checked against
    ///   `sslrootcert` when one is given, else not at all), `verify-ca` (the certificate
    ///   chain is checked against `sslrootcert`), `verify-full` (the chain and the host
    ///   name). `require` and stronger never fall back to plain text, nor use a
    ///   Unix-domain socket. TLS is rustls with the `ring` provider.
    /// - `sslrootcert`: a PEM file of the CA certificates to trust, or `system` for the
    ///   platform's trust store (which implies `sslmode=verify-full`, and refuses weaker
    ///   modes). `verify-ca` and `verify-full` need it.
    /// - `sslcert`, `sslkey`: a client certificate (PEM chain) and its private key (PEM,
    ///   PKCS#8, PKCS#1 or SEC1), for `cert` authentication; one without the other is
    ///   refused.
    /// - `sslsni`: `1` (the default) sends the host name in the handshake (never an IP
    ///   address), `0` does not.
    /// - `channel_binding`: `prefer` (the default) binds SCRAM to the TLS channel
    ///   (SCRAM-SHA-256-PLUS, `tls-server-end-point`) when the server offers it,
    ///   `require` refuses to log in any other way, `disable` never binds.
    ///
    ///   Other `ssl*` parameters (`sslcrl`, `sslpassword`, `sslcompression`, ...) and
    ///   `gssencmode` are refused.
    /// - `keepalives`: `1` (the default) sends TCP keepalive probes, `0` does not.
    /// - `keepalives_idle`, `keepalives_interval`: whole seconds (at least 1) of idleness
    ///   before the first probe (default 60) and between probes (default 10).
    /// - `keepalives_count`: unanswered probes before the connection is dropped (default 6).
    /// - `require_auth`: the authentication methods the client goes along with, as in
    ///   libpq: a comma-separated list of `password`, `md5`, `scram-sha-256` and `none`
    ///   (only those are allowed, and naming `password` allows the cleartext password over
    ///   TCP, which is otherwise sent only over a Unix-domain socket), or a list of the same
    ///   each negated with `!` (every method but those; `!gss`, `!sspi` and `!creds` are
    ///   accepted, since sqlwright never uses those methods). `gss`, `sspi` and `creds`
    ///   themselves are refused as unsupported.
    pub fn set_param(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let before = self.clone();
        let applied = self
            .apply_param(name, value)
            .and_then(|()| self.check_lists())
            .and_then(|()| match self.dialect {
                Dialect::Mysql => self.check_mysql(),
                _ => Ok(()),
            });
        if applied.is_err() {
            *self = before;
        }
        applied
    }

    /// The parameters, in the order they were set (not those naming parts of the URL).
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// The value of parameter `name`, if it is set.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The one check of a parameter, for [`DatabaseUrl::parse`] and the setters alike:
    /// validates `name=value` and applies it, or changes nothing.
    fn apply_param(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let part = matches!(name, "host" | "port" | "user" | "password" | "dbname");
        match self.dialect {
            // The parts of the URL are set alike (a MySQL socket path is written as
            // `?host=/path`); the options are each backend's own.
            Dialect::Mysql if !part => return self.apply_mysql_param(name, value),
            Dialect::Sqlite => return self.apply_sqlite_param(name, value),
            _ => {}
        }
        match name {
            // Empty means unset, as in the URL itself (`postgres://@/`).
            "host" => self.set_hosts(parse_host_list(value)?),
            "port" => self.set_ports(parse_port_list(value)?),
            "user" => self.user = Some(value).filter(|v| !v.is_empty()).map(str::to_string),
            "password" => self.password = Some(value.to_string()),
            "dbname" => self.database = Some(value).filter(|v| !v.is_empty()).map(str::to_string),
            _ => {
                check_param(name, value)?;
                self.params.retain(|(k, _)| k != name);
                self.params.push((name.to_string(), value.to_string()));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
