//! Migration autogenerate against the real servers: a schema made from old `table!`
//! declarations, the plan to new ones applied (verify-schema then reports nothing, and a
//! second plan is empty), down applied (the old declarations verify again); rows survive
//! renames and SQLite rebuilds. Tables, columns and renames here; constraints, enums,
//! comments in `autogen_constraints`.

use crate::both::{with, Fresh, TestBackend};
use crate::on_all;
use sqlwright::backend::Dialect;
use sqlwright::migrate::autogen::{plan, Plan, WarningKind};
use sqlwright::prelude::*;
use sqlwright::query::{Table, TableMeta};
use sqlwright::reflect::{reflect, verify_schema, ReflectOptions, Reflects};

/// Runs a migration script as the runner would: in a transaction unless it says not to.
fn apply<B: TestBackend>(db: &mut Fresh<B>, sql: &str, in_transaction: bool) {
    let result = if in_transaction {
        db.conn.transaction(|tx| tx.batch_execute(sql))
    } else {
        db.conn.batch_execute(sql)
    };
    if let Err(e) = result {
        panic!("{e}\nwhile running:\n{sql}");
    }
}

/// The plan from the database's schema to `to`.
pub fn plan_to<B: TestBackend + Reflects>(db: &mut Fresh<B>, to: &[&TableMeta]) -> Plan {
    let live = reflect(&mut db.conn, &ReflectOptions::default()).unwrap();
    plan(to, &live, B::DIALECT).unwrap()
}

/// Asserts the database is what `tables` declare: no drift, and nothing left to plan.
pub fn settled<B: TestBackend + Reflects>(db: &mut Fresh<B>, tables: &[&TableMeta]) {
    assert_eq!(verify_schema(&mut db.conn, tables).unwrap(), []);
    let again = plan_to(db, tables);
    assert!(
        again.is_empty(),
        "left to do: {:?}\nand back: {:?}\n{}",
        again.actions,
        again.down_actions,
        again.up
    );
}

/// Plans from the database to `new`, applies up and checks it settled.
pub fn up<B: TestBackend + Reflects>(db: &mut Fresh<B>, new: &[&TableMeta]) -> Plan {
    let plan = plan_to(db, new);
    assert!(!plan.is_empty());
    apply(db, &plan.up, plan.up_in_transaction);
    settled(db, new);
    plan
}

/// Applies the plan's down and checks the database is `old` again.
pub fn down<B: TestBackend + Reflects>(db: &mut Fresh<B>, plan: &Plan, old: &[&TableMeta]) {
    apply(db, &plan.down, plan.down_in_transaction);
    settled(db, old);
}

mod v1 {
    sqlwright::table! {
        users (id) {
            #[serial] id -> Int4,
            name -> Text,
            age -> Nullable<Int4>,
            legacy -> Nullable<Text>,
            rating -> Nullable<Text>,
        }
    }
}

mod v2 {
    sqlwright::table! {
        users (id) {
            #[serial] id -> Int4,
            #[default = "'anon'"] name -> Text,
            age -> Int8,
            nickname -> Nullable<Text>,
            #[default = "0"] score -> Int4,
            rating -> Nullable<Float8>,
        }
        #[index(title)]
        #[unique(user_id, title)]
        #[check("length(title) > 0", name = "posts_title_ok")]
        posts (id) {
            #[serial] id -> Int4,
            #[references(users::id, on_delete = cascade)] user_id -> Int4,
            title -> Text,
        }
    }
}

const V1: sqlwright::ddl::Schema = sqlwright::schema!(v1::users);
const V1_ROWS: &str =
    "INSERT INTO users (name, age, legacy) VALUES ('Ann', 30, 'x'), ('Bob', 40, NULL)";

fn v1() -> [&'static TableMeta; 1] {
    [<v1::users::table as Table>::META]
}

fn v2() -> [&'static TableMeta; 2] {
    [
        <v2::users::table as Table>::META,
        <v2::posts::table as Table>::META,
    ]
}

on_all!(
    an_empty_database_gets_every_table_in_key_order,
    tables_and_columns_come_and_go,
    renames_keep_the_rows,
    names_are_quoted,
    a_table_dropped_is_created_again_by_down,
);

fn tables_and_columns_come_and_go<B: TestBackend + Reflects>() {
    let mut db = with::<B>(V1, V1_ROWS);
    let plan = up(&mut db, &v2());
    assert!(
        plan.actions.contains(&"create table posts".to_string()),
        "{:?}",
        plan.actions
    );
    let added = match B::DIALECT {
        sqlwright::backend::Dialect::Sqlite => "add column users.nickname (in the rebuild)",
        _ => "add column users.nickname",
    };
    assert!(
        plan.actions.contains(&added.to_string()),
        "{:?}",
        plan.actions
    );
    assert!(plan
        .data_loss
        .contains(&"column users.legacy and its values".to_string()));
    // PostgreSQL casts the type; SQLite stores int4 and int8 alike.
    let casts = plan
        .data_loss
        .iter()
        .any(|l| l.starts_with("users.age: values the cast"));
    assert_eq!(
        casts,
        B::DIALECT == sqlwright::backend::Dialect::Postgres,
        "{:?}",
        plan.data_loss
    );
    let kinds: Vec<WarningKind> = plan.warnings.iter().map(|w| w.kind).collect();
    assert!(kinds.contains(&WarningKind::DropsColumn), "{kinds:?}");
    assert!(
        kinds.contains(&WarningKind::NotNullWithoutDefault),
        "{kinds:?}"
    );
    if B::DIALECT == sqlwright::backend::Dialect::Sqlite {
        assert!(
            plan.up.contains("CREATE TABLE \"_new_users\""),
            "{}",
            plan.up
        );
        // Nothing references `users`: the rebuild runs in the runner's transaction.
        assert!(plan.up_in_transaction);
        assert!(
            plan.up.starts_with("PRAGMA defer_foreign_keys=ON;\n"),
            "{}",
            plan.up
        );
        assert!(kinds.contains(&WarningKind::RewritesTable), "{kinds:?}");
    } else if B::DIALECT == Dialect::Mysql {
        // One MODIFY with the whole definition: type, NOT NULL and default together.
        for sql in [
            "ALTER TABLE `users` MODIFY COLUMN `age` BIGINT NOT NULL;",
            "ALTER TABLE `users` MODIFY COLUMN `name` TEXT NOT NULL DEFAULT ('anon');",
            "ALTER TABLE `users` MODIFY COLUMN `rating` DOUBLE;",
            "ALTER TABLE `users` DROP COLUMN `legacy`;",
        ] {
            assert!(plan.up.contains(sql), "{sql} not in:\n{}", plan.up);
        }
        assert!(plan.up_file().starts_with("-- sqlwright: no-transaction\n"));
    } else {
        assert!(
            plan.up
                .contains("ALTER COLUMN \"age\" TYPE int8 USING \"age\"::int8"),
            "{}",
            plan.up
        );
        assert!(
            plan.up.contains("ALTER COLUMN \"name\" SET DEFAULT 'anon'"),
            "{}",
            plan.up
        );
    }
    // The rows are still there, with the new columns' defaults.
    let rows: Vec<(String, i64, i32)> = v2::users::table
        .select((v2::users::name, v2::users::age, v2::users::score))
        .order_by(v2::users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        rows,
        [("Ann".to_string(), 30, 0), ("Bob".to_string(), 40, 0)]
    );
    // The new foreign key cascades.
    insert_into(v2::posts::table)
        .values((v2::posts::user_id.to(1), v2::posts::title.to("hello")))
        .execute(&mut db.conn)
        .unwrap();
    delete(v2::users::table)
        .filter(v2::users::id.eq(1))
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(v2::posts::table.count(&mut db.conn).unwrap(), 0);
    down(&mut db, &plan, &v1());
    let names: Vec<String> = v1::users::table
        .select(v1::users::name)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(names, ["Bob"]);
}

mod q1 {
    sqlwright::table! {
        #[sql_name = "odd \"name\""]
        odd (id) {
            id -> Int4,
            #[sql_name = "a b"] ab -> Nullable<Text>,
        }
    }
}

mod q2 {
    sqlwright::table! {
        #[sql_name = "odd \"name\""]
        #[index(cd)]
        odd (id) {
            id -> Int4,
            #[sql_name = "a b"] #[default = "'it''s'"] ab -> Nullable<Text>,
            #[sql_name = "c\"d"] cd -> Nullable<Int4>,
        }
    }
}

fn names_are_quoted<B: TestBackend + Reflects>() {
    let (rows, quoted) = match B::DIALECT {
        Dialect::Mysql => (
            "INSERT INTO `odd \"name\"` (id, `a b`) VALUES (1, 'x')",
            "`odd \"name\"`",
        ),
        _ => (
            "INSERT INTO \"odd \"\"name\"\"\" (id, \"a b\") VALUES (1, 'x')",
            "\"odd \"\"name\"\"\"",
        ),
    };
    let mut db = with::<B>(sqlwright::schema!(q1::odd), rows);
    let plan = up(&mut db, &[<q2::odd::table as Table>::META]);
    assert!(plan.up.contains(quoted), "{}", plan.up);
    assert!(
        plan.up_file().contains("add column odd \"name\".c\"d"),
        "{}",
        plan.up_file()
    );
    let values: Vec<Option<String>> = q2::odd::table
        .select(q2::odd::ab)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(values, [Some("x".to_string())]);
    down(&mut db, &plan, &[<q1::odd::table as Table>::META]);
}

mod r1 {
    sqlwright::table! {
        people (id) {
            #[serial] id -> Int4,
            mail -> Text,
        }
        pets (id) {
            #[serial] id -> Int4,
            #[references(people::id, on_delete = cascade)] owner -> Int4,
        }
    }
}

mod r2 {
    sqlwright::table! {
        #[renamed_from(people)]
        persons (id) {
            #[serial] id -> Int4,
            #[renamed_from(mail)] email -> Text,
        }
        pets (id) {
            #[serial] id -> Int4,
            #[renamed_from(owner)]
            #[references(persons::id, on_delete = cascade)] owner_id -> Int4,
        }
    }
}

fn renames_keep_the_rows<B: TestBackend + Reflects>() {
    let mut db = with::<B>(
        sqlwright::schema!(r1::people, r1::pets),
        "INSERT INTO people (mail) VALUES ('a@x'), ('b@x'); INSERT INTO pets (owner) VALUES (2)",
    );
    let old = [
        <r1::people::table as Table>::META,
        <r1::pets::table as Table>::META,
    ];
    let new = [
        <r2::persons::table as Table>::META,
        <r2::pets::table as Table>::META,
    ];
    let plan = up(&mut db, &new);
    let q = |name: &str| match B::DIALECT {
        Dialect::Mysql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    };
    let renames = [
        format!("ALTER TABLE {} RENAME TO {};", q("people"), q("persons")),
        format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {};",
            q("persons"),
            q("mail"),
            q("email")
        ),
    ];
    for sql in renames {
        assert!(plan.up.contains(&sql), "{sql} not in:\n{}", plan.up);
    }
    assert!(
        !plan.up.contains("DROP"),
        "a rename is never drop-and-add:\n{}",
        plan.up
    );
    assert_eq!(plan.data_loss, Vec::<String>::new());
    let emails: Vec<String> = r2::persons::table
        .select(r2::persons::email)
        .order_by(r2::persons::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(emails, ["a@x", "b@x"]);
    let owners: Vec<i32> = r2::pets::table
        .select(r2::pets::owner_id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(owners, [2]);
    // The attribute is harmless once applied: nothing more to do (checked by `up`), and
    // down renames back.
    down(&mut db, &plan, &old);
    let mails: Vec<String> = r1::people::table
        .select(r1::people::mail)
        .order_by(r1::people::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(mails, ["a@x", "b@x"]);
}

fn a_table_dropped_is_created_again_by_down<B: TestBackend + Reflects>() {
    // From v2 back to v1: posts dropped (its rows lost), recreated by down as it was.
    let mut db = with::<B>(sqlwright::schema!(v2::users, v2::posts), "");
    let plan = up(&mut db, &v1());
    assert!(
        plan.data_loss
            .contains(&"table posts and all its rows".to_string()),
        "{:?}",
        plan.data_loss
    );
    assert!(plan
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::DropsTable));
    assert!(plan
        .up_file()
        .contains("--   - table posts and all its rows\n"));
    down(&mut db, &plan, &v2());
}

mod k {
    sqlwright::table! {
        // Declared before the table it references: created after it, dropped before it.
        pets (id) {
            #[serial] id -> Int4,
            #[references(owners::id)] owner_id -> Int4,
        }
        owners (id) {
            #[serial] id -> Int4,
        }
    }
}

fn an_empty_database_gets_every_table_in_key_order<B: TestBackend + Reflects>() {
    let mut db = B::fresh();
    let tables = [
        <k::pets::table as Table>::META,
        <k::owners::table as Table>::META,
    ];
    let plan = up(&mut db, &tables);
    assert_eq!(plan.actions, ["create table owners", "create table pets"]);
    assert_eq!(plan.down_actions, ["drop table pets", "drop table owners"]);
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    down(&mut db, &plan, &[]);
}
