//! Rows of hand-written SQL on MySQL, read by column name or position.

use super::ColumnKey;
use crate::backend::mysql::MysqlValue;
use crate::backend::Mysql;
use crate::engine::{Connection, DecodeError, Error, RowData};
use crate::expr::NaturalSqlType;
use crate::render::Rendered;
use crate::types::FromSqlValue;
use std::fmt;
use std::sync::Arc;

/// A row of hand-written SQL on MySQL: columns by name or position, each converted with a
/// typed error when it does not fit (as for typed queries: an integer is range-checked
/// into the Rust type, a BOOLEAN holding 2 is an error).
#[derive(Clone)]
pub struct MysqlDynRow {
    names: Arc<[String]>,
    values: Vec<mysql_common::value::Value>,
}

impl fmt::Debug for MysqlDynRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.names.iter().zip(&self.values) {
            map.entry(name, &format_args!("{}", value.as_sql(true)));
        }
        map.finish()
    }
}

/// A Rust type a MySQL value of a raw row loads into: the types with a natural SQL type
/// that MySQL values decode into, and `Option`s of them for NULL.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from a MySQL column",
    note = "read a type sqlwright maps (i32, i64, f64, bool, String, Vec<u8>, ...), or an Option of one"
)]
pub trait MysqlGet: Sized {
    /// Converts the value.
    fn from_mysql(value: &MysqlValue<'_>) -> Result<Self, DecodeError>;
}

impl<T: NaturalSqlType + FromSqlValue<T::SqlType>> MysqlGet for T {
    fn from_mysql(value: &MysqlValue<'_>) -> Result<Self, DecodeError> {
        T::decode_mysql(value)
    }
}

impl<T: NaturalSqlType + FromSqlValue<T::SqlType>> MysqlGet for Option<T> {
    fn from_mysql(value: &MysqlValue<'_>) -> Result<Self, DecodeError> {
        match value {
            MysqlValue::Null => Ok(None),
            other => T::decode_mysql(other).map(Some),
        }
    }
}

impl MysqlDynRow {
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
    pub fn get<T: MysqlGet>(&self, key: impl ColumnKey) -> Result<T, Error> {
        // A name without a value (a row shorter than the names it shares with the rows
        // before it) is a missing column too, never an index out of bounds.
        let found = key.position(self.names.iter().map(String::as_str));
        let Some((i, value)) = found.and_then(|i| Some((i, self.values.get(i)?))) else {
            return Err(Error::Decode {
                column: key.to_string(),
                source: DecodeError::MissingColumn,
            });
        };
        T::from_mysql(&MysqlValue::of(value)).map_err(|source| Error::Decode {
            column: self.names[i].clone(),
            source,
        })
    }
}

#[diagnostic::do_not_recommend]
impl<T: MysqlGet> super::GetColumn<T> for MysqlDynRow {
    fn get_column(&self, column: &str) -> Result<T, Error> {
        self.get(column)
    }
}

/// A row of a stream, copied out of its packet (its column names with it).
pub(crate) fn of_row(row: RowData<'_>) -> MysqlDynRow {
    let names = (0..row.len())
        .map(|i| row.column_name(i).unwrap_or_default())
        .collect();
    let values = (0..row.len())
        .map(|i| {
            row.mysql_value(i)
                .map_or(mysql_common::value::Value::NULL, MysqlValue::to_value)
        })
        .collect();
    MysqlDynRow { names, values }
}

/// Runs `rendered` and keeps every row.
pub(crate) fn load(
    conn: &mut Connection<Mysql>,
    rendered: &Rendered<'_>,
) -> Result<Vec<MysqlDynRow>, Error> {
    crate::engine::wire::now(load_io(conn, rendered))
}

/// [`load`] on either socket (an async connection's too).
pub(crate) async fn load_io(
    conn: &mut Connection<Mysql>,
    rendered: &Rendered<'_>,
) -> Result<Vec<MysqlDynRow>, Error> {
    let mut names: Option<Arc<[String]>> = None;
    let mut rows = Vec::new();
    let mut sink = |row: RowData<'_>| {
        let names = names.get_or_insert_with(|| {
            (0..row.len())
                .map(|i| row.column_name(i).unwrap_or_default())
                .collect()
        });
        let values = (0..row.len())
            .map(|i| {
                row.mysql_value(i)
                    .map_or(mysql_common::value::Value::NULL, MysqlValue::to_value)
            })
            .collect();
        rows.push(MysqlDynRow {
            names: Arc::clone(names),
            values,
        });
        Ok(())
    };
    conn.mysql_run_io(rendered, &mut sink).await?;
    Ok(rows)
}
