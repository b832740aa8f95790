//! Queries on reflected tables by column name: SQL, rows, and the errors for unknown
//! names and values that do not fit.

use crate::setup;
use crate::twice::twice;
use sqlwright::dynamic::{DynFilter, Value};
use sqlwright::reflect::{reflect, ReflectOptions};

const SCHEMA: &str = r#"
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE "люди" (
    id int4 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "имя" varchar(50) NOT NULL,
    age int2,
    balance numeric(15,2) NOT NULL DEFAULT 0,
    tags text[] NOT NULL DEFAULT '{}',
    feeling mood,
    extra jsonb
);
INSERT INTO "люди" ("имя", age, balance, feeling) VALUES
    ('Петя', 30, 10.50, 'happy'), ('Катя', 25, 0, 'ok'), ('Ваня', NULL, 99, NULL);
"#;

#[derive(sqlwright::RawRow, Debug, PartialEq)]
struct Person {
    id: i32,
    #[sqlwright(column = имя)]
    name: String,
    age: Option<i16>,
}

twice! {
    fn select_filter_order_limit_by_name() {
        let mut db = setup(SCHEMA);
        let catalog = go!(reflect(&mut db.conn, &ReflectOptions::default())).unwrap();
        let people = catalog.table("люди").unwrap();

        let query = people
            .select()
            .columns(["имя", "age"])
            .filter("age", ">=", 25)
            .filter("имя", "like", "%я")
            .order_by_desc("age")
            .limit(10);
        assert_eq!(
            query.render().unwrap().sql,
            r#"SELECT "имя", "age" FROM "public"."люди" WHERE "age" >= $1 AND "имя" LIKE $2 ORDER BY "age" DESC LIMIT $3"#
        );
        let rows = go!(query.load(&mut db.conn)).unwrap();
        let got: Vec<(String, Option<i16>)> = rows
            .iter()
            .map(|r| (r.get("имя").unwrap(), r.get("age").unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("Петя".to_string(), Some(30)),
                ("Катя".to_string(), Some(25))
            ]
        );

        // The notes' session.query(table.c.column).all(), and a struct mapped by name.
        let names = go!(people
            .select()
            .columns(["имя"])
            .order_by("id")
            .load(&mut db.conn))
        .unwrap();
        assert_eq!(names.len(), 3);
        let mapped: Vec<Person> = go!(people
            .select()
            .filter_null("age")
            .load_as(&mut db.conn))
        .unwrap();
        assert_eq!(
            mapped,
            [Person {
                id: 3,
                name: "Ваня".into(),
                age: None
            }]
        );
        assert_eq!(
            go!(people
                .select()
                .filter_in("id", [1, 3])
                .count(&mut db.conn))
                .unwrap(),
            2
        );
        assert_eq!(
            go!(people
                .select()
                .filter_in("id", Vec::<i32>::new())
                .count(&mut db.conn))
                .unwrap(),
            0
        );
        assert_eq!(
            go!(people
                .select()
                .filter_not_null("feeling")
                .filter("feeling", "<>", "ok")
                .count(&mut db.conn))
                .unwrap(),
            1
        );
        assert_eq!(
            go!(people
                .select()
                .filter("balance", ">", 10)
                .filter("id", ">=", 1)
                .offset(1)
                .count(&mut db.conn))
                .unwrap(),
            2
        );
    }

    fn insert_update_delete_with_values_of_each_kind() {
        let mut db = setup(SCHEMA);
        let catalog = go!(reflect(&mut db.conn, &ReflectOptions::default())).unwrap();
        let people = catalog.table("люди").unwrap();

        let insert = people
            .insert()
            .value("имя", "Маша")
            .value("age", 41)
            .value("balance", 12.25)
            .value("tags", Value::array(["a", "b"]))
            .value("feeling", "sad")
            .value("extra", serde_json::json!({"k": 1}))
            .returning(["id"]);
        assert_eq!(
            insert.render().unwrap().sql,
            r#"INSERT INTO "public"."люди" ("имя", "age", "balance", "tags", "feeling", "extra") VALUES ($1, $2, $3, $4, CAST($5 AS "public"."mood"), $6) RETURNING "id""#
        );
        let id: i32 = go!(insert.load(&mut db.conn)).unwrap()[0]
            .get("id")
            .unwrap();
        assert_eq!(id, 4);
        let row = go!(sqlwright::raw::sql(
            r#"SELECT age, balance::text AS b, tags, feeling::text AS f, extra FROM "люди" WHERE id = :id"#,
        )
        .bind("id", id)
        .one(&mut db.conn))
        .unwrap();
        assert_eq!(row.get::<Option<i16>>("age").unwrap(), Some(41));
        assert_eq!(row.get::<String>("b").unwrap(), "12.25");
        assert_eq!(row.get::<Vec<String>>("tags").unwrap(), ["a", "b"]);
        assert_eq!(row.get::<String>("f").unwrap(), "sad");
        assert_eq!(row.get::<serde_json::Value>("extra").unwrap()["k"], 1);

        let n = go!(people
            .update()
            .set("age", Value::Null)
            .set("feeling", "ok")
            .filter("id", "=", id)
            .execute(&mut db.conn))
        .unwrap();
        assert_eq!(n, 1);
        assert_eq!(
            go!(people
                .select()
                .filter_null("age")
                .count(&mut db.conn))
                .unwrap(),
            2
        );
        let deleted = go!(people
            .delete()
            .filter_in("id", [id, 2])
            .returning(["имя"])
            .load(&mut db.conn))
        .unwrap();
        let mut names: Vec<String> = deleted.iter().map(|r| r.get("имя").unwrap()).collect();
        names.sort();
        assert_eq!(names, ["Катя", "Маша"]);
        assert_eq!(go!(people.select().count(&mut db.conn)).unwrap(), 2);

        // A constraint violation is the usual typed error.
        let err = go!(people.insert().value("age", 1).execute(&mut db.conn)).unwrap_err();
        assert!(err.to_string().contains("имя"), "{err}");
    }

    fn unknown_names_and_mismatched_values_are_errors_naming_them() {
        let mut db = setup(SCHEMA);
        let catalog = go!(reflect(&mut db.conn, &ReflectOptions::default())).unwrap();
        let err = catalog.table("people").unwrap_err().to_string();
        assert!(err.contains("no table or view `people`"), "{err}");
        let people = catalog.table("люди").unwrap();

        let cases = [
            (
                people.select().filter("nmae", "=", 1).render().map(|_| ()),
                "table `люди` has no column `nmae`",
            ),
            (
                people
                    .select()
                    .filter("age", "=", "old")
                    .render()
                    .map(|_| ()),
                "a text value does not fit column `люди.age` of type smallint",
            ),
            (
                people
                    .select()
                    .filter("age", "=", 70_000)
                    .render()
                    .map(|_| ()),
                "the integer 70000 does not fit column `люди.age` of type smallint",
            ),
            (
                people
                    .select()
                    .filter("age", "like", "1%")
                    .render()
                    .map(|_| ()),
                "LIKE needs a text column; `люди.age` is smallint",
            ),
            (
                people
                    .select()
                    .filter("age", "=", Value::Null)
                    .render()
                    .map(|_| ()),
                "use filter_null",
            ),
            (
                people.select().order_by("nope").render().map(|_| ()),
                "no column `nope`",
            ),
            (
                people
                    .insert()
                    .value("tags", Value::array([1, 2]))
                    .render()
                    .map(|_| ()),
                "an array does not fit column `люди.tags` of type text[]",
            ),
            (
                people
                    .insert()
                    .value("age", 1)
                    .value("age", 2)
                    .render()
                    .map(|_| ()),
                "given two values",
            ),
            (
                people.update().filter("id", "=", 1).render().map(|_| ()),
                "needs at least one set",
            ),
            (
                people.update().set("extra", true).render().map(|_| ()),
                "a bool does not fit column `люди.extra` of type jsonb",
            ),
            (
                people.delete().returning(["x"]).render().map(|_| ()),
                "no column `x`",
            ),
            (
                people.insert().value("имя", "a\0b").render().map(|_| ()),
                "NUL byte",
            ),
            (
                people.select().filter("age", "~", 1).render().map(|_| ()),
                "unknown comparison `~`",
            ),
        ];
        for (result, expected) in cases {
            let err = result.unwrap_err().to_string();
            assert!(
                err.contains(expected),
                "{err:?} should contain {expected:?}"
            );
        }
        // Nothing was sent: the table is as it was.
        assert_eq!(go!(people.select().count(&mut db.conn)).unwrap(), 3);
        // Hostile values stay parameters.
        let hostile = "x'); DROP TABLE \"люди\"; --";
        go!(people.insert().value("имя", hostile).execute(&mut db.conn)).unwrap();
        assert_eq!(
            go!(people
                .select()
                .filter("имя", "=", hostile)
                .count(&mut db.conn))
                .unwrap(),
            1
        );
    }
}

twice! {
    /// `first()` asks the server for one row (`LIMIT 1`, or the query's own smaller limit,
    /// after its offset) instead of loading every row and keeping one.
    fn first_asks_for_one_row() {
        use crate::session::capture_sql;
        let mut db = setup(SCHEMA);
        let catalog = go!(reflect(&mut db.conn, &ReflectOptions::default())).unwrap();
        let people = catalog.table("люди").unwrap();
        let name = |row: Option<sqlwright::raw::DynRow>| row.map(|r| r.get::<String>("имя").unwrap());

        let (first, log) = capture_sql(|| go!(people.select().order_by("id").first(&mut db.conn)));
        assert_eq!(name(first.unwrap()).as_deref(), Some("Петя"));
        assert_eq!(log.len(), 1, "{log:#?}");
        assert!(
            log[0].contains(r#"FROM "public"."люди" ORDER BY "id" LIMIT $1 params=[1]"#)
                && log[0].contains("rows=1"),
            "{}",
            log[0]
        );

        // The query's own limit and offset: the smaller limit wins, the offset stays.
        let query = people.select().order_by("id").limit(10).offset(1);
        let (first, log) = capture_sql(|| go!(query.first(&mut db.conn)));
        assert_eq!(name(first.unwrap()).as_deref(), Some("Катя"));
        assert!(
            log[0].contains(r#"LIMIT $1 OFFSET $2 params=[1, 1]"#),
            "{}",
            log[0]
        );
        let (first, log) = capture_sql(|| go!(people.select().limit(0).first(&mut db.conn)));
        assert!(first.unwrap().is_none());
        assert!(log[0].contains("LIMIT $1 params=[0]"), "{}", log[0]);
        // and the query itself still renders its own limit
        assert!(query.render().unwrap().sql.ends_with("LIMIT $1 OFFSET $2"));

        let none = go!(people.select().filter("age", ">", 100).first(&mut db.conn)).unwrap();
        assert!(none.is_none());
    }
}
