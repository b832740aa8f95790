//! `table!` declarations read from Rust source files, as the runtime's [`TableMeta`], so
//! `verify-schema` compares them with the database exactly as `sqlwright::verify_schema`
//! does in a program.
//!
//! The declarations are parsed by `sqlwright-schema`, the same parser the `table!` macro
//! uses. The metadata is leaked to get the `'static` lifetime `TableMeta` has: the command
//! reads a handful of files once and exits.

use sqlwright::query::{
    CheckMeta, ColumnMeta, CompositeKeyMeta, ForeignKeyMeta, IndexMeta, TableMeta, UniqueMeta,
};
use sqlwright::types::{EnumMeta, BUILTIN_TYPES};
use sqlwright_schema::{Schema, SqlEnum, Table};
use std::path::PathBuf;

fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn leak_slice<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

/// The tables declared in `files`, in order.
pub fn read_files(
    files: &[PathBuf],
    map_types: &[(String, String)],
) -> Result<Vec<TableMeta>, String> {
    let (mut tables, mut enums) = (Vec::new(), Vec::new());
    for path in files {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let file = syn::parse_file(&text)
            .map_err(|e| format!("{}: not Rust source: {e}", path.display()))?;
        collect(&file.items, &mut tables, &mut enums)
            .map_err(|e| format!("{}: in a `table!` declaration: {e}", path.display()))?;
    }
    if tables.is_empty() {
        return Err("no `table!` declarations found in the given files".into());
    }
    let enums: Vec<(String, &'static EnumMeta)> = enums
        .into_iter()
        .map(|e: SqlEnum| {
            let labels = leak_slice(e.labels.into_iter().map(leak).collect());
            let meta = Box::leak(Box::new(EnumMeta {
                sql_name: leak(e.sql_name),
                labels,
            }));
            (e.name.to_string(), &*meta)
        })
        .collect();
    let types = Types {
        map: map_types,
        enums: &enums,
    };
    tables.iter().map(|t| meta(t, &tables, &types)).collect()
}

/// How declared column types are named in SQL: `--map-type` pairs, and the enum types
/// declared in the files (Rust name, type).
struct Types<'a> {
    map: &'a [(String, String)],
    enums: &'a [(String, &'static EnumMeta)],
}

/// Finds `table!` invocations among `items`, in inline modules too.
fn collect(items: &[syn::Item], out: &mut Vec<Table>, enums: &mut Vec<SqlEnum>) -> syn::Result<()> {
    for item in items {
        match item {
            syn::Item::Macro(m)
                if m.mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "table") =>
            {
                let schema: Schema = m.mac.parse_body()?;
                out.extend(schema.tables);
                enums.extend(schema.enums);
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    collect(items, out, enums)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A declared column type: its PostgreSQL name, whether it is `Nullable<..>`, and the
/// enum type declared in the files that it is (or is an array of).
type ColumnType = (String, bool, Option<&'static EnumMeta>);

/// The PostgreSQL name of a declared column type, and whether it is `Nullable<..>`.
fn sql_type(ty: &syn::Type, types: &Types<'_>) -> Result<ColumnType, String> {
    let map = types.map;
    let shown = || quote_type(ty);
    let syn::Type::Path(path) = ty else {
        return Err(format!("`{}` is not an SQL type marker", shown()));
    };
    let last = path.path.segments.last().ok_or_else(shown)?;
    let inner = || match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        }),
        _ => None,
    };
    let marker = last.ident.to_string();
    match marker.as_str() {
        "Nullable" => {
            let (name, _, e) = sql_type(inner().ok_or_else(shown)?, types)?;
            return Ok((name, true, e));
        }
        "Array" => {
            let (name, _, e) = sql_type(inner().ok_or_else(shown)?, types)?;
            return Ok((format!("{name}[]"), false, e));
        }
        "Varchar" | "Char" => return Ok(("text".into(), false, None)),
        _ => {}
    }
    let written = shown();
    if let Some((_, sql)) = BUILTIN_TYPES.iter().find(|(name, _)| *name == marker) {
        return Ok((sql.to_string(), false, None));
    }
    if let Some((_, e)) = types.enums.iter().find(|(rust, _)| *rust == marker) {
        return Ok((e.sql_name.to_string(), false, Some(*e)));
    }
    map.iter()
        .find(|(_, rust)| *rust == written || *rust == marker)
        .map(|(sql, _)| (sql.clone(), false, None))
        .ok_or_else(|| {
            format!(
                "column type `{written}` is not a built-in SQL type; name its SQL type with --map-type SQLNAME={written}"
            )
        })
}

/// A type as written, without the spaces token printing adds (`crate::Mood`, `Array<Text>`).
fn quote_type(ty: &syn::Type) -> String {
    quote::ToTokens::to_token_stream(ty)
        .to_string()
        .split_whitespace()
        .collect()
}

fn check_meta(check: &sqlwright_schema::Check) -> CheckMeta {
    CheckMeta {
        sql: leak(check.sql.clone()),
        name: check.name.clone().map(leak),
    }
}

fn meta(table: &Table, all: &[Table], types: &Types<'_>) -> Result<TableMeta, String> {
    let sql_name_of = |ident: &syn::Ident| {
        table
            .column(ident)
            .map_or_else(|| ident.to_string(), |c| c.sql_name.clone())
    };
    let mut columns = Vec::with_capacity(table.columns.len());
    for c in &table.columns {
        let (sql, nullable, enum_type) = sql_type(&c.ty, types)
            .map_err(|e| format!("{}.{}: {e}", table.sql_name, c.sql_name))?;
        let references = c.references.as_ref().map(|r| {
            let segments: Vec<String> = r
                .column
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let (target, column) = match segments.as_slice() {
                [.., t, c] => (t.clone(), c.clone()),
                _ => (String::new(), segments.join("::")),
            };
            let target_table = all.iter().find(|t| t.name == target.as_str());
            let column_sql = target_table
                .and_then(|t| t.columns.iter().find(|x| x.name == column.as_str()))
                .map_or(column, |x| x.sql_name.clone());
            ForeignKeyMeta {
                table: leak(target_table.map_or(target, |t| t.sql_name.clone())),
                column: leak(column_sql),
                constraint: r.constraint.clone().map(leak),
                on_delete: r.on_delete.sql(),
                on_update: r.on_update.sql(),
            }
        });
        columns.push(ColumnMeta {
            name: leak(c.name.to_string()),
            sql_name: leak(c.sql_name.clone()),
            sql_type: leak(sql),
            enum_type,
            sized_type: c.sized_type.clone().map(leak),
            nullable,
            primary_key: table.primary_key.contains(&c.name),
            serial: c.serial,
            unique: c.unique,
            unique_name: c.unique_name.clone().map(leak),
            default: c.default.clone().map(leak),
            check: c.check.as_ref().map(check_meta),
            references,
            doc: leak(sqlwright_schema::doc_text(&c.docs)),
            renamed_from: c.renamed_from.clone().map(leak),
        });
    }
    Ok(TableMeta {
        name: leak(table.name.to_string()),
        sql_name: leak(table.sql_name.clone()),
        columns: leak_slice(columns),
        primary_key: leak_slice(
            table
                .primary_key
                .iter()
                .map(|k| leak(sql_name_of(k)))
                .collect(),
        ),
        primary_key_name: table.primary_key_name.clone().map(leak),
        uniques: leak_slice(
            table
                .uniques
                .iter()
                .map(|u| UniqueMeta {
                    columns: leak_slice(u.columns.iter().map(|k| leak(sql_name_of(k))).collect()),
                    name: u.name.clone().map(leak),
                })
                .collect(),
        ),
        checks: leak_slice(table.checks.iter().map(check_meta).collect()),
        indexes: leak_slice(
            table
                .indexes
                .iter()
                .map(|(cols, unique)| IndexMeta {
                    columns: leak_slice(cols.iter().map(|k| leak(sql_name_of(k))).collect()),
                    unique: *unique,
                })
                .collect(),
        ),
        foreign_keys: leak_slice(
            table
                .foreign_keys
                .iter()
                .map(|fk| {
                    let target = fk.target.segments.last().map(|s| s.ident.to_string());
                    let target_table = all.iter().find(|t| Some(t.name.to_string()) == target);
                    let referenced = fk.referenced.iter().map(|r| {
                        target_table
                            .and_then(|t| t.column(r))
                            .map_or_else(|| r.to_string(), |c| c.sql_name.clone())
                    });
                    CompositeKeyMeta {
                        name: leak(fk.name.to_string()),
                        columns: leak_slice(
                            fk.columns.iter().map(|c| leak(sql_name_of(c))).collect(),
                        ),
                        table: leak(
                            target_table
                                .map_or_else(|| target.unwrap_or_default(), |t| t.sql_name.clone()),
                        ),
                        referenced: leak_slice(referenced.map(leak).collect()),
                        constraint: fk.constraint.clone().map(leak),
                        on_delete: fk.on_delete.sql(),
                        on_update: fk.on_update.sql(),
                    }
                })
                .collect(),
        ),
        doc: leak(sqlwright_schema::doc_text(&table.docs)),
        renamed_from: table.renamed_from.clone().map(leak),
    })
}
