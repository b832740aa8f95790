//! Typed queries on a connection of the `postgres` crate (feature `postgres-interop`): a
//! codebase built on `postgres::Client` adopts sqlwright one query at a time.
//!
//! ```no_run
//! # sqlwright::table! { users (id) { #[serial] id -> Int4, name -> Text, } }
//! use sqlwright::interop::{ExecuteOn, LoadOn};
//! use sqlwright::prelude::*;
//!
//! # fn demo(client: &mut postgres::Client) -> Result<(), sqlwright::Error> {
//! let names: Vec<String> = users::table
//!     .filter(users::id.lt(10))
//!     .select(users::name)
//!     .order_by(users::id)
//!     .load_on(client)?;
//! let written = update(users::table)
//!     .filter(users::id.eq(1))
//!     .set(users::name.to("Ann"))
//!     .execute_on(client)?;
//! # Ok(()) }
//! ```
//!
//! The statement is rendered exactly as for a [`Connection`](crate::Connection) (the same
//! SQL text, parameters and declared parameter types), prepared on the client with
//! `prepare_typed` and run with `query`/`execute`. Its rows arrive as `postgres::Row`s;
//! each value's bytes (binary format, as on sqlwright's own connection) are copied into
//! one buffer per row and decoded by sqlwright's own decoders ([`FromRow`]), so a query
//! loads the same Rust values on either connection. Each call prepares its statement (a
//! round trip of its own): the client's statement cache is not used. Anything that
//! implements `postgres::GenericClient` works: a `Client` or a `postgres::Transaction`.

use crate::engine::error::DatabaseError;
use crate::engine::wire::{Column, RowRef, Span};
use crate::engine::Error;
use crate::query::{
    Clause, Delete, FromClause, Insert, Returning, Select, SelectClause, Update, WriteStatement,
};
use crate::render::{Rendered, SqlWriter};
use crate::types::{FromRow, RowOf, RowReader};
use postgres::GenericClient;
use postgres_types::{FromSql, Type};
use std::sync::Arc;

/// A statement that returns rows, run on a `postgres` crate client: a SELECT, or an
/// INSERT, UPDATE or DELETE with RETURNING. `J` is inferred.
pub trait LoadOn<J> {
    /// The Rust type of one row (as `load` / `get_results` on sqlwright's own connection).
    type Row;

    /// Runs the statement on `client` and returns every row.
    fn load_on<C: GenericClient>(&self, client: &mut C) -> Result<Vec<Self::Row>, Error>;
}

/// An INSERT, UPDATE or DELETE run on a `postgres` crate client.
pub trait ExecuteOn {
    /// Runs the statement on `client`: the number of rows written (0 for an INSERT of no
    /// rows, without a round trip).
    fn execute_on<C: GenericClient>(&self, client: &mut C) -> Result<u64, Error>;
}

impl<F, From, S, W, O, G, H, J> LoadOn<J> for Select<F, From, S, W, O, G, H>
where
    From: FromClause,
    W: Clause,
    G: Clause,
    H: Clause,
    O: Clause,
    S: SelectClause<F, G, J>,
    S::SqlType: RowOf,
{
    type Row = <S::SqlType as RowOf>::Row;

    fn load_on<C: GenericClient>(&self, client: &mut C) -> Result<Vec<Self::Row>, Error> {
        query_on(client, &self.render())
    }
}

/// `LoadOn` for the write statements with RETURNING.
macro_rules! returning_load_on {
    ($([$($gen:tt)*] $ty:ty;)*) => {$(
        impl<$($gen)* E, ST: RowOf> LoadOn<()> for $ty
        where
            $ty: WriteStatement,
        {
            type Row = <ST as RowOf>::Row;

            fn load_on<Cl: GenericClient>(
                &self,
                client: &mut Cl,
            ) -> Result<Vec<Self::Row>, Error> {
                match render(self) {
                    Some(rendered) => query_on(client, &rendered),
                    None => Ok(Vec::new()),
                }
            }
        }
    )*};
}

returning_load_on! {
    [T, V, VI, C,] Insert<T, V, VI, Returning<E, ST>, C>;
    [T, W, S,] Update<T, W, S, Returning<E, ST>>;
    [T, W,] Delete<T, W, Returning<E, ST>>;
}

impl<S: WriteStatement> ExecuteOn for S {
    fn execute_on<C: GenericClient>(&self, client: &mut C) -> Result<u64, Error> {
        let Some(rendered) = render(self) else {
            return Ok(0);
        };
        check(&rendered)?;
        let statement = client
            .prepare_typed(&rendered.sql, &rendered.types)
            .map_err(from_postgres)?;
        client
            .execute(&statement, &rendered.postgres_params())
            .map_err(from_postgres)
    }
}

/// A write statement rendered as for sqlwright's own connection; `None` when there is
/// nothing to run (an INSERT of no rows).
fn render<S: WriteStatement>(statement: &S) -> Option<Rendered<'_>> {
    let mut out = SqlWriter::new();
    statement.render_statement(&mut out).then(|| out.finish())
}

/// What sqlwright's connection refuses before sending anything.
fn check(rendered: &Rendered<'_>) -> Result<(), Error> {
    if rendered.nul_in_text {
        return Err(Error::NulInText);
    }
    if let Some((_, reason)) = &rendered.refused {
        return Err(Error::Parameter(reason.clone()));
    }
    if let Some(feature) = rendered.lacking {
        return Err(Error::Unsupported {
            feature,
            backend: "PostgreSQL",
        });
    }
    Ok(())
}

/// One value's bytes as the `postgres` crate received them (binary format), of any type.
struct RawValue<'a>(Option<&'a [u8]>);

impl<'a> FromSql<'a> for RawValue<'a> {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(RawValue(Some(raw)))
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(RawValue(None))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// Runs `rendered` on `client` and decodes its rows with sqlwright's decoders.
fn query_on<R: FromRow<ST>, ST: ?Sized, C: GenericClient>(
    client: &mut C,
    rendered: &Rendered<'_>,
) -> Result<Vec<R>, Error> {
    check(rendered)?;
    let statement = client
        .prepare_typed(&rendered.sql, &rendered.types)
        .map_err(from_postgres)?;
    let rows = client
        .query(&statement, &rendered.postgres_params())
        .map_err(from_postgres)?;
    let columns: Arc<[Column]> = statement
        .columns()
        .iter()
        .map(|c| Column::new(c.name().to_string(), c.type_().clone()))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    let mut buf = Vec::new();
    let mut spans = Vec::with_capacity(columns.len());
    for row in &rows {
        buf.clear();
        spans.clear();
        for i in 0..row.len() {
            let value: RawValue<'_> = row.try_get(i).map_err(from_postgres)?;
            match value.0 {
                None => spans.push(Span::new(buf.len(), -1)),
                Some(bytes) => {
                    let len = i32::try_from(bytes.len())
                        .map_err(|_| Error::Driver(format!("a value of {} bytes", bytes.len())))?;
                    spans.push(Span::new(buf.len(), len));
                    buf.extend_from_slice(bytes);
                }
            }
        }
        let raw = RowRef::new(&columns, &buf, &spans);
        out.push(R::from_row(&mut RowReader::new(
            crate::engine::RowData::pg(raw),
            &rendered.labels,
        ))?);
    }
    Ok(out)
}

/// A `postgres` crate error as sqlwright's: the server's errors keep their SQLSTATE and
/// fields (and so their [`DbErrorKind`](crate::engine::DbErrorKind)).
fn from_postgres(e: postgres::Error) -> Error {
    if let Some(db) = e.as_db_error() {
        return Error::from_database(DatabaseError {
            kind: crate::engine::DbErrorKind::Other,
            code: db.code().code().to_string(),
            message: db.message().to_string(),
            detail: db.detail().map(str::to_string),
            constraint: db.constraint().map(str::to_string),
            table: db.table().map(str::to_string),
            column: db.column().map(str::to_string),
            context: db.where_().map(str::to_string),
            hint: db.hint().map(str::to_string),
        });
    }
    if e.is_closed() {
        return Error::ConnectionLost(e.to_string());
    }
    // A parameter that failed to serialize: the client says so in its message ("error
    // serializing parameter N") with the value's own error as the source.
    if let Some(source) = std::error::Error::source(&e) {
        if source.is::<crate::expr::NulInText>() {
            return Error::NulInText;
        }
        if e.to_string().starts_with("error serializing parameter") {
            return Error::Parameter(format!("{e}: {source}"));
        }
    }
    match std::error::Error::source(&e) {
        Some(source) => Error::Driver(format!("{e}: {source}")),
        None => Error::Driver(e.to_string()),
    }
}
