//! The URL parameters sqlwright acts on, and libpq's environment variables: each
//! checked, and read into the connection settings.

use super::*;

/// Looks up a variable in the process's environment.
pub(super) fn process_env(var: &str) -> Option<String> {
    std::env::var(var).ok()
}

/// Environment variable `var` read by `read`; an error names the variable (and never
/// quotes `PGPASSWORD`, which nothing reads this way).
pub(super) fn from_env<T>(
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
pub(super) fn check_param(name: &str, value: &str) -> Result<(), Error> {
    match name {
        "application_name" | "options" => Ok(()),
        "connect_timeout" => parse_connect_timeout(value).map(|_| ()),
        "sslmode" => parse_sslmode(value).map(|_| ()),
        "sslrootcert" => parse_root_certs(value).map(|_| ()),
        "sslcert" | "sslkey" => parse_file(name, value).map(|_| ()),
        "sslsni" => parse_sslsni(value).map(|_| ()),
        "channel_binding" => parse_channel_binding(value).map(|_| ()),
        "keepalives" => parse_keepalives(value).map(|_| ()),
        "keepalives_idle" | "keepalives_interval" | "keepalives_count" => {
            parse_positive(name, value).map(|_| ())
        }
        "require_auth" => parse_require_auth(value).map(|_| ()),
        "target_session_attrs" => TargetSessionAttrs::parse(value).map(|_| ()),
        "load_balance_hosts" => parse_load_balance(value).map(|_| ()),
        _ => Err(bad(
            name,
            format!("unknown parameter; known are {}", KNOWN_PARAMS.join(", ")),
        )),
    }
}

/// The longest `connect_timeout` taken: a day (a deadline further away than that is a
/// mistake, and `Instant + Duration` must not overflow).
pub(crate) const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// `connect_timeout`: whole seconds, 1 to a day. libpq reads 0 as "wait for ever", which
/// sqlwright does not do: refused rather than silently changed.
pub(super) fn parse_connect_timeout(value: &str) -> Result<Duration, Error> {
    let secs = value
        .parse::<u64>()
        .map_err(|_| bad("connect_timeout", "expected a whole number of seconds"))?;
    if secs == 0 {
        return Err(bad(
            "connect_timeout",
            "0 (wait for ever) is not supported; give a number of seconds",
        ));
    }
    let timeout = Duration::from_secs(secs);
    if timeout > MAX_CONNECT_TIMEOUT {
        return Err(bad("connect_timeout", "at most 86400 seconds (a day)"));
    }
    Ok(timeout)
}

/// `sslmode`, with libpq's meanings.
pub(super) fn parse_sslmode(value: &str) -> Result<SslMode, Error> {
    Ok(match value {
        "disable" => SslMode::Disable,
        "allow" => SslMode::Allow,
        "prefer" => SslMode::Prefer,
        "require" => SslMode::Require,
        "verify-ca" => SslMode::VerifyCa,
        "verify-full" => SslMode::VerifyFull,
        _ => {
            return Err(bad(
                "sslmode",
                format!(
                    "`{value}` is not an sslmode (disable, allow, prefer, require, verify-ca, \
                     verify-full)"
                ),
            ))
        }
    })
}

/// `sslrootcert`: a PEM file, or `system` for the platform's trust store.
pub(super) fn parse_root_certs(value: &str) -> Result<RootCerts, Error> {
    match value {
        "system" => Ok(RootCerts::System),
        _ => parse_file("sslrootcert", value).map(RootCerts::File),
    }
}

/// A file name for parameter `name` (read when connecting).
pub(super) fn parse_file(name: &str, value: &str) -> Result<std::path::PathBuf, Error> {
    if value.is_empty() {
        return Err(bad(name, "expected a file name"));
    }
    Ok(value.into())
}

/// `sslsni`: whether to send the host name in the TLS handshake.
pub(super) fn parse_sslsni(value: &str) -> Result<bool, Error> {
    match value {
        "1" => Ok(true),
        "0" => Ok(false),
        _ => Err(bad("sslsni", "expected 1 (on) or 0 (off)")),
    }
}

/// `channel_binding`, with libpq's meanings.
pub(super) fn parse_channel_binding(value: &str) -> Result<ChannelBindingMode, Error> {
    match value {
        "disable" => Ok(ChannelBindingMode::Disable),
        "prefer" => Ok(ChannelBindingMode::Prefer),
        "require" => Ok(ChannelBindingMode::Require),
        _ => Err(bad(
            "channel_binding",
            format!("`{value}` is not a channel_binding mode (disable, prefer, require)"),
        )),
    }
}

/// The TLS settings from the `ssl*` and `channel_binding` values `setting` reads (a
/// parameter, else its environment variable), checked together as libpq does.
pub(super) fn tls_settings(
    mode: Option<SslMode>,
    root_certs: Option<RootCerts>,
    cert: Option<std::path::PathBuf>,
    key: Option<std::path::PathBuf>,
    sni: Option<bool>,
    channel_binding: Option<ChannelBindingMode>,
) -> Result<TlsSettings, Error> {
    let mode = match (mode, &root_certs) {
        // As libpq: the platform's roots are only worth anything with the host name checked.
        (None, Some(RootCerts::System)) => SslMode::VerifyFull,
        (Some(m), Some(RootCerts::System)) if m != SslMode::VerifyFull => {
            return Err(bad(
                "sslrootcert",
                "sslrootcert=system needs sslmode=verify-full (any certificate the platform \
                 trusts would do otherwise)",
            ))
        }
        (mode, _) => mode.unwrap_or(SslMode::Prefer),
    };
    if matches!(mode, SslMode::VerifyCa | SslMode::VerifyFull) && root_certs.is_none() {
        return Err(bad(
            "sslrootcert",
            "sslmode=verify-ca and verify-full need sslrootcert: the CA's certificate file \
             (PEM), or `system` for the platform's trust store",
        ));
    }
    let client_cert = match (cert, key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) => None,
        (Some(_), None) => return Err(bad("sslkey", "sslcert is set without sslkey")),
        (None, Some(_)) => return Err(bad("sslcert", "sslkey is set without sslcert")),
    };
    let channel_binding = channel_binding.unwrap_or(ChannelBindingMode::Prefer);
    if channel_binding == ChannelBindingMode::Require && mode == SslMode::Disable {
        return Err(bad(
            "channel_binding",
            "channel_binding=require needs TLS, and sslmode=disable turns it off",
        ));
    }
    let mut tls = TlsSettings::new(mode);
    tls.root_certs = root_certs;
    tls.client_cert = client_cert;
    tls.sni = sni.unwrap_or(true);
    tls.channel_binding = channel_binding;
    Ok(tls)
}

/// `keepalives`: whether to send TCP keepalive probes.
pub(super) fn parse_keepalives(value: &str) -> Result<bool, Error> {
    match value {
        "1" => Ok(true),
        "0" => Ok(false),
        _ => Err(bad("keepalives", "expected 1 (on) or 0 (off)")),
    }
}

/// A whole number of at least 1 (seconds or a count) for parameter `name`.
pub(super) fn parse_positive(name: &str, value: &str) -> Result<u32, Error> {
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
pub(super) fn keepalive<'a>(
    param: impl Fn(&str) -> Option<&'a str>,
) -> Result<Option<Keepalive>, Error> {
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
pub(super) fn parse_require_auth(value: &str) -> Result<AuthMethods, Error> {
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
