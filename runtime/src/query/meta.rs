//! Runtime metadata of declared tables: what DDL, reflection and drift checks read.

/// A declared table.
#[derive(Debug)]
pub struct TableMeta {
    /// The Rust name of the table's module.
    pub name: &'static str,
    /// The table's SQL name.
    pub sql_name: &'static str,
    /// The columns, in declaration order.
    pub columns: &'static [ColumnMeta],
    /// The SQL names of the primary-key columns, in key order.
    pub primary_key: &'static [&'static str],
    /// The primary key constraint's name (`#[primary_key(name = "..")]`), if declared.
    pub primary_key_name: Option<&'static str>,
    /// Multi-column unique constraints (`#[unique(a, b)]`).
    pub uniques: &'static [UniqueMeta],
    /// Table CHECK constraints (`#[check = "..."]`).
    pub checks: &'static [CheckMeta],
    /// Indexes (`#[index(a, b)]`, `#[index(a, unique)]`).
    pub indexes: &'static [IndexMeta],
    /// Foreign keys of several columns (`#[foreign_key((a, b) -> other (x, y))]`).
    pub foreign_keys: &'static [CompositeKeyMeta],
    /// The declaration's doc comment.
    pub doc: &'static str,
    /// The table's former SQL name (`#[renamed_from(old)]`): migration autogenerate renames
    /// a live table of that name instead of dropping it and creating this one.
    pub renamed_from: Option<&'static str>,
}

impl TableMeta {
    /// The column whose SQL name is `sql_name`.
    pub fn column(&self, sql_name: &str) -> Option<&ColumnMeta> {
        self.columns.iter().find(|c| c.sql_name == sql_name)
    }
}

/// A declared column.
#[derive(Debug)]
pub struct ColumnMeta {
    /// The Rust name of the column's type.
    pub name: &'static str,
    /// The column's SQL name.
    pub sql_name: &'static str,
    /// The SQL type as PostgreSQL spells it (`int4`, `text`, `int4[]`).
    pub sql_type: &'static str,
    /// The enum type declared in `table!` that the column's type is (or is an array of).
    pub enum_type: Option<&'static crate::types::EnumMeta>,
    /// The SQL type with the size the declaration gives it (`varchar(255)`,
    /// `numeric(12,2)`, `timestamptz(3)`, `varchar(20)[]`), which DDL writes and
    /// `verify_schema` compares; `None` when the declaration gives no size.
    pub sized_type: Option<&'static str>,
    /// Whether the column may hold NULL.
    pub nullable: bool,
    /// Whether the column is part of the primary key.
    pub primary_key: bool,
    /// Whether values come from a sequence (`#[serial]`).
    pub serial: bool,
    /// Whether the column alone is unique (`#[unique]`).
    pub unique: bool,
    /// That unique constraint's name (`#[unique(name = "..")]`), if declared.
    pub unique_name: Option<&'static str>,
    /// The SQL default expression (`#[default = "now()"]`), as written in the declaration.
    pub default: Option<&'static str>,
    /// The column's CHECK constraint (`#[check = "age >= 0"]`).
    pub check: Option<CheckMeta>,
    /// The foreign key declared on the column (`#[references(..)]`).
    pub references: Option<ForeignKeyMeta>,
    /// The declaration's doc comment.
    pub doc: &'static str,
    /// The column's former SQL name (`#[renamed_from(old)]`), for migration autogenerate.
    pub renamed_from: Option<&'static str>,
}

/// An index declared on a table.
#[derive(Debug)]
pub struct IndexMeta {
    /// The SQL names of the indexed columns.
    pub columns: &'static [&'static str],
    /// Whether the index is unique.
    pub unique: bool,
}

/// A foreign key declared on a column.
#[derive(Debug)]
pub struct ForeignKeyMeta {
    /// The referenced table's SQL name.
    pub table: &'static str,
    /// The referenced column's SQL name.
    pub column: &'static str,
    /// The constraint's name (`constraint = ".."`), if declared.
    pub constraint: Option<&'static str>,
    /// `ON DELETE` action as SQL (`CASCADE`, `SET NULL`, `RESTRICT`, `NO ACTION`, `SET DEFAULT`).
    pub on_delete: &'static str,
    /// `ON UPDATE` action.
    pub on_update: &'static str,
}

/// A foreign key of several columns, declared on the table.
#[derive(Debug)]
pub struct CompositeKeyMeta {
    /// The Rust name of its join path and relation marker.
    pub name: &'static str,
    /// The SQL names of the referencing columns.
    pub columns: &'static [&'static str],
    /// The referenced table's SQL name.
    pub table: &'static str,
    /// The SQL names of the referenced columns, in the same order.
    pub referenced: &'static [&'static str],
    /// The constraint's name (`constraint = ".."`), if declared.
    pub constraint: Option<&'static str>,
    /// `ON DELETE` action as SQL.
    pub on_delete: &'static str,
    /// `ON UPDATE` action as SQL.
    pub on_update: &'static str,
}

/// A unique constraint declared on a table.
#[derive(Debug)]
pub struct UniqueMeta {
    /// The SQL names of its columns.
    pub columns: &'static [&'static str],
    /// Its name (`#[unique(a, b, name = "..")]`), if declared.
    pub name: Option<&'static str>,
}

/// A CHECK constraint declared on a table or column.
#[derive(Debug, Clone, Copy)]
pub struct CheckMeta {
    /// The condition, as SQL written in the declaration.
    pub sql: &'static str,
    /// Its name (`#[check("..", name = "..")]`), if declared.
    pub name: Option<&'static str>,
}
