//! The bookkeeping table and the lock on MySQL and MariaDB.
//!
//! DDL commits implicitly there, so a migration cannot be all or nothing: every migration
//! runs as a no-transaction one does on PostgreSQL ([`MigrationBackend::TRANSACTIONAL_DDL`]
//! is `false`). Its bookkeeping row is committed first, marked dirty; the file runs as one
//! multi-statement text (the server's own parser cuts it), and the mark is cleared only when
//! every statement succeeded. A migration that stops half way leaves its first statements
//! applied and the mark set, and every later run refuses to start until `resolve` says what
//! became of it.
//!
//! The lock is `GET_LOCK` on a name made from the database's name (a MySQL lock is the
//! server's, not the database's), held by the runner's connection for the run. On a Galera
//! cluster `GET_LOCK` is accepted but locks one node only (tests/integration/galera.rs):
//! runners on two nodes both get it. A migration is still not applied twice there, since
//! its dirty row is claimed first in a transaction of its own (the second runner sees the
//! row, or its commit fails certification or the primary key), but run migrations through
//! one node; see docs/design.md, "Galera".

use super::store::{version_param, AppliedRow, Bookkeeping, MigrationBackend};
use crate::backend::mysql::Bound;
use crate::engine::{Connection, Error};
use crate::Mysql;

/// The lock's name: fixed text and a hash of the database's name, 61 characters (MySQL
/// takes at most 64), computed by the server.
const LOCK_NAME: &str = "CONCAT('sqlwright_migrations.', LEFT(SHA2(DATABASE(), 256), 40))";

/// How long a second run waits for the lock (a day: longer than any migration should take;
/// PostgreSQL's advisory lock waits without end).
const LOCK_WAIT_SECONDS: u32 = 86_400;

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS sqlwright_migrations (\
        version BIGINT NOT NULL PRIMARY KEY, \
        name TEXT NOT NULL, \
        checksum VARCHAR(64) NOT NULL, \
        applied_at DATETIME(3) NOT NULL DEFAULT (UTC_TIMESTAMP(3)), \
        duration_ms BIGINT NOT NULL DEFAULT 0, \
        dirty BOOLEAN NOT NULL DEFAULT FALSE\
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

/// The bookkeeping rows, `applied_at` as text (`2026-12-06 14:30:00.123+00`, UTC).
const SELECT_ROWS: &str = "SELECT version, name, checksum, \
    CONCAT(DATE_FORMAT(applied_at, '%Y-%m-%d %H:%i:%s.'), LPAD(FLOOR(MICROSECOND(applied_at) / 1000), 3, '0'), '+00'), \
    duration_ms, dirty FROM sqlwright_migrations ORDER BY version";

/// The first value of the first row, as text.
fn scalar(conn: &mut Connection<Mysql>, sql: &str) -> Result<Option<String>, Error> {
    Ok(conn
        .query_text(sql)?
        .into_iter()
        .next()
        .and_then(|row| row.into_iter().next())
        .flatten())
}

/// What `GET_LOCK` answered: `1` taken, `0` timed out; NULL is an error.
fn got_lock(answer: Option<String>) -> Result<bool, Error> {
    match answer.as_deref() {
        Some("1") => Ok(true),
        Some("0") => Ok(false),
        other => Err(Error::Misuse(format!(
            "GET_LOCK for the migration lock answered {other:?} (is a database selected?)"
        ))),
    }
}

fn text(value: &Option<String>, column: &str) -> Result<String, Error> {
    value.clone().ok_or_else(|| {
        Error::Misuse(format!(
            "sqlwright_migrations.{column} is NULL; the table was changed"
        ))
    })
}

fn number(value: &Option<String>, column: &str) -> Result<i64, Error> {
    text(value, column)?
        .parse()
        .map_err(|_| Error::Misuse(format!("sqlwright_migrations.{column} is not a number")))
}

impl MigrationBackend for Mysql {
    const TRANSACTIONAL_DDL: bool = false;

    fn create_table(conn: &mut Connection<Self>) -> Result<(), Error> {
        conn.batch_execute(CREATE_TABLE)
    }

    fn has_table(conn: &mut Connection<Self>) -> Result<bool, Error> {
        let n = scalar(
            conn,
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema = DATABASE() AND table_name = 'sqlwright_migrations'",
        )?;
        Ok(n.as_deref().is_some_and(|n| n != "0"))
    }

    fn try_lock(conn: &mut Connection<Self>) -> Result<bool, Error> {
        got_lock(scalar(conn, &format!("SELECT GET_LOCK({LOCK_NAME}, 0)"))?)
    }

    fn lock(conn: &mut Connection<Self>) -> Result<(), Error> {
        let sql = format!("SELECT GET_LOCK({LOCK_NAME}, {LOCK_WAIT_SECONDS})");
        if got_lock(scalar(conn, &sql)?)? {
            Ok(())
        } else {
            Err(Error::Misuse(format!(
                "another migration run held the migration lock for {LOCK_WAIT_SECONDS} s"
            )))
        }
    }

    fn unlock(conn: &mut Connection<Self>) -> Result<(), Error> {
        scalar(conn, &format!("SELECT RELEASE_LOCK({LOCK_NAME})")).map(|_| ())
    }

    fn read(conn: &mut Connection<Self>, version: Option<u64>) -> Result<Vec<AppliedRow>, Error> {
        // The table is small; rows are filtered here rather than by a bound parameter.
        let rows = conn.query_text(SELECT_ROWS)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let [v, name, checksum, applied_at, ms, dirty] = <[_; 6]>::try_from(row)
                .map_err(|_| Error::Misuse("sqlwright_migrations has other columns".into()))?;
            let row = AppliedRow {
                version: number(&v, "version")?.max(0) as u64,
                name: text(&name, "name")?,
                checksum: text(&checksum, "checksum")?,
                applied_at: text(&applied_at, "applied_at")?,
                duration_ms: number(&ms, "duration_ms")?,
                dirty: number(&dirty, "dirty")? != 0,
            };
            if version.is_none_or(|v| v == row.version) {
                out.push(row);
            }
        }
        Ok(out)
    }

    fn run_untransacted(conn: &mut Connection<Self>, sql: &str) -> Result<(), Error> {
        // One multi-statement text: the server runs the statements in order and stops at
        // the first that fails; each one before it is kept.
        conn.batch_execute(sql)
    }

    fn write(conn: &mut Connection<Self>, change: Bookkeeping<'_>) -> Result<(), Error> {
        match change {
            Bookkeeping::Insert {
                version,
                name,
                checksum,
                duration_ms,
                dirty,
            } => conn.exec_bound(
                "INSERT INTO sqlwright_migrations (version, name, checksum, duration_ms, dirty) \
                 VALUES (?, ?, ?, ?, ?)",
                &[
                    Bound::Int(version_param(version)),
                    Bound::Text(name),
                    Bound::Text(checksum),
                    Bound::Int(duration_ms),
                    Bound::Int(i64::from(dirty)),
                ],
            ),
            Bookkeeping::Finished {
                version,
                duration_ms,
            } => conn.exec_bound(
                "UPDATE sqlwright_migrations SET dirty = FALSE, duration_ms = ? WHERE version = ?",
                &[Bound::Int(duration_ms), Bound::Int(version_param(version))],
            ),
            Bookkeeping::Dirty { version, dirty } => conn.exec_bound(
                "UPDATE sqlwright_migrations SET dirty = ? WHERE version = ?",
                &[
                    Bound::Int(i64::from(dirty)),
                    Bound::Int(version_param(version)),
                ],
            ),
            Bookkeeping::Delete { version } => conn.exec_bound(
                "DELETE FROM sqlwright_migrations WHERE version = ?",
                &[Bound::Int(version_param(version))],
            ),
        }
        .map(|_| ())
    }
}
