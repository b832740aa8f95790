//! A connection whose backend its URL picks at run time, as SQLAlchemy's
//! `create_engine(url)`: `Connection<Any>` (`AnyConnection`) and `Engine<Any>`.
//!
//! It runs what every backend it can pick runs: a query using a feature one of them lacks
//! (ILIKE, arrays, COPY, FULL JOIN, UPDATE .. RETURNING, ...) is a compile error on it, as
//! on that backend's own connection. It picks PostgreSQL, SQLite, and with feature `mysql`
//! MySQL/MariaDB; what it refuses does not depend on that feature (MySQL's gaps are refused
//! either way), so enabling `mysql` in one crate breaks no other crate's build. Rendering
//! asks the connection which dialect it speaks, so the one render walk writes `$1` for a
//! PostgreSQL URL, `?1` for a SQLite one and `?` for a MySQL one.

use super::driver::{Driver, Pooled};
use super::needs::LacksPgFeatures;
#[cfg(feature = "mysql")]
use super::Mysql;
use super::{Backend, Dialect, Postgres, Sqlite};
use crate::engine::{Connection, DatabaseUrl, Error, RowData, TransactionOptions};
use crate::render::Rendered;
use std::time::{Duration, Instant};

/// The backend a URL picks at run time: PostgreSQL, SQLite, or (feature `mysql`) MySQL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Any;

/// The connection underneath an [`Any`] connection (non-exhaustive: feature `mysql` adds
/// a variant).
#[non_exhaustive]
pub enum AnyLink {
    /// A PostgreSQL connection.
    Postgres(Box<Connection<Postgres>>),
    /// A SQLite connection.
    Sqlite(Box<Connection<Sqlite>>),
    /// A MySQL or MariaDB connection.
    #[cfg(feature = "mysql")]
    Mysql(Box<Connection<Mysql>>),
}

impl LacksPgFeatures for Any {}

/// The inner connection, borrowed.
pub(crate) enum Inner<'a> {
    Postgres(&'a mut Connection<Postgres>),
    Sqlite(&'a mut Connection<Sqlite>),
    #[cfg(feature = "mysql")]
    Mysql(&'a mut Connection<Mysql>),
}

/// Runs `$body` with `$c` bound to the inner connection, whichever its backend (the body is
/// written once and compiled per backend), with the outer connection's state.
macro_rules! on_each {
    ($conn:expr, |$c:ident| $body:expr) => {
        $crate::backend::any::on_inner($conn, |inner| match inner {
            $crate::backend::any::Inner::Postgres($c) => $body,
            $crate::backend::any::Inner::Sqlite($c) => $body,
            #[cfg(feature = "mysql")]
            $crate::backend::any::Inner::Mysql($c) => $body,
        })
    };
}
pub(crate) use on_each;

/// `$body` with `$c` bound to the inner connection's link-level part, whichever its backend.
macro_rules! on_link {
    ($link:expr, |$c:ident| $body:expr) => {
        match $link {
            AnyLink::Postgres($c) => $body,
            AnyLink::Sqlite($c) => $body,
            #[cfg(feature = "mysql")]
            AnyLink::Mysql($c) => $body,
        }
    };
}

/// Runs `f` on the inner connection with the outer one's state (echo, transaction depth,
/// the aborted flag) and brings back what the call changed.
pub(crate) fn on_inner<T>(
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
        #[cfg(feature = "mysql")]
        AnyLink::Mysql(inner) => sync!(inner, Mysql),
    };
    conn.aborted = aborted;
    conn.broken |= broken;
    result
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
        on_each!(conn, |c| Driver::run(c, statement, sink))
    }

    fn batch(conn: &mut Connection<Self>, sql: &str) -> Result<(), Error> {
        on_each!(conn, |c| Driver::batch(c, sql))
    }

    fn control(
        conn: &mut Connection<Self>,
        sql: &str,
        deadline: Option<Instant>,
    ) -> Result<(), Error> {
        on_each!(conn, |c| Driver::control(c, sql, deadline))
    }

    fn begin_sql(link: &AnyLink, options: &TransactionOptions) -> Result<String, Error> {
        on_link!(link, |c| begin_sql_of(c, options))
    }

    fn knows(link: &AnyLink, key: u64, types_key: u64) -> bool {
        on_link!(link, |c| knows_of(c, key, types_key))
    }

    fn is_closed(link: &AnyLink) -> bool {
        on_link!(link, |c| is_closed_of(c))
    }

    fn server_in_transaction(link: &AnyLink) -> bool {
        on_link!(link, |c| in_transaction_of(c))
    }

    fn server_transaction_failed(link: &AnyLink) -> bool {
        on_link!(link, |c| transaction_failed_of(c))
    }

    fn ping_before(conn: &mut Connection<Self>, deadline: Option<Instant>) -> Result<(), Error> {
        on_each!(conn, |c| Driver::ping_before(c, deadline))
    }
}

// The link-level calls on an inner connection of backend `B` (named, so that `on_link!`'s
// one body compiles for each backend).
fn begin_sql_of<B: Driver + Backend>(
    c: &Connection<B>,
    options: &TransactionOptions,
) -> Result<String, Error> {
    B::begin_sql(&c.link, options)
}
fn knows_of<B: Driver + Backend>(c: &Connection<B>, key: u64, types_key: u64) -> bool {
    B::knows(&c.link, key, types_key)
}
fn is_closed_of<B: Driver + Backend>(c: &Connection<B>) -> bool {
    B::is_closed(&c.link)
}
fn in_transaction_of<B: Driver + Backend>(c: &Connection<B>) -> bool {
    B::server_in_transaction(&c.link)
}
fn transaction_failed_of<B: Driver + Backend>(c: &Connection<B>) -> bool {
    B::server_transaction_failed(&c.link)
}

impl Backend for Any {
    /// What an `Any` connection starts as; each connection answers
    /// [`Connection::dialect`](crate::Connection::dialect) with its own.
    const DIALECT: Dialect = Dialect::Postgres;

    fn dialect_of(link: &AnyLink) -> Dialect {
        match link {
            AnyLink::Postgres(_) => Dialect::Postgres,
            AnyLink::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "mysql")]
            AnyLink::Mysql(_) => Dialect::Mysql,
        }
    }
}

impl Connection<Any> {
    /// Connects to the database a URL names, PostgreSQL (`postgres://`), SQLite
    /// (`sqlite:///path.db`) or, with feature `mysql`, MySQL/MariaDB (`mysql://`,
    /// `mariadb://`), as SQLAlchemy's `create_engine(url)` does: the queries that run on it
    /// are those every backend runs.
    pub fn open(url: &str) -> Result<Self, Error> {
        Self::open_url(&DatabaseUrl::parse(url)?)
    }

    /// Connects with an already parsed URL.
    pub fn open_url(url: &DatabaseUrl) -> Result<Self, Error> {
        let link = match url.dialect {
            Dialect::Postgres => AnyLink::Postgres(Box::new(Connection::connect_url(url)?)),
            Dialect::Sqlite => AnyLink::Sqlite(Box::new(Connection::<Sqlite>::open_url(url)?)),
            #[cfg(feature = "mysql")]
            Dialect::Mysql => AnyLink::Mysql(Box::new(Connection::<Mysql>::open_url(url)?)),
            #[cfg(not(feature = "mysql"))]
            Dialect::Mysql => return Err(mysql_not_any()),
        };
        Ok(Self::wrap(link))
    }

    fn wrap(link: AnyLink) -> Self {
        let target = on_link!(&link, |c| c.target.clone());
        Connection::from_link(link, target)
    }
}

/// Without feature `mysql`, `Any` picks PostgreSQL or SQLite.
#[cfg(not(feature = "mysql"))]
fn mysql_not_any() -> Error {
    Error::InvalidUrl {
        part: "scheme".into(),
        reason: "a MySQL URL: `Any` connects to MySQL with feature `mysql` (without it, to \
                 PostgreSQL or SQLite)"
            .into(),
    }
}

/// What an `Any` engine keeps to open connections: the opener of the backend its URL
/// picked (non-exhaustive: feature `mysql` adds a variant).
#[non_exhaustive]
pub enum AnyOpener {
    /// PostgreSQL's.
    Postgres(Box<<Postgres as Pooled>::Opener>),
    /// SQLite's.
    Sqlite(Box<<Sqlite as Pooled>::Opener>),
    /// MySQL's.
    #[cfg(feature = "mysql")]
    Mysql(Box<<Mysql as Pooled>::Opener>),
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
            #[cfg(feature = "mysql")]
            Dialect::Mysql => AnyOpener::Mysql(Box::new(Mysql::opener(url, &Default::default())?)),
            #[cfg(not(feature = "mysql"))]
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
            #[cfg(feature = "mysql")]
            AnyOpener::Mysql(o) => AnyLink::Mysql(Box::new(Mysql::open_pooled(o, deadline)?)),
        };
        Ok(Connection::wrap(link))
    }

    fn reset(opener: &AnyOpener, conn: &mut Connection<Self>) -> Result<(), Error> {
        match (opener, &mut conn.link) {
            (AnyOpener::Postgres(o), AnyLink::Postgres(c)) => Postgres::reset(o, c),
            (AnyOpener::Sqlite(o), AnyLink::Sqlite(c)) => Sqlite::reset(o, c),
            #[cfg(feature = "mysql")]
            (AnyOpener::Mysql(o), AnyLink::Mysql(c)) => Mysql::reset(o, c),
            _ => Err(Error::Misuse(
                "a pooled connection came back to an engine of another backend".into(),
            )),
        }
    }

    fn rollback_bound(opener: &AnyOpener) -> Duration {
        match opener {
            AnyOpener::Postgres(o) => Postgres::rollback_bound(o),
            AnyOpener::Sqlite(o) => Sqlite::rollback_bound(o),
            #[cfg(feature = "mysql")]
            AnyOpener::Mysql(o) => Mysql::rollback_bound(o),
        }
    }
}

impl crate::engine::Engine<Any> {
    /// An engine on the database a URL names, PostgreSQL, SQLite or (feature `mysql`)
    /// MySQL, with default settings
    /// (SQLAlchemy's `create_engine(url)`; see [`crate::create_engine`]).
    pub fn any(url: &str) -> Result<Self, Error> {
        Self::any_builder(url).build()
    }

    /// Starts building an engine whose backend the URL picks.
    pub fn any_builder(url: &str) -> crate::engine::EngineBuilder<Any> {
        crate::engine::EngineBuilder::with_url(DatabaseUrl::parse(url))
    }
}
