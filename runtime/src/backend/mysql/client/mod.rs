//! sqlwright's own MySQL/MariaDB protocol client, on `mysql_common`'s scrambles and value
//! types: the socket, blocking or tokio (`socket`), packets (`packet`), the server's
//! payloads read with every length checked (`wire`), the login (`connect`), the commands
//! (`command`) and binary rows read in place (`row`). Every read loop is an `async fn`:
//! the blocking API polls it once (`engine::wire::now`), `AsyncMysqlConnection` awaits it;
//! a command whose future was dropped half-way is read to its end by the next one
//! (`resume`). See docs/design.md, "MySQL client of our own" and "Async on MySQL".

mod command;
mod connect;
mod kill;
mod packet;
mod resume;
mod row;
mod socket;
mod stream;
mod tls;
#[cfg(feature = "tokio")]
mod tokio_open;
mod wire;

#[cfg(test)]
mod tests;
#[cfg(all(test, feature = "testing"))]
mod tests_mariadb;

pub(crate) use command::{write_bytes, write_param, Prepared};
pub(crate) use connect::ConnectOptions;
pub use row::MysqlValue;
pub(crate) use row::Row;
#[cfg(test)]
pub(crate) use wire::records;

use crate::engine::Error;
use packet::Packets;

/// One connection.
pub(crate) struct Client {
    packets: Packets,
    /// What both sides agreed on at login.
    capabilities: u32,
    /// The server's status flags, from its last OK or EOF packet.
    status: u16,
    /// The server's id of this connection, from its greeting.
    id: u32,
    /// The payload last read.
    buf: Vec<u8>,
    /// Where the values of the row being read lie.
    spans: Vec<row::Span>,
    /// The socket failed or the protocol was broken: no command is sent again.
    closed: bool,
    /// A result is being read row by row (`stream.rs`): no command is sent until it ends.
    reading: bool,
    /// Where the answer to the command under way is: `Idle` once it was read to its end;
    /// anything else at the start of a command means the future of the one before was
    /// dropped, and the rest of its answer is read first (`resume.rs`).
    phase: Phase,
    /// The transaction level whose rollback is owed (0: none): an async transaction was
    /// dropped open; sent ahead of the next command (`resume.rs`).
    owed: u32,
    /// What the last statement's OK packet said.
    last: wire::Ok,
    /// The session's init statements (run again after a reset).
    init: Box<str>,
    /// How to reach the server again, for `KILL QUERY` (`kill.rs`).
    reach: kill::Reach,
    /// A `KILL QUERY` may have reached the server and not been absorbed yet (by the
    /// statement it stopped, or by `DO 0`): the future stopping a result was dropped in
    /// between. The next command first runs `DO 0`, so the kill cannot stop it.
    kill_pending: bool,
}

impl Client {
    /// Whether the server said a transaction is open (`SERVER_STATUS_IN_TRANS`), as of
    /// its last answer.
    pub(crate) fn in_transaction(&self) -> bool {
        self.status & wire::STATUS_IN_TRANS != 0
    }

    /// The `AUTO_INCREMENT` value the last statement generated (0 when none).
    pub(crate) fn last_insert_id(&self) -> u64 {
        self.last.last_insert_id
    }

    /// `N` of the last statement's info text `Records: N  Duplicates: D  Warnings: W`,
    /// which the server sends for a statement of several rows (not for one row).
    pub(crate) fn info_records(&self) -> Option<u64> {
        self.last.records
    }

    /// Closed after a failure, or by a future dropped half-way through a send.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed || self.packets.partial
    }

    /// Refuses a command on a connection that failed.
    #[inline]
    fn usable(&self) -> Result<(), Error> {
        if self.closed || self.packets.partial {
            Err(Error::ConnectionLost(
                "the connection was closed after an earlier failure".into(),
            ))
        } else if self.reading {
            Err(Error::Misuse(
                "the rows of a stream are still being read on this connection".into(),
            ))
        } else {
            Ok(())
        }
    }

    /// Notes an error that leaves the connection unusable (anything but the server's own
    /// ERR packet, after which the protocol goes on).
    fn note<T>(&mut self, result: Result<T, Error>) -> Result<T, Error> {
        if let Err(e) = &result {
            if !matches!(e, Error::Database(_)) {
                self.closed = true;
            }
        }
        result
    }
}

/// Where the answer to a command is (see `Client::phase`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Read to its end: the next command may go.
    Idle,
    /// A command was sent; its first answer (OK, ERR or a column count) is next.
    Answer,
    /// This many packets of column definitions (their EOF counted) are next, then rows.
    Columns(u64),
    /// Rows, until the packet ending them.
    Rows,
    /// A result ended; another follows if the status says so.
    More,
    /// A COM_STMT_PREPARE was sent; its answer is next.
    PrepareAnswer,
    /// This many packets of a prepare's definitions are next; then its statement `id`,
    /// which nobody holds, is closed.
    PrepareDefs { id: u32, left: u64 },
}

impl Drop for Client {
    /// COM_QUIT, so that the server does not log an aborted connection; no answer comes.
    /// Sent only if the socket takes it now (a tokio socket's `Drop` cannot wait).
    fn drop(&mut self) {
        if !self.closed && !self.packets.partial {
            self.packets.start_command().push(command::COM_QUIT);
            self.packets.send_now();
        }
    }
}
