//! Schema on MariaDB: `create_all`/`drop_all` from `table!` declarations (InnoDB, MySQL's
//! types, keys, checks, indexes, cycles, a half-failed script), and migrations with the
//! dirty mark (see `mariadb_migrations.rs`).

use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::testing::mariadb_database;
use sqlwright::{Connection, Error, Mysql};

pub(crate) mod shop {
    sqlwright::table! {
        /// Who buys.
        customers (id) {
            #[serial] id -> Int4,
            #[unique] email -> Text,
            /// Free text, not a key: TEXT.
            note -> Nullable<Text>,
            #[check = "age >= 0"] age -> Int2,
            vip -> Bool,
        }
        #[index(placed_on)]
        #[check("total >= 0", name = "orders_total_ok")]
        orders (id) {
            #[serial] id -> Int8,
            #[references(customers::id, on_delete = cascade)] customer_id -> Int4,
            total -> Numeric(12, 2),
            ratio -> Float8,
            small -> Float4,
            placed_on -> Date,
            at -> Timestamp,
            at_tz -> Timestamptz(3),
            time_of_day -> Time,
            payload -> Nullable<Json>,
            blob -> Nullable<Bytea>,
            token -> Uuid,
            #[default = "'new'"] code -> Varchar(20),
        }
    }
}

pub(crate) const SHOP: sqlwright::ddl::Schema = sqlwright::schema!(shop::orders, shop::customers);

/// One value of a one-row, one-column text query.
fn one(conn: &mut Connection<Mysql>, sql: &str) -> Option<String> {
    conn.query_text(sql)
        .unwrap()
        .into_iter()
        .next()?
        .into_iter()
        .next()?
}

/// The tables of the connection's database, by name.
fn tables(conn: &mut Connection<Mysql>) -> Vec<String> {
    conn.query_text(
        "SELECT table_name FROM information_schema.tables \
         WHERE table_schema = DATABASE() ORDER BY table_name",
    )
    .unwrap()
    .into_iter()
    .map(|r| r[0].clone().unwrap())
    .collect()
}

fn column_type(conn: &mut Connection<Mysql>, table: &str, column: &str) -> String {
    // The names are the test's own.
    one(
        conn,
        &format!(
            "SELECT column_type FROM information_schema.columns WHERE table_schema = DATABASE() \
             AND table_name = '{table}' AND column_name = '{column}'"
        ),
    )
    .unwrap_or_else(|| panic!("no column {table}.{column}"))
}

fn kind(err: &Error) -> Option<DbErrorKind> {
    match err {
        Error::Database(e) => Some(e.kind),
        _ => None,
    }
}

#[test]
fn create_all_makes_innodb_tables_with_mysql_types_keys_and_checks() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    SHOP.create_all(&mut conn, false).unwrap();
    assert_eq!(tables(&mut conn), ["customers", "orders"]);
    let engines = conn
        .query_text(
            "SELECT DISTINCT engine, table_collation FROM information_schema.tables \
             WHERE table_schema = DATABASE()",
        )
        .unwrap();
    assert_eq!(
        engines,
        [vec![Some("InnoDB".into()), Some("utf8mb4_bin".into())]]
    );
    for (table, column, ty) in [
        ("customers", "id", "int(11)"),
        ("customers", "email", "varchar(255)"),
        ("customers", "note", "text"),
        ("customers", "age", "smallint(6)"),
        ("customers", "vip", "tinyint(1)"),
        ("orders", "id", "bigint(20)"),
        ("orders", "total", "decimal(12,2)"),
        ("orders", "ratio", "double"),
        ("orders", "small", "float"),
        ("orders", "placed_on", "date"),
        ("orders", "at", "datetime(6)"),
        ("orders", "at_tz", "datetime(3)"),
        ("orders", "time_of_day", "time(6)"),
        ("orders", "payload", "longtext"),
        ("orders", "blob", "longblob"),
        ("orders", "token", "uuid"),
        ("orders", "code", "varchar(20)"),
    ] {
        assert_eq!(
            column_type(&mut conn, table, column),
            ty,
            "{table}.{column}"
        );
    }
    assert_eq!(
        one(
            &mut conn,
            "SELECT extra FROM information_schema.columns WHERE table_schema = DATABASE() \
             AND table_name = 'orders' AND column_name = 'id'"
        )
        .as_deref(),
        Some("auto_increment")
    );
    // The keys, the default, the cascade, the checks and the index work.
    conn.batch_execute(
        "INSERT INTO customers (email, age, vip) VALUES ('a@x', 30, TRUE), ('b@x', 40, FALSE)",
    )
    .unwrap();
    conn.batch_execute(
        "INSERT INTO orders (customer_id, total, ratio, small, placed_on, at, at_tz, \
         time_of_day, token) VALUES (1, 9.5, 0.5, 0.25, '2026-01-02', '2026-01-02 03:04:05', \
         '2026-01-02 03:04:05', '12:00:00', UUID())",
    )
    .unwrap();
    assert_eq!(
        one(&mut conn, "SELECT code FROM orders").as_deref(),
        Some("new")
    );
    let dup = conn
        .batch_execute("INSERT INTO customers (email, age, vip) VALUES ('a@x', 1, TRUE)")
        .unwrap_err();
    assert_eq!(kind(&dup), Some(DbErrorKind::UniqueViolation), "{dup}");
    let negative = conn
        .batch_execute("INSERT INTO customers (email, age, vip) VALUES ('c@x', -1, TRUE)")
        .unwrap_err();
    assert_eq!(
        kind(&negative),
        Some(DbErrorKind::CheckViolation),
        "{negative}"
    );
    let orphan = conn
        .batch_execute(
            "INSERT INTO orders (customer_id, total, ratio, small, placed_on, at, at_tz, \
             time_of_day, token) VALUES (99, 1, 0, 0, '2026-01-02', NOW(), NOW(), '00:00', \
             UUID())",
        )
        .unwrap_err();
    assert_eq!(
        kind(&orphan),
        Some(DbErrorKind::ForeignKeyViolation),
        "{orphan}"
    );
    let total = conn
        .batch_execute(
            "INSERT INTO orders (customer_id, total, ratio, small, placed_on, at, at_tz, \
             time_of_day, token) VALUES (1, -1, 0, 0, '2026-01-02', NOW(), NOW(), '00:00', \
             UUID())",
        )
        .unwrap_err();
    assert_eq!(kind(&total), Some(DbErrorKind::CheckViolation), "{total}");
    assert_eq!(
        one(
            &mut conn,
            "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() \
             AND table_name = 'orders' AND index_name = 'orders_placed_on_idx'"
        )
        .as_deref(),
        Some("1")
    );
    assert_eq!(
        one(
            &mut conn,
            "SELECT table_comment FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name = 'customers'"
        )
        .as_deref(),
        Some("Who buys.")
    );
    conn.batch_execute("DELETE FROM customers WHERE id = 1")
        .unwrap();
    assert_eq!(
        one(&mut conn, "SELECT COUNT(*) FROM orders").as_deref(),
        Some("0")
    );
    // Again with IF NOT EXISTS: nothing to do, no error; without it, the table exists.
    SHOP.create_all(&mut conn, true).unwrap();
    let again = SHOP.create_all(&mut conn, false).unwrap_err();
    assert!(again.to_string().contains("already exists"), "{again}");
    SHOP.drop_all(&mut conn, false).unwrap();
    assert!(tables(&mut conn).is_empty());
    SHOP.drop_all(&mut conn, true).unwrap();
    let missing = SHOP.drop_all(&mut conn, false).unwrap_err();
    assert_eq!(
        kind(&missing),
        Some(DbErrorKind::UndefinedTable),
        "{missing}"
    );
}

mod cycle {
    sqlwright::table! {
        roosts (id) {
            id -> Int4,
            #[references(perches::id)] perch_id -> Nullable<Int4>,
        }
        perches (id) {
            id -> Int4,
            #[references(roosts::id, on_delete = set_null)] roost_id -> Nullable<Int4>,
        }
    }
}

#[test]
fn tables_in_a_reference_cycle_are_created_and_dropped_and_checks_come_back_on() {
    const CYCLE: sqlwright::ddl::Schema = sqlwright::schema!(cycle::roosts, cycle::perches);
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    CYCLE.create_all(&mut conn, true).unwrap();
    CYCLE.create_all(&mut conn, true).unwrap();
    assert_eq!(tables(&mut conn), ["perches", "roosts"]);
    assert_eq!(
        one(&mut conn, "SELECT @@SESSION.foreign_key_checks").as_deref(),
        Some("1")
    );
    let keys = conn
        .query_text(
            "SELECT table_name, referenced_table_name FROM \
             information_schema.referential_constraints WHERE constraint_schema = DATABASE() \
             ORDER BY table_name",
        )
        .unwrap();
    assert_eq!(
        keys,
        [
            vec![Some("perches".into()), Some("roosts".into())],
            vec![Some("roosts".into()), Some("perches".into())],
        ]
    );
    // The keys are enforced once the checks are back on.
    let orphan = conn
        .batch_execute("INSERT INTO roosts VALUES (1, 5)")
        .unwrap_err();
    assert_eq!(
        kind(&orphan),
        Some(DbErrorKind::ForeignKeyViolation),
        "{orphan}"
    );
    CYCLE.drop_all(&mut conn, false).unwrap();
    assert!(tables(&mut conn).is_empty());
    assert_eq!(
        one(&mut conn, "SELECT @@SESSION.foreign_key_checks").as_deref(),
        Some("1")
    );
}

mod unholdable {
    sqlwright::table! {
        fine (id) {
            id -> Int4,
        }
        hosts (id) {
            id -> Int4,
            addr -> Inet,
        }
        lists (id) {
            id -> Int4,
            tags -> Array<Text>,
        }
    }
}

#[test]
fn a_type_mysql_cannot_hold_is_an_error_naming_it_before_anything_is_sent() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    for (schema, column, ty) in [
        (
            sqlwright::schema!(unholdable::fine, unholdable::hosts),
            "`hosts`.`addr`",
            "inet",
        ),
        (
            sqlwright::schema!(unholdable::fine, unholdable::lists),
            "`lists`.`tags`",
            "text[]",
        ),
    ] {
        let err = schema.create_all(&mut conn, false).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::Misuse(_)), "{err:?}");
        assert!(text.contains(column) && text.contains(ty), "{text}");
        // Not even the table before it was created.
        assert!(tables(&mut conn).is_empty());
        assert!(schema.mysql_create_statements(false).is_err());
    }
}

mod half {
    sqlwright::table! {
        firsts (id) {
            id -> Int4,
        }
        seconds (id) {
            #[references(firsts::id)] id -> Int4,
            #[check = "no_such_column > 0"] n -> Int4,
        }
    }
}

#[test]
fn a_half_failed_create_all_keeps_what_it_created_and_a_rerun_finishes_it() {
    const HALF: sqlwright::ddl::Schema = sqlwright::schema!(half::seconds, half::firsts);
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    // DDL commits statement by statement on MySQL: the first table stays.
    let err = HALF.create_all(&mut conn, true).unwrap_err();
    assert!(matches!(err, Error::Database(_)), "{err:?}");
    assert_eq!(tables(&mut conn), ["firsts"]);
    assert!(!conn.in_transaction());
    // Once the cause is gone, running it again with IF NOT EXISTS creates the rest.
    conn.batch_execute("CREATE TABLE seconds (id INT PRIMARY KEY, n INT NOT NULL)")
        .unwrap();
    HALF.create_all(&mut conn, true).unwrap();
    HALF.drop_all(&mut conn, false).unwrap();
    assert!(tables(&mut conn).is_empty());
}

mod moods {
    sqlwright::table! {
        enum Mood { calm, "very busy" }
        days (id) {
            id -> Int4,
            mood -> Mood,
        }
    }
}

#[test]
fn an_enum_type_is_an_inline_enum_column_that_refuses_other_labels() {
    const DAYS: sqlwright::ddl::Schema = sqlwright::schema!(moods::days);
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    DAYS.create_all(&mut conn, false).unwrap();
    assert_eq!(
        column_type(&mut conn, "days", "mood"),
        "enum('calm','very busy')"
    );
    conn.batch_execute("INSERT INTO days VALUES (1, 'very busy')")
        .unwrap();
    let err = conn
        .batch_execute("INSERT INTO days VALUES (2, 'sad')")
        .unwrap_err();
    assert!(matches!(err, Error::Database(_)), "{err:?}");
    DAYS.drop_all(&mut conn, false).unwrap();
    // The text form names the same statements.
    let text = DAYS.create_sql_for(sqlwright::backend::Dialect::Mysql, false);
    assert!(
        text.starts_with("CREATE TABLE `days` (") && text.contains("ENGINE=InnoDB"),
        "{text}"
    );
}

#[test]
fn batch_execute_reports_the_error_of_a_later_statement() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    let err = conn
        .batch_execute(
            "CREATE TABLE kept (id INT PRIMARY KEY); INSERT INTO no_such_table VALUES (1)",
        )
        .unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::UndefinedTable), "{err}");
    // The statement before it ran, and the connection still works.
    assert_eq!(tables(&mut conn), ["kept"]);
}

mod odd {
    sqlwright::table! {
        #[sql_name = "odd`table"]
        odd_table (id) {
            #[sql_name = "the `id`"] #[serial] id -> Int4,
            #[sql_name = "it's"] #[unique] label -> Text,
        }
    }
}

#[test]
fn names_holding_backticks_and_quotes_are_quoted() {
    const ODD: sqlwright::ddl::Schema = sqlwright::schema!(odd::odd_table);
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    ODD.create_all(&mut conn, true).unwrap();
    assert_eq!(tables(&mut conn), ["odd`table"]);
    conn.batch_execute("INSERT INTO `odd``table` (`it's`) VALUES ('x')")
        .unwrap();
    assert_eq!(
        one(&mut conn, "SELECT `the ``id``` FROM `odd``table`").as_deref(),
        Some("1")
    );
    ODD.drop_all(&mut conn, false).unwrap();
    assert!(tables(&mut conn).is_empty());
}

#[test]
fn verify_schema_reports_enum_labels_that_differ() {
    const DAYS: sqlwright::ddl::Schema = sqlwright::schema!(moods::days);
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    DAYS.create_all(&mut conn, false).unwrap();
    let meta = [<moods::days::table as sqlwright::query::Table>::META];
    assert!(sqlwright::reflect::verify_schema(&mut conn, &meta)
        .unwrap()
        .is_empty());
    conn.batch_execute("ALTER TABLE days MODIFY mood ENUM('calm', 'very busy', 'sad') NOT NULL")
        .unwrap();
    let drift = sqlwright::reflect::verify_schema(&mut conn, &meta).unwrap();
    match &drift[..] {
        [sqlwright::reflect::Drift::EnumLabels {
            sql_type, actual, ..
        }] => {
            assert_eq!(sql_type, "mood");
            assert_eq!(actual, &["calm", "very busy", "sad"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn create_all_inside_a_transaction_is_refused_on_mysql() {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    let err = conn
        .transaction(|tx| SHOP.create_all(tx, true))
        .unwrap_err();
    assert!(
        matches!(&err, Error::Misuse(m) if m.contains("inside a transaction")),
        "{err:?}"
    );
    assert!(tables(&mut conn).is_empty());
}
