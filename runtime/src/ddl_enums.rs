//! The enum types of a [`Schema`](crate::ddl::Schema)'s columns in DDL: `CREATE TYPE .. AS
//! ENUM` before the tables and `DROP TYPE` after them on PostgreSQL; on SQLite, which has
//! no enum types, a `CHECK` listing the labels on each column.
//!
//! Labels come from the `table!` declaration (the program's author), and are written as
//! SQL string literals with their quotes doubled.

use crate::query::{ColumnMeta, TableMeta};
use crate::types::EnumMeta;

fn quote(out: &mut String, ident: &str) {
    out.push('"');
    out.push_str(&ident.replace('"', "\"\""));
    out.push('"');
}

fn literal(out: &mut String, text: &str) {
    out.push('\'');
    out.push_str(&text.replace('\'', "''"));
    out.push('\'');
}

/// The enum types the tables' columns use, each once, in the order of first use.
pub(crate) fn used_by(tables: &[&TableMeta]) -> Vec<&'static EnumMeta> {
    let mut out: Vec<&'static EnumMeta> = Vec::new();
    for c in tables.iter().flat_map(|t| t.columns) {
        if let Some(e) = c.enum_type {
            if !out.iter().any(|o| o.sql_name == e.sql_name) {
                out.push(e);
            }
        }
    }
    out
}

/// `CREATE TYPE "name" AS ENUM ('a', 'b');` for each type; when `if_not_exists`, in a `DO`
/// block that lets an existing type of that name stand (PostgreSQL has no `CREATE TYPE IF
/// NOT EXISTS`), as an existing table stands for `CREATE TABLE IF NOT EXISTS`.
pub(crate) fn create_types(types: &[&EnumMeta], if_not_exists: bool) -> String {
    let mut sql = String::new();
    for e in types {
        let mut create = String::from("CREATE TYPE ");
        quote(&mut create, e.sql_name);
        create.push_str(" AS ENUM (");
        for (i, label) in e.labels.iter().enumerate() {
            if i > 0 {
                create.push_str(", ");
            }
            literal(&mut create, label);
        }
        create.push(')');
        if if_not_exists {
            let body = format!("BEGIN {create}; EXCEPTION WHEN duplicate_object THEN NULL; END");
            let tag = crate::ddl::dollar_tag(&body);
            sql.push_str(&format!("DO {tag} {body} {tag};\n"));
        } else {
            sql.push_str(&create);
            sql.push_str(";\n");
        }
    }
    sql
}

/// `DROP TYPE [IF EXISTS] "name";` for each type, after the tables. Without `CASCADE`: a
/// column of another table still of the type makes the statement fail, naming it, rather
/// than losing that column.
pub(crate) fn drop_types(types: &[&EnumMeta], if_exists: bool) -> String {
    let mut sql = String::new();
    for e in types.iter().rev() {
        sql.push_str(if if_exists {
            "DROP TYPE IF EXISTS "
        } else {
            "DROP TYPE "
        });
        quote(&mut sql, e.sql_name);
        sql.push_str(";\n");
    }
    sql
}

/// The column's type on PostgreSQL: the quoted type name (`"order_status"`,
/// `"order_status"[]`), or `None` for a column of a built-in type.
pub(crate) fn pg_type(c: &ColumnMeta) -> Option<String> {
    let e = c.enum_type?;
    let mut out = String::new();
    quote(&mut out, e.sql_name);
    if c.sql_type.ends_with("[]") {
        out.push_str("[]");
    }
    Some(out)
}

/// ` CHECK ("status" IN ('a', 'b'))` for a SQLite column of an enum type (`TEXT`), or
/// nothing.
pub(crate) fn sqlite_check(c: &ColumnMeta) -> String {
    let Some(e) = c.enum_type.filter(|_| !c.sql_type.ends_with("[]")) else {
        return String::new();
    };
    let mut out = String::from(" CHECK (");
    quote(&mut out, c.sql_name);
    out.push_str(" IN (");
    for (i, label) in e.labels.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        literal(&mut out, label);
    }
    out.push_str("))");
    out
}
