//! Ending a result nobody will read: a stream dropped before its end, or a `for_each` /
//! `load` whose closure or decoding failed half way. MySQL's protocol cannot stop a result
//! on its own connection, so the rest is read and dropped; when that takes longer than
//! [`DRAIN_BUDGET`], the server is asked over a second connection to stop the statement
//! (`KILL QUERY`), the rows already on their way are read, and the connection stays
//! usable. See docs/design.md, "A result nobody reads on MySQL: read on, then KILL QUERY".

use super::connect::ConnectOptions;
use super::{Client, Phase};
use crate::engine::wire::{SocketKind, TlsSettings};
use crate::engine::{DbErrorKind, Error};
use std::time::{Duration, Instant};

/// How long the rest of a result nobody reads is read and dropped before the server is
/// asked to stop it: at loopback speed, hundreds of MB of rows.
pub(crate) const DRAIN_BUDGET: Duration = Duration::from_secs(2);

/// How long the rows still on their way after `KILL QUERY` may take to arrive (the
/// sockets' buffers and the server's own: a few MB); past it the connection is closed.
const AFTER_KILL: Duration = Duration::from_secs(10);

/// Where a connection came from, to open a second one to the same server as the same user
/// for `KILL QUERY` (which needs no privilege for one's own connections).
pub(super) struct Reach {
    host: String,
    port: u16,
    user: String,
    password: Option<String>,
    connect_timeout: Duration,
    tls: TlsSettings,
    kind: SocketKind,
}

impl Reach {
    pub(super) fn of(options: &ConnectOptions<'_>) -> Self {
        Reach {
            host: options.host.into(),
            port: options.port,
            user: options.user.into(),
            password: options.password.map(Into::into),
            connect_timeout: options.connect_timeout,
            tls: options.tls.clone(),
            kind: options.kind,
        }
    }

    /// Asks the server to stop the statement its connection `id` is running, over a
    /// connection of its own (closed after).
    async fn kill_query(&self, id: u32) -> Result<(), Error> {
        let mut killer = Client::connect(&ConnectOptions {
            host: &self.host,
            port: self.port,
            user: &self.user,
            password: self.password.as_deref(),
            database: None,
            connect_timeout: self.connect_timeout,
            read_timeout: Some(self.connect_timeout),
            write_timeout: Some(self.connect_timeout),
            init: "",
            tls: &self.tls,
            kind: self.kind,
        })
        .await?;
        // The id is the server's own number (from its greeting), not a user's value.
        killer.query(&format!("KILL QUERY {id}")).await
    }
}

/// The error a killed statement ends with (`ER_QUERY_INTERRUPTED`).
fn killed<T>(result: &Result<T, Error>) -> bool {
    matches!(result, Err(Error::Database(db)) if db.kind == DbErrorKind::Canceled)
}

impl Client {
    /// Ends the result whose rows are being read, none of them wanted: they are read and
    /// dropped for at most [`DRAIN_BUDGET`] (each read bounded by the URL's
    /// `read_timeout`); then the server is asked to stop the statement (`KILL QUERY` on a
    /// second connection) and the rows already sent are read. The kill's own error ends
    /// the result without failing anything (MySQL undoes only the interrupted statement:
    /// a transaction stays open and intact). A kill that reached the server after the
    /// result ended would stop the next statement, so a no-op (`DO 0`) takes it. When
    /// all that fails, the connection is closed (a pool then opens a new one).
    pub(crate) async fn stop_rows(&mut self) -> Result<(), Error> {
        self.reading = false;
        let result = self.stop_rows_inner().await;
        self.note(result)
    }

    pub(super) async fn stop_rows_inner(&mut self) -> Result<(), Error> {
        if self.skip_until(Instant::now() + DRAIN_BUDGET).await? {
            return Ok(());
        }
        // From here until the kill is absorbed, a drop of this future leaves it owed.
        self.kill_pending = true;
        // Boxed: a login's future is large, and this path is rare.
        let kill = Box::pin(self.reach.kill_query(self.id)).await;
        kill.map_err(|e| {
            Error::ConnectionLost(format!(
                "a result nobody reads ran past {DRAIN_BUDGET:?}, and asking the server to \
                 stop it failed ({e}): the connection was closed"
            ))
        })?;
        let rest = self.skip_until(Instant::now() + AFTER_KILL).await;
        match rest {
            Ok(true) => {}
            Ok(false) => {
                return Err(Error::Timeout {
                    waiting_for: "the rest of a result after KILL QUERY (the connection was \
                                  closed)"
                        .into(),
                    waited: AFTER_KILL,
                })
            }
            Err(_) if killed(&rest) => {}
            Err(e) => return Err(e),
        }
        self.absorb_kill().await
    }

    /// Runs a no-op (`DO 0`) that a kill arriving after its statement ended stops instead
    /// of the next statement; either way the kill is spent.
    pub(super) async fn absorb_kill(&mut self) -> Result<(), Error> {
        let absorb = self.query_inner("DO 0").await;
        self.kill_pending = false;
        if killed(&absorb) {
            return Ok(());
        }
        absorb
    }

    /// Reads the rows left of the result under way and drops them, with any result after
    /// it, until `deadline`: `true` once it ended, `false` when rows were still coming at
    /// the deadline. An ERR packet ends it and is returned.
    async fn skip_until(&mut self, deadline: Instant) -> Result<bool, Error> {
        while self.phase == Phase::Rows {
            if Instant::now() >= deadline {
                return Ok(false);
            }
            if !self.read_row_packet().await? {
                self.rows_end()?;
                if let Some(more) = self.more().await? {
                    self.drain(more).await?;
                }
            }
        }
        Ok(true)
    }
}
