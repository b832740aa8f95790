//! What the cancel-safety tests share: a loopback proxy that hands the server's answer to
//! the client a few bytes at a time (so that an async operation waits at many points), and
//! polling a future a given number of times before dropping it.

use sqlwright::backend::Mysql;
use sqlwright::{raw, Connection, DatabaseUrl};
use std::future::Future;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

/// A loopback proxy in front of a test server: the client's bytes pass `up` bytes per
/// write, the server's `down` bytes per write, with a pause after each short write. Its
/// threads end within 120 s, or when it is dropped and its connections close.
pub struct Trickle {
    port: u16,
    stop: Arc<AtomicBool>,
    gate: Arc<Gate>,
}

/// Holds the server's answers back once the client sent a given text (see
/// [`Trickle::hold_answers_after`]).
#[derive(Default)]
struct Gate {
    /// The text that, sent by the client, closes the gate (once).
    armed: Mutex<Option<Vec<u8>>>,
    /// Closed: the server's answers wait.
    held: AtomicBool,
}

impl Trickle {
    pub fn start(upstream: (String, u16), up: usize, down: usize) -> Trickle {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let gate = Arc::new(Gate::default());
        let gates = Arc::clone(&gate);
        thread::spawn(move || {
            let until = Instant::now() + Duration::from_secs(120);
            while !stopped.load(Ordering::SeqCst) && Instant::now() < until {
                let Ok((client, _)) = listener.accept() else {
                    thread::sleep(Duration::from_millis(2));
                    continue;
                };
                client.set_nonblocking(false).unwrap();
                let server = TcpStream::connect(upstream.clone()).unwrap();
                for s in [&client, &server] {
                    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
                    s.set_nodelay(true).unwrap();
                }
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let (g_up, g_down) = (Arc::clone(&gates), Arc::clone(&gates));
                thread::spawn(move || pump(c2, s2, up, Side::Client(g_up)));
                thread::spawn(move || pump(server, client, down, Side::Server(g_down)));
            }
        });
        Trickle { port, stop, gate }
    }

    /// From the first client message containing `text` on (that message still reaches the
    /// server), the server's answers wait until [`release`](Self::release): a request is
    /// then surely in flight, its answer not yet read.
    pub fn hold_answers_after(&self, text: &[u8]) {
        *self.gate.armed.lock().unwrap() = Some(text.to_vec());
    }

    /// Whether the server's answers are being held.
    pub fn holding(&self) -> bool {
        self.gate.held.load(Ordering::SeqCst)
    }

    /// Lets the server's answers pass again.
    pub fn release(&self) {
        self.gate.held.store(false, Ordering::SeqCst);
    }

    /// `base` (a PostgreSQL URL) pointed at the proxy, without TLS.
    pub fn url(&self, base: &DatabaseUrl) -> DatabaseUrl {
        base.clone()
            .with_param("host", "127.0.0.1")
            .and_then(|u| u.with_param("port", &self.port.to_string()))
            .and_then(|u| u.with_param("sslmode", "disable"))
            .unwrap()
    }

    /// `base` (a MySQL URL) pointed at the proxy, without TLS.
    pub fn mysql_url(&self, base: &DatabaseUrl) -> DatabaseUrl {
        let mut url = base.clone();
        url.host = Some("127.0.0.1".into());
        url.port = Some(self.port);
        url.with_param("ssl-mode", "DISABLED").unwrap()
    }
}

impl Drop for Trickle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.release();
    }
}

/// Which way a pump copies, with the gate it shares.
enum Side {
    /// The client's bytes to the server: may close the gate.
    Client(Arc<Gate>),
    /// The server's bytes to the client: wait while the gate is closed.
    Server(Arc<Gate>),
}

/// Copies `from` to `to`, `step` bytes per write, until `from` ends; then ends `to`'s
/// sending side.
fn pump(mut from: TcpStream, mut to: TcpStream, step: usize, side: Side) {
    let mut buf = [0u8; 16 * 1024];
    'copy: while let Ok(n) = from.read(&mut buf) {
        if n == 0 {
            break;
        }
        match &side {
            Side::Client(gate) => {
                let mut armed = gate.armed.lock().unwrap();
                let seen = armed
                    .as_deref()
                    .is_some_and(|text| buf[..n].windows(text.len()).any(|w| w == text));
                if seen {
                    *armed = None;
                    // Closed before the request is passed on, so no answer to it slips by.
                    gate.held.store(true, Ordering::SeqCst);
                }
            }
            Side::Server(gate) => {
                let until = Instant::now() + Duration::from_secs(120);
                while gate.held.load(Ordering::SeqCst) && Instant::now() < until {
                    thread::sleep(Duration::from_millis(1));
                }
            }
        }
        for chunk in buf[..n].chunks(step.min(n)) {
            if to.write_all(chunk).is_err() {
                break 'copy;
            }
            if step < buf.len() {
                thread::sleep(Duration::from_micros(20));
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

/// The PostgreSQL test server's TCP address, as it reports it.
pub fn server_address(conn: &mut Connection) -> (String, u16) {
    let rows = conn
        .query_text("SELECT host(inet_server_addr()), inet_server_port()")
        .unwrap();
    let host = rows[0][0]
        .clone()
        .expect("the test server is reached over TCP");
    (host, rows[0][1].as_deref().unwrap().parse().unwrap())
}

/// Polls `work` at most `n` times (each after a wake-up), then drops it: its output when
/// it finished within them.
pub async fn poll_at_most<F: Future>(work: F, n: usize) -> Option<F::Output> {
    let mut work = std::pin::pin!(work);
    let mut polls = 0;
    std::future::poll_fn(|cx| {
        if polls == n {
            return Poll::Ready(None);
        }
        polls += 1;
        work.as_mut().poll(cx).map(Some)
    })
    .await
}

/// Polls `work` until `stop()` holds (looked at every millisecond, for at most 60 s), then
/// drops it: its output when it finished first.
pub async fn poll_until<F: Future>(work: F, stop: impl Fn() -> bool) -> Option<F::Output> {
    let mut work = std::pin::pin!(work);
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        tokio::select! {
            out = &mut work => return Some(out),
            () = tokio::time::sleep(Duration::from_millis(1)) => {}
        }
        if stop() {
            return None;
        }
        assert!(Instant::now() < until, "the awaited moment never came");
    }
}

/// How many InnoDB transactions the server lists for MySQL connection `id` (idle: its
/// client waits for this answer). InnoDB refreshes that list (`information_schema.innodb_trx`)
/// only when it is older than 0.1 s, and other tests read it too, so a nonzero count is read
/// again after the list surely renewed: a transaction really open is still there.
pub fn innodb_transactions(watcher: &mut Connection<Mysql>, id: i64) -> i64 {
    let mut count = 0;
    for attempt in 0..3 {
        if attempt > 0 {
            thread::sleep(Duration::from_millis(250));
        }
        let rows = raw::sql(
            "SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_mysql_thread_id = :id",
        )
        .bind("id", id)
        .load(&mut *watcher)
        .unwrap();
        count = rows[0].get::<i64>(0).unwrap();
        if count == 0 {
            break;
        }
    }
    count
}
