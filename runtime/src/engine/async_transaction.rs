//! Async transactions (feature `tokio`): the blocking [`Transaction`](super::Transaction)'s
//! forms, options and SQL on an async connection — a closure form with an async closure,
//! a guard form, savepoints, isolation levels, read-only, retries — written once for
//! PostgreSQL ([`AsyncConnection`]) and MySQL (`AsyncMysqlConnection`); the steps that
//! differ are `AsyncDriver`'s.
//!
//! A future can be dropped at any await (a timeout, a `select!`), and `Drop` cannot
//! await a ROLLBACK. So a transaction records what is under way (its BEGIN or SAVEPOINT,
//! its work, its COMMIT), and one dropped unfinished leaves its rollback owed on the
//! connection, which sends it ahead of the next request (after reading to its end any
//! answer a dropped statement left; see `wire/recover.rs` and MySQL's `resume.rs`). The
//! depth is raised before BEGIN is written, so a BEGIN future dropped half-way is
//! accounted for too.

use super::async_driver::AsyncDriver;
use super::transaction::{backoff, check_nested, end_sql, savepoint_sql};
use super::{AsyncConnection, BoxFuture, Connection, Error, Runner, TransactionOptions};
use crate::backend::driver::Driver;
use crate::backend::Postgres;
use crate::IsolationLevel;
use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::task::Poll;

/// An open async transaction (or, nested, a savepoint). Every query runs on it as on the
/// connection (`q.load(&mut tx).await`). [`commit`](Self::commit) makes its work
/// permanent; dropped without it — by the caller, by a panic unwinding past it, or with
/// the future that held it — it is rolled back ahead of the connection's next request.
///
/// `B` is the backend: PostgreSQL by default, MySQL on an `AsyncMysqlConnection` (named
/// `AsyncMysqlTransaction`).
///
/// On PostgreSQL, shared (`&tx`), it runs single typed statements pipelined inside the
/// transaction, as a shared [`AsyncConnection`] does
/// (`tokio::try_join!(a.load(&mut &tx), b.one(&mut &tx))`); a statement that fails aborts
/// the transaction, so the ones after it report 25P02 and [`commit`](Self::commit) rolls
/// back and returns [`Error::TransactionAborted`].
pub struct AsyncTransaction<'c, B: AsyncDriver = Postgres>(Scope<Owner<'c, B>>);

/// What a transaction holds its connection through: the async connection (so that its
/// guard can be shared, `&mut &tx`), or the bare connection (a session's commit, over any
/// async runner).
pub(crate) trait Hold: Send {
    /// The backend of the connection held.
    type Backend: AsyncDriver;
    fn conn(&mut self) -> &mut Connection<Self::Backend>;
}

impl<B: AsyncDriver> Hold for &mut Connection<B> {
    type Backend = B;
    #[inline]
    fn conn(&mut self) -> &mut Connection<B> {
        self
    }
}

/// A transaction's hold on its async connection.
pub(crate) struct Owner<'c, B: AsyncDriver>(&'c mut B::AsyncConn);

impl<B: AsyncDriver> Hold for Owner<'_, B> {
    type Backend = B;
    #[inline]
    fn conn(&mut self) -> &mut Connection<B> {
        B::__exclusive(self.0)
    }
}

/// A transaction (or savepoint) on the connection `hold` holds: the state its `Drop`
/// reads to leave a rollback owed.
pub(crate) struct Scope<H: Hold> {
    hold: H,
    /// 1 for BEGIN, 2 and up for savepoints.
    level: u32,
    state: State,
}

/// Where a transaction is, for what its `Drop` must leave owed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// BEGIN or SAVEPOINT is on its way; `issued`: its request is being written or read
    /// (the connection had been brought back in step first).
    Opening { issued: bool },
    /// Open on the server.
    Open,
    /// COMMIT, RELEASE or the rollback is on its way.
    Ending { issued: bool },
    /// Nothing is owed.
    Done,
}

impl<B: AsyncDriver> fmt::Debug for AsyncTransaction<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncTransaction")
            .field("level", &self.0.level)
            .field("state", &self.0.state)
            .finish_non_exhaustive()
    }
}

impl<H: Hold> Scope<H> {
    /// Opens a transaction on the connection `hold` holds, or a savepoint when one is
    /// already open.
    pub(crate) async fn open(mut hold: H, options: TransactionOptions) -> Result<Self, Error> {
        let conn = hold.conn();
        let level = conn.depth + 1;
        let sql: Cow<'static, str> = if level == 1 {
            H::Backend::begin_sql(&conn.link, &options)?.into()
        } else {
            check_nested(&options, conn.aborted)?;
            savepoint_sql(level).into()
        };
        // Raised before BEGIN is written: a dropped BEGIN future is accounted for.
        conn.depth = level;
        let mut tx = Scope {
            hold,
            level,
            state: State::Opening { issued: false },
        };
        let opened = tx.control(&sql).await;
        match opened {
            Ok(()) => {
                if level == 1 {
                    tx.conn().aborted = false;
                }
                tx.state = State::Open;
                Ok(tx)
            }
            Err(e) => {
                // No transaction (for a savepoint, the server failed the enclosing one,
                // which the connection recorded).
                tx.state = State::Done;
                let conn = tx.conn();
                conn.depth = level - 1;
                if level == 1 {
                    conn.aborted = false;
                }
                Err(e)
            }
        }
    }

    /// Runs transaction control: first brings the connection back in step (a dropped
    /// statement's answer read, an owed rollback sent), then marks the request issued, so
    /// that `Drop` can tell whether the server got it.
    async fn control(&mut self, sql: &str) -> Result<(), Error> {
        H::Backend::__in_step(self.conn()).await?;
        self.state = match self.state {
            State::Opening { .. } => State::Opening { issued: true },
            State::Ending { .. } => State::Ending { issued: true },
            other => other,
        };
        H::Backend::__control_io(self.conn(), sql).await
    }

    /// The connection, for a request inside the transaction.
    #[inline]
    pub(crate) fn conn(&mut self) -> &mut Connection<H::Backend> {
        self.hold.conn()
    }

    /// Commits (or releases the savepoint); see [`AsyncTransaction::commit`].
    pub(crate) async fn commit(mut self) -> Result<(), Error> {
        self.finish(true).await
    }

    /// Rolls back (to the savepoint).
    pub(crate) async fn rollback(mut self) -> Result<(), Error> {
        self.finish(false).await
    }

    async fn finish(&mut self, commit: bool) -> Result<(), Error> {
        // In step first, so the server's status after any dropped statement (or shared
        // request) is known.
        let conn = self.conn();
        H::Backend::__in_step(conn).await?;
        if conn.server_transaction_failed() {
            // PostgreSQL answers COMMIT in a failed transaction with a silent ROLLBACK.
            conn.aborted = true;
        }
        let aborted = conn.aborted;
        let releases = commit && !aborted;
        self.state = State::Ending { issued: false };
        let result = self.control(&end_sql(self.level, releases)).await;
        self.state = State::Done;
        let level = self.level;
        let conn = self.conn();
        conn.depth = level - 1;
        // A failed savepoint rollback leaves the enclosing transaction failed (recorded by
        // the connection); whatever ended, the whole transaction is over.
        if level == 1 || (result.is_ok() && !releases) {
            conn.aborted = false;
        }
        result?;
        if commit && aborted {
            return Err(Error::TransactionAborted);
        }
        Ok(())
    }
}

impl<'c, B: AsyncDriver> AsyncTransaction<'c, B> {
    /// Opens a transaction on `conn`, or a savepoint when one is already open.
    async fn open(
        conn: &'c mut B::AsyncConn,
        options: TransactionOptions,
    ) -> Result<AsyncTransaction<'c, B>, Error> {
        Scope::open(Owner(conn), options)
            .await
            .map(AsyncTransaction)
    }

    /// Whether this is a savepoint inside another transaction.
    pub fn is_nested(&self) -> bool {
        self.0.level > 1
    }

    /// Makes the transaction's work permanent (for a savepoint: releases it into the
    /// enclosing transaction). A transaction in which a statement failed cannot commit:
    /// it is rolled back and [`Error::TransactionAborted`] returned.
    pub async fn commit(self) -> Result<(), Error> {
        self.0.commit().await
    }

    /// Undoes the transaction's work (for a savepoint: back to where it began).
    pub async fn rollback(self) -> Result<(), Error> {
        self.0.rollback().await
    }

    /// Opens a nested transaction (a savepoint) as a guard.
    pub async fn begin(&mut self) -> Result<AsyncTransaction<'_, B>, Error> {
        AsyncTransaction::open(&mut *self.0.hold.0, TransactionOptions::default()).await
    }

    /// Runs `f` in a nested transaction (a savepoint): released when it returns `Ok`,
    /// rolled back when it returns `Err`, panics, or is dropped.
    pub async fn transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        E: From<Error>,
        F: AsyncFnOnce(&mut AsyncTransaction<'_, B>) -> Result<T, E>,
    {
        run_in(&mut *self.0.hold.0, TransactionOptions::default(), f).await
    }

    /// A nested transaction with options: a savepoint takes none (isolation and read-only
    /// belong to the outermost transaction), and is not retried.
    pub fn build_transaction(&mut self) -> AsyncTransactionBuilder<'_, B> {
        AsyncTransactionBuilder {
            conn: &mut *self.0.hold.0,
            options: TransactionOptions::default(),
        }
    }

    /// Refused inside a transaction ([`Error::Misuse`]): a serialization failure or
    /// deadlock aborts the whole transaction, so only the outermost one can be retried.
    pub async fn transaction_with_retry<T, F>(&mut self, attempts: u32, f: F) -> Result<T, Error>
    where
        F: AsyncFnMut(&mut AsyncTransaction<'_, B>) -> Result<T, Error>,
    {
        self.build_transaction().run_with_retry(attempts, f).await
    }

    /// Runs SQL text without parameters (several statements allowed); see
    /// [`Connection::batch_execute`]. The future is boxed, like a typed query's: an
    /// `async fn` future borrowing `sql` trips rustc's `Send` check for futures of a
    /// higher-ranked async closure (a retry closure in `tokio::spawn`).
    pub fn batch_execute<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<(), Error>> {
        B::__batch_io(self.0.conn(), sql)
    }
}

impl AsyncTransaction<'_> {
    /// SQL text through the simple protocol: the rows of every statement, as text (see
    /// [`Connection::query_text`]; boxed as [`batch_execute`](Self::batch_execute) is).
    pub fn query_text<'a>(
        &'a mut self,
        sql: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Vec<Option<String>>>, Error>> {
        Box::pin(self.0.conn().query_text_io(sql))
    }
}

impl<H: Hold> Drop for Scope<H> {
    fn drop(&mut self) {
        let (level, state) = (self.level, self.state);
        let conn = self.hold.conn();
        let went_out = H::Backend::__request_went_out(conn);
        let open_on_server = match state {
            State::Done => return,
            State::Open => true,
            State::Opening { issued } => issued && went_out,
            State::Ending { issued } => !(issued && went_out),
        };
        if open_on_server {
            H::Backend::__owe_rollback(conn, level);
        }
        conn.depth = level - 1;
        conn.aborted = false;
    }
}

impl<B: AsyncDriver> Runner for AsyncTransaction<'_, B> {
    type Backend = B;
    type Mode = super::runner::Async;
    #[inline]
    fn __connection(&mut self) -> &mut Connection<B> {
        self.0.conn()
    }
}

impl<'a> Runner for &'a AsyncTransaction<'_> {
    type Backend = Postgres;
    type Mode = super::shared::Shared<'a>;
    #[inline]
    fn __connection(&mut self) -> &'a AsyncConnection {
        let tx: &'a AsyncTransaction<'_> = self;
        &*tx.0.hold.0
    }
}

/// Builds an async transaction with options:
/// `conn.build_transaction().serializable().read_only().run(async |tx| ..).await` (the
/// blocking [`TransactionBuilder`](super::TransactionBuilder)'s names and options).
pub struct AsyncTransactionBuilder<'c, B: AsyncDriver = Postgres> {
    conn: &'c mut B::AsyncConn,
    options: TransactionOptions,
}

impl<B: AsyncDriver> fmt::Debug for AsyncTransactionBuilder<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncTransactionBuilder")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'c, B: AsyncDriver> AsyncTransactionBuilder<'c, B> {
    /// A builder for a transaction on `conn`, without options yet.
    pub(super) fn new(conn: &'c mut B::AsyncConn) -> Self {
        AsyncTransactionBuilder {
            conn,
            options: TransactionOptions::default(),
        }
    }

    super::transaction::option_setters!();

    /// Opens the transaction as a guard.
    pub async fn begin(self) -> Result<AsyncTransaction<'c, B>, Error> {
        AsyncTransaction::open(self.conn, self.options).await
    }

    /// Runs `f` in the transaction: commits when it returns `Ok`, rolls back when it
    /// returns `Err`, panics (the panic then goes on), or is dropped.
    pub async fn run<T, E, F>(self, f: F) -> Result<T, E>
    where
        E: From<Error>,
        F: AsyncFnOnce(&mut AsyncTransaction<'_, B>) -> Result<T, E>,
    {
        run_in(self.conn, self.options, f).await
    }

    /// Runs `f` in the transaction, again (up to `attempts` times in all) when it or its
    /// commit fails with a serialization failure or a deadlock, after a short growing
    /// pause (a timer of the runtime, not a sleeping thread). Other errors, and the last
    /// retryable one, are returned.
    pub async fn run_with_retry<T, F>(self, attempts: u32, mut f: F) -> Result<T, Error>
    where
        F: AsyncFnMut(&mut AsyncTransaction<'_, B>) -> Result<T, Error>,
    {
        if B::__exclusive(self.conn).depth > 0 {
            return Err(Error::Misuse(
                "retrying a nested transaction cannot help: a serialization failure or \
                 deadlock aborts the whole transaction; retry the outermost one"
                    .into(),
            ));
        }
        let attempts = attempts.max(1);
        let mut attempt = 1;
        loop {
            let outcome = run_in(&mut *self.conn, self.options, &mut f).await;
            match outcome {
                Err(e) if e.is_retryable() && attempt < attempts => {
                    log_retry(attempt, &e);
                    tokio::time::sleep(backoff(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

fn log_retry(attempt: u32, e: &Error) {
    tracing::debug!(
        target: super::SQL_LOG_TARGET,
        attempt,
        error = %e,
        "retrying transaction"
    );
}

/// The closure form: `f` in a transaction on `conn`, committed on `Ok`, rolled back
/// otherwise.
async fn run_in<B: AsyncDriver, T, E, F>(
    conn: &mut B::AsyncConn,
    options: TransactionOptions,
    f: F,
) -> Result<T, E>
where
    E: From<Error>,
    F: AsyncFnOnce(&mut AsyncTransaction<'_, B>) -> Result<T, E>,
{
    let mut tx = AsyncTransaction::open(conn, options).await?;
    let outcome = catch_unwind(f(&mut tx)).await;
    match outcome {
        Ok(Ok(value)) => {
            tx.commit().await?;
            Ok(value)
        }
        Ok(Err(e)) => {
            // The caller's error is the one to report; a failed rollback marks the
            // connection broken.
            let _ = tx.rollback().await;
            Err(e)
        }
        Err(panic) => {
            let _ = tx.rollback().await;
            std::panic::resume_unwind(panic)
        }
    }
}

/// Runs `work`, catching a panic in any of its polls (it is not polled again after one).
pub(super) async fn catch_unwind<F: Future>(work: F) -> std::thread::Result<F::Output> {
    let mut work = std::pin::pin!(work);
    std::future::poll_fn(move |cx| {
        match std::panic::catch_unwind(AssertUnwindSafe(|| work.as_mut().poll(cx))) {
            Ok(Poll::Ready(value)) => Poll::Ready(Ok(value)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => Poll::Ready(Err(panic)),
        }
    })
    .await
}

/// The transaction methods of an async connection type, for backend `$backend` (the
/// same four on PostgreSQL's and MySQL's connection).
macro_rules! transaction_methods {
    ($backend:ty) => {
        /// Runs `f` in a transaction: commits when it returns `Ok`, rolls back when it
        /// returns `Err`, panics (the panic then goes on), or is dropped (a timeout, a
        /// `select!`: the rollback is sent ahead of the connection's next request).
        pub async fn transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
        where
            E: From<Error>,
            F: AsyncFnOnce(&mut AsyncTransaction<'_, $backend>) -> Result<T, E>,
        {
            self.build_transaction().run(f).await
        }

        /// Opens a transaction as a guard: call [`AsyncTransaction::commit`]; dropped
        /// without it, the transaction is rolled back ahead of the connection's next
        /// request.
        pub async fn begin(&mut self) -> Result<AsyncTransaction<'_, $backend>, Error> {
            self.build_transaction().begin().await
        }

        /// A transaction with options: isolation level, read-only, retries.
        pub fn build_transaction(&mut self) -> AsyncTransactionBuilder<'_, $backend> {
            AsyncTransactionBuilder::new(self)
        }

        /// Runs `f` in a transaction, again (up to `attempts` times in all) when it fails
        /// with a serialization failure or a deadlock (see
        /// [`AsyncTransactionBuilder::run_with_retry`]).
        pub async fn transaction_with_retry<T, F>(
            &mut self,
            attempts: u32,
            f: F,
        ) -> Result<T, Error>
        where
            F: AsyncFnMut(&mut AsyncTransaction<'_, $backend>) -> Result<T, Error>,
        {
            self.build_transaction().run_with_retry(attempts, f).await
        }
    };
}
#[cfg(feature = "mysql")]
pub(super) use transaction_methods;

/// ```no_run
/// # async fn demo(conn: &mut sqlwright::AsyncConnection) -> Result<(), sqlwright::Error> {
/// conn.transaction(async |tx| {
///     tx.batch_execute("UPDATE accounts SET balance = balance - 10 WHERE id = 1").await?;
///     tx.batch_execute("UPDATE accounts SET balance = balance + 10 WHERE id = 2").await?;
///     Ok::<_, sqlwright::Error>(())
/// })
/// .await?;
/// # Ok(()) }
/// ```
impl AsyncConnection {
    transaction_methods!(Postgres);
}

#[allow(dead_code)]
fn _is_send() {
    fn send<T: Send>(_: T) {}
    // A transaction's futures, with a concrete closure, can move between threads.
    let _ = |conn: &'static mut AsyncConnection| {
        send(conn.transaction(async |tx| {
            tx.batch_execute("SELECT 1").await?;
            Ok::<_, Error>(())
        }))
    };
    let _ = |conn: &'static mut AsyncConnection| send(conn.begin());
    let _ = |tx: &'static mut AsyncTransaction<'static>| send(tx.query_text("SELECT 1"));
    let _ = |conn: &'static mut AsyncConnection| {
        send(conn.transaction_with_retry(3, async |tx| {
            tx.batch_execute("SELECT 1").await?;
            Ok::<_, Error>(())
        }))
    };
}
