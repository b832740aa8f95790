//! How a schema [`Script`] runs: in blocking mode on any backend, and in async mode on
//! PostgreSQL and MySQL.

use super::{Body, Script};
use crate::backend::{Backend, Dialect};
use crate::engine::runner::Work;
use crate::engine::{Blocking, Connection, Error, Executor};

impl<'c, B: Backend> Work<'c, B, Blocking> for Script {
    type Output = ();
    fn run(self, conn: &'c mut Connection<B>) -> Result<(), Error> {
        let sql = match self.0 {
            Body::Text(sql) => sql,
            Body::Mysql(script) => return crate::ddl_mysql::run(conn, script?),
        };
        if conn.dialect() == Dialect::Sqlite {
            // One script is one transaction on PostgreSQL; SQLite runs it statement by
            // statement, so it is wrapped.
            return conn.transaction(|tx| tx.batch_execute(&sql));
        }
        conn.batch_execute(&sql)
    }
}

#[cfg(feature = "tokio")]
impl<'c> Work<'c, crate::Postgres, crate::engine::Async> for Script {
    type Output = ();
    fn run(
        self,
        conn: &'c mut Connection<crate::Postgres>,
    ) -> crate::engine::BoxFuture<'c, Result<(), Error>> {
        Box::pin(async move {
            match self.0 {
                Body::Text(sql) => conn.pg_batch_io(&sql).await,
                Body::Mysql(_) => Err(Error::Misuse(
                    "MySQL's DDL was run on a PostgreSQL connection".into(),
                )),
            }
        })
    }
}

#[cfg(all(feature = "tokio", feature = "mysql"))]
impl<'c> Work<'c, crate::backend::Mysql, crate::engine::Async> for Script {
    type Output = ();
    fn run(
        self,
        conn: &'c mut Connection<crate::backend::Mysql>,
    ) -> crate::engine::BoxFuture<'c, Result<(), Error>> {
        Box::pin(async move {
            match self.0 {
                Body::Mysql(script) => crate::ddl_mysql::run_io(conn, script?).await,
                Body::Text(_) => Err(Error::Misuse(
                    "PostgreSQL's or SQLite's DDL was run on a MySQL connection".into(),
                )),
            }
        })
    }
}
