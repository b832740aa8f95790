//! Connecting and executing: URLs, connections, the executor trait, errors.

mod connection;
pub(crate) mod error;
mod url;

pub use connection::Connection;
pub use error::{DatabaseError, DbErrorKind, DecodeError, Error};
pub use url::{DatabaseUrl, Dialect};

use crate::render::Rendered;

/// Something that runs rendered statements: a connection, later a transaction or a pooled
/// connection, and an async connection through the same methods of its own.
pub trait Executor {
    /// Runs a statement and returns its rows.
    fn query_rows(&mut self, statement: &Rendered<'_>) -> Result<Vec<postgres::Row>, Error>;
    /// Runs a statement and returns the number of rows it affected.
    fn execute_rendered(&mut self, statement: &Rendered<'_>) -> Result<u64, Error>;
}
