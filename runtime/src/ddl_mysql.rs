//! `CREATE TABLE` and `DROP TABLE` for MySQL and MariaDB from `table!` declarations.
//!
//! What differs from PostgreSQL's DDL ([`crate::ddl`]):
//! - Identifiers are quoted with backticks; tables are `ENGINE=InnoDB` (the engine with
//!   transactions and foreign keys) with `DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`, so
//!   text compares byte for byte whatever the database's default collation is (the
//!   server's default ignores case).
//! - Types: see [`mysql_type`]. `Text` is `TEXT`, except in a primary key, a unique
//!   constraint, an index or a foreign key, where it is `VARCHAR(255)`: MySQL cannot key a
//!   `TEXT` column without a prefix length, and a prefix would make a key compare less than
//!   the whole value. Bytes are the same (`LONGBLOB`, `VARBINARY(255)` in a key).
//! - Unique constraints, checks, foreign keys and indexes are all written at table level
//!   (MySQL ignores an inline `REFERENCES`, and a column definition takes no constraint
//!   name). Indexes are inside `CREATE TABLE` too, so that `IF NOT EXISTS` covers them.
//! - Foreign keys in a reference cycle need the referenced table to exist; the script then
//!   runs with `foreign_key_checks` off (the session's, restored afterwards).
//! - Enum types are inline `ENUM('a', 'b')` columns; there is no type to create or drop.
//! - A type MySQL cannot hold (arrays, intervals, network addresses) is an error naming the
//!   table, the column and the type, before anything is sent.

use crate::backend::Backend;
use crate::ddl::Schema;
use crate::engine::{Connection, Error};
use crate::query::{ColumnMeta, TableMeta};

/// A table's statements in MySQL's spelling.
pub(crate) struct MysqlScript {
    /// One statement each (no `;`).
    pub statements: Vec<String>,
    /// Whether a foreign key points at a table created later (a cycle): the statements must
    /// run with `foreign_key_checks` off.
    pub needs_fk_checks_off: bool,
}

fn quote(out: &mut String, ident: &str) {
    out.push('`');
    out.push_str(&ident.replace('`', "``"));
    out.push('`');
}

fn quote_list(out: &mut String, idents: &[&str]) {
    for (i, ident) in idents.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        quote(out, ident);
    }
}

/// A string literal: quotes doubled (connections run with `NO_BACKSLASH_ESCAPES`, so a
/// backslash is a plain character).
fn literal(out: &mut String, text: &str) {
    out.push('\'');
    out.push_str(&text.replace('\'', "''"));
    out.push('\'');
}

/// Whether the column is part of a key MySQL builds an index for: the primary key, a unique
/// constraint, an index, or a foreign key of this table.
fn is_keyed(table: &TableMeta, c: &ColumnMeta) -> bool {
    let name = c.sql_name;
    c.primary_key
        || c.unique
        || c.references.is_some()
        || table.primary_key.contains(&name)
        || table.uniques.iter().any(|u| u.columns.contains(&name))
        || table.indexes.iter().any(|i| i.columns.contains(&name))
        || table.foreign_keys.iter().any(|f| f.columns.contains(&name))
}

/// The MySQL type of a column, or why it has none.
///
/// `int2`/`int4`/`int8` are `SMALLINT`/`INT`/`BIGINT`, `uint1`/`uint2`/`uint4`/`uint8`
/// `TINYINT`/`SMALLINT`/`INT`/`BIGINT UNSIGNED`; `float4`/`float8` `FLOAT`/`DOUBLE`;
/// `numeric(p,s)` `DECIMAL(p,s)` and a bare `numeric` `DECIMAL(65,30)` (MySQL's widest: a
/// bare `DECIMAL` would be `DECIMAL(10,0)` and drop every fraction); `bool` `BOOLEAN`
/// (`TINYINT(1)`); `text` `TEXT` (`VARCHAR(255)` when keyed), `varchar(n)`/`char(n)` as
/// declared; `bytea` `LONGBLOB` (`VARBINARY(255)` when keyed); `timestamp` and
/// `timestamptz` `DATETIME(6)` (or the declared precision; MySQL's `TIMESTAMP` ends in
/// 2038 and converts through the session's time zone); `date` `DATE`; `time` `TIME(6)`;
/// `json`/`jsonb` `JSON`; `uuid` `UUID` (MariaDB 10.7+); an enum `ENUM(..)` of its labels.
pub(crate) fn mysql_type(table: &TableMeta, c: &ColumnMeta) -> Result<String, Error> {
    let refuse = |why: &str| {
        Err(Error::Misuse(format!(
            "column `{}`.`{}` is of type {}, which MySQL cannot hold{why}",
            table.sql_name,
            c.sql_name,
            c.sized_type.unwrap_or(c.sql_type)
        )))
    };
    if c.sql_type.ends_with("[]") {
        return refuse(" (MySQL has no arrays)");
    }
    if let Some(e) = c.enum_type {
        let mut out = String::from("ENUM(");
        for (i, label) in e.labels.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            literal(&mut out, label);
        }
        out.push(')');
        return Ok(out);
    }
    let keyed = is_keyed(table, c);
    if let Some(sized) = c.sized_type {
        // `varchar(40)`, `char(10)`, `numeric(12,2)`, `timestamp(3)`, `timestamptz(3)`,
        // `time(3)`: the size is the declaration's, digits and commas only.
        let (name, size) = sized.split_once('(').unwrap_or((sized, ""));
        let size = size.trim_end_matches(')');
        let ty = match name {
            "varchar" => "VARCHAR",
            "char" => "CHAR",
            "numeric" => "DECIMAL",
            "timestamp" | "timestamptz" => "DATETIME",
            "time" => "TIME",
            _ => return refuse(""),
        };
        if (ty == "DATETIME" || ty == "TIME") && size.parse::<u32>().map_or(true, |p| p > 6) {
            return refuse(" (MySQL keeps at most 6 fractional digits)");
        }
        return Ok(format!("{ty}({size})"));
    }
    Ok(match c.sql_type {
        "int2" => "SMALLINT",
        "int4" => "INT",
        "int8" => "BIGINT",
        "uint1" => "TINYINT UNSIGNED",
        "uint2" => "SMALLINT UNSIGNED",
        "uint4" => "INT UNSIGNED",
        "uint8" => "BIGINT UNSIGNED",
        "float4" => "FLOAT",
        "float8" => "DOUBLE",
        "numeric" => "DECIMAL(65,30)",
        "bool" => "BOOLEAN",
        "text" if keyed => "VARCHAR(255)",
        "text" => "TEXT",
        "bytea" if keyed => "VARBINARY(255)",
        "bytea" => "LONGBLOB",
        "timestamp" | "timestamptz" => "DATETIME(6)",
        "date" => "DATE",
        "time" => "TIME(6)",
        "json" | "jsonb" => "JSON",
        "uuid" => "UUID",
        _ => return refuse(""),
    }
    .to_string())
}

/// `ON DELETE .. ON UPDATE ..`; InnoDB refuses `SET DEFAULT`.
fn push_actions(
    out: &mut String,
    table: &TableMeta,
    on_delete: &str,
    on_update: &str,
) -> Result<(), Error> {
    for (what, action) in [("ON DELETE", on_delete), ("ON UPDATE", on_update)] {
        if action.eq_ignore_ascii_case("set default") {
            return Err(Error::Misuse(format!(
                "a foreign key of table `{}` is {what} SET DEFAULT, which InnoDB does not \
                 take",
                table.sql_name
            )));
        }
        out.push(' ');
        out.push_str(what);
        out.push(' ');
        out.push_str(&action.to_ascii_uppercase());
    }
    Ok(())
}

/// `CREATE TABLE` for one table in MySQL's spelling.
pub(crate) fn create_table(table: &TableMeta, if_not_exists: bool) -> Result<String, Error> {
    let mut sql = String::from("CREATE TABLE ");
    if if_not_exists {
        sql.push_str("IF NOT EXISTS ");
    }
    quote(&mut sql, table.sql_name);
    sql.push_str(" (");
    let mut items = Vec::new();
    let mut constraints = Vec::new();
    // Names PostgreSQL would choose, so errors name the same constraint on each backend.
    let mut used: Vec<String> = Vec::new();
    for c in table.columns {
        let mut item = String::from("\n    ");
        quote(&mut item, c.sql_name);
        item.push(' ');
        item.push_str(&mysql_type(table, c)?);
        if !c.nullable {
            item.push_str(" NOT NULL");
        }
        if c.serial {
            item.push_str(" AUTO_INCREMENT");
        }
        if let Some(default) = c.default {
            // The declaration's SQL, as on PostgreSQL; an expression needs parentheses
            // on MySQL, which a literal tolerates too (MariaDB 10.2+, MySQL 8.0.13+).
            item.push_str(" DEFAULT (");
            item.push_str(default);
            item.push(')');
        }
        if !c.doc.trim().is_empty() {
            item.push_str(" COMMENT ");
            literal(&mut item, c.doc.trim());
        }
        items.push(item);
        if c.unique {
            let mut item = String::from("\n   ");
            push_default_name(
                &mut item,
                c.unique_name,
                table,
                c.sql_name,
                "key",
                &mut used,
            );
            item.push_str(" UNIQUE (");
            quote(&mut item, c.sql_name);
            item.push(')');
            constraints.push(item);
        }
        if let Some(check) = c.check {
            let mut item = String::from("\n   ");
            push_default_name(&mut item, check.name, table, c.sql_name, "check", &mut used);
            item.push_str(" CHECK (");
            item.push_str(check.sql);
            item.push(')');
            constraints.push(item);
        }
        if let Some(fk) = &c.references {
            let mut item = String::from("\n   ");
            push_default_name(
                &mut item,
                fk.constraint,
                table,
                c.sql_name,
                "fkey",
                &mut used,
            );
            item.push_str(" FOREIGN KEY (");
            quote(&mut item, c.sql_name);
            item.push_str(") REFERENCES ");
            quote(&mut item, fk.table);
            item.push_str(" (");
            quote(&mut item, fk.column);
            item.push(')');
            push_actions(&mut item, table, fk.on_delete, fk.on_update)?;
            constraints.push(item);
        }
    }
    let mut key = String::from("\n   ");
    push_name(&mut key, table.primary_key_name);
    key.push_str(" PRIMARY KEY (");
    quote_list(&mut key, table.primary_key);
    key.push(')');
    items.push(key);
    for unique in table.uniques {
        let mut item = String::from("\n   ");
        let columns = unique.columns.join("_");
        push_default_name(&mut item, unique.name, table, &columns, "key", &mut used);
        item.push_str(" UNIQUE (");
        quote_list(&mut item, unique.columns);
        item.push(')');
        items.push(item);
    }
    items.append(&mut constraints);
    for check in table.checks {
        let mut item = String::from("\n   ");
        // Named from its text, as the migrations name an unnamed table check.
        let hash = format!("{:08x}", crate::ddl::fnv1a(check.sql.as_bytes()) as u32);
        push_default_name(&mut item, check.name, table, &hash, "check", &mut used);
        item.push_str(" CHECK (");
        item.push_str(check.sql);
        item.push(')');
        items.push(item);
    }
    for fk in table.foreign_keys {
        let mut item = String::from("\n   ");
        let columns = fk.columns.join("_");
        push_default_name(&mut item, fk.constraint, table, &columns, "fkey", &mut used);
        item.push_str(" FOREIGN KEY (");
        quote_list(&mut item, fk.columns);
        item.push_str(") REFERENCES ");
        quote(&mut item, fk.table);
        item.push_str(" (");
        quote_list(&mut item, fk.referenced);
        item.push(')');
        push_actions(&mut item, table, fk.on_delete, fk.on_update)?;
        items.push(item);
    }
    for index in table.indexes {
        let mut item = String::from(if index.unique {
            "\n    UNIQUE INDEX "
        } else {
            "\n    INDEX "
        });
        let name =
            crate::ddl::object_name(table.sql_name, &index.columns.join("_"), "idx", &mut used);
        quote(&mut item, &name);
        item.push_str(" (");
        quote_list(&mut item, index.columns);
        item.push(')');
        items.push(item);
    }
    sql.push_str(&items.join(","));
    sql.push_str("\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    if !table.doc.trim().is_empty() {
        sql.push_str(" COMMENT=");
        literal(&mut sql, table.doc.trim());
    }
    Ok(sql)
}

/// ` CONSTRAINT `name`` before a constraint the declaration names.
fn push_name(out: &mut String, name: Option<&str>) {
    if let Some(name) = name {
        out.push_str(" CONSTRAINT ");
        quote(out, name);
    }
}

/// ` CONSTRAINT `name`` before a unique key, check or foreign key: the declared name, or
/// the one PostgreSQL gives an unnamed one (`users_email_key`, `books_author_id_fkey`,
/// `t_price_check`; a table-level check `t_<hash of its text>_check` as the migrations
/// name it), made by [`crate::ddl::object_name`]
/// (63 bytes at most, numbered when taken), so that a typed error names the same
/// constraint on every backend instead of MySQL's `email` or `books_ibfk_1`.
fn push_default_name(
    out: &mut String,
    declared: Option<&str>,
    table: &TableMeta,
    columns: &str,
    label: &str,
    used: &mut Vec<String>,
) {
    match declared {
        Some(name) => {
            used.push(name.to_string());
            push_name(out, Some(name));
        }
        None => {
            let name = crate::ddl::object_name(table.sql_name, columns, label, used);
            push_name(out, Some(&name));
        }
    }
}

/// `CREATE TABLE` for every table in `order` (dependency order).
pub(crate) fn create_all(order: &[&TableMeta], if_not_exists: bool) -> Result<MysqlScript, Error> {
    let statements = order
        .iter()
        .map(|t| create_table(t, if_not_exists))
        .collect::<Result<_, _>>()?;
    Ok(MysqlScript {
        statements,
        needs_fk_checks_off: has_forward_reference(order),
    })
}

/// Whether a table of `order` references one of them created after it (a cycle).
fn has_forward_reference(order: &[&TableMeta]) -> bool {
    for (i, table) in order.iter().enumerate() {
        let earlier =
            |name: &str| name == table.sql_name || order[..i].iter().any(|t| t.sql_name == name);
        let targets = table
            .columns
            .iter()
            .filter_map(|c| c.references.as_ref().map(|fk| fk.table))
            .chain(table.foreign_keys.iter().map(|fk| fk.table));
        for target in targets {
            if !earlier(target) && order.iter().any(|t| t.sql_name == target) {
                return true;
            }
        }
    }
    false
}

/// `DROP TABLE` for every table in `order` (dependency order), dependents first. MySQL's
/// `DROP TABLE` has no working `CASCADE`: a table outside the schema that references one
/// of these makes the drop fail, naming it.
pub(crate) fn drop_all(order: &[&TableMeta], if_exists: bool) -> MysqlScript {
    let statements = order
        .iter()
        .rev()
        .map(|t| {
            let mut sql = String::from(if if_exists {
                "DROP TABLE IF EXISTS "
            } else {
                "DROP TABLE "
            });
            quote(&mut sql, t.sql_name);
            sql
        })
        .collect();
    // A cycle cannot be dropped one table at a time with the checks on.
    MysqlScript {
        statements,
        needs_fk_checks_off: has_forward_reference(order),
    }
}

impl Schema {
    /// The `CREATE TABLE` statements of every table in MySQL's spelling, in dependency order
    /// (the types: see the module `ddl` and docs/design.md). A column of a
    /// type MySQL cannot hold is [`Error::Misuse`] naming the table, column and type.
    pub fn mysql_create_statements(&self, if_not_exists: bool) -> Result<Vec<String>, Error> {
        let order = self.dependency_order();
        create_all(&order, if_not_exists).map(|s| s.statements)
    }

    /// The `DROP TABLE` statements of every table in MySQL's spelling, dependents first.
    pub fn mysql_drop_statements(&self, if_exists: bool) -> Vec<String> {
        drop_all(&self.dependency_order(), if_exists).statements
    }

    /// MySQL's statements as one text, `;` after each, between `SET foreign_key_checks`
    /// statements when the tables reference each other in a cycle. A column MySQL cannot
    /// hold leaves the text as a single comment naming it: the checked form is
    /// [`mysql_create_statements`](Self::mysql_create_statements).
    pub(crate) fn mysql_text(&self, statements: Result<Vec<String>, Error>) -> String {
        let statements = match statements {
            Ok(statements) => statements,
            Err(e) => return format!("-- {}\n", e.to_string().replace('\n', " ")),
        };
        let cycle = drop_all(&self.dependency_order(), false).needs_fk_checks_off;
        let mut sql = String::new();
        if cycle {
            sql.push_str("SET foreign_key_checks = 0;\n");
        }
        for statement in statements {
            sql.push_str(&statement);
            sql.push_str(";\n");
        }
        if cycle {
            sql.push_str("SET foreign_key_checks = 1;\n");
        }
        sql
    }
}

/// Runs MySQL's DDL statements one at a time (each commits by itself), with
/// `foreign_key_checks` off around them when the tables reference each other in a cycle,
/// and back on afterwards whatever happened.
pub(crate) fn run<B: Backend>(conn: &mut Connection<B>, script: MysqlScript) -> Result<(), Error> {
    if conn.in_transaction() {
        return Err(Error::Misuse(
            "create_all/drop_all on MySQL cannot run inside a transaction: each statement \
             commits it"
                .into(),
        ));
    }
    if script.needs_fk_checks_off {
        conn.batch_execute("SET SESSION foreign_key_checks = 0")?;
    }
    let result = script
        .statements
        .iter()
        .try_for_each(|statement| conn.batch_execute(statement));
    if script.needs_fk_checks_off {
        let restored = conn.batch_execute("SET SESSION foreign_key_checks = 1");
        result?;
        return restored;
    }
    result
}

/// [`run`] on an async connection: the same statements, awaited.
#[cfg(all(feature = "tokio", feature = "mysql"))]
pub(crate) async fn run_io(
    conn: &mut Connection<crate::backend::Mysql>,
    script: MysqlScript,
) -> Result<(), Error> {
    if conn.in_transaction() {
        return Err(Error::Misuse(
            "create_all/drop_all on MySQL cannot run inside a transaction: each statement \
             commits it"
                .into(),
        ));
    }
    if script.needs_fk_checks_off {
        conn.mysql_batch_io("SET SESSION foreign_key_checks = 0")
            .await?;
    }
    let mut result = Ok(());
    for statement in &script.statements {
        result = conn.mysql_batch_io(statement).await;
        if result.is_err() {
            break;
        }
    }
    if script.needs_fk_checks_off {
        let restored = conn
            .mysql_batch_io("SET SESSION foreign_key_checks = 1")
            .await;
        result?;
        return restored;
    }
    result
}
