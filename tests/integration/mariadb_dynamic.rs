//! Queries on reflected MariaDB tables by column name (`DynSelect`, `DynInsert`,
//! `DynUpdate`, `DynDelete`): MySQL's SQL (backticks, `?`), rows as `MysqlDynRow`, every
//! value bound and checked against the column's reflected type, blocking (a connection,
//! a transaction, a pooled connection) and on tokio.

use rust_decimal::Decimal;
use sqlwright::backend::Dialect;
use sqlwright::dynamic::{DynFilter, Value};
use sqlwright::engine::Executor;
use sqlwright::raw;
use sqlwright::reflect::{reflect, Catalog, ReflectOptions};
use sqlwright::testing::{mariadb_database, MariadbDatabase};
use sqlwright::{AsyncMysqlConnection, Connection, Engine, Error, Mysql};
use std::str::FromStr;

/// A column whose name is SQL that would end the statement if it were spliced.
const HOSTILE: &str = "a`b; DROP TABLE people; --";

const SCHEMA: &str = "
CREATE TABLE people (
    id INT AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(50) NOT NULL,
    age TINYINT,
    visits BIGINT UNSIGNED NOT NULL DEFAULT 0,
    shoe SMALLINT UNSIGNED,
    balance DECIMAL(15,2) NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    seen DATETIME(6),
    extra JSON,
    mood ENUM('sad', 'ok', 'happy'),
    `a``b; DROP TABLE people; --` VARCHAR(20)
);
CREATE TABLE labels (id INT AUTO_INCREMENT PRIMARY KEY, label VARCHAR(10) NOT NULL DEFAULT 'none');
INSERT INTO people (name, age, visits, balance, mood) VALUES
    ('Петя', 30, 18446744073709551615, 10.50, 'happy'),
    ('Катя', 25, 0, 0, 'ok'),
    ('Ваня', NULL, 7, 99, NULL);
";

#[derive(sqlwright::RawRow, Debug, PartialEq)]
struct Person {
    id: i32,
    name: String,
    age: Option<i16>,
    visits: u64,
}

/// A struct whose field does not fit its column (`name` is text).
#[derive(sqlwright::RawRow, Debug)]
#[allow(dead_code)]
struct Numbered {
    name: i32,
}

fn setup() -> (MariadbDatabase, Connection<Mysql>, Catalog) {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(SCHEMA).unwrap();
    let catalog = reflect(&mut conn, &ReflectOptions::default()).unwrap();
    (db, conn, catalog)
}

fn misuse(err: Error) -> String {
    match err {
        Error::Misuse(m) => m,
        other => panic!("expected a misuse error, got {other:?}"),
    }
}

/// The names of the people, by id.
fn names(conn: &mut Connection<Mysql>) -> Vec<String> {
    raw::sql("SELECT name FROM people ORDER BY id")
        .load(conn)
        .unwrap()
        .iter()
        .map(|r| r.get("name").unwrap())
        .collect()
}

#[test]
fn select_filters_orders_limits_and_counts_in_mysql_sql() {
    let (db, mut conn, catalog) = setup();
    let people = catalog.table("people").unwrap();

    let query = people
        .select()
        .columns(["name", "age"])
        .filter("age", ">=", 25)
        .filter("name", "like", "%я")
        .order_by_desc("age")
        .limit(10);
    assert_eq!(
        query.render_for(Dialect::Mysql).unwrap().sql,
        format!(
            "SELECT `name`, `age` FROM `{}`.`people` WHERE `age` >= ? AND `name` LIKE ? \
             ORDER BY `age` DESC LIMIT ?",
            db.name()
        )
    );
    let rows = query.load(&mut conn).unwrap();
    let got: Vec<(String, Option<i16>)> = rows
        .iter()
        .map(|r| (r.get("name").unwrap(), r.get("age").unwrap()))
        .collect();
    assert_eq!(
        got,
        [("Петя".to_string(), Some(30)), ("Катя".into(), Some(25))]
    );
    assert_eq!(rows[0].keys(), ["name", "age"]);

    let first = people
        .select()
        .order_by("id")
        .offset(1)
        .first(&mut conn)
        .unwrap()
        .unwrap();
    assert_eq!(first.get::<String>("name").unwrap(), "Катя");
    assert!(first.get::<bool>("active").unwrap());
    assert!(people
        .select()
        .filter("id", "=", 99)
        .first(&mut conn)
        .unwrap()
        .is_none());

    let count =
        |q: sqlwright::dynamic::DynSelect<'_>, conn: &mut Connection<Mysql>| q.count(conn).unwrap();
    assert_eq!(count(people.select().filter_in("id", [1, 3]), &mut conn), 2);
    assert_eq!(
        count(
            people.select().filter_in("id", Vec::<i32>::new()),
            &mut conn
        ),
        0
    );
    assert_eq!(
        count(
            people.select().filter_not_in("id", Vec::<i32>::new()),
            &mut conn
        ),
        3
    );
    assert_eq!(count(people.select().filter_null("age"), &mut conn), 1);
    assert_eq!(
        count(
            people
                .select()
                .filter_not_null("mood")
                .filter("mood", "<>", "ok"),
            &mut conn
        ),
        1
    );
    // An unsigned column compared with a value past i64::MAX.
    assert_eq!(
        count(people.select().filter("visits", "=", u64::MAX), &mut conn),
        1
    );
    assert_eq!(
        count(
            people
                .select()
                .filter("balance", ">", Decimal::from_str("10.49").unwrap()),
            &mut conn
        ),
        2
    );
}

#[test]
fn rows_map_into_structs_by_column_name() {
    let (db, mut conn, catalog) = setup();
    let people = catalog.table("people").unwrap();
    let query = people.select().filter("visits", ">", 0).order_by("id");
    let expected = [
        Person {
            id: 1,
            name: "Петя".into(),
            age: Some(30),
            visits: u64::MAX,
        },
        Person {
            id: 3,
            name: "Ваня".into(),
            age: None,
            visits: 7,
        },
    ];
    let mapped: Vec<Person> = query.load_as(&mut conn).unwrap();
    assert_eq!(mapped, expected);
    // Raw SQL maps the same way on MySQL.
    let raw: Vec<Person> = raw::sql("SELECT id, name, age, visits FROM people WHERE visits > :v")
        .bind("v", 0)
        .load_as(&mut conn)
        .unwrap();
    assert_eq!(raw, expected);
    let err = people
        .select()
        .load_as::<Numbered, _>(&mut conn)
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { column, .. } if column == "name"),
        "{err:?}"
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = db.url().clone();
    runtime.block_on(async {
        let mut conn = AsyncMysqlConnection::open_url(&url).await.unwrap();
        let mapped: Vec<Person> = query.load_as(&mut conn).await.unwrap();
        assert_eq!(mapped, expected);
    });
}

#[test]
fn writes_of_each_kind_round_trip_and_return_rows() {
    let (_db, mut conn, catalog) = setup();
    let people = catalog.table("people").unwrap();
    let seen = chrono::NaiveDate::from_ymd_opt(2024, 2, 29)
        .unwrap()
        .and_hms_micro_opt(23, 59, 58, 123_456)
        .unwrap();
    let insert = people
        .insert()
        .value("name", "Маша")
        .value("age", -128)
        .value("visits", u64::MAX - 1)
        .value("shoe", 65_535)
        .value("balance", 0.1)
        .value("active", false)
        .value("seen", seen)
        .value("extra", serde_json::json!({"k": [1, "два"]}))
        .value("mood", "sad")
        .returning(["id", "visits"]);
    assert!(insert
        .render_for(Dialect::Mysql)
        .unwrap()
        .sql
        .ends_with(" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `id`, `visits`"));
    let returned = insert.load(&mut conn).unwrap();
    assert_eq!(returned.len(), 1);
    let id: i32 = returned[0].get("id").unwrap();
    assert_eq!(id, 4);
    assert_eq!(returned[0].get::<u64>("visits").unwrap(), u64::MAX - 1);

    let row = raw::sql(
        "SELECT age, visits, shoe, CAST(balance AS CHAR) AS b, active, seen, extra, mood \
         FROM people WHERE id = :id",
    )
    .bind("id", id)
    .one(&mut conn)
    .unwrap();
    assert_eq!(row.get::<Option<i16>>("age").unwrap(), Some(-128));
    assert_eq!(row.get::<u64>("visits").unwrap(), u64::MAX - 1);
    assert_eq!(row.get::<Option<u16>>("shoe").unwrap(), Some(65_535));
    // A float for a DECIMAL goes as its exact text: 0.1 is 0.10, not 0.1000000000000000055.
    assert_eq!(row.get::<String>("b").unwrap(), "0.10");
    assert!(!row.get::<bool>("active").unwrap());
    assert_eq!(
        row.get::<Option<chrono::NaiveDateTime>>("seen").unwrap(),
        Some(seen)
    );
    assert_eq!(
        row.get::<serde_json::Value>("extra").unwrap(),
        serde_json::json!({"k": [1, "два"]})
    );
    assert_eq!(row.get::<String>("mood").unwrap(), "sad");

    // DECIMAL exact both ways, at the column's full precision.
    let exact = Decimal::from_str("1234567890123.45").unwrap();
    let updated = people
        .update()
        .set("balance", exact)
        .set("visits", 0u64)
        .filter("id", "=", id)
        .execute(&mut conn)
        .unwrap();
    assert_eq!(updated, 1);
    let back = people
        .select()
        .columns(["balance", "visits"])
        .filter("balance", "=", exact)
        .load(&mut conn)
        .unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].get::<Decimal>("balance").unwrap(), exact);
    assert_eq!(back[0].get::<u64>("visits").unwrap(), 0);

    // MariaDB has no UPDATE .. RETURNING: refused before sending, the row unchanged.
    let err = people
        .update()
        .set("name", "X")
        .filter("id", "=", id)
        .returning(["id"])
        .load(&mut conn)
        .unwrap_err();
    assert!(misuse(err).contains("cannot return rows on MySQL"));
    assert_eq!(names(&mut conn)[3], "Маша");

    // DELETE .. RETURNING, and the count of a DELETE.
    let gone = people
        .delete()
        .filter("id", "=", id)
        .returning(["name"])
        .load(&mut conn)
        .unwrap();
    assert_eq!(gone[0].get::<String>("name").unwrap(), "Маша");
    assert_eq!(
        people
            .delete()
            .filter_null("age")
            .execute(&mut conn)
            .unwrap(),
        1
    );
    assert_eq!(names(&mut conn), ["Петя", "Катя"]);

    // An INSERT of no values: every column its default (MySQL's `() VALUES ()`).
    let labels = catalog.table("labels").unwrap();
    let insert = labels.insert().returning(["id", "label"]);
    assert!(insert
        .render_for(Dialect::Mysql)
        .unwrap()
        .sql
        .ends_with("`labels` () VALUES () RETURNING `id`, `label`"));
    let row = insert.load(&mut conn).unwrap();
    assert_eq!(row[0].get::<String>("label").unwrap(), "none");
    assert_eq!(labels.insert().execute(&mut conn).unwrap(), 1);
    assert_eq!(conn.last_insert_id(), Some(2));
}

#[test]
fn values_that_do_not_fit_are_refused_naming_column_and_type_and_nothing_is_sent() {
    let (_db, mut conn, catalog) = setup();
    let people = catalog.table("people").unwrap();
    let update = |column: &str, value: Value, conn: &mut Connection<Mysql>| {
        // A good SET first: nothing of the statement may run.
        misuse(
            people
                .update()
                .set("name", "changed")
                .set(column, value)
                .execute(conn)
                .unwrap_err(),
        )
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "age",
            128.into(),
            "the integer 128 does not fit column `people.age` of type tinyint(4)",
        ),
        (
            "age",
            (-129).into(),
            "the integer -129 does not fit column `people.age`",
        ),
        (
            "visits",
            (-1).into(),
            "the integer -1 does not fit column `people.visits` of type bigint(20) unsigned",
        ),
        (
            "shoe",
            65_536.into(),
            "the integer 65536 does not fit column `people.shoe` of type smallint(5) unsigned",
        ),
        (
            "id",
            u64::MAX.into(),
            "the integer 18446744073709551615 does not fit column `people.id` of type int(11)",
        ),
        (
            "active",
            1.into(),
            "the integer 1 does not fit column `people.active` of type tinyint(1)",
        ),
        (
            "age",
            "30".into(),
            "a text value does not fit column `people.age`",
        ),
        (
            "balance",
            f64::NAN.into(),
            "a float does not fit column `people.balance` of type decimal(15,2)",
        ),
        (
            "name",
            Value::array(["a"]),
            "an array does not fit column `people.name`",
        ),
        (
            "extra",
            "{}".into(),
            "a text value does not fit column `people.extra` of type json",
        ),
        (
            "seen",
            chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().into(),
            "a date does not fit column `people.seen` of type datetime(6)",
        ),
        ("nope", 1.into(), "nope"),
    ];
    for (column, value, expected) in cases {
        let message = update(column, value, &mut conn);
        assert!(message.contains(expected), "{column}: {message}");
    }
    let unknown = misuse(
        people
            .select()
            .columns(["name", "nope"])
            .load(&mut conn)
            .unwrap_err(),
    );
    assert!(
        unknown.contains("people") && unknown.contains("nope"),
        "{unknown}"
    );
    let ilike = misuse(
        people
            .select()
            .filter("name", "ilike", "п%")
            .load(&mut conn)
            .unwrap_err(),
    );
    assert!(ilike.starts_with("MySQL has no ILIKE"), "{ilike}");
    let like = misuse(
        people
            .select()
            .filter("age", "like", "3%")
            .count(&mut conn)
            .unwrap_err(),
    );
    assert!(like.contains("LIKE needs a text column"), "{like}");
    // Nothing was changed by the refused statements.
    assert_eq!(names(&mut conn), ["Петя", "Катя", "Ваня"]);
    // A TIMESTAMP-or-DATETIME column takes an instant (stored as its UTC date and time).
    let instant = chrono::DateTime::from_timestamp(1_700_000_000, 5_000).unwrap();
    people
        .update()
        .set("seen", instant)
        .filter("id", "=", 1)
        .execute(&mut conn)
        .unwrap();
    let seen: chrono::NaiveDateTime = people
        .select()
        .columns(["seen"])
        .filter("id", "=", 1)
        .first(&mut conn)
        .unwrap()
        .unwrap()
        .get("seen")
        .unwrap();
    assert_eq!(seen, instant.naive_utc());
}

#[test]
fn hostile_values_are_bound_and_hostile_names_quoted_or_refused() {
    let (_db, mut conn, catalog) = setup();
    let people = catalog.table("people").unwrap();
    let evil = "x'); DROP TABLE people; -- `\\ ' \" ?";
    // Text holding NUL is refused, as on every backend, and nothing is written.
    let nul = people
        .insert()
        .value("name", "a\0b")
        .execute(&mut conn)
        .unwrap_err();
    assert!(matches!(nul, Error::NulInText), "{nul:?}");
    people
        .insert()
        .value("name", evil)
        .value(HOSTILE, "found")
        .execute(&mut conn)
        .unwrap();
    let rows = people
        .select()
        .columns(["name", HOSTILE])
        .filter(HOSTILE, "=", "found")
        .filter("name", "=", evil)
        .load(&mut conn)
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<String>("name").unwrap(), evil);
    assert_eq!(rows[0].get::<String>(HOSTILE).unwrap(), "found");
    assert!(people
        .select()
        .columns([HOSTILE])
        .render_for(Dialect::Mysql)
        .unwrap()
        .sql
        .starts_with("SELECT `a``b; DROP TABLE people; --` FROM"));
    // A name that is not a column is refused, whatever it holds.
    let err = misuse(
        people
            .select()
            .filter("name` = 'x' OR 1=1; --", "=", "x")
            .load(&mut conn)
            .unwrap_err(),
    );
    assert!(err.contains("name` = 'x' OR 1=1; --"), "{err}");
    assert_eq!(
        people.select().count(&mut conn).unwrap(),
        4,
        "the table is still there, with the new row"
    );
}

#[test]
fn statements_run_in_transactions_and_on_pooled_connections() {
    let (db, mut conn, catalog) = setup();
    let people = catalog.table("people").unwrap();
    let err = conn
        .transaction(|tx| {
            people.insert().value("name", "Лёня").execute(tx)?;
            assert_eq!(people.select().count(tx)?, 4);
            Err::<(), _>(Error::Misuse("roll back".into()))
        })
        .unwrap_err();
    assert!(matches!(err, Error::Misuse(_)));
    assert_eq!(people.select().count(&mut conn).unwrap(), 3);

    let engine = Engine::mysql_builder_url(db.url().clone())
        .pool_size(1)
        .build()
        .unwrap();
    let mut pooled = engine.connect().unwrap();
    people
        .update()
        .set("age", 31)
        .filter("name", "=", "Петя")
        .execute(&mut pooled)
        .unwrap();
    let row = people
        .select()
        .filter("age", "=", 31)
        .first(&mut pooled)
        .unwrap()
        .unwrap();
    assert_eq!(row.get::<String>("name").unwrap(), "Петя");
}

#[test]
fn the_same_statements_run_on_async_mysql() {
    let (db, _conn, catalog) = setup();
    let people = catalog.table("people").unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut conn = AsyncMysqlConnection::open_url(db.url()).await.unwrap();
        let rows = people
            .select()
            .columns(["name", "visits"])
            .filter("visits", ">", 6u64)
            .order_by("visits")
            .load(&mut conn)
            .await
            .unwrap();
        let got: Vec<(String, u64)> = rows
            .iter()
            .map(|r| (r.get("name").unwrap(), r.get("visits").unwrap()))
            .collect();
        assert_eq!(got, [("Ваня".to_string(), 7), ("Петя".into(), u64::MAX)]);
        assert_eq!(
            people
                .select()
                .filter_null("age")
                .count(&mut conn)
                .await
                .unwrap(),
            1
        );
        let first = people
            .select()
            .order_by_desc("id")
            .first(&mut conn)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first.get::<String>("name").unwrap(), "Ваня");

        let new = people
            .insert()
            .value("name", "Оля")
            .value("balance", Decimal::from_str("0.05").unwrap())
            .returning(["id"])
            .load(&mut conn)
            .await
            .unwrap();
        let id: i32 = new[0].get("id").unwrap();
        assert_eq!(
            people
                .update()
                .set("age", 20)
                .filter("id", "=", id)
                .execute(&mut conn)
                .await
                .unwrap(),
            1
        );
        let err = people
            .update()
            .set("age", 1_000)
            .execute(&mut conn)
            .await
            .unwrap_err();
        assert!(misuse(err).contains("does not fit column `people.age`"));
        {
            let mut tx = conn.begin().await.unwrap();
            people
                .delete()
                .filter("id", "=", id)
                .execute(&mut tx)
                .await
                .unwrap();
            assert_eq!(people.select().count(&mut tx).await.unwrap(), 3);
            tx.rollback().await.unwrap();
        }
        let gone = people
            .delete()
            .filter("id", "=", id)
            .returning(["name", "age"])
            .load(&mut conn)
            .await
            .unwrap();
        assert_eq!(gone[0].get::<String>("name").unwrap(), "Оля");
        assert_eq!(gone[0].get::<Option<i16>>("age").unwrap(), Some(20));
        assert_eq!(people.select().count(&mut conn).await.unwrap(), 3);
    });
}
