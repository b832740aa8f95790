//! MySQL's part of the engine: how a pooled connection is opened, and put back as new when
//! it is returned (COM_RESET_CONNECTION, then the session settings again).

use super::{Mysql, DEFAULT_CONNECT_TIMEOUT};
use crate::backend::driver::Pooled;
use crate::engine::wire::TlsSettings;
use crate::engine::{Connection, DatabaseUrl, Dialect, Error};
use std::time::{Duration, Instant};

/// MySQL's engine options (set with the methods of `EngineBuilder<Mysql>`): a statement
/// timeout. The connection's other settings (timeouts, charset, TLS mode) are the URL's;
/// PostgreSQL's other engine options (`isolation_level`, `max_rows`, ...) are methods of
/// `EngineBuilder<Postgres>` only, so they do not compile on a MySQL engine.
#[derive(Clone, Debug, Default)]
pub struct MysqlOptions {
    statement_timeout: Option<Duration>,
}

/// Options only MySQL's engine has.
impl crate::engine::EngineBuilder<Mysql> {
    /// Statements running longer are stopped by the server (MariaDB's
    /// `max_statement_time`, set on every connection and again after every reset) with
    /// [`DbErrorKind::StatementTimeout`](crate::engine::DbErrorKind::StatementTimeout); the
    /// client then waits at most this plus
    /// [`REQUEST_TIMEOUT_GRACE`](crate::engine::REQUEST_TIMEOUT_GRACE) for any answer
    /// unless the URL's `read_timeout` says otherwise. The same as the URL's
    /// `statement_timeout` (which this replaces); at least a microsecond, at most a day.
    /// MySQL 8 has no `max_statement_time` (its `max_execution_time` bounds SELECTs only):
    /// there, connecting fails with the server's "unknown system variable" error rather
    /// than run without the bound.
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.options.statement_timeout = Some(timeout);
        self
    }
}

/// What a MySQL engine keeps to open connections: the checked URL.
pub struct MysqlOpener {
    url: DatabaseUrl,
    /// The longest a ROLLBACK on return may take: the URL's `read_timeout`, bounding every
    /// wait on the socket; `None` when the URL sets none.
    read_timeout: Option<Duration>,
    /// The URL's TLS settings, kept so that the pool's connections share one rustls
    /// configuration (the CA and client certificate files read once).
    tls: TlsSettings,
}

impl MysqlOpener {
    /// Opens a connection on a tokio socket for the async engine (see `open_pooled`).
    #[cfg(feature = "tokio")]
    pub(crate) async fn open_io(
        &self,
        deadline: Option<Instant>,
    ) -> Result<Connection<Mysql>, Error> {
        let kind = crate::engine::wire::SocketKind::Tokio;
        Connection::<Mysql>::open_io(&self.url, Some(&self.tls), deadline, kind).await
    }
}

impl Pooled for Mysql {
    type Options = MysqlOptions;
    type Opener = MysqlOpener;

    /// Checks that the URL is MySQL's and that its options are ones a MySQL connection
    /// acts on (the same check as opening one), once, when the engine is built.
    fn opener(url: &DatabaseUrl, engine: &MysqlOptions) -> Result<MysqlOpener, Error> {
        if url.dialect != Dialect::Mysql {
            return Err(Error::InvalidUrl {
                part: "scheme".into(),
                reason: format!(
                    "Engine::mysql and Engine::mysql_builder open MySQL or MariaDB, not {url}; \
                     for PostgreSQL use Engine::new or Engine::builder"
                ),
            });
        }
        let url = match engine.statement_timeout {
            Some(limit) => url.clone().with_param(
                "statement_timeout",
                &crate::engine::statement_timeout_param(limit),
            )?,
            None => url.clone(),
        };
        let options = url.mysql_options()?;
        Ok(MysqlOpener {
            url,
            read_timeout: options.read_timeout.or(options
                .statement_timeout
                .map(|limit| limit + crate::engine::REQUEST_TIMEOUT_GRACE)),
            tls: options.tls,
        })
    }

    /// The TCP connect gives up at the checkout deadline if the URL's `connect_timeout`
    /// would wait longer.
    fn open_pooled(
        opener: &MysqlOpener,
        deadline: Option<Instant>,
    ) -> Result<Connection<Self>, Error> {
        Connection::<Mysql>::open_with(&opener.url, Some(&opener.tls), deadline)
    }

    /// COM_RESET_CONNECTION: whatever the user left on the session (variables, user
    /// variables, temporary tables, locks, prepared statements, a transaction) is gone;
    /// utf8mb4, the `sql_mode` and the UTC time zone are set again.
    fn reset(_opener: &MysqlOpener, conn: &mut Connection<Self>) -> Result<(), Error> {
        let result = conn.link.reset();
        conn.note(result)
    }

    /// The URL's `read_timeout`, which is what bounds the ROLLBACK's wait on the socket:
    /// the client takes no per-call deadline, so without a `read_timeout` in the URL the
    /// ROLLBACK of a connection returned inside a transaction waits as long as the server
    /// takes (docs/design.md, "MySQL engine").
    fn rollback_bound(opener: &MysqlOpener) -> Duration {
        opener.read_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT)
    }
}
