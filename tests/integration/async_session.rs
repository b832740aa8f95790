//! The unit of work on tokio: `AsyncSession` does what `Session` does (the same pending
//! list, insert order, one transaction, errors), with `commit` awaited. The shared bodies
//! run on a blocking `Session` and again on an `AsyncSession` (`go!` awaits); a commit
//! dropped at each of its await points, and a pooled session dropped dirty, have no
//! blocking counterpart and run on tokio only.

use crate::trickle::{poll_at_most, poll_until, server_address, Trickle};
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::session::Pending;
use sqlwright::testing;
use sqlwright::{AsyncConnection, AsyncSession, Connection, Engine};

sqlwright::table! {
    authors (id) {
        id -> Int4,
        #[unique] name -> Text,
    }
    books (id) {
        id -> Int4,
        #[references(authors::id)] author_id -> Int4,
        title -> Text,
    }
}

const SCHEMA: &str = "
CREATE TABLE authors (id int4 PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE books (id int4 PRIMARY KEY, author_id int4 NOT NULL REFERENCES authors (id),
                    title text NOT NULL);";

#[derive(sqlwright::Insertable, Clone)]
#[sqlwright(table = authors)]
struct NewAuthor {
    id: i32,
    name: String,
}

#[derive(sqlwright::Insertable, Clone)]
#[sqlwright(table = books)]
struct NewBook {
    id: i32,
    author_id: i32,
    title: String,
}

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = authors)]
struct Author {
    id: i32,
    name: String,
}

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = books)]
struct Book {
    id: i32,
    author_id: i32,
    title: String,
}

fn author(id: i32, name: &str) -> NewAuthor {
    NewAuthor {
        id,
        name: name.into(),
    }
}

fn book(id: i32, author_id: i32, title: &str) -> NewBook {
    NewBook {
        id,
        author_id,
        title: title.into(),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Defines `NAME::blocking` and `NAME::on_tokio`: `$body` runs on a fresh database with
/// `SCHEMA`, with `$session` a session over one connection and `$other` a second
/// connection of the same mode; `go!(run)` is the run's result (awaited on tokio).
macro_rules! session_modes {
    ($(fn $name:ident($session:ident, $other:ident) $body:block)*) => {$(
        mod $name {
            use super::*;

            #[test]
            fn blocking() {
                let db = testing::database();
                let mut conn = db.connect().unwrap();
                conn.batch_execute(SCHEMA).unwrap();
                let mut $other = db.connect().unwrap();
                let mut $session = Session::new(&mut conn);
                macro_rules! go {
                    ($run:expr) => {
                        $run
                    };
                }
                $body
            }

            #[test]
            fn on_tokio() {
                let db = testing::database();
                let url = db.url().clone();
                // Spawned, so the test also proves the session's futures are `Send`.
                let runtime = runtime();
                let task = runtime.spawn(async move {
                    let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
                    conn.batch_execute(SCHEMA).await.unwrap();
                    let mut $other = AsyncConnection::connect_url(&url).await.unwrap();
                    let mut $session = AsyncSession::new(&mut conn);
                    macro_rules! go {
                        ($run:expr) => {
                            $run.await
                        };
                    }
                    $body
                });
                runtime.block_on(task).unwrap();
            }
        }
    )*};
}

session_modes! {
    fn parents_first_committed_in_one_transaction_and_seen_by_others(session, other) {
        // Books before their authors: the commit inserts the authors first.
        session.add_all([book(1, 1, "Нос"), book(2, 1, "Шинель"), book(3, 2, "Чайка")]);
        session.add(author(1, "Гоголь"));
        session.add(author(2, "Чехов"));
        session.add_write(update(books::table).by_key(2).set(books::title.to("Ревизор")));
        assert!(!session.is_clean());
        assert_eq!(
            session.pending(),
            [
                Pending::Insert { table: "authors", rows: 2 },
                Pending::Insert { table: "books", rows: 3 },
                Pending::Statement {
                    sql: r#"UPDATE "books" SET "title" = $1 WHERE "books"."id" = $2"#.into()
                },
            ]
        );
        // Nothing is written before the commit.
        assert_eq!(go!(authors::table.count(&mut other)).unwrap(), 0);

        assert_eq!(go!(session.commit()).unwrap(), 6);
        assert!(session.is_clean());
        assert_eq!(session.failed(), None);
        assert_eq!(go!(session.commit()).unwrap(), 0, "nothing left to write");

        // Committed: another connection sees it all.
        let seen: Vec<(String, String)> = go!(books::table
            .inner_join(authors::table)
            .select((authors::name, books::title))
            .order_by(books::id)
            .load(&mut other))
        .unwrap();
        let expected = [("Гоголь", "Нос"), ("Гоголь", "Ревизор"), ("Чехов", "Чайка")]
            .map(|(a, b)| (a.to_string(), b.to_string()));
        assert_eq!(seen, expected);

        // Queries run through the session, on its connection: typed queries and
        // relation loaders alike.
        let own: Vec<(String, String)> = go!(books::table
            .inner_join(authors::table)
            .select((authors::name, books::title))
            .order_by(books::id)
            .load(&mut session))
        .unwrap();
        assert_eq!(own, expected);
        let people: Vec<Author> = go!(authors::table
            .select(Author::as_select())
            .order_by(authors::id)
            .load(&mut session))
        .unwrap();
        let shelves = go!(people.with_children::<Book, _>(books::author_id, &mut session))
            .unwrap();
        let shape: Vec<(&str, usize)> =
            shelves.iter().map(|(a, b)| (a.name.as_str(), b.len())).collect();
        assert_eq!(shape, [("Гоголь", 2), ("Чехов", 1)]);
    }

    fn rollback_discards_the_pending_work(session, other) {
        session.add(author(1, "Пушкин"));
        session.add_write(delete(authors::table).filter(authors::id.gt(0)));
        assert_eq!(session.pending().len(), 2);
        session.rollback();
        assert!(session.is_clean());
        assert_eq!(session.pending(), []);
        assert_eq!(go!(session.commit()).unwrap(), 0);
        assert_eq!(go!(authors::table.count(&mut other)).unwrap(), 0);
        // The session goes on.
        session.add(author(2, "Лермонтов"));
        assert_eq!(go!(session.commit()).unwrap(), 1);
        assert_eq!(go!(authors::table.count(&mut other)).unwrap(), 1);
    }

    fn a_failure_mid_commit_writes_nothing_and_names_the_failed_item(session, other) {
        // The authors insert runs, the books insert fails on its foreign key.
        session.add(author(1, "Гоголь"));
        session.add_all([book(1, 1, "Нос"), book(2, 99, "Нет автора")]);
        session.add_write(update(authors::table).by_key(1).set(authors::name.to("Н. Гоголь")));
        let err = go!(session.commit()).unwrap_err();
        assert_eq!(err.kind(), Some(DbErrorKind::ForeignKeyViolation), "{err}");
        let constraint = err.database_error().unwrap().constraint.as_deref();
        assert_eq!(constraint, Some("books_author_id_fkey"));
        assert_eq!(
            session.failed(),
            Some(&Pending::Insert { table: "books", rows: 2 })
        );
        // Rolled back whole: the author inserted before the failure is not there.
        assert_eq!(go!(authors::table.count(&mut other)).unwrap(), 0);
        assert_eq!(go!(authors::table.count(&mut session)).unwrap(), 0);
        // The pending work stays for inspection until rolled back.
        assert_eq!(session.pending().len(), 3);

        // A failing statement is named by its SQL.
        session.rollback();
        assert_eq!(session.failed(), None);
        session.add(author(1, "Гоголь"));
        session.add(author(2, "Чехов"));
        session.add_write(update(authors::table).by_key(2).set(authors::name.to("Гоголь")));
        let err = go!(session.commit()).unwrap_err();
        assert_eq!(err.kind(), Some(DbErrorKind::UniqueViolation), "{err}");
        assert_eq!(
            session.failed(),
            Some(&Pending::Statement {
                sql: r#"UPDATE "authors" SET "name" = $1 WHERE "authors"."id" = $2"#.into()
            })
        );
        assert_eq!(go!(authors::table.count(&mut other)).unwrap(), 0);

        // No transaction was left open: the next commit works.
        session.rollback();
        session.add(author(3, "Толстой"));
        assert_eq!(go!(session.commit()).unwrap(), 1);
        assert_eq!(go!(authors::table.count(&mut other)).unwrap(), 1);
    }
}

/// More polls than a commit here needs: past it the test fails instead of looping.
const MAX_POLLS: usize = 1000;

/// How many sessions of the test database sit idle inside a transaction.
fn idle_in_transaction(watcher: &mut Connection) -> String {
    let rows = watcher
        .query_text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'",
        )
        .unwrap();
    rows[0][0].clone().unwrap()
}

/// After the commit of round `n` was dropped: the author and the book of the round are
/// both written or neither; whether they were.
fn whole_or_nothing(watcher: &mut Connection, n: i32) -> bool {
    let authors = authors::table
        .filter(authors::id.eq(n))
        .count(&mut *watcher)
        .unwrap();
    let books = books::table
        .filter(books::id.eq(n))
        .count(&mut *watcher)
        .unwrap();
    assert_eq!(authors, books, "half a commit is visible after {n} polls");
    authors == 1
}

#[test]
fn a_commit_dropped_at_any_await_leaves_no_transaction_open() {
    let db = testing::database();
    let mut watcher = db.connect().unwrap();
    watcher.batch_execute(SCHEMA).unwrap();
    // Through a proxy passing the server's answers 16 bytes at a time, so that a commit
    // waits at several points however fast the machine answers.
    let proxy = Trickle::start(server_address(&mut watcher), usize::MAX, 16);
    let url = proxy.url(db.url());
    runtime().block_on(async move {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        let mut n = 0;
        loop {
            assert!(n < MAX_POLLS, "the commit never finished");
            let round = i32::try_from(n).unwrap() + 1;
            let mut session = AsyncSession::new(&mut conn);
            // The child first: the parent is inserted before it all the same.
            session.add(book(round, round, "Книга"));
            session.add(author(round, &format!("Автор {round}")));
            let finished = poll_at_most(session.commit(), n).await;
            if let Some(done) = &finished {
                assert_eq!(done.as_ref().ok(), Some(&2), "after {n} polls: {done:?}");
                assert!(session.is_clean());
            }
            drop(session);
            // A rollback still owed goes out ahead of the next request.
            let answer = conn.query_text("SELECT 41 + 1").await.unwrap();
            assert_eq!(
                answer,
                vec![vec![Some("42".to_string())]],
                "after {n} polls"
            );
            assert!(
                !conn.in_transaction(),
                "a transaction is open after {n} polls"
            );
            assert_eq!(idle_in_transaction(&mut watcher), "0", "after {n} polls");
            let written = whole_or_nothing(&mut watcher, round);
            if finished.is_some() {
                assert!(written, "a finished commit wrote nothing");
                break;
            }
            n += 1;
        }
        // BEGIN, two INSERTs and COMMIT each wait for the server's answer, which the
        // proxy passes a few bytes at a time: the rounds above must have dropped the
        // commit part-way at least twice.
        assert!(n >= 2, "the commit finished after {n} polls");
    });
}

#[test]
fn a_pooled_session_dropped_dirty_is_cleaned_before_reuse() {
    let db = testing::database();
    let mut watcher = db.connect().unwrap();
    watcher.batch_execute(SCHEMA).unwrap();
    // Through a proxy passing the server's answers 16 bytes at a time, so that a commit
    // waits at several points however fast the machine answers.
    let proxy = Trickle::start(server_address(&mut watcher), usize::MAX, 16);
    let url = proxy.url(db.url());
    runtime().block_on(async move {
        // One connection: each session gets the one the last left behind.
        let engine = Engine::builder_url(url)
            .pool_size(1)
            .max_overflow(0)
            .build_async()
            .unwrap();

        // Dropped with work pending and never committed: nothing is written.
        let mut session = engine.session().await.unwrap();
        session.add(author(100, "Никто"));
        drop(session);
        assert_eq!(
            authors::table
                .count(&mut engine.connect().await.unwrap())
                .await
                .unwrap(),
            0
        );

        // Dropped in the middle of its commit, for each await point the commit has.
        let mut n = 1;
        loop {
            assert!(n < MAX_POLLS, "the commit never finished");
            let round = i32::try_from(n).unwrap();
            let mut session = engine.session().await.unwrap();
            session.add(book(round, round, "Книга"));
            session.add(author(round, &format!("Автор {round}")));
            let finished = poll_at_most(session.commit(), n).await;
            drop(session);
            // The next checkout waits for the clean-up, which holds the connection.
            let mut conn = engine.connect().await.unwrap();
            assert!(
                !conn.in_transaction(),
                "a transaction is open after {n} polls"
            );
            assert_eq!(idle_in_transaction(&mut watcher), "0", "after {n} polls");
            let written = whole_or_nothing(&mut watcher, round);
            let mine = authors::table
                .filter(authors::id.eq(round))
                .count(&mut conn);
            assert_eq!(mine.await.unwrap(), i64::from(written), "after {n} polls");
            drop(conn);
            if finished.is_some() {
                assert!(written, "a finished commit wrote nothing");
                break;
            }
            n += 1;
        }
        // As in the test above: at least two drops part-way.
        assert!(n >= 2, "the commit finished after {n} polls");
        assert_eq!(engine.state().peak, 1);
    });
}

#[test]
fn a_session_over_a_transaction_commits_into_it() {
    let db = testing::database();
    let mut watcher = db.connect().unwrap();
    watcher.batch_execute(SCHEMA).unwrap();
    let url = db.url().clone();
    runtime().block_on(async move {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        let tx = conn.begin().await.unwrap();
        let mut session = AsyncSession::new(tx);
        session.add(book(1, 1, "Нос"));
        session.add(author(1, "Гоголь"));
        // A savepoint inside the open transaction: written there, not yet for others.
        assert_eq!(session.commit().await.unwrap(), 2);
        assert_eq!(books::table.count(&mut session).await.unwrap(), 1);
        assert_eq!(authors::table.count(&mut watcher).unwrap(), 0);
        // The enclosing transaction decides.
        session.into_inner().rollback().await.unwrap();
        assert_eq!(authors::table.count(&mut conn).await.unwrap(), 0);
        assert!(!conn.in_transaction());
    });
}

/// The INSERTs are split under PostgreSQL's 65535 parameters as the blocking session's.
#[test]
fn many_rows_are_split_under_the_parameter_limit() {
    let db = testing::database();
    let mut watcher = db.connect().unwrap();
    watcher.batch_execute(SCHEMA).unwrap();
    let url = db.url().clone();
    // On the test's own thread, where the log capture listens.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (written, log) = crate::session::capture_sql(|| {
        runtime.block_on(async move {
            let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
            let mut session = AsyncSession::new(&mut conn);
            session.add_all((0..40_000).map(|i| author(i, &format!("a{i}"))));
            session.commit().await.unwrap()
        })
    });
    assert_eq!(written, 40_000);
    let inserts = log.iter().filter(|l| l.contains("INSERT INTO")).count();
    assert_eq!(inserts, 2, "65535 parameters / 2 per row: two statements");
    assert_eq!(authors::table.count(&mut watcher).unwrap(), 40_000);
}

/// As the blocking session's test of the same name: statements borrow data that outlives
/// the session, and the commit future stays `Send` (it runs in a spawned task).
#[test]
fn a_session_over_a_borrowed_connection_with_borrowed_changes() {
    let db = testing::database();
    let url = db.url().clone();
    let runtime = runtime();
    let task = runtime.spawn(async move {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        conn.batch_execute(SCHEMA).await.unwrap();
        let new_name = String::from("Лермонтов");
        {
            let mut session = AsyncSession::new(&mut conn);
            session.add(author(1, "Тургенев"));
            session.add_write(
                update(authors::table)
                    .by_key(1)
                    .set(authors::name.to(&new_name)),
            );
            session.add_write(delete(authors::table).filter(authors::id.gt(100)));
            assert_eq!(session.commit().await.unwrap(), 2);
        }
        let names: Vec<String> = authors::table
            .select(authors::name)
            .load(&mut conn)
            .await
            .unwrap();
        assert_eq!(names, [new_name]);
    });
    runtime.block_on(task).unwrap();
}

#[test]
fn a_commit_dropped_while_its_commit_was_in_flight_is_not_repeated() {
    let db = testing::database();
    let mut watcher = db.connect().unwrap();
    watcher.batch_execute(SCHEMA).unwrap();
    let proxy = Trickle::start(server_address(&mut watcher), usize::MAX, usize::MAX);
    let url = proxy.url(db.url());
    runtime().block_on(async move {
        let mut conn = AsyncConnection::connect_url(&url).await.unwrap();
        let mut session = AsyncSession::new(&mut conn);
        session.add(book(1, 1, "Книга"));
        session.add(author(1, "Гоголь"));
        // The proxy holds the server's answers back from the moment COMMIT passes it, so
        // the commit is dropped with COMMIT surely sent and its answer surely unread.
        proxy.hold_answers_after(b"COMMIT");
        let finished = poll_until(session.commit(), || proxy.holding()).await;
        assert!(finished.is_none(), "{finished:?}");
        // Committing the same work again could write it twice: refused until looked at.
        match session.commit().await {
            Err(Error::Misuse(why)) => assert!(why.contains("rollback()"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(session.pending().len(), 2);
        proxy.release();
        session.rollback();
        assert!(session.is_clean());
        assert_eq!(session.commit().await.unwrap(), 0);
        drop(session);
        // The owed answer is read ahead of the next request; no transaction is left open.
        conn.query_text("SELECT 1").await.unwrap();
        assert!(!conn.in_transaction());
        // The COMMIT reached the server: the work is stored, whole and once.
        assert!(whole_or_nothing(&mut watcher, 1));
        assert_eq!(authors::table.count(&mut conn).await.unwrap(), 1);
    });
}
