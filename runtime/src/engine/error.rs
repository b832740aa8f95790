//! The one error type of sqlwright, with variants typed by what went wrong.

use std::fmt;

mod database;
pub use database::{DatabaseError, DbErrorKind};

/// Everything that can go wrong connecting, running a statement or reading its rows.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The connection URL could not be parsed; `part` names the piece that is wrong.
    InvalidUrl {
        /// The part of the URL: `scheme`, `host`, `port`, `database`, `user`, a parameter...
        part: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A piece of a boxed query (chosen at run time, its type erased) uses a feature the
    /// connection's backend lacks; the statement was not sent. Everywhere else the same
    /// mistake is a compile error.
    Unsupported {
        /// The feature (`Ilike`, `Arrays`, ...), as compile errors name it.
        feature: &'static str,
        /// The backend.
        backend: &'static str,
    },
    /// The server could not be reached or refused the connection.
    Connect {
        /// `host:port/database` (never the password).
        target: String,
        /// The driver's explanation.
        reason: String,
    },
    /// TLS could not be set up as the URL's `sslmode`, `sslrootcert` and `channel_binding`
    /// (MySQL: `ssl-mode`, `ssl-ca`) demand. The connection was given up before any
    /// authentication: no password (nor user name) was sent.
    Tls {
        /// `host:port/database` (never the password).
        target: String,
        /// What failed.
        kind: TlsErrorKind,
        /// The details.
        reason: String,
    },
    /// The connection broke while in use (the server went away, restarted, or ended this
    /// session). Whatever transaction was open is rolled back by the server.
    ConnectionLost(String),
    /// The server did not answer within the client's own limit (the engine's
    /// `request_timeout`, the connect deadline, a pre-ping inside the checkout timeout).
    /// The connection is closed: its state on the server is unknown.
    Timeout {
        /// What was waited for: `a statement's answer`, `login`, ...
        waiting_for: String,
        /// How long the client waited.
        waited: std::time::Duration,
    },
    /// The connection was lost after a statement that makes work permanent was sent
    /// (COMMIT, RELEASE of the outermost savepoint, or a write outside a transaction) and
    /// before its answer arrived: the work may or may not have been stored. Never retried
    /// by sqlwright; check whether it landed, or make the write idempotent (see
    /// RELIABILITY.md).
    OutcomeUnknown {
        /// The statement whose answer was lost: `COMMIT`, or the SQL text.
        statement: String,
        /// What broke the connection.
        reason: String,
    },
    /// The server sent a message longer than the connection accepts
    /// (`max_message_size`, 1 GiB and a little by default); the connection was closed.
    MessageTooLarge {
        /// The length the message announced.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A result had more rows than the `max_rows` guard allows (engine, connection or
    /// query); the rest of it was not kept.
    TooManyRows {
        /// The guard.
        limit: u64,
    },
    /// No pooled connection became free within the engine's checkout timeout.
    PoolTimeout {
        /// How long the checkout waited.
        waited: std::time::Duration,
        /// How many connections the pool may open (`pool_size + max_overflow`).
        max_connections: usize,
    },
    /// A statement inside this transaction failed earlier, so the server has aborted it;
    /// it cannot commit. Roll back (return `Err` from the closure), or use a nested
    /// transaction (a savepoint) around statements that may fail.
    TransactionAborted,
    /// The server rejected the statement (constraint violation, bad data, ...).
    Database(Box<DatabaseError>),
    /// A query expected to return a row returned none.
    NotFound,
    /// A query expected to return at most one row returned more.
    MultipleRows,
    /// A column of a result row did not decode into the Rust type it is loaded into.
    Decode {
        /// The column: `table.column` when known.
        column: String,
        /// What did not fit.
        source: DecodeError,
    },
    /// A text parameter contains a NUL byte, which PostgreSQL cannot store.
    NulInText,
    /// A parameter could not be sent.
    Parameter(String),
    /// A raw-SQL parameter was bound as a SQL type that does not fit where the statement
    /// uses it (text bound where the server reads an integer): which parameter, and both
    /// types.
    ParameterType {
        /// The parameter's name in the SQL text (`id` for `:id`).
        name: String,
        /// Its placeholder number (`1` for `$1`).
        position: usize,
        /// The SQL type it was bound as (the Rust value's natural type, or `bind_as`'s).
        bound: String,
        /// The SQL type PostgreSQL reads at that place.
        expected: String,
        /// The server's error.
        source: Box<Error>,
    },
    /// The driver failed in a way not covered above (a protocol or I/O problem).
    Driver(String),
    /// The API was used in a way that cannot work, found at run time (a nested transaction
    /// asking for its own isolation level, a raw-SQL parameter without a value, ...).
    Misuse(String),
    /// A statement of a [`Batch`](crate::query::Batch) failed; the statements after it
    /// were not run. Outside a transaction the batch is one implicit transaction, so none
    /// of it was kept; inside one, the transaction has failed (roll it back).
    Batch {
        /// The failed statement's position in the batch, from 0.
        index: usize,
        /// What failed.
        source: Box<Error>,
    },
    /// A row of a COPY could not be stored, so the COPY stored none of its rows.
    Copy {
        /// The 1-based number of the bad row, when known.
        row: Option<u64>,
        /// The column, when known.
        column: Option<String>,
        /// What was wrong with it: [`Error::NulInText`], [`Error::Parameter`], a
        /// [`Error::Database`] error of the server (unique violation, numeric overflow, ...).
        source: Box<Error>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unsupported { feature, backend } => write!(
                f,
                "{feature} is not available on {backend}: a boxed piece of the query uses it \
                 (the statement was not sent)"
            ),
            Error::InvalidUrl { part, reason } => {
                write!(f, "invalid database URL: {part}: {reason}")
            }
            Error::Connect { target, reason } => {
                write!(f, "cannot connect to {target}: {reason}")
            }
            Error::Tls { target, reason, .. } => {
                write!(f, "cannot connect to {target} over TLS: {reason}")
            }
            Error::ConnectionLost(reason) => write!(
                f,
                "connection lost: {reason} (an open transaction was rolled back by the server; \
                 the next statement on a new connection may succeed)"
            ),
            Error::Timeout {
                waiting_for,
                waited,
            } => write!(
                f,
                "timed out after {waited:?} waiting for {waiting_for}; the connection was closed"
            ),
            Error::OutcomeUnknown { statement, reason } => write!(
                f,
                "the connection was lost before the server answered {statement}: {reason}; \
                 the work may or may not have been stored (check before running it again)"
            ),
            Error::MessageTooLarge { size, limit } => write!(
                f,
                "the server sent a message of {size} bytes, over this connection's limit of \
                 {limit} (max_message_size); the connection was closed"
            ),
            Error::TooManyRows { limit } => write!(
                f,
                "the result has more than {limit} rows (the max_rows guard); \
                 filter it, add .limit(..), or stream it"
            ),
            Error::PoolTimeout {
                waited,
                max_connections,
            } => write!(
                f,
                "no pooled connection became free within {waited:?}: all {max_connections} \
                 connections are in use (raise pool_size/max_overflow or the checkout timeout, \
                 or return connections sooner)"
            ),
            Error::TransactionAborted => f.write_str(
                "the transaction cannot commit: one of its statements failed, so the server \
                 aborted it (roll back, or wrap statements that may fail in a nested transaction)",
            ),
            Error::Database(e) => e.fmt(f),
            Error::NotFound => f.write_str("the query returned no row"),
            Error::MultipleRows => f.write_str("the query returned more than one row"),
            Error::Decode { column, source } => {
                write!(f, "cannot load column {column}: {source}")
            }
            Error::NulInText => f.write_str(
                "a text parameter contains a NUL byte (\\0), which PostgreSQL cannot store",
            ),
            Error::Parameter(reason) => write!(f, "cannot send a parameter: {reason}"),
            Error::ParameterType {
                name,
                position,
                bound,
                expected,
                source,
            } => {
                write!(
                    f,
                    "raw SQL parameter `:{name}` (${position}) is bound as {bound}, but the \
                     statement reads it as {expected}: bind a value of that type"
                )?;
                if let Some((marker, _)) = crate::types::BUILTIN_TYPES
                    .iter()
                    .find(|(_, sql)| *sql == expected.as_str())
                {
                    write!(
                        f,
                        ", or declare it with `.bind_as::<{marker}, _>(\"{name}\", ..)`"
                    )?;
                }
                write!(f, " ({source})")
            }
            Error::Driver(reason) => write!(f, "database driver error: {reason}"),
            Error::Misuse(reason) => f.write_str(reason),
            Error::Batch { index, source } => write!(
                f,
                "statement {index} (counting from 0) of the batch failed, and the ones after \
                 it were not run: {source}"
            ),
            Error::Copy {
                row,
                column,
                source,
            } => {
                f.write_str("COPY stored no rows: ")?;
                match row {
                    Some(n) => write!(f, "row {n}")?,
                    None => f.write_str("a row")?,
                }
                if let Some(c) = column {
                    write!(f, ", column {c}")?;
                }
                write!(f, ": {source}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Database(e) => Some(e),
            Error::Copy { source, .. } => Some(source),
            Error::ParameterType { source, .. } => Some(source),
            Error::Batch { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// What failed in setting up TLS ([`Error::Tls`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsErrorKind {
    /// `sslmode` is `require` or stronger (MySQL: `ssl-mode` is `REQUIRED` or stronger) and
    /// the server does not offer TLS (or the connection is over a Unix-domain socket, where
    /// TLS is not used).
    NotOffered,
    /// The server's certificate is not signed by a certificate of `sslrootcert` (MySQL:
    /// `ssl-ca`; a wrong CA, or a self-signed certificate).
    UnknownIssuer,
    /// The server's certificate is not valid for the host name (or IP address) connected
    /// to (`verify-full`; MySQL: `VERIFY_IDENTITY`).
    HostName,
    /// The server's certificate has expired, or is not valid yet.
    Expired,
    /// The server's certificate is invalid in another way (bad signature, wrong purpose,
    /// revoked, malformed).
    InvalidCertificate,
    /// The handshake failed otherwise (no common protocol version or cipher, an alert
    /// from the server).
    Handshake,
    /// `sslrootcert`, `sslcert` or `sslkey` (MySQL: `ssl-ca`, `ssl-cert`, `ssl-key`) could
    /// not be read or holds no usable certificate or key.
    Files,
    /// `channel_binding=require` cannot be met: no TLS, or the server does not offer
    /// SCRAM-SHA-256-PLUS.
    ChannelBinding,
}

/// Why a column value did not load.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// The server sent a SQL type the Rust type cannot hold.
    WrongType {
        /// The Rust type it was loaded into.
        rust: &'static str,
        /// The SQL type the server sent.
        sql: String,
    },
    /// The value is NULL but the Rust type is not an `Option`.
    UnexpectedNull {
        /// The Rust type it was loaded into.
        rust: &'static str,
    },
    /// The bytes did not decode.
    Invalid {
        /// The Rust type it was loaded into.
        rust: &'static str,
        /// The driver's explanation.
        reason: String,
    },
    /// The row has fewer columns than the Rust type reads.
    MissingColumn,
    /// The value is a label that the Rust enum it is loaded into has no variant for (a
    /// label added to the database's enum type, or text that is not a label).
    UnknownLabel {
        /// The Rust enum.
        rust: &'static str,
        /// The label read.
        label: String,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::WrongType { rust, sql } => {
                write!(
                    f,
                    "the server sent SQL type `{sql}`, which does not load into Rust `{rust}`"
                )
            }
            DecodeError::UnexpectedNull { rust } => {
                write!(f, "the value is NULL, which does not load into Rust `{rust}` (use `Option<{rust}>`)")
            }
            DecodeError::Invalid { rust, reason } => {
                write!(f, "the value does not decode as Rust `{rust}`: {reason}")
            }
            DecodeError::MissingColumn => f.write_str("the row has no such column"),
            DecodeError::UnknownLabel { rust, label } => write!(
                f,
                "the label `{label}` is not a variant of Rust enum `{rust}` (was it added to the database's type?)"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

impl Error {
    /// The server's error, if this is one.
    pub fn database_error(&self) -> Option<&DatabaseError> {
        match self {
            Error::Database(e) => Some(e),
            Error::Copy { source, .. } => source.database_error(),
            Error::ParameterType { source, .. } => source.database_error(),
            Error::Batch { source, .. } => source.database_error(),
            _ => None,
        }
    }

    /// The kind of the server's error, if this is one.
    pub fn kind(&self) -> Option<DbErrorKind> {
        self.database_error().map(|e| e.kind)
    }

    /// Whether running the transaction again may succeed (serialization failure,
    /// deadlock).
    pub fn is_retryable(&self) -> bool {
        self.kind().is_some_and(DbErrorKind::is_retryable)
    }

    /// Whether a lock was not available: the server's 55P03, from a locking query with
    /// `NOWAIT` (`.for_update().no_wait()`) on a row another transaction holds, or from a
    /// wait longer than `lock_timeout`. The transaction is aborted, as after any error.
    /// On MySQL and MariaDB: a `NOWAIT` query's row held by another transaction (MySQL's
    /// 3572; MariaDB's 1205 from a statement with `NOWAIT`). A wait past MySQL's
    /// `innodb_lock_wait_timeout` is 1205 [`DbErrorKind::Busy`], retryable, instead.
    pub fn is_lock_not_available(&self) -> bool {
        self.kind() == Some(DbErrorKind::LockNotAvailable)
    }

    /// Whether the connection this came from can no longer be used.
    pub fn is_connection_lost(&self) -> bool {
        match self {
            Error::Batch { source, .. } => source.is_connection_lost(),
            _ => matches!(
                self,
                Error::ConnectionLost(_)
                    | Error::Timeout { .. }
                    | Error::OutcomeUnknown { .. }
                    | Error::MessageTooLarge { .. }
            ),
        }
    }

    /// Maps an error the server sent: 57P01-57P03 (the server ended this session:
    /// pg_terminate_backend, shutdown, restart) mean the connection is gone.
    pub(crate) fn from_database(mut db: DatabaseError) -> Error {
        if db.code.starts_with("57P") {
            return Error::ConnectionLost(format!("{} (SQLSTATE {})", db.message, db.code));
        }
        db.kind = DbErrorKind::from_sqlstate(&db.code);
        // 57014 is both; only the timeout's message names it (the server's English text,
        // or a translation that keeps the setting's name).
        if db.kind == DbErrorKind::StatementTimeout && !db.message.contains("statement timeout") {
            db.kind = DbErrorKind::Canceled;
        }
        Error::Database(Box::new(db))
    }
}
