//! 100 independent point selects on one connection (#21 item 5): sqlwright's async
//! connection awaited one by one (`&mut conn`) and joined on the shared connection
//! (`try_join_all` of `.one(&mut &conn)`), against tokio-postgres awaited one by one and
//! joined on one client, with a prepared statement. Statements per second, the median of
//! interleaved rounds, and the spread of the joined / one-by-one ratio over the rounds.

use sqlwright::prelude::*;
use sqlwright::{AsyncConnection, DatabaseUrl};
use std::time::Instant;

sqlwright::table! {
    points (id) {
        id -> Int4,
        name -> Text,
    }
}

const SELECTS: i32 = 100;

/// Statements per second of `f` (which runs `SELECTS` selects).
fn rate(f: &mut dyn FnMut()) -> f64 {
    let started = Instant::now();
    f();
    f64::from(SELECTS) / started.elapsed().as_secs_f64()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

/// Runs the workload at each `(label, port)`, `rounds` rounds each, and prints a table.
pub fn run(url: &DatabaseUrl, paths: &[(&str, u16)], rt: &tokio::runtime::Runtime, rounds: usize) {
    let mut setup = Connection::connect_url(url).unwrap();
    setup
        .batch_execute(
            "CREATE TABLE points (id int4 PRIMARY KEY, name text NOT NULL);
             INSERT INTO points SELECT g, 'point ' || g FROM generate_series(1, 100) g;",
        )
        .unwrap();
    println!();
    println!("100 point selects on one connection");
    println!();
    println!("| path | selects/s, one by one | joined | joined / one by one: median (min-max) |");
    println!("|---|---:|---:|---:|");
    for &(label, port) in paths {
        let mut url = url.clone();
        url.port = Some(port);
        let mut conn = rt.block_on(AsyncConnection::connect_url(&url)).unwrap();
        let pg_config = format!(
            "host=127.0.0.1 port={port} user={} dbname={}{}",
            url.user.clone().unwrap_or_default(),
            url.database.clone().unwrap_or_default(),
            url.password()
                .map(|p| format!(" password={p}"))
                .unwrap_or_default()
        );
        let (client, connection) = rt
            .block_on(tokio_postgres::connect(&pg_config, tokio_postgres::NoTls))
            .unwrap();
        rt.spawn(connection);
        let statement = rt
            .block_on(client.prepare("SELECT name FROM points WHERE id = $1"))
            .unwrap();
        // Both clients have prepared their statement before the first round.
        let warm: String = rt
            .block_on(
                points::table
                    .filter(points::id.eq(1))
                    .select(points::name)
                    .one(&mut conn),
            )
            .unwrap();
        assert_eq!(warm, "point 1");

        // (one by one, joined) per round.
        let mut ours: Vec<(f64, f64)> = Vec::new();
        let mut theirs: Vec<(f64, f64)> = Vec::new();
        for _ in 0..rounds {
            let one = rate(&mut || {
                rt.block_on(async {
                    for id in 1..=SELECTS {
                        let name: String = points::table
                            .filter(points::id.eq(id))
                            .select(points::name)
                            .one(&mut conn)
                            .await
                            .unwrap();
                        debug_assert_eq!(name, format!("point {id}"));
                    }
                })
            });
            let joined = rate(&mut || {
                rt.block_on(async {
                    let shared = &conn;
                    let all = (1..=SELECTS).map(|id| {
                        points::table
                            .filter(points::id.eq(id))
                            .select(points::name)
                            .one(&mut &*shared)
                    });
                    let names = futures_util::future::try_join_all(all).await.unwrap();
                    assert_eq!(names.len(), SELECTS as usize);
                })
            });
            ours.push((one, joined));
            let one = rate(&mut || {
                rt.block_on(async {
                    for id in 1..=SELECTS {
                        let row = client.query_one(&statement, &[&id]).await.unwrap();
                        debug_assert_eq!(row.get::<_, String>(0), format!("point {id}"));
                    }
                })
            });
            let joined = rate(&mut || {
                rt.block_on(async {
                    let ids: Vec<i32> = (1..=SELECTS).collect();
                    let params: Vec<[&(dyn tokio_postgres::types::ToSql + Sync); 1]> =
                        ids.iter().map(|id| [id as _]).collect();
                    let all = params.iter().map(|p| client.query_one(&statement, p));
                    let rows = futures_util::future::try_join_all(all).await.unwrap();
                    assert_eq!(rows.len(), SELECTS as usize);
                })
            });
            theirs.push((one, joined));
        }
        println!("| **{label}** | | | |");
        for (name, runs) in [
            ("sqlwright (`&mut conn`, then `&conn` joined)", ours),
            ("tokio-postgres (one client)", theirs),
        ] {
            let ratios: Vec<f64> = runs.iter().map(|(one, joined)| joined / one).collect();
            let (lo, hi) = ratios
                .iter()
                .fold((f64::MAX, 0f64), |(lo, hi), r| (lo.min(*r), hi.max(*r)));
            let one = median(runs.iter().map(|r| r.0).collect());
            let joined = median(runs.iter().map(|r| r.1).collect());
            println!(
                "| {name} | {one:.0} | {joined:.0} | {:.2}x ({lo:.2}-{hi:.2}) |",
                median(ratios)
            );
        }
    }
}
