//! Several hosts on a real primary and its streaming replica: `target_session_attrs`
//! chooses the host whatever the order, and a pool fails over to a promoted replica.

use crate::replication::{catch_up, pair, where_am_i};
use sqlwright::prelude::*;
use sqlwright::Error;
use std::time::Duration;

fn lands_on(url: &str) -> Result<(bool, u16), Error> {
    let mut conn = Connection::connect(url)?;
    Ok(where_am_i(&mut conn))
}

#[test]
fn target_session_attrs_choose_the_host_whatever_the_order() {
    let (primary, replica) = pair(false);
    let (p, r) = (primary.port, replica.port);
    let both = [
        format!("127.0.0.1:{p},127.0.0.1:{r}"),
        format!("127.0.0.1:{r},127.0.0.1:{p}"),
    ];
    for hosts in &both {
        let url = |attrs: &str| {
            format!("postgres://postgres@{hosts}/postgres?target_session_attrs={attrs}")
        };
        assert_eq!(lands_on(&url("read-write")).unwrap(), (false, p), "{hosts}");
        assert_eq!(lands_on(&url("primary")).unwrap(), (false, p), "{hosts}");
        assert_eq!(lands_on(&url("standby")).unwrap(), (true, r), "{hosts}");
        assert_eq!(lands_on(&url("read-only")).unwrap(), (true, r), "{hosts}");
        assert_eq!(
            lands_on(&url("prefer-standby")).unwrap(),
            (true, r),
            "{hosts}"
        );
        // `any`: the first host.
        let first: u16 = hosts[10..hosts.find(',').unwrap()].parse().unwrap();
        assert_eq!(lands_on(&url("any")).unwrap().1, first, "{hosts}");
    }
    // A primary whose sessions are read-only by default is not read-write, but is
    // read-only and primary.
    let ro = format!(
        "postgres://postgres@127.0.0.1:{p}/postgres?options=-c%20default_transaction_read_only%3Don"
    );
    let e = lands_on(&format!("{ro}&target_session_attrs=read-write")).unwrap_err();
    assert!(
        e.to_string().contains("default_transaction_read_only"),
        "{e}"
    );
    assert_eq!(
        lands_on(&format!("{ro}&target_session_attrs=read-only")).unwrap(),
        (false, p)
    );
    assert_eq!(
        lands_on(&format!("{ro}&target_session_attrs=primary")).unwrap(),
        (false, p)
    );

    // prefer-standby without a standby: any.
    let only_primary = format!("postgres://postgres@127.0.0.1:{p}/postgres");
    assert_eq!(
        lands_on(&format!(
            "{only_primary}?target_session_attrs=prefer-standby"
        ))
        .unwrap(),
        (false, p)
    );
    // None fits: the error names each host and why.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!(
        "postgres://postgres@127.0.0.1:{dead},127.0.0.1:{p}/postgres?target_session_attrs=standby&connect_timeout=2"
    );
    match Connection::connect(&url) {
        Err(Error::Connect { target, reason }) => {
            assert_eq!(target, format!("127.0.0.1:{dead},127.0.0.1:{p}/postgres"));
            assert!(reason.contains("target_session_attrs=standby"), "{reason}");
            assert!(reason.contains(&format!("127.0.0.1:{dead}: ")), "{reason}");
            assert!(
                reason.contains(&format!("127.0.0.1:{p}: the server is not a hot standby")),
                "{reason}"
            );
        }
        other => panic!("expected a connect error, got {other:?}"),
    }
    // A host that is down is skipped.
    let url = format!(
        "postgres://postgres@127.0.0.1:{dead},127.0.0.1:{r},127.0.0.1:{p}/postgres?target_session_attrs=read-write"
    );
    assert_eq!(lands_on(&url).unwrap(), (false, p));
    // load_balance_hosts=random spreads `any` over both hosts.
    let url = format!(
        "postgres://postgres@127.0.0.1:{p},127.0.0.1:{r}/postgres?load_balance_hosts=random"
    );
    let mut seen = std::collections::HashSet::new();
    for _ in 0..40 {
        seen.insert(lands_on(&url).unwrap().1);
        if seen.len() == 2 {
            break;
        }
    }
    assert_eq!(seen.len(), 2, "random order reaches both hosts");
}

#[test]
fn a_pool_fails_over_to_the_promoted_replica_and_keeps_what_was_committed() {
    // Synchronous replication: a commit is acknowledged once the replica has it, which
    // is what "nothing committed is lost" needs.
    let (mut primary, replica) = pair(true);
    let (p, r) = (primary.port, replica.port);
    let engine = Engine::builder(&format!(
        "postgres://postgres@127.0.0.1:{p},127.0.0.1:{r}/postgres?target_session_attrs=read-write&connect_timeout=3"
    ))
    .pool_size(3)
    .checkout_timeout(Duration::from_secs(20))
    .request_timeout(Some(Duration::from_secs(40)))
    .build()
    .unwrap();
    {
        let mut conn = engine.connect().unwrap();
        assert_eq!(where_am_i(&mut conn), (false, p));
        conn.batch_execute("CREATE TABLE orders (id serial PRIMARY KEY, note text)")
            .unwrap();
    }
    for i in 0..50 {
        engine
            .transaction(|tx| {
                tx.batch_execute(&format!("INSERT INTO orders (note) VALUES ('n{i}')"))
            })
            .unwrap();
    }
    // Idle connections to the old primary stay in the pool.
    {
        let _a = engine.connect().unwrap();
        let _b = engine.connect().unwrap();
        let _c = engine.connect().unwrap();
    }
    assert_eq!(engine.state().idle, 3);
    catch_up(&primary, &replica);

    // Work in flight when the primary goes.
    let in_flight = {
        let engine = engine.clone();
        std::thread::spawn(move || {
            let mut conn = engine.connect().unwrap();
            conn.transaction(|tx| {
                tx.batch_execute("INSERT INTO orders (note) VALUES ('in flight')")?;
                tx.batch_execute("SELECT pg_sleep(30)")
            })
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    replica.promote();
    primary.stop("fast");
    let err = in_flight.join().unwrap().unwrap_err();
    assert!(
        matches!(err, Error::ConnectionLost(_)),
        "in-flight work gets a connection-lost error: {err:?}"
    );

    // The next checkouts drop the dead connections (pre-ping) and reach the new primary.
    for _ in 0..4 {
        let mut conn = engine.connect().unwrap();
        assert_eq!(where_am_i(&mut conn), (false, r));
    }
    engine
        .transaction(|tx| tx.batch_execute("INSERT INTO orders (note) VALUES ('after')"))
        .unwrap();
    let mut conn = engine.connect().unwrap();
    let rows = conn
        .query_text("SELECT count(*), count(*) FILTER (WHERE note = 'in flight') FROM orders")
        .unwrap();
    assert_eq!(
        rows[0][0].as_deref(),
        Some("51"),
        "50 committed before, 1 after"
    );
    assert_eq!(
        rows[0][1].as_deref(),
        Some("0"),
        "the uncommitted write is gone"
    );
}
