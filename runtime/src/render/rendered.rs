//! A rendered statement ([`Rendered`]) and how its parameters are shown.

use super::{Label, Param, REDACTED};
use crate::backend::Dialect;
use postgres_types::Type;
use std::fmt;

/// Parameters as they are shown (logs, echo, debug output): a list, with the redacted ones
/// as [`REDACTED`].
#[derive(Clone, Copy)]
pub(crate) struct ShownParams<'p, 'a> {
    pub params: &'p [Param<'a>],
    /// Positions (0-based, ascending) of the parameters to redact.
    pub sensitive: &'p [usize],
    /// Redact every parameter.
    pub all: bool,
}

impl fmt::Debug for ShownParams<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (i, p) in self.params.iter().enumerate() {
            if self.all || self.sensitive.binary_search(&i).is_ok() {
                list.entry(&format_args!("{REDACTED}"));
            } else {
                list.entry(p);
            }
        }
        list.finish()
    }
}

impl fmt::Display for ShownParams<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A rendered statement, ready to execute or to show.
pub struct Rendered<'a> {
    /// The SQL text with `$1`, `$2`, ... placeholders (empty when rendered with
    /// [`SqlWriter::fingerprint_only`](super::SqlWriter::fingerprint_only)).
    pub sql: String,
    /// The statement's fingerprint: equal for statements of equal SQL text and parameter
    /// types (see [`SqlWriter`](super::SqlWriter)).
    pub key: u64,
    /// Whether `sql` holds the text.
    pub has_text: bool,
    /// The parameters, in placeholder order.
    pub params: Vec<Param<'a>>,
    /// The backend spelling the text is written in.
    pub dialect: Dialect,
    /// The positions in `params` (0-based, ascending) of the sensitive parameters, which
    /// are shown as [`REDACTED`] (see [`SqlWriter::redacting`](super::SqlWriter::redacting)).
    pub sensitive: Vec<usize>,
    /// The declared type of each parameter.
    /// (PostgreSQL's statements only; empty for another backend's, and when rendered with
    /// [`SqlWriter::fingerprint_only`](super::SqlWriter::fingerprint_only): the connection
    /// has the statement, and its types, already).
    pub types: Vec<Type>,
    /// A hash of the declared types, independent of `key`: with it the statement cache
    /// tells apart statements whose fingerprints collide but whose types differ.
    pub(crate) types_key: u64,
    /// The label of each selected column.
    pub labels: Vec<Label>,
    /// Whether a text parameter holds a NUL byte (the statement must not be sent).
    pub nul_in_text: bool,
    /// A parameter that cannot be sent (its position and why): the statement must not be.
    pub refused: Option<(usize, String)>,
    /// A PostgreSQL-only feature a boxed piece uses, on a statement for another backend
    /// (the statement must not be sent).
    pub lacking: Option<&'static str>,
    /// What a MySQL statement tells its connection beyond its text.
    #[cfg_attr(not(feature = "mysql"), allow(dead_code))]
    pub(crate) mysql: MysqlMarks,
}

/// What a statement rendered for MySQL tells the connection that runs it (all unset on
/// another backend).
#[derive(Clone, Debug, Default)]
pub(crate) struct MysqlMarks {
    /// The statement has a RETURNING clause: the connection checks that its server has one
    /// (MySQL has none; MariaDB has it on INSERT and DELETE from 10.5).
    pub returning: bool,
    /// An upsert that updates: its count is the rows it inserted or updated, as on
    /// PostgreSQL, not MySQL's affected rows (2 for an updated row, 0 for one left as it
    /// was).
    pub upsert_counts_rows: bool,
    /// Why the statement cannot run on MySQL (an upsert target MySQL cannot honour).
    pub refused: Option<String>,
    /// Every selected column of the query being written gets an alias of its own
    /// (`count()`'s derived table: see [`SqlWriter::end_item`](super::SqlWriter::end_item)).
    pub alias_items: bool,
    /// An aggregate call was written (set on every backend, read on MySQL only: a HAVING
    /// without one is written through `MAX(..)`, see `clauses.rs`).
    pub aggregate: bool,
    /// The query depth of the last GROUP BY written on MySQL.
    pub grouped_depth: Option<u32>,
    /// A locking clause with `NOWAIT` was written: MariaDB reports a row it could not lock
    /// with error 1205, which is otherwise a lock wait timeout.
    pub nowait: bool,
    /// `LOCK IN SHARE MODE` with `NOWAIT` or `SKIP LOCKED` was written: MariaDB's form,
    /// which MySQL refuses (it spells it `FOR SHARE NOWAIT`, which MariaDB refuses).
    pub shared_lock_option: bool,
}

impl<'a> Rendered<'a> {
    /// The parameters as the `postgres` crate takes them (`client.query(&sql, &params)`).
    pub fn postgres_params(&self) -> Vec<&'a (dyn postgres_types::ToSql + Sync)> {
        self.params
            .iter()
            .map(|p| *p as &(dyn postgres_types::ToSql + Sync))
            .collect()
    }

    /// The parameters as shown: sensitive ones redacted, or all of them when `all`.
    pub(crate) fn shown_params(&self, all: bool) -> ShownParams<'_, 'a> {
        ShownParams {
            params: &self.params,
            sensitive: &self.sensitive,
            all,
        }
    }
}

impl fmt::Display for Rendered<'_> {
    /// Shows the SQL followed by its parameters, as a comment: for logs and debugging.
    /// Sensitive parameters are shown as [`REDACTED`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql)?;
        if !self.params.is_empty() {
            write!(f, " -- binds: {:?}", self.shown_params(false))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rendered")
            .field("sql", &self.sql)
            .field("params", &self.shown_params(false))
            .finish()
    }
}
