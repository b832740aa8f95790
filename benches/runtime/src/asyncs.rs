//! The async column (`-- --async`, issue #21): the select, join, insert and association
//! workloads on one current-thread tokio runtime, run by sqlwright's `AsyncConnection`
//! (typed queries with `.await`), hand-written `tokio-postgres` with prepared statements,
//! `sqlx` 0.8 (`query_as`, its statement cache) and `diesel-async` (`AsyncPgConnection`).
//! Interleaved round by round like the blocking column (`Report::measure`), on the same data
//! (`data::select_data` ...); every call runs on this thread (the runtime has one, and the
//! tokio-postgres and diesel-async connection tasks run on it), so this thread's CPU time is
//! the client's. Under `BENCH_IMPL` (callgrind.sh with `BENCH_ASYNC=1`) one side runs
//! `BENCH_ITERS` calls untimed.
//!
//! Workload names on the command line: `select`, `join`, `insert`, `assoc`, or one size of
//! one (`select100`, `join1`, `insert10`, ...); `pool` (named only) adds 1000 concurrent
//! tasks on a pool of 10 (`async_pool.rs`).

use crate::async_work::{call, Conns, Work};
use crate::data::{self, Env};
use crate::{cpu_now, fmt};
use std::time::{Duration, Instant};

/// The four sides, in the order of the table's columns.
pub const SIDES: [&str; 4] = ["sqlwright", "tokio-postgres", "sqlx", "diesel-async"];

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Runs `work` on every side for `rounds` rounds after a warm-up, in blocks of up to 10 calls
/// in a rotating order (as `Report::measure` does), and prints a line: medians of wall time
/// per call, and the ratios of client CPU and of wall time against each other side.
async fn measure(conns: &mut Conns, work: &Work<'_>, name: &str, rounds: usize) {
    if let Ok(only) = std::env::var("BENCH_IMPL") {
        let iters: usize = std::env::var("BENCH_ITERS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(100);
        if let Some(side) = SIDES.iter().position(|s| *s == only) {
            for _ in 0..iters {
                std::hint::black_box(call(conns, work, side).await);
            }
        }
        return;
    }
    let block = rounds.div_ceil(100).clamp(1, 10);
    let rounds = rounds.div_ceil(block);
    let warm = (rounds / 10).max(2);
    let mut wall: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds * block); SIDES.len()];
    let mut cpu: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds * block); SIDES.len()];
    let mut checks = [0u64; SIDES.len()];
    for round in 0..warm + rounds {
        for k in 0..SIDES.len() {
            let side = (k + round) % SIDES.len();
            for _ in 0..block {
                let (c0, t0) = (cpu_now(), Instant::now());
                let check = call(conns, work, side).await;
                let (t1, c1) = (Instant::now(), cpu_now());
                if round >= warm {
                    wall[side].push(t1 - t0);
                    cpu[side].push(c1 - c0);
                }
                checks[side] = check;
            }
        }
    }
    assert!(
        checks.windows(2).all(|w| w[0] == w[1]),
        "{name}: implementations disagree: {checks:?}"
    );
    let walls: Vec<Duration> = wall.iter_mut().map(|w| median(w)).collect();
    let cpus: Vec<Duration> = cpu.iter_mut().map(|c| median(c)).collect();
    let ratio =
        |v: &[Duration], i: usize| format!("{:.2}", v[0].as_secs_f64() / v[i].as_secs_f64());
    println!(
        "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        fmt(walls[0]),
        fmt(walls[1]),
        fmt(walls[2]),
        fmt(walls[3]),
        ratio(&cpus, 1),
        ratio(&cpus, 2),
        ratio(&cpus, 3),
        ratio(&walls, 1),
        ratio(&walls, 2),
        ratio(&walls, 3),
    );
}

/// The async column: connects the four sides to the database at `url` (`env` loads the
/// data) and runs the wanted workloads.
pub fn run(env: &mut Env, url: &str, only: &[&String], scale: usize) {
    let wanted = |w: &str, n: usize| {
        only.is_empty() || only.iter().any(|o| *o == w || **o == format!("{w}{n}"))
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread tokio runtime");
    let mut conns = rt.block_on(Conns::connect(url));
    println!("Async, one current-thread tokio runtime. CPU = client CPU time of the one thread.\n");
    println!("| workload | sqlwright (async) | tokio-postgres | sqlx | diesel-async | CPU sw/tokio-postgres | CPU sw/sqlx | CPU sw/diesel-async | wall sw/tokio-postgres | wall sw/sqlx | wall sw/diesel-async |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (n, rounds) in [(1, 3000), (100, 1500), (10_000, 60)] {
        if wanted("select", n) {
            env.reset(&data::select_data(n));
            rt.block_on(async {
                let work = Work::select(&conns).await;
                let name = format!("select all users, {n} rows");
                measure(&mut conns, &work, &name, (rounds / scale).max(5)).await
            });
        }
    }
    for (n, rounds) in [(1, 3000), (100, 1500), (1_000, 300)] {
        if wanted("join", n) {
            env.reset(&data::join_data(n));
            rt.block_on(async {
                let work = Work::join(&conns).await;
                let name = format!("users left join posts, {n} rows");
                measure(&mut conns, &work, &name, (rounds / scale).max(5)).await
            });
        }
    }
    for (n, rounds) in [(1, 1500), (10, 1000), (100, 400)] {
        if wanted("insert", n) {
            env.reset("SELECT 1");
            let names: Vec<String> = (0..n).map(|i| format!("New user {i}")).collect();
            let hair: Vec<Option<&str>> = (0..n).map(|i| (i % 2 == 0).then_some("red")).collect();
            let sql = data::insert_sql(n);
            rt.block_on(async {
                let work = Work::insert(&conns, &names, &hair, &sql).await;
                let name = format!("insert {n} users in one statement");
                measure(&mut conns, &work, &name, (rounds / scale).max(5)).await
            });
        }
    }
    if wanted("assoc", 100) {
        env.reset(&crate::plans::association_data(2));
        rt.block_on(async {
            let work = Work::assoc(&conns).await;
            let name = "users -> posts -> comments (100/1000/2000 rows, 3 statements)";
            measure(&mut conns, &work, name, (300 / scale).max(5)).await
        });
    }
    println!("\n(sw = sqlwright's AsyncConnection; a ratio below 1 means sqlwright costs less)");
    // Throughput, not a per-call cost: named on the command line only, never under callgrind.
    if only.iter().any(|o| *o == "pool") && std::env::var_os("BENCH_IMPL").is_none() {
        env.reset(&data::select_data(100));
        rt.block_on(crate::async_pool::run(url, (20 / scale).max(5)));
    }
}
