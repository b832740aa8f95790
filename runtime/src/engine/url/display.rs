//! Writing a URL back: `Display` (password hidden) and `to_string_with_password`.

use super::*;

/// `text` with every byte outside the URL's unreserved characters percent-encoded.
pub(super) fn percent_encode(text: &str) -> String {
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

/// Writes a TCP host name or address.
pub(super) fn write_host(f: &mut impl fmt::Write, h: &str) -> fmt::Result {
    // An IPv6 address keeps its colons; they are what the brackets are for.
    if h.contains(':') {
        write!(f, "[{}]", percent_encode(h).replace("%3A", ":"))
    } else {
        f.write_str(&percent_encode(h))
    }
}

impl DatabaseUrl {
    /// Writes the URL; `password` is what stands for the password, if there is one.
    pub(super) fn write(&self, f: &mut impl fmt::Write, password: Option<&str>) -> fmt::Result {
        if self.dialect == Dialect::Sqlite {
            return self.write_sqlite(f);
        }
        f.write_str(if self.dialect == Dialect::Mysql {
            "mysql"
        } else {
            "postgres"
        })?;
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
        // Hosts and ports that go among the parameters (socket directories, which the
        // authority cannot hold, and one port for several hosts).
        let mut leading: Vec<(&str, String)> = Vec::new();
        let hosts = self.host_list();
        let ports = self.port_list();
        if hosts.len() == 1 {
            let socket = self.host.as_deref().filter(|h| h.starts_with('/'));
            match self.host.as_deref() {
                _ if socket.is_some() => {}
                Some(h) => write_host(f, h)?,
                None => {}
            }
            if let Some(p) = self.port {
                write!(f, ":{p}")?;
            }
            leading.extend(socket.map(|h| ("host", h.to_string())));
        } else if hosts.iter().flatten().any(|h| h.starts_with('/')) {
            let hosts: Vec<&str> = hosts.iter().map(|h| h.unwrap_or("")).collect();
            leading.push(("host", hosts.join(",")));
            if ports.iter().any(Option::is_some) {
                let ports: Vec<String> = ports
                    .iter()
                    .map(|p| p.map_or_else(String::new, |p| p.to_string()))
                    .collect();
                leading.push(("port", ports.join(",")));
            }
        } else {
            for (i, h) in hosts.iter().enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                write_host(f, h.unwrap_or(""))?;
                if ports.len() == hosts.len() {
                    if let Some(p) = ports[i] {
                        write!(f, ":{p}")?;
                    }
                }
            }
            if let (1, Some(p)) = (ports.len(), self.port) {
                leading.push(("port", p.to_string()));
            }
        }
        if let Some(d) = &self.database {
            write!(f, "/{}", percent_encode(d))?;
        }
        let params = leading
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
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
