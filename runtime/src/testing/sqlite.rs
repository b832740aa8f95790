//! Throwaway SQLite databases: a file in a fresh temporary directory, removed with it.

use super::TestingError;
use crate::backend::Sqlite;
use crate::engine::{Connection, DatabaseUrl, Error};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A SQLite database file in a directory of its own, deleted (directory and all) when
/// this value is dropped.
pub struct SqliteDatabase {
    dir: PathBuf,
    url: DatabaseUrl,
}

impl fmt::Debug for SqliteDatabase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SqliteDatabase({})", self.url)
    }
}

impl SqliteDatabase {
    /// The database's URL (`sqlite:////tmp/.../test.db`).
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The database file.
    pub fn path(&self) -> PathBuf {
        self.dir.join("test.db")
    }

    /// A new connection to the database.
    pub fn connect(&self) -> Result<Connection<Sqlite>, Error> {
        Connection::<Sqlite>::open_url(&self.url)
    }
}

impl Drop for SqliteDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fresh SQLite database; panics when no temporary directory can be made (for tests,
/// where a panic is the failure).
pub fn sqlite_database() -> SqliteDatabase {
    try_sqlite_database().unwrap_or_else(|e| panic!("{e}"))
}

/// A fresh SQLite database in a new directory under the system's temporary directory.
pub fn try_sqlite_database() -> Result<SqliteDatabase, TestingError> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sqlwright-sqlite-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .map_err(|e| TestingError(format!("cannot create {}: {e}", dir.display())))?;
    let url = url_of(&dir.join("test.db"))?;
    Ok(SqliteDatabase { dir, url })
}

/// The `sqlite:///` URL of a file.
pub(crate) fn url_of(path: &Path) -> Result<DatabaseUrl, TestingError> {
    let text = path
        .to_str()
        .ok_or_else(|| TestingError(format!("{} is not UTF-8", path.display())))?;
    let url = if path.is_absolute() {
        format!("sqlite:///{text}")
    } else {
        format!("sqlite:///./{text}")
    };
    DatabaseUrl::parse(&url).map_err(|e| TestingError(e.to_string()))
}
