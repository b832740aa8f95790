//! The commands: COM_QUERY (text batches, every result drained), COM_STMT_PREPARE,
//! COM_STMT_EXECUTE (binary parameters, binary rows handed over in place),
//! COM_STMT_CLOSE, COM_PING, COM_RESET_CONNECTION and COM_QUIT.

use super::packet::protocol;
use super::resume::after_end;
use super::row::{self, Row};
use super::wire::{self, Column, Reader, CLIENT_DEPRECATE_EOF, STATUS_MORE_RESULTS};
use super::{Client, Phase};
use crate::engine::Error;
use mysql_common::proto::MySerialize;
use mysql_common::value::Value;

pub(crate) const COM_QUIT: u8 = 0x01;
const COM_QUERY: u8 = 0x03;
const COM_PING: u8 = 0x0E;
const COM_STMT_PREPARE: u8 = 0x16;
const COM_STMT_EXECUTE: u8 = 0x17;
const COM_STMT_CLOSE: u8 = 0x19;
const COM_RESET_CONNECTION: u8 = 0x1F;

/// The most columns a result may announce (MySQL's and MariaDB's tables hold at most
/// 4096; a result's select list is bounded alike). A larger count is a broken packet.
const MAX_COLUMNS: u64 = 65_535;

/// What receives a text row: its values (`None` for NULL), borrowed from the packet.
pub(crate) trait TextSink: FnMut(&[Option<&[u8]>]) -> Result<(), Error> {}

impl<S: FnMut(&[Option<&[u8]>]) -> Result<(), Error> + ?Sized> TextSink for S {}

/// What receives a binary row, borrowed from the packet (`dyn FnMut` for the blocking
/// API, `dyn FnMut + Send` for the async one, so that its futures are `Send`).
pub(crate) trait RowSink: FnMut(Row<'_>) -> Result<(), Error> {}

impl<S: FnMut(Row<'_>) -> Result<(), Error> + ?Sized> RowSink for S {}

/// A statement prepared on the server.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) id: u32,
    /// How many parameters it takes.
    pub(crate) params: u16,
    /// Its result's columns (empty when it returns no rows), as of its last execution.
    pub(crate) columns: Vec<Column>,
}

/// The answer to a command that reads no rows.
pub(super) enum Answer {
    Ok(wire::Ok),
    /// A result set follows, with this many columns.
    Rows(u64),
}

impl Client {
    #[inline]
    pub(super) async fn read(&mut self) -> Result<(), Error> {
        self.packets.read(&mut self.buf).await
    }

    pub(super) fn deprecate_eof(&self) -> bool {
        self.capabilities & CLIENT_DEPRECATE_EOF != 0
    }

    /// Reads the first answer to a command: OK, ERR, or a result set's column count.
    pub(super) async fn answer(&mut self) -> Result<Answer, Error> {
        self.read().await?;
        match self.buf.first() {
            Some(0x00) => {
                let ok = wire::ok(&self.buf)?;
                self.status = ok.status;
                self.last = ok;
                self.phase = after_end(ok.status);
                Ok(Answer::Ok(ok))
            }
            Some(0xFF) => {
                self.phase = Phase::Idle;
                Err(wire::err(&self.buf))
            }
            Some(0xFB) => Err(protocol("a LOCAL INFILE request (never enabled)")),
            Some(_) => {
                let count = Reader::new(&self.buf, "column count").lenenc()?;
                if count == 0 || count > MAX_COLUMNS {
                    return Err(protocol(format!("a result of {count} columns")));
                }
                self.phase = Phase::Columns(count + u64::from(!self.deprecate_eof()));
                Ok(Answer::Rows(count))
            }
            None => Err(protocol("an empty packet")),
        }
    }

    /// Reads the EOF packet after column definitions (none under `DEPRECATE_EOF`).
    async fn columns_end(&mut self) -> Result<(), Error> {
        if !self.deprecate_eof() {
            self.read().await?;
            if !wire::is_end(&self.buf) {
                return Err(protocol("column definitions without their EOF packet"));
            }
        }
        Ok(())
    }

    /// Reads the packet ending a result set (OK or EOF) in `self.buf`.
    pub(super) fn rows_end(&mut self) -> Result<(), Error> {
        let end = if self.deprecate_eof() {
            wire::ok(&self.buf)?
        } else {
            wire::eof(&self.buf)?
        };
        self.status = end.status;
        self.phase = after_end(end.status);
        self.last = wire::Ok {
            status: end.status,
            ..wire::Ok::default()
        };
        Ok(())
    }

    /// Reads one packet of a result's rows: `true` for a row (in `buf`), `false` for the
    /// end of the rows; an ERR packet is the error.
    #[inline]
    pub(super) async fn read_row_packet(&mut self) -> Result<bool, Error> {
        if let Some(row) = self.buffered_row_packet()? {
            return Ok(row);
        }
        self.read().await?;
        self.row_packet_kind()
    }

    /// [`read_row_packet`](Self::read_row_packet) of a packet wholly buffered, in plain
    /// code; `None` (nothing read) when it is not buffered.
    #[inline]
    pub(super) fn buffered_row_packet(&mut self) -> Result<Option<bool>, Error> {
        if !self.packets.read_buffered(&mut self.buf)? {
            return Ok(None);
        }
        self.row_packet_kind().map(Some)
    }

    /// What the row packet in `buf` is: a row (`true`), the end of the rows (`false`), or an
    /// ERR packet (the error).
    #[inline]
    fn row_packet_kind(&mut self) -> Result<bool, Error> {
        if self.buf.first() == Some(&0xFF) {
            self.phase = Phase::Idle;
            return Err(wire::err(&self.buf));
        }
        Ok(!wire::is_end(&self.buf))
    }

    /// Skips `count` column definitions and the end of the list.
    async fn skip_columns(&mut self, count: u64) -> Result<(), Error> {
        let eof = u64::from(!self.deprecate_eof());
        for i in 0..count {
            self.read().await?;
            self.phase = Phase::Columns(count - i - 1 + eof);
        }
        self.columns_end().await?;
        self.phase = Phase::Rows;
        Ok(())
    }

    /// Skips the rest of a result set whose column count was read, then any results
    /// after it. An ERR packet ends everything and is returned.
    pub(super) async fn drain(&mut self, mut columns: u64) -> Result<(), Error> {
        loop {
            self.skip_columns(columns).await?;
            loop {
                if !self.read_row_packet().await? {
                    break;
                }
            }
            self.rows_end()?;
            columns = match self.more().await? {
                Some(columns) => columns,
                None => return Ok(()),
            };
        }
    }

    /// After a result: the next one's column count if the server says more follow
    /// (reading any OK packets between), `None` when it was the last.
    pub(super) async fn more(&mut self) -> Result<Option<u64>, Error> {
        while self.status & STATUS_MORE_RESULTS != 0 {
            match self.answer().await? {
                Answer::Ok(_) => continue,
                Answer::Rows(columns) => return Ok(Some(columns)),
            }
        }
        Ok(None)
    }

    /// Runs SQL text of one or more statements (COM_QUERY), draining every result; the
    /// first statement that fails ends the text, and its error is returned.
    pub(crate) async fn query(&mut self, sql: &str) -> Result<(), Error> {
        self.ready().await?;
        let result = self.query_inner(sql).await;
        self.note(result)
    }

    pub(super) async fn query_inner(&mut self, sql: &str) -> Result<(), Error> {
        let out = self.packets.start_command();
        out.push(COM_QUERY);
        out.extend_from_slice(sql.as_bytes());
        self.phase = Phase::Answer;
        self.packets.send().await?;
        match self.answer().await? {
            Answer::Ok(_) => match self.more().await? {
                Some(columns) => self.drain(columns).await,
                None => Ok(()),
            },
            Answer::Rows(columns) => self.drain(columns).await,
        }
    }

    /// Runs SQL text (COM_QUERY) and hands each row of every result to `sink` as its
    /// values in the text protocol's form (`None` for NULL), borrowed from the packet. The
    /// first statement that fails ends the text, and its error is returned once the rows
    /// before it were read; an error from `sink` is returned once the rest was read and
    /// dropped, or stopped when that takes long ([`stop_rows`](Self::stop_rows)): a text's
    /// statements after a stopped one do not run.
    pub(crate) async fn query_rows<S: TextSink + ?Sized>(
        &mut self,
        sql: &str,
        sink: &mut S,
    ) -> Result<(), Error> {
        self.ready().await?;
        let result = self.query_rows_inner(sql, sink).await;
        match self.note(result) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) | Err(e) => Err(e),
        }
    }

    /// Outer error: the server's or the connection's; inner: the sink's.
    async fn query_rows_inner<S: TextSink + ?Sized>(
        &mut self,
        sql: &str,
        sink: &mut S,
    ) -> Result<Result<(), Error>, Error> {
        let out = self.packets.start_command();
        out.push(COM_QUERY);
        out.extend_from_slice(sql.as_bytes());
        self.phase = Phase::Answer;
        self.packets.send().await?;
        let mut columns = match self.answer().await? {
            Answer::Ok(_) => self.more().await?,
            Answer::Rows(columns) => Some(columns),
        };
        while let Some(count) = columns {
            self.skip_columns(count).await?;
            loop {
                if !self.read_row_packet().await? {
                    break;
                }
                // One value per column: 0xFB for NULL, else length-encoded bytes, each
                // length checked against the packet.
                // (At most MAX_COLUMNS of them, checked by `answer`.)
                let mut values = Vec::with_capacity(count as usize);
                let mut r = Reader::new(&self.buf, "text row");
                for _ in 0..count {
                    if r.peek() == Some(0xFB) {
                        r.skip(1)?;
                        values.push(None);
                    } else {
                        values.push(Some(r.lenenc_bytes()?));
                    }
                }
                if !r.is_empty() {
                    return Err(protocol("a text row longer than its columns"));
                }
                if let Err(e) = sink(&values) {
                    // The rest is nobody's: read on, or stopped (`kill.rs`).
                    Box::pin(self.stop_rows_inner()).await?;
                    return Ok(Err(e));
                }
            }
            self.rows_end()?;
            columns = self.more().await?;
        }
        Ok(Ok(()))
    }

    /// A command answered by OK or ERR.
    async fn simple(&mut self, command: u8) -> Result<(), Error> {
        self.ready().await?;
        self.packets.start_command().push(command);
        self.phase = Phase::Answer;
        let result = async {
            self.packets.send().await?;
            match self.answer().await? {
                Answer::Ok(_) => Ok(()),
                Answer::Rows(_) => Err(protocol("rows in answer to a command that reads none")),
            }
        }
        .await;
        self.note(result)
    }

    /// Checks that the server answers (COM_PING).
    pub(crate) async fn ping(&mut self) -> Result<(), Error> {
        self.simple(COM_PING).await
    }

    /// Puts the session back as a new connection's (COM_RESET_CONNECTION: transaction
    /// rolled back, temporary tables, variables and prepared statements gone), then runs
    /// the init statements again.
    pub(crate) async fn reset(&mut self) -> Result<(), Error> {
        self.simple(COM_RESET_CONNECTION).await?;
        if self.init.is_empty() {
            return Ok(());
        }
        let init = std::mem::take(&mut self.init);
        let result = self.query(&init).await;
        self.init = init;
        result
    }

    /// Prepares `sql` on the server (COM_STMT_PREPARE).
    pub(crate) async fn prepare(&mut self, sql: &str) -> Result<Prepared, Error> {
        self.ready().await?;
        let result = self.prepare_inner(sql).await;
        self.note(result)
    }

    async fn prepare_inner(&mut self, sql: &str) -> Result<Prepared, Error> {
        let out = self.packets.start_command();
        out.push(COM_STMT_PREPARE);
        out.extend_from_slice(sql.as_bytes());
        self.phase = Phase::PrepareAnswer;
        self.packets.send().await?;
        self.read().await?;
        match self.buf.first() {
            Some(0x00) => {}
            Some(0xFF) => {
                self.phase = Phase::Idle;
                return Err(wire::err(&self.buf));
            }
            _ => return Err(protocol("an unexpected answer to COM_STMT_PREPARE")),
        }
        let (phase, params, column_count) = self.prepare_defs()?;
        let Phase::PrepareDefs { id, mut left } = phase else {
            unreachable!("prepare_defs gives PrepareDefs")
        };
        self.phase = phase;
        // Each definition read counts down what a dropped future leaves to read.
        if params > 0 {
            for _ in 0..params {
                self.read().await?;
                left -= 1;
                self.phase = Phase::PrepareDefs { id, left };
            }
            self.columns_end().await?;
            left -= u64::from(!self.deprecate_eof());
            self.phase = Phase::PrepareDefs { id, left };
        }
        let mut columns = Vec::with_capacity(usize::from(column_count).min(64));
        if column_count > 0 {
            for _ in 0..column_count {
                self.read().await?;
                left -= 1;
                self.phase = Phase::PrepareDefs { id, left };
                columns.push(wire::column(&self.buf)?);
            }
            self.columns_end().await?;
        }
        self.phase = Phase::Idle;
        Ok(Prepared {
            id,
            params,
            columns,
        })
    }

    /// Frees a prepared statement on the server (COM_STMT_CLOSE; no answer comes).
    pub(crate) async fn close_statement(&mut self, id: u32) -> Result<(), Error> {
        self.ready().await?;
        let result = self.send_close(id).await;
        self.note(result)
    }

    /// Sends COM_STMT_CLOSE.
    pub(super) async fn send_close(&mut self, id: u32) -> Result<(), Error> {
        let out = self.packets.start_command();
        out.push(COM_STMT_CLOSE);
        out.extend_from_slice(&id.to_le_bytes());
        self.packets.send().await
    }

    /// Runs a prepared statement (COM_STMT_EXECUTE) with its parameters already encoded:
    /// `types` holds each one's type and flag bytes (`MYSQL_TYPE_NULL` for NULL), `values`
    /// their binary values in order (see [`write_param`]). Each row is handed to `sink` as
    /// it arrives. Returns the rows read, or the rows changed when the statement returns
    /// none. An error from `sink` is returned once the rest of the result was read and
    /// dropped, or stopped when that takes long ([`stop_rows`](Self::stop_rows)).
    pub(crate) async fn execute_encoded<S: RowSink + ?Sized>(
        &mut self,
        statement: &mut Prepared,
        types: &[u8],
        values: &[u8],
        sink: &mut S,
    ) -> Result<u64, Error> {
        self.send_execute(statement, types, values).await?;
        let result = self.execute_inner(statement, sink).await;
        match self.note(result) {
            Ok(Ok(count)) => Ok(count),
            Ok(Err(e)) | Err(e) => Err(e),
        }
    }

    /// Builds COM_STMT_EXECUTE of `statement` (sent by the next `packets.send()`), after
    /// checking that the connection is usable and the parameters are as many as it takes.
    pub(super) async fn send_execute(
        &mut self,
        statement: &Prepared,
        types: &[u8],
        values: &[u8],
    ) -> Result<(), Error> {
        self.ready().await?;
        if types.len() != 2 * usize::from(statement.params) {
            return Err(Error::Parameter(format!(
                "the statement takes {} parameters; {} were given",
                statement.params,
                types.len() / 2
            )));
        }
        write_execute(self.packets.start_command(), statement.id, types, values);
        Ok(())
    }

    /// Reads a result's `count` column definitions into `statement` (kept as they are when
    /// the bytes are the ones known: a table altered since the prepare changes them), then
    /// the EOF packet after them.
    pub(super) async fn read_columns(
        &mut self,
        statement: &mut Prepared,
        count: u64,
    ) -> Result<(), Error> {
        if count != statement.columns.len() as u64 {
            statement.columns.clear();
        }
        let eof = u64::from(!self.deprecate_eof());
        for i in 0..count as usize {
            self.read().await?;
            self.phase = Phase::Columns(count - i as u64 - 1 + eof);
            match statement.columns.get(i) {
                Some(known) if *known.def == *self.buf => {}
                _ => {
                    let column = wire::column(&self.buf)?;
                    if i < statement.columns.len() {
                        statement.columns[i] = column;
                    } else {
                        statement.columns.push(column);
                    }
                }
            }
        }
        self.columns_end().await?;
        self.phase = Phase::Rows;
        Ok(())
    }

    /// [`execute_encoded`](Self::execute_encoded) of owned values.
    #[cfg(test)]
    pub(crate) async fn execute(
        &mut self,
        statement: &mut Prepared,
        params: &[Value],
        sink: &mut dyn FnMut(Row<'_>) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        let (mut types, mut values) = (Vec::new(), Vec::new());
        for param in params {
            types.extend_from_slice(&write_param(param, &mut values));
        }
        self.execute_encoded(statement, &types, &values, sink).await
    }

    /// Outer error: the server's or the connection's; inner: the sink's.
    async fn execute_inner<S: RowSink + ?Sized>(
        &mut self,
        statement: &mut Prepared,
        sink: &mut S,
    ) -> Result<Result<u64, Error>, Error> {
        self.phase = Phase::Answer;
        self.packets.send().await?;
        let count = match self.answer().await? {
            Answer::Ok(ok) => {
                if let Some(columns) = self.more().await? {
                    self.drain(columns).await?;
                }
                return Ok(Ok(ok.affected_rows));
            }
            Answer::Rows(count) => count,
        };
        self.read_columns(statement, count).await?;
        let mut rows = 0u64;
        loop {
            // A buffered row is read in plain code; the await only at a refill.
            let row = match self.buffered_row_packet()? {
                Some(row) => row,
                None => self.read_row_packet().await?,
            };
            if !row {
                break;
            }
            row::locate(&self.buf, &statement.columns, &mut self.spans)?;
            rows += 1;
            let row = Row {
                payload: &self.buf,
                columns: &statement.columns,
                spans: &self.spans,
            };
            if let Err(e) = sink(row) {
                // The rest is nobody's: read on, or stopped (`kill.rs`).
                Box::pin(self.stop_rows_inner()).await?;
                return Ok(Err(e));
            }
        }
        self.rows_end()?;
        if let Some(columns) = self.more().await? {
            self.drain(columns).await?;
        }
        Ok(Ok(rows))
    }
}

/// Writes a COM_STMT_EXECUTE payload: the statement, no cursor, one iteration, the NULL
/// bitmap (from the types), the parameters' types, then their values.
pub(crate) fn write_execute(out: &mut Vec<u8>, id: u32, types: &[u8], values: &[u8]) {
    out.push(COM_STMT_EXECUTE);
    out.extend_from_slice(&id.to_le_bytes());
    out.push(0);
    out.extend_from_slice(&1u32.to_le_bytes());
    if types.is_empty() {
        return;
    }
    let count = types.len() / 2;
    let bitmap = out.len();
    out.resize(bitmap + count.div_ceil(8), 0);
    for (i, kind) in types.chunks_exact(2).enumerate() {
        if kind[0] == row::TYPE_NULL {
            out[bitmap + i / 8] |= 1 << (i % 8);
        }
    }
    // New parameters bound: their types follow.
    out.push(1);
    out.extend_from_slice(types);
    out.extend_from_slice(values);
}

/// `MYSQL_TYPE_VAR_STRING`: how text and bytes are sent.
pub(crate) const TYPE_VAR_STRING: u8 = 253;

/// Writes `bytes` as a binary-protocol string (its length-encoded length, then itself).
pub(crate) fn write_bytes(bytes: &[u8], out: &mut Vec<u8>) -> [u8; 2] {
    let n = bytes.len() as u64;
    if n < 0xFB {
        out.push(n as u8);
    } else if n <= 0xFFFF {
        out.push(0xFC);
        out.extend_from_slice(&(n as u16).to_le_bytes());
    } else if n <= 0xFF_FFFF {
        out.push(0xFD);
        out.extend_from_slice(&(n as u32).to_le_bytes()[..3]);
    } else {
        out.push(0xFE);
        out.extend_from_slice(&n.to_le_bytes());
    }
    out.extend_from_slice(bytes);
    [TYPE_VAR_STRING, 0]
}

/// Writes an owned value as a parameter: its binary value onto `out`, its type and flag
/// bytes returned.
pub(crate) fn write_param(param: &Value, out: &mut Vec<u8>) -> [u8; 2] {
    let kind = match param {
        Value::NULL => [row::TYPE_NULL, 0],
        Value::Bytes(b) => return write_bytes(b, out),
        Value::Int(_) => [row::TYPE_LONGLONG, 0],
        Value::UInt(_) => [row::TYPE_LONGLONG, 0x80],
        Value::Float(_) => [row::TYPE_FLOAT, 0],
        Value::Double(_) => [row::TYPE_DOUBLE, 0],
        Value::Date(..) => [row::TYPE_DATETIME, 0],
        Value::Time(..) => [row::TYPE_TIME, 0],
    };
    param.serialize(out);
    kind
}
