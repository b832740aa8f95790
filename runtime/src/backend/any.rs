//! A connection whose backend its URL picks at run time, as SQLAlchemy's
//! `create_engine(url)`: `Connection<Any>` (`AnyConnection`) and `Engine<Any>`.
//!
//! It runs what every compiled-in backend runs: a query using a feature one of them lacks
//! (ILIKE, arrays, COPY, ...) is a compile error on it, as on that backend's own connection.
//! Rendering asks the connection which dialect it speaks, so the one render walk writes `$1`
//! for a PostgreSQL URL and `?1` for a SQLite one.

use super::driver::{Driver, Pooled};
use super::needs::LacksPgFeatures;
use super::{Backend, Dialect, Postgres, Sqlite};
use crate::engine::{Connection, DatabaseUrl, Error, RowData, TransactionOptions};
use crate::render::Rendered;
use std::time::{Duration, Instant};

/// The backend a URL picks at run time: PostgreSQL or SQLite.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Any;

/// The connection underneath an [`Any`] connection.
pub enum AnyLink {
    /// A PostgreSQL connection.
    Postgres(Box<Connection<Postgres>>),
    /// A SQLite connection.
    Sqlite(Box<Connection<Sqlite>>),
}

impl LacksPgFeatures for Any {}

/// The inner connection, borrowed.
enum Inner<'a> {
    Postgres(&'a mut Connection<Postgres>),
    Sqlite(&'a mut Connection<Sqlite>),
}

/// Runs `f` on the inner connection with the outer one's state (echo, transaction depth,
/// the aborted flag) and brings back what the call changed.
fn on_inner<T>(
    conn: &mut Connection<Any>,
    f: impl FnOnce(Inner<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let (echo, depth, aborted) = (conn.echo, conn.depth, conn.aborted);
    macro_rules! sync {
        ($inner:expr, $variant:ident) => {{
            let inner = &mut **$inner;
            inner.echo = echo;
            inner.depth = depth;
            inner.aborted = aborted;
            let result = f(Inner::$variant(&mut *inner));
            (result, inner.aborted, inner.broken)
        }};
    }
    let (result, aborted, broken) = match &mut conn.link {
        AnyLink::Postgres(inner) => sync!(inner, Postgres),
        AnyLink::Sqlite(inner) => sync!(inner, Sqlite),
    };
    conn.aborted = aborted;
    conn.broken |= broken;
    result
}

/// Runs `pg` or `lite` on the inner connection (with the outer one's state), for code that
/// has one form per backend (the migration runner's bookkeeping).
pub(crate) fn per_backend<T>(
    conn: &mut Connection<Any>,
    pg: impl FnOnce(&mut Connection<Postgres>) -> Result<T, Error>,
    lite: impl FnOnce(&mut Connection<Sqlite>) -> Result<T, Error>,
) -> Result<T, Error> {
    on_inner(conn, |inner| match inner {
        Inner::Postgres(c) => pg(c),
        Inner::Sqlite(c) => lite(c),
    })
}

impl Driver for Any {
    type Link = AnyLink;

    fn open(url: &DatabaseUrl) -> Result<Connection<Self>, Error> {
        Connection::<Any>::open_url(url)
    }

    fn run(
        conn: &mut Connection<Self>,
        statement: &Rendered<'_>,
        sink: &mut dyn FnMut(RowData<'_>) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        on_inner(conn, |inner| match inner {
            Inner::Postgres(c) => Postgres::run(c, statement, sink),
            Inner::Sqlite(c) => Sqlite::run(c, statement, sink),
        })
    }

    fn batch(conn: &mut Connection<Self>, sql: &str) -> Result<(), Error> {
        on_inner(conn, |inner| match inner {
            Inner::Postgres(c) => Postgres::batch(c, sql),
            Inner::Sqlite(c) => Sqlite::batch(c, sql),
        })
    }

    fn control(
        conn: &mut Connection<Self>,
        sql: &str,
        deadline: Option<Instant>,
    ) -> Result<(), Error> {
        on_inner(conn, |inner| match inner {
            Inner::Postgres(c) => Postgres::control(c, sql, deadline),
            Inner::Sqlite(c) => Sqlite::control(c, sql, deadline),
        })
    }

    fn begin_sql(link: &AnyLink, options: &TransactionOptions) -> Result<String, Error> {
        match link {
            AnyLink::Postgres(c) => Postgres::begin_sql(&c.link, options),
            AnyLink::Sqlite(c) => Sqlite::begin_sql(&c.link, options),
        }
    }

    fn knows(link: &AnyLink, key: u64, types_key: u64) -> bool {
        match link {
            AnyLink::Postgres(c) => Postgres::knows(&c.link, key, types_key),
            AnyLink::Sqlite(c) => Sqlite::knows(&c.link, key, types_key),
        }
    }

    fn is_closed(link: &AnyLink) -> bool {
        match link {
            AnyLink::Postgres(c) => Postgres::is_closed(&c.link),
            AnyLink::Sqlite(c) => Sqlite::is_closed(&c.link),
        }
    }

    fn server_in_transaction(link: &AnyLink) -> bool {
        match link {
            AnyLink::Postgres(c) => Postgres::server_in_transaction(&c.link),
            AnyLink::Sqlite(c) => Sqlite::server_in_transaction(&c.link),
        }
    }

    fn server_transaction_failed(link: &AnyLink) -> bool {
        match link {
            AnyLink::Postgres(c) => Postgres::server_transaction_failed(&c.link),
            AnyLink::Sqlite(c) => Sqlite::server_transaction_failed(&c.link),
        }
    }

    fn ping_before(conn: &mut Connection<Self>, deadline: Option<Instant>) -> Result<(), Error> {
        on_inner(conn, |inner| match inner {
            Inner::Postgres(c) => Postgres::ping_before(c, deadline),
            Inner::Sqlite(c) => Sqlite::ping_before(c, deadline),
        })
    }
}

impl Backend for Any {
    /// What an `Any` connection starts as; each connection answers
    /// [`Connection::dialect`](crate::Connection::dialect) with its own.
    const DIALECT: Dialect = Dialect::Postgres;

    fn dialect_of(link: &AnyLink) -> Dialect {
        match link {
            AnyLink::Postgres(_) => Dialect::Postgres,
            AnyLink::Sqlite(_) => Dialect::Sqlite,
        }
    }
}

impl Connection<Any> {
    /// Connects to the database a URL names, PostgreSQL (`postgres://`) or SQLite
    /// (`sqlite:///path.db`), as SQLAlchemy's `create_engine(url)` does: the queries that
    /// run on it are those every backend runs.
    pub fn open(url: &str) -> Result<Self, Error> {
        Self::open_url(&DatabaseUrl::parse(url)?)
    }

    /// Connects with an already parsed URL.
    pub fn open_url(url: &DatabaseUrl) -> Result<Self, Error> {
        let link = match url.dialect {
            Dialect::Postgres => AnyLink::Postgres(Box::new(Connection::connect_url(url)?)),
            Dialect::Sqlite => AnyLink::Sqlite(Box::new(Connection::<Sqlite>::open_url(url)?)),
            Dialect::Mysql => return Err(mysql_not_any()),
        };
        Ok(Self::wrap(link))
    }

    fn wrap(link: AnyLink) -> Self {
        let target = match &link {
            AnyLink::Postgres(c) => c.target.clone(),
            AnyLink::Sqlite(c) => c.target.clone(),
        };
        Connection::from_link(link, target)
    }
}

/// `Any` picks PostgreSQL or SQLite; MySQL is not among them yet (its connection is
/// `Connection<Mysql>`, feature `mysql`).
fn mysql_not_any() -> Error {
    Error::InvalidUrl {
        part: "scheme".into(),
        reason: "a MySQL URL: `Any` connects to PostgreSQL or SQLite; use Connection<Mysql> \
                 (feature `mysql`)"
            .into(),
    }
}

/// What an `Any` engine keeps to open connections: the opener of the backend its URL
/// picked.
pub enum AnyOpener {
    /// PostgreSQL's.
    Postgres(Box<<Postgres as Pooled>::Opener>),
    /// SQLite's.
    Sqlite(Box<<Sqlite as Pooled>::Opener>),
}

impl Pooled for Any {
    /// No options beyond the pool's: a PostgreSQL-only setting (statement timeout, ...)
    /// needs `Engine<Postgres>`.
    type Options = ();
    type Opener = AnyOpener;

    fn opener(url: &DatabaseUrl, _options: &()) -> Result<AnyOpener, Error> {
        Ok(match url.dialect {
            Dialect::Postgres => {
                AnyOpener::Postgres(Box::new(Postgres::opener(url, &Default::default())?))
            }
            Dialect::Sqlite => {
                AnyOpener::Sqlite(Box::new(Sqlite::opener(url, &Default::default())?))
            }
            Dialect::Mysql => return Err(mysql_not_any()),
        })
    }

    fn open_pooled(
        opener: &AnyOpener,
        deadline: Option<Instant>,
    ) -> Result<Connection<Self>, Error> {
        let link = match opener {
            AnyOpener::Postgres(o) => {
                AnyLink::Postgres(Box::new(Postgres::open_pooled(o, deadline)?))
            }
            AnyOpener::Sqlite(o) => AnyLink::Sqlite(Box::new(Sqlite::open_pooled(o, deadline)?)),
        };
        Ok(Connection::wrap(link))
    }

    fn reset(opener: &AnyOpener, conn: &mut Connection<Self>) -> Result<(), Error> {
        match (opener, &mut conn.link) {
            (AnyOpener::Postgres(o), AnyLink::Postgres(c)) => Postgres::reset(o, c),
            (AnyOpener::Sqlite(o), AnyLink::Sqlite(c)) => Sqlite::reset(o, c),
            _ => Err(Error::Misuse(
                "a pooled connection came back to an engine of another backend".into(),
            )),
        }
    }

    fn rollback_bound(opener: &AnyOpener) -> Duration {
        match opener {
            AnyOpener::Postgres(o) => Postgres::rollback_bound(o),
            AnyOpener::Sqlite(o) => Sqlite::rollback_bound(o),
        }
    }
}

impl crate::engine::Engine<Any> {
    /// An engine on the database a URL names, PostgreSQL or SQLite, with default settings
    /// (SQLAlchemy's `create_engine(url)`; see [`crate::create_engine`]).
    pub fn any(url: &str) -> Result<Self, Error> {
        Self::any_builder(url).build()
    }

    /// Starts building an engine whose backend the URL picks.
    pub fn any_builder(url: &str) -> crate::engine::EngineBuilder<Any> {
        crate::engine::EngineBuilder::with_url(DatabaseUrl::parse(url))
    }
}
