//! Migration autogenerate of keys, constraints, indexes, enum types and comments, on
//! PostgreSQL and SQLite (where most of them are a table rebuild), and a SQLite rebuild of
//! a table other tables reference with ON DELETE CASCADE, which must not cascade.

use crate::autogen::{down, settled, up};
use crate::both::{with, TestBackend};
use crate::on_both;
use sqlwright::backend::Dialect;
use sqlwright::migrate::autogen::WarningKind;
use sqlwright::prelude::*;
use sqlwright::query::{Table, TableMeta};
use sqlwright::reflect::Reflects;

mod c1 {
    sqlwright::table! {
        parents (id) {
            id -> Int4,
            name -> Text,
        }
        tags (id) {
            id -> Int4,
            label -> Text,
        }
        tagged (id) {
            id -> Int4,
            #[references(tags::id)] tag_id -> Int4,
        }
        children (id) {
            id -> Int4,
            parent_id -> Int4,
            code -> Text,
            #[default = "1"] size -> Int4,
        }
    }
}

mod c2 {
    sqlwright::table! {
        parents (id) {
            #[serial] id -> Int4,
            name -> Text,
        }
        tags (label) {
            #[unique] id -> Int4,
            label -> Text,
        }
        tagged (id) {
            id -> Int4,
            #[references(tags::id)] tag_id -> Int4,
        }
        #[index(parent_id, code)]
        #[check("size < 100", name = "children_size_small")]
        #[check = "code IN ('x', 'y', 'z')"]
        children (id) {
            id -> Int4,
            #[references(parents::id, on_delete = cascade, on_update = restrict)]
            parent_id -> Int4,
            #[unique(name = "children_code_unique")] code -> Text,
            #[check = "size > 0"] #[default = "2"] size -> Int4,
        }
    }
}

const C1: sqlwright::ddl::Schema =
    sqlwright::schema!(c1::parents, c1::tags, c1::tagged, c1::children);
const C1_ROWS: &str = "
INSERT INTO parents (id, name) VALUES (1, 'p1'), (2, 'p2');
INSERT INTO tags (id, label) VALUES (1, 'a'), (2, 'b');
INSERT INTO tagged (id, tag_id) VALUES (1, 2);
INSERT INTO children (id, parent_id, code) VALUES (1, 1, 'x'), (2, 2, 'y');
";

fn c1() -> [&'static TableMeta; 4] {
    [
        <c1::parents::table as Table>::META,
        <c1::tags::table as Table>::META,
        <c1::tagged::table as Table>::META,
        <c1::children::table as Table>::META,
    ]
}

fn c2() -> [&'static TableMeta; 4] {
    [
        <c2::parents::table as Table>::META,
        <c2::tags::table as Table>::META,
        <c2::tagged::table as Table>::META,
        <c2::children::table as Table>::META,
    ]
}

on_both!(
    keys_constraints_and_indexes,
    comments_are_written_on_postgres_only,
    rebuilding_a_referenced_table_does_not_cascade,
);
crate::on_all!(enum_types_gain_and_lose_labels);

fn keys_constraints_and_indexes<B: TestBackend + Reflects>() {
    let mut db = with::<B>(C1, C1_ROWS);
    let plan = up(&mut db, &c2());
    let kinds: Vec<WarningKind> = plan.warnings.iter().map(|w| w.kind).collect();
    if B::DIALECT == Dialect::Postgres {
        for sql in [
            "ALTER TABLE \"tags\" DROP CONSTRAINT \"tags_pkey\";",
            "ALTER TABLE \"tags\" ADD PRIMARY KEY (\"label\");",
            "ALTER TABLE \"children\" ADD CONSTRAINT \"children_code_unique\" UNIQUE (\"code\");",
            "ALTER TABLE \"children\" ADD CONSTRAINT \"children_size_small\" CHECK (size < 100);",
            "ALTER TABLE \"children\" ADD CONSTRAINT \"children_parent_id_fkey\" FOREIGN KEY (\"parent_id\") REFERENCES \"parents\" (\"id\") ON DELETE CASCADE ON UPDATE RESTRICT;",
            "CREATE INDEX \"children_parent_id_code_idx\" ON \"children\" (\"parent_id\", \"code\");",
            "ALTER TABLE \"children\" ALTER COLUMN \"size\" SET DEFAULT 2;",
        ] {
            assert!(plan.up.contains(sql), "{sql}\nnot in\n{}", plan.up);
        }
        assert!(
            kinds.contains(&WarningKind::ForeignKeyValidation),
            "{kinds:?}"
        );
        assert!(kinds.contains(&WarningKind::BlockingIndex), "{kinds:?}");
        let at = |sql: &str| plan.up.find(sql).unwrap();
        // The key `tagged` references changes: its foreign key goes first, comes back last.
        assert!(
            at("\"tagged\" DROP CONSTRAINT \"tagged_tag_id_fkey\"")
                < at("DROP CONSTRAINT \"tags_pkey\"")
        );
        assert!(at("DROP CONSTRAINT \"tags_pkey\"") < at("ADD PRIMARY KEY"));
        assert!(
            at("ADD CONSTRAINT \"tags_id_key\" UNIQUE")
                < at("\"tagged\" ADD CONSTRAINT \"tagged_tag_id_fkey\"")
        );
    } else {
        assert!(
            plan.up.contains("CREATE TABLE \"_new_tags\""),
            "{}",
            plan.up
        );
        assert!(
            plan.up.contains("CREATE TABLE \"_new_children\""),
            "{}",
            plan.up
        );
        assert!(!plan.up.contains("_new_parents"), "{}", plan.up);
        assert!(
            plan.up.ends_with(
                "DROP TABLE \"_sqlwright_fk_check\";\nCOMMIT;\nPRAGMA foreign_keys=ON;\n"
            ),
            "{}",
            plan.up
        );
        // `tagged` references the rebuilt `tags`: foreign keys off, outside the transaction.
        assert!(!plan.up_in_transaction);
        assert!(kinds.contains(&WarningKind::RewritesTable), "{kinds:?}");
    }
    // The rows were kept, and the new constraints hold on both backends.
    let codes: Vec<(String, i32)> = c2::children::table
        .select((c2::children::code, c2::children::size))
        .order_by(c2::children::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(codes, [("x".to_string(), 1), ("y".to_string(), 1)]);
    let twice = insert_into(c2::children::table)
        .values((
            c2::children::id.to(3),
            c2::children::parent_id.to(1),
            c2::children::code.to("x"),
        ))
        .execute(&mut db.conn);
    assert!(twice.is_err(), "the unique constraint holds");
    let too_big = insert_into(c2::children::table)
        .values((
            c2::children::id.to(3),
            c2::children::parent_id.to(1),
            c2::children::code.to("z"),
            c2::children::size.to(500),
        ))
        .execute(&mut db.conn);
    assert!(too_big.is_err(), "the check holds");
    delete(c2::parents::table)
        .filter(c2::parents::id.eq(1))
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(
        c2::children::table.count(&mut db.conn).unwrap(),
        1,
        "cascaded"
    );
    assert_eq!(c2::tagged::table.count(&mut db.conn).unwrap(), 1);
    // `parents.id` numbers new rows now, after the ones there.
    let id: i32 = insert_into(c2::parents::table)
        .values(c2::parents::name.to("p3"))
        .returning(c2::parents::id)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(id, 3);
    down(&mut db, &plan, &c1());
}

mod e1 {
    sqlwright::table! {
        enum Mood { happy, sad }
        diary (id) {
            id -> Int4,
            mood -> Mood,
        }
    }
}

mod e2 {
    sqlwright::table! {
        enum Mood { happy, "so-so", sad }
        enum Weather { sun, rain }
        diary (id) {
            id -> Int4,
            mood -> Mood,
            weather -> Nullable<Weather>,
        }
    }
}

fn enum_types_gain_and_lose_labels<B: TestBackend + Reflects>() {
    let mut db = with::<B>(
        sqlwright::schema!(e1::diary),
        "INSERT INTO diary (id, mood) VALUES (1, 'sad'), (2, 'happy')",
    );
    let old = [<e1::diary::table as Table>::META];
    let new = [<e2::diary::table as Table>::META];
    let plan = up(&mut db, &new);
    if B::DIALECT == Dialect::Postgres {
        assert!(
            plan.up
                .contains("ALTER TYPE \"mood\" ADD VALUE 'so-so' AFTER 'happy';"),
            "{}",
            plan.up
        );
        assert!(plan
            .up
            .contains("CREATE TYPE \"weather\" AS ENUM ('sun', 'rain');"));
        // Down cannot remove a label from a type: it makes the type again.
        assert!(
            plan.down
                .contains("ALTER TYPE \"mood\" RENAME TO \"_old_mood\";"),
            "{}",
            plan.down
        );
        assert!(
            plan.down.contains("DROP TYPE \"weather\";"),
            "{}",
            plan.down
        );
        assert!(
            plan.down_data_loss
                .iter()
                .any(|l| l.contains("loses labels so-so")),
            "{:?}",
            plan.down_data_loss
        );
    } else if B::DIALECT == Dialect::Mysql {
        // Inline ENUMs: the column is modified; adding a label loses nothing, down's
        // taking it away may.
        assert!(
            plan.up.contains(
                "ALTER TABLE `diary` MODIFY COLUMN `mood` ENUM('happy', 'so-so', 'sad') NOT NULL;"
            ),
            "{}",
            plan.up
        );
        assert!(
            plan.up
                .contains("ALTER TABLE `diary` ADD COLUMN `weather` ENUM('sun', 'rain');"),
            "{}",
            plan.up
        );
        assert_eq!(plan.data_loss, Vec::<String>::new());
        assert!(
            plan.down_data_loss
                .iter()
                .any(|l| l.starts_with("diary.mood")),
            "{:?}",
            plan.down_data_loss
        );
    } else {
        // SQLite: the labels are a CHECK, changed by a rebuild.
        assert!(
            plan.up.contains("CREATE TABLE \"_new_diary\""),
            "{}",
            plan.up
        );
    }
    let moods: Vec<String> = e2::diary::table
        .select(e2::diary::mood)
        .order_by(e2::diary::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(moods, ["sad", "happy"]);
    down(&mut db, &plan, &old);
}

mod d1 {
    sqlwright::table! {
        notes (id) {
            id -> Int4,
            body -> Text,
        }
    }
}

mod d2 {
    sqlwright::table! {
        /// What people wrote.
        notes (id) {
            id -> Int4,
            /// The text, as written.
            body -> Text,
        }
    }
}

fn comments_are_written_on_postgres_only<B: TestBackend + Reflects>() {
    let mut db = with::<B>(sqlwright::schema!(d1::notes), "");
    let old = [<d1::notes::table as Table>::META];
    let new = [<d2::notes::table as Table>::META];
    if B::DIALECT == Dialect::Sqlite {
        let plan = crate::autogen::plan_to(&mut db, &new);
        assert!(plan.is_empty(), "{:?}", plan.actions);
        assert!(plan
            .notes
            .iter()
            .any(|n| n.contains("SQLite has no COMMENT ON")));
        settled(&mut db, &new);
        return;
    }
    let plan = up(&mut db, &new);
    assert!(
        plan.up
            .contains("COMMENT ON TABLE \"notes\" IS 'What people wrote.';"),
        "{}",
        plan.up
    );
    assert!(plan
        .up
        .contains("COMMENT ON COLUMN \"notes\".\"body\" IS 'The text, as written.';"));
    assert!(
        plan.down.contains("COMMENT ON TABLE \"notes\" IS NULL;"),
        "{}",
        plan.down
    );
    down(&mut db, &plan, &old);
}

mod o1 {
    sqlwright::table! {
        owners (id) {
            id -> Int4,
            name -> Nullable<Text>,
        }
        pets (id) {
            id -> Int4,
            #[references(owners::id, on_delete = cascade)] owner_id -> Int4,
        }
    }
}

mod o2 {
    sqlwright::table! {
        owners (id) {
            id -> Int4,
            #[default = "'nobody'"] name -> Text,
        }
        pets (id) {
            id -> Int4,
            #[references(owners::id, on_delete = cascade)] owner_id -> Int4,
        }
    }
}

fn rebuilding_a_referenced_table_does_not_cascade<B: TestBackend + Reflects>() {
    let mut db = with::<B>(
        sqlwright::schema!(o1::owners, o1::pets),
        "INSERT INTO owners (id, name) VALUES (1, 'ann'), (2, 'bob');
         INSERT INTO pets (id, owner_id) VALUES (1, 1), (2, 2), (3, 2);",
    );
    let old = [
        <o1::owners::table as Table>::META,
        <o1::pets::table as Table>::META,
    ];
    let new = [
        <o2::owners::table as Table>::META,
        <o2::pets::table as Table>::META,
    ];
    let plan = up(&mut db, &new);
    if B::DIALECT == Dialect::Sqlite {
        // Dropping the old `owners` with foreign keys on would delete every pet.
        assert!(!plan.up_in_transaction);
        assert!(plan.up_file().starts_with("-- sqlwright: no-transaction\n"));
        assert!(
            plan.up.starts_with("PRAGMA foreign_keys=OFF;\nBEGIN;\n"),
            "{}",
            plan.up
        );
    } else {
        assert!(plan.up_in_transaction);
    }
    assert_eq!(o2::pets::table.count(&mut db.conn).unwrap(), 3);
    down(&mut db, &plan, &old);
    assert_eq!(o1::pets::table.count(&mut db.conn).unwrap(), 3);
    // Keys are enforced again afterwards.
    let orphan = insert_into(o1::pets::table)
        .values((o1::pets::id.to(9), o1::pets::owner_id.to(99)))
        .execute(&mut db.conn);
    assert!(orphan.is_err());
}

mod f1 {
    sqlwright::table! {
        owners (id) { id -> Int4, }
        cars (id) { id -> Int4, }
    }
}

mod f2 {
    sqlwright::table! {
        owners (id) { id -> Int4, }
        cars (id) {
            id -> Int4,
            #[references(owners::id, on_delete = set_null)] owner_id -> Nullable<Int4>,
        }
    }
}

on_both!(a_nullable_key_column_is_added_without_a_rebuild);

fn a_nullable_key_column_is_added_without_a_rebuild<B: TestBackend + Reflects>() {
    let mut db = with::<B>(
        sqlwright::schema!(f1::owners, f1::cars),
        "INSERT INTO owners (id) VALUES (1); INSERT INTO cars (id) VALUES (7)",
    );
    let old = [
        <f1::owners::table as Table>::META,
        <f1::cars::table as Table>::META,
    ];
    let new = [
        <f2::owners::table as Table>::META,
        <f2::cars::table as Table>::META,
    ];
    let plan = up(&mut db, &new);
    assert!(!plan.up.contains("_new_"), "{}", plan.up);
    if B::DIALECT == Dialect::Sqlite {
        assert!(
            plan.up.contains("ADD COLUMN \"owner_id\" INTEGER REFERENCES \"owners\" (\"id\") ON DELETE SET NULL ON UPDATE NO ACTION;"),
            "{}",
            plan.up
        );
    }
    update(f2::cars::table)
        .set(f2::cars::owner_id.to(Some(1)))
        .execute(&mut db.conn)
        .unwrap();
    delete(f2::owners::table).execute(&mut db.conn).unwrap();
    let owners: Vec<Option<i32>> = f2::cars::table
        .select(f2::cars::owner_id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(owners, [None], "ON DELETE SET NULL holds");
    down(&mut db, &plan, &old);
}

mod u1 {
    sqlwright::table! {
        codes (id) {
            id -> Int4,
            #[unique] code -> Text,
        }
        uses (id) {
            id -> Int4,
            #[references(codes::code)] code -> Text,
        }
    }
}

mod u2 {
    sqlwright::table! {
        codes (code) {
            id -> Int4,
            code -> Text,
        }
        uses (id) {
            id -> Int4,
            #[references(codes::code)] code -> Text,
        }
    }
}

on_both!(a_key_that_foreign_keys_reference_is_replaced);

fn a_key_that_foreign_keys_reference_is_replaced<B: TestBackend + Reflects>() {
    let mut db = with::<B>(
        sqlwright::schema!(u1::codes, u1::uses),
        "INSERT INTO codes (id, code) VALUES (1, 'a'), (2, 'b'); INSERT INTO uses (id, code) VALUES (1, 'b')",
    );
    let old = [
        <u1::codes::table as Table>::META,
        <u1::uses::table as Table>::META,
    ];
    let new = [
        <u2::codes::table as Table>::META,
        <u2::uses::table as Table>::META,
    ];
    // The unique constraint on `code` goes (the primary key takes its place) while `uses`
    // references it: its foreign key is dropped first and added again last.
    let plan = up(&mut db, &new);
    if B::DIALECT == Dialect::Postgres {
        let at = |sql: &str| {
            plan.up
                .find(sql)
                .unwrap_or_else(|| panic!("{sql} not in\n{}", plan.up))
        };
        assert!(
            at("\"uses\" DROP CONSTRAINT \"uses_code_fkey\"")
                < at("DROP CONSTRAINT \"codes_code_key\"")
        );
        assert!(
            at("ADD PRIMARY KEY (\"code\")") < at("\"uses\" ADD CONSTRAINT \"uses_code_fkey\"")
        );
    }
    assert_eq!(u2::uses::table.count(&mut db.conn).unwrap(), 1);
    down(&mut db, &plan, &old);
    assert_eq!(u1::uses::table.count(&mut db.conn).unwrap(), 1);
}

mod s1 {
    sqlwright::table! {
        counters (id) {
            id -> Int4,
        }
    }
}

mod s0 {
    sqlwright::table! {
        counters (id) {
            #[serial] id -> Int4,
        }
    }
}

/// A `serial` made by hand (a `nextval` default) declared without `#[serial]` loses its
/// default; down makes it an identity column, which reflects as serial again.
#[test]
fn a_hand_made_serial_declared_plain_loses_its_default() {
    let mut db = <sqlwright::Postgres as TestBackend>::fresh();
    db.conn
        .batch_execute("CREATE TABLE counters (id serial PRIMARY KEY)")
        .unwrap();
    let plan = up(&mut db, &[<s1::counters::table as Table>::META]);
    assert!(
        plan.up
            .contains("ALTER TABLE \"counters\" ALTER COLUMN \"id\" DROP DEFAULT;"),
        "{}",
        plan.up
    );
    assert!(
        plan.down.contains("ADD GENERATED BY DEFAULT AS IDENTITY"),
        "{}",
        plan.down
    );
    down(&mut db, &plan, &[<s0::counters::table as Table>::META]);
}
