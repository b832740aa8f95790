//! What MySQL and MariaDB give back, brought to one form, so that a schema made by
//! `create_all` or by its own generated migrations compares equal to its declarations:
//! `int(11)` is `int`, `tinyint(1)` is `boolean`, `current_timestamp(6)` is `now()`, a
//! default `1.50` is `1.5`, a literal `'it\'s'` is `'it''s'`, a check's `` `n` `` is `n`
//! and `octet_length(..)` is `length(..)`.

use super::model::normalize;

/// MariaDB's `information_schema` writes string literals with backslash escapes
/// (`'it\'s'`, `'a\\b'`); sqlwright's sessions run with `NO_BACKSLASH_ESCAPES`, where a
/// backslash is a plain character and a quote is doubled. This rewrites every literal of
/// `sql` in that form, so that it can be compared and written back.
pub(super) fn standard_literals(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '\'' {
            continue;
        }
        // Inside a literal, up to its closing quote.
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('0') => out.push('\0'),
                    Some('\'') => out.push_str("''"),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                },
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    out.push_str("''");
                }
                '\'' => {
                    out.push('\'');
                    break;
                }
                other => out.push(other),
            }
        }
    }
    out
}

/// Splits off the `(..)` after a type name: `("varchar", "255")`, `("int", "")`.
fn size_of(ty: &str) -> (&str, &str) {
    match ty.split_once('(') {
        Some((name, rest)) => (name.trim(), rest.split(')').next().unwrap_or("").trim()),
        None => (ty.trim(), ""),
    }
}

/// A MySQL column type as compared: lower case, integer display widths dropped (but
/// `tinyint(1)`, MySQL's boolean, kept), synonyms folded (`integer`, `bool`, `real`,
/// `dec`), a bare `decimal` as `decimal(10,0)`, no spaces inside an `ENUM(..)`'s list.
pub(super) fn type_key(spelled: &str) -> String {
    let lower = spelled.trim().to_ascii_lowercase();
    if lower.starts_with("enum(") {
        // Labels are compared as written; only the separators are normalized.
        return normalize(spelled.trim());
    }
    let unsigned = lower.contains(" unsigned");
    let zerofill = lower.contains(" zerofill");
    let head = lower
        .replace(" unsigned", "")
        .replace(" zerofill", "")
        .replace(" signed", "");
    let (name, size) = size_of(&head);
    let name = match name {
        "integer" => "int",
        "bool" | "boolean" => return "tinyint(1)".into(),
        "real" | "double precision" => "double",
        "dec" | "numeric" | "fixed" => "decimal",
        other => other,
    };
    let size = size.replace(' ', "");
    let mut out = match name {
        "tinyint" if size == "1" && !unsigned => return "tinyint(1)".into(),
        "tinyint" | "smallint" | "mediumint" | "int" | "bigint" => name.to_string(),
        "decimal" if size.is_empty() => "decimal(10,0)".to_string(),
        "decimal" if !size.contains(',') => format!("decimal({size},0)"),
        "datetime" | "time" | "timestamp" if size == "0" => name.to_string(),
        _ if size.is_empty() => name.to_string(),
        _ => format!("{name}({size})"),
    };
    if unsigned {
        out.push_str(" unsigned");
    }
    if zerofill {
        out.push_str(" zerofill");
    }
    out
}

/// A default as compared: [`normalize`]d, the spellings of "now" as one
/// (`now()`, `current_timestamp`, `current_timestamp(6)`, `localtimestamp`), `true` and
/// `false` as `1` and `0`, and a number without trailing zeros after its point (`1.50` is
/// `1.5`, `0.00` is `0`).
pub(super) fn default_key(sql: &str) -> String {
    let text = normalize(&standard_literals(sql));
    let now = [
        "now",
        "current_timestamp",
        "localtimestamp",
        "localtime",
        "sysdate",
    ];
    let without_precision = text.trim_end_matches(|c: char| c.is_ascii_digit());
    if now.contains(&without_precision) {
        return "now".into();
    }
    match text.as_str() {
        "true" => return "1".into(),
        "false" => return "0".into(),
        _ => {}
    }
    let number = text.strip_prefix('-').unwrap_or(&text);
    if !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit() || c == '.')
        && number.matches('.').count() <= 1
    {
        let trimmed = if number.contains('.') {
            number.trim_end_matches('0').trim_end_matches('.')
        } else {
            number
        };
        let trimmed = trimmed.trim_start_matches('0');
        let trimmed = match trimmed {
            "" => "0",
            t if t.starts_with('.') => return format!("{}0{t}", sign(&text)),
            t => t,
        };
        if trimmed == "0" {
            return "0".into();
        }
        return format!("{}{trimmed}", sign(&text));
    }
    text
}

fn sign(text: &str) -> &'static str {
    if text.starts_with('-') {
        "-"
    } else {
        ""
    }
}

/// A check's condition as compared: [`normalize`]d, backticks dropped, and MariaDB's
/// rewrite of `length(` as `octet_length(` undone.
pub(super) fn check_key(sql: &str) -> String {
    let text = normalize(&standard_literals(sql)).replace('`', "");
    text.replace("octet_length", "length")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_mariadb_gives_back_compares_equal_to_what_was_declared() {
        assert_eq!(type_key("int(11)"), type_key("INT"));
        assert_eq!(type_key("int(10) unsigned"), type_key("INT UNSIGNED"));
        assert_eq!(
            type_key("tinyint(3) unsigned"),
            type_key("TINYINT UNSIGNED")
        );
        assert_eq!(type_key("tinyint(1)"), type_key("BOOLEAN"));
        assert_ne!(type_key("tinyint(4)"), type_key("BOOLEAN"));
        assert_eq!(type_key("bigint(20) unsigned"), type_key("BIGINT UNSIGNED"));
        assert_ne!(type_key("bigint(20)"), type_key("BIGINT UNSIGNED"));
        assert_eq!(type_key("decimal(12,2)"), type_key("DECIMAL(12, 2)"));
        assert_eq!(type_key("decimal(10,0)"), type_key("DECIMAL"));
        assert_ne!(type_key("varchar(40)"), type_key("VARCHAR(255)"));
        assert_eq!(type_key("datetime(6)"), type_key("DATETIME(6)"));
        assert_eq!(type_key("enum('a','b''c')"), type_key("ENUM('a', 'b''c')"));
        assert_ne!(type_key("enum('a','b')"), type_key("ENUM('a', 'B')"));
        assert_eq!(default_key("current_timestamp(6)"), default_key("now()"));
        assert_eq!(
            default_key("current_timestamp()"),
            default_key("CURRENT_TIMESTAMP")
        );
        assert_eq!(default_key("1.50"), default_key("1.5"));
        assert_eq!(default_key("0.00"), default_key("0"));
        assert_eq!(default_key("-2.50"), default_key("-2.5"));
        assert_ne!(default_key("10"), default_key("1"));
        assert_eq!(default_key("1"), default_key("true"));
        assert_eq!(default_key("'it\\'s'"), default_key("'it''s'"));
        assert_eq!(default_key("(1 + 2)"), default_key("1+2"));
        assert_ne!(default_key("'A'"), default_key("'a'"));
        assert_eq!(
            check_key("octet_length(`title`) > 0 and `n` in (1,2)"),
            check_key("length(title) > 0 AND n IN (1, 2)")
        );
        assert_eq!(
            standard_literals("`s` <> 'a\\\\b' and `t` = 'it\\'s'"),
            "`s` <> 'a\\b' and `t` = 'it''s'"
        );
    }
}
