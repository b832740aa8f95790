//! The unit of work: pending rows and statements written in one transaction.

use crate::both::{spelled, with, TestBackend};
use crate::engine_setup;
use crate::on_all;
use sqlwright::backend::Dialect;
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::session::Pending;

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

on_all!(
    commit_writes_parents_first_in_one_multi_row_insert_per_table,
    a_failed_commit_writes_nothing_and_the_session_goes_on,
    a_session_over_a_borrowed_connection_with_borrowed_changes,
);

/// The tables, for [`with`] on any backend.
const TABLES: sqlwright::ddl::Schema = sqlwright::schema!(authors, books);

const SCHEMA: &str = "
CREATE TABLE authors (id int4 PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE books (id int4 PRIMARY KEY, author_id int4 NOT NULL REFERENCES authors (id),
                    title text NOT NULL);";

#[derive(sqlwright::Insertable, Clone)]
#[sqlwright(table = authors)]
struct Author {
    id: i32,
    name: String,
}

#[derive(sqlwright::Insertable, Clone)]
#[sqlwright(table = books)]
struct Book {
    id: i32,
    author_id: i32,
    title: String,
}

/// Collects the SQL log lines of every statement event emitted on this thread while `f`
/// runs. One global subscriber routes events to the capturing thread's buffer (scoped
/// subscribers in parallel tests can miss events through tracing's interest cache).
pub fn capture_sql<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    use std::cell::RefCell;
    thread_local! {
        static BUFFER: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
    }
    struct ThreadBuffer;
    impl std::io::Write for ThreadBuffer {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            BUFFER.with(|buf| {
                if let Some(buf) = buf.borrow_mut().as_mut() {
                    buf.extend_from_slice(b);
                }
            });
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .without_time()
            .with_writer(|| ThreadBuffer)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
    });
    BUFFER.with(|buf| *buf.borrow_mut() = Some(Vec::new()));
    let out = f();
    let bytes = BUFFER
        .with(|buf| buf.borrow_mut().take())
        .unwrap_or_default();
    let text = String::from_utf8(bytes).unwrap();
    let lines = text
        .lines()
        .filter(|l| l.contains(sqlwright::SQL_LOG_TARGET))
        .map(str::to_string)
        .collect();
    (out, lines)
}

fn commit_writes_parents_first_in_one_multi_row_insert_per_table<B: TestBackend>() {
    let mut db = with::<B>(TABLES, "");
    let mut session = Session::new(&mut db.conn);
    // Books are added before their authors; the commit inserts authors first.
    session.add_all((1..=3).map(|i| Book {
        id: i,
        author_id: if i == 3 { 2 } else { 1 },
        title: format!("Книга {i}"),
    }));
    session.add(Author {
        id: 1,
        name: "Толстой".into(),
    });
    session.add(Author {
        id: 2,
        name: "Чехов".into(),
    });
    session.add_write(update(books::table).by_key(3).set(books::title.to("Чайка")));
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
                // As it will be sent: in the connection's own spelling.
                sql: match B::DIALECT {
                    Dialect::Sqlite => r#"UPDATE "books" SET "title" = ?1 WHERE "books"."id" = ?2"#,
                    Dialect::Mysql => "UPDATE `books` SET `title` = ? WHERE `books`.`id` = ?",
                    _ => r#"UPDATE "books" SET "title" = $1 WHERE "books"."id" = $2"#,
                }
                .into()
            },
        ]
    );
    let (written, log) = capture_sql(|| session.commit().unwrap());
    assert_eq!(written, 6);
    assert!(session.is_clean());
    let statements: Vec<&String> = log.iter().filter(|l| l.contains("sql=")).collect();
    assert_eq!(statements.len(), 5, "{log:#?}"); // BEGIN, 2 INSERTs, UPDATE, COMMIT
    let begin = match B::DIALECT {
        Dialect::Mysql => "START TRANSACTION",
        _ => "BEGIN",
    };
    assert!(statements[0].contains(begin) && statements[4].contains("COMMIT"));
    assert!(
        statements[1].contains(&spelled::<B>(r#"INSERT INTO "authors""#)),
        "{}",
        statements[1]
    );
    assert!(
        statements[2].contains(&spelled::<B>("($4, $5, $6), ($7, $8, $9)")),
        "{}",
        statements[2]
    );
    let titles: Vec<(String, String)> = books::table
        .inner_join(authors::table)
        .select((authors::name, books::title))
        .order_by(books::id)
        .load(&mut session)
        .unwrap();
    assert_eq!(
        titles,
        [
            ("Толстой".to_string(), "Книга 1".to_string()),
            ("Толстой".to_string(), "Книга 2".to_string()),
            ("Чехов".to_string(), "Чайка".to_string()),
        ]
    );
}

fn a_failed_commit_writes_nothing_and_the_session_goes_on<B: TestBackend>() {
    let mut db = with::<B>(TABLES, "");
    let mut session = Session::new(&mut db.conn);
    session.add(Author {
        id: 1,
        name: "Пушкин".into(),
    });
    session.commit().unwrap();

    session.add(Author {
        id: 2,
        name: "Гоголь".into(),
    });
    session.add(Book {
        id: 1,
        author_id: 2,
        title: "Нос".into(),
    });
    session.add(Book {
        id: 2,
        author_id: 99,
        title: "Нет автора".into(),
    });
    let err = session.commit().unwrap_err();
    assert_eq!(err.kind(), Some(DbErrorKind::ForeignKeyViolation), "{err}");
    // PostgreSQL names the constraint it made; SQLite's foreign-key message names nothing.
    let constraint = err.database_error().unwrap().constraint.as_deref();
    match B::DIALECT {
        Dialect::Sqlite => assert_eq!(constraint, None),
        _ => assert_eq!(constraint, Some("books_author_id_fkey")),
    }
    // Nothing was half-written: Гоголь, inserted before the failing book, is not there.
    assert_eq!(authors::table.count(&mut session).unwrap(), 1);
    assert_eq!(books::table.count(&mut session).unwrap(), 0);
    assert!(!session.connection().in_transaction());
    // The pending work stays for inspection until rolled back.
    assert_eq!(session.pending().len(), 2);
    session.rollback();
    assert!(session.is_clean());
    session.add(Author {
        id: 2,
        name: "Гоголь".into(),
    });
    session.add(Book {
        id: 1,
        author_id: 2,
        title: "Нос".into(),
    });
    assert_eq!(session.commit().unwrap(), 2);
    // A unique violation reports the constraint too.
    session.add(Author {
        id: 3,
        name: "Гоголь".into(),
    });
    let err = session.commit().unwrap_err();
    assert_eq!(err.kind(), Some(DbErrorKind::UniqueViolation));
    // PostgreSQL names the constraint it made; SQLite names the column it covers.
    let named = match B::DIALECT {
        Dialect::Sqlite => "authors.name",
        _ => "authors_name_key",
    };
    assert!(err.to_string().contains(named), "{err}");
    session.rollback();
    assert_eq!(session.commit().unwrap(), 0);
}

fn a_session_over_a_borrowed_connection_with_borrowed_changes<B: TestBackend>() {
    let mut db = with::<B>(TABLES, "");
    let conn = &mut db.conn;
    let new_name = String::from("Лермонтов");
    {
        let mut session = Session::new(&mut *conn);
        session.add(Author {
            id: 1,
            name: "Тургенев".into(),
        });
        session.add_write(
            update(authors::table)
                .by_key(1)
                .set(authors::name.to(&new_name)),
        );
        session.add_write(delete(authors::table).filter(authors::id.gt(100)));
        session.commit().unwrap();
    }
    let names: Vec<String> = authors::table.select(authors::name).load(conn).unwrap();
    assert_eq!(names, ["Лермонтов"]);
}

/// PostgreSQL's for now: the session splits at PostgreSQL's 65535 parameters whatever the
/// backend, so on SQLite (at most 32766) 40 000 two-column rows fail with
/// `Error::Parameter("the statement has 65534 parameters; SQLite takes at most 32766 ..")`.
#[test]
fn many_rows_are_split_under_the_parameter_limit() {
    let e = engine_setup(SCHEMA, |b| b);
    let mut session = e.engine.session().unwrap();
    session.add_all((0..40_000).map(|i| Author {
        id: i,
        name: format!("a{i}"),
    }));
    let (written, log) = capture_sql(|| session.commit().unwrap());
    assert_eq!(written, 40_000);
    let inserts = log.iter().filter(|l| l.contains("INSERT INTO")).count();
    assert_eq!(inserts, 2, "65535 parameters / 2 per row: two statements");
    assert_eq!(authors::table.count(&mut session).unwrap(), 40_000);
}
