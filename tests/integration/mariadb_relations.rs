//! Lists, relation loading and the Session on MariaDB. MySQL has no arrays: a list's
//! elements are bound one by one (padded to a power of two, so a few prepared statements
//! serve every length), and a composite key's lists go as JSON arrays read with
//! `JSON_TABLE`. Tables are created with hand-written MySQL DDL.

use crate::session::capture_sql;
use sqlwright::prelude::*;
use sqlwright::testing::{mariadb_database, MariadbDatabase};
use sqlwright::{Connection, Error, Mysql};

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
    lines (order_id, line_no) {
        order_id -> Int4,
        line_no -> Int4,
        product -> Text,
    }
    #[foreign_key((order_id, line_no) -> lines (order_id, line_no), name = line)]
    shipments (id) {
        id -> Int4,
        order_id -> Int4,
        line_no -> Int4,
        carrier -> Text,
    }
}

const TABLES: &str = "
CREATE TABLE authors (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE);
CREATE TABLE books (id INT PRIMARY KEY, author_id INT NOT NULL, title TEXT NOT NULL,
                    FOREIGN KEY (author_id) REFERENCES authors (id));
CREATE TABLE `lines` (order_id INT, line_no INT, product TEXT NOT NULL,
                      PRIMARY KEY (order_id, line_no));
CREATE TABLE shipments (id INT PRIMARY KEY, order_id INT NOT NULL, line_no INT NOT NULL,
                        carrier TEXT NOT NULL,
                        FOREIGN KEY (order_id, line_no) REFERENCES `lines` (order_id, line_no))";

const ROWS: &str = "
INSERT INTO authors VALUES (1, 'Толстой'), (2, 'Чехов'), (3, 'Гоголь');
INSERT INTO books VALUES (1, 1, 'Война и мир'), (2, 1, 'Анна Каренина'), (3, 2, 'Чайка');
INSERT INTO `lines` VALUES (1, 1, 'milk'), (1, 2, 'bread'), (2, 1, 'milk');
INSERT INTO shipments VALUES (1, 1, 1, 'DHL'), (2, 1, 1, 'UPS'), (3, 2, 1, 'DHL')";

#[derive(sqlwright::Row, sqlwright::Insertable, Debug, Clone, PartialEq)]
#[sqlwright(table = authors)]
struct Author {
    id: i32,
    name: String,
}

#[derive(sqlwright::Row, sqlwright::Insertable, Debug, Clone, PartialEq)]
#[sqlwright(table = books)]
struct Book {
    id: i32,
    author_id: i32,
    title: String,
}

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = lines)]
struct Line {
    order_id: i32,
    line_no: i32,
    product: String,
}

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = shipments)]
struct Shipment {
    id: i32,
    order_id: i32,
    line_no: i32,
    carrier: String,
}

fn fixture(rows: bool) -> (MariadbDatabase, Connection<Mysql>) {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(TABLES).unwrap();
    if rows {
        conn.batch_execute(ROWS).unwrap();
    }
    (db, conn)
}

fn statements(log: &[String]) -> usize {
    log.iter().filter(|l| l.contains(" statement ")).count()
}

#[test]
fn in_lists_of_any_length_integers_and_text() {
    let (_db, mut conn) = fixture(true);
    for ids in [vec![], vec![2], (1..=20).collect::<Vec<i32>>()] {
        let found: Vec<i32> = authors::table
            .filter(authors::id.in_(ids.clone()))
            .select(authors::id)
            .order_by(authors::id)
            .load(&mut conn)
            .unwrap();
        let expected: Vec<i32> = ids.iter().copied().filter(|i| *i <= 3).collect();
        assert_eq!(found, expected);
        let others: Vec<i32> = authors::table
            .filter(authors::id.not_in(ids.clone()))
            .select(authors::id)
            .load(&mut conn)
            .unwrap();
        assert_eq!(others.len() + expected.len(), 3);
    }
    // Text compares byte for byte (the test database's collation), quotes and all.
    let names: Vec<String> = authors::table
        .filter(authors::name.in_(vec!["Чехов", "чехов", "Nobody\"'", "Гоголь"]))
        .select(authors::name)
        .order_by(authors::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(names, ["Чехов", "Гоголь"]);
}

#[test]
fn children_and_parents_load_in_one_statement() {
    let (_db, mut conn) = fixture(true);
    let authors: Vec<Author> = authors::table
        .select(Author::as_select())
        .order_by(authors::id)
        .load(&mut conn)
        .unwrap();
    let (loaded, log) = capture_sql(|| {
        authors
            .clone()
            .with_children::<Book, _>(books::author_id, &mut conn)
            .unwrap()
    });
    assert_eq!(statements(&log), 1, "{log:#?}");
    // One `?` a parent's key, padded to a power of two (three authors: four).
    assert!(
        log[0].contains("WHERE `books`.`author_id` IN (?, ?, ?, ?)"),
        "{log:#?}"
    );
    let got: Vec<(&str, Vec<i32>)> = loaded
        .iter()
        .map(|(a, b)| {
            let mut ids: Vec<i32> = b.iter().map(|b| b.id).collect();
            ids.sort();
            (a.name.as_str(), ids)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Толстой", vec![1, 2]),
            ("Чехов", vec![3]),
            ("Гоголь", vec![])
        ]
    );
    let books: Vec<Book> = books::table
        .select(Book::as_select())
        .order_by(books::id)
        .load(&mut conn)
        .unwrap();
    let parents = books
        .with_parents::<Author, _>(books::author_id, &mut conn)
        .unwrap();
    let got: Vec<(i32, &str)> = parents
        .iter()
        .map(|(b, a)| (b.id, a.name.as_str()))
        .collect();
    assert_eq!(got, [(1, "Толстой"), (2, "Толстой"), (3, "Чехов")]);
}

#[test]
fn a_composite_key_loads_through_lists_zipped_by_position() {
    let (_db, mut conn) = fixture(true);
    let all: Vec<Line> = lines::table
        .select(Line::as_select())
        .order_by((lines::order_id, lines::line_no))
        .load(&mut conn)
        .unwrap();
    let (loaded, log) = capture_sql(|| {
        all.clone()
            .with_children::<Shipment, _>(shipments::line, &mut conn)
            .unwrap()
    });
    assert_eq!(statements(&log), 1, "{log:#?}");
    assert!(log[0].contains("ON `k1`.`i` = `k0`.`i`"), "{log:#?}");
    let got: Vec<(&str, Vec<&str>)> = loaded
        .iter()
        .map(|(l, s)| {
            let mut carriers: Vec<&str> = s.iter().map(|s| s.carrier.as_str()).collect();
            carriers.sort();
            (l.product.as_str(), carriers)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("milk", vec!["DHL", "UPS"]),
            ("bread", vec![]),
            ("milk", vec!["DHL"])
        ]
    );
}

#[test]
fn a_session_commits_its_unit_of_work_or_nothing() {
    let (_db, mut conn) = fixture(false);
    let mut session = Session::new(&mut conn);
    // Books are added before their authors; the commit inserts authors first.
    session.add_all((1..=3).map(|i| Book {
        id: i,
        author_id: if i == 3 { 2 } else { 1 },
        title: format!("Книга {i}"),
    }));
    session.add_all([
        Author {
            id: 1,
            name: "Толстой".into(),
        },
        Author {
            id: 2,
            name: "Чехов".into(),
        },
    ]);
    session.add_write(update(books::table).by_key(3).set(books::title.to("Чайка")));
    // Shown as it will be sent: MySQL's quoting and placeholders.
    assert_eq!(
        session.pending().last(),
        Some(&sqlwright::session::Pending::Statement {
            sql: "UPDATE `books` SET `title` = ? WHERE `books`.`id` = ?".into()
        })
    );
    let (written, log) = capture_sql(|| session.commit().unwrap());
    assert_eq!(written, 6);
    assert!(session.is_clean());
    assert!(
        log.iter().any(|l| l.contains("START TRANSACTION"))
            && log.iter().any(|l| l.contains("COMMIT")),
        "{log:#?}"
    );
    // A commit that fails (a duplicate name) writes none of its rows.
    session.add(Author {
        id: 3,
        name: "Гоголь".into(),
    });
    session.add(Author {
        id: 4,
        name: "Чехов".into(),
    });
    let err = session.commit().unwrap_err();
    assert!(
        matches!(&err, Error::Database(e) if e.constraint.as_deref() == Some("name")),
        "{err:?}"
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
    let authors: i64 = authors::table.count(&mut session).unwrap();
    assert_eq!(authors, 2);
}
