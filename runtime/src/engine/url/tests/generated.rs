//! A round-trip property test over generated URLs (a small deterministic generator).

use super::*;

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
        "h1:5432,h2:5433",
        "a,[::1],b",
        "a,,b",
        "h1,%2Ftmp",
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
        "host=a,b",
        "host=a%2C%2Fs",
        "port=1,2",
        "port=3%2C",
        "target_session_attrs=read-write",
        "target_session_attrs=prefer-standby",
        "load_balance_hosts=random",
        "load_balance_hosts=sometimes",
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
