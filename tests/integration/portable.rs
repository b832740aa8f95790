//! The portable language on every backend: the same `table!`, the same query values, run
//! on PostgreSQL and on SQLite, with the same answers.

use crate::both::{spelled, with, TestBackend};
use crate::{on_all, on_both};
use sqlwright::dsl::*;
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;

sqlwright::table! {
    users (id) {
        #[serial] id -> Int4,
        name -> Text,
        #[unique] email -> Text,
        hair_color -> Nullable<Text>,
        age -> Nullable<Int4>,
    }
    posts (id) {
        #[serial] id -> Int4,
        #[references(users::id, on_delete = cascade)] user_id -> Int4,
        title -> Text,
        score -> Int4,
    }
}

const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(users, posts);

const ROWS: &str = "
INSERT INTO users (name, email, hair_color, age) VALUES
    ('Ann', 'ann@example.com', 'red', 30),
    ('Bob', 'bob@example.com', NULL, NULL),
    ('Cid', 'cid@example.com', 'black', 41),
    ('Dee', 'dee@example.com', 'red', 25),
    ('Ёжик', 'ezhik@example.com', NULL, 7);
INSERT INTO posts (user_id, title, score) VALUES
    (1, 'a1', 10), (1, 'a2', 20), (2, 'b1', 5), (4, 'd1', 7);
";

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    name: String,
    age: Option<i32>,
}

#[derive(sqlwright::Row, Debug, Clone, PartialEq)]
#[sqlwright(table = posts)]
struct Post {
    id: i32,
    user_id: i32,
    title: String,
}

// UPDATE .. RETURNING, which MySQL lacks (MariaDB's own RETURNING and upserts: mariadb_writes.rs).
on_both!(writes_with_returning_and_upsert);

on_all!(
    filters_and_order,
    placeholders_are_the_backends,
    joins_and_aggregates,
    windows_and_subqueries,
    transactions_and_savepoints,
    constraint_errors_are_typed,
    relations_load_in_one_statement,
    in_lists_of_any_length,
);

fn filters_and_order<B: TestBackend>() {
    let mut db = with::<B>(SCHEMA, ROWS);
    let names: Vec<String> = users::table
        .filter(users::age.gt(20) & (users::hair_color.eq("red") | users::name.like("C%")))
        .select(users::name)
        .order_by(users::name.desc())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(names, ["Dee", "Cid", "Ann"]);
    // LIKE matches case on both (SQLite's own LIKE would not).
    let lower: Vec<String> = users::table
        .filter(users::name.like("a%"))
        .select(users::name)
        .load(&mut db.conn)
        .unwrap();
    assert!(lower.is_empty(), "{lower:?}");
    let nulls: Vec<(String, Option<String>)> = users::table
        .filter(users::hair_color.is_null())
        .select((users::name, users::hair_color))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        nulls,
        [("Bob".to_string(), None), ("Ёжик".to_string(), None)]
    );
    let page: Vec<User> = users::table
        .select(User::as_select())
        .order_by(users::id)
        .limit(2)
        .offset(1)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        page.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
        ["Bob", "Cid"]
    );
    let skipped: Vec<i32> = users::table
        .select(users::id)
        .order_by(users::id)
        .offset(3)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(skipped, [4, 5]);
    assert_eq!(users::table.count(&mut db.conn).unwrap(), 5);
    let between: Vec<String> = users::table
        .filter(users::age.between(7, 30) & !users::name.eq("Dee"))
        .select(users::name)
        .order_by(users::age.asc())
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(between, ["Ёжик", "Ann"]);
}

fn placeholders_are_the_backends<B: TestBackend>() {
    let mut db = with::<B>(SCHEMA, ROWS);
    let mut log = Vec::new();
    let q = users::table
        .filter(users::age.gt(20) & users::name.ne("Cid"))
        .select(users::name);
    let (rows, sql) = crate::session::capture_sql(|| {
        db.conn.set_echo(false);
        q.load(&mut db.conn).unwrap()
    });
    log.extend(sql);
    assert_eq!(rows.len(), 2);
    let expected = spelled::<B>(
        r#"SELECT "users"."name" FROM "users" WHERE ("users"."age" > $1) AND ("users"."name" <> $2)"#,
    );
    assert!(log.iter().any(|l| l.contains(&expected)), "{log:#?}");
}

fn joins_and_aggregates<B: TestBackend>() {
    let mut db = with::<B>(SCHEMA, ROWS);
    let per_user: Vec<(String, i64, Option<i64>)> = users::table
        .left_join(posts::table)
        .group_by(users::id)
        .select((users::name, count(posts::id), sum(posts::score)))
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        per_user,
        vec![
            ("Ann".into(), 2, Some(30)),
            ("Bob".into(), 1, Some(5)),
            ("Cid".into(), 0, None),
            ("Dee".into(), 1, Some(7)),
            ("Ёжик".into(), 0, None),
        ]
    );
    let busy: Vec<String> = users::table
        .inner_join(posts::table)
        .group_by(users::id)
        .having(count(posts::id).gt(1))
        .select(users::name)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(busy, ["Ann"]);
    let titles: Vec<(String, Option<String>)> = posts::table
        .right_join(users::table)
        .filter(users::age.lt(30))
        .select((users::name, posts::title))
        .order_by(users::name)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        titles,
        vec![("Dee".into(), Some("d1".into())), ("Ёжик".into(), None)]
    );
}

fn windows_and_subqueries<B: TestBackend>() {
    let mut db = with::<B>(SCHEMA, ROWS);
    let ranked: Vec<(String, i64)> = posts::table
        .select((
            posts::title,
            row_number().over(
                window()
                    .partition_by(posts::user_id)
                    .order_by(posts::score.desc()),
            ),
        ))
        .order_by(posts::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(
        ranked,
        vec![
            ("a1".into(), 2),
            ("a2".into(), 1),
            ("b1".into(), 1),
            ("d1".into(), 1)
        ]
    );
    let writers: Vec<String> = users::table
        .filter(users::id.in_query(posts::table.select(posts::user_id)))
        .select(users::name)
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(writers, ["Ann", "Bob", "Dee"]);
}

fn writes_with_returning_and_upsert<B: crate::both::PgOrSqlite>() {
    let mut db = with::<B>(SCHEMA, ROWS);
    let id: i32 = insert_into(users::table)
        .values((users::name.to("Eve"), users::email.to("eve@example.com")))
        .returning(users::id)
        .get_result(&mut db.conn)
        .unwrap();
    assert_eq!(id, 6);
    let skipped = insert_into(users::table)
        .values((users::name.to("Other"), users::email.to("eve@example.com")))
        .on_conflict(users::email)
        .do_nothing()
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(skipped, 0);
    insert_into(users::table)
        .values((
            users::name.to("Eve Two"),
            users::email.to("eve@example.com"),
            users::age.to(Some(3)),
        ))
        .on_conflict(users::email)
        .do_update((
            users::name.to(excluded(users::name)),
            users::age.to(users::age + 1),
        ))
        .execute(&mut db.conn)
        .unwrap();
    let changed: Vec<(String, Option<i32>)> = update(users::table)
        .filter(users::id.eq(6))
        .set(users::age.to(users::age * 2))
        .returning((users::name, users::age))
        .get_results(&mut db.conn)
        .unwrap();
    assert_eq!(changed, [("Eve Two".to_string(), None)]);
    let gone: Vec<i32> = delete(users::table)
        .filter(users::hair_color.is_null())
        .returning(users::id)
        .get_results(&mut db.conn)
        .unwrap();
    assert_eq!(gone.len(), 3);
    // The foreign key cascaded: Bob's post went with him.
    assert_eq!(posts::table.count(&mut db.conn).unwrap(), 3);
    let many = (0..40)
        .map(|i| {
            (
                users::name.to(format!("n{i}")),
                users::email.to(format!("n{i}@x")),
            )
        })
        .collect::<Vec<_>>();
    let n = insert_into(users::table)
        .values(many)
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(n, 40);
}

fn transactions_and_savepoints<B: TestBackend>() {
    let mut db = with::<B>(SCHEMA, ROWS);
    let result: Result<(), Error> = db.conn.transaction(|tx| {
        delete(posts::table).execute(tx)?;
        Err(Error::NotFound)
    });
    assert!(matches!(result, Err(Error::NotFound)));
    assert_eq!(posts::table.count(&mut db.conn).unwrap(), 4);
    db.conn
        .transaction(|tx| {
            delete(posts::table).filter(posts::id.eq(1)).execute(tx)?;
            let inner: Result<(), Error> = tx.transaction(|inner| {
                delete(posts::table).execute(inner)?;
                Err(Error::NotFound)
            });
            assert!(inner.is_err());
            assert_eq!(posts::table.count(tx)?, 3);
            Ok::<_, Error>(())
        })
        .unwrap();
    assert_eq!(posts::table.count(&mut db.conn).unwrap(), 3);
    let tx = db.conn.begin().unwrap();
    drop(tx);
    assert!(!db.conn.in_transaction());
}

fn constraint_errors_are_typed<B: TestBackend>() {
    let mut db = with::<B>(SCHEMA, ROWS);
    let dup = insert_into(users::table)
        .values((users::name.to("Ann 2"), users::email.to("ann@example.com")))
        .execute(&mut db.conn)
        .unwrap_err();
    let e = dup.database_error().expect("a database error");
    assert_eq!(e.kind, DbErrorKind::UniqueViolation, "{dup}");
    assert_eq!(e.code, "23505");
    let orphan = insert_into(posts::table)
        .values((
            posts::user_id.to(99),
            posts::title.to("x"),
            posts::score.to(1),
        ))
        .execute(&mut db.conn)
        .unwrap_err();
    assert_eq!(
        orphan.database_error().map(|e| e.kind),
        Some(DbErrorKind::ForeignKeyViolation),
        "{orphan}"
    );
}

fn relations_load_in_one_statement<B: TestBackend>() {
    let mut db = with::<B>(SCHEMA, ROWS);
    let users: Vec<User> = users::table
        .select(User::as_select())
        .order_by(users::id)
        .load(&mut db.conn)
        .unwrap();
    let loaded = users
        .with_children::<Post, _>(posts::user_id, &mut db.conn)
        .unwrap();
    let got: Vec<(&str, Vec<&str>)> = loaded
        .iter()
        .map(|(u, p)| {
            let mut titles: Vec<&str> = p.iter().map(|p| p.title.as_str()).collect();
            titles.sort();
            (u.name.as_str(), titles)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Ann", vec!["a1", "a2"]),
            ("Bob", vec!["b1"]),
            ("Cid", vec![]),
            ("Dee", vec!["d1"]),
            ("Ёжик", vec![]),
        ]
    );
}

fn in_lists_of_any_length<B: TestBackend>() {
    let mut db = with::<B>(SCHEMA, ROWS);
    for ids in [vec![], vec![2], (1..=20).collect::<Vec<i32>>()] {
        let found: Vec<i32> = users::table
            .filter(users::id.in_(ids.clone()))
            .select(users::id)
            .order_by(users::id)
            .load(&mut db.conn)
            .unwrap();
        let expected: Vec<i32> = ids.iter().copied().filter(|i| *i <= 5).collect();
        assert_eq!(found, expected);
        let others: Vec<i32> = users::table
            .filter(users::id.not_in(ids.clone()))
            .select(users::id)
            .order_by(users::id)
            .load(&mut db.conn)
            .unwrap();
        assert_eq!(others.len() + expected.len(), 5);
    }
    let names: Vec<String> = users::table
        .filter(users::name.in_(vec!["Ann", "Ёжик", "Nobody"]))
        .select(users::name)
        .order_by(users::name)
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(names, ["Ann", "Ёжик"]);
}

sqlwright::table! {
    kinds (id) {
        #[serial] id -> Int4,
        small -> Int2,
        big -> Int8,
        real4 -> Float4,
        real8 -> Float8,
        flag -> Bool,
        bytes -> Bytea,
        price -> Numeric,
        day -> Date,
        at -> Time,
        stamp -> Timestamp,
        stamptz -> Timestamptz,
        uid -> Uuid,
        doc -> Jsonb,
        note -> Nullable<Text>,
    }
}

const KINDS: sqlwright::ddl::Schema = sqlwright::schema!(kinds);

on_all!(
    values_round_trip_exactly,
    a_value_too_big_names_its_column,
    for_each_reads_rows_one_at_a_time,
);

fn for_each_reads_rows_one_at_a_time<B: TestBackend>() {
    let mut db = with::<B>(SCHEMA, ROWS);
    let mut seen = Vec::new();
    let n = users::table
        .select((users::id, users::name))
        .order_by(users::id)
        .for_each(&mut db.conn, |(id, name)| {
            seen.push(format!("{id}:{name}"));
            Ok(())
        })
        .unwrap();
    assert_eq!(n, 5);
    assert_eq!(seen, ["1:Ann", "2:Bob", "3:Cid", "4:Dee", "5:Ёжик"]);
    // An error from the closure stops and is returned; the connection goes on.
    let mut calls = 0;
    let err = users::table
        .select(users::id)
        .for_each(&mut db.conn, |_| {
            calls += 1;
            Err(Error::NotFound)
        })
        .unwrap_err();
    assert!(matches!(err, Error::NotFound));
    assert_eq!(calls, 1);
    assert_eq!(users::table.count(&mut db.conn).unwrap(), 5);
}

fn values_round_trip_exactly<B: TestBackend>() {
    use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
    use rust_decimal::Decimal;
    use std::str::FromStr;
    let mut db = with::<B>(KINDS, "");
    let day = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let at = NaiveTime::from_hms_micro_opt(23, 59, 58, 123_456).unwrap();
    let stamp = NaiveDateTime::new(day, at);
    let stamptz = Utc.with_ymd_and_hms(1999, 12, 31, 23, 0, 1).unwrap();
    // 15 significant digits: exact on both (SQLite stores decimals as doubles, which hold
    // 15 digits exactly; more is refused there, below).
    let price = Decimal::from_str("1234567890.12345").unwrap();
    // An RFC 4122 (version 4) UUID: MariaDB's UUID type refuses some values of other
    // versions and variants.
    let uid = uuid::Uuid::from_u128(0x0123_4567_89ab_4def_8123_4567_89ab_cdef);
    let doc = serde_json::json!({"a": [1, 2.5, "x"], "b": null});
    let row = (
        kinds::small.to(-32768i16),
        kinds::big.to(i64::MAX),
        kinds::real4.to(1.5f32),
        kinds::real8.to(-0.1f64),
        kinds::flag.to(true),
        kinds::bytes.to(vec![0u8, 1, 255]),
        kinds::price.to(price),
        kinds::day.to(day),
        kinds::at.to(at),
        kinds::stamp.to(stamp),
        kinds::stamptz.to(stamptz),
        kinds::uid.to(uid),
        kinds::doc.to(doc.clone()),
        kinds::note.to(Some("Пётр\u{0} ok".replace('\u{0}', ""))),
    );
    insert_into(kinds::table)
        .values(row)
        .execute(&mut db.conn)
        .unwrap();
    let first = kinds::table
        .select((
            kinds::small,
            kinds::big,
            kinds::real4,
            kinds::real8,
            kinds::flag,
            kinds::bytes,
            kinds::price,
        ))
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(
        first,
        (
            -32768i16,
            i64::MAX,
            1.5f32,
            -0.1f64,
            true,
            vec![0u8, 1, 255],
            price
        )
    );
    let second = kinds::table
        .select((
            kinds::day,
            kinds::at,
            kinds::stamp,
            kinds::stamptz,
            kinds::uid,
            kinds::doc,
            kinds::note,
        ))
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(
        second,
        (
            day,
            at,
            stamp,
            stamptz,
            uid,
            doc,
            Some("Пётр ok".to_string())
        )
    );
    // A decimal with more digits than a double holds: stored exactly on PostgreSQL, refused
    // on SQLite with a typed error (never rounded).
    let long = Decimal::from_str("12345678901234567.890123").unwrap();
    let stored = update(kinds::table)
        .set(kinds::price.to(long))
        .execute(&mut db.conn);
    match B::DIALECT {
        sqlwright::backend::Dialect::Sqlite => {
            let e = stored.unwrap_err();
            assert!(matches!(e, Error::Parameter(_)), "{e:?}");
            assert!(e.to_string().contains("12345678901234567.890123"), "{e}");
        }
        _ => {
            assert_eq!(stored.unwrap(), 1);
            let back: Decimal = kinds::table.select(kinds::price).one(&mut db.conn).unwrap();
            assert_eq!(back, long);
        }
    }
    // Decimals compare as numbers on both (100.5 > 90, which as text it is not).
    let big = kinds::table
        .filter(kinds::price.gt(Decimal::from(90)))
        .count(&mut db.conn)
        .unwrap();
    assert_eq!(big, 1);
    // Dates and timestamps compare as time on both (fixed-width text on SQLite).
    let later: i64 = kinds::table
        .filter(kinds::stamp.gt(NaiveDateTime::new(
            day,
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        )))
        .count(&mut db.conn)
        .unwrap();
    assert_eq!(later, 1);
}

fn a_value_too_big_names_its_column<B: TestBackend>() {
    let mut db = with::<B>(SCHEMA, ROWS);
    // A raw statement stores a number no Int4 holds (PostgreSQL refuses it at the write:
    // its column is int4; SQLite's INTEGER column takes it, and the read refuses it).
    let stored = db
        .conn
        .batch_execute("UPDATE users SET age = 3000000000 WHERE name = 'Ann'");
    match stored {
        Err(e) => {
            assert_eq!(
                e.database_error().map(|d| d.kind),
                Some(DbErrorKind::NumericOutOfRange),
                "{e}"
            );
        }
        Ok(()) => {
            let err = users::table
                .filter(users::name.eq("Ann"))
                .select(users::age)
                .one(&mut db.conn)
                .unwrap_err();
            let text = err.to_string();
            assert!(text.contains("users.age"), "{text}");
            assert!(text.contains("3000000000"), "{text}");
        }
    }
}

#[test]
fn raw_sql_on_sqlite_binds_by_name_and_reads_by_name() {
    use sqlwright::raw;
    let mut db = with::<sqlwright::Sqlite>(SCHEMA, ROWS);
    let q = raw::sql(
        "SELECT name, age, hair_color FROM users WHERE age > :min OR name = :who ORDER BY id",
    )
    .bind("min", 26)
    .bind("who", "Bob");
    assert_eq!(
        q.render_for(sqlwright::backend::Dialect::Sqlite)
            .unwrap()
            .sql,
        "SELECT name, age, hair_color FROM users WHERE age > ?1 OR name = ?2 ORDER BY id"
    );
    let rows = q.load(&mut db.conn).unwrap();
    assert_eq!(rows[0].keys(), ["name", "age", "hair_color"]);
    let got: Vec<(String, Option<i32>, Option<String>)> = rows
        .iter()
        .map(|r| {
            (
                r.get("name").unwrap(),
                r.get("age").unwrap(),
                r.get(2).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("Ann".into(), Some(30), Some("red".into())),
            ("Bob".into(), None, None),
            ("Cid".into(), Some(41), Some("black".into())),
        ]
    );
    // A NULL into a non-Option, a text into an integer, a missing column: typed errors
    // naming the column.
    let bob = &rows[1];
    assert!(matches!(
        bob.get::<i32>("age"),
        Err(Error::Decode { ref column, .. }) if column == "age"
    ));
    assert!(bob
        .get::<i64>("name")
        .unwrap_err()
        .to_string()
        .contains("name"));
    assert!(bob.get::<String>("nope").is_err());
    let changed = raw::sql("UPDATE users SET age = :age WHERE name = :who")
        .bind("age", 5)
        .bind("who", "Bob")
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(changed, 1);
    let one = raw::sql("SELECT count(*) AS n FROM users WHERE age < :max")
        .bind("max", 10)
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(one.get::<i64>("n").unwrap(), 2);
}

/// A boxed piece's type is erased, so what it needs is checked when it is written: a
/// PostgreSQL-only piece on SQLite is a typed error before anything is sent.
#[test]
fn boxed_pieces_are_checked_for_the_backend_when_written() {
    let mut db = with::<sqlwright::Sqlite>(SCHEMA, ROWS);
    let portable = users::table
        .select(users::name)
        .into_boxed()
        .filter(users::age.gt(20))
        .then_order_by(users::name.desc());
    assert_eq!(portable.load(&mut db.conn).unwrap(), ["Dee", "Cid", "Ann"]);
    let err = users::table
        .select(users::name)
        .into_boxed()
        .filter(users::age.gt(20))
        .filter(users::name.ilike("a%"))
        .load(&mut db.conn)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Unsupported {
                feature: "Ilike",
                backend: "SQLite"
            }
        ),
        "{err:?}"
    );
    // The same boxed query runs on PostgreSQL.
    let mut pg = crate::both::with::<sqlwright::Postgres>(SCHEMA, ROWS);
    let found = users::table
        .select(users::name)
        .into_boxed()
        .filter(users::name.ilike("a%"))
        .load(&mut pg.conn)
        .unwrap();
    assert_eq!(found, ["Ann"]);
}

/// A SQLite connection remembers statement texts by fingerprint up to a bound; past it,
/// forgotten statements are rendered with their text again and run as before.
#[test]
fn many_distinct_statements_stay_within_a_bound_and_run_again() {
    use sqlwright::raw;
    let mut db = with::<sqlwright::Sqlite>(SCHEMA, ROWS);
    let names = || {
        users::table
            .select(users::name)
            .order_by(users::id)
            .limit(2)
    };
    assert_eq!(names().load(&mut db.conn).unwrap(), ["Ann", "Bob"]);
    for i in 0..1100 {
        let text = format!("SELECT {i} AS n");
        let row = raw::sql(&text).one(&mut db.conn).unwrap();
        assert_eq!(row.get::<i64>("n").unwrap(), i);
    }
    assert_eq!(names().load(&mut db.conn).unwrap(), ["Ann", "Bob"]);
}
