//! What the first row of a COPY fixes, and the checks every row passes: shared by the
//! blocking `rows` and the async `stream_rows`.

use super::{column_names, failing_param, plain_values, server_position, CopyRow};
use crate::engine::Error;
use crate::query::Table;
use crate::render::{Param, Rendered, SqlWriter};
use postgres_types::Type;

/// What the first row of a COPY fixes: the statement, the columns, the parameter types
/// and the shape every row must have.
pub(crate) struct CopyPlan {
    pub(crate) sql: String,
    table: &'static str,
    columns: Vec<String>,
    types: Vec<Type>,
    key: u64,
}

impl CopyPlan {
    /// The plan of a COPY into `T` whose first row is `first`: one plain value per column
    /// (an expression cannot be sent in COPY data).
    pub(crate) fn new<T: Table, I, R: CopyRow<T, I>>(first: &R) -> Result<Self, Error> {
        let mut list = SqlWriter::new();
        R::render_columns(&mut list);
        let list = list.finish().sql;
        let columns = column_names(&list);
        let mut sql = SqlWriter::new();
        sql.sql("COPY ");
        sql.ident(T::SQL_NAME);
        sql.sql(" (");
        sql.sql(&list);
        sql.sql(") FROM STDIN (FORMAT binary)");
        let sql = sql.finish().sql;
        let (types, key) = first.with_values(true, |r| {
            if r.params.len() != columns.len() || !plain_values(&r.sql, r.params.len()) {
                return Err(Error::Misuse(format!(
                    "COPY into `{}` takes plain values only, one per column; got `{}`",
                    T::SQL_NAME,
                    r.sql
                )));
            }
            Ok((r.types, r.key))
        })?;
        Ok(CopyPlan {
            sql,
            table: T::SQL_NAME,
            columns,
            types,
            key,
        })
    }

    /// Checks row `n` (its shape, values refused before sending) and hands its values to
    /// `send`; a failure is [`Error::Copy`] naming the row and, when known, the column.
    pub(crate) fn write(
        &self,
        n: u64,
        r: Rendered<'_>,
        send: impl FnOnce(&[Param<'_>], &[Type]) -> Result<(), (Option<usize>, Error)>,
    ) -> Result<(), Error> {
        if r.key != self.key {
            return Err(Error::Misuse(format!(
                "COPY into `{}`: row {n} has another shape than row 1",
                self.table
            )));
        }
        if let Some((at, reason)) = &r.refused {
            return Err(Error::Copy {
                row: Some(n),
                column: self.columns.get(*at).cloned(),
                source: Box::new(Error::Parameter(reason.clone())),
            });
        }
        send(&r.params, &self.types).map_err(|(at, e)| match (at, e) {
            (_, lost @ Error::ConnectionLost(_)) => lost,
            (Some(i), source) => Error::Copy {
                row: Some(n),
                column: self.columns.get(i).cloned(),
                source: Box::new(source),
            },
            (None, _) => {
                // The row was rendered without its text, so without types: the plan's are
                // its (the fingerprints matched).
                let (column, source) = match failing_param(&r.params, &self.types) {
                    Some((i, e)) => (self.columns.get(i).cloned(), e),
                    None => (None, Error::Parameter("the row could not be sent".into())),
                };
                Error::Copy {
                    row: Some(n),
                    column,
                    source: Box::new(source),
                }
            }
        })
    }

    /// The server's error at the end of the COPY, with the row and column it names.
    pub(crate) fn finished(&self, error: Error) -> Error {
        if error.database_error().is_none() {
            return error;
        }
        let (row, column) = server_position(&error, &self.columns);
        Error::Copy {
            row,
            column,
            source: Box::new(error),
        }
    }
}
