//! What the async engine, transaction and session need of a backend (feature `tokio`):
//! the few steps that differ between PostgreSQL and MySQL, so that the pool
//! (`async_pool.rs`), the transaction (`async_transaction.rs`) and the session
//! (`session/async_session.rs`) are written once (docs/design.md, "Async pool,
//! transaction and session, generic over the backend").

use super::pool::PING_BUDGET;
use super::runner::{Async, BoxFuture, Runner};
use super::{Connection, Error};
use crate::backend::driver::Pooled;
use crate::backend::{Backend, Postgres};
use crate::render::Rendered;
use std::fmt;
use std::future::Future;
use std::time::Instant;

/// A backend the async engine, transactions and session run on (PostgreSQL, MySQL); not
/// for use outside sqlwright.
pub trait AsyncDriver: Backend {
    /// The backend's async connection (`AsyncConnection`, `AsyncMysqlConnection`).
    type AsyncConn: Runner<Backend = Self, Mode = Async> + fmt::Debug + Send + Sync + 'static;

    /// Wraps a connection opened on a tokio socket.
    #[doc(hidden)]
    fn __wrap(conn: Connection<Self>) -> Self::AsyncConn;

    /// The connection inside, for a request through `&mut`.
    #[doc(hidden)]
    fn __exclusive(conn: &mut Self::AsyncConn) -> &mut Connection<Self>;

    /// Opens a pooled connection on a tokio socket, giving up at `deadline`.
    #[doc(hidden)]
    fn __open_io(
        opener: &Self::Opener,
        deadline: Option<Instant>,
    ) -> impl Future<Output = Result<Connection<Self>, Error>> + Send;

    /// Brings the connection back in step before transaction control: the rest of an
    /// answer a dropped future left read, an owed rollback sent.
    #[doc(hidden)]
    fn __in_step(conn: &mut Connection<Self>) -> impl Future<Output = Result<(), Error>> + Send;

    /// Before a session's transaction: what a stream dropped early left owed is ended.
    #[doc(hidden)]
    fn __settle_owed(conn: &mut Connection<Self>)
        -> impl Future<Output = Result<(), Error>> + Send;

    /// Runs transaction control text written by sqlwright.
    #[doc(hidden)]
    fn __control_io<'a>(
        conn: &'a mut Connection<Self>,
        sql: &'a str,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'a;

    /// Runs SQL text without parameters inside a transaction.
    #[doc(hidden)]
    fn __batch_io<'a>(
        conn: &'a mut Connection<Self>,
        sql: &'a str,
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// Runs a rendered write, its rows (if any) dropped: the rows affected.
    #[doc(hidden)]
    fn __write_io<'a>(
        conn: &'a mut Connection<Self>,
        statement: &'a Rendered<'a>,
    ) -> BoxFuture<'a, Result<u64, Error>>;

    /// Whether the last request reached the server (a transaction's `Drop` reads it to
    /// tell whether its BEGIN or COMMIT may have run).
    #[doc(hidden)]
    fn __request_went_out(conn: &Connection<Self>) -> bool;

    /// Leaves the rollback of transaction level `level` owed, sent ahead of the next
    /// request.
    #[doc(hidden)]
    fn __owe_rollback(conn: &mut Connection<Self>, level: u32);

    /// At checkout, after the closed check: what an idle connection needs before it is
    /// handed out (a left-over rollback, the pre-ping when `ping` gives its deadline).
    #[doc(hidden)]
    fn __recycle_io<'a>(
        opener: &'a Self::Opener,
        conn: &'a mut Connection<Self>,
        ping: Option<Instant>,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'a;

    /// On return: the engine's settings put back when that needs no I/O (`Some`), or
    /// `None` when [`__clean_io`](Self::__clean_io) must run in a task first.
    #[doc(hidden)]
    fn __return_now(
        opener: &Self::Opener,
        conn: &mut Connection<Self>,
    ) -> Option<Result<(), Error>>;

    /// On return, in a task: the connection put back as new (bounded in time).
    #[doc(hidden)]
    fn __clean_io<'a>(
        opener: &'a Self::Opener,
        conn: &'a mut Connection<Self>,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'a;
}

/// The pre-ping's deadline: the checkout's, but at least [`PING_BUDGET`] from now (with
/// less, a healthy connection would be closed as hung).
pub(super) fn ping_deadline(checkout: Option<Instant>) -> Instant {
    let least = Instant::now() + PING_BUDGET;
    checkout.map_or(least + super::REQUEST_TIMEOUT_GRACE, |d| d.max(least))
}

impl AsyncDriver for Postgres {
    type AsyncConn = super::AsyncConnection;

    fn __wrap(conn: Connection<Self>) -> Self::AsyncConn {
        super::AsyncConnection::new(conn)
    }

    #[inline]
    fn __exclusive(conn: &mut Self::AsyncConn) -> &mut Connection<Self> {
        conn.exclusive()
    }

    fn __open_io(
        opener: &Self::Opener,
        deadline: Option<Instant>,
    ) -> impl Future<Output = Result<Connection<Self>, Error>> + Send {
        opener.open_io(deadline, super::wire::SocketKind::Tokio)
    }

    async fn __in_step(conn: &mut Connection<Self>) -> Result<(), Error> {
        conn.link.wire.ready_for_request().await
    }

    fn __settle_owed(
        conn: &mut Connection<Self>,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        conn.settle_owed()
    }

    fn __control_io<'a>(
        conn: &'a mut Connection<Self>,
        sql: &'a str,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'a {
        conn.pg_control_io(sql, None)
    }

    fn __batch_io<'a>(
        conn: &'a mut Connection<Self>,
        sql: &'a str,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(conn.pg_batch_io(sql))
    }

    fn __write_io<'a>(
        conn: &'a mut Connection<Self>,
        statement: &'a Rendered<'a>,
    ) -> BoxFuture<'a, Result<u64, Error>> {
        Box::pin(async move {
            conn.pg_run_io(statement, &mut |_: super::RowData<'_>| Ok(()))
                .await
        })
    }

    #[inline]
    fn __request_went_out(conn: &Connection<Self>) -> bool {
        conn.link.wire.request_went_out()
    }

    fn __owe_rollback(conn: &mut Connection<Self>, level: u32) {
        conn.link.wire.owe_rollback(level);
    }

    async fn __recycle_io(
        opener: &Self::Opener,
        conn: &mut Connection<Self>,
        ping: Option<Instant>,
    ) -> Result<(), Error> {
        // Left in a transaction when no task could clean it on return (it was dropped
        // outside a runtime, or the runtime stopped): roll back before handing it out.
        if conn.depth > 0 || conn.server_in_transaction() {
            pg_roll_back(opener, conn).await?;
        }
        match ping {
            Some(deadline) => conn.ping_before_io(deadline).await,
            None => Ok(()),
        }
    }

    fn __return_now(
        opener: &Self::Opener,
        conn: &mut Connection<Self>,
    ) -> Option<Result<(), Error>> {
        // An interrupted request may still run on the server (holding locks): it is
        // cancelled and read to its end before the connection is idle again.
        let dirty = conn.depth > 0 || conn.server_in_transaction() || conn.link.wire.interrupted();
        if dirty {
            return None;
        }
        Some(<Postgres as Pooled>::reset(opener, conn))
    }

    async fn __clean_io(opener: &Self::Opener, conn: &mut Connection<Self>) -> Result<(), Error> {
        pg_roll_back(opener, conn).await?;
        <Postgres as Pooled>::reset(opener, conn)
    }
}

/// Rolls back the transaction a returned connection was left in (after finishing an
/// interrupted request: the ROLLBACK's request does that first), bounded: the return path
/// must not hang on a server that stopped answering.
async fn pg_roll_back(
    opener: &<Postgres as Pooled>::Opener,
    conn: &mut Connection<Postgres>,
) -> Result<(), Error> {
    let deadline = Instant::now() + <Postgres as Pooled>::rollback_bound(opener);
    conn.pg_control_io("ROLLBACK", Some(deadline)).await?;
    conn.depth = 0;
    conn.aborted = false;
    Ok(())
}

#[cfg(feature = "mysql")]
mod mysql {
    use super::*;
    use crate::backend::Mysql;
    use crate::engine::AsyncMysqlConnection;

    impl AsyncDriver for Mysql {
        type AsyncConn = AsyncMysqlConnection;

        fn __wrap(inner: Connection<Self>) -> Self::AsyncConn {
            AsyncMysqlConnection { inner }
        }

        #[inline]
        fn __exclusive(conn: &mut Self::AsyncConn) -> &mut Connection<Self> {
            &mut conn.inner
        }

        fn __open_io(
            opener: &Self::Opener,
            deadline: Option<Instant>,
        ) -> impl Future<Output = Result<Connection<Self>, Error>> + Send {
            opener.open_io(deadline)
        }

        fn __in_step(
            conn: &mut Connection<Self>,
        ) -> impl Future<Output = Result<(), Error>> + Send {
            conn.link.settle()
        }

        async fn __settle_owed(_conn: &mut Connection<Self>) -> Result<(), Error> {
            // The client settles what a dropped future left ahead of every command.
            Ok(())
        }

        fn __control_io<'a>(
            conn: &'a mut Connection<Self>,
            sql: &'a str,
        ) -> impl Future<Output = Result<(), Error>> + Send + 'a {
            conn.mysql_control_io(sql)
        }

        fn __batch_io<'a>(
            conn: &'a mut Connection<Self>,
            sql: &'a str,
        ) -> BoxFuture<'a, Result<(), Error>> {
            Box::pin(conn.mysql_batch_io(sql))
        }

        fn __write_io<'a>(
            conn: &'a mut Connection<Self>,
            statement: &'a Rendered<'a>,
        ) -> BoxFuture<'a, Result<u64, Error>> {
            Box::pin(async move {
                conn.mysql_run_io(statement, &mut |_: crate::engine::RowData<'_>| Ok(()))
                    .await
            })
        }

        #[inline]
        fn __request_went_out(conn: &Connection<Self>) -> bool {
            // The client closes the connection when a command was dropped half-sent; a
            // closed connection owes nothing (the server rolls back).
            !conn.is_closed()
        }

        fn __owe_rollback(conn: &mut Connection<Self>, level: u32) {
            if !conn.is_closed() {
                conn.mysql_owe_rollback(level);
            }
        }

        async fn __recycle_io(
            _opener: &Self::Opener,
            conn: &mut Connection<Self>,
            ping: Option<Instant>,
        ) -> Result<(), Error> {
            // Every return resets the connection, so an idle one holds no transaction.
            let Some(deadline) = ping else {
                return Ok(());
            };
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, conn.mysql_ping_io()).await {
                Ok(result) => result,
                Err(_) => {
                    // Out of step now: never handed out again.
                    conn.broken = true;
                    Err(Error::Timeout {
                        waiting_for: "the pre-ping of a pooled connection".into(),
                        waited: left,
                    })
                }
            }
        }

        fn __return_now(
            _opener: &Self::Opener,
            _conn: &mut Connection<Self>,
        ) -> Option<Result<(), Error>> {
            // COM_RESET_CONNECTION is I/O, and doing it at checkout would leave locks and
            // user variables on idle connections: every return is reset in a task.
            None
        }

        async fn __clean_io(
            opener: &Self::Opener,
            conn: &mut Connection<Self>,
        ) -> Result<(), Error> {
            // The rest of a dropped future's answer, then COM_RESET_CONNECTION (a
            // transaction rolled back) and the settings, within the URL's read_timeout.
            let bound = <Mysql as Pooled>::rollback_bound(opener);
            let work = async {
                conn.link.settle().await?;
                conn.link.reset_io().await
            };
            let result = match tokio::time::timeout(bound, work).await {
                Ok(result) => result,
                Err(_) => Err(Error::Timeout {
                    waiting_for: "the reset of a connection returned to the pool".into(),
                    waited: bound,
                }),
            };
            let result = conn.note(result);
            conn.depth = 0;
            conn.aborted = false;
            result
        }
    }
}
