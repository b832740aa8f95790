//! Hand-written SQL with named parameters (SQLAlchemy's `text("... :max")`), and rows read
//! by column name.
//!
//! `:name` placeholders become `$1`, `$2`, ... and their values are always sent as bound
//! parameters, never spliced into the text. A `:name` inside a string literal, a quoted
//! identifier, a dollar-quoted string or a comment is left alone, and so is a `::type`
//! cast. Each value is declared with its Rust type's natural SQL type (`i64` is `int8`,
//! `&str` is `text`; [`RawQuery::bind_as`] picks another). When PostgreSQL refuses a
//! value's type where the statement uses it (text compared with an integer column), the
//! error is [`Error::ParameterType`]: which `:name`, the type
//! it was bound as and the type the server reads there (asked of the server by preparing
//! the statement again without declared types, outside a transaction).
//!
//! Raw SQL has no columns to mark `#[sensitive]`: a value bound with
//! [`RawQuery::bind_sensitive`] is shown as `<redacted>` in echo, `tracing` events and
//! `Debug` output; any other is shown unless the connection redacts every parameter
//! ([`Connection::set_redact_params`](crate::Connection::set_redact_params)).
//!
//! ```no_run
//! use sqlwright::raw;
//! # fn demo(conn: &mut sqlwright::Connection) -> Result<(), sqlwright::Error> {
//! let rows = raw::sql("SELECT id, name FROM users WHERE id > :min AND name <> ':min'")
//!     .bind("min", 10)
//!     .load(conn)?;
//! for row in &rows {
//!     let id: i32 = row.get("id")?;
//!     let name: String = row.get(1)?;
//!     println!("{id} {name} {:?}", row.keys());
//! }
//!
//! #[derive(sqlwright::RawRow)]
//! struct Named { id: i32, name: String }
//! let named: Vec<Named> = raw::sql("SELECT id, name FROM users").load_as(conn)?;
//! # Ok(()) }
//! ```

mod explain;
#[cfg(feature = "mysql")]
pub(crate) mod mysql_rows;
mod parse;
mod row;
mod run;
#[cfg(feature = "sqlite")]
mod sqlite;
pub(crate) use explain::explain_type_error;
#[cfg(feature = "mysql")]
pub use mysql_rows::{MysqlDynRow, MysqlGet};
pub use row::{ColumnKey, DynRow, FromDynRow, FromRawRow, GetColumn};
#[cfg(feature = "sqlite")]
pub use sqlite::{SqliteDynRow, SqliteGet};

/// What hand-written SQL returns on each backend: [`DynRow`] on PostgreSQL,
/// [`SqliteDynRow`] on SQLite, [`MysqlDynRow`] on MySQL. Not for use outside sqlwright.
#[doc(hidden)]
pub trait RawBackend: crate::backend::Backend {
    /// A row read by column name or position.
    type Row;
    /// Runs `rendered` and keeps every row.
    fn load_rows(
        conn: &mut crate::engine::Connection<Self>,
        rendered: &Rendered<'_>,
    ) -> Result<Vec<Self::Row>, Error>;
    /// Runs `rendered` and keeps the first row.
    fn first_row(
        conn: &mut crate::engine::Connection<Self>,
        rendered: &Rendered<'_>,
    ) -> Result<Option<Self::Row>, Error> {
        Ok(Self::load_rows(conn, rendered)?.into_iter().next())
    }
    /// How a streamed row becomes [`Row`](Self::Row): from PostgreSQL's buffer, or (every
    /// other backend that streams) through a [`RowReader`](crate::types::RowReader).
    #[doc(hidden)]
    const STREAM_DECODE: crate::engine::stream_job::RowDecode<Self::Row> =
        |_, _| Err(Error::Misuse("a streamed row of another backend".into()));
    /// See [`STREAM_DECODE`](Self::STREAM_DECODE).
    #[doc(hidden)]
    const STREAM_READ: crate::engine::runner::DecodeFn<Self::Row> =
        |_| Err(Error::Misuse("a streamed row of another backend".into()));
    /// `err`, from running `query`, explained where the backend can say more.
    fn explain(
        _conn: &mut crate::engine::Connection<Self>,
        _query: &RawQuery<'_>,
        err: Error,
    ) -> Error {
        err
    }
}

impl RawBackend for Postgres {
    type Row = DynRow;
    const STREAM_DECODE: crate::engine::stream_job::RowDecode<DynRow> =
        |row, _| Ok(DynRow(row.to_row()));
    fn load_rows(
        conn: &mut crate::engine::Connection,
        rendered: &Rendered<'_>,
    ) -> Result<Vec<DynRow>, Error> {
        Ok(conn
            .query_rendered(rendered)?
            .into_iter()
            .map(DynRow)
            .collect())
    }
    /// Reads the first row of a stream: the server stops sending after it.
    fn first_row(
        conn: &mut crate::engine::Connection,
        rendered: &Rendered<'_>,
    ) -> Result<Option<DynRow>, Error> {
        let mut stream = conn.stream_rendered(rendered)?;
        stream.next_row().transpose().map(|row| row.map(DynRow))
    }
}

#[cfg(feature = "sqlite")]
impl RawBackend for crate::backend::Sqlite {
    type Row = SqliteDynRow;
    fn load_rows(
        conn: &mut crate::engine::Connection<Self>,
        rendered: &Rendered<'_>,
    ) -> Result<Vec<SqliteDynRow>, Error> {
        sqlite::load(conn, rendered)
    }
}

#[cfg(feature = "mysql")]
impl RawBackend for crate::backend::Mysql {
    type Row = MysqlDynRow;
    const STREAM_READ: crate::engine::runner::DecodeFn<MysqlDynRow> =
        |reader| Ok(mysql_rows::of_row(reader.data()));
    fn load_rows(
        conn: &mut crate::engine::Connection<Self>,
        rendered: &Rendered<'_>,
    ) -> Result<Vec<MysqlDynRow>, Error> {
        mysql_rows::load(conn, rendered)
    }
}

use crate::backend::Postgres;
use crate::engine::runner::{Ran, Runner, Work};
use crate::engine::stream_job::{StreamJob, Streamed};
use crate::engine::{DecodeError, Error, Executor, OwnedRow};
use parse::parse_named_with;
use run::{RawExecute, RawFirst, RawLoad};

/// The row raw SQL gives on runner `C`'s backend.
pub type RowOf<C> = <<C as Runner>::Backend as RawBackend>::Row;
use crate::expr::{NaturalSqlType, SqlValue};
use crate::render::{Param, Rendered};
use crate::types::SqlType;
use postgres_types::{FromSql, Type};
use std::collections::HashMap;
use std::fmt;

/// A hand-written statement with `:name` parameters; see the [module docs](self).
pub fn sql(text: &str) -> RawQuery<'_> {
    RawQuery {
        text,
        values: Vec::new(),
        index: HashMap::new(),
    }
}

/// A Rust value with a natural SQL type, bindable by name. `Option<T>` binds NULL for
/// `None`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be bound to a raw SQL parameter: it has no natural SQL type",
    label = "no SQL type for this value",
    note = "bind a type sqlwright maps (i32, i64, f64, bool, String, &str, chrono, uuid, ...), or name the SQL type: `.bind_as::<Int8, _>(name, value)`"
)]
pub trait RawValue: crate::backend::BindValue {
    /// The SQL type the parameter is declared as.
    type SqlType: SqlType;
    /// The SQL type the parameter is declared with.
    fn sql_type() -> Type {
        <Self::SqlType as SqlType>::PG_TYPE
    }
    /// The value as a statement's parameter: itself, or an unsigned integer in a `Bound`
    /// (which encodes it). Not API.
    #[doc(hidden)]
    fn into_param<'a>(self) -> Box<dyn crate::backend::Encode + Send + 'a>
    where
        Self: 'a;
}

#[diagnostic::do_not_recommend]
impl<T: NaturalSqlType + crate::backend::BindValue> RawValue for T
where
    T::Item<T::SqlType>: Send,
{
    type SqlType = T::SqlType;
    fn into_param<'a>(self) -> Box<dyn crate::backend::Encode + Send + 'a>
    where
        Self: 'a,
    {
        Box::new(crate::backend::BindValue::item::<T::SqlType>(self))
    }
}

#[diagnostic::do_not_recommend]
impl<T: NaturalSqlType> RawValue for Option<T>
where
    Option<T>: crate::backend::BindValue,
    <Option<T> as crate::backend::BindValue>::Item<<T::SqlType as SqlType>::Nullable>: Send,
{
    type SqlType = <T::SqlType as SqlType>::Nullable;
    fn into_param<'a>(self) -> Box<dyn crate::backend::Encode + Send + 'a>
    where
        Self: 'a,
    {
        Box::new(crate::backend::BindValue::item::<Self::SqlType>(self))
    }
}

/// Hand-written SQL text with named parameter values.
pub struct RawQuery<'a> {
    text: &'a str,
    /// Name, value, declared type, and whether the value is sensitive.
    values: Vec<(
        String,
        Box<dyn crate::backend::Encode + Send + 'a>,
        Type,
        bool,
    )>,
    /// Where each name's value is in `values`.
    index: HashMap<String, usize>,
}

impl fmt::Debug for RawQuery<'_> {
    /// Shows the text and each name with its value (`<redacted>` for sensitive ones).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values = self.values.iter().map(|(n, v, _, sensitive)| {
            let v: &dyn fmt::Debug = if *sensitive { &Redacted } else { v };
            (n, v)
        });
        f.debug_struct("RawQuery")
            .field("text", &self.text)
            .field("values", &values.collect::<Vec<_>>())
            .finish()
    }
}

/// A sensitive value in `Debug` output.
struct Redacted;
impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(crate::render::REDACTED)
    }
}

impl<'a> RawQuery<'a> {
    /// Gives `:name` its value, declared with the value's natural SQL type.
    pub fn bind<T: RawValue + Send + 'a>(self, name: &str, value: T) -> Self {
        self.bind_typed(name, value.into_param(), T::sql_type(), false)
    }

    /// Gives `:name` its value, declared as SQL type `ST` (`bind_as::<Array<Int4>, _>`).
    pub fn bind_as<ST: SqlType, T: SqlValue<ST> + Send + 'a>(self, name: &str, value: T) -> Self {
        self.bind_typed(
            name,
            Box::new(crate::expr::Bound::<ST, T>::new(value)),
            ST::PG_TYPE,
            false,
        )
    }

    /// Like [`bind`](Self::bind), for a secret (a password, a token): the value is shown as
    /// `<redacted>` wherever the statement is logged or shown, and sent unchanged.
    pub fn bind_sensitive<T: RawValue + Send + 'a>(self, name: &str, value: T) -> Self {
        self.bind_typed(name, value.into_param(), T::sql_type(), true)
    }

    fn bind_typed(
        mut self,
        name: &str,
        value: Box<dyn crate::backend::Encode + Send + 'a>,
        ty: Type,
        sensitive: bool,
    ) -> Self {
        let name = name.strip_prefix(':').unwrap_or(name).to_string();
        let entry = (name.clone(), value, ty, sensitive);
        match self.index.get(&name) {
            Some(&i) => self.values[i] = entry,
            None => {
                self.index.insert(name, self.values.len());
                self.values.push(entry);
            }
        }
        self
    }

    /// The statement as sent: `$n` placeholders, parameters in order, and whether a text
    /// value holds a NUL byte. Errors name a parameter without a value, or a value no
    /// parameter uses.
    pub fn render(&self) -> Result<Rendered<'_>, Error> {
        self.render_for(crate::backend::Dialect::Postgres)
    }

    /// [`render`](Self::render) with the placeholders of the backend of `dialect` (`?n`
    /// on SQLite; on MySQL an unnumbered `?` per use, a name used twice bound twice).
    pub fn render_for(&self, dialect: crate::backend::Dialect) -> Result<Rendered<'_>, Error> {
        let parsed = parse_named_with(self.text, dialect)?;
        let used: std::collections::HashSet<&String> = parsed.names.iter().collect();
        // One parameter per name, in order of first use; on MySQL one per `?`, in text
        // order (`order` is empty elsewhere).
        let count = if dialect == crate::backend::Dialect::Mysql {
            parsed.order.len()
        } else {
            parsed.names.len()
        };
        let mut params: Vec<Param<'_>> = Vec::with_capacity(count);
        let mut types = Vec::with_capacity(count);
        let mut sensitive = Vec::new();
        let mut nul_in_text = false;
        for k in 0..count {
            let name = match parsed.order.get(k) {
                Some(&i) => &parsed.names[i],
                None => &parsed.names[k],
            };
            let Some((_, value, ty, secret)) = self.index.get(name).map(|&i| &self.values[i])
            else {
                return Err(Error::Misuse(format!(
                    "raw SQL parameter `:{name}` has no value; add `.bind(\"{name}\", value)`"
                )));
            };
            if let Err(reason) = value.check() {
                return Err(Error::Parameter(format!("`:{name}`: {reason}")));
            }
            if crate::types::is_text(ty) || crate::types::is_text_array(ty) {
                let mut buf = bytes::BytesMut::new();
                if value.to_sql_checked(ty, &mut buf).is_ok()
                    && crate::types::text_has_nul(ty, &buf)
                {
                    nul_in_text = true;
                }
            }
            if *secret {
                sensitive.push(params.len());
            }
            params.push(value.as_ref());
            types.push(ty.clone());
        }
        if let Some((unused, ..)) = self.values.iter().find(|(n, ..)| !used.contains(n)) {
            return Err(Error::Misuse(format!(
                "a value was bound to `:{unused}`, but the SQL text has no such parameter"
            )));
        }
        Ok(Rendered {
            dialect,
            key: crate::render::Fingerprint::of_text(&parsed.sql, &types),
            types_key: crate::render::TypesKey::of(&types),
            has_text: true,
            sql: parsed.sql,
            params,
            sensitive,
            types,
            labels: Vec::new(),
            nul_in_text,
            refused: None,
            lacking: None,
            mysql: Default::default(),
        })
    }

    /// Runs the statement: every row, read by name or position. On an async connection
    /// the same, awaited.
    pub fn load<'c, 'q, C: Runner + ?Sized>(&'q self, conn: &'c mut C) -> Ran<'c, C, Vec<RowOf<C>>>
    where
        C::Backend: RawBackend,
        RawLoad<'q, 'a, RowOf<C>, Vec<RowOf<C>>>:
            Work<'c, C::Backend, C::Mode, Output = Vec<RowOf<C>>>,
    {
        RawLoad {
            query: self,
            finish: Ok,
        }
        .run(conn.__connection())
    }

    /// Runs the statement and maps each row into `T` by column name (`#[derive(RawRow)]`),
    /// on any backend.
    pub fn load_as<'c, 'q, T: FromRawRow<RowOf<C>>, C: Runner + ?Sized>(
        &'q self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<T>>
    where
        C::Backend: RawBackend,
        RawLoad<'q, 'a, RowOf<C>, Vec<T>>: Work<'c, C::Backend, C::Mode, Output = Vec<T>>,
    {
        RawLoad {
            query: self,
            finish: run::rows_as::<T, RowOf<C>>,
        }
        .run(conn.__connection())
    }

    /// The first row, or `None`.
    pub fn first<'c, 'q, C: Runner + ?Sized>(
        &'q self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Option<RowOf<C>>>
    where
        C::Backend: RawBackend,
        RawFirst<'q, 'a>: Work<'c, C::Backend, C::Mode, Output = Option<RowOf<C>>>,
    {
        RawFirst { query: self }.run(conn.__connection())
    }

    /// Exactly one row: [`Error::NotFound`] or [`Error::MultipleRows`] otherwise.
    pub fn one<'c, 'q, C: Runner + ?Sized>(&'q self, conn: &'c mut C) -> Ran<'c, C, RowOf<C>>
    where
        C::Backend: RawBackend,
        RawLoad<'q, 'a, RowOf<C>, RowOf<C>>: Work<'c, C::Backend, C::Mode, Output = RowOf<C>>,
    {
        RawLoad {
            query: self,
            finish: crate::engine::exactly_one,
        }
        .run(conn.__connection())
    }

    /// The first column of the only row, or `None` when there is no row: `scalar::<i64>(conn)`,
    /// as `row.get::<i64>(..)` names only the value's type. On an async connection, where
    /// the result's type follows from the connection's, it is
    /// `scalar_async` (feature `tokio`).
    pub fn scalar<T: for<'r> FromSql<'r>>(
        &self,
        conn: &mut (impl Executor<Backend = Postgres> + ?Sized),
    ) -> Result<Option<T>, Error> {
        let job = RawLoad {
            query: self,
            finish: run::scalar_of::<T>,
        };
        Work::<'_, Postgres, crate::engine::Blocking>::run(job, conn.connection())
    }

    /// [`scalar`](Self::scalar) on an async connection: `scalar_async::<i64>(&mut conn).await`.
    /// (One name cannot serve both: the turbofish `scalar::<i64>` leaves no place to name
    /// the connection's type, which decides what the call returns.)
    #[cfg(feature = "tokio")]
    pub fn scalar_async<'c, T: for<'r> FromSql<'r> + Send + 'c>(
        &'c self,
        conn: &'c mut (impl Runner<Backend = Postgres, Mode = crate::engine::Async> + ?Sized),
    ) -> crate::engine::BoxFuture<'c, Result<Option<T>, Error>> {
        let job = RawLoad {
            query: self,
            finish: run::scalar_of::<T>,
        };
        Work::<'c, Postgres, crate::engine::Async>::run(job, conn.__connection())
    }

    /// Runs the statement: the number of rows it affected.
    pub fn execute<'c, 'q, C: Runner + ?Sized>(&'q self, conn: &'c mut C) -> Ran<'c, C, u64>
    where
        RawExecute<'q, 'a>: Work<'c, C::Backend, C::Mode, Output = u64>,
    {
        RawExecute { query: self }.run(conn.__connection())
    }

    /// Runs the statement and reads its rows one at a time as they arrive, without
    /// holding them all in memory: an `Iterator` on a blocking connection (of `DynRow` on
    /// PostgreSQL, `MysqlDynRow` on MySQL), a `futures::Stream` (`AsyncRows`, feature
    /// `tokio`) on an async one.
    #[allow(clippy::type_complexity)]
    pub fn stream<'c, 'q, C: Runner + ?Sized>(
        &'q self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Streamed<'c, C, &'q Self, <C::Backend as RawBackend>::Row>>
    where
        C::Backend: RawBackend + crate::engine::stream_job::Streaming,
        StreamJob<&'q Self, <C::Backend as RawBackend>::Row, C::Backend>:
            Work<'c, C::Backend, C::Mode>,
    {
        StreamJob {
            query: self,
            render: |query, conn| query.render_for(conn.dialect()),
            decode: <C::Backend as RawBackend>::STREAM_DECODE,
            read: <C::Backend as RawBackend>::STREAM_READ,
        }
        .run(conn.__connection())
    }

    /// Runs the statement and reads its rows as they arrive, in batches of up to `n`
    /// (SQLAlchemy's `fetchmany`).
    pub fn batches<'c, C: Executor<Backend = Postgres> + ?Sized>(
        &self,
        conn: &'c mut C,
        n: usize,
    ) -> Result<impl Iterator<Item = Result<Vec<DynRow>, Error>> + 'c, Error> {
        let rendered = self.render()?;
        let stream = conn.stream_rows(&rendered)?;
        Ok(crate::query::Batches::new(
            stream,
            n,
            |row: crate::engine::RowRef<'_>, _: &[crate::render::Label]| Ok(DynRow(row.to_row())),
        ))
    }
}
