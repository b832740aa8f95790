//! Pipelines: several statements written at once and ended by one Sync, so they cost one
//! round trip. The server runs them in order as one implicit transaction (outside an
//! explicit one); after an error it skips the rest up to the Sync.

use super::*;
use crate::render::Label;
use crate::types::RowReader;

/// One statement of a pipeline: its description, its text when it is parsed again as the
/// unnamed statement (see [`Wire::execute_text`]), its values, and the labels of its
/// selected columns (for the errors of the rows' decoding).
pub(crate) type Piped<'s, 'p> = (
    &'s Statement,
    Option<&'s str>,
    &'s [crate::render::Param<'p>],
    &'s [Label],
);

/// Where the rows of a pipeline's statements go: one read loop serves the write batch
/// (rows dropped unread) and typed reads (each statement's rows decoded straight from the
/// read buffer into its own collection).
pub(crate) trait Piping {
    /// Whether rows are decoded at all (else skipped without looking at them).
    const ROWS: bool;
    /// A row of statement `index`.
    fn row(&mut self, index: usize, row: &mut RowReader<'_>) -> Result<(), Error>;
}

/// The write batch's sink: rows a statement returns (`RETURNING`) are dropped.
pub(crate) struct Discard;

impl Piping for Discard {
    const ROWS: bool = false;
    #[inline]
    fn row(&mut self, _: usize, _: &mut RowReader<'_>) -> Result<(), Error> {
        Ok(())
    }
}

impl Wire {
    /// Runs `statements` in one request; the number of rows each affected or returned,
    /// the rows handed to `sink`. The first failure is [`Error::Batch`] naming its
    /// position (the statements after it were not run, or, when the failure was the
    /// client's — a row that does not decode, `max_rows` exceeded — their rows were read
    /// and dropped). `max_rows` (0: none) is the guard of loads, per statement returning
    /// rows (see [`Wire::execute`]).
    pub(crate) async fn run_pipeline<P: Piping + ?Sized>(
        &mut self,
        statements: &[Piped<'_, '_>],
        max_rows: u32,
        sink: &mut P,
    ) -> Result<Vec<u64>, Error> {
        if self.portal.is_some() && !self.recoverable() {
            return Err(Error::Misuse(
                "a stream is still reading this connection".into(),
            ));
        }
        self.begin_request().await?;
        let limit = if max_rows == 0 {
            0
        } else {
            i32::try_from(max_rows.saturating_add(1)).unwrap_or(i32::MAX)
        };
        for (index, (statement, text, params, _)) in statements.iter().enumerate() {
            let limit = if statement.returns_rows { limit } else { 0 };
            let written = self
                .write_parse_ahead(statement, *text)
                .and_then(|()| self.write_bind(statement, params))
                .and_then(|()| self.write_describe_portal(text.is_some()))
                .and_then(|()| frontend::execute("", limit, &mut self.wbuf).map_err(|e| lost(&e)));
            if let Err(e) = written {
                // Nothing of the batch is sent.
                self.wbuf.clear();
                return Err(Error::Batch {
                    index,
                    source: Box::new(e),
                });
            }
        }
        frontend::sync(&mut self.wbuf);
        self.send_request().await?;
        let mut counts = Vec::with_capacity(statements.len());
        let mut failed: Option<(usize, Error)> = None;
        // The columns of the current statement as the server described them this time
        // (an unnamed statement's), else its cached description.
        let mut described: Option<Arc<[Column]>> = None;
        loop {
            let (tag, total) = next_message!(self)?;
            if tag == b'D' {
                if P::ROWS && failed.is_none() {
                    let index = counts.len();
                    let Some((statement, _, _, labels)) = statements.get(index) else {
                        return Err(self.broke(protocol("a row after a pipeline's last result")));
                    };
                    let columns = described.as_ref().unwrap_or(&statement.columns);
                    self.row_spans(total, columns.len())?;
                    let row = RowRef::new(columns, &self.rbuf[..total], &self.spans);
                    let mut reader = RowReader::new(crate::engine::RowData::pg(row), labels);
                    if let Err(e) = sink.row(index, &mut reader) {
                        failed = Some((index, e));
                    }
                }
                self.rbuf.advance(total);
                continue;
            }
            match self.read_message().await? {
                Message::CommandComplete(body) => {
                    counts.push(body.tag().map(rows_of_tag).unwrap_or(0));
                    described = None;
                }
                Message::EmptyQueryResponse => {
                    counts.push(0);
                    described = None;
                }
                Message::PortalSuspended => {
                    // More rows than `max_rows`: the portal is dropped by the next Bind.
                    failed.get_or_insert((
                        counts.len(),
                        Error::TooManyRows {
                            limit: u64::from(max_rows),
                        },
                    ));
                    counts.push(0);
                    described = None;
                }
                Message::RowDescription(body) if P::ROWS => {
                    let index = counts.len();
                    if let Some((statement, Some(_), _, _)) = statements.get(index) {
                        match self.described_columns(&body, &statement.columns) {
                            Ok(columns) => described = Some(columns),
                            Err(e) => {
                                failed.get_or_insert((index, e));
                            }
                        }
                    }
                }
                Message::ErrorResponse(body) => {
                    let e = self.server_error(body.fields());
                    failed.get_or_insert((counts.len(), e));
                }
                Message::ReadyForQuery(body) => {
                    self.ready(body.status());
                    break;
                }
                Message::ParseComplete
                | Message::BindComplete
                | Message::CloseComplete
                | Message::NoData
                | Message::RowDescription(_)
                | Message::ParameterStatus(_)
                | Message::NotificationResponse(_) => {}
                Message::NoticeResponse(body) => notice(body.fields()),
                Message::CopyInResponse(_) => {
                    return Err(Box::pin(self.refuse_copy(true, true)).await)
                }
                Message::CopyOutResponse(_) => {
                    return Err(Box::pin(self.refuse_copy(false, true)).await)
                }
                _ => return Err(self.broke(protocol("unexpected message in a pipeline"))),
            }
        }
        match failed {
            Some((index, e)) => Err(Error::Batch {
                index,
                source: Box::new(e),
            }),
            None if counts.len() == statements.len() => Ok(counts),
            None => Err(self.broke(protocol(format!(
                "{} results for a pipeline of {} statements",
                counts.len(),
                statements.len()
            )))),
        }
    }
}
