//! What an error says about a statement's outcome: whether it reached the server, whether
//! a cached statement went stale, whether a lost answer leaves a write unknown.

use super::Error;

/// Whether the server refused a cached prepared statement that no longer fits: its result
/// type changed with the schema (0A000), or it no longer exists (26000, after `DISCARD
/// ALL`).
pub(crate) fn is_stale_statement(e: &Error) -> bool {
    e.database_error().is_some_and(|db| {
        db.code == "26000" || (db.code == "0A000" && db.message.contains("cached plan"))
    })
}

/// Whether a statement may change data: anything but a query (`SELECT`, a parenthesised
/// set operation, `VALUES`, `TABLE`, `SHOW`). Used only to say whether a lost answer
/// leaves the outcome unknown, so it errs towards "may write".
pub(crate) fn may_write(sql: &str) -> bool {
    let head = sql.trim_start();
    let word: String = head
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    !(head.starts_with('(') || matches!(word.as_str(), "SELECT" | "VALUES" | "TABLE" | "SHOW"))
}

/// Whether an error came from the server (so an open transaction is now aborted), rather
/// than from checks made before anything was sent.
pub(crate) fn reached_server(e: &Error) -> bool {
    match e {
        // A batch's statement: as that statement's own error.
        Error::Batch { source, .. } => reached_server(source),
        _ => !matches!(e, Error::NulInText | Error::Parameter(_) | Error::Misuse(_)),
    }
}
