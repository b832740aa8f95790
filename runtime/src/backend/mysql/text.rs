//! Statements for administration on MySQL: catalog queries read as text (reflection,
//! tests), and the migration runner's bookkeeping statements with bound values.

use super::MysqlLink;
use crate::backend::Mysql;
use crate::engine::{log, Connection, Error};
use mysql::prelude::Queryable;
use std::time::Instant;

/// A value bound to a bookkeeping statement.
pub(crate) enum Bound<'a> {
    /// An integer.
    Int(i64),
    /// Text.
    Text(&'a str),
}

impl Connection<Mysql> {
    /// Runs SQL text without parameters (one statement) through MySQL's text protocol and
    /// returns its rows, each value as text (`None` for NULL; bytes that are not UTF-8 are
    /// replaced): for administration and diagnostics (`SHOW ..`, `information_schema`
    /// queries), as [`Connection::query_text`] is on PostgreSQL. Never build this text from
    /// user data.
    pub fn query_text(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, Error> {
        let started = Instant::now();
        let result = text_rows(&mut self.link, sql);
        log::statement(
            &self.echo,
            sql,
            &[],
            started.elapsed(),
            result.as_ref().map(|rows| Some(rows.len() as u64)),
        );
        self.note(result)
    }

    /// Runs one statement with `?` placeholders and `values` bound in order; returns the
    /// rows it changed. For sqlwright's own fixed statements (migration bookkeeping).
    pub(crate) fn exec_bound(&mut self, sql: &str, values: &[Bound<'_>]) -> Result<u64, Error> {
        let started = Instant::now();
        let params: Vec<mysql::Value> = values
            .iter()
            .map(|v| match v {
                Bound::Int(n) => mysql::Value::Int(*n),
                Bound::Text(s) => mysql::Value::Bytes(s.as_bytes().to_vec()),
            })
            .collect();
        let params = if params.is_empty() {
            mysql::Params::Empty
        } else {
            mysql::Params::Positional(params)
        };
        let result = self
            .link
            .conn
            .exec_iter(sql, params)
            .map(|r| r.affected_rows())
            .map_err(|e| self.link.failed(e));
        log::statement(
            &self.echo,
            sql,
            &[],
            started.elapsed(),
            result.as_ref().map(|n| Some(*n)),
        );
        self.note(result)
    }
}

/// Runs SQL text (one or more statements) and reads every result set, failing with the
/// first statement's error; the statements before it have run.
pub(super) fn drain(link: &mut MysqlLink, sql: &str) -> Result<(), Error> {
    let mut failed = None;
    match link.conn.query_iter(sql) {
        Ok(mut result) => {
            while let Some(set) = result.iter() {
                for row in set {
                    if let Err(e) = row {
                        failed.get_or_insert(e);
                    }
                }
            }
        }
        Err(e) => failed = Some(e),
    }
    match failed {
        Some(e) => Err(link.failed(e)),
        None => Ok(()),
    }
}

fn text_rows(link: &mut MysqlLink, sql: &str) -> Result<Vec<Vec<Option<String>>>, Error> {
    let mut out = Vec::new();
    let mut failed = None;
    match link.conn.query_iter(sql) {
        Ok(mut result) => {
            while let Some(set) = result.iter() {
                for row in set {
                    match row {
                        Ok(row) => out.push(
                            row.unwrap()
                                .into_iter()
                                .map(|v| match v {
                                    mysql::Value::NULL => None,
                                    mysql::Value::Bytes(b) => {
                                        Some(String::from_utf8_lossy(&b).into_owned())
                                    }
                                    other => Some(other.as_sql(true)),
                                })
                                .collect(),
                        ),
                        Err(e) => {
                            if failed.is_none() {
                                failed = Some(e);
                            }
                        }
                    }
                }
            }
        }
        Err(e) => failed = Some(e),
    }
    match failed {
        Some(e) => Err(link.failed(e)),
        None => Ok(out),
    }
}
