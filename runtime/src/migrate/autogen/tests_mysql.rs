//! Autogenerate on a real MariaDB (`sqlwright::testing`): a schema made by `create_all`
//! plans nothing; the plan from an empty database, run by the migration runner from its
//! files, plans nothing again and its down leaves the database empty; every change kind
//! is applied and reverted with the rows kept.

use super::*;
use crate::migrate::{Migrations, Target};
use crate::query::Table as _;
use crate::reflect::{reflect, ReflectOptions};
use crate::testing::{mariadb_database, MariadbDatabase};
use crate::{Connection, Mysql};

mod v1 {
    crate::table! {
        enum Status { pending, paid, "on hold" }

        /// Who buys.
        #[index(name)]
        customers (id) {
            #[serial] id -> Int4,
            #[unique] email -> Text,
            /// Free text.
            note -> Nullable<Text>,
            #[check = "age >= 0"] age -> Int2,
            vip -> Bool,
            #[default = "0"] visits -> UInt4,
            name -> Varchar(40),
            #[default = "1.5"] rate -> Numeric(6, 2),
        }
        #[index(placed_on)]
        #[check("total >= 0", name = "orders_total_ok")]
        #[unique(customer_id, code)]
        orders (id) {
            #[serial] id -> Int8,
            #[references(customers::id, on_delete = cascade)] customer_id -> Int4,
            total -> Numeric(12, 2),
            placed_on -> Date,
            #[default = "CURRENT_TIMESTAMP"] at -> Timestamp,
            payload -> Nullable<Json>,
            status -> Status,
            #[default = "'it''s new'"] code -> Varchar(20),
            qty -> UInt2,
            big -> Nullable<UInt8>,
            flag -> Nullable<UInt1>,
            ratio -> Float8,
            token -> Nullable<Uuid>,
            blob -> Nullable<Bytea>,
        }
        lines (order_id, n) {
            #[references(orders::id)] order_id -> Int8,
            n -> Int4,
            #[references(customers::id, on_delete = set_null)] buyer -> Nullable<Int4>,
        }
    }
}

mod v2 {
    crate::table! {
        enum Status { pending, paid, shipped, "on hold" }

        /// Who buys, and where.
        #[index(email)]
        customers (id) {
            #[serial] id -> Int4,
            email -> Text,
            #[check = "age >= 0"] age -> Int4,
            #[default = "false"] vip -> Bool,
            #[default = "1"] visits -> UInt4,
            name -> Nullable<Varchar(80)>,
            phone -> Nullable<Varchar(20)>,
            #[default = "1.5"] rate -> Numeric(6, 2),
        }
        #[check("qty > 0", name = "orders_qty_ok")]
        #[unique(customer_id, code)]
        orders (id) {
            #[serial] id -> Int8,
            #[references(customers::id, on_delete = restrict)] customer_id -> Int4,
            total -> Numeric(12, 2),
            placed_on -> Date,
            #[default = "CURRENT_TIMESTAMP"] at -> Timestamp,
            payload -> Nullable<Json>,
            status -> Status,
            #[default = "'new'"] code -> Varchar(20),
            qty -> UInt2,
            big -> Nullable<UInt8>,
            flag -> Nullable<UInt1>,
            ratio -> Float8,
            token -> Nullable<Uuid>,
            blob -> Nullable<Bytea>,
        }
        notes (id) {
            #[serial] id -> Int4,
            #[references(orders::id, on_delete = cascade)] order_id -> Int8,
            body -> Text,
        }
    }
}

fn v1() -> Vec<&'static TableMeta> {
    vec![
        v1::customers::table::META,
        v1::orders::table::META,
        v1::lines::table::META,
    ]
}

fn v2() -> Vec<&'static TableMeta> {
    vec![
        v2::customers::table::META,
        v2::orders::table::META,
        v2::notes::table::META,
    ]
}

use crate::query::TableMeta;

fn plan_to(conn: &mut Connection<Mysql>, tables: &[&TableMeta]) -> Plan {
    let live = reflect(conn, &ReflectOptions::default()).unwrap();
    plan(tables, &live, Dialect::Mysql).unwrap()
}

/// Asserts that the database is what `tables` declare: nothing to plan either way.
fn settled(conn: &mut Connection<Mysql>, tables: &[&TableMeta]) {
    let again = plan_to(conn, tables);
    assert!(
        again.is_empty(),
        "left to do: {:?}\nand back: {:?}\n{}",
        again.actions,
        again.down_actions,
        again.up_file()
    );
    assert_eq!(crate::reflect::verify_schema(conn, tables).unwrap(), []);
}

/// Writes the plan as migration `version` under `dir`, as `migration generate` does.
fn write(dir: &std::path::Path, version: u64, plan: &Plan) {
    let at = dir.join(format!("{version}_step"));
    std::fs::create_dir_all(&at).unwrap();
    std::fs::write(at.join("up.sql"), plan.up_file()).unwrap();
    std::fs::write(at.join("down.sql"), plan.down_file()).unwrap();
}

fn scratch_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sqlwright-autogen-mysql-{}-{tag}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn database() -> (MariadbDatabase, Connection<Mysql>) {
    let db = mariadb_database();
    let conn = db.connect().unwrap();
    (db, conn)
}

#[test]
fn a_schema_made_by_create_all_plans_nothing() {
    let (_db, mut conn) = database();
    crate::schema!(v1::customers, v1::orders, v1::lines)
        .create_all(&mut conn, false)
        .unwrap();
    settled(&mut conn, &v1());
    let (_db2, mut conn2) = database();
    crate::schema!(v2::customers, v2::orders, v2::notes)
        .create_all(&mut conn2, false)
        .unwrap();
    settled(&mut conn2, &v2());
}

#[test]
fn generated_migrations_run_by_the_runner_round_trip_to_nothing() {
    let (_db, mut conn) = database();
    let dir = scratch_dir("round-trip");
    let first = plan_to(&mut conn, &v1());
    assert!(
        first.up.contains("CREATE TABLE `customers`"),
        "{}",
        first.up
    );
    assert!(first
        .up_file()
        .starts_with("-- sqlwright: no-transaction\n"));
    assert!(
        first.up.find("CREATE TABLE `customers`") < first.up.find("CREATE TABLE `orders`"),
        "{}",
        first.up
    );
    write(&dir, 1, &first);
    let migrations = Migrations::from_dir(&dir).unwrap();
    assert_eq!(migrations.run(&mut conn, Target::Latest).unwrap(), [1]);
    settled(&mut conn, &v1());

    let second = plan_to(&mut conn, &v2());
    write(&dir, 2, &second);
    let migrations = Migrations::from_dir(&dir).unwrap();
    assert_eq!(migrations.run(&mut conn, Target::Latest).unwrap(), [2]);
    settled(&mut conn, &v2());

    assert_eq!(migrations.revert(&mut conn, 1).unwrap(), [2]);
    settled(&mut conn, &v1());
    assert_eq!(migrations.revert(&mut conn, 1).unwrap(), [1]);
    settled(&mut conn, &[]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn each_change_kind_is_applied_and_reverted_with_the_rows_kept() {
    let (_db, mut conn) = database();
    crate::schema!(v1::customers, v1::orders, v1::lines)
        .create_all(&mut conn, false)
        .unwrap();
    conn.batch_execute(
        "INSERT INTO customers (email, note, age, vip, name) VALUES ('a@x', 'hi', 30, 1, 'Ann');
         INSERT INTO orders (customer_id, total, placed_on, status, qty, ratio)
             VALUES (1, 12.50, '2026-01-02', 'on hold', 3, 0.5);
         INSERT INTO `lines` (order_id, n, buyer) VALUES (1, 1, 1);",
    )
    .unwrap();
    let up = plan_to(&mut conn, &v2());
    for expected in [
        "ALTER TABLE `customers` MODIFY COLUMN `name` VARCHAR(80);",
        "ALTER TABLE `customers` MODIFY COLUMN `age` INT NOT NULL;",
        "ALTER TABLE `customers` MODIFY COLUMN `vip` BOOLEAN NOT NULL DEFAULT (false);",
        "ALTER TABLE `customers` ADD COLUMN `phone` VARCHAR(20);",
        "ALTER TABLE `customers` DROP COLUMN `note`;",
        "ALTER TABLE `customers` DROP INDEX `customers_email_key`;",
        "ALTER TABLE `customers` DROP INDEX `customers_name_idx`;",
        "CREATE INDEX `customers_email_idx` ON `customers` (`email`);",
        "ALTER TABLE `customers` COMMENT = 'Who buys, and where.';",
        "ALTER TABLE `orders` DROP FOREIGN KEY `orders_customer_id_fkey`;",
        "ALTER TABLE `orders` ADD CONSTRAINT `orders_customer_id_fkey` FOREIGN KEY (`customer_id`) \
         REFERENCES `customers` (`id`) ON DELETE NO ACTION ON UPDATE NO ACTION;",
        "ALTER TABLE `orders` DROP CONSTRAINT `orders_total_ok`;",
        "ALTER TABLE `orders` ADD CONSTRAINT `orders_qty_ok` CHECK (qty > 0);",
        "ALTER TABLE `orders` MODIFY COLUMN `status` ENUM('pending', 'paid', 'shipped', 'on hold') NOT NULL;",
        "ALTER TABLE `orders` MODIFY COLUMN `code` VARCHAR(20) NOT NULL DEFAULT ('new');",
        "DROP TABLE `lines`;",
        "CREATE TABLE `notes`",
    ] {
        assert!(up.up.contains(expected), "{expected:?} not in:\n{}", up.up);
    }
    // The changed foreign key is dropped before it is added again.
    let at = |s: &str| {
        up.up
            .find(s)
            .unwrap_or_else(|| panic!("{s} not in {}", up.up))
    };
    assert!(
        at("DROP FOREIGN KEY `orders_customer_id_fkey`")
            < at("ADD CONSTRAINT `orders_customer_id_fkey`")
    );
    let kinds: Vec<WarningKind> = up.warnings.iter().map(|w| w.kind).collect();
    assert!(kinds.contains(&WarningKind::DropsColumn), "{kinds:?}");
    assert!(kinds.contains(&WarningKind::DropsTable), "{kinds:?}");
    assert!(kinds.contains(&WarningKind::RewritesTable), "{kinds:?}");
    assert!(up
        .data_loss
        .contains(&"column customers.note and its values".to_string()));

    conn.batch_execute(&up.up)
        .unwrap_or_else(|e| panic!("{e}\n{}", up.up));
    settled(&mut conn, &v2());
    let kept = conn
        .query_text("SELECT email, age, name, status, code FROM customers JOIN orders ON orders.customer_id = customers.id")
        .unwrap();
    assert_eq!(
        kept,
        [[
            Some("a@x"),
            Some("30"),
            Some("Ann"),
            Some("on hold"),
            Some("it's new")
        ]
        .map(|v| v.map(str::to_string))
        .to_vec()]
    );
    // The new foreign key refuses what the old one cascaded.
    assert!(conn
        .batch_execute("DELETE FROM customers WHERE id = 1")
        .is_err());

    for expected in [
        "CREATE TABLE `lines` (",
        "ALTER TABLE `lines` ADD CONSTRAINT `lines_order_id_fkey` FOREIGN KEY",
        "ALTER TABLE `customers` ADD COLUMN `note` text COMMENT 'Free text.';",
        "ALTER TABLE `orders` MODIFY COLUMN `code` varchar(20) NOT NULL DEFAULT ('it''s new');",
        "DROP TABLE `notes`;",
    ] {
        assert!(
            up.down.contains(expected),
            "{expected:?} not in:\n{}",
            up.down
        );
    }
    conn.batch_execute(&up.down)
        .unwrap_or_else(|e| panic!("{e}\n{}", up.down));
    settled(&mut conn, &v1());
    let lines = conn.query_text("SELECT COUNT(*) FROM `lines`").unwrap();
    assert_eq!(lines, [[Some("0".to_string())]]);
}

#[test]
fn an_added_not_null_column_without_default_is_flagged() {
    mod before {
        crate::table! {
            items (id) {
                id -> Int4,
                name -> Varchar(10),
            }
        }
    }
    mod after {
        crate::table! {
            items (id) {
                id -> Int4,
                name -> Varchar(5),
                stock -> Int4,
            }
        }
    }
    let (_db, mut conn) = database();
    crate::schema!(before::items)
        .create_all(&mut conn, false)
        .unwrap();
    conn.batch_execute("INSERT INTO items VALUES (1, 'too long')")
        .unwrap();
    let plan = plan_to(&mut conn, &[after::items::table::META]);
    let kinds: Vec<WarningKind> = plan.warnings.iter().map(|w| w.kind).collect();
    assert!(
        kinds.contains(&WarningKind::NotNullWithoutDefault),
        "{kinds:?}"
    );
    assert!(
        plan.data_loss
            .iter()
            .any(|l| l.starts_with("items.name: values the conversion")),
        "{:?}",
        plan.data_loss
    );
    // Strict mode refuses to cut the value: the narrowing fails and nothing is lost.
    assert!(conn.batch_execute(&plan.up).is_err());
    let name = conn.query_text("SELECT name FROM items").unwrap();
    assert_eq!(name, [[Some("too long".to_string())]]);
}

#[test]
fn a_type_mysql_cannot_hold_is_refused_naming_the_column() {
    mod arrays {
        crate::table! {
            tags (id) {
                id -> Int4,
                names -> Array<Text>,
            }
        }
    }
    let live = Catalog {
        dialect: Dialect::Mysql,
        ..Catalog::default()
    };
    let err = plan(&[arrays::tags::table::META], &live, Dialect::Mysql).unwrap_err();
    assert!(err.to_string().contains("`tags`.`names`"), "{err}");
}

#[test]
fn an_index_a_foreign_key_uses_can_be_dropped_and_made_again() {
    mod indexed {
        crate::table! {
            parents (id) {
                id -> Int4,
            }
            #[index(parent_id)]
            children (id) {
                id -> Int4,
                #[references(parents::id)] parent_id -> Int4,
            }
        }
    }
    mod bare {
        crate::table! {
            parents (id) {
                id -> Int4,
            }
            children (id) {
                id -> Int4,
                #[references(parents::id)] parent_id -> Int4,
            }
        }
    }
    let indexed = [
        indexed::parents::table::META,
        indexed::children::table::META,
    ];
    let bare = [bare::parents::table::META, bare::children::table::META];
    let (_db, mut conn) = database();
    crate::schema!(indexed::parents, indexed::children)
        .create_all(&mut conn, false)
        .unwrap();
    settled(&mut conn, &indexed);
    let plan = plan_to(&mut conn, &bare);
    let at = |s: &str| {
        plan.up
            .find(s)
            .unwrap_or_else(|| panic!("{s} not in {}", plan.up))
    };
    assert!(
        at("CREATE INDEX `children_parent_id_fkey`") < at("DROP INDEX `children_parent_id_idx`")
    );
    conn.batch_execute(&plan.up)
        .unwrap_or_else(|e| panic!("{e}\n{}", plan.up));
    settled(&mut conn, &bare);
    conn.batch_execute(&plan.down)
        .unwrap_or_else(|e| panic!("{e}\n{}", plan.down));
    settled(&mut conn, &indexed);
    // Dropping the key drops the index InnoDB made for it too.
    mod unlinked {
        crate::table! {
            parents (id) {
                id -> Int4,
            }
            children (id) {
                id -> Int4,
                parent_id -> Int4,
            }
        }
    }
    let unlinked = [
        unlinked::parents::table::META,
        unlinked::children::table::META,
    ];
    let (_db2, mut conn) = database();
    crate::schema!(bare::parents, bare::children)
        .create_all(&mut conn, false)
        .unwrap();
    let plan = plan_to(&mut conn, &unlinked);
    assert!(
        plan.up
            .contains("ALTER TABLE `children` DROP INDEX `children_parent_id_fkey`;"),
        "{}",
        plan.up
    );
    conn.batch_execute(&plan.up)
        .unwrap_or_else(|e| panic!("{e}\n{}", plan.up));
    settled(&mut conn, &unlinked);
    conn.batch_execute(&plan.down)
        .unwrap_or_else(|e| panic!("{e}\n{}", plan.down));
    settled(&mut conn, &bare);
}
