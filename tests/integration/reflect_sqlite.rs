//! Reflection of SQLite files: schemas made by `create_all` and by hand, the types
//! recovered from SQLite's four, and drift checks against `table!`.

use crate::both::{with, TestBackend};
use crate::on_both;
use sqlwright::engine::Executor;
use sqlwright::query::{Table, TableMeta};
use sqlwright::reflect::{
    print_schema, reflect, verify_schema, Drift, PrintOptions, ReflectOptions, Reflects,
    RelationKind,
};
use sqlwright::Sqlite;

sqlwright::table! {
    teams (id) {
        #[serial] id -> Int4,
        #[unique] name -> Text,
    }
    #[unique(team_id, number)]
    #[check = "number > 0"]
    #[index(joined)]
    players (id) {
        #[serial] id -> Int4,
        #[references(teams::id, on_delete = cascade, on_update = set_null)]
        team_id -> Nullable<Int4>,
        number -> Int2,
        active -> Bool,
        #[default = "'none'"] nickname -> Text,
        rating -> Nullable<Float8>,
        salary -> Nullable<Numeric>,
        joined -> Date,
        seen -> Nullable<Timestamp>,
        token -> Uuid,
        extra -> Nullable<Json>,
        photo -> Nullable<Bytea>,
    }
    #[foreign_key((team_id, number) -> players (team_id, number), on_delete = restrict)]
    shirts (team_id, number, size) {
        team_id -> Int4,
        number -> Int2,
        size -> Text,
    }
}

const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(teams, players, shirts);

fn metas() -> [&'static TableMeta; 3] {
    [
        <teams::table as Table>::META,
        <players::table as Table>::META,
        <shirts::table as Table>::META,
    ]
}

on_both!(a_schema_made_by_create_all_verifies_clean);

fn a_schema_made_by_create_all_verifies_clean<B: TestBackend + Reflects>() {
    let mut db = with::<B>(SCHEMA, "");
    assert_eq!(verify_schema(&mut db.conn, &metas()).unwrap(), []);
    // In a transaction too.
    let drift = db
        .conn
        .transaction(|tx| {
            tx.batch_execute("DROP TABLE shirts")?;
            verify_schema(tx, &metas())
        })
        .unwrap();
    assert_eq!(
        drift,
        [Drift::MissingTable {
            table: "shirts".into()
        }]
    );
}

#[test]
fn reflects_tables_columns_types_keys_and_indexes() {
    let mut db = with::<Sqlite>(SCHEMA, "");
    db.conn
        .batch_execute(
            "CREATE VIEW regulars AS SELECT id, nickname FROM players WHERE active;
             CREATE TABLE legacy (code VARCHAR(8) PRIMARY KEY, born DATE, ok BOOLEAN NOT NULL,
                 anything, twice TEXT AS (code || code), CONSTRAINT short CHECK (length(code) <= 8)) WITHOUT ROWID;
             CREATE TABLE gone (a INTEGER);
             CREATE VIEW stale AS SELECT a FROM gone;
             DROP TABLE gone;",
        )
        .unwrap();
    let catalog = reflect(&mut db.conn, &ReflectOptions::default()).unwrap();
    assert_eq!(catalog.dialect, sqlwright::backend::Dialect::Sqlite);
    let names: Vec<String> = catalog
        .tables
        .iter()
        .map(|t| format!("{}.{}", t.schema, t.name))
        .collect();
    assert_eq!(
        names,
        [
            "main.legacy",
            "main.players",
            "main.regulars",
            "main.shirts",
            "main.stale",
            "main.teams"
        ]
    );

    let players = catalog.table("players").unwrap();
    assert_eq!(players.kind, RelationKind::Table);
    let types: Vec<(&str, &str, &str, bool)> = players
        .columns
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.sql_type.as_str(),
                c.type_name.as_str(),
                c.nullable,
            )
        })
        .collect();
    assert_eq!(
        types,
        [
            ("id", "INTEGER", "int8", false),
            ("team_id", "INTEGER", "int8", true),
            ("number", "INTEGER", "int8", false),
            ("active", "INTEGER", "bool", false),
            ("nickname", "TEXT", "text", false),
            ("rating", "REAL", "float8", true),
            ("salary", "REAL", "float8", true),
            ("joined", "TEXT", "text", false),
            ("seen", "TEXT", "text", true),
            ("token", "TEXT", "text", false),
            ("extra", "TEXT", "text", true),
            ("photo", "BLOB", "bytea", true),
        ]
    );
    let col = |n: &str| players.column(n).unwrap();
    assert!(col("id").serial && !col("team_id").serial);
    assert_eq!(col("nickname").default.as_deref(), Some("'none'"));
    assert_eq!(players.primary_key, ["id"]);
    assert_eq!(players.uniques.len(), 1);
    assert_eq!(players.uniques[0].1, ["team_id", "number"]);
    // The boolean's own check is said by its type; the declared one is kept.
    assert_eq!(players.checks.len(), 1, "{:?}", players.checks);
    assert_eq!(players.checks[0].1, "CHECK (number > 0)");
    let fk = &players.foreign_keys[0];
    assert_eq!(
        (
            fk.name.as_str(),
            fk.columns.clone(),
            fk.referenced_table.as_str(),
            fk.referenced_columns.clone(),
            fk.on_delete,
            fk.on_update
        ),
        (
            "players_team_id_fkey",
            vec!["team_id".to_string()],
            "teams",
            vec!["id".to_string()],
            "CASCADE",
            "SET NULL"
        )
    );
    let index = players
        .indexes
        .iter()
        .find(|i| i.columns == ["joined"])
        .unwrap();
    assert!(!index.unique && !index.primary);
    assert!(
        index.definition.starts_with("CREATE INDEX"),
        "{}",
        index.definition
    );
    assert!(players
        .indexes
        .iter()
        .any(|i| i.unique && i.columns == ["team_id", "number"]));

    let teams = catalog.table("teams").unwrap();
    assert_eq!(teams.uniques[0].1, ["name"]);
    let shirts = catalog.table("shirts").unwrap();
    assert_eq!(shirts.primary_key, ["team_id", "number", "size"]);
    assert!(!shirts.column("team_id").unwrap().serial);
    assert!(shirts
        .indexes
        .iter()
        .any(|i| i.primary && i.columns == shirts.primary_key));
    let fk = &shirts.foreign_keys[0];
    assert_eq!(fk.columns, ["team_id", "number"]);
    assert_eq!(fk.referenced_columns, ["team_id", "number"]);
    assert_eq!((fk.on_delete, fk.on_update), ("RESTRICT", "NO ACTION"));

    // A table written by hand keeps what its declared types say.
    let legacy = catalog.table("legacy").unwrap();
    let col = |n: &str| legacy.column(n).unwrap();
    assert_eq!(col("code").type_name, "varchar");
    assert_eq!(col("code").sql_type, "VARCHAR(8)");
    assert!(!col("code").nullable, "a WITHOUT ROWID key is NOT NULL");
    assert!(!col("code").serial);
    assert_eq!(col("born").type_name, "date");
    assert_eq!(col("ok").type_name, "bool");
    assert_eq!(col("anything").type_name, "any");
    assert_eq!(
        col("twice").type_name,
        "text",
        "generated columns are listed"
    );
    assert_eq!(
        legacy.checks,
        [("short".to_string(), "CHECK (length(code) <= 8)".to_string())]
    );

    let view = catalog.table("regulars").unwrap();
    assert_eq!(view.kind, RelationKind::View);
    assert_eq!(view.columns.len(), 2);
    assert!(view.primary_key.is_empty());
    // A view whose table is gone is listed, without columns.
    let stale = catalog.table("stale").unwrap();
    assert_eq!((stale.kind, stale.columns.len()), (RelationKind::View, 0));

    // SQLite has one database to read; another schema is an error naming it.
    let err = reflect(
        &mut db.conn,
        &ReflectOptions {
            schemas: vec!["public".into()],
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("`public`"), "{err}");
}

#[test]
fn print_schema_writes_declarations_for_a_sqlite_file() {
    let mut db = with::<Sqlite>(SCHEMA, "");
    let catalog = reflect(&mut db.conn, &ReflectOptions::default()).unwrap();
    let printed = print_schema(&catalog, &PrintOptions::default()).unwrap();
    for line in [
        "    teams (id) {\n        #[serial] id -> Int8,\n        #[unique] name -> Text,\n",
        "    #[unique(team_id, number)]\n    #[check = \"(number > 0)\"]\n    #[index(joined)]\n    players (id) {",
        "#[references(teams::id, on_delete = cascade, on_update = set_null)] team_id -> Nullable<Int8>,",
        "        active -> Bool,\n",
        "        #[default = \"'none'\"] nickname -> Text,\n",
        "        photo -> Nullable<Bytea>,\n",
        "    #[foreign_key((team_id, number) -> players (team_id, number), on_delete = restrict)]\n    shirts (team_id, number, size) {",
    ] {
        assert!(printed.contains(line), "{line:?} not in:\n{printed}");
    }
    let teams = printed.find("teams (id)").unwrap();
    let players = printed.find("players (id)").unwrap();
    assert!(teams < players, "referenced tables first:\n{printed}");
}

#[test]
fn verify_schema_on_sqlite_reports_each_kind_of_difference() {
    sqlwright::table! {
        teams (id) {
            id -> Int4,
            name -> Text,
            city -> Nullable<Text>,
        }
        players (id, team_id) {
            id -> Int4,
            team_id -> Int4,
            active -> Bool,
            rating -> Text,
        }
        coaches (id) {
            id -> Int4,
        }
    }
    let mut db = with::<Sqlite>(SCHEMA, "");
    let drift = verify_schema(
        &mut db.conn,
        &[
            <teams::table as Table>::META,
            <players::table as Table>::META,
            <coaches::table as Table>::META,
        ],
    )
    .unwrap();
    let shown: Vec<String> = drift.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        drift,
        [
            Drift::MissingColumn {
                column: "teams.city".into()
            },
            Drift::Nullability {
                column: "players.team_id".into(),
                declared_nullable: false
            },
            Drift::Type {
                column: "players.rating".into(),
                declared: "text".into(),
                actual: "REAL".into()
            },
            Drift::Nullability {
                column: "players.rating".into(),
                declared_nullable: false
            },
            Drift::UndeclaredColumn {
                column: "players.number".into(),
                has_default: false
            },
            Drift::UndeclaredColumn {
                column: "players.nickname".into(),
                has_default: true
            },
            Drift::UndeclaredColumn {
                column: "players.salary".into(),
                has_default: true
            },
            Drift::UndeclaredColumn {
                column: "players.joined".into(),
                has_default: false
            },
            Drift::UndeclaredColumn {
                column: "players.seen".into(),
                has_default: true
            },
            Drift::UndeclaredColumn {
                column: "players.token".into(),
                has_default: false
            },
            Drift::UndeclaredColumn {
                column: "players.extra".into(),
                has_default: true
            },
            Drift::UndeclaredColumn {
                column: "players.photo".into(),
                has_default: true
            },
            Drift::PrimaryKey {
                table: "players".into(),
                declared: vec!["id".into(), "team_id".into()],
                actual: vec!["id".into()]
            },
            Drift::MissingTable {
                table: "coaches".into()
            },
        ],
        "{shown:#?}"
    );
    assert!(
        shown.contains(&"players.rating: declared text, the database has REAL".to_string()),
        "{shown:#?}"
    );
}
