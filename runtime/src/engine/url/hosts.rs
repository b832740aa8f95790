//! Hosts and ports: one, a list, IPv6 in brackets, Unix-socket directories.

use super::*;

pub(super) fn parse_port(text: &str) -> Result<u16, Error> {
    match text.parse::<u16>() {
        // The text is not quoted: in `user:password/db` (`@host` forgotten) it is the
        // password.
        Ok(0) | Err(_) => Err(bad("port", "expected a port number (1-65535)")),
        Ok(p) => Ok(p),
    }
}

/// The port after `host:`.
pub(super) fn parse_authority_port(text: &str) -> Result<u16, Error> {
    parse_port(text).map_err(|_| {
        bad(
            "port",
            "expected a port number (1-65535) after `host:`; a user name and password go \
             before an `@`",
        )
    })
}

/// The hosts and ports of the authority: one `host:port`, or a list of them.
#[allow(clippy::type_complexity)]
pub(super) fn parse_authority_hosts(
    text: &str,
) -> Result<(Vec<Option<String>>, Vec<Option<u16>>), Error> {
    if !text.contains(',') {
        let (host, port) = parse_host_port(text)?;
        return Ok((vec![host], vec![port]));
    }
    let mut hosts = Vec::new();
    let mut ports = Vec::new();
    for item in text.split(',') {
        let (host, port) = parse_host_port(item)?;
        if host.is_none() {
            return Err(bad("host", "an empty host in the list of hosts"));
        }
        hosts.push(host);
        ports.push(port);
    }
    Ok((hosts, ports))
}

/// A `host` parameter or `PGHOST`: one host, or a comma-separated list of them.
pub(super) fn parse_host_list(text: &str) -> Result<Vec<Option<String>>, Error> {
    if !text.contains(',') {
        return Ok(vec![check_host(text)?]);
    }
    text.split(',')
        .map(|h| match check_host(h)? {
            None => Err(bad("host", "an empty host in the list of hosts")),
            host => Ok(host),
        })
        .collect()
}

/// A `port` parameter or `PGPORT`: one port, or a comma-separated list of them (an empty
/// item: the default, 5432).
pub(super) fn parse_port_list(text: &str) -> Result<Vec<Option<u16>>, Error> {
    if !text.contains(',') {
        return Ok(vec![Some(parse_port(text)?)]);
    }
    text.split(',')
        .map(|p| match p {
            "" => Ok(None),
            p => parse_port(p).map(Some),
        })
        .collect()
}

pub(super) fn parse_host_port(text: &str) -> Result<(Option<String>, Option<u16>), Error> {
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

/// A decoded host, wherever it comes from: `None` when empty, a socket directory when it
/// starts with `/`, otherwise a host name or IP address.
pub(super) fn check_host(host: &str) -> Result<Option<String>, Error> {
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
