//! The client against the real MariaDB that `sqlwright::testing` starts: statements,
//! batches, the server's transaction flag, resets, a value over 16 MiB, and the
//! statement cache of `MysqlLink`.

use super::packet::MAX_CHUNK;
use super::*;
use crate::engine::wire::now;
use crate::engine::Error;
use crate::testing::mariadb_database;
use mysql_common::value::Value;
use std::time::Duration;

const INIT: &str = "SET NAMES utf8mb4; SET SESSION sql_mode = 'STRICT_ALL_TABLES,\
                    NO_BACKSLASH_ESCAPES,PIPES_AS_CONCAT'";

fn connect(db: &crate::testing::MariadbDatabase) -> Client {
    let url = db.url();
    now(Client::connect(&ConnectOptions {
        host: url.host.as_deref().unwrap(),
        port: url.port.unwrap(),
        user: url.user.as_deref().unwrap(),
        password: url.password(),
        database: url.database.as_deref(),
        connect_timeout: Duration::from_secs(10),
        read_timeout: Some(Duration::from_secs(60)),
        write_timeout: Some(Duration::from_secs(60)),
        init: INIT,
        tls: &crate::engine::wire::TlsSettings::default(),
        kind: crate::engine::wire::SocketKind::Blocking,
    }))
    .expect("connects to the test MariaDB")
}

fn rows(client: &mut Client, sql: &str, params: &[Value]) -> Vec<Vec<Value>> {
    let mut statement = now(client.prepare(sql)).unwrap();
    let mut out = Vec::new();
    now(client.execute(&mut statement, params, &mut |row| {
        let values = (0..row.len())
            .map(|i| row.value(i).unwrap().to_value())
            .collect();
        out.push(values);
        Ok(())
    }))
    .unwrap();
    now(client.close_statement(statement.id)).unwrap();
    out
}

#[test]
fn statements_run_on_mariadb() {
    let db = mariadb_database();
    let mut client = connect(&db);
    now(client.ping()).unwrap();
    now(client.query(
        "CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, n INT, \
             u TINYINT UNSIGNED, x DOUBLE, s TEXT, d DATETIME(6), b BLOB)",
    ))
    .unwrap();
    let mut insert =
        now(client.prepare("INSERT INTO t (n, u, x, s, d, b) VALUES (?, ?, ?, ?, ?, ?)")).unwrap();
    assert_eq!(insert.params, 6);
    for i in 0..3 {
        let params = [
            Value::Int(-7 * i),
            Value::UInt(250),
            Value::Double(0.5),
            Value::Bytes("né ☃".as_bytes().to_vec()),
            Value::Date(2024, 2, 29, 23, 59, 58, 123_456),
            if i == 1 {
                Value::NULL
            } else {
                Value::Bytes(vec![0, 255])
            },
        ];
        assert_eq!(
            now(client.execute(&mut insert, &params, &mut |_| Ok(()))).unwrap(),
            1
        );
        assert_eq!(client.last_insert_id(), i as u64 + 1);
    }
    let got = rows(
        &mut client,
        "SELECT id, n, u, x, s, d, b FROM t WHERE id >= ? ORDER BY id",
        &[Value::Int(2)],
    );
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[0],
        vec![
            Value::Int(2),
            Value::Int(-7),
            Value::UInt(250),
            Value::Double(0.5),
            Value::Bytes("né ☃".as_bytes().to_vec()),
            Value::Date(2024, 2, 29, 23, 59, 58, 123_456),
            Value::NULL,
        ]
    );
    // A wrong parameter count is refused before anything is sent.
    assert!(matches!(
        now(client.execute(&mut insert, &[], &mut |_| Ok(()))),
        Err(Error::Parameter(_))
    ));
    // The server's errors are typed and leave the connection usable.
    let e = now(client.prepare("SELECT * FROM missing")).unwrap_err();
    assert!(matches!(e, Error::Database(_)), "{e:?}");
    let e = now(client.execute(
        &mut insert,
        &[
            Value::Int(1),
            Value::Int(999),
            Value::NULL,
            Value::NULL,
            Value::NULL,
            Value::NULL,
        ],
        &mut |_| Ok(()),
    ))
    .unwrap_err();
    assert!(matches!(e, Error::Database(_)), "out of range: {e:?}");
    assert!(!client.is_closed());
    // A statement closed on the server is gone.
    now(client.close_statement(insert.id)).unwrap();
    assert!(
        now(client.execute(&mut insert, &[const { Value::NULL }; 6], &mut |_| Ok(()))).is_err()
    );
    now(client.ping()).unwrap();
}

#[test]
fn batches_report_an_error_in_any_statement() {
    let db = mariadb_database();
    let mut client = connect(&db);
    now(client
        .query("CREATE TABLE b (n INT); INSERT INTO b VALUES (1); SELECT * FROM b; SELECT 2"))
        .unwrap();
    let e =
        now(client
            .query("INSERT INTO b VALUES (2); SELECT * FROM b; INSERT INTO nowhere VALUES (3)"))
        .unwrap_err();
    assert!(matches!(e, Error::Database(_)), "{e:?}");
    let got = rows(&mut client, "SELECT COUNT(*) FROM b", &[]);
    assert_eq!(got, vec![vec![Value::Int(2)]]);
}

#[test]
fn the_server_says_whether_a_transaction_is_open() {
    let db = mariadb_database();
    let mut client = connect(&db);
    now(client.query("CREATE TABLE tx (n INT)")).unwrap();
    assert!(!client.in_transaction());
    now(client.query("START TRANSACTION")).unwrap();
    assert!(client.in_transaction());
    now(client.query("INSERT INTO tx VALUES (1)")).unwrap();
    assert!(client.in_transaction());
    now(client.query("COMMIT")).unwrap();
    assert!(!client.in_transaction());
    now(client.query("BEGIN; SET SESSION sql_mode = ''")).unwrap();
    assert!(client.in_transaction());
    // The reset rolls it back and runs the init statements again.
    now(client.reset()).unwrap();
    assert!(!client.in_transaction());
    let mode = rows(&mut client, "SELECT @@SESSION.sql_mode", &[]);
    let Value::Bytes(mode) = &mode[0][0] else {
        panic!("{mode:?}")
    };
    let mode = String::from_utf8_lossy(mode);
    assert!(
        mode.contains("PIPES_AS_CONCAT") && mode.contains("STRICT_ALL_TABLES"),
        "{mode}"
    );
}

#[test]
fn a_value_over_16_mib_round_trips() {
    let db = mariadb_database();
    let mut admin = connect(&db);
    now(admin.query("SET GLOBAL max_allowed_packet = 67108864")).unwrap();
    drop(admin);
    let mut client = connect(&db);
    now(client.query("CREATE TABLE big (b LONGBLOB)")).unwrap();
    let value: Vec<u8> = (0..MAX_CHUNK * 2 + 10).map(|i| (i % 251) as u8).collect();
    let mut insert = now(client.prepare("INSERT INTO big VALUES (?)")).unwrap();
    now(client.execute(&mut insert, &[Value::Bytes(value.clone())], &mut |_| Ok(()))).unwrap();
    let got = rows(&mut client, "SELECT b, LENGTH(b) FROM big", &[]);
    assert_eq!(got[0][1], Value::Int(value.len() as i64));
    assert!(got[0][0] == Value::Bytes(value));
}

#[test]
fn connections_report_the_servers_transaction_status() {
    use crate::backend::Mysql;
    use crate::engine::Connection;
    let db = mariadb_database();
    let mut conn = Connection::<Mysql>::open_url(db.url()).unwrap();
    conn.batch_execute("CREATE TABLE s (n INT)").unwrap();
    assert!(!conn.server_in_transaction());
    // Opened as text, behind sqlwright's back: the server's flag says so.
    conn.batch_execute("START TRANSACTION").unwrap();
    assert!(conn.server_in_transaction());
    crate::raw::sql("INSERT INTO s VALUES (1)")
        .execute(&mut conn)
        .unwrap();
    assert!(
        conn.server_in_transaction(),
        "a prepared statement's OK keeps it"
    );
    conn.batch_execute("COMMIT").unwrap();
    assert!(!conn.server_in_transaction());
}

#[test]
fn statements_evicted_from_the_cache_are_closed_on_the_server() {
    use crate::backend::Mysql;
    use crate::engine::Connection;
    let db = mariadb_database();
    let mut conn = Connection::<Mysql>::open_url(db.url()).unwrap();
    for i in 0..=super::super::STATEMENT_CACHE {
        crate::raw::sql(&format!("SELECT {i}"))
            .execute(&mut conn)
            .unwrap();
    }
    let rows = crate::raw::sql("SHOW SESSION STATUS LIKE 'Com_stmt_close'")
        .load(&mut conn)
        .unwrap();
    let closed: String = rows[0].get(1).unwrap();
    let closed: usize = closed.parse().unwrap();
    assert!(closed >= super::super::STATEMENT_CACHE, "{closed} closed");
}

#[test]
fn the_session_is_utc_after_login_and_after_a_reset() {
    use crate::backend::Mysql;
    use crate::engine::Connection;
    let db = mariadb_database();
    let mut conn = Connection::<Mysql>::open_url(db.url()).unwrap();
    let zone = |conn: &mut Connection<Mysql>| {
        conn.query_text("SELECT @@SESSION.time_zone, @@SESSION.sql_mode")
            .unwrap()
            .remove(0)
    };
    let utc = zone(&mut conn);
    assert_eq!(utc[0].as_deref(), Some("+00:00"));
    assert!(utc[1].as_deref().unwrap().contains("PIPES_AS_CONCAT"));
    conn.batch_execute("SET time_zone = '+02:00'; SET sql_mode = ''")
        .unwrap();
    assert_eq!(
        zone(&mut conn),
        [Some("+02:00".into()), Some(String::new())]
    );
    // COM_RESET_CONNECTION puts the server's zone back; the init sets UTC again.
    conn.link.reset().unwrap();
    assert_eq!(zone(&mut conn), utc);
}

#[test]
fn a_tcp_connection_sends_keepalive_probes_and_no_nagle_delay() {
    let db = mariadb_database();
    let client = connect(&db);
    let tcp = client
        .packets
        .stream()
        .tcp()
        .expect("the test server is reached over TCP");
    assert!(tcp.keepalive().unwrap());
    assert_eq!(tcp.tcp_keepalive_time().unwrap(), Duration::from_secs(60));
    assert_eq!(
        tcp.tcp_keepalive_interval().unwrap(),
        Duration::from_secs(10)
    );
    assert_eq!(tcp.tcp_keepalive_retries().unwrap(), 6);
    assert!(tcp.tcp_nodelay().unwrap());
}
