//! MySQL and MariaDB URLs: `mysql://user:password@host:port/database?option=value`, also
//! spelled `mariadb://`, and SQLAlchemy's `mysql+pymysql://` and `mysql+mysqldb://`.

use super::super::wire::Spelling;
use super::*;

/// The options a MySQL URL may carry; any other is refused.
const MYSQL_PARAMS: &[&str] = &[
    "charset",
    "ssl-mode",
    "ssl-ca",
    "ssl-cert",
    "ssl-key",
    "connect_timeout",
    "read_timeout",
    "write_timeout",
    "statement_timeout",
];

/// The driver part of a MySQL URL. SQLAlchemy's Python drivers are accepted so that the
/// notes' URLs work as written, and kept only to be shown again: sqlwright always speaks
/// with its own protocol client, which reads user, password, host, port, database and the
/// options above as those drivers do.
pub(super) fn driver(name: &str) -> Result<String, Error> {
    match name {
        "pymysql" | "mysqldb" => Ok(name.to_string()),
        other => Err(bad(
            "driver",
            format!(
                "unknown driver `{other}`; a MySQL URL names `pymysql` or `mysqldb`, or none \
                 (sqlwright talks to MySQL and MariaDB with its own client)"
            ),
        )),
    }
}

/// What a MySQL URL's options ask of a connection, checked.
#[derive(Clone, Debug, Default)]
#[cfg_attr(not(feature = "mysql"), allow(dead_code))]
pub(crate) struct MysqlOptions {
    /// The longest the TCP connect may take (`connect_timeout`).
    pub connect_timeout: Option<Duration>,
    /// The longest one read from the server may wait (`read_timeout`).
    pub read_timeout: Option<Duration>,
    /// The longest one write to the server may wait (`write_timeout`).
    pub write_timeout: Option<Duration>,
    /// The longest a statement may run on the server (`statement_timeout`, MariaDB's
    /// `max_statement_time`).
    pub statement_timeout: Option<Duration>,
    /// TLS (`ssl-mode`, `ssl-ca`, `ssl-cert`, `ssl-key`); `PREFERRED` by default. Its
    /// rustls configuration is built once and shared by the clones (a pool's connections).
    pub tls: TlsSettings,
}

impl DatabaseUrl {
    /// Checks and keeps option `name=value` of a MySQL URL.
    pub(super) fn apply_mysql_param(&mut self, name: &str, value: &str) -> Result<(), Error> {
        match name {
            "charset" => parse_charset(value)?,
            "ssl-mode" => {
                parse_ssl_mode(value)?;
            }
            "ssl-ca" | "ssl-cert" | "ssl-key" => {
                parse_file(name, value)?;
            }
            "connect_timeout" | "read_timeout" | "write_timeout" => {
                parse_seconds(name, value)?;
            }
            "statement_timeout" => {
                parse_statement_timeout(value)?;
            }
            _ => {
                return Err(bad(
                    name,
                    format!(
                        "unknown MySQL option (sqlwright acts on: {})",
                        MYSQL_PARAMS.join(", ")
                    ),
                ))
            }
        }
        self.params.retain(|(k, _)| k != name);
        self.params.push((name.to_string(), value.to_string()));
        Ok(())
    }

    /// What a whole MySQL URL must be: one host (a name, an address, or a socket path).
    pub(super) fn check_mysql(&self) -> Result<(), Error> {
        if !self.more_hosts.is_empty() || !self.more_ports.is_empty() {
            return Err(bad(
                "host",
                "a MySQL URL names one host; several hosts are not supported",
            ));
        }
        Ok(())
    }

    /// The options of a MySQL URL (read by the `mysql` backend).
    #[cfg_attr(not(feature = "mysql"), allow(dead_code))]
    pub(crate) fn mysql_options(&self) -> Result<MysqlOptions, Error> {
        let seconds = |name| self.param(name).map(|v| parse_seconds(name, v)).transpose();
        Ok(MysqlOptions {
            connect_timeout: seconds("connect_timeout")?,
            read_timeout: seconds("read_timeout")?,
            write_timeout: seconds("write_timeout")?,
            statement_timeout: self
                .param("statement_timeout")
                .map(parse_statement_timeout)
                .transpose()?,
            tls: self.mysql_tls()?,
        })
    }

    /// The TLS settings of `ssl-mode`, `ssl-ca`, `ssl-cert` and `ssl-key`, checked
    /// together: each option is acted on or the combination is refused.
    fn mysql_tls(&self) -> Result<TlsSettings, Error> {
        let file = |name| self.param(name).map(|v| parse_file(name, v)).transpose();
        let mode = match self.param("ssl-mode") {
            Some(value) => parse_ssl_mode(value)?,
            None => SslMode::Prefer,
        };
        let ca = file("ssl-ca")?;
        let client_cert = match (file("ssl-cert")?, file("ssl-key")?) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            (Some(_), None) => return Err(bad("ssl-key", "ssl-cert is set without ssl-key")),
            (None, Some(_)) => return Err(bad("ssl-cert", "ssl-key is set without ssl-cert")),
        };
        if mode == SslMode::Disable {
            let given = ["ssl-ca", "ssl-cert", "ssl-key"]
                .into_iter()
                .find(|name| self.param(name).is_some());
            if let Some(name) = given {
                return Err(bad(
                    name,
                    format!(
                        "{name} is for TLS, which ssl-mode=DISABLED turns off (leave it out, \
                         or ask for TLS with ssl-mode=PREFERRED or stronger)"
                    ),
                ));
            }
        }
        if matches!(mode, SslMode::VerifyCa | SslMode::VerifyFull) && ca.is_none() {
            return Err(bad(
                "ssl-ca",
                "ssl-mode=VERIFY_CA and VERIFY_IDENTITY need ssl-ca: the PEM file of the CA \
                 certificates the server's certificate must be signed by",
            ));
        }
        let mut tls = TlsSettings::new(mode);
        tls.root_certs = ca.map(RootCerts::File);
        tls.client_cert = client_cert;
        tls.channel_binding = ChannelBindingMode::Disable;
        tls.spelling = Spelling::Mysql;
        Ok(tls)
    }
}

/// `charset`: only `utf8mb4` (the default), the one character set in which every Rust
/// string can be sent and read back as it was.
fn parse_charset(value: &str) -> Result<(), Error> {
    if value.eq_ignore_ascii_case("utf8mb4") {
        Ok(())
    } else {
        Err(bad(
            "charset",
            "only utf8mb4 (the default) is supported: Rust strings are UTF-8, and other \
             character sets cannot hold every one of them",
        ))
    }
}

/// `ssl-mode`, as MySQL's clients spell it (any case): `DISABLED` never asks for TLS,
/// `PREFERRED` (the default) takes it when the server offers it, `REQUIRED` insists
/// (checking the certificate only against an `ssl-ca`, if given), `VERIFY_CA` checks the
/// chain against `ssl-ca`, `VERIFY_IDENTITY` the host name too.
fn parse_ssl_mode(value: &str) -> Result<SslMode, Error> {
    match value.to_ascii_uppercase().as_str() {
        "DISABLED" => Ok(SslMode::Disable),
        "PREFERRED" => Ok(SslMode::Prefer),
        "REQUIRED" => Ok(SslMode::Require),
        "VERIFY_CA" => Ok(SslMode::VerifyCa),
        "VERIFY_IDENTITY" => Ok(SslMode::VerifyFull),
        _ => Err(bad(
            "ssl-mode",
            "expected DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY",
        )),
    }
}

/// A timeout option: whole seconds, 1 to a day.
fn parse_seconds(name: &str, value: &str) -> Result<Duration, Error> {
    let secs: u64 = value
        .parse()
        .map_err(|_| bad(name, "expected a whole number of seconds"))?;
    if secs == 0 {
        return Err(bad(name, "at least 1 second (0 would mean no timeout)"));
    }
    let timeout = Duration::from_secs(secs);
    if timeout > MAX_CONNECT_TIMEOUT {
        return Err(bad(name, "at most 86400 seconds (a day)"));
    }
    Ok(timeout)
}

/// `statement_timeout`: seconds, a fraction allowed down to the microsecond (MariaDB's
/// `max_statement_time` takes the same), more than zero and at most a day.
fn parse_statement_timeout(value: &str) -> Result<Duration, Error> {
    const WHAT: &str = "statement_timeout";
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (whole, fraction, fraction_ok) = match value.split_once('.') {
        Some((whole, fraction)) => (whole, fraction, digits(fraction) && fraction.len() <= 6),
        None => (value, "", true),
    };
    if !digits(whole) || !fraction_ok {
        return Err(bad(
            WHAT,
            "expected seconds, with at most six decimals (`30`, `0.5`)",
        ));
    }
    let secs: u64 = whole
        .parse()
        .map_err(|_| bad(WHAT, "at most 86400 seconds (a day)"))?;
    let micros: u32 = format!("{fraction:0<6}").parse().unwrap_or(0);
    let timeout = Duration::from_secs(secs) + Duration::from_micros(u64::from(micros));
    if timeout.is_zero() {
        return Err(bad(WHAT, "more than 0 seconds (0 would mean no timeout)"));
    }
    if timeout > MAX_CONNECT_TIMEOUT {
        return Err(bad(WHAT, "at most 86400 seconds (a day)"));
    }
    Ok(timeout)
}

/// `timeout` as `statement_timeout` spells it: seconds with six decimals.
#[cfg_attr(not(feature = "mysql"), allow(dead_code))]
pub(crate) fn statement_timeout_param(timeout: Duration) -> String {
    format!("{}.{:06}", timeout.as_secs(), timeout.subsec_micros())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid(url: &str) -> (String, String) {
        match DatabaseUrl::parse(url) {
            Err(Error::InvalidUrl { part, reason }) => (part, reason),
            other => panic!("{url}: expected InvalidUrl, got {other:?}"),
        }
    }

    #[test]
    fn every_scheme_parses_to_mysql() {
        for (text, driver) in [
            ("mysql://u:pw@db.example:3307/shop", None),
            ("mariadb://u:pw@db.example:3307/shop", None),
            ("mysql+pymysql://u:pw@db.example:3307/shop", Some("pymysql")),
            ("mysql+mysqldb://u:pw@db.example:3307/shop", Some("mysqldb")),
            (
                "MariaDB+pymysql://u:pw@db.example:3307/shop",
                Some("pymysql"),
            ),
        ] {
            let url = DatabaseUrl::parse(text).unwrap();
            assert_eq!(url.dialect, Dialect::Mysql, "{text}");
            assert_eq!(url.driver.as_deref(), driver, "{text}");
            assert_eq!(url.user.as_deref(), Some("u"));
            assert_eq!(url.password(), Some("pw"));
            assert_eq!(url.host.as_deref(), Some("db.example"));
            assert_eq!(url.port, Some(3307));
            assert_eq!(url.database.as_deref(), Some("shop"));
        }
    }

    #[test]
    fn a_mysql_url_is_written_back_without_its_password() {
        let url =
            DatabaseUrl::parse("mariadb://u:s%40cret@127.0.0.1:3307/shop?charset=utf8mb4").unwrap();
        assert_eq!(
            url.to_string(),
            "mysql://u:***@127.0.0.1:3307/shop?charset=utf8mb4"
        );
        let again = DatabaseUrl::parse(&url.to_string_with_password()).unwrap();
        assert_eq!(again.password(), Some("s@cret"));
        assert_eq!(again.dialect, Dialect::Mysql);
    }

    #[test]
    fn other_drivers_are_refused() {
        let (part, reason) = invalid("mysql+asyncmy://u@h/db");
        assert_eq!(part, "driver");
        assert!(reason.contains("asyncmy"), "{reason}");
        assert_eq!(invalid("mariadb+postgres://u@h/db").0, "driver");
    }

    #[test]
    fn options_are_checked() {
        let url = DatabaseUrl::parse(
            "mysql://u@h/db?charset=UTF8MB4&ssl-mode=disabled&connect_timeout=5\
             &read_timeout=30&write_timeout=7",
        )
        .unwrap();
        let options = url.mysql_options().unwrap();
        assert_eq!(options.connect_timeout, Some(Duration::from_secs(5)));
        assert_eq!(options.read_timeout, Some(Duration::from_secs(30)));
        assert_eq!(options.write_timeout, Some(Duration::from_secs(7)));
        assert_eq!(options.tls.mode, SslMode::Disable);
        let plain = DatabaseUrl::parse("mysql://u@h/db")
            .unwrap()
            .mysql_options()
            .unwrap();
        let timeouts = (
            plain.connect_timeout,
            plain.read_timeout,
            plain.write_timeout,
        );
        assert_eq!(timeouts, (None, None, None));
        assert_eq!(plain.statement_timeout, None);
        for (given, micros) in [
            ("30", 30_000_000),
            ("0.5", 500_000),
            ("1.000001", 1_000_001),
        ] {
            let url = DatabaseUrl::parse(&format!("mysql://u@h/db?statement_timeout={given}"));
            let options = url.unwrap().mysql_options().unwrap();
            assert_eq!(
                options.statement_timeout,
                Some(Duration::from_micros(micros))
            );
            let written = statement_timeout_param(Duration::from_micros(micros));
            assert_eq!(
                parse_statement_timeout(&written).unwrap().as_micros(),
                micros as u128
            );
        }
        // MySQL's clients' default, and sqlwright's `sslmode=prefer` on PostgreSQL.
        assert_eq!(plain.tls.mode, SslMode::Prefer);
        assert_eq!(plain.tls.root_certs, None);
        assert_eq!(plain.tls.client_cert, None);
    }

    fn tls_of(url: &str) -> TlsSettings {
        DatabaseUrl::parse(url)
            .unwrap()
            .mysql_options()
            .unwrap()
            .tls
    }

    #[test]
    fn every_ssl_mode_in_any_case() {
        for (text, mode) in [
            ("DISABLED", SslMode::Disable),
            ("preferred", SslMode::Prefer),
            ("Required", SslMode::Require),
            ("verify_ca", SslMode::VerifyCa),
            ("VERIFY_IDENTITY", SslMode::VerifyFull),
        ] {
            let verifies = matches!(mode, SslMode::VerifyCa | SslMode::VerifyFull);
            let ca = if verifies {
                "&ssl-ca=%2Fc%2Fca.pem"
            } else {
                ""
            };
            let tls = tls_of(&format!("mysql://u@h/db?ssl-mode={text}{ca}"));
            assert_eq!(tls.mode, mode, "{text}");
            assert_eq!(tls.spelling, Spelling::Mysql, "{text}");
            assert_eq!(tls.channel_binding, ChannelBindingMode::Disable);
        }
        let tls = tls_of(
            "mysql://u@h/db?ssl-mode=VERIFY_IDENTITY&ssl-ca=/c/ca.pem&ssl-cert=/c/me.pem\
             &ssl-key=/c/me.key",
        );
        assert_eq!(tls.root_certs, Some(RootCerts::File("/c/ca.pem".into())));
        assert_eq!(
            tls.client_cert,
            Some(("/c/me.pem".into(), "/c/me.key".into()))
        );
        // A CA with REQUIRED (or the default) is acted on: the chain is checked.
        let tls = tls_of("mysql://u@h/db?ssl-ca=/c/ca.pem");
        assert_eq!(tls.root_certs, Some(RootCerts::File("/c/ca.pem".into())));
    }

    #[test]
    fn tls_options_that_cannot_be_acted_on_are_refused() {
        for (query, part) in [
            ("ssl-cert=/a.pem", "ssl-key"),
            ("ssl-key=/a.key", "ssl-cert"),
            ("ssl-mode=REQUIRED&ssl-key=/a.key", "ssl-cert"),
            ("ssl-mode=DISABLED&ssl-ca=/ca.pem", "ssl-ca"),
            (
                "ssl-mode=disabled&ssl-cert=/a.pem&ssl-key=/a.key",
                "ssl-cert",
            ),
            ("ssl-mode=VERIFY_CA", "ssl-ca"),
            ("ssl-mode=verify_identity", "ssl-ca"),
        ] {
            let url = DatabaseUrl::parse(&format!("mysql://u@h/db?{query}")).unwrap();
            match url.mysql_options() {
                Err(Error::InvalidUrl { part: got, reason }) => {
                    assert_eq!(got, part, "{query}: {reason}")
                }
                other => panic!("{query}: expected InvalidUrl, got {other:?}"),
            }
        }
        for query in ["ssl-ca=", "ssl-cert=", "ssl-key="] {
            let (part, _) = invalid(&format!("mysql://u@h/db?{query}"));
            assert_eq!(format!("{part}="), query);
        }
        // PostgreSQL's spellings mean nothing here.
        for name in ["sslrootcert", "sslcert", "sslkey", "ssl_ca"] {
            let (part, _) = invalid(&format!("mysql://u@h/db?{name}=/a.pem"));
            assert_eq!(part, name);
        }
    }

    #[test]
    fn options_not_acted_on_are_refused() {
        let (part, reason) = invalid("mysql://u@h/db?charset=latin1");
        assert_eq!(part, "charset");
        assert!(reason.contains("utf8mb4"), "{reason}");
        assert_eq!(invalid("mysql://u@h/db?ssl-mode=sometimes").0, "ssl-mode");
        for bad_timeout in ["0", "-1", "1.5", "x", "86401"] {
            let (part, _) = invalid(&format!("mysql://u@h/db?read_timeout={bad_timeout}"));
            assert_eq!(part, "read_timeout");
        }
        for bad_timeout in [
            "0",
            "0.0",
            "-1",
            "1.",
            ".5",
            "0.0000001",
            "1e3",
            "86400.5",
            "x",
        ] {
            let (part, _) = invalid(&format!("mysql://u@h/db?statement_timeout={bad_timeout}"));
            assert_eq!(part, "statement_timeout", "{bad_timeout}");
        }
        // PostgreSQL's parameters mean nothing to MySQL: refused by name.
        for name in ["sslmode", "application_name", "options", "pool_size"] {
            let (part, reason) = invalid(&format!("mysql://u@h/db?{name}=1"));
            assert_eq!(part, name);
            assert!(reason.contains("unknown MySQL option"), "{reason}");
        }
        // `host` names a part of the URL, as the written form of a socket path does.
        let url = DatabaseUrl::parse("mysql://u@/db?host=%2Ftmp%2Fmy.sock").unwrap();
        assert_eq!(
            url,
            DatabaseUrl::parse("mysql://u@%2Ftmp%2Fmy.sock/db").unwrap()
        );
    }

    #[test]
    fn one_host_only() {
        assert_eq!(invalid("mysql://u@h1:3306,h2:3306/db").0, "host");
    }

    #[test]
    fn the_setters_check_mysql_options_too() {
        let mut url = DatabaseUrl::parse("mysql://u@h/db").unwrap();
        assert!(url.set_param("charset", "utf8").is_err());
        assert!(url.set_param("sslmode", "disable").is_err());
        url.set_param("connect_timeout", "3").unwrap();
        assert_eq!(url.param("connect_timeout"), Some("3"));
        // The parts are set as on PostgreSQL, and one host stays the rule.
        url.set_param("user", "app").unwrap();
        assert!(url.set_param("host", "h1,h2").is_err());
        assert_eq!(url.to_string(), "mysql://app@h/db?connect_timeout=3");
    }

    #[test]
    fn a_socket_path_round_trips() {
        let url = DatabaseUrl::parse("mysql://u:pw@%2Ftmp%2Fmy.sock/db").unwrap();
        let written = url.to_string_with_password();
        assert!(written.contains("host=%2Ftmp%2Fmy.sock"), "{written}");
        assert_eq!(DatabaseUrl::parse(&written).unwrap(), url);
    }
}
