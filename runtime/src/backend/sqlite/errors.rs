//! SQLite's errors as sqlwright's: constraint failures typed and named as SQLite reports
//! them (`UNIQUE constraint failed: users.email`), `SQLITE_BUSY` retryable.

use crate::engine::{DatabaseError, DbErrorKind, Error};
use rusqlite::ffi;

/// The SQLSTATE that PostgreSQL gives the same failure, so that code reading `code` works
/// on both backends.
fn sqlstate(kind: DbErrorKind) -> &'static str {
    match kind {
        DbErrorKind::UniqueViolation => "23505",
        DbErrorKind::ForeignKeyViolation => "23503",
        DbErrorKind::NotNullViolation => "23502",
        DbErrorKind::CheckViolation => "23514",
        DbErrorKind::Busy => "40001",
        DbErrorKind::UndefinedTable => "42P01",
        DbErrorKind::UndefinedColumn => "42703",
        DbErrorKind::SyntaxOrAccess => "42601",
        DbErrorKind::ReadOnlyTransaction => "25006",
        _ => "HY000",
    }
}

/// `table.column` pairs after SQLite's `... constraint failed: ` (one or more, comma
/// separated; a CHECK names its constraint or expression instead).
fn named(message: &str) -> Option<&str> {
    message
        .split_once("constraint failed: ")
        .map(|(_, names)| names.trim())
}

pub(crate) fn from_rusqlite(e: rusqlite::Error) -> Error {
    let (code, extended, message) = match &e {
        rusqlite::Error::SqliteFailure(err, message) => (
            err.code,
            err.extended_code,
            message.clone().unwrap_or_else(|| err.to_string()),
        ),
        rusqlite::Error::SqlInputError {
            error, msg, offset, ..
        } => (
            error.code,
            error.extended_code,
            format!("{msg} (at byte {offset} of the statement)"),
        ),
        rusqlite::Error::ToSqlConversionFailure(inner) => {
            return Error::Parameter(inner.to_string())
        }
        other => return Error::Driver(other.to_string()),
    };
    let kind = match extended {
        ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
            DbErrorKind::UniqueViolation
        }
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => DbErrorKind::ForeignKeyViolation,
        // ON DELETE/UPDATE RESTRICT fails at once, reported as a trigger's constraint.
        ffi::SQLITE_CONSTRAINT_TRIGGER if message.starts_with("FOREIGN KEY constraint failed") => {
            DbErrorKind::ForeignKeyViolation
        }
        ffi::SQLITE_CONSTRAINT_NOTNULL => DbErrorKind::NotNullViolation,
        ffi::SQLITE_CONSTRAINT_CHECK => DbErrorKind::CheckViolation,
        _ => match code {
            ffi::ErrorCode::DatabaseBusy | ffi::ErrorCode::DatabaseLocked => DbErrorKind::Busy,
            ffi::ErrorCode::ReadOnly => DbErrorKind::ReadOnlyTransaction,
            ffi::ErrorCode::ConstraintViolation => DbErrorKind::CheckViolation,
            _ if message.starts_with("no such table") => DbErrorKind::UndefinedTable,
            _ if message.starts_with("no such column") => DbErrorKind::UndefinedColumn,
            _ if message.contains("syntax error") => DbErrorKind::SyntaxOrAccess,
            _ => DbErrorKind::Other,
        },
    };
    let (mut table, mut column, mut constraint) = (None, None, None);
    if let Some(names) = named(&message) {
        match kind {
            DbErrorKind::UniqueViolation | DbErrorKind::NotNullViolation => {
                let first = names.split(", ").next().unwrap_or(names);
                if let Some((t, c)) = first.split_once('.') {
                    table = Some(t.to_string());
                    column = Some(c.to_string());
                }
                if kind == DbErrorKind::UniqueViolation {
                    constraint = Some(names.to_string());
                }
            }
            DbErrorKind::CheckViolation => constraint = Some(names.to_string()),
            _ => {}
        }
    }
    Error::Database(Box::new(DatabaseError {
        kind,
        code: sqlstate(kind).to_string(),
        message,
        detail: Some(format!("SQLite error {extended} ({code:?})")),
        constraint,
        table,
        column,
        context: None,
        hint: None,
    }))
}

/// What PostgreSQL answers a statement sent to a transaction that an earlier failure
/// aborted (25P02). SQLite undoes only the failed statement and would run the next one,
/// but sqlwright rolls such a transaction back instead of committing it (as on PostgreSQL),
/// so the statements in between are refused as they are there.
pub(crate) fn in_failed_transaction() -> Error {
    let kind = DbErrorKind::InFailedTransaction;
    Error::Database(Box::new(DatabaseError {
        kind,
        code: "25P02".to_string(),
        message: "current transaction is aborted, commands ignored until end of transaction \
                  block"
            .to_string(),
        detail: Some("an earlier statement in this transaction failed (sqlwright)".into()),
        constraint: None,
        table: None,
        column: None,
        context: None,
        hint: None,
    }))
}
