//! The client against fake servers on loopback that send truncated, oversized, out of
//! order or garbage packets (each must be a typed error: no panic, no hang), and against
//! the real MariaDB that `sqlwright::testing` starts.

use super::packet::{Packets, Stream, MAX_CHUNK};
use super::*;
use crate::engine::wire::now;
use crate::engine::Error;
use mysql_common::value::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

fn frame(seq: u8, payload: &[u8]) -> Vec<u8> {
    let mut f = (payload.len() as u32).to_le_bytes().to_vec();
    f[3] = seq;
    f.extend_from_slice(payload);
    f
}

fn greeting() -> Vec<u8> {
    let mut g = vec![10];
    g.extend_from_slice(b"5.5.5-10.11.0-fake\0");
    g.extend_from_slice(&7u32.to_le_bytes());
    g.extend_from_slice(b"abcdefgh\0");
    // PROTOCOL_41 | SECURE_CONNECTION | TRANSACTIONS | LONG_PASSWORD | LONG_FLAG
    g.extend_from_slice(&0xA205u16.to_le_bytes());
    g.push(45);
    g.extend_from_slice(&2u16.to_le_bytes());
    // PLUGIN_AUTH | MULTI_STATEMENTS | MULTI_RESULTS | PS_MULTI_RESULTS
    g.extend_from_slice(&0x000Fu16.to_le_bytes());
    g.push(21);
    g.extend_from_slice(&[0; 10]);
    g.extend_from_slice(b"ijklmnopqrst\0");
    g.extend_from_slice(b"mysql_native_password\0");
    g
}

const OK: &[u8] = &[0, 0, 0, 2, 0, 0, 0];

/// Reads one packet from the client.
fn read_packet(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut h = [0u8; 4];
    s.read_exact(&mut h).ok()?;
    let len = u32::from_le_bytes([h[0], h[1], h[2], 0]) as usize;
    let mut p = vec![0; len];
    s.read_exact(&mut p).ok()?;
    Some(p)
}

/// A fake server: greets and logs the client in, then answers its first command with
/// `answer` (raw bytes, framing included) and closes (or stays silent when `hold`).
fn fake(answer: Vec<u8>, hold: bool) -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = s.write_all(&frame(0, &greeting()));
        if read_packet(&mut s).is_none() {
            return;
        }
        let _ = s.write_all(&frame(2, OK));
        if read_packet(&mut s).is_none() {
            return;
        }
        let _ = s.write_all(&answer);
        if hold {
            // Silent until the client gives up and closes.
            let _ = read_packet(&mut s);
        }
    });
    (port, handle)
}

/// `ssl-mode=PREFERRED`, the default (the fakes here offer no TLS).
fn plain() -> &'static crate::engine::wire::TlsSettings {
    static PLAIN: std::sync::OnceLock<crate::engine::wire::TlsSettings> =
        std::sync::OnceLock::new();
    PLAIN.get_or_init(crate::engine::wire::TlsSettings::default)
}

fn options(port: u16) -> ConnectOptions<'static> {
    ConnectOptions {
        host: "127.0.0.1",
        port,
        user: "u",
        password: Some("p"),
        database: None,
        connect_timeout: Duration::from_secs(5),
        read_timeout: Some(Duration::from_secs(2)),
        write_timeout: Some(Duration::from_secs(2)),
        init: "",
        tls: plain(),
        kind: crate::engine::wire::SocketKind::Blocking,
    }
}

/// The error the client gets when the fake answers a prepare with `answer`.
fn prepare_against(answer: Vec<u8>) -> (Error, bool) {
    let (port, handle) = fake(answer, false);
    let mut client = now(Client::connect(&options(port))).expect("the fake logs in");
    let e = now(client.prepare("SELECT 1")).expect_err("the answer is broken");
    let closed = client.is_closed();
    drop(client);
    handle.join().unwrap();
    (e, closed)
}

#[test]
fn broken_answers_are_typed_errors_and_close_the_connection() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("nothing", Vec::new()),
        ("a truncated header", vec![5, 0]),
        ("a truncated payload", vec![20, 0, 0, 1, 0, 1, 2]),
        (
            "a packet out of sequence",
            frame(7, &[0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        ),
        ("a short prepare answer", frame(1, &[0, 1, 0])),
        ("an empty packet", frame(1, &[])),
        (
            "a 16 MiB packet announced, not sent",
            vec![0xFF, 0xFF, 0xFF, 1, 0],
        ),
        (
            // One column announced, its definition's name longer than the packet.
            "a column definition past its end",
            [
                frame(1, &[0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
                frame(2, &[3, b'd', b'e', b'f', 0, 0, 0, 0xFC, 0xFF, 0xFF]),
            ]
            .concat(),
        ),
    ];
    for (what, answer) in cases {
        let (e, closed) = prepare_against(answer);
        assert!(matches!(e, Error::ConnectionLost(_)), "{what}: {e:?}");
        assert!(closed, "{what}: the connection stays closed");
    }
}

#[test]
fn a_server_error_keeps_the_connection() {
    let mut err = vec![0xFF];
    err.extend_from_slice(&1146u16.to_le_bytes());
    err.extend_from_slice(b"#42S02Table 'x' doesn't exist");
    let (e, closed) = prepare_against(frame(1, &err));
    match e {
        Error::Database(db) => {
            assert_eq!(db.code, "42P01");
            assert!(db.message.contains("doesn't exist"));
        }
        other => panic!("{other:?}"),
    }
    assert!(!closed);
}

#[test]
fn garbage_is_never_a_panic() {
    // A fixed pseudo-random sequence: framed packets of random bytes, and raw bytes.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for round in 0..48 {
        let len = (next() % 40) as usize;
        let body: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let answer = if round % 2 == 0 {
            frame(1, &body)
        } else {
            body
        };
        let (port, handle) = fake(answer, false);
        let mut client = now(Client::connect(&options(port))).unwrap();
        let mut statement = Prepared {
            id: 1,
            params: 0,
            columns: Vec::new(),
        };
        // Any outcome but a panic or a hang; rows handed over are read whole.
        let _ = now(client.execute(&mut statement, &[], &mut |row| {
            for i in 0..row.len() {
                let _ = row.value(i).map(MysqlValue::to_value);
            }
            Ok(())
        }));
        drop(client);
        handle.join().unwrap();
    }
}

/// A fake server that logs the client in, then answers each command with the next of
/// `answers`.
fn scripted(answers: Vec<Vec<u8>>) -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(&frame(0, &greeting())).unwrap();
        read_packet(&mut s).unwrap();
        s.write_all(&frame(2, OK)).unwrap();
        for answer in answers {
            read_packet(&mut s).unwrap();
            s.write_all(&answer).unwrap();
        }
        // COM_QUIT, then the client closes.
        let _ = read_packet(&mut s);
    });
    (port, handle)
}

/// A column definition of `kind` named `name`.
fn column_def(name: &str, kind: u8) -> Vec<u8> {
    let mut c = vec![3, b'd', b'e', b'f', 0, 0, 0, name.len() as u8];
    c.extend_from_slice(name.as_bytes());
    c.extend_from_slice(&[0, 0x0C, 63, 0, 20, 0, 0, 0, kind, 0, 0, 0, 0, 0]);
    c
}

#[test]
fn a_server_without_deprecate_eof_is_read_with_its_eof_packets() {
    // EOF packets: 0xFE, warnings, status (IN_TRANS on the last one).
    let eof = |status: u16| {
        let mut e = vec![0xFE, 0, 0];
        e.extend_from_slice(&status.to_le_bytes());
        e
    };
    let prepare = [
        frame(1, &[0, 5, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0]),
        frame(2, &column_def("?", 253)),
        frame(3, &eof(2)),
        frame(4, &column_def("n", row::TYPE_LONGLONG)),
        frame(5, &eof(2)),
    ]
    .concat();
    let mut row = vec![0, 0];
    row.extend_from_slice(&42i64.to_le_bytes());
    let execute = [
        frame(1, &[1]),
        frame(2, &column_def("n", row::TYPE_LONGLONG)),
        frame(3, &eof(3)),
        frame(4, &row),
        frame(5, &eof(3)),
    ]
    .concat();
    let (port, handle) = scripted(vec![prepare, execute]);
    let mut client = now(Client::connect(&options(port))).unwrap();
    let mut statement = now(client.prepare("SELECT ?")).unwrap();
    assert_eq!((statement.id, statement.params), (5, 1));
    assert_eq!(&*statement.columns[0].name, "n");
    let mut got = Vec::new();
    let n = now(
        client.execute(&mut statement, &[Value::Int(1)], &mut |row| {
            got.push(row.value(0).unwrap().to_value());
            Ok(())
        }),
    )
    .unwrap();
    assert_eq!((n, got), (1, vec![Value::Int(42)]));
    assert!(client.in_transaction());
    drop(client);
    handle.join().unwrap();
}

#[test]
fn a_silent_server_is_a_timeout() {
    let (port, handle) = fake(Vec::new(), true);
    let mut opts = options(port);
    opts.read_timeout = Some(Duration::from_millis(300));
    let mut client = now(Client::connect(&opts)).unwrap();
    let e = now(client.ping()).expect_err("no answer comes");
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    assert!(client.is_closed());
    assert!(matches!(now(client.ping()), Err(Error::ConnectionLost(_))));
    drop(client);
    handle.join().unwrap();
}

#[test]
fn a_server_that_never_greets_is_a_login_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        // Silent until the client gives up and closes.
        let mut byte = [0u8; 1];
        let _ = s.read(&mut byte);
    });
    let mut opts = options(port);
    opts.connect_timeout = Duration::from_millis(300);
    match now(Client::connect(&opts)) {
        Err(Error::Timeout { waiting_for, .. }) => assert!(waiting_for.contains("login")),
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("logged in to a silent server"),
    }
    handle.join().unwrap();
}

#[test]
fn unknown_plugins_and_old_servers_are_refused() {
    for greeting in [
        // Protocol 9.
        frame(0, &[9, b'x', 0]),
        // Protocol 10 without PROTOCOL_41.
        frame(
            0,
            &[10, b'x', 0, 1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0],
        ),
    ] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let _ = s.write_all(&greeting);
        });
        assert!(now(Client::connect(&options(port))).is_err());
        handle.join().unwrap();
    }
    // An auth switch to a plugin sqlwright does not speak.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.write_all(&frame(0, &greeting())).unwrap();
        read_packet(&mut s);
        let _ = s.write_all(&frame(2, b"\xFEclient_ed25519\0nonce"));
        read_packet(&mut s);
    });
    let e = now(Client::connect(&options(port))).err().expect("refused");
    assert!(e.to_string().contains("client_ed25519"), "{e}");
    handle.join().unwrap();
}

#[test]
fn long_payloads_are_split_and_joined_and_limited() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (s, _) = listener.accept().unwrap();
        let mut packets = Packets::new(Stream::Tcp(s), None, None, 1 << 26);
        let mut buf = Vec::new();
        now(packets.read(&mut buf)).unwrap();
        // Echoed back as the next packets of the exchange.
        packets.start().extend_from_slice(&buf);
        now(packets.send()).unwrap();
        buf.len()
    });
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut packets = Packets::new(Stream::Tcp(s), None, None, 1 << 26);
    for len in [MAX_CHUNK, 2 * MAX_CHUNK + 5] {
        let _ = len;
    }
    // Exactly one chunk long: a second, empty packet ends it.
    let payload: Vec<u8> = (0..MAX_CHUNK + MAX_CHUNK / 2).map(|i| i as u8).collect();
    packets.start_command().extend_from_slice(&payload);
    now(packets.send()).unwrap();
    let mut back = Vec::new();
    now(packets.read(&mut back)).unwrap();
    assert_eq!(back.len(), payload.len());
    assert!(back == payload);
    assert_eq!(handle.join().unwrap(), payload.len());

    // A payload over the limit is refused before it is read.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let _ = s.write_all(&[0x00, 0x10, 0, 0]);
        let _ = s.write_all(&[0; 4096]);
    });
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut packets = Packets::new(Stream::Tcp(s), None, None, 1024);
    let e = now(packets.read(&mut back)).expect_err("over the limit");
    assert!(
        matches!(
            e,
            Error::MessageTooLarge {
                size: 4096,
                limit: 1024
            }
        ),
        "{e:?}"
    );
    handle.join().unwrap();
}

#[test]
fn execute_writes_the_binary_protocol() {
    let (mut types, mut values) = (Vec::new(), Vec::new());
    for param in [Value::Int(-1), Value::NULL, Value::Bytes(b"hi".to_vec())] {
        types.extend_from_slice(&command::write_param(&param, &mut values));
    }
    let mut out = Vec::new();
    command::write_execute(&mut out, 9, &types, &values);
    let expected: Vec<u8> = [
        &[0x17, 9, 0, 0, 0, 0, 1, 0, 0, 0][..],
        &[0b010, 1],
        &[8, 0, 6, 0, 253, 0],
        &(-1i64).to_le_bytes(),
        &[2, b'h', b'i'],
    ]
    .concat();
    assert_eq!(out, expected);
}

#[test]
fn string_lengths_are_length_encoded_at_every_width() {
    for len in [0, 250, 251, 0xFFFF, 0x1_0000, 0xFF_FFFF, 0x100_0000] {
        let bytes = vec![7u8; len];
        let mut out = Vec::new();
        assert_eq!(command::write_bytes(&bytes, &mut out), [253, 0]);
        let mut r = wire::Reader::new(&out, "test");
        assert_eq!(r.lenenc_bytes().unwrap().len(), len, "{len}");
        assert!(r.is_empty());
    }
}

#[test]
fn text_rows_are_read_with_every_length_checked() {
    let eof = [0xFE, 0, 0, 2, 0];
    let result = |rows: &[&[u8]]| {
        let mut packets = vec![
            frame(1, &[2]),
            frame(2, &column_def("a", 253)),
            frame(3, &column_def("b", 253)),
            frame(4, &eof),
        ];
        for (i, row) in rows.iter().enumerate() {
            packets.push(frame(5 + i as u8, row));
        }
        packets.push(frame(5 + rows.len() as u8, &eof));
        packets.concat()
    };
    // Two rows: text and NULL; the OK packet of an INSERT of several rows says
    // `Records: 3`.
    let info = b"Records: 3  Duplicates: 0  Warnings: 0";
    let mut insert = vec![0, 3, 7, 2, 0, 0, 0, info.len() as u8];
    insert.extend_from_slice(info);
    let (port, handle) = scripted(vec![
        result(&[b"\x02hi\xFB", b"\x00\x01x"]),
        frame(1, &insert),
        // A value's length past the packet's end.
        result(&[b"\x05ab\xFB"]),
    ]);
    let mut client = now(Client::connect(&options(port))).unwrap();
    let mut rows = Vec::new();
    now(client.query_rows("SELECT a, b FROM t", &mut |row| {
        rows.push(
            row.iter()
                .map(|v| v.map(<[u8]>::to_vec))
                .collect::<Vec<_>>(),
        );
        Ok(())
    }))
    .unwrap();
    assert_eq!(
        rows,
        vec![
            vec![Some(b"hi".to_vec()), None],
            vec![Some(Vec::new()), Some(b"x".to_vec())],
        ]
    );
    now(client.query("INSERT INTO t VALUES (1), (2), (3)")).unwrap();
    assert_eq!(
        (client.info_records(), client.last_insert_id()),
        (Some(3), 7)
    );
    let e = now(client.query_rows("SELECT a, b FROM t", &mut |_| Ok(())))
        .expect_err("the row is broken");
    assert!(matches!(e, Error::ConnectionLost(_)), "{e:?}");
    assert!(client.is_closed());
    drop(client);
    handle.join().unwrap();
}

#[test]
fn a_text_row_with_bytes_left_over_is_refused() {
    let eof = [0xFE, 0, 0, 2, 0];
    let answer = [
        frame(1, &[1]),
        frame(2, &column_def("a", 253)),
        frame(3, &eof),
        frame(4, b"\x01a\x01b"),
        frame(5, &eof),
    ]
    .concat();
    let (port, handle) = fake(answer, false);
    let mut client = now(Client::connect(&options(port))).unwrap();
    let e = now(client.query_rows("SELECT a", &mut |_| Ok(())))
        .expect_err("the row is longer than its column");
    assert!(matches!(e, Error::ConnectionLost(_)), "{e:?}");
    drop(client);
    handle.join().unwrap();
}

#[test]
fn tls_is_asked_for_as_the_mode_and_the_greeting_say() {
    use crate::engine::error::TlsErrorKind;
    use crate::engine::wire::{SslMode, TlsSettings};
    let ssl = wire::CLIENT_SSL;
    for (mode, offered, unix, expected) in [
        (SslMode::Disable, ssl, false, Some(false)),
        (SslMode::Prefer, ssl, false, Some(true)),
        (SslMode::Prefer, 0, false, Some(false)),
        (SslMode::Prefer, ssl, true, Some(false)),
        (SslMode::Require, ssl, false, Some(true)),
        (SslMode::Require, 0, false, None),
        (SslMode::Require, ssl, true, None),
        (SslMode::VerifyCa, 0, false, None),
        (SslMode::VerifyFull, ssl, false, Some(true)),
        (SslMode::VerifyFull, 0, false, None),
    ] {
        let settings = TlsSettings::new(mode);
        let mut options = options(1);
        options.tls = &settings;
        match (tls::wanted(&options, offered, unix), expected) {
            (Ok(got), Some(want)) => assert_eq!(got, want, "{mode:?} {offered} {unix}"),
            (Err(Error::Tls { kind, .. }), None) => assert_eq!(kind, TlsErrorKind::NotOffered),
            (other, _) => panic!("{mode:?} {offered} {unix}: {other:?}"),
        }
    }
}

#[test]
fn an_update_counts_the_rows_it_matched() {
    let ok = |info: &[u8]| {
        // Affected rows 1, insert id 0, status 2, no warnings, then the info text.
        let mut payload = vec![0, 1, 0, 2, 0, 0, 0, info.len() as u8];
        payload.extend_from_slice(info);
        super::wire::ok(&payload).unwrap()
    };
    // MySQL's affected rows leave out a row set to what it was; the info text says how
    // many the UPDATE matched.
    assert_eq!(
        ok(b"Rows matched: 3  Changed: 1  Warnings: 0").affected_rows,
        3
    );
    assert_eq!(ok(b"Rows matched: 0  Changed: 0").affected_rows, 0);
    // Anything else keeps the affected rows.
    assert_eq!(
        ok(b"Records: 3  Duplicates: 0  Warnings: 0").affected_rows,
        1
    );
    assert_eq!(ok(b"Rows matched: x").affected_rows, 1);
    assert_eq!(ok(b"").affected_rows, 1);
    // An info text announced longer than the packet is no count.
    let mut cut = vec![0, 1, 0, 2, 0, 0, 0, 40];
    cut.extend_from_slice(b"Rows matched: 3");
    assert_eq!(super::wire::ok(&cut).unwrap().affected_rows, 1);
}
