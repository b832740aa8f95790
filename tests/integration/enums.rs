//! Enum types declared in `table!` and Rust enums deriving `DbEnum`: created and dropped
//! with the schema, written and read as labels, compared and listed in filters, sorted in
//! the declared order on PostgreSQL, an unknown label a typed error, and reflection and
//! drift checks that read the labels back. The text mapping runs on both backends.

use crate::both::{spelled, text_of, with};
use crate::twice::twice;
use sqlwright::backend::Dialect;
use sqlwright::ddl::Schema;
use sqlwright::dsl::cast;
use sqlwright::engine::DecodeError;
use sqlwright::prelude::*;
use sqlwright::{Changeset, DbEnum, Error, Insertable, Postgres, Row, Sqlite};

sqlwright::table! {
    /// Where an order is.
    enum OrderStatus { pending, paid, shipped, "on hold" }

    orders (id) {
        id -> Int4,
        status -> OrderStatus,
        previous -> Nullable<OrderStatus>,
        channel -> Text,
    }
}

#[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq)]
#[sqlwright(sql_type = OrderStatus)]
enum Status {
    Pending,
    Paid,
    Shipped,
    #[sqlwright(rename = "on hold")]
    OnHold,
}

/// Stored in a text column.
#[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq)]
#[sqlwright(text, rename_all = "SCREAMING_SNAKE_CASE")]
enum Channel {
    WebShop,
    Phone,
}

#[derive(Row, Insertable, Debug, PartialEq)]
#[sqlwright(table = orders)]
struct Order {
    id: i32,
    status: Status,
    previous: Option<Status>,
    channel: Channel,
}

#[derive(Changeset)]
#[sqlwright(table = orders)]
struct OrderChange {
    status: Option<Status>,
    previous: Option<Option<Status>>,
}

const SCHEMA: Schema = sqlwright::schema!(orders);

fn order(id: i32, status: Status, previous: Option<Status>, channel: Channel) -> Order {
    Order {
        id,
        status,
        previous,
        channel,
    }
}

fn rows() -> Vec<Order> {
    vec![
        order(1, Status::Paid, Some(Status::Pending), Channel::WebShop),
        order(2, Status::Pending, None, Channel::Phone),
        order(3, Status::OnHold, Some(Status::Paid), Channel::WebShop),
        order(4, Status::Shipped, Some(Status::Paid), Channel::Phone),
    ]
}

twice! {
    fn insert_load_filter_update<B>() {
        let mut db = with::<B>(SCHEMA, "");
        let inserted = go!(insert_into(orders::table)
            .values(&rows()[..])
            .execute(&mut db.conn))
            .unwrap();
        assert_eq!(inserted, 4);
        let all: Vec<Order> = go!(orders::table
            .select(Order::as_select())
            .order_by(orders::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(all, rows());
        // Whole-table loads give the labels as text.
        let labels: Vec<(i32, String, Option<String>, String)> = go!(orders::table
            .order_by(orders::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(labels[2].1, "on hold");
        assert_eq!(labels[1].2, None);
        assert_eq!(labels[0].3, "WEB_SHOP");

        // A label compared with the column is a parameter cast to the type on PostgreSQL.
        let paid = orders::table
            .filter(orders::status.eq(Status::Paid))
            .select(orders::id);
        let cast = if B::DIALECT == Dialect::Postgres {
            "$1::\"order_status\""
        } else {
            "$1"
        };
        assert_eq!(
            text_of(paid.debug_sql_for(B::DIALECT)),
            spelled::<B>(&format!(
                "SELECT \"orders\".\"id\" FROM \"orders\" WHERE \"orders\".\"status\" = {cast}"
            ))
        );
        assert_eq!(go!(paid.load(&mut db.conn)).unwrap(), [1]);
        // A list of labels is one array parameter.
        let listed = orders::table
            .filter(orders::status.in_([Status::Paid, Status::OnHold]))
            .select(orders::id)
            .order_by(orders::id);
        if B::DIALECT == Dialect::Postgres {
            assert!(
                text_of(listed.debug_sql_for(B::DIALECT))
                    .contains("\"orders\".\"status\" = ANY($1::\"order_status\"[])"),
                "{}",
                listed.debug_sql_for(B::DIALECT)
            );
        }
        assert_eq!(go!(listed.load(&mut db.conn)).unwrap(), [1, 3]);
        let not_listed: Vec<i32> = go!(orders::table
            .filter(orders::status.not_in(vec![Status::Paid, Status::OnHold]))
            .select(orders::id)
            .order_by(orders::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(not_listed, [2, 4]);
        // A nullable enum column compares with `Some`, and loads `None`.
        let previous: Vec<(i32, Option<Status>)> = go!(orders::table
            .filter(orders::previous.eq(Status::Paid))
            .select((orders::id, orders::previous))
            .order_by(orders::id)
            .load_as(&mut db.conn))
            .unwrap();
        assert_eq!(previous, [(3, Some(Status::Paid)), (4, Some(Status::Paid))]);

        // Updates: one column, and a changeset (`Some(None)` sets NULL).
        let updated = go!(update(orders::table)
            .filter(orders::id.eq(2))
            .set(orders::status.to(Status::Shipped))
            .execute(&mut db.conn))
            .unwrap();
        assert_eq!(updated, 1);
        go!(update(orders::table)
            .filter(orders::id.eq(1))
            .set(&OrderChange {
                status: Some(Status::OnHold),
                previous: Some(None),
            })
            .execute(&mut db.conn))
            .unwrap();
        let after: Vec<(i32, Status, Option<Status>)> = go!(orders::table
            .select((orders::id, orders::status, orders::previous))
            .filter(orders::id.le(2))
            .order_by(orders::id)
            .load_as(&mut db.conn))
            .unwrap();
        assert_eq!(
            after,
            [(1, Status::OnHold, None), (2, Status::Shipped, None)]
        );
    }

    fn text_mapping_and_unknown_text_labels<B>() {
        let mut db = with::<B>(SCHEMA, "");
        go!(insert_into(orders::table)
            .values(&rows()[..])
            .execute(&mut db.conn))
            .unwrap();
        // The text mapping: the label is plain text on both backends.
        let by_phone = orders::table
            .filter(orders::channel.eq(Channel::Phone))
            .select(orders::id)
            .order_by(orders::id);
        assert!(
            !text_of(by_phone.debug_sql_for(B::DIALECT)).contains("::"),
            "{}",
            by_phone.debug_sql_for(B::DIALECT)
        );
        assert_eq!(go!(by_phone.load(&mut db.conn)).unwrap(), [2, 4]);
        let stored: Vec<String> = go!(orders::table
            .select(orders::channel)
            .order_by(orders::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(stored, ["WEB_SHOP", "PHONE", "WEB_SHOP", "PHONE"]);
        // An enum column as text: the label, on both backends.
        let as_text = orders::table
            .select(cast::<Text, _>(orders::status).concat("/"))
            .order_by(orders::id);
        assert!(
            text_of(as_text.debug_sql_for(B::DIALECT)).starts_with(if B::DIALECT == Dialect::Mysql {
                // MySQL's text type in a CAST is CHAR, and `||` is written CONCAT.
                "SELECT CONCAT(CAST(`orders`.`status` AS CHAR), "
            } else {
                "SELECT CAST(\"orders\".\"status\" AS text) || "
            }),
            "{}",
            as_text.debug_sql_for(B::DIALECT)
        );
        let labels: Vec<String> = go!(as_text.load(&mut db.conn)).unwrap();
        assert_eq!(labels, ["paid/", "pending/", "on hold/", "shipped/"]);
        // Text that is no label of the Rust enum: a typed error naming table.column and label.
        go!(db.conn
            .batch_execute("UPDATE orders SET channel = 'FAX' WHERE id = 3"))
            .unwrap();
        let err = go!(orders::table
            .select(Order::as_select())
            .order_by(orders::id)
            .load(&mut db.conn))
            .unwrap_err();
        match &err {
            Error::Decode {
                column,
                source: DecodeError::UnknownLabel { label, rust },
            } => {
                assert_eq!(column, "orders.channel");
                assert_eq!(label, "FAX");
                assert!(rust.ends_with("Channel"), "{rust}");
            }
            other => panic!("expected UnknownLabel, got {other:?}"),
        }
        assert!(
            err.to_string()
                .starts_with("cannot load column orders.channel: the label `FAX` is not a variant"),
            "{err}"
        );
    }
}

twice! {
    fn create_all_and_drop_all_manage_the_type() {
        let sql = SCHEMA.create_sql(false);
        let create_type =
            "CREATE TYPE \"order_status\" AS ENUM ('pending', 'paid', 'shipped', 'on hold');\n";
        assert!(sql.starts_with(create_type), "{sql}");
        assert!(
            sql.contains("\"status\" \"order_status\" NOT NULL,\n    \"previous\" \"order_status\",\n"),
            "{sql}"
        );
        let drop = SCHEMA.drop_sql(true);
        assert_eq!(
            drop,
            "DROP TABLE IF EXISTS \"orders\" CASCADE;\nDROP TYPE IF EXISTS \"order_status\";\n"
        );

        let mut db = with::<Postgres>(Schema::new(&[]), "");
        go!(SCHEMA.create_all(&mut db.conn, false)).unwrap();
        // Created again with IF NOT EXISTS: the type and the table stand.
        go!(SCHEMA.create_all(&mut db.conn, true)).unwrap();
        let labels = sqlwright::raw::sql(
            "SELECT e.enumlabel::text AS label FROM pg_enum e \
             JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'order_status' \
             ORDER BY e.enumsortorder",
        );
        let label = |r: &sqlwright::raw::DynRow| r.get::<String>("label").unwrap();
        let found: Vec<String> = go!(labels.load(&mut db.conn)).unwrap().iter().map(label).collect();
        assert_eq!(found, ["pending", "paid", "shipped", "on hold"]);
        // Without IF NOT EXISTS, an existing type is the server's error.
        let err = go!(SCHEMA.create_all(&mut db.conn, false)).unwrap_err();
        assert!(err.to_string().contains("order_status"), "{err}");
        go!(SCHEMA.drop_all(&mut db.conn, true)).unwrap();
        let found: Vec<String> = go!(labels.load(&mut db.conn)).unwrap().iter().map(label).collect();
        assert!(found.is_empty());
        // Dropped when absent: nothing to do.
        go!(SCHEMA.drop_all(&mut db.conn, true)).unwrap();
    }
}

#[test]
fn sqlite_stores_labels_as_checked_text() {
    let sql = SCHEMA.create_sql_for(Dialect::Sqlite, false);
    assert!(
        sql.contains(
            "\"status\" TEXT NOT NULL CHECK (\"status\" IN ('pending', 'paid', 'shipped', 'on hold'))"
        ),
        "{sql}"
    );
    assert!(!sql.contains("CREATE TYPE"), "{sql}");
    assert!(!SCHEMA.drop_sql_for(Dialect::Sqlite, true).contains("TYPE"));
    let mut db = with::<Sqlite>(SCHEMA, "");
    let err = db
        .conn
        .batch_execute("INSERT INTO orders VALUES (9, 'lost', NULL, 'PHONE')")
        .unwrap_err();
    assert!(err.to_string().to_lowercase().contains("check"), "{err}");
    // The same rows as on PostgreSQL, the same answers.
    insert_into(orders::table)
        .values(&rows()[..])
        .execute(&mut db.conn)
        .unwrap();
    let on_hold: Vec<Order> = orders::table
        .filter(orders::status.eq(Status::OnHold))
        .select(Order::as_select())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(on_hold, [rows().remove(2)]);
    // What create_all made verifies clean against the declaration.
    let meta = <orders::table as sqlwright::query::Table>::META;
    assert_eq!(
        sqlwright::reflect::verify_schema(&mut db.conn, &[meta]).unwrap(),
        []
    );
}

twice! {
    fn order_by_follows_the_declared_order_on_postgres() {
        let mut db = with::<Postgres>(SCHEMA, "");
        go!(insert_into(orders::table)
            .values(&rows()[..])
            .execute(&mut db.conn))
            .unwrap();
        let sorted: Vec<Status> = go!(orders::table
            .select(orders::status)
            .order_by(orders::status)
            .load_as(&mut db.conn))
            .unwrap();
        // pending < paid < shipped < on hold: the declaration's order, not the labels' text.
        assert_eq!(
            sorted,
            [
                Status::Pending,
                Status::Paid,
                Status::Shipped,
                Status::OnHold
            ]
        );
        // Text cast to the type (PostgreSQL's), the name quoted: the explicit way to compare
        // with a label held as a string.
        let from_text = orders::table
            .filter(orders::status.eq(cast::<OrderStatus, _>(value("paid"))))
            .select(orders::id);
        assert_eq!(
            from_text.to_sql(),
            "SELECT \"orders\".\"id\" FROM \"orders\" WHERE \"orders\".\"status\" = CAST($1 AS \"order_status\")"
        );
        assert_eq!(go!(from_text.load(&mut db.conn)).unwrap(), [1]);
        let later: Vec<i32> = go!(orders::table
            .filter(orders::status.gt(Status::Paid))
            .select(orders::id)
            .order_by(orders::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(later, [3, 4]);
    }

    fn unknown_label_from_the_database_is_a_typed_error() {
        let mut db = with::<Postgres>(SCHEMA, "");
        go!(insert_into(orders::table)
            .values(&rows()[..])
            .execute(&mut db.conn))
            .unwrap();
        // A label added behind the program's back, and a row that uses it.
        go!(db.conn
            .batch_execute("ALTER TYPE order_status ADD VALUE 'refunded'"))
            .unwrap();
        go!(db.conn
            .batch_execute("UPDATE orders SET status = 'refunded' WHERE id = 4"))
            .unwrap();
        let err = go!(orders::table
            .select(Order::as_select())
            .order_by(orders::id)
            .load(&mut db.conn))
            .unwrap_err();
        match &err {
            Error::Decode {
                column,
                source: DecodeError::UnknownLabel { label, .. },
            } => {
                assert_eq!(column, "orders.status");
                assert_eq!(label, "refunded");
            }
            other => panic!("expected UnknownLabel, got {other:?}"),
        }
        assert!(
            err.to_string()
                .contains("orders.status: the label `refunded` is not a variant of Rust enum"),
            "{err}"
        );
        // Rows without it still load, and the label loads as text.
        let fine: Vec<Order> = go!(orders::table
            .filter(orders::id.lt(4))
            .select(Order::as_select())
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(fine.len(), 3);
        let text: Vec<String> = go!(orders::table
            .filter(orders::id.eq(4))
            .select(orders::status)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(text, ["refunded"]);
    }

    fn verify_schema_reports_label_differences() {
        use sqlwright::reflect::{verify_schema, Drift};
        let mut db = with::<Postgres>(SCHEMA, "");
        let meta = <orders::table as sqlwright::query::Table>::META;
        assert_eq!(go!(verify_schema(&mut db.conn, &[meta])).unwrap(), []);
        go!(db.conn
            .batch_execute("ALTER TYPE order_status ADD VALUE 'refunded' BEFORE 'shipped'"))
            .unwrap();
        let drift = go!(verify_schema(&mut db.conn, &[meta])).unwrap();
        assert_eq!(
            drift,
            [Drift::EnumLabels {
                sql_type: "order_status".into(),
                declared: vec![
                    "pending".into(),
                    "paid".into(),
                    "shipped".into(),
                    "on hold".into()
                ],
                actual: vec![
                    "pending".into(),
                    "paid".into(),
                    "refunded".into(),
                    "shipped".into(),
                    "on hold".into()
                ],
            }]
        );
        assert_eq!(
            drift[0].to_string(),
            "enum order_status: declared (pending, paid, shipped, on hold), the database has \
         (pending, paid, refunded, shipped, on hold); not declared: refunded"
        );
    }
}

#[test]
fn print_schema_declares_reflected_enums() {
    use sqlwright::reflect::{print_schema, reflect, PrintOptions, ReflectOptions};
    let mut db = with::<Postgres>(SCHEMA, "");
    let catalog = reflect(&mut db.conn, &ReflectOptions::default()).unwrap();
    let printed = print_schema(&catalog, &PrintOptions::default()).unwrap();
    assert!(
        printed.contains("    enum OrderStatus { pending, paid, shipped, \"on hold\" }\n"),
        "{printed}"
    );
    assert!(printed.contains("status -> OrderStatus,"), "{printed}");
    assert!(
        printed.contains("previous -> Nullable<OrderStatus>,"),
        "{printed}"
    );
    // The declaration comes before the table that uses it.
    assert!(printed.find("enum OrderStatus").unwrap() < printed.find("orders (id)").unwrap());
}

#[test]
fn copy_in_sends_labels_in_binary_form() {
    let mut db = with::<Postgres>(SCHEMA, "");
    let stored = copy_in(orders::table).rows(&rows(), &mut db.conn).unwrap();
    assert_eq!(stored, 4);
    let all: Vec<Order> = orders::table
        .select(Order::as_select())
        .order_by(orders::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(all, rows());
}

mod arrays {
    use super::OrderStatus;
    use crate::both::with;
    use crate::twice::twice;
    use sqlwright::prelude::*;
    use sqlwright::Postgres;

    sqlwright::table! {
        histories (id) {
            id -> Int4,
            #[sql_name = "steps"] steps -> Array<OrderStatus>,
        }
    }

    twice! {
        fn an_array_of_an_enum_type_loads_as_its_labels() {
            let mut db = with::<Postgres>(
                sqlwright::schema!(histories),
                "INSERT INTO histories VALUES (1, ARRAY['pending', 'paid', 'on hold']::order_status[]),
                                              (2, '{}');",
            );
            let steps: Vec<Vec<String>> = go!(histories::table
                .select(histories::steps)
                .order_by(histories::id)
                .load(&mut db.conn))
            .unwrap();
            assert_eq!(steps, [vec!["pending", "paid", "on hold"], vec![]]);
        }
    }
}
