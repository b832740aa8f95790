//! A connection and an engine whose backend the URL picks at run time (SQLAlchemy's
//! `create_engine(url)`): the same portable queries on PostgreSQL, SQLite and MariaDB, each
//! in its own dialect.

use crate::session::capture_sql;
use sqlwright::backend::Dialect;
use sqlwright::prelude::*;
use sqlwright::AnyConnection;

sqlwright::table! {
    notes (id) {
        #[serial] id -> Int4,
        body -> Text,
        stars -> Nullable<Int4>,
    }
}

const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(notes);

/// What an application written against `AnyConnection` does, whatever the URL.
fn exercise(conn: &mut AnyConnection) -> Vec<(String, Option<i32>)> {
    SCHEMA.create_all(conn, true).unwrap();
    insert_into(notes::table)
        .values(vec![
            (notes::body.to("a"), notes::stars.to(Some(3))),
            (notes::body.to("b"), notes::stars.to(None)),
        ])
        .execute(conn)
        .unwrap();
    conn.transaction(|tx| {
        update(notes::table)
            .filter(notes::body.eq("b"))
            .set(notes::stars.to(Some(5)))
            .execute(tx)?;
        Ok::<_, Error>(())
    })
    .unwrap();
    let rolled_back: Result<(), Error> = conn.transaction(|tx| {
        delete(notes::table).execute(tx)?;
        Err(Error::NotFound)
    });
    assert!(rolled_back.is_err());
    notes::table
        .filter(notes::stars.ge(3))
        .select((notes::body, notes::stars))
        .order_by(notes::id)
        .load(conn)
        .unwrap()
}

#[test]
fn the_url_picks_the_backend_and_its_spelling() {
    let lite = sqlwright::testing::sqlite_database();
    let pg = sqlwright::testing::database();
    let maria = sqlwright::testing::mariadb_database();
    for (url, dialect, compared) in [
        (
            lite.url().to_string(),
            Dialect::Sqlite,
            "\"notes\".\"stars\" >= ?1",
        ),
        (
            pg.url().to_string_with_password(),
            Dialect::Postgres,
            "\"notes\".\"stars\" >= $1",
        ),
        (
            maria.url().to_string_with_password(),
            Dialect::Mysql,
            "`notes`.`stars` >= ?",
        ),
    ] {
        let mut conn = AnyConnection::open(&url).unwrap();
        assert_eq!(conn.dialect(), dialect);
        let (rows, log) = capture_sql(|| exercise(&mut conn));
        assert_eq!(
            rows,
            [("a".to_string(), Some(3)), ("b".to_string(), Some(5))],
            "{url}"
        );
        assert!(log.iter().any(|l| l.contains(compared)), "{log:#?}");
    }
}

#[test]
fn create_engine_pools_connections_of_the_backend_the_url_names() {
    let lite = sqlwright::testing::sqlite_database();
    let engine = sqlwright::create_engine(&lite.url().to_string()).unwrap();
    let mut conn = engine.connect().unwrap();
    assert_eq!(conn.dialect(), Dialect::Sqlite);
    let rows = exercise(&mut conn);
    assert_eq!(rows.len(), 2);
    drop(conn);
    // The pooled connection is reused.
    let mut again = engine.connect().unwrap();
    assert_eq!(notes::table.count(&mut again).unwrap(), 2);
    assert_eq!(engine.state().open, 1);

    let pg = sqlwright::testing::database();
    let engine = sqlwright::create_engine(&pg.url().to_string_with_password()).unwrap();
    let mut conn = engine.connect().unwrap();
    assert_eq!(conn.dialect(), Dialect::Postgres);
    assert_eq!(exercise(&mut conn).len(), 2);
    // A URL of a database sqlwright does not speak is refused, naming the scheme.
    let err = sqlwright::create_engine("oracle://u@localhost/db").unwrap_err();
    assert!(err.to_string().contains("not supported yet"), "{err}");

    // MariaDB: the pool resets a returned connection and reuses it.
    let maria = sqlwright::testing::mariadb_database();
    let engine = sqlwright::create_engine(&maria.url().to_string_with_password()).unwrap();
    let mut conn = engine.connect().unwrap();
    assert_eq!(conn.dialect(), Dialect::Mysql);
    assert_eq!(exercise(&mut conn).len(), 2);
    drop(conn);
    let mut again = engine.connect().unwrap();
    assert_eq!(notes::table.count(&mut again).unwrap(), 2);
    assert_eq!(engine.state().open, 1);
}

/// Savepoints and a failed statement inside a transaction behave on a MariaDB URL as on
/// `Connection<Mysql>`. (What MySQL lacks is a compile error on `Any` whatever the URL:
/// ui-tests/fail/any_full_join.rs.)
#[test]
fn a_mariadb_url_keeps_transactions_and_savepoints() {
    let maria = sqlwright::testing::mariadb_database();
    let mut conn = AnyConnection::open_url(maria.url()).unwrap();
    SCHEMA.create_all(&mut conn, true).unwrap();
    conn.transaction(|tx| {
        insert_into(notes::table)
            .values(notes::body.to("kept"))
            .execute(tx)?;
        let inner: Result<(), Error> = tx.transaction(|sp| {
            insert_into(notes::table)
                .values(notes::body.to("undone"))
                .execute(sp)?;
            Err(Error::NotFound)
        });
        assert!(inner.is_err());
        Ok::<_, Error>(())
    })
    .unwrap();
    let bodies: Vec<String> = notes::table.select(notes::body).load(&mut conn).unwrap();
    assert_eq!(bodies, ["kept"]);
    // A duplicate key inside a transaction: the transaction refuses the rest and rolls back.
    let failed: Result<(), Error> = conn.transaction(|tx| {
        insert_into(notes::table)
            .values((notes::id.to(1), notes::body.to("again")))
            .execute(tx)?;
        Ok(())
    });
    match failed.unwrap_err() {
        Error::Database(e) => assert_eq!(e.code, "23505", "{e:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(notes::table.count(&mut conn).unwrap(), 1);
}
