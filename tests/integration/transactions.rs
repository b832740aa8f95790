//! Transactions: closure and guard forms, savepoints, isolation, read-only, retries, and
//! what happens when a statement inside fails.

use crate::both::{with, Fresh, TestBackend};
use crate::on_all;
use crate::schema::*;
use crate::twice::twice;
use crate::{engine_setup, setup};
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::Error;

fn add<E: Executor>(conn: &mut E, name: &str) -> Result<u64, Error> {
    insert_into(users::table)
        .values((users::name.to(name), users::email.to(format!("{name}@x"))))
        .execute(conn)
}

on_all!(
    closure_commits_on_ok_and_rolls_back_on_err,
    closure_rolls_back_on_panic_and_the_connection_stays_usable,
    nested_transactions_are_savepoints,
    a_failed_statement_makes_the_transaction_unable_to_commit,
    errors_found_before_sending_do_not_abort_the_transaction,
);

/// `users`, empty, on backend `B`.
fn empty<B: TestBackend>() -> Fresh<B> {
    with::<B>(USERS_SCHEMA, "")
}

fn names<B: sqlwright::backend::Backend>(conn: &mut Connection<B>) -> Vec<String> {
    users::table
        .select(users::name)
        .order_by(users::name)
        .load(conn)
        .unwrap()
}

fn closure_commits_on_ok_and_rolls_back_on_err<B: TestBackend>() {
    let mut db = empty::<B>();
    let n = db
        .conn
        .transaction(|tx| {
            assert!(tx.connection().in_transaction());
            add(tx, "Ann")?;
            add(tx, "Bob")
        })
        .unwrap();
    assert_eq!(n, 1);
    assert!(!db.conn.in_transaction());
    let err = db
        .conn
        .transaction(|tx| {
            add(tx, "Cid")?;
            Err::<(), _>(Error::NotFound)
        })
        .unwrap_err();
    assert!(matches!(err, Error::NotFound), "{err}");
    assert_eq!(names(&mut db.conn), ["Ann", "Bob"]);
}

fn closure_rolls_back_on_panic_and_the_connection_stays_usable<B: TestBackend>() {
    let mut db = empty::<B>();
    let conn = &mut db.conn;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = conn.transaction(|tx| {
            add(tx, "Ann").unwrap();
            panic!("boom");
            #[allow(unreachable_code)]
            Ok::<_, Error>(())
        });
    }));
    assert!(result.is_err());
    assert!(!db.conn.in_transaction());
    assert!(names(&mut db.conn).is_empty());
    add(&mut db.conn, "Bob").unwrap();
    assert_eq!(names(&mut db.conn), ["Bob"]);
}

/// [`add`] in either mode (a macro: the run is awaited on tokio).
macro_rules! add {
    ($conn:expr, $name:expr) => {{
        let name: &str = $name;
        go!(insert_into(users::table)
            .values((users::name.to(name), users::email.to(format!("{name}@x"))))
            .execute($conn))
    }};
}

/// [`names`] in either mode.
macro_rules! names {
    ($conn:expr) => {{
        let names: Vec<String> = go!(users::table
            .select(users::name)
            .order_by(users::name)
            .load($conn))
        .unwrap();
        names
    }};
}

twice! {
    fn guard_commits_explicitly_and_rolls_back_when_dropped<B>() {
        let mut db = with::<B>(USERS_SCHEMA, "");
        let mut tx = go!(db.conn.begin()).unwrap();
        add!(&mut tx, "Ann").unwrap();
        go!(tx.commit()).unwrap();
        {
            let mut tx = go!(db.conn.begin()).unwrap();
            add!(&mut tx, "Bob").unwrap();
            // dropped without commit
        }
        let mut tx = go!(db.conn.begin()).unwrap();
        add!(&mut tx, "Cid").unwrap();
        go!(tx.rollback()).unwrap();
        assert_eq!(names!(&mut db.conn), ["Ann"]);
    }
}

fn nested_transactions_are_savepoints<B: TestBackend>() {
    let mut db = empty::<B>();
    db.conn
        .transaction(|tx| {
            add(tx, "Ann")?;
            // The inner one fails: only its work is undone.
            let inner = tx.transaction(|inner| {
                assert!(inner.is_nested());
                add(inner, "Bob")?;
                add(inner, "Bob") // duplicate email
            });
            assert_eq!(
                inner.unwrap_err().kind(),
                Some(DbErrorKind::UniqueViolation)
            );
            // The inner one succeeds: released into the outer one.
            tx.transaction(|inner| add(inner, "Cid"))?;
            // A guard inside, rolled back.
            let mut guard = tx.begin()?;
            add(&mut guard, "Dee")?;
            guard.rollback()?;
            Ok::<_, Error>(())
        })
        .unwrap();
    assert_eq!(names(&mut db.conn), ["Ann", "Cid"]);
}

fn a_failed_statement_makes_the_transaction_unable_to_commit<B: TestBackend>() {
    let mut db = empty::<B>();
    add(&mut db.conn, "Ann").unwrap();
    let err = db
        .conn
        .transaction(|tx| {
            add(tx, "Bob")?;
            // The error is swallowed, but the server has aborted the transaction.
            let dup = add(tx, "Ann").unwrap_err();
            assert_eq!(dup.kind(), Some(DbErrorKind::UniqueViolation));
            let next = add(tx, "Cid").unwrap_err();
            assert_eq!(next.kind(), Some(DbErrorKind::InFailedTransaction));
            Ok::<_, Error>(())
        })
        .unwrap_err();
    assert!(matches!(err, Error::TransactionAborted), "{err}");
    assert!(err.to_string().contains("roll back"), "{err}");
    assert_eq!(names(&mut db.conn), ["Ann"]);
    // Nested transactions cannot start inside an aborted one either.
    let mut tx = db.conn.begin().unwrap();
    assert!(add(&mut tx, "Ann").is_err());
    assert!(matches!(tx.begin().unwrap_err(), Error::TransactionAborted));
    drop(tx);
    add(&mut db.conn, "Bob").unwrap();
}

#[test]
fn isolation_level_and_read_only_per_transaction_and_per_engine() {
    let e = engine_setup(EMPTY_USERS, |b| {
        b.isolation_level(IsolationLevel::RepeatableRead)
    });
    let mut conn = e.engine.connect().unwrap();
    let level = |tx: &mut sqlwright::Transaction<'_>| -> Result<String, Error> {
        Ok(sqlwright::raw::sql("SHOW transaction_isolation")
            .scalar::<String>(tx)?
            .unwrap_or_default())
    };
    assert_eq!(conn.transaction(level).unwrap(), "repeatable read");
    assert_eq!(
        conn.build_transaction().serializable().run(level).unwrap(),
        "serializable"
    );
    assert_eq!(
        conn.build_transaction()
            .isolation(IsolationLevel::ReadCommitted)
            .run(level)
            .unwrap(),
        "read committed"
    );
    let err = conn
        .build_transaction()
        .read_only()
        .run(|tx| add(tx, "Ann"))
        .unwrap_err();
    assert_eq!(err.kind(), Some(DbErrorKind::ReadOnlyTransaction), "{err}");
    assert!(err.to_string().contains("read-only"), "{err}");
    // A savepoint cannot choose its own isolation.
    let err = conn
        .transaction(|tx| {
            tx.build_transaction()
                .serializable()
                .run(|_| Ok::<_, Error>(()))
        })
        .unwrap_err();
    assert!(matches!(err, Error::Misuse(_)), "{err}");
}

/// Makes the next write of `id`'s row by the transaction that read it conflict: another
/// connection updates the row and commits in between.
fn concurrent_update(url: &sqlwright::DatabaseUrl) {
    let mut other = Connection::connect_url(url).unwrap();
    update(users::table)
        .by_key(1)
        .set(users::age.to(Some(99)))
        .execute(&mut other)
        .unwrap();
}

#[test]
fn retry_runs_serialization_failures_again_up_to_a_bound() {
    let e = engine_setup(EMPTY_USERS, |b| b);
    let mut conn = e.engine.connect().unwrap();
    add(&mut *conn, "Ann").unwrap();
    let url = e.db.url().clone();

    // The first attempt conflicts, the second succeeds.
    let mut attempts = 0;
    let age = conn
        .build_transaction()
        .serializable()
        .run_with_retry(3, |tx| {
            attempts += 1;
            let age: Option<i32> = users::table.by_key(1).select(users::age).one(tx)?;
            if attempts == 1 {
                concurrent_update(&url);
            }
            update(users::table)
                .by_key(1)
                .set(users::age.to(Some(age.unwrap_or(0) + 1)))
                .execute(tx)?;
            Ok(age)
        })
        .unwrap();
    assert_eq!((attempts, age), (2, Some(99)));
    let stored: Option<i32> = users::table
        .by_key(1)
        .select(users::age)
        .one(&mut *conn)
        .unwrap();
    assert_eq!(stored, Some(100));

    // Always conflicting: three attempts, then the error.
    let mut attempts = 0;
    let err = conn
        .transaction_with_retry(3, |tx| {
            attempts += 1;
            tx.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")?;
            users::table.by_key(1).select(users::age).one(tx)?;
            concurrent_update(&url);
            update(users::table)
                .by_key(1)
                .set(users::age.to(Some(1)))
                .execute(tx)
        })
        .unwrap_err();
    assert_eq!(attempts, 3);
    assert_eq!(err.kind(), Some(DbErrorKind::SerializationFailure), "{err}");
    assert!(err.is_retryable());
    assert!(
        err.to_string().contains("run the transaction again"),
        "{err}"
    );

    // Other errors are not retried.
    let mut attempts = 0;
    let err = e
        .engine
        .transaction_with_retry(5, |tx| {
            attempts += 1;
            add(tx, "Ann")
        })
        .unwrap_err();
    assert_eq!(
        (attempts, err.kind()),
        (1, Some(DbErrorKind::UniqueViolation))
    );
}

#[test]
fn deadlocks_are_typed_and_retryable() {
    let e = engine_setup(EMPTY_USERS, |b| b);
    let mut conn = e.engine.connect().unwrap();
    add(&mut *conn, "Ann").unwrap();
    add(&mut *conn, "Bob").unwrap();
    drop(conn);
    let barrier = std::sync::Barrier::new(2);
    let results: Vec<Result<(), Error>> = std::thread::scope(|s| {
        let run = |first: i32, second: i32| {
            let engine = e.engine.clone();
            let barrier = &barrier;
            s.spawn(move || {
                engine.transaction(|tx| {
                    let lock = |tx: &mut sqlwright::Transaction<'_>, id: i32| {
                        update(users::table)
                            .by_key(id)
                            .set(users::age.to(Some(id)))
                            .execute(tx)
                    };
                    lock(tx, first)?;
                    barrier.wait();
                    lock(tx, second)?;
                    Ok::<_, Error>(())
                })
            })
        };
        let a = run(1, 2);
        let b = run(2, 1);
        vec![a.join().unwrap(), b.join().unwrap()]
    });
    let failed: Vec<&Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(failed.len(), 1, "{results:?}");
    assert_eq!(
        failed[0].kind(),
        Some(DbErrorKind::Deadlock),
        "{}",
        failed[0]
    );
    assert!(failed[0].is_retryable());
}

#[test]
fn an_ignored_failure_still_blocks_the_commit() {
    let mut db = setup(EMPTY_USERS);
    let err = db
        .conn
        .transaction(|tx| {
            add(tx, "Ann")?;
            // The failure is dropped on the floor; the server aborted the transaction.
            let _ = tx.connection().query_text("SELECT 1/0");
            Ok::<_, Error>(())
        })
        .unwrap_err();
    assert!(matches!(err, Error::TransactionAborted), "{err}");
    assert!(names(&mut db.conn).is_empty());
}

fn errors_found_before_sending_do_not_abort_the_transaction<B: TestBackend>() {
    let mut db = empty::<B>();
    db.conn
        .transaction(|tx| {
            add(tx, "Ann")?;
            assert!(matches!(add(tx, "Bad\0name"), Err(Error::NulInText)));
            add(tx, "Bob")
        })
        .unwrap();
    assert_eq!(names(&mut db.conn), ["Ann", "Bob"]);
    // Retrying a nested transaction is refused: only the outermost one can be rerun.
    let err = db
        .conn
        .transaction(|tx| tx.transaction_with_retry(3, |inner| add(inner, "Cid")))
        .unwrap_err();
    assert!(matches!(err, Error::Misuse(_)), "{err}");
}
