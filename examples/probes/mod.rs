//! Reliability probes: hostile values and names sent through every path that takes them,
//! fuzzed URLs and raw SQL texts, and transactions through server restarts. Each probe is
//! deterministic for a seed (or, for `restart`, bounded in time), counts what it saw and
//! collects every failure; `cargo run --release -p sqlwright-examples --example probe`
//! runs them at full size, `examples/tests/probes.rs` at a small one.
//!
//! - [`values`]: hostile text values through typed INSERT, filters and UPDATE, raw SQL,
//!   dynamic queries and COPY: each reads back byte for byte, or (holding a NUL byte) is
//!   refused with `Error::NulInText` and stores nothing; nothing else in the database
//!   changes.
//! - [`names`]: hostile identifiers as table and column names through DDL
//!   (`Schema::create_all` / `drop_all` of run-time `TableMeta`s), reflection, dynamic
//!   queries and `SqlWriter::ident` inside raw SQL: each creates exactly the object named.
//! - [`urls`]: fuzzed connection URLs through `DatabaseUrl::parse` (no panic, round trip,
//!   no password shown) and fuzzed raw SQL texts through `raw::sql(..).render()`.
//! - [`restart`]: small transactions from several threads while the server restarts:
//!   every committed row is stored once, no failed one is stored.

pub mod names;
pub mod restart;
pub mod urls;
pub mod values;

use std::collections::BTreeMap;
use std::fmt;

/// What a deterministic probe runs: how many inputs, generated from which seed.
#[derive(Clone, Debug)]
pub struct Options {
    /// How many inputs (each probe says of what).
    pub count: u64,
    /// The generator's seed.
    pub seed: u64,
}

/// A small deterministic pseudo-random generator (xorshift64*), seeded through splitmix64
/// so that every seed, 0 included, gives a good stream.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// The generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_f491_4f6c_dd1d } else { z })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True once in `n` times on average.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A Unicode scalar value other than NUL: mostly from the planes text uses, sometimes
    /// from anywhere (private use, noncharacters, the last code point).
    pub fn char(&mut self) -> char {
        loop {
            let code = match self.below(6) {
                0 => 1 + self.below(0x7f) as u32,
                1 => 0x80 + self.below(0x780) as u32,
                2 => 0x800 + self.below(0xf800) as u32,
                3 => 0x1_0000 + self.below(0x2_0000) as u32,
                4 => *self.pick(&[0xfffe, 0xffff, 0xfeff, 0x10_ffff, 0xe000, 0xf_fffd]),
                _ => 1 + self.below(0x10_ffff) as u32,
            };
            if let Some(c) = char::from_u32(code) {
                return c;
            }
        }
    }
}

/// Pieces that have broken SQL builders: quotes of every kind, comment and dollar-quote
/// markers, escapes, placeholders, statement separators, and Unicode that changes length,
/// direction or normalisation.
pub const HOSTILE_PIECES: &[&str] = &[
    "'",
    "''",
    "'''",
    "\"",
    "\"\"",
    "`",
    "\\",
    "\\'",
    "\\\\",
    "\\\"",
    "'; DROP TABLE probe_sentinel; --",
    "\"; DROP TABLE probe_sentinel; --",
    "'); DELETE FROM probe_values; --",
    "' OR '1'='1",
    "\" OR \"\"=\"",
    "1; SELECT pg_sleep(10)",
    "--",
    "-- comment\n",
    "/*",
    "*/",
    "/* nested /* comment */",
    "$$",
    "$tag$",
    "$sqlwright$",
    "$a$'$a$",
    "$1",
    "$2::text",
    "$0",
    ":name",
    ":body",
    ":id",
    "::text",
    ":",
    "?",
    "E'\\x41'",
    "E'\\\\'",
    "e'",
    "U&'\\0041'",
    "U&\"\\0041\"",
    "B'101'",
    "X'ff'",
    "\\x00",
    "\\0",
    "\\u0000",
    "%",
    "_",
    "\\%",
    "\\_",
    "[",
    "]",
    "(",
    ")",
    ",",
    ";",
    ";;",
    "COMMIT;",
    "ROLLBACK;",
    "BEGIN;",
    "NULL",
    "null",
    "\\N",
    "\r\n",
    "\n",
    "\r",
    "\t",
    "\u{b}",
    "\u{c}",
    "\u{7f}",
    "\u{1b}[31m",
    "\u{85}",
    "\u{a0}",
    "\u{2028}",
    "\u{2029}",
    "e\u{301}",
    "\u{301}",
    "\u{200b}",
    "\u{200d}",
    "\u{200f}",
    "\u{202e}",
    "\u{2066}",
    "\u{feff}",
    "\u{fffd}",
    "\u{fffe}",
    "\u{ffff}",
    "\u{10ffff}",
    "\u{1f600}",
    "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}",
    "\u{1f1fa}\u{1f1f8}",
    "z\u{334}\u{321}\u{322}\u{34e}\u{308}",
    "\u{fdfa}",
    "\u{5d0}\u{5d1}\u{5d2}",
    "\u{627}\u{644}\u{639}\u{631}\u{628}\u{64a}\u{629}",
    "\u{65e5}\u{672c}\u{8a9e}",
    "\u{3a9}",
    "\u{130}",
    "\u{df}",
    "\u{fb01}",
    " ",
    "  ",
    "",
];

/// A hostile text: up to eight pieces from [`HOSTILE_PIECES`], control characters, random
/// code points and random ASCII; once in 400 a long one (4 KiB to 1 MiB of a repeated
/// piece). With `nul`, about one in twelve holds a NUL byte somewhere.
pub fn hostile_text(rng: &mut Rng, nul: bool) -> String {
    let mut text = String::new();
    if rng.one_in(400) {
        let piece = loop {
            let p = *rng.pick(HOSTILE_PIECES);
            if !p.is_empty() {
                break p;
            }
        };
        let len = 4096usize << rng.below(9);
        let len = len + rng.below(len);
        while text.len() < len {
            text.push_str(piece);
            if rng.one_in(50) {
                text.push(rng.char());
            }
        }
    }
    for _ in 0..rng.below(9) {
        match rng.below(10) {
            0 => text.push(char::from(1 + rng.below(0x1f) as u8)),
            1 => text.push(rng.char()),
            2 => {
                for _ in 0..1 + rng.below(6) {
                    text.push(char::from(0x20 + rng.below(0x5f) as u8));
                }
            }
            _ => text.push_str(rng.pick::<&str>(HOSTILE_PIECES)),
        }
    }
    if nul && rng.one_in(12) {
        let mut at = rng.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.insert(at, '\0');
    }
    text
}

/// The longest identifier PostgreSQL keeps whole (`NAMEDATALEN - 1` bytes); longer ones it
/// truncates.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// A hostile identifier: a hostile text without NUL, cut to at most
/// [`MAX_IDENTIFIER_BYTES`] on a character boundary, never empty (PostgreSQL refuses a
/// zero-length quoted identifier).
pub fn hostile_name(rng: &mut Rng) -> String {
    loop {
        let mut name = hostile_text(rng, false);
        let mut end = name.len().min(MAX_IDENTIFIER_BYTES);
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
        if !name.is_empty() {
            return name;
        }
    }
}

/// Failures seen by a probe: how many of each kind, and the first few of each kind,
/// described.
#[derive(Debug, Default, Clone)]
pub struct Failures {
    /// How many failures there were.
    pub count: u64,
    /// How many of each kind (a failure's kind is its description up to the value or
    /// the detail: `typed path, filter in_`).
    pub kinds: BTreeMap<String, u64>,
    /// The first [`Failures::KEPT_PER_KIND`] of each kind, at most [`Failures::KEPT`].
    pub examples: Vec<String>,
}

impl Failures {
    /// How many failures are described in all.
    pub const KEPT: usize = 30;
    /// How many failures of one kind are described.
    pub const KEPT_PER_KIND: u64 = 3;

    /// Records a failure.
    pub fn push(&mut self, what: impl Into<String>) {
        let what = what.into();
        let end = [", value ", ": ", " ("]
            .iter()
            .filter_map(|cut| what.find(cut))
            .min()
            .unwrap_or(what.len());
        let mut end = end.min(80);
        while !what.is_char_boundary(end) {
            end -= 1;
        }
        let seen = self.kinds.entry(what[..end].to_string()).or_default();
        *seen += 1;
        self.count += 1;
        if *seen <= Self::KEPT_PER_KIND && self.examples.len() < Self::KEPT {
            self.examples.push(what);
        }
    }

    /// Whether there were none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

impl fmt::Display for Failures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (kind, n) in &self.kinds {
            writeln!(f, "  {n:>8} x {kind}")?;
        }
        writeln!(f, "for example:")?;
        for e in &self.examples {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

/// A text for a failure message: escaped, and cut when long.
pub fn shown(text: &str) -> String {
    let escaped = format!("{text:?}");
    if escaped.len() <= 160 {
        return escaped;
    }
    let mut end = 120;
    while !escaped.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes)", &escaped[..end], text.len())
}
