//! Bad input gives a clear typed error, never a panic, and leaves the connection usable.

use crate::schema::*;
use crate::setup;
use crate::twice::twice;
use sqlwright::engine::{DbErrorKind, DecodeError};
use sqlwright::prelude::*;

#[test]
fn unparsable_url_names_the_part() {
    for (url, part) in [
        ("localhost:5432/db", "scheme"),
        ("mysql://localhost/db", "scheme"),
        ("postgres://localhost:port/db", "port"),
        ("postgres://localhost/db?sslmode=sometimes", "sslmode"),
        // Verifying against nothing is refused before connecting.
        ("postgres://localhost/db?sslmode=verify-full", "sslrootcert"),
        ("postgres://localhost/db?sslcrl=/x", "sslcrl"),
    ] {
        match Connection::connect(url) {
            Err(sqlwright::Error::InvalidUrl { part: p, reason }) => {
                assert_eq!(p, part, "{url}: {reason}")
            }
            other => panic!("{url}: expected InvalidUrl, got {other:?}"),
        }
    }
}

#[test]
fn unreachable_server_is_a_connect_error() {
    // Port 1 on loopback: nothing listens there.
    let err = Connection::connect("postgres://nobody:secret@127.0.0.1:1/nothing?connect_timeout=2")
        .unwrap_err();
    match &err {
        sqlwright::Error::Connect { target, .. } => assert_eq!(target, "127.0.0.1:1/nothing"),
        other => panic!("expected Connect, got {other:?}"),
    }
    assert!(!err.to_string().contains("secret"), "{err}");
}

sqlwright::table! {
    /// Declared with the wrong types on purpose: the database has text and a NULL.
    drifted (id) {
        id -> Int4,
        amount -> Int4,
        label -> Text,
    }
}

twice! {
    fn rows_that_do_not_decode_name_the_column_and_both_types() {
        let mut db = setup(
            "CREATE TABLE drifted (id int4 PRIMARY KEY, amount text, label text);
         INSERT INTO drifted VALUES (1, 'twelve', NULL);",
        );
        let err = go!(drifted::table
            .select((drifted::id, drifted::amount))
            .load(&mut db.conn))
            .unwrap_err();
        match &err {
            sqlwright::Error::Decode {
                column,
                source: DecodeError::WrongType { rust, sql },
            } => {
                assert_eq!(column, "drifted.amount");
                assert_eq!(*rust, "i32");
                assert_eq!(sql, "text");
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
        assert!(err.to_string().contains("drifted.amount"), "{err}");
        let err = go!(drifted::table
            .select(drifted::label)
            .load(&mut db.conn))
            .unwrap_err();
        match &err {
            sqlwright::Error::Decode {
                column,
                source: DecodeError::UnexpectedNull { .. },
            } => assert_eq!(column, "drifted.label"),
            other => panic!("expected UnexpectedNull, got {other:?}"),
        }
        // the connection is still usable
        assert_eq!(
            go!(drifted::table
                .select(drifted::id)
                .load(&mut db.conn))
                .unwrap(),
            [1]
        );
    }

    fn nul_bytes_in_text_are_rejected_before_sending() {
        let mut db = setup(USERS);
        let err = go!(users::table
            .filter(users::name.eq("bad\0name"))
            .count(&mut db.conn))
            .unwrap_err();
        assert!(matches!(err, sqlwright::Error::NulInText), "{err:?}");
        assert!(err.to_string().contains("NUL"));
        assert_eq!(go!(users::table.count(&mut db.conn)).unwrap(), 5);
    }

    fn integer_overflow_is_a_typed_error() {
        let mut db = setup(USERS);
        let err = go!(users::table
            .filter(users::name.eq("Ann"))
            .select(users::age + i32::MAX)
            .load(&mut db.conn))
            .unwrap_err();
        assert_eq!(err.kind(), Some(DbErrorKind::NumericOutOfRange), "{err}");
        let db_err = err.database_error().unwrap();
        assert_eq!(db_err.code, "22003");
        assert!(err.to_string().contains("out of range"), "{err}");
        let err = go!(users::table
            .select(users::id / 0)
            .load(&mut db.conn))
            .unwrap_err();
        assert_eq!(err.kind(), Some(DbErrorKind::DivisionByZero), "{err}");
        assert_eq!(go!(users::table.count(&mut db.conn)).unwrap(), 5);
    }

    fn missing_table_is_a_typed_error() {
        let mut db = setup("SELECT 1");
        let err = go!(users::table.load(&mut db.conn)).unwrap_err();
        assert_eq!(err.kind(), Some(DbErrorKind::UndefinedTable), "{err}");
        assert!(err.to_string().contains("users"), "{err}");
    }
}
