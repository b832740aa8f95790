//! INSERT, UPDATE and DELETE on a reflected table: giving values, filters and RETURNING,
//! and writing the statement (the types are declared in `dynamic.rs`, run in `run.rs`).

use super::{DynDelete, DynFilter, DynInsert, DynUpdate, Parts, Value};
use crate::engine::Error;
use crate::render::Rendered;

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

    /// The statement as it will be sent, or the first mistake in it.
    pub fn render(&self) -> Result<Rendered<'_>, Error> {
        let p = &self.parts;
        p.finish(|out| {
            out.sql("INSERT INTO ");
            p.write_table(out);
            if self.values.is_empty() {
                out.sql(" DEFAULT VALUES");
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

    /// The statement as it will be sent, or the first mistake in it.
    pub fn render(&self) -> Result<Rendered<'_>, Error> {
        let p = &self.parts;
        if self.sets.is_empty() && p.error.is_none() {
            return Err(Error::Misuse(format!(
                "an UPDATE of `{}` needs at least one set(column, value)",
                p.table.name
            )));
        }
        p.finish(|out| {
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
    /// The statement as it will be sent, or the first mistake in it.
    pub fn render(&self) -> Result<Rendered<'_>, Error> {
        let p = &self.parts;
        p.finish(|out| {
            out.sql("DELETE FROM ");
            p.write_table(out);
            p.write_where(out);
            p.write_returning(out);
        })
    }
}

/// What INSERT, UPDATE and DELETE share: RETURNING (run methods: `run.rs`).
macro_rules! returning {
    ($($ty:ident),*) => {$(
        impl $ty<'_> {
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
