//! `reflect` and `verify_schema` awaited on MariaDB: on an `AsyncMysqlConnection`, inside
//! its transactions and on a pooled connection of `AsyncEngine::mysql`, they read what the
//! blocking calls read (the same statements, one body for both modes), and report drift
//! made by an `ALTER TABLE`; one dropped part-way leaves the connection in step. Each async
//! body runs in a spawned task, so the futures are also proved `Send`.

use crate::mariadb_reflect::KIDS;
use crate::mariadb_schema::{shop, SHOP};
use crate::trickle::{poll_at_most, Trickle};
use sqlwright::query::{Table, TableMeta};
use sqlwright::reflect::{reflect, verify_schema, Catalog, Drift, ReflectOptions};
use sqlwright::testing::mariadb_database;
use sqlwright::{AsyncEngine, AsyncMysqlConnection, Error};
use std::collections::BTreeMap;

const DECLARED: [&TableMeta; 2] = [
    <shop::customers::table as Table>::META,
    <shop::orders::table as Table>::META,
];

/// Everything a catalog holds, as text two catalogs compare by: its dialect, every table
/// with all it says (columns, keys, uniques, foreign keys, indexes, checks, comments),
/// and the enums in name order (a `HashMap`'s own order differs between two maps).
fn described(catalog: &Catalog) -> String {
    let enums: BTreeMap<&String, &Vec<String>> = catalog.enums.iter().collect();
    format!("{:?}\n{:#?}\n{:?}", catalog.dialect, catalog.tables, enums)
}

/// Runs `body` to its end in a task of the shared multi-threaded runtime.
fn spawned<F: std::future::Future<Output = ()> + Send + 'static>(body: F) {
    let runtime = crate::twice::runtime();
    runtime.block_on(runtime.spawn(body)).unwrap();
}

#[test]
fn awaited_reflection_reads_what_the_blocking_one_reads() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    SHOP.create_all(&mut conn, false).unwrap();
    conn.batch_execute(KIDS).unwrap();
    let blocking = reflect(&mut conn, &ReflectOptions::default()).unwrap();
    // What the comparison covers: each kind of thing reflection reads is in the schema.
    let names: Vec<&str> = blocking.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["calm_kids", "customers", "kids", "orders", "parents"]
    );
    let kids = blocking.table("kids").unwrap();
    assert_eq!(kids.column("id").unwrap().type_name, "uint8");
    assert!(kids.column("mood").unwrap().is_enum);
    assert_eq!(kids.foreign_keys[0].on_update, "CASCADE");
    assert_eq!(kids.uniques.len(), 1);
    assert!(kids.indexes.iter().any(|i| i.name == "kids_born"));
    let orders = blocking.table("orders").unwrap();
    assert_eq!(orders.column("payload").unwrap().type_name, "json");
    assert_eq!(orders.checks.len(), 1);
    assert_eq!(orders.foreign_keys[0].on_delete, "CASCADE");
    let customers = blocking.table("customers").unwrap();
    assert_eq!(customers.comment.as_deref(), Some("Who buys."));
    assert!(customers.column("note").unwrap().comment.is_some());
    assert_eq!(blocking.enums.len(), 1);
    let expected = described(&blocking);

    let url = db.url().to_string_with_password();
    spawned(async move {
        let options = ReflectOptions::default();
        let mut conn = AsyncMysqlConnection::open(&url).await.unwrap();
        let awaited = reflect(&mut conn, &options).await.unwrap();
        assert_eq!(described(&awaited), expected);

        // Inside a transaction, the guard form and the closure form.
        let mut tx = conn.begin().await.unwrap();
        let in_tx = reflect(&mut tx, &options).await.unwrap();
        assert_eq!(described(&in_tx), expected);
        tx.commit().await.unwrap();
        let in_closure = conn
            .transaction(async |tx| reflect(tx, &options).await)
            .await
            .unwrap();
        assert_eq!(described(&in_closure), expected);

        // Another database is refused by name, and the connection goes on.
        let other = ReflectOptions {
            schemas: vec!["mysql".into()],
        };
        let err = reflect(&mut conn, &other).await.unwrap_err();
        assert!(
            matches!(&err, Error::Misuse(m) if m.contains("`mysql`")),
            "{err:?}"
        );
        assert_eq!(
            described(&reflect(&mut conn, &options).await.unwrap()),
            expected
        );

        let engine = AsyncEngine::mysql(&url).unwrap();
        let mut pooled = engine.connect().await.unwrap();
        let from_pool = reflect(&mut pooled, &options).await.unwrap();
        assert_eq!(described(&from_pool), expected);
    });
}

#[test]
fn awaited_verify_schema_is_clean_on_create_all_and_reports_an_alter_table() {
    let db = mariadb_database();
    let url = db.url().to_string_with_password();
    let ran = url.clone();
    spawned(async move {
        let mut conn = AsyncMysqlConnection::open(&ran).await.unwrap();
        SHOP.create_all(&mut conn, false).await.unwrap();
        let engine = AsyncEngine::mysql(&ran).unwrap();
        let mut pooled = engine.connect().await.unwrap();
        assert_eq!(verify_schema(&mut conn, &DECLARED).await.unwrap(), []);
        assert_eq!(verify_schema(&mut pooled, &DECLARED).await.unwrap(), []);
        let mut tx = conn.begin().await.unwrap();
        assert_eq!(verify_schema(&mut tx, &DECLARED).await.unwrap(), []);
        tx.rollback().await.unwrap();
    });

    // A changed type and a dropped column (MySQL's DDL commits on its own).
    let mut blocking = db.connect().unwrap();
    blocking
        .batch_execute("ALTER TABLE customers MODIFY age BIGINT NOT NULL, DROP COLUMN vip")
        .unwrap();
    let expected = verify_schema(&mut blocking, &DECLARED).unwrap();
    assert_eq!(expected.len(), 2, "{expected:?}");
    assert!(
        expected
            .iter()
            .any(|d| matches!(d, Drift::Type { column, actual, .. }
            if column == "customers.age" && actual == "bigint(20)")),
        "{expected:?}"
    );
    assert!(
        expected
            .iter()
            .any(|d| matches!(d, Drift::MissingColumn { column } if column == "customers.vip")),
        "{expected:?}"
    );
    spawned(async move {
        let mut conn = AsyncMysqlConnection::open(&url).await.unwrap();
        assert_eq!(verify_schema(&mut conn, &DECLARED).await.unwrap(), expected);
        let in_closure = conn
            .transaction(async |tx| verify_schema(tx, &DECLARED).await)
            .await
            .unwrap();
        assert_eq!(in_closure, expected);
        let engine = AsyncEngine::mysql(&url).unwrap();
        let mut pooled = engine.connect().await.unwrap();
        assert_eq!(
            verify_schema(&mut pooled, &DECLARED).await.unwrap(),
            expected
        );
        let mut tx = pooled.begin().await.unwrap();
        assert_eq!(verify_schema(&mut tx, &DECLARED).await.unwrap(), expected);
        tx.commit().await.unwrap();
    });
}

#[test]
fn a_reflection_dropped_part_way_leaves_the_connection_in_step() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    SHOP.create_all(&mut conn, false).unwrap();
    conn.batch_execute(KIDS).unwrap();
    let expected = described(&reflect(&mut conn, &ReflectOptions::default()).unwrap());
    // The server's answers reach the client 256 bytes a write: the six statements' rows
    // make the future wait at many points.
    let proxy = Trickle::start(
        ("127.0.0.1".into(), db.url().port.unwrap()),
        usize::MAX,
        256,
    );
    let url = proxy.mysql_url(db.url());
    spawned(async move {
        let options = ReflectOptions::default();
        let mut conn = AsyncMysqlConnection::open_url(&url).await.unwrap();
        let (mut polls, mut dropped) = (1, 0);
        loop {
            match poll_at_most(reflect(&mut conn, &options), polls).await {
                Some(finished) => {
                    assert_eq!(described(&finished.unwrap()), expected);
                    break;
                }
                None => dropped += 1,
            }
            // The next reflection reads what the dropped one left, then its own answers.
            let next = reflect(&mut conn, &options).await.unwrap();
            assert_eq!(described(&next), expected, "after a drop at poll {polls}");
            polls *= 2;
            assert!(polls < 1 << 20, "the reflection never finished");
        }
        assert!(
            dropped >= 4,
            "only {dropped} drops: the proxy made too few await points"
        );
    });
    drop(proxy);
}
