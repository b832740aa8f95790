//! MySQL on the backend seam: the `Driver` impl the blocking engine, pool and transactions
//! run through, and `Backend`.

use super::super::driver::Driver;
use super::super::{Backend, Mysql};
use super::{errors, logged_batch, MysqlLink};
use crate::engine::{Connection, DatabaseUrl, Dialect, Error, RowData, TransactionOptions};
use crate::render::Rendered;
use std::time::Instant;

impl Driver for Mysql {
    type Link = MysqlLink;

    fn open(url: &DatabaseUrl) -> Result<Connection<Self>, Error> {
        Connection::<Mysql>::open_url(url)
    }

    #[inline]
    fn run(
        conn: &mut Connection<Self>,
        statement: &Rendered<'_>,
        sink: &mut dyn FnMut(RowData<'_>) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        conn.mysql_run(statement, sink)
    }

    fn batch(conn: &mut Connection<Self>, sql: &str) -> Result<(), Error> {
        if conn.depth > 0 && conn.aborted {
            return Err(errors::in_failed_transaction());
        }
        let result = logged_batch(conn, sql);
        conn.note(result)
    }

    /// The deadline is not used (the client takes none per call): the URL's `read_timeout`
    /// and `write_timeout` bound every wait on the socket. Only the pool passes one, for
    /// the ROLLBACK of a connection returned inside a transaction.
    fn control(
        conn: &mut Connection<Self>,
        sql: &str,
        _deadline: Option<Instant>,
    ) -> Result<(), Error> {
        let result = logged_batch(conn, sql);
        if result.is_err() && conn.depth > 0 {
            conn.aborted = true;
        }
        result
    }

    /// `SET TRANSACTION` names the next transaction's level and access mode; both go in
    /// the same text as `START TRANSACTION`, so they cannot be separated.
    fn begin_sql(_link: &Self::Link, options: &TransactionOptions) -> Result<String, Error> {
        use crate::engine::IsolationLevel;
        let mut sql = String::new();
        let level = options.isolation.map(|level| match level {
            IsolationLevel::ReadUncommitted => "READ UNCOMMITTED",
            IsolationLevel::ReadCommitted => "READ COMMITTED",
            IsolationLevel::RepeatableRead => "REPEATABLE READ",
            IsolationLevel::Serializable => "SERIALIZABLE",
        });
        if let Some(level) = level {
            sql.push_str("SET TRANSACTION ISOLATION LEVEL ");
            sql.push_str(level);
            sql.push_str("; ");
        }
        sql.push_str("START TRANSACTION");
        match options.read_only {
            Some(true) => sql.push_str(" READ ONLY"),
            Some(false) => sql.push_str(" READ WRITE"),
            None => {}
        }
        Ok(sql)
    }

    #[inline]
    fn knows(link: &Self::Link, key: u64, _types_key: u64) -> bool {
        link.statements.contains_key(&key)
    }

    fn is_closed(link: &Self::Link) -> bool {
        link.client.is_closed()
    }

    /// The server's own word: `SERVER_STATUS_IN_TRANS` in its last OK or EOF packet (a
    /// transaction opened as text counts too).
    fn server_in_transaction(link: &Self::Link) -> bool {
        link.client.in_transaction()
    }

    /// MySQL undoes only the failed statement and keeps the transaction open.
    fn server_transaction_failed(_link: &Self::Link) -> bool {
        false
    }

    fn ping_before(conn: &mut Connection<Self>, _deadline: Option<Instant>) -> Result<(), Error> {
        conn.ping()
    }
}

impl Backend for Mysql {
    const DIALECT: Dialect = Dialect::Mysql;
}
