//! Keeping an async connection in step when a future is dropped half-way (a timeout, a
//! `select!` that took another branch). The protocol has no point at which client and
//! server meet again, so the client notes where it is in each answer (`Client::phase`: the
//! first answer, column definitions left, rows, more results, a prepare's definitions);
//! the next command first reads the rest of the dropped one's answer from there and drops
//! it (rows through `stop_rows`' bounds: 2 s, then `KILL QUERY`; a statement a dropped
//! prepare left is closed), then sends a rollback a dropped
//! transaction owes. Packets are taken from the read buffer only whole (`packet.rs`), so
//! a read dropped at any await loses no byte. A send dropped half-way (or a read of a
//! payload longer than the buffer) cannot be finished: the connection is then closed.
//!
//! The blocking API never leaves a phase behind (its calls run to their end), so its
//! commands pay one comparison here.

use super::packet::protocol;
use super::wire::{Reader, STATUS_MORE_RESULTS};
use super::{Client, Phase};
use crate::engine::Error;

impl Client {
    /// Before a command: refuses one on a failed connection, and brings it in step first
    /// when a dropped future left it out of step.
    #[inline]
    pub(super) async fn ready(&mut self) -> Result<(), Error> {
        self.usable()?;
        if self.phase != Phase::Idle || self.owed != 0 || self.kill_pending {
            let result = Box::pin(self.resume()).await;
            return self.note(result);
        }
        Ok(())
    }

    #[cfg(feature = "tokio")]
    /// Brings the connection in step (see [`ready`](Self::ready)) without a command.
    pub(crate) async fn settle(&mut self) -> Result<(), Error> {
        self.ready().await
    }

    #[cfg(feature = "tokio")]
    /// Leaves the rollback of transaction level `level` (1: the transaction, 2 and up: a
    /// savepoint) owed: sent ahead of the next command. An outer level owed takes in the
    /// inner ones.
    pub(crate) fn owe_rollback(&mut self, level: u32) {
        self.owed = if self.owed == 0 {
            level
        } else {
            self.owed.min(level)
        };
    }

    /// Reads the rest of the answer a dropped future left, dropping it (the server's error
    /// in it included: it was the dropped command's), then sends an owed rollback.
    async fn resume(&mut self) -> Result<(), Error> {
        loop {
            match self.phase {
                Phase::Idle => break,
                Phase::Answer => match self.answer().await {
                    Ok(_) | Err(Error::Database(_)) => {}
                    Err(e) => return Err(e),
                },
                Phase::Columns(left) => {
                    for rest in (0..left).rev() {
                        self.read().await?;
                        self.phase = Phase::Columns(rest);
                    }
                    self.phase = Phase::Rows;
                }
                // Rows nobody reads: read and dropped for a bounded time, then stopped
                // with KILL QUERY (`kill.rs`), so that a dropped future of a huge result
                // holds the next command up for seconds, not for the whole result.
                Phase::Rows => match Box::pin(self.stop_rows_inner()).await {
                    Ok(()) | Err(Error::Database(_)) => {}
                    Err(e) => return Err(e),
                },
                Phase::More => {
                    self.phase = if self.status & STATUS_MORE_RESULTS != 0 {
                        Phase::Answer
                    } else {
                        Phase::Idle
                    };
                }
                Phase::PrepareAnswer => {
                    self.read().await?;
                    match self.buf.first() {
                        Some(0x00) => self.phase = self.prepare_defs()?.0,
                        Some(0xFF) => self.phase = Phase::Idle,
                        _ => return Err(protocol("an unexpected answer to COM_STMT_PREPARE")),
                    }
                }
                Phase::PrepareDefs { id, left } => {
                    for rest in (0..left).rev() {
                        self.read().await?;
                        self.phase = Phase::PrepareDefs { id, left: rest };
                    }
                    self.phase = Phase::Idle;
                    self.send_close(id).await?;
                }
            }
        }
        self.reading = false;
        if self.kill_pending {
            self.absorb_kill().await?;
        }
        if self.owed != 0 {
            let level = std::mem::take(&mut self.owed);
            let sql = crate::engine::end_sql(level, false);
            self.query_inner(&sql).await?;
        }
        Ok(())
    }

    /// From a COM_STMT_PREPARE's OK packet (in `buf`): the phase of its definitions (how
    /// many packets follow, their EOFs counted), its parameter count and its column count.
    pub(super) fn prepare_defs(&self) -> Result<(Phase, u16, u16), Error> {
        let mut r = Reader::new(&self.buf[1..], "COM_STMT_PREPARE answer");
        let id = r.u32()?;
        let columns = r.u16()?;
        let params = r.u16()?;
        let eof = u64::from(!self.deprecate_eof());
        let mut left = 0;
        for count in [params, columns] {
            if count > 0 {
                left += u64::from(count) + eof;
            }
        }
        let phase = Phase::PrepareDefs { id, left };
        Ok((phase, params, columns))
    }
}

/// The phase after an OK or EOF packet whose status is `status`.
#[inline]
pub(super) fn after_end(status: u16) -> Phase {
    if status & STATUS_MORE_RESULTS != 0 {
        Phase::More
    } else {
        Phase::Idle
    }
}
