//! Rows of hand-written SQL on SQLite, read by column name or position.

use super::ColumnKey;
use crate::backend::{Sqlite, SqliteValue};
use crate::engine::{Connection, DecodeError, Error, RowData};
use crate::expr::NaturalSqlType;
use crate::render::Rendered;
use crate::types::FromSqlValue;
use std::fmt;
use std::sync::Arc;

/// A value as SQLite returned it, owned.
#[derive(Clone, Debug, PartialEq)]
enum Owned {
    Null,
    Integer(i64),
    Real(f64),
    Text(Vec<u8>),
    Blob(Vec<u8>),
}

impl Owned {
    fn of(value: SqliteValue<'_>) -> Self {
        match value {
            SqliteValue::Null => Owned::Null,
            SqliteValue::Integer(n) => Owned::Integer(n),
            SqliteValue::Real(x) => Owned::Real(x),
            SqliteValue::Text(t) => Owned::Text(t.to_vec()),
            SqliteValue::Blob(b) => Owned::Blob(b.to_vec()),
        }
    }

    fn value(&self) -> SqliteValue<'_> {
        match self {
            Owned::Null => SqliteValue::Null,
            Owned::Integer(n) => SqliteValue::Integer(*n),
            Owned::Real(x) => SqliteValue::Real(*x),
            Owned::Text(t) => SqliteValue::Text(t),
            Owned::Blob(b) => SqliteValue::Blob(b),
        }
    }
}

/// A row of hand-written SQL on SQLite: columns by name or position, each converted with a
/// typed error when it does not fit (SQLite's value is checked against the Rust type, as
/// for typed queries).
#[derive(Clone)]
pub struct SqliteDynRow {
    names: Arc<[String]>,
    values: Vec<Owned>,
}

impl fmt::Debug for SqliteDynRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.names.iter().zip(&self.values) {
            match value {
                Owned::Null => map.entry(name, &format_args!("NULL")),
                Owned::Integer(n) => map.entry(name, n),
                Owned::Real(x) => map.entry(name, x),
                Owned::Text(t) => map.entry(name, &String::from_utf8_lossy(t)),
                Owned::Blob(b) => map.entry(name, &format_args!("<{} bytes>", b.len())),
            };
        }
        map.finish()
    }
}

/// A Rust type a SQLite value of a raw row loads into: the types with a natural SQL type
/// (`i64`, `String`, `chrono::NaiveDate`, ...), and `Option`s of them for NULL.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a SQLite column",
    note = "read a type sqlwright maps (i32, i64, f64, bool, String, chrono, uuid, ...), or an Option of one"
)]
pub trait SqliteGet: Sized {
    /// Converts the value.
    fn from_sqlite(value: SqliteValue<'_>) -> Result<Self, DecodeError>;
}

impl<T: NaturalSqlType + FromSqlValue<T::SqlType>> SqliteGet for T {
    fn from_sqlite(value: SqliteValue<'_>) -> Result<Self, DecodeError> {
        T::decode_sqlite(value)
    }
}

impl<T: NaturalSqlType + FromSqlValue<T::SqlType>> SqliteGet for Option<T> {
    fn from_sqlite(value: SqliteValue<'_>) -> Result<Self, DecodeError> {
        match value {
            SqliteValue::Null => Ok(None),
            other => T::decode_sqlite(other).map(Some),
        }
    }
}

impl SqliteDynRow {
    /// The column names, in order.
    pub fn keys(&self) -> Vec<&str> {
        self.names.iter().map(String::as_str).collect()
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// A column's value as `T`: an error names the column when there is no such column,
    /// when its value does not load into `T`, or when it is NULL and `T` is not an `Option`.
    pub fn get<T: SqliteGet>(&self, key: impl ColumnKey) -> Result<T, Error> {
        let Some(i) = key.position(self.names.iter().map(String::as_str)) else {
            return Err(Error::Decode {
                column: key.to_string(),
                source: DecodeError::MissingColumn,
            });
        };
        T::from_sqlite(self.values[i].value()).map_err(|source| Error::Decode {
            column: self.names[i].clone(),
            source,
        })
    }
}

/// Runs `rendered` and keeps every row.
pub(crate) fn load(
    conn: &mut Connection<Sqlite>,
    rendered: &Rendered<'_>,
) -> Result<Vec<SqliteDynRow>, Error> {
    let mut names: Option<Arc<[String]>> = None;
    let mut rows = Vec::new();
    conn.query_each(rendered, &mut |row: RowData<'_>| {
        let names = names.get_or_insert_with(|| {
            (0..row.len())
                .map(|i| row.column_name(i).unwrap_or_default())
                .collect()
        });
        let values = (0..row.len())
            .map(|i| row.sqlite_value(i).map_or(Owned::Null, Owned::of))
            .collect();
        rows.push(SqliteDynRow {
            names: Arc::clone(names),
            values,
        });
        Ok(())
    })?;
    Ok(rows)
}

#[diagnostic::do_not_recommend]
impl<T: SqliteGet> super::GetColumn<T> for SqliteDynRow {
    fn get_column(&self, column: &str) -> Result<T, Error> {
        self.get(column)
    }
}
