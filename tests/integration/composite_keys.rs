//! Foreign keys of several columns: DDL, joins along them, and every loading strategy, on
//! PostgreSQL and SQLite.

use crate::both::{spelled, text_of, with};
use crate::session::capture_sql;
use crate::setup;
use crate::twice::twice;
use sqlwright::prelude::*;

sqlwright::table! {
    orders (id) {
        #[serial] id -> Int4,
        customer -> Text,
    }
    order_lines (order_id, line_no) {
        #[references(orders::id, on_delete = cascade)] order_id -> Int4,
        line_no -> Int4,
        product -> Text,
    }

    /// Each shipment carries one order line, named by its two-column key.
    #[foreign_key((order_id, line_no) -> order_lines (order_id, line_no), name = line, on_delete = cascade)]
    shipments (id) {
        #[serial] id -> Int4,
        order_id -> Int4,
        line_no -> Int4,
        carrier -> Text,
    }
}

const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(shipments, order_lines, orders);

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = order_lines)]
struct Line {
    order_id: i32,
    line_no: i32,
    product: String,
}

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = shipments)]
struct Shipment {
    id: i32,
    order_id: i32,
    line_no: i32,
    carrier: String,
}

fn statements(log: &[String]) -> usize {
    log.iter().filter(|l| l.contains(" statement ")).count()
}

macro_rules! fixture {
    () => {
        fixture!(B)
    };
    ($backend:ty) => {
        with::<$backend>(
            SCHEMA,
            "INSERT INTO orders (customer) VALUES ('Ann'), ('Bob');
             INSERT INTO order_lines VALUES (1, 1, 'milk'), (1, 2, 'bread'), (2, 1, 'milk');
             INSERT INTO shipments (order_id, line_no, carrier) VALUES
                 (1, 1, 'DHL'), (1, 1, 'UPS'), (2, 1, 'DHL');",
        )
    };
}

/// A line that does not exist cannot be shipped; deleting a line deletes its shipments.
/// (A macro: the runs are awaited on tokio.)
macro_rules! enforced {
    ($conn:expr) => {{
        let err = go!(insert_into(shipments::table)
            .values((
                shipments::order_id.to(1),
                shipments::line_no.to(9),
                shipments::carrier.to("DHL"),
            ))
            .execute($conn))
        .unwrap_err();
        assert_eq!(
            err.kind(),
            Some(sqlwright::engine::DbErrorKind::ForeignKeyViolation),
            "{err}"
        );
        // ON DELETE CASCADE through the composite key.
        go!(delete(order_lines::table)
            .filter(order_lines::order_id.eq(1) & order_lines::line_no.eq(1))
            .execute($conn))
        .unwrap();
        assert_eq!(go!(shipments::table.count($conn)).unwrap(), 1);
    }};
}

/// The lines, in key order (a macro: the run is awaited on tokio).
macro_rules! lines {
    ($conn:expr) => {
        go!(order_lines::table
            .select(Line::as_select())
            .order_by((order_lines::order_id, order_lines::line_no))
            .load($conn))
        .unwrap()
    };
}

fn carriers(shipments: &[Shipment]) -> Vec<&str> {
    shipments.iter().map(|s| s.carrier.as_str()).collect()
}

#[test]
fn ddl_declares_the_composite_key_and_the_database_enforces_it() {
    let sql = SCHEMA.create_sql(false);
    assert!(
        sql.contains(r#"FOREIGN KEY ("order_id", "line_no") REFERENCES "order_lines" ("order_id", "line_no") ON DELETE CASCADE ON UPDATE NO ACTION"#),
        "{sql}"
    );
    let order = sql.find("CREATE TABLE \"order_lines\"").unwrap();
    assert!(
        order < sql.find("CREATE TABLE \"shipments\"").unwrap(),
        "{sql}"
    );
    let meta = <shipments::table as sqlwright::query::Table>::META;
    assert_eq!(meta.foreign_keys[0].name, "line");
    assert_eq!(meta.foreign_keys[0].referenced, ["order_id", "line_no"]);

    let mut db = fixture!(sqlwright::Postgres);
    macro_rules! go {
        ($run:expr) => {
            $run
        };
    }
    enforced!(&mut db.conn);

    // Reflection reads it back, and print-schema declares it again.
    let catalog = sqlwright::reflect::reflect(&mut db.conn, &Default::default()).unwrap();
    let fk = &catalog.table("shipments").unwrap().foreign_keys[0];
    assert_eq!(fk.columns, ["order_id", "line_no"]);
    assert_eq!(fk.referenced_columns, ["order_id", "line_no"]);
    let printed = sqlwright::reflect::print_schema(&catalog, &Default::default()).unwrap();
    assert!(
        printed.contains("#[foreign_key((order_id, line_no) -> order_lines (order_id, line_no), on_delete = cascade)]"),
        "{printed}"
    );
}

twice! {
    fn the_database_enforces_the_composite_key<B>() {
        let mut db = fixture!();
        enforced!(&mut db.conn);
    }

    fn joins_along_the_composite_key_compare_every_column<B>() {
        let mut db = fixture!();
        let query = shipments::table
            .inner_join(shipments::line)
            .select((shipments::carrier, order_lines::product))
            .order_by(shipments::id);
        let sql = text_of(query.debug_sql_for(B::DIALECT));
        assert!(
            sql.contains(&spelled::<B>(r#"INNER JOIN "order_lines" ON ("shipments"."order_id" = "order_lines"."order_id") AND ("shipments"."line_no" = "order_lines"."line_no")"#))
                || sql.contains(&spelled::<B>(r#"INNER JOIN "order_lines" ON "shipments"."order_id" = "order_lines"."order_id" AND "shipments"."line_no" = "order_lines"."line_no""#)),
            "{sql}"
        );
        let rows = go!(query.load(&mut db.conn)).unwrap();
        assert_eq!(
            rows,
            [
                ("DHL".to_string(), "milk".to_string()),
                ("UPS".to_string(), "milk".to_string()),
                ("DHL".to_string(), "milk".to_string()),
            ]
        );
    }

    /// Loading by a composite key binds one array per column: read with `unnest($1, $2)` on
    /// PostgreSQL, and on SQLite as JSON lists zipped by position (`json_each`).
    fn lazy_and_select_in_loading_by_a_composite_key<B>() {
        let mut db = fixture!();
        let all = lines!(&mut db.conn);
        // lazy: one statement per call, both directions
        let (first, log) = capture_sql(|| {
            go!(all[0]
                .children::<Shipment, _>(shipments::line, &mut db.conn))
                .unwrap()
        });
        assert_eq!(
            (carriers(&first), statements(&log)),
            (vec!["DHL", "UPS"], 1)
        );
        // A composite key's parent is an Option: a key with a NULL part is not checked.
        let line: Option<Line> = go!(first[0].parent(shipments::line, &mut db.conn)).unwrap();
        assert_eq!(line.as_ref(), Some(&all[0]));

        // select-in: one statement for all parents, lines without shipments kept
        let (loaded, log) = capture_sql(|| {
            go!(all.clone()
                .with_children::<Shipment, _>(shipments::line, &mut db.conn))
                .unwrap()
        });
        assert_eq!(statements(&log), 1, "{log:#?}");
        let zipped = match B::DIALECT {
            sqlwright::backend::Dialect::Sqlite => {
                r#"IN (SELECT "k0".value, "k1".value FROM json_each(?1) AS "k0" JOIN json_each(?2) AS "k1" ON "k1".key = "k0".key)"#
            }
            // MySQL reads each key column's list as JSON, zipped by position.
            sqlwright::backend::Dialect::Mysql => {
                "IN (SELECT `k0`.`v`, `k1`.`v` FROM JSON_TABLE(?, '$[*]' COLUMNS (`i` FOR ORDINALITY, `v` BIGINT PATH '$')) AS `k0` JOIN JSON_TABLE(?, '$[*]' COLUMNS (`i` FOR ORDINALITY, `v` BIGINT PATH '$')) AS `k1` ON `k1`.`i` = `k0`.`i`)"
            }
            _ => "IN (SELECT * FROM unnest(",
        };
        assert!(log[0].contains(zipped), "{log:#?}");
        let got: Vec<(&str, Vec<&str>)> = loaded
            .iter()
            .map(|(l, s)| (l.product.as_str(), carriers(s)))
            .collect();
        assert_eq!(
            got,
            [
                ("milk", vec!["DHL", "UPS"]),
                ("bread", vec![]),
                ("milk", vec!["DHL"])
            ]
        );

        let shipments: Vec<Shipment> = go!(shipments::table
            .select(Shipment::as_select())
            .order_by(shipments::id)
            .load(&mut db.conn))
            .unwrap();
        let (with_lines, log) = capture_sql(|| {
            go!(shipments
                .with_parents::<Line, _>(shipments::line, &mut db.conn))
                .unwrap()
        });
        assert_eq!(statements(&log), 1, "{log:#?}");
        let got: Vec<(&str, (i32, i32))> = with_lines
            .iter()
            .map(|(s, l)| {
                let l = l.as_ref().unwrap();
                (s.carrier.as_str(), (l.order_id, l.line_no))
            })
            .collect();
        assert_eq!(got, [("DHL", (1, 1)), ("UPS", (1, 1)), ("DHL", (2, 1))]);
    }

    fn joined_loading_groups_by_the_composite_key<B>() {
        let mut db = fixture!();
        let (rows, log) = capture_sql(|| {
            go!(order_lines::table
                .left_join_on(
                    shipments::table,
                    shipments::order_id.eq(order_lines::order_id)
                        & shipments::line_no.eq(order_lines::line_no),
                )
                .select((Line::as_select(), Shipment::as_select()))
                .order_by((order_lines::order_id, order_lines::line_no))
                .then_order_by(shipments::id)
                .load(&mut db.conn))
                .unwrap()
        });
        assert_eq!(statements(&log), 1);
        let grouped = group_children(shipments::line, rows);
        let got: Vec<(i32, i32, Vec<&str>)> = grouped
            .iter()
            .map(|(l, s)| (l.order_id, l.line_no, carriers(s)))
            .collect();
        assert_eq!(
            got,
            [
                (1, 1, vec!["DHL", "UPS"]),
                (1, 2, vec![]),
                (2, 1, vec!["DHL"])
            ]
        );
    }

    /// Foreign keys in a reference cycle are added after both tables; with `if_not_exists`
    /// a second `create_all` leaves them as they are instead of adding copies.
    fn cyclic_foreign_keys_are_added_once() {
        const CYCLE: sqlwright::ddl::Schema = sqlwright::schema!(cycle::hens, cycle::eggs);
        let sql = CYCLE.create_sql(true);
        assert!(sql.contains("EXCEPTION WHEN duplicate_object"), "{sql}");
        let mut db = setup("");
        go!(CYCLE.create_all(&mut db.conn, true)).unwrap();
        go!(CYCLE.create_all(&mut db.conn, true)).unwrap();
        let n: i64 = go!(raw_scalar!(
            sqlwright::raw::sql("SELECT count(*) FROM pg_constraint WHERE contype = 'f'"),
            &mut db.conn
        ))
            .unwrap()
            .unwrap();
        assert_eq!(n, 2);
    }
}

mod cycle {
    sqlwright::table! {
        hens (id, flock) {
            id -> Int4,
            flock -> Int4,
            #[references(eggs::id)] egg_id -> Nullable<Int4>,
        }
        #[foreign_key((hen_id, hen_flock) -> hens (id, flock))]
        eggs (id) {
            id -> Int4,
            hen_id -> Nullable<Int4>,
            hen_flock -> Nullable<Int4>,
        }
    }
}
