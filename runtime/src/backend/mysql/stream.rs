//! `stream()` on MySQL: a query's rows read one row packet at a time as the iterator is
//! advanced, each decoded in place from its packet, so memory holds one row whatever the
//! result's size. See docs/design.md, "MySQL stream, Any, counts".

use super::super::Mysql;
use crate::engine::log;
use crate::engine::row_data::Inner;
use crate::engine::runner::DecodeFn;
use crate::engine::wire::now;
use crate::engine::{Connection, Error, RowData};
use crate::render::{Label, Rendered};
use crate::types::RowReader;
use std::fmt;
use std::time::Instant;

/// The rows of a query on MySQL, decoded one at a time as the server sends them (what
/// `stream()` gives on `Connection<Mysql>`). Stops after the first error, which is an item:
/// the server's (the connection stays usable), a decoding error, or a lost connection.
/// Dropping it before the end reads the rest of the result and drops it (for at most 2 s,
/// each read bounded by the URL's `read_timeout`; past that the server is asked, over a
/// second connection, to stop the statement with `KILL QUERY`), so the connection is ready
/// for the next statement.
pub struct MysqlRows<'c, R> {
    conn: &'c mut Connection<Mysql>,
    /// The statement's fingerprint: its prepared form (with the result's columns) is kept
    /// under it.
    key: u64,
    labels: Vec<Label>,
    read: DecodeFn<R>,
    done: bool,
}

impl<R> fmt::Debug for MysqlRows<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MysqlRows")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<'c, R> MysqlRows<'c, R> {
    /// Runs `statement` on `conn`; its rows are then read as the iterator asks.
    pub(crate) fn start(
        conn: &'c mut Connection<Mysql>,
        statement: &Rendered<'_>,
        read: DecodeFn<R>,
    ) -> Result<Self, Error> {
        let rows = now(begin(conn, statement))?;
        Ok(MysqlRows {
            conn,
            key: statement.key,
            labels: statement.labels.clone(),
            read,
            done: !rows,
        })
    }

    /// The labels of the selected columns, for decode errors.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// The next `n` rows (fewer at the end, none after it).
    pub fn fetch_many(&mut self, n: usize) -> Result<Vec<R>, Error> {
        let mut out = Vec::with_capacity(n.min(1024));
        while out.len() < n {
            match self.next() {
                Some(row) => out.push(row?),
                None => break,
            }
        }
        Ok(out)
    }

    /// Up to `n` rows at a time (SQLAlchemy's `fetchmany(n)`); `n` of 0 is taken as 1.
    pub fn batches(self, n: usize) -> impl Iterator<Item = Result<Vec<R>, Error>> + 'c
    where
        R: 'c,
    {
        let mut rows = self;
        let n = n.max(1);
        std::iter::from_fn(move || match rows.fetch_many(n) {
            Ok(batch) if batch.is_empty() => None,
            other => Some(other),
        })
    }
}

impl<R> Iterator for MysqlRows<'_, R> {
    type Item = Result<R, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let link = &mut self.conn.link;
        let item = match link.statements.get(&self.key) {
            Some((_, prepared)) => match now(link.client.next_row(&prepared.columns)) {
                Ok(Some(row)) => {
                    let row = RowData(Inner::Mysql(row));
                    (self.read)(&mut RowReader::new(row, &self.labels))
                }
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(e) => Err(e),
            },
            None => Err(Error::Misuse("a MySQL statement was not kept".into())),
        };
        if item.is_err() {
            self.done = true;
            return Some(self.conn.note(item));
        }
        Some(item)
    }
}

impl<R> Drop for MysqlRows<'_, R> {
    /// A stream dropped before its end reads the rest of its result, so the connection is
    /// ready for the next statement.
    fn drop(&mut self) {
        if self.conn.link.client.reading() {
            let ended = now(self.conn.link.client.stop_rows());
            let _ = self.conn.note(ended);
        }
    }
}

/// Runs `statement` for a stream, on either socket: `true` when rows follow (read then
/// with `next_row`), `false` when it returned none. Logged as a statement's start.
pub(super) async fn begin(
    conn: &mut Connection<Mysql>,
    statement: &Rendered<'_>,
) -> Result<bool, Error> {
    conn.mysql_check(statement)?;
    let started = Instant::now();
    let link = &mut conn.link;
    let (sql, result) = match link.ready(statement).await {
        Err(e) => (None, Err(e)),
        Ok(()) => match link.statements.get_mut(&statement.key) {
            Some((sql, prepared)) => (
                Some(std::sync::Arc::clone(sql)),
                link.client
                    .start_rows(prepared, &link.types, &link.values)
                    .await,
            ),
            None => (
                None,
                Err(Error::Misuse("a MySQL statement was not kept".into())),
            ),
        },
    };
    log::rendered(
        &conn.echo,
        sql.as_deref().unwrap_or(&statement.sql),
        statement,
        started.elapsed(),
        result.as_ref().map(|_| None),
    );
    let result = if statement.mysql.nowait {
        result.map_err(super::errors::lock_not_taken)
    } else {
        result
    };
    conn.note(result)
}
