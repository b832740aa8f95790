//! 1000 concurrent tasks on a pool of 10 (issue #21): each task checks a connection out,
//! loads one user by id and returns it; sqlwright's `AsyncEngine` (deadpool) against sqlx's
//! `PgPool`, both capped at 10 connections, on the column's current-thread runtime. Checks
//! that every task got its row and that no more than 10 server connections were open (the
//! engine's own peak, asserted; sqlx's pool size after each round).

use crate::sw;
use sqlwright::prelude::*;
use std::time::{Duration, Instant};

const TASKS: usize = 1000;
const POOL: usize = 10;
const USERS: i32 = 100;

/// The checksum every round must give: each task returns its user's id.
fn expected() -> u64 {
    (0..TASKS).map(|i| 1 + (i as i32 % USERS) as u64).sum()
}

async fn sqlwright_round(engine: &sqlwright::AsyncEngine) -> u64 {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..TASKS {
        let engine = engine.clone();
        tasks.spawn(async move {
            let mut conn = engine.connect().await.expect("a pooled connection");
            let id = 1 + i as i32 % USERS;
            let row: Option<(i32, String)> = sw::users::table
                .filter(sw::users::id.eq(id))
                .select((sw::users::id, sw::users::name))
                .first(&mut conn)
                .await
                .expect("the select runs");
            row.map_or(0, |r| r.0 as u64)
        });
    }
    let mut sum = 0;
    while let Some(done) = tasks.join_next().await {
        sum += done.expect("the task ends");
    }
    sum
}

async fn sqlx_round(pool: &sqlx::PgPool) -> u64 {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..TASKS {
        let pool = pool.clone();
        tasks.spawn(async move {
            let id = 1 + i as i32 % USERS;
            let row: Option<(i32, String)> =
                sqlx::query_as("SELECT id, name FROM users WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&pool)
                    .await
                    .expect("the select runs");
            row.map_or(0, |r| r.0 as u64)
        });
    }
    let mut sum = 0;
    while let Some(done) = tasks.join_next().await {
        sum += done.expect("the task ends");
    }
    sum
}

/// Runs `rounds` rounds of each side, alternating, and prints a table: median time per
/// round, tasks per second, and the most connections each pool had open.
pub async fn run(url: &str, rounds: usize) {
    let engine = sqlwright::Engine::builder(url)
        .pool_size(POOL)
        .max_overflow(0)
        .build_async()
        .expect("the async engine");
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(POOL as u32)
        .connect(url)
        .await
        .expect("the sqlx pool");
    let (mut sw_times, mut sx_times) = (Vec::new(), Vec::new());
    let mut sx_most = 0;
    for round in 0..rounds + 1 {
        for side in [round % 2, 1 - round % 2] {
            let started = Instant::now();
            let sum = if side == 0 {
                sqlwright_round(&engine).await
            } else {
                sqlx_round(&pool).await
            };
            let took = started.elapsed();
            assert_eq!(sum, expected(), "every task answered, side {side}");
            // The first round opens the pools' connections: not timed.
            if round > 0 {
                if side == 0 {
                    sw_times.push(took);
                } else {
                    sx_times.push(took);
                }
            }
        }
        sx_most = sx_most.max(pool.size());
    }
    let state = engine.state();
    assert!(
        state.peak <= POOL,
        "the engine opened {} connections",
        state.peak
    );
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (sw, sx) = (median(&mut sw_times), median(&mut sx_times));
    let per_s = |d: Duration| TASKS as f64 / d.as_secs_f64();
    println!();
    println!(
        "| {TASKS} concurrent tasks, pool of {POOL} ({rounds} rounds) | median per round | tasks/s | most connections open |"
    );
    println!("|---|---:|---:|---:|");
    println!(
        "| sqlwright `AsyncEngine` | {} | {:.0} | {} (engine peak), all tasks answered |",
        crate::fmt(sw),
        per_s(sw),
        state.peak
    );
    println!(
        "| sqlx `PgPool` | {} | {:.0} | {sx_most} (after each round), all tasks answered |",
        crate::fmt(sx),
        per_s(sx),
    );
    println!(
        "sqlwright/sqlx time per round: {:.2}",
        sw.as_secs_f64() / sx.as_secs_f64()
    );
}
