//! One shape for both sides of a diff: `table!` declarations and a reflected catalog become
//! the same [`Model`], so one differ writes up (live → declared) and down (declared → live).

use crate::backend::Dialect;
use crate::ddl::{fnv1a, object_name};
use crate::query::{ColumnMeta, TableMeta};
use crate::reflect::{Catalog, ReflectedColumn, RelationKind};

/// A schema: the tables the plan manages and the enum types their columns use.
pub(super) struct Model<'a> {
    pub tables: Vec<Table<'a>>,
    /// Enum types used by the tables' columns: name and labels in order (PostgreSQL only).
    pub enums: Vec<(String, Vec<String>)>,
}

/// Where a table's definition comes from.
#[derive(Clone, Copy)]
pub(super) enum Source<'a> {
    Declared(&'a TableMeta),
    Live,
}

pub(super) struct Table<'a> {
    pub name: String,
    pub renamed_from: Option<String>,
    pub source: Source<'a>,
    pub columns: Vec<Column<'a>>,
    pub primary_key: Vec<String>,
    pub primary_key_name: Option<String>,
    pub uniques: Vec<Unique>,
    pub foreign_keys: Vec<ForeignKey>,
    pub checks: Vec<Check>,
    pub indexes: Vec<Index>,
    pub comment: Option<String>,
}

/// A column's type, compared with `reflect::compare`'s rules: one side of a diff is always
/// declared and the other live.
#[derive(Clone, Copy)]
pub(super) enum Type<'a> {
    Declared(&'a ColumnMeta),
    Live(&'a ReflectedColumn),
}

pub(super) struct Column<'a> {
    pub name: String,
    pub renamed_from: Option<String>,
    pub ty: Type<'a>,
    pub nullable: bool,
    pub default: Option<String>,
    pub serial: bool,
    pub comment: Option<String>,
    /// The type in the backend's own DDL (MySQL only: `INT UNSIGNED`, `varchar(40)`,
    /// `enum('a','b')`), compared by [`super::mysql_norm::type_key`]; empty elsewhere.
    pub spelled: String,
}

/// A unique constraint; `name` is the declared or live name, or the name sqlwright gives
/// an unnamed declared one (PostgreSQL's `table_columns_key`).
pub(super) struct Unique {
    pub name: String,
    /// Whether the name was declared or read (and so is compared): not a made-up one.
    pub named: bool,
    pub columns: Vec<String>,
}

pub(super) struct ForeignKey {
    pub name: String,
    pub named: bool,
    pub columns: Vec<String>,
    pub table: String,
    pub referenced: Vec<String>,
    pub on_delete: String,
    pub on_update: String,
    /// MySQL: the index InnoDB made for the key (named as the key) because no other index
    /// starts with its columns. Dropping the key leaves it behind, so it is dropped too.
    pub implicit_index: bool,
}

pub(super) struct Check {
    pub name: String,
    pub named: bool,
    /// The condition, without `CHECK`.
    pub sql: String,
}

pub(super) struct Index {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
    /// The live `CREATE INDEX` text (recreates expression and partial indexes as they were).
    pub definition: Option<String>,
}

/// Whether a table is sqlwright's own (migration bookkeeping, the rebuild's scratch table)
/// and never part of a plan.
pub(super) fn is_internal(name: &str) -> bool {
    name == "sqlwright_migrations"
        || name.starts_with("_sqlwright")
        || name.starts_with("__sqlwright")
}

/// The model of `table!` declarations as `dialect` stores them.
pub(super) fn declared<'a>(tables: &[&'a TableMeta], dialect: Dialect) -> Model<'a> {
    let pg = dialect == Dialect::Postgres;
    let sqlite = dialect == Dialect::Sqlite;
    // PostgreSQL's COMMENT ON and MySQL's COMMENT clauses; SQLite keeps none.
    let comment = |doc: &str| Some(doc.trim().to_string()).filter(|d| !sqlite && !d.is_empty());
    let mut enums: Vec<(String, Vec<String>)> = Vec::new();
    let mut out = Vec::new();
    for t in tables {
        let mut used = Vec::new();
        let mut name_for = |named: Option<&str>, columns: &[&str], label: &str| match named {
            Some(n) => (n.to_string(), true),
            None => (
                object_name(t.sql_name, &columns.join("_"), label, &mut used),
                false,
            ),
        };
        let mut uniques = Vec::new();
        let mut foreign_keys = Vec::new();
        let mut checks = Vec::new();
        for c in t.columns {
            let one = [c.sql_name];
            if c.unique {
                let (name, named) = name_for(c.unique_name, &one, "key");
                uniques.push(Unique {
                    name,
                    named,
                    columns: vec![c.sql_name.to_string()],
                });
            }
            if let Some(fk) = &c.references {
                let (name, named) = name_for(fk.constraint, &one, "fkey");
                foreign_keys.push(ForeignKey {
                    name,
                    named,
                    columns: vec![c.sql_name.to_string()],
                    table: fk.table.to_string(),
                    referenced: vec![fk.column.to_string()],
                    on_delete: fk.on_delete.to_string(),
                    on_update: fk.on_update.to_string(),
                    implicit_index: false,
                });
            }
            if let Some(k) = c.check {
                let (name, named) = name_for(k.name, &one, "check");
                checks.push(Check {
                    name,
                    named,
                    sql: k.sql.to_string(),
                });
            }
            // MySQL's unsigned types hold the range themselves: no check.
            let range = match dialect {
                Dialect::Mysql => String::new(),
                _ => crate::types::unsigned::range_check(c.sql_type, c.sql_name, pg),
            };
            if let Some(sql) = range
                .strip_prefix(" CHECK (")
                .and_then(|s| s.strip_suffix(')'))
            {
                // As `create_all` writes it: unnamed, so PostgreSQL names it as any
                // unnamed column check, and SQLite keeps no name.
                let (name, named) = if pg {
                    name_for(None, &one, "check")
                } else {
                    (String::new(), false)
                };
                checks.push(Check {
                    name,
                    named,
                    sql: sql.to_string(),
                });
            }
            if sqlite {
                let label_check = crate::ddl_enums::sqlite_check(c);
                if let Some(sql) = label_check
                    .strip_prefix(" CHECK (")
                    .and_then(|s| s.strip_suffix(')'))
                {
                    checks.push(Check {
                        name: String::new(),
                        named: false,
                        sql: sql.to_string(),
                    });
                }
            }
            if let Some(e) = c.enum_type.filter(|_| pg) {
                if !enums.iter().any(|(n, _)| n == e.sql_name) {
                    let labels = e.labels.iter().map(|l| l.to_string()).collect();
                    enums.push((e.sql_name.to_string(), labels));
                }
            }
        }
        for u in t.uniques {
            let (name, named) = name_for(u.name, u.columns, "key");
            uniques.push(Unique {
                name,
                named,
                columns: strings(u.columns),
            });
        }
        for fk in t.foreign_keys {
            let (name, named) = name_for(fk.constraint, fk.columns, "fkey");
            foreign_keys.push(ForeignKey {
                name,
                named,
                columns: strings(fk.columns),
                table: fk.table.to_string(),
                referenced: strings(fk.referenced),
                on_delete: fk.on_delete.to_string(),
                on_update: fk.on_update.to_string(),
                implicit_index: false,
            });
        }
        for k in t.checks {
            // An unnamed table check gets a name made from its text, so that a later
            // down migration can drop it by the same name.
            let hash = format!("{:08x}", fnv1a(k.sql.as_bytes()) as u32);
            let (name, named) = name_for(k.name, &[hash.as_str()], "check");
            checks.push(Check {
                name,
                named,
                sql: k.sql.to_string(),
            });
        }
        let mut index_names = Vec::new();
        let indexes = t
            .indexes
            .iter()
            .map(|i| Index {
                // The name `create_all` gives it.
                name: object_name(t.sql_name, &i.columns.join("_"), "idx", &mut index_names),
                columns: strings(i.columns),
                unique: i.unique,
                definition: None,
            })
            .collect();
        out.push(Table {
            name: t.sql_name.to_string(),
            renamed_from: t.renamed_from.map(str::to_string),
            source: Source::Declared(t),
            columns: t
                .columns
                .iter()
                .map(|c| Column {
                    name: c.sql_name.to_string(),
                    renamed_from: c.renamed_from.map(str::to_string),
                    ty: Type::Declared(c),
                    nullable: c.nullable,
                    default: c.default.map(str::to_string),
                    serial: c.serial,
                    comment: comment(c.doc),
                    spelled: String::new(),
                })
                .collect(),
            primary_key: strings(t.primary_key),
            primary_key_name: t.primary_key_name.map(str::to_string),
            uniques,
            foreign_keys,
            checks,
            indexes,
            comment: comment(t.doc),
        });
    }
    let mut model = Model { tables: out, enums };
    if dialect == Dialect::Mysql {
        super::mysql_model::declared(&mut model);
    }
    model
}

/// The model of a reflected catalog: its ordinary tables (in `schema` on PostgreSQL),
/// without sqlwright's own and those `ignore` names.
pub(super) fn live<'a>(catalog: &'a Catalog, schema: &str, ignore: &[String]) -> Model<'a> {
    let pg = catalog.dialect == Dialect::Postgres;
    let mut tables = Vec::new();
    let mut used_enums: Vec<String> = Vec::new();
    for t in &catalog.tables {
        if t.kind != RelationKind::Table
            || (pg && t.schema != schema)
            || is_internal(&t.name)
            || ignore.contains(&t.name)
        {
            continue;
        }
        let unique_names: Vec<&str> = t.uniques.iter().map(|(n, _)| n.as_str()).collect();
        for c in t.columns.iter().filter(|c| c.is_enum) {
            let name = c.type_name.trim_end_matches("[]").to_string();
            if !used_enums.contains(&name) {
                used_enums.push(name);
            }
        }
        tables.push(Table {
            name: t.name.clone(),
            renamed_from: None,
            source: Source::Live,
            columns: t
                .columns
                .iter()
                .map(|c| Column {
                    name: c.name.clone(),
                    renamed_from: None,
                    ty: Type::Live(c),
                    nullable: c.nullable,
                    // A serial's `nextval(..)` is its identity, not a default to compare.
                    default: c.default.clone().filter(|_| !c.serial),
                    serial: c.serial,
                    comment: c.comment.clone(),
                    spelled: String::new(),
                })
                .collect(),
            primary_key: t.primary_key.clone(),
            primary_key_name: t.primary_key_name.clone(),
            uniques: t
                .uniques
                .iter()
                .map(|(name, columns)| Unique {
                    name: name.clone(),
                    named: pg,
                    columns: columns.clone(),
                })
                .collect(),
            foreign_keys: t
                .foreign_keys
                .iter()
                .map(|fk| ForeignKey {
                    name: fk.name.clone(),
                    named: pg,
                    columns: fk.columns.clone(),
                    table: fk.referenced_table.clone(),
                    referenced: fk.referenced_columns.clone(),
                    on_delete: fk.on_delete.to_string(),
                    on_update: fk.on_update.to_string(),
                    implicit_index: false,
                })
                .collect(),
            checks: t
                .checks
                .iter()
                .map(|(name, sql)| Check {
                    name: name.clone(),
                    named: pg && !name.is_empty(),
                    sql: check_body(sql),
                })
                .collect(),
            indexes: t
                .indexes
                .iter()
                .filter(|i| !i.primary && !unique_names.contains(&i.name.as_str()))
                .map(|i| Index {
                    name: i.name.clone(),
                    columns: i.columns.clone(),
                    unique: i.unique,
                    definition: Some(i.definition.clone()),
                })
                .collect(),
            comment: t.comment.clone(),
        });
    }
    let mut enums: Vec<(String, Vec<String>)> = catalog
        .enums
        .iter()
        .filter_map(|(qualified, labels)| {
            let name = qualified
                .rsplit_once('.')
                .map_or(qualified.as_str(), |(_, n)| n);
            used_enums
                .iter()
                .any(|u| u == name)
                .then(|| (name.to_string(), labels.clone()))
        })
        .collect();
    enums.sort();
    enums.dedup_by(|a, b| a.0 == b.0);
    let mut model = Model { tables, enums };
    if catalog.dialect == Dialect::Mysql {
        super::mysql_model::live(&mut model);
    }
    model
}

/// A check's condition without PostgreSQL's `CHECK (..)` wrapping and `NOT VALID` mark.
fn check_body(sql: &str) -> String {
    let sql = sql.trim();
    let sql = sql.strip_suffix("NOT VALID").unwrap_or(sql).trim();
    match sql.strip_prefix("CHECK ") {
        Some(rest) => rest.trim().to_string(),
        None => sql.to_string(),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// SQL text as compared: whitespace, parentheses, identifier quotes and `::type` casts
/// outside string literals removed, the rest lower-cased. PostgreSQL gives back a default
/// `'a'` as `'a'::text` and a check `age >= 0` as `CHECK ((age >= 0))`; both are the same
/// text here. (Rewrites beyond that, such as `IN (..)` read back as `= ANY (ARRAY[..])`,
/// are not recognized: name such checks, and they are compared by name.)
pub(super) fn normalize(sql: &str) -> String {
    const TYPE_WORDS: [&str; 4] = [
        " varying",
        " precision",
        " with time zone",
        " without time zone",
    ];
    let mut out = String::new();
    let mut rest = sql;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '\'' => {
                out.push(c);
                // Up to the closing quote; a doubled quote is part of the literal.
                loop {
                    let Some(end) = rest.find('\'') else {
                        out.push_str(rest);
                        return out;
                    };
                    out.push_str(&rest[..=end]);
                    rest = &rest[end + 1..];
                    if let Some(after) = rest.strip_prefix('\'') {
                        out.push('\'');
                        rest = after;
                    } else {
                        break;
                    }
                }
            }
            ':' if rest.starts_with(':') => {
                let end = rest[1..]
                    .find(|d: char| !(d.is_alphanumeric() || matches!(d, '_' | '"' | '.')))
                    .map_or(rest.len(), |e| e + 1);
                rest = &rest[end..];
                while let Some(word) = TYPE_WORDS.iter().find(|w| rest.starts_with(*w)) {
                    rest = &rest[word.len()..];
                }
                if let Some(after) = rest.strip_prefix("[]") {
                    rest = after;
                }
            }
            c if c.is_whitespace() || matches!(c, '(' | ')' | '"') => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    any_array_as_in(out)
}

/// PostgreSQL reads `x IN ('a', 'b')` back as `x = ANY (ARRAY['a', 'b'])` (and `NOT IN` as
/// `<> ALL (ARRAY[..])`): in normalized text, `=anyarray[..]` becomes `in..` again.
fn any_array_as_in(mut text: String) -> String {
    for (long, short) in [("=anyarray[", "in"), ("<>allarray[", "notin")] {
        while let Some(at) = text.find(long) {
            let rest = &text[at + long.len()..];
            // The closing bracket outside literals.
            let mut quoted = false;
            let close = rest.char_indices().find(|&(_, c)| {
                if c == '\'' {
                    quoted = !quoted;
                }
                c == ']' && !quoted
            });
            let Some((close, _)) = close else {
                break;
            };
            let items = rest[..close].to_string();
            let after = rest[close + 1..].to_string();
            text = format!("{}{short}{items}{after}", &text[..at]);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn read_back_defaults_and_checks_compare_equal() {
        assert_eq!(normalize("'a b'::text"), normalize("'a b'"));
        assert_eq!(normalize("((age >= 0))"), normalize("\"age\" >= 0"));
        assert_eq!(normalize("'{a}'::character varying[]"), normalize("'{a}'"));
        assert_eq!(
            normalize("'x'::character varying"),
            normalize("'x'::varchar")
        );
        assert_eq!(normalize("now()"), normalize("NOW()"));
        assert_eq!(
            normalize("((code = ANY (ARRAY['x'::text, 'y]'::text])))"),
            normalize("code IN ('x', 'y]')")
        );
        assert_eq!(
            normalize("(code <> ALL (ARRAY['x'::text]))"),
            normalize("code NOT IN ('x')")
        );
        assert_ne!(normalize("'A'"), normalize("'a'"));
        assert_ne!(normalize("'it''s'"), normalize("'it'"));
        assert_eq!(
            normalize("(a)::text = 'x' AND b > 0"),
            normalize("a = 'x' and b > 0")
        );
    }
}
