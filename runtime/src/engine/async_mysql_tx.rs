//! Async transactions on MySQL (features `tokio` and `mysql`): the forms of PostgreSQL's
//! [`AsyncTransaction`](super::AsyncTransaction) — a closure form with an async closure, a
//! guard form, savepoints, isolation levels, read-only, retries — with the blocking MySQL
//! transaction's SQL.
//!
//! A future can be dropped at any await, and `Drop` cannot await a ROLLBACK: a
//! transaction records what is under way (its START TRANSACTION or SAVEPOINT, its work,
//! its COMMIT), and one dropped unfinished leaves its rollback owed on the connection's
//! client, which sends it ahead of the next command, after reading to its end any answer
//! a dropped statement left (`backend/mysql/client/resume.rs`).

use super::async_transaction::catch_unwind;
use super::transaction::{backoff, check_nested, end_sql, savepoint_sql};
use super::{AsyncMysqlConnection, Connection, Error, Runner, TransactionOptions};
use crate::backend::driver::Driver;
use crate::backend::Mysql;
use crate::IsolationLevel;
use std::borrow::Cow;
use std::fmt;

/// An open async transaction on MySQL (or, nested, a savepoint). Every query runs on it as
/// on the connection (`q.load(&mut tx).await`). [`commit`](Self::commit) makes its work
/// permanent; dropped without it — by the caller, by a panic, or with the future that
/// held it — it is rolled back ahead of the connection's next statement.
pub struct AsyncMysqlTransaction<'c> {
    conn: &'c mut Connection<Mysql>,
    /// 1 for the transaction, 2 and up for savepoints.
    level: u32,
    state: State,
}

/// Where a transaction is, for what its `Drop` must leave owed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// START TRANSACTION or SAVEPOINT is on its way; `issued`: it is being sent or its
    /// answer read (the connection had been brought back in step first).
    Opening { issued: bool },
    /// Open on the server.
    Open,
    /// COMMIT, RELEASE or the rollback is on its way.
    Ending { issued: bool },
    /// Nothing is owed.
    Done,
}

impl fmt::Debug for AsyncMysqlTransaction<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncMysqlTransaction")
            .field("level", &self.level)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl<'c> AsyncMysqlTransaction<'c> {
    /// Opens a transaction on `conn`, or a savepoint when one is already open.
    pub(crate) async fn open(
        conn: &'c mut Connection<Mysql>,
        options: TransactionOptions,
    ) -> Result<Self, Error> {
        let level = conn.depth + 1;
        let sql: Cow<'static, str> = if level == 1 {
            Mysql::begin_sql(&conn.link, &options)?.into()
        } else {
            check_nested(&options, conn.aborted)?;
            savepoint_sql(level).into()
        };
        // Raised before the statement is written: a dropped future is accounted for.
        conn.depth = level;
        let mut tx = AsyncMysqlTransaction {
            conn,
            level,
            state: State::Opening { issued: false },
        };
        match tx.control(&sql).await {
            Ok(()) => {
                if level == 1 {
                    tx.conn.aborted = false;
                }
                tx.state = State::Open;
                Ok(tx)
            }
            Err(e) => {
                tx.state = State::Done;
                tx.conn.depth = level - 1;
                if level == 1 {
                    tx.conn.aborted = false;
                }
                Err(e)
            }
        }
    }

    /// Runs transaction control: the connection brought back in step first (a dropped
    /// statement's answer read, an owed rollback sent), then the request marked issued,
    /// so that `Drop` can tell whether the server got it.
    async fn control(&mut self, sql: &str) -> Result<(), Error> {
        self.conn.link.settle().await?;
        self.state = match self.state {
            State::Opening { .. } => State::Opening { issued: true },
            State::Ending { .. } => State::Ending { issued: true },
            other => other,
        };
        self.conn.mysql_control_io(sql).await
    }

    /// Whether this is a savepoint inside another transaction.
    pub fn is_nested(&self) -> bool {
        self.level > 1
    }

    /// Makes the transaction's work permanent (for a savepoint: releases it into the
    /// enclosing transaction). A transaction in which a statement failed cannot commit:
    /// it is rolled back and [`Error::TransactionAborted`] returned.
    pub async fn commit(mut self) -> Result<(), Error> {
        self.finish(true).await
    }

    /// Undoes the transaction's work (for a savepoint: back to where it began).
    pub async fn rollback(mut self) -> Result<(), Error> {
        self.finish(false).await
    }

    async fn finish(&mut self, commit: bool) -> Result<(), Error> {
        let aborted = self.conn.aborted;
        let releases = commit && !aborted;
        self.state = State::Ending { issued: false };
        let result = self.control(&end_sql(self.level, releases)).await;
        self.state = State::Done;
        self.conn.depth = self.level - 1;
        if self.level == 1 || (result.is_ok() && !releases) {
            self.conn.aborted = false;
        }
        result?;
        if commit && aborted {
            return Err(Error::TransactionAborted);
        }
        Ok(())
    }

    /// Opens a nested transaction (a savepoint) as a guard.
    pub async fn begin(&mut self) -> Result<AsyncMysqlTransaction<'_>, Error> {
        AsyncMysqlTransaction::open(self.conn, TransactionOptions::default()).await
    }

    /// Runs `f` in a nested transaction (a savepoint): released when it returns `Ok`,
    /// rolled back when it returns `Err`, panics, or is dropped.
    pub async fn transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        E: From<Error>,
        F: AsyncFnOnce(&mut AsyncMysqlTransaction<'_>) -> Result<T, E>,
    {
        run_in(self.conn, TransactionOptions::default(), f).await
    }

    /// Runs SQL text without parameters (several statements allowed).
    pub fn batch_execute<'a>(
        &'a mut self,
        sql: &'a str,
    ) -> super::BoxFuture<'a, Result<(), Error>> {
        Box::pin(self.conn.mysql_batch_io(sql))
    }
}

impl Drop for AsyncMysqlTransaction<'_> {
    fn drop(&mut self) {
        let open_on_server = match self.state {
            State::Done => return,
            State::Open => true,
            State::Opening { issued } => issued,
            State::Ending { issued } => !issued,
        };
        if open_on_server && !self.conn.is_closed() {
            self.conn.mysql_owe_rollback(self.level);
        }
        self.conn.depth = self.level - 1;
        self.conn.aborted = false;
    }
}

impl Runner for AsyncMysqlTransaction<'_> {
    type Backend = Mysql;
    type Mode = super::runner::Async;
    #[inline]
    fn __connection(&mut self) -> &mut Connection<Mysql> {
        self.conn
    }
}

/// Builds an async MySQL transaction with options:
/// `conn.build_transaction().repeatable_read().read_only().run(async |tx| ..).await`.
pub struct AsyncMysqlTransactionBuilder<'c> {
    conn: &'c mut Connection<Mysql>,
    options: TransactionOptions,
}

impl fmt::Debug for AsyncMysqlTransactionBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncMysqlTransactionBuilder")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'c> AsyncMysqlTransactionBuilder<'c> {
    super::transaction::option_setters!();

    /// Opens the transaction as a guard.
    pub async fn begin(self) -> Result<AsyncMysqlTransaction<'c>, Error> {
        AsyncMysqlTransaction::open(self.conn, self.options).await
    }

    /// Runs `f` in the transaction: commits when it returns `Ok`, rolls back when it
    /// returns `Err`, panics (the panic then goes on), or is dropped.
    pub async fn run<T, E, F>(self, f: F) -> Result<T, E>
    where
        E: From<Error>,
        F: AsyncFnOnce(&mut AsyncMysqlTransaction<'_>) -> Result<T, E>,
    {
        run_in(self.conn, self.options, f).await
    }

    /// Runs `f` in the transaction, again (up to `attempts` times in all) when it or its
    /// commit fails with a deadlock or a serialization failure, after a short growing
    /// pause (a timer of the runtime). Other errors, and the last retryable one, are
    /// returned. Refused inside a transaction: only the outermost one can be retried.
    pub async fn run_with_retry<T, F>(self, attempts: u32, mut f: F) -> Result<T, Error>
    where
        F: AsyncFnMut(&mut AsyncMysqlTransaction<'_>) -> Result<T, Error>,
    {
        if self.conn.depth > 0 {
            return Err(Error::Misuse(
                "retrying a nested transaction cannot help: a deadlock rolls back the whole \
                 transaction; retry the outermost one"
                    .into(),
            ));
        }
        let attempts = attempts.max(1);
        let mut attempt = 1;
        loop {
            match run_in(&mut *self.conn, self.options, &mut f).await {
                Err(e) if e.is_retryable() && attempt < attempts => {
                    tracing::debug!(
                        target: super::SQL_LOG_TARGET,
                        attempt,
                        error = %e,
                        "retrying transaction"
                    );
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

async fn run_in<T, E, F>(
    conn: &mut Connection<Mysql>,
    options: TransactionOptions,
    f: F,
) -> Result<T, E>
where
    E: From<Error>,
    F: AsyncFnOnce(&mut AsyncMysqlTransaction<'_>) -> Result<T, E>,
{
    let mut tx = AsyncMysqlTransaction::open(conn, options).await?;
    match catch_unwind(f(&mut tx)).await {
        Ok(Ok(value)) => {
            tx.commit().await?;
            Ok(value)
        }
        Ok(Err(e)) => {
            // The caller's error is the one to report.
            let _ = tx.rollback().await;
            Err(e)
        }
        Err(panic) => {
            let _ = tx.rollback().await;
            std::panic::resume_unwind(panic)
        }
    }
}

impl AsyncMysqlConnection {
    /// Runs `f` in a transaction: commits when it returns `Ok`, rolls back when it
    /// returns `Err`, panics (the panic then goes on), or is dropped (a timeout, a
    /// `select!`: the rollback is sent ahead of the connection's next statement).
    pub async fn transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        E: From<Error>,
        F: AsyncFnOnce(&mut AsyncMysqlTransaction<'_>) -> Result<T, E>,
    {
        run_in(&mut self.inner, TransactionOptions::default(), f).await
    }

    /// Opens a transaction as a guard: call [`AsyncMysqlTransaction::commit`]; dropped
    /// without it, the transaction is rolled back ahead of the connection's next
    /// statement.
    pub async fn begin(&mut self) -> Result<AsyncMysqlTransaction<'_>, Error> {
        AsyncMysqlTransaction::open(&mut self.inner, TransactionOptions::default()).await
    }

    /// A transaction with options: isolation level, read-only, retries.
    pub fn build_transaction(&mut self) -> AsyncMysqlTransactionBuilder<'_> {
        AsyncMysqlTransactionBuilder {
            conn: &mut self.inner,
            options: TransactionOptions::default(),
        }
    }

    /// Runs `f` in a transaction, again (up to `attempts` times in all) when it fails with
    /// a deadlock or a serialization failure (see
    /// [`AsyncMysqlTransactionBuilder::run_with_retry`]).
    pub async fn transaction_with_retry<T, F>(&mut self, attempts: u32, f: F) -> Result<T, Error>
    where
        F: AsyncFnMut(&mut AsyncMysqlTransaction<'_>) -> Result<T, Error>,
    {
        self.build_transaction().run_with_retry(attempts, f).await
    }
}

#[allow(dead_code)]
fn _is_send() {
    fn send<T: Send>(_: T) {}
    let _ = |conn: &'static mut AsyncMysqlConnection| {
        send(conn.transaction(async |tx| {
            tx.batch_execute("SELECT 1").await?;
            Ok::<_, Error>(())
        }))
    };
    let _ = |conn: &'static mut AsyncMysqlConnection| send(conn.begin());
}
