//! SQL logging: every statement becomes a `tracing` event under [`SQL_LOG_TARGET`], and
//! with echo on it is also printed to standard error.
//!
//! Each event carries the fields `conn` (the connection's number, `Connection::id`), `sql`, `params` (as the driver would send them, shown with
//! `Debug`), `elapsed_us`, `rows` (rows returned or affected, when known) and, for failed
//! statements, `error`. Statements run at DEBUG level; a statement slower than the
//! slow-query threshold at WARN; a failed one at DEBUG with its error (the error is also
//! returned to the caller).
//!
//! Parameters bound against `#[sensitive]` columns (and raw parameters bound with
//! `bind_sensitive`) are shown as [`REDACTED`](crate::render::REDACTED), in events and
//! echo alike; with `Connection::set_redact_params(true)` every parameter is.

use super::Error;
use crate::render::{Param, Rendered, ShownParams};
use std::io::{IsTerminal as _, Write as _};
use std::time::Duration;

/// The `tracing` target of SQL statement events: filter on it
/// (`RUST_LOG=sqlwright::sql=debug` with `tracing_subscriber::EnvFilter`).
pub const SQL_LOG_TARGET: &str = "sqlwright::sql";

/// What a connection does with the statements it runs.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Echo {
    /// Print each statement to standard error.
    pub print: bool,
    /// Statements at least this slow are WARN events.
    pub slow: Option<Duration>,
    /// Show every parameter as `<redacted>`.
    pub redact: bool,
    /// The connection's number in this process (see `Connection::id`), shown with each
    /// statement so that the lines of several connections can be told apart.
    pub conn: u64,
}

/// The next connection number: 1, 2, ... in the order connections are made.
pub(crate) fn next_connection_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Logs one statement whose parameters are bound by position, none of them sensitive.
/// `outcome` is the row count (when known) or the error.
pub(crate) fn statement(
    echo: &Echo,
    sql: &str,
    params: &[Param<'_>],
    elapsed: Duration,
    outcome: Result<Option<u64>, &Error>,
) {
    let params = ShownParams {
        params,
        sensitive: &[],
        all: echo.redact,
    };
    log(echo, sql, params, elapsed, outcome);
}

/// Logs a rendered statement (its SQL text is `sql`: the rendering may have none), its
/// sensitive parameters redacted.
pub(crate) fn rendered(
    echo: &Echo,
    sql: &str,
    rendered: &Rendered<'_>,
    elapsed: Duration,
    outcome: Result<Option<u64>, &Error>,
) {
    log(
        echo,
        sql,
        rendered.shown_params(echo.redact),
        elapsed,
        outcome,
    );
}

fn log(
    echo: &Echo,
    sql: &str,
    params: ShownParams<'_, '_>,
    elapsed: Duration,
    outcome: Result<Option<u64>, &Error>,
) {
    let slow = echo.slow.is_some_and(|t| elapsed >= t);
    let elapsed_us = elapsed.as_micros() as u64;
    match (&outcome, slow) {
        (Ok(rows), false) => tracing::debug!(
            target: SQL_LOG_TARGET,
            conn = echo.conn,
            sql = %sql,
            params = %params,
            elapsed_us,
            rows = *rows,
            "statement"
        ),
        (Ok(rows), true) => tracing::warn!(
            target: SQL_LOG_TARGET,
            conn = echo.conn,
            sql = %sql,
            params = %params,
            elapsed_us,
            rows = *rows,
            "slow statement"
        ),
        (Err(error), _) => tracing::debug!(
            target: SQL_LOG_TARGET,
            conn = echo.conn,
            sql = %sql,
            params = %params,
            elapsed_us,
            error = %error,
            "statement failed"
        ),
    }
    if echo.print {
        print(echo.conn, sql, params, elapsed, outcome, slow);
    }
}

/// Prints a statement to standard error: SQL in yellow, then parameters, time and rows.
fn print(
    conn: u64,
    sql: &str,
    params: ShownParams<'_, '_>,
    elapsed: Duration,
    outcome: Result<Option<u64>, &Error>,
    slow: bool,
) {
    let stderr = std::io::stderr();
    let color = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let (yellow, dim, red, reset) = if color {
        ("\x1b[33m", "\x1b[2m", "\x1b[31m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let mut line = format!("{yellow}{sql}{reset}\n{dim}  conn {conn} · ");
    if !params.params.is_empty() {
        line.push_str(&format!("params {params} · "));
    }
    line.push_str(&format!("{:.3} ms", elapsed.as_secs_f64() * 1000.0));
    match outcome {
        Ok(Some(rows)) => line.push_str(&format!(
            " · {rows} row{}",
            if rows == 1 { "" } else { "s" }
        )),
        Ok(None) => {}
        Err(e) => line.push_str(&format!("{reset}{red} · failed: {e}")),
    }
    if slow {
        line.push_str(" · SLOW");
    }
    line.push_str(reset);
    line.push('\n');
    let _ = stderr.lock().write_all(line.as_bytes());
}
