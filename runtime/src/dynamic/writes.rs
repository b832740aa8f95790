//! INSERT, UPDATE and DELETE on a reflected table: giving values, filters and RETURNING,
//! and writing the statement (run in `run.rs`).

use super::{DynFilter, Parts, Value};
use crate::backend::Dialect;
use crate::engine::Error;
use crate::reflect::ReflectedTable;
use crate::render::Rendered;

/// An INSERT of one row into a reflected table; columns not given get their defaults.
#[derive(Debug)]
pub struct DynInsert<'t> {
    parts: Parts<'t>,
    values: Vec<(usize, usize)>,
}

/// An UPDATE of a reflected table. Without a filter it changes every row.
#[derive(Debug)]
pub struct DynUpdate<'t> {
    parts: Parts<'t>,
    sets: Vec<(usize, usize)>,
}

/// A DELETE from a reflected table. Without a filter it deletes every row.
#[derive(Debug)]
pub struct DynDelete<'t> {
    parts: Parts<'t>,
}

impl ReflectedTable {
    /// `INSERT` one row; see [`DynInsert`].
    pub fn insert(&self) -> DynInsert<'_> {
        DynInsert {
            parts: Parts::new(self),
            values: Vec::new(),
        }
    }

    /// `UPDATE` rows; see [`DynUpdate`].
    pub fn update(&self) -> DynUpdate<'_> {
        DynUpdate {
            parts: Parts::new(self),
            sets: Vec::new(),
        }
    }

    /// `DELETE` rows; see [`DynDelete`].
    pub fn delete(&self) -> DynDelete<'_> {
        DynDelete {
            parts: Parts::new(self),
        }
    }
}

impl DynInsert<'_> {
    /// Gives `column` a value.
    pub fn value(mut self, column: &str, value: impl Into<Value>) -> Self {
        if let Some(col) = self.parts.column(column) {
            if self.values.iter().any(|(c, _)| *c == col) {
                self.parts.fail(Error::Misuse(format!(
                    "column `{}.{column}` is given two values",
                    self.parts.table.name
                )));
            } else if let Some(p) = self.parts.param(col, value.into()) {
                self.values.push((col, p));
            }
        }
        self
    }

    /// The statement as it will be sent to a database of `dialect`, or the first mistake
    /// in it.
    pub fn render_for(&self, dialect: Dialect) -> Result<Rendered<'_>, Error> {
        let p = &self.parts;
        p.finish(dialect, |out| {
            out.sql("INSERT INTO ");
            p.write_table(out);
            if self.values.is_empty() {
                // MySQL has no DEFAULT VALUES; an empty column list means the same there.
                out.sql(if dialect == Dialect::Mysql {
                    " () VALUES ()"
                } else {
                    " DEFAULT VALUES"
                });
            } else {
                out.sql(" (");
                let cols: Vec<usize> = self.values.iter().map(|(c, _)| *c).collect();
                p.write_columns(&cols, out);
                out.sql(") VALUES (");
                for (i, (_, param)) in self.values.iter().enumerate() {
                    if i > 0 {
                        out.sql(", ");
                    }
                    p.write_param(*param, out);
                }
                out.sql(")");
            }
            p.write_returning(out);
        })
    }
}

impl<'t> DynFilter<'t> for DynUpdate<'t> {
    fn __parts(&mut self) -> &mut Parts<'t> {
        &mut self.parts
    }
}

impl DynUpdate<'_> {
    /// `SET column = value`.
    pub fn set(mut self, column: &str, value: impl Into<Value>) -> Self {
        if let Some(col) = self.parts.column(column) {
            if let Some(p) = self.parts.param(col, value.into()) {
                self.sets.push((col, p));
            }
        }
        self
    }

    /// The statement as it will be sent to a database of `dialect`, or the first mistake
    /// in it.
    pub fn render_for(&self, dialect: Dialect) -> Result<Rendered<'_>, Error> {
        let p = &self.parts;
        if self.sets.is_empty() && p.error.is_none() {
            return Err(Error::Misuse(format!(
                "an UPDATE of `{}` needs at least one set(column, value)",
                p.table.name
            )));
        }
        if dialect == Dialect::Mysql && !p.returning.is_empty() && p.error.is_none() {
            return Err(Error::Misuse(format!(
                "an UPDATE of `{}` cannot return rows on MySQL (MariaDB has RETURNING on \
                 INSERT and DELETE only): run it with `execute`, then select the rows",
                p.table.name
            )));
        }
        p.finish(dialect, |out| {
            out.sql("UPDATE ");
            p.write_table(out);
            for (i, (col, param)) in self.sets.iter().enumerate() {
                out.sql(if i == 0 { " SET " } else { ", " });
                out.ident(p.name(*col));
                out.sql(" = ");
                p.write_param(*param, out);
            }
            p.write_where(out);
            p.write_returning(out);
        })
    }
}

impl<'t> DynFilter<'t> for DynDelete<'t> {
    fn __parts(&mut self) -> &mut Parts<'t> {
        &mut self.parts
    }
}

impl DynDelete<'_> {
    /// The statement as it will be sent to a database of `dialect`, or the first mistake
    /// in it.
    pub fn render_for(&self, dialect: Dialect) -> Result<Rendered<'_>, Error> {
        let p = &self.parts;
        p.finish(dialect, |out| {
            out.sql("DELETE FROM ");
            p.write_table(out);
            p.write_where(out);
            p.write_returning(out);
        })
    }
}

/// What INSERT, UPDATE and DELETE share: RETURNING, and rendering for PostgreSQL (run
/// methods: `run.rs`).
macro_rules! returning {
    ($($ty:ident),*) => {$(
        impl $ty<'_> {
            /// The statement as it will be sent to PostgreSQL, or the first mistake in it
            /// ([`render_for`](Self::render_for) for another database).
            pub fn render(&self) -> Result<Rendered<'_>, Error> {
                self.render_for(Dialect::Postgres)
            }

            /// `RETURNING` these columns of the written rows (read them with `load`).
            pub fn returning<'c>(mut self, columns: impl IntoIterator<Item = &'c str>) -> Self {
                let columns: Vec<&str> = columns.into_iter().collect();
                self.parts.returning(&columns);
                self
            }
        }
    )*};
}

returning!(DynInsert, DynUpdate, DynDelete);
