//! A three-node MariaDB Galera cluster on loopback (`sqlwright::testing::GaleraCluster`) as
//! the MySQL backend's scale-out test: writes on two nodes read on the third, a
//! certification conflict as a typed retryable error that `run_with_retry` gets past,
//! sqlwright's own statements on Galera (and none of what Galera lacks), named locks being
//! per node, and a node killed mid-transaction losing nothing committed.
//!
//! One cluster serves every step, in order (the kill comes last): starting a cluster takes
//! most of the time this test takes.

use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::testing::GaleraCluster;
use sqlwright::{Connection, Error, Mysql};

sqlwright::table! {
    counters (id) {
        id -> Int4,
        n -> Int8,
    }
}

sqlwright::table! {
    entries (id) {
        id -> Int4,
        node -> Int4,
        body -> Text,
    }
}

sqlwright::table! {
    seen (id) {
        id -> Int8,
        node -> Int4,
        text -> Text,
    }
}

const SCHEMA: &str = "
CREATE TABLE counters (id INT PRIMARY KEY, n BIGINT NOT NULL);
CREATE TABLE entries (id INT PRIMARY KEY, node INT NOT NULL, body TEXT NOT NULL);
CREATE TABLE seen (id BIGINT AUTO_INCREMENT PRIMARY KEY, node INT NOT NULL, text LONGTEXT NOT NULL)";

/// A sqlwright connection to `node`'s database `galera`. Its reads wait until the node has
/// applied every write the cluster committed before them (`wsrep_sync_wait`): without it
/// a read on one node may not yet see a commit made on another.
/// The database itself is replicated DDL, which a node applies after the commit on
/// another returned: a read with `wsrep_sync_wait` on a connection without a database
/// waits until `node` has it, so that a busy machine cannot make the login's database
/// unknown.
fn open(cluster: &GaleraCluster, node: usize) -> Connection<Mysql> {
    let base = cluster
        .url(node)
        .unwrap()
        .with_param("read_timeout", "60")
        .unwrap();
    Connection::<Mysql>::open_url(&base)
        .unwrap()
        .batch_execute("SET SESSION wsrep_sync_wait = 1; SELECT 1")
        .unwrap();
    let url = base.with_database("galera");
    let mut conn = Connection::<Mysql>::open_url(&url).unwrap();
    conn.batch_execute("SET SESSION wsrep_sync_wait = 1")
        .unwrap();
    conn
}

fn add_entry(conn: &mut Connection<Mysql>, id: i32, node: i32, body: &str) -> Result<u64, Error> {
    insert_into(entries::table)
        .values((
            entries::id.to(id),
            entries::node.to(node),
            entries::body.to(body),
        ))
        .execute(conn)
}

fn entries_on(conn: &mut Connection<Mysql>) -> Vec<(i32, i32, String)> {
    entries::table
        .select((entries::id, entries::node, entries::body))
        .order_by(entries::id)
        .load(conn)
        .unwrap()
}

fn counter(conn: &mut Connection<Mysql>) -> i64 {
    let n: Vec<i64> = counters::table
        .filter(counters::id.eq(1))
        .select(counters::n)
        .load(conn)
        .unwrap();
    n[0]
}

fn database_error(err: &Error) -> &sqlwright::engine::DatabaseError {
    match err {
        Error::Database(e) => e,
        other => panic!("expected a database error, got {other:?}"),
    }
}

#[test]
fn a_three_node_galera_cluster_replicates_retries_and_survives_a_kill() {
    let mut cluster = GaleraCluster::start().unwrap_or_else(|e| panic!("{e}"));
    let mut admin = Connection::<Mysql>::open_url(&cluster.url(0).unwrap()).unwrap();
    // DDL is replicated too (in total order: every node runs it at the same point).
    admin
        .batch_execute("CREATE DATABASE galera CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin")
        .unwrap();
    drop(admin);
    open(&cluster, 1).batch_execute(SCHEMA).unwrap();

    writes_on_two_nodes_are_read_on_the_third(&cluster);
    a_certification_conflict_fails_the_commit_and_the_retry_succeeds(&cluster);
    sqlwright_statements_run_and_use_nothing_galera_lacks(&cluster);
    named_locks_are_per_node(&cluster);
    a_killed_node_loses_nothing_committed(&mut cluster);

    let dir = cluster.dir().to_path_buf();
    let pids: Vec<u32> = (0..3).filter_map(|n| cluster.pid(n)).collect();
    assert_eq!(pids.len(), 2);
    drop(cluster);
    for pid in pids {
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists(),
            "mariadbd {pid} still runs"
        );
    }
    assert!(!dir.exists(), "{} is left behind", dir.display());
}

fn writes_on_two_nodes_are_read_on_the_third(cluster: &GaleraCluster) {
    let mut first = open(cluster, 0);
    let mut second = open(cluster, 1);
    let mut third = open(cluster, 2);
    assert_eq!(add_entry(&mut first, 1, 0, "written on node 0").unwrap(), 1);
    second
        .transaction(|tx| {
            add_entry(tx.connection(), 2, 1, "written on node 1")?;
            add_entry(tx.connection(), 3, 1, "also on node 1")
        })
        .unwrap();
    update(entries::table)
        .filter(entries::id.eq(1))
        .set(entries::body.to("changed on node 1"))
        .execute(&mut second)
        .unwrap();
    assert_eq!(
        entries_on(&mut third),
        [
            (1, 0, "changed on node 1".to_string()),
            (2, 1, "written on node 1".to_string()),
            (3, 1, "also on node 1".to_string()),
        ]
    );
    assert_eq!(entries_on(&mut first), entries_on(&mut third));
}

/// Adds `by` to counter 1.
fn bump(conn: &mut Connection<Mysql>, by: i64) -> Result<u64, Error> {
    update(counters::table)
        .filter(counters::id.eq(1))
        .set(counters::n.to(counters::n + by))
        .execute(conn)
}

fn a_certification_conflict_fails_the_commit_and_the_retry_succeeds(cluster: &GaleraCluster) {
    let mut a = open(cluster, 0);
    let mut b = open(cluster, 1);
    insert_into(counters::table)
        .values((counters::id.to(1), counters::n.to(0_i64)))
        .execute(&mut a)
        .unwrap();

    // The same row changed in open transactions on two nodes. Each UPDATE succeeds: row
    // locks are per node. The first commit wins; the other fails at COMMIT.
    let mut tx = a.begin().unwrap();
    assert_eq!(bump(tx.connection(), 1).unwrap(), 1);
    b.transaction(|tx| bump(tx.connection(), 10)).unwrap();
    let err = tx.commit().unwrap_err();
    assert!(err.is_retryable(), "{err:?}");
    let e = database_error(&err);
    assert_eq!(e.kind, DbErrorKind::Deadlock, "{err:?}");
    // `code` is PostgreSQL's SQLSTATE for the kind (a deadlock), the server's in `detail`.
    assert_eq!(e.code, "40P01", "{err:?}");
    assert_eq!(
        e.detail.as_deref(),
        Some("MySQL error 1213 (SQLSTATE 40001)"),
        "{err:?}"
    );
    assert!(e.message.contains("Deadlock"), "{err:?}");
    // The loser's work is gone, the winner's is everywhere.
    assert_eq!(counter(&mut a), 10);
    assert_eq!(counter(&mut open(cluster, 2)), 10);

    // The retry helper runs the whole transaction again. Its first attempt meets a
    // conflicting commit on node 1 between its UPDATE and its COMMIT; the second commits.
    let mut attempts = 0;
    let returned = a
        .build_transaction()
        .run_with_retry(5, |tx| {
            attempts += 1;
            bump(tx.connection(), 1)?;
            if attempts == 1 {
                bump(&mut b, 100)?;
            }
            Ok(attempts)
        })
        .unwrap();
    assert_eq!((returned, attempts), (2, 2));
    // Both increments of this round are in: 10 + 100 + 1.
    assert_eq!(counter(&mut open(cluster, 2)), 111);
    assert_eq!(counter(&mut b), 111);

    // Without retries the same conflict is returned, typed, to the caller.
    let mut once = 0;
    let err = a
        .build_transaction()
        .run_with_retry(1, |tx| {
            once += 1;
            bump(tx.connection(), 1)?;
            bump(&mut b, 1000)
        })
        .unwrap_err();
    assert_eq!(once, 1);
    assert!(err.is_retryable(), "{err:?}");
    assert_eq!(counter(&mut a), 1111);
}

/// Copies what `conn`'s node's general log holds into `seen` (read by a typed query).
fn general_log(conn: &mut Connection<Mysql>, node: i32) -> Vec<String> {
    conn.batch_execute(&format!(
        "INSERT INTO galera.seen (node, text) \
             SELECT {node}, CONVERT(argument USING utf8mb4) FROM mysql.general_log"
    ))
    .unwrap();
    seen::table
        .filter(seen::node.eq(node))
        .select(seen::text)
        .order_by(seen::id)
        .load(conn)
        .unwrap()
}

fn sqlwright_statements_run_and_use_nothing_galera_lacks(cluster: &GaleraCluster) {
    // Node 2's general log, kept in a table, records every statement a client sends it.
    let mut logged = open(cluster, 2);
    logged
        .batch_execute(
            "SET GLOBAL log_output = 'TABLE'; TRUNCATE TABLE mysql.general_log; \
             SET GLOBAL general_log = ON",
        )
        .unwrap();
    // A new connection (its session setup), transactions with options, a savepoint rolled
    // back, typed inserts, updates, deletes and selects.
    let mut conn = open(cluster, 2);
    conn.build_transaction()
        .repeatable_read()
        .read_write()
        .run(|tx| {
            add_entry(tx.connection(), 10, 2, "outer")?;
            let inner: Result<u64, Error> = tx.transaction(|sp| {
                add_entry(sp.connection(), 11, 2, "inner")?;
                Err(Error::NotFound)
            });
            assert!(matches!(inner, Err(Error::NotFound)), "{inner:?}");
            update(entries::table)
                .filter(entries::id.eq(10))
                .set(entries::body.to("outer, changed"))
                .execute(tx)
        })
        .unwrap();
    let read_only: Vec<i32> = conn
        .build_transaction()
        .read_only()
        .run(|tx| {
            entries::table
                .filter(entries::node.eq(2))
                .select(entries::id)
                .load(tx)
        })
        .unwrap();
    assert_eq!(read_only, [10]);
    delete(entries::table)
        .filter(entries::id.eq(3))
        .execute(&mut conn)
        .unwrap();
    logged
        .batch_execute("SET GLOBAL general_log = OFF")
        .unwrap();
    drop(logged);

    // Replicated as committed: the outer work, not the rolled-back savepoint.
    let on_node_0 = entries_on(&mut open(cluster, 0));
    assert!(on_node_0.contains(&(10, 2, "outer, changed".to_string())));
    assert!(!on_node_0.iter().any(|(id, ..)| *id == 11 || *id == 3));

    // Every statement sqlwright sent is in the log, and none is what Galera lacks.
    let mut on_node_2 = open(cluster, 2);
    let log = general_log(&mut on_node_2, 2);
    let all = log.join("\n");
    for sent in [
        "SET SESSION sql_mode",
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "START TRANSACTION READ WRITE",
        "START TRANSACTION READ ONLY",
        "SAVEPOINT sqlwright_sp_",
        "ROLLBACK TO SAVEPOINT sqlwright_sp_",
        "COMMIT",
        "INSERT INTO `entries`",
        "UPDATE `entries`",
        "DELETE FROM `entries`",
    ] {
        assert!(all.contains(sent), "{sent:?} not sent; the log:\n{all}");
    }
    for statement in &log {
        let upper = statement.to_uppercase();
        for lacking in [
            "GET_LOCK",
            "RELEASE_LOCK",
            "LOCK TABLE",
            "FLUSH TABLES",
            "XA ",
            "ENGINE=MYISAM",
        ] {
            assert!(
                !upper.contains(lacking),
                "sqlwright sent {statement:?}, which Galera does not replicate"
            );
        }
    }
}

/// Takes the named lock `name` on `conn`'s session and records whether it was granted.
fn take_lock(conn: &mut Connection<Mysql>, node: i32, name: &str) -> bool {
    conn.batch_execute(&format!(
        "INSERT INTO seen (node, text) SELECT {node}, CONCAT(GET_LOCK('{name}', 0), '')"
    ))
    .unwrap();
    let got: Vec<String> = seen::table
        .filter(seen::node.eq(node))
        .select(seen::text)
        .order_by(seen::id.desc())
        .limit(1)
        .load(conn)
        .unwrap();
    got == ["1"]
}

fn named_locks_are_per_node(cluster: &GaleraCluster) {
    // On one node a named lock excludes a second session ...
    let mut holder = open(cluster, 0);
    let mut same_node = open(cluster, 0);
    let mut other_node = open(cluster, 1);
    assert!(take_lock(&mut holder, 100, "sqlwright_galera_lock"));
    assert!(!take_lock(&mut same_node, 101, "sqlwright_galera_lock"));
    // ... but another node knows nothing of it: GET_LOCK is not a cluster-wide lock, so a
    // migration lock built on it would let two nodes migrate at once.
    assert!(take_lock(&mut other_node, 102, "sqlwright_galera_lock"));
}

fn a_killed_node_loses_nothing_committed(cluster: &mut GaleraCluster) {
    // Committed on every node, the one about to die included.
    for node in 0..3 {
        let mut conn = open(cluster, node);
        let base = 100 + 10 * node as i32;
        conn.transaction(|tx| {
            for id in base..base + 3 {
                add_entry(tx.connection(), id, node as i32, "committed")?;
            }
            Ok::<_, Error>(())
        })
        .unwrap();
    }
    let mut before = entries_on(&mut open(cluster, 0));
    before.sort();

    // Node 2 dies holding uncommitted writes: a new row and a change to a committed one.
    let mut victim = open(cluster, 2);
    let mut tx = victim.begin().unwrap();
    add_entry(tx.connection(), 999, 2, "never committed").unwrap();
    update(entries::table)
        .filter(entries::id.eq(100))
        .set(entries::body.to("never committed"))
        .execute(&mut tx)
        .unwrap();
    cluster.kill(2).unwrap();
    assert_eq!(cluster.pid(2), None);
    let err = tx.commit().unwrap_err();
    assert!(
        matches!(err, Error::ConnectionLost(_) | Error::Driver(_)),
        "{err:?}"
    );

    // The survivors form a cluster of two (a quorum of the three) ...
    cluster.wait_for_size(0, 2).unwrap();
    cluster.wait_for_size(1, 2).unwrap();
    for node in [0, 1] {
        let mut conn = open(cluster, node);
        assert_eq!(entries_on(&mut conn), before, "on node {node}");
    }
    assert!(before.iter().any(|(id, ..)| *id == 120));
    assert!(!before.iter().any(|(id, ..)| *id == 999));
    assert!(before.contains(&(100, 0, "committed".to_string())));

    // ... that keeps taking writes on both nodes.
    let mut first = open(cluster, 0);
    let mut second = open(cluster, 1);
    add_entry(&mut first, 200, 0, "after the kill").unwrap();
    add_entry(&mut second, 201, 1, "after the kill").unwrap();
    bump(&mut second, 1).unwrap();
    let after = entries_on(&mut first);
    assert_eq!(after.len(), before.len() + 2);
    assert_eq!(after, entries_on(&mut second));
    assert_eq!(counter(&mut first), 1112);
}
