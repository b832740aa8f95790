//! The data side of a binary `COPY ... FROM STDIN`.

use super::log;
use super::wire::{self, Wire};
use super::{Connection, Error};
use bytes::{BufMut, BytesMut};
use postgres_types::Type;
use std::time::Instant;

/// COPY data is handed to the connection in chunks of about this size.
const COPY_CHUNK: usize = 64 * 1024;

/// Where the rows of a binary `COPY ... FROM STDIN` are written (see
/// [`Connection::copy_in_with`](super::Connection::copy_in_with)).
pub(crate) struct CopySink<'c> {
    wire: &'c mut Wire,
    data: BytesMut,
    finished: bool,
}

impl<'c> CopySink<'c> {
    /// Runs `write` on a sink over `wire` (in COPY FROM STDIN): writes the binary header,
    /// and aborts the COPY when `write` returns without finishing it (the server then
    /// stores nothing; its answer to the abort is the expected error).
    pub(crate) fn run(
        wire: &'c mut Wire,
        write: impl FnOnce(&mut CopySink<'c>) -> Result<u64, Error>,
    ) -> Result<u64, Error> {
        let mut sink = CopySink::new(wire);
        let result = write(&mut sink);
        wire::now(sink.end_io(result))
    }

    /// A sink over `wire` (in COPY FROM STDIN), the binary header written.
    pub(crate) fn new(wire: &'c mut Wire) -> Self {
        let mut sink = CopySink {
            wire,
            data: BytesMut::with_capacity(COPY_CHUNK + 1024),
            finished: false,
        };
        sink.data.put_slice(b"PGCOPY\n\xff\r\n\0");
        sink.data.put_i32(0);
        sink.data.put_i32(0);
        sink
    }

    /// After the writing: `result` when the COPY was finished; otherwise the COPY is
    /// aborted (the server then stores nothing; its answer to the abort is the expected
    /// error) and the error returned.
    pub(crate) async fn end_io(&mut self, result: Result<u64, Error>) -> Result<u64, Error> {
        if self.finished {
            return result;
        }
        let reason = match &result {
            Err(e) => e.to_string(),
            Ok(_) => "the COPY was not finished".to_string(),
        };
        let aborted = self.wire.copy_fail(&reason).await;
        match (result, aborted) {
            (Err(e), _) | (Ok(_), Err(e)) => Err(e),
            (Ok(_), Ok(())) => Err(Error::Misuse("the COPY was not finished".into())),
        }
    }

    /// Writes one row of `values` of `types`. When a value cannot be serialized, nothing
    /// of the row is kept and its position and error are returned.
    pub(crate) fn row(
        &mut self,
        values: &[crate::render::Param<'_>],
        types: &[Type],
    ) -> Result<(), (Option<usize>, Error)> {
        self.encode(values, types)?;
        if self.data.len() >= COPY_CHUNK {
            wire::now(self.flush_io()).map_err(|e| (None, e))?;
        }
        Ok(())
    }

    /// [`row`](Self::row) without sending: the caller sends when [`full`](Self::full).
    #[inline]
    pub(crate) fn encode(
        &mut self,
        values: &[crate::render::Param<'_>],
        types: &[Type],
    ) -> Result<(), (Option<usize>, Error)> {
        let start = self.data.len();
        let count = i16::try_from(values.len()).map_err(|_| {
            (
                None,
                Error::Misuse("a COPY row of over 32767 values".into()),
            )
        })?;
        self.data.put_i16(count);
        for (i, (value, ty)) in values.iter().zip(types).enumerate() {
            if let Err(e) = wire::write_copy_value(*value, ty, &mut self.data) {
                self.data.truncate(start);
                let error = if e.is::<crate::expr::NulInText>() {
                    Error::NulInText
                } else {
                    Error::Parameter(e.to_string())
                };
                return Err((Some(i), error));
            }
        }
        Ok(())
    }

    /// Whether enough data has gathered to be sent.
    #[cfg(feature = "tokio")]
    pub(crate) fn full(&self) -> bool {
        self.data.len() >= COPY_CHUNK
    }

    /// Sends the data gathered so far.
    pub(crate) async fn flush_io(&mut self) -> Result<(), Error> {
        self.wire.copy_data(&self.data).await?;
        self.data.clear();
        Ok(())
    }

    /// Whether the server has refused the COPY already (a bad row): the rest of the rows
    /// need not be produced; [`finish`](Self::finish) returns the server's error.
    pub(crate) fn refused(&self) -> bool {
        self.wire.copy_refused()
    }

    /// Ends the data: the number of rows the server stored.
    pub(crate) fn finish(&mut self) -> Result<u64, Error> {
        wire::now(self.finish_io())
    }

    /// [`finish`](Self::finish), on either kind of socket.
    pub(crate) async fn finish_io(&mut self) -> Result<u64, Error> {
        self.finished = true;
        self.data.put_i16(-1);
        self.flush_io().await?;
        self.wire.copy_done().await
    }
}

/// COPY on a connection: the statements logged and their outcome recorded as any other's.
impl Connection {
    /// Runs `COPY ... FROM STDIN` (`sql`, written by sqlwright) with `write` sending the
    /// data through a [`CopySink`] and finishing it; logs the statement with the row count
    /// and records the outcome. A `write` that fails without finishing aborts the COPY:
    /// nothing of it is stored.
    pub(crate) fn copy_in_with(
        &mut self,
        sql: &str,
        write: impl FnOnce(&mut CopySink<'_>) -> Result<u64, Error>,
    ) -> Result<u64, Error> {
        let started = Instant::now();
        let result = wire::now(self.link.wire.copy_in_start(sql))
            .and_then(|()| CopySink::run(&mut self.link.wire, write));
        log::statement(
            &self.echo,
            sql,
            &[],
            started.elapsed(),
            result.as_ref().map(|n| Some(*n)),
        );
        self.settle(result, sql)
    }

    /// Starts `COPY ... TO STDOUT` (`sql`, written by sqlwright); its data is then read
    /// with [`Connection::copy_out_next`].
    pub(crate) fn copy_out_start(&mut self, sql: &str) -> Result<(), Error> {
        wire::now(self.copy_out_start_io(sql))
    }

    /// [`copy_out_start`](Self::copy_out_start), on either kind of socket.
    pub(crate) async fn copy_out_start_io(&mut self, sql: &str) -> Result<(), Error> {
        let started = Instant::now();
        let result = self.link.wire.copy_out_start(sql).await;
        log::statement(
            &self.echo,
            sql,
            &[],
            started.elapsed(),
            result.as_ref().map(|_| None),
        );
        self.note(result)
    }

    /// Cancels a COPY TO STDOUT the caller stopped reading and drops the rest, within a
    /// bound (past it the connection is closed; see `Wire::drop_rest`).
    pub(crate) fn abandon_copy_out(&mut self) {
        let ended = wire::now(self.link.wire.abandon_copy_out());
        let _ = self.note(ended);
    }

    /// The next message of COPY TO STDOUT, handed to `f`; `None` at the end.
    pub(crate) fn copy_out_next<R>(
        &mut self,
        f: impl FnOnce(&[u8]) -> R,
    ) -> Option<Result<R, Error>> {
        match wire::now(self.link.wire.copy_out_next(f))? {
            Ok(r) => Some(Ok(r)),
            Err(e) => Some(self.note(Err(e))),
        }
    }
}
