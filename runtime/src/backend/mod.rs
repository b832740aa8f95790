//! Backends: what differs between databases.
//!
//! A backend is a zero-sized type ([`Postgres`], `Sqlite`) that a connection carries:
//! `Connection<Postgres>` (the default, spelled `Connection`), `Connection<Sqlite>`. Tables,
//! columns, expressions and queries name no backend; the same query value runs on either.
//! What a backend owns:
//!
//! - **Spelling**, as data: the [`Dialect`] the renderer asks for placeholders, identifier
//!   quoting, function names and the forms of `IN` lists. A query is rendered once per run,
//!   by one walk that is not generic in the backend.
//! - **Values**: how each Rust value crosses into the database ([`Encode`]) and back
//!   ([`FromSqlValue`](crate::types::FromSqlValue)), one small method per backend per type.
//! - **Connections**: how statements are sent and rows read (the hidden `Driver` trait).
//!
//! See docs/design.md, "Backends", for why the backend enters the types at the connection
//! and not earlier.

use std::fmt;

#[cfg(feature = "sqlite")]
pub(crate) mod any;
#[cfg(feature = "mysql")]
pub mod mysql;
pub mod needs;
#[cfg(feature = "sqlite")]
pub mod sqlite;
#[cfg(feature = "sqlite")]
pub use any::{Any, AnyLink};
mod bind;
mod value;

pub use needs::{AvailableOn, Needs, Portable, Runs};

#[doc(hidden)]
pub use bind::BindValue;
pub use value::Encode;
#[cfg(feature = "sqlite")]
pub use value::{SqliteArg, SqliteValue};

/// The most parameters one SQLite statement takes (`SQLITE_MAX_VARIABLE_NUMBER`).
const SQLITE_MAX_PARAMS: usize = 32_766;

/// The most parameters one MySQL prepared statement takes (its count is two bytes).
const MYSQL_MAX_PARAMS: usize = 65_535;

/// How a backend spells SQL: the renderer asks this, never the backend's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dialect {
    /// PostgreSQL: `$1` placeholders, `= ANY($1)` lists.
    Postgres,
    /// SQLite: `?1` placeholders, lists as `json_each(?1)`.
    Sqlite,
    /// MySQL and MariaDB: `?` placeholders (bound in order), backtick-quoted identifiers.
    Mysql,
}

impl Dialect {
    /// The database's name as users know it.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "PostgreSQL",
            Dialect::Sqlite => "SQLite",
            Dialect::Mysql => "MySQL",
        }
    }

    /// The most parameters one statement takes: PostgreSQL's and MySQL's 65535, SQLite's
    /// `SQLITE_MAX_VARIABLE_NUMBER` (32766).
    pub fn max_params(self) -> usize {
        match self {
            Dialect::Postgres => crate::engine::wire::MAX_PARAMS,
            Dialect::Sqlite => SQLITE_MAX_PARAMS,
            Dialect::Mysql => MYSQL_MAX_PARAMS,
        }
    }

    /// Writes the placeholder of the `n`th (1-based) parameter: `$n`, `?n`, or MySQL's
    /// plain `?` (whose parameters are bound in the order their marks appear).
    #[inline]
    pub(crate) fn write_placeholder(self, sql: &mut String, n: usize) {
        use std::fmt::Write as _;
        let _ = match self {
            Dialect::Postgres => write!(sql, "${n}"),
            Dialect::Sqlite => write!(sql, "?{n}"),
            Dialect::Mysql => {
                sql.push('?');
                Ok(())
            }
        };
    }

    /// The character that quotes an identifier (and is doubled inside one): `"` in
    /// standard SQL, a backtick on MySQL (whose `"` quotes strings by default).
    #[inline]
    pub(crate) fn quote(self) -> char {
        match self {
            Dialect::Postgres | Dialect::Sqlite => '"',
            Dialect::Mysql => '`',
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A database sqlwright can run queries on. Implemented by [`Postgres`] and `Sqlite`;
/// a connection, a pool and a transaction carry one as a type parameter.
pub trait Backend: driver::Driver + driver::Pooled + Runs<()> + Sized + Send + 'static {
    /// How the backend spells SQL (for `Any`, the one it starts as; a connection's own is
    /// [`Connection::dialect`](crate::Connection::dialect)).
    const DIALECT: Dialect;

    /// How a connection of this backend spells SQL.
    #[doc(hidden)]
    fn dialect_of(_link: &Self::Link) -> Dialect {
        Self::DIALECT
    }

    /// `err`, from running hand-written SQL `query` on `conn`, explained where the backend
    /// can say more (which parameter's type the server refused).
    #[doc(hidden)]
    fn explain_raw(
        _conn: &mut crate::engine::Connection<Self>,
        _query: &crate::raw::RawQuery<'_>,
        err: crate::engine::Error,
    ) -> crate::engine::Error {
        err
    }
}

/// The canonical form of needs `N`: queries run where `C::Backend: Runs<Canonical<N>>`, so
/// that a feature the backend lacks is a compile error naming it (see [`needs`]).
pub type Canonical<N> = <N as Needs>::Canon;

/// PostgreSQL, through sqlwright's own protocol client.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Postgres;

impl Backend for Postgres {
    const DIALECT: Dialect = Dialect::Postgres;

    fn explain_raw(
        conn: &mut crate::engine::Connection,
        query: &crate::raw::RawQuery<'_>,
        err: crate::engine::Error,
    ) -> crate::engine::Error {
        crate::raw::explain_type_error(conn, query, err)
    }
}

/// SQLite, embedded (feature `sqlite`; the library is compiled in, nothing to install).
#[cfg(feature = "sqlite")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Sqlite;

/// MySQL and MariaDB, with sqlwright's own protocol client (feature `mysql`; see
/// [`mod@mysql`] for what is built so far).
#[cfg(feature = "mysql")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Mysql;

/// What a connection of each backend does; not for use outside sqlwright.
#[doc(hidden)]
pub mod driver {
    #[cfg(feature = "tokio")]
    pub use crate::engine::async_driver::AsyncDriver;
    use crate::engine::{Connection, DatabaseUrl, Error, RowData, TransactionOptions};
    use crate::render::Rendered;
    use std::fmt;
    use std::time::{Duration, Instant};

    /// The part of a connection that talks to the database.
    pub trait Driver: Sized + Send + 'static {
        /// The backend's state of a connection (socket, statement cache, handle).
        type Link: Send;

        /// Opens a connection to the database `url` names.
        fn open(url: &DatabaseUrl) -> Result<Connection<Self>, Error>
        where
            Self: super::Backend;

        /// Runs a rendered statement, handing each row to `sink`; returns the number of
        /// rows read (a query) or affected (a write). Logs it and records the outcome.
        fn run(
            conn: &mut Connection<Self>,
            statement: &Rendered<'_>,
            sink: &mut dyn FnMut(RowData<'_>) -> Result<(), Error>,
        ) -> Result<u64, Error>
        where
            Self: super::Backend;

        /// Runs SQL text without parameters (one or more statements).
        fn batch(conn: &mut Connection<Self>, sql: &str) -> Result<(), Error>
        where
            Self: super::Backend;

        /// Runs transaction-control text written by sqlwright, giving up at `deadline`.
        fn control(
            conn: &mut Connection<Self>,
            sql: &str,
            deadline: Option<Instant>,
        ) -> Result<(), Error>
        where
            Self: super::Backend;

        /// The statement that opens a transaction with `options` on this connection, or
        /// why it cannot.
        fn begin_sql(link: &Self::Link, options: &TransactionOptions) -> Result<String, Error>;

        /// Whether the connection has the statement of fingerprint `key` and parameter types
        /// of key `types_key` (a second, independent hash of the parameter types), so it can be rendered without
        /// its text.
        fn knows(link: &Self::Link, key: u64, types_key: u64) -> bool;

        /// Whether the connection is closed.
        fn is_closed(link: &Self::Link) -> bool;

        /// Whether the database reports a transaction open, however it was opened.
        fn server_in_transaction(link: &Self::Link) -> bool;

        /// Whether the database reports the open transaction failed.
        fn server_transaction_failed(link: &Self::Link) -> bool;

        /// Checks that the database still answers, giving up at `deadline` when there is
        /// one (the pool's pre-ping).
        fn ping_before(conn: &mut Connection<Self>, deadline: Option<Instant>) -> Result<(), Error>
        where
            Self: super::Backend;
    }

    /// What an [`Engine`](crate::Engine) needs of a backend to keep a pool of its
    /// connections; the pool itself (slots, idle list, checkout deadline, the ROLLBACK of a
    /// connection returned inside a transaction, the pre-ping through
    /// [`Driver::ping_before`]) is written once, in `engine::pool`.
    pub trait Pooled: Driver {
        /// The backend's own engine options, set by methods of `EngineBuilder<Self>`.
        type Options: Clone + fmt::Debug + Default + Send + Sync + 'static;

        /// What an engine keeps to open connections: its URL and options, checked.
        type Opener: Send + Sync + 'static;

        /// Checks `url` and `options` once, when the engine is built.
        fn opener(url: &DatabaseUrl, options: &Self::Options) -> Result<Self::Opener, Error>;

        /// Opens a connection with the engine's options, giving up at `deadline`.
        fn open_pooled(
            opener: &Self::Opener,
            deadline: Option<Instant>,
        ) -> Result<Connection<Self>, Error>
        where
            Self: super::Backend;

        /// Puts back the engine's settings on a returned connection (the user may have
        /// changed them while it was checked out).
        fn reset(opener: &Self::Opener, conn: &mut Connection<Self>) -> Result<(), Error>
        where
            Self: super::Backend;

        /// The longest the ROLLBACK of a connection returned inside a transaction may take.
        fn rollback_bound(opener: &Self::Opener) -> Duration;
    }
}
