//! Reading a migration file's text: its `-- sqlwright:` directives, and its statements one
//! by one (for a file that runs outside a transaction on PostgreSQL, where a multi-statement
//! simple query would be one implicit transaction and `CREATE INDEX CONCURRENTLY` refuses
//! that).

/// The directive that runs a file outside a transaction.
pub const NO_TRANSACTION: &str = "-- sqlwright: no-transaction";

/// What a file's leading `-- sqlwright:` comment lines ask; `Err` names a directive
/// sqlwright does not know (it is refused, not ignored).
pub(crate) fn directives(sql: &str) -> Result<Directives, String> {
    let mut found = Directives {
        in_transaction: true,
    };
    for line in sql.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !line.starts_with("--") {
            break;
        }
        let comment = line.trim_start_matches('-').trim_start();
        let Some(rest) = comment.strip_prefix("sqlwright:") else {
            continue;
        };
        match rest.trim() {
            "no-transaction" => found.in_transaction = false,
            other => {
                return Err(format!(
                    "unknown directive `-- sqlwright: {other}` (the one sqlwright knows is `{NO_TRANSACTION}`)"
                ))
            }
        }
    }
    Ok(found)
}

/// A file's directives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Directives {
    /// Whether the file runs in a transaction (the default).
    pub in_transaction: bool,
}

/// `sql` cut into statements at the semicolons outside string literals, quoted identifiers,
/// dollar-quoted strings and comments (PostgreSQL's lexical rules); empty statements are
/// dropped. A `BEGIN ATOMIC` function body holds semicolons of its own, so a file with one
/// is refused (it can run in a transactional migration).
pub(crate) fn statements(sql: &str) -> Result<Vec<&str>, String> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut words: [&str; 2] = ["", ""];
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\'' => {
                let escapes =
                    i > 0 && matches!(bytes[i - 1], b'e' | b'E') && word_start(bytes, i - 1);
                i = skip_quoted(bytes, i, b'\'', escapes);
            }
            b'"' => i = skip_quoted(bytes, i, b'"', false),
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = memchr(bytes, i, b'\n').map_or(bytes.len(), |n| n + 1);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = skip_block_comment(bytes, i)?,
            b'$' => i = skip_dollar(sql, i),
            b';' => {
                push(&mut out, &sql[start..i]);
                i += 1;
                start = i;
                words = ["", ""];
            }
            _ if b.is_ascii_alphabetic() || b == b'_' => {
                let end = (i..bytes.len())
                    .find(|&j| {
                        !(bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b'_' | b'$'))
                    })
                    .unwrap_or(bytes.len());
                let word = &sql[i..end];
                if words[1].eq_ignore_ascii_case("begin") && word.eq_ignore_ascii_case("atomic") {
                    return Err(
                        "a `BEGIN ATOMIC` function body cannot be split into statements; \
                         create the function in a migration that runs in a transaction"
                            .into(),
                    );
                }
                words = [words[1], word];
                i = end;
            }
            _ => i += 1,
        }
    }
    push(&mut out, &sql[start..]);
    Ok(out)
}

fn push<'a>(out: &mut Vec<&'a str>, statement: &'a str) {
    if !only_comments(statement) {
        out.push(statement.trim());
    }
}

/// Whether `text` holds nothing but whitespace and comments.
fn only_comments(text: &str) -> bool {
    let mut rest = text.trim_start();
    loop {
        if rest.is_empty() {
            return true;
        }
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, r)| r).trim_start();
        } else if rest.starts_with("/*") {
            match skip_block_comment(rest.as_bytes(), 0) {
                Ok(end) => rest = rest[end..].trim_start(),
                Err(_) => return false,
            }
        } else {
            return false;
        }
    }
}

fn word_start(bytes: &[u8], i: usize) -> bool {
    i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')
}

fn memchr(bytes: &[u8], from: usize, needle: u8) -> Option<usize> {
    bytes[from..]
        .iter()
        .position(|&b| b == needle)
        .map(|n| from + n)
}

/// The index after the literal opening at `i` (a doubled quote stays inside; with
/// `escapes`, so does a backslash-escaped one). An unterminated literal runs to the end.
fn skip_quoted(bytes: &[u8], i: usize, quote: u8, escapes: bool) -> usize {
    let mut j = i + 1;
    while j < bytes.len() {
        if escapes && bytes[j] == b'\\' {
            j += 2;
            continue;
        }
        if bytes[j] == quote {
            if bytes.get(j + 1) == Some(&quote) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    bytes.len()
}

/// The index after the (nesting, as in PostgreSQL) block comment opening at `i`.
fn skip_block_comment(bytes: &[u8], i: usize) -> Result<usize, String> {
    let mut depth = 0usize;
    let mut j = i;
    while j + 1 < bytes.len() {
        match (bytes[j], bytes[j + 1]) {
            (b'/', b'*') => {
                depth += 1;
                j += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return Ok(j);
                }
            }
            _ => j += 1,
        }
    }
    Err("a /* comment is not closed".into())
}

/// The index after a dollar-quoted string opening at `i` (`$$...$$`, `$tag$...$tag$`), or
/// `i + 1` when the `$` opens none (a parameter `$1`, or part of a name).
fn skip_dollar(sql: &str, i: usize) -> usize {
    let bytes = sql.as_bytes();
    if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') {
        return i + 1;
    }
    let tag_end = match (i + 1..bytes.len()).find(|&j| bytes[j] == b'$') {
        Some(end) => end,
        None => return i + 1,
    };
    let tag = &sql[i + 1..tag_end];
    let valid = tag.is_empty()
        || (!tag.as_bytes()[0].is_ascii_digit()
            && tag
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80));
    if !valid {
        return i + 1;
    }
    let delimiter = &sql[i..=tag_end];
    match sql[tag_end + 1..].find(delimiter) {
        Some(at) => tag_end + 1 + at + delimiter.len(),
        None => bytes.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_top_level_semicolons_only() {
        let sql = "CREATE TABLE a (x text DEFAULT ';');\n\
                   -- a comment; with a semicolon\n\
                   CREATE INDEX CONCURRENTLY \"i;x\" ON a (x);\n\
                   /* block; /* nested; */ still; */\n\
                   CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n\
                   SELECT E'it\\'s;', $$a;b$$, 'x''y;';\n\
                   ;;\n\
                   -- trailing comment only";
        let parts = statements(sql).unwrap();
        assert_eq!(
            parts,
            vec![
                "CREATE TABLE a (x text DEFAULT ';')",
                "-- a comment; with a semicolon\nCREATE INDEX CONCURRENTLY \"i;x\" ON a (x)",
                "/* block; /* nested; */ still; */\nCREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
                "SELECT E'it\\'s;', $$a;b$$, 'x''y;'",
            ]
        );
    }

    #[test]
    fn parameters_and_names_with_dollars_are_not_quotes() {
        assert_eq!(
            statements("SELECT $1; SELECT a$b; SELECT 2").unwrap(),
            vec!["SELECT $1", "SELECT a$b", "SELECT 2"]
        );
    }

    #[test]
    fn begin_atomic_and_open_comments_are_refused() {
        let err =
            statements("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;")
                .unwrap_err();
        assert!(err.contains("BEGIN ATOMIC"), "{err}");
        // A transaction's BEGIN is an ordinary word.
        assert_eq!(
            statements("BEGIN; SELECT 1").unwrap(),
            vec!["BEGIN", "SELECT 1"]
        );
        assert!(statements("SELECT 1; /* open")
            .unwrap_err()
            .contains("not closed"));
    }

    #[test]
    fn directives_are_read_from_the_leading_comments() {
        assert!(
            directives("CREATE TABLE a (x int);")
                .unwrap()
                .in_transaction
        );
        assert!(
            !directives("\n-- sqlwright: no-transaction\nCREATE INDEX CONCURRENTLY i ON a (x);")
                .unwrap()
                .in_transaction
        );
        assert!(
            !directives("-- Adds an index.\n--  sqlwright:  no-transaction \nSELECT 1")
                .unwrap()
                .in_transaction
        );
        // Only the leading comments count: further down it is an ordinary comment.
        assert!(
            directives("SELECT 1;\n-- sqlwright: no-transaction\n")
                .unwrap()
                .in_transaction
        );
        let err = directives("-- sqlwright: no-transactions\nSELECT 1").unwrap_err();
        assert!(
            err.contains("unknown directive `-- sqlwright: no-transactions`"),
            "{err}"
        );
    }
}
