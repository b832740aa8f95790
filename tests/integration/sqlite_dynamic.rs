//! Queries on reflected SQLite tables by column name: SQLite's SQL (`?n`), rows as
//! `SqliteDynRow`, values checked against the types reflection recovers, blocking and on
//! tokio.

use sqlwright::backend::Dialect;
use sqlwright::dynamic::DynFilter;
use sqlwright::reflect::{reflect, ReflectOptions};
use sqlwright::{AsyncSqliteConnection, Connection, Error, Sqlite};

const SCHEMA: &str = "
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    qty INTEGER,
    price REAL,
    flag BOOLEAN NOT NULL DEFAULT 0,
    born DATE
);
INSERT INTO items (name, qty, price) VALUES ('bolt', 10, 0.5), ('nut', NULL, 0.25);
";

#[derive(sqlwright::RawRow)]
struct Item {
    name: String,
    qty: Option<i64>,
}

fn misuse(err: Error) -> String {
    match err {
        Error::Misuse(m) => m,
        other => panic!("expected a misuse error, got {other:?}"),
    }
}

#[test]
fn dynamic_statements_run_on_sqlite_blocking_and_async() {
    let mut conn = Connection::<Sqlite>::open_in_memory().unwrap();
    conn.batch_execute(SCHEMA).unwrap();
    let catalog = reflect(&mut conn, &ReflectOptions::default()).unwrap();
    let items = catalog.table("items").unwrap();

    let query = items.select().columns(["name"]).filter("qty", ">", 5);
    assert_eq!(
        query.render_for(Dialect::Sqlite).unwrap().sql,
        format!(
            r#"SELECT "name" FROM "{}"."items" WHERE "qty" > ?1"#,
            items.schema
        )
    );
    let rows = query.load(&mut conn).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<String>("name").unwrap(), "bolt");

    let day = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let new = items
        .insert()
        .value("name", "washer")
        .value("qty", 3)
        .value("flag", true)
        .value("born", day)
        .returning(["id", "flag"])
        .load(&mut conn)
        .unwrap();
    assert_eq!(new[0].get::<i64>("id").unwrap(), 3);
    assert!(new[0].get::<bool>("flag").unwrap());
    let changed = items
        .update()
        .set("qty", 4)
        .filter("born", "=", day)
        .returning(["qty"])
        .load(&mut conn)
        .unwrap();
    assert_eq!(changed[0].get::<i64>("qty").unwrap(), 4);
    assert_eq!(
        items.select().filter_null("qty").count(&mut conn).unwrap(),
        1
    );

    let mapped: Vec<Item> = items
        .select()
        .order_by_desc("id")
        .load_as(&mut conn)
        .unwrap();
    assert_eq!(
        mapped
            .iter()
            .map(|i| (i.name.as_str(), i.qty))
            .collect::<Vec<_>>(),
        [("washer", Some(4)), ("nut", None), ("bolt", Some(10))]
    );

    let wrong = misuse(
        items
            .update()
            .set("qty", "ten")
            .execute(&mut conn)
            .unwrap_err(),
    );
    assert!(
        wrong.contains("a text value does not fit column `items.qty` of type INTEGER"),
        "{wrong}"
    );
    let too_big = misuse(
        items
            .update()
            .set("qty", u64::MAX)
            .execute(&mut conn)
            .unwrap_err(),
    );
    assert!(
        too_big.contains("the integer 18446744073709551615"),
        "{too_big}"
    );
    let ilike = misuse(
        items
            .select()
            .filter("name", "ilike", "B%")
            .load(&mut conn)
            .unwrap_err(),
    );
    assert!(ilike.starts_with("SQLite has no ILIKE"), "{ilike}");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut conn = AsyncSqliteConnection::open_in_memory().await.unwrap();
        conn.batch_execute(SCHEMA).await.unwrap();
        assert_eq!(
            items
                .delete()
                .filter("price", "<", 0.3)
                .execute(&mut conn)
                .await
                .unwrap(),
            1
        );
        let left = items.select().first(&mut conn).await.unwrap().unwrap();
        assert_eq!(left.get::<String>("name").unwrap(), "bolt");
        assert_eq!(items.select().count(&mut conn).await.unwrap(), 1);
    });
}
