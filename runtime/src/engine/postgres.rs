//! PostgreSQL's side of the backend seam: how a `Connection<Postgres>` runs what every
//! connection runs.

use super::{Connection, DatabaseUrl, Error, RowData, TransactionOptions};
use crate::backend::{driver::Driver, Postgres};
use crate::render::Rendered;
use std::time::Instant;

impl Driver for Postgres {
    type Link = super::connection::PgLink;

    fn open(url: &DatabaseUrl) -> Result<Connection<Self>, Error> {
        Connection::connect_url(url)
    }

    #[inline]
    fn run(
        conn: &mut Connection<Self>,
        statement: &Rendered<'_>,
        sink: &mut dyn FnMut(RowData<'_>) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        conn.pg_run(statement, sink)
    }

    fn batch(conn: &mut Connection<Self>, sql: &str) -> Result<(), Error> {
        conn.pg_batch(sql)
    }

    fn control(
        conn: &mut Connection<Self>,
        sql: &str,
        deadline: Option<Instant>,
    ) -> Result<(), Error> {
        conn.pg_control(sql, deadline)
    }

    fn begin_sql(options: &TransactionOptions) -> Result<String, Error> {
        let mut sql = String::from("BEGIN");
        if let Some(isolation) = options.isolation {
            sql.push_str(" ISOLATION LEVEL ");
            sql.push_str(isolation.as_sql());
        }
        match options.read_only {
            Some(true) => sql.push_str(" READ ONLY"),
            Some(false) => sql.push_str(" READ WRITE"),
            None => {}
        }
        Ok(sql)
    }

    #[inline]
    fn knows(link: &Self::Link, key: u64, types: &[postgres_types::Type]) -> bool {
        link.knows(key, types)
    }

    fn is_closed(link: &Self::Link) -> bool {
        link.wire.is_closed()
    }

    fn server_in_transaction(link: &Self::Link) -> bool {
        link.wire.in_transaction()
    }

    fn server_transaction_failed(link: &Self::Link) -> bool {
        link.wire.transaction_failed()
    }

    fn ping_before(conn: &mut Connection<Self>, deadline: Instant) -> Result<(), Error> {
        conn.pg_ping_before(deadline)
    }
}
