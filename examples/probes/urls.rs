//! Fuzzed connection URLs through `DatabaseUrl::parse`, and fuzzed raw SQL texts through
//! `raw::sql(..).render()`; no server is needed.
//!
//! URLs are built from pieces (schemes, users, passwords, hosts, ports, databases,
//! parameters, each sometimes mutated: characters inserted, deleted, percent-encoded,
//! invalid `%` escapes), or are random character soup. Each must parse or be refused
//! without a panic. Every URL that parses must read back the same from
//! `to_string_with_password()`, and from its `Display` form once the password is set again;
//! a parameter set on it with `set_param` keeps that true. Passwords all hold a marker
//! (`ⓅⓌ`) that nothing else holds: no `Display`, `Debug`, `target()` or error text may
//! show it.
//!
//! Raw SQL texts mix quotes, comments, dollar quotes, casts, `:name` parameters and random
//! characters. Rendering must not panic; a text without `:` must render unchanged; each
//! parameter the renderer asks for, once bound, must be taken.

use super::{shown, Failures, Rng, HOSTILE_PIECES};
use sqlwright::{raw, DatabaseUrl, Error};
use std::cell::RefCell;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// What to run: how many URLs, and as many raw SQL texts, from which seed.
pub use super::Options;

/// What the probe saw.
#[derive(Debug, Default)]
pub struct Report {
    /// The seed.
    pub seed: u64,
    /// URLs tried.
    pub urls: u64,
    /// Of them, parsed (the others were refused with an error).
    pub parsed: u64,
    /// Parsed URLs that read back equal from `to_string_with_password` and `Display`.
    pub round_tripped: u64,
    /// URLs (parsed or refused) holding a password, checked for it in every text shown.
    pub with_password: u64,
    /// Raw SQL texts tried.
    pub texts: u64,
    /// Of them, rendered once every parameter asked for was bound.
    pub rendered: u64,
    /// `:name` parameters found and bound.
    pub parameters: u64,
    /// Panics caught (each is a failure too).
    pub panics: u64,
    /// How long it took.
    pub elapsed: Duration,
    /// Everything that went wrong.
    pub failures: Failures,
}

impl Report {
    /// Whether the probe found nothing wrong.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.panics == 0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "urls: {} fuzzed URLs (seed {}): {} parsed, {} round-tripped, {} refused, \
             {} with a password never shown; {} fuzzed raw SQL texts: {} rendered \
             ({} parameters bound); {} panics, {} failures, in {:.1} s",
            self.urls,
            self.seed,
            self.parsed,
            self.round_tripped,
            self.urls - self.parsed,
            self.with_password,
            self.texts,
            self.rendered,
            self.parameters,
            self.panics,
            self.failures.count,
            self.elapsed.as_secs_f64()
        )
    }
}

/// The marker every generated password holds, and nothing else.
const MARKER: &str = "\u{24c5}\u{24cc}";

/// The marker as `to_string_with_password` would percent-encode it.
const MARKER_ENCODED: &str = "%E2%93%85%E2%93%8C";

thread_local! {
    /// The message of a panic caught on this thread while a probe runs.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Whether this thread is running a probe (its panics are caught and kept quiet).
    static PROBING: RefCell<bool> = const { RefCell::new(false) };
}

/// Runs `f`, turning a panic into its message.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        CAUGHT
            .with(|c| c.borrow_mut().take())
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into())
    })
}

/// A random character for fuzzing: any code point but NUL and the marker's.
fn fuzz_char(rng: &mut Rng) -> char {
    const SPECIAL: &[char] = &[
        ':', '/', '?', '@', '#', '%', '&', '=', '[', ']', '+', ',', ';', ' ', '!', '$', '\'', '"',
        '\\', '*', '-', '.', '_', '~', '{', '}', '|', '^', '`', '<', '>', '\t', '\n',
    ];
    loop {
        let c = match rng.below(3) {
            0 => *rng.pick(SPECIAL),
            1 => char::from(0x21 + rng.below(0x5e) as u8),
            _ => rng.char(),
        };
        if !MARKER.contains(c) {
            return c;
        }
    }
}

/// `%XX` escapes: of a random byte (often not UTF-8), or broken ones.
fn fuzz_escape(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!("%{:02X}", rng.below(256)),
        1 => format!("%{:02x}", rng.below(256)),
        2 => rng
            .pick(&["%", "%G1", "%1", "%%", "%-1", "%+F"])
            .to_string(),
        _ => {
            let mut buf = [0; 4];
            rng.char()
                .encode_utf8(&mut buf)
                .bytes()
                .map(|b| format!("%{b:02X}"))
                .collect()
        }
    }
}

/// `piece` with a few random edits.
fn mutate(rng: &mut Rng, piece: &str) -> String {
    let mut chars: Vec<String> = piece.chars().map(String::from).collect();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(chars.len() + 1);
        match rng.below(5) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 => chars.insert(at, fuzz_escape(rng)),
            2 if at < chars.len() => {
                let encoded: String = chars[at].bytes().map(|b| format!("%{b:02X}")).collect();
                chars[at] = encoded;
            }
            _ => chars.insert(at, fuzz_char(rng).to_string()),
        }
    }
    chars.concat()
}

/// A piece of a URL part: for a clean URL a well-formed one as it is; otherwise any,
/// mutated one time in `mutate_one_in`.
fn piece(rng: &mut Rng, pieces: &Pieces, clean: bool, mutate_one_in: usize) -> String {
    if clean {
        return rng.pick(&pieces.all[..pieces.valid]).to_string();
    }
    let p = *rng.pick(pieces.all);
    if rng.one_in(mutate_one_in) {
        mutate(rng, p)
    } else {
        p.to_string()
    }
}

/// A password: the marker among other characters, raw or percent-encoded. In a clean
/// one, only letters and digits are raw.
fn password(rng: &mut Rng, clean: bool) -> String {
    let encode = |c: char| -> String {
        let mut buf = [0; 4];
        c.encode_utf8(&mut buf)
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect()
    };
    let mut out = String::new();
    if rng.one_in(3) {
        out.push_str("pw");
    }
    if rng.one_in(2) {
        out.push_str(MARKER);
    } else {
        out.extend(MARKER.chars().map(encode));
    }
    for _ in 0..rng.below(6) {
        let c = fuzz_char(rng);
        match rng.below(4) {
            0 if !clean => out.push_str(&fuzz_escape(rng)),
            _ if c.is_ascii_alphanumeric() => out.push(c),
            1 | 2 if !clean => out.push(c),
            _ => out.push_str(&encode(c)),
        }
    }
    out
}

/// Pieces of one URL part: the first `valid` are well formed, the rest are not.
struct Pieces {
    all: &'static [&'static str],
    valid: usize,
}

const SCHEMES: Pieces = Pieces {
    all: &[
        "postgres",
        "postgresql",
        "POSTGRES",
        "PostgreSQL",
        "postgres+postgres",
        "postgresql+psycopg2",
        "postgres+psycopg",
        "postgres+asyncpg",
        "mysql",
        "sqlite",
        "",
        "postgres+",
        "+postgres",
        "pg",
    ],
    valid: 7,
};
const USERS: Pieces = Pieces {
    all: &[
        "",
        "bob",
        "b%C3%B8b",
        "b\u{f8}b",
        "a%40b",
        "a%3Ab",
        "with%20space",
        "x.y-z_~",
        "%2F%3F%23",
        "100%25",
        "%00",
        "\u{1f600}",
        "'; DROP TABLE x; --",
        "%C3",
        "%zz",
    ],
    valid: 13,
};
const HOSTS: Pieces = Pieces {
    all: &[
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
        "h\u{e9}st",
        "[::1",
        "::1",
        "h%3Ax",
        "%5B%3A%3A1%5D",
        "h,j",
        "h st",
        "%40",
        "[]",
    ],
    valid: 13,
};
const PORTS: Pieces = Pieces {
    all: &[
        "",
        ":5432",
        ":1",
        ":65535",
        ":0005432",
        ":65536",
        ":0",
        ":",
        ":x",
        ":-1",
        ":+5",
        ":99999999999",
    ],
    valid: 5,
};
const DATABASES: Pieces = Pieces {
    all: &[
        "",
        "/",
        "/db",
        "/my%20db",
        "/d%C3%A9j%C3%A0",
        "/raw \u{fc}nicode",
        "/a%2Fb",
        "/100%25",
        "/a%3Fb",
        "/a%40b",
        "/%F0%9F%92%A1",
        "/a#b",
        "/a/b",
        "/%FF",
        "/%",
    ],
    valid: 12,
};
const PARAMS: Pieces = Pieces {
    all: &[
        "application_name=x%26y",
        "application_name=",
        "application_name=a b",
        "application_name=%C3%A9",
        "application%5Fname=enc",
        "connect_timeout=5",
        "connect_timeout=0",
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
        "require_auth=",
        "&",
        "",
        "connect_timeout=-1",
        "connect_timeout=99999999999999999999",
        "sslmode=require",
        "sslmode=",
        "host=a,b",
        "port=0",
        "port=",
        "keepalives=2",
        "keepalives_idle=0",
        "keepalives_count=+4",
        "require_auth=md5,!none",
        "require_auth=gss",
        "require_auth=,",
        "colour=red",
        "=x",
        "a=b=c",
        "%ZZ=1",
    ],
    valid: 31,
};
const PARAM_NAMES: &[&str] = &[
    "application_name",
    "connect_timeout",
    "sslmode",
    "host",
    "port",
    "user",
    "password",
    "dbname",
    "options",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "require_auth",
    "colour",
    "",
];

/// A URL made of pieces, and whether it holds the password marker. A clean one (every
/// other) is made of well-formed pieces only, so that many parse; the others have odd
/// pieces and mutations, so that many do not.
fn structured_url(rng: &mut Rng) -> (String, bool) {
    let clean = rng.one_in(2);
    let mut url = piece(rng, &SCHEMES, clean, 12);
    url.push_str(if !clean && rng.one_in(40) {
        ":/"
    } else {
        "://"
    });
    let mut marked = false;
    match rng.below(6) {
        0 => {}
        1 => url.push_str(&format!("{}@", piece(rng, &USERS, clean, 6))),
        2 => url.push_str(&format!("{}:@", piece(rng, &USERS, clean, 6))),
        // The `@` forgotten: the password then sits where a port would.
        3 if !clean && rng.one_in(4) => {
            let user = piece(rng, &USERS, clean, 6);
            url.push_str(&format!("{user}:{}", password(rng, clean)));
            marked = true;
        }
        _ => {
            let user = piece(rng, &USERS, clean, 6);
            url.push_str(&format!("{user}:{}@", password(rng, clean)));
            marked = true;
        }
    }
    url.push_str(&piece(rng, &HOSTS, clean, 6));
    url.push_str(&piece(rng, &PORTS, clean, 6));
    url.push_str(&piece(rng, &DATABASES, clean, 6));
    let mut params: Vec<String> = (0..rng.below(4))
        .map(|_| piece(rng, &PARAMS, clean, 6))
        .collect();
    if rng.one_in(8) {
        params.push(format!("password={}", password(rng, clean)));
        marked = true;
    }
    if !params.is_empty() {
        url.push('?');
        url.push_str(&params.join("&"));
    }
    (url, marked)
}

/// A URL of random characters after a scheme (no marker).
fn soup_url(rng: &mut Rng) -> String {
    let mut url = if rng.one_in(4) {
        String::new()
    } else {
        format!("{}://", rng.pick(SCHEMES.all))
    };
    for _ in 0..rng.below(40) {
        match rng.below(6) {
            0 => url.push_str(&fuzz_escape(rng)),
            _ => url.push(fuzz_char(rng)),
        }
    }
    url
}

/// Whether `text` shows the marker, raw or percent-encoded.
fn shows_marker(text: &str) -> bool {
    text.contains(MARKER) || text.to_ascii_uppercase().contains(MARKER_ENCODED)
}

/// Whether a part other than the password holds the marker (a mutation moved it).
fn marker_outside_password(u: &DatabaseUrl) -> bool {
    [&u.user, &u.host, &u.database]
        .into_iter()
        .flatten()
        .any(|s| s.contains(MARKER))
        || u.params()
            .iter()
            .any(|(k, v)| k.contains(MARKER) || v.contains(MARKER))
}

fn check_url(text: &str, marked: bool, rng: &mut Rng, report: &mut Report) {
    report.urls += 1;
    report.with_password += u64::from(marked);
    let parsed = match guarded(|| DatabaseUrl::parse(text)) {
        Ok(p) => p,
        Err(panic) => {
            report.panics += 1;
            report
                .failures
                .push(format!("parse({}) panicked: {panic}", shown(text)));
            return;
        }
    };
    let u = match parsed {
        Ok(u) => u,
        Err(e) => {
            let said = format!("{e} {e:?}");
            if marked && shows_marker(&said) {
                report.failures.push(format!(
                    "parse({}): the error shows the password: {said}",
                    shown(text)
                ));
            }
            return;
        }
    };
    report.parsed += 1;
    let checked = guarded(|| {
        let mut wrong = Vec::new();
        if marked && !marker_outside_password(&u) {
            let said = format!("{u} {u:?} {}", u.target());
            if shows_marker(&said) {
                wrong.push(format!("the password is shown: {said}"));
            }
        }
        wrong.extend(round_trip(&u));
        wrong
    });
    match checked {
        Ok(wrong) if wrong.is_empty() => report.round_tripped += 1,
        Ok(wrong) => {
            for w in wrong {
                report.failures.push(format!("{}: {w}", shown(text)));
            }
        }
        Err(panic) => {
            report.panics += 1;
            report
                .failures
                .push(format!("{}: panicked after parsing: {panic}", shown(text)));
        }
    }
    // A parameter set on the parsed URL: checked as in a URL, and written back the same.
    let name = match *rng.pick(PARAM_NAMES) {
        name if rng.one_in(5) => mutate(rng, name),
        name => name.to_string(),
    };
    let value = match rng.below(3) {
        0 => {
            let clean = rng.one_in(2);
            let pair = piece(rng, &PARAMS, clean, 3);
            pair.split_once('=')
                .map_or(pair.clone(), |(_, v)| v.to_string())
        }
        1 => (0..rng.below(12)).map(|_| fuzz_char(rng)).collect(),
        _ => super::hostile_text(rng, true),
    };
    match guarded(|| {
        let mut v = u.clone();
        match v.set_param(&name, &value) {
            Ok(()) => round_trip(&v),
            Err(_) if v != u => vec![format!(
                "set_param({}, {}) failed but changed the URL",
                shown(&name),
                shown(&value)
            )],
            Err(_) => Vec::new(),
        }
    }) {
        Ok(wrong) => {
            for w in wrong {
                report.failures.push(format!(
                    "{} with {}={}: {w}",
                    shown(text),
                    shown(&name),
                    shown(&value)
                ));
            }
        }
        Err(panic) => {
            report.panics += 1;
            report.failures.push(format!(
                "{}: set_param({}, {}) panicked: {panic}",
                shown(text),
                shown(&name),
                shown(&value)
            ));
        }
    }
}

/// What is wrong with reading `u` back from its written forms.
fn round_trip(u: &DatabaseUrl) -> Vec<String> {
    let mut wrong = Vec::new();
    let written = u.to_string_with_password();
    match DatabaseUrl::parse(&written) {
        Ok(back) if back == *u => {}
        Ok(back) => wrong.push(format!(
            "written as {}, read back as {back:?}, not {u:?}",
            shown(&written)
        )),
        Err(e) => wrong.push(format!("written as {}, refused: {e}", shown(&written))),
    }
    let displayed = u.to_string();
    match DatabaseUrl::parse(&displayed) {
        Ok(mut back) => {
            back.set_password(u.password());
            if back != *u {
                wrong.push(format!(
                    "shown as {}, read back as {back:?}, not {u:?}",
                    shown(&displayed)
                ));
            }
        }
        Err(e) => wrong.push(format!("shown as {}, refused: {e}", shown(&displayed))),
    }
    wrong
}

const SQL_PIECES: &[&str] = &[
    "SELECT ",
    " FROM t",
    " WHERE a = ",
    ":a",
    ":b",
    ":name",
    ":_x",
    ":\u{e9}t\u{e9}",
    ":1",
    "::",
    "::int",
    "::text[]",
    ":",
    "a:b",
    ":a:b",
    ":::x",
    "'",
    "''",
    "'it''s :a'",
    "\"",
    "\"col:a\"",
    "\"\"",
    "E'",
    "e'\\'",
    "E'\\\\'",
    "\\",
    "--",
    "-- :a\n",
    "/*",
    "*/",
    "/* :a /* :b */ */",
    "$$",
    "$$ :a $$",
    "$t$",
    "$t$ :a $t$",
    "$1",
    "$",
    "$_$",
    "x$1",
    "U&'\\0041'",
    "\n",
    " ",
    ";",
    "(",
    ")",
    ",",
];

/// A raw SQL text.
fn sql_text(rng: &mut Rng) -> String {
    let mut text = String::new();
    for _ in 0..rng.below(16) {
        match rng.below(8) {
            0 => text.push(fuzz_char(rng)),
            1 => text.push_str(rng.pick::<&str>(HOSTILE_PIECES)),
            _ => text.push_str(rng.pick::<&str>(SQL_PIECES)),
        }
    }
    text
}

/// The parameter a render error asks a value for.
fn missing_parameter(e: &Error) -> Option<String> {
    let Error::Misuse(message) = e else {
        return None;
    };
    let rest = message.strip_prefix("raw SQL parameter `:")?;
    let (name, _) = rest.split_once("` has no value")?;
    Some(name.to_string())
}

/// What happened rendering `text` with every parameter it asks for bound: rendered (and
/// how many parameters), refused, or something wrong.
fn render_text(text: &str) -> Result<Option<usize>, String> {
    let mut names: Vec<String> = Vec::new();
    loop {
        let mut query = raw::sql(text);
        for (i, name) in names.iter().enumerate() {
            query = query.bind(name, i as i64);
        }
        match query.render() {
            Ok(r) => {
                if r.params.len() != names.len() {
                    return Err(format!(
                        "{} parameters bound, {} sent",
                        names.len(),
                        r.params.len()
                    ));
                }
                if !text.contains(':') && r.sql != text {
                    return Err(format!("a text without `:` became {}", shown(&r.sql)));
                }
                return Ok(Some(names.len()));
            }
            Err(e) => match missing_parameter(&e) {
                Some(name) if names.contains(&name) => {
                    return Err(format!("`:{name}` is bound, yet asked for again"));
                }
                Some(name) => names.push(name),
                None if !text.contains(':') && !text.contains('$') => {
                    return Err(format!("a text without `:` or `$` was refused: {e}"));
                }
                None => return Ok(None),
            },
        }
    }
}

/// Runs the probe.
pub fn run(options: &Options) -> Report {
    let started = Instant::now();
    let mut report = Report {
        seed: options.seed,
        ..Report::default()
    };
    let previous = panic::take_hook();
    let previous = std::sync::Arc::new(previous);
    let chained = std::sync::Arc::clone(&previous);
    panic::set_hook(Box::new(move |info| {
        if PROBING.with(|p| *p.borrow()) {
            CAUGHT.with(|c| *c.borrow_mut() = Some(info.to_string()));
        } else {
            chained(info);
        }
    }));
    PROBING.with(|p| *p.borrow_mut() = true);

    let mut rng = Rng::new(options.seed);
    for _ in 0..options.count {
        if rng.one_in(5) {
            let text = soup_url(&mut rng);
            check_url(&text, false, &mut rng, &mut report);
        } else {
            let (text, marked) = structured_url(&mut rng);
            check_url(&text, marked, &mut rng, &mut report);
        }
    }
    for _ in 0..options.count {
        let text = sql_text(&mut rng);
        report.texts += 1;
        match guarded(|| render_text(&text)) {
            Ok(Ok(Some(n))) => {
                report.rendered += 1;
                report.parameters += n as u64;
            }
            Ok(Ok(None)) => {}
            Ok(Err(wrong)) => report
                .failures
                .push(format!("raw::sql({}): {wrong}", shown(&text))),
            Err(panic) => {
                report.panics += 1;
                report
                    .failures
                    .push(format!("raw::sql({}) panicked: {panic}", shown(&text)));
            }
        }
    }

    PROBING.with(|p| *p.borrow_mut() = false);
    // Our hook goes; the one before it comes back (unless another thread replaced ours).
    let _ = panic::take_hook();
    if let Ok(previous) = std::sync::Arc::try_unwrap(previous) {
        panic::set_hook(previous);
    }
    report.elapsed = started.elapsed();
    report
}
