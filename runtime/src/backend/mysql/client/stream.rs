//! A prepared statement's rows read one packet at a time (`stream()`): the command is sent
//! and its column definitions read, then each call reads the next row or the end, so
//! nothing holds the result. While a result is being read the connection refuses other
//! commands; a result left half way is read to its end and dropped (`skip_rows`).

use super::command::{Answer, Prepared};
use super::row::{self, Row};
use super::wire::Column;
use super::Client;
use crate::engine::Error;
use std::time::{Duration, Instant};

impl Client {
    /// Runs `statement` (COM_STMT_EXECUTE, parameters encoded as for
    /// [`execute_encoded`](Client::execute_encoded)) and reads its column definitions.
    /// `true`: rows follow, read with [`next_row`](Self::next_row); `false`: the statement
    /// returned no rows (its OK packet was read).
    pub(crate) fn start_rows(
        &mut self,
        statement: &mut Prepared,
        types: &[u8],
        values: &[u8],
    ) -> Result<bool, Error> {
        self.send_execute(statement, types, values)?;
        let result = self.start_rows_inner(statement);
        self.note(result)
    }

    fn start_rows_inner(&mut self, statement: &mut Prepared) -> Result<bool, Error> {
        self.packets.send()?;
        match self.answer()? {
            Answer::Ok(_) => {
                if let Some(columns) = self.more()? {
                    self.drain(columns)?;
                }
                Ok(false)
            }
            Answer::Rows(count) => {
                self.read_columns(statement, count)?;
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
    pub(crate) fn next_row<'a>(
        &'a mut self,
        columns: &'a [Column],
    ) -> Result<Option<Row<'a>>, Error> {
        if !self.reading {
            return Ok(None);
        }
        let result = self.next_row_inner(Some(columns));
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

    /// Reads one packet of the result: `true` for a row (located against `columns` when
    /// given), `false` for its end.
    fn next_row_inner(&mut self, columns: Option<&[Column]>) -> Result<bool, Error> {
        if !self.read_row_packet()? {
            self.rows_end()?;
            if let Some(more) = self.more()? {
                self.drain(more)?;
            }
            return Ok(false);
        }
        if let Some(columns) = columns {
            row::locate(&self.buf, columns, &mut self.spans)?;
        }
        Ok(true)
    }

    /// Reads the rest of the result and drops it, for at most `budget` (each read also
    /// bounded by the URL's `read_timeout`); past it the connection is closed (a pool opens
    /// a new one), since the server would still be sending rows. An ERR packet in the rest
    /// ends it and is returned.
    pub(crate) fn skip_rows(&mut self, budget: Duration) -> Result<(), Error> {
        let deadline = Instant::now() + budget;
        while self.reading {
            if Instant::now() >= deadline {
                self.reading = false;
                self.closed = true;
                return Err(Error::Timeout {
                    waiting_for: "the rest of a dropped stream's rows (the connection was \
                                  closed)"
                        .into(),
                    waited: budget,
                });
            }
            let result = self.next_row_inner(None);
            if !matches!(result, Ok(true)) {
                self.reading = false;
            }
            self.note(result)?;
        }
        Ok(())
    }
}
