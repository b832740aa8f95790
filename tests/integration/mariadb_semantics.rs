//! PostgreSQL's semantics kept on MariaDB where the portable suite found them lost: integer
//! division, `DbEnum` values, constraint names as PostgreSQL gives them, text functions
//! under MySQL's names, and window-function offsets written as literals.

use sqlwright::dsl::*;
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::testing::mariadb_database;
use sqlwright::{Connection, DbEnum, Error, Mysql};

mod schema {
    sqlwright::table! {
        enum MoodType { calm, "very angry" }

        authors (id) {
            id -> Int4,
            #[unique] email -> Text,
            #[check = "age >= 0"] age -> Int4,
            mood -> MoodType,
            label -> Nullable<Text>,
        }
        #[unique(author_id, title)]
        books (id) {
            id -> Int4,
            #[references(authors::id)] author_id -> Int4,
            title -> Text,
        }
    }
}
use schema::{authors, books};

const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(schema::authors, schema::books);

#[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq)]
#[sqlwright(sql_type = schema::MoodType)]
enum Mood {
    Calm,
    #[sqlwright(rename = "very angry")]
    VeryAngry,
}

/// Stored as its label in a text column.
#[derive(DbEnum, Debug, Clone, Copy, PartialEq, Eq)]
#[sqlwright(text, rename_all = "SCREAMING_SNAKE_CASE")]
enum Label {
    OnSale,
    Classic,
}

fn setup() -> (sqlwright::testing::MariadbDatabase, Connection<Mysql>) {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    SCHEMA.create_all(&mut conn, false).unwrap();
    insert_into(authors::table)
        .values((
            authors::id.to(1),
            authors::email.to("a@x"),
            authors::age.to(40),
            authors::mood.to(Mood::VeryAngry),
            authors::label.to(Some(Label::OnSale)),
        ))
        .execute(&mut conn)
        .unwrap();
    (db, conn)
}

#[test]
fn integer_division_truncates_toward_zero_as_on_postgresql() {
    let (_db, mut conn) = setup();
    let q = authors::table.select((
        authors::age / 7,
        (authors::age - 70) / 7,
        authors::age / (authors::id + 2),
        authors::age / value(7.0_f64),
    ));
    let (div, negative, wide, float): (i32, i32, i32, f64) = q.first(&mut conn).unwrap().unwrap();
    assert_eq!((div, negative, wide), (5, -4, 13));
    assert!((float - 40.0 / 7.0).abs() < 1e-9, "{float}");
}

#[test]
fn derived_enums_are_sent_and_loaded_by_label() {
    let (_db, mut conn) = setup();
    let loaded = authors::table
        .select((authors::mood, authors::label))
        .filter(authors::mood.eq(Mood::VeryAngry))
        .load_as::<(Mood, Option<Label>), _, _>(&mut conn)
        .unwrap();
    assert_eq!(loaded, [(Mood::VeryAngry, Some(Label::OnSale))]);
    let changed = update(authors::table)
        .set((
            authors::mood.to(Mood::Calm),
            authors::label.to(Some(Label::Classic)),
        ))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(changed, 1);
    let text: Option<String> = authors::table
        .select(authors::label)
        .first(&mut conn)
        .unwrap()
        .unwrap();
    assert_eq!(text.as_deref(), Some("CLASSIC"));
    let mood = authors::table
        .select(authors::mood)
        .load_as::<Mood, _, _>(&mut conn)
        .unwrap();
    assert_eq!(mood, [Mood::Calm]);
    // The enum type's column also loads as its label.
    let label: Vec<String> = authors::table
        .select(authors::mood)
        .load(&mut conn)
        .unwrap();
    assert_eq!(label, ["calm"]);
}

fn constraint_of(err: &Error) -> (Option<DbErrorKind>, Option<String>) {
    match err {
        Error::Database(e) => (Some(e.kind), e.constraint.clone()),
        _ => (None, None),
    }
}

#[test]
fn violated_constraints_have_postgresql_default_names() {
    let (_db, mut conn) = setup();
    let dup = insert_into(authors::table)
        .values((
            authors::id.to(2),
            authors::email.to("a@x"),
            authors::age.to(1),
            authors::mood.to(Mood::Calm),
            authors::label.to(None::<Label>),
        ))
        .execute(&mut conn)
        .unwrap_err();
    assert_eq!(
        constraint_of(&dup),
        (
            Some(DbErrorKind::UniqueViolation),
            Some("authors_email_key".into())
        )
    );
    let check = insert_into(authors::table)
        .values((
            authors::id.to(3),
            authors::email.to("b@x"),
            authors::age.to(-1),
            authors::mood.to(Mood::Calm),
            authors::label.to(None::<Label>),
        ))
        .execute(&mut conn)
        .unwrap_err();
    assert_eq!(
        constraint_of(&check),
        (
            Some(DbErrorKind::CheckViolation),
            Some("authors_age_check".into())
        )
    );
    let orphan = insert_into(books::table)
        .values((
            books::id.to(1),
            books::author_id.to(99),
            books::title.to("t"),
        ))
        .execute(&mut conn)
        .unwrap_err();
    assert_eq!(
        constraint_of(&orphan),
        (
            Some(DbErrorKind::ForeignKeyViolation),
            Some("books_author_id_fkey".into())
        )
    );
    let book = (books::author_id.to(1), books::title.to("t"));
    insert_into(books::table)
        .values((books::id.to(1), book.0, book.1))
        .execute(&mut conn)
        .unwrap();
    let again = insert_into(books::table)
        .values((
            books::id.to(2),
            books::author_id.to(1),
            books::title.to("t"),
        ))
        .execute(&mut conn)
        .unwrap_err();
    assert_eq!(
        constraint_of(&again).1.as_deref(),
        Some("books_author_id_title_key")
    );
}

#[test]
fn text_functions_count_characters_under_mysql_names() {
    let (_db, mut conn) = setup();
    update(authors::table)
        .set(authors::email.to("  héllo wörld  "))
        .execute(&mut conn)
        .unwrap();
    let row: (String, i32, i32, i32) = authors::table
        .select((
            trim(authors::email),
            length(authors::email),
            length(trim(authors::email)),
            position("wö", authors::email),
        ))
        .first(&mut conn)
        .unwrap()
        .unwrap();
    // PostgreSQL's `length` counts characters (MySQL's LENGTH counts bytes: 13 here).
    assert_eq!(row, ("héllo wörld".to_string(), 15, 11, 9));
}

#[test]
fn window_offsets_are_written_as_literals_and_others_refused() {
    let (_db, mut conn) = setup();
    for (id, age) in [(2, 50), (3, 60), (4, 70)] {
        insert_into(authors::table)
            .values((
                authors::id.to(id),
                authors::email.to(format!("{id}@x")),
                authors::age.to(age),
                authors::mood.to(Mood::Calm),
                authors::label.to(None::<Label>),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    let q = authors::table
        .select((
            authors::id,
            lag_by(authors::age, 2).over(window().order_by(authors::id)),
            lead_by(authors::age, 1).over(window().order_by(authors::id)),
            ntile(2).over(window().order_by(authors::id)),
            nth_value(authors::age, 3).over(window().order_by(authors::id).rows_between(
                FrameBound::UnboundedPreceding,
                FrameBound::UnboundedFollowing,
            )),
        ))
        .order_by(authors::id);
    type Row = (i32, Option<i32>, Option<i32>, i32, Option<i32>);
    let rows: Vec<Row> = q.load(&mut conn).unwrap();
    assert_eq!(
        rows,
        [
            (1, None, Some(50), 1, Some(60)),
            (2, None, Some(60), 1, Some(60)),
            (3, Some(40), Some(70), 2, Some(60)),
            (4, Some(50), None, 2, Some(60)),
        ]
    );
    // Two offsets: two statements, not one cached text.
    let by = |n: i32| {
        authors::table
            .select(lag_by(authors::age, n).over(window().order_by(authors::id)))
            .order_by(authors::id)
    };
    let one: Vec<Option<i32>> = by(1).load(&mut conn).unwrap();
    let three: Vec<Option<i32>> = by(3).load(&mut conn).unwrap();
    assert_eq!(one, [None, Some(40), Some(50), Some(60)]);
    assert_eq!(three, [None, None, None, Some(40)]);
    // An offset from a column cannot be a literal: refused before it is sent.
    let refused: Result<Vec<Option<i32>>, Error> = authors::table
        .select(lag_by(authors::age, authors::id).over(window().order_by(authors::id)))
        .load(&mut conn);
    let err = refused.unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
    // MariaDB's lag and lead take no default: refused, not sent.
    let refused: Result<Vec<i32>, Error> = authors::table
        .select(lag_or(authors::age, 1, 0).over(window().order_by(authors::id)))
        .load(&mut conn);
    let err = refused.unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
}
