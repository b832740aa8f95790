//! Reflection on MariaDB from `information_schema`: a schema made by `create_all` and one
//! written by hand read back into the model PostgreSQL's and SQLite's reflection produce;
//! `verify_schema` clean, then reporting drift.

use crate::mariadb_schema::{shop, SHOP};
use sqlwright::reflect::{reflect, verify_schema, Drift, ReflectOptions, RelationKind};
use sqlwright::testing::mariadb_database;

#[test]
fn a_schema_made_by_create_all_reflects_as_declared_and_verifies_clean() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    SHOP.create_all(&mut conn, false).unwrap();
    let catalog = reflect(&mut conn, &ReflectOptions::default()).unwrap();
    assert_eq!(catalog.dialect, sqlwright::backend::Dialect::Mysql);
    let customers = catalog.table("customers").unwrap();
    assert_eq!(customers.schema, db.name());
    assert_eq!(customers.kind, RelationKind::Table);
    assert_eq!(customers.comment.as_deref(), Some("Who buys."));
    assert_eq!(customers.primary_key, ["id"]);
    assert_eq!(
        customers.uniques,
        // The DDL names an unnamed unique key as PostgreSQL does.
        [("customers_email_key".to_string(), vec!["email".to_string()])]
    );
    let id = customers.column("id").unwrap();
    assert!(id.serial && !id.nullable);
    assert_eq!(id.type_name, "int4");
    let note = customers.column("note").unwrap();
    assert!(note.nullable);
    assert_eq!(
        (note.type_name.as_str(), note.sql_type.as_str()),
        ("text", "text")
    );
    assert_eq!(note.comment.as_deref(), Some("Free text, not a key: TEXT."));
    assert_eq!(customers.column("email").unwrap().sql_type, "varchar(255)");
    assert_eq!(customers.column("vip").unwrap().type_name, "bool");
    assert_eq!(customers.column("age").unwrap().type_name, "int2");
    assert_eq!(customers.checks.len(), 1, "{:?}", customers.checks);
    assert!(
        customers.checks[0].1.contains("age"),
        "{:?}",
        customers.checks
    );

    let orders = catalog.table("orders").unwrap();
    let types: Vec<(&str, &str)> = orders
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.type_name.as_str()))
        .collect();
    assert_eq!(
        types,
        [
            ("id", "int8"),
            ("customer_id", "int4"),
            ("total", "numeric"),
            ("ratio", "float8"),
            ("small", "float4"),
            ("placed_on", "date"),
            ("at", "timestamp"),
            ("at_tz", "timestamp"),
            ("time_of_day", "time"),
            ("payload", "json"),
            ("blob", "bytea"),
            ("token", "uuid"),
            ("code", "varchar"),
        ]
    );
    assert_eq!(orders.column("total").unwrap().size(), [12, 2]);
    assert_eq!(
        orders.column("code").unwrap().default.as_deref(),
        Some("'new'")
    );
    let [fk] = &orders.foreign_keys[..] else {
        panic!("{:?}", orders.foreign_keys)
    };
    assert_eq!(
        (
            fk.columns.as_slice(),
            fk.referenced_table.as_str(),
            fk.referenced_columns.as_slice(),
            fk.on_delete,
            fk.on_update
        ),
        (
            &["customer_id".to_string()][..],
            "customers",
            &["id".to_string()][..],
            "CASCADE",
            "NO ACTION"
        )
    );
    // The JSON check MariaDB adds is not a declared check.
    assert_eq!(
        orders
            .checks
            .iter()
            .map(|c| c.0.as_str())
            .collect::<Vec<_>>(),
        ["orders_total_ok"]
    );
    let index = orders
        .indexes
        .iter()
        .find(|i| i.name == "orders_placed_on_idx")
        .unwrap();
    assert_eq!(
        (index.columns.as_slice(), index.unique),
        (&["placed_on".to_string()][..], false)
    );
    assert!(orders
        .indexes
        .iter()
        .any(|i| i.primary && i.columns == ["id"]));

    let drift = verify_schema(
        &mut conn,
        &[
            <shop::customers::table as sqlwright::query::Table>::META,
            <shop::orders::table as sqlwright::query::Table>::META,
        ],
    )
    .unwrap();
    assert!(drift.is_empty(), "{drift:?}");

    // Only the connection's database: another schema is an error naming it.
    let err = reflect(
        &mut conn,
        &ReflectOptions {
            schemas: vec!["mysql".into()],
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("`mysql`"), "{err}");
}

/// Tables written by hand: a composite key, a composite foreign key with actions, a named
/// unique, an index, an unsigned key, an ENUM, and a view.
pub(crate) const KIDS: &str = "
CREATE TABLE parents (a INT NOT NULL, b VARCHAR(10) NOT NULL, PRIMARY KEY (a, b));
CREATE TABLE kids (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    a INT NULL, b VARCHAR(10) NULL,
    mood ENUM('calm', 'it''s busy') NOT NULL DEFAULT 'calm',
    born DATETIME NULL,
    CONSTRAINT kids_parent FOREIGN KEY (a, b) REFERENCES parents (a, b)
        ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT kids_ab UNIQUE (a, b),
    INDEX kids_born (born)
);
CREATE VIEW calm_kids AS SELECT id FROM kids WHERE mood = 'calm';";

#[test]
fn hand_written_ddl_reflects_and_drift_is_reported() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(KIDS).unwrap();
    let catalog = reflect(&mut conn, &ReflectOptions::default()).unwrap();
    assert_eq!(
        catalog
            .tables
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["calm_kids", "kids", "parents"]
    );
    assert_eq!(catalog.table("calm_kids").unwrap().kind, RelationKind::View);
    let parents = catalog.table("parents").unwrap();
    assert_eq!(parents.primary_key, ["a", "b"]);
    let kids = catalog.table("kids").unwrap();
    let fk = &kids.foreign_keys[0];
    assert_eq!(fk.name, "kids_parent");
    assert_eq!(fk.columns, ["a", "b"]);
    assert_eq!(fk.referenced_columns, ["a", "b"]);
    assert_eq!((fk.on_delete, fk.on_update), ("SET NULL", "CASCADE"));
    assert_eq!(
        kids.uniques,
        [("kids_ab".to_string(), vec!["a".into(), "b".into()])]
    );
    let mood = kids.column("mood").unwrap();
    assert!(mood.is_enum);
    assert_eq!(mood.default.as_deref(), Some("'calm'"));
    assert_eq!(
        catalog.enums[&format!("{}.kids_mood", db.name())],
        ["calm", "it's busy"]
    );
    assert!(kids.column("id").unwrap().serial);
    assert_eq!(kids.column("born").unwrap().type_name, "timestamp");
    assert!(kids
        .indexes
        .iter()
        .any(|i| i.name == "kids_born" && !i.unique && i.columns == ["born"]));

    // Drift against the declarations: a type, a nullability and a missing column.
    SHOP.create_all(&mut conn, false).unwrap();
    conn.batch_execute(
        "ALTER TABLE customers MODIFY age BIGINT NOT NULL, MODIFY note TEXT NOT NULL, \
         DROP COLUMN vip",
    )
    .unwrap();
    let drift = verify_schema(
        &mut conn,
        &[<shop::customers::table as sqlwright::query::Table>::META],
    )
    .unwrap();
    assert_eq!(drift.len(), 3, "{drift:?}");
    assert!(
        drift
            .iter()
            .any(|d| matches!(d, Drift::MissingColumn { column } if column == "customers.vip")),
        "{drift:?}"
    );
    assert!(drift.iter().any(|d| matches!(d, Drift::Type { column, actual, .. } if column == "customers.age" && actual == "bigint(20)")), "{drift:?}");
    assert!(drift.iter().any(|d| matches!(d, Drift::Nullability { column, declared_nullable: true } if column == "customers.note")), "{drift:?}");
}

#[test]
fn autogenerate_on_the_shop_schema_plans_nothing_and_replay_reads_an_empty_history() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    SHOP.create_all(&mut conn, false).unwrap();
    let catalog = reflect(&mut conn, &ReflectOptions::default()).unwrap();
    let metas = [
        <shop::customers::table as sqlwright::query::Table>::META,
        <shop::orders::table as sqlwright::query::Table>::META,
    ];
    let plan =
        sqlwright::migrate::autogen::plan(&metas, &catalog, sqlwright::backend::Dialect::Mysql)
            .unwrap();
    assert!(plan.is_empty(), "{}\n{}", plan.up, plan.down);
    // Without the orders table, the plan drops it (and down makes it again).
    let plan = sqlwright::migrate::autogen::plan(
        &metas[..1],
        &catalog,
        sqlwright::backend::Dialect::Mysql,
    )
    .unwrap();
    assert_eq!(plan.actions, ["drop table orders"]);
    assert!(plan.down.contains("CREATE TABLE `orders`"), "{}", plan.down);
    let replayed =
        sqlwright::migrate::replay(db.url(), &sqlwright::migrate::Migrations::default()).unwrap();
    assert!(replayed.tables.is_empty(), "{:?}", replayed.tables);
}
