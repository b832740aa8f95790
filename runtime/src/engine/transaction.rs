//! Transactions: a closure form (commit on `Ok`, roll back on `Err` or panic), a guard form
//! (explicit commit; dropped without commit = rolled back), savepoints for nested
//! transactions, isolation levels, read-only transactions, and retries of serialization
//! failures and deadlocks.

use super::{Connection, Error, Executor};
use crate::backend::{Backend, Postgres};
use std::fmt;
use std::time::Duration;

/// The option setters both transaction builders have (blocking and async), on a struct
/// with an `options: TransactionOptions` field.
macro_rules! option_setters {
    () => {
        /// Sets the isolation level.
        pub fn isolation(mut self, level: IsolationLevel) -> Self {
            self.options.isolation = Some(level);
            self
        }

        /// `ISOLATION LEVEL SERIALIZABLE`.
        pub fn serializable(self) -> Self {
            self.isolation(IsolationLevel::Serializable)
        }

        /// `ISOLATION LEVEL REPEATABLE READ`.
        pub fn repeatable_read(self) -> Self {
            self.isolation(IsolationLevel::RepeatableRead)
        }

        /// `READ ONLY`: writes fail with a typed error.
        pub fn read_only(mut self) -> Self {
            self.options.read_only = Some(true);
            self
        }

        /// `READ WRITE` (overrides a read-only default).
        pub fn read_write(mut self) -> Self {
            self.options.read_only = Some(false);
            self
        }
    };
}
#[cfg(feature = "tokio")]
pub(crate) use option_setters;

/// A transaction isolation level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IsolationLevel {
    /// `READ UNCOMMITTED` (PostgreSQL runs it as READ COMMITTED).
    ReadUncommitted,
    /// `READ COMMITTED`, PostgreSQL's default.
    ReadCommitted,
    /// `REPEATABLE READ`.
    RepeatableRead,
    /// `SERIALIZABLE`.
    Serializable,
}

impl IsolationLevel {
    /// The SQL words.
    pub fn as_sql(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => "READ UNCOMMITTED",
            IsolationLevel::ReadCommitted => "READ COMMITTED",
            IsolationLevel::RepeatableRead => "REPEATABLE READ",
            IsolationLevel::Serializable => "SERIALIZABLE",
        }
    }

    /// The value of the `default_transaction_isolation` setting.
    pub(crate) fn setting(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => "read\\ uncommitted",
            IsolationLevel::ReadCommitted => "read\\ committed",
            IsolationLevel::RepeatableRead => "repeatable\\ read",
            IsolationLevel::Serializable => "serializable",
        }
    }
}

impl fmt::Display for IsolationLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_sql())
    }
}

/// An open transaction (or, nested, a savepoint). Run statements through it as through a
/// connection. [`commit`](Self::commit) makes its work permanent; dropping it without
/// committing rolls it back, also when a panic unwinds past it.
pub struct Transaction<'c, B: Backend = Postgres> {
    conn: &'c mut Connection<B>,
    /// This transaction's level: 1 for `BEGIN`, 2 and up for savepoints.
    level: u32,
    done: bool,
}

impl<B: Backend> fmt::Debug for Transaction<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transaction")
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}

/// A name every backend reads alike unquoted (PostgreSQL folds it to the same lower case;
/// MySQL would take a double-quoted one for a string).
fn savepoint_name(level: u32) -> String {
    format!("sqlwright_sp_{level}")
}

/// The statement that opens the savepoint at `level` (2 and up).
pub(crate) fn savepoint_sql(level: u32) -> String {
    format!("SAVEPOINT {}", savepoint_name(level))
}

/// The statement that ends the transaction at `level` (1: the whole transaction, 2 and
/// up: a savepoint): commits (releases) it, or rolls it back.
pub(crate) fn end_sql(level: u32, commit: bool) -> std::borrow::Cow<'static, str> {
    match (level, commit) {
        (1, true) => "COMMIT".into(),
        (1, false) => "ROLLBACK".into(),
        (_, true) => format!("RELEASE SAVEPOINT {}", savepoint_name(level)).into(),
        (_, false) => {
            let name = savepoint_name(level);
            format!("ROLLBACK TO SAVEPOINT {name}; RELEASE SAVEPOINT {name}").into()
        }
    }
}

/// A nested transaction (a savepoint) takes no options of its own, and cannot start in
/// a failed transaction.
pub(crate) fn check_nested(options: &TransactionOptions, aborted: bool) -> Result<(), Error> {
    if options.isolation.is_some() || options.read_only.is_some() {
        return Err(Error::Misuse(
            "a nested transaction (a savepoint) cannot set its own isolation level or \
             read-only mode; set them on the outermost transaction"
                .into(),
        ));
    }
    if aborted {
        return Err(Error::TransactionAborted);
    }
    Ok(())
}

impl<'c, B: Backend> Transaction<'c, B> {
    /// Opens a transaction on `conn`, or a savepoint when one is already open.
    pub(crate) fn open(
        conn: &'c mut Connection<B>,
        options: TransactionOptions,
    ) -> Result<Self, Error> {
        let level = conn.depth + 1;
        if level == 1 {
            let sql = B::begin_sql(&conn.link, &options)?;
            conn.control(&sql)?;
            conn.aborted = false;
        } else {
            check_nested(&options, conn.aborted)?;
            conn.control(&savepoint_sql(level))?;
        }
        conn.depth = level;
        Ok(Transaction {
            conn,
            level,
            done: false,
        })
    }

    /// Whether this is a savepoint inside another transaction.
    pub fn is_nested(&self) -> bool {
        self.level > 1
    }

    /// Makes the transaction's work permanent (for a savepoint: releases it into the
    /// enclosing transaction). A transaction in which a statement failed cannot commit:
    /// it is rolled back and [`Error::TransactionAborted`] returned.
    pub fn commit(mut self) -> Result<(), Error> {
        self.done = true;
        self.finish(true)
    }

    /// Undoes the transaction's work (for a savepoint: back to where it began).
    pub fn rollback(mut self) -> Result<(), Error> {
        self.done = true;
        self.finish(false)
    }

    fn finish(&mut self, commit: bool) -> Result<(), Error> {
        let conn = &mut *self.conn;
        if conn.depth != self.level {
            conn.broken = true;
            return Err(Error::Misuse(
                "a transaction was finished while a nested one was still open".into(),
            ));
        }
        if conn.server_transaction_failed() {
            // The server's own status after the last statement: PostgreSQL answers COMMIT
            // in a failed transaction with a silent ROLLBACK, so this is an error.
            conn.aborted = true;
        }
        let aborted = conn.aborted;
        let releases = commit && !aborted;
        let sql = end_sql(self.level, releases);
        let result = if self.level == 1 {
            conn.depth = 0;
            // Whatever the answer, no transaction is open afterwards (unless the connection
            // is gone, which `control` records as broken).
            let r = conn.control(&sql);
            conn.aborted = false;
            r
        } else {
            conn.depth = self.level - 1;
            // On failure `control` marks the enclosing transaction aborted: it can only
            // roll back.
            let r = conn.control(&sql);
            if r.is_ok() && !releases {
                conn.aborted = false;
            }
            r
        };
        result?;
        if commit && aborted {
            return Err(Error::TransactionAborted);
        }
        Ok(())
    }
}

impl<B: Backend> Drop for Transaction<'_, B> {
    fn drop(&mut self) {
        if !self.done {
            self.done = true;
            // Errors are recorded on the connection (it is marked broken), and the pool
            // discards it; there is nobody to return them to here.
            let _ = self.finish(false);
        }
    }
}

impl<B: Backend> Executor for Transaction<'_, B> {
    type Backend = B;
    #[inline]
    fn connection(&mut self) -> &mut Connection<B> {
        self.conn
    }
}

/// Options of a transaction: isolation level, read-only, retries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TransactionOptions {
    /// The isolation level; `None` keeps the connection's default.
    pub isolation: Option<IsolationLevel>,
    /// `Some(true)` for `READ ONLY`, `Some(false)` for `READ WRITE`.
    pub read_only: Option<bool>,
}

/// Builds a transaction with options: `conn.build_transaction().serializable().read_only()`.
pub struct TransactionBuilder<'c, B: Backend = Postgres> {
    conn: &'c mut Connection<B>,
    options: TransactionOptions,
}

impl<B: Backend> fmt::Debug for TransactionBuilder<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransactionBuilder")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'c, B: Backend> TransactionBuilder<'c, B> {
    pub(crate) fn new(conn: &'c mut Connection<B>) -> Self {
        TransactionBuilder {
            conn,
            options: TransactionOptions::default(),
        }
    }

    option_setters!();

    /// Opens the transaction as a guard.
    pub fn begin(self) -> Result<Transaction<'c, B>, Error> {
        Transaction::open(self.conn, self.options)
    }

    /// Runs `f` in the transaction: commits when it returns `Ok`, rolls back when it
    /// returns `Err` or panics.
    pub fn run<T, E: From<Error>>(
        self,
        f: impl FnOnce(&mut Transaction<'_, B>) -> Result<T, E>,
    ) -> Result<T, E> {
        run_in(self.conn, self.options, f)
    }

    /// Runs `f` in the transaction, running it again (up to `attempts` times in all) when
    /// it or its commit fails with a serialization failure or a deadlock. Other errors, and
    /// the last retryable one, are returned.
    pub fn run_with_retry<T>(
        self,
        attempts: u32,
        mut f: impl FnMut(&mut Transaction<'_, B>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if self.conn.depth > 0 {
            return Err(Error::Misuse(
                "retrying a nested transaction cannot help: a serialization failure or \
                 deadlock aborts the whole transaction; retry the outermost one"
                    .into(),
            ));
        }
        let attempts = attempts.max(1);
        let mut attempt = 1;
        loop {
            match run_in(self.conn, self.options, &mut f) {
                Err(e) if e.is_retryable() && attempt < attempts => {
                    tracing::debug!(
                        target: super::SQL_LOG_TARGET,
                        attempt,
                        error = %e,
                        "retrying transaction"
                    );
                    std::thread::sleep(backoff(attempt));
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

/// A short, growing, jittered pause between attempts, so that two conflicting
/// transactions do not collide again at once.
pub(crate) fn backoff(attempt: u32) -> Duration {
    let base = 2u64.saturating_pow(attempt.min(7)); // 2 .. 128 ms
    let jitter = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()) % (base * 1000));
    Duration::from_micros(base * 1000 / 2 + jitter / 2)
}

fn run_in<T, E: From<Error>, B: Backend>(
    conn: &mut Connection<B>,
    options: TransactionOptions,
    f: impl FnOnce(&mut Transaction<'_, B>) -> Result<T, E>,
) -> Result<T, E> {
    let mut tx = Transaction::open(conn, options)?;
    match f(&mut tx) {
        Ok(value) => {
            tx.commit()?;
            Ok(value)
        }
        Err(e) => {
            // The caller's error is the one to report; a failed rollback marks the
            // connection broken.
            let _ = tx.rollback();
            Err(e)
        }
    }
}
