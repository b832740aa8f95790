//! Several hosts against fake servers: an older server that reports no `in_hot_standby`
//! is asked, and `connect_timeout` bounds each host, not the whole list.

use crate::fake::{FakeServer, Peer};
use sqlwright::{Connection, Error};
use std::time::{Duration, Instant};

/// Answers a simple query with one row of text values.
fn answer_row(peer: &mut Peer, values: &[&str]) {
    let mut body = (values.len() as u16).to_be_bytes().to_vec();
    for (i, _) in values.iter().enumerate() {
        body.extend_from_slice(format!("c{i}\0").as_bytes());
        body.extend_from_slice(&[0; 6]);
        body.extend_from_slice(&25u32.to_be_bytes());
        body.extend_from_slice(&(-1i16).to_be_bytes());
        body.extend_from_slice(&(-1i32).to_be_bytes());
        body.extend_from_slice(&0u16.to_be_bytes());
    }
    peer.send(b'T', &body);
    let row: Vec<(i32, &[u8])> = values
        .iter()
        .map(|v| (v.len() as i32, v.as_bytes()))
        .collect();
    peer.data_row(&row);
    peer.send(b'C', b"SELECT 1\0");
    peer.ready();
}

/// A server of before PostgreSQL 14 (no `in_hot_standby` at login) that says whether it
/// is in recovery when asked, then answers `SELECT 1` if the client stays.
fn old_server(in_recovery: bool) -> FakeServer {
    FakeServer::start(move |mut peer| {
        peer.login();
        let asked = peer.request().expect("the client asks");
        let sql = String::from_utf8_lossy(&asked[0].1).into_owned();
        assert!(sql.contains("pg_is_in_recovery()"), "{sql}");
        assert!(sql.contains("transaction_read_only"), "{sql}");
        let state = if in_recovery {
            ["t", "on"]
        } else {
            ["f", "off"]
        };
        answer_row(&mut peer, &state);
        if let Some(next) = peer.request() {
            assert_eq!(next[0].0, b'Q');
            peer.send(b'C', b"SELECT 1\0");
            peer.ready();
            peer.until_closed();
        }
    })
}

#[test]
fn an_older_server_is_asked_for_its_recovery_state() {
    let primary = old_server(false);
    let standby = old_server(true);
    let url = format!(
        "postgres://fake@127.0.0.1:{},127.0.0.1:{}/db?target_session_attrs=standby",
        primary.port, standby.port
    );
    let mut conn = Connection::connect(&url).unwrap();
    conn.set_request_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    // Only the standby answers this: the primary's session was closed.
    conn.batch_execute("SELECT 1").unwrap();
    drop(conn);
    assert!(primary.join());
    assert!(standby.join());
}

#[test]
fn connect_timeout_applies_to_each_host() {
    // Accepts the connection, reads the startup message, and never answers.
    let silent = FakeServer::start(|mut peer| {
        peer.startup();
        peer.until_closed();
    });
    let good = FakeServer::start(|mut peer| {
        peer.login();
        peer.until_closed();
    });
    let url = format!(
        "postgres://fake@127.0.0.1:{},127.0.0.1:{}/db?connect_timeout=1",
        silent.port, good.port
    );
    let started = Instant::now();
    let conn = Connection::connect(&url).unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "{took:?}"
    );
    drop(conn);
    assert!(silent.join());
    assert!(good.join());

    // Every host silent: each is named, each with its own timeout.
    let a = FakeServer::start(|mut peer| {
        peer.startup();
        peer.until_closed();
    });
    let b = FakeServer::start(|mut peer| {
        peer.startup();
        peer.until_closed();
    });
    let url = format!(
        "postgres://fake@127.0.0.1:{},127.0.0.1:{}/db?connect_timeout=1&target_session_attrs=read-write",
        a.port, b.port
    );
    let started = Instant::now();
    let err = Connection::connect(&url).unwrap_err();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1800) && took < Duration::from_secs(6),
        "{took:?}"
    );
    match &err {
        Error::Connect { reason, .. } => {
            for port in [a.port, b.port] {
                assert!(
                    reason.contains(&format!("127.0.0.1:{port}: timed out after 1s")),
                    "{reason}"
                );
            }
        }
        other => panic!("{other:?}"),
    }
    assert!(a.join());
    assert!(b.join());
}

#[test]
fn a_checkout_over_several_silent_hosts_keeps_to_the_checkout_timeout() {
    let silent: Vec<std::net::TcpListener> = (0..3)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    let hosts: Vec<String> = silent
        .iter()
        .map(|l| format!("127.0.0.1:{}", l.local_addr().unwrap().port()))
        .collect();
    let url = format!(
        "postgres://u@{}/db?connect_timeout=5&sslmode=disable",
        hosts.join(",")
    );
    let engine = sqlwright::Engine::builder(&url)
        .checkout_timeout(std::time::Duration::from_secs(1))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = engine.connect().unwrap_err();
    let took = started.elapsed();
    assert!(
        took < std::time::Duration::from_millis(2500),
        "took {took:?}"
    );
    // The connect's own error, naming the hosts, not "all connections are in use".
    assert!(matches!(err, sqlwright::Error::Connect { .. }), "{err:?}");
    assert_eq!(engine.state().open, 0);
}

#[test]
fn a_connect_timeout_past_a_day_or_of_zero_is_refused_not_a_panic() {
    for t in ["18446744073709551615", "0", "86401"] {
        let err = sqlwright::Connection::connect(&format!(
            "postgres://u@127.0.0.1:1/db?connect_timeout={t}"
        ))
        .unwrap_err();
        assert!(
            matches!(&err, sqlwright::Error::InvalidUrl { part, .. } if part == "connect_timeout"),
            "{t}: {err:?}"
        );
    }
}
