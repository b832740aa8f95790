//! INSERT, UPDATE and DELETE on PostgreSQL and SQLite, checking the rows left in the table.

use crate::both::{spelled, text_of, with};
use crate::schema::*;
use crate::setup;
use crate::twice::twice;
use sqlwright::backend::Dialect;
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;

/// The `users` table with a CHECK on `age`: the same SQL name, so `users::` queries run
/// on it.
mod checked {
    sqlwright::table! {
        users (id) {
            #[serial] id -> Int4,
            name -> Text,
            #[unique] email -> Text,
            hair_color -> Nullable<Text>,
            #[check = "age >= 0"] age -> Nullable<Int4>,
        }
    }
}

/// `users`, empty, with `age >= 0` checked.
const EMPTY_USERS: sqlwright::ddl::Schema = sqlwright::schema!(checked::users);

/// A whole `users` row.
type UserRow = (i32, String, String, Option<String>, Option<i32>);

/// Every user row, by id (a macro: the run is awaited on tokio).
macro_rules! all {
    ($db:expr) => {{
        let rows: Vec<UserRow> = go!(users::table.order_by(users::id).load(&mut $db.conn)).unwrap();
        rows
    }};
}

twice! {
    fn insert_one_row_with_defaults_and_returning<B>() {
        let mut db = with::<B>(EMPTY_USERS, "");
        let q = insert_into(users::table).values((users::name.to("Петя"), users::email.to("p@x")));
        assert_eq!(
            q.to_sql(),
            r#"INSERT INTO "users" ("name", "email") VALUES ($1, $2)"#
        );
        assert_eq!(go!(q.execute(&mut db.conn)).unwrap(), 1);
        let id: i32 = go!(insert_into(users::table)
            .values((
                users::name.to(String::from("Вася")),
                users::email.to("v@x"),
                users::hair_color.to("red"),
                users::age.to(Some(30)),
            ))
            .returning(users::id)
            .get_result(&mut db.conn))
            .unwrap();
        assert_eq!(id, 2);
        let whole = go!(insert_into(users::table)
            .values((
                users::name.to("Ann"),
                users::email.to("a@x"),
                users::hair_color.to(None::<&str>),
            ))
            .returning(users::table)
            .get_result(&mut db.conn))
            .unwrap();
        assert_eq!(whole, (3, "Ann".into(), "a@x".into(), None, None));
        assert_eq!(
            all!(db),
            vec![
                (1, "Петя".into(), "p@x".into(), None, None),
                (2, "Вася".into(), "v@x".into(), Some("red".into()), Some(30)),
                (3, "Ann".into(), "a@x".into(), None, None),
            ]
        );
    }

    fn insert_many_rows_in_one_statement<B>() {
        let mut db = with::<B>(EMPTY_USERS, "");
        let rows: Vec<_> = ["a", "b", "c"]
            .iter()
            .map(|n| (users::name.to(*n), users::email.to(format!("{n}@x"))))
            .collect();
        let q = insert_into(users::table).values(rows);
        assert_eq!(
            q.to_sql(),
            r#"INSERT INTO "users" ("name", "email") VALUES ($1, $2), ($3, $4), ($5, $6)"#
        );
        assert_eq!(go!(q.execute(&mut db.conn)).unwrap(), 3);
        let ids = go!(insert_into(users::table)
            .values(vec![
                (users::name.to("d"), users::email.to("d@x")),
                (users::name.to("e"), users::email.to("e@x")),
            ])
            .returning((users::id, users::name))
            .get_results(&mut db.conn))
            .unwrap();
        assert_eq!(ids, [(4, "d".to_string()), (5, "e".to_string())]);
        // no rows: nothing is sent, nothing is inserted
        let none: Vec<_> = ["x"]
            .iter()
            .filter(|_| false)
            .map(|n| (users::name.to(*n), users::email.to(*n)))
            .collect();
        assert_eq!(
            go!(insert_into(users::table)
                .values(none)
                .execute(&mut db.conn))
                .unwrap(),
            0
        );
        assert_eq!(go!(users::table.count(&mut db.conn)).unwrap(), 5);
    }

    fn upserts<B>() {
        let mut db = with::<B>(EMPTY_USERS, "");
        go!(insert_into(users::table)
            .values((users::name.to("Ann"), users::email.to("a@x")))
            .execute(&mut db.conn))
            .unwrap();
        let skipped = go!(insert_into(users::table)
            .values((users::name.to("Other Ann"), users::email.to("a@x")))
            .on_conflict(users::email)
            .do_nothing()
            .execute(&mut db.conn))
            .unwrap();
        assert_eq!(skipped, 0);
        let q = insert_into(users::table)
            .values((
                users::name.to("Ann B."),
                users::email.to("a@x"),
                users::age.to(Some(3)),
            ))
            .on_conflict(users::email)
            .do_update((
                users::name.to(excluded(users::name)),
                users::age.to(users::age + 1),
            ));
        assert_eq!(
            q.to_sql(),
            r#"INSERT INTO "users" ("name", "email", "age") VALUES ($1, $2, $3) ON CONFLICT ("email") DO UPDATE SET "name" = EXCLUDED."name", "age" = "users"."age" + $4"#
        );
        assert_eq!(go!(q.execute(&mut db.conn)).unwrap(), 1);
        assert_eq!(
            all!(db),
            vec![(1, "Ann B.".into(), "a@x".into(), None, None)]
        );
        let n = go!(insert_into(users::table)
            .values((users::name.to("Zed"), users::email.to("a@x")))
            .on_conflict_do_nothing()
            .execute(&mut db.conn))
            .unwrap();
        assert_eq!(n, 0);
    }

    // UPDATE .. RETURNING, which MySQL lacks.
    fn update_with_expressions_and_returning<B: PgOrSqlite>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        let q = sqlwright::query::update(users::table)
            .filter(users::age.is_not_null())
            .set((
                users::age.to(users::age * 2),
                users::hair_color.to(None::<&str>),
            ));
        assert_eq!(
            q.to_sql(),
            r#"UPDATE "users" SET "age" = "users"."age" * $1, "hair_color" = $2 WHERE "users"."age" IS NOT NULL"#
        );
        assert_eq!(go!(q.execute(&mut db.conn)).unwrap(), 4);
        let changed: Vec<(String, Option<i32>)> = go!(update(users::table)
            .filter(users::name.eq("Bob"))
            .set(users::age.to(Some(50)))
            .returning((users::name, users::age))
            .get_results(&mut db.conn))
            .unwrap();
        assert_eq!(changed, [("Bob".to_string(), Some(50))]);
        let ages = go!(users::table
            .select((users::name, users::age, users::hair_color))
            .order_by(users::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            ages,
            vec![
                ("Ann".into(), Some(60), None),
                ("Bob".into(), Some(50), None),
                ("Cid".into(), Some(82), None),
                ("Dee".into(), Some(50), None),
                ("Ёжик".into(), Some(14), None),
            ]
        );
    }

    fn delete_with_filter_and_returning<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        let q = delete(users::table).filter(users::hair_color.is_null());
        assert_eq!(
            q.to_sql(),
            r#"DELETE FROM "users" WHERE "users"."hair_color" IS NULL"#
        );
        assert_eq!(go!(q.execute(&mut db.conn)).unwrap(), 2);
        let gone: i32 = go!(delete(users::table)
            .filter(users::name.eq("Ann"))
            .returning(users::id)
            .get_result(&mut db.conn))
            .unwrap();
        assert_eq!(gone, 1);
        let left: Vec<String> = go!(users::table
            .select(users::name)
            .order_by(users::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(left, ["Cid", "Dee"]);
        assert!(matches!(
            go!(delete(users::table)
                .filter(users::id.eq(99))
                .returning(users::id)
                .get_result(&mut db.conn)),
            Err(sqlwright::Error::NotFound)
        ));
    }

    fn constraint_violations_are_typed_and_leave_the_connection_usable<B>() {
        let mut db = with::<B>(EMPTY_USERS, "");
        go!(insert_into(users::table)
            .values((users::name.to("Ann"), users::email.to("a@x")))
            .execute(&mut db.conn))
            .unwrap();
        let err = go!(insert_into(users::table)
            .values((users::name.to("Bob"), users::email.to("a@x")))
            .execute(&mut db.conn))
            .unwrap_err();
        assert_eq!(err.kind(), Some(DbErrorKind::UniqueViolation), "{err}");
        let e = err.database_error().unwrap();
        // PostgreSQL names the constraint it made; SQLite's unnamed constraint is reported as
        // the columns it covers.
        match B::DIALECT {
            Dialect::Sqlite => assert_eq!(e.constraint.as_deref(), Some("users.email")),
            _ => assert_eq!(e.constraint.as_deref(), Some("users_email_key")),
        }
        // MariaDB's duplicate-key message names the key but not the table.
        if B::DIALECT == Dialect::Mysql {
            assert_eq!(e.table, None);
        } else {
            assert_eq!(e.table.as_deref(), Some("users"));
        }
        let err = go!(insert_into(users::table)
            .values((
                users::name.to("Neg"),
                users::email.to("n@x"),
                users::age.to(Some(-1)),
            ))
            .execute(&mut db.conn))
            .unwrap_err();
        assert_eq!(err.kind(), Some(DbErrorKind::CheckViolation), "{err}");
        // PostgreSQL names the constraint it made; SQLite reports an unnamed CHECK by its
        // expression.
        let constraint = err.database_error().unwrap().constraint.as_deref();
        match B::DIALECT {
            Dialect::Sqlite => assert_eq!(constraint, Some("age >= 0")),
            _ => assert_eq!(constraint, Some("users_age_check")),
        }
        let err = go!(insert_into(users::table)
            .values(users::name.to("No email"))
            .execute(&mut db.conn))
            .unwrap_err();
        assert_eq!(err.kind(), Some(DbErrorKind::NotNullViolation), "{err}");
        assert_eq!(
            err.database_error().unwrap().column.as_deref(),
            Some("email")
        );
        // MySQL's message names the column without its table.
        let named = if B::DIALECT == Dialect::Mysql {
            "'email'"
        } else {
            "users.email"
        };
        assert!(err.to_string().contains(named), "{err}");
        // nothing was lost, and the connection still works
        assert_eq!(go!(users::table.count(&mut db.conn)).unwrap(), 1);
    }

    fn insert_structs_by_field_name<B>() {
        let mut db = with::<B>(EMPTY_USERS, "");
        let ann = NewUser {
            name: "Ann",
            email: "a@x".into(),
            hair: Some("red"),
        };
        let q = insert_into(users::table).values(&ann);
        assert_eq!(
            q.to_sql(),
            r#"INSERT INTO "users" ("name", "email", "hair_color") VALUES ($1, $2, $3)"#
        );
        assert_eq!(go!(q.execute(&mut db.conn)).unwrap(), 1);
        let more = [
            NewUser {
                name: "Bob",
                email: "b@x".into(),
                hair: None,
            },
            NewUser {
                name: "Cid",
                email: "c@x".into(),
                hair: Some("black"),
            },
        ];
        let ids: Vec<i32> = go!(insert_into(users::table)
            .values(&more[..])
            .returning(users::id)
            .get_results(&mut db.conn))
            .unwrap();
        assert_eq!(ids, [2, 3]);
        assert_eq!(
            all!(db),
            vec![
                (1, "Ann".into(), "a@x".into(), Some("red".into()), None),
                (2, "Bob".into(), "b@x".into(), None, None),
                (3, "Cid".into(), "c@x".into(), Some("black".into()), None),
            ]
        );
    }

    fn rows_by_primary_key<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        let q = users::table.by_key(3);
        let sql = text_of(q.debug_sql_for(B::DIALECT));
        assert!(
            sql.ends_with(&spelled::<B>(r#"WHERE "users"."id" = $1"#)),
            "{sql}"
        );
        let cid = go!(users::table.get(3, &mut db.conn)).unwrap().unwrap();
        assert_eq!((cid.0, cid.1.as_str()), (3, "Cid"));
        assert_eq!(go!(users::table.get(99, &mut db.conn)).unwrap(), None);
        assert!(matches!(
            go!(users::table.find(99, &mut db.conn)),
            Err(sqlwright::Error::NotFound)
        ));
        let user = go!(users::table
            .by_key(2)
            .select(User::as_select())
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(
            user,
            User {
                id: 2,
                name: "Bob".into()
            }
        );
    }

    fn composite_primary_keys_by_key<B>() {
        use crate::names::memberships;
        let mut db = with::<B>(
            sqlwright::schema!(memberships),
            "INSERT INTO memberships VALUES (1, 1, 'owner'), (1, 2, 'member');",
        );
        let q = memberships::table.by_key((1, 2));
        let sql = text_of(q.debug_sql_for(B::DIALECT));
        assert!(
            sql.ends_with(&spelled::<B>(
                r#"WHERE ("memberships"."group_id" = $1) AND ("memberships"."user_id" = $2)"#
            )),
            "{sql}"
        );
        assert_eq!(
            go!(memberships::table.find((1, 2), &mut db.conn)).unwrap().2,
            "member"
        );
        assert_eq!(go!(memberships::table.get((2, 1), &mut db.conn)).unwrap(), None);
    }

    fn update_from_a_changeset_skips_none_fields<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        let changes = UserChanges {
            name: Some("Anne"),
            hair_color: Some(None),
            age: None,
        };
        let q = update(users::table).filter(users::id.eq(1)).set(&changes);
        assert_eq!(
            q.to_sql(),
            r#"UPDATE "users" SET "name" = $1, "hair_color" = $2 WHERE "users"."id" = $3"#
        );
        assert_eq!(go!(q.execute(&mut db.conn)).unwrap(), 1);
        let ann = go!(users::table.find(1, &mut db.conn)).unwrap();
        assert_eq!((ann.1.as_str(), ann.3, ann.4), ("Anne", None, Some(30)));
        // nothing to change: no statement is sent
        let nothing = UserChanges {
            name: None,
            hair_color: None,
            age: None,
        };
        assert_eq!(
            go!(update(users::table)
                .set(&nothing)
                .execute(&mut db.conn))
                .unwrap(),
            0
        );
        // a NUL byte in a field is refused before anything is sent
        let bad = UserChanges {
            name: Some("a\0b"),
            hair_color: None,
            age: None,
        };
        let err = go!(update(users::table)
            .set(&bad)
            .execute(&mut db.conn))
            .unwrap_err();
        assert!(matches!(err, sqlwright::Error::NulInText), "{err:?}");
        assert_eq!(go!(users::table.find(2, &mut db.conn)).unwrap().1, "Bob");
        // and so is one bound in an expression
        let err = go!(update(users::table)
            .set(users::name.to("a\0b"))
            .execute(&mut db.conn))
            .unwrap_err();
        assert!(matches!(err, sqlwright::Error::NulInText), "{err:?}");
        assert_eq!(go!(users::table.find(2, &mut db.conn)).unwrap().1, "Bob");
    }

    fn insert_select<B>() {
        let mut db = with::<B>(sqlwright::schema!(users, archive), USER_ROWS);
        let q = insert_into(archive::table).from_select(
            (archive::who, archive::contact),
            users::table
                .filter(users::age.gt(26))
                .select((users::name, users::email))
                .order_by(users::id),
        );
        assert_eq!(
            q.to_sql(),
            r#"INSERT INTO "archive" ("who", "contact") SELECT "users"."name", "users"."email" FROM "users" WHERE "users"."age" > $1 ORDER BY "users"."id""#
        );
        assert_eq!(go!(q.execute(&mut db.conn)).unwrap(), 2);
        let rows = go!(archive::table
            .order_by(archive::id)
            .load(&mut db.conn))
            .unwrap();
        assert_eq!(
            rows,
            vec![
                (1, "Ann".to_string(), Some("ann@example.com".to_string())),
                (2, "Cid".to_string(), Some("cid@example.com".to_string())),
            ]
        );
    }

    fn save_and_delete_loaded_rows_by_primary_key<B>() {
        let mut db = with::<B>(USERS_SCHEMA, USER_ROWS);
        let mut bob = go!(users::table
            .by_key(2)
            .select(FullUser::as_select())
            .one(&mut db.conn))
            .unwrap();
        bob.age = Some(33);
        bob.hair_color = Some("grey".into());
        let saved = go!(update(users::table)
            .by_key(bob.id)
            .set(bob.values())
            .execute(&mut db.conn))
            .unwrap();
        assert_eq!(saved, 1);
        let again = go!(users::table
            .by_key(2)
            .select(FullUser::as_select())
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(again, bob);
        assert_eq!(
            go!(delete(users::table)
                .by_key(again.id)
                .execute(&mut db.conn))
                .unwrap(),
            1
        );
        assert_eq!(go!(users::table.get(2, &mut db.conn)).unwrap(), None);
        assert_eq!(go!(users::table.count(&mut db.conn)).unwrap(), 4);
        // structs by key: Option from get, a typed NotFound from find
        let ann = go!(FullUser::get(1, &mut db.conn)).unwrap().unwrap();
        assert_eq!((ann.id, ann.name.as_str()), (1, "Ann"));
        assert_eq!(go!(FullUser::get(2, &mut db.conn)).unwrap(), None);
        assert!(matches!(
            go!(FullUser::find(2, &mut db.conn)),
            Err(sqlwright::Error::NotFound)
        ));
    }
}

twice! {
    fn one_prepared_statement_per_row_count() {
        let mut db = setup(crate::schema::EMPTY_USERS);
        // One prepared statement per row count: the same count runs again without
        // preparing (its fingerprint is computed the same way with and without SQL text),
        // another count is another statement.
        let batch = |names: &[&str]| -> Vec<_> {
            names
                .iter()
                .map(|n| {
                    (
                        users::name.to(n.to_string()),
                        users::email.to(format!("{n}@y")),
                    )
                })
                .collect()
        };
        let cached = db.conn.cached_statements();
        go!(insert_into(users::table)
            .values(batch(&["f", "g"]))
            .execute(&mut db.conn))
        .unwrap();
        assert_eq!(db.conn.cached_statements(), cached + 1);
        go!(insert_into(users::table)
            .values(batch(&["h", "i"]))
            .execute(&mut db.conn))
        .unwrap();
        assert_eq!(db.conn.cached_statements(), cached + 1);
        go!(insert_into(users::table)
            .values(batch(&["j", "k", "l", "m"]))
            .execute(&mut db.conn))
        .unwrap();
        assert_eq!(db.conn.cached_statements(), cached + 2);
        assert_eq!(go!(users::table.count(&mut db.conn)).unwrap(), 8);
    }
}

#[derive(sqlwright::Insertable)]
#[sqlwright(table = users)]
struct NewUser<'a> {
    name: &'a str,
    email: String,
    #[sqlwright(column = hair_color)]
    hair: Option<&'a str>,
}

#[derive(sqlwright::Row, Debug, PartialEq)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    name: String,
}

#[derive(sqlwright::Changeset)]
#[sqlwright(table = users)]
struct UserChanges<'a> {
    name: Option<&'a str>,
    /// `Some(None)` sets NULL; `None` leaves the column alone.
    hair_color: Option<Option<&'a str>>,
    age: Option<Option<i32>>,
}

sqlwright::table! {
    /// Where old users go.
    archive (id) {
        #[serial] id -> Int4,
        who -> Text,
        contact -> Nullable<Text>,
    }
}

/// A loaded row that can be written back whole.
#[derive(sqlwright::Row, sqlwright::Insertable, Debug, PartialEq)]
#[sqlwright(table = users)]
struct FullUser {
    id: i32,
    name: String,
    email: String,
    hair_color: Option<String>,
    age: Option<i32>,
}
