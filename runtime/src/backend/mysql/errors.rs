//! MySQL's errors as sqlwright's: the server's error number picks the kind (its SQLSTATE
//! is too coarse: every integrity failure is `23000`), the number and SQLSTATE are kept,
//! and the key, constraint, table or column the message names is parsed out of it.
//!
//! The classification is a function of what the server sends (error number, SQLSTATE,
//! message), not of a driver's error type, so it serves any client of the protocol. The
//! message comes from the server and is not trusted: the parsers below look for fixed
//! words and quoted names, take nothing they cannot delimit, and never index past the text.

use crate::engine::{DatabaseError, DbErrorKind, Error};

/// The kind of MySQL/MariaDB error number `code`.
fn kind_of(code: u16) -> DbErrorKind {
    match code {
        // ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME
        1062 | 1586 => DbErrorKind::UniqueViolation,
        // ER_NO_REFERENCED_ROW(_2), ER_ROW_IS_REFERENCED(_2)
        1216 | 1217 | 1451 | 1452 => DbErrorKind::ForeignKeyViolation,
        // ER_BAD_NULL_ERROR; ER_NO_DEFAULT_FOR_FIELD (a NOT NULL column without a default
        // left out of an INSERT, in strict mode)
        1048 | 1364 => DbErrorKind::NotNullViolation,
        // ER_CONSTRAINT_FAILED (MariaDB), ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
        4025 | 3819 => DbErrorKind::CheckViolation,
        // ER_LOCK_DEADLOCK: a deadlock, and Galera's certification failure at COMMIT; the
        // server has rolled the whole transaction back.
        1213 => DbErrorKind::Deadlock,
        // ER_LOCK_WAIT_TIMEOUT: waited `innodb_lock_wait_timeout` for a row lock; only the
        // statement was undone. Retryable, as SQLite's busy. (MariaDB's NOWAIT gives the same
        // number: see `lock_not_taken`.)
        1205 => DbErrorKind::Busy,
        // ER_LOCK_NOWAIT (MySQL 8)
        3572 => DbErrorKind::LockNotAvailable,
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
        // ER_QUERY_INTERRUPTED: `KILL QUERY` from another session (or sqlwright's own, to
        // end a dropped stream's result: `backend/mysql/kill.rs`)
        1317 => DbErrorKind::Canceled,
        // ER_STATEMENT_TIMEOUT (MariaDB's `max_statement_time`), MySQL's
        // ER_QUERY_TIMEOUT (`max_execution_time`)
        1969 | 3024 => DbErrorKind::StatementTimeout,
        _ => DbErrorKind::Other,
    }
}

/// The names a failure concerns.
#[derive(Debug, Default, PartialEq, Eq)]
struct Names {
    constraint: Option<String>,
    table: Option<String>,
    column: Option<String>,
}

/// The SQLSTATE PostgreSQL gives the same failure, so that code reading `code` works on
/// every backend (as on SQLite); `None` where the server's own is kept.
fn portable_sqlstate(kind: DbErrorKind) -> Option<&'static str> {
    Some(match kind {
        DbErrorKind::UniqueViolation => "23505",
        DbErrorKind::ForeignKeyViolation => "23503",
        DbErrorKind::NotNullViolation => "23502",
        DbErrorKind::CheckViolation => "23514",
        DbErrorKind::Deadlock => "40P01",
        DbErrorKind::LockNotAvailable => "55P03",
        DbErrorKind::StringTooLong => "22001",
        DbErrorKind::NumericOutOfRange => "22003",
        DbErrorKind::DivisionByZero => "22012",
        DbErrorKind::UndefinedTable => "42P01",
        DbErrorKind::UndefinedColumn => "42703",
        DbErrorKind::ReadOnlyTransaction => "25006",
        DbErrorKind::Canceled | DbErrorKind::StatementTimeout => "57014",
        _ => return None,
    })
}

/// A server error (number `code`, SQLSTATE `state`, `message`) as sqlwright's, typed by
/// its number and naming what its message names. `code` is PostgreSQL's SQLSTATE for the
/// same failure where there is one (MySQL's is `23000` for every integrity failure); the
/// server's number and SQLSTATE are in `detail`.
pub(crate) fn server_error(code: u16, state: &str, message: &str) -> Error {
    let kind = kind_of(code);
    let names = names_in(code, message);
    Error::Database(Box::new(DatabaseError {
        kind,
        code: portable_sqlstate(kind).unwrap_or(state).to_string(),
        message: message.to_string(),
        detail: Some(format!("MySQL error {code} (SQLSTATE {state})")),
        constraint: names.constraint,
        table: names.table,
        column: names.column,
        context: None,
        hint: None,
    }))
}

/// `err`, from a statement with a `NOWAIT` locking clause: MariaDB reports the row it could
/// not lock as a lock wait timeout (1205, `Busy`), MySQL 8 as 3572; from such a statement
/// both are [`DbErrorKind::LockNotAvailable`], PostgreSQL's 55P03 (not retryable: rerun at
/// once, the statement would meet the same lock). Any other error is returned as it is.
pub(crate) fn lock_not_taken(err: Error) -> Error {
    match err {
        Error::Database(mut e) if e.kind == DbErrorKind::Busy => {
            e.kind = DbErrorKind::LockNotAvailable;
            if let Some(code) = portable_sqlstate(e.kind) {
                e.code = code.to_string();
            }
            Error::Database(e)
        }
        err => err,
    }
}

/// What the message of error `code` names, as far as it can be read.
fn names_in(code: u16, message: &str) -> Names {
    let mut names = Names::default();
    match code {
        // MariaDB: `Duplicate entry 'a@x' for key 'email'`; MySQL 8.0.19+:
        // `... for key 'users.email'`. The entry may hold anything, the key comes last.
        1062 | 1586 => {
            if let Some(key) = last_quoted_after(message, " for key '") {
                match key.split_once('.') {
                    Some((table, key)) if !table.is_empty() && !key.is_empty() => {
                        names.table = Some(table.to_string());
                        names.constraint = Some(key.to_string());
                    }
                    _ => names.constraint = Some(key.to_string()),
                }
            }
        }
        // `... a foreign key constraint fails (`db`.`child`, CONSTRAINT `fk` FOREIGN KEY
        // (`parent_id`) REFERENCES `parent` (`id`))`: the constraint and its (child) table.
        1451 | 1452 => {
            if let Some((_, rest)) = message.split_once("constraint fails (") {
                let (first, after) = backticked(rest);
                let (table, after) = match after.strip_prefix('.') {
                    Some(after) => backticked(after),
                    None => (first, after),
                };
                names.table = table;
                if let Some(after) = after.strip_prefix(", CONSTRAINT ") {
                    names.constraint = backticked(after).0;
                }
            }
        }
        // `Column 'name' cannot be null`
        1048 => names.column = quoted_after(message, "Column '"),
        // `Field 'email' doesn't have a default value`
        1364 => names.column = quoted_after(message, "Field '"),
        // MariaDB: ``CONSTRAINT `positive` failed for `db`.`t` ``
        4025 => {
            if let Some((_, rest)) = message.split_once("CONSTRAINT ") {
                let (constraint, after) = backticked(rest);
                names.constraint = constraint;
                if let Some((_, tail)) = after.split_once(" for ") {
                    let (first, after) = backticked(tail);
                    names.table = match after.strip_prefix('.') {
                        Some(after) => backticked(after).0,
                        None => first,
                    };
                }
            }
        }
        // MySQL: `Check constraint 'positive' is violated.`
        3819 => names.constraint = quoted_after(message, "constraint '"),
        _ => {}
    }
    names
}

/// The name in single quotes that starts right after the first `marker`, up to the next
/// quote (names in these messages hold no quote).
fn quoted_after(message: &str, marker: &str) -> Option<String> {
    let (_, rest) = message.split_once(marker)?;
    let (name, _) = rest.split_once('\'')?;
    (!name.is_empty()).then(|| name.to_string())
}

/// The name in single quotes after the last `marker`, running to the message's last quote
/// (a value quoted earlier in the message may hold the marker or quotes itself).
fn last_quoted_after<'m>(message: &'m str, marker: &str) -> Option<&'m str> {
    let start = message.rfind(marker)? + marker.len();
    let rest = message.get(start..)?;
    let end = rest.rfind('\'')?;
    let name = rest.get(..end)?;
    (!name.is_empty()).then_some(name)
}

/// A quoted name at the start of `text`, in backticks or (when the session's `sql_mode`
/// has ANSI_QUOTES, which the server's messages follow) double quotes, a doubled quote
/// inside being one; and the text after it. `None` and `text` unchanged when it does not
/// start with one.
fn backticked(text: &str) -> (Option<String>, &str) {
    let Some(quote) = text.chars().next().filter(|c| matches!(c, '`' | '"')) else {
        return (None, text);
    };
    let body = &text[1..];
    let mut name = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != quote {
            name.push(c);
            continue;
        }
        if body[i + 1..].starts_with(quote) {
            name.push(quote);
            chars.next();
            continue;
        }
        return (Some(name), &body[i + 1..]);
    }
    (None, text)
}

/// What PostgreSQL answers a statement sent to a transaction that an earlier failure
/// aborted (25P02). MySQL undoes only the failed statement (all of it after a deadlock) and
/// would run the next one, but sqlwright rolls such a transaction back instead of
/// committing it, so the statements in between are refused, as on the other backends.
pub(crate) fn in_failed_transaction() -> Error {
    Error::Database(Box::new(DatabaseError {
        kind: DbErrorKind::InFailedTransaction,
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
        assert!(kind_of(1213).is_retryable() && kind_of(1205).is_retryable());
        assert_eq!(kind_of(1146), DbErrorKind::UndefinedTable);
        assert_eq!(kind_of(9999), DbErrorKind::Other);
    }

    #[test]
    fn a_lock_wait_timeout_from_a_nowait_statement_is_a_lock_not_taken() {
        let timeout = || server_error(1205, "HY000", "Lock wait timeout exceeded");
        assert_eq!(timeout().kind(), Some(DbErrorKind::Busy));
        let nowait = lock_not_taken(timeout());
        assert_eq!(nowait.kind(), Some(DbErrorKind::LockNotAvailable));
        assert!(nowait.is_lock_not_available() && !nowait.is_retryable());
        match &nowait {
            Error::Database(e) => {
                assert_eq!(e.code, "55P03");
                assert_eq!(
                    e.detail.as_deref(),
                    Some("MySQL error 1205 (SQLSTATE HY000)")
                );
            }
            other => panic!("{other:?}"),
        }
        // MySQL 8's own number is already the kind; other errors are left alone
        let mysql8 = server_error(3572, "HY000", "Statement aborted because lock(s) could not be acquired immediately and NOWAIT is set.");
        assert_eq!(
            lock_not_taken(mysql8).kind(),
            Some(DbErrorKind::LockNotAvailable)
        );
        let dup = lock_not_taken(server_error(
            1062,
            "23000",
            "Duplicate entry '1' for key 'PRIMARY'",
        ));
        assert_eq!(dup.kind(), Some(DbErrorKind::UniqueViolation));
    }

    /// The constraint, table and column read from `message` of error `code`.
    fn names(code: u16, message: &str) -> [Option<String>; 3] {
        let n = names_in(code, message);
        [n.constraint, n.table, n.column]
    }

    fn expect(
        constraint: Option<&str>,
        table: Option<&str>,
        column: Option<&str>,
    ) -> [Option<String>; 3] {
        [constraint, table, column].map(|n| n.map(str::to_string))
    }

    #[test]
    fn the_messages_of_mariadb_and_mysql_name_their_key_constraint_table_column() {
        assert_eq!(
            names(1062, "Duplicate entry 'a@x' for key 'email'"),
            expect(Some("email"), None, None)
        );
        assert_eq!(
            names(1062, "Duplicate entry 'a@x' for key 'users.email'"),
            expect(Some("email"), Some("users"), None)
        );
        // The entry itself holds the marker and quotes.
        assert_eq!(
            names(1062, "Duplicate entry 'x' for key 'y'' for key 'PRIMARY'"),
            expect(Some("PRIMARY"), None, None)
        );
        // Under ANSI_QUOTES the server quotes names with double quotes.
        assert_eq!(
            names(
                1452,
                "a foreign key constraint fails (\"db\".\"t\", CONSTRAINT \"c\" FOREIGN KEY"
            ),
            expect(Some("c"), Some("t"), None)
        );
        let fk = "Cannot add or update a child row: a foreign key constraint fails \
                  (`shop`.`order``s`, CONSTRAINT `fk_user` FOREIGN KEY (`user_id`) \
                  REFERENCES `users` (`id`))";
        assert_eq!(
            names(1452, fk),
            expect(Some("fk_user"), Some("order`s"), None)
        );
        assert_eq!(
            names(1048, "Column 'name' cannot be null"),
            expect(None, None, Some("name"))
        );
        assert_eq!(
            names(1364, "Field 'email' doesn't have a default value"),
            expect(None, None, Some("email"))
        );
        assert_eq!(
            names(4025, "CONSTRAINT `positive` failed for `shop`.`items`"),
            expect(Some("positive"), Some("items"), None)
        );
        assert_eq!(
            names(3819, "Check constraint 'positive' is violated."),
            expect(Some("positive"), None, None)
        );
    }

    #[test]
    fn messages_cut_short_or_garbled_name_nothing_and_never_panic() {
        for message in [
            "",
            "Duplicate entry",
            "Duplicate entry 'x' for key '",
            "Duplicate entry 'x' for key ''",
            "a foreign key constraint fails (",
            "a foreign key constraint fails (`db",
            "a foreign key constraint fails (`db`.`t``",
            "a foreign key constraint fails (`d€`.`t€`, CONSTRAINT `",
            "Column '",
            "CONSTRAINT `",
            "CONSTRAINT `c` failed for `",
            "Check constraint '",
            "ééé`'`''``",
        ] {
            for code in [1062, 1451, 1452, 1048, 4025, 3819] {
                let n = names_in(code, message);
                for name in [n.constraint, n.table, n.column].into_iter().flatten() {
                    assert!(!name.is_empty(), "{code} {message:?}");
                }
            }
        }
        assert_eq!(
            names(1452, "a foreign key constraint fails (`db"),
            expect(None, None, None)
        );
    }
}
