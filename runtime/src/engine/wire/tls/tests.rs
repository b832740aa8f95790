//! TLS unit tests: requests on a new socket, DER walking, channel-binding hashes.

use super::*;
use std::net::TcpListener;

/// A server without TLS: answers an SSLRequest `N`, then returns the next 16 bytes
/// (a CancelRequest) and closes.
fn plain_server() -> (u16, std::thread::JoinHandle<(bool, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut first = [0u8; 8];
        if s.read_exact(&mut first).is_err() {
            return (false, Vec::new());
        }
        let asked = first == SSL_REQUEST;
        let mut rest = Vec::new();
        if asked {
            s.write_all(b"N").unwrap();
        } else {
            rest.extend_from_slice(&first);
        }
        let mut buf = [0u8; 16];
        while rest.len() < 16 {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => rest.extend_from_slice(&buf[..n]),
            }
        }
        (asked, rest)
    });
    (port, handle)
}

fn config(port: u16, mode: SslMode) -> Config {
    Config {
        tls: TlsSettings::new(mode),
        ..Config::for_test(port)
    }
}

#[test]
fn a_request_on_a_new_socket_follows_the_sessions_tls_settings() {
    let cancel: Vec<u8> = [0, 0, 0, 16, 0x04, 0xd2, 0x16, 0x2e, 0, 0, 0, 7, 0, 0, 0, 9].into();
    let deadline = || Instant::now() + Duration::from_secs(5);
    // disable: no SSLRequest, the message as it is.
    let (port, server) = plain_server();
    let mut s = open_like_session(&config(port, SslMode::Disable), deadline()).unwrap();
    s.write_all(&cancel).unwrap();
    drop(s);
    assert_eq!(server.join().unwrap(), (false, cancel.clone()));
    // prefer: TLS asked for, refused, the message in plain text.
    let (port, server) = plain_server();
    let mut s = open_like_session(&config(port, SslMode::Prefer), deadline()).unwrap();
    s.write_all(&cancel).unwrap();
    drop(s);
    assert_eq!(server.join().unwrap(), (true, cancel.clone()));
    // require: refused by the server, so nothing is sent in plain text.
    let (port, server) = plain_server();
    let e = open_like_session(&config(port, SslMode::Require), deadline());
    assert!(matches!(
        e,
        Err(ConnectFail::Tls {
            kind: TlsErrorKind::NotOffered,
            ..
        })
    ));
    assert_eq!(server.join().unwrap(), (true, Vec::new()));
}

#[test]
fn der_items_are_bounded_by_the_data() {
    assert_eq!(
        der_item(&[0x06, 2, 1, 2, 9]),
        Some((6, &[1u8, 2][..], &[9u8][..]))
    );
    assert_eq!(
        der_item(&[0x30, 0x81, 3, 1, 2, 3]).map(|i| i.1.len()),
        Some(3)
    );
    // Lengths past the end, or absurdly long length fields, are refused, not panics.
    assert_eq!(der_item(&[0x30, 5, 1]), None);
    assert_eq!(der_item(&[0x30, 0x85, 1, 1, 1, 1, 1]), None);
    assert_eq!(der_item(&[0x30, 0x82, 0xff]), None);
    assert_eq!(der_item(&[]), None);
    assert_eq!(signature_oid(&[0x30, 0]), None);
}

#[test]
fn end_point_hash_follows_the_signature_algorithm() {
    // SEQUENCE { SEQUENCE {} (tbs), SEQUENCE { OID ecdsa-with-SHA384 }, BIT STRING }
    let oid = [42u8, 134, 72, 206, 61, 4, 3, 3];
    let mut alg = vec![0x06, oid.len() as u8];
    alg.extend_from_slice(&oid);
    let mut body = vec![0x30, 0];
    body.push(0x30);
    body.push(alg.len() as u8);
    body.extend_from_slice(&alg);
    body.extend_from_slice(&[0x03, 1, 0]);
    let mut cert = vec![0x30, body.len() as u8];
    cert.extend_from_slice(&body);
    let hash = server_end_point(&cert).unwrap();
    assert_eq!(hash.len(), 48);
    assert_eq!(
        hash,
        ring::digest::digest(&ring::digest::SHA384, &cert).as_ref()
    );
    // Ed25519 (1.3.101.112): no hash to use.
    let mut ed = cert.clone();
    let at = ed.windows(oid.len()).position(|w| w == oid).unwrap();
    ed.splice(at - 2..at + oid.len(), [0x06, 3, 43, 101, 112]);
    ed[1] -= 5;
    ed[5] -= 5;
    assert_eq!(server_end_point(&ed), None);
}
