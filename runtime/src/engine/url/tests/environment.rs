//! What the environment (PG* variables) and the TLS settings add to a URL.

use super::*;

/// An environment of `vars` only.
pub(super) fn env_of<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
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
            ("PGSSLCRL", "/x"),
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
        ("PGSSLMODE", "sometimes", "sslmode"),
        ("PGSSLSNI", "2", "1 (on) or 0 (off)"),
        ("PGCHANNELBINDING", "always", "not a channel_binding mode"),
        ("PGPORT", "abc", "port"),
        ("PGPORT", "0", "port"),
        ("PGCONNECT_TIMEOUT", "soon", "seconds"),
        ("PGREQUIREAUTH", "gss", "not supported"),
        ("PGREQUIREAUTH", "md5,!none", "mixed"),
        ("PGHOST", "a b", "host"),
        ("PGHOST", "h1,,h2", "empty host"),
        ("PGPORT", "1,x", "port"),
    ] {
        let vars = [(var, value), ("PGPASSWORD", "PWsecret")];
        let e = bare.to_config_with(env_of(&vars)).unwrap_err();
        let text = e.to_string();
        assert!(text.contains(says), "{var}={value}: {text}");
        assert!(text.contains("environment"), "{var}={value}: {text}");
        assert!(!text.contains("PW"), "{var}={value}: {text}");
        assert_eq!(part_of(e), var);
    }
    for mode in ["disable", "allow", "prefer", "require"] {
        let vars = [("PGSSLMODE", mode)];
        let c = bare.to_config_with(env_of(&vars)).unwrap();
        assert_eq!(c.tls.mode, parse_sslmode(mode).unwrap());
    }
}

#[test]
fn tls_settings_are_read_and_checked_together() {
    let bare = DatabaseUrl::parse("postgres://h/db").unwrap();
    let none = env_of(&[]);
    // libpq's default: TLS when the server offers it, SCRAM bound to it when it can be.
    let c = bare.to_config_with(&none).unwrap();
    assert_eq!(c.tls.mode, SslMode::Prefer);
    assert_eq!(c.tls.channel_binding, ChannelBindingMode::Prefer);
    assert!(c.tls.sni);
    assert_eq!(c.tls.root_certs, None);

    // verify-* without a root certificate is refused, not a check against nothing.
    for mode in ["verify-ca", "verify-full"] {
        let u = bare.clone().with_param("sslmode", mode).unwrap();
        assert_eq!(part_of(u.to_config_with(&none).unwrap_err()), "sslrootcert");
    }
    let u = DatabaseUrl::parse(
        "postgres://h/db?sslmode=verify-ca&sslrootcert=/ca.pem&sslsni=0&channel_binding=require",
    )
    .unwrap();
    let c = u.to_config_with(&none).unwrap();
    assert_eq!(c.tls.mode, SslMode::VerifyCa);
    assert_eq!(c.tls.root_certs, Some(RootCerts::File("/ca.pem".into())));
    assert!(!c.tls.sni);
    assert_eq!(c.tls.channel_binding, ChannelBindingMode::Require);

    // sslrootcert=system: verify-full by default, and refused with a weaker mode.
    let u = bare.clone().with_param("sslrootcert", "system").unwrap();
    let c = u.to_config_with(&none).unwrap();
    assert_eq!(c.tls.mode, SslMode::VerifyFull);
    assert_eq!(c.tls.root_certs, Some(RootCerts::System));
    let weaker = u.with_param("sslmode", "require").unwrap();
    assert_eq!(
        part_of(weaker.to_config_with(&none).unwrap_err()),
        "sslrootcert"
    );

    // A client certificate needs its key, and the key its certificate.
    let u = bare.clone().with_param("sslcert", "/c.pem").unwrap();
    assert_eq!(part_of(u.to_config_with(&none).unwrap_err()), "sslkey");
    let u = bare.clone().with_param("sslkey", "/k.pem").unwrap();
    assert_eq!(part_of(u.to_config_with(&none).unwrap_err()), "sslcert");

    // channel_binding=require cannot be met with TLS turned off.
    let u = bare
        .clone()
        .with_param("sslmode", "disable")
        .unwrap()
        .with_param("channel_binding", "require")
        .unwrap();
    assert_eq!(
        part_of(u.to_config_with(&none).unwrap_err()),
        "channel_binding"
    );

    // The environment fills in what the URL does not say; the URL wins.
    let vars = [
        ("PGSSLMODE", "verify-full"),
        ("PGSSLROOTCERT", "/env-ca.pem"),
        ("PGSSLCERT", "/env-c.pem"),
        ("PGSSLKEY", "/env-k.pem"),
    ];
    let c = bare.to_config_with(env_of(&vars)).unwrap();
    assert_eq!(c.tls.mode, SslMode::VerifyFull);
    assert_eq!(
        c.tls.root_certs,
        Some(RootCerts::File("/env-ca.pem".into()))
    );
    assert_eq!(
        c.tls.client_cert,
        Some(("/env-c.pem".into(), "/env-k.pem".into()))
    );
    let u = bare.clone().with_param("sslmode", "require").unwrap();
    let c = u.to_config_with(env_of(&vars)).unwrap();
    assert_eq!(c.tls.mode, SslMode::Require);
}

#[test]

fn host_and_port_lists_from_the_environment() {
    let bare = DatabaseUrl::parse("postgres:///db").unwrap();
    let vars = [("PGHOST", "e1,e2"), ("PGPORT", "1,2")];
    let c = bare.to_config_with(env_of(&vars)).unwrap();
    assert_eq!(c.hosts.len(), 2);
    assert!(matches!(&c.hosts[1].0, Host::Tcp(h) if h == "e2"));
    assert_eq!(c.hosts[1].1, 2);
    assert_eq!(bare.target_with(env_of(&vars)), "e1:1,e2:2/db");
    // The URL's hosts with the environment's one port.
    let u = DatabaseUrl::parse("postgres://a,b/db").unwrap();
    let c = u.to_config_with(env_of(&[("PGPORT", "9")])).unwrap();
    assert_eq!((c.hosts[0].1, c.hosts[1].1), (9, 9));
    let vars = [("PGHOST", "e1,e2,e3"), ("PGPORT", "1,2")];
    assert_eq!(
        part_of(bare.to_config_with(env_of(&vars)).unwrap_err()),
        "port"
    );
    let vars = [
        ("PGTARGETSESSIONATTRS", "standby"),
        ("PGLOADBALANCEHOSTS", "random"),
    ];
    let c = bare.to_config_with(env_of(&vars)).unwrap();
    assert_eq!(
        c.session_attrs,
        super::super::super::hosts::TargetSessionAttrs::Standby
    );
    assert!(c.load_balance);
    let vars = [("PGTARGETSESSIONATTRS", "writer")];
    assert_eq!(
        part_of(bare.to_config_with(env_of(&vars)).unwrap_err()),
        "PGTARGETSESSIONATTRS"
    );
}
