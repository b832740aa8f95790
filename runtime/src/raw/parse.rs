//! The `:name` parser of hand-written SQL: placeholders found outside literals, quoted
//! names and comments, written as the dialect spells them.

use crate::backend::Dialect;
use crate::engine::Error;
use std::collections::HashMap;

/// The SQL text with the dialect's placeholders and the parameter name of each.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Parsed {
    pub sql: String,
    /// Each name once, in the order of first use: the parameter of `$n` is `names[n-1]`.
    pub names: Vec<String>,
    /// On MySQL, whose `?` is unnumbered, the index into `names` of each placeholder in
    /// text order (a name used twice is bound twice); empty on the other dialects.
    pub order: Vec<usize>,
}

/// Replaces `:name` placeholders outside literals, quoted identifiers and comments.
#[cfg(test)]
pub(crate) fn parse_named(text: &str) -> Result<Parsed, Error> {
    parse_named_with(text, Dialect::Postgres)
}

/// Replaces `:name` placeholders outside literals, quoted identifiers and comments with
/// the dialect's placeholder (`$1` on PostgreSQL, `?1` on SQLite, `?` on MySQL, where a
/// backtick quotes a name and `#` starts a comment too).
pub(crate) fn parse_named_with(text: &str, dialect: Dialect) -> Result<Parsed, Error> {
    let mysql = dialect == Dialect::Mysql;
    let mut order = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut sql = String::with_capacity(text.len() + 8);
    let mut names: Vec<String> = Vec::new();
    let mut positions: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    let copy_until =
        |sql: &mut String, from: usize, to: usize| sql.extend(&chars[from..to.min(chars.len())]);
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '`' if mysql => {
                // A quoted name; a doubled backtick stays inside.
                let start = i;
                i += 1;
                while i < chars.len() {
                    if chars[i] == '`' {
                        if chars.get(i + 1) == Some(&'`') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
                copy_until(&mut sql, start, i);
            }
            '#' if mysql => {
                let start = i;
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                copy_until(&mut sql, start, i);
            }
            '\'' | '"' => {
                // 'it''s' and "a""b": a doubled quote stays inside. E'..' escapes with \.
                let escapes = c == '\''
                    && i > 0
                    && matches!(chars[i - 1], 'e' | 'E')
                    && (i < 2 || !(chars[i - 2].is_alphanumeric() || chars[i - 2] == '_'));
                let start = i;
                i += 1;
                while i < chars.len() {
                    if escapes && chars[i] == '\\' {
                        i += 2;
                        continue;
                    }
                    if chars[i] == c {
                        if chars.get(i + 1) == Some(&c) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
                copy_until(&mut sql, start, i);
            }
            '-' if next == Some('-') => {
                let start = i;
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                copy_until(&mut sql, start, i);
            }
            '/' if next == Some('*') => {
                let start = i;
                let mut depth = 0;
                while i < chars.len() {
                    if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                copy_until(&mut sql, start, i);
            }
            '$' if next.is_some_and(|n| n.is_ascii_digit())
                && !(i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')) =>
            {
                return Err(Error::Misuse(
                    "raw SQL uses a positional `$n` parameter; name it `:name` and bind it by name"
                        .into(),
                ));
            }
            '$' if !(i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')) => {
                // A dollar quote $tag$ ... $tag$ (the tag may be empty).
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                if chars.get(j) == Some(&'$') {
                    let tag: String = chars[i..=j].iter().collect();
                    let tag: Vec<char> = tag.chars().collect();
                    let start = i;
                    i = j + 1;
                    while i < chars.len() && !chars[i..].starts_with(&tag) {
                        i += 1;
                    }
                    i += tag.len();
                    copy_until(&mut sql, start, i);
                } else {
                    sql.push(c);
                    i += 1;
                }
            }
            ':' if next == Some(':') => {
                sql.push_str("::");
                i += 2;
            }
            ':' if next.is_some_and(|n| n.is_alphabetic() || n == '_')
                && !(i > 0
                    && (chars[i - 1].is_alphanumeric()
                        || chars[i - 1] == '_'
                        || chars[i - 1] == ':')) =>
            {
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                let name: String = chars[i + 1..j].iter().collect();
                let n = match positions.get(&name) {
                    Some(&p) => p,
                    None => {
                        names.push(name.clone());
                        positions.insert(name, names.len());
                        names.len()
                    }
                };
                if mysql {
                    order.push(n - 1);
                }
                dialect.write_placeholder(&mut sql, n);
                i = j;
            }
            _ => {
                sql.push(c);
                i += 1;
            }
        }
    }
    Ok(Parsed { sql, names, order })
}

#[cfg(test)]
mod tests {
    use super::{parse_named, parse_named_with, Dialect};

    fn parse(text: &str) -> (String, Vec<String>) {
        let p = parse_named(text).unwrap();
        (p.sql, p.names)
    }

    #[test]
    fn names_become_numbered_placeholders() {
        let (sql, names) = parse("SELECT * FROM t WHERE a > :max AND b = :name OR c < :max");
        assert_eq!(sql, "SELECT * FROM t WHERE a > $1 AND b = $2 OR c < $1");
        assert_eq!(names, ["max", "name"]);
    }

    #[test]
    fn literals_comments_casts_and_quoted_names_are_left_alone() {
        let text = "SELECT ':a', 'it'':s', E'\\':b', \"x:c\", $$ :d $$, $q$ :e $q$, a::int4 \
                    -- :f\n/* :g /* :h */ */ FROM t WHERE id = :id";
        let (sql, names) = parse(text);
        assert_eq!(names, ["id"]);
        assert!(sql.ends_with("WHERE id = $1"), "{sql}");
        assert!(
            sql.contains("':a'") && sql.contains("a::int4") && sql.contains(":f"),
            "{sql}"
        );
    }

    #[test]
    fn cyrillic_names_and_positional_placeholders() {
        let (sql, names) = parse("SELECT :имя");
        assert_eq!(
            (sql.as_str(), names),
            ("SELECT $1", vec!["имя".to_string()])
        );
        assert!(parse_named("SELECT $1").is_err());
        assert!(parse_named("SELECT a$1 FROM t").is_ok());
    }

    #[test]
    fn on_mysql_each_use_of_a_name_is_one_question_mark() {
        let text = "SELECT ':a', `x:b`, `y``:c`, \":d\" -- :e\n# :f\n FROM t \
                    WHERE a > :max AND b = :name OR c < :max";
        let p = parse_named_with(text, Dialect::Mysql).unwrap();
        assert_eq!(p.names, ["max", "name"]);
        assert_eq!(p.order, [0, 1, 0]);
        assert!(
            p.sql.ends_with("WHERE a > ? AND b = ? OR c < ?"),
            "{}",
            p.sql
        );
        assert!(
            p.sql.contains("`y``:c`") && p.sql.contains("# :f"),
            "{}",
            p.sql
        );
        // Elsewhere `#` and backticks are not MySQL's: a name after them is a parameter.
        let p = parse_named_with("SELECT 1 # :x", Dialect::Sqlite).unwrap();
        assert_eq!((p.sql.as_str(), p.order.len()), ("SELECT 1 # ?1", 0));
    }
}
