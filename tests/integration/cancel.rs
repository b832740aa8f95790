//! Cancelling statements on the real server: from another thread, when nothing runs, a
//! cancel that arrives after its statement finished, and the cancel sent when the client's
//! own deadline runs out. (Streams and COPY OUT dropped early: limits.rs.)

use crate::fake::{FakeServer, Peer};
use crate::trickle::server_address;
use sqlwright::engine::DbErrorKind;
use sqlwright::testing::TestDatabase;
use sqlwright::{raw, Connection, DatabaseUrl, Error};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// Waits (at most 10 s) until a backend other than the caller's runs a statement whose
/// text starts with `sql`; returns whether one did.
fn wait_until_running(watcher: &mut Connection, sql: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    let check = format!(
        // Executing, not still being parsed or described (the first run prepares the
        // statement in a request of its own, which shows the same text): pg_sleep waits
        // on `PgSleep`.
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' \
         AND pid <> pg_backend_pid() AND datname = current_database() AND query LIKE '{}%' \
         AND (query NOT LIKE '%pg_sleep%' OR wait_event = 'PgSleep')",
        sql.replace('\'', "''")
    );
    while Instant::now() < deadline {
        let rows = watcher.query_text(&check).unwrap();
        if rows[0][0].as_deref() != Some("0") {
            return true;
        }
        thread::sleep(Duration::from_millis(20));
    }
    false
}

/// Cancels `sql` from another thread once the server runs it; returns the statement's
/// result, the cancel's result and how long the statement took.
fn cancel_while_running(
    conn: &mut Connection,
    db: &TestDatabase,
    sql: &'static str,
) -> (Result<u64, Error>, Result<(), Error>, Duration) {
    let handle = conn.cancel_handle();
    let mut watcher = db.connect().unwrap();
    let canceller = thread::spawn(move || {
        assert!(wait_until_running(&mut watcher, sql), "{sql} never ran");
        handle.cancel()
    });
    let started = Instant::now();
    let result = raw::sql(sql).execute(conn);
    let took = started.elapsed();
    (result, canceller.join().unwrap(), took)
}

#[test]
fn a_cancel_from_another_thread_stops_the_statement_and_keeps_the_connection() {
    let db = sqlwright::testing::database();
    let mut conn = db.connect().unwrap();
    let (result, cancelled, took) = cancel_while_running(&mut conn, &db, "SELECT pg_sleep(30)");
    cancelled.unwrap();
    let err = result.unwrap_err();
    assert_eq!(err.kind(), Some(DbErrorKind::Canceled), "{err:?}");
    assert!(err.to_string().contains("user request"), "{err}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(!conn.is_closed());
    let rows = conn.query_text("SELECT 41 + 1").unwrap();
    assert_eq!(rows[0][0].as_deref(), Some("42"));

    // Inside a transaction the cancel aborts it, and the connection rolls back and goes on.
    conn.batch_execute("BEGIN").unwrap();
    let (result, cancelled, _) = cancel_while_running(&mut conn, &db, "SELECT pg_sleep(29)");
    cancelled.unwrap();
    assert_eq!(result.unwrap_err().kind(), Some(DbErrorKind::Canceled));
    conn.batch_execute("ROLLBACK").unwrap();
    assert_eq!(
        conn.query_text("SELECT 1").unwrap()[0][0].as_deref(),
        Some("1")
    );

    // Reachable from a pooled connection too.
    let engine = sqlwright::Engine::builder_url(db.url().clone())
        .build()
        .unwrap();
    let mut pooled = engine.connect().unwrap();
    let (result, cancelled, _) = cancel_while_running(&mut pooled, &db, "SELECT pg_sleep(28)");
    cancelled.unwrap();
    assert_eq!(result.unwrap_err().kind(), Some(DbErrorKind::Canceled));
    assert!(!pooled.is_closed());
}

#[test]
fn a_cancel_reaches_a_server_over_its_unix_socket() {
    let db = sqlwright::testing::database();
    let mut tcp = db.connect().unwrap();
    let dirs = tcp.query_text("SHOW unix_socket_directories").unwrap();
    let dir = dirs[0][0].clone().unwrap();
    let dir = dir.split(',').next().unwrap().trim().to_string();
    let url = db.url().clone().with_param("host", &dir).unwrap();
    let mut conn = Connection::connect_url(&url).unwrap();
    let client = conn
        .query_text("SELECT coalesce(host(inet_client_addr()), 'local')")
        .unwrap();
    assert_eq!(
        client[0][0].as_deref(),
        Some("local"),
        "not over the Unix socket"
    );
    let (result, cancelled, took) = cancel_while_running(&mut conn, &db, "SELECT pg_sleep(26)");
    cancelled.unwrap();
    assert_eq!(result.unwrap_err().kind(), Some(DbErrorKind::Canceled));
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(!conn.is_closed());
}

/// What a [`Proxy`] does with every connection after the first (the cancel requests).
#[derive(Clone, Copy)]
enum Later {
    /// Forwarded after this delay.
    Delay(Duration),
    /// Read and never forwarded (nor answered), until the client leaves.
    Swallow,
}

/// A loopback TCP proxy in front of the test server that counts the connections it
/// accepts and holds back every one after the first; all of its threads end within 30 s.
struct Proxy {
    port: u16,
    accepted: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Proxy {
    fn start(upstream: (String, u16), later: Later) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, stopped) = (Arc::clone(&accepted), Arc::clone(&stop));
        thread::spawn(move || {
            let until = Instant::now() + Duration::from_secs(30);
            while !stopped.load(Ordering::SeqCst) && Instant::now() < until {
                let client = match listener.accept() {
                    Ok((client, _)) => client,
                    Err(_) => {
                        thread::sleep(Duration::from_millis(5));
                        continue;
                    }
                };
                let n = count.fetch_add(1, Ordering::SeqCst);
                let upstream = upstream.clone();
                thread::spawn(move || {
                    client.set_nonblocking(false).unwrap();
                    client
                        .set_read_timeout(Some(Duration::from_secs(30)))
                        .unwrap();
                    if n > 0 {
                        match later {
                            Later::Delay(d) => thread::sleep(d),
                            Later::Swallow => {
                                let mut client = client;
                                let mut buf = [0u8; 64];
                                while matches!(client.read(&mut buf), Ok(k) if k > 0) {}
                                return;
                            }
                        }
                    }
                    let server = TcpStream::connect(upstream).unwrap();
                    server
                        .set_read_timeout(Some(Duration::from_secs(30)))
                        .unwrap();
                    let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                    thread::spawn(move || pump(c2, s2));
                    pump(server, client);
                });
            }
        });
        Proxy {
            port,
            accepted,
            stop,
        }
    }

    fn url(&self, base: &DatabaseUrl) -> DatabaseUrl {
        base.clone()
            .with_param("host", "127.0.0.1")
            .and_then(|u| u.with_param("port", &self.port.to_string()))
            .and_then(|u| u.with_param("connect_timeout", "2"))
            // Plain text, so that a swallowed cancel is one the server never confirmed,
            // not a TLS request it never answered (which sends no cancel at all).
            .and_then(|u| u.with_param("sslmode", "disable"))
            .unwrap()
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Copies `from` to `to` until `from` ends, then ends `to`'s sending side.
fn pump(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 || to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

#[test]
fn a_cancel_with_nothing_running_sends_nothing() {
    let db = sqlwright::testing::database();
    let upstream = server_address(&mut db.connect().unwrap());
    let proxy = Proxy::start(upstream, Later::Delay(Duration::ZERO));
    let mut conn = Connection::connect_url(&proxy.url(db.url())).unwrap();
    let handle = conn.cancel_handle();
    handle.cancel().unwrap();
    handle.clone().cancel().unwrap();
    assert_eq!(proxy.accepted(), 1, "an idle cancel opened a socket");
    // The next statement runs to its end.
    raw::sql("SELECT pg_sleep(0.3)").execute(&mut conn).unwrap();
    assert!(!conn.is_closed());

    // While a statement runs, the same handle does open a socket: one per statement.
    let (result, cancelled, _) = cancel_while_running(&mut conn, &db, "SELECT pg_sleep(27)");
    cancelled.unwrap();
    assert_eq!(result.unwrap_err().kind(), Some(DbErrorKind::Canceled));
    assert_eq!(proxy.accepted(), 2);
    handle.cancel().unwrap();
    assert_eq!(proxy.accepted(), 2);
}

#[test]
fn a_cancel_that_arrives_after_its_statement_finished_does_not_kill_the_next() {
    let db = sqlwright::testing::database();
    let upstream = server_address(&mut db.connect().unwrap());
    // The cancel reaches the server 800 ms after it is sent: long after the statement
    // it was sent for ended.
    let proxy = Proxy::start(upstream, Later::Delay(Duration::from_millis(800)));
    let mut conn = Connection::connect_url(&proxy.url(db.url())).unwrap();
    let handle = conn.cancel_handle();
    let mut watcher = db.connect().unwrap();
    let canceller = thread::spawn(move || {
        assert!(wait_until_running(&mut watcher, "SELECT pg_sleep(0.3)"));
        handle.cancel()
    });
    let started = Instant::now();
    raw::sql("SELECT pg_sleep(0.3)").execute(&mut conn).unwrap();
    let took = started.elapsed();
    // The next statement starts at once and would be running when the cancel's signal
    // landed; it is not killed by it...
    assert!(!conn.is_closed());
    raw::sql("SELECT pg_sleep(1.5)").execute(&mut conn).unwrap();
    canceller.join().unwrap().unwrap();
    assert_eq!(proxy.accepted(), 2, "the cancel was sent");
    // ...because the first statement's end waited for the server to take the cancel.
    assert!(took >= Duration::from_millis(800), "took {took:?}");
    assert_eq!(
        conn.query_text("SELECT 1").unwrap()[0][0].as_deref(),
        Some("1")
    );
}

#[test]
fn a_cancel_the_server_never_confirms_discards_the_connection() {
    let db = sqlwright::testing::database();
    let upstream = server_address(&mut db.connect().unwrap());
    let proxy = Proxy::start(upstream, Later::Swallow);
    let mut conn = Connection::connect_url(&proxy.url(db.url())).unwrap();
    // 1.5 s: long enough that the watcher, polling pg_stat_activity on a loaded machine,
    // still finds the statement running when it sends the cancel.
    let (result, cancelled, took) = cancel_while_running(&mut conn, &db, "SELECT pg_sleep(1.5)");
    // The cancel went out but was never confirmed (connect_timeout=2 in the proxy's URL).
    let err = cancelled.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.to_string().contains("did not confirm"), "{err}");
    // The statement itself succeeded, after waiting for the cancel's fate...
    result.unwrap();
    assert!(took >= Duration::from_secs(2), "took {took:?}");
    // ...and the connection, which a late cancel could still hit, is not used again.
    assert!(conn.is_closed());
    let err = conn.query_text("SELECT 1").unwrap_err();
    assert!(err.is_connection_lost(), "{err:?}");
    assert!(err.to_string().contains("cancel"), "{err}");
}

#[test]
fn a_request_timeout_cancels_the_servers_work() {
    let db = sqlwright::testing::database();
    let upstream = server_address(&mut db.connect().unwrap());
    let proxy = Proxy::start(upstream, Later::Delay(Duration::ZERO));
    let mut conn = Connection::connect_url(&proxy.url(db.url())).unwrap();
    let handle = conn.cancel_handle();
    let pid = conn.query_text("SELECT pg_backend_pid()").unwrap()[0][0]
        .clone()
        .unwrap();
    conn.set_request_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let started = Instant::now();
    let err = raw::sql("SELECT pg_sleep(30)")
        .execute(&mut conn)
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(conn.is_closed());

    // The server stopped sleeping: the backend is gone or idle within a few seconds.
    let mut watcher = db.connect().unwrap();
    let check = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE pid = {pid} AND state = 'active' \
         AND query LIKE 'SELECT pg_sleep(30)%'"
    );
    let deadline = Instant::now() + Duration::from_secs(3);
    let mut running = true;
    while running && Instant::now() < deadline {
        running = watcher.query_text(&check).unwrap()[0][0].as_deref() != Some("0");
        if running {
            thread::sleep(Duration::from_millis(20));
        }
    }
    assert!(!running, "backend {pid} still runs pg_sleep(30)");
    assert_eq!(proxy.accepted(), 2, "one cancel was sent");
    // The connection is closed: a handle has nothing left to cancel (a cancel sent now
    // would be waited for, so counted, before `cancel` returns).
    handle.cancel().unwrap();
    assert_eq!(proxy.accepted(), 2);
}

/// A fake server that logs the client in without a cancel key (no BackendKeyData, as some
/// poolers do), then runs `then`.
fn keyless_server(then: impl FnOnce(&mut Peer) + Send + 'static) -> FakeServer {
    FakeServer::start(move |mut peer| {
        peer.startup();
        peer.send(b'R', &0i32.to_be_bytes());
        peer.ready();
        then(&mut peer);
        peer.until_closed();
    })
}

#[test]
fn without_a_cancel_key_cancel_is_a_typed_error_and_the_statement_runs_on() {
    let server = keyless_server(|peer| {
        peer.request().expect("the query");
        thread::sleep(Duration::from_millis(600));
        peer.send(b'C', b"SELECT 0\0");
        peer.ready();
    });
    let mut conn = Connection::connect(&server.url("")).unwrap();
    let handle = conn.cancel_handle();
    let canceller = thread::spawn(move || {
        thread::sleep(Duration::from_millis(200));
        handle.cancel()
    });
    conn.batch_execute("SELECT pg_sleep(0.6)").unwrap();
    let err = canceller.join().unwrap().unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.to_string().contains("no cancel key"), "{err}");
    assert!(!conn.is_closed());
    drop(conn);
    assert!(server.join());
}

#[test]
fn without_a_cancel_key_a_dropped_stream_is_read_within_the_old_bound_then_closed() {
    let server = keyless_server(|peer| {
        // Parse/Describe/Sync of the statement.
        peer.request().expect("the client prepares");
        peer.describe(&[("g", 23)]);
        // Bind, Execute, Execute, Flush: one row, then the rest never comes.
        while let Some((tag, _)) = peer.read() {
            if tag == b'H' {
                break;
            }
        }
        peer.send(b'2', &[]);
        peer.data_row(&[(4, &1i32.to_be_bytes())]);
    });
    let mut conn = Connection::connect(&server.url("")).unwrap();
    let mut rows = raw::sql("SELECT g FROM generate_series(1, 1000000) g")
        .stream(&mut conn)
        .unwrap();
    assert!(rows.next().unwrap().is_ok());
    let started = Instant::now();
    drop(rows);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(1), "dropping took {took:?}");
    assert!(conn.is_closed());
    drop(conn);
    assert!(server.join());
}
