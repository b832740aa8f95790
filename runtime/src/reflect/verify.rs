//! Drift between `table!` declarations and a reflected schema.

use super::{Catalog, ReflectOptions, ReflectedColumn, Reflects, RelationKind};
use crate::backend::Dialect;
use crate::engine::runner::Work;
use crate::engine::{Blocking, Connection, Error, Ran, Runner};
use crate::query::TableMeta;
use std::fmt;

/// One difference between a `table!` declaration and the live database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Drift {
    /// The declared table does not exist.
    MissingTable {
        /// The table.
        table: String,
    },
    /// The declared column does not exist.
    MissingColumn {
        /// `table.column`.
        column: String,
    },
    /// The database has a column the declaration lacks (harmless for reads; inserts
    /// without it need a default).
    UndeclaredColumn {
        /// `table.column`.
        column: String,
        /// Whether the database can fill it on insert (nullable or with a default).
        has_default: bool,
    },
    /// The column's type differs.
    Type {
        /// `table.column`.
        column: String,
        /// The declared SQL type.
        declared: String,
        /// The type in the database.
        actual: String,
    },
    /// The column's nullability differs.
    Nullability {
        /// `table.column`.
        column: String,
        /// Whether the declaration allows NULL.
        declared_nullable: bool,
    },
    /// The primary key differs.
    PrimaryKey {
        /// The table.
        table: String,
        /// Declared key columns.
        declared: Vec<String>,
        /// Key columns in the database.
        actual: Vec<String>,
    },
    /// An enum type's labels differ (in which labels, or in their order, which is the
    /// type's sort order).
    EnumLabels {
        /// The type's SQL name.
        sql_type: String,
        /// The declared labels.
        declared: Vec<String>,
        /// The labels in the database.
        actual: Vec<String>,
    },
    /// A constraint the declaration names has another name in the database, or none
    /// (compared on PostgreSQL; SQLite keeps no constraint names).
    ConstraintName {
        /// The table.
        table: String,
        /// Which constraint: `primary key (id)`, `unique (email)`, `foreign key (user_id)`,
        /// `check`.
        constraint: String,
        /// The declared name.
        declared: String,
        /// The name in the database; `None` when it has no such constraint.
        actual: Option<String>,
    },
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drift::MissingTable { table } => {
                write!(f, "{table}: declared, but the database has no such table")
            }
            Drift::MissingColumn { column } => {
                write!(f, "{column}: declared, but the database has no such column")
            }
            Drift::UndeclaredColumn {
                column,
                has_default,
            } => write!(
                f,
                "{column}: in the database, not declared{}",
                if *has_default {
                    ""
                } else {
                    " (NOT NULL without a default: inserts through the declaration will fail)"
                }
            ),
            Drift::Type {
                column,
                declared,
                actual,
            } => {
                write!(
                    f,
                    "{column}: declared {declared}, the database has {actual}"
                )
            }
            Drift::Nullability {
                column,
                declared_nullable,
            } => {
                if *declared_nullable {
                    write!(f, "{column}: declared Nullable, the database has NOT NULL")
                } else {
                    write!(f, "{column}: declared NOT NULL, the database allows NULL (loads of NULL will fail; declare Nullable<..>)")
                }
            }
            Drift::PrimaryKey {
                table,
                declared,
                actual,
            } => write!(
                f,
                "{table}: declared primary key ({}), the database has ({})",
                declared.join(", "),
                actual.join(", ")
            ),
            Drift::EnumLabels {
                sql_type,
                declared,
                actual,
            } => {
                let missing: Vec<&str> = declared
                    .iter()
                    .filter(|l| !actual.contains(l))
                    .map(String::as_str)
                    .collect();
                let extra: Vec<&str> = actual
                    .iter()
                    .filter(|l| !declared.contains(l))
                    .map(String::as_str)
                    .collect();
                write!(
                    f,
                    "enum {sql_type}: declared ({}), the database has ({})",
                    declared.join(", "),
                    actual.join(", ")
                )?;
                if !extra.is_empty() {
                    write!(f, "; not declared: {}", extra.join(", "))?;
                }
                if !missing.is_empty() {
                    write!(f, "; not in the database: {}", missing.join(", "))?;
                }
                if extra.is_empty() && missing.is_empty() {
                    f.write_str("; the same labels in another order (the sort order differs)")?;
                }
                Ok(())
            }
            Drift::ConstraintName {
                table,
                constraint,
                declared,
                actual: Some(actual),
            } => write!(
                f,
                "{table}: {constraint} is declared \"{declared}\", the database names it \"{actual}\""
            ),
            Drift::ConstraintName {
                table,
                constraint,
                declared,
                actual: None,
            } => write!(
                f,
                "{table}: {constraint} \"{declared}\" is declared, the database has no such constraint"
            ),
        }
    }
}

/// Whether a declared SQL type name (`text`, `int4[]`) holds the values of a reflected one.
///
/// On SQLite the declared type is compared by the storage sqlwright declares it with
/// (`int4` and `bool` are `INTEGER`, `date` and `numeric` are `TEXT`, ...): SQLite's
/// types do not keep the difference (see docs/design.md, "Reflection on SQLite").
fn same_type(dialect: Dialect, declared: &str, actual: &ReflectedColumn) -> bool {
    if dialect == Dialect::Sqlite {
        return crate::ddl::sqlite_type(declared) == storage(&actual.type_name);
    }
    let text_like = |t: &str| matches!(t, "text" | "varchar" | "bpchar" | "name");
    // MySQL keeps one date-time type for both, and one JSON type.
    let declared = match declared {
        "timestamptz" if dialect == Dialect::Mysql => "timestamp",
        "jsonb" if dialect == Dialect::Mysql => "json",
        other => other,
    };
    let (d, a) = (declared, actual.type_name.as_str());
    if d == a {
        return true;
    }
    match (d.strip_suffix("[]"), a.strip_suffix("[]")) {
        (Some(d), Some(a)) => d == a || (text_like(d) && text_like(a)),
        (None, None) => text_like(d) && text_like(a),
        _ => false,
    }
}

/// The storage of a type [`reflect`] recovered on SQLite, as sqlwright declares it:
/// `INTEGER`, `REAL`, `TEXT`, `BLOB`, or `ANY` (a column declared without a type, and
/// arrays).
fn storage(type_name: &str) -> &'static str {
    match type_name {
        "any" => "ANY",
        other => crate::ddl::sqlite_type(other),
    }
}

/// Compares `table!` declarations with the live database (PostgreSQL, MySQL or SQLite): every
/// difference, by `table.column`, table by table (empty when they agree); a future of it
/// on an async connection.
pub fn verify_schema<'c, C>(conn: &'c mut C, tables: &'c [&'c TableMeta]) -> Ran<'c, C, Vec<Drift>>
where
    C: Runner + ?Sized,
    C::Backend: Reflects,
    Verify<'c>: Work<'c, C::Backend, C::Mode, Output = Vec<Drift>>,
{
    Verify(tables).run(conn.__connection())
}

/// A run of [`verify_schema`] in either mode.
#[doc(hidden)]
pub struct Verify<'t>(&'t [&'t TableMeta]);

impl<'c, B: Reflects> Work<'c, B, Blocking> for Verify<'c> {
    type Output = Vec<Drift>;
    fn run(self, conn: &'c mut Connection<B>) -> Result<Vec<Drift>, Error> {
        let catalog = B::reflect_schema(conn, &ReflectOptions::default())?;
        Ok(compare(&catalog, self.0))
    }
}

#[cfg(feature = "tokio")]
impl<'c> Work<'c, crate::Postgres, crate::engine::Async> for Verify<'c> {
    type Output = Vec<Drift>;
    fn run(
        self,
        conn: &'c mut Connection<crate::Postgres>,
    ) -> crate::engine::BoxFuture<'c, Result<Vec<Drift>, Error>> {
        let reflect = super::Reflect(&super::EVERY_SCHEMA);
        self.compare_with(Work::<'c, crate::Postgres, crate::engine::Async>::run(
            reflect, conn,
        ))
    }
}

#[cfg(all(feature = "tokio", feature = "mysql"))]
impl<'c> Work<'c, crate::Mysql, crate::engine::Async> for Verify<'c> {
    type Output = Vec<Drift>;
    fn run(
        self,
        conn: &'c mut Connection<crate::Mysql>,
    ) -> crate::engine::BoxFuture<'c, Result<Vec<Drift>, Error>> {
        let reflect = super::Reflect(&super::EVERY_SCHEMA);
        self.compare_with(Work::<'c, crate::Mysql, crate::engine::Async>::run(
            reflect, conn,
        ))
    }
}

#[cfg(feature = "tokio")]
impl<'c> Verify<'c> {
    /// The async run on each server: its async reflection, then [`compare`]. (One generic
    /// impl would overlap async SQLite's, which runs every blocking `Work` in place.)
    fn compare_with(
        self,
        reflected: crate::engine::BoxFuture<'c, Result<Catalog, Error>>,
    ) -> crate::engine::BoxFuture<'c, Result<Vec<Drift>, Error>> {
        Box::pin(async move { Ok(compare(&reflected.await?, self.0)) })
    }
}

/// The differences between `tables` and a reflected catalog.
pub fn compare(catalog: &Catalog, tables: &[&TableMeta]) -> Vec<Drift> {
    let mut out = enum_drift(catalog, tables);
    for meta in tables {
        let Ok(live) = catalog.table(meta.sql_name) else {
            out.push(Drift::MissingTable {
                table: meta.sql_name.to_string(),
            });
            continue;
        };
        for column in meta.columns {
            let name = format!("{}.{}", meta.sql_name, column.sql_name);
            let Some(actual) = live.columns.iter().find(|c| c.name == column.sql_name) else {
                out.push(Drift::MissingColumn { column: name });
                continue;
            };
            let sized = column
                .sized_type
                .filter(|_| catalog.dialect == Dialect::Postgres);
            if !type_agrees(catalog.dialect, column, actual) {
                out.push(Drift::Type {
                    column: name.clone(),
                    declared: sized.unwrap_or(column.sql_type).to_string(),
                    actual: actual.sql_type.clone(),
                });
            }
            if catalog.dialect == Dialect::Mysql {
                mysql_enum_labels(catalog, column, actual, &mut out);
            }
            if column.nullable != actual.nullable {
                out.push(Drift::Nullability {
                    column: name,
                    declared_nullable: column.nullable,
                });
            }
        }
        for actual in &live.columns {
            if meta.column(&actual.name).is_none() {
                out.push(Drift::UndeclaredColumn {
                    column: format!("{}.{}", meta.sql_name, actual.name),
                    has_default: actual.nullable || actual.default.is_some() || actual.serial,
                });
            }
        }
        let declared: Vec<String> = meta.primary_key.iter().map(|s| s.to_string()).collect();
        if live.kind != RelationKind::View && declared != live.primary_key {
            out.push(Drift::PrimaryKey {
                table: meta.sql_name.to_string(),
                declared,
                actual: live.primary_key.clone(),
            });
        }
        if catalog.dialect == Dialect::Postgres {
            constraint_names(meta, live, &mut out);
        }
    }
    out
}

/// On MySQL an enum column is an inline `ENUM(..)`: its labels are compared with the
/// declared type's, per column.
fn mysql_enum_labels(
    catalog: &Catalog,
    column: &crate::query::ColumnMeta,
    actual: &ReflectedColumn,
    out: &mut Vec<Drift>,
) {
    let Some(e) = column.enum_type.filter(|_| actual.is_enum) else {
        return;
    };
    let key = format!("{}.{}", actual.type_schema, actual.type_name);
    let Some(live) = catalog.enums.get(&key) else {
        return;
    };
    if !live.iter().map(String::as_str).eq(e.labels.iter().copied()) {
        out.push(Drift::EnumLabels {
            sql_type: e.sql_name.to_string(),
            declared: e.labels.iter().map(|l| l.to_string()).collect(),
            actual: live.clone(),
        });
    }
}

/// Whether a declared column's type is the live column's, by the rules of [`compare`]
/// (sizes compared on PostgreSQL when declared; storage classes on SQLite). Migration
/// autogenerate uses it so that the type changes it writes are the ones `compare` reports.
pub(crate) fn type_agrees(
    dialect: Dialect,
    column: &crate::query::ColumnMeta,
    actual: &ReflectedColumn,
) -> bool {
    if dialect == Dialect::Mysql && column.enum_type.is_some() {
        // An inline ENUM: its labels are compared by `compare` (`Drift::EnumLabels`).
        return actual.is_enum;
    }
    // An unsigned type is its signed storage on PostgreSQL (`uint4` is `int8`).
    let unsigned = crate::types::unsigned::pg_storage(column.sql_type);
    match column
        .sized_type
        .or(unsigned)
        .filter(|_| dialect == Dialect::Postgres)
    {
        Some(sized) => same_sized_type(sized, actual),
        None => same_type(dialect, column.sql_type, actual),
    }
}

/// The enum types the declared columns use whose labels differ from the database's type of
/// that name (in any schema: the first in schema order). A type missing from the database
/// shows as its columns' type drift.
fn enum_drift(catalog: &Catalog, tables: &[&TableMeta]) -> Vec<Drift> {
    let mut found: Vec<(&String, &Vec<String>)> = catalog
        .enums
        .iter()
        .filter(|(name, _)| {
            tables
                .iter()
                .flat_map(|t| t.columns)
                .filter_map(|c| c.enum_type)
                .any(|e| name.rsplit_once('.').is_some_and(|(_, n)| n == e.sql_name))
        })
        .collect();
    found.sort();
    let mut out = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for e in tables
        .iter()
        .flat_map(|t| t.columns)
        .filter_map(|c| c.enum_type)
    {
        if seen.contains(&e.sql_name) {
            continue;
        }
        seen.push(e.sql_name);
        let live = found
            .iter()
            .find(|(name, _)| name.rsplit_once('.').is_some_and(|(_, n)| n == e.sql_name));
        if let Some((_, actual)) = live {
            if !actual
                .iter()
                .map(String::as_str)
                .eq(e.labels.iter().copied())
            {
                out.push(Drift::EnumLabels {
                    sql_type: e.sql_name.to_string(),
                    declared: e.labels.iter().map(|l| l.to_string()).collect(),
                    actual: actual.to_vec(),
                });
            }
        }
    }
    out
}

/// Whether a declared sized type (`varchar(255)`, `numeric(12,2)`, `char(3)[]`) is the
/// reflected one, size included.
fn same_sized_type(declared: &str, actual: &ReflectedColumn) -> bool {
    let (base, rest) = declared.split_once('(').unwrap_or((declared, ""));
    let array = if rest.ends_with("[]") { "[]" } else { "" };
    let base = match base {
        "char" => "bpchar",
        other => other,
    };
    let size: Vec<u32> = rest
        .split(')')
        .next()
        .unwrap_or("")
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    actual.type_name == format!("{base}{array}") && actual.size() == size
}

/// The constraints `meta` names, compared by name with the live table's.
fn constraint_names(meta: &TableMeta, live: &super::ReflectedTable, out: &mut Vec<Drift>) {
    let mut check = |constraint: String, declared: Option<&str>, actual: Option<&str>| {
        if let Some(declared) = declared {
            if actual != Some(declared) {
                out.push(Drift::ConstraintName {
                    table: meta.sql_name.to_string(),
                    constraint,
                    declared: declared.to_string(),
                    actual: actual.map(str::to_string),
                });
            }
        }
    };
    let list = |columns: &[&str]| format!("({})", columns.join(", "));
    let same = |a: &[String], b: &[&str]| a.iter().map(String::as_str).eq(b.iter().copied());
    check(
        format!("primary key {}", list(meta.primary_key)),
        meta.primary_key_name,
        live.primary_key_name.as_deref(),
    );
    let unique_named = |columns: &[&str]| {
        live.uniques
            .iter()
            .find(|(_, c)| same(c, columns))
            .map(|(n, _)| n.as_str())
    };
    let fk_named = |columns: &[&str]| {
        live.foreign_keys
            .iter()
            .find(|fk| same(&fk.columns, columns))
            .map(|fk| fk.name.as_str())
    };
    let check_named = |name: Option<&str>| {
        live.checks
            .iter()
            .find(|(n, _)| Some(n.as_str()) == name)
            .map(|(n, _)| n.as_str())
    };
    for c in meta.columns {
        let one = std::slice::from_ref(&c.sql_name);
        check(
            format!("unique {}", list(one)),
            c.unique_name,
            unique_named(one),
        );
        if let Some(fk) = &c.references {
            check(
                format!("foreign key {}", list(one)),
                fk.constraint,
                fk_named(one),
            );
        }
        if let Some(k) = c.check {
            check(
                format!("check on {}", c.sql_name),
                k.name,
                check_named(k.name),
            );
        }
    }
    for u in meta.uniques {
        check(
            format!("unique {}", list(u.columns)),
            u.name,
            unique_named(u.columns),
        );
    }
    for fk in meta.foreign_keys {
        check(
            format!("foreign key {}", list(fk.columns)),
            fk.constraint,
            fk_named(fk.columns),
        );
    }
    for k in meta.checks {
        check("check".to_string(), k.name, check_named(k.name));
    }
}
