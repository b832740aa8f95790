//! The bookkeeping table and the lock, per backend.
//!
//! PostgreSQL: a session-level `pg_advisory_lock` with a fixed key, taken on the runner's
//! connection for the whole run (advisory locks are per database, so the key needs no
//! database name; a session lock, not a transaction one, because a migration outside a
//! transaction commits statement by statement). SQLite has no lock of that kind: every
//! bookkeeping change happens in a `BEGIN IMMEDIATE` transaction (SQLite's one write lock,
//! waited on for the busy timeout) that first reads the migration's row again, so a second
//! process finds the work done and skips it.

use crate::backend::{Backend, Postgres};
use crate::engine::{Connection, Error};
use crate::raw;

/// The bookkeeping table's name.
pub const BOOKKEEPING_TABLE: &str = "sqlwright_migrations";

/// The advisory lock key of migration runs on PostgreSQL (the bytes of `sqlwmigr`).
pub const ADVISORY_LOCK_KEY: i64 = 0x7371_6c77_6d69_6772;

/// A row of the bookkeeping table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedRow {
    /// The migration's version.
    pub version: u64,
    /// Its name when applied.
    pub name: String,
    /// The SHA-256 (hex) of its `up.sql` as applied.
    pub checksum: String,
    /// When it was applied, as the database writes a timestamp.
    pub applied_at: String,
    /// How long its `up.sql` took, in milliseconds.
    pub duration_ms: i64,
    /// Whether it ran outside a transaction and did not finish.
    pub dirty: bool,
}

/// A change to the bookkeeping table.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub enum Bookkeeping<'a> {
    /// A new row.
    Insert {
        /// The migration's version.
        version: u64,
        /// Its name.
        name: &'a str,
        /// The SHA-256 of its `up.sql`.
        checksum: &'a str,
        /// How long it took.
        duration_ms: i64,
        /// Whether it is still running outside a transaction.
        dirty: bool,
    },
    /// The migration finished: the dirty mark goes, the duration is recorded.
    Finished {
        /// The migration's version.
        version: u64,
        /// How long it took.
        duration_ms: i64,
    },
    /// The dirty mark, set (a revert outside a transaction starts) or cleared (`resolve`).
    Dirty {
        /// The migration's version.
        version: u64,
        /// The mark.
        dirty: bool,
    },
    /// The row goes (reverted, or resolved as rolled back).
    Delete {
        /// The migration's version.
        version: u64,
    },
}

impl Bookkeeping<'_> {
    /// The change as a parameterized statement through `raw::sql` (PostgreSQL, SQLite).
    fn run_raw<B: Backend>(self, conn: &mut Connection<B>) -> Result<(), Error> {
        match self {
            Bookkeeping::Insert {
                version,
                name,
                checksum,
                duration_ms,
                dirty,
            } => raw::sql(
                "INSERT INTO sqlwright_migrations (version, name, checksum, duration_ms, dirty) \
                 VALUES (:v, :name, :checksum, :ms, :dirty)",
            )
            .bind("v", version_param(version))
            .bind("name", name)
            .bind("checksum", checksum)
            .bind("ms", duration_ms)
            .bind("dirty", dirty)
            .execute(conn)?,
            Bookkeeping::Finished {
                version,
                duration_ms,
            } => raw::sql(
                "UPDATE sqlwright_migrations SET dirty = :no, duration_ms = :ms WHERE version = :v",
            )
            .bind("no", false)
            .bind("ms", duration_ms)
            .bind("v", version_param(version))
            .execute(conn)?,
            Bookkeeping::Dirty { version, dirty } => {
                raw::sql("UPDATE sqlwright_migrations SET dirty = :d WHERE version = :v")
                    .bind("d", dirty)
                    .bind("v", version_param(version))
                    .execute(conn)?
            }
            Bookkeeping::Delete { version } => {
                raw::sql("DELETE FROM sqlwright_migrations WHERE version = :v")
                    .bind("v", version_param(version))
                    .execute(conn)?
            }
        };
        Ok(())
    }
}

/// A backend migrations run on: [`Postgres`], `Sqlite` and `Any` (the backend its URL
/// picked) when feature `sqlite` is on, `Mysql` when feature `mysql` is on.
pub trait MigrationBackend: Backend {
    /// Whether DDL is transactional: a migration then runs in a transaction with its
    /// bookkeeping row, all or nothing. Where it is not (MySQL: DDL commits implicitly),
    /// every migration runs as a no-transaction one does: its row is written first, dirty,
    /// and cleared when all its statements succeeded.
    #[doc(hidden)]
    const TRANSACTIONAL_DDL: bool = true;

    /// [`TRANSACTIONAL_DDL`](Self::TRANSACTIONAL_DDL) of `conn`'s database (`Any`: of the
    /// backend its URL picked).
    #[doc(hidden)]
    fn transactional_ddl(_conn: &Connection<Self>) -> bool {
        Self::TRANSACTIONAL_DDL
    }

    /// Writes a change to the bookkeeping table.
    #[doc(hidden)]
    fn write(conn: &mut Connection<Self>, change: Bookkeeping<'_>) -> Result<(), Error> {
        change.run_raw(conn)
    }

    /// Creates the bookkeeping table if there is none.
    #[doc(hidden)]
    fn create_table(conn: &mut Connection<Self>) -> Result<(), Error>;

    /// Whether the bookkeeping table exists.
    #[doc(hidden)]
    fn has_table(conn: &mut Connection<Self>) -> Result<bool, Error>;

    /// Takes the lock of migration runs if it is free; `false` when another run holds it.
    #[doc(hidden)]
    fn try_lock(conn: &mut Connection<Self>) -> Result<bool, Error>;

    /// Takes the lock of migration runs, waiting for another run to finish.
    #[doc(hidden)]
    fn lock(conn: &mut Connection<Self>) -> Result<(), Error>;

    /// Releases the lock taken by [`lock`](Self::lock).
    #[doc(hidden)]
    fn unlock(conn: &mut Connection<Self>) -> Result<(), Error>;

    /// The bookkeeping rows (only `version`'s when given), by version.
    #[doc(hidden)]
    fn read(conn: &mut Connection<Self>, version: Option<u64>) -> Result<Vec<AppliedRow>, Error>;

    /// Runs `sql` outside a transaction, statement by statement.
    #[doc(hidden)]
    fn run_untransacted(conn: &mut Connection<Self>, sql: &str) -> Result<(), Error>;
}

/// The bookkeeping rows, `applied_at` as text (`2026-12-06 14:30:00.123+00`, UTC).
const PG_SELECT_ROWS: &str = "SELECT version, name, checksum, \
    to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') || '+00' AS applied_at, \
    duration_ms, dirty FROM sqlwright_migrations";

pub(super) fn version_param(version: u64) -> i64 {
    // Versions have at most 18 digits (see `parse_dir_name`), so they fit.
    i64::try_from(version).unwrap_or(i64::MAX)
}

const PG_CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS sqlwright_migrations (\
        version bigint PRIMARY KEY, \
        name text NOT NULL, \
        checksum text NOT NULL, \
        applied_at timestamptz NOT NULL DEFAULT now(), \
        duration_ms bigint NOT NULL DEFAULT 0, \
        dirty boolean NOT NULL DEFAULT false)";

impl MigrationBackend for Postgres {
    fn create_table(conn: &mut Connection<Self>) -> Result<(), Error> {
        conn.batch_execute(PG_CREATE_TABLE)
    }

    fn has_table(conn: &mut Connection<Self>) -> Result<bool, Error> {
        // Where the unqualified CREATE TABLE puts it: the search path's first schema.
        let rows = conn.query_text("SELECT to_regclass('sqlwright_migrations') IS NOT NULL")?;
        Ok(rows.first().and_then(|r| r.first()) == Some(&Some("t".to_string())))
    }

    fn try_lock(conn: &mut Connection<Self>) -> Result<bool, Error> {
        let rows = conn.query_text(&format!("SELECT pg_try_advisory_lock({ADVISORY_LOCK_KEY})"))?;
        Ok(rows.first().and_then(|r| r.first()) == Some(&Some("t".to_string())))
    }

    fn lock(conn: &mut Connection<Self>) -> Result<(), Error> {
        conn.batch_execute(&format!("SELECT pg_advisory_lock({ADVISORY_LOCK_KEY})"))
    }

    fn unlock(conn: &mut Connection<Self>) -> Result<(), Error> {
        conn.batch_execute(&format!("SELECT pg_advisory_unlock({ADVISORY_LOCK_KEY})"))
    }

    fn read(conn: &mut Connection<Self>, version: Option<u64>) -> Result<Vec<AppliedRow>, Error> {
        let rows = match version {
            Some(v) => raw::sql(&format!("{PG_SELECT_ROWS} WHERE version = :v"))
                .bind("v", version_param(v))
                .load(conn)?,
            None => raw::sql(&format!("{PG_SELECT_ROWS} ORDER BY version")).load(conn)?,
        };
        rows.iter()
            .map(|row| {
                Ok(AppliedRow {
                    version: row.get::<i64>("version")?.max(0) as u64,
                    name: row.get("name")?,
                    checksum: row.get("checksum")?,
                    applied_at: row.get("applied_at")?,
                    duration_ms: row.get("duration_ms")?,
                    dirty: row.get("dirty")?,
                })
            })
            .collect()
    }

    fn run_untransacted(conn: &mut Connection<Self>, sql: &str) -> Result<(), Error> {
        // Checked when the migration was loaded, so this does not fail.
        for statement in super::split::statements(sql).map_err(Error::Misuse)? {
            conn.batch_execute(statement)?;
        }
        Ok(())
    }
}

#[cfg(feature = "sqlite")]
const SQLITE_CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS sqlwright_migrations (\
        version INTEGER PRIMARY KEY, \
        name TEXT NOT NULL, \
        checksum TEXT NOT NULL, \
        applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f+00', 'now')), \
        duration_ms INTEGER NOT NULL DEFAULT 0, \
        dirty INTEGER NOT NULL DEFAULT 0)";

#[cfg(feature = "sqlite")]
impl MigrationBackend for crate::Sqlite {
    fn create_table(conn: &mut Connection<Self>) -> Result<(), Error> {
        conn.batch_execute(SQLITE_CREATE_TABLE)
    }

    fn has_table(conn: &mut Connection<Self>) -> Result<bool, Error> {
        let rows = raw::sql(
            "SELECT count(*) AS n FROM sqlite_master \
             WHERE type = 'table' AND name = 'sqlwright_migrations'",
        )
        .load(conn)?;
        Ok(match rows.first() {
            Some(row) => row.get::<i64>("n")? > 0,
            None => false,
        })
    }

    fn try_lock(_conn: &mut Connection<Self>) -> Result<bool, Error> {
        Ok(true)
    }

    fn lock(_conn: &mut Connection<Self>) -> Result<(), Error> {
        Ok(())
    }

    fn unlock(_conn: &mut Connection<Self>) -> Result<(), Error> {
        Ok(())
    }

    fn read(conn: &mut Connection<Self>, version: Option<u64>) -> Result<Vec<AppliedRow>, Error> {
        const SELECT_ROWS: &str = "SELECT version, name, checksum, applied_at, duration_ms, \
            dirty FROM sqlwright_migrations";
        let rows = match version {
            Some(v) => raw::sql(&format!("{SELECT_ROWS} WHERE version = :v"))
                .bind("v", version_param(v))
                .load(conn)?,
            None => raw::sql(&format!("{SELECT_ROWS} ORDER BY version")).load(conn)?,
        };
        rows.iter()
            .map(|row| {
                Ok(AppliedRow {
                    version: row.get::<i64>("version")?.max(0) as u64,
                    name: row.get("name")?,
                    checksum: row.get("checksum")?,
                    applied_at: row.get("applied_at")?,
                    duration_ms: row.get("duration_ms")?,
                    dirty: row.get::<i64>("dirty")? != 0,
                })
            })
            .collect()
    }

    fn run_untransacted(conn: &mut Connection<Self>, sql: &str) -> Result<(), Error> {
        // SQLite's own parser cuts the text into statements (trigger bodies included), and
        // outside a transaction each one commits by itself.
        conn.batch_execute(sql)
    }
}

/// A connection whose URL picked its backend: each call goes to that backend's form.
#[cfg(feature = "sqlite")]
impl MigrationBackend for crate::backend::Any {
    fn transactional_ddl(conn: &Connection<Self>) -> bool {
        conn.dialect() != crate::backend::Dialect::Mysql
    }

    fn write(conn: &mut Connection<Self>, change: Bookkeeping<'_>) -> Result<(), Error> {
        crate::backend::any::on_each!(conn, |c| MigrationBackend::write(c, change))
    }

    fn create_table(conn: &mut Connection<Self>) -> Result<(), Error> {
        crate::backend::any::on_each!(conn, |c| MigrationBackend::create_table(c))
    }

    fn has_table(conn: &mut Connection<Self>) -> Result<bool, Error> {
        crate::backend::any::on_each!(conn, |c| MigrationBackend::has_table(c))
    }

    fn try_lock(conn: &mut Connection<Self>) -> Result<bool, Error> {
        crate::backend::any::on_each!(conn, |c| MigrationBackend::try_lock(c))
    }

    fn lock(conn: &mut Connection<Self>) -> Result<(), Error> {
        crate::backend::any::on_each!(conn, |c| MigrationBackend::lock(c))
    }

    fn unlock(conn: &mut Connection<Self>) -> Result<(), Error> {
        crate::backend::any::on_each!(conn, |c| MigrationBackend::unlock(c))
    }

    fn read(conn: &mut Connection<Self>, version: Option<u64>) -> Result<Vec<AppliedRow>, Error> {
        crate::backend::any::on_each!(conn, |c| MigrationBackend::read(c, version))
    }

    fn run_untransacted(conn: &mut Connection<Self>, sql: &str) -> Result<(), Error> {
        crate::backend::any::on_each!(conn, |c| MigrationBackend::run_untransacted(c, sql))
    }
}
