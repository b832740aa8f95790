//! Rows read from the server as the caller asks for them.

use super::wire::{self, OwnedRow, RowRef};
use super::{Connection, Error};
use crate::render::Label;

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
