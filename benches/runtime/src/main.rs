//! Runtime benchmarks: each workload run by sqlwright, by hand-written `postgres` code with
//! prepared statements (the practical limit), and by Diesel 2.3, interleaved round by round
//! on one database so that a noisy machine slows all three alike. Prints medians of wall
//! time and of this thread's CPU time, and the ratios. See BENCHMARKS.md.
//! SQLAlchemy 2.x (benches/sqlalchemy/bench.py, Core and ORM) runs the same workloads
//! interleaved with them (`sqlalchemy.rs`): a second table, and `results.svg` (`chart.rs`).
//!
//! `cargo run --release --manifest-path benches/runtime/Cargo.toml [-- --quick] [-- only..]`
//! `-- --pin 0` pins the client and the measured connections' server backends to CPU 0.
//! `-- --no-sqlalchemy` leaves SQLAlchemy out.
//! Uses `DATABASE_URL` if set, else a throwaway cluster (as the tests do).
//! `-- --sqlite` runs the SQLite column instead (`sqlite.rs`: sqlwright vs hand-written
//! `rusqlite` vs Diesel on one database file; no PostgreSQL needed).
//! `-- --mysql` runs the MySQL column instead (`mariadb.rs`: sqlwright vs hand-written `mysql`
//! crate code vs Diesel on MariaDB; no PostgreSQL needed).
//! `-- --async` runs the async column instead (`asyncs.rs`: sqlwright's `AsyncConnection`
//! vs hand-written `tokio-postgres` vs `sqlx` vs `diesel-async`, one current-thread runtime).

mod async_pool;
mod async_work;
mod asyncs;
mod chart;
mod data;
mod dl;
mod mariadb;
mod plans;
mod sqlalchemy;
mod sqlite;
mod sw;

use std::time::{Duration, Instant};

/// CPU time of this thread so far (the sync drivers run their I/O on the calling thread).
pub fn cpu_now() -> Duration {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns = text
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// One implementation of a workload: its name and a run that returns a checksum (equal
/// across implementations, so all three did the same work).
pub type Run<'a> = (&'static str, Box<dyn FnMut() -> u64 + 'a>);

pub struct Report {
    /// The SQLAlchemy side (when it runs), and every measured workload's medians.
    sa: sqlalchemy::SqlAlchemy,
    /// The hand-written side: `postgres`, or `rusqlite` in the SQLite column.
    base: &'static str,
}

impl Report {
    fn new(sa: sqlalchemy::SqlAlchemy, base: &'static str) -> Self {
        let b = base;
        let header = format!("| workload | sqlwright | {b} | diesel | sqlwright/{b} | sqlwright/diesel | CPU sqlwright/{b} | CPU sqlwright/diesel | control: {b} on a 2nd connection/{b} |");
        println!("{header}");
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        Report { sa, base }
    }

    /// Runs `runs` interleaved for `rounds` rounds (after a warm-up) and prints a line.
    /// Each round runs every implementation for a block of up to 10 calls in a row (in a
    /// rotating order): a server backend that has just been idle while the other two ran
    /// answers tens of microseconds later, which would otherwise swamp small queries.
    /// SQLAlchemy, when it runs, takes one more place in that rotation: a block of as many
    /// calls of Core and of ORM, in bench.py. Returns the wall-time medians, in `runs`' order.
    pub fn measure(&mut self, name: &str, rounds: usize, runs: &mut [Run<'_>]) -> Vec<Duration> {
        // Under callgrind (benches/runtime/callgrind.sh): only one implementation, a fixed
        // number of calls, no timing.
        if let Ok(only) = std::env::var("BENCH_IMPL") {
            let iters: usize = std::env::var("BENCH_ITERS")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(100);
            if let Some(run) = runs.iter_mut().find(|r| r.0 == only) {
                for _ in 0..iters {
                    std::hint::black_box((run.1)());
                }
            }
            return Vec::new();
        }
        let workload = self.sa.take_next();
        let python = workload.as_ref().filter(|_| self.sa.running());
        let block = rounds.div_ceil(100).clamp(1, 10);
        let rounds = rounds.div_ceil(block);
        let warm = (rounds / 10).max(2);
        let mut wall: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds * block); runs.len()];
        let mut cpu: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds * block); runs.len()];
        let mut checks = vec![0u64; runs.len()];
        let (mut core, mut orm, mut sa_checks) = (Vec::new(), Vec::new(), None);
        let sides = runs.len() + usize::from(python.is_some());
        for round in 0..warm + rounds {
            for k in 0..sides {
                // Rotate the order so no implementation always runs right after another.
                let i = (k + round) % sides;
                if i == runs.len() {
                    let w = python.expect("SQLAlchemy has a place only when it runs");
                    if let Some(b) = self.sa.block(w, block, round % 2 == 1) {
                        if round >= warm {
                            core.extend(b.core);
                            orm.extend(b.orm);
                        }
                        sa_checks = Some((b.core_check, b.orm_check));
                    }
                    continue;
                }
                for _ in 0..block {
                    let (c0, t0) = (cpu_now(), Instant::now());
                    let check = (runs[i].1)();
                    let (t1, c1) = (Instant::now(), cpu_now());
                    if round >= warm {
                        wall[i].push(t1 - t0);
                        cpu[i].push(c1 - c0);
                    }
                    checks[i] = check;
                }
            }
        }
        assert!(
            checks.windows(2).all(|w| w[0] == w[1]),
            "{name}: implementations disagree: {checks:?}"
        );
        if let Some((c, o)) = sa_checks {
            assert!(
                c == checks[0] && o == checks[0],
                "{name}: SQLAlchemy disagrees: Core {c}, ORM {o}, Rust sides {}",
                checks[0]
            );
        }
        let walls: Vec<Duration> = wall.iter_mut().map(|w| median(w)).collect();
        let cpus: Vec<Duration> = cpu.iter_mut().map(|c| median(c)).collect();
        self.print(name, runs, &walls, &cpus);
        let at = |n: &str| runs.iter().position(|r| r.0 == n).map(|i| walls[i]);
        let with = |v: &mut Vec<Duration>| (!v.is_empty()).then(|| median(v));
        if let (Some(workload), Some(sqlwright)) = (workload, at("sqlwright")) {
            self.sa.record(sqlalchemy::Compared {
                name: name.to_string(),
                workload,
                sqlwright,
                postgres: at("postgres"),
                diesel: at("diesel"),
                core: with(&mut core),
                orm: with(&mut orm),
            });
        }
        walls
    }

    fn print(&self, name: &str, runs: &[Run<'_>], walls: &[Duration], cpus: &[Duration]) {
        let at = |n: &str| runs.iter().position(|r| r.0 == n);
        let show = |d: Option<Duration>| d.map_or("-".to_string(), fmt);
        let ratio = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
            (Some(a), Some(b)) if !b.is_zero() => {
                format!("{:.2}", a.as_secs_f64() / b.as_secs_f64())
            }
            _ => "-".into(),
        };
        let w = |n| at(n).map(|i| walls[i]);
        let c = |n| at(n).map(|i| cpus[i]);
        let line = format!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} |",
            show(w("sqlwright")),
            show(w(self.base)),
            show(w("diesel")),
            ratio(w("sqlwright"), w(self.base)),
            ratio(w("sqlwright"), w("diesel")),
            ratio(c("sqlwright"), c(self.base)),
            ratio(c("sqlwright"), c("diesel")),
            ratio(w(&format!("{}, 2nd connection", self.base)), w(self.base)),
        );
        println!("{line}");
    }
}

/// "1 row", "10 000 rows": for the chart's labels.
fn rows(n: usize) -> String {
    match n {
        1 => "1 row".into(),
        10_000 => "10 000 rows".into(),
        n => format!("{n} rows"),
    }
}

pub fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1_000.0 {
        format!("{us:.1} µs")
    } else if us < 1_000_000.0 {
        format!("{:.2} ms", us / 1_000.0)
    } else {
        format!("{:.2} s", us / 1e6)
    }
}

/// Peak resident memory of this process, in KiB.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // A child process streaming rows, for its own peak RSS.
    if let [mode, which] = args.as_slice() {
        if mode == "--stream-child" {
            data::stream_child(which);
            return;
        }
    }
    let quick = args.iter().any(|a| a == "--quick");
    let no_sqlalchemy = args.iter().any(|a| a == "--no-sqlalchemy");
    let only: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--pin"))
        .map(|(_, a)| a)
        .collect();
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| name.starts_with(o.as_str()));
    let scale = if quick { 10 } else { 1 };

    if args.iter().any(|a| a == "--sqlite") {
        let sa = sqlalchemy::SqlAlchemy::start("", Some("the SQLite column is Rust only"));
        let mut report = Report::new(sa, "rusqlite");
        sqlite::run(&mut report, &wanted, scale);
        return;
    }

    if args.iter().any(|a| a == "--mysql") {
        let sa = sqlalchemy::SqlAlchemy::start("", Some("the MySQL column is Rust only"));
        let mut report = Report::new(sa, "mysql");
        mariadb::run(&mut report, &wanted, scale);
        if wanted("bulk") {
            mariadb::bulk_load(if quick { 20_000 } else { 100_000 });
        }
        return;
    }

    let db = sqlwright::testing::database();
    let url = db.url().to_string_with_password();
    let mut env = data::Env::connect(&url);
    if args.iter().any(|a| a == "--async") {
        // The async column measures its own connections; pinning their backends is not
        // written, so the option is refused rather than silently dropped.
        assert!(
            !args.iter().any(|a| a == "--pin"),
            "--pin is not supported with --async"
        );
        asyncs::run(&mut env, &url, &only, scale);
        return;
    }
    let pin = args
        .iter()
        .position(|a| a == "--pin")
        .map(|i| args.get(i + 1).and_then(|c| c.parse().ok()).unwrap_or(0));
    let off = if no_sqlalchemy {
        Some("--no-sqlalchemy")
    } else if std::env::var_os("BENCH_IMPL").is_some() {
        Some("BENCH_IMPL (callgrind) measures one Rust side")
    } else {
        None
    };
    let mut sa = sqlalchemy::SqlAlchemy::start(&url, off);
    if let Some(cpu) = pin {
        env.pin(cpu);
        sa.pin(cpu);
        println!("client and server backends pinned to CPU {cpu}\n");
    }
    let mut report = Report::new(sa, "postgres");

    if wanted("select") {
        for (n, rounds) in [(1, 3000), (100, 1500), (10_000, 60)] {
            report.sa.next("select", n, &format!("select {}", rows(n)));
            data::select_all(&mut env, &mut report, n, (rounds / scale).max(5));
        }
    }
    if wanted("join") {
        for (n, rounds) in [(1, 3000), (100, 1500), (1_000, 300)] {
            report.sa.next("join", n, &format!("left join {}", rows(n)));
            data::left_join(&mut env, &mut report, n, (rounds / scale).max(5));
        }
    }
    if wanted("insert") {
        for (n, rounds) in [(1, 1500), (10, 1000), (100, 400)] {
            report.sa.next("insert", n, &format!("insert {}", rows(n)));
            data::insert(&mut env, &mut report, n, (rounds / scale).max(5));
        }
    }
    if wanted("assoc") {
        report.sa.next("assoc", 100, "assoc 100/1000/2000");
        plans::associations(
            &mut env,
            &mut report,
            (300 / scale).max(5),
            2,
            "users -> posts -> comments (100/1000/2000 rows, 3 statements)",
        );
    }
    if wanted("loading") {
        report.sa.next("loading", 100, "loading 100/1000/10 000");
        plans::associations(
            &mut env,
            &mut report,
            (90 / scale).max(30),
            10,
            "README loading: users -> posts -> comments (100/1000/10 000 rows, FKs without indexes)",
        );
    }
    if wanted("in_list") {
        // BENCH_IN_LIST_SIZES=1,10 runs only those sizes.
        let sizes: Option<Vec<usize>> = std::env::var("BENCH_IN_LIST_SIZES")
            .ok()
            .map(|v| v.split(',').filter_map(|n| n.parse().ok()).collect());
        for (n, rounds) in [(1, 1500), (10, 1500), (100, 600), (1000, 150)] {
            if sizes.as_ref().is_none_or(|s| s.contains(&n)) {
                report.sa.next(
                    "in_list",
                    n,
                    &format!("in_ list of {n} id{}", if n == 1 { "" } else { "s" }),
                );
                plans::in_list(&mut env, &mut report, n, (rounds / scale).max(30));
            }
        }
    }
    // The whole table regenerates results.svg; a part of it (or --quick) goes to target/.
    let complete = only.is_empty() && !quick && std::env::var_os("BENCH_IN_LIST_SIZES").is_none();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    report.sa.finish(&if complete {
        dir.join("results.svg")
    } else {
        dir.join("target/results-partial.svg")
    });
    if wanted("bulk") {
        data::bulk_load(&mut env, if quick { 100_000 } else { 1_000_000 });
    }
    if wanted("stream") {
        data::stream(&mut env, &url, if quick { 500_000 } else { 5_000_000 });
    }
}
