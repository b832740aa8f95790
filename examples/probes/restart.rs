//! Transactions through server restarts.
//!
//! A private PostgreSQL server (`sqlwright::testing::PrivateServer`) is started. Several
//! threads share an `Engine` pool and run small transactions as fast as they can, each
//! inserting a row with an id of its own into two tables and committing; the main thread
//! restarts the server (fast shutdown: sessions are ended) at even intervals, and, when
//! asked, ends every client backend with `pg_terminate_backend` at a shorter interval
//! (which can land between a COMMIT and its answer). Each transaction's outcome is
//! recorded:
//!
//! - committed (`Ok`): its rows must be in both tables, once;
//! - failed (an error other than `OutcomeUnknown`): its rows must be in neither;
//! - outcome unknown (`Error::OutcomeUnknown`): its rows may be in both or in neither.
//!
//! At the end the tables are read: no row may be there twice, or without a transaction
//! that wrote it, or in one table only.

use super::Failures;
use sqlwright::prelude::*;
use sqlwright::testing::PrivateServer;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

sqlwright::table! {
    /// One row per transaction that stored its work (no key in the database: a
    /// duplicate would show).
    probe_tx (id) {
        id -> Int8,
        thread -> Int4,
    }
    /// The same ids again, written in the same transaction.
    probe_tx_mirror (id) {
        id -> Int8,
    }
}

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// How long the transactions run.
    pub duration: Duration,
    /// How many restarts in that time (at even intervals).
    pub restarts: u32,
    /// How many threads run transactions.
    pub threads: u32,
    /// When set, every client backend is terminated this often (besides the restarts).
    pub terminate_every: Option<Duration>,
}

/// What the probe saw.
#[derive(Debug, Default)]
pub struct Report {
    /// Restarts done.
    pub restarts: u32,
    /// Backends terminated with `pg_terminate_backend`.
    pub terminated: u64,
    /// Threads.
    pub threads: u32,
    /// Transactions tried.
    pub transactions: u64,
    /// Committed (`Ok`).
    pub committed: u64,
    /// Failed with an error other than `OutcomeUnknown`.
    pub failed: u64,
    /// Failed errors by kind (the error's variant, and the server's code for `Database`).
    pub failed_by_kind: BTreeMap<String, u64>,
    /// `OutcomeUnknown`.
    pub unknown: u64,
    /// Of the unknown ones, how many stored their rows.
    pub unknown_landed: u64,
    /// Committed transactions whose rows are missing.
    pub lost: u64,
    /// Rows stored more than once.
    pub duplicated: u64,
    /// Failed transactions whose rows are there, rows no transaction wrote, and
    /// transactions stored in one table only.
    pub phantom: u64,
    /// How long the transactions ran.
    pub elapsed: Duration,
    /// Everything that went wrong.
    pub failures: Failures,
}

impl Report {
    /// Whether the probe found nothing wrong.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.lost == 0 && self.duplicated == 0 && self.phantom == 0
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kinds: Vec<String> = self
            .failed_by_kind
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        write!(
            f,
            "restart: {} transactions from {} threads in {:.1} s through {} restarts \
             and {} backend terminations: \
             {} committed (all stored once), {} failed (none stored; {}), {} outcome unknown \
             ({} stored, {} not); {} lost, {} duplicated, {} phantom, {} failures",
            self.transactions,
            self.threads,
            self.elapsed.as_secs_f64(),
            self.restarts,
            self.terminated,
            self.committed,
            self.failed,
            if kinds.is_empty() {
                "-".to_string()
            } else {
                kinds.join(", ")
            },
            self.unknown,
            self.unknown_landed,
            self.unknown - self.unknown_landed,
            self.lost,
            self.duplicated,
            self.phantom,
            self.failures.count
        )
    }
}

/// A transaction's outcome as the client saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    Committed,
    Failed(String),
    Unknown,
}

/// The kind of an error, for counting.
fn kind(e: &Error) -> String {
    match e {
        Error::Database(d) => format!("Database({})", d.code),
        other => {
            let debug = format!("{other:?}");
            debug
                .split(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("?")
                .to_string()
        }
    }
}

/// One thread's loop: transactions until `stop`, each id `thread << 40 | n`.
fn worker(engine: &Engine, thread: u32, stop: &AtomicBool) -> Vec<(i64, Outcome)> {
    let mut outcomes = Vec::new();
    let mut n: i64 = 0;
    while !stop.load(Ordering::Relaxed) {
        let id = (i64::from(thread) << 40) | n;
        n += 1;
        let result = engine.transaction(|tx| {
            insert_into(probe_tx::table)
                .values((probe_tx::id.to(id), probe_tx::thread.to(thread as i32)))
                .execute(tx)?;
            insert_into(probe_tx_mirror::table)
                .values(probe_tx_mirror::id.to(id))
                .execute(tx)?;
            Ok::<(), Error>(())
        });
        let outcome = match result {
            Ok(()) => Outcome::Committed,
            Err(Error::OutcomeUnknown { .. }) => Outcome::Unknown,
            Err(e) => Outcome::Failed(kind(&e)),
        };
        let failed = outcome != Outcome::Committed;
        outcomes.push((id, outcome));
        if failed {
            // The server is likely down: do not spin.
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    outcomes
}

/// Ends every other client backend; how many. Errors (the server restarting) end none.
fn terminate_clients(server: &PrivateServer, admin: &mut Option<Connection>) -> u64 {
    if admin.as_mut().is_none_or(|c| c.is_closed()) {
        *admin = Connection::connect_url(&server.url()).ok();
    }
    let Some(conn) = admin.as_mut() else {
        return 0;
    };
    sqlwright::raw::sql(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
         WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
    )
    .scalar::<i64>(conn)
    .ok()
    .flatten()
    .map_or(0, |n| n as u64)
}

/// Runs the probe on a private server of its own.
pub fn run(options: &Options) -> Result<Report, Box<dyn std::error::Error>> {
    let server = PrivateServer::start()?;
    let mut conn = Connection::connect_url(&server.url())?;
    conn.batch_execute(
        "CREATE TABLE probe_tx (id int8 NOT NULL, thread int4 NOT NULL);
         CREATE TABLE probe_tx_mirror (id int8 NOT NULL);",
    )?;
    drop(conn);
    let engine = Engine::builder_url(server.url())
        .pool_size(options.threads as usize)
        .checkout_timeout(Duration::from_secs(10))
        .build()?;
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let handles: Vec<_> = (0..options.threads)
        .map(|t| {
            let engine = engine.clone();
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || worker(&engine, t, &stop))
        })
        .collect();

    let mut report = Report {
        threads: options.threads,
        ..Report::default()
    };
    let interval = options.duration / (options.restarts + 1);
    let mut restart_error = None;
    let mut admin: Option<Connection> = None;
    let end = started + options.duration;
    let mut next_restart = 1;
    let mut next_terminate = options.terminate_every.map(|every| started + every);
    loop {
        let restart_at =
            (next_restart <= options.restarts).then(|| started + interval * next_restart);
        let Some(at) = [restart_at, next_terminate, Some(end)]
            .into_iter()
            .flatten()
            .min()
        else {
            break;
        };
        std::thread::sleep(at.saturating_duration_since(Instant::now()));
        if Some(at) == restart_at {
            next_restart += 1;
            if let Err(e) = server.restart() {
                restart_error = Some(e);
                break;
            }
            report.restarts += 1;
            admin = None;
        } else if Some(at) == next_terminate {
            next_terminate = options.terminate_every.map(|every| at + every);
            report.terminated += terminate_clients(&server, &mut admin);
        } else {
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    let mut outcomes: Vec<(i64, Outcome)> = Vec::new();
    for h in handles {
        match h.join() {
            Ok(o) => outcomes.extend(o),
            Err(_) => report.failures.push("a worker thread panicked"),
        }
    }
    report.elapsed = started.elapsed();
    if let Some(e) = restart_error {
        return Err(format!("restarting the server failed: {e}").into());
    }
    drop(engine);

    let mut conn = Connection::connect_url(&server.url())?;
    let count = |conn: &mut Connection, table: &str| -> Result<HashMap<i64, i64>, Error> {
        sqlwright::raw::sql(&format!(
            "SELECT id, count(*) AS n FROM {table} GROUP BY id"
        ))
        .load(conn)?
        .iter()
        .map(|r| Ok((r.get("id")?, r.get("n")?)))
        .collect()
    };
    let mut stored = count(&mut conn, "probe_tx")?;
    let mut mirrored = count(&mut conn, "probe_tx_mirror")?;
    for (id, outcome) in &outcomes {
        report.transactions += 1;
        let here = stored.remove(id).unwrap_or(0);
        let there = mirrored.remove(id).unwrap_or(0);
        if here > 1 || there > 1 {
            report.duplicated += 1;
            report.failures.push(format!(
                "transaction {id} ({outcome:?}) stored {here} and {there} times"
            ));
        }
        if (here > 0) != (there > 0) {
            report.phantom += 1;
            report.failures.push(format!(
                "transaction {id} ({outcome:?}) is in one table only ({here}, {there})"
            ));
        }
        match outcome {
            Outcome::Committed => {
                report.committed += 1;
                if here == 0 || there == 0 {
                    report.lost += 1;
                    report
                        .failures
                        .push(format!("committed transaction {id} is missing"));
                }
            }
            Outcome::Failed(k) => {
                report.failed += 1;
                *report.failed_by_kind.entry(k.clone()).or_default() += 1;
                if here > 0 || there > 0 {
                    report.phantom += 1;
                    report
                        .failures
                        .push(format!("transaction {id} failed ({k}) but is stored"));
                }
            }
            Outcome::Unknown => {
                report.unknown += 1;
                if here > 0 && there > 0 {
                    report.unknown_landed += 1;
                }
            }
        }
    }
    for (id, n) in stored.into_iter().chain(mirrored) {
        report.phantom += 1;
        report.failures.push(format!(
            "row {id} ({n} times) was written by no transaction"
        ));
    }
    drop(conn);
    drop(server);
    Ok(report)
}
