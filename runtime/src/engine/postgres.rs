//! PostgreSQL's side of the backend seam: how a `Connection<Postgres>` runs what every
//! connection runs.

use super::builder::PgOptions;
use super::{Connection, DatabaseUrl, Dialect, Error, RowData, TransactionOptions};
use crate::backend::driver::{Driver, Pooled};
use crate::backend::Postgres;
use crate::render::Rendered;
use std::time::{Duration, Instant};

impl Driver for Postgres {
    type Link = super::connection::PgLink;

    fn open(url: &DatabaseUrl) -> Result<Connection<Self>, Error> {
        Connection::connect_url(url)
    }

    #[inline]
    fn run(
        conn: &mut Connection<Self>,
        statement: &Rendered<'_>,
        sink: &mut dyn FnMut(RowData<'_>) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        conn.pg_run(statement, sink)
    }

    fn batch(conn: &mut Connection<Self>, sql: &str) -> Result<(), Error> {
        conn.pg_batch(sql)
    }

    fn control(
        conn: &mut Connection<Self>,
        sql: &str,
        deadline: Option<Instant>,
    ) -> Result<(), Error> {
        conn.pg_control(sql, deadline)
    }

    fn begin_sql(_link: &Self::Link, options: &TransactionOptions) -> Result<String, Error> {
        let mut sql = String::from("BEGIN");
        if let Some(isolation) = options.isolation {
            sql.push_str(" ISOLATION LEVEL ");
            sql.push_str(isolation.as_sql());
        }
        match options.read_only {
            Some(true) => sql.push_str(" READ ONLY"),
            Some(false) => sql.push_str(" READ WRITE"),
            None => {}
        }
        Ok(sql)
    }

    #[inline]
    fn knows(link: &Self::Link, key: u64, types_key: u64) -> bool {
        link.knows(key, types_key)
    }

    fn is_closed(link: &Self::Link) -> bool {
        link.wire.is_closed()
    }

    fn server_in_transaction(link: &Self::Link) -> bool {
        link.wire.in_transaction()
    }

    fn server_transaction_failed(link: &Self::Link) -> bool {
        link.wire.transaction_failed()
    }

    fn ping_before(conn: &mut Connection<Self>, deadline: Option<Instant>) -> Result<(), Error> {
        match deadline {
            Some(deadline) => conn.pg_ping_before(deadline),
            None => conn.ping(),
        }
    }
}

/// What a PostgreSQL engine keeps to open its connections.
pub struct PgOpener {
    url: DatabaseUrl,
    /// The URL's wire configuration with the engine's startup options in it.
    config: super::wire::Config,
    request_timeout: Option<Duration>,
    options: PgOptions,
}

impl PgOpener {
    /// Opens a connection with the engine's options on either kind of socket, giving up
    /// at `deadline`: the blocking engine's and the async engine's one way to connect.
    pub(super) async fn open_io(
        &self,
        deadline: Option<Instant>,
        kind: super::wire::SocketKind,
    ) -> Result<Connection<Postgres>, Error> {
        let mut config = self.config.clone();
        if let Some(deadline) = deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if left < config.connect_timeout {
                config.connect_timeout = left.max(Duration::from_millis(1));
            }
            config.all_hosts_by = Some(deadline);
        }
        let mut conn = Connection::connect_config_io(&self.url, config, kind).await?;
        let options = &self.options;
        conn.set_statement_cache_size(options.statement_cache);
        conn.set_statement_cache_mode(options.statement_cache_mode);
        conn.set_max_rows(options.max_rows);
        conn.set_max_message_size(options.max_message_size);
        conn.set_request_timeout(self.request_timeout)?;
        Ok(conn)
    }
}

impl Pooled for Postgres {
    type Options = PgOptions;
    type Opener = PgOpener;

    /// The statement timeout and the default isolation level are startup options of each
    /// connection (no extra round trip).
    fn opener(url: &DatabaseUrl, options: &PgOptions) -> Result<PgOpener, Error> {
        if url.dialect != Dialect::Postgres {
            return Err(Error::InvalidUrl {
                part: "scheme".into(),
                reason: format!(
                    "Engine::new and Engine::builder open PostgreSQL, not {url}; for SQLite use \
                     Engine::sqlite or Engine::sqlite_builder"
                ),
            });
        }
        let mut config = url.to_config()?;
        let mut startup = config.options.clone().unwrap_or_default();
        if let Some(timeout) = options.statement_timeout {
            // PostgreSQL takes milliseconds up to i32::MAX; 0 turns the timeout off.
            let ms = timeout.as_millis().min(i32::MAX as u128);
            let ms = if timeout.is_zero() { 0 } else { ms.max(1) };
            startup.push_str(&format!(" -c statement_timeout={ms}"));
        }
        if let Some(level) = options.isolation {
            startup.push_str(&format!(
                " -c default_transaction_isolation={}",
                level.setting()
            ));
        }
        if !startup.trim().is_empty() {
            config.options = Some(startup.trim().to_string());
        }
        // Otherwise the URL's connect_timeout, or 10 seconds.
        if let Some(t) = options.connect_timeout {
            config.connect_timeout =
                t.clamp(Duration::from_millis(1), super::url::MAX_CONNECT_TIMEOUT);
        }
        let request_timeout = match options.request_timeout {
            Some(chosen) => chosen,
            None => options
                .statement_timeout
                .filter(|t| !t.is_zero())
                .map(|t| t.saturating_add(super::REQUEST_TIMEOUT_GRACE)),
        };
        Ok(PgOpener {
            url: url.clone(),
            config,
            request_timeout,
            options: options.clone(),
        })
    }

    fn open_pooled(
        opener: &PgOpener,
        deadline: Option<Instant>,
    ) -> Result<Connection<Self>, Error> {
        super::wire::now(opener.open_io(deadline, super::wire::SocketKind::Blocking))
    }

    fn reset(opener: &PgOpener, conn: &mut Connection<Self>) -> Result<(), Error> {
        conn.set_max_rows(opener.options.max_rows);
        if conn.request_timeout() != opener.request_timeout {
            conn.set_request_timeout(opener.request_timeout)?;
        }
        Ok(())
    }

    fn rollback_bound(opener: &PgOpener) -> Duration {
        opener.config.connect_timeout
    }
}
