//! MariaDB's engine and everyday running: the pool (reuse, the reset of a returned
//! connection, rollback of one returned inside a transaction, pre-ping), echo, retry on a
//! real deadlock and a real lock wait timeout, errors naming the key/constraint/table/column
//! of real violations, `read_timeout`, and hand-written SQL with `:named` parameters.
//! Tables are created with hand-written MySQL DDL (DDL from `table!` is another piece of
//! #23).

use crate::session::capture_sql;
use sqlwright::engine::{DbErrorKind, PoolState};
use sqlwright::prelude::*;
use sqlwright::testing::{mariadb_database, MariadbDatabase};
use sqlwright::{raw, Connection, Engine, Error, Mysql, MysqlEngine};
use std::sync::{Arc, Barrier};
use std::time::Duration;

sqlwright::table! {
    items (id) {
        id -> Int4,
        name -> Text,
    }
}

const ITEMS: &str = "CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name TEXT NOT NULL)";

/// A MariaDB database with `items`, and an engine on it.
fn engine(pool_size: usize, pre_ping: bool) -> (MariadbDatabase, MysqlEngine) {
    let db = mariadb_database();
    db.connect().unwrap().batch_execute(ITEMS).unwrap();
    let engine = Engine::mysql_builder_url(db.url().clone())
        .pool_size(pool_size)
        .max_overflow(0)
        .pre_ping(pre_ping)
        .build()
        .unwrap();
    (db, engine)
}

fn names(engine: &MysqlEngine) -> Vec<String> {
    let mut conn = engine.connect().unwrap();
    items::table
        .select(items::name)
        .order_by(items::id)
        .load(&mut conn)
        .unwrap()
}

fn scalar<T: sqlwright::raw::MysqlGet>(conn: &mut Connection<Mysql>, sql: &str) -> T {
    raw::sql(sql).load(conn).unwrap()[0].get(0).unwrap()
}

fn connection_id(conn: &mut Connection<Mysql>) -> i64 {
    scalar(conn, "SELECT CONNECTION_ID()")
}

#[test]
fn a_returned_connection_is_reused_with_its_session_reset() {
    let (_db, engine) = engine(1, false);
    let first = {
        let mut conn = engine.connect().unwrap();
        conn.batch_execute(
            "SET @left_behind = 42; SET SESSION sql_mode = ''; SET SESSION wait_timeout = 77; \
             CREATE TEMPORARY TABLE scratch (n INT)",
        )
        .unwrap();
        connection_id(&mut conn)
    };
    let mut conn = engine.connect().unwrap();
    // The same server connection, not a new one.
    assert_eq!(connection_id(&mut conn), first);
    assert_eq!(
        engine.state(),
        PoolState {
            open: 1,
            idle: 0,
            peak: 1
        }
    );
    let left: Option<i64> = scalar(&mut conn, "SELECT @left_behind");
    assert_eq!(left, None);
    let wait: i64 = scalar(&mut conn, "SELECT @@SESSION.wait_timeout");
    assert_ne!(wait, 77);
    let err = conn.batch_execute("SELECT * FROM scratch").unwrap_err();
    assert_eq!(err.kind(), Some(DbErrorKind::UndefinedTable), "{err:?}");
    // The connection's own settings are back: utf8mb4 and the strict, `||`-concatenating
    // sql_mode.
    let mode: String = scalar(&mut conn, "SELECT @@SESSION.sql_mode");
    assert!(
        mode.contains("PIPES_AS_CONCAT") && mode.contains("STRICT_ALL_TABLES"),
        "{mode}"
    );
    let charset: String = scalar(&mut conn, "SELECT @@SESSION.character_set_client");
    assert_eq!(charset, "utf8mb4");
    // Statements prepared before the reset are prepared again.
    assert_eq!(items::table.count(&mut conn).unwrap(), 0);
    assert_eq!(items::table.count(&mut conn).unwrap(), 0);
}

#[test]
fn a_connection_returned_inside_a_transaction_is_rolled_back() {
    let (_db, engine) = engine(1, false);
    let insert = |conn: &mut Connection<Mysql>, name: &str| {
        insert_into(items::table)
            .values(items::name.to(name))
            .execute(conn)
            .unwrap()
    };
    {
        // A leaked guard: the connection counts a transaction open.
        let mut conn = engine.connect().unwrap();
        std::mem::forget(conn.begin().unwrap());
        insert(&mut conn, "leaked");
        assert!(conn.in_transaction());
    }
    {
        // START TRANSACTION sent as text: only the server knows; the reset rolls it back.
        let mut conn = engine.connect().unwrap();
        assert!(!conn.in_transaction());
        conn.batch_execute("START TRANSACTION").unwrap();
        insert(&mut conn, "as text");
    }
    assert!(names(&engine).is_empty());
    assert_eq!(engine.state().open, 1);
    let mut conn = engine.connect().unwrap();
    insert(&mut conn, "kept");
    drop(conn);
    assert_eq!(names(&engine), ["kept"]);
}

#[test]
fn pre_ping_replaces_a_connection_the_server_closed() {
    let (db, engine) = engine(1, true);
    let id = connection_id(&mut engine.connect().unwrap());
    let mut killer = db.connect().unwrap();
    killer.batch_execute(&format!("KILL {id}")).unwrap();
    let mut conn = engine.connect().unwrap();
    assert_ne!(connection_id(&mut conn), id);
    assert_eq!(items::table.count(&mut conn).unwrap(), 0);
}

#[test]
fn an_engine_refuses_other_urls_and_options() {
    let err = Engine::mysql("postgres://u@localhost/db").unwrap_err();
    assert!(
        matches!(&err, Error::InvalidUrl { part, .. } if part == "scheme"),
        "{err:?}"
    );
    let err = Engine::mysql("mysql://u@localhost/db?sslmode=require").unwrap_err();
    assert!(matches!(err, Error::InvalidUrl { .. }), "{err:?}");
    // An ssl-mode that cannot be acted on (no CA to verify against) fails the build.
    let err = Engine::mysql("mysql://u@localhost/db?ssl-mode=VERIFY_CA").unwrap_err();
    assert!(
        matches!(&err, Error::InvalidUrl { part, .. } if part == "ssl-ca"),
        "{err:?}"
    );
}

#[test]
fn echo_logs_each_statement_with_its_connection() {
    let db = mariadb_database();
    db.connect().unwrap().batch_execute(ITEMS).unwrap();
    let engine = Engine::mysql_builder_url(db.url().clone())
        .echo(true)
        .build()
        .unwrap();
    let mut conn = engine.connect().unwrap();
    let id = conn.id();
    let (_, log) = capture_sql(|| {
        insert_into(items::table)
            .values(items::name.to("echoed"))
            .execute(&mut conn)
            .unwrap();
        items::table.count(&mut conn).unwrap();
    });
    assert_eq!(log.len(), 2, "{log:#?}");
    assert!(
        log[0].contains("INSERT INTO `items`") && log[0].contains("echoed"),
        "{log:#?}"
    );
    assert!(
        log.iter().all(|l| l.contains(&format!("conn={id} "))),
        "{log:#?}"
    );
}

const ACCOUNTS: &str = "CREATE TABLE accounts (id INT PRIMARY KEY, n INT NOT NULL);
    INSERT INTO accounts VALUES (1, 0), (2, 0);
    CREATE TABLE attempts (who TEXT NOT NULL)";

fn sum_of_accounts(conn: &mut Connection<Mysql>) -> i64 {
    scalar(conn, "SELECT CAST(SUM(n) AS SIGNED) FROM accounts")
}

#[test]
fn a_real_deadlock_is_retried_until_both_transactions_commit() {
    let db = mariadb_database();
    db.connect().unwrap().batch_execute(ACCOUNTS).unwrap();
    let barrier = Arc::new(Barrier::new(2));
    let worker = |first: i32, second: i32| {
        let mut conn = db.connect().unwrap();
        let barrier = Arc::clone(&barrier);
        let mut tries = 0;
        move || {
            let out = conn.build_transaction().run_with_retry(5, |tx| {
                tries += 1;
                tx.batch_execute(&format!("UPDATE accounts SET n = n + 1 WHERE id = {first}"))?;
                if tries == 1 {
                    // Both hold their first row before either asks for the other's.
                    barrier.wait();
                }
                tx.batch_execute(&format!(
                    "UPDATE accounts SET n = n + 1 WHERE id = {second}"
                ))
            });
            (out, tries)
        }
    };
    let (a, b) = (worker(1, 2), worker(2, 1));
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(a);
        let b = s.spawn(b);
        (a.join().unwrap(), b.join().unwrap())
    });
    a.0.unwrap();
    b.0.unwrap();
    // One of them was the deadlock's victim and ran again.
    assert!(a.1 + b.1 >= 3, "tries {} and {}", a.1, b.1);
    assert_eq!(sum_of_accounts(&mut db.connect().unwrap()), 4);
}

#[test]
fn a_lock_wait_timeout_rolls_the_attempt_back_before_the_retry() {
    let db = mariadb_database();
    db.connect().unwrap().batch_execute(ACCOUNTS).unwrap();
    let mut holder = db.connect().unwrap();
    holder
        .batch_execute("START TRANSACTION; UPDATE accounts SET n = 10 WHERE id = 1")
        .unwrap();
    let mut waiter = db.connect().unwrap();
    waiter
        .batch_execute("SET SESSION innodb_lock_wait_timeout = 1")
        .unwrap();
    let mut tries = 0;
    let mut seen = None;
    waiter
        .build_transaction()
        .run_with_retry(3, |tx| {
            tries += 1;
            if tries == 2 {
                // The first attempt timed out; let it through this time.
                holder.batch_execute("COMMIT").unwrap();
            }
            tx.batch_execute("INSERT INTO attempts VALUES ('waiter')")?;
            let result = tx.batch_execute("UPDATE accounts SET n = n + 1 WHERE id = 1");
            if let Err(e) = &result {
                seen = Some((e.kind(), e.is_retryable()));
            }
            result
        })
        .unwrap();
    assert_eq!(tries, 2);
    assert_eq!(seen, Some((Some(DbErrorKind::Busy), true)));
    // MySQL undid only the timed-out UPDATE; sqlwright rolled the first attempt's INSERT
    // back before running the transaction again, so it is there once.
    let attempts: i64 = scalar(&mut waiter, "SELECT COUNT(*) FROM attempts");
    assert_eq!(attempts, 1);
    assert_eq!(sum_of_accounts(&mut waiter), 11);
}

const CONSTRAINED: &str = "CREATE TABLE users (
        id INT PRIMARY KEY,
        email VARCHAR(100) NOT NULL,
        age INT NULL,
        UNIQUE KEY users_email_key (email),
        CONSTRAINT age_positive CHECK (age > 0)
    );
    CREATE TABLE orders (
        id INT PRIMARY KEY,
        user_id INT NOT NULL,
        CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
    );
    INSERT INTO users VALUES (1, 'ann@x', 30);
    INSERT INTO orders VALUES (1, 1)";

/// The kind, constraint, table and column of a database error.
fn named(err: &Error) -> (DbErrorKind, Option<&str>, Option<&str>, Option<&str>) {
    let e = err
        .database_error()
        .unwrap_or_else(|| panic!("not a database error: {err:?}"));
    (
        e.kind,
        e.constraint.as_deref(),
        e.table.as_deref(),
        e.column.as_deref(),
    )
}

#[test]
fn real_violations_name_their_key_constraint_table_and_column() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(CONSTRAINED).unwrap();
    let mut fails = |sql: &str| conn.batch_execute(sql).unwrap_err();
    let err = fails("INSERT INTO users VALUES (2, 'ann@x', 1)");
    assert_eq!(
        named(&err),
        (
            DbErrorKind::UniqueViolation,
            Some("users_email_key"),
            None,
            None
        )
    );
    let err = fails("INSERT INTO users VALUES (1, 'bob@x', 1)");
    assert_eq!(
        named(&err),
        (DbErrorKind::UniqueViolation, Some("PRIMARY"), None, None)
    );
    let err = fails("INSERT INTO orders VALUES (2, 99)");
    assert_eq!(
        named(&err),
        (
            DbErrorKind::ForeignKeyViolation,
            Some("orders_user_fk"),
            Some("orders"),
            None
        )
    );
    let err = fails("DELETE FROM users WHERE id = 1");
    assert_eq!(
        named(&err),
        (
            DbErrorKind::ForeignKeyViolation,
            Some("orders_user_fk"),
            Some("orders"),
            None
        )
    );
    let err = fails("INSERT INTO users VALUES (3, NULL, 1)");
    assert_eq!(
        named(&err),
        (DbErrorKind::NotNullViolation, None, None, Some("email"))
    );
    let err = fails("INSERT INTO users VALUES (3, 'cid@x', -1)");
    assert_eq!(
        named(&err),
        (
            DbErrorKind::CheckViolation,
            Some("age_positive"),
            Some("users"),
            None
        )
    );
    // `code` is PostgreSQL's SQLSTATE for the failure; the server's number and SQLSTATE are
    // kept in `detail`.
    let e = err.database_error().unwrap();
    assert_eq!(
        (e.code.as_str(), e.detail.as_deref()),
        ("23514", Some("MySQL error 4025 (SQLSTATE 23000)"))
    );
}

#[test]
fn a_read_past_read_timeout_is_a_timeout_and_closes_the_connection() {
    let db = mariadb_database();
    let url = db.url().clone().with_param("read_timeout", "1").unwrap();
    let mut conn = Connection::<Mysql>::open_url(&url).unwrap();
    let err = conn.batch_execute("SELECT SLEEP(3)").unwrap_err();
    assert!(
        matches!(err, Error::Timeout { waited, .. } if waited == Duration::from_secs(1)),
        "{err:?}"
    );
    assert!(err.is_connection_lost());
    assert!(conn.is_closed());
}

#[test]
fn raw_sql_binds_each_use_of_a_name_and_leaves_literals_alone() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(ITEMS).unwrap();
    let inserted = raw::sql("INSERT INTO items (name) VALUES (:name), (CONCAT(:name, ':name'))")
        .bind("name", "x")
        .execute(&mut conn)
        .unwrap();
    assert_eq!(inserted, 2);
    let rows = raw::sql(
        "SELECT id, name, ':id' AS lit, `name` = :name AS same FROM items \
         WHERE id >= :id AND id <= :id + 1 ORDER BY id -- :ignored",
    )
    .bind("id", 1)
    .bind("name", "x")
    .load(&mut conn)
    .unwrap();
    let got: Vec<(i32, String, String, bool)> = rows
        .iter()
        .map(|r| {
            (
                r.get("id").unwrap(),
                r.get("name").unwrap(),
                r.get("lit").unwrap(),
                r.get("same").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (1, "x".into(), ":id".into(), true),
            (2, "x:name".into(), ":id".into(), false),
        ]
    );
    // A column read as a type it does not fit names the column.
    let err = rows[1].get::<i32>("name").unwrap_err();
    assert!(
        matches!(&err, Error::Decode { column, .. } if column == "name"),
        "{err:?}"
    );
    let err = raw::sql("SELECT :missing").load(&mut conn).unwrap_err();
    assert!(matches!(err, Error::Misuse(_)), "{err:?}");
}

#[test]
fn a_failed_statement_makes_the_transaction_refuse_the_rest_and_roll_back() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(CONSTRAINED).unwrap();
    let err = conn
        .transaction(|tx| {
            tx.batch_execute("INSERT INTO users VALUES (2, 'bob@x', 1)")?;
            // MySQL undid only the failed INSERT and would run the next statement.
            let dup = tx
                .batch_execute("INSERT INTO users VALUES (3, 'ann@x', 1)")
                .unwrap_err();
            assert_eq!(dup.kind(), Some(DbErrorKind::UniqueViolation));
            let next = tx
                .batch_execute("INSERT INTO users VALUES (4, 'cid@x', 1)")
                .unwrap_err();
            assert_eq!(next.kind(), Some(DbErrorKind::InFailedTransaction));
            // Reflection's text queries too.
            let options = sqlwright::reflect::ReflectOptions::default();
            let reflected = sqlwright::reflect::reflect(&mut *tx, &options).unwrap_err();
            assert_eq!(reflected.kind(), Some(DbErrorKind::InFailedTransaction));
            Ok::<_, Error>(())
        })
        .unwrap_err();
    assert!(matches!(err, Error::TransactionAborted), "{err}");
    let users: i64 = scalar(&mut conn, "SELECT COUNT(*) FROM users");
    assert_eq!(users, 1);
}

/// A billion rows to count: longer than any test's patience, so only a timeout ends it.
const ENDLESS_COUNT: &str = "SELECT COUNT(*) FROM wide a CROSS JOIN wide b CROSS JOIN wide c";

fn wide(db: &MariadbDatabase) {
    db.connect()
        .unwrap()
        .batch_execute(
            "CREATE TABLE wide (id INT PRIMARY KEY);
             INSERT INTO wide (id)
             WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 1000)
             SELECT i FROM g",
        )
        .unwrap();
}

fn max_statement_time(conn: &mut Connection<Mysql>) -> f64 {
    scalar(conn, "SELECT @@SESSION.max_statement_time")
}

#[test]
fn a_statement_timeout_stops_long_statements_on_every_connection_of_an_engine() {
    let db = mariadb_database();
    wide(&db);
    let engine = Engine::mysql_builder_url(db.url().clone())
        .pool_size(1)
        .max_overflow(0)
        .statement_timeout(Duration::from_millis(1250))
        .build()
        .unwrap();
    let mut conn = engine.connect().unwrap();
    assert_eq!(max_statement_time(&mut conn), 1.25);
    let err = raw::sql(ENDLESS_COUNT).load(&mut *conn).unwrap_err();
    assert_eq!(err.kind(), Some(DbErrorKind::StatementTimeout), "{err:?}");
    // The connection goes on, and a user's change of the bound ends with its checkout.
    assert_eq!(scalar::<i64>(&mut conn, "SELECT COUNT(*) FROM wide"), 1000);
    conn.batch_execute("SET SESSION max_statement_time = 0")
        .unwrap();
    let id = connection_id(&mut conn);
    drop(conn);
    let mut conn = engine.connect().unwrap();
    assert_eq!(connection_id(&mut conn), id, "the same connection, reset");
    assert_eq!(max_statement_time(&mut conn), 1.25);
    let err = raw::sql(ENDLESS_COUNT).load(&mut *conn).unwrap_err();
    assert_eq!(err.kind(), Some(DbErrorKind::StatementTimeout), "{err:?}");
    // Inside a transaction the statement fails, and the transaction refuses to commit.
    let outcome: Result<(), Error> = conn.transaction(|tx| {
        tx.batch_execute("INSERT INTO wide (id) VALUES (5000)")?;
        raw::sql(ENDLESS_COUNT).load(tx)?;
        Ok(())
    });
    assert_eq!(
        outcome.unwrap_err().kind(),
        Some(DbErrorKind::StatementTimeout)
    );
    assert_eq!(scalar::<i64>(&mut conn, "SELECT COUNT(*) FROM wide"), 1000);

    // The async engine sets it the same way.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let engine = Engine::mysql_builder_url(db.url().clone())
        .statement_timeout(Duration::from_millis(1500))
        .build_async()
        .unwrap();
    runtime.block_on(async {
        let mut conn = engine.connect().await.unwrap();
        let rows = raw::sql("SELECT @@SESSION.max_statement_time")
            .load(&mut conn)
            .await
            .unwrap();
        assert_eq!(rows[0].get::<f64>(0).unwrap(), 1.5);
        let err = raw::sql(ENDLESS_COUNT).load(&mut conn).await.unwrap_err();
        assert_eq!(err.kind(), Some(DbErrorKind::StatementTimeout), "{err:?}");
    });
}

#[test]
fn a_statement_timeout_in_the_url_bounds_one_connection() {
    let db = mariadb_database();
    wide(&db);
    let url = db
        .url()
        .clone()
        .with_param("statement_timeout", "1.5")
        .unwrap();
    let mut conn = Connection::<Mysql>::open_url(&url).unwrap();
    assert_eq!(max_statement_time(&mut conn), 1.5);
    let err = raw::sql(ENDLESS_COUNT).load(&mut conn).unwrap_err();
    assert_eq!(err.kind(), Some(DbErrorKind::StatementTimeout), "{err:?}");
    assert_eq!(scalar::<i64>(&mut conn, "SELECT COUNT(*) FROM wide"), 1000);
    // Without it, no bound is set.
    let mut plain = db.connect().unwrap();
    assert_eq!(max_statement_time(&mut plain), 0.0);
    // A bound that cannot be set is refused when the engine is built, naming the option.
    for bad in [Duration::ZERO, Duration::from_secs(86_401)] {
        let err = Engine::mysql_builder_url(db.url().clone())
            .statement_timeout(bad)
            .build()
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidUrl { part, .. } if part == "statement_timeout"),
            "{err:?}"
        );
    }
}
