//! `AsyncSession` on MariaDB: the unit of work of `tests/integration/async_session.rs` over
//! an `AsyncMysqlConnection`, a pooled MySQL connection and an async MySQL transaction
//! (parents inserted before children, one transaction, the failed item named, nothing
//! written on failure), and its cancel safety: a commit dropped after every number of
//! polls, over the shared proxy that trickles the server's answers, leaves no transaction
//! open on the connection or on the server, and never half of its work.

use crate::trickle::{innodb_transactions, poll_at_most, poll_until, Trickle};
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::session::Pending;
use sqlwright::testing::mariadb_database;
use sqlwright::{raw, AsyncMysqlConnection, AsyncSession, Connection, Engine, Error, Mysql};

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
CREATE TABLE authors (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE);
CREATE TABLE books (id INT PRIMARY KEY, author_id INT NOT NULL, title TEXT NOT NULL,
                    CONSTRAINT books_author FOREIGN KEY (author_id) REFERENCES authors (id))";

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

/// More polls than a commit here needs: past it the test fails instead of looping.
const MAX_POLLS: usize = 5000;

#[test]
fn parents_first_committed_in_one_transaction_and_seen_by_others() {
    let db = mariadb_database();
    let mut other = db.connect().unwrap();
    other.batch_execute(SCHEMA).unwrap();
    let url = db.url().clone();
    let runtime = runtime();
    // Spawned, so the test also proves the session's futures are `Send` on MySQL.
    let task = runtime.spawn(async move {
        let mut conn = AsyncMysqlConnection::open_url(&url).await.unwrap();
        let mut session = AsyncSession::new(&mut conn);
        // Books before their authors: the commit inserts the authors first.
        session.add_all([book(1, 1, "Нос"), book(2, 1, "Шинель"), book(3, 2, "Чайка")]);
        session.add(author(1, "Гоголь"));
        session.add(author(2, "Чехов"));
        session.add_write(
            update(books::table)
                .by_key(2)
                .set(books::title.to("Ревизор")),
        );
        assert_eq!(
            session.pending(),
            [
                Pending::Insert {
                    table: "authors",
                    rows: 2
                },
                Pending::Insert {
                    table: "books",
                    rows: 3
                },
                Pending::Statement {
                    sql: "UPDATE `books` SET `title` = ? WHERE `books`.`id` = ?".into()
                },
            ]
        );
        // Nothing is written before the commit.
        assert_eq!(authors::table.count(&mut other).unwrap(), 0);
        assert_eq!(session.commit().await.unwrap(), 6);
        assert!(session.is_clean());
        assert_eq!(session.failed(), None);
        assert_eq!(session.commit().await.unwrap(), 0, "nothing left to write");

        // Committed: another connection sees it all.
        let seen: Vec<(String, String)> = books::table
            .inner_join(authors::table)
            .select((authors::name, books::title))
            .order_by(books::id)
            .load(&mut other)
            .unwrap();
        let expected = [("Гоголь", "Нос"), ("Гоголь", "Ревизор"), ("Чехов", "Чайка")]
            .map(|(a, b)| (a.to_string(), b.to_string()));
        assert_eq!(seen, expected);

        // Queries and relation loaders run through the session, on its connection.
        let people: Vec<Author> = authors::table
            .select(Author::as_select())
            .order_by(authors::id)
            .load(&mut session)
            .await
            .unwrap();
        let shelves = people
            .with_children::<Book, _>(books::author_id, &mut session)
            .await
            .unwrap();
        let shape: Vec<(&str, usize)> = shelves
            .iter()
            .map(|(a, b)| (a.name.as_str(), b.len()))
            .collect();
        assert_eq!(shape, [("Гоголь", 2), ("Чехов", 1)]);

        // Rolled back: the pending work is dropped, the session goes on.
        session.add(author(3, "Пушкин"));
        session.add_write(delete(authors::table).filter(authors::id.gt(0)));
        session.rollback();
        assert!(session.is_clean());
        assert_eq!(session.commit().await.unwrap(), 0);
        assert_eq!(authors::table.count(&mut other).unwrap(), 2);
    });
    runtime.block_on(task).unwrap();
}

#[test]
fn a_failure_mid_commit_writes_nothing_and_names_the_failed_item() {
    let db = mariadb_database();
    let mut other = db.connect().unwrap();
    other.batch_execute(SCHEMA).unwrap();
    runtime().block_on(async {
        let mut conn = AsyncMysqlConnection::open_url(db.url()).await.unwrap();
        let mut session = AsyncSession::new(&mut conn);
        // The authors insert runs, the books insert fails on its foreign key.
        session.add(author(1, "Гоголь"));
        session.add_all([book(1, 1, "Нос"), book(2, 99, "Нет автора")]);
        session.add_write(
            update(authors::table)
                .by_key(1)
                .set(authors::name.to("Н. Гоголь")),
        );
        let err = session.commit().await.unwrap_err();
        assert_eq!(err.kind(), Some(DbErrorKind::ForeignKeyViolation), "{err}");
        assert_eq!(
            err.database_error().unwrap().constraint.as_deref(),
            Some("books_author")
        );
        assert_eq!(
            session.failed(),
            Some(&Pending::Insert {
                table: "books",
                rows: 2
            })
        );
        // Rolled back whole: the author inserted before the failure is not there.
        assert_eq!(authors::table.count(&mut other).unwrap(), 0);
        assert_eq!(authors::table.count(&mut session).await.unwrap(), 0);
        assert_eq!(session.pending().len(), 3);

        // A failing statement is named by its SQL.
        session.rollback();
        session.add(author(1, "Гоголь"));
        session.add(author(2, "Чехов"));
        session.add_write(
            update(authors::table)
                .by_key(2)
                .set(authors::name.to("Гоголь")),
        );
        let err = session.commit().await.unwrap_err();
        assert_eq!(err.kind(), Some(DbErrorKind::UniqueViolation), "{err}");
        assert_eq!(
            session.failed(),
            Some(&Pending::Statement {
                sql: "UPDATE `authors` SET `name` = ? WHERE `authors`.`id` = ?".into()
            })
        );
        assert_eq!(authors::table.count(&mut other).unwrap(), 0);

        // No transaction was left open: the next commit works.
        session.rollback();
        session.add(author(3, "Толстой"));
        assert_eq!(session.commit().await.unwrap(), 1);
        assert_eq!(authors::table.count(&mut other).unwrap(), 1);
    });
}

/// No transaction open on `conn`: by its own count, the server's `@@in_transaction`, and
/// InnoDB's list of transactions (`information_schema.innodb_trx`, for its session only:
/// other tests share the server).
async fn no_transaction(
    conn: &mut AsyncMysqlConnection,
    watcher: &mut Connection<Mysql>,
    n: usize,
) {
    assert!(!conn.in_transaction(), "after {n} polls");
    let rows = raw::sql("SELECT 41 + 1, @@in_transaction, CONNECTION_ID()")
        .load(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("after {n} polls the connection failed: {e}"));
    assert_eq!(rows[0].get::<i64>(0).unwrap(), 42, "after {n} polls");
    assert_eq!(rows[0].get::<i64>(1).unwrap(), 0, "after {n} polls");
    let id = rows[0].get::<i64>(2).unwrap();
    assert_eq!(innodb_transactions(watcher, id), 0, "after {n} polls");
}

/// After the commit of round `n` was dropped: the author and the book of the round are
/// both written or neither; whether they were.
fn whole_or_nothing(watcher: &mut Connection<Mysql>, n: i32) -> bool {
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

fn proxy_for(db: &sqlwright::testing::MariadbDatabase) -> Trickle {
    // The server's answers passed 16 bytes at a time, so that a commit waits at several
    // points however fast the machine answers.
    Trickle::start(("127.0.0.1".into(), db.url().port.unwrap()), usize::MAX, 16)
}

#[test]
fn a_commit_dropped_at_any_await_leaves_no_transaction_open() {
    let db = mariadb_database();
    let mut watcher = db.connect().unwrap();
    watcher.batch_execute(SCHEMA).unwrap();
    let proxy = proxy_for(&db);
    let url = proxy.mysql_url(db.url());
    runtime().block_on(async move {
        let mut conn = AsyncMysqlConnection::open_url(&url).await.unwrap();
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
            // A rollback still owed goes out ahead of the next statement.
            no_transaction(&mut conn, &mut watcher, n).await;
            let written = whole_or_nothing(&mut watcher, round);
            if finished.is_some() {
                assert!(written, "a finished commit wrote nothing");
                break;
            }
            n += 1;
        }
        // START TRANSACTION, two INSERTs (each prepared, then executed) and COMMIT wait
        // for answers the proxy passes a few bytes at a time.
        assert!(n >= 4, "the commit finished after {n} polls");
    });
}

#[test]
fn a_pooled_session_dropped_dirty_is_cleaned_before_reuse() {
    let db = mariadb_database();
    let mut watcher = db.connect().unwrap();
    watcher.batch_execute(SCHEMA).unwrap();
    let proxy = proxy_for(&db);
    let url = proxy.mysql_url(db.url());
    runtime().block_on(async move {
        // One connection: each session gets the one the last left behind.
        let engine = Engine::mysql_builder_url(url)
            .pool_size(1)
            .max_overflow(0)
            .build_async()
            .unwrap();

        // Dropped with work pending and never committed: nothing is written.
        let mut session = engine.session().await.unwrap();
        session.add(author(100, "Никто"));
        drop(session);
        let mut conn = engine.connect().await.unwrap();
        assert_eq!(authors::table.count(&mut conn).await.unwrap(), 0);
        drop(conn);

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
            // The next checkout waits for the reset, which holds the connection.
            let mut conn = engine.connect().await.unwrap();
            no_transaction(&mut conn, &mut watcher, n).await;
            let written = whole_or_nothing(&mut watcher, round);
            let mine = authors::table
                .filter(authors::id.eq(round))
                .count(&mut conn)
                .await
                .unwrap();
            assert_eq!(mine, i64::from(written), "after {n} polls");
            drop(conn);
            if finished.is_some() {
                assert!(written, "a finished commit wrote nothing");
                break;
            }
            n += 1;
        }
        assert!(n >= 4, "the commit finished after {n} polls");
        assert_eq!(engine.state().peak, 1);
    });
}

#[test]
fn a_session_over_a_transaction_commits_into_it() {
    let db = mariadb_database();
    let mut watcher = db.connect().unwrap();
    watcher.batch_execute(SCHEMA).unwrap();
    runtime().block_on(async {
        let mut conn = AsyncMysqlConnection::open_url(db.url()).await.unwrap();
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

        // Committed by the enclosing transaction, the session's work is stored.
        let tx = conn.begin().await.unwrap();
        let mut session = AsyncSession::new(tx);
        session.add(author(2, "Чехов"));
        assert_eq!(session.commit().await.unwrap(), 1);
        session.into_inner().commit().await.unwrap();
        assert_eq!(authors::table.count(&mut watcher).unwrap(), 1);
    });
}

#[test]
fn a_commit_dropped_while_its_commit_was_in_flight_is_not_repeated() {
    let db = mariadb_database();
    let mut watcher = db.connect().unwrap();
    watcher.batch_execute(SCHEMA).unwrap();
    let proxy = Trickle::start(
        ("127.0.0.1".into(), db.url().port.unwrap()),
        usize::MAX,
        usize::MAX,
    );
    let url = proxy.mysql_url(db.url());
    runtime().block_on(async move {
        let mut conn = AsyncMysqlConnection::open_url(&url).await.unwrap();
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
        // The owed answer is read ahead of the next statement; no transaction is left open.
        no_transaction(&mut conn, &mut watcher, 1).await;
        // The COMMIT reached the server: the work is stored, whole and once.
        assert!(whole_or_nothing(&mut watcher, 1));
        assert_eq!(authors::table.count(&mut conn).await.unwrap(), 1);
    });
}
