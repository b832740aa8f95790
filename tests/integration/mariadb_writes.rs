//! Writes on MariaDB that MySQL spells its own way: INSERT/DELETE .. RETURNING (MariaDB
//! 10.5+), upserts as `ON DUPLICATE KEY UPDATE` with PostgreSQL's counts, `DO NOTHING`
//! that silences nothing but duplicates, the refusal of a conflict target MySQL cannot
//! honour, and `last_insert_id()`; and ORDER BY's `NULLS FIRST/LAST`, which MySQL lacks
//! and sqlwright writes exactly.

use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::query::WriteStatement;
use sqlwright::render::SqlWriter;
use sqlwright::testing::mariadb_database;
use sqlwright::{Connection, Error, Mysql};

mod schema {
    sqlwright::table! {
        accounts (id) {
            #[serial] id -> Int4,
            #[unique] email -> Text,
            name -> Text,
            visits -> Int4,
        }
        posts (id) {
            #[serial] id -> Int4,
            author -> Int4,
            title -> Text,
        }
        tags (name) {
            name -> Text,
            uses -> Int4,
        }
        pairs (id) {
            id -> Int4,
            #[unique] code -> Int4,
            n -> Int4,
        }
        scores (id) {
            id -> Int4,
            score -> Nullable<Int4>,
        }
    }
}
use schema::{accounts, pairs, posts, scores, tags};

const TABLES: &str = "
CREATE TABLE accounts (
    id INT AUTO_INCREMENT PRIMARY KEY,
    email VARCHAR(100) NOT NULL UNIQUE,
    name TEXT NOT NULL,
    visits INT NOT NULL
) ENGINE = InnoDB;
CREATE TABLE posts (
    id INT AUTO_INCREMENT PRIMARY KEY,
    author INT NOT NULL,
    title VARCHAR(20) NOT NULL,
    FOREIGN KEY (author) REFERENCES accounts (id)
) ENGINE = InnoDB;
CREATE TABLE tags (name VARCHAR(50) PRIMARY KEY, uses INT NOT NULL) ENGINE = InnoDB;
CREATE TABLE pairs (id INT PRIMARY KEY, code INT NOT NULL UNIQUE, n INT NOT NULL) ENGINE = InnoDB;
";

fn setup() -> (sqlwright::testing::MariadbDatabase, Connection<Mysql>) {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(TABLES).unwrap();
    (db, conn)
}

fn kind(err: &Error) -> Option<DbErrorKind> {
    match err {
        Error::Database(e) => Some(e.kind),
        _ => None,
    }
}

/// The SQL text a write statement has on MySQL.
fn mysql_sql<S: WriteStatement>(statement: &S) -> String {
    let mut out = SqlWriter::for_dialect(sqlwright::backend::Dialect::Mysql);
    statement.render_statement(&mut out);
    out.finish().sql
}

type Account = (i32, String, String, i32);

fn accounts_of(conn: &mut Connection<Mysql>) -> Vec<Account> {
    accounts::table.order_by(accounts::id).load(conn).unwrap()
}

/// One account's values (a macro: the row's type is the builders').
macro_rules! account {
    ($email:expr, $name:expr) => {
        (
            accounts::email.to($email),
            accounts::name.to($name),
            accounts::visits.to(1),
        )
    };
}

#[test]
fn insert_and_delete_return_their_rows() {
    let (_db, mut conn) = setup();
    let id: i32 = insert_into(accounts::table)
        .values(account!("a@x", "Ann"))
        .returning(accounts::id)
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(id, 1);
    let rows: Vec<(i32, String)> = insert_into(accounts::table)
        .values(vec![account!("b@x", "Bob"), account!("c@x", "Cy")])
        .returning((accounts::id, accounts::email))
        .get_results(&mut conn)
        .unwrap();
    assert_eq!(rows, vec![(2, "b@x".into()), (3, "c@x".into())]);
    let whole: Vec<Account> = insert_into(accounts::table)
        .values(account!("d@x", "Di"))
        .returning(accounts::table)
        .get_results(&mut conn)
        .unwrap();
    assert_eq!(whole, vec![(4, "d@x".into(), "Di".into(), 1)]);

    let gone: Vec<String> = delete(accounts::table)
        .filter(accounts::id.gt(2))
        .returning(accounts::name)
        .get_results(&mut conn)
        .unwrap();
    assert_eq!(gone, vec!["Cy".to_string(), "Di".to_string()]);
    let none: Vec<String> = delete(accounts::table)
        .filter(accounts::id.gt(2))
        .returning(accounts::name)
        .get_results(&mut conn)
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(accounts_of(&mut conn).len(), 2);
    assert!(conn.has_returning().unwrap());
}

#[test]
fn an_upsert_that_updates_counts_rows_as_postgresql_does() {
    let (_db, mut conn) = setup();
    let upsert = |email: &'static str, name: &'static str| {
        insert_into(accounts::table)
            .values(account!(email, name))
            .on_conflict(accounts::email)
            .do_update((
                accounts::name.to(excluded(accounts::name)),
                accounts::visits.to(accounts::visits + 1),
            ))
    };
    let sql = mysql_sql(&upsert("a@x", "Ann"));
    assert!(
        sql.ends_with(
            " ON DUPLICATE KEY UPDATE `name` = VALUES(`name`), `visits` = `accounts`.`visits` + ?"
        ) || sql
            .ends_with(" ON DUPLICATE KEY UPDATE `name` = VALUES(`name`), `visits` = `visits` + ?"),
        "{sql}"
    );
    // Inserted: MySQL says 1, and so does PostgreSQL.
    assert_eq!(upsert("a@x", "Ann").execute(&mut conn).unwrap(), 1);
    // Updated: MySQL's affected rows are 2; PostgreSQL counts 1.
    assert_eq!(upsert("a@x", "Anna").execute(&mut conn).unwrap(), 1);
    assert_eq!(
        accounts_of(&mut conn),
        vec![(1, "a@x".into(), "Anna".into(), 2)]
    );
    // Several rows: a duplicate left as it was (MySQL counts 0) and two new ones (1 each):
    // PostgreSQL counts every row.
    let rows = insert_into(accounts::table)
        .values(vec![
            account!("a@x", "Anna"),
            account!("b@x", "Bob"),
            account!("c@x", "Cy"),
        ])
        .on_conflict(accounts::email)
        .do_update(accounts::name.to(excluded(accounts::name)));
    assert_eq!(rows.execute(&mut conn).unwrap(), 3);
    let names: Vec<(String, String)> = accounts::table
        .order_by(accounts::email)
        .select((accounts::email, accounts::name))
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        names,
        vec![
            ("a@x".into(), "Anna".into()),
            ("b@x".into(), "Bob".into()),
            ("c@x".into(), "Cy".into())
        ]
    );
    // From a query: the rows it proposed.
    let copied = insert_into(tags::table)
        .from_select(
            (tags::name, tags::uses),
            accounts::table.select((accounts::email, accounts::visits)),
        )
        .on_conflict(tags::name)
        .do_update(tags::uses.to(excluded(tags::uses)));
    assert_eq!(copied.execute(&mut conn).unwrap(), 3);
    let copied = insert_into(tags::table)
        .from_select(
            (tags::name, tags::uses),
            accounts::table.select((accounts::email, accounts::visits)),
        )
        .on_conflict(tags::name)
        .do_update(tags::uses.to(tags::uses + 10));
    assert_eq!(copied.execute(&mut conn).unwrap(), 3);
    let uses: Vec<i32> = tags::table
        .order_by(tags::name)
        .select(tags::uses)
        .load(&mut conn)
        .unwrap();
    assert_eq!(uses, vec![12, 11, 11]);
}

#[test]
fn do_nothing_skips_duplicates_and_nothing_else() {
    let (_db, mut conn) = setup();
    let add = |email: &'static str| {
        insert_into(accounts::table)
            .values(account!(email, "n"))
            .on_conflict(accounts::email)
            .do_nothing()
    };
    assert!(
        mysql_sql(&add("a@x")).ends_with(" ON DUPLICATE KEY UPDATE `email` = `email`"),
        "{}",
        mysql_sql(&add("a@x"))
    );
    assert_eq!(add("a@x").execute(&mut conn).unwrap(), 1);
    assert_eq!(add("a@x").execute(&mut conn).unwrap(), 0);
    let any = insert_into(accounts::table)
        .values(vec![account!("a@x", "m"), account!("b@x", "m")])
        .on_conflict_do_nothing();
    assert_eq!(any.execute(&mut conn).unwrap(), 1);
    assert_eq!(
        accounts_of(&mut conn)
            .into_iter()
            .map(|a| a.2)
            .collect::<Vec<_>>(),
        vec!["n".to_string(), "m".to_string()]
    );

    // INSERT IGNORE would make these warnings and write (or skip) the row; the no-op
    // update leaves them errors.
    let orphan = insert_into(posts::table)
        .values((posts::author.to(99), posts::title.to("t")))
        .on_conflict_do_nothing();
    let err = orphan.execute(&mut conn).unwrap_err();
    assert_eq!(
        kind(&err),
        Some(DbErrorKind::ForeignKeyViolation),
        "{err:?}"
    );
    let long = insert_into(posts::table)
        .values((
            posts::author.to(1),
            posts::title.to("far too long for twenty"),
        ))
        .on_conflict(posts::id)
        .do_nothing();
    let err = long.execute(&mut conn).unwrap_err();
    assert!(matches!(err, Error::Database(_)), "{err:?}");
    assert_eq!(posts::table.count(&mut conn).unwrap(), 0);
}

#[test]
fn a_target_mysql_cannot_honour_is_refused_before_sending() {
    let (_db, mut conn) = setup();
    conn.batch_execute("INSERT INTO pairs VALUES (1, 10, 0)")
        .unwrap();
    // `pairs` has two unique keys: ON DUPLICATE KEY UPDATE would fire on either.
    let on_code = insert_into(pairs::table)
        .values((pairs::id.to(1), pairs::code.to(11), pairs::n.to(5)))
        .on_conflict(pairs::code)
        .do_update(pairs::n.to(excluded(pairs::n)));
    let err = on_code.execute(&mut conn).unwrap_err();
    match &err {
        Error::Misuse(reason) => assert!(
            reason.contains("`pairs`") && reason.contains("(id)") && reason.contains("(code)"),
            "{reason}"
        ),
        other => panic!("{other:?}"),
    }
    let on_id = insert_into(pairs::table)
        .values((pairs::id.to(2), pairs::code.to(10), pairs::n.to(5)))
        .on_conflict(pairs::id)
        .do_nothing();
    assert!(matches!(on_id.execute(&mut conn), Err(Error::Misuse(_))));
    let n: Vec<(i32, i32, i32)> = pairs::table.load(&mut conn).unwrap();
    assert_eq!(n, vec![(1, 10, 0)]);
    // Without a target, any key is what is asked for, and what MySQL does.
    let any = insert_into(pairs::table)
        .values((pairs::id.to(2), pairs::code.to(10), pairs::n.to(5)))
        .on_conflict_do_nothing();
    assert_eq!(any.execute(&mut conn).unwrap(), 0);
    // A single-column AUTO_INCREMENT key is left aside: `accounts` upserts on `email`.
    assert!(insert_into(accounts::table)
        .values(account!("a@x", "n"))
        .on_conflict(accounts::email)
        .do_nothing()
        .execute(&mut conn)
        .is_ok());
}

#[test]
fn upserts_return_the_rows_written() {
    let (_db, mut conn) = setup();
    let upsert = |name: &'static str| {
        insert_into(accounts::table)
            .values(account!("a@x", name))
            .on_conflict(accounts::email)
            .do_update(accounts::name.to(excluded(accounts::name)))
            .returning((accounts::id, accounts::name))
    };
    let first: (i32, String) = upsert("Ann").get_result(&mut conn).unwrap();
    assert_eq!(first, (1, "Ann".into()));
    let second: (i32, String) = upsert("Anna").get_result(&mut conn).unwrap();
    assert_eq!(second, (1, "Anna".into()));
    // Several rows, one of them new: both come back, the new one with its new key.
    let rows: Vec<(i32, String)> = insert_into(accounts::table)
        .values(vec![account!("a@x", "A"), account!("b@x", "B")])
        .on_conflict(accounts::email)
        .do_update(accounts::name.to(excluded(accounts::name)))
        .returning((accounts::id, accounts::name))
        .get_results(&mut conn)
        .unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0], (1, "A".into()));
    assert_eq!(rows[1].1, "B");
    // DO NOTHING with RETURNING does not compile on MySQL (MariaDB would return the
    // skipped rows too): ui-tests/fail/mysql_do_nothing_returning.rs.
}

#[test]
fn last_insert_id_is_the_new_key() {
    let (_db, mut conn) = setup();
    assert_eq!(conn.last_insert_id(), None);
    insert_into(accounts::table)
        .values(account!("a@x", "Ann"))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(conn.last_insert_id(), Some(1));
    insert_into(accounts::table)
        .values(vec![account!("b@x", "Bob"), account!("c@x", "Cy")])
        .execute(&mut conn)
        .unwrap();
    // The first row's, as the server's LAST_INSERT_ID() says.
    assert_eq!(conn.last_insert_id(), Some(2));
    // The server agrees; and a hand-written INSERT's key is noted too.
    conn.batch_execute("INSERT INTO posts (author, title) VALUES (LAST_INSERT_ID(), 'x')")
        .unwrap();
    assert_eq!(conn.last_insert_id(), Some(1));
    let author: Vec<i32> = posts::table.select(posts::author).load(&mut conn).unwrap();
    assert_eq!(author, vec![2]);
    // A statement that generates no key leaves it.
    let _ = accounts_of(&mut conn);
    insert_into(tags::table)
        .values((tags::name.to("t"), tags::uses.to(1)))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(conn.last_insert_id(), Some(1));
    insert_into(posts::table)
        .values((posts::author.to(3), posts::title.to("t")))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(conn.last_insert_id(), Some(2));
}

#[test]
fn nulls_first_and_last_are_placed_exactly() {
    let (_db, mut conn) = setup();
    conn.batch_execute(
        "CREATE TABLE scores (id INT PRIMARY KEY, score INT NULL) ENGINE = InnoDB;
         INSERT INTO scores VALUES (1, 5), (2, NULL), (3, 1), (4, NULL), (5, 9)",
    )
    .unwrap();
    // What the server refuses, and sqlwright therefore does not write.
    let err = conn
        .batch_execute("SELECT id FROM scores ORDER BY score ASC NULLS LAST")
        .unwrap_err();
    assert!(matches!(err, Error::Database(_)), "{err:?}");
    let ids = |conn: &mut Connection<Mysql>, first: bool, desc: bool| -> Vec<i32> {
        let key = if desc {
            scores::score.desc()
        } else {
            scores::score.asc()
        };
        let key = if first {
            key.nulls_first()
        } else {
            key.nulls_last()
        };
        scores::table
            .select(scores::id)
            .order_by((key, scores::id.asc()))
            .load(conn)
            .unwrap()
    };
    assert_eq!(ids(&mut conn, true, false), vec![2, 4, 3, 1, 5]);
    assert_eq!(ids(&mut conn, false, false), vec![3, 1, 5, 2, 4]);
    assert_eq!(ids(&mut conn, true, true), vec![2, 4, 5, 1, 3]);
    assert_eq!(ids(&mut conn, false, true), vec![5, 1, 3, 2, 4]);
    // An expression with a bound value: the value is bound for both sort keys.
    let shifted: Vec<i32> = scores::table
        .select(scores::id)
        .order_by(((scores::score + 100).desc().nulls_last(), scores::id.asc()))
        .load(&mut conn)
        .unwrap();
    assert_eq!(shifted, vec![5, 1, 3, 2, 4]);
}

#[test]
fn in_a_limited_subquery_reads_it_through_a_derived_table() {
    let (_db, mut conn) = setup();
    conn.batch_execute("INSERT INTO pairs VALUES (1, 10, 0), (2, 20, 0), (3, 30, 0), (4, 40, 0)")
        .unwrap();
    // What the server refuses, and sqlwright therefore does not write.
    let err = conn
        .batch_execute("SELECT id FROM pairs WHERE id IN (SELECT id FROM pairs LIMIT 2)")
        .unwrap_err();
    assert!(matches!(err, Error::Database(_)), "{err:?}");
    let top = pairs::table
        .select(pairs::id)
        .order_by(pairs::code.desc())
        .limit(2);
    let ids: Vec<i32> = pairs::table
        .filter(pairs::id.in_query(top))
        .select(pairs::id)
        .order_by(pairs::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(ids, vec![3, 4]);
    let middle = pairs::table
        .select(pairs::id)
        .order_by(pairs::id)
        .limit(2)
        .offset(1);
    let changed = update(pairs::table)
        .filter(pairs::id.not_in_query(middle))
        .set(pairs::n.to(1))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(changed, 2);
    let ns: Vec<i32> = pairs::table
        .select(pairs::n)
        .order_by(pairs::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(ns, vec![1, 0, 0, 1]);
}
