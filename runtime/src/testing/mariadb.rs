//! Throwaway MariaDB servers and databases for tests (features `testing` and `mysql`).
//!
//! [`mariadb_database()`] gives each caller a fresh, empty database, dropped when the
//! returned [`MariadbDatabase`] is dropped. Where the server comes from:
//!
//! 1. `MARIADB_URL` set (`mysql://user:password@host:port/`): that server; the user must
//!    be allowed to create and drop databases.
//! 2. Otherwise a server of this test process, started on first use from the machine's
//!    `mariadb-install-db` and `mariadbd` (Debian: `apt-get install mariadb-server`): a
//!    data directory in a temp dir, its own socket there, a free TCP port on 127.0.0.1,
//!    none of the machine's option files read, so it neither depends on nor disturbs a
//!    system MariaDB. A watcher stops it and removes its directory once the process exits.
//! 3. Neither: an error that says how to install MariaDB or set `MARIADB_URL`.
//!
//! [`MariadbServer::start`] starts a server of its own for one test (stopped and removed
//! when dropped); [`MariadbServer::start_with_tls`] one that also offers TLS with the
//! certificates a test made.

use super::{fail, is_root, TestingError};
use crate::backend::Mysql;
use crate::engine::{Connection, DatabaseUrl, Error};
use std::fmt;
use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const INSTALL_HELP: &str = "sqlwright::testing needs MariaDB for MySQL tests. Either install \
it (Debian/Ubuntu: `apt-get install mariadb-server`; Fedora: `dnf install mariadb-server`; \
macOS: `brew install mariadb`), so that `mariadbd` and `mariadb-install-db` are found on \
PATH or in /usr/sbin; or set MARIADB_URL to a server where the user may create databases, \
e.g. MARIADB_URL=mysql://root:secret@127.0.0.1:3306/";

/// The longest a new server may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest a server may take to stop after SIGTERM before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// The user the tests connect as (created with a password when the server starts).
pub(super) const TEST_USER: &str = "sqlwright";

/// Where `name` is: on PATH, or in the places distributions put the server.
pub(super) fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(
            [
                "/usr/sbin",
                "/usr/bin",
                "/usr/libexec",
                "/usr/local/bin",
                "/usr/local/sbin",
            ]
            .into_iter()
            .map(PathBuf::from),
        )
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// A MariaDB server of its own: `mariadbd` on a free port of 127.0.0.1 with its socket
/// and data in a temp dir. Stopped (SIGTERM, then SIGKILL after 30 s) and its directory
/// removed when dropped.
pub struct MariadbServer {
    child: Child,
    dir: PathBuf,
    port: u16,
    password: String,
}

impl fmt::Debug for MariadbServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "MariadbServer(port {}, pid {})",
            self.port,
            self.child.id()
        )
    }
}

/// The certificates a [`MariadbServer`] offers TLS with, as PEM text: its own certificate
/// chain and key, and the CA certificates it checks client certificates against (for users
/// created `REQUIRE X509`).
#[derive(Debug, Clone, Copy)]
pub struct ServerTls<'a> {
    /// The server's certificate (then any intermediates).
    pub cert: &'a str,
    /// Its private key.
    pub key: &'a str,
    /// The CA certificates client certificates must be signed by.
    pub ca: &'a str,
}

impl MariadbServer {
    /// Initialises a data directory and starts `mariadbd` on it, waiting (at most a
    /// minute) until it accepts connections; then creates the test user. The server offers
    /// no TLS (its greeting lacks `CLIENT_SSL`).
    pub fn start() -> Result<MariadbServer, TestingError> {
        Self::start_with(None)
    }

    /// [`start`](Self::start), the server offering TLS with `tls`'s certificates
    /// (`--ssl-cert`, `--ssl-key`, `--ssl-ca`, written into its directory).
    pub fn start_with_tls(tls: ServerTls<'_>) -> Result<MariadbServer, TestingError> {
        Self::start_with(Some(tls))
    }

    fn start_with(tls: Option<ServerTls<'_>>) -> Result<MariadbServer, TestingError> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let server = find_program("mariadbd").ok_or_else(|| fail(INSTALL_HELP))?;
        let install = find_program("mariadb-install-db")
            .or_else(|| find_program("mysql_install_db"))
            .ok_or_else(|| fail(INSTALL_HELP))?;
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("sqlwright-mariadb-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir)
            .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
        let root = is_root();
        // mariadbd refuses to run as root unless told to; no option file is read.
        // Temporary files go in the server's own directory: two servers starting at once
        // must not meet in /tmp.
        let common = |c: &mut Command| {
            c.arg("--no-defaults");
            if root {
                c.arg("--user=root");
            }
            c.arg(format!("--tmpdir={}", dir.display()))
                .args(["--innodb-log-file-size=8M", "--innodb-use-native-aio=0"]);
        };
        // Whatever fails before the server runs leaves no directory behind.
        let gone = |e: TestingError| {
            let _ = fs::remove_dir_all(&dir);
            e
        };
        let data = dir.join("data");
        let mut init = Command::new(&install);
        common(&mut init);
        init.arg(format!("--datadir={}", data.display()))
            .args(["--auth-root-authentication-method=normal", "--skip-test-db"]);
        let out = init
            .stdin(Stdio::null())
            .output()
            .map_err(|e| gone(fail(format!("cannot run {}: {e}", install.display()))))?;
        if !out.status.success() {
            return Err(gone(fail(format!(
                "mariadb-install-db failed ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))));
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| gone(fail(format!("cannot find a free port: {e}"))))?;
        let mut command = Command::new(&server);
        common(&mut command);
        if let Some(tls) = tls {
            for (option, file, text) in [
                ("--ssl-cert", "server-cert.pem", tls.cert),
                ("--ssl-key", "server-key.pem", tls.key),
                ("--ssl-ca", "ca.pem", tls.ca),
            ] {
                let path = dir.join(file);
                fs::write(&path, text)
                    .map_err(|e| gone(fail(format!("cannot write {}: {e}", path.display()))))?;
                command.arg(format!("{option}={}", path.display()));
            }
        }
        command
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", dir.join("mysqld.sock").display()))
            .arg(format!("--pid-file={}", dir.join("mysqld.pid").display()))
            .arg(format!("--log-error={}", dir.join("server.log").display()))
            .arg(format!("--port={port}"))
            .args([
                "--bind-address=127.0.0.1",
                "--skip-name-resolve",
                "--character-set-server=utf8mb4",
                "--innodb-buffer-pool-size=32M",
                "--innodb-flush-log-at-trx-commit=0",
                "--performance-schema=OFF",
                "--max-connections=200",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let child = command
            .spawn()
            .map_err(|e| gone(fail(format!("cannot run {}: {e}", server.display()))))?;
        let mut started = MariadbServer {
            child,
            dir,
            port,
            password: format!("pw-{}-{n}", std::process::id()),
        };
        // On failure from here on, dropping `started` stops the server and removes the
        // directory.
        started.wait_ready()?;
        started.create_user()?;
        Ok(started)
    }

    /// Waits until the server answers on its socket, or fails with its log.
    fn wait_ready(&mut self) -> Result<(), TestingError> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(fail(format!(
                    "mariadbd exited ({status}) while starting; its log:\n{}",
                    self.log()
                )));
            }
            if self.root_connection().is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(fail(format!(
                    "mariadbd did not accept connections within {} s; its log:\n{}",
                    START_TIMEOUT.as_secs(),
                    self.log()
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A connection as the server's `root` user (no password), over its socket.
    fn root_connection(&self) -> Result<Connection<Mysql>, Error> {
        let socket = self.socket().to_string_lossy().into_owned();
        crate::backend::mysql::open_socket(&socket, "root", Duration::from_secs(5))
    }

    /// Creates the password-protected user the tests connect as over TCP.
    fn create_user(&self) -> Result<(), TestingError> {
        let mut root = self
            .root_connection()
            .map_err(|e| fail(format!("cannot connect to the new MariaDB server: {e}")))?;
        // The password is ours (letters, digits and `-`), never a caller's text.
        let host = format!("'{TEST_USER}'@'127.0.0.1'");
        root.batch_execute(&format!(
            "CREATE USER {host} IDENTIFIED BY '{}'; \
             GRANT ALL PRIVILEGES ON *.* TO {host} WITH GRANT OPTION",
            self.password
        ))
        .map_err(|e| fail(format!("cannot create the test user: {e}")))
    }

    /// The URL of the server as the test user, naming no database.
    pub fn url(&self) -> DatabaseUrl {
        DatabaseUrl::parse(&format!(
            "mysql://{TEST_USER}:{}@127.0.0.1:{}/",
            self.password, self.port
        ))
        .expect("a URL built from a port number parses")
    }

    /// Its TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its Unix socket.
    pub fn socket(&self) -> PathBuf {
        self.dir.join("mysqld.sock")
    }

    /// The process id of its `mariadbd`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its directory (data, socket, log), removed when the server is dropped.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// Hands the server to a watcher that stops it and removes its directory once this
    /// process has exited (for the server shared by a process's tests, which no one drops).
    fn stop_at_exit(self) {
        let script = format!(
            r#"
while kill -0 {owner} 2>/dev/null; do sleep 1; done
kill -TERM {pid} 2>/dev/null
i=0
while kill -0 {pid} 2>/dev/null && [ "$i" -lt {limit} ]; do sleep 1; i=$((i+1)); done
kill -KILL {pid} 2>/dev/null
rm -rf '{dir}'
"#,
            owner = std::process::id(),
            pid = self.child.id(),
            limit = STOP_TIMEOUT.as_secs(),
            dir = self.dir.display(),
        );
        let _ = Command::new("setsid")
            .args(["sh", "-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        // The watcher owns the server now: nothing is stopped or removed here.
        std::mem::forget(self);
    }
}

impl Drop for MariadbServer {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + STOP_TIMEOUT;
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) | Err(_) => break,
                Ok(None) if Instant::now() > deadline => {
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// A fresh MariaDB database (utf8mb4, binary no-pad collation: text compares byte for
/// byte, as on PostgreSQL), dropped when this value is dropped.
pub struct MariadbDatabase {
    url: DatabaseUrl,
    admin: DatabaseUrl,
    name: String,
}

impl fmt::Debug for MariadbDatabase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MariadbDatabase({})", self.url)
    }
}

impl MariadbDatabase {
    /// The database's URL (its password is redacted when displayed).
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A new connection to the database.
    pub fn connect(&self) -> Result<Connection<Mysql>, Error> {
        Connection::<Mysql>::open_url(&self.url)
    }
}

impl Drop for MariadbDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = Connection::<Mysql>::open_url(&self.admin) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {}", quoted(&self.name)));
        }
    }
}

/// `name` as a MySQL identifier: in backticks, embedded backticks doubled.
fn quoted(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A fresh MariaDB database; panics with a message saying what to install when there is
/// no MariaDB to use. For tests, where a panic is the failure.
pub fn mariadb_database() -> MariadbDatabase {
    try_mariadb_database().unwrap_or_else(|e| panic!("{e}"))
}

/// A fresh MariaDB database, or why there is none.
pub fn try_mariadb_database() -> Result<MariadbDatabase, TestingError> {
    static SERVER: OnceLock<Result<DatabaseUrl, TestingError>> = OnceLock::new();
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let admin = SERVER.get_or_init(shared_server).clone()?;
    let name = format!(
        "sqlwright_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = Connection::<Mysql>::open_url(&admin)
        .map_err(|e| fail(format!("cannot reach the MariaDB test server {admin}: {e}")))?;
    let name_sql = quoted(&name);
    conn.batch_execute(&format!(
        "DROP DATABASE IF EXISTS {name_sql}; \
         CREATE DATABASE {name_sql} CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin"
    ))
    .map_err(|e| fail(format!("cannot create test database {name}: {e}")))?;
    Ok(MariadbDatabase {
        url: admin.with_database(&name),
        admin,
        name,
    })
}

fn shared_server() -> Result<DatabaseUrl, TestingError> {
    match std::env::var("MARIADB_URL") {
        Ok(url) if !url.trim().is_empty() => DatabaseUrl::parse(url.trim())
            .map_err(|e| fail(format!("MARIADB_URL is not usable: {e}"))),
        _ => {
            let server = MariadbServer::start()?;
            let url = server.url();
            server.stop_at_exit();
            Ok(url)
        }
    }
}
