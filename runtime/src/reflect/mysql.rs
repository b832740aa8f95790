//! MySQL's and MariaDB's reflection: the connection's database (`DATABASE()`) read from
//! `information_schema` in six statements however many tables there are. No name is
//! spliced into the SQL: every statement filters on `DATABASE()`, and rows are sorted into
//! tables here.
//!
//! Types come back in PostgreSQL's short names (`int4`, `varchar`, `timestamp`, ...; see
//! [`recovered_type`]) so that `verify_schema` and `print-schema` read them as they read
//! PostgreSQL's; `sql_type` keeps MySQL's own spelling (`varchar(255)`, `decimal(12,2)`).
//! An `ENUM(..)` column is an enum type of its own, named `<table>_<column>`, with its
//! labels in [`Catalog::enums`]. MariaDB's `JSON` is `LONGTEXT` with a `json_valid` check;
//! that pair is read back as `json`, without the check. Check constraints are read from
//! MariaDB's `information_schema.check_constraints`, which names their table (MySQL 8's
//! does not).

use super::{
    Catalog, ReflectOptions, ReflectedColumn, ReflectedForeignKey, ReflectedIndex, ReflectedTable,
    RelationKind,
};
use crate::backend::{Dialect, Mysql};
use crate::engine::step::Io;
use crate::engine::Error;
use std::collections::HashMap;

type Rows = Vec<Vec<Option<String>>>;

fn get(row: &[Option<String>], i: usize) -> String {
    row.get(i).cloned().flatten().unwrap_or_default()
}

fn opt(row: &[Option<String>], i: usize) -> Option<String> {
    row.get(i).cloned().flatten()
}

/// Runs one of the fixed catalog statements below through MySQL's text protocol, on either
/// kind of connection (a blocking one answers when first polled, as `Now` does).
async fn text<X: Io<Backend = Mysql>>(x: &mut X, sql: &'static str) -> Result<Rows, Error> {
    x.conn().query_text_io(sql).await
}

/// Reads the connection's database: one body for both modes (blocking through
/// [`Now`](crate::engine::step::Now) and `wire::now`, async through `WaitMysql`).
pub(super) async fn reflect<X: Io<Backend = Mysql>>(
    x: &mut X,
    options: &ReflectOptions,
) -> Result<Catalog, Error> {
    let database = text(x, "SELECT DATABASE()")
        .await?
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next().flatten())
        .ok_or_else(|| Error::Misuse("MySQL reflection needs a database in the URL".into()))?;
    if let Some(other) = options.schemas.iter().find(|s| **s != database) {
        return Err(Error::Misuse(format!(
            "MySQL reflection reads the connection's database (`{database}`) only, not \
             `{other}`"
        )));
    }
    let tables = text(
        x,
        "SELECT table_name, table_type, table_comment FROM information_schema.tables \
         WHERE table_schema = DATABASE() ORDER BY table_name",
    )
    .await?;
    let columns = text(
        x,
        "SELECT table_name, column_name, column_type, data_type, is_nullable, column_default, \
         extra, column_comment FROM information_schema.columns \
         WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position",
    )
    .await?;
    let keys = text(
        x,
        "SELECT k.table_name, k.constraint_name, c.constraint_type, k.column_name, \
         k.referenced_table_schema, k.referenced_table_name, k.referenced_column_name \
         FROM information_schema.key_column_usage k \
         JOIN information_schema.table_constraints c ON c.constraint_schema = \
         k.constraint_schema AND c.table_name = k.table_name AND c.constraint_name = \
         k.constraint_name WHERE k.constraint_schema = DATABASE() \
         ORDER BY k.table_name, k.constraint_name, k.ordinal_position",
    )
    .await?;
    let actions = text(
        x,
        "SELECT table_name, constraint_name, delete_rule, update_rule \
         FROM information_schema.referential_constraints WHERE constraint_schema = DATABASE()",
    )
    .await?;
    let indexes = text(
        x,
        "SELECT table_name, index_name, non_unique, column_name FROM \
         information_schema.statistics WHERE table_schema = DATABASE() \
         ORDER BY table_name, index_name, seq_in_index",
    )
    .await?;
    let checks = text(
        x,
        "SELECT table_name, constraint_name, check_clause FROM \
         information_schema.check_constraints WHERE constraint_schema = DATABASE() \
         ORDER BY table_name, constraint_name",
    )
    .await?;
    let mut enums = HashMap::new();
    let mut tables: Vec<ReflectedTable> = tables
        .iter()
        .map(|t| {
            let name = get(t, 0);
            let kind = match get(t, 1).as_str() {
                "VIEW" => RelationKind::View,
                _ => RelationKind::Table,
            };
            table(
                &database,
                name,
                kind,
                opt(t, 2).filter(|c| !c.is_empty()),
                [&columns, &keys, &actions, &indexes, &checks],
                &mut enums,
            )
        })
        .collect();
    // In name order as PostgreSQL's `name` sorts (bytes): the server's ORDER BY follows
    // its collation, which puts `posts` before `post_tags`.
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Catalog {
        dialect: Dialect::Mysql,
        tables,
        enums,
    })
}

/// One table from the rows of the six statements (each sorted by table name first).
fn table(
    database: &str,
    name: String,
    kind: RelationKind,
    comment: Option<String>,
    [columns, keys, actions, indexes, checks]: [&Rows; 5],
    enums: &mut HashMap<String, Vec<String>>,
) -> ReflectedTable {
    let mine = |rows: &'_ Rows| -> Vec<Vec<Option<String>>> {
        rows.iter()
            .filter(|r| r.first().cloned().flatten().as_deref() == Some(name.as_str()))
            .cloned()
            .collect()
    };
    let mut checks: Vec<(String, String)> = mine(checks)
        .iter()
        .map(|r| (get(r, 1), format!("CHECK ({})", get(r, 2))))
        .collect();
    let mut out_columns = Vec::new();
    for c in mine(columns) {
        let column = get(&c, 1);
        let column_type = get(&c, 2);
        let data_type = get(&c, 3).to_ascii_lowercase();
        // MariaDB's JSON: LONGTEXT with `CHECK (json_valid(`col`))`.
        let json_check = format!("CHECK (json_valid(`{}`))", column.replace('`', "``"));
        let is_json = data_type == "longtext"
            && checks
                .iter()
                .any(|(_, c)| c.eq_ignore_ascii_case(&json_check));
        if is_json {
            checks.retain(|(_, c)| !c.eq_ignore_ascii_case(&json_check));
        }
        let mut is_enum = false;
        let type_name = if is_json {
            "json".to_string()
        } else if data_type == "enum" {
            is_enum = true;
            let type_name = format!("{name}_{column}");
            enums.insert(format!("{database}.{type_name}"), enum_labels(&column_type));
            type_name
        } else {
            recovered_type(&data_type, &column_type).to_string()
        };
        let extra = get(&c, 6).to_ascii_lowercase();
        out_columns.push(ReflectedColumn {
            name: column,
            sql_type: if is_json { "json".into() } else { column_type },
            type_name,
            // An enum's "type" lives in the database, as PostgreSQL's live in a schema.
            type_schema: if is_enum {
                database.to_string()
            } else {
                String::new()
            },
            type_oid: 0,
            is_enum,
            nullable: get(&c, 4) == "YES",
            // MariaDB writes "NULL" for a nullable column without a default.
            default: opt(&c, 5).filter(|d| !d.eq_ignore_ascii_case("null")),
            serial: extra.contains("auto_increment"),
            comment: opt(&c, 7).filter(|c| !c.is_empty()),
        });
    }
    let keys = mine(keys);
    let mut primary_key = Vec::new();
    let mut uniques: Vec<(String, Vec<String>)> = Vec::new();
    let mut foreign_keys: Vec<ReflectedForeignKey> = Vec::new();
    let actions = mine(actions);
    for k in &keys {
        let (constraint, kind, column) = (get(k, 1), get(k, 2), get(k, 3));
        match kind.as_str() {
            "PRIMARY KEY" => primary_key.push(column),
            "UNIQUE" => match uniques.iter_mut().find(|(n, _)| *n == constraint) {
                Some((_, cols)) => cols.push(column),
                None => uniques.push((constraint, vec![column])),
            },
            "FOREIGN KEY" => {
                let referenced = get(k, 6);
                match foreign_keys.iter_mut().find(|f| f.name == constraint) {
                    Some(fk) => {
                        fk.columns.push(column);
                        fk.referenced_columns.push(referenced);
                    }
                    None => {
                        let action = actions.iter().find(|a| get(a, 1) == constraint);
                        let rule = |i: usize| action.map_or("NO ACTION", |a| rule(&get(a, i)));
                        foreign_keys.push(ReflectedForeignKey {
                            name: constraint,
                            columns: vec![column],
                            referenced_schema: get(k, 4),
                            referenced_table: get(k, 5),
                            referenced_columns: vec![referenced],
                            on_delete: rule(2),
                            on_update: rule(3),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    let mut out_indexes: Vec<ReflectedIndex> = Vec::new();
    for i in mine(indexes) {
        let (index, column) = (get(&i, 1), get(&i, 3));
        match out_indexes.iter_mut().find(|x| x.name == index) {
            Some(x) => x.columns.push(column),
            None => out_indexes.push(ReflectedIndex {
                primary: index == "PRIMARY",
                unique: get(&i, 2) == "0",
                name: index,
                columns: vec![column],
                definition: String::new(),
            }),
        }
    }
    let quote = |s: &str| format!("`{}`", s.replace('`', "``"));
    for x in &mut out_indexes {
        x.definition = format!(
            "CREATE {}INDEX {} ON {} ({})",
            if x.unique { "UNIQUE " } else { "" },
            quote(&x.name),
            quote(&name),
            x.columns
                .iter()
                .map(|c| quote(c))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    ReflectedTable {
        schema: database.to_string(),
        primary_key_name: (!primary_key.is_empty()).then(|| "PRIMARY".to_string()),
        name,
        kind,
        comment,
        columns: out_columns,
        primary_key,
        uniques,
        foreign_keys,
        indexes: out_indexes,
        checks,
    }
}

/// `ON DELETE`/`ON UPDATE` as the model spells it.
fn rule(rule: &str) -> &'static str {
    match rule.to_ascii_uppercase().as_str() {
        "CASCADE" => "CASCADE",
        "SET NULL" => "SET NULL",
        "SET DEFAULT" => "SET DEFAULT",
        "RESTRICT" => "RESTRICT",
        _ => "NO ACTION",
    }
}

/// The labels of `enum('a','b''c')`.
fn enum_labels(column_type: &str) -> Vec<String> {
    let inside = column_type
        .strip_prefix("enum(")
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or("");
    let mut labels = Vec::new();
    let mut chars = inside.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut label = String::new();
        while let Some(c) = chars.next() {
            if c == '\'' {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    label.push('\'');
                    continue;
                }
                break;
            }
            label.push(c);
        }
        labels.push(label);
    }
    labels
}

/// sqlwright's type (PostgreSQL's short name) of a MySQL column: `tinyint(1)` is `bool`,
/// the integers `int2`/`int4`/`int8` by size (`tinyint` is `int2`, `mediumint` `int4`),
/// the unsigned ones `uint1`/`uint2`/`uint4`/`uint8` (`mediumint unsigned` is `uint4`),
/// `float`/`double` `float4`/`float8`, `decimal` `numeric`, `varchar`/`char` as such, the
/// texts `text`, the blobs and binaries `bytea`, `datetime` and `timestamp` `timestamp`,
/// `date`, `time`, `json`, `uuid`; any other type as MySQL names it.
pub(crate) fn recovered_type<'a>(data_type: &'a str, column_type: &str) -> &'a str {
    let unsigned = column_type.ends_with(" unsigned") || column_type.contains(" unsigned ");
    match data_type {
        "tinyint" if unsigned => "uint1",
        "smallint" if unsigned => "uint2",
        "mediumint" | "int" | "integer" if unsigned => "uint4",
        "bigint" if unsigned => "uint8",
        "tinyint" if column_type.starts_with("tinyint(1)") => "bool",
        "tinyint" | "smallint" => "int2",
        "mediumint" | "int" | "integer" => "int4",
        "bigint" => "int8",
        "float" => "float4",
        "double" | "real" => "float8",
        "decimal" | "numeric" => "numeric",
        "varchar" => "varchar",
        "char" => "bpchar",
        "tinytext" | "text" | "mediumtext" | "longtext" => "text",
        "tinyblob" | "blob" | "mediumblob" | "longblob" | "binary" | "varbinary" => "bytea",
        "datetime" | "timestamp" => "timestamp",
        "date" => "date",
        "time" => "time",
        "json" => "json",
        "uuid" => "uuid",
        other => other,
    }
}
