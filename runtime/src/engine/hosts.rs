//! Several hosts (libpq's `host=a,b`): trying them in turn, each within its own
//! `connect_timeout`, and keeping the first whose session has the attributes asked for
//! (`target_session_attrs`).

use super::error::{Error, TlsErrorKind};
use super::wire::{Config, ConnectFail, Host, SocketKind, Wire};
use std::time::Instant;

/// What a session must be to be kept (libpq's `target_session_attrs`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum TargetSessionAttrs {
    /// Any server that accepts the login.
    #[default]
    Any,
    /// A session that accepts read-write transactions by default: not a hot standby, and
    /// `default_transaction_read_only` off.
    ReadWrite,
    /// The opposite: a hot standby, or `default_transaction_read_only` on.
    ReadOnly,
    /// A server not in hot standby.
    Primary,
    /// A server in hot standby.
    Standby,
    /// A standby when one of the hosts is, otherwise any.
    PreferStandby,
}

impl TargetSessionAttrs {
    /// The values of the URL parameter, as libpq spells them.
    pub(crate) fn parse(value: &str) -> Result<Self, Error> {
        Ok(match value {
            "any" => Self::Any,
            "read-write" => Self::ReadWrite,
            "read-only" => Self::ReadOnly,
            "primary" => Self::Primary,
            "standby" => Self::Standby,
            "prefer-standby" => Self::PreferStandby,
            other => {
                return Err(Error::InvalidUrl {
                    part: "target_session_attrs".into(),
                    reason: format!(
                        "`{other}` is not one of any, read-write, read-only, primary, standby, \
                         prefer-standby"
                    ),
                })
            }
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Any => "any",
            Self::ReadWrite => "read-write",
            Self::ReadOnly => "read-only",
            Self::Primary => "primary",
            Self::Standby => "standby",
            Self::PreferStandby => "prefer-standby",
        }
    }

    /// Whether a session in `state` fits (`PreferStandby` in its first pass: standbys).
    fn fits(self, state: SessionState) -> bool {
        match self {
            Self::Any => true,
            Self::ReadWrite => !state.hot_standby && !state.read_only,
            Self::ReadOnly => state.hot_standby || state.read_only,
            Self::Primary => !state.hot_standby,
            Self::Standby | Self::PreferStandby => state.hot_standby,
        }
    }

    /// Why a session in `state` does not fit.
    fn misfit(self, state: SessionState) -> &'static str {
        match self {
            Self::ReadWrite if state.hot_standby => "the server is a hot standby (read-only)",
            Self::ReadWrite => "the session is read-only (default_transaction_read_only is on)",
            Self::ReadOnly => "the session is read-write",
            Self::Primary => "the server is a hot standby",
            _ => "the server is not a hot standby",
        }
    }
}

/// Whether to try the hosts in the order given or in a random one (libpq's
/// `load_balance_hosts`).
pub(crate) fn parse_load_balance(value: &str) -> Result<bool, Error> {
    match value {
        "disable" => Ok(false),
        "random" => Ok(true),
        other => Err(Error::InvalidUrl {
            part: "load_balance_hosts".into(),
            reason: format!("`{other}` is not one of disable, random"),
        }),
    }
}

/// What a server said about the session after login.
#[derive(Clone, Copy, Debug)]
struct SessionState {
    /// The server is in hot standby (a replica, read-only).
    hot_standby: bool,
    /// Transactions are read-only by default.
    read_only: bool,
}

/// `host:port` for messages.
pub(crate) fn describe(host: &Host, port: u16) -> String {
    match host {
        Host::Tcp(h) if h.contains(':') => format!("[{h}]:{port}"),
        Host::Tcp(h) => format!("{h}:{port}"),
        Host::Unix(dir) => format!("{}:{port}", dir.display()),
    }
}

/// Connects to the first of `config.hosts` (shuffled with `load_balance`) that accepts the
/// login and fits `config.session_attrs`, each host within its own `connect_timeout`. The
/// error names each host and why it was passed over; when every host failed its TLS
/// checks, it is the TLS error (of the first host's kind).
pub(crate) async fn connect(config: &Config, kind: SocketKind) -> Result<Wire, ConnectFail> {
    let mut order: Vec<(Host, u16)> = if config.hosts.is_empty() {
        vec![(config.host.clone(), config.port)]
    } else {
        config.hosts.clone()
    };
    if config.load_balance {
        shuffle(&mut order);
    }
    let attrs = config.session_attrs;
    if order.len() == 1 && attrs == TargetSessionAttrs::Any {
        // One host, nothing to check: exactly the single-host connect.
        let (host, port) = order.swap_remove(0);
        return Wire::connect(&for_host(config, host, port), kind).await;
    }
    let mut failures: Vec<String> = Vec::new();
    // The TLS failure's kind while every host so far failed at TLS.
    let mut all_tls: Option<Option<TlsErrorKind>> = None;
    // prefer-standby: the first session that is not a standby, kept in case none is.
    let mut fallback: Option<Wire> = None;
    for (host, port) in order {
        let name = describe(&host, port);
        let mut one = for_host(config, host, port);
        if let Some(by) = config.all_hosts_by {
            let left = by.saturating_duration_since(Instant::now());
            if left.is_zero() {
                failures.push(format!("{name}: not tried, the checkout timeout ran out"));
                continue;
            }
            one.connect_timeout = one.connect_timeout.min(left);
        }
        let deadline = Instant::now() + one.connect_timeout;
        let mut wire = match Wire::connect(&one, kind).await {
            Ok(wire) => wire,
            Err(fail) => {
                let kind = match &fail {
                    ConnectFail::Tls { kind, .. } => Some(*kind),
                    _ => None,
                };
                all_tls = match all_tls {
                    None => Some(kind),
                    Some(first) => Some(first.and(kind)),
                };
                failures.push(format!("{name}: {fail}"));
                continue;
            }
        };
        all_tls = Some(None);
        if attrs == TargetSessionAttrs::Any {
            return Ok(wire);
        }
        let state = match session_state(&mut wire, deadline).await {
            Ok(state) => state,
            Err(e) => {
                failures.push(format!("{name}: cannot tell the session's state: {e}"));
                continue;
            }
        };
        if attrs.fits(state) {
            return Ok(wire);
        }
        if attrs == TargetSessionAttrs::PreferStandby {
            if fallback.is_none() {
                fallback = Some(wire);
            }
            failures.push(format!("{name}: {}", attrs.misfit(state)));
            continue;
        }
        failures.push(format!("{name}: {}", attrs.misfit(state)));
    }
    if let Some(wire) = fallback {
        return Ok(wire);
    }
    let reason = format!(
        "no host fits target_session_attrs={}: {}",
        attrs.as_str(),
        failures.join("; ")
    );
    Err(match all_tls.flatten() {
        Some(kind) => ConnectFail::Tls { kind, reason },
        None => ConnectFail::Failed(reason),
    })
}

/// `config` for one host.
fn for_host(config: &Config, host: Host, port: u16) -> Config {
    let mut one = config.clone();
    one.host = host;
    one.port = port;
    one.hosts = Vec::new();
    one
}

/// The session's state: from what the server reported at login (PostgreSQL 14 and later
/// report `in_hot_standby` and `default_transaction_read_only`), otherwise asked (one
/// round trip, within `deadline`).
async fn session_state(wire: &mut Wire, deadline: Instant) -> Result<SessionState, Error> {
    let reported = |wire: &Wire, name: &str| wire.server_parameter(name).map(|v| v == "on");
    if let (Some(hot_standby), Some(read_only)) = (
        reported(wire, "in_hot_standby"),
        reported(wire, "default_transaction_read_only"),
    ) {
        return Ok(SessionState {
            hot_standby,
            read_only,
        });
    }
    // An older server: what libpq asks. A standby's transactions are read-only, so
    // `transaction_read_only` covers both for read-write and read-only.
    let saved = wire.enter_deadline(deadline, "the server's session state");
    let rows = wire
        .simple_rows(
            "SELECT pg_catalog.pg_is_in_recovery(), \
             pg_catalog.current_setting('transaction_read_only')",
        )
        .await;
    let rows = wire.leave_deadline(saved, rows)?;
    let value = |i: usize| {
        rows.first()
            .and_then(|row| row.get(i))
            .and_then(|v| v.as_deref())
            .map(|v| v == "t" || v == "on")
    };
    match (value(0), value(1)) {
        (Some(hot_standby), Some(read_only)) => Ok(SessionState {
            hot_standby,
            read_only,
        }),
        _ => Err(Error::ConnectionLost(
            "the server's answer about its recovery state has no value".into(),
        )),
    }
}

/// Shuffles `items` (Fisher-Yates) with randomness from the standard library's hasher
/// keys, which are seeded per process and per hasher.
fn shuffle<T>(items: &mut [T]) {
    use std::hash::{BuildHasher, Hasher};
    let state = std::collections::hash_map::RandomState::new();
    let mut seed = {
        let mut h = state.build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.finish() | 1
    };
    for i in (1..items.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let j = (seed % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_read_as_libpq_reads_them() {
        let state = |hot_standby, read_only| SessionState {
            hot_standby,
            read_only,
        };
        let primary = state(false, false);
        let read_only_primary = state(false, true);
        let standby = state(true, false);
        use TargetSessionAttrs::*;
        for (attrs, fits) in [
            (Any, [true, true, true]),
            (ReadWrite, [true, false, false]),
            (ReadOnly, [false, true, true]),
            (Primary, [true, true, false]),
            (Standby, [false, false, true]),
            (PreferStandby, [false, false, true]),
        ] {
            let got = [primary, read_only_primary, standby].map(|s| attrs.fits(s));
            assert_eq!(got, fits, "{attrs:?}");
            assert_eq!(TargetSessionAttrs::parse(attrs.as_str()).unwrap(), attrs);
        }
        assert!(TargetSessionAttrs::parse("read_write").is_err());
        assert!(parse_load_balance("random").unwrap());
        assert!(!parse_load_balance("disable").unwrap());
        assert!(parse_load_balance("yes").is_err());
    }

    #[test]
    fn shuffling_keeps_every_item_and_varies_the_order() {
        let mut firsts = std::collections::HashSet::new();
        for _ in 0..200 {
            let mut items = [0, 1, 2, 3];
            shuffle(&mut items);
            let mut sorted = items;
            sorted.sort();
            assert_eq!(sorted, [0, 1, 2, 3]);
            firsts.insert(items[0]);
        }
        assert_eq!(firsts.len(), 4, "every host comes first sometimes");
    }
}
