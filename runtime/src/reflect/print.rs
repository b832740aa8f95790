//! `table!` declarations printed from a reflected schema (`sqlwright print-schema`).

use super::{Catalog, ReflectedTable, RelationKind};
use crate::backend::Dialect;
use crate::types::BUILTIN_TYPES;
use std::collections::HashMap;
use std::fmt;

/// What [`print_schema`] prints.
#[derive(Clone, Debug, Default)]
pub struct PrintOptions {
    /// Only these tables (by name, or `schema.name`); empty means all.
    pub only: Vec<String>,
    /// Not these tables.
    pub except: Vec<String>,
    /// Rust types for SQL types sqlwright does not map: SQL type name (`mood`, `citext`) to
    /// the path written in the declaration (`crate::types::Mood`).
    pub map_types: Vec<(String, String)>,
}

/// The SQL types [`print_schema`] cannot map, by `table.column`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnmappedTypes(pub Vec<(String, String)>);

impl fmt::Display for UnmappedTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(first) = self.0.iter().map(|(_, t)| t.as_str()).min() else {
            return f.write_str("no column has a SQL type sqlwright does not map");
        };
        writeln!(f, "these columns have SQL types sqlwright does not map:")?;
        for (column, ty) in &self.0 {
            writeln!(f, "  {column}: {ty}")?;
        }
        write!(
            f,
            "map them to Rust SQL-type markers with --map-type, e.g. --map-type {}=crate::sql_types::MyType, or leave the tables out with --except",
            first.trim_end_matches("[]")
        )
    }
}

impl std::error::Error for UnmappedTypes {}

/// The `table!` type of a reflected SQL type name (`int4` → `Int4`, `text[]` → `Array<Text>`),
/// with its size when it has one (`varchar` of `[255]` → `Varchar(255)`).
fn declared_type(type_name: &str, size: &[u32], map: &[(String, String)]) -> Option<String> {
    if let Some((_, path)) = map.iter().find(|(sql, _)| sql == type_name) {
        return Some(path.clone());
    }
    if let Some(element) = type_name.strip_suffix("[]") {
        return declared_type(element, size, map).map(|e| format!("Array<{e}>"));
    }
    let sized = match type_name {
        "varchar" => Some("Varchar"),
        "bpchar" => Some("Char"),
        "numeric" => Some("Numeric"),
        "timestamp" => Some("Timestamp"),
        "timestamptz" => Some("Timestamptz"),
        "time" => Some("Time"),
        _ => None,
    };
    if let (Some(marker), false) = (sized, size.is_empty()) {
        let list: Vec<String> = size.iter().map(u32::to_string).collect();
        return Some(format!("{marker}({})", list.join(", ")));
    }
    if type_name == "varchar" {
        return Some("Varchar".into());
    }
    let canonical = match type_name {
        "bpchar" | "name" => "text",
        other => other,
    };
    BUILTIN_TYPES
        .iter()
        .find(|(_, sql)| *sql == canonical)
        .map(|(marker, _)| marker.to_string())
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// A Rust identifier for SQL name `name`, and whether `#[sql_name]` is needed.
pub(super) fn rust_ident(name: &str) -> (String, bool) {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        && name != "_"
        && !name.chars().any(|c| c.is_uppercase());
    if valid && !matches!(name, "self" | "super" | "crate" | "Self") {
        if RUST_KEYWORDS.contains(&name) {
            return (format!("r#{name}"), false);
        }
        return (name.to_string(), false);
    }
    let mut ident: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or('_')
            } else {
                '_'
            }
        })
        .collect();
    if ident.chars().next().is_none_or(|c| c.is_numeric()) {
        ident.insert(0, '_');
    }
    if RUST_KEYWORDS.contains(&ident.as_str())
        || matches!(ident.as_str(), "self" | "super" | "crate")
    {
        ident.push('_');
    }
    (ident, true)
}

pub(super) fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

pub(super) fn doc_lines(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        out.push_str(indent);
        out.push_str("///");
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
        out.push('\n');
    }
}

/// Prints `table!` declarations for the reflected tables: doc comments from `COMMENT ON`,
/// `#[sql_name]` where a name is not a Rust identifier, keys, unique and foreign keys,
/// defaults and checks, tables ordered so that referenced ones come first. Tables without a
/// primary key (and views) cannot be declared and are listed in a comment instead; columns
/// of types sqlwright does not map are an error naming them (see
/// [`PrintOptions::map_types`]).
pub fn print_schema(catalog: &Catalog, options: &PrintOptions) -> Result<String, UnmappedTypes> {
    let chosen = |t: &ReflectedTable| {
        let names = [t.name.clone(), format!("{}.{}", t.schema, t.name)];
        (options.only.is_empty() || options.only.iter().any(|o| names.contains(o)))
            && !options.except.iter().any(|e| names.contains(e))
    };
    let mut tables: Vec<&ReflectedTable> = catalog.tables.iter().filter(|t| chosen(t)).collect();
    let mut skipped: Vec<String> = Vec::new();
    tables.retain(|t| {
        let ok = !t.primary_key.is_empty()
            && matches!(t.kind, RelationKind::Table | RelationKind::PartitionedTable);
        if !ok {
            skipped.push(format!("{}.{}", t.schema, t.name));
        }
        ok
    });
    // Referenced tables first; a cycle is broken at the first table left.
    let mut ordered: Vec<&ReflectedTable> = Vec::with_capacity(tables.len());
    while !tables.is_empty() {
        let waits = |t: &ReflectedTable, others: &[&ReflectedTable]| {
            t.foreign_keys.iter().any(|fk| {
                !(fk.referenced_table == t.name && fk.referenced_schema == t.schema)
                    && others
                        .iter()
                        .any(|o| o.name == fk.referenced_table && o.schema == fk.referenced_schema)
            })
        };
        let pick = tables.iter().position(|t| !waits(t, &tables)).unwrap_or(0);
        ordered.push(tables.remove(pick));
    }
    let idents: HashMap<(String, String), String> = ordered
        .iter()
        .map(|t| ((t.schema.clone(), t.name.clone()), rust_ident(&t.name).0))
        .collect();

    // SQLite keeps no constraint names (nor sizes): only PostgreSQL's are printed.
    let pg = catalog.dialect == Dialect::Postgres;
    let mut unmapped = Vec::new();
    let mut out =
        String::from("// @generated by `sqlwright print-schema`.\n\nsqlwright::table! {\n");
    let (enums, map_types) = super::print_enums::declare(catalog, &ordered, &options.map_types);
    out.push_str(&enums);
    for (n, table) in ordered.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        if let Some(comment) = &table.comment {
            doc_lines(&mut out, "    ", comment);
        }
        let (ident, needs_name) = rust_ident(&table.name);
        if needs_name {
            out.push_str(&format!("    #[sql_name = \"{}\"]\n", escape(&table.name)));
        }
        if let Some(name) = &table.primary_key_name {
            if pg && !is_default_name(&table.name, &table.primary_key, "pkey", name) {
                out.push_str(&format!(
                    "    #[primary_key(name = \"{}\")]\n",
                    escape(name)
                ));
            }
        }
        for (name, columns) in table.uniques.iter().filter(|(_, c)| c.len() > 1) {
            let mut cols: Vec<String> = columns.iter().map(|c| rust_ident(c).0).collect();
            if pg && !is_default_name(&table.name, columns, "key", name) {
                cols.push(format!("name = \"{}\"", escape(name)));
            }
            out.push_str(&format!("    #[unique({})]\n", cols.join(", ")));
        }
        for (name, definition) in &table.checks {
            let expr = definition.strip_prefix("CHECK ").unwrap_or(definition);
            if !pg || is_default_check_name(&table.name, name) {
                out.push_str(&format!("    #[check = \"{}\"]\n", escape(expr)));
            } else {
                out.push_str(&format!(
                    "    #[check(\"{}\", name = \"{}\")]\n",
                    escape(expr),
                    escape(name)
                ));
            }
        }
        for index in table.indexes.iter().filter(|i| {
            !i.primary
                && !i.columns.is_empty()
                && i.columns.iter().all(|c| !c.is_empty())
                && !table.uniques.iter().any(|(name, _)| *name == i.name)
        }) {
            let mut cols: Vec<String> = index.columns.iter().map(|c| rust_ident(c).0).collect();
            if index.unique {
                cols.push("unique".into());
            }
            out.push_str(&format!("    #[index({})]\n", cols.join(", ")));
        }
        let mut used_paths: Vec<String> = Vec::new();
        for fk in table.foreign_keys.iter().filter(|fk| fk.columns.len() > 1) {
            let list = |names: &[String]| {
                names
                    .iter()
                    .map(|c| rust_ident(c).0)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let target = idents
                .get(&(fk.referenced_schema.clone(), fk.referenced_table.clone()))
                .cloned()
                .unwrap_or_else(|| rust_ident(&fk.referenced_table).0);
            let mut attr = format!(
                "    #[foreign_key(({}) -> {target} ({})",
                list(&fk.columns),
                list(&fk.referenced_columns)
            );
            // The join path is `to_<table>` unless a column, a single-column path
            // (`to_x_id` gives `to_x`) or an earlier key of this table has that name.
            let default = format!("to_{}", target.trim_start_matches("r#"));
            let taken = |name: &str| {
                used_paths.iter().any(|u| u == name)
                    || table.columns.iter().any(|c| {
                        let c = rust_ident(&c.name).0;
                        c == name || c.strip_suffix("_id") == Some(name)
                    })
            };
            let mut path = default.clone();
            if taken(&path) {
                path = format!("{default}_{}", list(&fk.columns).replace(", ", "_"));
                attr.push_str(&format!(", name = {path}"));
            }
            used_paths.push(path);
            if pg && !is_default_name(&table.name, &fk.columns, "fkey", &fk.name) {
                attr.push_str(&format!(", constraint = \"{}\"", escape(&fk.name)));
            }
            for (word, action) in [("on_delete", fk.on_delete), ("on_update", fk.on_update)] {
                if action != "NO ACTION" {
                    attr.push_str(&format!(
                        ", {word} = {}",
                        action.to_ascii_lowercase().replace(' ', "_")
                    ));
                }
            }
            attr.push_str(")]\n");
            out.push_str(&attr);
        }
        let key: Vec<String> = table.primary_key.iter().map(|c| rust_ident(c).0).collect();
        out.push_str(&format!("    {ident} ({}) {{\n", key.join(", ")));
        for column in &table.columns {
            if let Some(comment) = &column.comment {
                doc_lines(&mut out, "        ", comment);
            }
            let (cident, needs_name) = rust_ident(&column.name);
            let mut attrs = Vec::new();
            if needs_name {
                attrs.push(format!("#[sql_name = \"{}\"]", escape(&column.name)));
            }
            if column.serial {
                attrs.push("#[serial]".into());
            } else if let Some(default) = &column.default {
                attrs.push(format!("#[default = \"{}\"]", escape(default)));
            }
            if let Some((name, columns)) = table
                .uniques
                .iter()
                .find(|(_, c)| c.len() == 1 && c[0] == column.name)
            {
                if !pg || is_default_name(&table.name, columns, "key", name) {
                    attrs.push("#[unique]".into());
                } else {
                    attrs.push(format!("#[unique(name = \"{}\")]", escape(name)));
                }
            }
            if let Some(fk) = table
                .foreign_keys
                .iter()
                .find(|fk| fk.columns.len() == 1 && fk.columns[0] == column.name)
            {
                let target = idents
                    .get(&(fk.referenced_schema.clone(), fk.referenced_table.clone()))
                    .cloned()
                    .unwrap_or_else(|| rust_ident(&fk.referenced_table).0);
                let mut r = format!(
                    "#[references({target}::{}",
                    rust_ident(&fk.referenced_columns[0]).0
                );
                if pg && !is_default_name(&table.name, &fk.columns, "fkey", &fk.name) {
                    r.push_str(&format!(", constraint = \"{}\"", escape(&fk.name)));
                }
                for (word, action) in [("on_delete", fk.on_delete), ("on_update", fk.on_update)] {
                    if action != "NO ACTION" {
                        r.push_str(&format!(
                            ", {word} = {}",
                            action.to_ascii_lowercase().replace(' ', "_")
                        ));
                    }
                }
                r.push_str(")]");
                attrs.push(r);
            }
            // SQLite keeps no sizes: a declared `VARCHAR(40)` is `Varchar` there.
            let size = if pg { column.size() } else { Vec::new() };
            let Some(ty) = declared_type(&column.type_name, &size, &map_types) else {
                unmapped.push((
                    format!("{}.{}", table.name, column.name),
                    column.type_name.clone(),
                ));
                continue;
            };
            let ty = if column.nullable {
                format!("Nullable<{ty}>")
            } else {
                ty
            };
            out.push_str("        ");
            for attr in &attrs {
                out.push_str(attr);
                out.push(' ');
            }
            out.push_str(&format!("{cident} -> {ty},\n"));
        }
        out.push_str("    }\n");
    }
    out.push_str("}\n");
    if !skipped.is_empty() {
        out.push_str(&format!(
            "\n// Not declared (views, or tables without a primary key): {}\n",
            skipped.join(", ")
        ));
    }
    if unmapped.is_empty() {
        Ok(out)
    } else {
        Err(UnmappedTypes(unmapped))
    }
}

/// Whether `name` is the name PostgreSQL gives a constraint of `columns` when the
/// declaration names none (`users_email_key`, `users_pkey`, `posts_user_id_fkey`, or one of
/// them with a number after it): such a name is not printed, so the declaration stays short.
fn is_default_name(table: &str, columns: &[String], label: &str, name: &str) -> bool {
    let joined = if label == "pkey" {
        String::new()
    } else {
        columns.join("_")
    };
    let base = crate::ddl::object_name(table, &joined, label, &mut Vec::new());
    name.strip_prefix(base.as_str())
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit()))
}

/// Whether a check constraint's name is one PostgreSQL chose (`table_..._check`, maybe
/// numbered); SQLite's unnamed checks have an empty name.
fn is_default_check_name(table: &str, name: &str) -> bool {
    name.is_empty()
        || name.starts_with(&format!("{table}_"))
            && name
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .ends_with("_check")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unmapped_types_display_with_none_and_with_some() {
        let none = UnmappedTypes(vec![]).to_string();
        assert_eq!(none, "no column has a SQL type sqlwright does not map");
        let some = UnmappedTypes(vec![
            ("t.a".into(), "mood[]".into()),
            ("t.b".into(), "citext".into()),
        ])
        .to_string();
        assert!(some.contains("  t.a: mood[]"), "{some}");
        assert!(some.contains("--map-type citext="), "{some}");
    }
}
