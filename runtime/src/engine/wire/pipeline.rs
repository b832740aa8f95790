//! Pipelines: several statements written at once and ended by one Sync, so they cost one
//! round trip. The server runs them in order as one implicit transaction (outside an
//! explicit one); after an error it skips the rest up to the Sync.

use super::*;

/// One statement of a pipeline: its description, its text when it is parsed again as the
/// unnamed statement (see [`Wire::execute_text`]), and its values.
pub(crate) type Piped<'s, 'p> = (
    &'s Statement,
    Option<&'s str>,
    &'s [crate::render::Param<'p>],
);

impl Wire {
    /// Runs `statements` in one request; the number of rows each affected. The first
    /// failure is [`Error::Batch`] naming its position (the statements after it were not
    /// run); rows a statement returns are read and dropped.
    pub(crate) async fn run_pipeline(
        &mut self,
        statements: &[Piped<'_, '_>],
    ) -> Result<Vec<u64>, Error> {
        if self.portal.is_some() && !self.recoverable() {
            return Err(Error::Misuse(
                "a stream is still reading this connection".into(),
            ));
        }
        self.begin_request().await?;
        for (index, (statement, text, params)) in statements.iter().enumerate() {
            let written = self
                .write_parse_ahead(statement, *text)
                .and_then(|()| self.write_bind(statement, params))
                .and_then(|()| self.write_describe_portal(text.is_some()))
                .and_then(|()| frontend::execute("", 0, &mut self.wbuf).map_err(|e| lost(&e)));
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
        loop {
            let (tag, total) = next_message!(self)?;
            if tag == b'D' {
                self.rbuf.advance(total);
                continue;
            }
            match self.read_message().await? {
                Message::CommandComplete(body) => {
                    counts.push(body.tag().map(rows_of_tag).unwrap_or(0));
                }
                Message::EmptyQueryResponse => counts.push(0),
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
