//! Connection URLs: `dialect[+driver]://user:password@host:port/database?param=value`.

use super::error::Error;
use std::fmt;
use std::time::Duration;

/// The database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Dialect {
    /// `postgres://` or `postgresql://`.
    Postgres,
}

/// A parsed connection URL. The password never appears in `Debug` or `Display` output.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    /// The database kind.
    pub dialect: Dialect,
    /// The driver named after `+`, if any (`postgresql+postgres://`).
    pub driver: Option<String>,
    /// The user name.
    pub user: Option<String>,
    password: Option<String>,
    /// The host name, IP address, or directory of a Unix socket.
    pub host: Option<String>,
    /// The port.
    pub port: Option<u16>,
    /// The database name.
    pub database: Option<String>,
    /// Query parameters, such as `application_name` or `connect_timeout` (seconds).
    pub params: Vec<(String, String)>,
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
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("scheme", "expected `postgres://...` (no `://` found)"))?;
        let (dialect_name, driver) = match scheme.split_once('+') {
            Some((d, drv)) => (d, Some(drv)),
            None => (scheme, None),
        };
        let dialect = match dialect_name.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" => Dialect::Postgres,
            "sqlite" | "mysql" | "mariadb" => {
                return Err(bad(
                    "scheme",
                    format!("`{dialect_name}` is not supported yet; use postgres://"),
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
            Some(d @ ("postgres" | "psycopg2" | "psycopg")) => Some(d.to_string()),
            Some(d) => {
                return Err(bad(
                    "driver",
                    format!("unknown driver `{d}`; sqlwright talks to PostgreSQL with `postgres`"),
                ))
            }
        };

        let (main, query) = match rest.split_once('?') {
            Some((m, q)) => (m, Some(q)),
            None => (rest, None),
        };
        let (authority, path) = match main.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (main, None),
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
        let (host, port) = parse_host_port(hostport)?;
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
            host,
            port,
            database,
            params: Vec::new(),
        };
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = percent_decode(key, "parameter name")?;
            let value = percent_decode(value, &key)?;
            if !KNOWN_PARAMS.contains(&key.as_str()) {
                return Err(bad(
                    &key,
                    format!("unknown parameter; known are {}", KNOWN_PARAMS.join(", ")),
                ));
            }
            match key.as_str() {
                "host" => url.host = Some(value),
                "port" => url.port = Some(parse_port(&value)?),
                "user" => url.user = Some(value),
                "password" => url.password = Some(value),
                "dbname" => url.database = Some(value),
                "connect_timeout" => {
                    value.parse::<u64>().map_err(|_| {
                        bad("connect_timeout", "expected a whole number of seconds")
                    })?;
                    url.params.push((key, value));
                }
                "sslmode" => {
                    if !matches!(value.as_str(), "disable" | "prefer" | "allow") {
                        return Err(bad(
                            "sslmode",
                            format!("`{value}` needs TLS, which sqlwright does not support yet; use sslmode=disable"),
                        ));
                    }
                    url.params.push((key, value));
                }
                _ => url.params.push((key, value)),
            }
        }
        Ok(url)
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

    /// The URL with query parameter `name` set to `value` (replacing an earlier value).
    pub fn with_param(mut self, name: &str, value: &str) -> Self {
        self.params.retain(|(k, _)| k != name);
        self.params.push((name.to_string(), value.to_string()));
        self
    }

    /// `host:port/database`, for messages (never the password).
    pub fn target(&self) -> String {
        format!(
            "{}:{}/{}",
            self.host.as_deref().unwrap_or("localhost"),
            self.port.unwrap_or(5432),
            self.database.as_deref().unwrap_or("")
        )
    }

    /// The driver configuration for this URL.
    pub(crate) fn to_config(&self) -> super::wire::Config {
        use super::wire::{Config, Host};
        let host = match self.host.as_deref() {
            Some(h) if h.starts_with('/') => Host::Unix(h.into()),
            Some(h) => Host::Tcp(h.to_string()),
            None => Host::Tcp("localhost".to_string()),
        };
        let mut config = Config {
            host,
            port: self.port.unwrap_or(5432),
            user: self
                .user
                .clone()
                .or_else(|| std::env::var("USER").ok())
                .unwrap_or_else(|| "postgres".to_string()),
            password: self.password.clone(),
            dbname: self.database.clone(),
            options: None,
            application_name: None,
            connect_timeout: Duration::from_secs(10),
            keepalive: Some(super::wire::Keepalive::default()),
            auth: super::wire::AuthMethods::default(),
        };
        for (k, v) in &self.params {
            match k.as_str() {
                "application_name" => config.application_name = Some(v.clone()),
                "options" => config.options = Some(v.clone()),
                "connect_timeout" => {
                    config.connect_timeout = Duration::from_secs(v.parse().unwrap_or(10).max(1));
                }
                _ => {}
            }
        }
        config
    }
}

fn parse_port(text: &str) -> Result<u16, Error> {
    match text.parse::<u16>() {
        Ok(0) | Err(_) => Err(bad(
            "port",
            format!("`{text}` is not a port number (1-65535)"),
        )),
        Ok(p) => Ok(p),
    }
}

fn parse_host_port(text: &str) -> Result<(Option<String>, Option<u16>), Error> {
    if text.is_empty() {
        return Ok((None, None));
    }
    if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(|| {
            bad(
                "host",
                "an IPv6 address opened with `[` is not closed with `]`",
            )
        })?;
        let port = match after {
            "" => None,
            p => Some(parse_port(p.strip_prefix(':').ok_or_else(|| {
                bad("port", "expected `:port` after the IPv6 address")
            })?)?),
        };
        return Ok((Some(host.to_string()), port));
    }
    let (host, port) = match text.rsplit_once(':') {
        Some((h, p)) => (h, Some(parse_port(p)?)),
        None => (text, None),
    };
    if host.is_empty() {
        return Ok((None, port));
    }
    let host = percent_decode(host, "host")?;
    if host
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, '/' | '@' | '?' | '#'))
        && !host.starts_with('/')
    {
        return Err(bad("host", format!("`{host}` is not a valid host name")));
    }
    Ok((Some(host), port))
}

/// `text` with every byte outside the URL's unreserved characters percent-encoded.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl DatabaseUrl {
    /// Writes the URL; `password` is what stands for the password, if there is one.
    fn write(&self, f: &mut impl fmt::Write, password: Option<&str>) -> fmt::Result {
        f.write_str("postgres")?;
        if let Some(d) = &self.driver {
            write!(f, "+{d}")?;
        }
        f.write_str("://")?;
        if let Some(u) = &self.user {
            f.write_str(&percent_encode(u))?;
            if let Some(p) = password {
                write!(f, ":{p}")?;
            }
            f.write_str("@")?;
        }
        let socket = self.host.as_deref().filter(|h| h.starts_with('/'));
        match self.host.as_deref() {
            Some(h) if h.contains(':') => write!(f, "[{h}]")?,
            Some(h) if socket.is_none() => f.write_str(h)?,
            _ => {}
        }
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        if let Some(d) = &self.database {
            write!(f, "/{}", percent_encode(d))?;
        }
        let params = socket
            .map(|h| ("host", h))
            .into_iter()
            .chain(self.params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        for (i, (key, value)) in params.enumerate() {
            let sep = if i == 0 { '?' } else { '&' };
            write!(f, "{sep}{key}={}", percent_encode(value))?;
        }
        Ok(())
    }

    /// The whole URL, password included, in a form [`DatabaseUrl::parse`] reads back: for
    /// handing to another program (a child process's `DATABASE_URL`), never for logs.
    pub fn to_string_with_password(&self) -> String {
        let mut out = String::new();
        let password = self.password.as_deref().map(percent_encode);
        // Writing into a String cannot fail.
        let _ = self.write(&mut out, password.as_deref());
        out
    }
}

impl fmt::Display for DatabaseUrl {
    /// The URL with the password replaced by `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, self.password.as_ref().map(|_| "***"))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part_of(e: Error) -> String {
        match e {
            Error::InvalidUrl { part, .. } => part,
            other => panic!("expected InvalidUrl, got {other:?}"),
        }
    }

    #[test]
    fn parses_every_part() {
        let u = DatabaseUrl::parse(
            "postgresql+postgres://bob:s%40cret@db.example:6543/shop?application_name=app",
        )
        .unwrap();
        assert_eq!(u.dialect, Dialect::Postgres);
        assert_eq!(u.driver.as_deref(), Some("postgres"));
        assert_eq!(u.user.as_deref(), Some("bob"));
        assert_eq!(u.password(), Some("s@cret"));
        assert_eq!(u.host.as_deref(), Some("db.example"));
        assert_eq!(u.port, Some(6543));
        assert_eq!(u.database.as_deref(), Some("shop"));
        assert_eq!(u.params, vec![("application_name".into(), "app".into())]);
    }

    #[test]
    fn never_shows_the_password() {
        let u = DatabaseUrl::parse("postgres://bob:hunter2@localhost/db").unwrap();
        assert!(!format!("{u}").contains("hunter2"));
        assert!(!format!("{u:?}").contains("hunter2"));
        assert_eq!(u.to_string(), "postgres://bob:***@localhost/db");
    }

    #[test]
    fn socket_dirs_and_ipv6() {
        let u = DatabaseUrl::parse("postgres:///db?host=/tmp/sock&port=5433").unwrap();
        assert_eq!(u.host.as_deref(), Some("/tmp/sock"));
        assert_eq!(u.port, Some(5433));
        let u = DatabaseUrl::parse("postgres://[::1]:5999/x").unwrap();
        assert_eq!(u.host.as_deref(), Some("::1"));
        assert_eq!(u.port, Some(5999));
    }

    #[test]
    fn names_the_bad_part() {
        assert_eq!(
            part_of(DatabaseUrl::parse("localhost/db").unwrap_err()),
            "scheme"
        );
        assert_eq!(
            part_of(DatabaseUrl::parse("oracle://h/db").unwrap_err()),
            "scheme"
        );
        assert_eq!(
            part_of(DatabaseUrl::parse("postgres+jdbc://h/db").unwrap_err()),
            "driver"
        );
        assert_eq!(
            part_of(DatabaseUrl::parse("postgres://h:99999/db").unwrap_err()),
            "port"
        );
        assert_eq!(
            part_of(DatabaseUrl::parse("postgres://h:abc/db").unwrap_err()),
            "port"
        );
        assert_eq!(
            part_of(DatabaseUrl::parse("postgres://h/a/b").unwrap_err()),
            "database"
        );
        assert_eq!(
            part_of(DatabaseUrl::parse("postgres://u:%zz@h/db").unwrap_err()),
            "password"
        );
        assert_eq!(
            part_of(DatabaseUrl::parse("postgres://h/db?colour=red").unwrap_err()),
            "colour"
        );
        assert_eq!(
            part_of(DatabaseUrl::parse("postgres://h/db?sslmode=require").unwrap_err()),
            "sslmode"
        );
        assert_eq!(
            part_of(DatabaseUrl::parse("postgres://[::1/db").unwrap_err()),
            "host"
        );
    }

    #[test]
    fn shows_socket_hosts_and_parameters_and_round_trips_with_the_password() {
        let text = "postgres://b%C3%B8b:p%40ss%3Aw%2Frd@/my%20db?host=%2Ftmp%2Fpg%20sock&port=5433&application_name=a%26b";
        let u = DatabaseUrl::parse(text).unwrap();
        assert_eq!(u.host.as_deref(), Some("/tmp/pg sock"));
        assert_eq!(
            u.to_string(),
            "postgres://b%C3%B8b:***@:5433/my%20db?host=%2Ftmp%2Fpg%20sock&application_name=a%26b"
        );
        let back = DatabaseUrl::parse(&u.to_string_with_password()).unwrap();
        assert_eq!(back, u);
        assert_eq!(back.password(), Some("p@ss:w/rd"));
        let plain = DatabaseUrl::parse("postgres://[::1]:5999/x").unwrap();
        assert_eq!(plain.to_string_with_password(), "postgres://[::1]:5999/x");
    }

    #[test]
    fn bad_password_escape_does_not_echo_the_password() {
        let e = DatabaseUrl::parse("postgres://u:topsecret%zz@h/db").unwrap_err();
        assert!(!e.to_string().contains("topsecret"));
    }
}
