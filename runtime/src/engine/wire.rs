//! sqlwright's own synchronous PostgreSQL client: the frontend/backend protocol (version 3)
//! spoken over a blocking socket, with messages encoded and parsed by the rust-postgres
//! project's `postgres-protocol` and values by `postgres-types`.
//!
//! Why not the `postgres` crate: its blocking client drives the asynchronous
//! `tokio-postgres` underneath, so every statement crosses a runtime, a channel and a
//! task, and every row is allocated as its own object before anyone decodes it. Here a
//! statement is one buffered write, and each row is decoded straight from the read buffer
//! into the caller's Rust values (see BENCHMARKS.md for what that saves). Streaming keeps
//! the server working while the client decodes: a portal is read in batches with the next
//! batch always requested ahead (see [`Wire::start_portal`]).

use super::Error;
use bytes::{Buf, BytesMut};
use postgres_protocol::authentication::{self, sasl};
use postgres_protocol::message::backend::{ErrorFields, Message};
use postgres_protocol::message::frontend;
use postgres_types::{Format, IsNull, Kind, ToSql, Type};
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
#[cfg(unix)]
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How to reach and log in to a server.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) host: Host,
    pub(crate) port: u16,
    pub(crate) user: String,
    pub(crate) password: Option<String>,
    pub(crate) dbname: Option<String>,
    /// Command-line options for the server process (`-c name=value ...`).
    pub(crate) options: Option<String>,
    pub(crate) application_name: Option<String>,
    pub(crate) connect_timeout: Duration,
}

/// A TCP host name or address, or the directory of a Unix-domain socket.
#[derive(Debug, Clone)]
pub(crate) enum Host {
    Tcp(String),
    Unix(PathBuf),
}

/// A result column: its name and type.
#[derive(Debug, Clone)]
pub struct Column {
    name: String,
    ty: Type,
}

impl Column {
    pub(crate) fn new(name: String, ty: Type) -> Self {
        Column { name, ty }
    }

    /// The column's name as the server gave it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The column's SQL type.
    pub fn type_(&self) -> &Type {
        &self.ty
    }
}

/// A prepared statement on one connection.
#[derive(Debug, Clone)]
pub(crate) struct Statement {
    pub(crate) name: Arc<str>,
    pub(crate) params: Arc<[Type]>,
    pub(crate) columns: Arc<[Column]>,
    /// The server described a result (RowDescription, possibly of zero columns), rather
    /// than NoData (UPDATE without RETURNING, DDL, SET, ...).
    pub(crate) returns_rows: bool,
}

/// Where one value lies in a row's bytes: `len` is -1 for NULL.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    start: u32,
    len: i32,
}

impl Span {
    /// A value of `len` bytes (-1: NULL) at `start`.
    pub(crate) fn new(start: usize, len: i32) -> Self {
        Span {
            start: start as u32,
            len,
        }
    }
}

/// A row as it arrived, borrowed from the read buffer: column descriptions and each
/// value's bytes (binary format).
#[derive(Clone, Copy)]
pub struct RawRow<'r> {
    columns: &'r Arc<[Column]>,
    buf: &'r [u8],
    spans: &'r [Span],
}

impl<'r> RawRow<'r> {
    pub(crate) fn new(columns: &'r Arc<[Column]>, buf: &'r [u8], spans: &'r [Span]) -> Self {
        RawRow {
            columns,
            buf,
            spans,
        }
    }

    /// The number of values.
    #[inline]
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the row has no values.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The columns.
    #[inline]
    pub fn columns(&self) -> &'r [Column] {
        self.columns
    }

    /// The bytes of value `idx` (`None` for NULL, or when there is no such value).
    #[inline]
    pub fn value(&self, idx: usize) -> Option<&'r [u8]> {
        let span = self.spans.get(idx)?;
        if span.len < 0 {
            return None;
        }
        let start = span.start as usize;
        self.buf.get(start..start + span.len as usize)
    }

    /// Copies the row out of the read buffer.
    pub fn to_row(&self) -> Row {
        Row {
            columns: Arc::clone(self.columns),
            buf: self.buf.to_vec(),
            spans: self.spans.to_vec(),
        }
    }
}

/// A row owned by the caller (see [`RawRow`] for one borrowed from the connection).
#[derive(Clone)]
pub struct Row {
    columns: Arc<[Column]>,
    buf: Vec<u8>,
    spans: Vec<Span>,
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Row")
            .field("columns", &self.columns.len())
            .finish_non_exhaustive()
    }
}

impl Row {
    /// The row as a borrowed view.
    #[inline]
    pub fn raw(&self) -> RawRow<'_> {
        RawRow::new(&self.columns, &self.buf, &self.spans)
    }

    /// The columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the row has no values.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

/// The socket under a connection.
enum Socket {
    Tcp(TcpStream),
    #[cfg(unix)]
    Unix(UnixStream),
}

impl Socket {
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Socket::Tcp(s) => s.set_read_timeout(t),
            #[cfg(unix)]
            Socket::Unix(s) => s.set_read_timeout(t),
        }
    }

    fn set_write_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Socket::Tcp(s) => s.set_write_timeout(t),
            #[cfg(unix)]
            Socket::Unix(s) => s.set_write_timeout(t),
        }
    }

    fn set_nonblocking(&self, on: bool) -> io::Result<()> {
        match self {
            Socket::Tcp(s) => s.set_nonblocking(on),
            #[cfg(unix)]
            Socket::Unix(s) => s.set_nonblocking(on),
        }
    }
}

impl Read for Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Socket::Tcp(s) => s.read(buf),
            #[cfg(unix)]
            Socket::Unix(s) => s.read(buf),
        }
    }
}

impl Write for Socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Socket::Tcp(s) => s.write(buf),
            #[cfg(unix)]
            Socket::Unix(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Socket::Tcp(s) => s.flush(),
            #[cfg(unix)]
            Socket::Unix(s) => s.flush(),
        }
    }
}

/// How many bytes one read of the socket asks for.
const READ_CHUNK: usize = 64 * 1024;
/// Outgoing COPY data is sent once this much is buffered.
const COPY_FLUSH: usize = 64 * 1024;
/// How long a COPY write waits for room in the socket before reading the server's
/// notices (see [`Wire::drain_during_copy`]).
const COPY_WRITE_WAIT: Duration = Duration::from_millis(20);

/// One connection speaking the protocol.
pub(crate) struct Wire {
    socket: Socket,
    /// Received bytes not yet parsed.
    rbuf: BytesMut,
    /// Where a socket read lands before it is appended to `rbuf`.
    scratch: Box<[u8]>,
    /// Messages not yet sent.
    wbuf: BytesMut,
    /// Value positions of the row being decoded (reused from row to row).
    spans: Vec<Span>,
    /// Prepared statements to close with the next request.
    to_close: Vec<Arc<str>>,
    /// The connection failed (socket error, protocol violation): never use it again.
    closed: bool,
    /// A portal is being read (see [`Wire::start_portal`]).
    portal: Option<PortalState>,
    /// A request was sent whose response has not been read to its ReadyForQuery.
    pending: bool,
    /// The transaction status of the last ReadyForQuery: `I` idle, `T` in a transaction,
    /// `E` in a failed one.
    status: u8,
    /// Types looked up in the catalog, by OID.
    types: std::collections::HashMap<u32, Type>,
    /// During COPY FROM STDIN: the server sent something other than a notice (its error),
    /// so the rest of the data is not sent.
    copy_refused: bool,
    next_statement: u64,
}

/// The bookkeeping of a portal read in batches.
#[derive(Debug)]
struct PortalState {
    /// Rows per Execute; two Executes are always outstanding until the last rows.
    batch: i32,
    columns: Arc<[Column]>,
}

/// What a protocol failure says.
fn protocol(what: impl Into<String>) -> Error {
    Error::ConnectionLost(format!("protocol violation: {}", what.into()))
}

fn lost(e: &io::Error) -> Error {
    Error::ConnectionLost(format!("connection to the server failed: {e}"))
}

impl Wire {
    /// Opens a socket, logs in, and waits until the server is ready. Errors are plain text
    /// for [`Error::Connect`].
    pub(crate) fn connect(config: &Config) -> Result<Wire, String> {
        let socket = open(config)?;
        socket
            .set_read_timeout(Some(config.connect_timeout))
            .map_err(|e| e.to_string())?;
        let mut wire = Wire {
            socket,
            rbuf: BytesMut::with_capacity(READ_CHUNK),
            scratch: vec![0; READ_CHUNK].into_boxed_slice(),
            wbuf: BytesMut::with_capacity(8 * 1024),
            spans: Vec::new(),
            to_close: Vec::new(),
            closed: false,
            portal: None,
            pending: false,
            types: std::collections::HashMap::new(),
            copy_refused: false,
            status: b'I',
            next_statement: 0,
        };
        wire.startup(config).map_err(|e| match e {
            Error::Database(db) => format!("{} (SQLSTATE {})", db.message, db.code),
            Error::ConnectionLost(m) => m,
            other => other.to_string(),
        })?;
        wire.socket
            .set_read_timeout(None)
            .map_err(|e| e.to_string())?;
        Ok(wire)
    }

    fn startup(&mut self, config: &Config) -> Result<(), Error> {
        let mut params: Vec<(&str, &str)> = vec![
            ("user", &config.user),
            ("client_encoding", "UTF8"),
            ("DateStyle", "ISO"),
        ];
        if let Some(db) = &config.dbname {
            params.push(("database", db));
        }
        if let Some(o) = &config.options {
            params.push(("options", o));
        }
        if let Some(a) = &config.application_name {
            params.push(("application_name", a));
        }
        frontend::startup_message(params.iter().copied(), &mut self.wbuf).map_err(|e| lost(&e))?;
        self.send()?;
        let password = || {
            config
                .password
                .as_deref()
                .map(str::as_bytes)
                .ok_or_else(|| {
                    Error::ConnectionLost(
                        "the server asks for a password and the URL has none".into(),
                    )
                })
        };
        let mut scram: Option<sasl::ScramSha256> = None;
        loop {
            match self.read_message()? {
                Message::AuthenticationOk => {}
                Message::AuthenticationCleartextPassword => {
                    frontend::password_message(password()?, &mut self.wbuf)
                        .map_err(|e| lost(&e))?;
                    self.send()?;
                }
                Message::AuthenticationMd5Password(body) => {
                    let hash =
                        authentication::md5_hash(config.user.as_bytes(), password()?, body.salt());
                    frontend::password_message(hash.as_bytes(), &mut self.wbuf)
                        .map_err(|e| lost(&e))?;
                    self.send()?;
                }
                Message::AuthenticationSasl(body) => {
                    use postgres_protocol::message::backend::SaslMechanisms;
                    let mut mechanisms: SaslMechanisms<'_> = body.mechanisms();
                    let mut scram_offered = false;
                    while let Some(m) = fallible_next(&mut mechanisms)? {
                        scram_offered |= m == sasl::SCRAM_SHA_256;
                    }
                    if !scram_offered {
                        return Err(Error::ConnectionLost(
                            "the server offers no SASL mechanism sqlwright supports \
                             (SCRAM-SHA-256)"
                                .into(),
                        ));
                    }
                    let s =
                        sasl::ScramSha256::new(password()?, sasl::ChannelBinding::unsupported());
                    frontend::sasl_initial_response(
                        sasl::SCRAM_SHA_256,
                        s.message(),
                        &mut self.wbuf,
                    )
                    .map_err(|e| lost(&e))?;
                    self.send()?;
                    scram = Some(s);
                }
                Message::AuthenticationSaslContinue(body) => {
                    let s = scram
                        .as_mut()
                        .ok_or_else(|| protocol("SASL continue without SASL"))?;
                    s.update(body.data())
                        .map_err(|e| Error::ConnectionLost(format!("SCRAM: {e}")))?;
                    frontend::sasl_response(s.message(), &mut self.wbuf).map_err(|e| lost(&e))?;
                    self.send()?;
                }
                Message::AuthenticationSaslFinal(body) => {
                    let s = scram
                        .as_mut()
                        .ok_or_else(|| protocol("SASL final without SASL"))?;
                    s.finish(body.data())
                        .map_err(|e| Error::ConnectionLost(format!("SCRAM: {e}")))?;
                }
                Message::AuthenticationKerberosV5
                | Message::AuthenticationScmCredential
                | Message::AuthenticationGss
                | Message::AuthenticationGssContinue(_)
                | Message::AuthenticationSspi => {
                    return Err(Error::ConnectionLost(
                        "the server asks for an authentication method sqlwright does not \
                         support (Kerberos, GSSAPI or SSPI)"
                            .into(),
                    ));
                }
                Message::NoticeResponse(body) => notice(body.fields()),
                Message::BackendKeyData(_) | Message::ParameterStatus(_) => {}
                Message::ErrorResponse(body) => return Err(db_error(body.fields())),
                Message::ReadyForQuery(_) => return Ok(()),
                _ => return Err(protocol("unexpected message while logging in")),
            }
        }
    }

    /// Whether the connection can no longer be used.
    pub(crate) fn is_closed(&self) -> bool {
        // A request still pending outside a call means an interrupted one: out of step.
        self.closed || self.pending
    }

    /// Whether the server said, at the end of the last request, that a transaction is open
    /// (whoever opened it: sqlwright, or `BEGIN` in hand-written SQL).
    pub(crate) fn in_transaction(&self) -> bool {
        self.status != b'I'
    }

    /// A ReadyForQuery ended the request: nothing is pending, and `status` is the
    /// server's transaction status.
    fn ready(&mut self, status: u8) {
        self.pending = false;
        self.status = status;
    }

    /// Whether the server said the open transaction has failed.
    pub(crate) fn transaction_failed(&self) -> bool {
        self.status == b'E'
    }

    /// A fresh name for a prepared statement.
    pub(crate) fn statement_name(&mut self) -> Arc<str> {
        self.next_statement += 1;
        Arc::from(format!("sqlwright_{}", self.next_statement))
    }

    /// Forgets a prepared statement on the server (with the next request).
    pub(crate) fn close_statement(&mut self, name: Arc<str>) {
        self.to_close.push(name);
    }

    /// Before a request: refuses when the previous one was never read to its end (a
    /// panic while its result was read, or a leaked stream): the connection is out of step
    /// and is closed.
    fn begin_request(&mut self) -> Result<(), Error> {
        if self.pending {
            self.closed = true;
            self.wbuf.clear();
            return Err(Error::ConnectionLost(
                "a previous statement on this connection was interrupted before its result \
                 was read (a panic, or a leaked stream); the connection cannot be used"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Writes SQL text into a message with `write`; a NUL byte in it (which the protocol
    /// cannot carry) is [`Error::NulInText`] and leaves nothing buffered.
    fn write_text(
        &mut self,
        write: impl FnOnce(&mut BytesMut) -> io::Result<()>,
    ) -> Result<(), Error> {
        write(&mut self.wbuf).map_err(|e| {
            self.wbuf.clear();
            if e.to_string().contains("null") {
                Error::NulInText
            } else {
                Error::Parameter(e.to_string())
            }
        })
    }

    /// Sends a whole request, preceded by the Close messages of forgotten statements; its
    /// response is then pending until ReadyForQuery is read.
    fn send_request(&mut self) -> Result<(), Error> {
        if !self.to_close.is_empty() {
            let mut request = BytesMut::with_capacity(self.wbuf.len() + 32 * self.to_close.len());
            for name in self.to_close.drain(..) {
                frontend::close(b'S', &name, &mut request).map_err(|e| lost(&e))?;
            }
            request.extend_from_slice(&self.wbuf);
            self.wbuf = request;
        }
        self.pending = true;
        self.send()
    }

    /// Sends everything buffered.
    fn send(&mut self) -> Result<(), Error> {
        if self.closed {
            self.wbuf.clear();
            return Err(Error::ConnectionLost("the connection is closed".into()));
        }
        let result = self.socket.write_all(&self.wbuf);
        self.wbuf.clear();
        result.map_err(|e| {
            self.closed = true;
            lost(&e)
        })
    }

    /// Reads from the socket until `rbuf` holds a whole message; returns its tag and
    /// total length (tag included).
    #[inline]
    fn fill_message(&mut self) -> Result<(u8, usize), Error> {
        loop {
            if self.rbuf.len() >= 5 {
                let len =
                    u32::from_be_bytes([self.rbuf[1], self.rbuf[2], self.rbuf[3], self.rbuf[4]])
                        as usize;
                if len < 4 {
                    self.closed = true;
                    return Err(protocol("message length under 4"));
                }
                if self.rbuf.len() > len {
                    return Ok((self.rbuf[0], len + 1));
                }
                self.rbuf.reserve(len + 1 - self.rbuf.len());
            }
            self.read_more()?;
        }
    }

    #[cold]
    fn read_more(&mut self) -> Result<(), Error> {
        if self.closed {
            return Err(Error::ConnectionLost("the connection is closed".into()));
        }
        loop {
            match self.socket.read(&mut self.scratch) {
                Ok(0) => {
                    self.closed = true;
                    return Err(Error::ConnectionLost(
                        "the server closed the connection".into(),
                    ));
                }
                Ok(n) => {
                    self.rbuf.extend_from_slice(&self.scratch[..n]);
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.closed = true;
                    return Err(lost(&e));
                }
            }
        }
    }

    /// The next message, parsed.
    fn read_message(&mut self) -> Result<Message, Error> {
        self.fill_message()?;
        match Message::parse(&mut self.rbuf) {
            Ok(Some(m)) => Ok(m),
            Ok(None) => {
                self.closed = true;
                Err(protocol("incomplete message"))
            }
            Err(e) => {
                self.closed = true;
                Err(protocol(e.to_string()))
            }
        }
    }

    /// Splits the DataRow message at the front of `rbuf` (`total` bytes) into `spans`.
    #[inline]
    fn row_spans(&mut self, total: usize, columns: usize) -> Result<(), Error> {
        let msg = &self.rbuf[..total];
        self.spans.clear();
        if total < 7 {
            self.closed = true;
            return Err(protocol("short DataRow"));
        }
        let count = u16::from_be_bytes([msg[5], msg[6]]) as usize;
        if count != columns {
            self.closed = true;
            return Err(protocol(format!(
                "a row of {count} values for {columns} columns"
            )));
        }
        let mut at = 7;
        for _ in 0..count {
            let Some(head) = msg.get(at..at + 4) else {
                self.closed = true;
                return Err(protocol("DataRow ends early"));
            };
            let len = i32::from_be_bytes([head[0], head[1], head[2], head[3]]);
            at += 4;
            self.spans.push(Span {
                start: at as u32,
                len,
            });
            if len > 0 {
                at += len as usize;
            }
        }
        if at > total {
            self.closed = true;
            return Err(protocol("DataRow ends early"));
        }
        Ok(())
    }

    /// Runs SQL text through the simple protocol (several statements allowed), discarding
    /// any rows.
    pub(crate) fn simple_query(&mut self, sql: &str) -> Result<(), Error> {
        self.begin_request()?;
        self.write_text(|buf| frontend::query(sql, buf))?;
        self.send_request()?;
        self.until_ready(None).map(drop)
    }

    /// Runs SQL text through the simple protocol and returns the rows of all its
    /// statements, as text (`None` for NULL).
    pub(crate) fn simple_rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, Error> {
        self.begin_request()?;
        self.write_text(|buf| frontend::query(sql, buf))?;
        self.send_request()?;
        let mut rows = Vec::new();
        self.read_until_ready(None, &mut |message| {
            let mut values = Vec::new();
            let mut at = 7;
            let count = message
                .get(5..7)
                .map_or(0, |c| u16::from_be_bytes([c[0], c[1]]));
            for _ in 0..count {
                let Some(head) = message.get(at..at + 4) else {
                    break;
                };
                let len = i32::from_be_bytes([head[0], head[1], head[2], head[3]]);
                at += 4;
                if len < 0 {
                    values.push(None);
                } else {
                    let end = (at + len as usize).min(message.len());
                    values.push(Some(
                        String::from_utf8_lossy(&message[at..end]).into_owned(),
                    ));
                    at = end;
                }
            }
            rows.push(values);
        })?;
        Ok(rows)
    }

    /// Reads until ReadyForQuery: the first error seen (or `failed`) wins; otherwise the
    /// row count of the last CommandComplete.
    fn until_ready(&mut self, failed: Option<Error>) -> Result<u64, Error> {
        self.read_until_ready(failed, &mut |_| {})
    }

    /// [`until_ready`](Self::until_ready), handing each DataRow message to `row`.
    fn read_until_ready(
        &mut self,
        mut failed: Option<Error>,
        row: &mut dyn FnMut(&[u8]),
    ) -> Result<u64, Error> {
        let mut count = 0;
        loop {
            let (tag, total) = self.fill_message()?;
            if tag == b'D' {
                row(&self.rbuf[..total]);
                self.rbuf.advance(total);
                continue;
            }
            match self.read_message()? {
                Message::ReadyForQuery(body) => {
                    self.ready(body.status());
                    return match failed {
                        Some(e) => Err(e),
                        None => Ok(count),
                    };
                }
                Message::ErrorResponse(body) => {
                    failed.get_or_insert_with(|| db_error(body.fields()));
                }
                Message::CommandComplete(body) => {
                    count = body.tag().map(rows_of_tag).unwrap_or(0);
                }
                Message::CopyInResponse(_) => {
                    // COPY FROM STDIN in a script: refuse it, the server answers with an error.
                    frontend::copy_fail("COPY FROM STDIN is not supported here", &mut self.wbuf)
                        .map_err(|e| lost(&e))?;
                    self.send()?;
                }
                Message::NoticeResponse(body) => notice(body.fields()),
                _ => {}
            }
        }
    }

    /// Prepares `sql` under `name` ("" for the unnamed statement) with parameter `types`,
    /// and describes it.
    pub(crate) fn prepare(
        &mut self,
        name: Arc<str>,
        sql: &str,
        types: &[Type],
    ) -> Result<Statement, Error> {
        self.begin_request()?;
        self.write_text(|buf| frontend::parse(&name, sql, types.iter().map(Type::oid), buf))?;
        frontend::describe(b'S', &name, &mut self.wbuf).map_err(|e| lost(&e))?;
        frontend::sync(&mut self.wbuf);
        self.send_request()?;
        let mut params: Vec<u32> = Vec::new();
        let mut columns: Vec<(String, u32)> = Vec::new();
        let mut returns_rows = false;
        let mut failed = None;
        loop {
            match self.read_message()? {
                Message::ParseComplete | Message::NoData | Message::CloseComplete => {}
                Message::ParameterDescription(body) => {
                    let mut it = body.parameters();
                    while let Some(oid) = fallible_next(&mut it)? {
                        params.push(oid);
                    }
                }
                Message::RowDescription(body) => {
                    returns_rows = true;
                    let mut fields = body.fields();
                    while let Some(f) = fallible_next(&mut fields)? {
                        columns.push((f.name().to_string(), f.type_oid()));
                    }
                }
                Message::ErrorResponse(body) => {
                    failed.get_or_insert_with(|| db_error(body.fields()));
                }
                Message::ReadyForQuery(body) => {
                    self.ready(body.status());
                    break;
                }
                Message::NoticeResponse(body) => notice(body.fields()),
                Message::ParameterStatus(_) | Message::NotificationResponse(_) => {}
                _ => {
                    self.closed = true;
                    return Err(protocol("unexpected message after Parse"));
                }
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let mut param_types = Vec::with_capacity(params.len());
        for oid in params {
            param_types.push(self.type_of(oid)?);
        }
        let mut cols = Vec::with_capacity(columns.len());
        for (name, oid) in columns {
            let ty = self.type_of(oid)?;
            cols.push(Column { name, ty });
        }
        Ok(Statement {
            name,
            params: param_types.into(),
            columns: cols.into(),
            returns_rows,
        })
    }

    /// The type of an OID: a built-in one, or looked up in the catalog (named, and
    /// treated as an opaque value; arrays of built-in types keep their element).
    fn type_of(&mut self, oid: u32) -> Result<Type, Error> {
        if let Some(t) = Type::from_oid(oid) {
            return Ok(t);
        }
        if let Some(t) = self.types.get(&oid) {
            return Ok(t.clone());
        }
        // Arrays name their element type (typcategory 'A'); other types with a typelem
        // (fixed-length subscriptable ones) are built in.
        let sql = format!(
            "SELECT t.typname::text, n.nspname::text, \
             CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE 0 END \
             FROM pg_catalog.pg_type t \
             JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = {oid}"
        );
        let statement = Statement {
            name: Arc::from(""),
            params: Arc::from([]),
            columns: Arc::from([
                Column::new("typname".into(), Type::TEXT),
                Column::new("nspname".into(), Type::TEXT),
                Column::new("typelem".into(), Type::OID),
            ]),
            returns_rows: true,
        };
        frontend::parse("", &sql, std::iter::empty(), &mut self.wbuf).map_err(|e| lost(&e))?;
        let mut found: Option<(String, String, u32)> = None;
        self.execute(&statement, &[], &mut |row| {
            use postgres_types::FromSql;
            let text = |i: usize| {
                row.value(i)
                    .and_then(|v| <&str>::from_sql(&Type::TEXT, v).ok())
                    .unwrap_or("")
                    .to_string()
            };
            let elem = row
                .value(2)
                .and_then(|v| u32::from_sql(&Type::OID, v).ok())
                .unwrap_or(0);
            found = Some((text(0), text(1), elem));
            Ok(())
        })?;
        let (name, schema, elem) =
            found.unwrap_or_else(|| (format!("oid {oid}"), "pg_catalog".into(), 0));
        let kind = if elem != 0 && elem != oid {
            Kind::Array(self.type_of(elem)?)
        } else {
            Kind::Simple
        };
        let ty = Type::new(name, oid, kind, schema);
        self.types.insert(oid, ty.clone());
        Ok(ty)
    }

    /// Writes Bind for `statement` with `params` into the unnamed portal. Nothing is
    /// written when a value fails to serialize.
    fn write_bind(
        &mut self,
        statement: &Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<(), Error> {
        if params.len() != statement.params.len() {
            return Err(Error::Parameter(format!(
                "the statement takes {} parameters, {} were given",
                statement.params.len(),
                params.len()
            )));
        }
        let start = self.wbuf.len();
        let mut failed: Option<(usize, String)> = None;
        let mut index = 0;
        let result = frontend::bind(
            "",
            &statement.name,
            params
                .iter()
                .zip(statement.params.iter())
                .map(|(p, t)| match p.encode_format(t) {
                    Format::Binary => 1,
                    Format::Text => 0,
                }),
            params.iter().zip(statement.params.iter()),
            |(p, ty), buf| {
                let i = index;
                index += 1;
                match p.to_sql_checked(ty, buf) {
                    Ok(IsNull::No) => Ok(postgres_protocol::IsNull::No),
                    Ok(IsNull::Yes) => Ok(postgres_protocol::IsNull::Yes),
                    Err(e) => {
                        failed = Some((i, e.to_string()));
                        Err(e)
                    }
                }
            },
            Some(1),
            &mut self.wbuf,
        );
        if let Err(e) = result {
            self.wbuf.truncate(start);
            if let Some((i, reason)) = failed {
                if reason == crate::expr::NulInText.to_string() {
                    return Err(Error::NulInText);
                }
                return Err(Error::Parameter(format!("parameter ${}: {reason}", i + 1)));
            }
            return Err(Error::Parameter(match e {
                frontend::BindError::Conversion(e) => e.to_string(),
                frontend::BindError::Serialization(e) => e.to_string(),
            }));
        }
        Ok(())
    }

    /// Runs a prepared statement, handing each row to `sink` as it is read; returns the
    /// number of rows affected (or returned). When `sink` fails, the rest of the result
    /// is read and dropped and its error returned.
    pub(crate) fn execute(
        &mut self,
        statement: &Statement,
        params: &[&(dyn ToSql + Sync)],
        sink: &mut dyn FnMut(RawRow<'_>) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        if self.portal.is_some() {
            return Err(Error::Misuse(
                "a stream is still reading this connection".into(),
            ));
        }
        self.begin_request()?;
        if let Err(e) = self.write_bind(statement, params) {
            // A Parse written ahead (catalog lookups) must not be sent half.
            self.wbuf.clear();
            return Err(e);
        }
        frontend::execute("", 0, &mut self.wbuf).map_err(|e| lost(&e))?;
        frontend::sync(&mut self.wbuf);
        self.send_request()?;
        let columns = &statement.columns;
        let mut failed: Option<Error> = None;
        let mut count = 0;
        loop {
            let (tag, total) = self.fill_message()?;
            if tag == b'D' {
                if failed.is_none() {
                    self.row_spans(total, columns.len())?;
                    let row = RawRow::new(columns, &self.rbuf[..total], &self.spans);
                    if let Err(e) = sink(row) {
                        failed = Some(e);
                    }
                }
                self.rbuf.advance(total);
                continue;
            }
            match self.read_message()? {
                Message::BindComplete | Message::ParseComplete | Message::CloseComplete => {}
                Message::CommandComplete(body) => {
                    count = body.tag().map(rows_of_tag).unwrap_or(0);
                }
                Message::EmptyQueryResponse => {}
                Message::ErrorResponse(body) => {
                    failed.get_or_insert_with(|| db_error(body.fields()));
                }
                Message::ReadyForQuery(body) => {
                    self.ready(body.status());
                    break;
                }
                Message::NoticeResponse(body) => notice(body.fields()),
                Message::ParameterStatus(_) | Message::NotificationResponse(_) => {}
                Message::CopyInResponse(_) => return Err(self.refuse_copy(true, true)),
                Message::CopyOutResponse(_) => return Err(self.refuse_copy(false, true)),
                _ => {
                    self.closed = true;
                    return Err(protocol("unexpected message after Execute"));
                }
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(count),
        }
    }

    /// Starts reading a statement's rows in batches of `batch`: Bind, and two Execute
    /// messages so that the server prepares the next batch while this one is decoded.
    /// No Sync is sent until the end, so the unnamed portal lives on outside a transaction
    /// too; rows are read with [`Wire::portal_next`].
    pub(crate) fn start_portal(
        &mut self,
        statement: &Statement,
        params: &[&(dyn ToSql + Sync)],
        batch: i32,
    ) -> Result<(), Error> {
        if self.portal.is_some() {
            return Err(Error::Misuse(
                "a stream is still reading this connection".into(),
            ));
        }
        self.begin_request()?;
        self.write_bind(statement, params)?;
        // A statement without rows runs to its end on the first Execute, and a second one
        // would be an error that rolls it back: it gets one.
        let executes = if statement.returns_rows { 2 } else { 1 };
        for _ in 0..executes {
            frontend::execute("", batch, &mut self.wbuf).map_err(|e| lost(&e))?;
        }
        frontend::flush(&mut self.wbuf);
        self.send_request()?;
        self.portal = Some(PortalState {
            batch,
            columns: Arc::clone(&statement.columns),
        });
        // BindComplete, or the error Bind caused.
        loop {
            match self.read_message()? {
                Message::BindComplete => return Ok(()),
                Message::NoticeResponse(body) => notice(body.fields()),
                Message::CloseComplete
                | Message::ParameterStatus(_)
                | Message::NotificationResponse(_) => {}
                Message::ErrorResponse(body) => {
                    let e = db_error(body.fields());
                    self.end_portal()?;
                    return Err(e);
                }
                _ => {
                    self.closed = true;
                    return Err(protocol("unexpected message after Bind"));
                }
            }
        }
    }

    /// The next row of the portal, decoded by `decode`; `None` after the last one (the
    /// portal is then closed).
    pub(crate) fn portal_next<R>(
        &mut self,
        decode: impl FnOnce(RawRow<'_>) -> Result<R, Error>,
    ) -> Option<Result<R, Error>> {
        let columns = Arc::clone(&self.portal.as_ref()?.columns);
        loop {
            let (tag, total) = match self.fill_message() {
                Ok(m) => m,
                Err(e) => {
                    self.portal = None;
                    return Some(Err(e));
                }
            };
            if tag == b'D' {
                if let Err(e) = self.row_spans(total, columns.len()) {
                    self.portal = None;
                    return Some(Err(e));
                }
                let result = decode(RawRow::new(&columns, &self.rbuf[..total], &self.spans));
                self.rbuf.advance(total);
                return Some(result);
            }
            let message = match self.read_message() {
                Ok(m) => m,
                Err(e) => {
                    self.portal = None;
                    return Some(Err(e));
                }
            };
            match message {
                Message::PortalSuspended => {
                    // One batch done: ask for the one after the batch in flight.
                    let batch = self.portal.as_ref()?.batch;
                    let sent = frontend::execute("", batch, &mut self.wbuf)
                        .map_err(|e| lost(&e))
                        .and_then(|()| {
                            frontend::flush(&mut self.wbuf);
                            self.send()
                        });
                    if let Err(e) = sent {
                        self.portal = None;
                        return Some(Err(e));
                    }
                }
                Message::CommandComplete(_) | Message::EmptyQueryResponse => {
                    return self.end_portal().err().map(Err);
                }
                Message::ErrorResponse(body) => {
                    let e = db_error(body.fields());
                    return Some(match self.end_portal() {
                        Ok(()) => Err(e),
                        Err(lost) => Err(lost),
                    });
                }
                Message::NoticeResponse(body) => notice(body.fields()),
                Message::ParameterStatus(_)
                | Message::NotificationResponse(_)
                | Message::CloseComplete => {}
                Message::CopyInResponse(_) | Message::CopyOutResponse(_) => {
                    let copy_in = matches!(message, Message::CopyInResponse(_));
                    self.portal = None;
                    return Some(Err(self.refuse_copy(copy_in, false)));
                }
                _ => {
                    self.closed = true;
                    self.portal = None;
                    return Some(Err(protocol("unexpected message while reading rows")));
                }
            }
        }
    }

    /// Ends a portal (finished, failed, or abandoned): Sync, then everything the server
    /// still sends (at most the batches in flight) is read and dropped.
    pub(crate) fn end_portal(&mut self) -> Result<(), Error> {
        if self.portal.take().is_none() {
            return Ok(());
        }
        frontend::sync(&mut self.wbuf);
        self.send()?;
        self.until_ready(None).map(drop)
    }

    /// Whether a portal is being read.
    pub(crate) fn in_portal(&self) -> bool {
        self.portal.is_some()
    }

    /// A COPY reached through `execute` or a stream (hand-written SQL): abandoned, the
    /// connection brought back in step, and [`Error::Misuse`] returned. `sync_sent`: the
    /// request already ended with Sync (ignored by the server during COPY FROM STDIN).
    fn refuse_copy(&mut self, copy_in: bool, sync_sent: bool) -> Error {
        let ended = (|| {
            if copy_in {
                frontend::copy_fail("COPY is run with sqlwright's copy API", &mut self.wbuf)
                    .map_err(|e| lost(&e))?;
                frontend::sync(&mut self.wbuf);
            } else if !sync_sent {
                frontend::sync(&mut self.wbuf);
            }
            self.send()?;
            self.until_ready(None)
        })();
        match ended {
            Err(lost @ Error::ConnectionLost(_)) => lost,
            _ => Error::Misuse(
                "COPY .. FROM STDIN / TO STDOUT cannot run as a statement; use \
                 sqlwright::copy::copy_in or Select::copy_out"
                    .into(),
            ),
        }
    }

    /// During COPY FROM STDIN, when the socket will not take more data: reads what the
    /// server sent meanwhile without waiting, and consumes the notices at its front (a
    /// trigger's `RAISE NOTICE` per row would otherwise fill both directions' buffers and
    /// block client and server on each other). Anything else (the server's error) stays
    /// for [`Wire::copy_done`], and the rest of the data is not sent.
    fn drain_during_copy(&mut self) -> Result<(), Error> {
        self.socket.set_nonblocking(true).map_err(|e| lost(&e))?;
        let read = loop {
            match self.socket.read(&mut self.scratch) {
                Ok(0) => {
                    self.closed = true;
                    break Err(Error::ConnectionLost(
                        "the server closed the connection".into(),
                    ));
                }
                Ok(n) => self.rbuf.extend_from_slice(&self.scratch[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.closed = true;
                    break Err(lost(&e));
                }
            }
        };
        self.socket.set_nonblocking(false).map_err(|e| lost(&e))?;
        read?;
        while self.rbuf.len() >= 5 {
            let len = u32::from_be_bytes([self.rbuf[1], self.rbuf[2], self.rbuf[3], self.rbuf[4]])
                as usize;
            if self.rbuf[0] != b'N' && self.rbuf[0] != b'S' {
                self.copy_refused = true;
                break;
            }
            if self.rbuf.len() <= len {
                break;
            }
            if let Message::NoticeResponse(body) = self.read_message()? {
                notice(body.fields());
            }
        }
        Ok(())
    }

    /// Sends buffered COPY data, reading the server's notices whenever the socket will not
    /// take more (see [`Wire::drain_during_copy`]).
    fn send_copy(&mut self) -> Result<(), Error> {
        if self.closed {
            self.wbuf.clear();
            return Err(Error::ConnectionLost("the connection is closed".into()));
        }
        let mut at = 0;
        while at < self.wbuf.len() && !self.copy_refused {
            match self.socket.write(&self.wbuf[at..]) {
                Ok(0) => {
                    self.closed = true;
                    self.wbuf.clear();
                    return Err(Error::ConnectionLost(
                        "the server closed the connection".into(),
                    ));
                }
                Ok(n) => at += n,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    self.drain_during_copy()?;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.closed = true;
                    self.wbuf.clear();
                    return Err(lost(&e));
                }
            }
        }
        self.wbuf.clear();
        Ok(())
    }

    /// Starts `COPY ... FROM STDIN`.
    pub(crate) fn copy_in_start(&mut self, sql: &str) -> Result<(), Error> {
        self.begin_request()?;
        self.write_text(|buf| frontend::query(sql, buf))?;
        self.send_request()?;
        loop {
            match self.read_message()? {
                Message::CopyInResponse(_) => {
                    self.copy_refused = false;
                    self.socket
                        .set_write_timeout(Some(COPY_WRITE_WAIT))
                        .map_err(|e| lost(&e))?;
                    return Ok(());
                }
                Message::ErrorResponse(body) => {
                    let e = db_error(body.fields());
                    return self.until_ready(Some(e)).map(drop);
                }
                Message::NoticeResponse(body) => notice(body.fields()),
                Message::CloseComplete
                | Message::ParameterStatus(_)
                | Message::NotificationResponse(_) => {}
                Message::ReadyForQuery(body) => {
                    self.ready(body.status());
                    return Err(Error::Misuse(
                        "the statement is not a COPY FROM STDIN".into(),
                    ));
                }
                _ => {}
            }
        }
    }

    /// Buffers one CopyData message (sent when enough has gathered).
    pub(crate) fn copy_data(&mut self, data: &[u8]) -> Result<(), Error> {
        if self.copy_refused {
            // The server has refused the COPY and drops whatever follows.
            return Ok(());
        }
        frontend::CopyData::new(data)
            .map_err(|e| lost(&e))?
            .write(&mut self.wbuf);
        if self.wbuf.len() >= COPY_FLUSH {
            self.send_copy()?;
        }
        Ok(())
    }

    /// The end of COPY FROM STDIN's data: the last of it sent, writes back to blocking.
    fn end_copy(&mut self) -> Result<(), Error> {
        let sent = self.send_copy();
        self.copy_refused = false;
        self.socket.set_write_timeout(None).map_err(|e| lost(&e))?;
        sent
    }

    /// Ends COPY FROM STDIN: the number of rows stored.
    pub(crate) fn copy_done(&mut self) -> Result<u64, Error> {
        frontend::copy_done(&mut self.wbuf);
        self.end_copy()?;
        self.until_ready(None)
    }

    /// Abandons COPY FROM STDIN: the server stores nothing of it.
    pub(crate) fn copy_fail(&mut self, reason: &str) -> Result<(), Error> {
        frontend::copy_fail(reason, &mut self.wbuf).map_err(|e| lost(&e))?;
        self.end_copy()?;
        // The server answers with its error for the failed COPY, which is expected.
        match self.until_ready(None) {
            Ok(_) | Err(Error::Database(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Starts `COPY ... TO STDOUT`.
    pub(crate) fn copy_out_start(&mut self, sql: &str) -> Result<(), Error> {
        self.begin_request()?;
        self.write_text(|buf| frontend::query(sql, buf))?;
        self.send_request()?;
        loop {
            match self.read_message()? {
                Message::CopyOutResponse(_) => return Ok(()),
                Message::ErrorResponse(body) => {
                    let e = db_error(body.fields());
                    return self.until_ready(Some(e)).map(drop);
                }
                Message::ReadyForQuery(body) => {
                    self.ready(body.status());
                    return Err(Error::Misuse(
                        "the statement is not a COPY TO STDOUT".into(),
                    ));
                }
                _ => {}
            }
        }
    }

    /// The next CopyData message of COPY TO STDOUT, handed to `f`; `None` at the end.
    pub(crate) fn copy_out_next<R>(
        &mut self,
        f: impl FnOnce(&[u8]) -> R,
    ) -> Option<Result<R, Error>> {
        loop {
            let (tag, total) = match self.fill_message() {
                Ok(m) => m,
                Err(e) => return Some(Err(e)),
            };
            if tag == b'd' {
                let out = f(&self.rbuf[5..total]);
                self.rbuf.advance(total);
                return Some(Ok(out));
            }
            match self.read_message() {
                Err(e) => return Some(Err(e)),
                Ok(Message::CopyDone) => {}
                Ok(Message::CommandComplete(_)) => {
                    return self.until_ready(None).err().map(Err);
                }
                Ok(Message::ErrorResponse(body)) => {
                    let e = db_error(body.fields());
                    // Reads up to ReadyForQuery; a lost connection is recorded there.
                    let _ = self.until_ready(None);
                    return Some(Err(e));
                }
                Ok(_) => {}
            }
        }
    }
}

/// The next item of a protocol iterator, with its error as a lost connection.
fn fallible_next<I: fallible_iterator::FallibleIterator<Error = io::Error>>(
    it: &mut I,
) -> Result<Option<I::Item>, Error> {
    it.next().map_err(|e| protocol(e.to_string()))
}

/// The row count at the end of a CommandComplete tag (`INSERT 0 5`, `SELECT 3`).
fn rows_of_tag(tag: &str) -> u64 {
    tag.rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// A notice or warning from the server (`RAISE NOTICE`, "there is no transaction in
/// progress"): an INFO event under the SQL log target.
fn notice(mut fields: ErrorFields<'_>) {
    let (mut severity, mut message) = (String::new(), String::new());
    while let Ok(Some(field)) = fallible_iterator::FallibleIterator::next(&mut fields) {
        match field.type_() {
            b'V' => severity = String::from_utf8_lossy(field.value_bytes()).into_owned(),
            b'M' => message = String::from_utf8_lossy(field.value_bytes()).into_owned(),
            _ => {}
        }
    }
    tracing::info!(target: super::SQL_LOG_TARGET, %severity, "server notice: {message}");
}

/// The server's error.
pub(crate) fn db_error(mut fields: ErrorFields<'_>) -> Error {
    let mut e = super::error::DatabaseError {
        kind: super::DbErrorKind::Other,
        code: String::new(),
        message: String::new(),
        detail: None,
        constraint: None,
        table: None,
        column: None,
        context: None,
    };
    while let Ok(Some(field)) = fallible_iterator::FallibleIterator::next(&mut fields) {
        let value = String::from_utf8_lossy(field.value_bytes()).into_owned();
        match field.type_() {
            b'C' => e.code = value,
            b'M' => e.message = value,
            b'D' => e.detail = Some(value),
            b'n' => e.constraint = Some(value),
            b't' => e.table = Some(value),
            b'c' => e.column = Some(value),
            b'W' => e.context = Some(value),
            _ => {}
        }
    }
    Error::from_database(e)
}

/// Opens the socket a configuration names.
fn open(config: &Config) -> Result<Socket, String> {
    match &config.host {
        #[cfg(unix)]
        Host::Unix(dir) => {
            let path = dir.join(format!(".s.PGSQL.{}", config.port));
            UnixStream::connect(&path)
                .map(Socket::Unix)
                .map_err(|e| format!("{}: {e}", path.display()))
        }
        #[cfg(not(unix))]
        Host::Unix(dir) => Err(format!(
            "{}: Unix-domain sockets are not available here",
            dir.display()
        )),
        Host::Tcp(host) => {
            let addrs = (host.as_str(), config.port)
                .to_socket_addrs()
                .map_err(|e| format!("cannot resolve {host}: {e}"))?;
            let mut last = format!("{host} resolves to no address");
            for addr in addrs {
                match TcpStream::connect_timeout(&addr, config.connect_timeout) {
                    Ok(s) => {
                        let _ = s.set_nodelay(true);
                        return Ok(Socket::Tcp(s));
                    }
                    Err(e) => last = format!("{addr}: {e}"),
                }
            }
            Err(last)
        }
    }
}

/// A value's binary serialization for COPY: appends the 4-byte length and the bytes.
pub(crate) fn write_copy_value(
    value: &(dyn ToSql + Sync),
    ty: &Type,
    out: &mut BytesMut,
) -> Result<(), Box<dyn std::error::Error + Sync + Send>> {
    use bytes::BufMut;
    let at = out.len();
    out.put_i32(0);
    match value.to_sql_checked(ty, out)? {
        IsNull::Yes => {
            out.truncate(at);
            out.put_i32(-1);
        }
        IsNull::No => {
            let len = i32::try_from(out.len() - at - 4).map_err(|_| "value over 2 GiB")?;
            out[at..at + 4].copy_from_slice(&len.to_be_bytes());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_counts_come_from_the_command_tag() {
        assert_eq!(rows_of_tag("INSERT 0 5"), 5);
        assert_eq!(rows_of_tag("SELECT 12"), 12);
        assert_eq!(rows_of_tag("UPDATE 0"), 0);
        assert_eq!(rows_of_tag("CREATE TABLE"), 0);
        assert_eq!(rows_of_tag(""), 0);
    }

    #[test]
    fn raw_rows_read_values_and_nulls_by_span() {
        let columns: Arc<[Column]> = Arc::from([
            Column::new("a".into(), Type::INT4),
            Column::new("b".into(), Type::TEXT),
        ]);
        let buf = b"xx\x00\x00\x00\x07hi";
        let spans = [Span::new(2, 4), Span::new(0, -1)];
        let row = RawRow::new(&columns, buf, &spans);
        assert_eq!(row.len(), 2);
        assert_eq!(row.value(0), Some(&b"\x00\x00\x00\x07"[..]));
        assert_eq!(row.value(1), None);
        assert_eq!(row.value(2), None);
        // A span past the end of the buffer reads as absent, not a panic.
        let bad = [Span::new(6, 10)];
        assert_eq!(RawRow::new(&columns, buf, &bad).value(0), None);
        let owned = row.to_row();
        assert_eq!(owned.raw().value(0), row.value(0));
        assert_eq!(owned.columns()[1].name(), "b");
    }

    #[test]
    fn copy_values_are_length_prefixed_and_null_is_minus_one() {
        let mut out = BytesMut::new();
        write_copy_value(&"héllo", &Type::TEXT, &mut out).unwrap();
        write_copy_value(&None::<i32>, &Type::INT4, &mut out).unwrap();
        write_copy_value(&7i32, &Type::INT4, &mut out).unwrap();
        assert_eq!(
            &out[..],
            b"\x00\x00\x00\x06h\xc3\xa9llo\xff\xff\xff\xff\x00\x00\x00\x04\x00\x00\x00\x07"
        );
        // A value of the wrong type is refused.
        assert!(write_copy_value(&7i32, &Type::TEXT, &mut out).is_err());
    }
}
