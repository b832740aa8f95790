//! Reading the server's payloads: every length and count is checked against the bytes
//! that arrived, so a truncated or hostile packet is an error, never a panic or an
//! allocation the packet did not pay for.

use super::packet::protocol;
use crate::backend::mysql::errors::server_error;
use crate::engine::Error;

/// A cursor over one payload.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// Reads `buf`, a payload of kind `what` (named in errors).
    pub(crate) fn new(buf: &'a [u8], what: &'static str) -> Reader<'a> {
        Reader { buf, what }
    }

    fn short(&self) -> Error {
        protocol(format!("a truncated {}", self.what))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if n > self.buf.len() {
            return Err(self.short());
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    pub(crate) fn skip(&mut self, n: usize) -> Result<(), Error> {
        self.bytes(n).map(|_| ())
    }

    /// The next byte, not consumed.
    pub(crate) fn peek(&self) -> Option<u8> {
        self.buf.first().copied()
    }

    pub(crate) fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.bytes(1)?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16, Error> {
        let b = self.bytes(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, Error> {
        let b = self.bytes(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A length-encoded integer. `0xFB` (NULL in a text row) is not one.
    pub(crate) fn lenenc(&mut self) -> Result<u64, Error> {
        let first = self.u8()?;
        let width = match first {
            0..=0xFA => return Ok(u64::from(first)),
            0xFC => 2,
            0xFD => 3,
            0xFE => 8,
            _ => {
                return Err(protocol(format!(
                    "a length-encoded integer starting with {first:#04x} in a {}",
                    self.what
                )))
            }
        };
        let b = self.bytes(width)?;
        let mut le = [0u8; 8];
        le[..width].copy_from_slice(b);
        Ok(u64::from_le_bytes(le))
    }

    /// Bytes prefixed with their length-encoded length.
    pub(crate) fn lenenc_bytes(&mut self) -> Result<&'a [u8], Error> {
        let n = self.lenenc()?;
        let n = usize::try_from(n).map_err(|_| self.short())?;
        self.bytes(n)
    }

    /// Bytes up to a NUL (which is consumed).
    pub(crate) fn nul_bytes(&mut self) -> Result<&'a [u8], Error> {
        let at = self
            .buf
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| self.short())?;
        let s = &self.buf[..at];
        self.buf = &self.buf[at + 1..];
        Ok(s)
    }

    pub(crate) fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.buf)
    }
}

/// What an OK packet (or an EOF packet) reports.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ok {
    pub(crate) affected_rows: u64,
    pub(crate) last_insert_id: u64,
    pub(crate) status: u16,
    /// `N` of the info text `Records: N  Duplicates: D  Warnings: W` (a statement of
    /// several rows: INSERT of many rows, an upsert, LOAD DATA, ALTER TABLE), if it says so.
    pub(crate) records: Option<u64>,
}

/// `SERVER_STATUS_IN_TRANS`: a transaction is open.
pub(crate) const STATUS_IN_TRANS: u16 = 0x0001;
/// `SERVER_MORE_RESULTS_EXISTS`: another result follows (a multi-statement text).
pub(crate) const STATUS_MORE_RESULTS: u16 = 0x0008;

/// An OK packet (header 0x00, or 0xFE ending a result set under `DEPRECATE_EOF`).
pub(crate) fn ok(payload: &[u8]) -> Result<Ok, Error> {
    let mut r = Reader::new(payload, "OK packet");
    let header = r.u8()?;
    if header != 0x00 && header != 0xFE {
        return Err(protocol(format!("an OK packet with header {header:#04x}")));
    }
    let affected_rows = r.lenenc()?;
    let last_insert_id = r.lenenc()?;
    let status = r.u16()?;
    // The warnings, then the info text, length-encoded (as servers write it and libmysql
    // reads it; CLIENT_SESSION_TRACK is never asked for, so nothing follows it). An OK
    // packet may end before either; an info text past the packet's end is no count.
    let (records, matched) = match r.skip(2).and_then(|()| r.lenenc_bytes()) {
        Ok(info) => (records(info), count_after(info, b"Rows matched: ")),
        Err(_) => (None, None),
    };
    Ok(Ok {
        // An UPDATE's count is the rows it matched, as on PostgreSQL and SQLite (MySQL's
        // affected rows leave out a row set to the values it had); see docs/design.md,
        // "MySQL stream, Any, counts".
        affected_rows: matched.unwrap_or(affected_rows),
        last_insert_id,
        status,
        records,
    })
}

/// `N` of an info text starting `Records: N` (at most 20 digits read: a `u64`), or `None`.
pub(crate) fn records(info: &[u8]) -> Option<u64> {
    count_after(info, b"Records: ")
}

/// The number an info text starts with after `prefix` (`Records: N`, an UPDATE's
/// `Rows matched: N`; at most 20 digits read: a `u64`), or `None`.
fn count_after(info: &[u8], prefix: &[u8]) -> Option<u64> {
    let digits = info.strip_prefix(prefix)?;
    let end = digits
        .iter()
        .take(21)
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(digits.len().min(21));
    std::str::from_utf8(&digits[..end]).ok()?.parse().ok()
}

/// An old-style EOF packet (header 0xFE, shorter than 9 bytes): warnings, status.
pub(crate) fn eof(payload: &[u8]) -> Result<Ok, Error> {
    let mut r = Reader::new(payload, "EOF packet");
    r.u8()?;
    r.u16()?;
    let status = r.u16()?;
    Ok(Ok {
        status,
        ..Ok::default()
    })
}

/// Whether `payload` ends a result set: an EOF packet, or an OK packet with header 0xFE
/// (a row never starts with 0xFE unless it is 16 MiB or longer; those are caught by
/// their length).
pub(crate) fn is_end(payload: &[u8]) -> bool {
    payload.first() == Some(&0xFE) && payload.len() < 0xFF_FFFF
}

/// An ERR packet (header 0xFF) as sqlwright's error: number, SQLSTATE, message through
/// the shared classification.
pub(crate) fn err(payload: &[u8]) -> Error {
    let parse = || -> Result<Error, Error> {
        let mut r = Reader::new(payload, "ERR packet");
        r.u8()?;
        let code = r.u16()?;
        let mut state = "HY000";
        if r.buf.first() == Some(&b'#') {
            r.skip(1)?;
            state = std::str::from_utf8(r.bytes(5)?)
                .map_err(|_| protocol("an ERR packet with a SQLSTATE that is not text"))?;
        }
        let message = String::from_utf8_lossy(r.rest());
        Ok(server_error(code, state, &message))
    };
    match parse() {
        Ok(e) | Err(e) => e,
    }
}

/// A column of a result set (or a parameter of a prepared statement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    pub(crate) name: Box<str>,
    /// `MYSQL_TYPE_*`.
    pub(crate) kind: u8,
    /// `*_FLAG` (`UNSIGNED_FLAG` is 0x20, `BINARY_FLAG` 0x80).
    pub(crate) flags: u16,
    /// The collation's id (63 is binary).
    pub(crate) charset: u16,
    /// The definition packet as the server sent it: the one an execution sends again is
    /// compared with it byte for byte.
    pub(crate) def: Box<[u8]>,
}

/// `UNSIGNED_FLAG`.
pub(crate) const UNSIGNED: u16 = 0x20;

/// A column definition packet (protocol 4.1): name, type, flags, character set.
fn column_parts(payload: &[u8]) -> Result<(&[u8], u8, u16, u16), Error> {
    let mut r = Reader::new(payload, "column definition");
    for _ in 0..4 {
        // catalog, schema, table, org_table
        r.lenenc_bytes()?;
    }
    let name = r.lenenc_bytes()?;
    r.lenenc_bytes()?; // org_name
    let fixed = r.lenenc()?;
    if fixed < 10 {
        return Err(protocol("a column definition with a short fixed part"));
    }
    let charset = r.u16()?;
    r.u32()?; // column length
    let kind = r.u8()?;
    let flags = r.u16()?;
    Ok((name, kind, flags, charset))
}

/// A column definition packet, kept.
pub(crate) fn column(payload: &[u8]) -> Result<Column, Error> {
    let (name, kind, flags, charset) = column_parts(payload)?;
    Ok(Column {
        name: String::from_utf8_lossy(name).into(),
        kind,
        flags,
        charset,
        def: payload.into(),
    })
}

/// The server's greeting (handshake v10).
#[derive(Debug)]
pub(crate) struct Greeting {
    pub(crate) capabilities: u32,
    /// The server's id of this connection (what `KILL QUERY` names).
    pub(crate) connection_id: u32,
    /// The 20-byte challenge (both parts, without the trailing NUL).
    pub(crate) nonce: Vec<u8>,
    /// The plugin the server starts with (`mysql_native_password` when it names none).
    pub(crate) plugin: Vec<u8>,
}

/// Reads the server's first packet.
pub(crate) fn greeting(payload: &[u8]) -> Result<Greeting, Error> {
    if payload.first() == Some(&0xFF) {
        return Err(err(payload));
    }
    let mut r = Reader::new(payload, "server greeting");
    let version = r.u8()?;
    if version != 10 {
        return Err(protocol(format!(
            "a greeting of protocol version {version} (10 is the one spoken)"
        )));
    }
    r.nul_bytes()?; // the server's version
    let connection_id = r.u32()?;
    let mut nonce = r.bytes(8)?.to_vec();
    r.u8()?; // filler
    let mut capabilities = u32::from(r.u16()?);
    let mut plugin = b"mysql_native_password".to_vec();
    if r.is_empty() {
        return Ok(Greeting {
            capabilities,
            connection_id,
            nonce,
            plugin,
        });
    }
    r.u8()?; // default collation
    r.u16()?; // status
    capabilities |= u32::from(r.u16()?) << 16;
    let data_len = usize::from(r.u8()?);
    r.skip(10)?; // reserved (MariaDB's extended capabilities in the last 4)
    if capabilities & CLIENT_SECURE_CONNECTION != 0 {
        let len = data_len.saturating_sub(8).max(13);
        let part = r.bytes(len)?;
        // The second part ends with a NUL that is not part of the challenge.
        let part = part.strip_suffix(&[0]).unwrap_or(part);
        nonce.extend_from_slice(part);
    }
    if capabilities & CLIENT_PLUGIN_AUTH != 0 {
        let rest = r.rest();
        let name = rest.split(|&b| b == 0).next().unwrap_or(rest);
        if !name.is_empty() {
            plugin = name.to_vec();
        }
    }
    Ok(Greeting {
        capabilities,
        connection_id,
        nonce,
        plugin,
    })
}

pub(crate) const CLIENT_LONG_PASSWORD: u32 = 0x0000_0001;
pub(crate) const CLIENT_LONG_FLAG: u32 = 0x0000_0004;
pub(crate) const CLIENT_CONNECT_WITH_DB: u32 = 0x0000_0008;
pub(crate) const CLIENT_PROTOCOL_41: u32 = 0x0000_0200;
pub(crate) const CLIENT_SSL: u32 = 0x0000_0800;
pub(crate) const CLIENT_TRANSACTIONS: u32 = 0x0000_2000;
pub(crate) const CLIENT_SECURE_CONNECTION: u32 = 0x0000_8000;
pub(crate) const CLIENT_MULTI_STATEMENTS: u32 = 0x0001_0000;
pub(crate) const CLIENT_MULTI_RESULTS: u32 = 0x0002_0000;
pub(crate) const CLIENT_PS_MULTI_RESULTS: u32 = 0x0004_0000;
pub(crate) const CLIENT_PLUGIN_AUTH: u32 = 0x0008_0000;
pub(crate) const CLIENT_DEPRECATE_EOF: u32 = 0x0100_0000;
