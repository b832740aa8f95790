//! A unit of work (SQLAlchemy's `Session`): collect new rows and changes, then write them
//! all in one transaction.
//!
//! [`Session::add`] and [`Session::add_all`] take new rows (structs deriving
//! [`Insertable`](crate::Insertable)); [`Session::add_write`] takes any UPDATE, DELETE or
//! INSERT statement (changed rows: `update(users::table).by_key(id).set(&changes)`).
//! [`Session::pending`] lists what will be written. [`Session::commit`] writes it in one
//! transaction: the new rows of each struct type in multi-row INSERTs, tables that others
//! reference first (so foreign keys hold), then the statements in the order they were added.
//! When the commit fails, the transaction is rolled back (nothing is half-written), the error
//! is returned, and the pending work stays for inspection ([`Session::failed`] names the
//! item the commit stopped at); [`Session::rollback`] discards it and the session is ready
//! for new work.
//!
//! Queries run through the session (it is an [`Executor`]) on its connection. On tokio
//! (feature `tokio`), `AsyncSession` is the same unit of work over an async connection,
//! with `commit().await`; both keep their pending work in one shared bookkeeping type.
//!
//! ```no_run
//! use sqlwright::prelude::*;
//! # sqlwright::table! { users (id) { #[serial] id -> Int4, name -> Text, } }
//! #[derive(sqlwright::Insertable)]
//! #[sqlwright(table = users)]
//! struct NewUser { name: String }
//!
//! # fn demo(engine: &Engine) -> Result<(), sqlwright::Error> {
//! let mut session = engine.session()?;
//! session.add(NewUser { name: "Петя".into() });
//! session.add_all([NewUser { name: "Катя".into() }, NewUser { name: "Вася".into() }]);
//! session.add_write(update(users::table).by_key(1).set(users::name.to("Пётр")));
//! println!("{:?}", session.pending());
//! session.commit()?; // one transaction: INSERT of 3 rows, then the UPDATE
//! # Ok(()) }
//! ```

use crate::backend::Backend;
use crate::check::writes::InsertColumns;
use crate::engine::{Connection, Engine, Error, Executor, PooledConnection};
use crate::query::{insert_into, Assignments, Insertable, TableMeta, WriteStatement};
use crate::render::SqlWriter;
use std::fmt;
use unit::{Described, Group, Rows, Unit, Write};

#[cfg(feature = "tokio")]
mod async_session;
mod unit;

#[cfg(feature = "tokio")]
pub use async_session::{AsyncSession, AsyncSessionInsert};

/// A struct whose values a [`Session`] can insert into table `T`: any struct deriving
/// [`Insertable`](crate::Insertable) that owns its data (no borrowed fields). `I` is an
/// inferred index.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be added to a session",
    note = "a session takes owned rows of a struct that derives `Insertable` (no borrowed fields)"
)]
pub trait SessionInsert<T, I>: Sized + 'static {
    /// The table the rows go into.
    fn table_meta() -> &'static TableMeta;
    /// Inserts `rows` in as few multi-row statements as PostgreSQL's parameter limit
    /// allows; the number of rows inserted.
    fn insert_all<B: Backend>(rows: &[Self], conn: &mut Connection<B>) -> Result<u64, Error>;
}

impl<S, T, I> SessionInsert<T, I> for S
where
    S: 'static + for<'x> Insertable<'x, Table = T>,
    T: crate::query::StoredTable,
    for<'x> <S as Insertable<'x>>::Values: Assignments<T, InsertColumns, I>,
{
    fn table_meta() -> &'static TableMeta {
        T::META
    }

    fn insert_all<B: Backend>(rows: &[Self], conn: &mut Connection<B>) -> Result<u64, Error> {
        // A statement takes at most the backend's number of parameters (65535 on
        // PostgreSQL, 32766 on SQLite); a row has at most one per column.
        let per_statement = (conn.dialect().max_params() / T::META.columns.len().max(1)).max(1);
        let mut written = 0;
        for chunk in rows.chunks(per_statement) {
            // The rows' values are of their columns' declared types (checked for the
            // backend where the table's queries are), so the statement runs unchecked here.
            let rows: Vec<_> = chunk.iter().map(|row| row.values()).collect();
            let insert = insert_into(T::default()).values(rows);
            written += crate::query::run_execute(&insert, conn)?;
        }
        Ok(written)
    }
}

/// One item of a session's pending work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pending {
    /// New rows for a table.
    Insert {
        /// The table's SQL name.
        table: &'static str,
        /// How many rows.
        rows: usize,
    },
    /// A statement, shown as its SQL text.
    Statement {
        /// The SQL text with `$n` placeholders.
        sql: String,
    },
}

/// Pending rows of one struct type, run on a blocking connection.
trait InsertGroup<B: Backend>: Group {
    fn run(&self, conn: &mut Connection<B>) -> Result<u64, Error>;
}

impl<S: SessionInsert<T, I>, T: 'static, I: 'static, B: Backend> InsertGroup<B> for Rows<S, T, I> {
    fn run(&self, conn: &mut Connection<B>) -> Result<u64, Error> {
        S::insert_all(&self.0, conn)
    }
}

/// A pending statement, run on a blocking connection.
trait PendingWrite<B: Backend>: Described {
    fn run(&self, conn: &mut Connection<B>) -> Result<u64, Error>;
}

impl<S: WriteStatement, B: Backend> PendingWrite<B> for Write<S> {
    fn run(&self, conn: &mut Connection<B>) -> Result<u64, Error> {
        let mut out = SqlWriter::for_dialect(conn.dialect());
        if !self.0.render_statement(&mut out) {
            return Ok(0);
        }
        conn.execute_rendered(&out.finish())
    }
}

/// A blocking session's pending work.
type BlockingUnit<'s, B> = Unit<dyn InsertGroup<B> + 'static, dyn PendingWrite<B> + 's>;

/// A unit of work over a connection `C` (a [`PooledConnection`], `&mut Connection`, ...);
/// statements it holds may borrow data that lives for `'s`. See the [module docs](self).
pub struct Session<'s, C: Executor> {
    conn: C,
    unit: BlockingUnit<'s, C::Backend>,
}

impl<C: Executor> fmt::Debug for Session<'_, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("pending", &self.pending())
            .finish_non_exhaustive()
    }
}

impl<B: Backend> Engine<B> {
    /// A session on a connection checked out of this engine (returned when the session is
    /// dropped).
    pub fn session(&self) -> Result<Session<'static, PooledConnection<B>>, Error> {
        Ok(Session::new(self.connect()?))
    }
}

impl<'s, C: Executor> Session<'s, C> {
    /// A session writing through `conn`.
    pub fn new(mut conn: C) -> Self {
        let dialect = conn.connection().dialect();
        Session {
            conn,
            unit: Unit::new(dialect),
        }
    }

    /// Adds a new row, inserted at [`commit`](Self::commit).
    pub fn add<S: SessionInsert<T, I>, T: 'static, I: 'static>(&mut self, row: S) {
        self.add_all([row]);
    }

    /// Adds new rows, inserted at [`commit`](Self::commit) with the others of their type in
    /// multi-row INSERTs.
    pub fn add_all<S: SessionInsert<T, I>, T: 'static, I: 'static>(
        &mut self,
        rows: impl IntoIterator<Item = S>,
    ) {
        self.unit.add_rows(rows, |group| Box::new(group));
    }

    /// Adds a write statement (UPDATE of changed rows, DELETE, INSERT), run at
    /// [`commit`](Self::commit) after the new rows, in the order added.
    pub fn add_write<S: WriteStatement + 's>(&mut self, statement: S) {
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

    /// The pending item the last [`commit`](Self::commit) failed at (the INSERT of a
    /// table's rows, or a statement), as [`pending`](Self::pending) listed it; `None` when
    /// the last commit succeeded or failed in its BEGIN or COMMIT, and after
    /// [`rollback`](Self::rollback).
    pub fn failed(&self) -> Option<&Pending> {
        self.unit.failed()
    }

    /// Writes everything pending in one transaction. On success the pending work is
    /// cleared and the number of rows written returned. On failure the transaction is rolled
    /// back, nothing is written, and the pending work stays until
    /// [`rollback`](Self::rollback). One exception: when the connection is lost while the
    /// COMMIT itself is under way, whether it was written cannot be known; the error is
    /// [`Error::ConnectionLost`] and committing the same work again may write it twice.
    pub fn commit(&mut self) -> Result<u64, Error> {
        if self.unit.is_clean() {
            return Ok(0);
        }
        let order = self.unit.insert_order();
        let (inserts, writes) = (&self.unit.inserts, &self.unit.writes);
        // The position in `pending()` of the item running.
        let mut running = None;
        let written = self.conn.transaction(|tx| {
            let conn = tx.connection();
            let mut n = 0;
            for (k, &i) in order.iter().enumerate() {
                running = Some(k);
                n += inserts[i].1.run(conn)?;
            }
            for (k, write) in writes.iter().enumerate() {
                running = Some(order.len() + k);
                n += write.run(conn)?;
            }
            running = None;
            Ok::<_, Error>(n)
        });
        match written {
            Ok(n) => {
                self.unit.clear();
                Ok(n)
            }
            Err(e) => {
                self.unit.note_failure(running);
                Err(e)
            }
        }
    }

    /// Discards the pending work.
    pub fn rollback(&mut self) {
        self.unit.clear();
    }

    /// The connection, back from the session (pending work is discarded).
    pub fn into_inner(self) -> C {
        self.conn
    }
}

impl<C: Executor> Executor for Session<'_, C> {
    type Backend = C::Backend;
    #[inline]
    fn connection(&mut self) -> &mut Connection<C::Backend> {
        self.conn.connection()
    }
}
