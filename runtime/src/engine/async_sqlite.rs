//! SQLite on tokio (features `tokio` and `sqlite`): the blocking SQLite connection, each
//! call run in place as blocking work. SQLite is a library in this process, not a server
//! across a network: a call is CPU and disk work on the calling thread, with nothing to
//! await. On a multi-threaded runtime the call runs under `tokio::task::block_in_place`,
//! which hands this worker's other tasks to another thread first, so the runtime keeps
//! running them; on a current-thread runtime it simply runs. No worker thread owns the
//! connection: a query borrows its values, and moving them to another thread would need
//! them `'static` (see docs/design.md, "SQLite async").

use super::runner::{Async, Blocking, BoxFuture, Runner, Work};
use super::{Connection, DatabaseUrl, Error};
use crate::backend::Sqlite;

/// A SQLite connection for async code: every typed query runs on it with the blocking
/// method names, awaited (`users::table.load(&mut conn).await?`).
#[derive(Debug)]
pub struct AsyncSqliteConnection {
    inner: Connection<Sqlite>,
}

/// Runs `f` as blocking work of the current tokio runtime (see the module's docs).
fn in_place<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

impl AsyncSqliteConnection {
    /// Opens the database a `sqlite://` URL names (see [`Connection::<Sqlite>::open`]).
    pub async fn open(url: &str) -> Result<Self, Error> {
        let inner = in_place(|| Connection::<Sqlite>::open(url))?;
        Ok(AsyncSqliteConnection { inner })
    }

    /// Opens with an already parsed URL.
    pub async fn open_url(url: &DatabaseUrl) -> Result<Self, Error> {
        let inner = in_place(|| Connection::<Sqlite>::open_url(url))?;
        Ok(AsyncSqliteConnection { inner })
    }

    /// A private in-memory database.
    pub async fn open_in_memory() -> Result<Self, Error> {
        let inner = in_place(Connection::<Sqlite>::open_in_memory)?;
        Ok(AsyncSqliteConnection { inner })
    }

    /// Runs SQL text without parameters (several statements allowed).
    pub async fn batch_execute(&mut self, sql: &str) -> Result<(), Error> {
        in_place(|| self.inner.batch_execute(sql))
    }

    /// Runs blocking code on the connection in place (a transaction, a `Session`, a
    /// migration run): what every async call here does, for anything else.
    pub async fn run<T>(&mut self, f: impl FnOnce(&mut Connection<Sqlite>) -> T) -> T {
        in_place(|| f(&mut self.inner))
    }
}

impl Runner for AsyncSqliteConnection {
    type Backend = Sqlite;
    type Mode = Async;
    #[inline]
    fn __connection(&mut self) -> &mut Connection<Sqlite> {
        &mut self.inner
    }
}

/// Whatever runs blocking on SQLite runs async too, in place.
impl<'c, W> Work<'c, Sqlite, Async> for W
where
    W: Work<'c, Sqlite, Blocking, Output: Send> + Send + 'c,
{
    type Output = <W as Work<'c, Sqlite, Blocking>>::Output;
    fn run(self, conn: &'c mut Connection<Sqlite>) -> BoxFuture<'c, Result<Self::Output, Error>> {
        Box::pin(async move { in_place(|| <W as Work<'c, Sqlite, Blocking>>::run(self, conn)) })
    }
}
