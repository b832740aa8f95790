//! Reading an existing database's schema at run time (SQLAlchemy's `MetaData.reflect`), and
//! comparing it with `table!` declarations ([`verify_schema`]).
//!
//! [`reflect`] reads schemas, tables, views, columns (type with length/precision,
//! nullability, default, identity/serial, comment), primary keys, unique constraints,
//! foreign keys with their actions, indexes and check constraints from `pg_catalog`, in four
//! statements however many tables there are.
//!
//! ```no_run
//! # fn demo(conn: &mut sqlwright::Connection) -> Result<(), sqlwright::Error> {
//! let catalog = sqlwright::reflect::reflect(conn, &sqlwright::reflect::ReflectOptions::default())?;
//! for table in &catalog.tables {
//!     println!("{}.{}: {} columns", table.schema, table.name, table.columns.len());
//! }
//! let users = catalog.table("users")?; // an error naming the table when there is none
//! # Ok(()) }
//! ```

use crate::engine::{Error, Executor};
use crate::query::TableMeta;
use crate::raw;
use crate::types::{Array, Int8, Text, BUILTIN_TYPES};
use std::collections::HashMap;
use std::fmt;

/// What to reflect.
#[derive(Clone, Debug, Default)]
pub struct ReflectOptions {
    /// The schemas to read; empty means every schema except PostgreSQL's own
    /// (`pg_catalog`, `information_schema`, `pg_toast`, ...).
    pub schemas: Vec<String>,
}

/// The kind of a relation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelationKind {
    /// An ordinary table.
    Table,
    /// A partitioned table.
    PartitionedTable,
    /// A view.
    View,
    /// A materialized view.
    MaterializedView,
    /// A foreign table.
    ForeignTable,
}

/// Everything reflected.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// Tables and views, ordered by schema and name.
    pub tables: Vec<ReflectedTable>,
    /// Enum types, by `schema.name`: their labels in order.
    pub enums: HashMap<String, Vec<String>>,
}

/// A reflected table or view.
#[derive(Clone, Debug)]
pub struct ReflectedTable {
    /// Its schema.
    pub schema: String,
    /// Its name.
    pub name: String,
    /// Table, view, ...
    pub kind: RelationKind,
    /// `COMMENT ON TABLE`, if any.
    pub comment: Option<String>,
    /// Columns in order.
    pub columns: Vec<ReflectedColumn>,
    /// Primary-key column names, in key order (empty when there is none).
    pub primary_key: Vec<String>,
    /// Unique constraints: name and columns.
    pub uniques: Vec<(String, Vec<String>)>,
    /// Foreign keys.
    pub foreign_keys: Vec<ReflectedForeignKey>,
    /// Indexes (including those behind primary keys and unique constraints).
    pub indexes: Vec<ReflectedIndex>,
    /// Check constraints: name and definition (`CHECK ((age >= 0))`).
    pub checks: Vec<(String, String)>,
}

/// A reflected column.
#[derive(Clone, Debug)]
pub struct ReflectedColumn {
    /// Its name.
    pub name: String,
    /// The type as PostgreSQL writes it, with length or precision: `character varying(255)`,
    /// `numeric(15,2)`, `integer[]`.
    pub sql_type: String,
    /// The type's short name: `varchar`, `numeric`, `int4`; for an array, the element's
    /// with `[]` (`int4[]`).
    pub type_name: String,
    /// The type's schema (`pg_catalog` for built-in types).
    pub type_schema: String,
    /// The type's OID (for an array, the array type's).
    pub type_oid: u32,
    /// Whether the type is an enum.
    pub is_enum: bool,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// The default expression, if any.
    pub default: Option<String>,
    /// `GENERATED ALWAYS`/`BY DEFAULT AS IDENTITY`, or a `serial` (default from a sequence).
    pub serial: bool,
    /// `COMMENT ON COLUMN`, if any.
    pub comment: Option<String>,
}

/// A reflected foreign key.
#[derive(Clone, Debug)]
pub struct ReflectedForeignKey {
    /// The constraint's name.
    pub name: String,
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table's schema.
    pub referenced_schema: String,
    /// The referenced table.
    pub referenced_table: String,
    /// The referenced columns.
    pub referenced_columns: Vec<String>,
    /// `ON DELETE` as SQL: `NO ACTION`, `RESTRICT`, `CASCADE`, `SET NULL`, `SET DEFAULT`.
    pub on_delete: &'static str,
    /// `ON UPDATE`.
    pub on_update: &'static str,
}

/// A reflected index.
#[derive(Clone, Debug)]
pub struct ReflectedIndex {
    /// Its name.
    pub name: String,
    /// Its columns (empty entries for expressions).
    pub columns: Vec<String>,
    /// Whether it is unique.
    pub unique: bool,
    /// Whether it backs the primary key.
    pub primary: bool,
    /// Its definition (`CREATE UNIQUE INDEX ...`).
    pub definition: String,
}

impl Catalog {
    /// The table or view `name` in `schema`, both exactly as spelled (dots included), or
    /// [`Error::Misuse`] naming them.
    pub fn table_in(&self, schema: &str, name: &str) -> Result<&ReflectedTable, Error> {
        self.tables
            .iter()
            .find(|t| t.schema == schema && t.name == name)
            .ok_or_else(|| {
                Error::Misuse(format!(
                    "no table or view `{name}` in schema `{schema}` among the reflected ones"
                ))
            })
    }

    /// The table or view named `name` (`"schema.name"` or just `"name"`), or
    /// [`Error::Misuse`] naming it.
    ///
    /// Names may hold dots: `name` is read as a whole table name (in any schema) and as
    /// `schema.table` split at each of its dots, and the one table found by any reading is
    /// the answer (`"a.b"` finds table `"a.b"` in `public`, and `"public.a.b"` too). When
    /// readings find several tables, the error lists them: [`Catalog::table_in`] takes
    /// the schema apart.
    pub fn table(&self, name: &str) -> Result<&ReflectedTable, Error> {
        let qualified = |t: &ReflectedTable| {
            name.strip_prefix(t.schema.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
                == Some(t.name.as_str())
        };
        let found: Vec<&ReflectedTable> = self
            .tables
            .iter()
            .filter(|t| t.name == name || qualified(t))
            .collect();
        match found[..] {
            [t] => Ok(t),
            [] => Err(Error::Misuse(format!(
                "no table or view `{name}` in the reflected schemas"
            ))),
            _ if found.iter().all(|t| t.name == name) => Err(Error::Misuse(format!(
                "table `{name}` exists in several schemas ({}); name it as `schema.{name}`",
                found
                    .iter()
                    .map(|t| t.schema.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
            _ => Err(Error::Misuse(format!(
                "`{name}` names several tables: {}; pick one with `Catalog::table_in(schema, name)`",
                found
                    .iter()
                    .map(|t| format!("table `{}` in schema `{}`", t.name, t.schema))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}

impl ReflectedTable {
    /// The column named `name`, or [`Error::Misuse`] naming the table and column.
    pub fn column(&self, name: &str) -> Result<&ReflectedColumn, Error> {
        self.columns.iter().find(|c| c.name == name).ok_or_else(|| {
            Error::Misuse(format!(
                "table `{}` has no column `{name}` (it has: {})",
                self.name,
                self.columns
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
    }
}

fn action(code: &str) -> &'static str {
    match code {
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => "NO ACTION",
    }
}

/// Reads the schema of the database `conn` is connected to.
pub fn reflect(
    conn: &mut (impl Executor<Backend = crate::backend::Postgres> + ?Sized),
    options: &ReflectOptions,
) -> Result<Catalog, Error> {
    let relations = raw::sql(
        "SELECT c.oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS kind,
                obj_description(c.oid, 'pg_class') AS comment
         FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
           AND (cardinality(:schemas) = 0 AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                AND n.nspname NOT LIKE 'pg\\_%' OR n.nspname = ANY(:schemas))
         ORDER BY n.nspname, c.relname",
    )
    .bind_as::<Array<Text>, _>("schemas", options.schemas.clone())
    .load(conn)?;
    let mut oids: Vec<u32> = Vec::with_capacity(relations.len());
    let mut tables: Vec<ReflectedTable> = Vec::with_capacity(relations.len());
    let mut index_of: HashMap<u32, usize> = HashMap::new();
    for row in &relations {
        let oid: u32 = row.get("oid")?;
        index_of.insert(oid, tables.len());
        oids.push(oid);
        let kind = match row.get::<String>("kind")?.as_str() {
            "p" => RelationKind::PartitionedTable,
            "v" => RelationKind::View,
            "m" => RelationKind::MaterializedView,
            "f" => RelationKind::ForeignTable,
            _ => RelationKind::Table,
        };
        tables.push(ReflectedTable {
            schema: row.get("schema")?,
            name: row.get("name")?,
            kind,
            comment: row.get("comment")?,
            columns: Vec::new(),
            primary_key: Vec::new(),
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            checks: Vec::new(),
        });
    }
    if oids.is_empty() {
        return Ok(Catalog::default());
    }
    let oid_array = || oids.iter().map(|o| *o as i64).collect::<Vec<i64>>();

    // Columns, with a name per attribute number for the constraints below.
    let columns = raw::sql(
        "SELECT a.attrelid::int8 AS rel, a.attnum, a.attname::text AS name,
                format_type(a.atttypid, a.atttypmod) AS sql_type, a.atttypid AS type_oid,
                CASE WHEN t.typcategory = 'A' THEN et.typname::text || '[]' ELSE t.typname::text END AS type_name,
                CASE WHEN t.typcategory = 'A' THEN etn.nspname::text ELSE tn.nspname::text END AS type_schema,
                (CASE WHEN t.typcategory = 'A' THEN et.typtype ELSE t.typtype END) = 'e' AS is_enum,
                NOT a.attnotnull AS nullable,
                pg_get_expr(d.adbin, d.adrelid) AS default_expr,
                a.attidentity::text AS identity,
                col_description(a.attrelid, a.attnum) AS comment
         FROM pg_catalog.pg_attribute a
         JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
         JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
         LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
         LEFT JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace
         LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid::int8 = ANY(:rels) AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attrelid, a.attnum",
    )
    .bind_as::<Array<Int8>, _>("rels", oid_array())
    .load(conn)?;
    let mut names: HashMap<(i64, i16), String> = HashMap::new();
    for row in &columns {
        let rel: i64 = row.get("rel")?;
        let attnum: i16 = row.get("attnum")?;
        let name: String = row.get("name")?;
        names.insert((rel, attnum), name.clone());
        let default: Option<String> = row.get("default_expr")?;
        let identity: String = row.get("identity")?;
        let serial = !identity.is_empty()
            || default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval("));
        if let Some(&i) = index_of.get(&(rel as u32)) {
            tables[i].columns.push(ReflectedColumn {
                name,
                sql_type: row.get("sql_type")?,
                type_name: row.get("type_name")?,
                type_schema: row.get("type_schema")?,
                type_oid: row.get("type_oid")?,
                is_enum: row.get("is_enum")?,
                nullable: row.get("nullable")?,
                default,
                serial,
                comment: row.get("comment")?,
            });
        }
    }
    let column_names = |rel: i64, nums: &[i16]| -> Vec<String> {
        nums.iter()
            .map(|n| names.get(&(rel, *n)).cloned().unwrap_or_default())
            .collect()
    };

    // Constraints: primary key, unique, foreign keys, checks.
    let constraints = raw::sql(
        "SELECT c.conrelid::int8 AS rel, c.conname::text AS name, c.contype::text AS kind,
                c.conkey AS columns, c.confrelid::int8 AS ref_rel,
                rn.nspname::text AS ref_schema, r.relname::text AS ref_table, c.confkey AS ref_columns,
                c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update,
                pg_get_constraintdef(c.oid) AS definition
         FROM pg_catalog.pg_constraint c
         LEFT JOIN pg_catalog.pg_class r ON r.oid = c.confrelid
         LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
         WHERE c.conrelid::int8 = ANY(:rels)
         ORDER BY c.conrelid, c.conname",
    )
    .bind_as::<Array<Int8>, _>("rels", oid_array())
    .load(conn)?;
    let mut referenced: Vec<(usize, usize, i64, Vec<i16>)> = Vec::new();
    for row in &constraints {
        let rel: i64 = row.get("rel")?;
        let Some(&i) = index_of.get(&(rel as u32)) else {
            continue;
        };
        let name: String = row.get("name")?;
        let keys: Vec<i16> = row.get::<Option<Vec<i16>>>("columns")?.unwrap_or_default();
        match row.get::<String>("kind")?.as_str() {
            "p" => tables[i].primary_key = column_names(rel, &keys),
            "u" => tables[i].uniques.push((name, column_names(rel, &keys))),
            "c" => tables[i].checks.push((name, row.get("definition")?)),
            "f" => {
                let ref_rel: i64 = row.get("ref_rel")?;
                let ref_keys: Vec<i16> = row
                    .get::<Option<Vec<i16>>>("ref_columns")?
                    .unwrap_or_default();
                referenced.push((i, tables[i].foreign_keys.len(), ref_rel, ref_keys.clone()));
                tables[i].foreign_keys.push(ReflectedForeignKey {
                    name,
                    columns: column_names(rel, &keys),
                    referenced_schema: row.get::<Option<String>>("ref_schema")?.unwrap_or_default(),
                    referenced_table: row.get::<Option<String>>("ref_table")?.unwrap_or_default(),
                    referenced_columns: Vec::new(),
                    on_delete: action(&row.get::<String>("on_delete")?),
                    on_update: action(&row.get::<String>("on_update")?),
                });
            }
            _ => {}
        }
    }
    // Referenced columns may be in a schema that was not reflected: look their names up.
    let missing: Vec<i64> = referenced
        .iter()
        .filter(|(_, _, rel, _)| !index_of.contains_key(&(*rel as u32)))
        .map(|(_, _, rel, _)| *rel)
        .collect();
    if !missing.is_empty() {
        let extra = raw::sql(
            "SELECT attrelid::int8 AS rel, attnum, attname::text AS name FROM pg_catalog.pg_attribute
             WHERE attrelid::int8 = ANY(:rels) AND attnum > 0",
        )
        .bind_as::<Array<Int8>, _>("rels", missing)
        .load(conn)?;
        for row in &extra {
            names.insert((row.get("rel")?, row.get("attnum")?), row.get("name")?);
        }
    }
    for (table, fk, rel, keys) in referenced {
        tables[table].foreign_keys[fk].referenced_columns = keys
            .iter()
            .map(|n| names.get(&(rel, *n)).cloned().unwrap_or_default())
            .collect();
    }

    // Indexes.
    let indexes = raw::sql(
        "SELECT x.indrelid::int8 AS rel, i.relname::text AS name, x.indisunique AS is_unique,
                x.indisprimary AS is_primary, (x.indkey::int2[])[:] AS columns,
                pg_get_indexdef(x.indexrelid) AS definition
         FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
         WHERE x.indrelid::int8 = ANY(:rels)
         ORDER BY x.indrelid, i.relname",
    )
    .bind_as::<Array<Int8>, _>("rels", oid_array())
    .load(conn)?;
    for row in &indexes {
        let rel: i64 = row.get("rel")?;
        let Some(&i) = index_of.get(&(rel as u32)) else {
            continue;
        };
        let keys: Vec<i16> = row.get("columns")?;
        tables[i].indexes.push(ReflectedIndex {
            name: row.get("name")?,
            columns: keys
                .iter()
                .map(|n| names.get(&(rel, *n)).cloned().unwrap_or_default())
                .collect(),
            unique: row.get("is_unique")?,
            primary: row.get("is_primary")?,
            definition: row.get("definition")?,
        });
    }

    let enums = raw::sql(
        "SELECT n.nspname::text || '.' || t.typname::text AS name,
                array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
         FROM pg_catalog.pg_enum e
         JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
         GROUP BY 1",
    )
    .load(conn)?
    .iter()
    .map(|row| Ok((row.get("name")?, row.get("labels")?)))
    .collect::<Result<HashMap<String, Vec<String>>, Error>>()?;
    Ok(Catalog { tables, enums })
}

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
        }
    }
}

/// Whether a declared SQL type name (`text`, `int4[]`) holds the values of a reflected one.
fn same_type(declared: &str, actual: &ReflectedColumn) -> bool {
    let text_like = |t: &str| matches!(t, "text" | "varchar" | "bpchar" | "name");
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

/// Compares `table!` declarations with the live database: every difference, by
/// `table.column`, table by table (empty when they agree).
pub fn verify_schema(
    conn: &mut (impl Executor<Backend = crate::backend::Postgres> + ?Sized),
    tables: &[&TableMeta],
) -> Result<Vec<Drift>, Error> {
    let catalog = reflect(conn, &ReflectOptions::default())?;
    Ok(compare(&catalog, tables))
}

/// The differences between `tables` and a reflected catalog.
pub fn compare(catalog: &Catalog, tables: &[&TableMeta]) -> Vec<Drift> {
    let mut out = Vec::new();
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
            if !same_type(column.sql_type, actual) {
                out.push(Drift::Type {
                    column: name.clone(),
                    declared: column.sql_type.to_string(),
                    actual: actual.sql_type.clone(),
                });
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
    }
    out
}

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

/// The `table!` type of a reflected SQL type name (`int4` → `Int4`, `text[]` → `Array<Text>`).
fn declared_type(type_name: &str, map: &[(String, String)]) -> Option<String> {
    if let Some((_, path)) = map.iter().find(|(sql, _)| sql == type_name) {
        return Some(path.clone());
    }
    if let Some(element) = type_name.strip_suffix("[]") {
        return declared_type(element, map).map(|e| format!("Array<{e}>"));
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
fn rust_ident(name: &str) -> (String, bool) {
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

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

fn doc_lines(out: &mut String, indent: &str, text: &str) {
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

    let mut unmapped = Vec::new();
    let mut out =
        String::from("// @generated by `sqlwright print-schema`.\n\nsqlwright::table! {\n");
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
        for (_, columns) in table.uniques.iter().filter(|(_, c)| c.len() > 1) {
            let cols: Vec<String> = columns.iter().map(|c| rust_ident(c).0).collect();
            out.push_str(&format!("    #[unique({})]\n", cols.join(", ")));
        }
        for (_, definition) in &table.checks {
            let expr = definition.strip_prefix("CHECK ").unwrap_or(definition);
            out.push_str(&format!("    #[check = \"{}\"]\n", escape(expr)));
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
            if table
                .uniques
                .iter()
                .any(|(_, c)| c.len() == 1 && c[0] == column.name)
            {
                attrs.push("#[unique]".into());
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
            let Some(ty) = declared_type(&column.type_name, &options.map_types) else {
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
