//! A synchronous PostgreSQL connection with a bounded prepared-statement cache, SQL
//! logging, and the bookkeeping transactions and the pool rely on.

mod cursor;

use super::log::{self, Echo};
use super::{DatabaseUrl, Error};
use crate::render::{Label, Rendered};
use postgres::types::Type;
use postgres::{Client, NoTls, Statement};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many prepared statements a connection keeps by default.
pub const DEFAULT_STATEMENT_CACHE: usize = 256;

/// One connection to PostgreSQL. Statements are prepared once per SQL text and parameter
/// types, kept in a least-recently-used cache of bounded size, and reused.
pub struct Connection {
    client: Client,
    statements: HashMap<u64, CachedStatement>,
    capacity: usize,
    tick: u64,
    target: String,
    pub(crate) echo: Echo,
    /// Open transaction levels: 0 outside a transaction, 1 in one, 2+ in savepoints.
    pub(crate) depth: u32,
    /// A statement failed inside the open transaction, so the server aborted it.
    pub(crate) aborted: bool,
    /// SQL text was run whose effect on the transaction state is unknown (`BEGIN` in
    /// `batch_execute`, or the raw driver client was borrowed).
    pub(crate) unknown_state: bool,
    /// The connection broke, or its state could not be restored: never reuse it.
    pub(crate) broken: bool,
}

struct CachedStatement {
    sql: Arc<str>,
    types: Vec<Type>,
    statement: Statement,
    last_used: u64,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("target", &self.target)
            .field("cached_statements", &self.statements.len())
            .field("transaction_depth", &self.depth)
            .finish()
    }
}

impl Connection {
    /// Connects to the database a URL names: `postgres://user:password@host:port/database`.
    ///
    /// A URL that does not parse gives [`Error::InvalidUrl`] naming the bad part; a server
    /// that cannot be reached gives [`Error::Connect`].
    pub fn connect(url: &str) -> Result<Self, Error> {
        Self::connect_url(&DatabaseUrl::parse(url)?)
    }

    /// Connects with an already parsed URL.
    pub fn connect_url(url: &DatabaseUrl) -> Result<Self, Error> {
        Self::connect_config(url, url.to_config())
    }

    pub(crate) fn connect_config(
        url: &DatabaseUrl,
        config: postgres::Config,
    ) -> Result<Self, Error> {
        let target = url.target();
        let client = config.connect(NoTls).map_err(|e| {
            let reason = match e.as_db_error() {
                Some(db) => format!("{} (SQLSTATE {})", db.message(), db.code().code()),
                None => {
                    let mut text = e.to_string();
                    let mut source = std::error::Error::source(&e);
                    while let Some(s) = source {
                        text = format!("{text}: {s}");
                        source = s.source();
                    }
                    text
                }
            };
            Error::Connect {
                target: target.clone(),
                reason,
            }
        })?;
        Ok(Connection {
            client,
            statements: HashMap::new(),
            capacity: DEFAULT_STATEMENT_CACHE,
            tick: 0,
            target,
            echo: Echo::default(),
            depth: 0,
            aborted: false,
            unknown_state: false,
            broken: false,
        })
    }

    /// Runs one or more SQL statements given as text, without parameters: for schema
    /// scripts and migrations. Never build this text from user data; queries built with
    /// sqlwright send every value as a parameter (and [`crate::raw::sql`] binds named
    /// parameters for hand-written SQL).
    pub fn batch_execute(&mut self, sql: &str) -> Result<(), Error> {
        if may_control_transactions(sql) {
            self.unknown_state = true;
        }
        let started = Instant::now();
        let result = self.client.batch_execute(sql).map_err(Error::from_driver);
        log::statement(
            &self.echo,
            sql,
            &[],
            started.elapsed(),
            result.as_ref().map(|_| None),
        );
        self.note(result)
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// Whether a transaction is open on this connection.
    pub fn in_transaction(&self) -> bool {
        self.depth > 0
    }

    /// Checks that the server still answers (an empty statement, one round trip).
    pub fn ping(&mut self) -> Result<(), Error> {
        let result = self
            .client
            .simple_query("")
            .map(drop)
            .map_err(Error::from_driver);
        self.note(result)
    }

    /// Prints every statement this connection runs to standard error, SQL in yellow on a
    /// terminal (SQLAlchemy's `echo=True`). Statements are also `tracing` events under the
    /// target [`SQL_LOG_TARGET`](crate::SQL_LOG_TARGET) whatever this says.
    pub fn set_echo(&mut self, on: bool) {
        self.echo.print = on;
    }

    /// Statements that take at least `threshold` are logged at WARN level.
    pub fn set_slow_query_threshold(&mut self, threshold: Option<Duration>) {
        self.echo.slow = threshold;
    }

    /// How many prepared statements to keep (least recently used are closed first);
    /// at least 1.
    pub fn set_statement_cache_size(&mut self, size: usize) {
        self.capacity = size.max(1);
        while self.statements.len() > self.capacity {
            self.evict();
        }
    }

    /// How many prepared statements are cached now.
    pub fn cached_statements(&self) -> usize {
        self.statements.len()
    }

    /// Whether a statement of this fingerprint and these parameter types is prepared, so
    /// that it can run without its SQL text (see [`crate::render::SqlWriter`]).
    pub fn knows(&self, key: u64, types: &[Type]) -> bool {
        self.statements.get(&key).is_some_and(|c| c.types == types)
    }

    /// The driver's client, for what sqlwright does not cover yet. The pool treats a
    /// connection whose client was borrowed as being in an unknown state and rolls back
    /// any transaction on it before reuse.
    pub fn client(&mut self) -> &mut Client {
        self.unknown_state = true;
        &mut self.client
    }

    /// Records what an outcome means for the connection's state.
    pub(crate) fn note<T>(&mut self, result: Result<T, Error>) -> Result<T, Error> {
        if let Err(e) = &result {
            if e.is_connection_lost() || self.client.is_closed() {
                self.broken = true;
            }
            if self.depth > 0 && reached_server(e) {
                self.aborted = true;
            }
        }
        result
    }

    /// Runs `COPY ... FROM STDIN` (`sql`, written by sqlwright) with `write` sending the
    /// data and finishing it; logs the statement with the row count and records the outcome.
    /// A `write` that fails without finishing aborts the COPY: nothing of it is stored.
    pub(crate) fn copy_in_with(
        &mut self,
        sql: &str,
        write: impl FnOnce(postgres::CopyInWriter<'_>) -> Result<u64, Error>,
    ) -> Result<u64, Error> {
        let started = Instant::now();
        let result = self
            .client
            .copy_in(sql)
            .map_err(Error::from_driver)
            .and_then(write);
        log::statement(
            &self.echo,
            sql,
            &[],
            started.elapsed(),
            result.as_ref().map(|n| Some(*n)),
        );
        self.note(result)
    }

    /// The result column types of a statement, asked of the server now (not from the
    /// statement cache, whose description may predate a schema change).
    pub(crate) fn column_types(&mut self, rendered: &Rendered<'_>) -> Result<Vec<Type>, Error> {
        let (_, sql) = self.prepare_logged(rendered, Instant::now())?;
        let described = self
            .client
            .prepare_typed(&sql, &rendered.types)
            .map_err(Error::from_driver);
        let statement = self.note(described)?;
        Ok(statement
            .columns()
            .iter()
            .map(|c| c.type_().clone())
            .collect())
    }

    /// Starts `COPY ... TO STDOUT` (`sql`, written by sqlwright) and returns its data, with
    /// the connection's state flags for failures that arrive while it is read.
    pub(crate) fn copy_out_reader(
        &mut self,
        sql: &str,
    ) -> Result<(postgres::CopyOutReader<'_>, Flags<'_>), Error> {
        let started = Instant::now();
        let result = self.client.copy_out(sql).map_err(Error::from_driver);
        log::statement(
            &self.echo,
            sql,
            &[],
            started.elapsed(),
            result.as_ref().map(|_| None),
        );
        let mut flags = Flags::new(&mut self.broken, &mut self.aborted, self.depth);
        match result {
            Ok(reader) => Ok((reader, flags)),
            Err(e) => {
                if reached_server(&e) {
                    flags.failed(&e);
                }
                Err(e)
            }
        }
    }

    /// Runs transaction-control text (`BEGIN`, `SAVEPOINT`, ...) built by sqlwright itself.
    pub(crate) fn control(&mut self, sql: &str) -> Result<(), Error> {
        let started = Instant::now();
        let result = self.client.batch_execute(sql).map_err(Error::from_driver);
        log::statement(
            &self.echo,
            sql,
            &[],
            started.elapsed(),
            result.as_ref().map(|_| None),
        );
        if let Err(e) = &result {
            if e.is_connection_lost() || self.client.is_closed() {
                self.broken = true;
            }
            if self.depth > 0 {
                self.aborted = true;
            }
        }
        result
    }

    /// The prepared statement of `rendered` and its SQL text: from the cache, or
    /// prepared now (which needs the text).
    fn statement(&mut self, rendered: &Rendered<'_>) -> Result<(Statement, Arc<str>), Error> {
        self.tick += 1;
        let tick = self.tick;
        if let Some(found) = self.statements.get_mut(&rendered.key).filter(|c| {
            c.types == rendered.types && (!rendered.has_text || *c.sql == *rendered.sql)
        }) {
            found.last_used = tick;
            return Ok((found.statement.clone(), Arc::clone(&found.sql)));
        }
        if !rendered.has_text {
            return Err(Error::Misuse(
                "a statement rendered without its SQL text reached a connection that has not \
                 prepared it; render it with SqlWriter::new()"
                    .into(),
            ));
        }
        let sql: Arc<str> = Arc::from(rendered.sql.as_str());
        let statement = self.prepare_text(rendered.key, &sql, &rendered.types)?;
        Ok((statement, sql))
    }

    /// Prepares `sql` with parameter `types` and caches it under `key`.
    fn prepare_text(
        &mut self,
        key: u64,
        sql: &Arc<str>,
        types: &[Type],
    ) -> Result<Statement, Error> {
        let prepared = self.client.prepare_typed(sql, types);
        let statement = self.note(prepared.map_err(Error::from_driver))?;
        if self.statements.len() >= self.capacity && !self.statements.contains_key(&key) {
            self.evict();
        }
        self.statements.insert(
            key,
            CachedStatement {
                sql: Arc::clone(sql),
                types: types.to_vec(),
                statement: statement.clone(),
                last_used: self.tick,
            },
        );
        Ok(statement)
    }

    /// [`statement`](Self::statement), logging a statement that fails to prepare.
    fn prepare_logged(
        &mut self,
        rendered: &Rendered<'_>,
        started: Instant,
    ) -> Result<(Statement, Arc<str>), Error> {
        self.statement(rendered).inspect_err(|e| {
            log::statement(
                &self.echo,
                &rendered.sql,
                &rendered.params,
                started.elapsed(),
                Err(e),
            );
        })
    }

    /// Closes the least recently used statement.
    fn evict(&mut self) {
        let oldest = self
            .statements
            .iter()
            .min_by_key(|(_, c)| c.last_used)
            .map(|(key, _)| *key);
        if let Some(key) = oldest {
            self.statements.remove(&key);
        }
    }

    fn check(statement: &Rendered<'_>) -> Result<(), Error> {
        if statement.nul_in_text {
            Err(Error::NulInText)
        } else {
            Ok(())
        }
    }

    /// Runs a rendered statement and returns its rows.
    pub fn query_rendered(
        &mut self,
        statement: &Rendered<'_>,
    ) -> Result<Vec<postgres::Row>, Error> {
        self.run(
            statement,
            |client, prepared, params| client.query(prepared, params),
            |rows| rows.len() as u64,
        )
    }

    /// Runs a rendered statement and returns the number of rows it affected.
    pub fn execute_rendered(&mut self, statement: &Rendered<'_>) -> Result<u64, Error> {
        self.run(
            statement,
            |client, prepared, params| client.execute(prepared, params),
            |n| *n,
        )
    }

    /// Prepares (or finds) `statement`, runs it with `call`, logs it with the row count
    /// `count` gives, and records what the outcome means for the connection.
    fn run<T>(
        &mut self,
        statement: &Rendered<'_>,
        call: impl Fn(
            &mut Client,
            &Statement,
            &[crate::render::Param<'_>],
        ) -> Result<T, postgres::Error>,
        count: impl FnOnce(&T) -> u64,
    ) -> Result<T, Error> {
        Self::check(statement)?;
        let started = Instant::now();
        let (prepared, sql) = self.prepare_logged(statement, started)?;
        let mut result =
            call(&mut self.client, &prepared, &statement.params).map_err(Error::from_driver);
        if result.as_ref().is_err_and(is_stale_statement) {
            // The schema changed under the prepared statement (or it was deallocated):
            // forget it, and outside a transaction prepare it again and retry once.
            // The text comes from the cache when the statement was rendered without it.
            self.statements.remove(&statement.key);
            if self.depth == 0 {
                let prepared = self.prepare_text(statement.key, &sql, &statement.types)?;
                result = call(&mut self.client, &prepared, &statement.params)
                    .map_err(Error::from_driver);
            }
        }
        log::statement(
            &self.echo,
            &sql,
            &statement.params,
            started.elapsed(),
            result.as_ref().map(|r| Some(count(r))),
        );
        self.note(result)
    }

    /// Runs a rendered statement and reads its rows one at a time as the server sends
    /// them: memory stays bounded however many rows there are (the driver stops reading
    /// the socket while the caller has not asked for the next row).
    pub fn stream_rendered(&mut self, statement: &Rendered<'_>) -> Result<RowStream<'_>, Error> {
        Self::check(statement)?;
        let started = Instant::now();
        let (prepared, sql) = self.prepare_logged(statement, started)?;
        let result = self
            .client
            .query_raw(&prepared, statement.params.iter().copied())
            .map_err(Error::from_driver);
        log::statement(
            &self.echo,
            &sql,
            &statement.params,
            started.elapsed(),
            result.as_ref().map(|_| None),
        );
        let rows = match result {
            Ok(rows) => rows,
            Err(e) => {
                // Unlike `run`, no retry here: the rows borrow the client, and the borrow
                // checker cannot yet see that a failed first try has released it. The
                // stale statement is forgotten, so the next call prepares it again.
                if is_stale_statement(&e) {
                    self.statements.remove(&statement.key);
                }
                if e.is_connection_lost() {
                    self.broken = true;
                }
                if self.depth > 0 && reached_server(&e) {
                    self.aborted = true;
                }
                return Err(e);
            }
        };
        Ok(RowStream {
            source: Source::Direct {
                rows,
                flags: Flags::new(&mut self.broken, &mut self.aborted, self.depth),
            },
            labels: statement.labels.clone(),
        })
    }
}

/// Whether the server refused a cached prepared statement that no longer fits: its result
/// type changed with the schema (0A000), or it no longer exists (26000, after `DISCARD
/// ALL`).
fn is_stale_statement(e: &Error) -> bool {
    e.database_error().is_some_and(|db| {
        db.code == "26000" || (db.code == "0A000" && db.message.contains("cached plan"))
    })
}

/// Whether an error came from the server (so an open transaction is now aborted), rather
/// than from checks made before anything was sent.
pub(crate) fn reached_server(e: &Error) -> bool {
    !matches!(e, Error::NulInText | Error::Parameter(_) | Error::Misuse(_))
}

/// Whether SQL text may open or end a transaction: then the pool cannot trust its own
/// bookkeeping and rolls back before reuse. Errs on the side of "yes".
fn may_control_transactions(sql: &str) -> bool {
    let lower = sql.to_ascii_lowercase();
    [
        "begin",
        "start",
        "commit",
        "rollback",
        "abort",
        "end",
        "savepoint",
        "release",
        "prepare",
        "call",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

/// Rows read from the server as they arrive (see [`Connection::stream_rendered`]).
pub struct RowStream<'c> {
    source: Source<'c>,
    labels: Vec<Label>,
}

/// The state flags of a connection, borrowed by a result read after the call that
/// started it returned (a stream, a COPY out): a failure while reading it must still mark
/// the connection broken, or its transaction aborted.
pub(crate) struct Flags<'c> {
    broken: &'c mut bool,
    /// Set only inside a transaction.
    aborted: Option<&'c mut bool>,
}

impl<'c> Flags<'c> {
    /// The flags of a connection `depth` transactions deep (taken field by field, so that
    /// the driver's client can stay borrowed by the result beside them).
    fn new(broken: &'c mut bool, aborted: &'c mut bool, depth: u32) -> Self {
        Flags {
            broken,
            aborted: (depth > 0).then_some(aborted),
        }
    }

    /// Records a failure that came from the server or the socket.
    pub(crate) fn failed(&mut self, e: &Error) {
        if e.is_connection_lost() {
            *self.broken = true;
        }
        if let Some(aborted) = self.aborted.as_deref_mut() {
            *aborted = true;
        }
    }
}

/// Where a stream's rows come from.
enum Source<'c> {
    /// The driver's row iterator over one statement (any statement, raw SQL included).
    Direct {
        rows: postgres::RowIter<'c>,
        flags: Flags<'c>,
    },
    /// A server-side cursor read in growing batches (SELECTs; see `cursor.rs`).
    Cursor(cursor::Cursor<'c>),
}

impl std::fmt::Debug for RowStream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowStream").finish_non_exhaustive()
    }
}

impl RowStream<'_> {
    /// The labels of the selected columns, for decode errors.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// The next row, `None` at the end.
    pub fn next_row(&mut self) -> Option<Result<postgres::Row, Error>> {
        use postgres::fallible_iterator::FallibleIterator as _;
        match &mut self.source {
            Source::Cursor(cursor) => cursor.next_row(),
            Source::Direct { rows, flags } => match rows.next() {
                Ok(row) => row.map(Ok),
                Err(e) => {
                    let e = Error::from_driver(e);
                    flags.failed(&e);
                    Some(Err(e))
                }
            },
        }
    }
}
