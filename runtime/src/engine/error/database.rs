//! Errors the server reports: [`DatabaseError`] and its [`DbErrorKind`], from the SQLSTATE
//! code.

use std::fmt;

/// What kind of rule the server says a statement broke, from its SQLSTATE code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DbErrorKind {
    /// 23505: a unique constraint or index.
    UniqueViolation,
    /// 23503: a foreign key.
    ForeignKeyViolation,
    /// 23502: a NOT NULL column.
    NotNullViolation,
    /// 23514: a CHECK constraint.
    CheckViolation,
    /// 23P01: an exclusion constraint.
    ExclusionViolation,
    /// 57014: the statement ran longer than `statement_timeout`.
    StatementTimeout,
    /// 57014: the statement was cancelled on request (a cancel request, or
    /// `pg_cancel_backend` from another session), not by `statement_timeout`. The two share
    /// their SQLSTATE and are told apart by the server's message, which names the statement
    /// timeout in English: a server whose `lc_messages` is another language reports its
    /// timeouts as `Canceled` too.
    Canceled,
    /// 25P02: a statement was sent to a transaction that an earlier error aborted.
    InFailedTransaction,
    /// 25006: a write in a read-only transaction.
    ReadOnlyTransaction,
    /// 40001: a serializable transaction conflicted; retry it.
    SerializationFailure,
    /// 40P01: a deadlock was detected; retry the transaction.
    Deadlock,
    /// 55P03: a lock could not be taken: a row or table is locked by another transaction,
    /// and the statement asked for `NOWAIT` or waited longer than `lock_timeout`.
    LockNotAvailable,
    /// 22003: a number is out of the range of its type (integer overflow).
    NumericOutOfRange,
    /// 22012: division by zero.
    DivisionByZero,
    /// 22P02 / 22007 / 22008: a value's text is invalid for its type.
    InvalidValue,
    /// 22001: a string is too long for its column.
    StringTooLong,
    /// 42P01: the table does not exist.
    UndefinedTable,
    /// 42703: the column does not exist.
    UndefinedColumn,
    /// Class 42 otherwise: a syntax or access rule.
    SyntaxOrAccess,
    /// Class 08: the connection failed.
    Connection,
    /// SQLite's `SQLITE_BUSY`: another connection holds the lock the statement needs, past
    /// the busy timeout; run the transaction again.
    Busy,
    /// Anything else; see the SQLSTATE code.
    Other,
}

impl DbErrorKind {
    /// The kind of a SQLSTATE code.
    pub fn from_sqlstate(code: &str) -> Self {
        match code {
            "23505" => DbErrorKind::UniqueViolation,
            "23503" => DbErrorKind::ForeignKeyViolation,
            "23502" => DbErrorKind::NotNullViolation,
            "23514" => DbErrorKind::CheckViolation,
            "23P01" => DbErrorKind::ExclusionViolation,
            "57014" => DbErrorKind::StatementTimeout,
            "25P02" => DbErrorKind::InFailedTransaction,
            "25006" => DbErrorKind::ReadOnlyTransaction,
            "40001" => DbErrorKind::SerializationFailure,
            "40P01" => DbErrorKind::Deadlock,
            "55P03" => DbErrorKind::LockNotAvailable,
            "22003" => DbErrorKind::NumericOutOfRange,
            "22012" => DbErrorKind::DivisionByZero,
            "22P02" | "22007" | "22008" | "22021" => DbErrorKind::InvalidValue,
            "22001" => DbErrorKind::StringTooLong,
            "42P01" => DbErrorKind::UndefinedTable,
            "42703" => DbErrorKind::UndefinedColumn,
            c if c.starts_with("42") => DbErrorKind::SyntaxOrAccess,
            c if c.starts_with("08") => DbErrorKind::Connection,
            _ => DbErrorKind::Other,
        }
    }
}

impl DbErrorKind {
    /// Whether running the whole transaction again may succeed (serialization failure or
    /// deadlock).
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            DbErrorKind::SerializationFailure | DbErrorKind::Deadlock | DbErrorKind::Busy
        )
    }

    /// What to do about it, in a few words; `None` when the server's message says it all.
    fn advice(self) -> Option<&'static str> {
        Some(match self {
            DbErrorKind::UniqueViolation => {
                "a row with the same key already exists; update that row, or insert with on_conflict"
            }
            DbErrorKind::ForeignKeyViolation => {
                "the referenced row does not exist, or other rows still reference this one"
            }
            DbErrorKind::NotNullViolation => "give the column a value",
            DbErrorKind::CheckViolation => "the row breaks the table's CHECK constraint",
            DbErrorKind::ExclusionViolation => "the row conflicts with an existing row",
            DbErrorKind::SerializationFailure | DbErrorKind::Deadlock | DbErrorKind::Busy => {
                "run the transaction again (see transaction_with_retry)"
            }
            DbErrorKind::StatementTimeout => {
                "the statement ran longer than statement_timeout (a stream is one statement: the \
                 time its rows are read counts too); make it cheaper, read the stream faster or \
                 in pages, or raise the timeout"
            }
            DbErrorKind::LockNotAvailable => {
                "another transaction holds a lock on the rows; try again later, or skip the \
                 locked rows with skip_locked()"
            }
            DbErrorKind::InFailedTransaction => {
                "an earlier statement of this transaction failed; roll back"
            }
            DbErrorKind::NumericOutOfRange => "the value does not fit the column's type",
            DbErrorKind::StringTooLong => {
                "the value is longer than the column's declared length (`Varchar(n)`, `Char(n)`)"
            }
            DbErrorKind::ReadOnlyTransaction => "the transaction is read-only; open a read-write one to write",
            _ => return None,
        })
    }
}

/// An error reported by the server, with what it says about where it happened.
#[derive(Debug, Clone)]
pub struct DatabaseError {
    /// The kind, from the SQLSTATE code.
    pub kind: DbErrorKind,
    /// The five-character SQLSTATE code.
    pub code: String,
    /// The server's primary message.
    pub message: String,
    /// The server's detail message, if any.
    pub detail: Option<String>,
    /// The constraint involved, if any.
    pub constraint: Option<String>,
    /// The table involved, if any.
    pub table: Option<String>,
    /// The column involved, if any.
    pub column: Option<String>,
    /// Where the server was when it failed (its `CONTEXT` line: `COPY users, line 3,
    /// column age: "x"`), if it said.
    pub context: Option<String>,
    /// The server's hint, if it gave one.
    pub hint: Option<String>,
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.message.is_empty(), self.code.is_empty()) {
            (false, false) => write!(f, "{} (SQLSTATE {})", self.message, self.code)?,
            (false, true) => f.write_str(&self.message)?,
            (true, false) => write!(
                f,
                "the server reported an error without a message (SQLSTATE {})",
                self.code
            )?,
            (true, true) => {
                f.write_str("the server reported an error without a message or code")?
            }
        }
        if let Some(c) = &self.constraint {
            write!(f, ", constraint {c}")?;
        }
        match (&self.table, &self.column) {
            (Some(t), Some(c)) => write!(f, ", column {t}.{c}")?,
            (Some(t), None) => write!(f, ", table {t}")?,
            _ => {}
        }
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        if let Some(advice) = self.kind.advice() {
            write!(f, " ({advice})")?;
        }
        Ok(())
    }
}

impl std::error::Error for DatabaseError {}
