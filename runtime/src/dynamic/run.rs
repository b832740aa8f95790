//! Running dynamic statements on any [`Runner`]: a blocking connection (or transaction,
//! session, pooled connection) returns `Result<T, Error>`, an async one a future of it.
//! The statement is rendered when the run method is called, so a mistake in it (an
//! unknown column, a value that does not fit) is reported when the result is, and
//! nothing is sent.

use super::{DynDelete, DynInsert, DynSelect, DynUpdate};
use crate::backend::Postgres;
use crate::engine::runner::{Blocking, Ran, Runner, Work};
use crate::engine::{Connection, Error};
use crate::raw::{DynRow, FromDynRow};
use crate::render::Rendered;

/// One run of a dynamic statement: the statement (or the mistake that stops it), whether
/// its rows are read, and what the rows (or the count) become.
#[doc(hidden)]
pub struct DynRun<'s, T> {
    rendered: Result<Rendered<'s>, Error>,
    rows: bool,
    finish: fn(Vec<DynRow>, u64) -> Result<T, Error>,
}

impl<'s, T> DynRun<'s, T> {
    fn rows(
        rendered: Result<Rendered<'s>, Error>,
        finish: fn(Vec<DynRow>, u64) -> Result<T, Error>,
    ) -> Self {
        DynRun {
            rendered,
            rows: true,
            finish,
        }
    }
}

impl<'c, 's: 'c, T: 'c> Work<'c, Postgres, Blocking> for DynRun<'s, T> {
    type Output = T;
    fn run(self, conn: &'c mut Connection<Postgres>) -> Result<T, Error> {
        let rendered = self.rendered?;
        if !self.rows {
            let count = conn.execute_rendered(&rendered)?;
            return (self.finish)(Vec::new(), count);
        }
        let rows = conn.query_rendered(&rendered)?;
        let count = rows.len() as u64;
        (self.finish)(rows.into_iter().map(DynRow::new).collect(), count)
    }
}

#[cfg(feature = "tokio")]
impl<'c, 's: 'c, T: Send + 'c> Work<'c, Postgres, crate::engine::Async> for DynRun<'s, T> {
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

fn all(rows: Vec<DynRow>, _: u64) -> Result<Vec<DynRow>, Error> {
    Ok(rows)
}

fn mapped<T: FromDynRow>(rows: Vec<DynRow>, _: u64) -> Result<Vec<T>, Error> {
    rows.iter().map(T::from_dyn_row).collect()
}

fn first(rows: Vec<DynRow>, _: u64) -> Result<Option<DynRow>, Error> {
    Ok(rows.into_iter().next())
}

fn count(rows: Vec<DynRow>, _: u64) -> Result<i64, Error> {
    crate::engine::exactly_one(rows)?.get(0)
}

fn affected(_: Vec<DynRow>, count: u64) -> Result<u64, Error> {
    Ok(count)
}

impl DynSelect<'_> {
    /// Every row, columns read by name or position.
    pub fn load<'c, C: Runner<Backend = Postgres> + ?Sized>(
        &'c self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<DynRow>>
    where
        DynRun<'c, Vec<DynRow>>: Work<'c, Postgres, C::Mode, Output = Vec<DynRow>>,
    {
        DynRun::rows(self.render(), all).run(conn.__connection())
    }

    /// Every row mapped into `T` by column name (`#[derive(RawRow)]`: the notes'
    /// `mapper(Model, table)`).
    pub fn load_as<'c, T: FromDynRow, C: Runner<Backend = Postgres> + ?Sized>(
        &'c self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<T>>
    where
        DynRun<'c, Vec<T>>: Work<'c, Postgres, C::Mode, Output = Vec<T>>,
    {
        DynRun::rows(self.render(), mapped::<T>).run(conn.__connection())
    }

    /// The first row, or `None`: the statement asks for one row (`LIMIT 1`, or the query's
    /// own limit when smaller; its offset stays).
    pub fn first<'c, C: Runner<Backend = Postgres> + ?Sized>(
        &'c self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Option<DynRow>>
    where
        DynRun<'c, Option<DynRow>>: Work<'c, Postgres, C::Mode, Output = Option<DynRow>>,
    {
        static ONE: i64 = 1;
        let limit = match &self.limit {
            Some(n) if *n < ONE => n,
            _ => &ONE,
        };
        DynRun::rows(self.render_limited(Some(limit)), first).run(conn.__connection())
    }

    /// The number of rows the filters match (`SELECT count(*)`).
    pub fn count<'c, C: Runner<Backend = Postgres> + ?Sized>(
        &'c self,
        conn: &'c mut C,
    ) -> Ran<'c, C, i64>
    where
        DynRun<'c, i64>: Work<'c, Postgres, C::Mode, Output = i64>,
    {
        let p = &self.parts;
        let rendered = p.finish(|out| {
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
            pub fn execute<'c, C: Runner<Backend = Postgres> + ?Sized>(
                &'c self,
                conn: &'c mut C,
            ) -> Ran<'c, C, u64>
            where
                DynRun<'c, u64>: Work<'c, Postgres, C::Mode, Output = u64>,
            {
                DynRun { rendered: self.render(), rows: false, finish: affected }
                    .run(conn.__connection())
            }

            /// Runs the statement: the rows of its RETURNING list.
            pub fn load<'c, C: Runner<Backend = Postgres> + ?Sized>(
                &'c self,
                conn: &'c mut C,
            ) -> Ran<'c, C, Vec<DynRow>>
            where
                DynRun<'c, Vec<DynRow>>: Work<'c, Postgres, C::Mode, Output = Vec<DynRow>>,
            {
                DynRun::rows(self.render(), all).run(conn.__connection())
            }
        }
    )*};
}

writes_run!(DynInsert, DynUpdate, DynDelete);
