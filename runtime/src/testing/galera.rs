//! A throwaway MariaDB Galera cluster on loopback for tests (features `testing` and
//! `mysql`): the scale-out test of the MySQL backend.
//!
//! [`GaleraCluster::start`] starts three `mariadbd` nodes on 127.0.0.1, each with its own
//! SQL, group-communication (gcomm), incremental-transfer (IST) and state-transfer (SST)
//! port and its own directory under one temp dir. The first node bootstraps a new cluster
//! (`--wsrep-new-cluster`) from a data directory made by `mariadb-install-db`; the others
//! join one at a time with an empty data directory and receive the first node's data by
//! an rsync state transfer. Each start waits (bounded) until the node reports itself
//! `Synced` and ready in a cluster of the expected size. Dropping the cluster stops every
//! node (SIGTERM, then SIGKILL after 30 s), reaps them and removes the directory.
//!
//! It needs MariaDB's server (`mariadbd`, `mariadb-install-db`, `wsrep_sst_rsync`), the
//! Galera 4 provider library (Debian: `galera-4`) and `rsync`; without them `start` is a
//! [`TestingError`] saying what to install.

use super::mariadb::{find_program, TEST_USER};
use super::{fail, is_root, TestingError};
use crate::backend::Mysql;
use crate::engine::{Connection, DatabaseUrl, Error};
use std::fmt;
use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Where distributions put the Galera 4 provider library.
const PROVIDER_PATHS: &[&str] = &[
    "/usr/lib/galera/libgalera_smm.so",
    "/usr/lib/galera-4/libgalera_smm.so",
    "/usr/lib/libgalera_smm.so",
    "/usr/lib64/galera-4/libgalera_smm.so",
    "/usr/lib64/galera/libgalera_smm.so",
    "/usr/local/lib/galera/libgalera_smm.so",
];

const INSTALL_HELP: &str = "sqlwright::testing's GaleraCluster needs MariaDB's server \
(mariadbd, mariadb-install-db, wsrep_sst_rsync), the Galera 4 provider library \
(libgalera_smm.so) and rsync. Debian/Ubuntu: `apt-get install mariadb-server galera-4 rsync`; \
Fedora: `dnf install mariadb-server-galera rsync`";

/// The most nodes a cluster may have here (each is a server process on this machine).
const MAX_NODES: usize = 5;

/// The longest one node may take to start (a joiner: to receive the state and sync).
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// The longest a node may take to stop after SIGTERM before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// The loopback ports of one node.
#[derive(Clone, Copy, Debug)]
struct Ports {
    sql: u16,
    gcomm: u16,
    ist: u16,
    sst: u16,
}

struct Node {
    /// `None` once the node was killed (and reaped).
    child: Option<Child>,
    ports: Ports,
    dir: PathBuf,
}

/// A MariaDB Galera cluster of its own on 127.0.0.1 (see the module's documentation).
/// Nodes are numbered from 0; node 0 bootstrapped the cluster.
pub struct GaleraCluster {
    dir: PathBuf,
    password: String,
    nodes: Vec<Node>,
}

impl fmt::Debug for GaleraCluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for node in &self.nodes {
            match &node.child {
                Some(child) => {
                    list.entry(&format_args!("port {} pid {}", node.ports.sql, child.id()))
                }
                None => list.entry(&format_args!("port {} killed", node.ports.sql)),
            };
        }
        list.finish()
    }
}

/// The Galera provider library: the first of `candidates` that exists.
fn find_provider(candidates: &[&str]) -> Result<PathBuf, TestingError> {
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .ok_or_else(|| {
            fail(format!(
                "the Galera provider library is not installed (looked for {}). {INSTALL_HELP}",
                candidates.join(", ")
            ))
        })
}

/// The user and group ids of `nobody` in a passwd file's text.
fn nobody_ids(passwd: &str) -> Option<(u32, u32)> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        if fields.next()? != "nobody" {
            return None;
        }
        let _password = fields.next()?;
        let uid = fields.next()?.parse().ok()?;
        let gid = fields.next()?.parse().ok()?;
        Some((uid, gid))
    })
}

/// `count` free loopback ports, all held open at once so that none is handed out twice.
fn free_ports(count: usize) -> Result<Vec<u16>, TestingError> {
    let listeners = (0..count)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(format!("cannot find a free port: {e}")))?;
    listeners
        .iter()
        .map(|l| l.local_addr().map(|a| a.port()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(format!("cannot find a free port: {e}")))
}

impl GaleraCluster {
    /// Starts a three-node cluster and waits until all three are synced in one cluster.
    pub fn start() -> Result<GaleraCluster, TestingError> {
        Self::start_nodes(3)
    }

    /// Starts a cluster of `count` nodes (1 to 5): node 0 bootstraps it, the others join
    /// one at a time, each waited for (at most two minutes) until it is synced.
    pub fn start_nodes(count: usize) -> Result<GaleraCluster, TestingError> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        if count == 0 || count > MAX_NODES {
            return Err(fail(format!(
                "a GaleraCluster has 1 to {MAX_NODES} nodes, not {count}"
            )));
        }
        let server = find_program("mariadbd").ok_or_else(|| fail(INSTALL_HELP))?;
        let install = find_program("mariadb-install-db")
            .or_else(|| find_program("mysql_install_db"))
            .ok_or_else(|| fail(INSTALL_HELP))?;
        let provider = find_provider(PROVIDER_PATHS)?;
        for needed in ["wsrep_sst_rsync", "rsync"] {
            if find_program(needed).is_none() {
                return Err(fail(format!(
                    "`{needed}` is not installed (the joining nodes receive their data \
                     by an rsync state transfer). {INSTALL_HELP}"
                )));
            }
        }
        // As root, rsync's daemon (the receiving end of a state transfer) runs as
        // `nobody`: a joiner's data directory must be that user's.
        let owner = if is_root() {
            let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
            Some(nobody_ids(&passwd).ok_or_else(|| {
                fail(
                    "running as root, the rsync state transfer needs a `nobody` user \
                     (rsync's daemon switches to it), and /etc/passwd has none",
                )
            })?)
        } else {
            None
        };
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("sqlwright-galera-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir)
            .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
        // From here on, dropping `cluster` stops what runs and removes the directory.
        let mut cluster = GaleraCluster {
            dir,
            password: format!("pw-{}-{n}", std::process::id()),
            nodes: Vec::with_capacity(count),
        };
        let ports = free_ports(4 * count)?;
        let ports: Vec<Ports> = ports
            .chunks(4)
            .map(|p| Ports {
                sql: p[0],
                gcomm: p[1],
                ist: p[2],
                sst: p[3],
            })
            .collect();
        let members = ports
            .iter()
            .map(|p| format!("127.0.0.1:{}", p.gcomm))
            .collect::<Vec<_>>()
            .join(",");
        let launch = Launch {
            server: &server,
            provider: &provider,
            members: &members,
        };
        for (i, node_ports) in ports.iter().enumerate() {
            let node_dir = cluster.dir.join(format!("node{i}"));
            let data = node_dir.join("data");
            if i == 0 {
                fs::create_dir_all(&node_dir)
                    .map_err(|e| fail(format!("cannot create {}: {e}", node_dir.display())))?;
                install_db(&install, &node_dir, &data)?;
            } else {
                // A joiner starts empty: the state transfer brings everything.
                fs::create_dir_all(&data)
                    .map_err(|e| fail(format!("cannot create {}: {e}", data.display())))?;
                if let Some((uid, gid)) = owner {
                    std::os::unix::fs::chown(&data, Some(uid), Some(gid)).map_err(|e| {
                        fail(format!("cannot give {} to nobody: {e}", data.display()))
                    })?;
                }
            }
            let child = launch.spawn(&node_dir, *node_ports, i == 0)?;
            cluster.nodes.push(Node {
                child: Some(child),
                ports: *node_ports,
                dir: node_dir,
            });
            cluster.wait_synced(i, i + 1)?;
            if i == 0 {
                // Made before anyone joins: the joiners receive the user with the data.
                cluster.create_user()?;
            }
        }
        // A donor is back to `Synced` a moment after its joiner: every node is, before
        // anyone uses the cluster.
        for i in 0..count {
            cluster.wait_synced(i, count)?;
        }
        Ok(cluster)
    }

    /// How many nodes the cluster was started with (killed ones included).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    fn node(&self, node: usize) -> Result<&Node, TestingError> {
        self.nodes.get(node).ok_or_else(|| {
            fail(format!(
                "the cluster has nodes 0 to {}, not {node}",
                self.nodes.len().saturating_sub(1)
            ))
        })
    }

    /// The URL of node `node` as the test user (with a password, over TCP), naming no
    /// database.
    pub fn url(&self, node: usize) -> Result<DatabaseUrl, TestingError> {
        let port = self.node(node)?.ports.sql;
        DatabaseUrl::parse(&format!(
            "mysql://{TEST_USER}:{}@127.0.0.1:{port}/",
            self.password
        ))
        .map_err(|e| fail(format!("the URL of node {node} does not parse: {e}")))
    }

    /// The process id of node `node`'s `mariadbd`; `None` once it was killed.
    pub fn pid(&self, node: usize) -> Option<u32> {
        self.nodes.get(node)?.child.as_ref().map(Child::id)
    }

    /// Kills node `node` with SIGKILL (no shutdown: what a crash or a pulled plug does)
    /// and reaps it. Its directory stays until the cluster is dropped.
    pub fn kill(&mut self, node: usize) -> Result<(), TestingError> {
        self.node(node)?;
        let Some(mut child) = self.nodes[node].child.take() else {
            return Err(fail(format!("node {node} was already killed")));
        };
        // `Child::kill` sends SIGKILL on Unix.
        let killed = child.kill();
        let _ = child.wait();
        killed.map_err(|e| fail(format!("cannot kill node {node}: {e}")))
    }

    /// Waits (at most two minutes) until node `node` is synced and ready in a cluster of
    /// `size` nodes: after a kill, until the survivors have formed their new view.
    pub fn wait_for_size(&mut self, node: usize, size: usize) -> Result<(), TestingError> {
        self.node(node)?;
        self.wait_synced(node, size)
    }

    /// Node `node`'s server log so far (empty when there is none).
    pub fn log(&self, node: usize) -> String {
        self.nodes
            .get(node)
            .and_then(|n| fs::read_to_string(n.dir.join("server.log")).ok())
            .unwrap_or_default()
    }

    /// The cluster's directory (every node's data, socket and log), removed on drop.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A connection as node `node`'s `root` user, over its socket.
    fn root_connection(&self, node: usize) -> Result<Connection<Mysql>, Error> {
        let socket = self.nodes[node].dir.join("mysqld.sock");
        let socket = socket.to_string_lossy().into_owned();
        crate::backend::mysql::open_socket(&socket, "root", Duration::from_secs(10))
    }

    /// Whether node `node` is synced and ready in a cluster of `size` nodes.
    fn is_synced(&self, node: usize, size: usize) -> bool {
        let Ok(mut conn) = self.root_connection(node) else {
            return false;
        };
        let status = match conn.query_text(
            "SHOW GLOBAL STATUS WHERE Variable_name IN \
             ('wsrep_ready', 'wsrep_local_state_comment', 'wsrep_cluster_size')",
        ) {
            Ok(rows) => rows,
            Err(_) => return false,
        };
        let value = |name: &str| {
            status.iter().find_map(|row| match row.as_slice() {
                [Some(n), Some(v)] if n.eq_ignore_ascii_case(name) => Some(v.as_str()),
                _ => None,
            })
        };
        value("wsrep_ready") == Some("ON")
            && value("wsrep_local_state_comment") == Some("Synced")
            && value("wsrep_cluster_size") == Some(size.to_string().as_str())
    }

    fn wait_synced(&mut self, node: usize, size: usize) -> Result<(), TestingError> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let Some(child) = self.nodes[node].child.as_mut() else {
                return Err(fail(format!("node {node} was killed")));
            };
            if let Ok(Some(status)) = child.try_wait() {
                return Err(fail(format!(
                    "node {node}'s mariadbd exited ({status}); its log:\n{}",
                    self.log(node)
                )));
            }
            if self.is_synced(node, size) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(fail(format!(
                    "node {node} was not synced in a cluster of {size} within {} s; its log:\n{}",
                    START_TIMEOUT.as_secs(),
                    self.log(node)
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Creates the password-protected user the tests connect as over TCP (on node 0,
    /// before anyone joins).
    fn create_user(&self) -> Result<(), TestingError> {
        let mut root = self
            .root_connection(0)
            .map_err(|e| fail(format!("cannot connect to node 0: {e}")))?;
        // The password is ours (letters, digits and `-`), never a caller's text.
        let host = format!("'{TEST_USER}'@'127.0.0.1'");
        root.batch_execute(&format!(
            "CREATE USER {host} IDENTIFIED BY '{}'; \
             GRANT ALL PRIVILEGES ON *.* TO {host} WITH GRANT OPTION",
            self.password
        ))
        .map_err(|e| fail(format!("cannot create the test user: {e}")))
    }
}

/// Runs `mariadb-install-db` into `data` (node 0's: the joiners get theirs by transfer).
fn install_db(install: &Path, node_dir: &Path, data: &Path) -> Result<(), TestingError> {
    let mut init = Command::new(install);
    init.arg("--no-defaults");
    if is_root() {
        init.arg("--user=root");
    }
    let out = init
        .arg(format!("--tmpdir={}", node_dir.display()))
        .args(["--innodb-log-file-size=8M", "--innodb-use-native-aio=0"])
        .arg(format!("--datadir={}", data.display()))
        .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| fail(format!("cannot run {}: {e}", install.display())))?;
    if !out.status.success() {
        return Err(fail(format!(
            "mariadb-install-db failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(())
}

/// What every node's command line shares.
struct Launch<'a> {
    server: &'a Path,
    provider: &'a Path,
    /// Every node's gcomm address, `127.0.0.1:P,...`.
    members: &'a str,
}

impl Launch<'_> {
    /// Starts one node's `mariadbd` (no option file read; the machine's MariaDB, if any,
    /// shares nothing with it).
    fn spawn(&self, dir: &Path, ports: Ports, bootstrap: bool) -> Result<Child, TestingError> {
        let mut command = Command::new(self.server);
        command.arg("--no-defaults");
        if is_root() {
            command.arg("--user=root");
        }
        command
            .arg(format!("--tmpdir={}", dir.display()))
            .arg(format!("--datadir={}", dir.join("data").display()))
            .arg(format!("--socket={}", dir.join("mysqld.sock").display()))
            .arg(format!("--pid-file={}", dir.join("mysqld.pid").display()))
            .arg(format!("--log-error={}", dir.join("server.log").display()))
            .arg(format!("--port={}", ports.sql))
            .args([
                "--bind-address=127.0.0.1",
                "--skip-name-resolve",
                "--character-set-server=utf8mb4",
                "--innodb-log-file-size=8M",
                "--innodb-use-native-aio=0",
                "--innodb-buffer-pool-size=32M",
                "--innodb-flush-log-at-trx-commit=0",
                "--performance-schema=OFF",
                "--max-connections=100",
                // What Galera requires of the server.
                "--binlog-format=ROW",
                "--default-storage-engine=InnoDB",
                "--innodb-autoinc-lock-mode=2",
                "--wsrep-on=ON",
                "--wsrep-cluster-name=sqlwright-test",
                "--wsrep-node-address=127.0.0.1",
                "--wsrep-sst-method=rsync",
            ])
            .arg(format!("--wsrep-provider={}", self.provider.display()))
            .arg(format!("--wsrep-cluster-address=gcomm://{}", self.members))
            .arg(format!(
                "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:{}; \
                 ist.recv_addr=127.0.0.1:{}; gcache.size=16M",
                ports.gcomm, ports.ist
            ))
            .arg(format!(
                "--wsrep-sst-receive-address=127.0.0.1:{}",
                ports.sst
            ));
        if bootstrap {
            command.arg("--wsrep-new-cluster");
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| fail(format!("cannot run {}: {e}", self.server.display())))
    }
}

impl Drop for GaleraCluster {
    fn drop(&mut self) {
        // All at once: a node leaving waits for nobody, and the last one needs no quorum.
        for child in self.nodes.iter().filter_map(|n| n.child.as_ref()) {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
        }
        let deadline = Instant::now() + STOP_TIMEOUT;
        for child in self.nodes.iter_mut().filter_map(|n| n.child.as_mut()) {
            loop {
                match child.try_wait() {
                    Ok(Some(_)) | Err(_) => break,
                    Ok(None) if Instant::now() > deadline => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break;
                    }
                    Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                }
            }
        }
        let _ = fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_provider_is_an_error_saying_what_to_install() {
        let err = find_provider(&["/nonexistent/libgalera_smm.so"]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("/nonexistent/libgalera_smm.so"), "{text}");
        assert!(text.contains("galera-4"), "{text}");
    }

    #[test]
    fn nobody_is_read_from_passwd() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                      nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
        assert_eq!(nobody_ids(passwd), Some((65534, 65534)));
        assert_eq!(nobody_ids("root:x:0:0::/:/bin/sh\n"), None);
        assert_eq!(nobody_ids("nobody:x:many:1::/:\n"), None);
    }

    #[test]
    fn a_cluster_has_one_to_five_nodes() {
        for count in [0, MAX_NODES + 1] {
            let err = GaleraCluster::start_nodes(count).unwrap_err();
            assert!(err.to_string().contains("1 to 5 nodes"), "{err}");
        }
    }
}
