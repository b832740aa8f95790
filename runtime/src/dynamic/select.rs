//! SELECT on a reflected table: columns, filters, order, limit and offset, and writing
//! the statement (run in `run.rs`).

use super::{DynFilter, Parts};
use crate::backend::Dialect;
use crate::engine::Error;
use crate::reflect::ReflectedTable;
use crate::render::Rendered;

impl ReflectedTable {
    /// `SELECT` every column of this table; see [`DynSelect`].
    pub fn select(&self) -> DynSelect<'_> {
        DynSelect {
            parts: Parts::new(self),
            columns: (0..self.columns.len()).collect(),
            order: Vec::new(),
            limit: None,
            offset: None,
        }
    }
}

/// A SELECT on a reflected table.
#[derive(Debug)]
pub struct DynSelect<'t> {
    pub(super) parts: Parts<'t>,
    columns: Vec<usize>,
    order: Vec<(usize, bool)>,
    pub(super) limit: Option<i64>,
    offset: Option<i64>,
}

impl<'t> DynFilter<'t> for DynSelect<'t> {
    fn __parts(&mut self) -> &mut Parts<'t> {
        &mut self.parts
    }
}

impl DynSelect<'_> {
    /// Selects these columns, in this order, instead of all of them.
    pub fn columns<'c>(mut self, columns: impl IntoIterator<Item = &'c str>) -> Self {
        self.columns = columns
            .into_iter()
            .filter_map(|c| self.parts.column(c))
            .collect();
        if self.columns.is_empty() && self.parts.error.is_none() {
            self.parts
                .fail(Error::Misuse("a SELECT needs at least one column".into()));
        }
        self
    }

    /// `ORDER BY column` (ascending); calls add keys in order.
    pub fn order_by(mut self, column: &str) -> Self {
        if let Some(col) = self.parts.column(column) {
            self.order.push((col, false));
        }
        self
    }

    /// `ORDER BY column DESC`.
    pub fn order_by_desc(mut self, column: &str) -> Self {
        if let Some(col) = self.parts.column(column) {
            self.order.push((col, true));
        }
        self
    }

    /// `LIMIT n`.
    pub fn limit(mut self, n: i64) -> Self {
        self.limit = Some(n);
        self
    }

    /// `OFFSET n`.
    pub fn offset(mut self, n: i64) -> Self {
        self.offset = Some(n);
        self
    }

    /// The statement as it will be sent to PostgreSQL, or the first mistake in it.
    pub fn render(&self) -> Result<Rendered<'_>, Error> {
        self.render_for(Dialect::Postgres)
    }

    /// The statement as it will be sent to a database of `dialect` (as a run method on
    /// a connection renders it), or the first mistake in it.
    pub fn render_for(&self, dialect: Dialect) -> Result<Rendered<'_>, Error> {
        self.render_limited(dialect, self.limit.as_ref())
    }

    /// The statement with `limit` in place of the query's own.
    pub(super) fn render_limited<'s>(
        &'s self,
        dialect: Dialect,
        limit: Option<&'s i64>,
    ) -> Result<Rendered<'s>, Error> {
        let p = &self.parts;
        p.finish(dialect, |out| {
            out.sql("SELECT ");
            p.write_columns(&self.columns, out);
            out.sql(" FROM ");
            p.write_table(out);
            p.write_where(out);
            for (i, (col, desc)) in self.order.iter().enumerate() {
                out.sql(if i == 0 { " ORDER BY " } else { ", " });
                out.ident(p.name(*col));
                if *desc {
                    out.sql(" DESC");
                }
            }
            out.limit_offset(limit, self.offset.as_ref());
        })
    }
}
