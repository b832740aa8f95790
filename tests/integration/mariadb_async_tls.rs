//! `AsyncMysqlConnection` over TLS (`tokio-rustls`) to a MariaDB of the test's own with
//! certificates made here: the session is encrypted (the server's `Ssl_version`, and a user
//! it lets in only over TLS), the certificate is checked as on the blocking socket, and a
//! failed check is the same typed error.

use crate::tls::{Files, Pki};
use sqlwright::engine::TlsErrorKind;
use sqlwright::testing::{MariadbServer, ServerTls};
use sqlwright::{raw, AsyncMysqlConnection, Connection, DatabaseUrl, Error, Mysql};

fn with(url: &DatabaseUrl, params: &[(&str, &str)]) -> DatabaseUrl {
    let mut url = url.clone();
    for (name, value) in params {
        url.set_param(name, value).unwrap();
    }
    url
}

#[test]
fn an_async_connection_speaks_tls_with_the_same_checks() {
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
    Connection::<Mysql>::open_url(&with(&ip, &[("ssl-mode", "REQUIRED")]))
        .unwrap()
        .batch_execute(
            "CREATE USER 'tls_only'@'127.0.0.1' IDENTIFIED BY 'pw-tls' REQUIRE SSL; \
             GRANT ALL ON *.* TO 'tls_only'@'127.0.0.1'",
        )
        .unwrap();
    let tls_only = with(&ip, &[("user", "tls_only"), ("password", "pw-tls")]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let url = with(&tls_only, &[("ssl-mode", "VERIFY_CA"), ("ssl-ca", &ca)]);
        let mut conn = AsyncMysqlConnection::open_url(&url).await.unwrap();
        let rows = raw::sql("SHOW SESSION STATUS LIKE 'Ssl_version'")
            .load(&mut conn)
            .await
            .unwrap();
        let version = rows[0].get::<String>(1).unwrap();
        assert!(version.starts_with("TLSv1"), "{version}");
        let user = raw::sql("SELECT CURRENT_USER()")
            .load(&mut conn)
            .await
            .unwrap();
        assert_eq!(user[0].get::<String>(0).unwrap(), "tls_only@127.0.0.1");
        // A value larger than the read buffer and a TLS record, both ways.
        let big = "x".repeat(100_000);
        let back = raw::sql("SELECT :v")
            .bind("v", big.as_str())
            .load(&mut conn)
            .await
            .unwrap();
        assert_eq!(back[0].get::<String>(0).unwrap(), big);

        let url = with(
            &tls_only,
            &[("ssl-mode", "VERIFY_CA"), ("ssl-ca", &other_ca)],
        );
        match AsyncMysqlConnection::open_url(&url).await {
            Err(Error::Tls { kind, .. }) => assert_eq!(kind, TlsErrorKind::UnknownIssuer),
            Err(other) => panic!("expected a TLS error, got {other:?}"),
            Ok(_) => panic!("a certificate of another CA was accepted"),
        }
        // DISABLED sends the login in plain text, which the server refuses for this user.
        let url = with(&tls_only, &[("ssl-mode", "DISABLED")]);
        let err = AsyncMysqlConnection::open_url(&url).await.unwrap_err();
        assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    });
}
