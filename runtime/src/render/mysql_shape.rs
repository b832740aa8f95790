//! Where MySQL needs a statement shaped differently, decided while it is written: the
//! aliases of `count()`'s derived table, and a HAVING without an aggregate written through
//! `MAX(..)` (docs/design.md, "MySQL stream, Any, counts"). On the other backends these
//! methods write nothing.

use super::SqlWriter;
use crate::backend::Dialect;

impl<'a> SqlWriter<'a> {
    /// Ends a selected column (after its [`label`](Self::label) and its text). Only in
    /// `count()`'s derived table on MySQL does it write anything: the column's alias, `c1`,
    /// `c2`, .., since MySQL refuses a derived table with two columns of one name (a join's
    /// two `id`s).
    #[inline]
    pub fn end_item(&mut self) {
        if self.mysql.alias_items && self.depth == 0 {
            self.alias_item();
        }
    }

    #[cold]
    fn alias_item(&mut self) {
        let name = format!("c{}", self.labels.len());
        self.sql(" AS ");
        self.ident(&name);
    }

    /// Notes that an aggregate call is being written (one store; read only on MySQL).
    #[doc(hidden)]
    #[inline]
    pub fn note_aggregate(&mut self) {
        self.mysql.aggregate = true;
    }

    /// Notes, on MySQL, that the query being written has a GROUP BY.
    pub(crate) fn note_group_by(&mut self) {
        if self.dialect == Dialect::Mysql {
            self.mysql.grouped_depth = Some(self.depth);
        }
    }

    /// Writes a HAVING condition with `write`; on MySQL, under this query's own GROUP BY,
    /// a condition without an aggregate call is written `MAX(condition)`. MySQL resolves a
    /// column in HAVING only against the select list, the GROUP BY columns and aggregates,
    /// so `lower(name) <> ?` under `GROUP BY lower(name)` would be "Unknown column"; the
    /// condition is one value per group (the grouping rule checked it), so its MAX over
    /// the group's rows is that value, NULL included.
    pub(crate) fn having(&mut self, write: impl FnOnce(&mut Self)) {
        let wrap = self.dialect == Dialect::Mysql && self.mysql.grouped_depth == Some(self.depth);
        if !wrap {
            write(self);
            return;
        }
        let outer = std::mem::replace(&mut self.mysql.aggregate, false);
        let at = self.sql.len();
        write(self);
        if !self.mysql.aggregate && self.text {
            self.sql.insert_str(at, "MAX(");
            self.sql.push(')');
        }
        // The choice follows from the condition's structure, which the fingerprint holds.
        self.mysql.aggregate |= outer;
    }

    /// Writes the statement with `write`, every selected column of its (top-level) query
    /// given an alias of its own on MySQL (`count()`'s derived table); unchanged elsewhere.
    pub(crate) fn with_item_aliases(&mut self, write: impl FnOnce(&mut Self)) {
        let mysql = self.dialect == Dialect::Mysql;
        self.mysql.alias_items = mysql;
        write(self);
        self.mysql.alias_items = false;
    }
}
