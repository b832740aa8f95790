//! The unit of work on tokio (feature `tokio`): [`AsyncSession`], the blocking
//! [`Session`](super::Session)'s methods over an async connection (PostgreSQL or MySQL:
//! what differs is `AsyncDriver`'s), with its bookkeeping
//! (the pending list, the insert order, the failed item) shared through `Unit`. Only
//! running differs: each pending group or statement gives a boxed `Send` future, and
//! [`commit`](AsyncSession::commit) awaits them inside a transaction (the state machine of
//! [`AsyncTransaction`](crate::AsyncTransaction)), whose cancel safety makes a dropped
//! commit leave no transaction behind.

use super::unit::{Described, Group, Rows, Unit, Write};
use super::{Pending, SessionInsert};
use crate::backend::driver::AsyncDriver;
use crate::check::writes::InsertColumns;
use crate::engine::{
    Async, AsyncConnection, AsyncEngine, AsyncPooledConnection, BoxFuture, Connection, Error,
    Runner, TransactionOptions, TransactionScope,
};
use crate::query::{insert_into, Assignments, Insertable, WriteStatement};
use crate::render::SqlWriter;
use std::fmt;

/// A struct whose values an [`AsyncSession`] can insert into table `T`: a
/// [`SessionInsert`] row that can move between the runtime's threads (`Send + Sync`, and
/// so are the values it gives). `I` is an inferred index.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be added to an async session",
    note = "an async session takes owned rows of a struct that derives `Insertable` and is \
            `Send + Sync`, so that its commit future can move between the runtime's threads"
)]
pub trait AsyncSessionInsert<T, I>: SessionInsert<T, I> + Send + Sync {
    /// Inserts `rows` as [`SessionInsert::insert_all`] does, awaited.
    fn insert_all_async<'a, B: AsyncDriver>(
        rows: &'a [Self],
        conn: &'a mut Connection<B>,
    ) -> BoxFuture<'a, Result<u64, Error>>;
}

impl<S, T, I> AsyncSessionInsert<T, I> for S
where
    S: SessionInsert<T, I> + Send + Sync + for<'x> Insertable<'x, Table = T>,
    T: crate::query::StoredTable + Send,
    I: Send,
    for<'x> <S as Insertable<'x>>::Values: Assignments<T, InsertColumns, I> + Send,
{
    fn insert_all_async<'a, B: AsyncDriver>(
        rows: &'a [Self],
        conn: &'a mut Connection<B>,
    ) -> BoxFuture<'a, Result<u64, Error>> {
        Box::pin(async move {
            // The same statements as the blocking `insert_all`: split under the parameter
            // limit, checked where the table's queries are.
            let per_statement = (conn.dialect().max_params() / T::META.columns.len().max(1)).max(1);
            let mut written = 0;
            for chunk in rows.chunks(per_statement) {
                let rows: Vec<_> = chunk.iter().map(|row| row.values()).collect();
                let insert = insert_into(T::default()).values(rows);
                let mut empty = false;
                let rendered = crate::render::render_for(&mut *conn, &mut |out| {
                    empty = !insert.render_statement(out);
                });
                if empty {
                    continue;
                }
                written += B::__write_io(conn, &rendered).await?;
            }
            Ok(written)
        })
    }
}

/// Pending rows of one struct type, run on an async connection of backend `B`.
trait AsyncGroup<B: AsyncDriver>: Group + Send {
    fn run<'a>(&'a self, conn: &'a mut Connection<B>) -> BoxFuture<'a, Result<u64, Error>>;
}

impl<S: AsyncSessionInsert<T, I>, T: 'static, I: 'static, B: AsyncDriver> AsyncGroup<B>
    for Rows<S, T, I>
{
    fn run<'a>(&'a self, conn: &'a mut Connection<B>) -> BoxFuture<'a, Result<u64, Error>> {
        S::insert_all_async(&self.0, conn)
    }
}

/// A pending statement, run on an async connection of backend `B`.
trait AsyncWrite<B: AsyncDriver>: Described + Send {
    fn run<'a>(&'a self, conn: &'a mut Connection<B>) -> BoxFuture<'a, Result<u64, Error>>;
}

impl<S: WriteStatement + Send, B: AsyncDriver> AsyncWrite<B> for Write<S> {
    fn run<'a>(&'a self, conn: &'a mut Connection<B>) -> BoxFuture<'a, Result<u64, Error>> {
        // Rendered before the future: it holds the parameters (`Sync` values), not the
        // statement, so the statement need only be `Send`.
        let mut out = SqlWriter::for_dialect(conn.dialect());
        if !self.0.render_statement(&mut out) {
            return Box::pin(async { Ok(0) });
        }
        let rendered = out.finish();
        Box::pin(async move { B::__write_io(conn, &rendered).await })
    }
}

/// An async session's pending work.
type AsyncUnit<'s, B> = Unit<dyn AsyncGroup<B> + 'static, dyn AsyncWrite<B> + 's>;

/// The unit of work of [`Session`](super::Session) on tokio, over an async connection `C`
/// (an [`AsyncPooledConnection`] from [`AsyncEngine::session`], an [`AsyncConnection`],
/// an async transaction, or `&mut` a connection; on MySQL, the same over
/// `AsyncMysqlConnection`): the same methods, insert order, transaction and errors, with
/// [`commit`](Self::commit) awaited. Queries run through it (`q.load(&mut session).await`).
/// Over a transaction, the commit writes inside a savepoint of it.
///
/// A commit future dropped before it finished (a timeout, a `select!`) leaves no
/// transaction open: its rollback is sent ahead of the connection's next request, and a
/// pooled connection is rolled back before it is idle again. The pending work stays, as
/// after a failed commit.
///
/// ```no_run
/// use sqlwright::prelude::*;
/// # sqlwright::table! { users (id) { #[serial] id -> Int4, name -> Text, } }
/// #[derive(sqlwright::Insertable)]
/// #[sqlwright(table = users)]
/// struct NewUser { name: String }
///
/// # async fn demo(engine: &sqlwright::AsyncEngine) -> Result<(), sqlwright::Error> {
/// let mut session = engine.session().await?;
/// session.add(NewUser { name: "Петя".into() });
/// session.add_write(update(users::table).by_key(1).set(users::name.to("Пётр")));
/// session.commit().await?; // one transaction: the INSERT, then the UPDATE
/// # Ok(()) }
/// ```
pub struct AsyncSession<'s, C: Runner<Mode = Async, Backend: AsyncDriver>> {
    conn: C,
    unit: AsyncUnit<'s, C::Backend>,
    /// A commit future was dropped while its COMMIT was in flight: whether the work is
    /// stored is unknown, so the next `commit` is refused until `rollback`.
    in_doubt: bool,
}

impl<C: Runner<Mode = Async, Backend: AsyncDriver>> fmt::Debug for AsyncSession<'_, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncSession")
            .field("pending", &self.unit.pending())
            .finish_non_exhaustive()
    }
}

impl<B: AsyncDriver> AsyncEngine<B> {
    /// A session on a connection checked out of this engine (returned when the session is
    /// dropped, rolled back first if a commit was dropped half-way).
    pub async fn session(&self) -> Result<AsyncSession<'static, AsyncPooledConnection<B>>, Error> {
        Ok(AsyncSession::new(self.connect().await?))
    }
}

impl<'s, C: Runner<Mode = Async, Backend: AsyncDriver>> AsyncSession<'s, C> {
    /// A session writing through `conn`.
    pub fn new(mut conn: C) -> Self {
        let dialect = conn.__connection().dialect();
        AsyncSession {
            conn,
            unit: Unit::new(dialect),
            in_doubt: false,
        }
    }

    /// Adds a new row, inserted at [`commit`](Self::commit).
    pub fn add<S: AsyncSessionInsert<T, I>, T: 'static, I: 'static>(&mut self, row: S) {
        self.add_all([row]);
    }

    /// Adds new rows, inserted at [`commit`](Self::commit) with the others of their type in
    /// multi-row INSERTs.
    pub fn add_all<S: AsyncSessionInsert<T, I>, T: 'static, I: 'static>(
        &mut self,
        rows: impl IntoIterator<Item = S>,
    ) {
        self.unit.add_rows(rows, |group| Box::new(group));
    }

    /// Adds a write statement (UPDATE of changed rows, DELETE, INSERT), run at
    /// [`commit`](Self::commit) after the new rows, in the order added.
    pub fn add_write<S: WriteStatement + Send + 's>(&mut self, statement: S) {
        self.unit.add_write(Box::new(Write(statement)));
    }

    /// What [`commit`](Self::commit) will write, in the order it will write it.
    pub fn pending(&self) -> Vec<Pending> {
        self.unit.pending()
    }

    /// Whether there is nothing to write.
    pub fn is_clean(&self) -> bool {
        self.unit.is_clean()
    }

    /// The pending item the last [`commit`](Self::commit) failed at (see
    /// [`Session::failed`](super::Session::failed)).
    pub fn failed(&self) -> Option<&Pending> {
        self.unit.failed()
    }

    /// Writes everything pending in one transaction, as
    /// [`Session::commit`](super::Session::commit) does: the rows written, or the error
    /// with nothing written and the pending work kept until [`rollback`](Self::rollback).
    pub async fn commit(&mut self) -> Result<u64, Error> {
        if self.in_doubt {
            return Err(Error::Misuse(
                "a commit of this session was dropped while its COMMIT was in flight, so \
                 whether its work is stored is unknown; look, then call rollback() before \
                 committing again"
                    .into(),
            ));
        }
        if self.unit.is_clean() {
            return Ok(0);
        }
        let order = self.unit.insert_order();
        let unit = &mut self.unit;
        let conn = self.conn.__connection();
        <C::Backend as AsyncDriver>::__settle_owed(conn).await?;
        let mut tx = TransactionScope::open(conn, TransactionOptions::default()).await?;
        // The position in `pending()` of the item running.
        let mut running = None;
        let mut written = 0;
        let mut outcome = Ok(());
        for k in 0..order.len() + unit.writes.len() {
            running = Some(k);
            let step = match order.get(k) {
                Some(&i) => unit.inserts[i].1.run(tx.conn()),
                None => unit.writes[k - order.len()].run(tx.conn()),
            };
            match step.await {
                Ok(n) => written += n,
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            }
        }
        let ended = match outcome {
            Ok(()) => {
                running = None;
                // Dropped from here until COMMIT's answer, the outcome is unknown: a
                // second commit of the same work could write it twice.
                self.in_doubt = true;
                let committed = tx.commit().await;
                self.in_doubt = false;
                committed
            }
            Err(e) => {
                // The statement's error is the one to report, as in the blocking session.
                let _ = tx.rollback().await;
                Err(e)
            }
        };
        match ended {
            Ok(()) => {
                unit.clear();
                Ok(written)
            }
            Err(e) => {
                unit.note_failure(running);
                Err(e)
            }
        }
    }

    /// Discards the pending work (and the doubt a commit dropped while its COMMIT was in
    /// flight left).
    pub fn rollback(&mut self) {
        self.unit.clear();
        self.in_doubt = false;
    }

    /// The connection, back from the session (pending work is discarded).
    pub fn into_inner(self) -> C {
        self.conn
    }
}

impl<C: Runner<Mode = Async, Backend: AsyncDriver>> Runner for AsyncSession<'_, C> {
    type Backend = C::Backend;
    type Mode = Async;
    #[inline]
    fn __connection(&mut self) -> &mut Connection<C::Backend> {
        self.conn.__connection()
    }
}

/// A borrowed async connection runs queries as the connection does (so a session can
/// borrow one: `AsyncSession::new(&mut conn)`).
impl Runner for &mut AsyncConnection {
    type Backend = crate::backend::Postgres;
    type Mode = Async;
    #[inline]
    fn __connection(&mut self) -> &mut Connection<crate::backend::Postgres> {
        (**self).__connection()
    }
}

#[allow(dead_code)]
fn _is_send() {
    fn send<T: Send>(_: T) {}
    // A session's commit future can move between a runtime's threads.
    let _ = |s: &'static mut AsyncSession<'static, AsyncPooledConnection>| send(s.commit());
    let _ = |s: &'static mut AsyncSession<'static, &'static mut AsyncConnection>| send(s.commit());
    let _ = |engine: &'static AsyncEngine| send(engine.session());
}
