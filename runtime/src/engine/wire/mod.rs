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

/// The next whole message's tag and length: from the buffer without an await when it is
/// there (the common case: many rows arrive in one read), else read.
macro_rules! next_message {
    ($wire:expr) => {
        match $wire.buffered() {
            Some(whole) => Ok(whole),
            None => $wire.fill_more().await,
        }
    };
}

mod cancel;
mod config;
mod copy;
mod open;
mod pipeline;
mod portal;
mod query;
mod recover;
mod row;
#[cfg(feature = "tokio")]
mod shared;
mod socket;
mod startup;
mod sync;
mod tls;
#[cfg(feature = "tokio")]
mod tokio_socket;
mod unnamed;
use open::open;
use socket::{is_timeout, Socket};
pub(crate) use sync::{now, Sink};

pub(crate) use cancel::{CancelShared, Outcome as CancelOutcome};
#[cfg(all(feature = "mysql", feature = "tokio"))]
pub(crate) use tls::on_tokio::handshake_tokio as tls_handshake_tokio;
use tls::open_like_session;
#[cfg(feature = "mysql")]
pub(crate) use tls::{handshake as tls_handshake, TlsStream};
pub(crate) use tls::{ChannelBindingMode, ConnectFail, RootCerts, Spelling, SslMode, TlsSettings};

pub(crate) use config::{AuthMethods, Config, Host, Keepalive};
pub(crate) use copy::write_copy_value;
pub(crate) use pipeline::{Discard, Piped, Piping};
pub(crate) use query::MAX_PARAMS;
pub use row::{Column, OwnedRow, RowRef};
pub(crate) use row::{Span, Statement};

/// The longest message accepted from the server by default: PostgreSQL sends no value
/// over 1 GiB, and a row or COPY message fits in its 1 GiB message buffer; the slack
/// covers the message's own framing.
pub(crate) const DEFAULT_MAX_MESSAGE: usize = (1 << 30) + (1 << 20);

/// How many bytes one read of the socket asks for.
const READ_CHUNK: usize = 64 * 1024;
/// Outgoing COPY data is sent once this much is buffered.
const COPY_FLUSH: usize = 64 * 1024;
/// How often (in flushes of [`COPY_FLUSH`] bytes) COPY FROM STDIN looks for the server's
/// refusal without waiting: every 1 MiB.
const COPY_POLL_EVERY: u32 = 16;
/// How long a COPY write waits for room in the socket before reading the server's
/// notices (see [`Wire::drain_during_copy`]).
const COPY_WRITE_WAIT: Duration = Duration::from_millis(20);

/// Which kind of socket a connection opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SocketKind {
    /// A blocking socket, for the blocking API.
    Blocking,
    /// A tokio socket, for the async API.
    #[cfg(feature = "tokio")]
    Tokio,
}

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
    /// Why the connection failed (socket error, protocol violation, timeout): it is never
    /// used again.
    closed: Option<String>,
    /// Bytes of the current request began going out (so the server may have run it).
    sent: bool,
    /// The longest one wait for the server may take (`None`: no limit).
    timeout: Option<Duration>,
    /// The timeout the socket has now (the request timeout, or what is left of a deadline).
    socket_timeout: Option<Duration>,
    /// A deadline for every wait (a login, a pool's pre-ping).
    deadline: Option<std::time::Instant>,
    /// When that deadline was set.
    deadline_started: std::time::Instant,
    /// Deadline scopes open ([`Wire::enter_deadline`] not yet left).
    deadline_scopes: u32,
    /// What the waits are for, for [`Error::Timeout`].
    waiting_for: &'static str,
    /// The longest message accepted from the server.
    max_message: usize,
    /// A FATAL error the server sent (it closes the connection next): the reason given
    /// when the socket then ends.
    server_fatal: Option<String>,
    /// A portal is being read (see [`Wire::start_portal`]).
    portal: Option<PortalState>,
    /// A request was sent whose response has not been read to its ReadyForQuery.
    pending: bool,
    /// A send is under way: still set at the next request when its future was dropped
    /// mid-write (see `recover.rs`).
    writing: bool,
    /// COPY FROM STDIN is under way (from its CopyInResponse to its CopyDone or CopyFail).
    copy_in: bool,
    /// The transaction level whose rollback is owed (0: none), sent ahead of the next
    /// request (an async transaction dropped without finishing; see `recover.rs`).
    owed: u32,
    /// Answers of shared requests (`wire/shared.rs`) whose futures were dropped, read and
    /// dropped before the next request through `&mut` (`pending` is set with it).
    #[cfg(feature = "tokio")]
    shared_owed: u64,
    /// The transaction status of the last ReadyForQuery: `I` idle, `T` in a transaction,
    /// `E` in a failed one.
    status: u8,
    /// Types looked up in the catalog, by OID.
    types: std::collections::HashMap<u32, Type>,
    /// During COPY FROM STDIN: the server sent something other than a notice (its error),
    /// so the rest of the data is not sent.
    copy_refused: bool,
    /// COPY data messages flushed so far (every [`COPY_POLL_EVERY`]th, the server's
    /// messages are looked at without waiting, to learn early that it refused the COPY).
    copy_flushes: u32,
    /// A COPY TO STDOUT stream of an async connection was dropped before its end: the
    /// COPY's abandon is owed, done before the next request.
    #[cfg(feature = "tokio")]
    copy_out_owed: bool,
    next_statement: u64,
    /// What this connection shares with its cancel handles.
    cancel: Arc<CancelShared>,
    /// A portal's description differed from its statement's cached one (see
    /// [`Wire::take_redescribe`]).
    redescribe: bool,
    /// What the server reported with ParameterStatus at login (`in_hot_standby`, ...).
    server_params: Vec<(String, String)>,
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
    /// Opens a socket, sets up TLS as `sslmode` says, logs in, and waits until the server
    /// is ready. Errors are plain text for [`Error::Connect`], or typed TLS failures.
    pub(crate) async fn connect(config: &Config, kind: SocketKind) -> Result<Wire, ConnectFail> {
        let started = std::time::Instant::now();
        let deadline = started + config.connect_timeout;
        match config.tls.mode {
            SslMode::Disable => Wire::connect_over(config, kind, started, deadline, false).await,
            // Plain text first; TLS when the server turns the plain session away.
            SslMode::Allow => {
                match Wire::connect_over(config, kind, started, deadline, false).await {
                    Err(ConnectFail::Refused(_)) => {
                        Wire::connect_over(config, kind, started, deadline, true).await
                    }
                    other => other,
                }
            }
            _ => Wire::connect_over(config, kind, started, deadline, true).await,
        }
    }

    /// One connect attempt; `tls`: ask the server for TLS first (see `tls::start`).
    async fn connect_over(
        config: &Config,
        kind: SocketKind,
        started: std::time::Instant,
        deadline: std::time::Instant,
        tls: bool,
    ) -> Result<Wire, ConnectFail> {
        let (socket, peer) = match kind {
            SocketKind::Blocking => {
                let mut socket = open(config, deadline)?;
                let peer = socket.peer_addr();
                if tls {
                    socket = tls::start(socket, &config.host, &config.tls, deadline)?;
                }
                (socket, peer)
            }
            #[cfg(feature = "tokio")]
            SocketKind::Tokio => {
                let mut socket = tokio_socket::open(config, deadline).await?;
                let peer = socket.peer_addr();
                if tls {
                    socket =
                        tls::on_tokio::start(socket, &config.host, &config.tls, deadline).await?;
                }
                (Socket::Async(Box::new(socket)), peer)
            }
        };
        let mut wire = Wire {
            socket,
            rbuf: BytesMut::with_capacity(READ_CHUNK),
            scratch: vec![0; READ_CHUNK].into_boxed_slice(),
            wbuf: BytesMut::with_capacity(8 * 1024),
            spans: Vec::new(),
            to_close: Vec::new(),
            closed: None,
            sent: false,
            timeout: None,
            socket_timeout: None,
            deadline: None,
            deadline_started: started,
            deadline_scopes: 0,
            waiting_for: "the server's answer",
            max_message: DEFAULT_MAX_MESSAGE,
            server_fatal: None,
            portal: None,
            pending: false,
            writing: false,
            copy_in: false,
            owed: 0,
            #[cfg(feature = "tokio")]
            shared_owed: 0,
            types: std::collections::HashMap::new(),
            copy_refused: false,
            copy_flushes: 0,
            #[cfg(feature = "tokio")]
            copy_out_owed: false,
            status: b'I',
            next_statement: 0,
            cancel: CancelShared::new(&Config {
                peer,
                ..config.clone()
            }),
            redescribe: false,
            server_params: Vec::new(),
        };
        let saved = wire.enter_deadline(deadline, "the server to finish the login");
        let login = wire.startup(config).await;
        let login = wire.leave_deadline(saved, login);
        login.map_err(|e| match e {
            Error::Database(db) => ConnectFail::Refused(db.to_string()),
            Error::ConnectionLost(m) => ConnectFail::Failed(m),
            Error::Timeout { waiting_for, .. } => ConnectFail::Failed(format!(
                "timed out after {:?} (connect_timeout) waiting for {waiting_for}",
                config.connect_timeout
            )),
            Error::Tls { kind, reason, .. } => ConnectFail::Tls { kind, reason },
            other => ConnectFail::Failed(other.to_string()),
        })?;
        wire.set_request_timeout(None)
            .map_err(|e| ConnectFail::Failed(e.to_string()))?;
        Ok(wire)
    }

    /// A setting the server reported at login (ParameterStatus), such as `in_hot_standby`.
    pub(crate) fn server_parameter(&self, name: &str) -> Option<&str> {
        self.server_params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Records a ParameterStatus message.
    pub(super) fn note_parameter(
        &mut self,
        body: &postgres_protocol::message::backend::ParameterStatusBody,
    ) -> Result<(), Error> {
        let name = body.name().map_err(|e| protocol(e.to_string()))?;
        let value = body.value().map_err(|e| protocol(e.to_string()))?;
        self.server_params.retain(|(k, _)| k != name);
        self.server_params
            .push((name.to_string(), value.to_string()));
        Ok(())
    }

    /// Whether the connection can no longer be used.
    pub(crate) fn is_closed(&self) -> bool {
        // A request still pending outside a call means an interrupted one: out of step,
        // unless the next request can bring it back in step (see `recover.rs`).
        self.closed.is_some() || (self.pending && !self.recoverable())
    }

    /// Whether bytes of the last request began going out: if the connection was lost
    /// after that, the server may have run it.
    pub(crate) fn request_sent(&self) -> bool {
        self.sent
    }

    /// The longest message accepted from the server (at least 1 MiB).
    pub(crate) fn set_max_message(&mut self, bytes: usize) {
        self.max_message = bytes.max(1 << 20);
    }

    #[cfg(test)]
    /// The TCP keepalive settings in force on the socket (`None`: off, or not TCP).
    pub(crate) fn keepalive(&self) -> Option<Keepalive> {
        self.socket.keepalive()
    }

    /// Whether the socket is a Unix-domain one.
    pub(super) fn is_local(&self) -> bool {
        self.socket.is_local()
    }

    /// Whether the server said, at the end of the last request, that a transaction is open
    /// (whoever opened it: sqlwright, or `BEGIN` in hand-written SQL).
    pub(crate) fn in_transaction(&self) -> bool {
        self.status != b'I'
    }

    /// A ReadyForQuery ended the request: nothing is pending, and `status` is the
    /// server's transaction status.
    pub(super) fn ready(&mut self, status: u8) {
        self.pending = false;
        self.status = status;
        self.cancel_request_ended();
    }

    /// Whether the server said the open transaction has failed.
    pub(crate) fn transaction_failed(&self) -> bool {
        self.status == b'E'
    }

    /// A fresh name for a prepared statement: unique in this process, and tagged with a
    /// random number per process. A pooler that hands each transaction to any server
    /// connection (PgBouncer in transaction mode) can then never bind one client's name
    /// to another client's statement: a statement prepared elsewhere is "does not exist"
    /// (26000), never a different statement.
    pub(crate) fn statement_name(&mut self) -> Arc<str> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(1);
        static TAG: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
        let tag = TAG.get_or_init(|| {
            use std::hash::{BuildHasher, Hasher};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u32(std::process::id());
            h.finish() as u32
        });
        self.next_statement = NEXT.fetch_add(1, Ordering::Relaxed);
        Arc::from(format!("sqlwright_{tag:08x}_{}", self.next_statement))
    }

    /// Forgets a prepared statement on the server (with the next request).
    pub(crate) fn close_statement(&mut self, name: Arc<str>) {
        if name.is_empty() {
            // The unnamed statement is replaced by the next Parse.
            return;
        }
        self.to_close.push(name);
    }

    /// Before a request: a request interrupted before its result was read (a panic, a
    /// leaked stream, or a dropped future) is refused on a blocking connection, which is
    /// out of step and closed; an async one is brought back in step, and an owed
    /// rollback sent, first (see `recover.rs`).
    pub(super) async fn begin_request(&mut self) -> Result<(), Error> {
        if self.closed.is_some() || self.pending || self.owed != 0 {
            // `sent` still tells whether the interrupted request went out.
            if let Err(e) = Box::pin(self.restore()).await {
                // This request sent nothing (see `Connection::settle`).
                self.sent = false;
                return Err(e);
            }
        }
        self.sent = false;
        Ok(())
    }

    /// Writes SQL text into a message with `write`; a NUL byte in it (which the protocol
    /// cannot carry) is [`Error::NulInText`] and leaves nothing buffered.
    pub(super) fn write_text(
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
    pub(super) async fn send_request(&mut self) -> Result<(), Error> {
        if !self.to_close.is_empty() {
            let mut request = BytesMut::with_capacity(self.wbuf.len() + 32 * self.to_close.len());
            for name in self.to_close.drain(..) {
                frontend::close(b'S', &name, &mut request).map_err(|e| lost(&e))?;
            }
            request.extend_from_slice(&self.wbuf);
            self.wbuf = request;
        }
        self.pending = true;
        self.cancel_request_started();
        self.send().await
    }

    /// The next message, parsed.
    pub(super) async fn read_message(&mut self) -> Result<Message, Error> {
        next_message!(self)?;
        match Message::parse(&mut self.rbuf) {
            Ok(Some(m)) => Ok(m),
            Ok(None) => Err(self.broke(protocol("incomplete message"))),
            Err(e) => Err(self.broke(protocol(e.to_string()))),
        }
    }

    /// Splits the DataRow message at the front of `rbuf` (`total` bytes) into `spans`.
    #[inline]
    pub(super) fn row_spans(&mut self, total: usize, columns: usize) -> Result<(), Error> {
        let msg = &self.rbuf[..total];
        self.spans.clear();
        if total < 7 {
            return Err(self.broke(protocol("short DataRow")));
        }
        let count = u16::from_be_bytes([msg[5], msg[6]]) as usize;
        if count != columns {
            return Err(self.broke(protocol(format!(
                "a row of {count} values for {columns} columns"
            ))));
        }
        let mut at = 7;
        for _ in 0..count {
            let Some(head) = msg.get(at..at + 4) else {
                return Err(self.broke(protocol("DataRow ends early")));
            };
            let len = i32::from_be_bytes([head[0], head[1], head[2], head[3]]);
            at += 4;
            self.spans.push(Span::new(at, len));
            if len > 0 {
                at += len as usize;
            } else if len < -1 {
                return Err(self.broke(protocol(format!("a value of length {len}"))));
            }
        }
        if at > total {
            return Err(self.broke(protocol("DataRow ends early")));
        }
        Ok(())
    }

    /// The server's error; a FATAL one (the server closes the connection next) is kept
    /// as the reason the connection ends.
    pub(super) fn server_error(&mut self, fields: ErrorFields<'_>) -> Error {
        let (error, fatal) = db_error(fields);
        if fatal {
            self.server_fatal = Some(match &error {
                Error::Database(db) => db.to_string(),
                Error::ConnectionLost(m) => m.clone(),
                other => other.to_string(),
            });
        }
        error
    }
}

/// The next item of a protocol iterator, with its error as a lost connection.
pub(super) fn fallible_next<I: fallible_iterator::FallibleIterator<Error = io::Error>>(
    it: &mut I,
) -> Result<Option<I::Item>, Error> {
    it.next().map_err(|e| protocol(e.to_string()))
}

/// The row count at the end of a CommandComplete tag (`INSERT 0 5`, `SELECT 3`).
pub(super) fn rows_of_tag(tag: &str) -> u64 {
    tag.rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// A notice or warning from the server (`RAISE NOTICE`, "there is no transaction in
/// progress"): an INFO event under the SQL log target.
pub(super) fn notice(mut fields: ErrorFields<'_>) {
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

/// The server's error, and whether it is FATAL (the server closes the connection next).
pub(crate) fn db_error(mut fields: ErrorFields<'_>) -> (Error, bool) {
    let mut fatal = false;
    let mut e = super::error::DatabaseError {
        kind: super::DbErrorKind::Other,
        code: String::new(),
        message: String::new(),
        detail: None,
        constraint: None,
        table: None,
        column: None,
        context: None,
        hint: None,
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
            b'H' => e.hint = Some(value),
            b'V' => fatal = value == "FATAL" || value == "PANIC",
            _ => {}
        }
    }
    (Error::from_database(e), fatal)
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
        let row = RowRef::new(&columns, buf, &spans);
        assert_eq!(row.len(), 2);
        assert_eq!(row.value(0), Some(&b"\x00\x00\x00\x07"[..]));
        assert_eq!(row.value(1), None);
        assert_eq!(row.value(2), None);
        // A span past the end of the buffer reads as absent, not a panic.
        let bad = [Span::new(6, 10)];
        assert_eq!(RowRef::new(&columns, buf, &bad).value(0), None);
        let owned = row.to_row();
        assert_eq!(owned.raw().value(0), row.value(0));
        assert_eq!(owned.columns()[1].name(), "b");
    }
}
