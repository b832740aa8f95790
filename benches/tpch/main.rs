//! TPC-H through sqlwright vs the same SQL through the `postgres` crate, and the cost of
//! building and rendering a medium query.
//!
//! ```sh
//! cargo bench -p sqlwright-examples --bench tpch                 # SF 0.01, 31 rounds
//! cargo bench -p sqlwright-examples --bench tpch -- --sf 0.1 --rounds 9
//! ```
//!
//! All sides run on the same data, in one process, interleaved query by query: for each
//! query the hand-written SQL (on its own connection), then the typed and the raw side each
//! twice in a row with the second run measured (the first run of a statement after another
//! query is up to twice as slow while the server's caches turn over), in alternating order:
//! - typed: `tpch::queries::load_count`: build the query, render, bind, execute (a statement
//!   prepared once per connection) and decode every row into its Rust types;
//! - raw: the very statement the typed query renders (same SQL text, same parameters),
//!   prepared once with the `postgres` crate on a connection of its own, run with
//!   `Client::query`, every value decoded into the same
//!   Rust types by column type; only execution and decoding are timed. typed / raw is the
//!   DSL's overhead;
//! - hand: the hand-written SQL of `tpch::sql` (literal values, PostgreSQL's implicit casts),
//!   prepared once and run the same way: for comparison only, since a different SQL text
//!   can get a different plan.
//!
//! Reported: medians per query, the ratio typed / raw and the difference in microseconds
//! (the DSL's overhead is a fixed client cost, so the difference says more than the ratio
//! when the server's time varies).
//!
//! `PLAN_CACHE_MODE=force_custom_plan` (or `force_generic_plan`) sets PostgreSQL's
//! `plan_cache_mode` on the typed side's connection and on the raw side's first.
//!
//! The second part builds a query with 3 joins, 5 filters, GROUP BY and ORDER BY and renders
//! it, in a tight loop: the median time of one build + render.

use chrono::NaiveDate;
use postgres::types::Type;
use rust_decimal::Decimal;
use sqlwright::dsl::*;
use sqlwright::prelude::*;
use sqlwright_examples::tpch::schema::{customer, lineitem, nation, orders};
use sqlwright_examples::tpch::{load, queries, sql};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

struct Options {
    sf: f64,
    rounds: usize,
}

fn options() -> Options {
    let mut o = Options {
        sf: 0.01,
        rounds: 31,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sf" => o.sf = args.next().and_then(|v| v.parse().ok()).expect("--sf F"),
            "--rounds" => {
                o.rounds = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--rounds N")
            }
            // `cargo bench` passes `--bench`.
            _ => {}
        }
    }
    o
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Decodes every value of every row into the Rust type sqlwright would use for it.
fn decode_all(rows: &[postgres::Row]) -> usize {
    for row in rows {
        for (i, column) in row.columns().iter().enumerate() {
            match *column.type_() {
                Type::INT4 => {
                    black_box(row.get::<_, Option<i32>>(i));
                }
                Type::INT8 => {
                    black_box(row.get::<_, Option<i64>>(i));
                }
                Type::NUMERIC => {
                    black_box(row.get::<_, Option<Decimal>>(i));
                }
                Type::DATE => {
                    black_box(row.get::<_, Option<NaiveDate>>(i));
                }
                Type::FLOAT8 => {
                    black_box(row.get::<_, Option<f64>>(i));
                }
                Type::TEXT | Type::BPCHAR | Type::VARCHAR => {
                    black_box(row.get::<_, Option<String>>(i));
                }
                ref other => panic!("no decoder for {other}"),
            }
        }
    }
    rows.len()
}

fn main() {
    let o = options();
    let db = sqlwright::testing::database();
    let mut conn = db.connect().expect("connect");
    eprintln!("loading TPC-H at scale factor {} ...", o.sf);
    load::load(&mut conn, o.sf).expect("load TPC-H");
    let url = db.url().to_string_with_password();
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let mut plan_mode = None;
    if let Ok(mode) = std::env::var("PLAN_CACHE_MODE") {
        conn.batch_execute(&format!("SET plan_cache_mode = {mode}"))
            .expect("set plan_cache_mode");
        plan_mode = Some(mode);
    }
    let statements: Vec<_> = sql::QUERIES
        .iter()
        .map(|q| client.prepare(q).expect("prepare"))
        .collect();

    // The raw side runs the typed side's statement text through the `postgres` crate on a
    // connection of its own (sqlwright speaks the protocol itself, so the two cannot share
    // one).
    let mut raw_client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    if let Some(mode) = &plan_mode {
        raw_client
            .batch_execute(&format!("SET plan_cache_mode = {mode}"))
            .expect("set plan_cache_mode");
    }
    let mut cache: HashMap<String, postgres::Statement> = HashMap::new();
    let mut same_statement = |conn: &mut sqlwright::Connection, n: usize| -> (usize, Duration) {
        queries::with_query(
            conn,
            n,
            queries::WithRendered(
                |_: &mut sqlwright::Connection, r: &sqlwright::render::Rendered<'_>| {
                    let client = &mut raw_client;
                    let statement = match cache.get(&r.sql) {
                        Some(statement) => statement.clone(),
                        None => {
                            let statement =
                                client.prepare_typed(&r.sql, &r.types).expect("prepare");
                            cache.insert(r.sql.clone(), statement.clone());
                            statement
                        }
                    };
                    let t = Instant::now();
                    let rows = decode_all(
                        &client
                            .query(&statement, &r.postgres_params())
                            .expect("raw query"),
                    );
                    (rows, t.elapsed())
                },
            ),
        )
        .expect("render")
    };
    // Warm up: plans (PostgreSQL plans a prepared statement for its parameters five times
    // before it may switch to a generic plan), caches, prepared statements on all sides.
    for _ in 0..8 {
        for n in 1..=22 {
            queries::load_count(&mut conn, n).expect("typed query");
            same_statement(&mut conn, n);
            decode_all(&client.query(&statements[n - 1], &[]).expect("hand query"));
        }
    }

    let mut typed = vec![Vec::new(); 22];
    let mut raw = vec![Vec::new(); 22];
    let mut hand = vec![Vec::new(); 22];
    for round in 0..o.rounds {
        for n in 1..=22 {
            // The hand-written query first (on its own connection). Then each side twice in a
            // row, the second run measured, pairs in alternating order: a measured run always
            // follows a run of the same statement on the same backend (the first run after
            // another query is up to twice as slow while the server's caches turn over).
            let mut counts = [0usize; 3];
            let t = Instant::now();
            counts[2] = decode_all(&client.query(&statements[n - 1], &[]).expect("hand query"));
            hand[n - 1].push(t.elapsed());
            let sides: [u8; 2] = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for side in sides {
                if side == 0 {
                    queries::load_count(&mut conn, n).expect("typed query");
                    let t = Instant::now();
                    counts[0] = queries::load_count(&mut conn, n).expect("typed query");
                    typed[n - 1].push(t.elapsed());
                } else {
                    same_statement(&mut conn, n);
                    let (rows, elapsed) = same_statement(&mut conn, n);
                    counts[1] = rows;
                    raw[n - 1].push(elapsed);
                }
            }
            assert!(
                counts[0] == counts[1] && counts[1] == counts[2],
                "Q{n}: row counts differ: {counts:?}"
            );
        }
    }

    println!(
        "TPC-H SF {} on PostgreSQL, {} rounds, medians: typed = sqlwright; raw = the same statement through the postgres crate; hand = the hand-written SQL through the postgres crate",
        o.sf, o.rounds
    );
    println!(
        "{:>4} {:>11} {:>11} {:>12} {:>10} {:>11}",
        "q", "typed", "raw", "typed/raw", "diff", "hand"
    );
    let (mut log_sum, mut total_typed, mut total_raw) = (0.0f64, Duration::ZERO, Duration::ZERO);
    let mut worst = 0.0f64;
    for n in 1..=22 {
        let t = median(typed[n - 1].clone());
        let r = median(raw[n - 1].clone());
        let h = median(hand[n - 1].clone());
        let ratio = t.as_secs_f64() / r.as_secs_f64();
        worst = worst.max(ratio);
        log_sum += ratio.ln();
        total_typed += t;
        total_raw += r;
        let diff = t.as_secs_f64() * 1e6 - r.as_secs_f64() * 1e6;
        println!(
            "{:>4} {:>9.3}ms {:>9.3}ms {:>12.3} {:>8.1}us {:>9.3}ms",
            format!("Q{n}"),
            t.as_secs_f64() * 1e3,
            r.as_secs_f64() * 1e3,
            ratio,
            diff,
            h.as_secs_f64() * 1e3
        );
    }
    println!(
        "all  {:>9.3}ms {:>9.3}ms {:>12.3}   geometric mean of ratios {:.3}, largest {:.3}",
        total_typed.as_secs_f64() * 1e3,
        total_raw.as_secs_f64() * 1e3,
        total_typed.as_secs_f64() / total_raw.as_secs_f64(),
        (log_sum / 22.0).exp(),
        worst
    );

    render_medium_query();
}

/// Builds and renders a query with 3 joins, 5 filters, GROUP BY and ORDER BY.
fn render_medium_query() {
    let from = NaiveDate::from_ymd_opt(1994, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(1995, 1, 1).unwrap_or_default();
    let build_and_render = |with_text: bool| {
        let revenue =
            || sum(lineitem::l_extendedprice * (value(Decimal::ONE) - lineitem::l_discount));
        let q = customer::table
            .inner_join(orders::table)
            .inner_join(lineitem::table)
            .inner_join(nation::table)
            .filter(customer::c_mktsegment.eq("BUILDING"))
            .filter(orders::o_orderdate.ge(from))
            .filter(orders::o_orderdate.lt(to))
            .filter(lineitem::l_returnflag.eq("R"))
            .filter(lineitem::l_quantity.gt(Decimal::from(10)))
            .group_by(nation::n_name)
            .select((nation::n_name, revenue(), count_star()))
            .order_by(revenue().desc());
        if with_text {
            black_box(q.render().sql.len())
        } else {
            black_box(q.render_fingerprint().key as usize)
        }
    };
    for (label, with_text) in [
        (
            "build + render to SQL text (first run on a connection)",
            true,
        ),
        (
            "build + render parameters and fingerprint (warm connection)",
            false,
        ),
    ] {
        let batch = 10_000;
        let mut samples = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            for _ in 0..batch {
                build_and_render(with_text);
            }
            samples.push(t.elapsed() / batch);
        }
        println!(
            "medium query (3 joins, 5 filters, GROUP BY, ORDER BY), {label}: median {:.2} us",
            median(samples).as_secs_f64() * 1e6
        );
    }
}
