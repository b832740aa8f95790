//! SQLite's reflection: the `main` database read through SQLite's pragma functions
//! (`pragma_table_list`, `pragma_table_xinfo`, `pragma_index_list`, `pragma_index_info`,
//! `pragma_foreign_key_list`), every name bound as a parameter. Check constraints, and the
//! `CHECK (col IN (0, 1))` that marks a boolean, are read from the `CREATE TABLE` text.
//!
//! SQLite keeps four storage types, so the declared type is all there is to recover
//! sqlwright's type from: see [`recovered_type`] and docs/design.md, "Reflection on SQLite".

use super::{
    Catalog, ReflectOptions, ReflectedColumn, ReflectedForeignKey, ReflectedIndex, ReflectedTable,
    RelationKind,
};
use crate::backend::sqlite::from_rusqlite;
use crate::backend::{Dialect, Sqlite};
use crate::engine::{Connection, Error};
use std::collections::HashMap;

/// The one database reflected: the file the URL names.
const MAIN: &str = "main";

/// Reads the `main` database of `conn`.
pub(super) fn reflect(
    conn: &mut Connection<Sqlite>,
    options: &ReflectOptions,
) -> Result<Catalog, Error> {
    if let Some(other) = options.schemas.iter().find(|s| *s != MAIN) {
        return Err(Error::Misuse(format!(
            "SQLite reflection reads the `main` database (the file the URL names) only, not \
             `{other}`"
        )));
    }
    let tables = read(conn.link.db()).map_err(from_rusqlite)?;
    Ok(Catalog {
        dialect: Dialect::Sqlite,
        tables,
        enums: HashMap::new(),
    })
}

fn read(db: &rusqlite::Connection) -> rusqlite::Result<Vec<ReflectedTable>> {
    // The text each table, view and index was created with, by name (one namespace).
    let mut texts: HashMap<String, String> = HashMap::new();
    let mut statement =
        db.prepare("SELECT name, sql FROM main.sqlite_schema WHERE sql IS NOT NULL")?;
    for row in statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))? {
        let (name, sql) = row?;
        texts.insert(name, sql);
    }
    let mut statement = db.prepare(
        "SELECT name, type, wr FROM pragma_table_list
         WHERE schema = 'main' AND type IN ('table', 'view', 'virtual')
         ORDER BY name",
    )?;
    let relations = statement
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut tables = Vec::with_capacity(relations.len());
    for (name, kind, without_rowid) in relations {
        // `sqlite_schema`, `sqlite_sequence`, `sqlite_stat1`: SQLite's own.
        if name.to_ascii_lowercase().starts_with("sqlite_") {
            continue;
        }
        let kind = match kind.as_str() {
            "view" => RelationKind::View,
            _ => RelationKind::Table,
        };
        let text = texts.get(&name).map_or("", String::as_str);
        tables.push(table(db, name.clone(), kind, without_rowid, text, &texts)?);
    }
    // `REFERENCES t` without columns references t's primary key.
    let keys: HashMap<String, Vec<String>> = tables
        .iter()
        .map(|t| (t.name.clone(), t.primary_key.clone()))
        .collect();
    for fk in tables.iter_mut().flat_map(|t| t.foreign_keys.iter_mut()) {
        if fk.referenced_columns.iter().all(String::is_empty) {
            if let Some(key) = keys.get(&fk.referenced_table) {
                fk.referenced_columns = key.clone();
            }
        }
    }
    Ok(tables)
}

/// One table or view, `text` its `CREATE` statement.
fn table(
    db: &rusqlite::Connection,
    name: String,
    kind: RelationKind,
    without_rowid: bool,
    text: &str,
    texts: &HashMap<String, String>,
) -> rusqlite::Result<ReflectedTable> {
    let read_columns = || -> rusqlite::Result<Vec<_>> {
        let mut statement = db.prepare(
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_xinfo(?1) WHERE hidden <> 1 ORDER BY cid",
        )?;
        let rows = statement.query_map([&name], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        rows.collect()
    };
    let rows = match read_columns() {
        // SQLite lets a table go while views still read it; such a view has no columns to
        // read, and is listed without them rather than failing the whole reflection.
        Err(_) if kind == RelationKind::View => Vec::new(),
        other => other?,
    };
    let mut key: Vec<(i64, String)> = rows
        .iter()
        .filter(|row| row.4 > 0)
        .map(|row| (row.4, row.0.clone()))
        .collect();
    key.sort();
    let primary_key: Vec<String> = key.into_iter().map(|(_, c)| c).collect();
    // A one-column INTEGER primary key of a rowid table is the rowid: never NULL, and
    // numbered by SQLite when an insert leaves it out.
    let rowid = match &primary_key[..] {
        [key] if kind == RelationKind::Table && !without_rowid => rows
            .iter()
            .find(|row| row.0 == *key && row.1.eq_ignore_ascii_case("INTEGER"))
            .map(|row| row.0.clone()),
        _ => None,
    };
    let mut checks = checks(text);
    let mut columns = Vec::with_capacity(rows.len());
    for (column, declared, not_null, default, pk) in rows {
        let flag = checks.iter().position(|(_, e)| is_bool_check(e, &column));
        let is_bool = flag.is_some() && integer_affinity(&declared);
        if let (true, Some(i)) = (is_bool, flag) {
            // Said by the type: print-schema declares `Bool`, which writes it again.
            checks.remove(i);
        }
        let serial = rowid.as_deref() == Some(column.as_str());
        columns.push(ReflectedColumn {
            type_name: recovered_type(&declared, is_bool),
            sql_type: declared,
            type_schema: String::new(),
            type_oid: 0,
            is_enum: false,
            nullable: !(not_null || serial || (without_rowid && pk > 0)),
            default,
            serial,
            comment: None,
            name: column,
        });
    }
    let (uniques, indexes) = indexes(db, &name, texts)?;
    Ok(ReflectedTable {
        foreign_keys: foreign_keys(db, &name)?,
        schema: MAIN.into(),
        kind,
        comment: None,
        columns,
        primary_key,
        primary_key_name: None,
        uniques,
        indexes,
        checks: checks
            .into_iter()
            .map(|(name, expr)| (name, format!("CHECK ({expr})")))
            .collect(),
        name,
    })
}

/// Unique constraints: name and columns.
type Uniques = Vec<(String, Vec<String>)>;

/// Unique constraints and every index of `table`, ordered by name.
fn indexes(
    db: &rusqlite::Connection,
    table: &str,
    texts: &HashMap<String, String>,
) -> rusqlite::Result<(Uniques, Vec<ReflectedIndex>)> {
    let mut statement =
        db.prepare("SELECT name, \"unique\", origin FROM pragma_index_list(?1) ORDER BY name")?;
    let list = statement
        .query_map([table], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut columns_of = db.prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")?;
    let (mut uniques, mut indexes) = (Vec::new(), Vec::new());
    for (name, unique, origin) in list {
        // An expression (or the rowid) has no name: an empty entry, as on PostgreSQL.
        let columns: Vec<String> = columns_of
            .query_map([&name], |r| r.get::<_, Option<String>>(0))?
            .map(|c| c.map(Option::unwrap_or_default))
            .collect::<rusqlite::Result<_>>()?;
        let definition = match (texts.get(&name), origin.as_str()) {
            (Some(sql), _) => sql.clone(),
            (None, "pk") => format!("PRIMARY KEY ({})", columns.join(", ")),
            (None, _) => format!("UNIQUE ({})", columns.join(", ")),
        };
        if origin == "u" {
            uniques.push((name.clone(), columns.clone()));
        }
        indexes.push(ReflectedIndex {
            name,
            columns,
            unique,
            primary: origin == "pk",
            definition,
        });
    }
    Ok((uniques, indexes))
}

/// The foreign keys of `table`, in the order they were declared.
fn foreign_keys(
    db: &rusqlite::Connection,
    table: &str,
) -> rusqlite::Result<Vec<ReflectedForeignKey>> {
    let mut statement = db.prepare(
        "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete
         FROM pragma_foreign_key_list(?1) ORDER BY id DESC, seq",
    )?;
    let rows = statement
        .query_map([table], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut keys: Vec<(i64, ReflectedForeignKey)> = Vec::new();
    for (id, target, from, to, on_update, on_delete) in rows {
        match keys.last_mut() {
            Some((last, fk)) if *last == id => {
                fk.columns.push(from);
                fk.referenced_columns.push(to.unwrap_or_default());
            }
            _ => keys.push((
                id,
                ReflectedForeignKey {
                    name: String::new(),
                    columns: vec![from],
                    referenced_schema: MAIN.into(),
                    referenced_table: target,
                    referenced_columns: vec![to.unwrap_or_default()],
                    on_delete: action(&on_delete),
                    on_update: action(&on_update),
                },
            )),
        }
    }
    Ok(keys
        .into_iter()
        .map(|(_, mut fk)| {
            fk.name = format!("{table}_{}_fkey", fk.columns.join("_"));
            fk
        })
        .collect())
}

fn action(sql: &str) -> &'static str {
    match sql.to_ascii_uppercase().as_str() {
        "RESTRICT" => "RESTRICT",
        "CASCADE" => "CASCADE",
        "SET NULL" => "SET NULL",
        "SET DEFAULT" => "SET DEFAULT",
        _ => "NO ACTION",
    }
}

/// Whether a declared type gives a column SQLite's INTEGER affinity.
fn integer_affinity(declared: &str) -> bool {
    declared.to_ascii_uppercase().contains("INT")
}

/// The sqlwright type name of a column declared `declared` (`is_bool`: with a
/// `CHECK (col IN (0, 1))`). sqlwright declares `INTEGER`, `REAL`, `TEXT`, `BLOB` and `ANY`
/// (see `ddl::sqlite_type`), which keep no more than SQLite stores: they come back as
/// `int8`, `float8`, `text`, `bytea` and `any`, and `INTEGER` as `bool` when it is
/// checked to be 0 or 1. Tables written by hand may say more (`BOOLEAN`, `DATE`,
/// `VARCHAR(40)`), and that is kept; other names go by SQLite's affinity rules, and a name
/// that none fits is returned as written, in lower case (print-schema asks for a
/// `--map-type` for it).
pub(crate) fn recovered_type(declared: &str, is_bool: bool) -> String {
    let upper = declared.to_ascii_uppercase();
    let base: Vec<&str> = upper
        .split('(')
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let name = match base.join(" ").as_str() {
        _ if is_bool => "bool",
        "" | "ANY" => "any",
        "INTEGER" | "BIGINT" | "INT8" | "UNSIGNED BIG INT" => "int8",
        "INT" | "INT4" | "MEDIUMINT" => "int4",
        "SMALLINT" | "INT2" | "TINYINT" => "int2",
        "BOOLEAN" | "BOOL" => "bool",
        "REAL" | "DOUBLE" | "DOUBLE PRECISION" | "FLOAT" | "FLOAT8" => "float8",
        "FLOAT4" => "float4",
        "TEXT" | "CLOB" => "text",
        "VARCHAR" | "CHARACTER VARYING" | "VARYING CHARACTER" | "NVARCHAR" => "varchar",
        "CHAR" | "CHARACTER" | "NCHAR" | "NATIVE CHARACTER" => "bpchar",
        "BLOB" | "BYTEA" => "bytea",
        "NUMERIC" | "DECIMAL" => "numeric",
        "DATE" => "date",
        "TIME" => "time",
        "DATETIME" | "TIMESTAMP" | "TIMESTAMP WITHOUT TIME ZONE" => "timestamp",
        "TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE" => "timestamptz",
        "UUID" => "uuid",
        "JSON" => "json",
        "JSONB" => "jsonb",
        // SQLite's affinity rules, in its order.
        _ if upper.contains("INT") => "int8",
        _ if ["CHAR", "CLOB", "TEXT"].iter().any(|w| upper.contains(w)) => "text",
        _ if upper.contains("BLOB") => "bytea",
        _ if ["REAL", "FLOA", "DOUB"].iter().any(|w| upper.contains(w)) => "float8",
        _ => return declared.trim().to_ascii_lowercase(),
    };
    name.to_string()
}

/// Whether the check `expr` is `column IN (0, 1)` (the column quoted or not), as sqlwright
/// writes it for a boolean.
fn is_bool_check(expr: &str, column: &str) -> bool {
    let compact = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let (expr, column) = (compact(expr), compact(column));
    let Some(subject) = expr
        .strip_suffix("IN(0,1)")
        .or_else(|| expr.strip_suffix("in(0,1)"))
    else {
        return false;
    };
    subject == column
        || subject == format!("\"{}\"", column.replace('"', "\"\""))
        || subject == format!("`{column}`")
        || subject == format!("[{column}]")
}

/// A token of SQL text: its kind and where it is.
#[derive(Debug)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

#[derive(Debug, PartialEq)]
enum Kind {
    /// A keyword or bare name.
    Word,
    /// A quoted name: `"a"`, `` `a` ``, `[a]`.
    Quoted,
    /// A string literal.
    Literal,
    /// Any other character.
    Punct(u8),
}

/// Splits SQL text into tokens, leaving out spaces and comments. Every delimiter is ASCII,
/// so each boundary is a character boundary.
fn lex(sql: &str) -> Vec<Token> {
    let b = sql.as_bytes();
    let find = |from: usize, end: &str| {
        sql.get(from..)
            .and_then(|rest| rest.find(end))
            .map_or(b.len(), |at| from + at + end.len())
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let kind = match b[i] {
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = find(i, "\n");
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = find(i + 2, "*/");
                continue;
            }
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < b.len() {
                    if b[i] == q && b.get(i + 1) == Some(&q) {
                        i += 2;
                    } else if b[i] == q {
                        i += 1;
                        break;
                    } else {
                        i += 1;
                    }
                }
                if q == b'\'' {
                    Kind::Literal
                } else {
                    Kind::Quoted
                }
            }
            b'[' => {
                i = find(i, "]");
                Kind::Quoted
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 => {
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'_'
                        || b[i] == b'$'
                        || b[i] >= 0x80)
                {
                    i += 1;
                }
                Kind::Word
            }
            c => {
                i += 1;
                Kind::Punct(c)
            }
        };
        out.push(Token {
            kind,
            start,
            end: i,
        });
    }
    out
}

/// The check constraints of a `CREATE TABLE` text: name (`CONSTRAINT name CHECK (..)`,
/// empty when unnamed) and expression as written.
fn checks(sql: &str) -> Vec<(String, String)> {
    let tokens = lex(sql);
    let word =
        |t: &Token, w: &str| t.kind == Kind::Word && sql[t.start..t.end].eq_ignore_ascii_case(w);
    let mut out = Vec::new();
    for (n, token) in tokens.iter().enumerate() {
        if !word(token, "CHECK") {
            continue;
        }
        let Some(open) = tokens.get(n + 1).filter(|t| t.kind == Kind::Punct(b'(')) else {
            continue;
        };
        let mut depth = 0usize;
        let close = tokens[n + 1..].iter().find(|t| {
            match t.kind {
                Kind::Punct(b'(') => depth += 1,
                Kind::Punct(b')') => depth -= 1,
                _ => {}
            }
            depth == 0
        });
        let Some(close) = close else {
            continue;
        };
        let name = match n.checked_sub(2).map(|m| (&tokens[m], &tokens[m + 1])) {
            Some((c, name)) if word(c, "CONSTRAINT") => unquote(&sql[name.start..name.end]),
            _ => String::new(),
        };
        out.push((name, sql[open.end..close.start].trim().to_string()));
    }
    out
}

/// A name as written, without its quotes.
fn unquote(name: &str) -> String {
    let inner = |q: &str| {
        name.strip_prefix(q)
            .and_then(|n| n.strip_suffix(q))
            .map(|n| n.replace(&format!("{q}{q}"), q))
    };
    inner("\"")
        .or_else(|| inner("`"))
        .or_else(|| {
            name.strip_prefix('[')
                .and_then(|n| n.strip_suffix(']'))
                .map(str::to_string)
        })
        .unwrap_or_else(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_are_read_past_strings_quoted_names_and_comments() {
        let sql = r#"CREATE TABLE "t (check)" (
            "flag" INTEGER NOT NULL CHECK ("flag" IN (0, 1)), -- CHECK (not this)
            note TEXT DEFAULT 'CHECK (nor this)' CHECK (length(note) < 10),
            /* CHECK (nor) */ CONSTRAINT "age ""ok""" check ((age >= 0) AND age < 200)
        ) STRICT"#;
        let found = checks(sql);
        assert_eq!(
            found,
            [
                (String::new(), "\"flag\" IN (0, 1)".to_string()),
                (String::new(), "length(note) < 10".to_string()),
                (
                    "age \"ok\"".to_string(),
                    "(age >= 0) AND age < 200".to_string()
                ),
            ]
        );
        assert!(is_bool_check(&found[0].1, "flag"));
        assert!(!is_bool_check(&found[0].1, "fla"));
        assert!(is_bool_check("b in (0,1)", "b"));
        // Unbalanced text is no check, not a panic.
        assert!(checks("CREATE TABLE t (a CHECK ((a > 0)").is_empty());
        assert!(checks("CREATE TABLE t (a 'CHECK").is_empty());
    }

    #[test]
    fn declared_types_come_back_as_sqlwright_names() {
        for (declared, is_bool, name) in [
            ("INTEGER", false, "int8"),
            ("INTEGER", true, "bool"),
            ("integer", false, "int8"),
            ("REAL", false, "float8"),
            ("TEXT", false, "text"),
            ("BLOB", false, "bytea"),
            ("ANY", false, "any"),
            ("", false, "any"),
            ("BOOLEAN", false, "bool"),
            ("VARCHAR(40)", false, "varchar"),
            ("numeric(15, 2)", false, "numeric"),
            ("timestamp with time zone", false, "timestamptz"),
            ("DATETIME", false, "timestamp"),
            ("UNSIGNED BIG INT", false, "int8"),
            ("NATIVE CHARACTER(70)", false, "bpchar"),
            ("LONGINTEGER", false, "int8"),
            ("MEDIUMTEXT", false, "text"),
            ("FLOATING", false, "float8"),
            ("Mood", false, "mood"),
        ] {
            assert_eq!(recovered_type(declared, is_bool), name, "{declared}");
        }
    }
}
