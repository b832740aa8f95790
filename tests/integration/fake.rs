//! Misbehaving peers for fault tests, on loopback only and bounded in time: a fake
//! PostgreSQL server driven by a script, and a proxy in front of the real server that can
//! cut the connection at a chosen client message.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a fake peer waits for the client before it gives up (so no test hangs).
const PEER_WAIT: Duration = Duration::from_secs(20);

/// A fake server on a free loopback port, running `script` for the first connection.
pub struct FakeServer {
    pub port: u16,
    handle: Option<JoinHandle<()>>,
}

impl FakeServer {
    pub fn start(script: impl FnOnce(Peer) + Send + 'static) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            listener.set_nonblocking(true).unwrap();
            let deadline = std::time::Instant::now() + PEER_WAIT;
            let stream = loop {
                match listener.accept() {
                    Ok((s, _)) => break s,
                    Err(_) if std::time::Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(5))
                    }
                    Err(_) => return,
                }
            };
            stream.set_nonblocking(false).unwrap();
            stream.set_read_timeout(Some(PEER_WAIT)).unwrap();
            stream.set_write_timeout(Some(PEER_WAIT)).unwrap();
            script(Peer { stream });
        });
        FakeServer {
            port,
            handle: Some(handle),
        }
    }

    /// A URL for the fake server (`params` appended as given, e.g. `connect_timeout=1`).
    pub fn url(&self, params: &str) -> String {
        let sep = if params.is_empty() { "" } else { "?" };
        format!(
            "postgres://fake:secret@127.0.0.1:{}/fake{sep}{params}",
            self.port
        )
    }

    /// Waits for the script to end and returns whether it ended without panicking.
    pub fn join(mut self) -> bool {
        self.handle.take().is_none_or(|h| h.join().is_ok())
    }
}

/// The body of an SSLRequest (the request code 1234.5679).
pub const SSL_REQUEST_CODE: [u8; 4] = [0x04, 0xd2, 0x16, 0x2f];

/// The server's side of one connection.
pub struct Peer {
    pub stream: TcpStream,
}

/// A message as the client sent it: tag and body.
pub type Msg = (u8, Vec<u8>);

impl Peer {
    /// Reads the untagged startup message; returns its parameters (`user`, `database`, ...).
    /// An SSLRequest before it (the client's default `sslmode=prefer`) is answered `N`:
    /// this server has no TLS.
    pub fn startup(&mut self) -> Vec<(String, String)> {
        let body = loop {
            let mut len = [0u8; 4];
            self.stream.read_exact(&mut len).unwrap();
            let mut body = vec![0u8; u32::from_be_bytes(len) as usize - 4];
            self.stream.read_exact(&mut body).unwrap();
            if body != SSL_REQUEST_CODE {
                break body;
            }
            self.stream.write_all(b"N").unwrap();
        };
        let text: Vec<String> = body[4..]
            .split(|b| *b == 0)
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect();
        text.chunks(2)
            .filter(|kv| kv.len() == 2 && !kv[0].is_empty())
            .map(|kv| (kv[0].clone(), kv[1].clone()))
            .collect()
    }

    /// Reads the startup message and lets the client in (trust).
    pub fn login(&mut self) {
        self.startup();
        self.send(b'R', &0i32.to_be_bytes());
        self.send(b'K', &[0, 0, 0, 1, 0, 0, 0, 2]);
        self.ready();
    }

    /// The next message from the client; `None` when it closed the connection.
    pub fn read(&mut self) -> Option<Msg> {
        let mut head = [0u8; 5];
        self.stream.read_exact(&mut head).ok()?;
        let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
        let mut body = vec![0u8; len.saturating_sub(4)];
        self.stream.read_exact(&mut body).ok()?;
        Some((head[0], body))
    }

    /// Reads messages up to and including Sync or a simple Query.
    pub fn request(&mut self) -> Option<Vec<Msg>> {
        let mut out = Vec::new();
        loop {
            let m = self.read()?;
            let end = m.0 == b'S' || m.0 == b'Q';
            out.push(m);
            if end {
                return Some(out);
            }
        }
    }

    pub fn send(&mut self, tag: u8, body: &[u8]) {
        let mut out = vec![tag];
        out.extend_from_slice(&(body.len() as u32 + 4).to_be_bytes());
        out.extend_from_slice(body);
        let _ = self.stream.write_all(&out);
    }

    /// Raw bytes, as they are.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let _ = self.stream.write_all(bytes);
    }

    pub fn ready(&mut self) {
        self.send(b'Z', b"I");
    }

    /// ParseComplete, ParameterDescription (no parameters) and a RowDescription of
    /// `columns` (name, type OID), in the binary format.
    pub fn describe(&mut self, columns: &[(&str, u32)]) {
        self.send(b'1', &[]);
        self.send(b't', &0u16.to_be_bytes());
        let mut body = (columns.len() as u16).to_be_bytes().to_vec();
        for (name, oid) in columns {
            body.extend_from_slice(name.as_bytes());
            body.push(0);
            body.extend_from_slice(&0u32.to_be_bytes()); // table
            body.extend_from_slice(&0u16.to_be_bytes()); // column
            body.extend_from_slice(&oid.to_be_bytes());
            body.extend_from_slice(&(-1i16).to_be_bytes());
            body.extend_from_slice(&(-1i32).to_be_bytes());
            body.extend_from_slice(&1u16.to_be_bytes());
        }
        self.send(b'T', &body);
        self.ready();
    }

    /// A DataRow of `values` (`None`: NULL, length -1), each with the given length word.
    pub fn data_row(&mut self, values: &[(i32, &[u8])]) {
        let mut body = (values.len() as u16).to_be_bytes().to_vec();
        for (len, bytes) in values {
            body.extend_from_slice(&len.to_be_bytes());
            body.extend_from_slice(bytes);
        }
        self.send(b'D', &body);
    }

    /// An ErrorResponse of `fields` (type byte, value).
    pub fn error(&mut self, fields: &[(u8, &str)]) {
        let mut body = Vec::new();
        for (t, v) in fields {
            body.push(*t);
            body.extend_from_slice(v.as_bytes());
            body.push(0);
        }
        body.push(0);
        self.send(b'E', &body);
    }

    /// Answers the client's Parse/Describe of one statement with `columns`, then its
    /// Bind/Execute with BindComplete and `then` (rows, errors...); ReadyForQuery after.
    pub fn answer_query(&mut self, columns: &[(&str, u32)], then: impl FnOnce(&mut Peer)) {
        self.request().expect("the client prepares");
        self.describe(columns);
        self.request().expect("the client executes");
        self.send(b'2', &[]);
        then(self);
    }

    /// Waits until the client closes the connection (or the wait bound passes).
    pub fn until_closed(&mut self) {
        let mut buf = [0u8; 4096];
        while matches!(self.stream.read(&mut buf), Ok(n) if n > 0) {}
    }
}

/// A proxy on a free loopback port in front of `upstream`: it forwards both ways and,
/// once `armed` and a client message satisfies `cut`, forwards that message, then closes
/// the client's side without passing on the server's answer.
pub struct Proxy {
    pub port: u16,
    pub armed: Arc<AtomicBool>,
    pub cut_done: Arc<AtomicBool>,
}

impl Proxy {
    pub fn start(
        upstream: (String, u16),
        cut: impl Fn(u8, &[u8]) -> bool + Send + Sync + 'static,
    ) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let armed = Arc::new(AtomicBool::new(false));
        let cut_done = Arc::new(AtomicBool::new(false));
        let cut = Arc::new(cut);
        let (armed2, done2) = (Arc::clone(&armed), Arc::clone(&cut_done));
        std::thread::spawn(move || {
            // One client connection is all a test needs.
            let Ok((client, _)) = listener.accept() else {
                return;
            };
            let server = TcpStream::connect((upstream.0.as_str(), upstream.1)).unwrap();
            for s in [&client, &server] {
                s.set_read_timeout(Some(PEER_WAIT)).unwrap();
            }
            let blocked = Arc::new(AtomicBool::new(false));
            // Server to client: plain copy until the cut.
            let (mut from_server, mut to_client) =
                (server.try_clone().unwrap(), client.try_clone().unwrap());
            let blocked2 = Arc::clone(&blocked);
            std::thread::spawn(move || {
                let mut buf = [0u8; 16 * 1024];
                while let Ok(n) = from_server.read(&mut buf) {
                    if n == 0 || blocked2.load(Ordering::SeqCst) {
                        break;
                    }
                    if to_client.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            });
            // Client to server: message by message, so the cut falls on a boundary.
            let (mut from_client, mut to_server) = (client.try_clone().unwrap(), server);
            // The startup message, after any SSLRequest (the server's `N` comes back
            // through the other direction's copy).
            loop {
                let mut len = [0u8; 4];
                if from_client.read_exact(&mut len).is_err() {
                    return;
                }
                let mut startup = vec![0u8; u32::from_be_bytes(len) as usize - 4];
                from_client.read_exact(&mut startup).unwrap();
                to_server.write_all(&len).unwrap();
                to_server.write_all(&startup).unwrap();
                if startup != SSL_REQUEST_CODE {
                    break;
                }
            }
            loop {
                let mut head = [0u8; 5];
                if from_client.read_exact(&mut head).is_err() {
                    break;
                }
                let n = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
                let mut body = vec![0u8; n - 4];
                if from_client.read_exact(&mut body).is_err() {
                    break;
                }
                let cutting = armed2.load(Ordering::SeqCst) && cut(head[0], &body);
                if cutting {
                    // The server's answer must not reach the client: block it first.
                    blocked.store(true, Ordering::SeqCst);
                }
                if to_server.write_all(&head).is_err() || to_server.write_all(&body).is_err() {
                    break;
                }
                if cutting {
                    // Give the server time to act on it, then drop the client.
                    std::thread::sleep(Duration::from_millis(300));
                    // Marked before the client sees the cut, so a test that reads the mark
                    // after its call fails cannot find it unset (it did once, under load).
                    done2.store(true, Ordering::SeqCst);
                    let _ = client.shutdown(Shutdown::Both);
                    // Keep the server side open a moment, then close it too.
                    std::thread::sleep(Duration::from_millis(200));
                    let _ = to_server.shutdown(Shutdown::Both);
                    break;
                }
            }
        });
        Proxy {
            port,
            armed,
            cut_done,
        }
    }
}
