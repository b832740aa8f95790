//! Connecting and executing: URLs, connections, the executor trait, errors.

mod connection;
pub(crate) mod error;
mod url;

pub use connection::Connection;
pub use error::{DatabaseError, DbErrorKind, DecodeError, Error};
pub use url::{DatabaseUrl, Dialect};

use crate::render::Rendered;

/// The only row of `rows`, `None` when there is none, [`Error::MultipleRows`] when there
/// are more: shared by `scalar`, `one` and `get_result`.
pub(crate) fn at_most_one<R>(rows: Vec<R>) -> Result<Option<R>, Error> {
    let mut rows = rows.into_iter();
    match (rows.next(), rows.next()) {
        (_, Some(_)) => Err(Error::MultipleRows),
        (row, None) => Ok(row),
    }
}

/// The only row of `rows`: [`Error::NotFound`] or [`Error::MultipleRows`] otherwise.
pub(crate) fn exactly_one<R>(rows: Vec<R>) -> Result<R, Error> {
    at_most_one(rows)?.ok_or(Error::NotFound)
}

/// Something that runs rendered statements: a connection, later a transaction or a pooled
/// connection, and an async connection through the same methods of its own.
pub trait Executor {
    /// Runs a statement and returns its rows.
    fn query_rows(&mut self, statement: &Rendered<'_>) -> Result<Vec<postgres::Row>, Error>;
    /// Runs a statement and returns the number of rows it affected.
    fn execute_rendered(&mut self, statement: &Rendered<'_>) -> Result<u64, Error>;
}
