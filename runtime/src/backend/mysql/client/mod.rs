//! sqlwright's own MySQL/MariaDB protocol client (blocking), on `mysql_common`'s
//! scrambles and value types: packets (`packet`), the server's payloads read with every
//! length checked (`wire`), the login (`connect`), the commands (`command`) and binary
//! rows read in place (`row`). See docs/design.md, "MySQL client of our own".

mod command;
mod connect;
mod packet;
mod row;
mod stream;
mod tls;
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
    /// The payload last read.
    buf: Vec<u8>,
    /// Where the values of the row being read lie.
    spans: Vec<row::Span>,
    /// The socket failed or the protocol was broken: no command is sent again.
    closed: bool,
    /// A result is being read row by row (`stream.rs`): no command is sent until it ends.
    reading: bool,
    /// What the last statement's OK packet said.
    last: wire::Ok,
    /// The session's init statements (run again after a reset).
    init: Box<str>,
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

    pub(crate) fn is_closed(&self) -> bool {
        self.closed
    }

    /// Refuses a command on a connection that failed.
    fn usable(&self) -> Result<(), Error> {
        if self.closed {
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

impl Drop for Client {
    /// COM_QUIT, so that the server does not log an aborted connection; no answer comes.
    fn drop(&mut self) {
        if !self.closed {
            self.packets.start_command().push(command::COM_QUIT);
            let _ = self.packets.send();
        }
    }
}
