//! SQLite's part of the engine: how a pooled connection to the database file is opened,
//! reset and pinged. The pool itself is the engine's, the same as PostgreSQL's.

use super::{path_of, Sqlite, DEFAULT_BUSY_TIMEOUT};
use crate::backend::driver::Pooled;
use crate::engine::{Connection, DatabaseUrl, Dialect, Error};
use std::time::{Duration, Instant};

/// SQLite's engine options: none beyond the pool's own (the busy timeout is the URL's
/// `busy_timeout`).
#[derive(Clone, Debug, Default)]
pub struct SqliteOptions {}

/// What a SQLite engine keeps to open its connections.
pub struct SqliteOpener {
    url: DatabaseUrl,
    busy_timeout: Duration,
}

impl Pooled for Sqlite {
    type Options = SqliteOptions;
    type Opener = SqliteOpener;

    /// Refuses an in-memory database: each pooled connection would open its own, empty
    /// one, and a row written on one connection would be missing on the next.
    fn opener(url: &DatabaseUrl, _options: &SqliteOptions) -> Result<SqliteOpener, Error> {
        if url.dialect != Dialect::Sqlite {
            return Err(Error::InvalidUrl {
                part: "scheme".into(),
                reason: format!(
                    "Engine::sqlite and Engine::sqlite_builder open SQLite, not {url}; for \
                     PostgreSQL use Engine::new or Engine::builder"
                ),
            });
        }
        let path = path_of(url);
        if path.is_empty() || path == ":memory:" {
            return Err(Error::InvalidUrl {
                part: "database".into(),
                reason: "an engine pools several connections, and each would get its own \
                         empty in-memory database; use a file (sqlite:///app.db), or one \
                         SqliteConnection for an in-memory database"
                    .into(),
            });
        }
        let busy_timeout = url.sqlite_busy_timeout()?.unwrap_or(DEFAULT_BUSY_TIMEOUT);
        Ok(SqliteOpener {
            url: url.clone(),
            busy_timeout,
        })
    }

    /// Opening a file takes no network round trip: the deadline is not needed (a lock
    /// held by another connection is waited on for the busy timeout at most).
    fn open_pooled(
        opener: &SqliteOpener,
        _deadline: Option<Instant>,
    ) -> Result<Connection<Self>, Error> {
        Connection::<Sqlite>::open_url(&opener.url)
    }

    fn reset(_opener: &SqliteOpener, _conn: &mut Connection<Self>) -> Result<(), Error> {
        // The engine's only per-connection settings (echo, redaction, slow queries) are
        // put back by the pool itself.
        Ok(())
    }

    /// ROLLBACK waits for no other connection's lock; the busy timeout bounds it anyway.
    fn rollback_bound(opener: &SqliteOpener) -> Duration {
        opener.busy_timeout
    }
}
