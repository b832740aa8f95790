//! Typed queries on a `postgres::Client` (feature `postgres-interop`): the same SQL, the
//! same decoding, the same results as on sqlwright's own connection.

use crate::joins::{articles, people, remarks, DDL};
use crate::schema::*;
use crate::setup;
use sqlwright::engine::DbErrorKind;
use sqlwright::interop::{ExecuteOn, LoadOn};
use sqlwright::prelude::*;
use sqlwright::Error;

#[derive(sqlwright::Row, Debug, PartialEq, Clone)]
#[sqlwright(table = remarks)]
struct Remark {
    id: i32,
    body: String,
}

#[test]
fn a_select_loads_the_same_rows_on_a_postgres_client() {
    let mut db = setup(USERS);
    let q = || {
        users::table
            .filter(users::age.gt(20).or(users::age.is_null()))
            .select((users::id, users::name, users::hair_color, users::age))
            .order_by(users::id.desc())
    };
    let own = q().load(&mut db.conn).unwrap();
    let theirs = q().load_on(db.client()).unwrap();
    assert_eq!(own, theirs);
    assert_eq!(
        theirs,
        [
            (5, "Ёжик".to_string(), None, Some(7)),
            (4, "Dee".to_string(), Some("red".to_string()), Some(25)),
            (3, "Cid".to_string(), Some("black".to_string()), Some(41)),
            (2, "Bob".to_string(), None, None),
            (1, "Ann".to_string(), Some("red".to_string()), Some(30)),
        ]
        .into_iter()
        .filter(|r| r.3.is_none_or(|a| a > 20))
        .collect::<Vec<_>>()
    );
    // Aggregates and whole rows of the default selection.
    let count = || users::table.select(count_star());
    assert_eq!(count().load_on(db.client()).unwrap(), [5i64]);
    let all = || users::table.order_by(users::id);
    assert_eq!(
        all().load_on(db.client()).unwrap(),
        all().load(&mut db.conn).unwrap()
    );
}

#[test]
fn a_join_into_a_row_struct_on_a_postgres_client() {
    let mut db = setup(DDL);
    let q = || {
        people::table
            .inner_join(remarks::table)
            .inner_join_on(articles::table, remarks::article_id.eq(articles::id))
            .select((people::name, articles::title, Remark::as_select()))
            .order_by(remarks::id)
    };
    let own: Vec<(String, String, Remark)> = q().load(&mut db.conn).unwrap();
    let theirs: Vec<(String, String, Remark)> = q().load_on(db.client()).unwrap();
    assert_eq!(own, theirs);
    assert_eq!(
        theirs,
        [
            (
                "Bob".into(),
                "Rust".into(),
                Remark {
                    id: 100,
                    body: "nice".into()
                }
            ),
            (
                "Cid".into(),
                "Rust".into(),
                Remark {
                    id: 101,
                    body: "long".into()
                }
            ),
            (
                "Ann".into(),
                "Types".into(),
                Remark {
                    id: 102,
                    body: "ok".into()
                }
            ),
            (
                "Bob".into(),
                "SQL".into(),
                Remark {
                    id: 103,
                    body: "hm".into()
                }
            ),
        ]
    );
    // An outer join's NULL row decodes as None on either connection.
    let q = || {
        people::table
            .left_join(remarks::table)
            .filter(people::id.gt(2))
            .select((people::name, Remark::as_select()))
            .order_by(people::id)
    };
    let own: Vec<(String, Option<Remark>)> = q().load(&mut db.conn).unwrap();
    let theirs: Vec<(String, Option<Remark>)> = q().load_on(db.client()).unwrap();
    assert_eq!(own, theirs);
    assert_eq!(theirs[1], ("Dee".to_string(), None));
}

#[test]
fn writes_with_returning_and_errors_on_a_postgres_client() {
    let mut db = setup(EMPTY_USERS);
    let insert = |name: &'static str, email: &'static str| {
        insert_into(users::table)
            .values((
                users::name.to(name),
                users::email.to(email),
                users::age.to(Some(33)),
            ))
            .returning((users::id, users::name, users::age))
    };
    let own = insert("Ann", "a@x").load_on(db.client()).unwrap();
    assert_eq!(own, [(1, "Ann".to_string(), Some(33))]);
    let mine = insert("Bob", "b@x").get_results(&mut db.conn).unwrap();
    assert_eq!(mine, [(2, "Bob".to_string(), Some(33))]);

    // UPDATE .. RETURNING and a plain UPDATE, DELETE.
    let older = update(users::table)
        .filter(users::name.eq("Ann"))
        .set(users::age.to(Some(34)))
        .returning(users::age)
        .load_on(db.client())
        .unwrap();
    assert_eq!(older, [Some(34)]);
    let written = update(users::table)
        .set(users::hair_color.to(Some("grey")))
        .execute_on(db.client())
        .unwrap();
    assert_eq!(written, 2);
    let deleted = delete(users::table)
        .filter(users::name.eq("Bob"))
        .execute_on(db.client())
        .unwrap();
    assert_eq!(deleted, 1);
    let left = users::table
        .select((users::name, users::hair_color, users::age))
        .load(&mut db.conn)
        .unwrap();
    assert_eq!(left, [("Ann".into(), Some("grey".into()), Some(34))]);

    // The server's error keeps its kind; an empty insert makes no round trip.
    let err = insert("Ann again", "a@x").load_on(db.client()).unwrap_err();
    let Error::Database(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.kind, DbErrorKind::UniqueViolation);
    assert_eq!(e.constraint.as_deref(), Some("users_email_key"));
    let none: Vec<(&str, &str)> = Vec::new();
    let empty = insert_into(users::table).values(
        none.iter()
            .map(|(n, m)| (users::name.to(*n), users::email.to(*m)))
            .collect::<Vec<_>>(),
    );
    assert_eq!(empty.execute_on(db.client()).unwrap(), 0);
    // A NUL in text is refused before anything is sent, as on sqlwright's connection.
    let nul = users::table
        .filter(users::name.eq("a\0b"))
        .select(users::id);
    assert!(matches!(nul.load_on(db.client()), Err(Error::NulInText)));

    // A postgres::Transaction is a client too: rolled back, nothing stays.
    {
        let mut tx = db.client().transaction().unwrap();
        let n = delete(users::table).execute_on(&mut tx).unwrap();
        assert_eq!(n, 1);
        let inside = users::table.select(count_star()).load_on(&mut tx).unwrap();
        assert_eq!(inside, [0i64]);
        tx.rollback().unwrap();
    }
    assert_eq!(users::table.count(&mut db.conn).unwrap(), 1);
}
