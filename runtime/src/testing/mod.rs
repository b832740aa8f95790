//! Throwaway PostgreSQL, SQLite and MariaDB databases for tests (feature `testing`).
//!
//! [`sqlite_database()`] (feature `sqlite` too) gives a fresh SQLite file in a temporary
//! directory, removed when dropped. `mariadb_database()` (feature `mysql` too) gives a
//! fresh database on a throwaway MariaDB server (see `MariadbServer`); `GaleraCluster` starts
//! a three-node MariaDB Galera cluster on loopback.
//!
//! [`database()`] gives each caller a fresh, empty database, dropped when the returned
//! [`TestDatabase`] is dropped. Where the server comes from:
//!
//! 1. `DATABASE_URL` set: that server; databases are created there and dropped after.
//! 2. Otherwise a throwaway cluster started from the machine's `initdb`/`pg_ctl` (found on
//!    `PATH`, through `pg_config --bindir`, or under `/usr/lib/postgresql/*/bin`; run as the
//!    `postgres` user when the tests run as root, since `initdb` refuses root). It listens
//!    on a free port of 127.0.0.1 with its socket in a temp dir, is shared by every test
//!    process of the run, and stops by itself a few seconds after the last one exits.
//! 3. Neither: an error that says how to install PostgreSQL or set `DATABASE_URL`.
//!
//! ```no_run
//! let db = sqlwright::testing::database();
//! let mut conn = db.connect().unwrap();
//! conn.batch_execute("CREATE TABLE t (id int4)").unwrap();
//! ```

use crate::engine::{Connection, DatabaseUrl, Error};

#[cfg(feature = "mysql")]
mod galera;
#[cfg(feature = "mysql")]
pub use galera::GaleraCluster;
#[cfg(feature = "mysql")]
mod mariadb;
#[cfg(feature = "mysql")]
pub use mariadb::{
    mariadb_database, try_mariadb_database, MariadbDatabase, MariadbServer, ServerTls,
};
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "sqlite")]
pub use sqlite::{sqlite_database, try_sqlite_database, SqliteDatabase};
use std::fmt;
use std::fs::{self, File};
use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Why no test database could be had.
#[derive(Debug, Clone)]
pub struct TestingError(String);

impl fmt::Display for TestingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for TestingError {}

fn fail(message: impl Into<String>) -> TestingError {
    TestingError(message.into())
}

const INSTALL_HELP: &str = "sqlwright::testing needs PostgreSQL. Either install it \
(Debian/Ubuntu: `apt-get install postgresql`; Fedora: `dnf install postgresql-server`; \
macOS: `brew install postgresql`), so that `initdb` and `pg_ctl` are found on PATH, through \
`pg_config --bindir` or under /usr/lib/postgresql/*/bin; or set DATABASE_URL to a server \
where the user may create databases, e.g. DATABASE_URL=postgres://postgres:secret@localhost/postgres";

/// A fresh database, dropped (with any open connections to it) when this value is dropped.
pub struct TestDatabase {
    url: DatabaseUrl,
    admin: DatabaseUrl,
    name: String,
}

impl fmt::Debug for TestDatabase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TestDatabase({})", self.url)
    }
}

impl TestDatabase {
    /// The database's URL (its password, if any, is redacted when displayed).
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A new connection to the database.
    pub fn connect(&self) -> Result<Connection, Error> {
        Connection::connect_url(&self.url)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = Connection::connect_url(&self.admin) {
            let mut sql = String::from("DROP DATABASE IF EXISTS ");
            push_ident(&mut sql, &self.name);
            sql.push_str(" WITH (FORCE)");
            let _ = admin.batch_execute(&sql);
        }
    }
}

fn push_ident(sql: &mut String, name: &str) {
    sql.push('"');
    sql.push_str(&name.replace('"', "\"\""));
    sql.push('"');
}

/// A fresh database; panics with a message saying what to install when there is no
/// PostgreSQL to use. For tests, where a panic is the failure.
pub fn database() -> TestDatabase {
    try_database().unwrap_or_else(|e| panic!("{e}"))
}

/// A fresh database, or why there is none.
pub fn try_database() -> Result<TestDatabase, TestingError> {
    static SERVER: OnceLock<Result<DatabaseUrl, TestingError>> = OnceLock::new();
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let admin = SERVER.get_or_init(server).clone()?;
    let name = format!(
        "sqlwright_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut conn = Connection::connect_url(&admin)
        .map_err(|e| fail(format!("cannot reach the test server {admin}: {e}")))?;
    let mut sql = String::from("DROP DATABASE IF EXISTS ");
    push_ident(&mut sql, &name);
    sql.push_str(" WITH (FORCE); CREATE DATABASE ");
    push_ident(&mut sql, &name);
    sql.push_str(" TEMPLATE template0 ENCODING 'UTF8'");
    // DROP/CREATE DATABASE cannot run in one implicit transaction: send them apart.
    for statement in sql.split("; ") {
        conn.batch_execute(statement)
            .map_err(|e| fail(format!("cannot create test database {name}: {e}")))?;
    }
    Ok(TestDatabase {
        url: admin.with_database(&name),
        admin,
        name,
    })
}

fn server() -> Result<DatabaseUrl, TestingError> {
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => DatabaseUrl::parse(url.trim())
            .map_err(|e| fail(format!("DATABASE_URL is not usable: {e}"))),
        _ => Cluster::shared().map(|c| c.url()),
    }
}

/// The throwaway cluster shared by the test processes of one user.
struct Cluster {
    dir: PathBuf,
    port: u16,
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn user_id() -> String {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| "user".into())
}

/// Where `initdb` and `pg_ctl` are.
fn find_bindir() -> Option<PathBuf> {
    let has_tools = |dir: &Path| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file();
    if let Some(path) = std::env::var_os("PATH") {
        if let Some(dir) = std::env::split_paths(&path).find(|d| has_tools(d)) {
            return Some(dir);
        }
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && has_tools(&dir) {
            return Some(dir);
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            has_tools(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

impl Cluster {
    fn url(&self) -> DatabaseUrl {
        DatabaseUrl::parse(&format!(
            "postgres://postgres@127.0.0.1:{}/postgres?application_name=sqlwright-tests",
            self.port
        ))
        .expect("a URL built from a port number parses")
    }

    fn shared() -> Result<Cluster, TestingError> {
        let bindir = find_bindir().ok_or_else(|| fail(INSTALL_HELP))?;
        let root = is_root();
        let dir = std::env::temp_dir().join(format!("sqlwright-pg-{}", user_id()));
        let lock_path = std::env::temp_dir().join(format!("sqlwright-pg-{}.lock", user_id()));
        let lock = File::create(&lock_path)
            .map_err(|e| fail(format!("cannot create {}: {e}", lock_path.display())))?;
        lock.lock()
            .map_err(|e| fail(format!("cannot lock {}: {e}", lock_path.display())))?;

        let running = fs::read_to_string(dir.join("port"))
            .ok()
            .and_then(|p| p.trim().parse::<u16>().ok())
            .filter(|port| {
                TcpStream::connect_timeout(
                    &SocketAddr::from(([127, 0, 0, 1], *port)),
                    Duration::from_secs(1),
                )
                .is_ok()
            });
        let cluster = match running {
            Some(port) => Cluster {
                dir: dir.clone(),
                port,
            },
            None => Cluster::start(&bindir, &dir, &lock_path, root, None)?,
        };
        let clients = cluster.dir.join("clients");
        fs::create_dir_all(&clients)
            .and_then(|_| File::create(clients.join(std::process::id().to_string())).map(drop))
            .map_err(|e| fail(format!("cannot register with the test cluster: {e}")))?;
        drop(lock);
        Ok(cluster)
    }

    fn start(
        bindir: &Path,
        dir: &Path,
        lock: &Path,
        root: bool,
        password: Option<&str>,
    ) -> Result<Cluster, TestingError> {
        let _ = fs::remove_dir_all(dir);
        fs::create_dir_all(dir.join("sock"))
            .and_then(|_| fs::create_dir_all(dir.join("clients")))
            .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
        if let Some(password) = password {
            fs::write(dir.join("pwfile"), format!("{password}\n"))
                .map_err(|e| fail(format!("cannot write the password file: {e}")))?;
        }
        if root {
            run(
                Command::new("chown").args(["-R", "postgres:"]).arg(dir),
                "chown",
            )?;
        }
        let as_owner = |program: &str| {
            let exe = bindir.join(program);
            if root {
                let mut c = Command::new("runuser");
                c.args(["-u", "postgres", "--"]).arg(exe);
                c
            } else {
                Command::new(exe)
            }
        };
        let data = dir.join("data");
        // A UTF-8 locale makes ILIKE and lower() work on non-ASCII text; C is the fallback.
        let initdb = |locale: &str| {
            let mut c = as_owner("initdb");
            c.arg("-D")
                .arg(&data)
                .args(["-U", "postgres", "-E", "UTF8"]);
            if password.is_some() {
                c.args([
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "--pwfile",
                ])
                .arg(dir.join("pwfile"));
            } else {
                c.arg("--auth=trust");
            }
            c.args(["--no-sync", locale]);
            run(&mut c, "initdb")
        };
        if initdb("--locale=C.UTF-8").is_err() {
            let _ = fs::remove_dir_all(&data);
            initdb("--locale=C")?;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| fail(format!("cannot find a free port: {e}")))?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            dir.join("sock").display()
        );
        run(
            as_owner("pg_ctl")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(dir.join("server.log"))
                .args(["-o", &options, "-w", "-t", "60", "start"]),
            "pg_ctl start",
        )
        .map_err(|e| {
            let log = fs::read_to_string(dir.join("server.log")).unwrap_or_default();
            fail(format!("{e}\nserver log:\n{log}"))
        })?;
        fs::File::create(dir.join("port"))
            .and_then(|mut f| writeln!(f, "{port}"))
            .map_err(|e| fail(format!("cannot write the port file: {e}")))?;
        spawn_reaper(bindir, dir, lock, root);
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err(fail(
                    "the test cluster started but does not accept connections",
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Cluster {
            dir: dir.to_path_buf(),
            port,
        })
    }
}

fn run(command: &mut Command, what: &str) -> Result<(), TestingError> {
    let out = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| fail(format!("cannot run {what}: {e}")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(fail(format!(
            "{what} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )))
    }
}

/// Starts a detached watcher that stops the cluster once no registered test process has
/// been alive for a few seconds (test binaries of one run follow each other closely).
fn spawn_reaper(bindir: &Path, dir: &Path, lock: &Path, root: bool) {
    let pg_ctl = bindir.join("pg_ctl");
    let stop = if root {
        format!(
            "runuser -u postgres -- '{}' -D '{}/data' -m immediate stop",
            pg_ctl.display(),
            dir.display()
        )
    } else {
        format!(
            "'{}' -D '{}/data' -m immediate stop",
            pg_ctl.display(),
            dir.display()
        )
    };
    let script = format!(
        r#"
idle=0
while :; do
  sleep 2
  [ -d '{dir}' ] || exit 0
  alive=0
  for f in '{dir}'/clients/*; do
    [ -e "$f" ] || continue
    if kill -0 "$(basename "$f")" 2>/dev/null; then alive=1; else rm -f "$f"; fi
  done
  if [ "$alive" = 1 ]; then idle=0; else idle=$((idle+1)); fi
  if [ "$idle" -ge 4 ]; then
    if flock '{lock}' sh -c '
      for f in "{dir}"/clients/*; do [ -e "$f" ] && kill -0 "$(basename "$f")" 2>/dev/null && exit 1; done
      {stop} >/dev/null 2>&1
      rm -rf "{dir}"
    '; then exit 0; fi
    idle=0
  fi
done
"#,
        dir = dir.display(),
        lock = lock.display(),
        stop = stop.replace('\'', "\""),
    );
    let _ = Command::new("setsid")
        .args(["sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
}

/// A PostgreSQL server of its own for one test, for what would disturb the shared one:
/// restarting it, or password authentication (its `postgres` user has a password, given
/// in [`url`](Self::url)). Stopped and removed when dropped.
pub struct PrivateServer {
    cluster: Cluster,
    lock: PathBuf,
    bindir: PathBuf,
    root: bool,
    password: String,
}

impl fmt::Debug for PrivateServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateServer(port {})", self.cluster.port)
    }
}

impl PrivateServer {
    /// Starts a new cluster from the machine's `initdb`/`pg_ctl` (never `DATABASE_URL`:
    /// the test needs to control the server).
    pub fn start() -> Result<PrivateServer, TestingError> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let bindir = find_bindir().ok_or_else(|| fail(INSTALL_HELP))?;
        let root = is_root();
        let name = format!(
            "sqlwright-pg-private-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let dir = std::env::temp_dir().join(&name);
        let lock = std::env::temp_dir().join(format!("{name}.lock"));
        File::create(&lock).map_err(|e| fail(format!("cannot create {}: {e}", lock.display())))?;
        let password = format!("pw-{}", std::process::id());
        let cluster = Cluster::start(&bindir, &dir, &lock, root, Some(&password))?;
        File::create(
            cluster
                .dir
                .join("clients")
                .join(std::process::id().to_string()),
        )
        .map_err(|e| fail(format!("cannot register with the private cluster: {e}")))?;
        Ok(PrivateServer {
            cluster,
            lock,
            bindir,
            root,
            password,
        })
    }

    /// The URL of its `postgres` database, password included.
    pub fn url(&self) -> DatabaseUrl {
        DatabaseUrl::parse(&format!(
            "postgres://postgres:{}@127.0.0.1:{}/postgres?application_name=sqlwright-tests",
            self.password, self.cluster.port
        ))
        .expect("a URL built from a port number parses")
    }

    /// The directory of its Unix socket.
    pub fn socket_dir(&self) -> PathBuf {
        self.cluster.dir.join("sock")
    }

    /// Its TCP port on 127.0.0.1 (the socket file carries the same number).
    pub fn port(&self) -> u16 {
        self.cluster.port
    }

    /// The password of its `postgres` user.
    pub fn password(&self) -> &str {
        &self.password
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<(), TestingError> {
        let exe = self.bindir.join("pg_ctl");
        let mut c = if self.root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        };
        c.arg("-D").arg(self.cluster.dir.join("data")).args(args);
        run(&mut c, "pg_ctl")
    }

    /// Restarts the server (fast shutdown: open sessions are ended), waiting until it
    /// accepts connections again.
    pub fn restart(&self) -> Result<(), TestingError> {
        // With its log in a file, the new server does not hold our output pipe open.
        let log = self.cluster.dir.join("server.log");
        let log = log.to_string_lossy();
        self.pg_ctl(&["-l", &log, "-m", "fast", "-w", "-t", "60", "restart"])?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", self.cluster.port)).is_err() {
            if Instant::now() > deadline {
                return Err(fail(
                    "the private cluster does not accept connections after restart",
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }
}

impl PrivateServer {
    /// Reconfigures the server and restarts it: writes `files` (name, contents) into its
    /// data directory, readable by the server alone (as a TLS key must be), appends
    /// `settings` to `postgresql.conf` (e.g. `ssl = on`), and, when `hba` is given,
    /// replaces `pg_hba.conf` with it.
    pub fn configure(
        &self,
        files: &[(&str, &[u8])],
        settings: &str,
        hba: Option<&str>,
    ) -> Result<(), TestingError> {
        use std::os::unix::fs::PermissionsExt;
        let data = self.cluster.dir.join("data");
        let write = |name: &str, contents: &[u8], mode: u32| {
            let path = data.join(name);
            fs::write(&path, contents)
                .and_then(|()| fs::set_permissions(&path, fs::Permissions::from_mode(mode)))
                .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?;
            if self.root {
                run(Command::new("chown").arg("postgres:").arg(&path), "chown")?;
            }
            Ok(())
        };
        for (name, contents) in files {
            if name.contains('/') || name.starts_with('.') {
                return Err(fail(format!("`{name}`: a file name in the data directory")));
            }
            write(name, contents, 0o600)?;
        }
        let conf = data.join("postgresql.conf");
        let mut text = fs::read_to_string(&conf)
            .map_err(|e| fail(format!("cannot read {}: {e}", conf.display())))?;
        text.push('\n');
        text.push_str(settings);
        text.push('\n');
        write("postgresql.conf", text.as_bytes(), 0o600)?;
        if let Some(hba) = hba {
            write("pg_hba.conf", hba.as_bytes(), 0o600)?;
        }
        self.restart()
    }

    /// The server's log so far (for a test to show when the server misbehaves).
    pub fn log(&self) -> String {
        fs::read_to_string(self.cluster.dir.join("server.log")).unwrap_or_default()
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        let _ = self.pg_ctl(&["-m", "immediate", "stop"]);
        let _ = fs::remove_dir_all(&self.cluster.dir);
        let _ = fs::remove_file(&self.lock);
    }
}
