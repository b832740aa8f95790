//! MySQL's errors as sqlwright's: the server's error number picks the kind (its SQLSTATE
//! is too coarse: every integrity failure is `23000`), the number and SQLSTATE are kept.

use crate::engine::{DatabaseError, DbErrorKind, Error};

/// The kind of MySQL/MariaDB error number `code`.
fn kind_of(code: u16) -> DbErrorKind {
    match code {
        // ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME
        1062 | 1586 => DbErrorKind::UniqueViolation,
        // ER_NO_REFERENCED_ROW(_2), ER_ROW_IS_REFERENCED(_2)
        1216 | 1217 | 1451 | 1452 => DbErrorKind::ForeignKeyViolation,
        // ER_BAD_NULL_ERROR
        1048 => DbErrorKind::NotNullViolation,
        // ER_CONSTRAINT_FAILED (MariaDB), ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
        4025 | 3819 => DbErrorKind::CheckViolation,
        // ER_LOCK_DEADLOCK
        1213 => DbErrorKind::Deadlock,
        // ER_LOCK_WAIT_TIMEOUT
        1205 => DbErrorKind::LockNotAvailable,
        // ER_DATA_TOO_LONG
        1406 => DbErrorKind::StringTooLong,
        // ER_WARN_DATA_OUT_OF_RANGE
        1264 | 1690 => DbErrorKind::NumericOutOfRange,
        // ER_DIVISION_BY_ZERO
        1365 => DbErrorKind::DivisionByZero,
        // ER_NO_SUCH_TABLE, ER_BAD_TABLE_ERROR
        1146 | 1051 => DbErrorKind::UndefinedTable,
        // ER_BAD_FIELD_ERROR
        1054 => DbErrorKind::UndefinedColumn,
        // ER_PARSE_ERROR, ER_SYNTAX_ERROR, access denied to a table or column
        1064 | 1149 | 1142 | 1143 => DbErrorKind::SyntaxOrAccess,
        // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
        1792 => DbErrorKind::ReadOnlyTransaction,
        _ => DbErrorKind::Other,
    }
}

/// A `mysql` crate error as sqlwright's: the server's errors typed, a failed socket as
/// [`Error::ConnectionLost`], the rest as [`Error::Driver`].
pub(crate) fn from_mysql(e: mysql::Error) -> Error {
    match e {
        mysql::Error::MySqlError(err) => {
            let kind = kind_of(err.code);
            Error::Database(Box::new(DatabaseError {
                kind,
                code: err.state,
                message: err.message,
                detail: Some(format!("MySQL error {}", err.code)),
                constraint: None,
                table: None,
                column: None,
                context: None,
                hint: None,
            }))
        }
        mysql::Error::IoError(io) => Error::ConnectionLost(io.to_string()),
        other => Error::Driver(other.to_string()),
    }
}

/// Whether `e` leaves the connection unusable (the socket failed or the driver lost track
/// of the protocol), so that it must be closed rather than reused.
pub(crate) fn breaks_connection(e: &mysql::Error) -> bool {
    matches!(
        e,
        mysql::Error::IoError(_) | mysql::Error::DriverError(_) | mysql::Error::CodecError(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_numbers_pick_the_kind() {
        assert_eq!(kind_of(1062), DbErrorKind::UniqueViolation);
        assert_eq!(kind_of(1452), DbErrorKind::ForeignKeyViolation);
        assert_eq!(kind_of(1048), DbErrorKind::NotNullViolation);
        assert_eq!(kind_of(4025), DbErrorKind::CheckViolation);
        assert_eq!(kind_of(1213), DbErrorKind::Deadlock);
        assert_eq!(kind_of(1146), DbErrorKind::UndefinedTable);
        assert_eq!(kind_of(9999), DbErrorKind::Other);
    }
}
