//! Statements for administration on MySQL: catalog queries read as text (reflection,
//! tests), and the migration runner's bookkeeping statements with bound values.

use super::client::write_param;
use super::MysqlLink;
use crate::backend::Mysql;
use crate::engine::wire::now;
use crate::engine::{log, Connection, Error};
use mysql_common::value::Value;
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
        now(self.query_text_io(sql))
    }

    /// [`query_text`](Self::query_text), on either kind of socket (reflection's one body
    /// runs it in both modes).
    pub(crate) async fn query_text_io(
        &mut self,
        sql: &str,
    ) -> Result<Vec<Vec<Option<String>>>, Error> {
        // As every other statement: refused after a failed one in the same transaction.
        if self.depth > 0 && self.aborted {
            return Err(super::errors::in_failed_transaction());
        }
        let started = Instant::now();
        let result = text_rows(&mut self.link, sql).await;
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
        let result = exec_bound(&mut self.link, sql, values);
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

/// Prepares `sql`, runs it once with `values` and closes it (bookkeeping statements are
/// few and rare: not kept).
fn exec_bound(link: &mut MysqlLink, sql: &str, values: &[Bound<'_>]) -> Result<u64, Error> {
    let (mut types, mut bytes) = (Vec::new(), Vec::new());
    for value in values {
        let value = match value {
            Bound::Int(n) => Value::Int(*n),
            Bound::Text(s) => Value::Bytes(s.as_bytes().to_vec()),
        };
        types.extend_from_slice(&write_param(&value, &mut bytes));
    }
    let mut statement = now(link.client.prepare(sql))?;
    let result = now(link
        .client
        .execute_encoded(&mut statement, &types, &bytes, &mut |_| Ok(())));
    let closed = now(link.client.close_statement(statement.id));
    let changed = result?;
    closed?;
    Ok(changed)
}

async fn text_rows(link: &mut MysqlLink, sql: &str) -> Result<Vec<Vec<Option<String>>>, Error> {
    let mut out = Vec::new();
    link.client
        .query_rows(sql, &mut |row: &[Option<&[u8]>]| {
            out.push(
                row.iter()
                    .map(|v| v.map(|b| String::from_utf8_lossy(b).into_owned()))
                    .collect(),
            );
            Ok(())
        })
        .await?;
    Ok(out)
}
