//! TLS against real servers: a private PostgreSQL cluster with `ssl=on` and certificates
//! made here (a CA, the server's, a client's), the shared cluster without TLS, and a small
//! TLS server of the test's own (rustls) that records whether anything reaches it after a
//! handshake the client should have refused.

use sqlwright::engine::TlsErrorKind;
use sqlwright::prelude::*;
use sqlwright::testing::PrivateServer;
use sqlwright::{raw, Connection, DatabaseUrl, Error};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType,
};

/// A CA and what it signed, as PEM text (also used by `mariadb_tls.rs`).
pub(crate) struct Pki {
    pub(crate) ca: String,
    /// Another CA, which signed nothing here: "the wrong CA".
    other_ca: String,
    /// For `localhost` only (not 127.0.0.1).
    pub(crate) server_cert: String,
    pub(crate) server_key: String,
    /// For `localhost`, expired in 2021.
    expired_cert: String,
    expired_key: String,
    /// The CA's key, to sign more.
    issuer: Issuer<'static, KeyPair>,
    /// CN `certuser`.
    client_cert: String,
    client_key: String,
}

fn make_ca(name: &str) -> (String, Issuer<'static, KeyPair>) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), Issuer::new(params, key))
}

fn leaf(issuer: &Issuer<'_, KeyPair>, cn: &str, names: &[&str], expired: bool) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, cn);
    if expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let cert = params.signed_by(&key, issuer).unwrap();
    (cert.pem(), key.serialize_pem())
}

impl Pki {
    pub(crate) fn new() -> Pki {
        let (ca, issuer) = make_ca("sqlwright test CA");
        let (other_ca, _) = make_ca("some other CA");
        let (server_cert, server_key) = leaf(&issuer, "localhost", &["localhost"], false);
        let (expired_cert, expired_key) = leaf(&issuer, "localhost", &["localhost"], true);
        let (client_cert, client_key) = leaf(&issuer, "certuser", &[], false);
        Pki {
            ca,
            other_ca,
            server_cert,
            server_key,
            expired_cert,
            expired_key,
            issuer,
            client_cert,
            client_key,
        }
    }
}

/// A directory for the client's files, removed when dropped.
pub(crate) struct Files(PathBuf);

impl Files {
    pub(crate) fn new(pki: &Pki) -> Files {
        let dir = std::env::temp_dir().join(format!(
            "sqlwright-tls-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in [
            ("ca.pem", &pki.ca),
            ("other-ca.pem", &pki.other_ca),
            ("client.pem", &pki.client_cert),
            ("client.key", &pki.client_key),
        ] {
            std::fs::write(dir.join(name), text).unwrap();
        }
        Files(dir)
    }

    pub(crate) fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tls_kind(result: Result<Connection, Error>) -> (TlsErrorKind, String) {
    match result {
        Err(Error::Tls { kind, reason, .. }) => (kind, reason),
        Err(other) => panic!("expected a TLS error, got {other:?}"),
        Ok(_) => panic!("expected a TLS error, the connection succeeded"),
    }
}

fn with(url: &DatabaseUrl, params: &[(&str, &str)]) -> DatabaseUrl {
    let mut url = url.clone();
    for (name, value) in params {
        url.set_param(name, value).unwrap();
    }
    url
}

/// Whether the session's connection is encrypted, as the server sees it.
fn server_says_ssl(conn: &mut Connection) -> bool {
    conn.query_text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .unwrap()[0][0]
        .as_deref()
        == Some("t")
}

sqlwright::table! {
    notes (id) {
        id -> Int4,
        body -> Text,
    }
}

/// One cluster with `ssl=on`; every case against it in turn (each start of a cluster
/// costs seconds).
#[test]
fn tls_on_a_real_server() {
    let pki = Pki::new();
    let files = Files::new(&pki);
    let server = PrivateServer::start().unwrap();
    // The client certificate's user, made before the server requires TLS for it.
    Connection::connect_url(&with(&server.url(), &[("sslmode", "disable")]))
        .unwrap()
        .batch_execute("CREATE ROLE certuser LOGIN; GRANT ALL ON SCHEMA public TO certuser;")
        .unwrap();
    server
        .configure(
            &[
                ("server.crt", pki.server_cert.as_bytes()),
                ("server.key", pki.server_key.as_bytes()),
                ("root.crt", pki.ca.as_bytes()),
            ],
            "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n\
             ssl_ca_file = 'root.crt'",
            Some(
                "local all all trust\n\
                 hostssl all certuser 127.0.0.1/32 cert\n\
                 hostnossl all certuser 127.0.0.1/32 reject\n\
                 host all all 127.0.0.1/32 scram-sha-256\n",
            ),
        )
        .unwrap_or_else(|e| panic!("{e}\n{}", server.log()));
    let ip = server.url();
    let mut localhost = ip.clone();
    localhost.host = Some("localhost".into());
    let ca = files.path("ca.pem");

    // verify-full to the name on the certificate: TLS, SCRAM bound to the channel.
    let full = with(
        &localhost,
        &[
            ("sslmode", "verify-full"),
            ("sslrootcert", &ca),
            ("channel_binding", "require"),
        ],
    );
    let mut conn = Connection::connect_url(&full).unwrap();
    assert!(server_says_ssl(&mut conn));
    // The data path over TLS: a select, a stream long enough for many TLS records, a COPY
    // in and out.
    let n = raw::sql("SELECT count(*) FROM generate_series(1, 1000)")
        .scalar::<i64>(&mut conn)
        .unwrap();
    assert_eq!(n, Some(1000));
    let mut sum = 0i64;
    let mut rows = 0;
    for row in raw::sql("SELECT g::int8, repeat('x', 100) FROM generate_series(1, 50000) g")
        .stream(&mut conn)
        .unwrap()
    {
        let row = row.unwrap();
        sum += row.get::<i64>(0).unwrap();
        rows += 1;
    }
    assert_eq!((rows, sum), (50_000, 50_000 * 50_001 / 2));
    conn.batch_execute("CREATE TABLE notes (id int4 PRIMARY KEY, body text NOT NULL)")
        .unwrap();
    let stored = copy_in(notes::table)
        .rows(
            (0..20_000).map(|i| (notes::id.to(i), notes::body.to(format!("note {i}")))),
            &mut conn,
        )
        .unwrap();
    assert_eq!(stored, 20_000);
    let out: Vec<(i32, String)> = notes::table
        .select((notes::id, notes::body))
        .order_by(notes::id)
        .copy_out(&mut conn)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(out.len(), 20_000);
    assert_eq!(out[19_999], (19_999, "note 19999".to_string()));
    drop(conn);

    // The certificate names `localhost`, not 127.0.0.1: verify-full refuses the address,
    // verify-ca (the chain alone) takes it.
    let (kind, reason) = tls_kind(Connection::connect_url(&with(
        &ip,
        &[("sslmode", "verify-full"), ("sslrootcert", &ca)],
    )));
    assert_eq!(kind, TlsErrorKind::HostName, "{reason}");
    let mut conn = Connection::connect_url(&with(
        &ip,
        &[("sslmode", "verify-ca"), ("sslrootcert", &ca)],
    ))
    .unwrap();
    assert!(server_says_ssl(&mut conn));

    // Another CA: the chain does not verify, in verify-ca as in verify-full, and in
    // require with a root certificate given (libpq's verify-ca).
    for mode in ["verify-full", "verify-ca", "require"] {
        let (kind, reason) = tls_kind(Connection::connect_url(&with(
            &localhost,
            &[
                ("sslmode", mode),
                ("sslrootcert", &files.path("other-ca.pem")),
            ],
        )));
        assert_eq!(kind, TlsErrorKind::UnknownIssuer, "{mode}: {reason}");
    }

    // require without a root certificate: encrypted, nothing checked; prefer takes TLS
    // when offered; disable does not ask.
    for (mode, ssl) in [("require", true), ("prefer", true), ("disable", false)] {
        let mut conn = Connection::connect_url(&with(&ip, &[("sslmode", mode)])).unwrap();
        assert_eq!(server_says_ssl(&mut conn), ssl, "{mode}");
    }

    // channel_binding=require without TLS (allow tries plain text first, and SCRAM
    // there has nothing to bind to): refused before the password goes out.
    let (kind, reason) = tls_kind(Connection::connect_url(&with(
        &ip,
        &[("sslmode", "allow"), ("channel_binding", "require")],
    )));
    assert_eq!(kind, TlsErrorKind::ChannelBinding, "{reason}");
    // channel_binding=disable over TLS still logs in (plain SCRAM-SHA-256).
    let mut conn = Connection::connect_url(&with(
        &ip,
        &[("sslmode", "require"), ("channel_binding", "disable")],
    ))
    .unwrap();
    assert!(server_says_ssl(&mut conn));

    // Client certificate authentication (`hostssl ... cert`): no password at all.
    let mut cert_url = with(
        &localhost,
        &[
            ("sslmode", "verify-full"),
            ("sslrootcert", &ca),
            ("sslcert", &files.path("client.pem")),
            ("sslkey", &files.path("client.key")),
        ],
    );
    cert_url.user = Some("certuser".into());
    cert_url.set_password(None);
    let mut conn = Connection::connect_url(&cert_url).unwrap();
    assert_eq!(
        conn.query_text("SELECT current_user").unwrap()[0][0].as_deref(),
        Some("certuser")
    );
    assert!(server_says_ssl(&mut conn));
    // Without the certificate, the same user is turned away by the server.
    let mut no_cert = with(
        &localhost,
        &[("sslmode", "verify-full"), ("sslrootcert", &ca)],
    );
    no_cert.user = Some("certuser".into());
    no_cert.set_password(None);
    match Connection::connect_url(&no_cert) {
        Err(Error::Connect { reason, .. }) => assert!(reason.contains("certificate"), "{reason}"),
        other => panic!("expected the server to refuse, got {other:?}"),
    }

    // sslmode=allow: plain text first, which pg_hba rejects for this user, then TLS.
    let mut allow = cert_url.clone();
    allow.set_param("sslmode", "allow").unwrap();
    let mut conn = Connection::connect_url(&allow).unwrap();
    assert!(server_says_ssl(&mut conn));
    // Over the Unix-domain socket TLS is not used: require refuses it, prefer goes on.
    let mut local = with(&ip, &[("sslmode", "require")]);
    local.host = Some(server.socket_dir().display().to_string());
    let (kind, reason) = tls_kind(Connection::connect_url(&local));
    assert_eq!(kind, TlsErrorKind::NotOffered, "{reason}");
    local.set_param("sslmode", "prefer").unwrap();
    let mut conn = Connection::connect_url(&local).unwrap();
    assert!(!server_says_ssl(&mut conn));

    // A pool over TLS: several connections share one rustls configuration.
    let engine = sqlwright::Engine::builder_url(full.clone())
        .pool_size(3)
        .build()
        .unwrap();
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let engine = engine.clone();
            std::thread::spawn(move || {
                let mut conn = engine.connect().unwrap();
                server_says_ssl(&mut conn)
            })
        })
        .collect();
    for h in handles {
        assert!(h.join().unwrap());
    }
    drop(engine);

    // The async connection: the same TLS setup, checks and typed failures (tokio-rustls).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut conn = sqlwright::AsyncConnection::connect_url(&full)
            .await
            .unwrap();
        let ssl = conn
            .query_text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .await
            .unwrap();
        assert_eq!(ssl[0][0].as_deref(), Some("t"));
        // Many TLS records: 50 000 rows of 100 bytes.
        let rows = conn
            .query_text("SELECT g, repeat('x', 100) FROM generate_series(1, 50000) g")
            .await
            .unwrap();
        assert_eq!(rows.len(), 50000);
        assert_eq!(rows[49999][0].as_deref(), Some("50000"));
        let wrong_ca = with(
            &localhost,
            &[
                ("sslmode", "verify-full"),
                ("sslrootcert", &files.path("other-ca.pem")),
            ],
        );
        match sqlwright::AsyncConnection::connect_url(&wrong_ca).await {
            Err(Error::Tls { kind, .. }) => assert_eq!(kind, TlsErrorKind::UnknownIssuer),
            other => panic!("expected a TLS error, got {other:?}"),
        }
        // verify-full to an address the certificate does not name.
        let by_ip = with(&ip, &[("sslmode", "verify-full"), ("sslrootcert", &ca)]);
        match sqlwright::AsyncConnection::connect_url(&by_ip).await {
            Err(Error::Tls { kind, .. }) => assert_eq!(kind, TlsErrorKind::HostName),
            other => panic!("expected a TLS error, got {other:?}"),
        }
    });
    drop(server);
}

/// `require` and stronger never fall back to plain text: the shared cluster has no TLS.
#[test]
fn require_refuses_a_server_without_tls_and_prefer_falls_back() {
    let db = sqlwright::testing::database();
    let pki = Pki::new();
    let files = Files::new(&pki);
    let ca = files.path("ca.pem");
    for params in [
        vec![("sslmode", "require")],
        vec![("sslmode", "verify-ca"), ("sslrootcert", ca.as_str())],
        vec![("sslmode", "verify-full"), ("sslrootcert", ca.as_str())],
    ] {
        let (kind, reason) = tls_kind(Connection::connect_url(&with(db.url(), &params)));
        assert_eq!(kind, TlsErrorKind::NotOffered, "{params:?}: {reason}");
    }
    for mode in ["prefer", "allow", "disable"] {
        let mut conn = Connection::connect_url(&with(db.url(), &[("sslmode", mode)])).unwrap();
        assert!(!server_says_ssl(&mut conn), "{mode}");
    }
    // channel_binding=require on a server without TLS (and trust authentication).
    let (kind, reason) = tls_kind(Connection::connect_url(&with(
        db.url(),
        &[("channel_binding", "require")],
    )));
    assert_eq!(kind, TlsErrorKind::ChannelBinding, "{reason}");
}

/// The server's side of a TLS login up to the startup message: accepts one client,
/// answers its SSLRequest with `S`, runs the handshake and reads the startup message
/// (`None` when the client gave up first).
fn tls_startup(
    listener: &TcpListener,
    config: Arc<rustls::ServerConfig>,
) -> Option<rustls::StreamOwned<rustls::ServerConnection, std::net::TcpStream>> {
    let (mut tcp, _) = listener.accept().unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut request = [0u8; 8];
    tcp.read_exact(&mut request).unwrap();
    tcp.write_all(b"S").unwrap();
    let conn = rustls::ServerConnection::new(config).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let mut len = [0u8; 4];
    tls.read_exact(&mut len).ok()?;
    let mut startup = vec![0u8; u32::from_be_bytes(len) as usize - 4];
    tls.read_exact(&mut startup).ok()?;
    Some(tls)
}

/// A rustls server configuration for `cert_pem` and `key_pem`, and a loopback listener.
pub(crate) fn tls_listener(
    cert_pem: &str,
    key_pem: &str,
) -> (Arc<rustls::ServerConfig>, TcpListener, u16) {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let chain = vec![CertificateDer::from_pem_slice(cert_pem.as_bytes()).unwrap()];
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).unwrap();
    #[allow(deprecated)] // ring is what this workspace builds with
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (config, listener, port)
}

/// A TLS server of the test's own: answers the SSLRequest with `S`, shakes hands with
/// `cert_pem`, and returns how many bytes of plain text (a startup message, a password)
/// the client sent after the handshake, and the host name it sent (SNI).
fn fake_tls_server(
    cert_pem: &str,
    key_pem: &str,
) -> (u16, std::thread::JoinHandle<(usize, Option<String>)>) {
    let (config, listener, port) = tls_listener(cert_pem, key_pem);
    let handle = std::thread::spawn(move || {
        let (mut tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut request = [0u8; 8];
        tcp.read_exact(&mut request).unwrap();
        assert_eq!(
            request,
            [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f],
            "an SSLRequest"
        );
        tcp.write_all(b"S").unwrap();
        let mut conn = rustls::ServerConnection::new(config).unwrap();
        let mut received = 0;
        let mut buf = [0u8; 4096];
        loop {
            if conn.complete_io(&mut tcp).is_err() {
                break;
            }
            match conn.reader().read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    received += n;
                    // A startup message: enough to know the client went on.
                    break;
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(_) => break,
            }
        }
        (received, conn.server_name().map(str::to_string))
    });
    (port, handle)
}

/// A certificate that fails verification (expired, another CA, another name): a typed
/// error at the handshake, and not one byte of the session (no user name, no password)
/// reaches the server.
#[test]
fn a_certificate_that_fails_verification_gets_nothing() {
    let pki = Pki::new();
    let files = Files::new(&pki);
    let (_, issuer) = make_ca("a third CA");
    let (stranger_cert, stranger_key) = leaf(&issuer, "localhost", &["localhost"], false);
    let (ip_only_cert, ip_only_key) = {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.subject_alt_names = vec![SanType::IpAddress([127, 0, 0, 1].into())];
        let cert = params.signed_by(&key, &pki.issuer).unwrap();
        (cert.pem(), key.serialize_pem())
    };
    let ca = files.path("ca.pem");
    for (cert, key, expected) in [
        (&pki.expired_cert, &pki.expired_key, TlsErrorKind::Expired),
        (&stranger_cert, &stranger_key, TlsErrorKind::UnknownIssuer),
        (&ip_only_cert, &ip_only_key, TlsErrorKind::HostName),
    ] {
        let (port, server) = fake_tls_server(cert, key);
        let url = DatabaseUrl::parse(&format!(
            "postgres://u:PWsecret@localhost:{port}/db?sslmode=verify-full&sslrootcert={ca}\
             &connect_timeout=10"
        ))
        .unwrap();
        let (kind, reason) = tls_kind(Connection::connect_url(&url));
        assert_eq!(kind, expected, "{reason}");
        assert!(!reason.contains("PWsecret"));
        let (received, sni) = server.join().unwrap();
        assert_eq!(received, 0, "{expected:?}: bytes reached the server");
        assert_eq!(sni.as_deref(), Some("localhost"));
    }
    // The same fake does see the session when the client goes on (require checks no
    // certificate): the assertion above can fail.
    let (port, server) = fake_tls_server(&pki.expired_cert, &pki.expired_key);
    let url = DatabaseUrl::parse(&format!(
        "postgres://u:PWsecret@127.0.0.1:{port}/db?sslmode=require&connect_timeout=2"
    ))
    .unwrap();
    assert!(Connection::connect_url(&url).is_err());
    let (received, sni) = server.join().unwrap();
    assert!(received > 0);
    // No SNI for an IP address.
    assert_eq!(sni, None);
    // The IP-only certificate is right for 127.0.0.1 under verify-full.
    let (port, server) = fake_tls_server(&ip_only_cert, &ip_only_key);
    let url = DatabaseUrl::parse(&format!(
        "postgres://u@127.0.0.1:{port}/db?sslmode=verify-full&sslrootcert={ca}\
         &connect_timeout=2"
    ))
    .unwrap();
    let e = Connection::connect_url(&url).unwrap_err();
    assert!(matches!(e, Error::Connect { .. }), "{e:?}");
    assert!(server.join().unwrap().0 > 0);
    // sslsni=0: no host name in the handshake.
    let (port, server) = fake_tls_server(&pki.server_cert, &pki.server_key);
    let url = DatabaseUrl::parse(&format!(
        "postgres://u@localhost:{port}/db?sslmode=verify-full&sslrootcert={ca}&sslsni=0\
         &connect_timeout=2"
    ))
    .unwrap();
    assert!(Connection::connect_url(&url).is_err());
    let (received, sni) = server.join().unwrap();
    assert!(received > 0);
    assert_eq!(sni, None);
}

/// A TLS server of the test's own that asks for SASL with `mechanisms` and returns what
/// the client answered: the mechanism it chose and its client-first message (`None` when
/// the client hung up instead).
fn fake_scram_server(
    pki: &Pki,
    mechanisms: &'static [&'static str],
) -> (u16, std::thread::JoinHandle<Option<(String, String)>>) {
    let (config, listener, port) = tls_listener(&pki.server_cert, &pki.server_key);
    let handle = std::thread::spawn(move || {
        let mut tls = tls_startup(&listener, config)?;
        let mut body = 10i32.to_be_bytes().to_vec();
        for m in mechanisms {
            body.extend_from_slice(m.as_bytes());
            body.push(0);
        }
        body.push(0);
        let mut message = vec![b'R'];
        message.extend_from_slice(&(body.len() as u32 + 4).to_be_bytes());
        message.extend_from_slice(&body);
        tls.write_all(&message).unwrap();
        tls.flush().unwrap();
        let mut head = [0u8; 5];
        tls.read_exact(&mut head).ok()?;
        assert_eq!(head[0], b'p', "a SASLInitialResponse");
        let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
        let mut body = vec![0u8; len - 4];
        tls.read_exact(&mut body).ok()?;
        let nul = body.iter().position(|b| *b == 0)?;
        let mechanism = String::from_utf8(body[..nul].to_vec()).ok()?;
        let first = String::from_utf8_lossy(&body[nul + 5..]).into_owned();
        Some((mechanism, first))
    });
    (port, handle)
}

/// SCRAM over TLS: SCRAM-SHA-256-PLUS with the certificate's hash when the server offers
/// it; `y` (binding supported, not offered) when it does not; `channel_binding=require`
/// hangs up rather than log in without it.
#[test]
fn scram_binds_to_the_tls_channel_when_offered() {
    let pki = Pki::new();
    let files = Files::new(&pki);
    let ca = files.path("ca.pem");
    let url = |port: u16, binding: &str| {
        DatabaseUrl::parse(&format!(
            "postgres://u:PWsecret@localhost:{port}/db?sslmode=verify-full&sslrootcert={ca}\
             &channel_binding={binding}&connect_timeout=2"
        ))
        .unwrap()
    };
    let both: &[&str] = &["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"];
    let plain: &[&str] = &["SCRAM-SHA-256"];
    for (offered, binding, expected) in [
        (
            both,
            "prefer",
            Some(("SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,")),
        ),
        (
            both,
            "require",
            Some(("SCRAM-SHA-256-PLUS", "p=tls-server-end-point,,")),
        ),
        (both, "disable", Some(("SCRAM-SHA-256", "n,,"))),
        (plain, "prefer", Some(("SCRAM-SHA-256", "y,,"))),
        (plain, "require", None),
    ] {
        let (port, server) = fake_scram_server(&pki, offered);
        let result = Connection::connect_url(&url(port, binding));
        let answered = server.join().unwrap();
        match expected {
            Some((mechanism, header)) => {
                // The fake stops after the first SASL message: the connect then fails.
                assert!(result.is_err());
                let (chosen, first) = answered.expect("a SASLInitialResponse");
                assert_eq!(chosen, mechanism, "{offered:?} {binding}");
                assert!(first.starts_with(header), "{binding}: {first}");
            }
            None => {
                let (kind, reason) = tls_kind(result);
                assert_eq!(kind, TlsErrorKind::ChannelBinding, "{reason}");
                assert_eq!(answered, None, "nothing was sent for the password");
            }
        }
    }
}

/// A TLS server that asks for the password in clear text and returns what came back.
fn fake_cleartext_server(pki: &Pki) -> (u16, std::thread::JoinHandle<Option<Vec<u8>>>) {
    let (config, listener, port) = tls_listener(&pki.server_cert, &pki.server_key);
    let handle = std::thread::spawn(move || {
        let mut tls = tls_startup(&listener, config)?;
        tls.write_all(b"R\0\0\0\x08\0\0\0\x03").unwrap();
        tls.flush().unwrap();
        let mut head = [0u8; 5];
        tls.read_exact(&mut head).ok()?;
        let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
        let mut body = vec![0u8; len - 4];
        tls.read_exact(&mut body).ok()?;
        Some(body)
    });
    (port, handle)
}

/// Over a verified TLS channel the cleartext password crosses no network in clear text:
/// it is sent when `require_auth` allows `password` (as by default), as libpq does.
#[test]
fn a_cleartext_password_goes_over_tls() {
    let pki = Pki::new();
    let files = Files::new(&pki);
    let ca = files.path("ca.pem");
    let (port, server) = fake_cleartext_server(&pki);
    let url = DatabaseUrl::parse(&format!(
        "postgres://u:PWsecret@localhost:{port}/db?sslmode=verify-full&sslrootcert={ca}\
         &channel_binding=disable&connect_timeout=2"
    ))
    .unwrap();
    // The fake stops after the password: the connect then fails, but the password went.
    let result = Connection::connect_url(&url);
    assert!(result.is_err());
    assert_eq!(server.join().unwrap().as_deref(), Some(&b"PWsecret\0"[..]));
}
