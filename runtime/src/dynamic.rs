//! Queries on reflected tables, by name, without generated code (the notes'
//! `session.query(obj_.c.column).all()` on `Table("name", meta)`).
//!
//! A [`ReflectedTable`] starts a SELECT, INSERT, UPDATE or DELETE whose columns are named
//! by strings and whose values are [`Value`]s. What the compiler checks for `table!`
//! declarations is checked here when the statement is built: an unknown column is an error
//! naming the table and the column, and a value that does not fit the column's type is an
//! error naming both types. The first such mistake is reported when the statement runs (or
//! is rendered); nothing is sent then. SQL is written by the same [`SqlWriter`] as typed
//! queries: identifiers quoted, values bound as parameters declared with the column's type.
//!
//! The statements run on every backend, in its own SQL (chosen by the connection they run
//! on): rows are that backend's raw rows ([`DynRow`](crate::raw::DynRow) on PostgreSQL,
//! `MysqlDynRow` on MySQL/MariaDB, `SqliteDynRow` on SQLite). On MySQL and SQLite, whose
//! columns have no type OIDs, values are checked against the reflected type's name
//! (`int4`, `uint8`, `numeric`, ...) and, for MySQL's integers, the declared width
//! (`tinyint(4)`). RETURNING needs MariaDB 10.5+ (INSERT and DELETE only); ILIKE is
//! PostgreSQL's.
//!
//! ```no_run
//! use sqlwright::dynamic::{DynFilter, Value};
//! use sqlwright::reflect::{reflect, ReflectOptions};
//! # fn demo(conn: &mut sqlwright::Connection) -> Result<(), sqlwright::Error> {
//! let catalog = reflect(conn, &ReflectOptions::default())?;
//! let users = catalog.table("users")?;
//! let rows = users
//!     .select()
//!     .columns(["name", "age"])
//!     .filter("age", ">", 30)
//!     .order_by_desc("name")
//!     .limit(10)
//!     .load(conn)?;
//! let name: String = rows[0].get("name")?;
//! users.insert().value("name", "Ann").value("age", Value::Null).execute(conn)?;
//! users.update().set("age", 31).filter("name", "=", "Ann").execute(conn)?;
//! users.delete().filter("name", "=", "Ann").execute(conn)?;
//! # Ok(()) }
//! ```

use crate::backend::Dialect;
use crate::engine::Error;
use crate::reflect::{ReflectedColumn, ReflectedTable};
use crate::render::{Rendered, SqlWriter};
use bytes::BytesMut;
use postgres_types::{IsNull, Kind, ToSql, Type};
use std::fmt;

mod named;
mod run;
#[doc(hidden)]
pub use run::{DynCount, DynRun};

mod value;
pub use value::Value;

mod select;
pub use select::DynSelect;
mod writes;
pub use writes::{DynDelete, DynInsert, DynUpdate};

/// A comparison in a filter, from its SQL spelling. Private: its variants share names with
/// the typed operators in `expr`, and rustc would then print those with full paths in
/// compile errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `LIKE` (text columns)
    Like,
    /// `NOT LIKE` (text columns)
    NotLike,
    /// `ILIKE` (text columns)
    ILike,
}

impl Cmp {
    fn sql(self) -> &'static str {
        match self {
            Cmp::Eq => " = ",
            Cmp::Ne => " <> ",
            Cmp::Lt => " < ",
            Cmp::Le => " <= ",
            Cmp::Gt => " > ",
            Cmp::Ge => " >= ",
            Cmp::Like => " LIKE ",
            Cmp::NotLike => " NOT LIKE ",
            Cmp::ILike => " ILIKE ",
        }
    }
}

impl Cmp {
    fn parse(s: &str) -> Result<Cmp, Error> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "=" | "==" | "eq" => Cmp::Eq,
            "<>" | "!=" | "ne" => Cmp::Ne,
            "<" | "lt" => Cmp::Lt,
            "<=" | "le" => Cmp::Le,
            ">" | "gt" => Cmp::Gt,
            ">=" | "ge" => Cmp::Ge,
            "like" => Cmp::Like,
            "not like" => Cmp::NotLike,
            "ilike" => Cmp::ILike,
            _ => {
                return Err(Error::Misuse(format!(
                "unknown comparison `{s}`; expected =, <>, <, <=, >, >=, like, not like or ilike"
            )))
            }
        })
    }
}

/// A value resolved against its column: the parameter type, the SQL type to cast to
/// when the driver has no type for the column (enums, domains: sent as text), and what
/// MySQL is sent instead of the value, when not the value itself.
#[derive(Debug)]
struct Param {
    value: Value,
    ty: Type,
    cast: Option<(String, String)>,
    mysql: Option<Value>,
    /// The column of a table reflected without OIDs (MySQL's or SQLite's), whose type the
    /// value is checked against when the statement is rendered, for the dialect it is
    /// rendered for (`named::fits`).
    named: Option<usize>,
}

#[derive(Debug)]
enum Cond {
    Compare(usize, Cmp, usize),
    Null(usize, bool),
    In(usize, Vec<usize>, bool),
}

/// What every dynamic statement holds: its table, the first mistake made while building
/// it, its parameters, filters and RETURNING list.
#[doc(hidden)]
#[derive(Debug)]
pub struct Parts<'t> {
    table: &'t ReflectedTable,
    error: Option<String>,
    params: Vec<Param>,
    conds: Vec<Cond>,
    returning: Vec<usize>,
}

impl<'t> Parts<'t> {
    fn new(table: &'t ReflectedTable) -> Self {
        Parts {
            table,
            error: None,
            params: Vec::new(),
            conds: Vec::new(),
            returning: Vec::new(),
        }
    }

    fn fail(&mut self, error: Error) {
        self.error.get_or_insert_with(|| error.to_string());
    }

    /// The position of column `name`, or the error naming it.
    fn column(&mut self, name: &str) -> Option<usize> {
        match self.table.column(name) {
            Ok(_) => self.table.columns.iter().position(|c| c.name == name),
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    /// Records `value` as a parameter for column `col`, if it fits the column's type: by
    /// the type's OID on PostgreSQL, by its reflected name on MySQL and SQLite (which have
    /// no OIDs: see `named.rs`), checked when the statement is rendered, since what fits
    /// depends on which of the two it is rendered for.
    fn param(&mut self, col: usize, value: Value) -> Option<usize> {
        let column = &self.table.columns[col];
        if column.type_oid == 0 {
            let Some(ty) = named::declared(column) else {
                self.fail(cannot_bind(self.table, column));
                return None;
            };
            let mysql = named::mysql_form(&value, column);
            self.params.push(Param {
                value,
                ty,
                cast: None,
                mysql,
                named: Some(col),
            });
            return Some(self.params.len() - 1);
        }
        let (ty, cast) = match Type::from_oid(column.type_oid) {
            Some(ty) => (ty, None),
            None if !column.type_name.ends_with("[]") => (
                Type::TEXT,
                Some((column.type_schema.clone(), column.type_name.clone())),
            ),
            None => {
                self.fail(cannot_bind(self.table, column));
                return None;
            }
        };
        if !value.fits(&ty) {
            self.fail(mismatch(self.table, column, &value));
            return None;
        }
        self.params.push(Param {
            value,
            ty,
            cast,
            mysql: None,
            named: None,
        });
        Some(self.params.len() - 1)
    }

    fn text_column(&mut self, col: usize) -> bool {
        let column = &self.table.columns[col];
        let text = matches!(
            column.type_name.as_str(),
            "text" | "varchar" | "bpchar" | "name"
        );
        if !text {
            self.fail(Error::Misuse(format!(
                "LIKE needs a text column; `{}.{}` is {}",
                self.table.name, column.name, column.sql_type
            )));
        }
        text
    }

    fn filter(&mut self, column: &str, op: &str, value: Value) {
        let cmp = match Cmp::parse(op) {
            Ok(cmp) => cmp,
            Err(e) => return self.fail(e),
        };
        let Some(col) = self.column(column) else {
            return;
        };
        if matches!(cmp, Cmp::Like | Cmp::NotLike | Cmp::ILike) && !self.text_column(col) {
            return;
        }
        if value == Value::Null {
            self.fail(Error::Misuse(format!(
                "comparing `{}.{column}` with NULL matches no row; use filter_null / filter_not_null",
                self.table.name
            )));
            return;
        }
        if let Some(p) = self.param(col, value) {
            self.conds.push(Cond::Compare(col, cmp, p));
        }
    }

    fn filter_null(&mut self, column: &str, not: bool) {
        if let Some(col) = self.column(column) {
            self.conds.push(Cond::Null(col, not));
        }
    }

    fn filter_in(&mut self, column: &str, values: Vec<Value>, not: bool) {
        let Some(col) = self.column(column) else {
            return;
        };
        let mut params = Vec::with_capacity(values.len());
        for v in values {
            match self.param(col, v) {
                Some(p) => params.push(p),
                None => return,
            }
        }
        self.conds.push(Cond::In(col, params, not));
    }

    fn returning(&mut self, columns: &[&str]) {
        for c in columns {
            if let Some(col) = self.column(c) {
                self.returning.push(col);
            }
        }
    }

    fn name(&self, col: usize) -> &'t str {
        &self.table.columns[col].name
    }

    fn write_table<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.ident(&self.table.schema);
        out.sql(".");
        out.ident(&self.table.name);
    }

    fn write_param<'a>(&'a self, p: usize, out: &mut SqlWriter<'a>) {
        let param = &self.params[p];
        match &param.cast {
            // Only a column reflected from PostgreSQL has a cast (its type's OID is
            // unknown to the driver); elsewhere the value goes as it is.
            _ if out.dialect() != Dialect::Postgres => {
                let value = match (&param.mysql, out.dialect()) {
                    (Some(sent), Dialect::Mysql) => sent,
                    _ => &param.value,
                };
                out.bind(value, param.ty.clone());
            }
            Some((schema, name)) => {
                out.sql("CAST(");
                out.bind(&param.value, param.ty.clone());
                out.sql(" AS ");
                out.ident(schema);
                out.sql(".");
                out.ident(name);
                out.sql(")");
            }
            None => out.bind(&param.value, param.ty.clone()),
        }
    }

    fn write_where<'a>(&'a self, out: &mut SqlWriter<'a>) {
        for (i, cond) in self.conds.iter().enumerate() {
            out.sql(if i == 0 { " WHERE " } else { " AND " });
            match cond {
                Cond::Compare(col, cmp, p) => {
                    out.ident(self.name(*col));
                    out.sql(cmp.sql());
                    self.write_param(*p, out);
                }
                Cond::Null(col, not) => {
                    out.ident(self.name(*col));
                    out.sql(if *not { " IS NOT NULL" } else { " IS NULL" });
                }
                Cond::In(_, params, not) if params.is_empty() => {
                    out.sql(if *not { "TRUE" } else { "FALSE" });
                }
                Cond::In(col, params, not) => {
                    out.ident(self.name(*col));
                    out.sql(if *not { " NOT IN (" } else { " IN (" });
                    for (n, p) in params.iter().enumerate() {
                        if n > 0 {
                            out.sql(", ");
                        }
                        self.write_param(*p, out);
                    }
                    out.sql(")");
                }
            }
        }
    }

    fn write_columns<'a>(&'a self, columns: &[usize], out: &mut SqlWriter<'a>) {
        for (i, col) in columns.iter().enumerate() {
            if i > 0 {
                out.sql(", ");
            }
            out.ident(self.name(*col));
        }
    }

    fn write_returning<'a>(&'a self, out: &mut SqlWriter<'a>) {
        if !self.returning.is_empty() {
            out.sql(" RETURNING ");
            self.write_columns(&self.returning, out);
            // The connection checks that its server has RETURNING (MariaDB 10.5+).
            if let Some(marks) = out.mysql_marks() {
                marks.returning = true;
            }
        }
    }

    /// The statement as `dialect` spells it, or the first mistake made while building it
    /// (or one the dialect makes: ILIKE is PostgreSQL's).
    fn finish<'a>(
        &'a self,
        dialect: Dialect,
        write: impl FnOnce(&mut SqlWriter<'a>),
    ) -> Result<Rendered<'a>, Error> {
        if let Some(e) = &self.error {
            return Err(Error::Misuse(e.clone()));
        }
        for param in &self.params {
            if let Some(col) = param.named {
                let column = &self.table.columns[col];
                if !named::fits(&param.value, column, dialect == Dialect::Mysql) {
                    return Err(mismatch(self.table, column, &param.value));
                }
            }
        }
        let ilike = self
            .conds
            .iter()
            .any(|c| matches!(c, Cond::Compare(_, Cmp::ILike, _)));
        if ilike && dialect != Dialect::Postgres {
            return Err(Error::Misuse(format!(
                "{} has no ILIKE; use like (on MySQL it follows the column's collation, \
                 case-insensitive by default; on SQLite it ignores ASCII case)",
                dialect.name()
            )));
        }
        // Text holding NUL is refused on every backend (PostgreSQL cannot store it, so the
        // same value must not work on one and fail on another).
        if self.params.iter().any(|p| p.value.has_nul()) {
            return Err(Error::NulInText);
        }
        let mut out = SqlWriter::for_dialect(dialect);
        write(&mut out);
        Ok(out.finish())
    }
}

fn cannot_bind(table: &ReflectedTable, column: &ReflectedColumn) -> Error {
    Error::Misuse(format!(
        "column `{}.{}` has type {}, which dynamic queries cannot bind",
        table.name, column.name, column.sql_type
    ))
}

fn mismatch(table: &ReflectedTable, column: &ReflectedColumn, value: &Value) -> Error {
    Error::Misuse(format!(
        "{} does not fit column `{}.{}` of type {}",
        value.describe(),
        table.name,
        column.name,
        column.sql_type
    ))
}

/// The filters every dynamic statement with a WHERE clause has. All filters are combined
/// with AND.
pub trait DynFilter<'t>: Sized {
    #[doc(hidden)]
    fn __parts(&mut self) -> &mut Parts<'t>;

    /// `column <op> value`, where `op` is one of `=`, `<>` (or `!=`), `<`, `<=`, `>`, `>=`,
    /// `like`, `not like`, `ilike`.
    fn filter(mut self, column: &str, op: &str, value: impl Into<Value>) -> Self {
        self.__parts().filter(column, op, value.into());
        self
    }

    /// `column IS NULL`.
    fn filter_null(mut self, column: &str) -> Self {
        self.__parts().filter_null(column, false);
        self
    }

    /// `column IS NOT NULL`.
    fn filter_not_null(mut self, column: &str) -> Self {
        self.__parts().filter_null(column, true);
        self
    }

    /// `column IN (values)`; an empty list matches no row.
    fn filter_in<V: Into<Value>>(
        mut self,
        column: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let values = values.into_iter().map(Into::into).collect();
        self.__parts().filter_in(column, values, false);
        self
    }

    /// `column NOT IN (values)`; an empty list matches every row.
    fn filter_not_in<V: Into<Value>>(
        mut self,
        column: &str,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let values = values.into_iter().map(Into::into).collect();
        self.__parts().filter_in(column, values, true);
        self
    }
}

/// Display of every dynamic statement: the SQL and its parameters, or the mistake that
/// stops it.
macro_rules! display {
    ($($ty:ident),*) => {$(
        impl fmt::Display for $ty<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.render() {
                    Ok(r) => r.fmt(f),
                    Err(e) => write!(f, "error: {e}"),
                }
            }
        }
    )*};
}

display!(DynSelect, DynInsert, DynUpdate, DynDelete);
