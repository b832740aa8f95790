//! Connecting and executing: URLs, connections, pools, transactions, logging, errors.

#[cfg(feature = "tokio")]
mod async_connection;
#[cfg(feature = "tokio")]
mod async_copy;
#[cfg(feature = "tokio")]
pub(crate) mod async_driver;
#[cfg(all(feature = "tokio", feature = "mysql"))]
mod async_mysql;
#[cfg(feature = "tokio")]
mod async_pool;
#[cfg(feature = "tokio")]
mod async_rows;
#[cfg(all(feature = "tokio", feature = "sqlite"))]
mod async_sqlite;
#[cfg(feature = "tokio")]
mod async_transaction;
mod builder;
mod cancel;
mod connection;
mod copy_sink;
pub(crate) mod error;
pub(crate) mod hosts;
pub(crate) mod log;
mod outcome;
mod pipeline;
pub(crate) use pipeline::PipeSink;
pub(crate) use wire::Piping;
mod pool;
mod postgres;
mod replicas;
pub(crate) mod row_data;
pub mod runner;
#[cfg(feature = "tokio")]
mod shared;
mod statement_cache;
#[doc(hidden)]
pub mod step;
mod stream;
pub mod stream_job;
mod transaction;
mod url;
pub(crate) mod wire;

#[cfg(feature = "tokio")]
pub use async_connection::AsyncConnection;
#[cfg(feature = "tokio")]
pub use async_copy::AsyncCopyRows;
#[cfg(feature = "tokio")]
pub(crate) use async_copy::CopyFeed;
#[cfg(all(feature = "tokio", feature = "mysql"))]
pub use async_mysql::AsyncMysqlConnection;
#[cfg(all(feature = "tokio", feature = "mysql"))]
pub use async_mysql::{
    AsyncMysqlEngine, AsyncMysqlPooledConnection, AsyncMysqlTransaction,
    AsyncMysqlTransactionBuilder,
};
#[cfg(feature = "tokio")]
pub use async_pool::{AsyncEngine, AsyncPooledConnection};
#[cfg(feature = "tokio")]
pub use async_rows::{AsyncBatches, AsyncRows};
#[cfg(all(feature = "tokio", feature = "sqlite"))]
pub use async_sqlite::AsyncSqliteConnection;
#[cfg(feature = "tokio")]
pub(crate) use async_transaction::Scope as TransactionScope;
#[cfg(feature = "tokio")]
pub use async_transaction::{AsyncTransaction, AsyncTransactionBuilder};
pub use builder::EngineBuilder;
pub use cancel::CancelHandle;
pub use connection::{Connection, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_STATEMENT_CACHE};
#[cfg(feature = "tokio")]
pub(crate) use copy_sink::CopySink;
pub use error::{DatabaseError, DbErrorKind, DecodeError, Error, TlsErrorKind};
pub use log::SQL_LOG_TARGET;
pub use pool::{Engine, PoolState, PooledConnection, REQUEST_TIMEOUT_GRACE};
pub use replicas::{ReplicaSession, ReplicatedEngine, REPLICA_RETRY_AFTER};
pub use row_data::RowData;
#[cfg(feature = "tokio")]
pub use runner::{Async, BoxFuture};
pub use runner::{Blocking, Mode, Ran, Runner};
#[cfg(feature = "tokio")]
pub use shared::{Shared, MAX_IN_FLIGHT};
pub use statement_cache::StatementCacheMode;
pub use stream::{RowStream, STREAM_BATCH};
#[cfg(feature = "mysql")]
pub(crate) use transaction::end_sql;
pub use transaction::{IsolationLevel, Transaction, TransactionBuilder, TransactionOptions};
#[cfg(feature = "mysql")]
pub(crate) use url::statement_timeout_param;
pub use url::{DatabaseUrl, Dialect};
pub use wire::{Column, OwnedRow, RowRef};

use crate::backend::{Backend, Postgres};

use crate::render::Rendered;

/// The only row of `rows`, `None` when there is none, [`Error::MultipleRows`] when there
/// are more: shared by `scalar`, `one` and `get_result`.
pub(crate) fn at_most_one<R>(rows: Vec<R>) -> Result<Option<R>, Error> {
    let mut rows = rows.into_iter();
    match (rows.next(), rows.next()) {
        (_, Some(_)) => Err(Error::MultipleRows),
        (row, None) => Ok(row),
    }
}

/// The only row of `rows`: [`Error::NotFound`] or [`Error::MultipleRows`] otherwise.
pub(crate) fn exactly_one<R>(rows: Vec<R>) -> Result<R, Error> {
    at_most_one(rows)?.ok_or(Error::NotFound)
}

/// Something statements run on: a [`Connection`], a [`PooledConnection`] from an
/// [`Engine`], a [`Transaction`], or a [`Session`](crate::Session). Every query method takes
/// `&mut impl Executor`, and transactions open from any of them.
pub trait Executor {
    /// The database the statements run on ([`Postgres`], `Sqlite`).
    type Backend: Backend;

    /// The connection underneath.
    fn connection(&mut self) -> &mut Connection<Self::Backend>;

    /// Runs a statement and returns its rows (PostgreSQL).
    fn query_rows(&mut self, statement: &Rendered<'_>) -> Result<Vec<OwnedRow>, Error>
    where
        Self: Executor<Backend = Postgres>,
    {
        self.connection().query_rendered(statement)
    }

    /// Runs a statement and hands each row to `sink` as it is read, decoded straight from
    /// the connection's buffer; returns the row count.
    fn query_each(
        &mut self,
        statement: &Rendered<'_>,
        sink: &mut dyn FnMut(RowData<'_>) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        self.connection().query_each(statement, sink)
    }

    /// Runs a statement and returns the number of rows it affected.
    fn execute_rendered(&mut self, statement: &Rendered<'_>) -> Result<u64, Error> {
        self.connection().execute_rendered(statement)
    }

    /// Runs a statement and reads its rows as they arrive.
    fn stream_rows(&mut self, statement: &Rendered<'_>) -> Result<RowStream<'_>, Error>
    where
        Self: Executor<Backend = Postgres>,
    {
        self.connection().stream_rendered(statement)
    }

    /// Runs `f` in a transaction (a savepoint when one is already open): commits when `f`
    /// returns `Ok`, rolls back when it returns `Err` or panics.
    ///
    /// ```no_run
    /// # use sqlwright::prelude::*;
    /// # fn demo(conn: &mut Connection) -> Result<(), sqlwright::Error> {
    /// conn.transaction(|tx| {
    ///     tx.batch_execute("UPDATE accounts SET balance = balance - 10 WHERE id = 1")?;
    ///     tx.batch_execute("UPDATE accounts SET balance = balance + 10 WHERE id = 2")?;
    ///     Ok::<_, sqlwright::Error>(())
    /// })?;
    /// # Ok(()) }
    /// ```
    fn transaction<T, E: From<Error>>(
        &mut self,
        f: impl FnOnce(&mut Transaction<'_, Self::Backend>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        Self: Sized,
    {
        TransactionBuilder::new(self.connection()).run(f)
    }

    /// Opens a transaction (a savepoint when one is already open) as a guard: call
    /// [`Transaction::commit`]; dropping it without committing rolls back.
    fn begin(&mut self) -> Result<Transaction<'_, Self::Backend>, Error>
    where
        Self: Sized,
    {
        TransactionBuilder::new(self.connection()).begin()
    }

    /// A transaction with options: isolation level, read-only, retries.
    fn build_transaction(&mut self) -> TransactionBuilder<'_, Self::Backend>
    where
        Self: Sized,
    {
        TransactionBuilder::new(self.connection())
    }

    /// Runs `f` in a transaction, again (up to `attempts` times in all) when it fails with
    /// a serialization failure or a deadlock.
    fn transaction_with_retry<T>(
        &mut self,
        attempts: u32,
        f: impl FnMut(&mut Transaction<'_, Self::Backend>) -> Result<T, Error>,
    ) -> Result<T, Error>
    where
        Self: Sized,
    {
        TransactionBuilder::new(self.connection()).run_with_retry(attempts, f)
    }

    /// Runs SQL text without parameters (schema scripts); see
    /// [`Connection::batch_execute`].
    fn batch_execute(&mut self, sql: &str) -> Result<(), Error>
    where
        Self: Sized,
    {
        self.connection().batch_execute(sql)
    }
}

impl<B: Backend> Executor for Connection<B> {
    type Backend = B;
    #[inline]
    fn connection(&mut self) -> &mut Connection<B> {
        self
    }
}

impl<E: Executor + ?Sized> Executor for &mut E {
    type Backend = E::Backend;
    #[inline]
    fn connection(&mut self) -> &mut Connection<E::Backend> {
        (**self).connection()
    }
}
