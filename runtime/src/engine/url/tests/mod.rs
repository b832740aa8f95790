//! URL parsing, display and parameter tests, including a round-trip property test.

use super::super::wire::{AuthMethods, Config, Host, Keepalive};
use super::display::percent_encode;
use super::*;

mod environment;
mod generated;
mod parameters;
use environment::env_of;

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
        part_of(DatabaseUrl::parse("postgres://h/db?sslmode=sometimes").unwrap_err()),
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

/// Every shape of unencoded password: each either parses whole, or fails with an error
/// that holds no part of it (every part contains `PW`, which nothing else does).
#[test]
fn errors_never_show_any_part_of_the_password() {
    let specials = [
        "/", "?", "#", "@", ":", "/?", "?/", "#/", "@/", "/@", "?@", "%", "%2", "&", "=", " ", "[",
        "]", "[:", "//", "",
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
}

#[test]
fn lists_of_hosts_and_ports_as_libpq_reads_them() {
    let hosts = |text: &str| {
        let u = DatabaseUrl::parse(text).unwrap();
        let c = u.to_config_with(env_of(&[])).unwrap();
        let got: Vec<String> = c
            .hosts
            .iter()
            .map(|(h, p)| super::super::hosts::describe(h, *p))
            .collect();
        (got, u)
    };
    let (got, u) = hosts("postgres://u@h1:5432,h2:5433/db");
    assert_eq!(got, ["h1:5432", "h2:5433"]);
    assert_eq!(
        u.hosts(),
        [(Some("h1"), Some(5432)), (Some("h2"), Some(5433))]
    );
    assert_eq!(u.host.as_deref(), Some("h1"));
    assert_eq!(u.target(), "h1:5432,h2:5433/db");
    // A port left out is the default; one port (the parameter) applies to all.
    assert_eq!(hosts("postgres://h1,h2:6000/db").0, ["h1:5432", "h2:6000"]);
    assert_eq!(
        hosts("postgres://h1,[::1]/db?port=6000").0,
        ["h1:6000", "[::1]:6000"]
    );
    assert_eq!(
        hosts("postgres:///db?port=1,2&host=/s,h").0,
        ["/s:1", "h:2"]
    );
    assert_eq!(
        hosts("postgres://x/db?host=a,b,c&port=7").0,
        ["a:7", "b:7", "c:7"]
    );
    // One host: no list.
    assert!(hosts("postgres://h1/db").0.is_empty());
    for (text, part) in [
        ("postgres://h1,,h2/db", "host"),
        ("postgres://h1,/db", "host"),
        ("postgres://,h2/db", "host"),
        ("postgres://h/db?host=a,,b", "host"),
        ("postgres://h1,h2,h3/db?port=1,2", "port"),
        ("postgres://h1:1,h2:2/db?host=a,b,c", "port"),
        ("postgres://h1:x,h2/db", "port"),
        (
            "postgres://h/db?target_session_attrs=master",
            "target_session_attrs",
        ),
        (
            "postgres://h/db?load_balance_hosts=yes",
            "load_balance_hosts",
        ),
    ] {
        assert_eq!(
            part_of(DatabaseUrl::parse(text).unwrap_err()),
            part,
            "{text}"
        );
    }
    // A setter that would leave ports and hosts mismatched changes nothing.
    let mut u = DatabaseUrl::parse("postgres://h1:1,h2:2/db").unwrap();
    assert_eq!(part_of(u.set_param("host", "a,b,c").unwrap_err()), "port");
    assert_eq!(u.hosts().len(), 2);
    u.set_param("port", "9").unwrap();
    assert_eq!(u.hosts(), [(Some("h1"), Some(9)), (Some("h2"), Some(9))]);
    // Shown and read back.
    for text in [
        "postgres://u@h1:5432,h2:5433/db?target_session_attrs=read-write",
        "postgres://h1,[::1]:7/db?load_balance_hosts=random",
        "postgres://h1,h2/db?port=6000",
        "postgres:///db?host=%2Fs%2Cx&port=1%2C2",
        "postgres:///db?host=%2Fs%2Cx",
    ] {
        let u = DatabaseUrl::parse(text).unwrap();
        assert_eq!(u.to_string(), text);
        assert_eq!(DatabaseUrl::parse(&u.to_string()).unwrap(), u);
    }
    let c = DatabaseUrl::parse(
        "postgres://h1,h2/db?target_session_attrs=prefer-standby&load_balance_hosts=random",
    )
    .unwrap()
    .to_config_with(env_of(&[]))
    .unwrap();
    assert_eq!(
        c.session_attrs,
        super::super::hosts::TargetSessionAttrs::PreferStandby
    );
    assert!(c.load_balance);
}

#[test]
fn bad_password_escape_does_not_echo_the_password() {
    let e = DatabaseUrl::parse("postgres://u:topsecret%zz@h/db").unwrap_err();
    assert!(!e.to_string().contains("topsecret"));
}

#[test]
fn malformed_urls_found_by_the_fuzzer_do_not_quote_the_password() {
    for url in [
        // A raw `?` in the user name with the `@` missing: the query starts inside the
        // userinfo, so the password lands in a parameter name.
        "postgresql://w?ith%20%73:pace:pwSECRET:%40:0/a/b?connect_timeout=1",
        // A `postgres:/` typo followed later by `://`: the password lands in the scheme.
        "POSTGRES:/bob:SECRET@%5B%3A%3A1%5D://b",
        "postgres+x:/bob:SECRET@h://b",
    ] {
        let e = DatabaseUrl::parse(url).unwrap_err();
        assert!(!e.to_string().contains("SECRET"), "{url}: {e}");
    }
}

#[test]
fn a_percent_escape_takes_two_hex_digits_and_no_sign() {
    assert!(DatabaseUrl::parse("postgres://u:p%+1@h/db").is_err());
    assert!(DatabaseUrl::parse("postgres://h/d%+1").is_err());
    assert_eq!(
        DatabaseUrl::parse("postgres://h/d%41")
            .unwrap()
            .database
            .as_deref(),
        Some("dA")
    );
}
