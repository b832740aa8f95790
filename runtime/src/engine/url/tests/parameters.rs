//! Connection parameters: settings given through the API are checked as the URL's are,
//! TCP keepalives and `require_auth`.

use super::*;

#[test]
fn settings_through_the_api_are_checked_like_the_url() {
    let u = DatabaseUrl::parse("postgres://h/db").unwrap();
    for mode in ["Require", "verify", "", "junk"] {
        let e = u.clone().with_param("sslmode", mode).unwrap_err();
        assert_eq!(part_of(e), "sslmode");
        let mut v = u.clone();
        assert_eq!(
            part_of(v.set_param("sslmode", mode).unwrap_err()),
            "sslmode"
        );
        assert_eq!(v, u, "a refused setting changes nothing");
    }
    for mode in [
        "disable",
        "allow",
        "prefer",
        "require",
        "verify-ca",
        "verify-full",
    ] {
        let v = u.clone().with_param("sslmode", mode).unwrap();
        assert_eq!(v.param("sslmode"), Some(mode));
    }
    for (name, value) in [
        ("sslsni", "yes"),
        ("channel_binding", "always"),
        ("sslrootcert", ""),
        ("sslcert", ""),
        ("sslkey", ""),
        ("sslcrl", "/x"),
        ("sslpassword", "x"),
        ("sslcompression", "0"),
        ("gssencmode", "disable"),
    ] {
        let e = u.clone().with_param(name, value).unwrap_err();
        assert_eq!(part_of(e), name);
    }
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
