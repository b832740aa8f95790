//! TLS to a real MariaDB: a server of the test's own started with certificates made here
//! (`MariadbServer::start_with_tls`), users the server lets in only over TLS
//! (`REQUIRE SSL`) or only with a client certificate (`REQUIRE X509`), every `ssl-mode`,
//! certificate checks that fail, the data path and the pool over TLS; and the same modes
//! against the shared server, which offers no TLS.

use crate::tls::{Files, Pki};
use sqlwright::engine::TlsErrorKind;
use sqlwright::testing::{mariadb_database, MariadbServer, ServerTls};
use sqlwright::{raw, Connection, DatabaseUrl, Engine, Error, Mysql};

fn with(url: &DatabaseUrl, params: &[(&str, &str)]) -> DatabaseUrl {
    let mut url = url.clone();
    for (name, value) in params {
        url.set_param(name, value).unwrap();
    }
    url
}

fn open(url: &DatabaseUrl) -> Result<Connection<Mysql>, Error> {
    Connection::<Mysql>::open_url(url)
}

/// The TLS version the server says this session uses; empty for plain text.
fn ssl_version(conn: &mut Connection<Mysql>) -> String {
    let rows = conn
        .query_text("SHOW SESSION STATUS LIKE 'Ssl_version'")
        .unwrap();
    rows[0][1].clone().unwrap_or_default()
}

fn encrypted(conn: &mut Connection<Mysql>) -> bool {
    let version = ssl_version(conn);
    assert!(
        version.is_empty() || version.starts_with("TLSv1"),
        "{version}"
    );
    !version.is_empty()
}

fn tls_kind(result: Result<Connection<Mysql>, Error>) -> (TlsErrorKind, String) {
    match result {
        Err(Error::Tls { kind, reason, .. }) => (kind, reason),
        Err(other) => panic!("expected a TLS error, got {other:?}"),
        Ok(_) => panic!("expected a TLS error, the connection succeeded"),
    }
}

/// The server's own refusal of a login (1045, access denied).
fn denied(result: Result<Connection<Mysql>, Error>) {
    match result {
        Err(Error::Connect { reason, .. }) => {
            assert!(reason.contains("Access denied"), "{reason}")
        }
        Err(other) => panic!("expected the server to deny the login, got {other:?}"),
        Ok(_) => panic!("expected the server to deny the login, it succeeded"),
    }
}

fn scalar<T: sqlwright::raw::MysqlGet>(conn: &mut Connection<Mysql>, sql: &str) -> T {
    raw::sql(sql).load(conn).unwrap()[0].get(0).unwrap()
}

/// One server with TLS; every case against it in turn (each start costs seconds).
#[test]
fn tls_on_a_real_mariadb() {
    let pki = Pki::new();
    let files = Files::new(&pki);
    let server = MariadbServer::start_with_tls(ServerTls {
        cert: &pki.server_cert,
        key: &pki.server_key,
        ca: &pki.ca,
    })
    .unwrap();
    let ca = files.path("ca.pem");
    let other_ca = files.path("other-ca.pem");
    let ip = server.url();
    let mut admin = open(&with(&ip, &[("ssl-mode", "REQUIRED")])).unwrap();
    assert!(encrypted(&mut admin));
    admin
        .batch_execute(
            "CREATE DATABASE tls_db; \
             CREATE USER 'tls_only'@'127.0.0.1' IDENTIFIED BY 'pw-tls' REQUIRE SSL; \
             GRANT ALL ON tls_db.* TO 'tls_only'@'127.0.0.1'; \
             CREATE USER 'x509_only'@'127.0.0.1' IDENTIFIED BY 'pw-x509' REQUIRE X509; \
             GRANT ALL ON tls_db.* TO 'x509_only'@'127.0.0.1'; \
             SET GLOBAL max_allowed_packet = 67108864",
        )
        .unwrap();
    let tls_only = with(
        &ip,
        &[
            ("user", "tls_only"),
            ("password", "pw-tls"),
            ("dbname", "tls_db"),
        ],
    );
    let mut localhost = tls_only.clone();
    localhost.host = Some("localhost".into());

    // Every mode that takes TLS, for the user the server lets in only over TLS (which
    // proves the session is encrypted, as does the server's Ssl_version).
    let cases: [(&DatabaseUrl, &[(&str, &str)]); 5] = [
        (&tls_only, &[]),
        (&tls_only, &[("ssl-mode", "preferred")]),
        (&tls_only, &[("ssl-mode", "REQUIRED")]),
        (&tls_only, &[("ssl-mode", "VERIFY_CA"), ("ssl-ca", &ca)]),
        (
            &localhost,
            &[("ssl-mode", "Verify_Identity"), ("ssl-ca", &ca)],
        ),
    ];
    for (url, params) in cases {
        let mut conn = open(&with(url, params)).unwrap_or_else(|e| panic!("{params:?}: {e}"));
        assert!(encrypted(&mut conn), "{params:?}");
        let user: String = scalar(&mut conn, "SELECT CURRENT_USER()");
        assert_eq!(user, "tls_only@127.0.0.1");
    }
    // DISABLED sends the login in plain text, which the server refuses for this user...
    denied(open(&with(&tls_only, &[("ssl-mode", "DISABLED")])));
    // ... and the test user, who may log in either way, gets plain text.
    let mut plain = open(&with(&ip, &[("ssl-mode", "disabled")])).unwrap();
    assert!(!encrypted(&mut plain));

    // The certificate names `localhost`, not 127.0.0.1: VERIFY_IDENTITY refuses the
    // address (VERIFY_CA took it above).
    let (kind, reason) = tls_kind(open(&with(
        &tls_only,
        &[("ssl-mode", "VERIFY_IDENTITY"), ("ssl-ca", &ca)],
    )));
    assert_eq!(kind, TlsErrorKind::HostName, "{reason}");
    assert!(reason.contains("ssl-mode=VERIFY_IDENTITY"), "{reason}");
    // Another CA: the chain does not verify, in either VERIFY mode, nor in REQUIRED with a
    // CA given (the CA is acted on, not ignored).
    for mode in ["VERIFY_CA", "VERIFY_IDENTITY", "REQUIRED"] {
        let (kind, reason) = tls_kind(open(&with(
            &localhost,
            &[("ssl-mode", mode), ("ssl-ca", &other_ca)],
        )));
        assert_eq!(kind, TlsErrorKind::UnknownIssuer, "{mode}: {reason}");
        assert!(reason.contains("ssl-ca"), "{reason}");
    }
    // A CA file that is not there.
    let (kind, reason) = tls_kind(open(&with(
        &tls_only,
        &[("ssl-mode", "VERIFY_CA"), ("ssl-ca", "/nonexistent/ca.pem")],
    )));
    assert_eq!(kind, TlsErrorKind::Files, "{reason}");
    assert!(reason.contains("ssl-ca /nonexistent/ca.pem"), "{reason}");

    // A client certificate, for the user the server lets in only with one.
    let x509 = with(
        &ip,
        &[
            ("user", "x509_only"),
            ("password", "pw-x509"),
            ("dbname", "tls_db"),
        ],
    );
    denied(open(&with(&x509, &[("ssl-mode", "REQUIRED")])));
    let cert = files.path("client.pem");
    let key = files.path("client.key");
    let mut conn = open(&with(
        &x509,
        &[
            ("ssl-mode", "VERIFY_CA"),
            ("ssl-ca", &ca),
            ("ssl-cert", &cert),
            ("ssl-key", &key),
        ],
    ))
    .unwrap();
    assert!(encrypted(&mut conn));
    let user: String = scalar(&mut conn, "SELECT CURRENT_USER()");
    assert_eq!(user, "x509_only@127.0.0.1");
    drop(conn);

    // The data path over TLS: statements, a text batch, a value over 16 MiB each way (the
    // packets split and joined inside the TLS records), and the read timeout.
    let mut conn = open(&with(
        &localhost,
        &[
            ("ssl-mode", "VERIFY_IDENTITY"),
            ("ssl-ca", &ca),
            ("read_timeout", "2"),
        ],
    ))
    .unwrap();
    conn.batch_execute("CREATE TABLE notes (id INT PRIMARY KEY, body LONGTEXT NOT NULL)")
        .unwrap();
    let big = "ab".repeat(10 << 20) + "end";
    let stored = raw::sql("INSERT INTO notes VALUES (1, :body)")
        .bind("body", big.clone())
        .execute(&mut conn)
        .unwrap();
    assert_eq!(stored, 1);
    let back: String = scalar(&mut conn, "SELECT body FROM notes WHERE id = 1");
    assert_eq!(back.len(), big.len());
    assert!(back == big);
    let n: i64 = scalar(&mut conn, "SELECT COUNT(*) FROM notes");
    assert_eq!(n, 1);
    let err = raw::sql("SELECT SLEEP(5)").load(&mut conn).unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    drop(conn);

    // The pool over TLS: a returned connection is reset (COM_RESET_CONNECTION over TLS)
    // and the same server connection, still encrypted, serves the next checkout.
    let engine = Engine::mysql_builder_url(with(
        &tls_only,
        &[("ssl-mode", "VERIFY_CA"), ("ssl-ca", &ca)],
    ))
    .pool_size(1)
    .max_overflow(0)
    .build()
    .unwrap();
    let first: i64 = {
        let mut conn = engine.connect().unwrap();
        assert!(encrypted(&mut conn));
        conn.batch_execute("SET @left_behind = 42").unwrap();
        scalar(&mut conn, "SELECT CONNECTION_ID()")
    };
    let mut conn = engine.connect().unwrap();
    let again: i64 = scalar(&mut conn, "SELECT CONNECTION_ID()");
    assert_eq!(again, first);
    let left: Option<i64> = scalar(&mut conn, "SELECT @left_behind");
    assert_eq!(left, None);
    assert!(encrypted(&mut conn));
    drop(conn);

    // A Unix socket carries no TLS here: REQUIRED refuses it before sending anything.
    let socket = with(
        &ip,
        &[
            ("host", &server.socket().display().to_string()),
            ("ssl-mode", "REQUIRED"),
        ],
    );
    let (kind, reason) = tls_kind(open(&socket));
    assert_eq!(kind, TlsErrorKind::NotOffered, "{reason}");
}

/// The shared server offers no TLS: PREFERRED (the default) and DISABLED go on in plain
/// text; REQUIRED and stronger are refused, naming the mode, for connections and engines.
#[test]
fn ssl_modes_against_a_server_without_tls() {
    let db = mariadb_database();
    let url = db.url();
    for params in [
        &[][..],
        &[("ssl-mode", "PREFERRED")],
        &[("ssl-mode", "DISABLED")],
    ] {
        let mut conn = open(&with(url, params)).unwrap();
        assert!(!encrypted(&mut conn), "{params:?}");
    }
    for (mode, ca) in [
        ("REQUIRED", None),
        ("REQUIRED", Some("/nonexistent/ca.pem")),
        ("VERIFY_CA", Some("/nonexistent/ca.pem")),
        ("VERIFY_IDENTITY", Some("/nonexistent/ca.pem")),
    ] {
        let mut params = vec![("ssl-mode", mode)];
        params.extend(ca.map(|ca| ("ssl-ca", ca)));
        let (kind, reason) = tls_kind(open(&with(url, &params)));
        assert_eq!(kind, TlsErrorKind::NotOffered, "{mode}: {reason}");
        assert!(reason.contains(&format!("ssl-mode={mode}")), "{reason}");
    }
    let engine = Engine::mysql_builder_url(with(url, &[("ssl-mode", "REQUIRED")]))
        .build()
        .unwrap();
    match engine.connect() {
        Err(Error::Tls { kind, .. }) => assert_eq!(kind, TlsErrorKind::NotOffered),
        Err(other) => panic!("expected a TLS error, got {other:?}"),
        Ok(_) => panic!("expected a TLS error, the checkout succeeded"),
    }
}
