//! A row as a backend hands it over, before it is decoded.

use super::RowRef;

/// One result row as its backend delivered it, borrowed for the time a row decoder reads
/// it: PostgreSQL's binary values, or a SQLite statement's current row.
#[derive(Clone, Copy)]
pub struct RowData<'r>(pub(crate) Inner<'r>);

#[derive(Clone, Copy)]
pub(crate) enum Inner<'r> {
    Pg(RowRef<'r>),
    #[cfg(feature = "sqlite")]
    Sqlite(crate::backend::sqlite::SqliteRow<'r>),
    #[cfg(feature = "mysql")]
    Mysql(crate::backend::mysql::MysqlRow<'r>),
}

impl<'r> RowData<'r> {
    /// A PostgreSQL row.
    #[inline]
    pub(crate) fn pg(row: RowRef<'r>) -> Self {
        RowData(Inner::Pg(row))
    }

    /// The number of values.
    #[inline]
    pub fn len(&self) -> usize {
        match self.0 {
            Inner::Pg(row) => row.len(),
            #[cfg(feature = "sqlite")]
            Inner::Sqlite(row) => row.len(),
            #[cfg(feature = "mysql")]
            Inner::Mysql(row) => row.len(),
        }
    }

    /// Whether the row has no values.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether value `i` is NULL (or missing).
    #[inline]
    pub fn is_null(&self, i: usize) -> bool {
        match self.0 {
            Inner::Pg(row) => row.value(i).is_none(),
            #[cfg(feature = "sqlite")]
            Inner::Sqlite(row) => row.is_null(i),
            #[cfg(feature = "mysql")]
            Inner::Mysql(row) => i >= row.len() || row.is_null(i),
        }
    }

    /// The name of column `i` as the database gave it.
    pub fn column_name(&self, i: usize) -> Option<String> {
        match self.0 {
            Inner::Pg(row) => row.columns().get(i).map(|c| c.name().to_string()),
            #[cfg(feature = "sqlite")]
            Inner::Sqlite(row) => row.column_name(i),
            #[cfg(feature = "mysql")]
            Inner::Mysql(row) => row.column_name(i).map(str::to_owned),
        }
    }

    /// The PostgreSQL row inside, when it is one.
    #[inline]
    pub(crate) fn as_pg(&self) -> Option<RowRef<'r>> {
        match self.0 {
            Inner::Pg(row) => Some(row),
            #[cfg(feature = "sqlite")]
            Inner::Sqlite(_) => None,
            #[cfg(feature = "mysql")]
            Inner::Mysql(_) => None,
        }
    }

    /// The MySQL value of column `i`, borrowed from the row's packet.
    #[cfg(feature = "mysql")]
    #[inline]
    pub(crate) fn mysql_value(&self, i: usize) -> Option<crate::backend::mysql::MysqlValue<'r>> {
        match self.0 {
            Inner::Mysql(row) => row.value(i),
            _ => None,
        }
    }

    /// Value `i` of a SQLite row.
    #[cfg(feature = "sqlite")]
    #[inline]
    pub(crate) fn sqlite_value(&self, i: usize) -> Option<crate::backend::SqliteValue<'r>> {
        match self.0 {
            Inner::Sqlite(row) => row.value(i),
            _ => None,
        }
    }
}
