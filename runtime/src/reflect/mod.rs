//! Reading an existing database's schema at run time (SQLAlchemy's `MetaData.reflect`), and
//! comparing it with `table!` declarations ([`verify_schema`]).
//!
//! [`reflect`] reads tables, views, columns (type, nullability, default, serial, comment),
//! primary keys, unique constraints, foreign keys with their actions, indexes and check
//! constraints. On PostgreSQL it reads `pg_catalog` (every schema but PostgreSQL's own, with
//! types' length and precision), in four statements however many tables there are; on
//! MySQL and MariaDB, the connection's database from `information_schema`, in six; on
//! SQLite it reads the `main` database through SQLite's pragma functions, and recovers
//! sqlwright's types from SQLite's four as far as they can be (see [`ReflectedColumn`]).
//! On an async connection (PostgreSQL's or MySQL's, a transaction or a pooled one),
//! [`reflect`] and [`verify_schema`] are futures running the same statements.
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

#[cfg(feature = "mysql")]
mod mysql;
mod postgres;
mod print;
mod print_enums;
#[cfg(feature = "sqlite")]
mod sqlite;
mod verify;

pub use print::{print_schema, PrintOptions, UnmappedTypes};
pub(crate) use verify::type_agrees;
pub use verify::{compare, verify_schema, Drift};

use crate::backend::{Backend, Dialect, Postgres};
use crate::engine::runner::Work;
use crate::engine::step::Now;
use crate::engine::{Blocking, Connection, Error, Ran, Runner};
use std::collections::HashMap;

/// A backend whose schema [`reflect`] reads: [`Postgres`], `Sqlite` and `Mysql` (the
/// connection's database, from `information_schema`).
pub trait Reflects: Backend {
    /// Reads the schema of the database `conn` is connected to.
    #[doc(hidden)]
    fn reflect_schema(
        conn: &mut Connection<Self>,
        options: &ReflectOptions,
    ) -> Result<Catalog, Error>;
}

impl Reflects for Postgres {
    fn reflect_schema(
        conn: &mut Connection<Self>,
        options: &ReflectOptions,
    ) -> Result<Catalog, Error> {
        crate::engine::wire::now(postgres::reflect(&mut Now(conn), options))
    }
}

#[cfg(feature = "sqlite")]
impl Reflects for crate::Sqlite {
    fn reflect_schema(
        conn: &mut Connection<Self>,
        options: &ReflectOptions,
    ) -> Result<Catalog, Error> {
        sqlite::reflect(conn, options)
    }
}

#[cfg(feature = "mysql")]
impl Reflects for crate::Mysql {
    fn reflect_schema(
        conn: &mut Connection<Self>,
        options: &ReflectOptions,
    ) -> Result<Catalog, Error> {
        crate::engine::wire::now(mysql::reflect(&mut Now(conn), options))
    }
}

/// Reads the schema of the database `conn` is connected to (a connection or a
/// transaction, on PostgreSQL, MySQL or SQLite; a future of it on an async connection).
pub fn reflect<'c, C>(conn: &'c mut C, options: &'c ReflectOptions) -> Ran<'c, C, Catalog>
where
    C: Runner + ?Sized,
    C::Backend: Reflects,
    Reflect<'c>: Work<'c, C::Backend, C::Mode, Output = Catalog>,
{
    Reflect(options).run(conn.__connection())
}

/// A run of [`reflect`] in either mode.
#[doc(hidden)]
pub struct Reflect<'o>(&'o ReflectOptions);

impl<'c, B: Reflects> Work<'c, B, Blocking> for Reflect<'c> {
    type Output = Catalog;
    fn run(self, conn: &'c mut Connection<B>) -> Result<Catalog, Error> {
        B::reflect_schema(conn, self.0)
    }
}

#[cfg(feature = "tokio")]
impl<'c> Work<'c, Postgres, crate::engine::Async> for Reflect<'c> {
    type Output = Catalog;
    fn run(
        self,
        conn: &'c mut Connection<Postgres>,
    ) -> crate::engine::BoxFuture<'c, Result<Catalog, Error>> {
        Box::pin(
            async move { postgres::reflect(&mut crate::engine::step::Wait(conn), self.0).await },
        )
    }
}

#[cfg(all(feature = "tokio", feature = "mysql"))]
impl<'c> Work<'c, crate::Mysql, crate::engine::Async> for Reflect<'c> {
    type Output = Catalog;
    fn run(
        self,
        conn: &'c mut Connection<crate::Mysql>,
    ) -> crate::engine::BoxFuture<'c, Result<Catalog, Error>> {
        Box::pin(
            async move { mysql::reflect(&mut crate::engine::step::WaitMysql(conn), self.0).await },
        )
    }
}

/// Every schema: what [`verify_schema`] reads.
#[cfg(feature = "tokio")]
static EVERY_SCHEMA: ReflectOptions = ReflectOptions {
    schemas: Vec::new(),
};

/// What to reflect.
#[derive(Clone, Debug, Default)]
pub struct ReflectOptions {
    /// The schemas to read; empty means every schema except PostgreSQL's own
    /// (`pg_catalog`, `information_schema`, `pg_toast`, ...). SQLite reads its `main`
    /// database (the file the URL names) only: empty, or `["main"]`.
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
#[derive(Clone, Debug)]
pub struct Catalog {
    /// The database it was read from: how its types compare with declared ones.
    pub dialect: Dialect,
    /// Tables and views, ordered by schema and name.
    pub tables: Vec<ReflectedTable>,
    /// Enum types, by `schema.name`: their labels in order (none on SQLite).
    pub enums: HashMap<String, Vec<String>>,
}

impl Default for Catalog {
    /// An empty PostgreSQL catalog.
    fn default() -> Self {
        Catalog {
            dialect: Dialect::Postgres,
            tables: Vec::new(),
            enums: HashMap::new(),
        }
    }
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
    /// The primary key constraint's name (`users_pkey`); `None` when there is no primary
    /// key, and on SQLite, which keeps no constraint names.
    pub primary_key_name: Option<String>,
    /// Unique constraints: name and columns.
    pub uniques: Vec<(String, Vec<String>)>,
    /// Foreign keys.
    pub foreign_keys: Vec<ReflectedForeignKey>,
    /// Indexes (including those behind primary keys and unique constraints).
    pub indexes: Vec<ReflectedIndex>,
    /// Check constraints: name and definition (`CHECK ((age >= 0))`). On SQLite they are
    /// read from the `CREATE TABLE` text; an unnamed one has an empty name.
    pub checks: Vec<(String, String)>,
}

/// A reflected column.
#[derive(Clone, Debug)]
pub struct ReflectedColumn {
    /// Its name.
    pub name: String,
    /// The type as PostgreSQL writes it, with length or precision (see
    /// [`ReflectedColumn::size`]): `character varying(255)`,
    /// `numeric(15,2)`, `integer[]`. On SQLite, the type as declared (`INTEGER`,
    /// `VARCHAR(40)`), empty when none is.
    pub sql_type: String,
    /// The type's short name: `varchar`, `numeric`, `int4`; for an array, the element's
    /// with `[]` (`int4[]`). On SQLite, the sqlwright type recovered from the declared one:
    /// `INTEGER` is `int8` (`bool` with a `CHECK (col IN (0, 1))`), `REAL` `float8`, `TEXT`
    /// `text`, `BLOB` `bytea`, `ANY` or no type `any`; other declared names as PostgreSQL
    /// spells them (`BOOLEAN` is `bool`, `DATE` `date`, `VARCHAR(40)` `varchar`).
    pub type_name: String,
    /// The type's schema (`pg_catalog` for built-in types; empty on SQLite).
    pub type_schema: String,
    /// The type's OID (for an array, the array type's; 0 on SQLite).
    pub type_oid: u32,
    /// Whether the type is an enum.
    pub is_enum: bool,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// The default expression, if any.
    pub default: Option<String>,
    /// `GENERATED ALWAYS`/`BY DEFAULT AS IDENTITY`, or a `serial` (default from a sequence);
    /// on SQLite, an `INTEGER` primary key of one column (the rowid, numbered by SQLite).
    pub serial: bool,
    /// `COMMENT ON COLUMN`, if any.
    pub comment: Option<String>,
}

/// A reflected foreign key.
#[derive(Clone, Debug)]
pub struct ReflectedForeignKey {
    /// The constraint's name (on SQLite, which keeps no names for foreign keys,
    /// `table_columns_fkey` as PostgreSQL would name it).
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

impl ReflectedColumn {
    /// The size written in [`sql_type`](Self::sql_type): `[255]` for `character
    /// varying(255)`, `[12, 2]` for `numeric(12,2)`, `[3]` for `timestamp(3) with time
    /// zone` and for `character varying(3)[]`; empty for a type without one.
    pub fn size(&self) -> Vec<u32> {
        let Some((_, rest)) = self.sql_type.split_once('(') else {
            return Vec::new();
        };
        let Some((inside, _)) = rest.split_once(')') else {
            return Vec::new();
        };
        inside
            .split(',')
            .map(|n| n.trim().parse::<u32>())
            .collect::<Result<Vec<u32>, _>>()
            .unwrap_or_default()
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
