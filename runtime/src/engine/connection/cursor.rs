//! Streaming a SELECT through a server-side cursor, read in growing batches.
//!
//! The sync driver's row iterator enters its async runtime once per row, which costs more
//! than decoding the row (measured in BENCHMARKS.md: 2.4x Diesel's time over 5 million
//! rows). A cursor read with `FETCH n` returns `n` rows for one entry into the runtime.
//! Batches start small (the first rows arrive quickly, and `first()`-like reads fetch
//! little) and grow to [`MAX_BATCH`], so memory stays bounded.
//!
//! A cursor lives in a transaction: outside one, the stream opens its own (`BEGIN`, counted
//! in the connection's depth so the pool rolls it back if the stream is leaked) and ends it
//! as soon as the last row has arrived or the stream is dropped. Inside a transaction the
//! cursor is closed at the same points, and a failing FETCH aborts the transaction like
//! any failing statement.

use super::{log, Connection, Error, Rendered, RowStream, Source};
use postgres::{Row, Statement};
use std::sync::Arc;
use std::time::Instant;

const FIRST_BATCH: usize = 64;
const MAX_BATCH: usize = 8192;
const NAME: &str = "\"__sqlwright_stream\"";

/// An open cursor and the rows of its last batch not yet handed out.
pub(super) struct Cursor<'c> {
    conn: &'c mut Connection,
    buffered: std::vec::IntoIter<Row>,
    batch: usize,
    /// The cursor is closed (all rows fetched, or a failure).
    done: bool,
    /// The stream opened the transaction the cursor lives in.
    own_transaction: bool,
}

impl Connection {
    /// Runs a SELECT through a cursor; see the module docs. `statement` must be a query
    /// (`DECLARE` takes SELECT and VALUES only).
    pub(crate) fn stream_select(
        &mut self,
        statement: &Rendered<'_>,
    ) -> Result<RowStream<'_>, Error> {
        Self::check(statement)?;
        let started = Instant::now();
        // The query's own text, from the cache when it was rendered without it.
        let (_, sql) = self.prepare_logged(statement, started)?;
        let own_transaction = self.depth == 0;
        if own_transaction {
            self.control("BEGIN")?;
            self.depth += 1;
        }
        let declare_key = statement.key ^ 0x6375_7273_6f72_0001;
        let declared = self.derived_statement(declare_key, &statement.types, || {
            format!("DECLARE {NAME} NO SCROLL CURSOR FOR {sql}")
        });
        let result = declared.and_then(|(declare, text)| {
            let result = self
                .client
                .execute(&declare, &statement.params)
                .map_err(Error::from_driver);
            log::statement(
                &self.echo,
                &text,
                &statement.params,
                started.elapsed(),
                result.as_ref().map(|_| None),
            );
            self.note(result)
        });
        let mut cursor = Cursor {
            conn: self,
            buffered: Vec::new().into_iter(),
            batch: FIRST_BATCH,
            done: false,
            own_transaction,
        };
        if let Err(e) = result {
            cursor.fail();
            return Err(e);
        }
        Ok(RowStream {
            labels: statement.labels.clone(),
            source: Source::Cursor(cursor),
        })
    }

    /// A statement sqlwright derives from another (its text made by `text` only when it is
    /// not prepared yet), cached under `key`.
    fn derived_statement(
        &mut self,
        key: u64,
        types: &[postgres::types::Type],
        text: impl FnOnce() -> String,
    ) -> Result<(Statement, Arc<str>), Error> {
        self.tick += 1;
        if let Some(found) = self.statements.get_mut(&key).filter(|c| c.types == types) {
            found.last_used = self.tick;
            return Ok((found.statement.clone(), Arc::clone(&found.sql)));
        }
        let sql: Arc<str> = Arc::from(text());
        let statement = self.prepare_text(key, &sql, types)?;
        Ok((statement, sql))
    }

    /// `FETCH n` from the stream's cursor. Sent as an unnamed statement each time (one round
    /// trip, like a prepared one): a prepared FETCH would keep the result columns of the
    /// cursor it was first prepared against, and decode a later query's rows with them.
    fn fetch(&mut self, n: usize) -> Result<Vec<Row>, Error> {
        let started = Instant::now();
        let fetch = format!("FETCH {n} FROM {NAME}");
        let result = self
            .client
            .query_typed(&fetch, &[])
            .map_err(Error::from_driver);
        log::statement(
            &self.echo,
            &fetch,
            &[],
            started.elapsed(),
            result.as_ref().map(|rows| Some(rows.len() as u64)),
        );
        self.note(result)
    }
}

impl Cursor<'_> {
    pub(super) fn next_row(&mut self) -> Option<Result<Row, Error>> {
        if let Some(row) = self.buffered.next() {
            return Some(Ok(row));
        }
        if self.done {
            return None;
        }
        let n = self.batch;
        match self.conn.fetch(n) {
            Ok(rows) => {
                if rows.len() < n {
                    self.close();
                }
                self.batch = (n * 4).min(MAX_BATCH);
                self.buffered = rows.into_iter();
                self.buffered.next().map(Ok)
            }
            Err(e) => {
                self.fail();
                Some(Err(e))
            }
        }
    }

    /// Closes the cursor (and the transaction the stream opened) after the last row.
    fn close(&mut self) {
        self.done = true;
        let end = if self.own_transaction {
            "CLOSE \"__sqlwright_stream\"; COMMIT"
        } else {
            "CLOSE \"__sqlwright_stream\""
        };
        let ended = self.conn.control(end);
        self.end_transaction(ended.is_ok());
    }

    /// After a failure (already noted: the transaction is aborted): end the transaction
    /// the stream opened; the caller's stays aborted, as after any failed statement.
    fn fail(&mut self) {
        self.done = true;
        if self.own_transaction {
            let rolled_back = self.conn.broken || self.conn.control("ROLLBACK").is_ok();
            self.end_transaction(rolled_back);
        }
    }

    fn end_transaction(&mut self, ok: bool) {
        if self.own_transaction {
            self.own_transaction = false;
            self.conn.depth -= 1;
            self.conn.aborted = false;
        }
        if !ok {
            self.conn.broken = true;
        }
    }
}

impl Drop for Cursor<'_> {
    /// A stream dropped before its end closes its cursor and transaction, so the
    /// connection is ready for the next statement.
    fn drop(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        if self.own_transaction {
            let rolled_back = self.conn.control("ROLLBACK").is_ok();
            self.end_transaction(rolled_back);
        } else if self.conn.control("CLOSE \"__sqlwright_stream\"").is_err() {
            self.conn.aborted = true;
        }
    }
}
