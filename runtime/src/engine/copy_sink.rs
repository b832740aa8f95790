//! The data side of a binary `COPY ... FROM STDIN`.

use super::wire::{self, Wire};
use super::Error;
use bytes::{BufMut, BytesMut};
use postgres_types::Type;

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
        let mut sink = CopySink {
            wire,
            data: BytesMut::with_capacity(COPY_CHUNK + 1024),
            finished: false,
        };
        sink.data.put_slice(b"PGCOPY\n\xff\r\n\0");
        sink.data.put_i32(0);
        sink.data.put_i32(0);
        let result = write(&mut sink);
        if sink.finished {
            return result;
        }
        let reason = match &result {
            Err(e) => e.to_string(),
            Ok(_) => "the COPY was not finished".to_string(),
        };
        let aborted = sink.wire.copy_fail(&reason);
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
        if self.data.len() >= COPY_CHUNK {
            self.wire.copy_data(&self.data).map_err(|e| (None, e))?;
            self.data.clear();
        }
        Ok(())
    }

    /// Whether the server has refused the COPY already (a bad row): the rest of the rows
    /// need not be produced; [`finish`](Self::finish) returns the server's error.
    pub(crate) fn refused(&self) -> bool {
        self.wire.copy_refused()
    }

    /// Ends the data: the number of rows the server stored.
    pub(crate) fn finish(&mut self) -> Result<u64, Error> {
        self.finished = true;
        self.data.put_i16(-1);
        self.wire.copy_data(&self.data)?;
        self.data.clear();
        self.wire.copy_done()
    }
}
