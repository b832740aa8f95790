//! The SQLAlchemy 2.x side: `benches/sqlalchemy/bench.py --serve`, one Python process for
//! the whole run (its engines keep one pooled connection each, as an application does),
//! asked for a block of calls (Core, then ORM, or the other way round) at a rotating place
//! among the Rust implementations' blocks of every round, so that machine noise hits all
//! sides alike. Its per-call wall times are measured in Python (`time.perf_counter_ns`
//! around each call) and their medians compared with sqlwright's; every call's checksum
//! must equal the Rust sides'.
//!
//! Skipped, with a message, when `python3` (or `BENCH_PYTHON`) cannot import SQLAlchemy 2.x
//! and psycopg2 (`pip install -r benches/sqlalchemy/requirements.txt`), or with
//! `--no-sqlalchemy`.

use crate::{chart, fmt};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../sqlalchemy/bench.py");

/// The workload `bench.py` runs beside the next measurement: its name there, the size,
/// and the chart's short label.
#[derive(Clone)]
pub struct Workload {
    pub name: &'static str,
    pub size: usize,
    pub label: String,
    /// Reads and association loading, or writes: the targets differ.
    pub writes: bool,
}

/// One Python block: per-call wall times and the last call's checksum, per flavour.
pub struct Block {
    pub core: Vec<Duration>,
    pub orm: Vec<Duration>,
    pub core_check: u64,
    pub orm_check: u64,
}

/// One workload's medians, for the second table and the chart.
pub struct Compared {
    pub name: String,
    pub workload: Workload,
    pub sqlwright: Duration,
    pub postgres: Option<Duration>,
    pub diesel: Option<Duration>,
    pub core: Option<Duration>,
    pub orm: Option<Duration>,
}

struct Python {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

pub struct SqlAlchemy {
    python: Option<Python>,
    next: Option<Workload>,
    pub rows: Vec<Compared>,
}

impl SqlAlchemy {
    /// Starts `bench.py --serve` on `url` (unless `off` says why not), or prints why
    /// SQLAlchemy is skipped.
    pub fn start(url: &str, off: Option<&str>) -> SqlAlchemy {
        let python = match off.map_or_else(|| Python::start(url), |why| Err(why.to_string())) {
            Ok(p) => Some(p),
            Err(why) => {
                println!("SQLAlchemy skipped: {why}\n");
                None
            }
        };
        SqlAlchemy {
            python,
            next: None,
            rows: Vec::new(),
        }
    }

    pub fn running(&self) -> bool {
        self.python.is_some()
    }

    /// Pins the Python process and its two server backends to `cpu`, as `--pin` does for
    /// the Rust sides.
    pub fn pin(&mut self, cpu: usize) {
        let Some(py) = self.python.as_mut() else {
            return;
        };
        let answer = py.ask("{\"pids\": true}\n").expect("bench.py answers");
        for pid in numbers(&answer, "pids") {
            let ok = Command::new("taskset")
                .args(["-cp", &cpu.to_string(), &(pid as u64).to_string()])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "taskset -cp {cpu} {pid} failed");
        }
    }

    /// The workload that the next `Report::measure` is (for the second table and the
    /// chart, and for bench.py when it runs).
    pub fn next(&mut self, name: &'static str, size: usize, label: &str) {
        self.next = Some(Workload {
            name,
            size,
            label: label.to_string(),
            writes: name == "insert",
        });
    }

    pub fn take_next(&mut self) -> Option<Workload> {
        self.next.take()
    }

    /// `calls` calls of each flavour; `None` (and SQLAlchemy off from then on, with a
    /// message) if the script failed.
    pub fn block(&mut self, w: &Workload, calls: usize, orm_first: bool) -> Option<Block> {
        let py = self.python.as_mut()?;
        let request = format!(
            "{{\"workload\": \"{}\", \"size\": {}, \"calls\": {calls}, \"first\": \"{}\"}}\n",
            w.name,
            w.size,
            if orm_first { "orm" } else { "core" }
        );
        match py.ask(&request).and_then(|answer| {
            let secs = |key| -> Vec<Duration> {
                numbers(&answer, key)
                    .into_iter()
                    .map(Duration::from_secs_f64)
                    .collect()
            };
            let check = |key| numbers(&answer, key).first().map(|c| *c as u64);
            match (check("core_check"), check("orm_check")) {
                (Some(core_check), Some(orm_check)) => Ok(Block {
                    core: secs("core"),
                    orm: secs("orm"),
                    core_check,
                    orm_check,
                }),
                _ => Err(format!("unexpected answer {answer}")),
            }
        }) {
            Ok(block) => Some(block),
            Err(why) => {
                println!("SQLAlchemy stopped: {}: {why}", w.label);
                self.python = None;
                None
            }
        }
    }

    pub fn record(&mut self, row: Compared) {
        self.rows.push(row);
    }

    /// Prints the SQLAlchemy table (if SQLAlchemy ran) and writes the chart to `svg`.
    pub fn finish(&mut self, svg: &std::path::Path) {
        if self.rows.is_empty() {
            return;
        }
        if self.rows.iter().any(|r| r.core.is_some()) {
            println!();
            println!("| workload | sqlwright | SQLAlchemy Core | SQLAlchemy ORM | Core/sqlwright | ORM/sqlwright |");
            println!("|---|---:|---:|---:|---:|---:|");
            for r in &self.rows {
                let show = |d: Option<Duration>| d.map_or("-".to_string(), fmt);
                let ratio = |d: Option<Duration>| {
                    d.map_or("-".to_string(), |d| {
                        format!("{:.1}", d.as_secs_f64() / r.sqlwright.as_secs_f64())
                    })
                };
                println!(
                    "| {} | {} | {} | {} | {} | {} |",
                    r.name,
                    fmt(r.sqlwright),
                    show(r.core),
                    show(r.orm),
                    ratio(r.core),
                    ratio(r.orm)
                );
            }
            // The issue's targets: reads and association loading >= 8x faster than the ORM
            // and >= 2.5x faster than Core; writes >= 4x faster than the ORM.
            let least = |writes: bool, side: fn(&Compared) -> Option<Duration>| {
                self.rows
                    .iter()
                    .filter(|r| r.workload.writes == writes)
                    .filter_map(|r| {
                        side(r).map(|d| (d.as_secs_f64() / r.sqlwright.as_secs_f64(), r))
                    })
                    .min_by(|a, b| a.0.total_cmp(&b.0))
            };
            let line = |what: &str, target: f64, found: Option<(f64, &Compared)>| {
                if let Some((x, r)) = found {
                    let verdict = if x >= target { "met" } else { "NOT met" };
                    println!(
                        "{what}: least {x:.1}x ({}), target {target}x: {verdict}",
                        r.workload.label
                    );
                }
            };
            println!();
            line("reads and loading vs ORM", 8.0, least(false, |r| r.orm));
            line("reads and loading vs Core", 2.5, least(false, |r| r.core));
            line("writes vs ORM", 4.0, least(true, |r| r.orm));
        }
        match chart::write(svg, &self.rows) {
            Ok(()) => println!("\nchart: {}", svg.display()),
            Err(e) => println!("\nchart {} not written: {e}", svg.display()),
        }
    }
}

impl Python {
    fn start(url: &str) -> Result<Python, String> {
        let python = std::env::var("BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
        let probe = Command::new(&python)
            .args([
                "-c",
                "import sqlalchemy, psycopg2; print(sqlalchemy.__version__)",
            ])
            .output()
            .map_err(|e| format!("{python} cannot run ({e})"))?;
        if !probe.status.success() {
            let err = String::from_utf8_lossy(&probe.stderr);
            return Err(format!(
                "{} (pip install -r benches/sqlalchemy/requirements.txt)",
                err.lines().last().unwrap_or("python3 failed")
            ));
        }
        let version = String::from_utf8_lossy(&probe.stdout).trim().to_string();
        if !version.starts_with("2.") {
            return Err(format!("SQLAlchemy {version} found, 2.x needed"));
        }
        let mut child = Command::new(&python)
            .args([SCRIPT, "--serve", "--url", url])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{python} {SCRIPT} cannot start ({e})"))?;
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut py = Python {
            child,
            stdin,
            stdout,
        };
        // Connects both engines: fails here, not mid-run, if the database is unreachable.
        py.ask("{\"pids\": true}\n")?;
        println!("SQLAlchemy {version} (psycopg2) via {SCRIPT}\n");
        Ok(py)
    }

    fn ask(&mut self, request: &str) -> Result<String, String> {
        self.stdin
            .write_all(request.as_bytes())
            .and_then(|_| self.stdin.flush())
            .map_err(|e| format!("bench.py is gone ({e})"))?;
        let mut answer = String::new();
        match self.stdout.read_line(&mut answer) {
            Ok(0) | Err(_) => Err("bench.py is gone (see its error above)".into()),
            Ok(_) if answer.contains("\"error\"") => Err(answer.trim().to_string()),
            Ok(_) => Ok(answer),
        }
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The numbers of `"key": number` or `"key": [numbers]` in a one-line JSON object of
/// numbers and arrays of numbers (all that bench.py answers).
fn numbers(json: &str, key: &str) -> Vec<f64> {
    let Some(at) = json.find(&format!("\"{key}\":")) else {
        return Vec::new();
    };
    let rest = json[at + key.len() + 3..].trim_start();
    let end = if rest.starts_with('[') {
        rest.find(']').map_or(rest.len(), |e| e + 1)
    } else {
        rest.find([',', '}']).unwrap_or(rest.len())
    };
    rest[..end]
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers() {
        let a = r#"{"core": [1e-05, 2.5e-05], "orm": [3.0], "core_check": 157242, "orm_check": 7}"#;
        assert_eq!(super::numbers(a, "core"), vec![1e-5, 2.5e-5]);
        assert_eq!(super::numbers(a, "orm"), vec![3.0]);
        assert_eq!(super::numbers(a, "core_check"), vec![157242.0]);
        assert_eq!(super::numbers(a, "orm_check"), vec![7.0]);
        assert!(super::numbers(a, "x").is_empty());
    }
}
