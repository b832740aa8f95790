//! Building an [`Engine`]: the pool's settings, the same on every backend, and each
//! backend's own options, which exist only on that backend's builder (a PostgreSQL option
//! on `EngineBuilder<Sqlite>` does not compile).

use super::pool::{Engine, Settings};
use super::{DatabaseUrl, Error, IsolationLevel, StatementCacheMode};
use crate::backend::{driver::Pooled, Backend, Postgres};
use std::time::Duration;

/// Builds an [`Engine`]: `Engine::builder(url).pool_size(4).echo(true).build()?` for
/// PostgreSQL, `Engine::sqlite_builder(url)` for SQLite.
pub struct EngineBuilder<B: Backend = Postgres> {
    url: Result<DatabaseUrl, String>,
    pub(super) settings: Settings,
    pub(crate) options: <B as Pooled>::Options,
}

impl<B: Backend> Clone for EngineBuilder<B> {
    fn clone(&self) -> Self {
        EngineBuilder {
            url: self.url.clone(),
            settings: self.settings.clone(),
            options: self.options.clone(),
        }
    }
}

impl<B: Backend> std::fmt::Debug for EngineBuilder<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineBuilder")
            .field("backend", &B::DIALECT)
            .field("url", &self.url)
            .field("settings", &self.settings)
            .field("options", &self.options)
            .finish()
    }
}

/// PostgreSQL's engine options (set with the methods of `EngineBuilder<Postgres>`).
#[derive(Clone, Debug)]
pub struct PgOptions {
    pub(super) connect_timeout: Option<Duration>,
    pub(super) isolation: Option<IsolationLevel>,
    pub(super) statement_timeout: Option<Duration>,
    pub(super) statement_cache: usize,
    pub(super) statement_cache_mode: StatementCacheMode,
    pub(super) request_timeout: Option<Option<Duration>>,
    pub(super) max_rows: Option<u64>,
    pub(super) max_message_size: usize,
}

impl Default for PgOptions {
    fn default() -> Self {
        PgOptions {
            connect_timeout: None,
            isolation: None,
            statement_timeout: None,
            statement_cache: super::DEFAULT_STATEMENT_CACHE,
            statement_cache_mode: StatementCacheMode::Named,
            request_timeout: None,
            max_rows: None,
            max_message_size: super::DEFAULT_MAX_MESSAGE_SIZE,
        }
    }
}

impl<B: Backend> EngineBuilder<B> {
    /// A builder for `url` with the default settings; a bad URL is reported by
    /// [`build`](Self::build), naming the bad part.
    pub(crate) fn with_url(url: Result<DatabaseUrl, Error>) -> Self {
        EngineBuilder {
            url: url.map_err(|e| match e {
                Error::InvalidUrl { part, reason } => format!("{part}: {reason}"),
                other => other.to_string(),
            }),
            settings: Settings {
                pool_size: 5,
                max_overflow: 10,
                checkout_timeout: Duration::from_secs(30),
                echo: false,
                redact_params: false,
                slow_query: None,
                pre_ping: true,
            },
            options: Default::default(),
        }
    }

    /// Connections kept open between uses (default 5).
    pub fn pool_size(mut self, n: usize) -> Self {
        self.settings.pool_size = n;
        self
    }

    /// Extra connections opened under load (default 10); one returned while `pool_size`
    /// connections are already idle is closed.
    pub fn max_overflow(mut self, n: usize) -> Self {
        self.settings.max_overflow = n;
        self
    }

    /// How long a checkout waits for a free connection before [`Error::PoolTimeout`]
    /// (default 30 s).
    pub fn checkout_timeout(mut self, timeout: Duration) -> Self {
        self.settings.checkout_timeout = timeout;
        self
    }

    /// Print each statement to standard error (SQLAlchemy's `echo=True`). Statements are
    /// `tracing` events under [`SQL_LOG_TARGET`](super::SQL_LOG_TARGET) either way.
    pub fn echo(mut self, on: bool) -> Self {
        self.settings.echo = on;
        self
    }

    /// Every connection shows all parameters as `<redacted>` in echo and `tracing` events
    /// (see [`Connection::set_redact_params`](super::Connection::set_redact_params)).
    pub fn redact_params(mut self, on: bool) -> Self {
        self.settings.redact_params = on;
        self
    }

    /// Statements taking at least this long are logged at WARN level.
    pub fn slow_query_threshold(mut self, threshold: Duration) -> Self {
        self.settings.slow_query = Some(threshold);
        self
    }

    /// Ping an idle connection before handing it out (default on). Off saves a round trip
    /// per checkout; a connection the server closed then fails on first use.
    pub fn pre_ping(mut self, on: bool) -> Self {
        self.settings.pre_ping = on;
        self
    }

    /// The engine. No connection is opened until the first checkout. Fails on a bad URL,
    /// a URL of another backend, `pool_size + max_overflow` of 0, and on SQLite an
    /// in-memory database (each pooled connection would get its own, empty).
    pub fn build(self) -> Result<Engine<B>, Error> {
        let (url, opener, settings) = self.parts()?;
        Ok(Engine::from_parts(url, opener, settings))
    }

    /// The checked URL, the backend's opener and the pool settings: what the blocking and
    /// the async engine are built from.
    pub(super) fn parts(self) -> Result<(DatabaseUrl, B::Opener, Settings), Error> {
        let url = self.url.map_err(|reason| Error::InvalidUrl {
            part: "url".into(),
            reason,
        })?;
        if self
            .settings
            .pool_size
            .saturating_add(self.settings.max_overflow)
            == 0
        {
            return Err(Error::Misuse(
                "an engine needs pool_size + max_overflow of at least 1".into(),
            ));
        }
        let opener = B::opener(&url, &self.options)?;
        Ok((url, opener, self.settings))
    }
}

/// Options only PostgreSQL has.
impl EngineBuilder<Postgres> {
    /// How long opening one connection may take (default: the URL's `connect_timeout`, or
    /// 10 seconds).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.options.connect_timeout = Some(timeout);
        self
    }

    /// The isolation level of every transaction unless one asks for another (default:
    /// the server's, normally READ COMMITTED).
    pub fn isolation_level(mut self, level: IsolationLevel) -> Self {
        self.options.isolation = Some(level);
        self
    }

    /// Statements running longer are cancelled by the server with
    /// [`DbErrorKind::StatementTimeout`](super::DbErrorKind::StatementTimeout). Unless
    /// [`request_timeout`](Self::request_timeout) says otherwise, the client then waits at
    /// most this plus [`REQUEST_TIMEOUT_GRACE`](super::REQUEST_TIMEOUT_GRACE) for any
    /// answer, so a server that stops answering altogether cannot hang the caller either.
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.options.statement_timeout = Some(timeout);
        self
    }

    /// The longest each connection waits for the server (see
    /// [`Connection::set_request_timeout`](super::Connection::set_request_timeout));
    /// `None` waits for ever. Default: the `statement_timeout` plus
    /// [`REQUEST_TIMEOUT_GRACE`](super::REQUEST_TIMEOUT_GRACE) when there is one,
    /// otherwise none — the client cannot know how long a legitimate statement of yours
    /// runs, and TCP keepalives (on by default) already find a server host or network that
    /// is gone. Work that lifts its own statement timeout (`SET statement_timeout = 0` for
    /// a long migration) lifts this one too, with `Connection::set_request_timeout`.
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.options.request_timeout = Some(timeout);
        self
    }

    /// The `max_rows` guard on every connection (see
    /// [`Connection::set_max_rows`](super::Connection::set_max_rows)).
    pub fn max_rows(mut self, rows: u64) -> Self {
        self.options.max_rows = Some(rows);
        self
    }

    /// The longest message accepted from the server (see
    /// [`Connection::set_max_message_size`](super::Connection::set_max_message_size)).
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.options.max_message_size = bytes;
        self
    }

    /// Prepared statements kept per connection (default 256).
    pub fn statement_cache_size(mut self, n: usize) -> Self {
        self.options.statement_cache = n.max(1);
        self
    }

    /// How connections keep statements (default [`StatementCacheMode::Named`]); behind
    /// PgBouncer in transaction mode (before 1.21, or without `max_prepared_statements`)
    /// use [`StatementCacheMode::Unnamed`].
    pub fn statement_cache_mode(mut self, mode: StatementCacheMode) -> Self {
        self.options.statement_cache_mode = mode;
        self
    }
}
