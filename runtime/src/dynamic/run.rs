//! Running dynamic statements on any [`Runner`]: a blocking connection (or transaction,
//! session, pooled connection) returns `Result<T, Error>`, an async one a future of it.
//! The statement is rendered when the run method is called, so a mistake in it (an
//! unknown column, a value that does not fit) is reported when the result is, and
//! nothing is sent.

use super::{DynDelete, DynInsert, DynSelect, DynUpdate};
use crate::backend::Postgres;
use crate::engine::runner::{Blocking, Ran, Runner, Work};
use crate::engine::{Connection, Error};
use crate::raw::{DynRow, FromRawRow, RawBackend, RowOf};
use crate::render::Rendered;

/// One run of a dynamic statement: the statement (or the mistake that stops it), whether
/// its rows are read, and what the rows `R` of the backend (or the count) become.
#[doc(hidden)]
pub struct DynRun<'s, R, T> {
    rendered: Result<Rendered<'s>, Error>,
    rows: bool,
    finish: fn(Vec<R>, u64) -> Result<T, Error>,
}

impl<'s, R, T> DynRun<'s, R, T> {
    fn rows(
        rendered: Result<Rendered<'s>, Error>,
        finish: fn(Vec<R>, u64) -> Result<T, Error>,
    ) -> Self {
        DynRun {
            rendered,
            rows: true,
            finish,
        }
    }
}

/// Blocking, on every backend: its raw rows (`DynRow` on PostgreSQL, `MysqlDynRow` on
/// MySQL, `SqliteDynRow` on SQLite).
impl<'c, 's: 'c, B: RawBackend, T: 'c> Work<'c, B, Blocking> for DynRun<'s, B::Row, T> {
    type Output = T;
    fn run(self, conn: &'c mut Connection<B>) -> Result<T, Error> {
        let rendered = self.rendered?;
        if !self.rows {
            let count = conn.execute_rendered(&rendered)?;
            return (self.finish)(Vec::new(), count);
        }
        let rows = B::load_rows(conn, &rendered)?;
        let count = rows.len() as u64;
        (self.finish)(rows, count)
    }
}

#[cfg(feature = "tokio")]
impl<'c, 's: 'c, T: Send + 'c> Work<'c, Postgres, crate::engine::Async> for DynRun<'s, DynRow, T> {
    type Output = T;
    fn run(
        self,
        conn: &'c mut Connection<Postgres>,
    ) -> crate::engine::BoxFuture<'c, Result<T, Error>> {
        Box::pin(async move {
            let rendered = self.rendered?;
            conn.settle_owed().await?;
            let mut rows = Vec::new();
            let count = if self.rows {
                let mut sink = |row: crate::engine::RowData<'_>| {
                    rows.extend(row.as_pg().map(|row| DynRow::new(row.to_row())));
                    Ok(())
                };
                conn.pg_run_io(&rendered, &mut sink).await?
            } else {
                conn.pg_run_io(&rendered, &mut |_| Ok(())).await?
            };
            (self.finish)(rows, count)
        })
    }
}

#[cfg(all(feature = "tokio", feature = "mysql"))]
impl<'c, 's: 'c, T: Send + 'c> Work<'c, crate::backend::Mysql, crate::engine::Async>
    for DynRun<'s, crate::raw::MysqlDynRow, T>
{
    type Output = T;
    fn run(
        self,
        conn: &'c mut Connection<crate::backend::Mysql>,
    ) -> crate::engine::BoxFuture<'c, Result<T, Error>> {
        Box::pin(async move {
            let rendered = self.rendered?;
            if self.rows {
                let rows = crate::raw::mysql_rows::load_io(conn, &rendered).await?;
                let count = rows.len() as u64;
                return (self.finish)(rows, count);
            }
            let count = conn
                .mysql_run_io(&rendered, &mut |_: crate::engine::RowData<'_>| Ok(()))
                .await?;
            (self.finish)(Vec::new(), count)
        })
    }
}

/// A row whose first column is a count (`SELECT count(*)`), on each backend. Not API.
#[doc(hidden)]
pub trait DynCount {
    /// The first column as an `i64`.
    fn count(&self) -> Result<i64, Error>;
}

impl DynCount for DynRow {
    fn count(&self) -> Result<i64, Error> {
        self.get(0)
    }
}

#[cfg(feature = "mysql")]
impl DynCount for crate::raw::MysqlDynRow {
    fn count(&self) -> Result<i64, Error> {
        self.get(0)
    }
}

#[cfg(feature = "sqlite")]
impl DynCount for crate::raw::SqliteDynRow {
    fn count(&self) -> Result<i64, Error> {
        self.get(0)
    }
}

/// How runner `C`'s database spells SQL (every backend with raw rows has one dialect).
fn dialect<C: Runner + ?Sized>() -> crate::backend::Dialect {
    <C::Backend as crate::backend::Backend>::DIALECT
}

fn all<R>(rows: Vec<R>, _: u64) -> Result<Vec<R>, Error> {
    Ok(rows)
}

fn mapped<T: FromRawRow<R>, R>(rows: Vec<R>, _: u64) -> Result<Vec<T>, Error> {
    rows.iter().map(T::from_raw_row).collect()
}

fn first<R>(rows: Vec<R>, _: u64) -> Result<Option<R>, Error> {
    Ok(rows.into_iter().next())
}

fn count<R: DynCount>(rows: Vec<R>, _: u64) -> Result<i64, Error> {
    crate::engine::exactly_one(rows)?.count()
}

fn affected<R>(_: Vec<R>, count: u64) -> Result<u64, Error> {
    Ok(count)
}

impl DynSelect<'_> {
    /// Every row, columns read by name or position: a `DynRow` on PostgreSQL, a
    /// `MysqlDynRow` on MySQL, a `SqliteDynRow` on SQLite (as raw SQL's rows).
    pub fn load<'c, C: Runner + ?Sized>(&'c self, conn: &'c mut C) -> Ran<'c, C, Vec<RowOf<C>>>
    where
        C::Backend: RawBackend,
        DynRun<'c, RowOf<C>, Vec<RowOf<C>>>: Work<'c, C::Backend, C::Mode, Output = Vec<RowOf<C>>>,
    {
        DynRun::rows(self.render_for(dialect::<C>()), all).run(conn.__connection())
    }

    /// Every row mapped into `T` by column name (`#[derive(RawRow)]`: the notes'
    /// `mapper(Model, table)`), from the rows of any backend.
    pub fn load_as<'c, T: FromRawRow<RowOf<C>>, C: Runner + ?Sized>(
        &'c self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<T>>
    where
        C::Backend: RawBackend,
        DynRun<'c, RowOf<C>, Vec<T>>: Work<'c, C::Backend, C::Mode, Output = Vec<T>>,
    {
        DynRun::rows(self.render_for(dialect::<C>()), mapped::<T, RowOf<C>>)
            .run(conn.__connection())
    }

    /// The first row, or `None`: the statement asks for one row (`LIMIT 1`, or the query's
    /// own limit when smaller; its offset stays).
    pub fn first<'c, C: Runner + ?Sized>(&'c self, conn: &'c mut C) -> Ran<'c, C, Option<RowOf<C>>>
    where
        C::Backend: RawBackend,
        DynRun<'c, RowOf<C>, Option<RowOf<C>>>:
            Work<'c, C::Backend, C::Mode, Output = Option<RowOf<C>>>,
    {
        static ONE: i64 = 1;
        let limit = match &self.limit {
            Some(n) if *n < ONE => n,
            _ => &ONE,
        };
        DynRun::rows(self.render_limited(dialect::<C>(), Some(limit)), first)
            .run(conn.__connection())
    }

    /// The number of rows the filters match (`SELECT count(*)`).
    pub fn count<'c, C: Runner + ?Sized>(&'c self, conn: &'c mut C) -> Ran<'c, C, i64>
    where
        C::Backend: RawBackend<Row: DynCount>,
        DynRun<'c, RowOf<C>, i64>: Work<'c, C::Backend, C::Mode, Output = i64>,
    {
        let p = &self.parts;
        let rendered = p.finish(dialect::<C>(), |out| {
            out.sql("SELECT count(*) FROM ");
            p.write_table(out);
            p.write_where(out);
        });
        DynRun::rows(rendered, count).run(conn.__connection())
    }
}

/// What INSERT, UPDATE and DELETE share: running for the row count or the RETURNING rows.
macro_rules! writes_run {
    ($($ty:ident),*) => {$(
        impl $ty<'_> {
            /// Runs the statement: the number of rows it wrote.
            pub fn execute<'c, C: Runner + ?Sized>(&'c self, conn: &'c mut C) -> Ran<'c, C, u64>
            where
                C::Backend: RawBackend,
                DynRun<'c, RowOf<C>, u64>: Work<'c, C::Backend, C::Mode, Output = u64>,
            {
                DynRun { rendered: self.render_for(dialect::<C>()), rows: false, finish: affected }
                    .run(conn.__connection())
            }

            /// Runs the statement: the rows of its RETURNING list (on MySQL, MariaDB 10.5+
            /// has RETURNING on INSERT and DELETE; elsewhere the run is refused before
            /// anything is sent).
            pub fn load<'c, C: Runner + ?Sized>(
                &'c self,
                conn: &'c mut C,
            ) -> Ran<'c, C, Vec<RowOf<C>>>
            where
                C::Backend: RawBackend,
                DynRun<'c, RowOf<C>, Vec<RowOf<C>>>:
                    Work<'c, C::Backend, C::Mode, Output = Vec<RowOf<C>>>,
            {
                DynRun::rows(self.render_for(dialect::<C>()), all).run(conn.__connection())
            }
        }
    )*};
}

writes_run!(DynInsert, DynUpdate, DynDelete);
