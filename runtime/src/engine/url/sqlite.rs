//! SQLite URLs, in SQLAlchemy's forms: `sqlite:///relative.db`, `sqlite:////absolute.db`,
//! `sqlite://` and `sqlite://:memory:` (in memory), and sqlx's `sqlite::memory:`.

use super::*;

/// The parameters a SQLite URL may carry.
const SQLITE_PARAMS: &[&str] = &["busy_timeout"];

impl DatabaseUrl {
    /// Parses what follows `sqlite` (and an optional `+driver`) in a SQLite URL.
    pub(super) fn parse_sqlite(driver: Option<&str>, rest: &str) -> Result<Self, Error> {
        let driver = match driver {
            None => None,
            Some(d @ ("pysqlite" | "rusqlite" | "aiosqlite")) => Some(d.to_string()),
            Some(d) => {
                return Err(bad(
                    "driver",
                    format!("unknown driver `{d}`; sqlwright opens SQLite itself"),
                ))
            }
        };
        let (location, query) = match rest.split_once('?') {
            Some((l, q)) => (l, Some(q)),
            None => (rest, None),
        };
        let database = if location == ":memory:" {
            None
        } else if let Some(after) = location.strip_prefix("//") {
            match after {
                "" | ":memory:" | "/:memory:" => None,
                path => match path.strip_prefix('/') {
                    // `sqlite:///relative.db` and `sqlite:////absolute.db`.
                    Some(path) if !path.is_empty() => Some(percent_decode(path, "database")?),
                    Some(_) => return Err(bad("database", "the file path is empty")),
                    None => {
                        return Err(bad(
                            "host",
                            "a SQLite URL names no host: write `sqlite:///relative.db` or \
                             `sqlite:////absolute/path.db` (three or four slashes)",
                        ))
                    }
                },
            }
        } else {
            return Err(bad(
                "scheme",
                "expected `sqlite:///path.db`, `sqlite:////absolute/path.db` or `sqlite::memory:`",
            ));
        };
        let mut params = Vec::new();
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let key = percent_decode(key, "parameter name")?;
            if !SQLITE_PARAMS.contains(&key.as_str()) {
                return Err(bad(
                    &key,
                    format!(
                        "unknown SQLite parameter (sqlwright acts on: {})",
                        SQLITE_PARAMS.join(", ")
                    ),
                ));
            }
            let value = percent_decode(value, &key)?;
            parse_busy_timeout(&value)?;
            params.push((key, value));
        }
        Ok(DatabaseUrl {
            dialect: Dialect::Sqlite,
            driver,
            user: None,
            password: None,
            host: None,
            port: None,
            more_hosts: Vec::new(),
            more_ports: Vec::new(),
            database,
            params,
        })
    }

    /// Sets a parameter of a SQLite URL: only those it acts on (a SQLite URL has no host,
    /// port, user or password, and its path is the database).
    pub(super) fn apply_sqlite_param(&mut self, name: &str, value: &str) -> Result<(), Error> {
        if !SQLITE_PARAMS.contains(&name) {
            return Err(bad(
                name,
                format!(
                    "unknown SQLite parameter (sqlwright acts on: {})",
                    SQLITE_PARAMS.join(", ")
                ),
            ));
        }
        parse_busy_timeout(value)?;
        self.params.retain(|(k, _)| k != name);
        self.params.push((name.to_string(), value.to_string()));
        Ok(())
    }

    /// The `busy_timeout` of a SQLite URL, if it says one (read by the `sqlite` backend).
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) fn sqlite_busy_timeout(&self) -> Result<Option<Duration>, Error> {
        self.param("busy_timeout")
            .map(parse_busy_timeout)
            .transpose()
    }

    /// Writes a SQLite URL.
    pub(super) fn write_sqlite(&self, f: &mut impl fmt::Write) -> fmt::Result {
        f.write_str("sqlite")?;
        if let Some(d) = &self.driver {
            write!(f, "+{d}")?;
        }
        match &self.database {
            None => f.write_str("://:memory:")?,
            Some(path) => {
                f.write_str(":///")?;
                let parts: Vec<String> = path.split('/').map(display::percent_encode).collect();
                f.write_str(&parts.join("/"))?;
            }
        }
        for (i, (k, v)) in self.params.iter().enumerate() {
            write!(
                f,
                "{}{k}={}",
                if i == 0 { '?' } else { '&' },
                display::percent_encode(v)
            )?;
        }
        Ok(())
    }
}

/// Milliseconds, at most a day.
fn parse_busy_timeout(value: &str) -> Result<Duration, Error> {
    let ms: u64 = value
        .parse()
        .map_err(|_| bad("busy_timeout", "expected a whole number of milliseconds"))?;
    if ms > 86_400_000 {
        return Err(bad("busy_timeout", "at most a day (86400000 ms)"));
    }
    Ok(Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setters_take_only_what_a_sqlite_url_acts_on() {
        let mut url = DatabaseUrl::parse("sqlite://").unwrap();
        for (name, value) in [
            ("user", "app"),
            ("password", "pw"),
            ("host", "db"),
            ("port", "5432"),
            ("dbname", "x"),
            ("sslmode", "require"),
        ] {
            assert!(url.set_param(name, value).is_err(), "{name}");
        }
        assert!(url.set_param("busy_timeout", "soon").is_err());
        assert_eq!(url.to_string(), "sqlite://:memory:");
        url.set_param("busy_timeout", "250").unwrap();
        assert_eq!(url.to_string(), "sqlite://:memory:?busy_timeout=250");
        assert_eq!(DatabaseUrl::parse(&url.to_string()).unwrap(), url);
    }
}
