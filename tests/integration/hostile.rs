//! A server that misbehaves — stops answering, trickles, lies about lengths and types,
//! asks for a password in clear text, fakes SCRAM — meets a typed error, bounded in time
//! and memory, never a hang, an abort or a password sent. The server is a fake one on
//! loopback (tests/integration/fake.rs).

use super::fake::{FakeServer, Peer};
use sqlwright::{raw, Connection, Error};
use std::time::{Duration, Instant};

/// Connects to the fake server with `params` on the URL.
fn connect(server: &FakeServer, params: &str) -> Result<Connection, Error> {
    Connection::connect(&server.url(params))
}

#[test]
fn a_server_that_stops_answering_is_a_timeout_that_closes_the_connection() {
    let server = FakeServer::start(|mut peer| {
        peer.login();
        // Takes the request and never answers.
        peer.request();
        peer.until_closed();
    });
    let mut conn = connect(&server, "").unwrap();
    conn.set_request_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let started = Instant::now();
    let err = conn.batch_execute("SELECT 1").unwrap_err();
    let waited = started.elapsed();
    assert!(
        matches!(&err, Error::Timeout { waited, .. } if *waited == Duration::from_millis(300)),
        "{err:?}"
    );
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    assert!(err.to_string().contains("timed out after 300ms"), "{err}");
    assert!(conn.is_closed());
    // The next call says why the connection is closed.
    let next = conn.batch_execute("SELECT 1").unwrap_err();
    assert!(next.to_string().contains("timed out"), "{next}");
    drop(conn);
    assert!(server.join());
}

#[test]
fn an_engine_with_a_statement_timeout_never_waits_much_longer_than_it() {
    let server = FakeServer::start(|mut peer| {
        peer.login();
        peer.request();
        peer.until_closed();
    });
    let engine = sqlwright::Engine::builder(&server.url(""))
        .statement_timeout(Duration::from_millis(500))
        .pre_ping(false)
        .build()
        .unwrap();
    let mut conn = engine.connect().unwrap();
    assert_eq!(
        conn.request_timeout(),
        Some(Duration::from_millis(500) + sqlwright::engine::REQUEST_TIMEOUT_GRACE)
    );
    let started = Instant::now();
    let err = conn.batch_execute("SELECT pg_sleep(100)").unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    drop(conn);
    // The timed-out connection is not pooled.
    assert_eq!(engine.state().idle, 0);
    assert!(server.join());
}

#[test]
fn connect_timeout_bounds_the_whole_login_not_each_read() {
    let server = FakeServer::start(|mut peer| {
        peer.startup();
        // AuthenticationOk, a byte at a time, each well within the timeout.
        for byte in b"R\0\0\0\x08\0\0\0\0S\0\0\0\x16DateStyle\0ISO, MDY\0" {
            peer.send_raw(&[*byte]);
            std::thread::sleep(Duration::from_millis(150));
        }
        peer.until_closed();
    });
    let started = Instant::now();
    let err = connect(&server, "connect_timeout=1").unwrap_err();
    let waited = started.elapsed();
    assert!(waited < Duration::from_millis(2500), "waited {waited:?}");
    match &err {
        Error::Connect { reason, .. } => {
            assert!(reason.contains("timed out after 1s"), "{reason}");
            assert!(reason.contains("login"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(server.join());
}

#[test]
fn a_message_announcing_gigabytes_is_refused_before_it_is_buffered() {
    let server = FakeServer::start(|mut peer| {
        peer.login();
        peer.request();
        // A NoticeResponse header announcing 4 GiB, and a few bytes of it.
        peer.send_raw(b"N\xff\xff\xff\xffSWARNING\0");
        peer.until_closed();
    });
    let mut conn = connect(&server, "").unwrap();
    let started = Instant::now();
    let err = conn.batch_execute("SELECT 1").unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    match err {
        Error::MessageTooLarge { size, limit } => {
            assert_eq!(size, u64::from(u32::MAX));
            assert_eq!(limit, sqlwright::engine::DEFAULT_MAX_MESSAGE_SIZE as u64);
        }
        other => panic!("{other:?}"),
    }
    assert!(conn.is_closed());
    drop(conn);
    assert!(server.join());
}

#[test]
fn the_message_size_limit_is_configurable() {
    let server = FakeServer::start(|mut peer| {
        peer.login();
        peer.request();
        // A 2 MiB notice: legal, but over a 1 MiB limit.
        let mut body = b"SNOTICE\0M".to_vec();
        body.extend(std::iter::repeat_n(b'x', 2 << 20));
        body.extend_from_slice(b"\0\0");
        peer.send(b'N', &body);
        peer.until_closed();
    });
    let mut conn = connect(&server, "").unwrap();
    conn.set_max_message_size(1 << 20);
    let err = conn.batch_execute("SELECT 1").unwrap_err();
    assert!(
        matches!(err, Error::MessageTooLarge { limit, .. } if limit == 1 << 20),
        "{err:?}"
    );
    drop(conn);
    assert!(server.join());
}

#[test]
fn a_value_length_below_minus_one_is_a_protocol_error() {
    let server = FakeServer::start(|mut peer| {
        peer.login();
        peer.answer_query(&[("n", 23)], |peer| {
            peer.data_row(&[(-2, b"")]);
            peer.send(b'C', b"SELECT 1\0");
            peer.ready();
        });
        peer.until_closed();
    });
    let mut conn = connect(&server, "").unwrap();
    let err = raw::sql("SELECT n").load(&mut conn).unwrap_err();
    assert!(
        matches!(&err, Error::ConnectionLost(m) if m.contains("length -2")),
        "{err:?}"
    );
    drop(conn);
    assert!(server.join());
}

/// A server that answers every catalog lookup of a type with "an array of" another
/// unknown type, in a cycle.
fn cyclic_catalog(mut peer: Peer) {
    peer.login();
    // The statement's result column has an unknown type, 90001.
    peer.request();
    peer.describe(&[("x", 90001)]);
    let mut next = 90002u32;
    while let Some(request) = peer.request() {
        let text = String::from_utf8_lossy(&request[0].1).into_owned();
        if !text.contains("pg_type") {
            break;
        }
        peer.send(b'1', &[]);
        peer.send(b'2', &[]);
        let elem = next.to_be_bytes();
        next = if next == 90001 { 90002 } else { 90001 };
        peer.data_row(&[(4, b"loop"), (6, b"public"), (4, &elem)]);
        peer.send(b'C', b"SELECT 1\0");
        peer.ready();
    }
    peer.until_closed();
}

#[test]
fn a_cycle_of_array_types_in_the_catalog_is_an_error_not_a_stack_overflow() {
    let server = FakeServer::start(cyclic_catalog);
    let mut conn = connect(&server, "").unwrap();
    let err = raw::sql("SELECT x").load(&mut conn).unwrap_err();
    assert!(
        matches!(&err, Error::ConnectionLost(m) if m.contains("nest deeper")),
        "{err:?}"
    );
    drop(conn);
    assert!(server.join());
}

#[test]
fn a_fatal_error_before_the_server_closes_is_the_reason_given() {
    let server = FakeServer::start(|mut peer| {
        peer.login();
        peer.request();
        peer.error(&[
            (b'S', "FATAL"),
            (b'V', "FATAL"),
            (b'C', "57P01"),
            (b'M', "terminating connection due to administrator command"),
        ]);
        // Closes without ReadyForQuery, as a terminated backend does.
    });
    let mut conn = connect(&server, "").unwrap();
    let err = conn.batch_execute("SELECT 1").unwrap_err();
    assert!(err.is_connection_lost(), "{err:?}");
    assert!(
        err.to_string()
            .contains("terminating connection due to administrator command"),
        "{err}"
    );
    assert!(server.join());
}

#[test]
fn an_error_without_code_or_message_reads_plainly() {
    let server = FakeServer::start(|mut peer| {
        peer.login();
        peer.request();
        peer.error(&[]);
        peer.ready();
        peer.until_closed();
    });
    let mut conn = connect(&server, "").unwrap();
    let err = conn.batch_execute("SELECT 1").unwrap_err();
    let text = err.to_string();
    assert!(!text.contains("(SQLSTATE )"), "{text}");
    assert!(text.contains("without a message"), "{text}");
    // The connection is still in step.
    assert!(!conn.is_closed());
    drop(conn);
    assert!(server.join());
}

/// A server asking for `request` (an authentication request body) and recording whether
/// the client answered with a password message.
fn asks_for(request: &'static [u8]) -> (FakeServer, std::sync::mpsc::Receiver<Option<Vec<u8>>>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let server = FakeServer::start(move |mut peer| {
        peer.startup();
        peer.send(b'R', request);
        let answer = peer.read().map(|(_, body)| body);
        let _ = tx.send(answer);
    });
    (server, rx)
}

#[test]
fn the_password_is_never_sent_in_clear_text_over_tcp_by_default() {
    let (server, answered) = asks_for(b"\0\0\0\x03");
    let err = connect(&server, "").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("clear text"), "{text}");
    assert!(text.contains("require_auth=password"), "{text}");
    let got = answered.recv_timeout(Duration::from_secs(20)).unwrap();
    assert!(
        got.is_none_or(|body| !body.windows(6).any(|w| w == b"secret")),
        "the password reached the server"
    );
    assert!(server.join());
}

/// The client's first SCRAM message and the nonce in it.
fn client_first(peer: &mut Peer) -> String {
    let (tag, body) = peer.read().expect("SASLInitialResponse");
    assert_eq!(tag, b'p');
    let text = String::from_utf8_lossy(&body).into_owned();
    // Everything after `,r=` (a nonce has no comma, but may itself hold `r=`).
    let (_, nonce) = text.split_once(",r=").expect("a nonce");
    nonce.trim_end_matches('\0').to_string()
}

/// A fake SCRAM server that does not know the password: it sends `final_message` (a
/// server-final message, or nothing) and then AuthenticationOk.
fn fake_scram(final_message: Option<&'static str>) -> FakeServer {
    FakeServer::start(move |mut peer| {
        peer.startup();
        let mut sasl = 10i32.to_be_bytes().to_vec();
        sasl.extend_from_slice(b"SCRAM-SHA-256\0\0");
        peer.send(b'R', &sasl);
        let nonce = client_first(&mut peer);
        let mut cont = 11i32.to_be_bytes().to_vec();
        cont.extend_from_slice(format!("r={nonce}srv,s=c2FsdHNhbHQ=,i=4096").as_bytes());
        peer.send(b'R', &cont);
        if peer.read().is_none() {
            return;
        }
        if let Some(m) = final_message {
            let mut fin = 12i32.to_be_bytes().to_vec();
            fin.extend_from_slice(m.as_bytes());
            peer.send(b'R', &fin);
        }
        peer.send(b'R', &0i32.to_be_bytes());
        peer.ready();
        peer.until_closed();
    })
}

#[test]
fn a_scram_server_that_skips_its_proof_is_refused() {
    let server = fake_scram(None);
    let err = connect(&server, "").unwrap_err();
    assert!(err.to_string().contains("without proving"), "{err}");
    assert!(server.join());
}

#[test]
fn a_scram_server_with_a_wrong_proof_is_refused() {
    let server = fake_scram(Some("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
    let err = connect(&server, "").unwrap_err();
    assert!(err.to_string().contains("does not verify"), "{err}");
    assert!(server.join());
}

#[test]
fn ready_before_authentication_is_a_protocol_error() {
    let server = FakeServer::start(|mut peer| {
        peer.startup();
        peer.ready();
        peer.until_closed();
    });
    let err = connect(&server, "").unwrap_err();
    assert!(err.to_string().contains("before authentication"), "{err}");
    assert!(server.join());
}

#[test]
fn require_auth_allows_the_cleartext_password_when_asked_for_and_refuses_other_methods() {
    // Allowed explicitly: the password goes, and the login completes.
    let (tx, rx) = std::sync::mpsc::channel();
    let server = FakeServer::start(move |mut peer| {
        peer.startup();
        peer.send(b'R', &3i32.to_be_bytes());
        let _ = tx.send(peer.read().map(|(_, body)| body));
        peer.send(b'R', &0i32.to_be_bytes());
        peer.ready();
        peer.until_closed();
    });
    let conn = connect(&server, "require_auth=password").unwrap();
    let sent = rx.recv_timeout(Duration::from_secs(20)).unwrap().unwrap();
    assert_eq!(sent, b"secret\0");
    drop(conn);
    assert!(server.join());

    // SCRAM only: a server asking for an MD5 hash gets nothing.
    let (server, answered) = asks_for(b"\0\0\0\x05salt");
    let err = connect(&server, "require_auth=scram-sha-256").unwrap_err();
    assert!(err.to_string().contains("MD5"), "{err}");
    assert!(answered
        .recv_timeout(Duration::from_secs(20))
        .unwrap()
        .is_none());
    assert!(server.join());

    // A password method required: a server that lets anyone in is refused.
    let server = FakeServer::start(|mut peer| {
        peer.login();
        peer.until_closed();
    });
    let err = connect(&server, "require_auth=scram-sha-256").unwrap_err();
    assert!(err.to_string().contains("no authentication"), "{err}");
    assert!(server.join());

    // Excluding a method: `!md5` refuses it, other methods still work.
    let (server, _answered) = asks_for(b"\0\0\0\x05salt");
    let err = connect(&server, "require_auth=!md5").unwrap_err();
    assert!(err.to_string().contains("MD5"), "{err}");
    assert!(server.join());
}

sqlwright::table! {
    boxes (id) {
        id -> Int4,
        sizes -> Array<Int4>,
    }
}

/// An int4[] value whose header claims `count` elements but carries one.
fn lying_array(count: i32) -> Vec<u8> {
    let mut out = Vec::new();
    for word in [1, 0, 23, count, 1, 4, 7] {
        out.extend_from_slice(&word.to_be_bytes());
    }
    out
}

/// A server answering one query with a row whose int4[] column claims 2^31-1 elements.
fn lying_about_an_array() -> FakeServer {
    FakeServer::start(|mut peer| {
        peer.login();
        peer.answer_query(&[("sizes", 1007)], |peer| {
            let value = lying_array(i32::MAX);
            peer.data_row(&[(value.len() as i32, &value)]);
            peer.send(b'C', b"SELECT 1\0");
            peer.ready();
        });
        peer.until_closed();
    })
}

#[test]
fn an_array_header_claiming_billions_of_elements_is_a_decode_error() {
    use sqlwright::prelude::*;
    // Typed: the select list's decoder.
    let server = lying_about_an_array();
    let mut conn = connect(&server, "").unwrap();
    let err = boxes::table
        .select(boxes::sizes)
        .load(&mut conn)
        .unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    assert!(!conn.is_closed(), "the connection stays in step");
    drop(conn);
    assert!(server.join());

    // Raw rows decode through postgres-types, behind the same bounds.
    let server = lying_about_an_array();
    let mut conn = connect(&server, "").unwrap();
    let rows = raw::sql("SELECT sizes FROM boxes").load(&mut conn).unwrap();
    let err = rows[0].get::<Vec<i32>>("sizes").unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    drop(conn);
    assert!(server.join());
}
