//! What the cancel-safety tests share: a loopback proxy that hands the server's answer to
//! the client a few bytes at a time (so that an async operation waits at many points), and
//! polling a future a given number of times before dropping it.

use sqlwright::{Connection, DatabaseUrl};
use std::future::Future;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

/// A loopback proxy in front of a test server: the client's bytes pass `up` bytes per
/// write, the server's `down` bytes per write, with a pause after each short write. Its
/// threads end within 120 s, or when it is dropped and its connections close.
pub struct Trickle {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl Trickle {
    pub fn start(upstream: (String, u16), up: usize, down: usize) -> Trickle {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
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
                thread::spawn(move || pump(c2, s2, up));
                thread::spawn(move || pump(server, client, down));
            }
        });
        Trickle { port, stop }
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
    }
}

/// Copies `from` to `to`, `step` bytes per write, until `from` ends; then ends `to`'s
/// sending side.
fn pump(mut from: TcpStream, mut to: TcpStream, step: usize) {
    let mut buf = [0u8; 16 * 1024];
    'copy: while let Ok(n) = from.read(&mut buf) {
        if n == 0 {
            break;
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
