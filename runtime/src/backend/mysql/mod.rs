//! MySQL and MariaDB (feature `mysql`), through sqlwright's own protocol client.
//!
//! A connection speaks utf8mb4 and sets its session's `sql_mode` so that the server
//! refuses what it would otherwise silently change (strict mode: no truncated text, no
//! zero dates), reads `\` in string literals as a plain character (as standard SQL and
//! PostgreSQL do), and reads `||` as concatenation, never as `OR`. Statements are prepared
//! on the server (the binary protocol, so integers and floats arrive typed), kept per
//! connection, and their rows decoded in place from the packets. The session's time zone
//! is UTC. See docs/design.md, "MariaDB groundwork (#23)", "MySQL values", "MySQL engine,
//! errors and the portable suite" and "MySQL client of our own (#23, wt-myclient)" for
//! what is built.

#[cfg(feature = "tokio")]
mod async_stream;
mod client;
mod driver;
mod errors;
mod list;
mod pool;
mod stream;
mod text;
mod writes;

use super::Mysql;
use crate::engine::log;
use crate::engine::row_data::Inner;
use crate::engine::wire::{now, Sink, SocketKind, TlsSettings};
use crate::engine::{Connection, DatabaseUrl, Dialect, Error, RowData};
use crate::render::Rendered;
use client::{Client, ConnectOptions, Prepared};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[cfg(feature = "tokio")]
pub use async_stream::AsyncMysqlRows;
pub use client::MysqlValue;
pub(crate) use client::Row as MysqlRow;
pub(crate) use client::{write_bytes, write_param};
pub(crate) use list::json_list;
pub use pool::{MysqlOpener, MysqlOptions};
pub use stream::MysqlRows;
pub(crate) use text::Bound;

/// How long a connect may take when the URL says no `connect_timeout`.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// MySQL's and MariaDB's default port.
pub const DEFAULT_PORT: u16 = 3306;

/// How many prepared statements a connection keeps.
const STATEMENT_CACHE: usize = 256;

/// The session's `sql_mode`: strict (errors, not silent truncation or zero dates),
/// standard string literals (`NO_BACKSLASH_ESCAPES`) and `||` as concatenation
/// (`PIPES_AS_CONCAT`: sqlwright itself writes `CONCAT(a, b)`, but `||` in raw SQL then
/// means what it means on PostgreSQL and SQLite, never `OR`), and the session's time zone
/// UTC, so that a `Timestamptz` value (sent and read as its UTC date and time) means the
/// same instant in a DATETIME and in a TIMESTAMP column, whose values MySQL converts
/// through the session's zone (docs/design.md, "MySQL values"). The server's messages are
/// English (`lc_messages`): the error parsers and an UPDATE's count of matched rows read
/// them. Run after login and after
/// every reset (COM_RESET_CONNECTION puts the zone back to the server's), with
/// `SET NAMES utf8mb4`, in one round trip.
const INIT: &str = "SET NAMES utf8mb4; SET SESSION sql_mode = 'STRICT_ALL_TABLES,\
ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION,\
NO_BACKSLASH_ESCAPES,PIPES_AS_CONCAT'; SET SESSION time_zone = '+00:00'; \
SET SESSION lc_messages = 'en_US'";

/// Hashes a statement's fingerprint (already a hash) as itself.
#[derive(Default)]
struct Fingerprint(u64);

impl std::hash::Hasher for Fingerprint {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is called for a `u64` key; anything else is folded in.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type Statements = HashMap<u64, (Arc<str>, Prepared), BuildHasherDefault<Fingerprint>>;

/// MySQL's part of a connection.
pub struct MysqlLink {
    client: Client,
    /// The text and prepared statement of each fingerprint run so far, so that a statement
    /// seen before is neither rendered as text nor prepared again. At most
    /// [`STATEMENT_CACHE`] entries: when full, every statement is closed on the server
    /// (COM_STMT_CLOSE) and the map emptied.
    statements: Statements,
    /// The parameters of the statement being run, encoded: their type and flag bytes,
    /// and their binary values (kept to reuse their allocations).
    types: Vec<u8>,
    values: Vec<u8>,
    /// Whether the server takes RETURNING, once asked (`writes.rs`).
    returning: Option<bool>,
    /// Whether the server is MariaDB, once asked (`writes.rs`).
    mariadb: Option<bool>,
    /// The AUTO_INCREMENT value the last write generated (`last_insert_id`).
    last_insert_id: Option<u64>,
}

impl Connection<Mysql> {
    /// Connects to the MySQL or MariaDB server a URL names (named `open`, as SQLite's is:
    /// `connect` is PostgreSQL's): `mysql://user:password@host:port/db`
    /// (also `mariadb://`, `mysql+pymysql://`, `mysql+mysqldb://`; a host starting with `/`
    /// is a Unix socket). See [`DatabaseUrl`] for the options.
    ///
    /// TLS as MySQL's clients spell it: `ssl-mode` = `DISABLED`, `PREFERRED` (the default:
    /// TLS when the server offers it over TCP), `REQUIRED` (TLS or a typed error, the
    /// certificate checked only against an `ssl-ca` if one is given), `VERIFY_CA` (the chain
    /// against `ssl-ca`) or `VERIFY_IDENTITY` (the host name too); `ssl-cert` and `ssl-key`
    /// for a client certificate. A failure is [`Error::Tls`], raised before the login.
    pub fn open(url: &str) -> Result<Self, Error> {
        Self::open_url(&DatabaseUrl::parse(url)?)
    }

    /// Connects with an already parsed URL.
    pub fn open_url(url: &DatabaseUrl) -> Result<Self, Error> {
        Self::open_before(url, None)
    }

    /// Connects, the TCP connect giving up at `deadline` if that comes before the URL's
    /// `connect_timeout` (the pool's checkout deadline).
    pub(crate) fn open_before(url: &DatabaseUrl, deadline: Option<Instant>) -> Result<Self, Error> {
        Self::open_with(url, None, deadline)
    }

    /// [`open_before`](Self::open_before) with `tls` in place of the URL's TLS settings:
    /// the same ones, already read from it and kept by an engine, so that its connections
    /// share one rustls configuration (the CA and certificate files read once).
    pub(crate) fn open_with(
        url: &DatabaseUrl,
        tls: Option<&TlsSettings>,
        deadline: Option<Instant>,
    ) -> Result<Self, Error> {
        now(Self::open_io(url, tls, deadline, SocketKind::Blocking))
    }

    /// [`open_with`](Self::open_with) on a blocking or a tokio socket.
    pub(crate) async fn open_io(
        url: &DatabaseUrl,
        tls: Option<&TlsSettings>,
        deadline: Option<Instant>,
        kind: SocketKind,
    ) -> Result<Self, Error> {
        if url.dialect != Dialect::Mysql {
            return Err(Error::InvalidUrl {
                part: "scheme".into(),
                reason: format!("a MySQL connection needs a mysql:// URL, not {url}"),
            });
        }
        let options = url.mysql_options()?;
        let host = url.host.as_deref().unwrap_or("127.0.0.1");
        let port = url.port.unwrap_or(DEFAULT_PORT);
        let mut connect_timeout = options.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        if let Some(deadline) = deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            // A zero timeout would mean none to the socket: at least a millisecond.
            connect_timeout = connect_timeout.min(left.max(Duration::from_millis(1)));
        }
        let target = if host.starts_with('/') {
            format!("{host}/{}", url.database.as_deref().unwrap_or(""))
        } else {
            format!("{host}:{port}/{}", url.database.as_deref().unwrap_or(""))
        };
        // A statement timeout is a session variable, set with the others (and again after
        // every reset); the client then waits for an answer at most that plus a grace,
        // unless the URL's read_timeout says otherwise, as on PostgreSQL.
        let (init, read_timeout) = match options.statement_timeout {
            Some(limit) => (
                format!(
                    "{INIT}; SET SESSION max_statement_time = {}",
                    crate::engine::statement_timeout_param(limit)
                ),
                options
                    .read_timeout
                    .or(Some(limit + crate::engine::REQUEST_TIMEOUT_GRACE)),
            ),
            None => (INIT.to_string(), options.read_timeout),
        };
        let client = Client::connect(&ConnectOptions {
            host,
            port,
            user: url.user.as_deref().unwrap_or(""),
            password: url.password(),
            database: url.database.as_deref().filter(|db| !db.is_empty()),
            connect_timeout,
            read_timeout,
            write_timeout: options.write_timeout,
            init: &init,
            tls: tls.unwrap_or(&options.tls),
            kind,
        })
        .await
        .map_err(|e| match e {
            Error::Tls { kind, reason, .. } => Error::Tls {
                target: target.clone(),
                kind,
                reason,
            },
            e => Error::Connect {
                target: target.clone(),
                reason: e.to_string(),
            },
        })?;
        let link = MysqlLink {
            client,
            statements: Statements::default(),
            types: Vec::new(),
            values: Vec::new(),
            returning: None,
            mariadb: None,
            last_insert_id: None,
        };
        Ok(Connection::from_link(link, target))
    }

    /// Checks that the server answers.
    pub fn ping(&mut self) -> Result<(), Error> {
        now(self.mysql_ping_io())
    }

    /// [`ping`](Self::ping), awaited.
    pub(crate) async fn mysql_ping_io(&mut self) -> Result<(), Error> {
        let result = self.link.client.ping().await;
        self.note(result)
    }

    /// The server's `VERSION()`, e.g. `10.11.19-MariaDB-0+deb12u1` (asked of the server:
    /// MariaDB 10.x announces itself as `5.5.5-10.x` in its greeting).
    pub fn server_version(&mut self) -> Result<String, Error> {
        now(self.server_version_io())
    }

    /// [`server_version`](Self::server_version), awaited.
    pub(crate) async fn server_version_io(&mut self) -> Result<String, Error> {
        let client = &mut self.link.client;
        let result = async {
            let mut statement = client.prepare("SELECT VERSION()").await?;
            let mut version = None;
            let run = client
                .execute_encoded(&mut statement, &[], &[], &mut |row: MysqlRow<'_>| {
                    if let Some(MysqlValue::Bytes(b)) = row.value(0) {
                        version = Some(String::from_utf8_lossy(b).into_owned());
                    }
                    Ok(())
                })
                .await;
            client.close_statement(statement.id).await?;
            run?;
            version.ok_or(Error::NotFound)
        }
        .await;
        self.note(result)
    }

    /// Runs `statement`, handing each row to `sink`.
    #[inline]
    fn mysql_run(
        &mut self,
        statement: &Rendered<'_>,
        sink: &mut dyn FnMut(RowData<'_>) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        now(self.mysql_run_io(statement, sink))
    }

    /// [`mysql_run`](Self::mysql_run) on either socket (the async connection's, with a
    /// `Send` sink).
    pub(crate) async fn mysql_run_io<S: Sink + ?Sized>(
        &mut self,
        statement: &Rendered<'_>,
        sink: &mut S,
    ) -> Result<u64, Error> {
        if statement.mysql.returning && self.link.returning.is_none() {
            // Asked once, through the same socket (`mysql_refusal` then reads the answer).
            let version = Box::pin(self.server_version_io()).await?;
            self.link.returning = Some(writes::has_returning(&version));
        }
        self.mysql_check(statement)?;
        let started = Instant::now();
        let (sql, mut result) = self.link.run(statement, sink).await;
        if statement.mysql.nowait {
            result = result.map_err(errors::lock_not_taken);
        }
        log::rendered(
            &self.echo,
            sql.as_deref().unwrap_or(&statement.sql),
            statement,
            started.elapsed(),
            result.as_ref().map(|n| Some(*n)),
        );
        self.note(result)
    }

    /// Refuses what must not be sent: text with a NUL, a refused or lacking feature, a
    /// statement in a failed transaction, one rendered for another backend, one this
    /// server cannot run, too many parameters.
    fn mysql_check(&mut self, statement: &Rendered<'_>) -> Result<(), Error> {
        if statement.nul_in_text {
            return Err(Error::NulInText);
        }
        if let Some((_, reason)) = &statement.refused {
            return Err(Error::Parameter(reason.clone()));
        }
        if let Some(feature) = statement.lacking {
            return Err(Error::Unsupported {
                feature,
                backend: "MySQL",
            });
        }
        if self.depth > 0 && self.aborted {
            return Err(errors::in_failed_transaction());
        }
        if statement.dialect != Dialect::Mysql {
            return Err(Error::Misuse(format!(
                "a statement rendered for {} was run on a MySQL connection",
                statement.dialect
            )));
        }
        self.mysql_refusal(&statement.mysql)?;
        let max = Dialect::Mysql.max_params();
        if statement.params.len() > max {
            return Err(Error::Parameter(format!(
                "the statement has {} parameters; MySQL takes at most {max} in one statement",
                statement.params.len()
            )));
        }
        Ok(())
    }
}

impl MysqlLink {
    /// Keeps the AUTO_INCREMENT value the last statement generated, from its OK packet (0:
    /// none, which leaves the last one, as the server's `LAST_INSERT_ID()` does).
    fn note_insert_id(&mut self) {
        let id = self.client.last_insert_id();
        if id != 0 {
            self.last_insert_id = Some(id);
        }
    }

    /// Puts the session back as a new connection's (COM_RESET_CONNECTION: the transaction
    /// rolled back, temporary tables, user variables, session variables and prepared
    /// statements gone), then sets utf8mb4, the `sql_mode` and UTC again.
    pub(crate) fn reset(&mut self) -> Result<(), Error> {
        now(self.reset_io())
    }

    #[cfg(feature = "tokio")]
    /// Reads the rest of an answer a dropped future left and sends an owed rollback (what
    /// every command does first), so that the server's state is known.
    pub(crate) async fn settle(&mut self) -> Result<(), Error> {
        self.client.settle().await
    }

    /// [`reset`](Self::reset), awaited.
    pub(crate) async fn reset_io(&mut self) -> Result<(), Error> {
        self.statements.clear();
        self.client.reset().await
    }

    /// Runs `statement` with its parameters bound in order, handing each row to `sink`:
    /// through the statement kept for its fingerprint, or its own text prepared now.
    /// Returns the text run (for the log) with the outcome.
    async fn run<S: Sink + ?Sized>(
        &mut self,
        statement: &Rendered<'_>,
        sink: &mut S,
    ) -> (Option<Arc<str>>, Result<u64, Error>) {
        if let Err(e) = self.ready(statement).await {
            return (None, Err(e));
        }
        let Some((sql, prepared)) = self.statements.get_mut(&statement.key) else {
            return (
                None,
                Err(Error::Misuse("a MySQL statement was not kept".into())),
            );
        };
        let mut result = self
            .client
            .execute_encoded(prepared, &self.types, &self.values, &mut |row: MysqlRow<
                '_,
            >| {
                sink(RowData(Inner::Mysql(row)))
            })
            .await;
        // A statement without rows: its count is the OK packet's (an upsert's, PostgreSQL's
        // count of the rows it proposed).
        if result.is_ok() {
            let id = self.client.last_insert_id();
            if id != 0 {
                self.last_insert_id = Some(id);
            }
            if statement.mysql.upsert_counts_rows && prepared.columns.is_empty() {
                result = Ok(writes::upsert_count(self.client.info_records()));
            }
        }
        // Large values are not kept past the statement.
        if self.values.capacity() > 1 << 16 {
            self.values = Vec::new();
        }
        (Some(Arc::clone(sql)), result)
    }

    /// Encodes `statement`'s parameters and prepares its text unless it is kept.
    async fn ready(&mut self, statement: &Rendered<'_>) -> Result<(), Error> {
        self.bind(statement)?;
        if !self.statements.contains_key(&statement.key) {
            Box::pin(self.prepare(statement)).await?;
        }
        Ok(())
    }

    /// Prepares `statement`'s text and keeps it under its fingerprint.
    async fn prepare(&mut self, statement: &Rendered<'_>) -> Result<(), Error> {
        if !statement.has_text {
            return Err(Error::Misuse(
                "a statement rendered without its text was run on a MySQL connection that \
                 has not seen it; render it with SqlWriter::for_dialect"
                    .into(),
            ));
        }
        if self.statements.len() >= STATEMENT_CACHE {
            for (_, (_, old)) in self.statements.drain() {
                self.client.close_statement(old.id).await?;
            }
        }
        let sql: Arc<str> = Arc::from(statement.sql.as_str());
        let prepared = self.client.prepare(&sql).await?;
        self.statements.insert(statement.key, (sql, prepared));
        Ok(())
    }

    /// Encodes the statement's parameters into `self.types` and `self.values`.
    fn bind(&mut self, statement: &Rendered<'_>) -> Result<(), Error> {
        self.types.clear();
        self.values.clear();
        for (i, param) in statement.params.iter().enumerate() {
            let kind = param.write_mysql(&mut self.values).map_err(|reason| {
                if reason == crate::backend::value::NUL_IN_TEXT {
                    Error::NulInText
                } else {
                    Error::Parameter(format!("parameter {} for MySQL: {reason}", i + 1))
                }
            })?;
            self.types.extend_from_slice(&kind);
        }
        Ok(())
    }
}

/// A connection over the Unix socket `socket` as `user` without a password (the test
/// servers' `root`).
#[cfg(feature = "testing")]
pub(crate) fn open_socket(
    socket: &str,
    user: &str,
    timeout: Duration,
) -> Result<Connection<Mysql>, Error> {
    let client = now(Client::connect(&ConnectOptions {
        host: socket,
        port: 0,
        user,
        password: None,
        database: None,
        connect_timeout: timeout,
        read_timeout: Some(timeout),
        write_timeout: Some(timeout),
        init: INIT,
        tls: &TlsSettings::new(crate::engine::wire::SslMode::Disable),
        kind: SocketKind::Blocking,
    }))?;
    let link = MysqlLink {
        client,
        statements: Statements::default(),
        types: Vec::new(),
        values: Vec::new(),
        returning: None,
        mariadb: None,
        last_insert_id: None,
    };
    Ok(Connection::from_link(link, socket.to_string()))
}

impl Connection<Mysql> {
    #[cfg(feature = "tokio")]
    /// [`batch_execute`](Connection::batch_execute) on either socket.
    pub(crate) async fn mysql_batch_io(&mut self, sql: &str) -> Result<(), Error> {
        if self.depth > 0 && self.aborted {
            return Err(errors::in_failed_transaction());
        }
        let result = logged_batch_io(self, sql).await;
        self.note(result)
    }

    #[cfg(feature = "tokio")]
    /// Transaction control on either socket (see `Driver::control`).
    pub(crate) async fn mysql_control_io(&mut self, sql: &str) -> Result<(), Error> {
        let result = logged_batch_io(self, sql).await;
        if result.is_err() && self.depth > 0 {
            self.aborted = true;
        }
        result
    }

    #[cfg(feature = "tokio")]
    /// Leaves the rollback of transaction level `level` owed on the connection, sent
    /// ahead of its next statement (an async transaction dropped open).
    pub(crate) fn mysql_owe_rollback(&mut self, level: u32) {
        self.link.client.owe_rollback(level);
    }
}

/// Runs SQL text without parameters (one or more statements) and logs it.
fn logged_batch(conn: &mut Connection<Mysql>, sql: &str) -> Result<(), Error> {
    now(logged_batch_io(conn, sql))
}

/// [`logged_batch`] on either socket.
pub(crate) async fn logged_batch_io(conn: &mut Connection<Mysql>, sql: &str) -> Result<(), Error> {
    let started = Instant::now();
    // The client reads every result of a multi-statement text: the error of a later
    // statement arrives with its result and is returned.
    let result = conn.link.client.query(sql).await;
    if result.is_ok() {
        conn.link.note_insert_id();
    }
    log::statement(
        &conn.echo,
        sql,
        &[],
        started.elapsed(),
        result.as_ref().map(|_| None),
    );
    result
}
