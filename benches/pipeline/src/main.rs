//! 100 independent single-row UPDATEs on one connection, sent one by one (each waits for
//! its answer) and pipelined (all sent, then all answers read), at loopback latency and
//! through a proxy that delays each direction by half a millisecond (a 1 ms round trip).
//! Reported as statements per second, the median of several rounds, interleaved. Then
//! 100 independent point selects, the same way (`reads.rs`).

mod reads;

use sqlwright::prelude::*;
use sqlwright::query::Batch;
use sqlwright::AsyncConnection;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

sqlwright::table! {
    counters (id) {
        id -> Int4,
        hits -> Int8,
    }
}

mod selects;

const STATEMENTS: i32 = 100;

/// A TCP proxy to `target` that holds every chunk for `delay` in each direction, keeping
/// order and never waiting for one chunk's delay before reading the next (so pipelined
/// traffic overlaps as on a real network).
fn delay_proxy(target: u16, delay: Duration) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let server = TcpStream::connect(("127.0.0.1", target)).unwrap();
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            for (from, to) in [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ] {
                let (tx, rx) = mpsc::channel::<(Instant, Vec<u8>)>();
                let mut from = from;
                std::thread::spawn(move || {
                    let mut buf = vec![0u8; 64 * 1024];
                    while let Ok(n) = from.read(&mut buf) {
                        if n == 0
                            || tx
                                .send((Instant::now() + delay, buf[..n].to_vec()))
                                .is_err()
                        {
                            break;
                        }
                    }
                });
                let mut to = to;
                std::thread::spawn(move || {
                    for (at, bytes) in rx {
                        let now = Instant::now();
                        if at > now {
                            std::thread::sleep(at - now);
                        }
                        if to.write_all(&bytes).is_err() {
                            break;
                        }
                    }
                    let _ = to.shutdown(std::net::Shutdown::Write);
                });
            }
        }
    });
    port
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    xs[xs.len() / 2]
}

/// Statements per second of `f` (which runs `STATEMENTS` statements).
fn rate(f: &mut dyn FnMut()) -> f64 {
    let started = Instant::now();
    f();
    f64::from(STATEMENTS) / started.elapsed().as_secs_f64()
}

fn main() {
    let db = sqlwright::testing::database();
    let url = db.url().clone();
    let mut setup = Connection::connect_url(&url).unwrap();
    setup
        .batch_execute(
            "CREATE TABLE counters (id int4 PRIMARY KEY, hits int8 NOT NULL);
             INSERT INTO counters SELECT g, 0 FROM generate_series(1, 100) g;",
        )
        .unwrap();
    let port = url.port.unwrap_or(5432);
    let proxied = delay_proxy(port, Duration::from_micros(500));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);

    println!("| path | statements/s, one by one | pipelined | pipelined / one by one |");
    println!("|---|---:|---:|---:|");
    for (label, port) in [("loopback", port), ("1 ms round trip", proxied)] {
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
        let update_sql = "UPDATE counters SET hits = hits + 1 WHERE id = $1";
        let statement = rt.block_on(client.prepare(update_sql)).unwrap();

        let mut results: Vec<(&str, Vec<f64>, Vec<f64>)> = vec![
            ("sqlwright (blocking)", vec![], vec![]),
            ("sqlwright (async)", vec![], vec![]),
            ("tokio-postgres", vec![], vec![]),
        ];
        for _ in 0..rounds {
            // sqlwright, blocking: execute one by one, then a Batch.
            results[0].1.push(rate(&mut || {
                for id in 1..=STATEMENTS {
                    update(counters::table)
                        .filter(counters::id.eq(id))
                        .set(counters::hits.to(counters::hits + 1))
                        .execute(&mut conn)
                        .unwrap();
                }
            }));
            results[0].2.push(rate(&mut || {
                let mut batch = Batch::new();
                for id in 1..=STATEMENTS {
                    batch.push(
                        update(counters::table)
                            .filter(counters::id.eq(id))
                            .set(counters::hits.to(counters::hits + 1)),
                    );
                }
                batch.execute(&mut conn).unwrap();
            }));
            // sqlwright, async.
            results[1].1.push(rate(&mut || {
                rt.block_on(async {
                    for id in 1..=STATEMENTS {
                        update(counters::table)
                            .filter(counters::id.eq(id))
                            .set(counters::hits.to(counters::hits + 1))
                            .execute(&mut aconn)
                            .await
                            .unwrap();
                    }
                })
            }));
            results[1].2.push(rate(&mut || {
                rt.block_on(async {
                    let mut batch = Batch::new();
                    for id in 1..=STATEMENTS {
                        batch.push(
                            update(counters::table)
                                .filter(counters::id.eq(id))
                                .set(counters::hits.to(counters::hits + 1)),
                        );
                    }
                    batch.execute(&mut aconn).await.unwrap();
                })
            }));
            // tokio-postgres: awaited one by one, then all polled together.
            results[2].1.push(rate(&mut || {
                rt.block_on(async {
                    for id in 1..=STATEMENTS {
                        client.execute(&statement, &[&id]).await.unwrap();
                    }
                })
            }));
            results[2].2.push(rate(&mut || {
                rt.block_on(async {
                    let ids: Vec<i32> = (1..=STATEMENTS).collect();
                    let params: Vec<[&(dyn tokio_postgres::types::ToSql + Sync); 1]> =
                        ids.iter().map(|id| [id as _]).collect();
                    let all = params.iter().map(|p| client.execute(&statement, p));
                    futures_util::future::try_join_all(all).await.unwrap();
                })
            }));
        }
        println!("| **{label}** | | | |");
        for (name, one, piped) in results {
            let (one, piped) = (median(one), median(piped));
            println!("| {name} | {one:.0} | {piped:.0} | {:.1}x |", piped / one);
        }
    }
    reads::point_selects(
        &url,
        [("loopback", port), ("1 ms round trip", proxied)],
        &rt,
        rounds,
    );
    selects::run(
        &url,
        &[("loopback", port), ("1 ms round trip", proxied)],
        &rt,
        rounds,
    );
}
