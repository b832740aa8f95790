//! Connections: SQL logging, the prepared-statement cache, URLs with sockets and escapes,
//! and the typed errors not covered elsewhere.

use crate::schema::*;
use crate::session::capture_sql;
use crate::setup;
use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::raw;
use sqlwright::testing::PrivateServer;
use std::time::Duration;

#[test]
fn statements_are_tracing_events_with_params_time_and_rows() {
    let mut db = setup(USERS);
    db.conn
        .set_slow_query_threshold(Some(Duration::from_millis(150)));
    let (_, log) = capture_sql(|| {
        users::table
            .filter(users::age.gt(20))
            .select(users::name)
            .load(&mut db.conn)
            .unwrap();
        let _ = raw::sql("SELECT pg_sleep(0.2)").execute(&mut db.conn);
        let _ = raw::sql("SELECT * FROM nowhere").load(&mut db.conn);
    });
    assert_eq!(log.len(), 3, "{log:#?}");
    assert!(log[0].starts_with("DEBUG"), "{}", log[0]);
    assert!(
        log[0].contains(r#"sql=SELECT "users"."name" FROM "users" WHERE "users"."age" > $1"#),
        "{}",
        log[0]
    );
    assert!(
        log[0].contains("params=[20]") && log[0].contains("rows=3"),
        "{}",
        log[0]
    );
    assert!(log[0].contains("elapsed_us="), "{}", log[0]);
    assert!(
        log[1].starts_with(" WARN") || log[1].starts_with("WARN"),
        "{}",
        log[1]
    );
    assert!(log[1].contains("slow statement"), "{}", log[1]);
    assert!(
        log[2].contains("statement failed") && log[2].contains("nowhere"),
        "{}",
        log[2]
    );
}

#[test]
fn the_statement_cache_is_bounded_lru() {
    let mut db = setup(USERS);
    db.conn.set_statement_cache_size(2);
    let prepared = |conn: &mut Connection| -> i64 {
        // Through the simple protocol: this counting statement is not prepared.
        let rows = conn
            .query_text("SELECT count(*) FROM pg_prepared_statements")
            .unwrap();
        rows[0][0].as_deref().unwrap().parse().unwrap()
    };
    users::table.select(users::id).load(&mut db.conn).unwrap();
    users::table.select(users::name).load(&mut db.conn).unwrap();
    users::table.select(users::id).load(&mut db.conn).unwrap(); // id is now the newest
    users::table
        .select(users::email)
        .load(&mut db.conn)
        .unwrap(); // evicts name
    assert_eq!(db.conn.cached_statements(), 2);
    assert_eq!(prepared(&mut db.conn), 2);
    let (_, log) = capture_sql(|| users::table.select(users::id).load(&mut db.conn).unwrap());
    assert_eq!(log.len(), 1);
    assert_eq!(db.conn.cached_statements(), 2);
}

#[test]
fn unix_socket_hosts_and_percent_encoded_passwords() {
    let server = PrivateServer::start().unwrap();
    let socket = server.socket_dir();
    let encoded: String = socket
        .to_string_lossy()
        .chars()
        .map(|c| {
            if c == '/' {
                "%2F".to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    let mut conn = Connection::connect(&format!(
        "postgres://postgres@{encoded}:{}/postgres",
        server.port()
    ))
    .unwrap();
    conn.batch_execute("ALTER USER postgres PASSWORD 'p@ss:w/rd%'")
        .unwrap();
    let url = format!(
        "postgresql+postgres://postgres:p%40ss%3Aw%2Frd%25@127.0.0.1:{}/postgres",
        server.port()
    );
    let mut tcp = Connection::connect(&url).unwrap();
    assert_eq!(
        raw::sql("SELECT 1").scalar::<i32>(&mut tcp).unwrap(),
        Some(1)
    );
    let engine = Engine::new(&url).unwrap();
    assert!(!format!("{engine:?}").contains("p@ss"), "{engine:?}");
    // The socket also works given as the `host` parameter.
    let mut by_param = Connection::connect(&format!(
        "postgres:///postgres?host={}&port={}&user=postgres",
        socket.display(),
        server.port()
    ))
    .unwrap();
    assert_eq!(
        raw::sql("SELECT 2").scalar::<i32>(&mut by_param).unwrap(),
        Some(2)
    );
}

#[test]
fn exclusion_violations_are_typed() {
    let mut db = setup(
        "CREATE TABLE rooms (room int4 NOT NULL, during int4range NOT NULL,
                             CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&));",
    );
    raw::sql("INSERT INTO rooms VALUES (1, int4range(1, 5))")
        .execute(&mut db.conn)
        .unwrap();
    let err = raw::sql("INSERT INTO rooms VALUES (1, int4range(3, 8))")
        .execute(&mut db.conn)
        .unwrap_err();
    assert_eq!(err.kind(), Some(DbErrorKind::ExclusionViolation), "{err}");
    let e = err.database_error().unwrap();
    assert_eq!(
        (e.constraint.as_deref(), e.table.as_deref()),
        (Some("no_overlap"), Some("rooms"))
    );
    assert!(
        err.to_string().contains("conflicts with an existing row"),
        "{err}"
    );
    assert!(matches!(
        raw::sql("SELECT 1").scalar::<i32>(&mut db.conn),
        Ok(Some(1))
    ));
}

#[test]
fn a_statement_seen_before_runs_without_building_its_text_again() {
    let mut db = setup(USERS);
    // The same shapes in every order: each result is right, whatever ran before it.
    for _ in 0..2 {
        for (min, limit, want) in [
            (None, None, vec!["Ann", "Bob", "Cid", "Dee", "Ёжик"]),
            (Some(26), None, vec!["Ann", "Cid"]),
            (Some(26), Some(1), vec!["Ann"]),
            (None, Some(2), vec!["Ann", "Bob"]),
        ] {
            let mut q = users::table
                .select(users::name)
                .filter_opt(min.map(|m| users::age.ge(m)))
                .order_by(users::name);
            if let Some(l) = limit {
                q = q.limit(l);
            }
            assert_eq!(q.load(&mut db.conn).unwrap(), want, "{min:?} {limit:?}");
        }
    }
    assert_eq!(db.conn.cached_statements(), 4);
    // Logged with its text even when it was not built.
    let (_, log) = capture_sql(|| users::table.select(users::name).load(&mut db.conn).unwrap());
    let (_, again) = capture_sql(|| users::table.select(users::name).load(&mut db.conn).unwrap());
    assert!(
        log[0].contains(r#"sql=SELECT "users"."name" FROM "users""#),
        "{log:?}"
    );
    assert!(
        again[0].contains(r#"sql=SELECT "users"."name" FROM "users""#),
        "{again:?}"
    );
}

#[test]
fn a_cached_statement_outdated_by_a_schema_change_is_prepared_again() {
    let mut db = setup(USERS);
    let mut other = db.connect_again();
    let count_columns = |conn: &mut Connection| {
        raw::sql("SELECT * FROM users WHERE id = :id")
            .bind("id", 1)
            .one(conn)
            .map(|r| r.len())
    };
    assert_eq!(count_columns(&mut db.conn).unwrap(), 5);
    other
        .batch_execute("ALTER TABLE users ADD COLUMN nickname text")
        .unwrap();
    // The server refuses the cached plan ("cached plan must not change result type"): it
    // is prepared again, once, without the caller noticing.
    assert_eq!(count_columns(&mut db.conn).unwrap(), 6);
    // A typed query whose statement is cached, after its column changed type.
    let ages = || users::table.select(users::age).filter(users::id.eq(1));
    assert_eq!(ages().load(&mut db.conn).unwrap(), [Some(30)]);
    other
        .batch_execute("ALTER TABLE users ALTER COLUMN age TYPE int8")
        .unwrap();
    let first = ages().load(&mut db.conn);
    assert!(
        first.is_err(),
        "the column's type no longer matches the declaration"
    );
    // After DISCARD ALL the server forgets every prepared statement: prepared again.
    db.conn
        .batch_execute("ALTER TABLE users ALTER COLUMN age TYPE int4")
        .unwrap();
    assert_eq!(ages().load(&mut db.conn).unwrap(), [Some(30)]);
    db.conn.batch_execute("DISCARD ALL").unwrap();
    // The statement was known, so the query ran without its text: the connection prepares
    // it again from the text it cached and retries, so the caller sees no error.
    assert_eq!(ages().load(&mut db.conn).unwrap(), [Some(30)]);
    let again = ages().load(&mut db.conn).unwrap();
    assert_eq!(again, [Some(30)]);
}

#[test]
fn extreme_pool_settings_do_not_panic() {
    let e = crate::engine_setup("", |b| {
        b.checkout_timeout(Duration::MAX)
            .max_overflow(usize::MAX)
            .statement_timeout(Duration::ZERO)
    });
    let mut conn = e.engine.connect().unwrap();
    let timeout: Option<String> = raw::sql("SHOW statement_timeout")
        .scalar(&mut *conn)
        .unwrap();
    assert_eq!(timeout.as_deref(), Some("0"));
}

/// SQL text through the simple protocol: rows as the server's text, NULL as `None`, the
/// statement not prepared; and result columns of types the client does not know by OID
/// (an enum, an array of it) are named from the catalog and refused with a typed error.
#[test]
fn text_queries_and_types_known_only_to_the_catalog() {
    let mut db = setup(
        "CREATE TYPE mood AS ENUM ('sad', 'happy');
         CREATE TABLE moods (id int4 PRIMARY KEY, m mood, ms mood[]);
         INSERT INTO moods VALUES (1, 'happy', '{sad,happy}');",
    );
    let rows = db
        .conn
        .query_text("SELECT id, m, NULL::text FROM moods; SELECT 'second'")
        .unwrap();
    assert_eq!(
        rows,
        [
            vec![Some("1".into()), Some("happy".into()), None],
            vec![Some("second".into())]
        ]
    );
    let rows = db
        .conn
        .query_text("SELECT id, m, NULL::text FROM moods")
        .unwrap();
    assert_eq!(rows, [vec![Some("1".into()), Some("happy".into()), None]]);
    assert_eq!(db.conn.cached_statements(), 0);

    let row = raw::sql("SELECT m, ms, id FROM moods")
        .one(&mut db.conn)
        .unwrap();
    assert_eq!(row.sql_type("m"), Some("mood"));
    assert_eq!(row.sql_type("ms"), Some("_mood"));
    let err = row.get::<i32>("m").unwrap_err();
    assert!(err.to_string().contains("mood"), "{err}");
    assert_eq!(row.get::<i32>("id").unwrap(), 1);
    // A cast makes it text.
    let m: String = raw::sql("SELECT m::text FROM moods")
        .scalar(&mut db.conn)
        .unwrap()
        .unwrap();
    assert_eq!(m, "happy");

    // A failing text query reports the server's error and leaves the connection usable.
    let err = db.conn.query_text("SELECT 1/0").unwrap_err();
    assert_eq!(err.kind(), Some(DbErrorKind::DivisionByZero), "{err}");
    assert_eq!(
        db.conn.query_text("SELECT 2").unwrap(),
        [vec![Some("2".into())]]
    );
}

/// A row that fails to decode in the middle of a result: the rest of the result is read
/// and dropped, the error names the column, and the next statement runs normally.
#[test]
fn a_decode_error_mid_result_leaves_the_connection_in_step() {
    // `name` is NOT NULL in the declaration, not in this table.
    let mut db = setup(&EMPTY_USERS.replace("name text NOT NULL", "name text"));
    db.conn
        .batch_execute(
            "INSERT INTO users (name, email, age)
                SELECT 'u' || n, 'u' || n || '@x', n FROM generate_series(1, 5000) AS n;
             UPDATE users SET name = NULL WHERE id = 2500;",
        )
        .unwrap();
    let names = users::table.select(users::name).order_by(users::id);
    let err = names.load(&mut db.conn).unwrap_err();
    assert!(err.to_string().contains("users.name"), "{err}");
    let count = users::table.count(&mut db.conn).unwrap();
    assert_eq!(count, 5000);
}

/// Notices from the server (`RAISE NOTICE`, warnings) are INFO events under the SQL log
/// target; the statement itself succeeds.
#[test]
fn server_notices_are_tracing_events() {
    let mut db = setup(USERS);
    let (result, log) = capture_sql(|| {
        db.conn
            .batch_execute("DO $$ BEGIN RAISE NOTICE 'hello from plpgsql'; END $$")
    });
    result.unwrap();
    assert!(
        log.iter()
            .any(|l| l.contains("server notice: hello from plpgsql") && l.contains("NOTICE")),
        "{log:?}"
    );
}

/// A panic while a result is being read leaves the connection out of step with the
/// server: it reports itself closed, the next statement is refused with `ConnectionLost`
/// instead of reading the old result, and a pool drops such a connection.
#[test]
fn a_panic_mid_result_closes_the_connection() {
    let mut db = setup(&format!(
        "{EMPTY_USERS} INSERT INTO users (name, email) \
         SELECT 'u' || n, 'u' || n || '@x' FROM generate_series(1, 3000) AS n;"
    ));
    let query = users::table.select(users::id);
    let statement = query.render::<()>();
    let conn = &mut db.conn;
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut seen = 0;
        let _ = conn.query_each(&statement, &mut |_| {
            seen += 1;
            assert!(seen < 10, "the caller's decoder gives up");
            Ok(())
        });
    }));
    assert!(panicked.is_err());
    assert!(db.conn.is_closed());
    let err = users::table.count(&mut db.conn).unwrap_err();
    assert!(err.is_connection_lost(), "{err}");
}

/// SQL text with a NUL byte cannot be sent (the protocol ends strings at NUL): a typed
/// error, nothing sent, and the connection stays usable.
#[test]
fn sql_text_with_a_nul_byte_is_refused_before_sending() {
    let mut db = setup(USERS);
    for result in [
        db.conn.batch_execute("SELECT 1\0; DROP TABLE users"),
        db.conn.query_text("SELECT '\0'").map(drop),
        raw::sql("SELECT 1 -- \0").execute(&mut db.conn).map(drop),
    ] {
        assert!(
            matches!(result, Err(sqlwright::Error::NulInText)),
            "{result:?}"
        );
    }
    assert!(!db.conn.is_closed());
    assert_eq!(users::table.count(&mut db.conn).unwrap(), 5);
}

/// More parameters than the protocol can carry (65 535) is a parameter error, not a NUL.
#[test]
fn too_many_parameters_is_a_parameter_error() {
    let mut db = setup(USERS);
    let names: Vec<String> = (0..70_000).map(|i| format!("p{i}")).collect();
    let list: Vec<String> = names.iter().map(|n| format!(":{n}")).collect();
    let text = format!("SELECT 1 WHERE 1 IN ({})", list.join(", "));
    let mut query = raw::sql(&text);
    for (i, n) in names.iter().enumerate() {
        query = query.bind(n, i as i64);
    }
    let err = query.execute(&mut db.conn).unwrap_err();
    assert!(matches!(err, sqlwright::Error::Parameter(_)), "{err:?}");
    assert_eq!(users::table.count(&mut db.conn).unwrap(), 5);
}

/// The statement cache keys statements by a 64-bit fingerprint; a second hash of the
/// parameter types guards a hit. Two statements made to share a fingerprint but binding
/// other types never run each other's prepared statement.
#[test]
fn statements_of_one_fingerprint_but_other_types_share_no_cached_statement() {
    use postgres::types::Type;
    use sqlwright::render::{Rendered, SqlWriter};
    let mut db = setup(USERS);
    static NUMBER: i64 = 7;
    static WORD: &str = "seven";
    let select = |mut w: SqlWriter<'static>, int: bool| -> Rendered<'static> {
        w.sql("SELECT ");
        if int {
            w.bind(&NUMBER, Type::INT8);
        } else {
            w.bind(&WORD, Type::TEXT);
        }
        w.sql(" AS v");
        w.finish()
    };
    let returned_type = |rows: &[sqlwright::engine::OwnedRow]| rows[0].columns()[0].type_().clone();
    let a = select(SqlWriter::new(), true);
    let key = a.key;
    assert_eq!(
        returned_type(&db.conn.query_rendered(&a).unwrap()),
        Type::INT8
    );
    assert!(db.conn.knows(key, &a.types));
    assert!(!db.conn.knows(key, &[Type::TEXT]));
    // The text statement under the int one's fingerprint, rendered without its text: not
    // run as the cached int statement, refused (it has no text to be prepared from).
    let mut bare = select(SqlWriter::fingerprint_only(), false);
    bare.key = key;
    let err = db.conn.query_rendered(&bare).unwrap_err();
    assert!(matches!(err, sqlwright::Error::Misuse(_)), "{err:?}");
    // With its text, it is prepared as itself and replaces the cached int statement.
    let mut b = select(SqlWriter::new(), false);
    b.key = key;
    let rows = db.conn.query_rendered(&b).unwrap();
    assert_eq!(returned_type(&rows), Type::TEXT);
    assert_eq!(rows[0].raw().value(0), Some(&b"seven"[..]));
    assert!(db.conn.knows(key, &[Type::TEXT]) && !db.conn.knows(key, &[Type::INT8]));
    // And the int statement, bare, is not run as the text one now cached.
    let mut bare = select(SqlWriter::fingerprint_only(), true);
    bare.key = key;
    let err = db.conn.query_rendered(&bare).unwrap_err();
    assert!(matches!(err, sqlwright::Error::Misuse(_)), "{err:?}");
    assert_eq!(
        returned_type(&db.conn.query_rendered(&a).unwrap()),
        Type::INT8
    );
}
