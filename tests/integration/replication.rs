//! A primary and a streaming replica of it, each a cluster of its own started by the test
//! on 127.0.0.1 (`initdb`, then `pg_basebackup -R`), stopped and removed when dropped.
//! Every wait is bounded.

use sqlwright::Connection;
use std::fs;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// One server: its data directory and port.
pub struct Node {
    dir: PathBuf,
    pub port: u16,
    bindir: PathBuf,
    root: bool,
    stopped: bool,
}

fn bindir() -> PathBuf {
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && dir.join("pg_basebackup").is_file() {
            return dir;
        }
    }
    let mut found: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("pg_basebackup")
                .is_file()
                .then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).unwrap_or_else(|| {
        panic!(
            "the replication tests need PostgreSQL's server binaries (initdb, pg_ctl, \
             pg_basebackup): apt-get install postgresql (scripts/test.sh does)"
        )
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Node {
    /// `program` of the server's binaries, run as `postgres` when the tests run as root
    /// (initdb and the server refuse root).
    fn command(&self, program: &str) -> Command {
        let exe = self.bindir.join(program);
        if self.root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn run(&self, command: &mut Command, what: &str) {
        let out = command
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
        assert!(
            out.status.success(),
            "{what} failed: {}{}\nlog:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            fs::read_to_string(self.dir.join("log")).unwrap_or_default()
        );
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn new(name: &str) -> Node {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "sqlwright-repl-{}-{}-{name}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let node = Node {
            dir,
            port: free_port(),
            bindir: bindir(),
            root: is_root(),
            stopped: true,
        };
        if node.root {
            let mut chown = Command::new("chown");
            chown.arg("postgres:").arg(&node.dir);
            node.run(&mut chown, "chown");
        }
        node
    }

    /// Starts the server and waits (at most 60 s) until it accepts connections.
    pub fn start(&mut self) {
        let log = self.dir.join("log");
        let data = self.data();
        let mut c = self.command("pg_ctl");
        c.arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "start"]);
        self.run(&mut c, "pg_ctl start");
        self.stopped = false;
    }

    /// Stops the server: `fast` ends open sessions (FATAL to each), `immediate` kills.
    pub fn stop(&mut self, mode: &str) {
        let data = self.data();
        let mut c = self.command("pg_ctl");
        c.arg("-D")
            .arg(&data)
            .args(["-m", mode, "-w", "-t", "60", "stop"]);
        self.run(&mut c, "pg_ctl stop");
        self.stopped = true;
    }

    /// Promotes a standby, waiting (at most 60 s) until it takes writes.
    pub fn promote(&self) {
        let data = self.data();
        let mut c = self.command("pg_ctl");
        c.arg("-D").arg(&data).args(["-w", "-t", "60", "promote"]);
        self.run(&mut c, "pg_ctl promote");
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn connect(&self) -> Connection {
        Connection::connect(&self.url()).unwrap()
    }

    fn append_conf(&self, file: &str, text: &str) {
        use std::io::Write;
        let mut f = fs::OpenOptions::new()
            .append(true)
            .open(self.data().join(file))
            .unwrap();
        f.write_all(text.as_bytes()).unwrap();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if !self.stopped {
            let data = self.data();
            let mut c = self.command("pg_ctl");
            c.arg("-D")
                .arg(&data)
                .args(["-m", "immediate", "-w", "-t", "30", "stop"]);
            let _ = c.stdin(Stdio::null()).output();
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// A primary, and a hot-standby replica streaming from it. With `synchronous`, the
/// primary's commits wait for the replica to have the WAL (`synchronous_standby_names`),
/// so that a failover loses nothing acknowledged.
pub fn pair(synchronous: bool) -> (Node, Node) {
    let (primary, mut replicas) = primary_and_replicas(1, synchronous);
    (primary, replicas.remove(0))
}

/// A primary and `n` hot-standby replicas streaming from it (see [`pair`]).
pub fn primary_and_replicas(n: usize, synchronous: bool) -> (Node, Vec<Node>) {
    let mut primary = Node::new("primary");
    let data = primary.data();
    let mut c = primary.command("initdb");
    c.arg("-D")
        .arg(&data)
        .args(["-U", "postgres", "-E", "UTF8", "--auth=trust", "--no-sync"]);
    primary.run(&mut c, "initdb");
    primary.append_conf(
        "postgresql.conf",
        &format!(
            "\nport = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\n\
             wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\nfsync = off\n\
             full_page_writes = off\nmax_standby_streaming_delay = 100ms\n\
             wal_receiver_status_interval = 1s\n{}",
            primary.port,
            primary.dir.display(),
            if synchronous {
                "synchronous_standby_names = '*'\n"
            } else {
                ""
            },
        ),
    );
    primary.append_conf("pg_hba.conf", "\nhost replication all 127.0.0.1/32 trust\n");
    primary.start();

    let replicas: Vec<Node> = (0..n).map(|_| replica_of(&primary)).collect();
    // Until the replicas stream (a synchronous primary waits for one to commit).
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut conn = primary.connect();
    let want = n.to_string();
    loop {
        let rows = conn
            .query_text("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
            .unwrap();
        if rows[0][0].as_deref() == Some(want.as_str()) {
            break;
        }
        assert!(Instant::now() < deadline, "the replicas do not stream");
        std::thread::sleep(Duration::from_millis(50));
    }
    (primary, replicas)
}

/// A replica of `primary`, started.
fn replica_of(primary: &Node) -> Node {
    let mut replica = Node::new("replica");
    let rdata = replica.data();
    let port = primary.port.to_string();
    let mut c = replica.command("pg_basebackup");
    c.arg("-D").arg(&rdata).args([
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-U",
        "postgres",
        "-R",
        "-X",
        "stream",
    ]);
    replica.run(&mut c, "pg_basebackup");
    // The copied configuration names the primary's port and socket directory.
    replica.append_conf(
        "postgresql.conf",
        &format!(
            "\nport = {}\nunix_socket_directories = '{}'\nsynchronous_standby_names = ''\n",
            replica.port,
            replica.dir.display()
        ),
    );
    replica.start();
    replica
}

/// Waits (at most 30 s) until `replica` has replayed everything `primary` wrote so far.
pub fn catch_up(primary: &Node, replica: &Node) {
    let lsn = primary
        .connect()
        .query_text("SELECT pg_current_wal_lsn()")
        .unwrap()[0][0]
        .clone()
        .unwrap();
    let mut conn = replica.connect();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let rows = conn
            .query_text(&format!(
                "SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"
            ))
            .unwrap();
        if rows[0][0].as_deref() == Some("t") {
            return;
        }
        assert!(Instant::now() < deadline, "the replica does not catch up");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether the session is on a hot standby, and the server's port.
pub fn where_am_i(conn: &mut Connection) -> (bool, u16) {
    let rows = conn
        .query_text("SELECT pg_is_in_recovery(), inet_server_port()")
        .unwrap();
    (
        rows[0][0].as_deref() == Some("t"),
        rows[0][1].as_deref().unwrap().parse().unwrap(),
    )
}
