//! Raw statements through [`Runner`](crate::Runner): `load`, `first`, `one`, `execute`
//! and friends build one of these jobs, run blocking by the backend's own code or, on an
//! async connection, by the same wire loops awaited.

use super::{DynRow, RawBackend, RawQuery};
use crate::backend::Backend;
use crate::engine::runner::{Blocking, Work};
use crate::engine::{Connection, Error};

/// Every row of a raw statement, made into `T` by `finish`.
#[doc(hidden)]
pub struct RawLoad<'q, 'a, Row, T> {
    pub(super) query: &'q RawQuery<'a>,
    pub(super) finish: fn(Vec<Row>) -> Result<T, Error>,
}

/// The first row of a raw statement (the server stops sending after it).
#[doc(hidden)]
pub struct RawFirst<'q, 'a> {
    pub(super) query: &'q RawQuery<'a>,
}

/// A raw statement run for the number of rows it affected.
#[doc(hidden)]
pub struct RawExecute<'q, 'a> {
    pub(super) query: &'q RawQuery<'a>,
}

impl<'c, B: RawBackend, T: 'c> Work<'c, B, Blocking> for RawLoad<'_, '_, B::Row, T> {
    type Output = T;
    #[inline]
    fn run(self, conn: &'c mut Connection<B>) -> Result<T, Error> {
        let rendered = self.query.render_for(conn.dialect())?;
        let rows =
            B::load_rows(conn, &rendered).map_err(|e| B::explain_raw(conn, self.query, e))?;
        (self.finish)(rows)
    }
}

impl<'c, B: RawBackend> Work<'c, B, Blocking> for RawFirst<'_, '_>
where
    B::Row: 'c,
{
    type Output = Option<B::Row>;
    #[inline]
    fn run(self, conn: &'c mut Connection<B>) -> Result<Option<B::Row>, Error> {
        let rendered = self.query.render_for(conn.dialect())?;
        B::first_row(conn, &rendered).map_err(|e| B::explain_raw(conn, self.query, e))
    }
}

impl<'c, B: Backend> Work<'c, B, Blocking> for RawExecute<'_, '_> {
    type Output = u64;
    #[inline]
    fn run(self, conn: &'c mut Connection<B>) -> Result<u64, Error> {
        let rendered = self.query.render_for(conn.dialect())?;
        conn.execute_rendered(&rendered)
            .map_err(|e| B::explain_raw(conn, self.query, e))
    }
}

/// The rows as `T`, by column name.
pub(super) fn rows_as<T: super::FromRawRow<R>, R>(rows: Vec<R>) -> Result<Vec<T>, Error> {
    rows.iter().map(T::from_raw_row).collect()
}

/// The first column of the only row, or `None` without a row.
pub(super) fn scalar_of<T: for<'r> postgres_types::FromSql<'r>>(
    rows: Vec<DynRow>,
) -> Result<Option<T>, Error> {
    crate::engine::at_most_one(rows)?
        .map(|row| row.get(0))
        .transpose()
}

#[cfg(feature = "tokio")]
mod on_tokio {
    use super::*;
    use crate::backend::Postgres;
    use crate::engine::runner::{Async, BoxFuture};
    use crate::engine::RowData;
    use crate::raw::explain::explain_type_error_io;

    impl<'c, 'q: 'c, 'a: 'q, T: Send + 'c> Work<'c, Postgres, Async> for RawLoad<'q, 'a, DynRow, T> {
        type Output = T;
        fn run(self, conn: &'c mut Connection) -> BoxFuture<'c, Result<T, Error>> {
            Box::pin(async move {
                conn.settle_owed().await?;
                let rendered = self.query.render()?;
                let mut rows = Vec::new();
                let mut sink = |row: RowData<'_>| {
                    rows.extend(row.as_pg().map(|row| DynRow(row.to_row())));
                    Ok(())
                };
                if let Err(e) = conn.pg_run_io(&rendered, &mut sink).await {
                    return Err(explain_type_error_io(conn, self.query, e).await);
                }
                (self.finish)(rows)
            })
        }
    }

    impl<'c, 'q: 'c, 'a: 'q> Work<'c, Postgres, Async> for RawFirst<'q, 'a> {
        type Output = Option<DynRow>;
        fn run(self, conn: &'c mut Connection) -> BoxFuture<'c, Result<Option<DynRow>, Error>> {
            Box::pin(async move {
                conn.settle_owed().await?;
                let rendered = self.query.render()?;
                match conn.first_row_io(&rendered).await {
                    Ok(row) => Ok(row.map(DynRow)),
                    Err(e) => Err(explain_type_error_io(conn, self.query, e).await),
                }
            })
        }
    }

    impl<'c, 'q: 'c, 'a: 'q> Work<'c, Postgres, Async> for RawExecute<'q, 'a> {
        type Output = u64;
        fn run(self, conn: &'c mut Connection) -> BoxFuture<'c, Result<u64, Error>> {
            Box::pin(async move {
                conn.settle_owed().await?;
                let rendered = self.query.render()?;
                match conn
                    .pg_run_io(&rendered, &mut |_: RowData<'_>| Ok(()))
                    .await
                {
                    Ok(n) => Ok(n),
                    Err(e) => Err(explain_type_error_io(conn, self.query, e).await),
                }
            })
        }
    }
}

#[cfg(all(feature = "tokio", feature = "mysql"))]
mod on_tokio_mysql {
    use super::*;
    use crate::backend::Mysql;
    use crate::engine::runner::{Async, BoxFuture};
    use crate::engine::RowData;
    use crate::raw::MysqlDynRow;

    impl<'c, 'q: 'c, 'a: 'q, T: Send + 'c> Work<'c, Mysql, Async> for RawLoad<'q, 'a, MysqlDynRow, T> {
        type Output = T;
        fn run(self, conn: &'c mut Connection<Mysql>) -> BoxFuture<'c, Result<T, Error>> {
            Box::pin(async move {
                let rendered = self.query.render_for(conn.dialect())?;
                let rows = crate::raw::mysql_rows::load_io(conn, &rendered).await?;
                (self.finish)(rows)
            })
        }
    }

    impl<'c, 'q: 'c, 'a: 'q> Work<'c, Mysql, Async> for RawFirst<'q, 'a> {
        type Output = Option<MysqlDynRow>;
        fn run(
            self,
            conn: &'c mut Connection<Mysql>,
        ) -> BoxFuture<'c, Result<Option<MysqlDynRow>, Error>> {
            Box::pin(async move {
                let rendered = self.query.render_for(conn.dialect())?;
                let rows = crate::raw::mysql_rows::load_io(conn, &rendered).await?;
                Ok(rows.into_iter().next())
            })
        }
    }

    impl<'c, 'q: 'c, 'a: 'q> Work<'c, Mysql, Async> for RawExecute<'q, 'a> {
        type Output = u64;
        fn run(self, conn: &'c mut Connection<Mysql>) -> BoxFuture<'c, Result<u64, Error>> {
            Box::pin(async move {
                let rendered = self.query.render_for(conn.dialect())?;
                conn.mysql_run_io(&rendered, &mut |_: RowData<'_>| Ok(()))
                    .await
            })
        }
    }
}
