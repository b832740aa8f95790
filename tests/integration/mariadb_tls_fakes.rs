//! TLS to MySQL against servers of the test's own on loopback: one that offers TLS and
//! then answers the SSLRequest with garbage, or with silence; one whose greeting lacks
//! `CLIENT_SSL` under `ssl-mode=REQUIRED` (it must never see the login); and one speaking
//! `caching_sha2_password`, which asks for full authentication: the password goes in clear
//! over TLS, and is refused without TLS.

use crate::tls::{tls_listener, Pki};
use sqlwright::engine::TlsErrorKind;
use sqlwright::{Connection, Error, Mysql};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const CLIENT_SSL: u32 = 0x800;

fn frame(seq: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = (payload.len() as u32).to_le_bytes().to_vec();
    f[3] = seq;
    f.extend_from_slice(payload);
    f
}

/// A MariaDB-like greeting: protocol 4.1, secure connection, plugins, and `CLIENT_SSL`
/// when `tls`; the plugin `plugin`.
fn greeting(tls: bool, plugin: &str) -> Vec<u8> {
    // LONG_PASSWORD | LONG_FLAG | PROTOCOL_41 | TRANSACTIONS | SECURE_CONNECTION
    let mut caps: u32 = 0x0001 | 0x0004 | 0x0200 | 0x2000 | 0x8000;
    // MULTI_STATEMENTS | MULTI_RESULTS | PS_MULTI_RESULTS | PLUGIN_AUTH
    caps |= 0x000F_0000;
    if tls {
        caps |= CLIENT_SSL;
    }
    let mut g = vec![10];
    g.extend_from_slice(b"5.5.5-10.11.0-fake\0");
    g.extend_from_slice(&7u32.to_le_bytes());
    g.extend_from_slice(b"abcdefgh\0");
    g.extend_from_slice(&(caps as u16).to_le_bytes());
    g.push(45);
    g.extend_from_slice(&2u16.to_le_bytes());
    g.extend_from_slice(&((caps >> 16) as u16).to_le_bytes());
    g.push(21);
    g.extend_from_slice(&[0; 10]);
    g.extend_from_slice(b"ijklmnopqrst\0");
    g.extend_from_slice(plugin.as_bytes());
    g.push(0);
    g
}

const OK: &[u8] = &[0, 0, 0, 2, 0, 0, 0];

/// One packet (its sequence id and payload), or `None` at EOF or after 10 s.
fn read_packet(s: &mut impl Read) -> Option<(u8, Vec<u8>)> {
    let mut h = [0u8; 4];
    s.read_exact(&mut h).ok()?;
    let len = u32::from_le_bytes([h[0], h[1], h[2], 0]) as usize;
    let mut p = vec![0; len];
    s.read_exact(&mut p).ok()?;
    Some((h[3], p))
}

/// Everything the client sends until it closes (or 10 s pass).
fn drain(s: &mut TcpStream) -> Vec<u8> {
    let mut all = Vec::new();
    let _ = s.read_to_end(&mut all);
    all
}

fn listen() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

fn accept(listener: &TcpListener) -> TcpStream {
    let (s, _) = listener.accept().unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

fn url(port: u16, host: &str, options: &str) -> String {
    format!("mysql://u:s3cret@{host}:{port}/?connect_timeout=2&{options}")
}

/// Reads the SSLRequest: 32 bytes, sequence id 1, `CLIENT_SSL` among the capabilities.
fn expect_ssl_request(s: &mut TcpStream) {
    let (seq, request) = read_packet(s).expect("an SSLRequest");
    assert_eq!((seq, request.len()), (1, 32), "{request:?}");
    let caps = u32::from_le_bytes(request[..4].try_into().unwrap());
    assert_ne!(caps & CLIENT_SSL, 0);
}

/// A server that offers TLS, takes the SSLRequest, then answers with `answer` (or nothing)
/// and stays until the client leaves.
fn broken_tls_server(answer: &'static [u8]) -> (u16, JoinHandle<()>) {
    let (listener, port) = listen();
    let handle = std::thread::spawn(move || {
        let mut s = accept(&listener);
        s.write_all(&frame(0, &greeting(true, "mysql_native_password")))
            .unwrap();
        expect_ssl_request(&mut s);
        let _ = s.write_all(answer);
        drain(&mut s);
    });
    (port, handle)
}

#[test]
fn garbage_or_silence_instead_of_a_tls_handshake_is_a_typed_error() {
    let garbage: &[u8] = b"HTTP/1.1 400 Bad Request\r\n\r\n\x00\xff\x16\x03\x03\xff\xff junk";
    let (port, server) = broken_tls_server(garbage);
    let started = Instant::now();
    let result = Connection::<Mysql>::open(&url(port, "127.0.0.1", "ssl-mode=REQUIRED"));
    match result {
        Err(Error::Tls { kind, reason, .. }) => {
            assert_eq!(kind, TlsErrorKind::Handshake, "{reason}")
        }
        other => panic!(
            "expected a TLS handshake error, got {:?}",
            other.map(|_| ())
        ),
    }
    server.join().unwrap();
    // Silence: the handshake waits out connect_timeout (2 s), no longer.
    let (port, server) = broken_tls_server(b"");
    let result = Connection::<Mysql>::open(&url(port, "127.0.0.1", "ssl-mode=REQUIRED"));
    match result {
        Err(Error::Connect { reason, .. }) => {
            assert!(reason.contains("timed out"), "{reason}")
        }
        other => panic!("expected a timeout, got {:?}", other.map(|_| ())),
    }
    server.join().unwrap();
    // A bound, not a speed: both gave up within their connect_timeouts and some slack.
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// A server without `CLIENT_SSL`: returns what the client sent after the greeting, and
/// answers a login with OK (then the init batch with OK) if one comes.
fn plain_server() -> (u16, JoinHandle<Vec<u8>>) {
    let (listener, port) = listen();
    let handle = std::thread::spawn(move || {
        let mut s = accept(&listener);
        s.write_all(&frame(0, &greeting(false, "mysql_native_password")))
            .unwrap();
        let Some((_, login)) = read_packet(&mut s) else {
            return Vec::new();
        };
        s.write_all(&frame(2, OK)).unwrap();
        if read_packet(&mut s).is_some() {
            s.write_all(&frame(1, OK)).unwrap();
        }
        drain(&mut s);
        login
    });
    (port, handle)
}

#[test]
fn a_server_without_client_ssl_never_sees_the_login_under_required() {
    for options in [
        "ssl-mode=REQUIRED",
        "ssl-mode=VERIFY_CA&ssl-ca=%2Fnonexistent%2Fca.pem",
    ] {
        let (port, server) = plain_server();
        let result = Connection::<Mysql>::open(&url(port, "127.0.0.1", options));
        match result {
            Err(Error::Tls { kind, reason, .. }) => {
                assert_eq!(kind, TlsErrorKind::NotOffered, "{reason}");
                assert!(reason.contains("ssl-mode="), "{reason}");
            }
            other => panic!(
                "{options}: expected NotOffered, got {:?}",
                other.map(|_| ())
            ),
        }
        // Not one byte: no handshake response, no user name, no scramble.
        assert_eq!(server.join().unwrap(), Vec::<u8>::new(), "{options}");
    }
    // PREFERRED goes on in plain text: the login reaches the server.
    let (port, server) = plain_server();
    let conn = Connection::<Mysql>::open(&url(port, "127.0.0.1", "ssl-mode=PREFERRED")).unwrap();
    drop(conn);
    let login = server.join().unwrap();
    let caps = u32::from_le_bytes(login[..4].try_into().unwrap());
    assert_eq!(caps & CLIENT_SSL, 0);
    assert!(login.windows(2).any(|w| w == b"u\0"), "{login:?}");
}

/// A `caching_sha2_password` server that asks for full authentication (`0x01 0x04`) after
/// the scramble. With TLS (`Some(config)`) it returns the bytes the client sent then; in
/// plain text, whatever came after the scramble (nothing, if the client refused).
fn full_auth_server(tls: Option<Arc<rustls::ServerConfig>>) -> (u16, JoinHandle<Vec<u8>>) {
    let (listener, port) = listen();
    let handle = std::thread::spawn(move || {
        let mut tcp = accept(&listener);
        tcp.write_all(&frame(0, &greeting(tls.is_some(), "caching_sha2_password")))
            .unwrap();
        let Some(config) = tls else {
            let (seq, login) = read_packet(&mut tcp).expect("a login");
            assert_eq!(seq, 1);
            assert!(login.windows(21).any(|w| w == b"caching_sha2_password"));
            tcp.write_all(&frame(2, &[1, 4])).unwrap();
            return drain(&mut tcp);
        };
        expect_ssl_request(&mut tcp);
        let conn = rustls::ServerConnection::new(config).unwrap();
        let mut s = rustls::StreamOwned::new(conn, tcp);
        // The full handshake response over TLS, with the next sequence id.
        let (seq, login) = read_packet(&mut s).expect("a login over TLS");
        assert_eq!(seq, 2);
        let caps = u32::from_le_bytes(login[..4].try_into().unwrap());
        assert_ne!(caps & CLIENT_SSL, 0);
        s.write_all(&frame(3, &[1, 4])).unwrap();
        let (seq, password) = read_packet(&mut s).expect("the password");
        assert_eq!(seq, 4);
        s.write_all(&frame(5, OK)).unwrap();
        // The session's init batch, then COM_QUIT.
        let (seq, _) = read_packet(&mut s).expect("the init batch");
        assert_eq!(seq, 0);
        s.write_all(&frame(1, OK)).unwrap();
        let _ = read_packet(&mut s);
        password
    });
    (port, handle)
}

#[test]
fn caching_sha2_full_authentication_sends_the_password_only_over_tls() {
    let pki = Pki::new();
    let (config, listener, _) = tls_listener(&pki.server_cert, &pki.server_key);
    drop(listener);
    let (port, server) = full_auth_server(Some(config));
    let conn = Connection::<Mysql>::open(&url(port, "localhost", "ssl-mode=REQUIRED")).unwrap();
    drop(conn);
    assert_eq!(server.join().unwrap(), b"s3cret\0");

    // Without TLS the client refuses, saying to use TLS, and sends nothing more.
    let (port, server) = full_auth_server(None);
    let result = Connection::<Mysql>::open(&url(port, "127.0.0.1", "ssl-mode=PREFERRED"));
    match result {
        Err(Error::Connect { reason, .. }) => assert!(reason.contains("use TLS"), "{reason}"),
        other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
    }
    assert_eq!(server.join().unwrap(), Vec::<u8>::new());
}
