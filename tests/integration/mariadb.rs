//! MariaDB through `Connection<Mysql>` (feature `mysql`), against the throwaway server of
//! `sqlwright::testing`: the server's life, URLs, raw SQL, and typed selects and inserts
//! whose values are bound parameters.

use sqlwright::engine::DbErrorKind;
use sqlwright::prelude::*;
use sqlwright::testing::{mariadb_database, MariadbServer};
use sqlwright::{Connection, Error, Mysql};

sqlwright::table! {
    notes (id) {
        id -> Int4,
        body -> Text,
        score -> Nullable<Int8>,
        ratio -> Float8,
        done -> Bool,
    }
}

const NOTES: &str = "CREATE TABLE notes (
    id INT PRIMARY KEY,
    body TEXT NOT NULL,
    score BIGINT NULL,
    ratio DOUBLE NOT NULL,
    done BOOLEAN NOT NULL
)";

fn with_notes() -> (sqlwright::testing::MariadbDatabase, Connection<Mysql>) {
    let db = mariadb_database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(NOTES).unwrap();
    (db, conn)
}

fn kind(err: &Error) -> Option<DbErrorKind> {
    match err {
        Error::Database(e) => Some(e.kind),
        _ => None,
    }
}

#[test]
fn a_private_server_starts_answers_and_stops() {
    let server = MariadbServer::start().unwrap();
    let pid = server.pid();
    let dir = server.dir().to_path_buf();
    assert!(server.socket().exists());
    let mut conn = Connection::<Mysql>::open_url(&server.url()).unwrap();
    let version = conn.server_version().unwrap();
    assert!(version.contains("MariaDB"), "{version}");
    conn.ping().unwrap();
    conn.batch_execute("CREATE DATABASE scratch").unwrap();
    drop(conn);
    let url = server.url();
    drop(server);
    // The process is gone (reaped, so not even a zombie is left), and so is its directory.
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "mariadbd {pid} still runs"
    );
    assert!(!dir.exists(), "{} is left behind", dir.display());
    let err = Connection::<Mysql>::open_url(&url.with_param("connect_timeout", "2").unwrap())
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
}

#[test]
fn every_url_form_connects() {
    let db = mariadb_database();
    let url = db.url().to_string_with_password();
    let rest = url.strip_prefix("mysql://").unwrap();
    for scheme in ["mysql", "mariadb", "mysql+pymysql", "mysql+mysqldb"] {
        let mut conn = Connection::<Mysql>::open(&format!("{scheme}://{rest}")).unwrap();
        conn.ping().unwrap();
        assert_eq!(conn.dialect(), sqlwright::backend::Dialect::Mysql);
    }
    let with_options = format!(
        "mysql://{rest}?charset=utf8mb4&ssl-mode=DISABLED&connect_timeout=5&read_timeout=30\
         &write_timeout=30"
    );
    Connection::<Mysql>::open(&with_options)
        .unwrap()
        .ping()
        .unwrap();
}

#[test]
fn options_not_acted_on_are_refused_before_connecting() {
    let db = mariadb_database();
    let url = db.url().to_string_with_password();
    for (option, part) in [
        ("ssl-mode=SOMETIMES", "ssl-mode"),
        ("ssl-mode=VERIFY_CA", "ssl-ca"),
        ("ssl-mode=DISABLED&ssl-ca=%2Fca.pem", "ssl-ca"),
        ("ssl-cert=%2Fme.pem", "ssl-key"),
        ("charset=latin1", "charset"),
        ("sslmode=disable", "sslmode"),
        ("read_timeout=0", "read_timeout"),
    ] {
        match Connection::<Mysql>::open(&format!("{url}?{option}")) {
            Err(Error::InvalidUrl { part: p, .. }) => assert_eq!(p, part, "{option}"),
            other => panic!("{option}: expected InvalidUrl, got {other:?}"),
        }
    }
    // A MySQL URL is not PostgreSQL's, nor the other way round.
    assert!(matches!(
        Connection::connect(&url),
        Err(Error::InvalidUrl { .. })
    ));
    assert!(matches!(
        Connection::<Mysql>::open("postgres://u@127.0.0.1/db"),
        Err(Error::InvalidUrl { .. })
    ));
}

#[test]
fn a_wrong_password_is_a_connect_error_that_hides_it() {
    let db = mariadb_database();
    let mut url = db.url().clone();
    url.set_password(Some("not-the-password"));
    let err = Connection::<Mysql>::open_url(&url).unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(!err.to_string().contains("not-the-password"), "{err}");
}

#[test]
fn raw_sql_round_trips_and_errors_are_typed() {
    let (_db, mut conn) = with_notes();
    conn.batch_execute(
        "INSERT INTO notes VALUES (1, 'one', 10, 0.5, TRUE); \
         INSERT INTO notes VALUES (2, 'two', NULL, 1.25, FALSE)",
    )
    .unwrap();
    let rows: Vec<(i32, String, Option<i64>, f64, bool)> = notes::table
        .select((
            notes::id,
            notes::body,
            notes::score,
            notes::ratio,
            notes::done,
        ))
        .order_by(notes::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        rows,
        [
            (1, "one".to_string(), Some(10), 0.5, true),
            (2, "two".to_string(), None, 1.25, false)
        ]
    );
    let err = conn
        .batch_execute("INSERT INTO notes VALUES (1, 'again', NULL, 0, FALSE)")
        .unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::UniqueViolation), "{err}");
    let err = conn.batch_execute("SELEC 1").unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::SyntaxOrAccess), "{err}");
    let err = conn.batch_execute("SELECT * FROM missing").unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::UndefinedTable), "{err}");
    // `||` is concatenation on these connections, never OR.
    conn.batch_execute("INSERT INTO notes VALUES (3, 'a' || 'b', NULL, 0, FALSE)")
        .unwrap();
    let body: Vec<String> = notes::table
        .filter(notes::id.eq(3))
        .select(notes::body)
        .load(&mut conn)
        .unwrap();
    assert_eq!(body, ["ab"]);
    // The connection is still usable after the errors.
    assert_eq!(notes::table.count(&mut conn).unwrap(), 3);
}

#[test]
fn typed_insert_select_update_delete_bind_every_value() {
    let (_db, mut conn) = with_notes();
    let inserted = insert_into(notes::table)
        .values((
            notes::id.to(1),
            notes::body.to("first"),
            notes::score.to(Some(7_i64)),
            notes::ratio.to(2.5),
            notes::done.to(true),
        ))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(inserted, 1);
    insert_into(notes::table)
        .values((
            notes::id.to(2),
            notes::body.to("second"),
            notes::score.to(None::<i64>),
            notes::ratio.to(-0.125),
            notes::done.to(false),
        ))
        .execute(&mut conn)
        .unwrap();

    let query = notes::table
        .filter(notes::done.eq(true) | notes::score.is_null())
        .filter(notes::ratio.lt(10.0))
        .select((notes::id, notes::body, notes::score, notes::done))
        .order_by(notes::id.desc());
    let (rows, log) = crate::session::capture_sql(|| query.load(&mut conn).unwrap());
    let rows: Vec<(i32, String, Option<i64>, bool)> = rows;
    assert_eq!(
        rows,
        [
            (2, "second".to_string(), None, false),
            (1, "first".to_string(), Some(7), true)
        ]
    );
    let expected = "SELECT `notes`.`id`, `notes`.`body`, `notes`.`score`, `notes`.`done` \
                    FROM `notes` WHERE ((`notes`.`done` = ?) OR (`notes`.`score` IS NULL)) \
                    AND (`notes`.`ratio` < ?) ORDER BY `notes`.`id` DESC";
    assert!(log.iter().any(|l| l.contains(expected)), "{log:#?}");

    let changed = update(notes::table)
        .filter(notes::id.eq(2))
        .set((
            notes::score.to(Some(-9_000_000_000_i64)),
            notes::done.to(true),
        ))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(changed, 1);
    let row: Vec<(Option<i64>, bool)> = notes::table
        .filter(notes::id.eq(2))
        .select((notes::score, notes::done))
        .load(&mut conn)
        .unwrap();
    assert_eq!(row, [(Some(-9_000_000_000), true)]);
    let deleted = delete(notes::table)
        .filter(notes::body.eq("first"))
        .execute(&mut conn)
        .unwrap();
    assert_eq!(deleted, 1);
    assert_eq!(notes::table.count(&mut conn).unwrap(), 1);
}

#[test]
fn hostile_strings_round_trip_exactly() {
    let (_db, mut conn) = with_notes();
    let hostile = [
        "it's",
        "''",
        "\"double\"",
        "back`tick",
        "``",
        "?",
        "? and ?",
        "$1 ?1 :name",
        "\\",
        "\\'",
        "a\\nb",
        "-- not a comment",
        "/* not a comment */",
        "'); DROP TABLE notes; --",
        "`; DROP TABLE notes; --",
        "Ёжик 🦀 中文 ñ",
        "\u{202e}right-to-left",
        "",
        " padded ",
        "%_",
    ];
    for (i, text) in hostile.iter().enumerate() {
        insert_into(notes::table)
            .values((
                notes::id.to(i as i32),
                notes::body.to(*text),
                notes::ratio.to(0.0),
                notes::done.to(false),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    let back: Vec<String> = notes::table
        .select(notes::body)
        .order_by(notes::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(back, hostile);
    // Each is found by itself as a parameter: no text changed the statement.
    for (i, text) in hostile.iter().enumerate() {
        let ids: Vec<i32> = notes::table
            .filter(notes::body.eq(*text))
            .select(notes::id)
            .load(&mut conn)
            .unwrap();
        assert_eq!(ids, [i as i32], "{text:?}");
    }
    // A NUL is refused before anything is sent, as on the other backends.
    let err = insert_into(notes::table)
        .values((
            notes::id.to(100),
            notes::body.to("a\0b"),
            notes::ratio.to(0.0),
            notes::done.to(false),
        ))
        .execute(&mut conn)
        .unwrap_err();
    assert!(matches!(err, Error::NulInText), "{err:?}");
    assert_eq!(notes::table.count(&mut conn).unwrap(), hostile.len() as i64);
}

#[test]
fn values_that_do_not_fit_are_decode_errors() {
    let (_db, mut conn) = with_notes();
    conn.batch_execute("INSERT INTO notes VALUES (1, 'x', 9223372036854775807, 0, 2)")
        .unwrap();
    // TINYINT(1) holding 2 is not a boolean.
    let err = notes::table
        .select(notes::done)
        .load(&mut conn)
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let max: Vec<Option<i64>> = notes::table.select(notes::score).load(&mut conn).unwrap();
    assert_eq!(max, [Some(i64::MAX)]);
}

/// The values of a note with `id` and `body`.
macro_rules! note {
    ($id:expr, $body:expr) => {
        (
            notes::id.to($id),
            notes::body.to($body),
            notes::ratio.to(0.0),
            notes::done.to(false),
        )
    };
}

#[test]
fn limit_and_offset_are_bound_too() {
    let (_db, mut conn) = with_notes();
    for id in 1..=5 {
        insert_into(notes::table)
            .values(note!(id, "n"))
            .execute(&mut conn)
            .unwrap();
    }
    let page: Vec<i32> = notes::table
        .select(notes::id)
        .order_by(notes::id)
        .limit(2)
        .offset(1)
        .load(&mut conn)
        .unwrap();
    assert_eq!(page, [2, 3]);
    // An OFFSET alone: MySQL takes one only after a LIMIT, so the largest is written.
    let rest: Vec<i32> = notes::table
        .select(notes::id)
        .order_by(notes::id)
        .offset(3)
        .load(&mut conn)
        .unwrap();
    assert_eq!(rest, [4, 5]);
}

#[test]
fn a_transaction_commits_or_rolls_back() {
    let (_db, mut conn) = with_notes();
    let failed: Result<(), Error> = conn.transaction(|tx| {
        insert_into(notes::table)
            .values(note!(1, "undone"))
            .execute(tx)?;
        Err(Error::NotFound)
    });
    assert!(matches!(failed, Err(Error::NotFound)));
    assert_eq!(notes::table.count(&mut conn).unwrap(), 0);
    conn.transaction(|tx| {
        insert_into(notes::table)
            .values(note!(1, "kept"))
            .execute(tx)?;
        Ok::<_, Error>(())
    })
    .unwrap();
    // A nested transaction is a savepoint: rolled back alone.
    conn.transaction(|tx| {
        insert_into(notes::table)
            .values(note!(3, "outer"))
            .execute(tx)?;
        let inner: Result<(), Error> = tx.transaction(|sp| {
            insert_into(notes::table)
                .values(note!(4, "inner"))
                .execute(sp)?;
            Err(Error::NotFound)
        });
        assert!(inner.is_err());
        Ok::<_, Error>(())
    })
    .unwrap();
    let ids: Vec<i32> = notes::table
        .select(notes::id)
        .order_by(notes::id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(ids, [1, 3]);
    conn.batch_execute("DELETE FROM notes WHERE id = 3")
        .unwrap();
    // Isolation level and access mode in the one text that opens the transaction.
    let mut tx = conn
        .build_transaction()
        .serializable()
        .read_only()
        .begin()
        .unwrap();
    let err = insert_into(notes::table)
        .values(note!(2, "refused"))
        .execute(&mut tx)
        .unwrap_err();
    assert_eq!(kind(&err), Some(DbErrorKind::ReadOnlyTransaction), "{err}");
    drop(tx);
    let bodies: Vec<String> = notes::table.select(notes::body).load(&mut conn).unwrap();
    assert_eq!(bodies, ["kept"]);
}

#[test]
fn more_statements_than_the_cache_holds_all_run_again() {
    let (_db, mut conn) = with_notes();
    insert_into(notes::table)
        .values(note!(1, "one"))
        .execute(&mut conn)
        .unwrap();
    // 300 statements of different texts (one more filter each), twice over: the connection
    // keeps 256 prepared statements, so the first ones are forgotten and prepared again.
    for _ in 0..2 {
        for filters in 1..=300 {
            let mut q = notes::table.select(notes::id).into_boxed();
            for _ in 0..filters {
                q = q.filter(notes::id.gt(0));
            }
            assert_eq!(q.load(&mut conn).unwrap(), [1], "{filters} filters");
        }
    }
}
