//! `RETURNING` for INSERT, UPDATE and DELETE, and running those statements.

use super::SingleFrom;
use crate::check::{AppearsIn, InsideWhere, ValidGrouping};
use crate::engine::runner::{Affected, As, Job};
use crate::engine::{Error, Executor};
use crate::render::{Render, SqlWriter};
use crate::types::{FromRow, RowOf};
use std::marker::PhantomData;

/// No RETURNING clause.
#[derive(Clone, Copy, Default)]
pub struct NoReturning;

/// `RETURNING e`, whose rows are of SQL type `ST` (found when `returning` checked `e`, and
/// kept here so that running the statement does not check it again).
pub struct Returning<E, ST> {
    expr: E,
    _row: PhantomData<ST>,
}

/// A valid RETURNING list for a statement on table `T`: columns of `T` (or expressions of
/// them), no aggregates.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned by a statement on `{T}`",
    note = "RETURNING takes columns of the table the statement writes, or expressions of them"
)]
pub trait ValidReturning<T, I> {
    /// The SQL type of a returned row.
    type SqlType;
}

impl<E, T, I, J> ValidReturning<T, (I, J)> for E
where
    E: AppearsIn<SingleFrom<T>, I> + ValidGrouping<InsideWhere, J> + Render,
{
    type SqlType = E::Lifted;
}

impl<E, ST> Returning<E, ST> {
    pub(crate) fn new(expr: E) -> Self {
        Returning {
            expr,
            _row: PhantomData,
        }
    }
}

/// The RETURNING clause of a statement (or none).
pub trait ReturningClause {
    /// What the RETURNING list needs of the backend.
    type Needs: crate::backend::Needs;
    /// What it needs on an UPDATE: MySQL has no `UPDATE .. RETURNING`.
    type OnUpdate: crate::backend::Needs;
    /// What it needs on an INSERT that skips duplicates: MariaDB's RETURNING would return
    /// the skipped rows too.
    type OnDoNothing: crate::backend::Needs;
    /// Writes ` RETURNING ...` or nothing.
    fn render_returning<'a>(&'a self, out: &mut SqlWriter<'a>);
}
impl ReturningClause for NoReturning {
    type Needs = ();
    type OnUpdate = ();
    type OnDoNothing = ();
    fn render_returning<'a>(&'a self, _: &mut SqlWriter<'a>) {}
}
impl<E: Render, ST> ReturningClause for Returning<E, ST> {
    type Needs = E::Needs;
    type OnUpdate = crate::backend::needs::Both<
        crate::backend::needs::NotOnMysql<crate::backend::needs::features::UpdateReturning>,
        E::Needs,
    >;
    type OnDoNothing =
        crate::backend::needs::NotOnMysql<crate::backend::needs::features::DoNothingReturning>;
    fn render_returning<'a>(&'a self, out: &mut SqlWriter<'a>) {
        if let Some(marks) = out.mysql_marks() {
            marks.returning = true;
        }
        out.sql(" RETURNING ");
        self.expr.render_select(out);
    }
}

/// A statement that can write its SQL: INSERT, UPDATE, DELETE.
pub trait WriteStatement {
    /// What the statement needs of the backend: its values' or assignments', WHERE
    /// clause's and RETURNING list's.
    type Needs: crate::backend::Needs;
    /// Writes the whole statement. Returns `false` when there is nothing to run (an INSERT
    /// of no rows).
    fn render_statement<'a>(&'a self, out: &mut SqlWriter<'a>) -> bool;
}

/// Runs a statement without RETURNING: the number of rows it wrote.
pub(crate) fn run_execute<S: WriteStatement, C: Executor + ?Sized>(
    statement: &S,
    conn: &mut C,
) -> Result<u64, Error> {
    let mut empty = false;
    let rendered = crate::render::render_for(conn, &mut |out| {
        empty = !statement.render_statement(out);
    });
    if empty {
        return Ok(0);
    }
    conn.execute_rendered(&rendered)
}

/// One run of a write statement: the number of rows it wrote.
pub(crate) fn execute_job<S: WriteStatement>(statement: S) -> Job<S, Affected, u64> {
    Job::affected(statement, write_statement::<S>)
}

/// Writes a write statement for a [`Job`] (a named function: no call shim per statement).
fn write_statement<'q, S: WriteStatement>(
    statement: &'q S,
    _: Option<&'q i64>,
    out: &mut SqlWriter<'q>,
) -> Result<bool, Error> {
    Ok(statement.render_statement(out))
}

/// One run of a write statement with RETURNING: its rows, made into `T` by `finish`.
pub(crate) fn returning_job<S: WriteStatement, ST, T>(
    statement: S,
    finish: fn(Vec<ReturnedRow<ST>>, u64) -> Result<T, Error>,
) -> Job<S, As<ReturnedRow<ST>, ST>, T>
where
    ST: RowOf,
    ReturnedRow<ST>: FromRow<ST>,
{
    Job {
        query: statement,
        limit: None,
        write: write_statement::<S>,
        finish,
    }
}

/// The Rust row type a RETURNING list of SQL type `ST` loads into.
pub type ReturnedRow<ST> = <ST as RowOf>::Row;

/// The SQL text and parameters of a write statement, without running it.
pub fn render_write<S: WriteStatement>(statement: &S) -> crate::render::Rendered<'_> {
    let mut out = SqlWriter::new();
    statement.render_statement(&mut out);
    out.finish()
}
