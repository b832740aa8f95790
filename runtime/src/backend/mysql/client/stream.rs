//! A prepared statement's rows read one packet at a time (`stream()`): the command is sent
//! and its column definitions read, then each call reads the next row or the end, so
//! nothing holds the result. While a result is being read the connection refuses other
//! commands; a result left half way is ended by `stop_rows` (`kill.rs`).

use super::command::{Answer, Prepared};
use super::row::{self, Row};
use super::wire::Column;
use super::{Client, Phase};
use crate::engine::Error;

impl Client {
    /// Runs `statement` (COM_STMT_EXECUTE, parameters encoded as for
    /// [`execute_encoded`](Client::execute_encoded)) and reads its column definitions.
    /// `true`: rows follow, read with [`next_row`](Self::next_row); `false`: the statement
    /// returned no rows (its OK packet was read).
    pub(crate) async fn start_rows(
        &mut self,
        statement: &mut Prepared,
        types: &[u8],
        values: &[u8],
    ) -> Result<bool, Error> {
        self.send_execute(statement, types, values).await?;
        let result = self.start_rows_inner(statement).await;
        self.note(result)
    }

    async fn start_rows_inner(&mut self, statement: &mut Prepared) -> Result<bool, Error> {
        self.phase = Phase::Answer;
        self.packets.send().await?;
        match self.answer().await? {
            Answer::Ok(_) => {
                if let Some(columns) = self.more().await? {
                    self.drain(columns).await?;
                }
                Ok(false)
            }
            Answer::Rows(count) => {
                self.read_columns(statement, count).await?;
                self.reading = true;
                Ok(true)
            }
        }
    }

    /// Whether a result begun by [`start_rows`](Self::start_rows) has rows left to read.
    pub(crate) fn reading(&self) -> bool {
        self.reading
    }

    /// The next row of the result [`start_rows`](Self::start_rows) began, borrowed from its
    /// packet (`columns` are the statement's), or `None` at the end (the packet ending the
    /// result, and any result after it, read). An ERR packet ends the result and is
    /// returned, the connection still usable; any other failure closes it.
    pub(crate) async fn next_row<'a>(
        &'a mut self,
        columns: &'a [Column],
    ) -> Result<Option<Row<'a>>, Error> {
        if !self.reading {
            return Ok(None);
        }
        let result = self.next_row_inner(Some(columns)).await;
        if !matches!(result, Ok(true)) {
            self.reading = false;
        }
        if self.note(result)? {
            Ok(Some(Row {
                payload: &self.buf,
                columns,
                spans: &self.spans,
            }))
        } else {
            Ok(None)
        }
    }

    /// [`next_row`](Self::next_row) without a future when the next packet is wholly
    /// buffered: `Some` of what `next_row` would give, `None` when a read must be awaited
    /// (`next_row` then goes on from where this left off). An async stream reads its
    /// buffered rows through this, so that a row costs no future.
    #[cfg(feature = "tokio")]
    pub(crate) fn next_row_buffered<'a>(
        &'a mut self,
        columns: &'a [Column],
    ) -> Option<Result<Option<Row<'a>>, Error>> {
        if !self.reading {
            return Some(Ok(None));
        }
        if self.phase != Phase::Rows {
            return None;
        }
        let result = match self.buffered_row_packet() {
            Ok(None) => return None,
            Ok(Some(true)) => row::locate(&self.buf, columns, &mut self.spans).map(|()| true),
            Ok(Some(false)) => self.rows_end().map(|()| false),
            Err(e) => Err(e),
        };
        match result {
            Ok(true) => Some(Ok(Some(Row {
                payload: &self.buf,
                columns,
                spans: &self.spans,
            }))),
            // Another result follows: reading it takes awaits.
            Ok(false) if self.phase != Phase::Idle => None,
            Ok(false) => {
                self.reading = false;
                Some(Ok(None))
            }
            Err(e) => {
                self.reading = false;
                Some(self.note(Err(e)))
            }
        }
    }

    /// Leaves the result under way to the next command, which ends it through
    /// [`stop_rows`](Self::stop_rows)' bounds (`resume.rs`): an async stream dropped
    /// before its end, whose `Drop` cannot await. Packets are taken whole, so the phase
    /// says exactly where the result is.
    #[cfg(feature = "tokio")]
    pub(crate) fn leave_rows(&mut self) {
        self.reading = false;
    }

    /// Reads one packet of the result: `true` for a row (located against `columns` when
    /// given), `false` for its end (and any result after it, read and dropped). Goes on
    /// after a [`next_row_buffered`](Self::next_row_buffered) that read the end of a
    /// result that others follow.
    async fn next_row_inner(&mut self, columns: Option<&[Column]>) -> Result<bool, Error> {
        if self.phase == Phase::Rows {
            if self.read_row_packet().await? {
                if let Some(columns) = columns {
                    row::locate(&self.buf, columns, &mut self.spans)?;
                }
                return Ok(true);
            }
            self.rows_end()?;
        }
        if let Some(more) = self.more().await? {
            self.drain(more).await?;
        }
        Ok(false)
    }
}
