//! Sized types (`Varchar(255)`, `Numeric(12, 2)`, `Timestamptz(3)`) and named constraints:
//! the DDL `create_all` writes, reflection, `print-schema` and `verify-schema` agreeing,
//! and the server's errors naming the constraints.

use crate::both::with;
use crate::setup;
use crate::twice::twice;
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::reflect::{print_schema, reflect, verify_schema, Drift, ReflectOptions};

mod shop {
    sqlwright::table! {
        #[primary_key(name = "customers_pk")]
        #[unique(country, vat_number, name = "customers_vat_key")]
        #[check("credit >= 0", name = "customers_credit_ok")]
        customers (id) {
            #[serial] id -> Int4,
            #[unique(name = "customers_email_unique")] email -> Varchar(255),
            country -> Char(2),
            vat_number -> Nullable<Varchar(20)>,
            credit -> Numeric(12, 2),
            #[check("precision_ts IS NULL OR precision_ts > '2000-01-01'", name = "customers_seen_ok")]
            precision_ts -> Nullable<Timestamptz(3)>,
            opens -> Nullable<Time(0)>,
            born -> Nullable<Timestamp(3)>,
            tags -> Nullable<Array<Varchar(16)>>,
        }
        orders (id) {
            #[serial] id -> Int4,
            #[references(customers::id, constraint = "orders_customer_fk", on_delete = cascade)]
            customer_id -> Int4,
            total -> Numeric(10),
        }
    }
}
use shop::{customers, orders};

fn meta<T: sqlwright::query::Table>() -> &'static sqlwright::query::TableMeta {
    T::META
}

const SHOP: sqlwright::ddl::Schema = sqlwright::schema!(shop::customers, shop::orders);

#[test]
fn create_all_writes_sizes_and_constraint_names() {
    let sql = SHOP.create_sql(false);
    for expected in [
        r#""email" varchar(255) NOT NULL CONSTRAINT "customers_email_unique" UNIQUE"#,
        r#""country" char(2) NOT NULL"#,
        r#""vat_number" varchar(20),"#,
        r#""credit" numeric(12,2) NOT NULL"#,
        r#""precision_ts" timestamptz(3) CONSTRAINT "customers_seen_ok" CHECK (precision_ts IS NULL"#,
        r#""opens" time(0),"#,
        r#""born" timestamp(3),"#,
        r#""tags" varchar(16)[],"#,
        r#"CONSTRAINT "customers_pk" PRIMARY KEY ("id")"#,
        r#"CONSTRAINT "customers_vat_key" UNIQUE ("country", "vat_number")"#,
        r#"CONSTRAINT "customers_credit_ok" CHECK (credit >= 0)"#,
        r#""customer_id" int4 NOT NULL CONSTRAINT "orders_customer_fk" REFERENCES "customers" ("id") ON DELETE CASCADE"#,
        r#""total" numeric(10,0) NOT NULL"#,
    ] {
        assert!(sql.contains(expected), "{expected}\nnot in\n{sql}");
    }
}

twice! {
    fn the_server_keeps_the_sizes_and_names_and_verify_finds_no_drift() {
        let mut db = setup("");
        go!(SHOP.create_all(&mut db.conn, false)).unwrap();
        // create_all(.., true) again finds everything by name and adds nothing.
        go!(SHOP.create_all(&mut db.conn, true)).unwrap();
        let catalog = go!(reflect(&mut db.conn, &ReflectOptions::default())).unwrap();
        let c = catalog.table("customers").unwrap();
        let col = |n: &str| c.column(n).unwrap();
        assert_eq!(col("email").sql_type, "character varying(255)");
        assert_eq!(col("email").size(), [255]);
        assert_eq!(col("country").sql_type, "character(2)");
        assert_eq!(col("credit").size(), [12, 2]);
        assert_eq!(col("precision_ts").sql_type, "timestamp(3) with time zone");
        assert_eq!(col("opens").sql_type, "time(0) without time zone");
        assert_eq!(col("tags").sql_type, "character varying(16)[]");
        assert_eq!(col("tags").size(), [16]);
        assert_eq!(c.primary_key_name.as_deref(), Some("customers_pk"));
        let mut uniques: Vec<&str> = c.uniques.iter().map(|(n, _)| n.as_str()).collect();
        uniques.sort();
        assert_eq!(uniques, ["customers_email_unique", "customers_vat_key"]);
        let mut checks: Vec<&str> = c.checks.iter().map(|(n, _)| n.as_str()).collect();
        checks.sort();
        assert_eq!(checks, ["customers_credit_ok", "customers_seen_ok"]);
        let o = catalog.table("orders").unwrap();
        assert_eq!(o.foreign_keys[0].name, "orders_customer_fk");
        assert_eq!(o.primary_key_name.as_deref(), Some("orders_pkey"));

        let drift = go!(verify_schema(
            &mut db.conn,
            &[meta::<customers::table>(), meta::<orders::table>()],
        ));
        assert_eq!(drift.unwrap(), []);
    }

    fn print_schema_writes_sizes_and_names_back() {
        let mut db = setup("");
        go!(SHOP.create_all(&mut db.conn, false)).unwrap();
        let catalog = go!(reflect(&mut db.conn, &ReflectOptions::default())).unwrap();
        let printed = print_schema(&catalog, &Default::default()).unwrap();
        for expected in [
            "    #[primary_key(name = \"customers_pk\")]\n",
            "    #[unique(country, vat_number, name = \"customers_vat_key\")]\n",
            "    #[check(\"((credit >= (0)::numeric))\", name = \"customers_credit_ok\")]\n",
            "#[unique(name = \"customers_email_unique\")] email -> Varchar(255),",
            "country -> Char(2),",
            "vat_number -> Nullable<Varchar(20)>,",
            "credit -> Numeric(12, 2),",
            "precision_ts -> Nullable<Timestamptz(3)>,",
            "opens -> Nullable<Time(0)>,",
            "born -> Nullable<Timestamp(3)>,",
            "tags -> Nullable<Array<Varchar(16)>>,",
            "#[references(customers::id, constraint = \"orders_customer_fk\", on_delete = cascade)] customer_id -> Int4,",
            "total -> Numeric(10, 0),",
            // PostgreSQL's own names are not printed.
            "    orders (id) {\n",
        ] {
            assert!(printed.contains(expected), "{expected}\nnot in\n{printed}");
        }
    }

    fn verify_schema_reports_a_size_or_a_constraint_name_that_differs() {
        let mut db = setup("");
        go!(SHOP.create_all(&mut db.conn, false)).unwrap();
        let drift = go!(verify_schema(&mut db.conn, &[meta::<drifted::customers::table>()])).unwrap();
        assert_eq!(
            drift,
            [
                Drift::Type {
                    column: "customers.email".into(),
                    declared: "varchar(100)".into(),
                    actual: "character varying(255)".into(),
                },
                Drift::Type {
                    column: "customers.credit".into(),
                    declared: "numeric(12,3)".into(),
                    actual: "numeric(12,2)".into(),
                },
                Drift::Type {
                    column: "customers.precision_ts".into(),
                    declared: "timestamptz(6)".into(),
                    actual: "timestamp(3) with time zone".into(),
                },
                Drift::ConstraintName {
                    table: "customers".into(),
                    constraint: "unique (email)".into(),
                    declared: "customers_mail_key".into(),
                    actual: Some("customers_email_unique".into()),
                },
            ]
        );
        assert_eq!(
            drift[0].to_string(),
            "customers.email: declared varchar(100), the database has character varying(255)"
        );
        assert_eq!(
            drift[3].to_string(),
            "customers: unique (email) is declared \"customers_mail_key\", the database names it \"customers_email_unique\""
        );
    }

    fn violations_name_the_declared_constraint_and_a_long_value_is_the_servers_error() {
        let mut db = setup("");
        go!(SHOP.create_all(&mut db.conn, false)).unwrap();
        let add = |email: &str, credit: &str| {
            insert_into(customers::table).values((
                customers::email.to(email.to_string()),
                customers::country.to("NL"),
                customers::credit.to(credit.parse::<rust_decimal::Decimal>().unwrap()),
            ))
        };
        assert_eq!(go!(add("a@x", "10.50").execute(&mut db.conn)).unwrap(), 1);
        let e = go!(add("a@x", "1").execute(&mut db.conn)).unwrap_err();
        let db_err = e.database_error().unwrap();
        assert_eq!(db_err.kind, DbErrorKind::UniqueViolation);
        assert_eq!(db_err.constraint.as_deref(), Some("customers_email_unique"));
        assert!(
            e.to_string().contains("constraint customers_email_unique"),
            "{e}"
        );

        let e = go!(add("b@x", "-1").execute(&mut db.conn)).unwrap_err();
        assert_eq!(e.kind(), Some(DbErrorKind::CheckViolation));
        assert_eq!(
            e.database_error().unwrap().constraint.as_deref(),
            Some("customers_credit_ok")
        );

        let e = go!(insert_into(orders::table)
            .values((
                orders::customer_id.to(999),
                orders::total.to(rust_decimal::Decimal::ONE),
            ))
            .execute(&mut db.conn))
            .unwrap_err();
        assert_eq!(e.kind(), Some(DbErrorKind::ForeignKeyViolation));
        assert_eq!(
            e.database_error().unwrap().constraint.as_deref(),
            Some("orders_customer_fk")
        );

        // The length is the server's to check: the typed error says the value is too long.
        let long = format!("{}@x", "a".repeat(300));
        let e = go!(add(&long, "1").execute(&mut db.conn)).unwrap_err();
        assert_eq!(e.kind(), Some(DbErrorKind::StringTooLong), "{e}");
        assert!(e.to_string().contains("character varying(255)"), "{e}");
        assert!(
            e.to_string()
                .contains("longer than the column's declared length"),
            "{e}"
        );

        // numeric(12,2) rounds on the server: what comes back is what it kept.
        go!(add("c@x", "1.005").execute(&mut db.conn)).unwrap();
        let credit: Vec<rust_decimal::Decimal> = go!(customers::table
            .filter(customers::email.eq("c@x"))
            .select(customers::credit)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(credit, ["1.01".parse::<rust_decimal::Decimal>().unwrap()]);
    }
}

mod drifted {
    sqlwright::table! {
        #[sql_name = "customers"]
        customers (id) {
            #[serial] id -> Int4,
            #[unique(name = "customers_mail_key")] email -> Varchar(100),
            country -> Char(2),
            vat_number -> Nullable<Varchar(20)>,
            credit -> Numeric(12, 3),
            precision_ts -> Nullable<Timestamptz(6)>,
            opens -> Nullable<Time(0)>,
            born -> Nullable<Timestamp>,
            tags -> Nullable<Array<Varchar(16)>>,
        }
    }
}

twice! {
    // The schema has an array column, which MySQL cannot hold (mariadb_schema.rs tests the
    // sized types on MySQL).
    fn sized_columns_store_and_load_as_their_rust_types<B: PgOrSqlite>() {
        let mut db = with::<B>(SHOP, "");
        let q = insert_into(customers::table)
            .values((
                customers::email.to("z@x"),
                customers::country.to("DE"),
                customers::vat_number.to(Some("DE123")),
                customers::credit.to(rust_decimal::Decimal::new(1234, 2)),
            ))
            .returning((customers::email, customers::country, customers::vat_number));
        let row: (String, String, Option<String>) = go!(q.get_result(&mut db.conn)).unwrap();
        assert_eq!(row, ("z@x".into(), "DE".into(), Some("DE123".into())));
        let found: Vec<i64> = go!(customers::table
            .filter(customers::country.eq("DE").and(customers::email.like("z%")))
            .select(count_star())
            .load(&mut db.conn))
        .unwrap();
        assert_eq!(found, [1]);
        // The declarations agree with what create_all made (SQLite compares storage only).
        let drift = go!(verify_schema(
            &mut db.conn,
            &[meta::<customers::table>(), meta::<orders::table>()],
        ))
        .unwrap();
        assert_eq!(drift, []);
    }
}
