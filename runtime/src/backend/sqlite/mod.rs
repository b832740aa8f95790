//! SQLite: an embedded database on `rusqlite` with SQLite compiled in.
//!
//! A connection opens its file with foreign keys enforced, case-sensitive LIKE (as on
//! PostgreSQL), write-ahead logging (files only), and a busy timeout; statements are
//! prepared once per SQL text and kept in rusqlite's cache. Values are bound as SQLite's five storage classes (see
//! [`Encode::to_sqlite`](crate::backend::Encode::to_sqlite)).

mod errors;
mod pool;

use super::driver::Driver;
use super::{Backend, Sqlite, SqliteArg, SqliteValue};
use crate::engine::log;
use crate::engine::row_data::Inner;
use crate::engine::{Connection, DatabaseUrl, Error, RowData, TransactionOptions};
use crate::render::Rendered;
use rusqlite::types::{ToSqlOutput, ValueRef};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(crate) use errors::from_rusqlite;
use errors::in_failed_transaction;

/// How long a statement waits for another connection's lock before it fails with
/// [`DbErrorKind::Busy`](crate::engine::DbErrorKind::Busy) (URL: `busy_timeout`, in ms).
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How many statements a connection keeps prepared.
const STATEMENT_CACHE: usize = 256;

/// How many statement texts a connection remembers by fingerprint before it forgets them
/// all (a statement whose text is forgotten is rendered with its text again: nothing is
/// lost but that work).
const KNOWN_TEXTS: usize = 4 * STATEMENT_CACHE;

/// SQLite's part of a connection.
pub struct SqliteLink {
    db: rusqlite::Connection,
    /// The SQL text of each statement fingerprint run so far.
    texts: HashMap<u64, Arc<str>>,
}

impl SqliteLink {
    /// The rusqlite connection, for reading SQLite's own catalog (reflection).
    pub(crate) fn db(&self) -> &rusqlite::Connection {
        &self.db
    }
}

/// A row of a SQLite result, borrowed while it is decoded.
#[derive(Clone, Copy)]
pub struct SqliteRow<'r>(&'r rusqlite::Row<'r>);

impl<'r> SqliteRow<'r> {
    pub(crate) fn len(&self) -> usize {
        self.0.as_ref().column_count()
    }

    pub(crate) fn is_null(&self, i: usize) -> bool {
        matches!(self.0.get_ref(i), Ok(ValueRef::Null) | Err(_))
    }

    pub(crate) fn column_name(&self, i: usize) -> Option<String> {
        self.0.as_ref().column_name(i).ok().map(str::to_owned)
    }

    /// Value `i`, `None` past the last column.
    #[inline]
    pub(crate) fn value(&self, i: usize) -> Option<SqliteValue<'r>> {
        let row: &'r rusqlite::Row<'r> = self.0;
        Some(match row.get_ref(i).ok()? {
            ValueRef::Null => SqliteValue::Null,
            ValueRef::Integer(n) => SqliteValue::Integer(n),
            ValueRef::Real(x) => SqliteValue::Real(x),
            ValueRef::Text(t) => SqliteValue::Text(t),
            ValueRef::Blob(b) => SqliteValue::Blob(b),
        })
    }
}

impl rusqlite::ToSql for SqliteArg<'_> {
    #[inline]
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            SqliteArg::Null => ValueRef::Null,
            SqliteArg::Integer(n) => ValueRef::Integer(*n),
            SqliteArg::Real(x) => ValueRef::Real(*x),
            SqliteArg::Text(t) => ValueRef::Text(t.as_bytes()),
            SqliteArg::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

/// Where a SQLite URL points: a file, or a private in-memory database.
pub(crate) fn path_of(url: &DatabaseUrl) -> &str {
    url.database.as_deref().unwrap_or(":memory:")
}

impl Connection<Sqlite> {
    /// Opens the SQLite database a URL names (SQLAlchemy's forms):
    /// `sqlite:///relative/path.db`, `sqlite:////absolute/path.db`, `sqlite://:memory:`,
    /// `sqlite::memory:` or `sqlite://` (a private in-memory database). A file that does
    /// not exist is created. Foreign keys are enforced, files use write-ahead logging, and
    /// a statement waits up to [`DEFAULT_BUSY_TIMEOUT`] for another connection's lock.
    pub fn open(url: &str) -> Result<Self, Error> {
        Self::open_url(&DatabaseUrl::parse(url)?)
    }

    /// Opens a private in-memory database (gone when the connection closes).
    pub fn open_in_memory() -> Result<Self, Error> {
        Self::open("sqlite://:memory:")
    }

    /// Opens the database of an already parsed URL.
    pub fn open_url(url: &DatabaseUrl) -> Result<Self, Error> {
        if url.dialect != crate::engine::Dialect::Sqlite {
            return Err(Error::InvalidUrl {
                part: "scheme".into(),
                reason: format!("a SQLite connection needs a sqlite:// URL, not {url}"),
            });
        }
        let path = path_of(url);
        let target = format!("sqlite:{path}");
        let fail = |e: rusqlite::Error| Error::Connect {
            target: target.clone(),
            reason: e.to_string(),
        };
        let db = rusqlite::Connection::open(path).map_err(fail)?;
        db.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let busy = url.sqlite_busy_timeout()?.unwrap_or(DEFAULT_BUSY_TIMEOUT);
        db.busy_timeout(busy).map_err(fail)?;
        // LIKE matches case as on PostgreSQL (SQLite's own LIKE ignores the case of ASCII
        // letters): the same query must not find other rows on another backend.
        db.execute_batch("PRAGMA foreign_keys = ON; PRAGMA case_sensitive_like = ON")
            .map_err(fail)?;
        if path != ":memory:" && !path.is_empty() {
            // WAL lets readers go on while one connection writes; it is a property of the
            // file, kept once set.
            // Switching to WAL takes a lock SQLite does not wait for through the busy
            // handler (two processes opening a new file at once): retried until the busy
            // timeout.
            let started = std::time::Instant::now();
            loop {
                match db.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
                    Ok(_) => break,
                    Err(rusqlite::Error::SqliteFailure(e, _))
                        if matches!(
                            e.code,
                            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                        ) && started.elapsed() < busy =>
                    {
                        std::thread::sleep(std::time::Duration::from_millis(5));
                    }
                    Err(e) => return Err(fail(e)),
                }
            }
        }
        let link = SqliteLink {
            db,
            texts: HashMap::new(),
        };
        Ok(Connection::from_link(link, target))
    }

    /// Checks that the database answers.
    pub fn ping(&mut self) -> Result<(), Error> {
        let result = self
            .link
            .db
            .execute_batch("SELECT 1")
            .map_err(from_rusqlite);
        self.note(result)
    }

    /// Runs `statement`, handing each row to `sink`.
    fn sqlite_run(
        &mut self,
        statement: &Rendered<'_>,
        sink: &mut dyn FnMut(RowData<'_>) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        if statement.nul_in_text {
            return Err(Error::NulInText);
        }
        if let Some((_, reason)) = &statement.refused {
            return Err(Error::Parameter(reason.clone()));
        }
        if let Some(feature) = statement.lacking {
            return Err(Error::Unsupported {
                feature,
                backend: "SQLite",
            });
        }
        if self.depth > 0 && self.aborted {
            return Err(in_failed_transaction());
        }
        let max = super::Dialect::Sqlite.max_params();
        if statement.params.len() > max {
            return Err(Error::Parameter(format!(
                "the statement has {} parameters; SQLite takes at most {max} in one statement",
                statement.params.len()
            )));
        }
        let started = Instant::now();
        let sql = if statement.has_text {
            if self.link.texts.len() >= KNOWN_TEXTS && !self.link.texts.contains_key(&statement.key)
            {
                // Bounded like the statement cache: forgotten texts are rendered again.
                self.link.texts.clear();
            }
            let text = self
                .link
                .texts
                .entry(statement.key)
                .or_insert_with(|| Arc::from(statement.sql.as_str()));
            Arc::clone(text)
        } else {
            match self.link.texts.get(&statement.key) {
                Some(text) => Arc::clone(text),
                None => {
                    return Err(Error::Misuse(
                        "a statement rendered without its text was run on a SQLite connection \
                         that has not seen it; render it with SqlWriter::for_dialect"
                            .into(),
                    ))
                }
            }
        };
        let result = run_on(&self.link.db, &sql, statement, sink);
        log::rendered(
            &self.echo,
            &sql,
            statement,
            started.elapsed(),
            result.as_ref().map(|n| Some(*n)),
        );
        self.note(result)
    }
}

/// Prepares (or finds) `sql`, binds the parameters and steps through the result.
fn run_on(
    db: &rusqlite::Connection,
    sql: &str,
    statement: &Rendered<'_>,
    sink: &mut dyn FnMut(RowData<'_>) -> Result<(), Error>,
) -> Result<u64, Error> {
    let mut prepared = db.prepare_cached(sql).map_err(from_rusqlite)?;
    for (i, param) in statement.params.iter().enumerate() {
        let value = param.to_sqlite().map_err(|reason| {
            Error::Parameter(format!("parameter {} for SQLite: {reason}", i + 1))
        })?;
        // As on PostgreSQL, text never holds NUL: SQLite would store it and cut the value
        // short in some functions; refused before the statement runs.
        if matches!(&value, SqliteArg::Text(t) if crate::types::has_nul(t.as_bytes())) {
            return Err(Error::NulInText);
        }
        prepared
            .raw_bind_parameter(i + 1, value)
            .map_err(from_rusqlite)?;
    }
    if prepared.column_count() == 0 {
        let changed = prepared.raw_execute().map_err(from_rusqlite)?;
        return Ok(changed as u64);
    }
    let mut rows = prepared.raw_query();
    let mut count = 0u64;
    let mut failed = None;
    while let Some(row) = rows.next().map_err(from_rusqlite)? {
        count += 1;
        if failed.is_none() {
            if let Err(e) = sink(RowData(Inner::Sqlite(SqliteRow(row)))) {
                // Read to the end, as on PostgreSQL: a write with RETURNING has done all
                // its work, whatever the caller made of its rows.
                failed = Some(e);
            }
        }
    }
    match failed {
        Some(e) => Err(e),
        None => Ok(count),
    }
}

/// Runs SQL text without parameters and logs it.
fn logged_batch(conn: &mut Connection<Sqlite>, sql: &str) -> Result<(), Error> {
    let started = Instant::now();
    let result = conn.link.db.execute_batch(sql).map_err(from_rusqlite);
    log::statement(
        &conn.echo,
        sql,
        &[],
        started.elapsed(),
        result.as_ref().map(|_| None),
    );
    result
}

impl Driver for Sqlite {
    type Link = SqliteLink;

    fn open(url: &DatabaseUrl) -> Result<Connection<Self>, Error> {
        Connection::<Sqlite>::open_url(url)
    }

    #[inline]
    fn run(
        conn: &mut Connection<Self>,
        statement: &Rendered<'_>,
        sink: &mut dyn FnMut(RowData<'_>) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        conn.sqlite_run(statement, sink)
    }

    fn batch(conn: &mut Connection<Self>, sql: &str) -> Result<(), Error> {
        if conn.depth > 0 && conn.aborted {
            return Err(in_failed_transaction());
        }
        let result = logged_batch(conn, sql);
        conn.note(result)
    }

    fn control(
        conn: &mut Connection<Self>,
        sql: &str,
        _deadline: Option<Instant>,
    ) -> Result<(), Error> {
        // An embedded database answers at once or within its busy timeout: there is no
        // peer to wait for.
        let result = logged_batch(conn, sql);
        if result.is_err() && conn.depth > 0 {
            conn.aborted = true;
        }
        result
    }

    /// SQLite's transactions are serializable: `SERIALIZABLE` is what it does anyway, and
    /// is accepted; a weaker level or a read-only transaction is refused rather than
    /// silently run as something else. `BEGIN IMMEDIATE` takes the write lock at once, so
    /// two writers wait on the busy timeout instead of failing half-way.
    fn begin_sql(_link: &Self::Link, options: &TransactionOptions) -> Result<String, Error> {
        match options.isolation {
            None | Some(crate::engine::IsolationLevel::Serializable) => {}
            Some(other) => {
                return Err(Error::Misuse(format!(
                    "SQLite runs every transaction SERIALIZABLE; it has no {other} level"
                )))
            }
        }
        if options.read_only == Some(true) {
            return Err(Error::Misuse(
                "SQLite has no read-only transactions; open the database read-only instead".into(),
            ));
        }
        Ok("BEGIN IMMEDIATE".into())
    }

    #[inline]
    fn knows(link: &Self::Link, key: u64, _types_key: u64) -> bool {
        link.texts.contains_key(&key)
    }

    fn is_closed(_link: &Self::Link) -> bool {
        false
    }

    fn server_in_transaction(link: &Self::Link) -> bool {
        !link.db.is_autocommit()
    }

    fn server_transaction_failed(_link: &Self::Link) -> bool {
        false
    }

    fn ping_before(conn: &mut Connection<Self>, _deadline: Option<Instant>) -> Result<(), Error> {
        conn.ping()
    }
}

impl Backend for Sqlite {
    const DIALECT: super::Dialect = super::Dialect::Sqlite;
}
