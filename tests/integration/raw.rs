//! Hand-written SQL with `:name` parameters, and rows read by name.

use crate::schema::USERS;
use crate::setup;
use crate::twice::twice;
use sqlwright::engine::DecodeError;
use sqlwright::prelude::*;
use sqlwright::raw;
use sqlwright::Error;

twice! {
    fn named_parameters_are_bound_never_spliced() {
        let mut db = setup(USERS);
        let q = raw::sql(
            "SELECT name, ':min' AS literal, age::int8 AS age -- :min in a comment
         FROM users WHERE age > :min AND age < :max OR name = :min::text ORDER BY name",
        )
        .bind("min", 20)
        .bind(":max", 40);
        let rendered = q.render().unwrap();
        assert!(
            rendered
                .sql
                .contains("age > $1 AND age < $2 OR name = $1::text"),
            "{}",
            rendered.sql
        );
        assert!(rendered.sql.contains("':min' AS literal") && rendered.sql.contains("-- :min"));
        assert_eq!(rendered.params.len(), 2);
        let rows = go!(q.load(&mut db.conn)).unwrap();
        let names: Vec<String> = rows.iter().map(|r| r.get("name").unwrap()).collect();
        assert_eq!(names, ["Ann", "Dee"]);
        assert_eq!(rows[0].keys(), ["name", "literal", "age"]);
        assert_eq!(rows[0].get::<String>("literal").unwrap(), ":min");
        assert_eq!(rows[0].get::<Option<i64>>(2).unwrap(), Some(30));
        assert_eq!(rows[0].sql_type("age"), Some("int8"));

        // A hostile value is only ever a value.
        let evil = "x'; DROP TABLE users; --";
        let found = go!(raw_scalar!(<i64> raw::sql("SELECT count(*) FROM users WHERE name = :name")
            .bind("name", evil), &mut db.conn))
            .unwrap();
        assert_eq!(found, Some(0));
        assert_eq!(
            go!(raw_scalar!(<i64> raw::sql("SELECT count(*) FROM users"), &mut db.conn))
                .unwrap(),
            Some(5)
        );
    }

    fn missing_extra_and_positional_parameters_are_errors() {
        let mut db = setup(USERS);
        let err = go!(raw::sql("SELECT :a, :b")
            .bind("a", 1)
            .load(&mut db.conn))
            .unwrap_err();
        assert!(
            matches!(&err, Error::Misuse(m) if m.contains(":b")),
            "{err}"
        );
        let err = go!(raw::sql("SELECT :a")
            .bind("a", 1)
            .bind("c", 2)
            .load(&mut db.conn))
            .unwrap_err();
        assert!(
            matches!(&err, Error::Misuse(m) if m.contains(":c")),
            "{err}"
        );
        let err = go!(raw::sql("SELECT $1").load(&mut db.conn)).unwrap_err();
        assert!(
            matches!(&err, Error::Misuse(m) if m.contains(":name")),
            "{err}"
        );
        let err = go!(raw::sql("SELECT :t")
            .bind("t", "a\0b")
            .load(&mut db.conn))
            .unwrap_err();
        assert!(matches!(err, Error::NulInText), "{err}");
        // Rebinding a name replaces its value; NULL binds from None.
        let v = go!(raw_scalar!(<Option<i32>> raw::sql("SELECT :v::int4")
            .bind("v", 1)
            .bind("v", None::<i32>), &mut db.conn))
            .unwrap();
        assert_eq!(v, Some(None));
        let arr = go!(raw_scalar!(<i32> raw::sql("SELECT cardinality(:ids)")
            .bind_as::<sqlwright::types::Array<sqlwright::types::Int4>, _>("ids", vec![1, 2, 3]), &mut db.conn))
            .unwrap();
        assert_eq!(arr, Some(3));
    }

    fn dynamic_rows_convert_with_typed_errors() {
        let mut db = setup(USERS);
        let row = go!(raw::sql("SELECT name, age, hair_color FROM users WHERE name = :n")
            .bind("n", "Bob")
            .one(&mut db.conn))
            .unwrap();
        assert_eq!(row.len(), 3);
        let err = row.get::<i32>("name").unwrap_err();
        match &err {
            Error::Decode {
                column,
                source: DecodeError::WrongType { sql, .. },
            } => {
                assert_eq!((column.as_str(), sql.as_str()), ("name", "text"))
            }
            other => panic!("{other:?}"),
        }
        let err = row.get::<i32>("age").unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Decode {
                    source: DecodeError::UnexpectedNull { .. },
                    ..
                }
            ),
            "{err}"
        );
        assert!(
            err.to_string().contains("age") && err.to_string().contains("Option"),
            "{err}"
        );
        let err = row.get::<String>("nope").unwrap_err();
        assert!(
            matches!(&err, Error::Decode { column, source: DecodeError::MissingColumn } if column == "nope"),
            "{err}"
        );
        assert!(row.get::<String>(7).is_err());
        assert_eq!(row.get::<Option<String>>("hair_color").unwrap(), None);
        assert!(format!("{row:?}").contains("\"Bob\""));
        assert!(matches!(
            go!(raw::sql("SELECT 1 FROM users").one(&mut db.conn)),
            Err(Error::MultipleRows)
        ));
        assert!(matches!(
            go!(raw::sql("SELECT 1 FROM users WHERE false").one(&mut db.conn)),
            Err(Error::NotFound)
        ));
        assert!(go!(raw::sql("SELECT 1 WHERE false")
            .first(&mut db.conn))
            .unwrap()
            .is_none());
    }

    fn rows_map_into_structs_by_column_name() {
        let mut db = setup(USERS);
        let people: Vec<Person> =
            go!(raw::sql("SELECT age AS years, name FROM users WHERE hair_color = :c ORDER BY name")
                .bind("c", "red")
                .load_as(&mut db.conn))
                .unwrap();
        assert_eq!(
            people,
            [
                Person {
                    name: "Ann".into(),
                    age: Some(30)
                },
                Person {
                    name: "Dee".into(),
                    age: Some(25)
                }
            ]
        );
        let err = go!(raw::sql("SELECT name FROM users")
            .load_as::<Wrong, _>(&mut db.conn))
            .unwrap_err();
        assert!(
            err.to_string().contains("name") && err.to_string().contains("i64"),
            "{err}"
        );
        let err = go!(raw::sql("SELECT name FROM users")
            .load_as::<Person, _>(&mut db.conn))
            .unwrap_err();
        assert!(err.to_string().contains("years"), "{err}");
    }
}

#[derive(sqlwright::RawRow, Debug, PartialEq)]
struct Person {
    name: String,
    #[sqlwright(column = years)]
    age: Option<i32>,
}

#[derive(sqlwright::RawRow, Debug)]
struct Wrong {
    #[allow(dead_code)]
    name: i64,
}

#[test]
fn execute_counts_rows_and_fetchmany_reads_in_batches() {
    let mut db = setup(USERS);
    let n =
        raw::sql("UPDATE users SET age = coalesce(age, 0) + :d WHERE age IS NULL OR age < :max")
            .bind("d", 1)
            .bind("max", 40)
            .execute(&mut db.conn)
            .unwrap();
    assert_eq!(n, 4);
    let batches: Vec<usize> = raw::sql("SELECT generate_series(1, :n)")
        .bind("n", 2500)
        .batches(&mut db.conn, 1000)
        .unwrap()
        .map(|b| b.unwrap().len())
        .collect();
    assert_eq!(batches, [1000, 1000, 500]);
    let sum: i64 = raw::sql("SELECT generate_series(1, 100)::int8 AS n")
        .stream(&mut db.conn)
        .unwrap()
        .map(|row| row.unwrap().get::<i64>("n").unwrap())
        .sum();
    assert_eq!(sum, 5050);
}

#[test]
fn a_value_of_the_wrong_type_names_its_parameter_and_both_types() {
    let mut db = setup(USERS);
    // text where the server compares with an integer column
    let err = raw::sql("SELECT name FROM users WHERE name <> :name AND id = :id")
        .bind("name", "x")
        .bind("id", "1")
        .load(&mut db.conn)
        .unwrap_err();
    match &err {
        Error::ParameterType {
            name,
            position,
            bound,
            expected,
            source,
        } => {
            assert_eq!((name.as_str(), *position), ("id", 2));
            assert_eq!((bound.as_str(), expected.as_str()), ("text", "int4"));
            assert_eq!(
                source.database_error().map(|d| d.code.as_str()),
                Some("42883")
            );
        }
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.starts_with(
            "raw SQL parameter `:id` ($2) is bound as text, but the statement reads it as int4"
        ) && text.contains(".bind_as::<Int4, _>(\"id\", ..)"),
        "{text}"
    );
    // an int8 where the server reads int4 converts; the text column compared with a number
    // is the one named
    let err = raw::sql("SELECT name FROM users WHERE id = :a AND name = :b")
        .bind("a", 1i64)
        .bind("b", 5i64)
        .load(&mut db.conn)
        .unwrap_err();
    assert!(
        matches!(&err, Error::ParameterType { name, position: 2, bound, expected, .. }
            if name == "b" && bound == "int8" && expected == "text"),
        "{err:?}"
    );
    // text for an integer column of an INSERT; the kind of the server's error still shows
    let err = raw::sql("INSERT INTO users (name, email, age) VALUES (:name, :email, :age)")
        .bind("name", "Eve")
        .bind("email", "eve@example.com")
        .bind("age", "thirty")
        .execute(&mut db.conn)
        .unwrap_err();
    assert!(
        matches!(&err, Error::ParameterType { name, position: 3, expected, .. } if name == "age" && expected == "int4"),
        "{err:?}"
    );
    assert!(err.database_error().is_some());
    // the connection goes on, and a right value works
    let n = raw::sql("INSERT INTO users (name, email, age) VALUES (:name, :email, :age)")
        .bind("name", "Eve")
        .bind("email", "eve@example.com")
        .bind("age", 33)
        .execute(&mut db.conn)
        .unwrap();
    assert_eq!(n, 1);
    // inside a transaction the failed statement aborted it: the server's own error comes
    // back unchanged (asking again would only be refused)
    let err = db
        .conn
        .transaction(|tx| {
            raw::sql("SELECT name FROM users WHERE id = :id")
                .bind("id", "1")
                .load(tx)
        })
        .unwrap_err();
    assert!(
        matches!(&err, Error::Database(d) if d.code == "42883"),
        "{err:?}"
    );
}
