//! Through a real PgBouncer in transaction mode (Debian's 1.18: no prepared statements
//! across transactions), many clients sharing two server connections: `Unnamed` statements
//! run every workload correctly; `Named` ones fail with a typed error, never wrong rows.

use crate::schema::*;
use sqlwright::prelude::*;
use sqlwright::testing::TestDatabase;
use sqlwright::{Error, StatementCacheMode};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Server connections PgBouncer opens to the database.
const POOL_SIZE: usize = 2;

/// A PgBouncer started for one test, in front of one test database; stopped on drop.
struct Bouncer {
    dir: PathBuf,
    port: u16,
    child: Child,
}

fn pgbouncer_binary() -> PathBuf {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain([
            "/usr/sbin".into(),
            "/usr/bin".into(),
            "/usr/local/bin".into(),
        ]);
    for dir in candidates {
        let exe = dir.join("pgbouncer");
        if exe.is_file() {
            return exe;
        }
    }
    panic!(
        "pgbouncer is not installed, and the PgBouncer tests need it: install it with \
         `apt-get install pgbouncer` (Debian/Ubuntu; scripts/test.sh does this), \
         `dnf install pgbouncer` or `brew install pgbouncer`"
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Bouncer {
    /// Starts PgBouncer in transaction mode with `POOL_SIZE` server connections to `db`,
    /// reachable as database `bouncer`.
    fn start(db: &TestDatabase) -> Bouncer {
        let exe = pgbouncer_binary();
        let target: postgres::Config = db.url().to_string_with_password().parse().unwrap();
        let host = match &target.get_hosts()[0] {
            postgres::config::Host::Tcp(h) => format!("host={h}"),
            postgres::config::Host::Unix(p) => format!("host={}", p.display()),
        };
        let port = target.get_ports().first().copied().unwrap_or(5432);
        let user = target.get_user().unwrap_or("postgres").to_string();
        let password = target
            .get_password()
            .map(|p| format!(" password={}", String::from_utf8_lossy(p)))
            .unwrap_or_default();
        let listen = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!(
            "sqlwright-pgbouncer-{}-{listen}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let ini = format!(
            "[databases]\n\
             bouncer = {host} port={port} dbname={name} user={user}{password}\n\
             [pgbouncer]\n\
             listen_addr = 127.0.0.1\n\
             listen_port = {listen}\n\
             unix_socket_dir =\n\
             auth_type = trust\n\
             auth_file = {dir}/userlist.txt\n\
             pool_mode = transaction\n\
             default_pool_size = {POOL_SIZE}\n\
             min_pool_size = 0\n\
             reserve_pool_size = 0\n\
             max_client_conn = 100\n\
             server_reset_query =\n\
             logfile = {dir}/pgbouncer.log\n\
             pidfile = {dir}/pgbouncer.pid\n",
            name = db.name(),
            dir = dir.display(),
        );
        std::fs::write(dir.join("pgbouncer.ini"), ini).unwrap();
        std::fs::write(dir.join("userlist.txt"), format!("\"{user}\" \"\"\n")).unwrap();
        // PgBouncer refuses to run as root: the cluster's own user runs it then.
        let mut command = if is_root() {
            let chown = Command::new("chown")
                .args(["-R", "postgres:"])
                .arg(&dir)
                .status()
                .unwrap();
            assert!(chown.success(), "chown of {} failed", dir.display());
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let child = command
            .arg(dir.join("pgbouncer.ini"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()));
        let bouncer = Bouncer {
            dir,
            port: listen,
            child,
        };
        bouncer.wait_ready();
        bouncer
    }

    fn url(&self) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/bouncer?connect_timeout=5",
            self.port
        )
    }

    /// A connection through PgBouncer keeping statements as `mode` says.
    fn connect(&self, mode: StatementCacheMode) -> Connection {
        let mut conn = Connection::connect(&self.url()).expect("connect through pgbouncer");
        conn.set_request_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        conn.set_statement_cache_mode(mode);
        conn
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(mut c) = Connection::connect(&self.url()) {
                if c.batch_execute("SELECT 1").is_ok() {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "pgbouncer did not start within 15 s; its log:\n{}",
                std::fs::read_to_string(self.dir.join("pgbouncer.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn pid(path: &Path) -> Option<String> {
        let pid = std::fs::read_to_string(path).ok()?;
        let pid = pid.trim();
        (!pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())).then(|| pid.to_string())
    }
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        // The pid file names PgBouncer itself (runuser is its parent when run as root).
        if let Some(pid) = Self::pid(&self.dir.join("pgbouncer.pid")) {
            let _ = Command::new("kill").args(["-TERM", &pid]).status();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The server connections the database has now, other than the caller's.
fn server_connections(direct: &mut Connection, db: &str) -> usize {
    let n: i64 = sqlwright::raw::sql(
        "SELECT count(*) FROM pg_stat_activity \
         WHERE datname = :db AND pid <> pg_backend_pid()",
    )
    .bind("db", db)
    .scalar(direct)
    .unwrap()
    .unwrap();
    n as usize
}

/// One client's workload: typed selects, inserts with RETURNING, a committed and a
/// rolled-back transaction, a stream; every result checked.
fn workload(conn: &mut Connection, client: i32, rounds: i32) -> Result<(), Error> {
    for round in 0..rounds {
        let reds: Vec<(i32, String)> = users::table
            .filter(users::hair_color.eq("red"))
            .filter(users::id.le(5))
            .select((users::id, users::name))
            .order_by(users::id)
            .load(conn)?;
        assert_eq!(reds, [(1, "Ann".to_string()), (4, "Dee".to_string())]);
        let older: i64 = users::table
            .filter(users::age.gt(client))
            .filter(users::id.le(5))
            .count(conn)?;
        let want = [30, 41, 25, 7].iter().filter(|&&a| a > client).count() as i64;
        assert_eq!(older, want);

        let email = format!("c{client}-r{round}@x");
        let (id, name, age): (i32, String, Option<i32>) = insert_into(users::table)
            .values((
                users::name.to(format!("client {client}")),
                users::email.to(email.as_str()),
                users::age.to(Some(round)),
            ))
            .returning((users::id, users::name, users::age))
            .get_result(conn)?;
        assert!(id > 5);
        assert_eq!(
            (name.as_str(), age),
            (format!("client {client}").as_str(), Some(round))
        );

        // A transaction keeps its server connection from BEGIN to COMMIT.
        conn.transaction(|tx| {
            let email2 = format!("c{client}-r{round}-tx@x");
            insert_into(users::table)
                .values((users::name.to("in tx"), users::email.to(email2.as_str())))
                .execute(tx)?;
            let mine: i64 = users::table
                .filter(users::email.like(format!("c{client}-r{round}%")))
                .count(tx)?;
            assert_eq!(mine, 2);
            Ok::<_, Error>(())
        })?;
        let rolled_back = conn.transaction(|tx| {
            insert_into(users::table)
                .values((
                    users::name.to("rolled back"),
                    users::email.to(format!("c{client}-r{round}-rb@x")),
                ))
                .execute(tx)?;
            Err::<(), Error>(Error::NotFound)
        });
        assert!(matches!(rolled_back, Err(Error::NotFound)));

        let streamed: Vec<String> = users::table
            .filter(users::id.le(5))
            .select(users::email)
            .order_by(users::id)
            .stream(conn)?
            .collect::<Result<_, _>>()?;
        assert_eq!(
            streamed,
            [
                "ann@example.com",
                "bob@example.com",
                "cid@example.com",
                "dee@example.com",
                "ezhik@example.com"
            ]
        );
    }
    Ok(())
}

#[test]
fn unnamed_statements_run_through_pgbouncer_in_transaction_mode() {
    let db = sqlwright::testing::database();
    let mut direct = db.connect().unwrap();
    direct.batch_execute(USERS).unwrap();
    let bouncer = Bouncer::start(&db);

    const CLIENTS: i32 = 8;
    const ROUNDS: i32 = 15;
    let stop = AtomicBool::new(false);
    let most = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let monitor = s.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                most.fetch_max(
                    server_connections(&mut direct, db.name()),
                    Ordering::Relaxed,
                );
                std::thread::sleep(Duration::from_millis(5));
            }
        });
        let clients: Vec<_> = (0..CLIENTS)
            .map(|client| {
                let bouncer = &bouncer;
                s.spawn(move || {
                    let mut conn = bouncer.connect(StatementCacheMode::Unnamed);
                    workload(&mut conn, client, ROUNDS)
                        .unwrap_or_else(|e| panic!("client {client}: {e}"));
                    // The descriptions are cached on the client: one per statement.
                    assert!(conn.cached_statements() > 0);
                })
            })
            .collect();
        for c in clients {
            c.join().unwrap();
        }
        stop.store(true, Ordering::Relaxed);
        monitor.join().unwrap();
    });
    // Eight clients, never more than two server connections.
    let most = most.load(Ordering::Relaxed);
    assert!((1..=POOL_SIZE).contains(&most), "{most} server connections");

    let mut direct = db.connect().unwrap();
    let rows = CLIENTS as i64 * ROUNDS as i64;
    assert_eq!(users::table.count(&mut direct).unwrap(), 5 + 2 * rows);
    let rolled_back: i64 = users::table
        .filter(users::name.eq("rolled back"))
        .count(&mut direct)
        .unwrap();
    assert_eq!(rolled_back, 0);
    // No named statement was left on the server connections.
    let mut through = bouncer.connect(StatementCacheMode::Unnamed);
    let named: i64 = sqlwright::raw::sql("SELECT count(*) FROM pg_prepared_statements")
        .scalar(&mut through)
        .unwrap()
        .unwrap();
    assert_eq!(named, 0);
}

#[test]
fn no_statement_cache_runs_through_pgbouncer_too() {
    let db = sqlwright::testing::database();
    db.connect().unwrap().batch_execute(USERS).unwrap();
    let bouncer = Bouncer::start(&db);
    std::thread::scope(|s| {
        for client in 0..4 {
            let bouncer = &bouncer;
            s.spawn(move || {
                let mut conn = bouncer.connect(StatementCacheMode::Off);
                workload(&mut conn, client, 5).unwrap_or_else(|e| panic!("client {client}: {e}"));
                assert_eq!(conn.cached_statements(), 0);
            });
        }
    });
}

#[test]
fn named_statements_through_pgbouncer_fail_with_a_typed_error_not_wrong_rows() {
    let db = sqlwright::testing::database();
    db.connect().unwrap().batch_execute(USERS).unwrap();
    let bouncer = Bouncer::start(&db);
    let missing = AtomicUsize::new(0);
    let right = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for client in 0..8i32 {
            let (bouncer, missing, right) = (&bouncer, &missing, &right);
            s.spawn(move || {
                let mut conn = bouncer.connect(StatementCacheMode::Named);
                for i in 0..40 {
                    // Statements of different texts and result types per client, so that
                    // running another client's statement could not go unnoticed.
                    let result = if client % 2 == 0 {
                        users::table
                            .filter(users::id.eq(1 + i % 5))
                            .select(users::name)
                            .load(&mut conn)
                            .map(|names: Vec<String>| {
                                let want = ["Ann", "Bob", "Cid", "Dee", "Ёжик"][(i % 5) as usize];
                                assert_eq!(names, [want]);
                            })
                    } else {
                        users::table
                            .filter(users::id.eq(1 + i % 5))
                            .select(users::id + client)
                            .load(&mut conn)
                            .map(|ids: Vec<i32>| assert_eq!(ids, [1 + i % 5 + client]))
                    };
                    match result {
                        Ok(()) => right.fetch_add(1, Ordering::Relaxed),
                        Err(e) => {
                            let code = e.database_error().map(|d| d.code.clone());
                            assert_eq!(code.as_deref(), Some("26000"), "{e}");
                            assert!(e.to_string().contains("does not exist"), "{e}");
                            missing.fetch_add(1, Ordering::Relaxed)
                        }
                    };
                }
            });
        }
    });
    assert!(
        missing.load(Ordering::Relaxed) > 0,
        "no statement went missing"
    );
    assert_eq!(
        missing.load(Ordering::Relaxed) + right.load(Ordering::Relaxed),
        8 * 40
    );
}

#[test]
fn unnamed_statements_notice_a_changed_result_type() {
    // On a connection of its own (no pooler needed): the cached description says `age` is
    // int4; after the column becomes text, the portal's description says otherwise and
    // the rows are not decoded with the old types.
    let db = sqlwright::testing::database();
    let mut conn = db.connect().unwrap();
    conn.batch_execute(USERS).unwrap();
    conn.set_statement_cache_mode(StatementCacheMode::Unnamed);
    let ages = || {
        users::table
            .filter(users::id.eq(1))
            .select(users::age)
            .order_by(users::id)
    };
    let got: Vec<Option<i32>> = ages().load(&mut conn).unwrap();
    assert_eq!(got, [Some(30)]);
    assert_eq!(conn.cached_statements(), 1);
    let mut other = db.connect().unwrap();
    other
        .batch_execute("ALTER TABLE users ALTER COLUMN age TYPE text")
        .unwrap();
    let err = ages().load(&mut conn).unwrap_err();
    let Error::Decode { source, .. } = &err else {
        panic!("not a decode error: {err:?}");
    };
    assert!(source.to_string().contains("text"), "{err}");
    // The stale description was dropped; the next run describes the statement anew.
    assert_eq!(conn.cached_statements(), 0);
    other
        .batch_execute("ALTER TABLE users ALTER COLUMN age TYPE int4 USING age::int4")
        .unwrap();
    let got: Vec<Option<i32>> = ages().load(&mut conn).unwrap();
    assert_eq!(got, [Some(30)]);
    // A stream notices too.
    other
        .batch_execute("ALTER TABLE users ALTER COLUMN age TYPE int8")
        .unwrap();
    let streamed: Result<Vec<Option<i32>>, Error> = match ages().stream(&mut conn) {
        Ok(rows) => rows.collect(),
        Err(e) => Err(e),
    };
    assert!(
        matches!(streamed, Err(Error::Decode { .. })),
        "{streamed:?}"
    );
    assert_eq!(conn.cached_statements(), 0);
}

#[test]
fn an_engine_in_unnamed_mode_shares_pgbouncer() {
    let db = sqlwright::testing::database();
    db.connect().unwrap().batch_execute(USERS).unwrap();
    let bouncer = Bouncer::start(&db);
    let engine = Engine::builder(&bouncer.url())
        .pool_size(3)
        .max_overflow(3)
        .statement_cache_mode(StatementCacheMode::Unnamed)
        .build()
        .unwrap();
    std::thread::scope(|s| {
        for client in 0..6 {
            let engine = engine.clone();
            s.spawn(move || {
                for turn in 0..3 {
                    let mut conn = engine.connect().unwrap();
                    assert_eq!(conn.statement_cache_mode(), StatementCacheMode::Unnamed);
                    let client = client * 10 + turn;
                    workload(&mut conn, client, 2)
                        .unwrap_or_else(|e| panic!("client {client}: {e}"));
                }
            });
        }
    });
    // Settings sent as startup `options` (an engine's statement_timeout, isolation level)
    // are refused by PgBouncer 1.18: a typed connect error, not settings silently lost.
    let engine = Engine::builder(&bouncer.url())
        .statement_timeout(Duration::from_secs(5))
        .statement_cache_mode(StatementCacheMode::Unnamed)
        .build()
        .unwrap();
    let err = engine.connect().unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.to_string().contains("options"), "{err}");
}
