//! A job queue in a table: worker threads, each on its own pooled connection, claim jobs
//! with `SELECT .. FOR UPDATE SKIP LOCKED LIMIT 1` inside a transaction, do them and mark
//! them done, so no two workers ever take the same job and none waits for another.
//!
//! `cargo run --example job_queue -- [JOBS] [WORKERS]` (200 jobs and 4 workers by default).
//!
//! PostgreSQL only: SQLite has no row locks (a locking query on it does not compile), and
//! the jobs are made by the server (`generate_series`). Which database it uses, and what it
//! leaves behind:
//!
//! - `DATABASE_URL` set to a `postgres://` URL: that database. The table `queued_jobs` is
//!   created if missing and stays there with its rows; a run adds JOBS new jobs and works
//!   through every job not done yet, so a second run works (and does JOBS more). A
//!   `sqlite:///` URL is refused with a message saying why.
//! - Otherwise a throwaway PostgreSQL database (`sqlwright::testing`: a temporary local
//!   cluster), dropped at the end.

use sqlwright::prelude::*;
use sqlwright::{raw, Error, PooledConnection};
use std::time::Duration;

sqlwright::table! {
    /// Work to do: `done_by` is the worker that did it, `attempts` how many times a worker
    /// claimed it (1, if the queue works).
    queued_jobs (id) {
        #[serial] id -> Int4,
        payload -> Text,
        result -> Nullable<Int8>,
        done_by -> Nullable<Int4>,
        attempts -> Int4,
    }
}

fn main() {
    if let Err(e) = run() {
        eprintln!("job_queue failed: {e}");
        std::process::exit(1);
    }
}

/// The work itself: a checksum of the payload.
fn work(payload: &str) -> i64 {
    payload
        .bytes()
        .fold(7i64, |h, b| h.wrapping_mul(31).wrapping_add(i64::from(b)))
}

/// Claims one job no other worker holds, does it and marks it done, in one transaction:
/// `Ok(false)` when no job is left to claim. (When the work is SQL too, one statement can
/// claim and mark: `update(queued_jobs::table).filter(queued_jobs::id.in_query(next_job
/// .for_update().skip_locked())).set(..).returning(..)`, see tests/integration/locking/.)
fn claim_one(conn: &mut PooledConnection, worker: i32) -> Result<bool, Error> {
    conn.transaction(|tx| {
        let job = queued_jobs::table
            .filter(queued_jobs::done_by.is_null())
            .select((queued_jobs::id, queued_jobs::payload))
            .order_by(queued_jobs::id)
            .limit(1)
            .for_update()
            .skip_locked()
            .first(tx)?;
        let Some((id, payload)) = job else {
            return Ok(false);
        };
        update(queued_jobs::table)
            .filter(queued_jobs::id.eq(id))
            .set((
                queued_jobs::result.to(Some(work(&payload))),
                queued_jobs::done_by.to(Some(worker)),
                queued_jobs::attempts.to(queued_jobs::attempts + 1),
            ))
            .execute(tx)?;
        Ok(true)
    })
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let jobs: i64 = args.next().map_or(Ok(200), |n| n.parse())?;
    let workers: usize = args.next().map_or(Ok(4), |n| n.parse())?;
    let db = sqlwright_examples::postgres("job_queue", "row locks, generate_series")?;
    println!("{}", db.describe());
    let engine = Engine::builder_url(db.url().clone())
        .pool_size(workers)
        .statement_timeout(Duration::from_secs(30))
        .build()?;
    let mut conn = engine.connect()?;
    sqlwright::schema!(queued_jobs).create_all(&mut conn, true)?;
    raw::sql(
        "INSERT INTO queued_jobs (payload, attempts)
         SELECT 'job ' || i || ' of ' || :n, 0 FROM generate_series(1, :n) AS i",
    )
    .bind("n", jobs)
    .execute(&mut conn)?;
    let pending = queued_jobs::table
        .filter(queued_jobs::done_by.is_null())
        .count(&mut conn)?;
    println!("{pending} jobs to do, {workers} workers");
    let claim = queued_jobs::table
        .filter(queued_jobs::done_by.is_null())
        .select((queued_jobs::id, queued_jobs::payload))
        .order_by(queued_jobs::id)
        .limit(1)
        .for_update()
        .skip_locked();
    println!("each worker claims with: {}", claim.to_sql());

    let done: Vec<Result<usize, Error>> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..=workers as i32)
            .map(|worker| {
                let engine = &engine;
                s.spawn(move || {
                    let mut conn = engine.connect()?;
                    let mut done = 0;
                    while claim_one(&mut conn, worker)? {
                        done += 1;
                    }
                    Ok(done)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a worker panicked"))
            .collect()
    });
    let mut total = 0;
    for (worker, done) in (1..).zip(done) {
        let done = done?;
        println!("  worker {worker} did {done} jobs");
        total += done;
    }
    println!("processed {total} jobs");

    // Every job done, each claimed once.
    let left = queued_jobs::table
        .filter(queued_jobs::done_by.is_null())
        .count(&mut conn)?;
    let twice = queued_jobs::table
        .filter(queued_jobs::attempts.ne(1))
        .count(&mut conn)?;
    if left != 0 || twice != 0 || total as i64 != pending {
        return Err(format!("{left} jobs left, {twice} claimed other than once").into());
    }
    println!("every job was claimed exactly once; none is left");
    Ok(())
}
