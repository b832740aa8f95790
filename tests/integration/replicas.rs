//! Read replicas on a real primary and two streaming replicas: reads go to the replicas in
//! turn, everything else to the primary; a session reads its own writes; a recovery
//! conflict is retried.

use crate::replication::{catch_up, primary_and_replicas, where_am_i};
use sqlwright::engine::{DbErrorKind, ReplicatedEngine};
use sqlwright::prelude::*;
use sqlwright::Error;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

fn engine_of(url: &str) -> Engine {
    Engine::builder(&format!("{url}?connect_timeout=2"))
        .pool_size(2)
        .checkout_timeout(Duration::from_secs(10))
        .request_timeout(Some(Duration::from_secs(30)))
        .build()
        .unwrap()
}

#[test]
fn reads_go_to_the_replicas_in_turn_and_the_rest_to_the_primary() {
    let (primary, mut replicas) = primary_and_replicas(2, false);
    let (p, r1, r2) = (primary.port, replicas[0].port, replicas[1].port);
    let engine = ReplicatedEngine::with_retry_after(
        engine_of(&primary.url()),
        replicas.iter().map(|r| engine_of(&r.url())).collect(),
        Duration::from_secs(60),
    );
    engine
        .transaction(|tx| {
            tx.batch_execute("CREATE TABLE items (id int4); INSERT INTO items VALUES (1), (2)")
        })
        .unwrap();
    catch_up(&primary, &replicas[0]);
    catch_up(&primary, &replicas[1]);

    let mut ports = Vec::new();
    for _ in 0..4 {
        let mut conn = engine.connect_read().unwrap();
        let (standby, port) = where_am_i(&mut conn);
        assert!(standby, "a read lands on a hot standby");
        ports.push(port);
    }
    assert!(
        ports == [r1, r2, r1, r2] || ports == [r2, r1, r2, r1],
        "round robin: {ports:?} ({r1}, {r2})"
    );
    assert_eq!(where_am_i(&mut engine.connect().unwrap()), (false, p));

    // A read-only transaction runs on a replica; a write in it is refused.
    let (standby, count) = engine
        .read_only_transaction(|tx| {
            let rows = tx
                .connection()
                .query_text("SELECT pg_is_in_recovery(), count(*) FROM items")?;
            Ok::<_, Error>((rows[0][0].clone(), rows[0][1].clone()))
        })
        .unwrap();
    assert_eq!(
        (standby.as_deref(), count.as_deref()),
        (Some("t"), Some("2"))
    );
    let e = engine
        .read_only_transaction(|tx| tx.batch_execute("INSERT INTO items VALUES (3)"))
        .unwrap_err();
    assert_eq!(e.kind(), Some(DbErrorKind::ReadOnlyTransaction), "{e}");

    // A replica that is down is passed over; with none left, reads go to the primary.
    replicas[0].stop("immediate");
    for replica in engine.replicas() {
        replica.dispose();
    }
    for _ in 0..4 {
        assert_eq!(where_am_i(&mut engine.connect_read().unwrap()), (true, r2));
    }
    replicas[1].stop("immediate");
    for replica in engine.replicas() {
        replica.dispose();
    }
    for _ in 0..3 {
        assert_eq!(where_am_i(&mut engine.connect_read().unwrap()), (false, p));
    }
}

#[test]
fn a_session_reads_its_own_writes() {
    let (primary, replicas) = primary_and_replicas(1, false);
    let (p, r) = (primary.port, replicas[0].port);
    let engine = ReplicatedEngine::new(
        engine_of(&primary.url()),
        vec![engine_of(&replicas[0].url())],
    );
    engine
        .transaction(|tx| tx.batch_execute("CREATE TABLE notes (body text)"))
        .unwrap();
    catch_up(&primary, &replicas[0]);

    let mut session = engine.session();
    assert_eq!(where_am_i(&mut session.connect_read().unwrap()), (true, r));
    session
        .transaction(|tx| tx.batch_execute("INSERT INTO notes VALUES ('mine')"))
        .unwrap();
    assert!(session.has_written());
    // Its reads now go to the primary, where the write is, whatever the replica's lag.
    let mut conn = session.connect_read().unwrap();
    assert_eq!(where_am_i(&mut conn), (false, p));
    let rows = conn.query_text("SELECT body FROM notes").unwrap();
    assert_eq!(rows, [[Some("mine".to_string())]]);
    drop(conn);
    let seen = session
        .read_only_transaction(|tx| {
            tx.connection()
                .query_text("SELECT count(*), pg_is_in_recovery() FROM notes")
        })
        .unwrap();
    assert_eq!(seen[0][0].as_deref(), Some("1"));
    assert_eq!(seen[0][1].as_deref(), Some("f"));
    // Another session has not written: its reads go to the replica.
    let mut other = engine.session();
    assert_eq!(where_am_i(&mut other.connect_read().unwrap()), (true, r));
}

#[test]
fn a_recovery_conflict_on_a_replica_is_retried() {
    let (primary, replicas) = primary_and_replicas(1, false);
    let engine = ReplicatedEngine::new(
        engine_of(&primary.url()),
        vec![engine_of(&replicas[0].url())],
    );
    engine
        .transaction(|tx| {
            tx.batch_execute(
                "CREATE TABLE big (id int4) WITH (autovacuum_enabled = off); \
                 INSERT INTO big SELECT generate_series(1, 1000)",
            )
        })
        .unwrap();
    catch_up(&primary, &replicas[0]);

    // While the first attempt's query runs on the replica, the primary deletes the rows
    // and vacuums them away: replaying that conflicts with the query's snapshot, and
    // the replica cancels it after max_standby_streaming_delay (100 ms) with 40001.
    let vacuum = {
        let url = primary.url();
        let replica_url = replicas[0].url();
        std::thread::spawn(move || {
            // Once the replica runs the first attempt's sleep (at most 60 s of looking; a
            // fixed wait lost the race on a loaded machine).
            let mut watcher = Connection::connect(&replica_url).unwrap();
            let check = "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' \
                         AND pid <> pg_backend_pid() AND wait_event = 'PgSleep' \
                         AND datname = current_database()";
            for _ in 0..3000 {
                if watcher.query_text(check).unwrap()[0][0].as_deref() != Some("0") {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let mut conn = Connection::connect(&url).unwrap();
            conn.batch_execute("DELETE FROM big").unwrap();
            conn.batch_execute("VACUUM big").unwrap();
        })
    };
    let attempts = AtomicU32::new(0);
    let errors = std::sync::Mutex::new(Vec::new());
    let count = engine
        .read_only_transaction_with_retry(3, |tx| {
            let attempt = attempts.fetch_add(1, Ordering::SeqCst) + 1;
            let sql = if attempt == 1 {
                "SELECT count(*) FROM big, pg_sleep(15)"
            } else {
                "SELECT count(*) FROM big"
            };
            tx.connection().query_text(sql).inspect_err(|e| {
                errors.lock().unwrap().push(format!("{:?} {e}", e.kind()));
            })
        })
        .unwrap();
    vacuum.join().unwrap();
    let errors = errors.into_inner().unwrap();
    assert_eq!(attempts.load(Ordering::SeqCst), 2, "{errors:?}");
    assert!(
        errors[0].contains("SerializationFailure") && errors[0].contains("recovery"),
        "{errors:?}"
    );
    // The retry ran after the delete was replayed (or before: the count is one of the
    // two states, never an error).
    let n = count[0][0].as_deref().unwrap();
    assert!(n == "0" || n == "1000", "{n}");
}
