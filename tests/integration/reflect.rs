//! Reflection of schemas sqlwright did not create, and drift checks against `table!`.

use crate::setup;
use crate::twice::twice;
use sqlwright::reflect::{reflect, verify_schema, Drift, ReflectOptions, RelationKind};

const FOREIGN_SCHEMA: &str = r#"
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE "пользователь_" (
    id int4 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "имя" varchar(255) NOT NULL,
    "order" text,
    balance numeric(15,2) NOT NULL DEFAULT 0,
    tags text[] NOT NULL DEFAULT '{}',
    extra jsonb,
    feeling mood,
    CONSTRAINT balance_ok CHECK (balance >= 0)
);
COMMENT ON TABLE "пользователь_" IS 'People.';
COMMENT ON COLUMN "пользователь_"."имя" IS 'Their name.';
CREATE TABLE memberships (
    user_id int4 NOT NULL REFERENCES "пользователь_" (id) ON DELETE CASCADE,
    group_id serial,
    since date,
    PRIMARY KEY (user_id, group_id),
    UNIQUE (group_id, since)
);
CREATE INDEX memberships_since ON memberships (since);
CREATE VIEW rich AS SELECT id, "имя" FROM "пользователь_" WHERE balance > 100;
CREATE SCHEMA other;
CREATE TABLE other.notes (id int8 PRIMARY KEY, user_id int4 REFERENCES "пользователь_" (id) ON UPDATE SET NULL);
"#;

twice! {
    fn reflects_tables_views_columns_keys_indexes_and_checks() {
        let mut db = setup(FOREIGN_SCHEMA);
        let catalog = go!(reflect(&mut db.conn, &ReflectOptions::default())).unwrap();
        let names: Vec<String> = catalog
            .tables
            .iter()
            .map(|t| format!("{}.{}", t.schema, t.name))
            .collect();
        assert_eq!(
            names,
            [
                "other.notes",
                "public.memberships",
                "public.rich",
                "public.пользователь_"
            ]
        );
        let users = catalog.table("пользователь_").unwrap();
        assert_eq!(users.kind, RelationKind::Table);
        assert_eq!(users.comment.as_deref(), Some("People."));
        let col = |n: &str| users.column(n).unwrap();
        assert!(col("id").serial && !col("id").nullable);
        assert_eq!(col("имя").sql_type, "character varying(255)");
        assert_eq!(col("имя").type_name, "varchar");
        assert_eq!(col("имя").comment.as_deref(), Some("Their name."));
        assert!(col("order").nullable);
        assert_eq!(col("balance").sql_type, "numeric(15,2)");
        assert_eq!(col("balance").default.as_deref(), Some("0"));
        assert_eq!(col("tags").type_name, "text[]");
        assert_eq!(col("extra").type_name, "jsonb");
        assert!(col("feeling").is_enum);
        assert_eq!(catalog.enums["public.mood"], ["sad", "ok", "happy"]);
        assert_eq!(users.primary_key, ["id"]);
        assert_eq!(users.checks[0].0, "balance_ok");
        assert!(
            users.checks[0].1.contains("balance >= "),
            "{:?}",
            users.checks
        );
        let err = users.column("nope").unwrap_err();
        assert!(err.to_string().contains("no column `nope`"), "{err}");

        let m = catalog.table("memberships").unwrap();
        assert_eq!(m.primary_key, ["user_id", "group_id"]);
        assert!(m.column("group_id").unwrap().serial);
        assert_eq!(m.uniques[0].1, ["group_id", "since"]);
        let fk = &m.foreign_keys[0];
        assert_eq!(
            (
                fk.columns.clone(),
                fk.referenced_table.as_str(),
                fk.referenced_columns.clone(),
                fk.on_delete,
                fk.on_update
            ),
            (
                vec!["user_id".to_string()],
                "пользователь_",
                vec!["id".to_string()],
                "CASCADE",
                "NO ACTION"
            )
        );
        let idx = m
            .indexes
            .iter()
            .find(|i| i.name == "memberships_since")
            .unwrap();
        assert_eq!(
            (idx.columns.clone(), idx.unique, idx.primary),
            (vec!["since".to_string()], false, false)
        );
        assert!(m
            .indexes
            .iter()
            .any(|i| i.primary && i.columns == ["user_id", "group_id"]));

        assert_eq!(catalog.table("rich").unwrap().kind, RelationKind::View);
        let notes = catalog.table("other.notes").unwrap();
        assert_eq!(notes.foreign_keys[0].on_update, "SET NULL");
        assert!(catalog.table("missing").is_err());

        // Only some schemas.
        let only = go!(reflect(
            &mut db.conn,
            &ReflectOptions {
                schemas: vec!["other".into()],
            },
        ))
        .unwrap();
        assert_eq!(only.tables.len(), 1);
        assert_eq!(only.tables[0].foreign_keys[0].referenced_columns, ["id"]);
    }

    fn verify_schema_reports_each_kind_of_difference() {
        let mut db = setup(
            "CREATE TABLE accounts (
             id serial,
             owner varchar(100),
             balance int4 NOT NULL,
             note text NOT NULL,
             added text NOT NULL
         );",
        );
        let drift = go!(verify_schema(
            &mut db.conn,
            &[
                <accounts::table as sqlwright::query::Table>::META,
                <missing_table::table as sqlwright::query::Table>::META,
            ],
        ))
        .unwrap();
        let shown: Vec<String> = drift.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            drift,
            [
                Drift::Nullability {
                    column: "accounts.owner".into(),
                    declared_nullable: false
                },
                Drift::Type {
                    column: "accounts.balance".into(),
                    declared: "int8".into(),
                    actual: "integer".into()
                },
                Drift::Nullability {
                    column: "accounts.note".into(),
                    declared_nullable: true
                },
                Drift::MissingColumn {
                    column: "accounts.gone".into()
                },
                Drift::UndeclaredColumn {
                    column: "accounts.added".into(),
                    has_default: false
                },
                Drift::PrimaryKey {
                    table: "accounts".into(),
                    declared: vec!["id".into()],
                    actual: vec![]
                },
                Drift::MissingTable {
                    table: "missing_table".into()
                },
            ],
            "{shown:#?}"
        );
        assert!(
            shown[1].contains("declared int8, the database has integer"),
            "{}",
            shown[1]
        );
        // After fixing the database, no drift.
        go!(db.conn
            .batch_execute(
                "ALTER TABLE accounts ALTER owner SET NOT NULL, ALTER balance TYPE int8,
                 ALTER note DROP NOT NULL, ADD gone text NOT NULL, DROP added, ADD PRIMARY KEY (id);
             CREATE TABLE missing_table (id int4 PRIMARY KEY);",
            ))
            .unwrap();
        let drift = go!(verify_schema(
            &mut db.conn,
            &[
                <accounts::table as sqlwright::query::Table>::META,
                <missing_table::table as sqlwright::query::Table>::META,
            ],
        ))
        .unwrap();
        assert!(drift.is_empty(), "{drift:#?}");
    }

    /// Creates the declared schema, reads it back, and prints it: the output must be the
    /// golden file that `ui-tests/pass/print_schema_round_trip.rs` compiles and compares with
    /// the declarations. `SQLWRIGHT_BLESS=1` rewrites the golden file.
    fn print_schema_round_trip() {
        use sqlwright::reflect::{print_schema, PrintOptions};
        let mut db = setup("");
        go!(sqlwright::schema!(declared::пользователь_, declared::order_lines)
            .create_all(&mut db.conn, false))
            .unwrap();
        let catalog = go!(reflect(&mut db.conn, &ReflectOptions::default())).unwrap();
        let printed = print_schema(&catalog, &PrintOptions::default()).unwrap();
        compare_golden(&printed, "printed.rs");
    }

    fn print_schema_filters_and_reports_unmapped_types() {
        use sqlwright::reflect::{print_schema, PrintOptions};
        let mut db = setup(FOREIGN_SCHEMA);
        go!(db.conn
            .batch_execute(r#"ALTER TABLE "пользователь_" ADD COLUMN spot point"#))
            .unwrap();
        let catalog = go!(reflect(&mut db.conn, &ReflectOptions::default())).unwrap();
        let err = print_schema(&catalog, &PrintOptions::default()).unwrap_err();
        assert_eq!(
            err.0,
            [("пользователь_.spot".to_string(), "point".to_string())]
        );
        assert!(err.to_string().contains("--map-type point="), "{err}");
        let point = ("point".to_string(), "crate::Point".to_string());
        // An enum type is declared beside the tables, unless a type map names it.
        let declared = print_schema(
            &catalog,
            &PrintOptions {
                map_types: vec![point.clone()],
                ..PrintOptions::default()
            },
        )
        .unwrap();
        assert!(
            declared.contains("    enum Mood { sad, ok, happy }\n")
                && declared.contains("feeling -> Nullable<Mood>,"),
            "{declared}"
        );
        let printed = print_schema(
            &catalog,
            &PrintOptions {
                map_types: vec![("mood".into(), "crate::Mood".into()), point],
                except: vec!["other.notes".into()],
                ..PrintOptions::default()
            },
        )
        .unwrap();
        assert!(
            printed.contains("feeling -> Nullable<crate::Mood>,") && !printed.contains("enum Mood"),
            "{printed}"
        );
        assert!(printed.contains("#[serial] id -> Int4,"), "{printed}");
        assert!(
            printed.contains("/// Their name.\n        имя -> Varchar(255),"),
            "{printed}"
        );
        assert!(
            printed.contains("r#order") || printed.contains(" order -> Nullable<Text>"),
            "{printed}"
        );
        assert!(
            printed.contains("Not declared (views, or tables without a primary key): public.rich"),
            "{printed}"
        );
        assert!(!printed.contains("notes"), "{printed}");
        // Referenced tables come first.
        assert!(printed.find("пользователь_ (id)").unwrap() < printed.find("memberships (").unwrap());
        let only = print_schema(
            &catalog,
            &PrintOptions {
                only: vec!["memberships".into()],
                ..PrintOptions::default()
            },
        )
        .unwrap();
        assert!(
            only.contains("memberships (user_id, group_id)") && !only.contains("пользователь_ ("),
            "{only}"
        );
    }

    fn tpch_schema_prints_as_declarations_that_compile() {
        use sqlwright::reflect::{print_schema, PrintOptions};
        let mut db = setup(TPCH_DDL);
        let catalog = go!(reflect(&mut db.conn, &ReflectOptions::default())).unwrap();
        let lineitem = catalog.table("lineitem").unwrap();
        assert_eq!(lineitem.primary_key, ["l_orderkey", "l_linenumber"]);
        assert_eq!(
            lineitem.column("l_quantity").unwrap().sql_type,
            "numeric(15,2)"
        );
        assert_eq!(
            lineitem.column("l_returnflag").unwrap().sql_type,
            "character(1)"
        );
        assert_eq!(lineitem.foreign_keys.len(), 4);
        let printed = print_schema(&catalog, &PrintOptions::default()).unwrap();
        assert!(
            printed.contains("    #[foreign_key((l_partkey, l_suppkey) -> partsupp (ps_partkey, ps_suppkey))]\n    lineitem ("),
            "{printed}"
        );
        let at = |t: &str| printed.find(&format!("\n    {t} (")).unwrap();
        for (referenced, referencing) in [
            ("region", "nation"),
            ("nation", "supplier"),
            ("nation", "customer"),
            ("customer", "orders"),
            ("orders", "lineitem"),
            ("part", "partsupp"),
            ("supplier", "partsupp"),
        ] {
            assert!(
                at(referenced) < at(referencing),
                "{referenced} after {referencing}: {printed}"
            );
        }
        compare_golden(&printed, "tpch_printed.rs");
    }

    fn print_schema_names_two_composite_keys_to_one_table_apart() {
        use sqlwright::reflect::{print_schema, PrintOptions};
        let mut db = setup(
            "CREATE TABLE airports (code text, term int4, PRIMARY KEY (code, term));
         CREATE TABLE flights (id int4 PRIMARY KEY, dep_code text, dep_term int4, arr_code text, arr_term int4,
             FOREIGN KEY (dep_code, dep_term) REFERENCES airports,
             FOREIGN KEY (arr_code, arr_term) REFERENCES airports);",
        );
        let catalog = go!(reflect(&mut db.conn, &ReflectOptions::default())).unwrap();
        let printed = print_schema(&catalog, &PrintOptions::default()).unwrap();
        let keys: Vec<&str> = printed
            .lines()
            .filter(|l| l.contains("#[foreign_key("))
            .collect();
        assert_eq!(keys.len(), 2, "{printed}");
        assert_eq!(
            keys.iter().filter(|k| k.contains("name = ")).count(),
            1,
            "{printed}"
        );
        assert!(
            printed.contains("name = to_airports_arr_code_arr_term")
                || printed.contains("name = to_airports_dep_code_dep_term"),
            "{printed}"
        );
    }
}

twice! {
    /// Names with dots: a table `"a.b"`, a schema `"s.t"`; each readable as the whole name
    /// or with its schema, and `table_in` when two readings meet.
    fn table_names_with_dots_are_found() {
        let mut db = setup(
            r#"CREATE TABLE "a.b" (id int4 PRIMARY KEY);
               INSERT INTO "a.b" VALUES (7);
               CREATE SCHEMA "s.t";
               CREATE TABLE "s.t".u (id int4);"#,
        );
        let catalog = go!(reflect(&mut db.conn, &ReflectOptions::default())).unwrap();
        let found = |name: &str| {
            let t = catalog.table(name).unwrap();
            format!("{}|{}", t.schema, t.name)
        };
        assert_eq!(found("a.b"), "public|a.b");
        assert_eq!(found("public.a.b"), "public|a.b");
        assert_eq!(found("s.t.u"), "s.t|u");
        assert_eq!(found("u"), "s.t|u");
        let exact = catalog.table_in("public", "a.b").unwrap();
        assert_eq!(exact.name, "a.b");
        assert!(catalog.table_in("s", "t.u").is_err());
        assert!(catalog.table("a").is_err());
        // and queried by name
        let rows = go!(catalog.table("a.b").unwrap().select().load(&mut db.conn)).unwrap();
        assert_eq!(rows[0].get::<i32>("id").unwrap(), 7);

        // A schema `a` with a table `b`: "a.b" now reads two ways.
        go!(db
            .conn
            .batch_execute("CREATE SCHEMA a; CREATE TABLE a.b (id int4)"))
        .unwrap();
        let catalog = go!(reflect(&mut db.conn, &ReflectOptions::default())).unwrap();
        let err = catalog.table("a.b").unwrap_err().to_string();
        assert!(
            err.contains("a.b") && err.contains("public") && err.contains("table_in"),
            "{err}"
        );
        assert_eq!(catalog.table_in("a", "b").unwrap().schema, "a");
        assert_eq!(catalog.table_in("public", "a.b").unwrap().schema, "public");
    }
}

sqlwright::table! {
    accounts (id) {
        #[serial] id -> Int4,
        owner -> Text,
        balance -> Int8,
        note -> Nullable<Text>,
        gone -> Text,
    }
    missing_table (id) {
        id -> Int4,
    }
}

mod declared {
    include!("../../ui-tests/pass/round_trip/declared.rs");
}

/// The TPC-H schema as its users create it (dbgen's DDL with keys): reflected, printed, and
/// compared with the golden file that `ui-tests/pass/print_schema_round_trip.rs` compiles.
pub const TPCH_DDL: &str = "
CREATE TABLE region (r_regionkey integer PRIMARY KEY, r_name char(25) NOT NULL, r_comment varchar(152));
CREATE TABLE nation (n_nationkey integer PRIMARY KEY, n_name char(25) NOT NULL,
    n_regionkey integer NOT NULL REFERENCES region, n_comment varchar(152));
CREATE TABLE part (p_partkey integer PRIMARY KEY, p_name varchar(55) NOT NULL, p_mfgr char(25) NOT NULL,
    p_brand char(10) NOT NULL, p_type varchar(25) NOT NULL, p_size integer NOT NULL,
    p_container char(10) NOT NULL, p_retailprice decimal(15,2) NOT NULL, p_comment varchar(23) NOT NULL);
CREATE TABLE supplier (s_suppkey integer PRIMARY KEY, s_name char(25) NOT NULL, s_address varchar(40) NOT NULL,
    s_nationkey integer NOT NULL REFERENCES nation, s_phone char(15) NOT NULL,
    s_acctbal decimal(15,2) NOT NULL, s_comment varchar(101) NOT NULL);
CREATE TABLE partsupp (ps_partkey integer NOT NULL REFERENCES part, ps_suppkey integer NOT NULL REFERENCES supplier,
    ps_availqty integer NOT NULL, ps_supplycost decimal(15,2) NOT NULL, ps_comment varchar(199) NOT NULL,
    PRIMARY KEY (ps_partkey, ps_suppkey));
CREATE TABLE customer (c_custkey integer PRIMARY KEY, c_name varchar(25) NOT NULL, c_address varchar(40) NOT NULL,
    c_nationkey integer NOT NULL REFERENCES nation, c_phone char(15) NOT NULL, c_acctbal decimal(15,2) NOT NULL,
    c_mktsegment char(10) NOT NULL, c_comment varchar(117) NOT NULL);
CREATE TABLE orders (o_orderkey integer PRIMARY KEY, o_custkey integer NOT NULL REFERENCES customer,
    o_orderstatus char(1) NOT NULL, o_totalprice decimal(15,2) NOT NULL, o_orderdate date NOT NULL,
    o_orderpriority char(15) NOT NULL, o_clerk char(15) NOT NULL, o_shippriority integer NOT NULL,
    o_comment varchar(79) NOT NULL);
CREATE TABLE lineitem (l_orderkey integer NOT NULL REFERENCES orders, l_partkey integer NOT NULL REFERENCES part,
    l_suppkey integer NOT NULL REFERENCES supplier, l_linenumber integer NOT NULL,
    l_quantity decimal(15,2) NOT NULL, l_extendedprice decimal(15,2) NOT NULL, l_discount decimal(15,2) NOT NULL,
    l_tax decimal(15,2) NOT NULL, l_returnflag char(1) NOT NULL, l_linestatus char(1) NOT NULL,
    l_shipdate date NOT NULL, l_commitdate date NOT NULL, l_receiptdate date NOT NULL,
    l_shipinstruct char(25) NOT NULL, l_shipmode char(10) NOT NULL, l_comment varchar(44) NOT NULL,
    PRIMARY KEY (l_orderkey, l_linenumber),
    FOREIGN KEY (l_partkey, l_suppkey) REFERENCES partsupp);
";

/// `printed` must equal `ui-tests/pass/round_trip/<file>`; `SQLWRIGHT_BLESS=1` rewrites it.
fn compare_golden(printed: &str, file: &str) {
    let path = format!(
        "{}/../ui-tests/pass/round_trip/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("SQLWRIGHT_BLESS").is_some() {
        std::fs::write(&path, printed).unwrap();
    }
    let golden = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        printed, golden,
        "print-schema output changed; rerun with SQLWRIGHT_BLESS=1 and review {path}"
    );
}
