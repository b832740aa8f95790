//! Rows read from the server as the caller asks for them, and starting such a read
//! (`Connection::stream_rendered`).

use super::connection::is_stale_statement;
use super::log;
use super::wire::{self, OwnedRow, RowRef};
use super::{Connection, Error};
use crate::render::{Label, Rendered};
use std::time::Instant;

/// Rows per batch of a stream (two batches are in flight at a time).
pub const STREAM_BATCH: i32 = 4096;

/// Rows read from the server as they arrive (see [`Connection::stream_rendered`]).
/// Dropping it early cancels the statement (a CancelRequest to the server) and reads what
/// was already on its way (for at most 2 s), so the connection stays usable. When the
/// cancel cannot be sent, what is left is read and dropped for at most 4 MiB and 250 ms,
/// after which the connection is closed instead (a pool opens a new one).
pub struct RowStream<'c> {
    conn: &'c mut Connection,
    labels: Vec<Label>,
}

impl std::fmt::Debug for RowStream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowStream").finish_non_exhaustive()
    }
}

impl<'c> RowStream<'c> {
    pub(super) fn new(conn: &'c mut Connection, labels: Vec<Label>) -> Self {
        RowStream { conn, labels }
    }

    /// The labels of the selected columns, for decode errors.
    pub fn labels(&self) -> &[Label] {
        &self.labels
    }

    /// The next row decoded by `decode` (from the connection's buffer, without copying
    /// it), `None` at the end.
    pub fn next_with<R>(
        &mut self,
        decode: impl FnOnce(RowRef<'_>, &[Label]) -> Result<R, Error>,
    ) -> Option<Result<R, Error>> {
        let labels = &self.labels;
        match wire::now(self.conn.link.wire.portal_next(|row| decode(row, labels)))? {
            Ok(r) => Some(Ok(r)),
            Err(e) => {
                if self.conn.link.wire.in_portal() {
                    // A decode error: the statement itself is fine; end it.
                    let ended = wire::now(self.conn.link.wire.end_portal());
                    if let Err(lost) = ended {
                        let _ = self.conn.note(Err::<(), _>(lost));
                    }
                    return Some(Err(e));
                }
                Some(self.conn.note(Err(e)))
            }
        }
    }

    /// The next row, copied out of the connection's buffer; `None` at the end.
    pub fn next_row(&mut self) -> Option<Result<OwnedRow, Error>> {
        self.next_with(|row, _| Ok(row.to_row()))
    }
}

impl Drop for RowStream<'_> {
    /// A stream dropped before its end ends its statement, so the connection is ready
    /// for the next one.
    fn drop(&mut self) {
        if self.conn.link.wire.in_portal() {
            let ended = wire::now(self.conn.link.wire.abandon_portal());
            let _ = self.conn.note(ended);
        }
    }
}

impl Connection {
    /// Runs a rendered statement and reads its rows one at a time as the server sends
    /// them: memory stays bounded however many rows there are. The rows come in batches of
    /// [`STREAM_BATCH`] with the next batch always requested ahead, so the server produces
    /// rows while the client decodes; a stream dropped early cancels the statement and keeps
    /// the connection (see [`RowStream`]). No transaction is
    /// opened (the statement's own implicit one lasts until the end of the stream), and
    /// the server's `statement_timeout` counts the time the caller takes to read it.
    pub fn stream_rendered(&mut self, statement: &Rendered<'_>) -> Result<RowStream<'_>, Error> {
        wire::now(self.start_stream_io(statement))?;
        Ok(RowStream::new(self, statement.labels.clone()))
    }

    /// The start of [`stream_rendered`](Self::stream_rendered), on either kind of socket:
    /// the portal is open when this returns `Ok`.
    pub(crate) async fn start_stream_io(&mut self, statement: &Rendered<'_>) -> Result<(), Error> {
        self.link.wire.close_abandoned_scopes()?;
        Self::check(statement)?;
        let started = Instant::now();
        let (prepared, sql) = self.prepare_logged(statement, started).await?;
        let text = prepared.name.is_empty().then_some(&*sql);
        let mut result = self
            .link
            .wire
            .start_portal(&prepared, text, &statement.params, STREAM_BATCH)
            .await;
        if result.as_ref().is_err_and(is_stale_statement) {
            let types = self.forget(statement.key);
            if self.depth == 0 {
                let types = types.as_deref().unwrap_or(&statement.types);
                let prepared = self.prepare_text(statement.key, &sql, types).await?;
                let text = prepared.name.is_empty().then_some(&*sql);
                result = self
                    .link
                    .wire
                    .start_portal(&prepared, text, &statement.params, STREAM_BATCH)
                    .await;
            }
        }
        if self.link.wire.take_redescribe() {
            self.forget(statement.key);
        }
        log::rendered(
            &self.echo,
            &sql,
            statement,
            started.elapsed(),
            result.as_ref().map(|_| None),
        );
        self.note(result)
    }
}
