//! `AsyncMysqlConnection` on the MariaDB of `sqlwright::testing`: typed queries, raw SQL,
//! DDL and transactions awaited; typed errors; the URL's timeouts on tokio timers; and
//! cancel safety: a statement or transaction future polled exactly n times and dropped,
//! for every n until it finishes, over a loopback proxy that hands the server's answer to
//! the client one byte at a time, leaves the connection answering correctly with no
//! transaction open.

use crate::trickle::{innodb_transactions, poll_at_most, Trickle};
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::testing::mariadb_database;
use sqlwright::{raw, AsyncMysqlConnection, Connection, Error, Mysql};
use std::time::{Duration, Instant};

sqlwright::table! {
    notes (id) {
        id -> Int4,
        body -> Text,
    }
}

const NOTES: &str = "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT NOT NULL)";

/// More polls than any operation here needs: past it the test fails instead of looping.
const MAX_POLLS: usize = 5000;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn kind(err: &Error) -> Option<DbErrorKind> {
    match err {
        Error::Database(e) => Some(e.kind),
        _ => None,
    }
}

async fn count(conn: &mut AsyncMysqlConnection) -> i64 {
    notes::table.count(conn).await.unwrap()
}

#[test]
fn typed_and_raw_queries_run_awaited() {
    let db = mariadb_database();
    runtime().block_on(async {
        let mut conn = AsyncMysqlConnection::open_url(db.url()).await.unwrap();
        conn.batch_execute(NOTES).await.unwrap();
        let inserted = insert_into(notes::table)
            .values(vec![
                (notes::id.to(1), notes::body.to("one")),
                (notes::id.to(2), notes::body.to("two")),
                (notes::id.to(3), notes::body.to("three")),
            ])
            .execute(&mut conn)
            .await
            .unwrap();
        assert_eq!(inserted, 3);
        let all: Vec<(i32, String)> = notes::table
            .order_by(notes::id)
            .load(&mut conn)
            .await
            .unwrap();
        assert_eq!(all[2], (3, "three".to_string()));
        let first: Option<String> = notes::table
            .select(notes::body)
            .order_by(notes::id.desc())
            .first(&mut conn)
            .await
            .unwrap();
        assert_eq!(first.as_deref(), Some("three"));
        let one: String = notes::table
            .filter(notes::id.eq(2))
            .select(notes::body)
            .one(&mut conn)
            .await
            .unwrap();
        assert_eq!(one, "two");
        let none: Option<String> = notes::table
            .filter(notes::id.eq(9))
            .select(notes::body)
            .scalar(&mut conn)
            .await
            .unwrap();
        assert_eq!(none, None);
        let err = notes::table
            .select(notes::body)
            .one(&mut conn)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::MultipleRows), "{err:?}");
        let changed = update(notes::table)
            .filter(notes::id.ge(2))
            .set(notes::body.to("many"))
            .execute(&mut conn)
            .await
            .unwrap();
        assert_eq!(changed, 2);
        assert_eq!(count(&mut conn).await, 3);

        // MariaDB 10.5+ has INSERT .. RETURNING: `get_result`, asked of the server once.
        let back: (i32, String) = insert_into(notes::table)
            .values((notes::id.to(4), notes::body.to("four")))
            .returning((notes::id, notes::body))
            .get_result(&mut conn)
            .await
            .unwrap();
        assert_eq!(back, (4, "four".to_string()));

        let rows = raw::sql("SELECT id, body FROM notes WHERE id > :from ORDER BY id")
            .bind("from", 2)
            .load(&mut conn)
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].get::<String>("body").unwrap(), "four");
        let gone = raw::sql("DELETE FROM notes WHERE id = :id")
            .bind("id", 4)
            .execute(&mut conn)
            .await
            .unwrap();
        assert_eq!(gone, 1);
        let first = raw::sql("SELECT body FROM notes ORDER BY id")
            .first(&mut conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first.get::<String>(0).unwrap(), "one");
        assert!(conn.server_version().await.unwrap().contains("MariaDB"));
        conn.ping().await.unwrap();
    });
}

#[test]
fn a_duplicate_key_is_a_typed_error_and_the_connection_goes_on() {
    let db = mariadb_database();
    runtime().block_on(async {
        let mut conn = AsyncMysqlConnection::open_url(db.url()).await.unwrap();
        conn.batch_execute(NOTES).await.unwrap();
        let row = (notes::id.to(1), notes::body.to("a"));
        insert_into(notes::table)
            .values(row)
            .execute(&mut conn)
            .await
            .unwrap();
        let err = insert_into(notes::table)
            .values((notes::id.to(1), notes::body.to("b")))
            .execute(&mut conn)
            .await
            .unwrap_err();
        assert_eq!(kind(&err), Some(DbErrorKind::UniqueViolation), "{err:?}");
        let err = conn
            .batch_execute("SELECT * FROM nowhere")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Database(_)), "{err:?}");
        assert!(!conn.is_closed());
        assert_eq!(count(&mut conn).await, 1);
    });
}

#[test]
fn transactions_commit_roll_back_and_nest() {
    let db = mariadb_database();
    runtime().block_on(async {
        let mut conn = AsyncMysqlConnection::open_url(db.url()).await.unwrap();
        conn.batch_execute(NOTES).await.unwrap();
        conn.transaction(async |tx| {
            insert_into(notes::table)
                .values((notes::id.to(1), notes::body.to("kept")))
                .execute(tx)
                .await?;
            // A savepoint rolled back by its error; the outer work stays.
            let inner = tx
                .transaction(async |tx| {
                    insert_into(notes::table)
                        .values((notes::id.to(2), notes::body.to("undone")))
                        .execute(tx)
                        .await?;
                    Err::<(), _>(Error::NotFound)
                })
                .await;
            assert!(matches!(inner, Err(Error::NotFound)));
            Ok::<_, Error>(())
        })
        .await
        .unwrap();
        assert_eq!(count(&mut conn).await, 1);

        let failed = conn
            .transaction(async |tx| {
                insert_into(notes::table)
                    .values((notes::id.to(3), notes::body.to("undone")))
                    .execute(tx)
                    .await?;
                Err::<(), _>(Error::NotFound)
            })
            .await;
        assert!(matches!(failed, Err(Error::NotFound)));
        assert_eq!(count(&mut conn).await, 1);

        // The guard form: dropped without commit, rolled back before the next statement.
        {
            let mut tx = conn.begin().await.unwrap();
            insert_into(notes::table)
                .values((notes::id.to(4), notes::body.to("dropped")))
                .execute(&mut tx)
                .await
                .unwrap();
            let mut nested = tx.begin().await.unwrap();
            assert!(nested.is_nested());
            insert_into(notes::table)
                .values((notes::id.to(5), notes::body.to("nested")))
                .execute(&mut nested)
                .await
                .unwrap();
            nested.commit().await.unwrap();
        }
        assert!(!conn.in_transaction());
        assert_eq!(count(&mut conn).await, 1);
        let mut tx = conn.begin().await.unwrap();
        insert_into(notes::table)
            .values((notes::id.to(6), notes::body.to("committed")))
            .execute(&mut tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(count(&mut conn).await, 2);

        // A failed statement fails the transaction: its commit rolls back.
        let mut tx = conn.begin().await.unwrap();
        insert_into(notes::table)
            .values((notes::id.to(7), notes::body.to("x")))
            .execute(&mut tx)
            .await
            .unwrap();
        let dup = insert_into(notes::table)
            .values((notes::id.to(1), notes::body.to("dup")))
            .execute(&mut tx)
            .await
            .unwrap_err();
        assert_eq!(kind(&dup), Some(DbErrorKind::UniqueViolation));
        assert!(matches!(tx.commit().await, Err(Error::TransactionAborted)));
        assert_eq!(count(&mut conn).await, 2);

        let read_only = conn
            .build_transaction()
            .read_only()
            .run(async |tx| {
                insert_into(notes::table)
                    .values((notes::id.to(8), notes::body.to("refused")))
                    .execute(tx)
                    .await
            })
            .await;
        assert!(read_only.is_err());
        assert_eq!(count(&mut conn).await, 2);
    });
}

#[test]
fn a_read_past_the_urls_read_timeout_is_a_timeout_error() {
    let db = mariadb_database();
    let url = db.url().clone().with_param("read_timeout", "1").unwrap();
    runtime().block_on(async {
        let mut conn = AsyncMysqlConnection::open_url(&url).await.unwrap();
        let started = Instant::now();
        let err = conn.batch_execute("SELECT SLEEP(5)").await.unwrap_err();
        assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(4));
        // Out of step with the server: closed, never reused.
        assert!(conn.is_closed());
        let err = conn.ping().await.unwrap_err();
        assert!(err.is_connection_lost(), "{err:?}");
    });
}

#[test]
fn the_futures_are_send_and_run_on_a_multi_threaded_runtime() {
    let db = mariadb_database();
    let url = db.url().clone();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let total = rt.block_on(async move {
        let task = tokio::spawn(async move {
            let mut conn = AsyncMysqlConnection::open_url(&url).await.unwrap();
            conn.batch_execute(NOTES).await.unwrap();
            conn.transaction(async |tx| {
                insert_into(notes::table)
                    .values((notes::id.to(1), notes::body.to("spawned")))
                    .execute(tx)
                    .await
            })
            .await
            .unwrap();
            notes::table.count(&mut conn).await.unwrap()
        });
        task.await.unwrap()
    });
    assert_eq!(total, 1);
}

/// After a drop after `n` polls: the connection answers the next statement correctly,
/// no transaction is open on it, and the server shows none open for it (InnoDB's list of
/// transactions, for this connection only: other tests share the server).
async fn check_in_step(conn: &mut AsyncMysqlConnection, watcher: &mut Connection<Mysql>, n: usize) {
    assert!(!conn.is_closed(), "closed after {n} polls");
    let rows = raw::sql("SELECT 41 + 1, @@in_transaction, CONNECTION_ID()")
        .load(conn)
        .await
        .unwrap_or_else(|e| panic!("after {n} polls the connection failed: {e}"));
    assert_eq!(rows[0].get::<i64>(0).unwrap(), 42, "after {n} polls");
    assert_eq!(
        rows[0].get::<i64>(1).unwrap(),
        0,
        "a transaction is open after {n} polls"
    );
    assert!(!conn.in_transaction(), "after {n} polls");
    let id = rows[0].get::<i64>(2).unwrap();
    assert_eq!(innodb_transactions(watcher, id), 0, "after {n} polls");
}

/// Runs `$work` (an expression using `$conn`) dropped after every number of polls until
/// it finishes, checking the connection after each; the number of polls it took.
macro_rules! at_every_await {
    ($conn:ident, $watcher:expr, |$n:ident| $work:expr) => {{
        let mut $n = 0;
        loop {
            assert!($n < MAX_POLLS, "the operation never finished");
            let finished = poll_at_most($work, $n).await;
            let finished = finished.map(|result| result.expect("the operation failed"));
            check_in_step(&mut $conn, $watcher, $n).await;
            if finished.is_some() {
                break $n;
            }
            $n += 1;
        }
    }};
}

#[test]
fn a_statement_dropped_at_any_await_leaves_the_connection_in_step() {
    let db = mariadb_database();
    let mut watcher = db.connect().unwrap();
    watcher.batch_execute(NOTES).unwrap();
    watcher
        .batch_execute("INSERT INTO notes VALUES (1, 'a'), (2, 'b'), (3, 'c')")
        .unwrap();
    let proxy = Trickle::start(("127.0.0.1".into(), db.url().port.unwrap()), usize::MAX, 1);
    let url = proxy.mysql_url(db.url());
    runtime().block_on(async {
        let mut conn = AsyncMysqlConnection::open_url(&url).await.unwrap();
        // A new statement each time round: its prepare is dropped at every await too.
        let polls = at_every_await!(conn, &mut watcher, |n| notes::table
            .filter(notes::id.ge(n as i32 % 7 - 7))
            .select(notes::body)
            .order_by(notes::id)
            .load_as::<String, _, _>(&mut conn));
        assert!(polls > 5, "the proxy made only {polls} await points");
        let polls = at_every_await!(conn, &mut watcher, |n| conn
            .batch_execute("SELECT 1; SELECT body FROM notes; DO 1"));
        assert!(polls > 5, "the proxy made only {polls} await points");
        let rows: Vec<String> = notes::table
            .select(notes::body)
            .order_by(notes::id)
            .load(&mut conn)
            .await
            .unwrap();
        assert_eq!(rows, ["a", "b", "c"]);
    });
}

#[test]
fn a_transaction_dropped_at_any_await_is_rolled_back_or_committed_whole() {
    let db = mariadb_database();
    let mut watcher = db.connect().unwrap();
    watcher.batch_execute(NOTES).unwrap();
    let proxy = Trickle::start(("127.0.0.1".into(), db.url().port.unwrap()), usize::MAX, 1);
    let url = proxy.mysql_url(db.url());
    runtime().block_on(async {
        let mut conn = AsyncMysqlConnection::open_url(&url).await.unwrap();
        let polls = at_every_await!(conn, &mut watcher, |n| conn.transaction(async |tx| {
            // What the round before left: nothing, or both rows when it was dropped after
            // its COMMIT went out (the server commits it; on a loaded machine a drop can
            // land between the COMMIT and its answer) — never one row. Both are cleared so
            // that this round's inserts do not collide.
            let before = notes::table.count(tx).await?;
            assert!(
                before == 0 || before == 2,
                "a dropped round left {before} rows (round {n})"
            );
            if before == 2 {
                sqlwright::query::delete(notes::table).execute(tx).await?;
            }
            insert_into(notes::table)
                .values((notes::id.to(1), notes::body.to("one")))
                .execute(tx)
                .await?;
            tx.transaction(async |tx| {
                insert_into(notes::table)
                    .values((notes::id.to(2), notes::body.to("two")))
                    .execute(tx)
                    .await
            })
            .await?;
            Ok::<_, Error>(())
        }));
        assert!(polls > 10, "the proxy made only {polls} await points");
        assert_eq!(count(&mut conn).await, 2);
    });
    // Every dropped round was rolled back or committed whole (and then cleared by the next):
    // the last, finished one's two rows are what is left.
    let left = raw::sql("SELECT COUNT(*) FROM notes")
        .load(&mut watcher)
        .unwrap();
    assert_eq!(left[0].get::<i64>(0).unwrap(), 2);
}

#[test]
fn a_statement_dropped_half_sent_closes_the_connection() {
    let db = mariadb_database();
    // The proxy takes the client's bytes 64 at a time: a long statement is sent in many
    // writes once the socket's buffers are full.
    let proxy = Trickle::start(("127.0.0.1".into(), db.url().port.unwrap()), 64, 1);
    let url = proxy.mysql_url(db.url());
    runtime().block_on(async {
        let mut conn = AsyncMysqlConnection::open_url(&url).await.unwrap();
        let sql = format!("SELECT '{}'", "x".repeat(8 << 20));
        let finished = poll_at_most(conn.batch_execute(&sql), 2).await;
        assert!(finished.is_none(), "8 MiB went out in two polls");
        assert!(conn.is_closed());
        let err = conn.ping().await.unwrap_err();
        assert!(err.is_connection_lost(), "{err:?}");
    });
}
