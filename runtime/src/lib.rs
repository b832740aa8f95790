//! # sqlwright
//!
//! SQL queries type-checked at compile time, run on PostgreSQL or SQLite.
//!
//! [`table!`] declares a table; the compiler then checks every query built from it: a
//! column of a table the query does not read, a comparison of text with a number, a
//! non-boolean filter, an ungrouped column next to an aggregate, or a struct whose fields
//! do not match the selected columns is a build error whose first line says what is wrong.
//! Columns of the optional side of an outer join load as `Option<_>`, decided by the
//! compiler. Values are always sent as bound parameters and identifiers are always quoted.
//!
//! ```
//! use sqlwright::prelude::*;
//!
//! sqlwright::table! {
//!     /// People who write posts.
//!     users (id) {
//!         #[serial] id -> Int4,
//!         name -> Text,
//!         hair_color -> Nullable<Text>,
//!     }
//!     posts (id) {
//!         #[serial] id -> Int4,
//!         #[references(users::id)] user_id -> Int4,
//!         title -> Text,
//!     }
//! }
//!
//! # #[cfg(feature = "sqlite")]
//! fn main() -> Result<(), sqlwright::Error> {
//!     // SQLite in memory (feature `sqlite`); PostgreSQL: Connection::connect("postgres://..")
//!     let mut conn = sqlwright::SqliteConnection::open_in_memory()?;
//!     sqlwright::schema!(users, posts).create_all(&mut conn, true)?;
//!     let ann: i32 = insert_into(users::table)
//!         .values((users::name.to("Ann"), users::hair_color.to(Some("red"))))
//!         .returning(users::id)
//!         .get_result(&mut conn)?;
//!     insert_into(posts::table)
//!         .values(vec![
//!             (posts::user_id.to(ann), posts::title.to("Types")),
//!             (posts::user_id.to(ann), posts::title.to("Joins")),
//!         ])
//!         .execute(&mut conn)?;
//!
//!     let rows: Vec<(String, Option<String>)> = users::table
//!         .filter(users::name.like("A%") & users::hair_color.is_not_null())
//!         .select((users::name, users::hair_color))
//!         .order_by(users::name.desc())
//!         .limit(10)
//!         .load(&mut conn)?;
//!     assert_eq!(rows, [("Ann".to_string(), Some("red".to_string()))]);
//!
//!     let per_user: Vec<(String, i64)> = users::table
//!         .left_join(posts::table) // ON posts.user_id = users.id, from the declared key
//!         .group_by(users::id)
//!         .select((users::name, count(posts::id)))
//!         .load(&mut conn)?;
//!     assert_eq!(per_user, [("Ann".to_string(), 2)]);
//!     Ok(())
//! }
//! # #[cfg(not(feature = "sqlite"))]
//! # fn main() {}
//! ```
//!
//! The guide (`docs/guide/` in the repository: installation, engines, models, reading,
//! writing, transactions, relationships, batch jobs, backends, production, and pages for
//! readers coming from SQLAlchemy or Diesel) explains each part with examples that run.
//! [`table!`] documents every attribute a declaration takes; each derive ([`Row`],
//! [`Insertable`], [`Changeset`], [`RawRow`], [`DbEnum`]) its attributes and the errors a
//! mismatch gives.
//!
//! ## Map
//! - [`prelude`]: what a program imports (`use sqlwright::prelude::*`); [`dsl`]: every SQL
//!   function and expression builder (`use sqlwright::dsl::*`).
//! - [`types`]: SQL types (`Int4`, `Text`, `Nullable<T>`, ...) and their Rust types.
//! - [`expr`]: operators and the [`ExpressionMethods`](expr::ExpressionMethods) every
//!   expression has (`eq`, `gt`, `like`, `in_`, `between`, `is_null`, `desc`, ...); `&`, `|`
//!   and `!` combine conditions; [`JsonMethods`](expr::JsonMethods) (`get`, `get_text`,
//!   `contains`, `has_key`, ...) and [`ArrayMethods`](expr::ArrayMethods) (`any_eq`,
//!   `overlaps`) for `jsonb`/`json` and array columns, and [`Json<T>`](Json) for a serde
//!   type as a JSON column's value.
//! - [`query`]: [`Select`](query::Select) and the methods a table starts it with: joins
//!   (`inner_join`, `left_join`, `right_join`, `full_join`, `cross_join`, `*_join_on`),
//!   `filter`, `group_by`, `having`, `select`, `order_by`; [`alias!`] for a table read twice.
//! - Writes: [`insert_into`](query::insert_into), [`update`](query::update),
//!   [`delete`](query::delete) with `column.to(value)` assignments, RETURNING and upserts;
//!   `#[derive(Insertable)]`, `#[derive(Changeset)]`; rows by primary key
//!   ([`KeyQuery`](query::KeyQuery), [`RowByKey`](query::RowByKey)).
//! - [`ddl`]: `CREATE TABLE` from the declarations, [`schema!`] with `create_all`/`drop_all`.
//! - [`check`]: the compile-time rules and how they are expressed as traits.
//! - [`render`]: how a query becomes SQL text and parameters (`to_sql`, `debug_sql`).
//! - [`engine`]: URLs, [`Connection`], the pooled [`Engine`] (on either backend), [`Transaction`]s (closure and
//!   guard forms, savepoints, isolation, retries), SQL logging under [`SQL_LOG_TARGET`], and
//!   the typed [`Error`].
//! - [`session`]: [`Session`], a unit of work written in one transaction.
//! - [`relation`]: relationships from declared foreign keys (one-to-many, many-to-one,
//!   one-to-one, many-to-many) and their loading strategies (lazy, select-in, joined,
//!   subquery).
//! - [`reflect`]: an existing database's schema read at run time, `print_schema` and
//!   `verify_schema`; [`dynamic`]: queries on reflected tables by column name.
//! - [`migrate`]: migrations as `up.sql`/`down.sql` files, run, reverted and checked with
//!   a lock and a bookkeeping table; [`embed_migrations!`] compiles them into the program.
//! - [`raw`]: hand-written SQL with `:name` parameters, rows by column name
//!   (`#[derive(RawRow)]`).
//! - Streaming: [`Select::stream`](query::Select::stream) reads rows as they arrive,
//!   `.batches(n)` in groups (fetchmany).
//! - [`copy`]: bulk loads with binary `COPY ... FROM STDIN` ([`copy::copy_in`]) and
//!   [`Select::copy_out`](query::Select::copy_out), with progress hooks.
//! - `testing` (feature `testing`): throwaway PostgreSQL, SQLite and MariaDB databases for
//!   tests.
//! - [`backend`]: [`Postgres`], `Sqlite` (feature `sqlite`) and the run-time `Any`, and how a
//!   feature a backend lacks becomes a compile error naming it.
//!
//! ## Cargo features
//! | feature | default | what it adds |
//! |---|---|---|
//! | `chrono` | yes | `Date`, `Time`, `Timestamp`, `Timestamptz` as chrono types |
//! | `uuid` | yes | `Uuid` as `uuid::Uuid` |
//! | `serde_json` | yes | `Json`, `Jsonb` as `serde_json::Value`, or as a serde type through [`Json<T>`](Json) |
//! | `rust_decimal` | yes | `Numeric` as `rust_decimal::Decimal` |
//! | `time` | no | `Date`, `Time`, `Timestamp`, `Timestamptz` as `time` crate types |
//! | `ipnetwork` | no | `Inet`, `Cidr` as `ipnetwork::IpNetwork` (`Inet` loads as `std::net::IpAddr` without it) |
//! | `sqlite` | no | the SQLite backend (SQLite compiled in) |
//! | `mysql` | no | `Connection<Mysql>` for MySQL and MariaDB with sqlwright's own protocol client on `mysql_common` (groundwork: see `backend::mysql`); with `testing`, throwaway MariaDB servers |
//! | `postgres-interop` | no | typed queries on a `postgres::Client` (`sqlwright::interop`) |
//! | `testing` | no | `sqlwright::testing` |
//! | `tokio` | no | the same queries on tokio: `AsyncConnection`, `AsyncEngine` (a deadpool pool), async transactions, streams and COPY; with `sqlite`, `AsyncSqliteConnection`; with `mysql`, `AsyncMysqlConnection` and `AsyncMysqlEngine` |
//!
//! The crates of these value types are re-exported, so a program needs no matching
//! dependency of its own: `sqlwright::deps::chrono`, `::uuid`, `::rust_decimal`,
//! `::serde_json`, `::time`, `::ipnetwork` (each with its feature).
//!
//! ## Reading sqlwright's compile errors
//! The first line of each error says what is wrong in plain words and names the column or
//! type: "column `title` is not in the FROM clause of this query", "`&str` cannot be used as
//! a SQL `Int4` value", "cannot load SQL `Text` into Rust `i32`". The notes after it say
//! how to fix it. Lines starting with "required for" name sqlwright's internal traits; they
//! can be skipped.

#![deny(missing_docs)]

/// Calls macro `$m` with every tuple arity sqlwright supports, `(T0) (T0 T1) ...` up to 32
/// elements: one list for every tuple impl that follows it.
macro_rules! for_tuples {
    ($m:ident) => {
        $m! {
    (T0) (T0 T1) (T0 T1 T2) (T0 T1 T2 T3) (T0 T1 T2 T3 T4) (T0 T1 T2 T3 T4 T5)
    (T0 T1 T2 T3 T4 T5 T6) (T0 T1 T2 T3 T4 T5 T6 T7) (T0 T1 T2 T3 T4 T5 T6 T7 T8)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9) (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11) (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17 T18)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17 T18 T19)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17 T18 T19 T20)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17 T18 T19 T20 T21)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17 T18 T19 T20 T21 T22)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17 T18 T19 T20 T21 T22 T23)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17 T18 T19 T20 T21 T22 T23 T24)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17 T18 T19 T20 T21 T22 T23 T24 T25)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17 T18 T19 T20 T21 T22 T23 T24 T25 T26)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17 T18 T19 T20 T21 T22 T23 T24 T25 T26 T27)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17 T18 T19 T20 T21 T22 T23 T24 T25 T26 T27 T28)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17 T18 T19 T20 T21 T22 T23 T24 T25 T26 T27 T28 T29)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17 T18 T19 T20 T21 T22 T23 T24 T25 T26 T27 T28 T29 T30)
    (T0 T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 T11 T12 T13 T14 T15 T16 T17 T18 T19 T20 T21 T22 T23 T24 T25 T26 T27 T28 T29 T30 T31)
        }
    };
}
pub(crate) use for_tuples;

// The crate's own macros name items by absolute path (`::sqlwright::..`), as in users' code.
extern crate self as sqlwright;

pub mod backend;
pub mod check;
pub mod copy;
pub mod ddl;
mod ddl_enums;
mod ddl_mysql;
#[doc(hidden)]
pub mod deps;
pub mod dynamic;
pub mod engine;
pub mod expr;
#[cfg(feature = "postgres-interop")]
pub mod interop;
pub mod migrate;
pub mod query;
pub mod raw;
pub mod reflect;
pub mod relation;
pub mod render;
pub mod session;
#[cfg(feature = "testing")]
pub mod testing;
pub mod types;

#[cfg(all(feature = "tokio", feature = "mysql"))]
pub use backend::mysql::AsyncMysqlRows;
#[cfg(feature = "mysql")]
pub use backend::Mysql;
#[cfg(feature = "sqlite")]
pub use backend::Sqlite;
pub use backend::{Backend, Postgres};
#[cfg(all(feature = "tokio", feature = "sqlite"))]
pub use engine::AsyncSqliteConnection;
#[cfg(feature = "tokio")]
pub use engine::{
    AsyncBatches, AsyncConnection, AsyncCopyRows, AsyncEngine, AsyncPooledConnection, AsyncRows,
    AsyncTransaction, AsyncTransactionBuilder,
};
#[cfg(all(feature = "tokio", feature = "mysql"))]
pub use engine::{
    AsyncMysqlConnection, AsyncMysqlEngine, AsyncMysqlPooledConnection, AsyncMysqlTransaction,
    AsyncMysqlTransactionBuilder,
};
pub use engine::{
    CancelHandle, Connection, DatabaseUrl, Engine, Error, IsolationLevel, PooledConnection,
    StatementCacheMode, Transaction, SQL_LOG_TARGET,
};
#[cfg(feature = "tokio")]
pub use session::AsyncSession;
pub use session::Session;
/// A `jsonb`/`json` value as a serde type (feature `serde_json`).
#[cfg(feature = "serde_json")]
pub use types::json::Json;
/// A connection to SQLite (feature `sqlite`).
#[cfg(feature = "sqlite")]
pub type SqliteConnection = Connection<Sqlite>;
/// A connection to MySQL or MariaDB (feature `mysql`).
#[cfg(feature = "mysql")]
pub type MysqlConnection = Connection<Mysql>;
/// A connection whose backend its URL picks at run time (feature `sqlite`): it runs the
/// queries every backend runs.
#[cfg(feature = "sqlite")]
pub type AnyConnection = Connection<backend::Any>;
/// An engine whose backend its URL picks at run time (feature `sqlite`).
#[cfg(feature = "sqlite")]
pub type AnyEngine = engine::Engine<backend::Any>;

/// An engine on the database `url` names, PostgreSQL (`postgres://`) or SQLite
/// (`sqlite:///path.db`), as SQLAlchemy's `create_engine(url)`: the backend is picked at run
/// time, and the queries that compile for it are those every backend runs (feature
/// `sqlite`). An application that knows its backend uses `Engine::new` or `Engine::sqlite`,
/// which allow that backend's own features.
#[cfg(feature = "sqlite")]
pub fn create_engine(url: &str) -> Result<AnyEngine, Error> {
    engine::Engine::any(url)
}
/// An engine (a pool of connections) for one SQLite database file (feature `sqlite`):
/// `Engine::sqlite("sqlite:///app.db")`.
#[cfg(feature = "sqlite")]
pub type SqliteEngine = Engine<Sqlite>;
/// An engine (a pool of connections) for a MySQL or MariaDB database (feature `mysql`):
/// `Engine::mysql("mysql://user:pw@host/db")`.
#[cfg(feature = "mysql")]
pub type MysqlEngine = Engine<Mysql>;
pub use sqlwright_macros::alias;
/// Compiles a migrations directory into the program: `embed_migrations!("migrations")`
/// (relative to the crate's `Cargo.toml`) is a [`migrate::EmbeddedMigrations`] whose
/// `run_pending(&mut conn)` applies what the database has not had yet. A missing directory,
/// a malformed migration directory name or a missing `up.sql`/`down.sql` is a compile
/// error naming the path; each file is included with `include_str!`, so editing one
/// rebuilds the program. A migration directory *added* later is seen on the next build of
/// the crate: add `println!("cargo:rerun-if-changed=migrations");` to its `build.rs` to
/// make adding one trigger that build.
pub use sqlwright_macros::embed_migrations;
#[doc = include_str!("../doc/table.md")]
pub use sqlwright_macros::table;
#[doc = include_str!("../doc/derive_changeset.md")]
pub use sqlwright_macros::Changeset;
#[doc = include_str!("../doc/derive_db_enum.md")]
pub use sqlwright_macros::DbEnum;
#[doc = include_str!("../doc/derive_insertable.md")]
pub use sqlwright_macros::Insertable;
#[doc = include_str!("../doc/derive_raw_row.md")]
pub use sqlwright_macros::RawRow;
#[doc = include_str!("../doc/derive_row.md")]
pub use sqlwright_macros::Row;
pub use types::DbEnum;

/// Everything a query needs in scope: `use sqlwright::prelude::*;`.
pub mod prelude {
    pub use crate::copy::copy_in;
    pub use crate::engine::{Connection, Engine, Error, Executor, IsolationLevel};
    pub use crate::expr::{
        avg, count, count_distinct, count_star, max, min, sum, value, ExpressionMethods,
    };
    pub use crate::expr::{ArrayMethods, JsonMethods, OverMethod, TimeMethods};
    pub use crate::query::Insertable as _;
    pub use crate::query::{
        delete, excluded, insert_into, update, AliasMethods, AssignMethods, Compound, DerivedTable,
        FromUnnest, KeyQuery, LateralJoins, RowByKey, Selectable, SubqueryMethods, TableQuery,
        WithProgress,
    };
    pub use crate::relation::{group_children, LoadMany, LoadOne, WithGrandchildren, WithRelated};
    pub use crate::session::Session;
    pub use crate::types::{
        Array, Bool, Bytea, Date, Float4, Float8, Int2, Int4, Int8, Interval, Json, Jsonb,
        Nullable, Numeric, PgInterval, Text, Time, Timestamp, Timestamptz, UInt1, UInt2, UInt4,
        UInt8, Uuid, Varchar,
    };
}

/// Every SQL function and expression builder, for `use sqlwright::dsl::*;`: functions,
/// `CASE`, `CAST`, window functions, ordered-set aggregates, subquery predicates, grouping
/// sets. (The prelude holds only the basic aggregates, so that these names do not collide
/// with a program's own.) This module is API: its names follow the crate's version, and a
/// glob import of it is the intended use.
pub mod dsl {
    pub use crate::expr::fields;
    pub use crate::expr::{
        abs, array_agg, array_length, avg, bool_and, bool_or, cardinality, case_when, cast, ceil,
        char_length, coalesce, concat, count, count_distinct, count_star, cume_dist, current_date,
        current_time, current_timestamp, current_user, date_part, date_trunc, days, dense_rank,
        extract, first_value, floor, greatest, grouping, json_agg, json_build_object, jsonb_agg,
        jsonb_build_object, lag, lag_by, lag_or, last_value, lead, lead_by, lead_or, least, length,
        localtime, localtimestamp, lower, ltrim, max, min, mode, modulo, months, now, nth_value,
        ntile, nullif, percent_rank, percentile_cont, percentile_disc, position, power, random,
        rank, replace, round, round_to, row_number, rtrim, session_user, sqrt, string_agg,
        substring, substring_from, sum, to_json, to_jsonb, trim, unnest, upper, value, window,
        years, Field, FrameBound, Sequence,
    };
    pub use crate::query::{cube, exists, grouping_sets, not_exists, rollup};
}

/// Items the macros' generated code names. Not API: may change in any release, and never
/// to be imported by a program.
#[doc(hidden)]
pub mod __private {
    /// A value as it is read from a MySQL row, borrowed from its packet (generated
    /// `DbEnum` impls name it).
    #[cfg(feature = "mysql")]
    pub use crate::backend::mysql::MysqlValue;
    pub use crate::backend::Encode;
    pub use crate::check::ids::{
        BEnd, False, NoKey, True, X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, XA, XB, XC, XD, XE, XF,
    };
    pub use crate::check::writes::{ChangesetOf, FieldFits, IsTable, UpdateSet};
    pub use crate::check::{
        AppearsIn, ColumnMode, HasColumn, HasSource, LiftColumn, SourceMode, ValidGrouping,
    };
    pub use crate::engine::DecodeError;
    pub use crate::engine::Error;
    pub use crate::expr::RustValue;
    pub use crate::expr::{And, Binary, Bound, Eq, SqlValue};
    pub use crate::expr::{AsExpr, Expression};
    pub use crate::query::join_markers::ByPath;
    pub use crate::query::{
        set_field, set_item, unlisted_changeset, AssignList, Assignments, SingleFrom,
    };
    pub use crate::query::{
        Alias, Assign, CheckMeta, Col, Column, ColumnDef, ColumnMeta, ColumnTuple,
        CompositeKeyMeta, FkRef, ForeignKeyMeta, ForeignKeys, IndexMeta, Insertable, JoinPath,
        JoinTarget, NotInFrom, Selectable, Source, StoredTable, Table, TableMeta, TableRow,
        UniqueMeta,
    };
    pub use crate::relation::{ChildOf, Field, ForeignKey, Link, RowOfTable};
    pub use crate::render::{Label, Render, SqlWriter};
    pub use crate::types::{FromRow, FromSqlValue, RowReader, SqlType, Tagged};
    pub use bytes::BytesMut;
    /// A value as it is bound to a MySQL statement (`mysql_common`'s; generated `DbEnum`
    /// impls name it, and the calling crate need not depend on `mysql_common`).
    #[cfg(feature = "mysql")]
    pub use mysql_common::value::Value as MysqlParam;
    pub use postgres_types::{IsNull, ToSql, Type as PgType};
    pub use sqlwright_macros::__name_id as name_id;

    /// `Self` is `T`: a bound that holds for one type only, which keeps an impl generic (and
    /// so compiled only where it is used) while it serves one type.
    pub trait SameType<T> {}
    impl<T> SameType<T> for T {}

    /// `left OP right`, for the generated operator impls.
    pub fn binary<Op, L, R>(left: L, right: R) -> crate::expr::Binary<Op, L, R> {
        crate::expr::Binary::new(left, right)
    }

    /// `left OP right` of `+ - * /`, knowing whether the result is an integer (see
    /// [`both_integers`]).
    pub fn arith<Op, L, R>(left: L, right: R, integers: u8) -> crate::expr::Binary<Op, L, R> {
        crate::expr::Binary::arith(left, right, integers)
    }

    /// How `L op R` is written when its operands are integers (`expr/arith.rs`): whether
    /// the result is an integer, kept as `numeric` on PostgreSQL, or mixes an unsigned with
    /// a signed operand.
    #[inline]
    pub fn both_integers<L: SqlType, R: SqlType>() -> u8 {
        crate::expr::arith::flags::<L, R>()
    }

    /// `OP expr`, for the generated operator impls.
    pub fn unary<Op, E>(expr: E) -> crate::expr::Unary<Op, E> {
        crate::expr::Unary::new(expr)
    }
}
