//! 100 independent point selects (`SELECT hits FROM counters WHERE id = $1`) on one
//! connection: sqlwright one by one against its read batch (`query::reads`), blocking and
//! async, and tokio-postgres awaited one by one against `try_join_all` on one client (a
//! prepared statement). Each round runs every path once, interleaved; the table gives the
//! median rates and the per-round ratios (median, min-max): pipelined against one by one,
//! and pipelined against tokio-postgres pipelined in the same round.

use super::{counters, median, rate, STATEMENTS};
use sqlwright::prelude::*;
use sqlwright::query::reads;
use sqlwright::AsyncConnection;

/// The rows a run read, checked so that no path can skip work.
fn check(hits: usize) {
    assert_eq!(hits, STATEMENTS as usize);
}

pub(crate) fn point_selects(
    url: &sqlwright::engine::DatabaseUrl,
    ports: [(&str, u16); 2],
    rt: &tokio::runtime::Runtime,
    rounds: usize,
) {
    let query = |id: i32| {
        counters::table
            .select(counters::hits)
            .filter(counters::id.eq(id))
    };
    println!();
    println!("100 point selects on one connection, statements/s (median of {rounds} rounds)");
    println!();
    println!(
        "| path | one by one | read batch / try_join_all | pipelined / one by one | \
         pipelined / tokio-postgres pipelined |"
    );
    println!("|---|---:|---:|---:|---:|");
    for (label, port) in ports {
        let mut url = url.clone();
        url.port = Some(port);
        let mut conn = Connection::connect_url(&url).unwrap();
        let mut aconn = rt.block_on(AsyncConnection::connect_url(&url)).unwrap();
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
            .block_on(client.prepare("SELECT hits FROM counters WHERE id = $1"))
            .unwrap();

        let mut results: Vec<(&str, Vec<f64>, Vec<f64>)> = vec![
            ("sqlwright (blocking)", vec![], vec![]),
            ("sqlwright (async)", vec![], vec![]),
            ("tokio-postgres", vec![], vec![]),
        ];
        for _ in 0..rounds {
            results[0].1.push(rate(&mut || {
                let mut n = 0;
                for id in 1..=STATEMENTS {
                    n += query(id).load(&mut conn).unwrap().len();
                }
                check(n);
            }));
            results[0].2.push(rate(&mut || {
                let rows = reads((1..=STATEMENTS).map(query)).load(&mut conn).unwrap();
                check(rows.iter().map(Vec::len).sum());
            }));
            results[1].1.push(rate(&mut || {
                rt.block_on(async {
                    let mut n = 0;
                    for id in 1..=STATEMENTS {
                        n += query(id).load(&mut aconn).await.unwrap().len();
                    }
                    check(n);
                })
            }));
            results[1].2.push(rate(&mut || {
                rt.block_on(async {
                    let rows = reads((1..=STATEMENTS).map(query))
                        .load(&mut aconn)
                        .await
                        .unwrap();
                    check(rows.iter().map(Vec::len).sum());
                })
            }));
            results[2].1.push(rate(&mut || {
                rt.block_on(async {
                    let mut n = 0;
                    for id in 1..=STATEMENTS {
                        let rows = client.query(&statement, &[&id]).await.unwrap();
                        n += rows.iter().map(|r| r.get::<_, i64>(0)).count();
                    }
                    check(n);
                })
            }));
            results[2].2.push(rate(&mut || {
                rt.block_on(async {
                    let ids: Vec<i32> = (1..=STATEMENTS).collect();
                    let params: Vec<[&(dyn tokio_postgres::types::ToSql + Sync); 1]> =
                        ids.iter().map(|id| [id as _]).collect();
                    let all = params.iter().map(|p| client.query(&statement, p));
                    let rows = futures_util::future::try_join_all(all).await.unwrap();
                    check(rows.iter().flatten().map(|r| r.get::<_, i64>(0)).count());
                })
            }));
        }
        println!("| **{label}** | | | | |");
        let spread = |ratios: Vec<f64>| {
            let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
            let high = ratios.iter().copied().fold(0.0, f64::max);
            format!("{:.2}x ({low:.2}-{high:.2})", median(ratios))
        };
        let theirs = results[2].2.clone();
        for (name, one, piped) in results {
            let gain = piped.iter().zip(&one).map(|(p, o)| p / o).collect();
            let against = piped.iter().zip(&theirs).map(|(p, t)| p / t).collect();
            println!(
                "| {name} | {:.0} | {:.0} | {} | {} |",
                median(one),
                median(piped),
                spread(gain),
                spread(against),
            );
        }
    }
}
