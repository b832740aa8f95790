//! Connection URLs: `dialect[+driver]://user:password@host:port/database?param=value`.

use super::error::Error;
use super::wire::{AuthMethods, Config, Host, Keepalive};
use std::fmt;
use std::time::Duration;

/// The database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Dialect {
    /// `postgres://` or `postgresql://`.
    Postgres,
}

/// A parsed connection URL, `postgres://user:password@host:port/database?param=value`,
/// read as libpq reads it. The password never appears in `Debug` or `Display` output, nor
/// in an error.
///
/// Parts are percent-encoded: a `/` or `?` in a user name or password must be written
/// `%2F` or `%3F`, and an `@` after the host `%40`. An IPv6 address goes in brackets
/// (`[::1]:5432`); a Unix-socket directory is written `%2Frun%2Fpostgresql` or given as
/// `?host=/run/postgresql`. The parameters sqlwright acts on are listed at
/// [`DatabaseUrl::set_param`]; any other is refused, in a URL and through the setters alike.
///
/// # Environment variables
///
/// When connecting, what the URL does not say is taken from libpq's environment
/// variables; the URL wins, and a variable set to the empty string counts as unset:
///
/// - `PGHOST` (one host or socket directory), `PGPORT`, `PGDATABASE`, `PGPASSWORD`;
/// - `PGUSER`, else `USER`, else `postgres`;
/// - `PGAPPNAME` (`application_name`), `PGCONNECT_TIMEOUT` (`connect_timeout`),
///   `PGSSLMODE` (`sslmode`), `PGREQUIREAUTH` (`require_auth`).
///
/// They are checked like the URL's parameters: `PGSSLMODE=require` fails the connect
/// rather than connecting without TLS. Every other variable (`PGOPTIONS`, `PGSERVICE`,
/// `PGPASSFILE`, `PGHOSTADDR`, `PGSSLROOTCERT`, ...) is ignored, and no password or service
/// file is read. The fields, [`DatabaseUrl::params`] and `Display` hold only what the URL
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
    /// The host name, IP address, or directory of a Unix socket.
    pub host: Option<String>,
    /// The port.
    pub port: Option<u16>,
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
            url.apply_param(&key, &value)?;
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
    /// it. The others:
    ///
    /// - `application_name`: shown in the server's `pg_stat_activity`.
    /// - `options`: command-line options for the server process (`-c name=value ...`).
    /// - `connect_timeout`: whole seconds for the whole connect (default 10).
    /// - `sslmode`: `disable`, `allow` or `prefer`. sqlwright has no TLS yet, so all three
    ///   connect in plain text; `require`, `verify-ca` and `verify-full` are refused rather
    ///   than silently connecting without TLS.
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
        self.apply_param(name, value)
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
        match name {
            // Empty means unset, as in the URL itself (`postgres://@/`).
            "host" => self.host = check_host(value)?,
            "port" => self.port = Some(parse_port(value)?),
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

    /// `host:port/database` that a connection goes to, for messages (never the password):
    /// what the URL says, else what the environment says (see [`DatabaseUrl`]), else the
    /// defaults.
    pub fn target(&self) -> String {
        self.target_with(process_env)
    }

    fn target_with(&self, env: impl Fn(&str) -> Option<String>) -> String {
        let env = |var: &str| env(var).filter(|v| !v.is_empty());
        format!(
            "{}:{}/{}",
            self.host
                .clone()
                .or_else(|| env("PGHOST"))
                .unwrap_or_else(|| "localhost".into()),
            self.port
                .map(|p| p.to_string())
                .or_else(|| env("PGPORT"))
                .unwrap_or_else(|| "5432".into()),
            self.database
                .clone()
                .or_else(|| env("PGDATABASE"))
                .unwrap_or_default()
        )
    }

    /// The driver configuration for this URL, with the environment filling in what the
    /// URL does not say (see [`DatabaseUrl`]). Fails on an environment variable sqlwright
    /// cannot honour, such as `PGSSLMODE=require`: never a silent plain-text connection.
    pub(crate) fn to_config(&self) -> Result<Config, Error> {
        self.to_config_with(process_env)
    }

    /// [`DatabaseUrl::to_config`] with `env` looking up environment variables.
    fn to_config_with(&self, env: impl Fn(&str) -> Option<String>) -> Result<Config, Error> {
        let env = |var: &str| env(var).filter(|v| !v.is_empty());
        let text = |v: &str| Ok(v.to_string());
        let host = match &self.host {
            Some(h) => Some(h.clone()),
            None => from_env(&env, "PGHOST", check_host)?.flatten(),
        };
        let host = match host {
            Some(h) if h.starts_with('/') => Host::Unix(h.into()),
            Some(h) => Host::Tcp(h),
            None => Host::Tcp("localhost".to_string()),
        };
        let port = match self.port {
            Some(p) => p,
            None => from_env(&env, "PGPORT", parse_port)?.unwrap_or(5432),
        };
        let user = match &self.user {
            Some(u) => u.clone(),
            None => env("PGUSER")
                .or_else(|| env("USER"))
                .unwrap_or_else(|| "postgres".to_string()),
        };
        // Only acted on by being checked: sqlwright connects without TLS.
        self.setting("sslmode", "PGSSLMODE", &env, check_sslmode)?;
        Ok(Config {
            host,
            port,
            user,
            password: self.password.clone().or_else(|| env("PGPASSWORD")),
            dbname: self.database.clone().or_else(|| env("PGDATABASE")),
            options: self.param("options").map(str::to_string),
            application_name: self.setting("application_name", "PGAPPNAME", &env, text)?,
            connect_timeout: self
                .setting(
                    "connect_timeout",
                    "PGCONNECT_TIMEOUT",
                    &env,
                    parse_connect_timeout,
                )?
                .unwrap_or(Duration::from_secs(10)),
            keepalive: keepalive(|name| self.param(name))?,
            auth: self
                .setting("require_auth", "PGREQUIREAUTH", &env, parse_require_auth)?
                .unwrap_or_default(),
        })
    }

    /// Parameter `name` read by `read`, or else environment variable `var`.
    fn setting<T>(
        &self,
        name: &str,
        var: &str,
        env: &impl Fn(&str) -> Option<String>,
        read: impl Fn(&str) -> Result<T, Error>,
    ) -> Result<Option<T>, Error> {
        match self.param(name) {
            Some(value) => read(value).map(Some),
            None => from_env(env, var, read),
        }
    }
}

/// Looks up a variable in the process's environment.
fn process_env(var: &str) -> Option<String> {
    std::env::var(var).ok()
}

/// Environment variable `var` read by `read`; an error names the variable (and never
/// quotes `PGPASSWORD`, which nothing reads this way).
fn from_env<T>(
    env: &impl Fn(&str) -> Option<String>,
    var: &str,
    read: impl FnOnce(&str) -> Result<T, Error>,
) -> Result<Option<T>, Error> {
    let Some(value) = env(var) else {
        return Ok(None);
    };
    read(&value).map(Some).map_err(|e| match e {
        Error::InvalidUrl { reason, .. } => bad(var, format!("set in the environment: {reason}")),
        other => other,
    })
}

/// Checks a parameter kept among [`DatabaseUrl::params`].
fn check_param(name: &str, value: &str) -> Result<(), Error> {
    match name {
        "application_name" | "options" => Ok(()),
        "connect_timeout" => parse_connect_timeout(value).map(|_| ()),
        "sslmode" => check_sslmode(value),
        "keepalives" => parse_keepalives(value).map(|_| ()),
        "keepalives_idle" | "keepalives_interval" | "keepalives_count" => {
            parse_positive(name, value).map(|_| ())
        }
        "require_auth" => parse_require_auth(value).map(|_| ()),
        _ => Err(bad(
            name,
            format!("unknown parameter; known are {}", KNOWN_PARAMS.join(", ")),
        )),
    }
}

/// `connect_timeout`: whole seconds.
fn parse_connect_timeout(value: &str) -> Result<Duration, Error> {
    let secs = value
        .parse::<u64>()
        .map_err(|_| bad("connect_timeout", "expected a whole number of seconds"))?;
    Ok(Duration::from_secs(secs.max(1)))
}

/// `sslmode`: only the modes that allow a connection without TLS, which is all sqlwright
/// has for now.
fn check_sslmode(value: &str) -> Result<(), Error> {
    match value {
        "disable" | "allow" | "prefer" => Ok(()),
        "require" | "verify-ca" | "verify-full" => Err(bad(
            "sslmode",
            format!(
                "`{value}` needs TLS, which sqlwright does not support yet; \
                 use sslmode=disable"
            ),
        )),
        _ => Err(bad(
            "sslmode",
            format!(
                "`{value}` is not an sslmode (disable, allow, prefer, require, verify-ca, \
                 verify-full)"
            ),
        )),
    }
}

/// `keepalives`: whether to send TCP keepalive probes.
fn parse_keepalives(value: &str) -> Result<bool, Error> {
    match value {
        "1" => Ok(true),
        "0" => Ok(false),
        _ => Err(bad("keepalives", "expected 1 (on) or 0 (off)")),
    }
}

/// A whole number of at least 1 (seconds or a count) for parameter `name`.
fn parse_positive(name: &str, value: &str) -> Result<u32, Error> {
    // Digits only: `u32::from_str` would also take a leading `+`.
    let digits = value.bytes().all(|b| b.is_ascii_digit());
    match value.parse::<u32>() {
        Ok(n) if digits && (1..=i32::MAX.unsigned_abs()).contains(&n) => Ok(n),
        _ => Err(bad(
            name,
            format!("expected a whole number from 1 to {}", i32::MAX),
        )),
    }
}

/// The keepalive settings from the `keepalives*` parameters that `param` looks up.
fn keepalive<'a>(param: impl Fn(&str) -> Option<&'a str>) -> Result<Option<Keepalive>, Error> {
    if let Some(on) = param("keepalives") {
        if !parse_keepalives(on)? {
            return Ok(None);
        }
    }
    let mut keepalive = Keepalive::default();
    if let Some(idle) = param("keepalives_idle") {
        keepalive.idle = Duration::from_secs(parse_positive("keepalives_idle", idle)?.into());
    }
    if let Some(interval) = param("keepalives_interval") {
        keepalive.interval =
            Duration::from_secs(parse_positive("keepalives_interval", interval)?.into());
    }
    if let Some(count) = param("keepalives_count") {
        keepalive.count = parse_positive("keepalives_count", count)?;
    }
    Ok(Some(keepalive))
}

/// `require_auth`, as libpq reads it: a comma-separated list of methods to allow, or of
/// methods to exclude, each prefixed with `!`. Empty means the default.
fn parse_require_auth(value: &str) -> Result<AuthMethods, Error> {
    let fail = |reason: String| bad("require_auth", reason);
    if value.is_empty() {
        return Ok(AuthMethods::default());
    }
    let negated = value.starts_with('!');
    let mut auth = if negated {
        AuthMethods::default()
    } else {
        AuthMethods {
            none: false,
            password: false,
            md5: false,
            scram: false,
            cleartext_over_tcp: false,
        }
    };
    let allow = !negated;
    let mut seen: Vec<&str> = Vec::new();
    for item in value.split(',') {
        let method = match item.strip_prefix('!') {
            Some(method) if negated => method,
            None if !negated => item,
            _ => {
                return Err(fail(
                    "negated (`!md5`) and plain (`md5`) methods cannot be mixed".into(),
                ))
            }
        };
        if seen.contains(&method) {
            return Err(fail(format!("`{method}` is named more than once")));
        }
        seen.push(method);
        match method {
            "none" => auth.none = allow,
            "password" => {
                auth.password = allow;
                // Asked for explicitly: allowed over TCP as well.
                auth.cleartext_over_tcp = allow;
            }
            "md5" => auth.md5 = allow,
            "scram-sha-256" => auth.scram = allow,
            // Never used, so excluding them changes nothing.
            "gss" | "sspi" | "creds" if negated => {}
            "gss" | "sspi" | "creds" => {
                return Err(fail(format!(
                    "`{method}` authentication is not supported by sqlwright"
                )))
            }
            "" => return Err(fail("an empty method in the list".into())),
            other => {
                return Err(fail(format!(
                    "unknown method `{other}`; known are password, md5, scram-sha-256 and \
                     none, or the same each negated with `!`"
                )))
            }
        }
    }
    Ok(auth)
}

fn parse_port(text: &str) -> Result<u16, Error> {
    match text.parse::<u16>() {
        // The text is not quoted: in `user:password/db` (`@host` forgotten) it is the
        // password.
        Ok(0) | Err(_) => Err(bad("port", "expected a port number (1-65535)")),
        Ok(p) => Ok(p),
    }
}

/// The port after `host:`.
fn parse_authority_port(text: &str) -> Result<u16, Error> {
    parse_port(text).map_err(|_| {
        bad(
            "port",
            "expected a port number (1-65535) after `host:`; a user name and password go \
             before an `@`",
        )
    })
}

fn parse_host_port(text: &str) -> Result<(Option<String>, Option<u16>), Error> {
    if text.contains(',') {
        return Err(several_hosts());
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
            p => Some(parse_authority_port(p.strip_prefix(':').ok_or_else(
                || bad("port", "expected `:port` after the IPv6 address"),
            )?)?),
        };
        return Ok((check_host(&percent_decode(host, "host")?)?, port));
    }
    if text.matches(':').count() > 1 {
        return Err(bad(
            "host",
            "an IPv6 address must be written in brackets: `[::1]` or `[::1]:5432`",
        ));
    }
    let (host, port) = match text.rsplit_once(':') {
        Some((h, p)) => (h, Some(parse_authority_port(p)?)),
        None => (text, None),
    };
    Ok((check_host(&percent_decode(host, "host")?)?, port))
}

fn several_hosts() -> Error {
    bad("host", "several hosts (`a,b`) are not supported; name one")
}

/// A decoded host, wherever it comes from: `None` when empty, a socket directory when it
/// starts with `/`, otherwise a host name or IP address.
fn check_host(host: &str) -> Result<Option<String>, Error> {
    if host.contains(',') {
        return Err(several_hosts());
    }
    if host.is_empty() {
        return Ok(None);
    }
    if !host.starts_with('/')
        && host
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '/' | '@' | '?' | '#' | '[' | ']'))
    {
        return Err(bad("host", format!("`{host}` is not a valid host name")));
    }
    Ok(Some(host.to_string()))
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
        if self.user.is_some() || password.is_some() {
            f.write_str(&percent_encode(self.user.as_deref().unwrap_or("")))?;
            if let Some(p) = password {
                write!(f, ":{p}")?;
            }
            f.write_str("@")?;
        }
        let socket = self.host.as_deref().filter(|h| h.starts_with('/'));
        match self.host.as_deref() {
            _ if socket.is_some() => {}
            // An IPv6 address keeps its colons; they are what the brackets are for.
            Some(h) if h.contains(':') => write!(f, "[{}]", percent_encode(h).replace("%3A", ":"))?,
            Some(h) => f.write_str(&percent_encode(h))?,
            None => {}
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
    use super::super::wire::{AuthMethods, Config, Host, Keepalive};
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
        assert_eq!(u.params(), &[("application_name".into(), "app".into())]);
        assert_eq!(u.param("application_name"), Some("app"));
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
        let e = DatabaseUrl::parse("postgres://h/db?application_name=me@work").unwrap_err();
        assert!(e.to_string().contains("%40"), "{e}");
        let u = DatabaseUrl::parse("postgres://h/db?application_name=me%40work").unwrap();
        assert_eq!(u.param("application_name"), Some("me@work"));
        let u = DatabaseUrl::parse("postgres://u:p%2Fw%3Fd@h/d%40b").unwrap();
        assert_eq!(u.password(), Some("p/w?d"));
        assert_eq!(u.database.as_deref(), Some("d@b"));
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
    fn settings_through_the_api_are_checked_like_the_url() {
        let u = DatabaseUrl::parse("postgres://h/db").unwrap();
        for mode in ["require", "verify-ca", "verify-full", "junk"] {
            let e = u.clone().with_param("sslmode", mode).unwrap_err();
            assert_eq!(part_of(e), "sslmode");
            let mut v = u.clone();
            assert_eq!(
                part_of(v.set_param("sslmode", mode).unwrap_err()),
                "sslmode"
            );
            assert_eq!(v, u, "a refused setting changes nothing");
        }
        let e = u.clone().with_param("sslmode", "require").unwrap_err();
        assert!(e.to_string().contains("TLS"), "{e}");
        let e = u.clone().with_param("colour", "red").unwrap_err();
        assert_eq!(part_of(e), "colour");
        let e = u.clone().with_param("connect_timeout", "soon").unwrap_err();
        assert_eq!(part_of(e), "connect_timeout");
        let e = u.clone().with_param("port", "0").unwrap_err();
        assert_eq!(part_of(e), "port");

        let v = u.clone().with_param("sslmode", "prefer").unwrap();
        assert_eq!(v.param("sslmode"), Some("prefer"));
        let mut v = v.with_param("sslmode", "disable").unwrap();
        assert_eq!(
            v.params(),
            &[("sslmode".to_string(), "disable".to_string())]
        );
        v.set_param("application_name", "app").unwrap();
        assert_eq!(v.param("application_name"), Some("app"));
        assert_eq!(v.param("connect_timeout"), None);
        assert_eq!(
            v.to_string(),
            "postgres://h/db?sslmode=disable&application_name=app"
        );

        // The parameters that name parts of the URL set those parts, as in a URL.
        let v = u
            .with_param("port", "6000")
            .unwrap()
            .with_param("host", "/tmp/s")
            .unwrap()
            .with_param("user", "ann")
            .unwrap()
            .with_param("password", "pw")
            .unwrap()
            .with_param("dbname", "other")
            .unwrap();
        assert_eq!(v.port, Some(6000));
        assert_eq!(v.host.as_deref(), Some("/tmp/s"));
        assert_eq!(v.user.as_deref(), Some("ann"));
        assert_eq!(v.password(), Some("pw"));
        assert_eq!(v.database.as_deref(), Some("other"));
        assert!(v.params().is_empty());
    }

    fn config_of(url: &str) -> Result<Config, Error> {
        DatabaseUrl::parse(url)?.to_config()
    }

    #[test]
    fn keepalive_parameters() {
        let keepalive = |query: &str| {
            config_of(&format!("postgres://h/db{query}"))
                .unwrap()
                .keepalive
        };
        let secs = Duration::from_secs;
        assert_eq!(keepalive(""), Some(Keepalive::default()));
        assert_eq!(keepalive("?keepalives=1"), Some(Keepalive::default()));
        assert_eq!(keepalive("?keepalives=0"), None);
        assert_eq!(keepalive("?keepalives_idle=5&keepalives=0"), None);
        assert_eq!(
            keepalive("?keepalives_idle=30&keepalives_interval=5&keepalives_count=3"),
            Some(Keepalive {
                idle: secs(30),
                interval: secs(5),
                count: 3
            })
        );
        assert_eq!(
            keepalive("?keepalives=1&keepalives_count=2"),
            Some(Keepalive {
                count: 2,
                ..Keepalive::default()
            })
        );
        assert_eq!(
            keepalive("?keepalives_interval=1"),
            Some(Keepalive {
                interval: secs(1),
                ..Keepalive::default()
            })
        );
        let u = DatabaseUrl::parse("postgres://h/db").unwrap();
        let v = u.clone().with_param("keepalives_idle", "7").unwrap();
        assert_eq!(v.to_config().unwrap().keepalive.unwrap().idle, secs(7));
        for (name, value) in [
            ("keepalives", "2"),
            ("keepalives", "yes"),
            ("keepalives", ""),
            ("keepalives_idle", "0"),
            ("keepalives_idle", "-1"),
            ("keepalives_idle", "+5"),
            ("keepalives_idle", " 5"),
            ("keepalives_idle", "1.5"),
            ("keepalives_idle", "1s"),
            ("keepalives_idle", ""),
            ("keepalives_interval", "0"),
            ("keepalives_interval", "ten"),
            ("keepalives_count", "0"),
            ("keepalives_count", "99999999999"),
        ] {
            let url = format!("postgres://h/db?{name}={value}");
            let e = DatabaseUrl::parse(&url).unwrap_err();
            assert_eq!(part_of(e), name, "{url}");
            let e = u.clone().with_param(name, value).unwrap_err();
            assert_eq!(part_of(e), name, "{name}={value}");
        }
    }

    #[test]
    fn require_auth_parameter() {
        let auth = |value: &str| -> Result<AuthMethods, Error> {
            Ok(config_of(&format!("postgres://h/db?require_auth={value}"))?.auth)
        };
        let only = AuthMethods {
            none: false,
            password: false,
            md5: false,
            scram: false,
            cleartext_over_tcp: false,
        };
        let all = AuthMethods::default();
        assert_eq!(config_of("postgres://h/db").unwrap().auth, all);
        assert_eq!(auth("").unwrap(), all);
        assert_eq!(
            auth("scram-sha-256").unwrap(),
            AuthMethods {
                scram: true,
                ..only
            }
        );
        assert_eq!(
            auth("md5,scram-sha-256").unwrap(),
            AuthMethods {
                md5: true,
                scram: true,
                ..only
            }
        );
        assert_eq!(auth("none").unwrap(), AuthMethods { none: true, ..only });
        // Asking for the cleartext password explicitly allows it over TCP too.
        assert_eq!(
            auth("password").unwrap(),
            AuthMethods {
                password: true,
                cleartext_over_tcp: true,
                ..only
            }
        );
        assert_eq!(
            auth("scram-sha-256,password,none").unwrap(),
            AuthMethods {
                none: true,
                password: true,
                scram: true,
                cleartext_over_tcp: true,
                md5: false,
            }
        );
        // A negated list removes methods from the default set.
        assert_eq!(
            auth("!password").unwrap(),
            AuthMethods {
                password: false,
                ..all
            }
        );
        assert_eq!(
            auth("!none,!md5").unwrap(),
            AuthMethods {
                none: false,
                md5: false,
                ..all
            }
        );
        // Methods sqlwright never uses may be excluded: that is what happens anyway.
        assert_eq!(auth("!gss,!sspi").unwrap(), all);
        let u = DatabaseUrl::parse("postgres://h/db").unwrap();
        let v = u.clone().with_param("require_auth", "!md5").unwrap();
        assert!(!v.to_config().unwrap().auth.md5);
        for (value, says) in [
            ("gss", "not supported"),
            ("sspi", "not supported"),
            ("scram-sha-256,gss", "not supported"),
            ("password,!md5", "mixed"),
            ("!password,md5", "mixed"),
            ("md5,md5", "more than once"),
            ("!md5,!md5", "more than once"),
            ("kerberos", "unknown"),
            ("SCRAM-SHA-256", "unknown"),
            ("md5, none", "unknown"),
            ("md5,", "empty"),
            ("!", "empty"),
        ] {
            let e = auth(value).unwrap_err();
            assert!(e.to_string().contains(says), "{value}: {e}");
            assert_eq!(part_of(e), "require_auth", "{value}");
            let e = u.clone().with_param("require_auth", value).unwrap_err();
            assert_eq!(part_of(e), "require_auth", "{value}");
        }
    }

    /// Every shape of unencoded password: each either parses whole, or fails with an error
    /// that holds no part of it (every part contains `PW`, which nothing else does).
    #[test]
    fn errors_never_show_any_part_of_the_password() {
        let specials = [
            "/", "?", "#", "@", ":", "/?", "?/", "#/", "@/", "/@", "?@", "%", "%2", "&", "=", " ",
            "[", "]", "[:", "//", "",
        ];
        let tails = [
            "@h/db",
            "@h:5432/db?application_name=x",
            "@[::1]/db",
            "@/db?host=/tmp",
            "@h",
            "@",
            "@h/db?sslmode=disable&connect_timeout=5",
            "@h/db?colour=red",
        ];
        let mut checked = 0;
        for a in specials {
            for b in specials {
                for password in [format!("PWa{a}PWb{b}PWc"), format!("{a}PWa{b}")] {
                    for user in ["u", "", "us%40er"] {
                        for tail in tails {
                            let url = format!("postgres://{user}:{password}{tail}");
                            match DatabaseUrl::parse(&url) {
                                Ok(u) => {
                                    assert_eq!(u.password(), Some(password.as_str()), "{url}");
                                    let shown = format!("{u} {u:?} {:?}", u.target());
                                    assert!(!shown.contains("PW"), "{url}: {shown}");
                                }
                                Err(e) => {
                                    let text = format!("{e} {e:?}");
                                    assert!(!text.contains("PW"), "{url}: {text}");
                                }
                            }
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 20_000);
        // Without an `@`, the text after `user:` is read as a port: not echoed either, in
        // case it was a password whose `@host` was forgotten.
        for url in [
            "postgres://u:PWa",
            "postgres://u:PWa/db",
            "postgres://u:PWa?x=1",
            "postgres://u:PW a",
            "postgres://u:99999",
        ] {
            let e = DatabaseUrl::parse(url).unwrap_err();
            let text = format!("{e} {e:?}");
            assert!(
                !text.contains("PW") && !text.contains("999"),
                "{url}: {text}"
            );
        }
    }

    #[test]
    fn a_password_without_a_user_name_round_trips() {
        let u = DatabaseUrl::parse("postgres://:secret@host/db").unwrap();
        assert_eq!(u.user, None);
        assert_eq!(u.password(), Some("secret"));
        assert_eq!(u.to_string(), "postgres://:***@host/db");
        assert_eq!(u.to_string_with_password(), "postgres://:secret@host/db");
        assert_eq!(DatabaseUrl::parse(&u.to_string_with_password()).unwrap(), u);
        let mut u = DatabaseUrl::parse("postgres://host/db").unwrap();
        u.set_password(Some(""));
        assert_eq!(u.to_string_with_password(), "postgres://:@host/db");
        assert_eq!(DatabaseUrl::parse(&u.to_string_with_password()).unwrap(), u);
    }

    #[test]
    fn an_ipv6_host_needs_brackets() {
        for url in [
            "postgres://::1/db",
            "postgres://::1:5432/db",
            "postgres://u@fe80::1/db",
            "postgres://2001:db8::7",
        ] {
            let e = DatabaseUrl::parse(url).unwrap_err();
            assert!(e.to_string().contains("[::1]"), "{url}: {e}");
            assert_eq!(part_of(e), "host", "{url}");
        }
        let u = DatabaseUrl::parse("postgres://[2001:db8::7]:6000").unwrap();
        assert_eq!(u.host.as_deref(), Some("2001:db8::7"));
        assert_eq!(u.port, Some(6000));
    }

    /// What [`generated_urls_round_trip`] found, one case each.
    #[test]
    fn round_trips_found_by_the_generator() {
        for (text, written) in [
            // Empty `user`, `dbname` and `host` parameters unset those parts.
            ("postgres://h/db?user=", "postgres://h/db"),
            ("postgres://u@h/db?dbname=", "postgres://u@h"),
            ("postgres://u@h/db?host=", "postgres://u@/db"),
            // Host names are percent-encoded like every other part.
            ("postgres://a%25b/db", "postgres://a%25b/db"),
            ("postgres://h%C3%A9st", "postgres://h%C3%A9st"),
            (
                "postgres://[fe80::1%25eth0]:5/x",
                "postgres://[fe80::1%25eth0]:5/x",
            ),
            // A socket directory with a colon is not an IPv6 address.
            (
                "postgres://%2Ftmp%2Fa%3Ab:1/db",
                "postgres://:1/db?host=%2Ftmp%2Fa%3Ab",
            ),
        ] {
            let u = DatabaseUrl::parse(text).unwrap();
            assert_eq!(u.to_string_with_password(), written, "{text}");
            assert_eq!(DatabaseUrl::parse(written).unwrap(), u, "{text}");
        }
        let u = DatabaseUrl::parse("postgres://[fe80::1%25eth0]/x").unwrap();
        assert_eq!(u.host.as_deref(), Some("fe80::1%eth0"));
        // Brackets belong around an address, not in a host name.
        for text in [
            "postgres://%5B%3A%3A1%5D/db",
            "postgres://h/db?host=%5B%3A%3A1%5D",
        ] {
            assert_eq!(
                part_of(DatabaseUrl::parse(text).unwrap_err()),
                "host",
                "{text}"
            );
        }
        // libpq's lists of hosts are not supported.
        for text in [
            "postgres://h1,h2/db",
            "postgres://h1:5432,h2:5433/db",
            "postgres://h/db?host=h1,h2",
        ] {
            let e = DatabaseUrl::parse(text).unwrap_err();
            assert!(e.to_string().contains("several hosts"), "{text}: {e}");
        }
    }

    /// A small deterministic pseudo-random generator (xorshift64).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    /// A password made of `PW` pieces (which nothing else in a generated URL contains)
    /// and special characters, each written raw or percent-encoded.
    fn password(rng: &mut Rng) -> String {
        const SPECIALS: &str = " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~é💡";
        let specials: Vec<char> = SPECIALS.chars().collect();
        let mut out = String::from("PW");
        for _ in 0..rng.below(5) {
            let c = specials[rng.below(specials.len())];
            if rng.below(2) == 0 {
                out.push(c);
            } else {
                let mut buf = [0; 4];
                out.push_str(&percent_encode(c.encode_utf8(&mut buf)));
            }
            if rng.below(2) == 0 {
                out.push_str("PW");
            }
        }
        out
    }

    fn random_url(rng: &mut Rng) -> String {
        const SCHEMES: &[&str] = &[
            "postgres",
            "postgresql",
            "postgresql+postgres",
            "postgres+psycopg2",
            "PostgreSQL+psycopg",
        ];
        const USERS: &[&str] = &[
            "",
            "bob",
            "b%C3%B8b",
            "bøb",
            "a%40b",
            "a%3Ab",
            "with%20space",
            "x.y-z_~",
            "%2F%3F%23",
            "100%25",
        ];
        const HOSTS: &[&str] = &[
            "",
            "localhost",
            "db.example.com",
            "127.0.0.1",
            "[::1]",
            "[fe80::1%25eth0]",
            "[2001:db8::7]",
            "%2Ftmp",
            "%2Fvar%2Frun%2Fpg%20x",
            "%2Ftmp%2Fa%3Ab",
            "h%C3%A9st",
            "a%25b",
            "h%3Ax",
            "%5B%3A%3A1%5D",
            "::1",
            "h,j",
            "h st",
        ];
        const PORTS: &[&str] = &["", ":5432", ":1", ":65535", ":0", ":", ":x"];
        const DATABASES: &[&str] = &[
            "",
            "/",
            "/db",
            "/my%20db",
            "/d%C3%A9j%C3%A0",
            "/raw ünicode",
            "/a%2Fb",
            "/100%25",
            "/a%3Fb",
            "/a%40b",
            "/%F0%9F%92%A1",
            "/a#b",
            "/a/b",
        ];
        const PARAMS: &[&str] = &[
            "application_name=x%26y",
            "application_name=",
            "application_name=a b",
            "application_name=%C3%A9",
            "application%5Fname=enc",
            "connect_timeout=5",
            "sslmode=disable",
            "sslmode=prefer",
            "sslmode=allow",
            "host=%2Ftmp%2Fs",
            "host=other",
            "host=",
            "host=%3A%3A1",
            "port=6000",
            "user=someone",
            "user=",
            "password=PWq%2F1",
            "password=",
            "dbname=other%20db",
            "dbname=",
            "options=-c%20search_path%3Dx",
            "keepalives=0",
            "keepalives=1",
            "keepalives_idle=30",
            "keepalives_interval=3",
            "keepalives_count=4",
            "require_auth=scram-sha-256",
            "require_auth=!password,!md5",
            "require_auth=password",
            "sslmode=require",
            "keepalives_idle=abc",
            "colour=red",
            "",
        ];
        let mut url = format!("{}://", rng.pick(SCHEMES));
        match rng.below(5) {
            0 => {}
            1 => url.push_str(&format!("{}@", rng.pick(USERS))),
            2 => url.push_str(&format!("{}:@", rng.pick(USERS))),
            _ => url.push_str(&format!("{}:{}@", rng.pick(USERS), password(rng))),
        }
        url.push_str(rng.pick(HOSTS));
        url.push_str(rng.pick(PORTS));
        url.push_str(rng.pick(DATABASES));
        let params: Vec<&str> = (0..rng.below(5)).map(|_| rng.pick(PARAMS)).collect();
        if !params.is_empty() {
            url.push('?');
            url.push_str(&params.join("&"));
        }
        url
    }

    /// Every URL that parses (20 000 of them, among as many again that do not) reads back
    /// the same from `to_string_with_password`, and neither its `Display` nor `Debug` nor
    /// any error shows the password.
    #[test]
    fn generated_urls_round_trip() {
        let mut rng = Rng(0x5eed_0f59_17a1_1c00);
        let (mut parsed, mut refused, mut failures) = (0, 0, Vec::new());
        while parsed < 20_000 && refused < 100_000 {
            let text = random_url(&mut rng);
            let u = match DatabaseUrl::parse(&text) {
                Ok(u) => u,
                Err(e) => {
                    refused += 1;
                    let shown = format!("{e} {e:?}");
                    if shown.contains("PW") {
                        failures.push(format!("{text}: error shows the password: {shown}"));
                    }
                    continue;
                }
            };
            parsed += 1;
            let shown = format!("{u} {u:?} {}", u.target());
            if shown.contains("PW") {
                failures.push(format!("{text}: shown with the password: {shown}"));
            }
            let written = u.to_string_with_password();
            match DatabaseUrl::parse(&written) {
                Ok(back) if back == u => {}
                Ok(back) => failures.push(format!("{text} -> {written} -> {back:?} != {u:?}")),
                Err(e) => failures.push(format!("{text} -> {written}: {e}")),
            }
            // The shown form is a URL too, with `***` for the password.
            match DatabaseUrl::parse(&u.to_string()) {
                Ok(mut back) => {
                    back.set_password(u.password());
                    if back != u {
                        failures.push(format!("{text} shown as {u}: {back:?} != {u:?}"));
                    }
                }
                Err(e) => failures.push(format!("{text} shown as {u}: {e}")),
            }
        }
        assert!(
            failures.is_empty(),
            "{} failures, such as:\n{}",
            failures.len(),
            failures[..failures.len().min(30)].join("\n")
        );
        assert_eq!(parsed, 20_000, "only {parsed} URLs parse, {refused} do not");
        assert!(refused > 10_000, "only {refused} URLs are refused");
    }

    /// An environment of `vars` only.
    fn env_of<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    const ENV: &[(&str, &str)] = &[
        ("PGHOST", "envhost"),
        ("PGPORT", "6001"),
        ("PGUSER", "envuser"),
        ("PGPASSWORD", "envpw"),
        ("PGDATABASE", "envdb"),
        ("PGAPPNAME", "envapp"),
        ("PGCONNECT_TIMEOUT", "3"),
        ("PGSSLMODE", "prefer"),
        ("PGREQUIREAUTH", "scram-sha-256"),
        ("USER", "osuser"),
    ];

    #[test]
    fn the_environment_fills_in_what_the_url_does_not_say() {
        let scram_only = AuthMethods {
            none: false,
            password: false,
            md5: false,
            scram: true,
            cleartext_over_tcp: false,
        };
        let bare = DatabaseUrl::parse("postgres://").unwrap();
        let c = bare.to_config_with(env_of(ENV)).unwrap();
        assert!(
            matches!(&c.host, Host::Tcp(h) if h == "envhost"),
            "{:?}",
            c.host
        );
        assert_eq!(c.port, 6001);
        assert_eq!(c.user, "envuser");
        assert_eq!(c.password.as_deref(), Some("envpw"));
        assert_eq!(c.dbname.as_deref(), Some("envdb"));
        assert_eq!(c.application_name.as_deref(), Some("envapp"));
        assert_eq!(c.connect_timeout, Duration::from_secs(3));
        assert_eq!(c.auth, scram_only);
        assert_eq!(bare.target_with(env_of(ENV)), "envhost:6001/envdb");

        // The URL wins over the environment.
        let full = DatabaseUrl::parse(
            "postgres://u:pw@h:7000/db?application_name=a&connect_timeout=4\
             &require_auth=md5&sslmode=disable",
        )
        .unwrap();
        let c = full.to_config_with(env_of(ENV)).unwrap();
        assert!(matches!(&c.host, Host::Tcp(h) if h == "h"));
        assert_eq!(c.port, 7000);
        assert_eq!(c.user, "u");
        assert_eq!(c.password.as_deref(), Some("pw"));
        assert_eq!(c.dbname.as_deref(), Some("db"));
        assert_eq!(c.application_name.as_deref(), Some("a"));
        assert_eq!(c.connect_timeout, Duration::from_secs(4));
        assert_eq!(
            c.auth,
            AuthMethods {
                md5: true,
                scram: false,
                ..scram_only
            }
        );
        assert_eq!(full.target_with(env_of(ENV)), "h:7000/db");
        let c = full
            .to_config_with(env_of(&[("PGSSLMODE", "require")]))
            .unwrap();
        assert_eq!(c.port, 7000);

        // Nothing set: the defaults.
        let c = bare.to_config_with(env_of(&[])).unwrap();
        assert!(matches!(&c.host, Host::Tcp(h) if h == "localhost"));
        assert_eq!(c.port, 5432);
        assert_eq!(c.user, "postgres");
        assert_eq!(c.password, None);
        assert_eq!(c.dbname, None);
        assert_eq!(c.application_name, None);
        assert_eq!(c.connect_timeout, Duration::from_secs(10));
        assert_eq!(c.auth, AuthMethods::default());
        assert_eq!(bare.target_with(env_of(&[])), "localhost:5432/");
        let c = bare.to_config_with(env_of(&[("USER", "osuser")])).unwrap();
        assert_eq!(c.user, "osuser");

        // Empty variables count as unset.
        let empty: Vec<(&str, &str)> = ENV.iter().map(|(k, _)| (*k, "")).collect();
        let c = bare.to_config_with(env_of(&empty)).unwrap();
        assert!(matches!(&c.host, Host::Tcp(h) if h == "localhost"));
        assert_eq!(
            (c.port, c.user.as_str(), c.password),
            (5432, "postgres", None)
        );

        // A socket directory.
        let c = bare
            .to_config_with(env_of(&[("PGHOST", "/run/pg")]))
            .unwrap();
        assert!(matches!(&c.host, Host::Unix(d) if d.as_os_str() == "/run/pg"));

        // Variables sqlwright does not read change nothing.
        let c = bare
            .to_config_with(env_of(&[
                ("PGOPTIONS", "-c search_path=x"),
                ("PGSSLROOTCERT", "/x"),
                ("PGSERVICE", "s"),
                ("PGHOSTADDR", "10.0.0.1"),
            ]))
            .unwrap();
        assert!(matches!(&c.host, Host::Tcp(h) if h == "localhost"));
        assert_eq!(c.options, None);
    }

    #[test]
    fn the_environment_is_checked_like_the_url() {
        let bare = DatabaseUrl::parse("postgres://").unwrap();
        for (var, value, says) in [
            ("PGSSLMODE", "require", "TLS"),
            ("PGSSLMODE", "verify-full", "TLS"),
            ("PGSSLMODE", "sometimes", "sslmode"),
            ("PGPORT", "abc", "port"),
            ("PGPORT", "0", "port"),
            ("PGCONNECT_TIMEOUT", "soon", "seconds"),
            ("PGREQUIREAUTH", "gss", "not supported"),
            ("PGREQUIREAUTH", "md5,!none", "mixed"),
            ("PGHOST", "a b", "host"),
            ("PGHOST", "h1,h2", "several hosts"),
        ] {
            let vars = [(var, value), ("PGPASSWORD", "PWsecret")];
            let e = bare.to_config_with(env_of(&vars)).unwrap_err();
            let text = e.to_string();
            assert!(text.contains(says), "{var}={value}: {text}");
            assert!(text.contains("environment"), "{var}={value}: {text}");
            assert!(!text.contains("PW"), "{var}={value}: {text}");
            assert_eq!(part_of(e), var);
        }
        for mode in ["disable", "allow", "prefer"] {
            let vars = [("PGSSLMODE", mode)];
            assert!(bare.to_config_with(env_of(&vars)).is_ok(), "{mode}");
        }
    }

    #[test]
    fn bad_password_escape_does_not_echo_the_password() {
        let e = DatabaseUrl::parse("postgres://u:topsecret%zz@h/db").unwrap_err();
        assert!(!e.to_string().contains("topsecret"));
    }
}
