//! Bulk loads and dumps with PostgreSQL's `COPY` in its binary format.
//!
//! [`copy_in`] sends rows as `COPY "table" ("a", "b") FROM STDIN (FORMAT binary)`: each row
//! is a tuple of `column.to(value)` assignments or a struct deriving
//! [`Insertable`](crate::Insertable), checked against the table's columns at compile time
//! exactly like `insert_into(..).values(..)`. The COPY is one statement: a bad row (a NUL
//! byte in text, a value the server refuses, a constraint violation) gives
//! [`Error::Copy`] naming the row and, when known, the column, and the table is left as it
//! was.
//!
//! [`Select::copy_out`](crate::query::Select::copy_out) runs `COPY (SELECT ..) TO STDOUT (FORMAT binary)` for a query without
//! parameters and yields its rows decoded into the query's Rust row type, as they arrive.
//!
//! ```no_run
//! use sqlwright::prelude::*;
//! sqlwright::table! { users (id) { #[serial] id -> Int4, name -> Text, age -> Nullable<Int4>, } }
//! # fn demo(conn: &mut Connection) -> Result<(), sqlwright::Error> {
//! let rows = (0..1_000_000).map(|i| (users::name.to(format!("user {i}")), users::age.to(Some(i % 90))));
//! let stored = sqlwright::copy::copy_in(users::table)
//!     .on_progress(100_000, |done| eprintln!("{done} rows"))
//!     .rows(rows, conn)?;
//! for row in users::table.select((users::id, users::name)).copy_out(conn)? {
//!     let (id, name): (i32, String) = row?;
//! }
//! # Ok(()) }
//! ```

use crate::backend::needs::{features, PostgresOnly};
use crate::check::writes::InsertColumns;
use crate::engine::wire::Span;
use crate::engine::{Column, Connection, RowRef};
use crate::engine::{Error, Executor};
use crate::query::{AssignList, Assignments, Insertable, Table};
use crate::render::{Param, Rendered, SqlWriter};
use bytes::BytesMut;
use postgres_types::Type;
use std::marker::PhantomData;
use std::sync::Arc;

#[cfg(feature = "tokio")]
mod on_tokio;
mod plan;
use plan::CopyPlan;

/// Starts a bulk load into `table`; see the [module docs](self).
pub fn copy_in<T: crate::query::StoredTable>(table: T) -> CopyIn<'static, T> {
    CopyIn {
        _table: table,
        every: 0,
        progress: None,
    }
}

/// A bulk load into table `T`, with an optional progress hook.
#[must_use = "a COPY needs `.rows(iter, conn)`"]
pub struct CopyIn<'p, T> {
    _table: T,
    every: u64,
    progress: Option<Box<dyn FnMut(u64) + Send + 'p>>,
}

impl<T> std::fmt::Debug for CopyIn<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CopyIn")
            .field("every", &self.every)
            .finish()
    }
}

/// Index marker: a row given as a tuple of assignments.
pub struct ByAssignments<I>(PhantomData<I>);
/// Index marker: a row given as a reference to an `Insertable` struct.
pub struct ByStruct<I>(PhantomData<I>);

/// One row of a COPY into table `T`: assignments to `T`'s columns, or an `Insertable`
/// struct of `T` by reference.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a row of a COPY into `{T}`",
    note = "a COPY row is a tuple of `column.to(value)` for columns of `{T}`, or a reference to a struct deriving `Insertable` for it"
)]
pub trait CopyRow<T, I> {
    /// Writes the column names: `"a", "b"`.
    fn render_columns(out: &mut SqlWriter<'_>);
    /// Renders the row's values (with SQL text when `text`) and hands them to `f`.
    fn with_values<R>(&self, text: bool, f: impl FnOnce(Rendered<'_>) -> R) -> R;
}

fn rendered<A: AssignList>(values: &A, text: bool) -> Rendered<'_> {
    let mut out = if text {
        SqlWriter::new()
    } else {
        SqlWriter::fingerprint_only()
    };
    values.render_values(&mut out);
    out.finish()
}

impl<T, I, A: Assignments<T, InsertColumns, I>> CopyRow<T, ByAssignments<I>> for A {
    fn render_columns(out: &mut SqlWriter<'_>) {
        <A as AssignList>::render_columns(out);
    }
    fn with_values<R>(&self, text: bool, f: impl FnOnce(Rendered<'_>) -> R) -> R {
        f(rendered(self, text))
    }
}

impl<'x, T, I, S> CopyRow<T, ByStruct<I>> for &'x S
where
    S: Insertable<'x, Table = T>,
    S::Values: Assignments<T, InsertColumns, I>,
{
    fn render_columns(out: &mut SqlWriter<'_>) {
        <S::Values as AssignList>::render_columns(out);
    }
    fn with_values<R>(&self, text: bool, f: impl FnOnce(Rendered<'_>) -> R) -> R {
        let values = (*self).values();
        f(rendered(&values, text))
    }
}

/// Whether `sql` is `$1, $2, .., $count`: plain values, each maybe cast to a declared enum
/// type (`$2::"order_status"`), whose label is sent in COPY's binary form as it is.
fn plain_values(sql: &str, count: usize) -> bool {
    let mut rest = sql;
    for n in 1..=count {
        if n > 1 {
            let Some(r) = rest.strip_prefix(", ") else {
                return false;
            };
            rest = r;
        }
        let Some(r) = rest.strip_prefix(&format!("${n}")) else {
            return false;
        };
        rest = r;
        if let Some(r) = rest.strip_prefix("::\"") {
            // A quoted type name, its quotes doubled.
            let mut chars = r.char_indices().peekable();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                if c == '"' {
                    if chars.peek().is_some_and(|&(_, c)| c == '"') {
                        chars.next();
                    } else {
                        end = Some(i + 1);
                        break;
                    }
                }
            }
            let Some(end) = end else {
                return false;
            };
            rest = &r[end..];
            rest = rest.strip_prefix("[]").unwrap_or(rest);
        }
    }
    rest.is_empty()
}

/// The quoted identifiers of a column list as written by `render_columns`: `"a", "b""c"`.
fn column_names(list: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = list.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut name = String::new();
        while let Some(c) = chars.next() {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    name.push('"');
                } else {
                    break;
                }
            } else {
                name.push(c);
            }
        }
        names.push(name);
    }
    names
}

/// Which of `params` cannot be sent as its type: its position and the error.
fn failing_param(params: &[Param<'_>], types: &[Type]) -> Option<(usize, Error)> {
    let mut buf = BytesMut::new();
    params
        .iter()
        .zip(types)
        .enumerate()
        .find_map(|(i, (p, ty))| {
            buf.clear();
            p.to_sql_checked(ty, &mut buf).err().map(|e| {
                let error = if e.is::<crate::expr::NulInText>() {
                    Error::NulInText
                } else {
                    Error::Parameter(e.to_string())
                };
                (i, error)
            })
        })
}

/// The row and column a server error's `CONTEXT` names: `COPY users, line 3, column age: ..`.
fn server_position(error: &Error, columns: &[String]) -> (Option<u64>, Option<String>) {
    let Some(context) = error.database_error().and_then(|d| d.context.as_deref()) else {
        return (None, None);
    };
    let row = context.split(", line ").nth(1).and_then(|rest| {
        rest.split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok())
    });
    let column = context.split(", column ").nth(1).and_then(|rest| {
        let name = rest.split(':').next().unwrap_or(rest);
        columns.iter().find(|c| c.as_str() == name).cloned()
    });
    let column = column.or_else(|| error.database_error().and_then(|d| d.column.clone()));
    (row, column)
}

impl<'p, T: Table> CopyIn<'p, T> {
    /// Calls `f` with the number of rows sent so far every `every` rows, and once at the
    /// end with the total.
    pub fn on_progress<'q>(self, every: u64, f: impl FnMut(u64) + Send + 'q) -> CopyIn<'q, T> {
        CopyIn {
            _table: self._table,
            every: every.max(1),
            progress: Some(Box::new(f)),
        }
    }

    /// Sends `rows` in one `COPY` and returns how many were stored. No rows send nothing.
    pub fn rows<R, I, C>(
        mut self,
        rows: impl IntoIterator<Item = R>,
        conn: &mut C,
    ) -> Result<u64, Error>
    where
        R: CopyRow<T, I>,
        C: Executor + ?Sized,
        C::Backend: PostgresOnly<features::COPY>,
    {
        let mut rows = rows.into_iter();
        let Some(first) = rows.next() else {
            if let Some(f) = &mut self.progress {
                f(0);
            }
            return Ok(0);
        };
        let plan = CopyPlan::new::<T, I, R>(&first)?;
        let every = self.every;
        let progress = &mut self.progress;
        let conn = <C::Backend as PostgresOnly<features::COPY>>::postgres(conn.connection());
        conn.copy_in_with(&plan.sql, |sink| {
            let refused = std::cell::Cell::new(false);
            let mut write = |n: u64, r: Rendered<'_>| -> Result<(), Error> {
                plan.write(n, r, |params, types| {
                    let sent = sink.row(params, types);
                    refused.set(sink.refused());
                    sent
                })
            };
            first.with_values(false, |r| write(1, r))?;
            let mut n = 1u64;
            // The count last reported: the total is reported at the end unless it just was.
            let mut reported = None;
            if let Some(f) = progress.as_mut().filter(|_| n.is_multiple_of(every)) {
                f(n);
                reported = Some(n);
            }
            for row in rows {
                if refused.get() {
                    // The server refused a row already: pulling more rows from the
                    // caller's iterator would only produce data it drops.
                    break;
                }
                n += 1;
                row.with_values(false, |r| write(n, r))?;
                if let Some(f) = progress.as_mut().filter(|_| n.is_multiple_of(every)) {
                    f(n);
                    reported = Some(n);
                }
            }
            let stored = sink.finish().map_err(|error| plan.finished(error))?;
            if let Some(f) = progress.as_mut().filter(|_| reported != Some(stored)) {
                f(stored);
            }
            Ok(stored)
        })
    }
}

/// Decodes one row of binary COPY output.
pub(crate) type DecodeCopy<R> = for<'r> fn(RowRef<'r>, &[crate::render::Label]) -> Result<R, Error>;

/// The rows of [`Select::copy_out`](crate::query::Select::copy_out), decoded as they
/// arrive. Stops after the first error.
pub struct CopyRows<'c, R> {
    conn: &'c mut Connection,
    columns: Arc<[Column]>,
    labels: Vec<crate::render::Label>,
    decode: DecodeCopy<R>,
    spans: Vec<Span>,
    /// The file header has been read.
    header: bool,
    done: bool,
}

impl<R> std::fmt::Debug for CopyRows<'_, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CopyRows")
            .field("columns", &self.columns.len())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// The signature, flags and header extension that open binary COPY data: their length.
fn header_len(data: &[u8]) -> Option<usize> {
    const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";
    if !data.starts_with(SIGNATURE) || data.len() < 19 {
        return None;
    }
    let ext = u32::from_be_bytes([data[15], data[16], data[17], data[18]]) as usize;
    Some(19 + ext).filter(|n| *n <= data.len())
}

/// One row of binary COPY data (`data` holds exactly one tuple): its values' spans, or
/// `None` for the trailer.
fn copy_spans(data: &[u8], columns: usize, spans: &mut Vec<Span>) -> Result<bool, Error> {
    let bad = || Error::ConnectionLost("malformed binary COPY data".into());
    spans.clear();
    let count = i16::from_be_bytes([
        *data.first().ok_or_else(bad)?,
        *data.get(1).ok_or_else(bad)?,
    ]);
    if count == -1 {
        return Ok(false);
    }
    if count as usize != columns {
        return Err(bad());
    }
    let mut at = 2;
    for _ in 0..count {
        let head = data.get(at..at + 4).ok_or_else(bad)?;
        let len = i32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        at += 4;
        spans.push(Span::new(at, len));
        if len > 0 {
            at += len as usize;
        }
    }
    if at > data.len() {
        return Err(bad());
    }
    Ok(true)
}

/// One CopyData message of binary COPY output (the file header first, once) decoded
/// into a row; `Ok(None)` for the trailer.
pub(crate) fn decode_copy_message<R>(
    mut data: &[u8],
    header: &mut bool,
    columns: &Arc<[Column]>,
    spans: &mut Vec<Span>,
    decode: DecodeCopy<R>,
    labels: &[crate::render::Label],
) -> Result<Option<R>, Error> {
    if !*header {
        let n = header_len(data)
            .ok_or_else(|| Error::ConnectionLost("malformed binary COPY header".into()))?;
        *header = true;
        data = &data[n..];
    }
    if !copy_spans(data, columns.len(), spans)? {
        return Ok(None);
    }
    decode(RowRef::new(columns, data, spans), labels).map(Some)
}

/// One `copy_out` of a query: the query, how it writes itself, how its rows decode.
#[doc(hidden)]
pub struct CopyOutJob<Q, R, B: crate::backend::Backend = crate::backend::Postgres> {
    pub(crate) query: Q,
    pub(crate) write: crate::engine::runner::WriteFn<Q>,
    pub(crate) decode: DecodeCopy<R>,
    /// The connection as PostgreSQL's (see `StreamJob`).
    pub(crate) postgres: crate::engine::stream_job::ToPostgres<B>,
}

/// What `copy_out` of rows `R` gives on runner `C`: [`CopyRows`] (an `Iterator`) on a
/// blocking connection, `AsyncCopyRows` (feature `tokio`) (a `futures::Stream`) on
/// an async one.
pub type CopiedOut<'c, C, Q, R> =
    <CopyOutJob<Q, R, <C as crate::engine::Runner>::Backend> as crate::engine::runner::Work<
        'c,
        <C as crate::engine::Runner>::Backend,
        <C as crate::engine::Runner>::Mode,
    >>::Output;

impl<'c, B: crate::backend::Backend, Q, R: 'c>
    crate::engine::runner::Work<'c, B, crate::engine::Blocking> for CopyOutJob<Q, R, B>
{
    type Output = CopyRows<'c, R>;
    fn run(self, conn: &'c mut Connection<B>) -> Result<CopyRows<'c, R>, Error> {
        let mut out = SqlWriter::new();
        (self.write)(&self.query, None, &mut out)?;
        copy_out(out.finish(), (self.postgres)(conn), self.decode)
    }
}

/// The `COPY (query) TO STDOUT` text of a query without parameters (COPY takes none;
/// values are never written into SQL text).
pub(crate) fn copy_out_sql(rendered: &Rendered<'_>) -> Result<String, Error> {
    if let Some(feature) = rendered.lacking {
        return Err(Error::Unsupported {
            feature,
            backend: "PostgreSQL",
        });
    }
    if !rendered.params.is_empty() {
        return Err(Error::Misuse(format!(
            "COPY cannot take parameters, and this query has {} bound value(s); read it with \
             `.stream(conn)`, which is as lean on memory",
            rendered.params.len()
        )));
    }
    Ok(format!("COPY ({}) TO STDOUT (FORMAT binary)", rendered.sql))
}

impl<R> Iterator for CopyRows<'_, R> {
    type Item = Result<R, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            let Self {
                conn,
                columns,
                labels,
                decode,
                spans,
                header,
                ..
            } = self;
            let decode = *decode;
            let item = conn.copy_out_next(|data: &[u8]| {
                decode_copy_message(data, header, columns, spans, decode, labels)
            });
            match item {
                None => {
                    self.done = true;
                    return None;
                }
                // The trailer: the end message follows.
                Some(Ok(Ok(None))) => continue,
                Some(Ok(Ok(Some(row)))) => return Some(Ok(row)),
                Some(Ok(Err(e))) => {
                    // A row that does not decode: the rest of the data is dropped
                    // (within a bound; past it the connection is closed).
                    self.conn.abandon_copy_out();
                    self.done = true;
                    return Some(Err(e));
                }
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }
}

impl<R> Drop for CopyRows<'_, R> {
    /// Rows left unread are not read on: the COPY is cancelled (a CancelRequest to the
    /// server), what was already on its way is read and dropped (for at most 2 s), and the
    /// connection is ready for the next statement. When the cancel cannot be sent (the
    /// server gave no cancel key), the rest is read for at most 4 MiB or 250 ms; past
    /// that the connection is closed instead (a pool then opens a new one).
    fn drop(&mut self) {
        if !self.done {
            self.done = true;
            self.conn.abandon_copy_out();
        }
    }
}

/// Runs `COPY (<rendered>) TO STDOUT (FORMAT binary)`: the rows of a query without
/// parameters (COPY takes none; values are never written into SQL text).
pub(crate) fn copy_out<'c, R, C: Executor + ?Sized>(
    rendered: Rendered<'_>,
    conn: &'c mut C,
    decode: DecodeCopy<R>,
) -> Result<CopyRows<'c, R>, Error>
where
    C::Backend: PostgresOnly<features::COPY>,
{
    let sql = copy_out_sql(&rendered)?;
    let conn = <C::Backend as PostgresOnly<features::COPY>>::postgres(conn.connection());
    let columns = conn.columns_of(&rendered)?;
    conn.copy_out_start(&sql)?;
    Ok(CopyRows {
        conn,
        columns,
        labels: rendered.labels,
        decode,
        spans: Vec::new(),
        header: false,
        done: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_copy_headers_and_rows_are_parsed() {
        let mut data = b"PGCOPY\n\xff\r\n\0".to_vec();
        data.extend_from_slice(&0u32.to_be_bytes());
        data.extend_from_slice(&4u32.to_be_bytes());
        data.extend_from_slice(b"ext!");
        assert_eq!(header_len(&data), Some(23));
        assert_eq!(header_len(&data[..20]), None);
        assert_eq!(header_len(b"NOTCOPY"), None);

        let mut spans = Vec::new();
        let row = b"\x00\x02\x00\x00\x00\x01x\xff\xff\xff\xff";
        assert!(copy_spans(row, 2, &mut spans).unwrap());
        assert_eq!(spans.len(), 2);
        // The trailer.
        assert!(!copy_spans(b"\xff\xff", 2, &mut spans).unwrap());
        // Wrong column count, truncated data: errors, not panics.
        assert!(copy_spans(row, 3, &mut spans).is_err());
        assert!(copy_spans(&row[..7], 2, &mut spans).is_err());
        assert!(copy_spans(b"", 2, &mut spans).is_err());
    }

    #[test]
    fn plain_values_may_be_cast_to_enum_types() {
        assert!(plain_values("$1, $2", 2));
        assert!(plain_values(r#"$1, $2::"order_status", $3::"a""b"[]"#, 3));
        assert!(!plain_values("$1, $2", 3));
        assert!(!plain_values("$1 + 1, $2", 2));
        assert!(!plain_values(r#"$1::"open"#, 1));
        assert!(!plain_values("$1::int4", 1));
        assert!(!plain_values("$2, $1", 2));
    }
}
