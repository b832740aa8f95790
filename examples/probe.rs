//! Reliability probes: hostile values and names, fuzzed URLs and raw SQL, transactions
//! through server restarts (see `sqlwright_examples::probes`).
//!
//! ```sh
//! cargo run --release -p sqlwright-examples --example probe -- values --count 100000
//! cargo run --release -p sqlwright-examples --example probe -- names --count 5000
//! cargo run --release -p sqlwright-examples --example probe -- urls --count 1000000
//! cargo run --release -p sqlwright-examples --example probe -- restart --seconds 60 --restarts 6
//! cargo run --release -p sqlwright-examples --example probe -- restart --terminate-ms 200
//! ```
//!
//! Each prints one line of figures, then the first failures if there are any, and exits
//! with status 1 when anything failed (2 on a usage error).
//!
//! PostgreSQL only: the probes check PostgreSQL's catalogs, raw SQL and server restarts.
//! Which database `values` and `names` use, and what they leave behind:
//!
//! - `DATABASE_URL` set to a `postgres://` URL: that database, as `create_engine(url)` would.
//!   They create their own tables there (`probe_values`/`probe_sentinel`, or one round of
//!   hostile names at a time), check that nothing else in the database changed, and drop
//!   what they made, so they leave the database as they found it and run again; a
//!   `sqlite:///` URL is refused with a message.
//! - Otherwise a throwaway PostgreSQL database (`sqlwright::testing`), dropped at the end.
//!
//! `restart` always starts a private server of its own; `urls` needs no database.

use sqlwright_examples::probes::{names, restart, urls, values, Failures};
use std::time::Duration;

const USAGE: &str = "usage: probe <values|names|urls|restart> [options]
  --count N     values (default 100000), names (default 5000), URLs and raw SQL texts
                (default 1000000)
  --seed S      the generator's seed (default 1)
  --seconds T   restart: how long the transactions run (default 60)
  --restarts K  restart: how many server restarts in that time (default 6)
  --threads M   restart: threads running transactions (default 4)
  --terminate-ms D  restart: also end every client backend each D ms (default 0: never)";

struct Args {
    probe: String,
    count: Option<u64>,
    seed: u64,
    seconds: u64,
    restarts: u32,
    threads: u32,
    terminate_ms: u64,
}

fn number<T: std::str::FromStr>(flag: &str, value: Option<String>) -> Result<T, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a value"))?;
    value
        .parse()
        .map_err(|_| format!("{flag} {value}: not a number"))
}

fn args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut args = Args {
        probe: String::new(),
        count: None,
        seed: 1,
        seconds: 60,
        restarts: 6,
        threads: 4,
        terminate_ms: 0,
    };
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--count" => args.count = Some(number(&arg, it.next())?),
            "--seed" => args.seed = number(&arg, it.next())?,
            "--seconds" => args.seconds = number(&arg, it.next())?,
            "--restarts" => args.restarts = number(&arg, it.next())?,
            "--threads" => args.threads = number(&arg, it.next())?,
            "--terminate-ms" => args.terminate_ms = number(&arg, it.next())?,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            probe if args.probe.is_empty() && !probe.starts_with('-') => {
                args.probe = probe.to_string()
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.probe.is_empty() {
        return Err("which probe?".into());
    }
    if args.threads == 0 {
        return Err("--threads must be at least 1".into());
    }
    Ok(args)
}

/// Prints the summary line and the failures; whether the probe passed.
fn show(summary: &dyn std::fmt::Display, failures: &Failures, passed: bool) -> bool {
    println!("{summary}");
    if !failures.is_empty() {
        print!("first failures:\n{failures}");
    }
    println!("{}", if passed { "PASSED" } else { "FAILED" });
    passed
}

/// `DATABASE_URL`'s PostgreSQL database, or a throwaway one.
fn database() -> Result<sqlwright_examples::ExampleDatabase, Box<dyn std::error::Error>> {
    let db = sqlwright_examples::postgres("probe", "PostgreSQL's catalogs and raw SQL")?;
    println!("{}", db.describe());
    Ok(db)
}

fn run(args: &Args) -> Result<bool, Box<dyn std::error::Error>> {
    Ok(match args.probe.as_str() {
        "values" => {
            let db = database()?;
            let r = values::run_on(
                &mut sqlwright::Connection::connect_url(db.url())?,
                &values::Options {
                    count: args.count.unwrap_or(100_000),
                    seed: args.seed,
                },
            )?;
            show(&r, &r.failures, r.passed())
        }
        "names" => {
            let db = database()?;
            let r = names::run_on(
                &mut sqlwright::Connection::connect_url(db.url())?,
                &names::Options {
                    count: args.count.unwrap_or(5_000),
                    seed: args.seed,
                },
            )?;
            show(&r, &r.failures, r.passed())
        }
        "urls" => {
            let r = urls::run(&urls::Options {
                count: args.count.unwrap_or(1_000_000),
                seed: args.seed,
            });
            show(&r, &r.failures, r.passed())
        }
        "restart" => {
            let r = restart::run(&restart::Options {
                duration: Duration::from_secs(args.seconds),
                restarts: args.restarts,
                threads: args.threads,
                terminate_every: (args.terminate_ms > 0)
                    .then(|| Duration::from_millis(args.terminate_ms)),
            })?;
            show(&r, &r.failures, r.passed())
        }
        other => return Err(format!("unknown probe {other}\n{USAGE}").into()),
    })
}

fn main() {
    let args = match args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("probe: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    match run(&args) {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("probe {} could not run: {e}", args.probe);
            std::process::exit(1);
        }
    }
}
