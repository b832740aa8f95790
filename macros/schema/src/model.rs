//! What a `table!` declaration says, after parsing and validation.

use proc_macro2::Span;
use syn::{Attribute, Ident, Path, Type};

/// One `table!` invocation: its tables and enum types.
pub struct Schema {
    /// The tables, in declaration order.
    pub tables: Vec<Table>,
    /// `enum Name { labels }`: PostgreSQL enum types declared beside the tables.
    pub enums: Vec<crate::enums::SqlEnum>,
}

/// A declared table.
pub struct Table {
    /// Doc comments and other attributes carried onto the module.
    pub docs: Vec<Attribute>,
    /// The table's Rust name, which names its module.
    pub name: Ident,
    /// The table's SQL name: `#[sql_name = ".."]`, else the Rust name.
    pub sql_name: String,
    /// The primary key's columns, in declaration order (empty for a `#[derived]` table).
    pub primary_key: Vec<Ident>,
    /// `#[primary_key(name = "users_pk")]`: the primary key constraint's SQL name.
    pub primary_key_name: Option<String>,
    /// The columns, in declaration order.
    pub columns: Vec<Column>,
    /// `#[unique(a, b)]`, `#[unique(a, b, name = "..")]`: multi-column unique constraints.
    pub uniques: Vec<Unique>,
    /// `#[check = "sql"]`, `#[check("sql", name = "..")]` on the table.
    pub checks: Vec<Check>,
    /// `#[index(a, b)]` and `#[index(a, b, unique)]`.
    pub indexes: Vec<(Vec<Ident>, bool)>,
    /// `#[foreign_key((a, b) -> other (x, y), name = .., on_delete = ..)]`: foreign keys of
    /// several columns.
    pub foreign_keys: Vec<CompositeKey>,
    /// `#[derived]`: the shape of a derived table or CTE, not a stored table (no primary
    /// key; grouping by its columns never implies other columns).
    pub derived: bool,
    /// `#[renamed_from(old_name)]`: the table's former SQL name, which migration
    /// autogenerate turns into `ALTER TABLE .. RENAME` (nothing else reads it).
    pub renamed_from: Option<String>,
}

/// A foreign key of several columns, declared on the table.
pub struct CompositeKey {
    /// The referencing columns of this table.
    pub columns: Vec<Ident>,
    /// The referenced table's module: `partsupp`, `super::partsupp`.
    pub target: Path,
    /// The referenced columns, in the same order.
    pub referenced: Vec<Ident>,
    /// The name of the join path and relation marker generated for it.
    pub name: Ident,
    /// `constraint = "orders_customer_fk"`: the constraint's SQL name.
    pub constraint: Option<String>,
    /// `on_delete = ..`: what deleting a referenced row does.
    pub on_delete: Rule,
    /// `on_update = ..`: what changing a referenced key does.
    pub on_update: Rule,
}

/// A unique constraint of several columns.
pub struct Unique {
    /// The columns, in declaration order.
    pub columns: Vec<Ident>,
    /// `name = ".."`: the constraint's SQL name.
    pub name: Option<String>,
}

/// A CHECK constraint: SQL written by the declaration's author.
pub struct Check {
    /// The condition, as SQL text.
    pub sql: String,
    /// `name = ".."`: the constraint's SQL name.
    pub name: Option<String>,
}

/// A declared column.
pub struct Column {
    /// Doc comments carried onto the column's item.
    pub docs: Vec<Attribute>,
    /// The column's Rust name.
    pub name: Ident,
    /// The column's SQL name: `#[sql_name = ".."]`, else the Rust name.
    pub sql_name: String,
    /// The declared SQL type (`Nullable<Text>`), sizes removed (`Varchar(255)` is `Varchar`).
    pub ty: Type,
    /// The SQL type with its size, when the declaration gives one (`Varchar(255)` gives
    /// `varchar(255)`, `Array<Varchar(20)>` `varchar(20)[]`).
    pub sized_type: Option<String>,
    /// `#[serial]`: an identity column, numbered by the database.
    pub serial: bool,
    /// `#[unique]`: a unique constraint on this column alone.
    pub unique: bool,
    /// `#[unique(name = "..")]`: the column's unique constraint's SQL name.
    pub unique_name: Option<String>,
    /// `#[sensitive]`: values bound against the column are redacted where they are logged.
    pub sensitive: bool,
    /// `#[default = "sql"]`: the column's default, as SQL text.
    pub default: Option<String>,
    /// `#[check = "sql"]` or `#[check("sql", name = "..")]` on the column.
    pub check: Option<Check>,
    /// `#[references(table::column, ..)]`: a foreign key of this column alone.
    pub references: Option<References>,
    /// `#[renamed_from(old_name)]`: the column's former SQL name (for autogenerate's
    /// `RENAME COLUMN`).
    pub renamed_from: Option<String>,
}

/// A single-column foreign key: `#[references(users::id, on_delete = cascade)]`.
pub struct References {
    /// The referenced column, `users::id`.
    pub column: Path,
    /// The join path's name (`name = author`); defaults to the column name without `_id`.
    pub name: Option<Ident>,
    /// `constraint = "posts_user_fk"`: the constraint's SQL name.
    pub constraint: Option<String>,
    /// `on_delete = ..`: what deleting a referenced row does.
    pub on_delete: Rule,
    /// `on_update = ..`: what changing a referenced key does.
    pub on_update: Rule,
}

/// A foreign key's referential action.
#[derive(Clone, Copy)]
pub enum Rule {
    /// `NO ACTION` (the default): refuse, checked at the end of the statement.
    NoAction,
    /// `RESTRICT`: refuse at once.
    Restrict,
    /// `CASCADE`: delete or update the referencing rows too.
    Cascade,
    /// `SET NULL`: set the referencing columns to NULL.
    SetNull,
    /// `SET DEFAULT`: set the referencing columns to their defaults.
    SetDefault,
}

impl Rule {
    /// Reads an action's name: `cascade`, `restrict`, `set_null`, `set_default`,
    /// `no_action`.
    pub fn parse(ident: &Ident) -> syn::Result<Rule> {
        Ok(match ident.to_string().as_str() {
            "no_action" => Rule::NoAction,
            "restrict" => Rule::Restrict,
            "cascade" => Rule::Cascade,
            "set_null" => Rule::SetNull,
            "set_default" => Rule::SetDefault,
            other => {
                return Err(syn::Error::new(
                    ident.span(),
                    format!(
                        "unknown action `{other}`; expected cascade, restrict, set_null, set_default or no_action"
                    ),
                ))
            }
        })
    }

    /// The action as SQL: `CASCADE`, `SET NULL`, ...
    pub fn sql(self) -> &'static str {
        match self {
            Rule::NoAction => "NO ACTION",
            Rule::Restrict => "RESTRICT",
            Rule::Cascade => "CASCADE",
            Rule::SetNull => "SET NULL",
            Rule::SetDefault => "SET DEFAULT",
        }
    }
}

/// The doc text of `#[doc = "..."]` attributes, each line trimmed, joined by newlines: what
/// the macro writes into `TableMeta::doc` (the database comment) and the CLI reads back.
pub fn doc_text(docs: &[Attribute]) -> String {
    docs.iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl Table {
    /// The column of Rust name `name`.
    pub fn column(&self, name: &Ident) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == *name)
    }

    /// Checks what parsing alone cannot: unique column names, a primary key made of
    /// declared columns.
    pub fn validate(&mut self, name_span: Span) -> syn::Result<()> {
        for (i, c) in self.columns.iter().enumerate() {
            if self.columns[..i].iter().any(|d| d.name == c.name) {
                return Err(syn::Error::new(
                    c.name.span(),
                    format!("column `{}` is declared twice", c.name),
                ));
            }
            if self.columns[..i].iter().any(|d| d.sql_name == c.sql_name) {
                return Err(syn::Error::new(
                    c.name.span(),
                    format!("two columns have the SQL name `{}`", c.sql_name),
                ));
            }
        }
        if self.columns.is_empty() {
            return Err(syn::Error::new(
                name_span,
                "a table needs at least one column",
            ));
        }
        if self.derived {
            if let Some(key) = self.primary_key.first() {
                return Err(syn::Error::new(
                    key.span(),
                    "a `#[derived]` table has no primary key: write `name { columns }`",
                ));
            }
        } else if self.primary_key.is_empty() {
            match self.columns.iter().find(|c| c.name == "id") {
                Some(id) => self.primary_key.push(id.name.clone()),
                None => {
                    return Err(syn::Error::new(
                        name_span,
                        format!(
                            "table `{}` needs a primary key: write `{} (key_column) {{ ... }}`",
                            self.name, self.name
                        ),
                    ))
                }
            }
        }
        for key in &self.primary_key {
            if self.column(key).is_none() {
                return Err(syn::Error::new(
                    key.span(),
                    format!(
                        "primary key column `{key}` is not declared in `{}`",
                        self.name
                    ),
                ));
            }
        }
        for (i, fk) in self.foreign_keys.iter().enumerate() {
            if self.foreign_keys[..i]
                .iter()
                .any(|other| other.name == fk.name)
            {
                return Err(syn::Error::new(
                    fk.name.span(),
                    format!(
                        "two foreign keys of `{}` are named `{}`; name one with `name = ..`",
                        self.name, fk.name
                    ),
                ));
            }
            for (j, column) in fk.columns.iter().enumerate() {
                if fk.columns[..j].contains(column) {
                    return Err(syn::Error::new(
                        column.span(),
                        format!("column `{column}` appears twice in the foreign key"),
                    ));
                }
            }
            if fk
                .target
                .segments
                .last()
                .is_some_and(|s| s.ident == fk.name)
            {
                return Err(syn::Error::new(
                    fk.name.span(),
                    format!(
                        "foreign key name `{}` would hide the module of the table it references; choose another",
                        fk.name
                    ),
                ));
            }
            if self.column(&fk.name).is_some() {
                return Err(syn::Error::new(
                    fk.name.span(),
                    format!(
                        "foreign key name `{}` is also a column of `{}`; choose another with `name = ..`",
                        fk.name, self.name
                    ),
                ));
            }
        }
        let mut constraint_names: Vec<&str> = Vec::new();
        let declared = self
            .primary_key_name
            .iter()
            .chain(self.uniques.iter().filter_map(|u| u.name.as_ref()))
            .chain(self.checks.iter().filter_map(|c| c.name.as_ref()))
            .chain(
                self.foreign_keys
                    .iter()
                    .filter_map(|fk| fk.constraint.as_ref()),
            )
            .chain(self.columns.iter().flat_map(|c| {
                c.unique_name
                    .iter()
                    .chain(c.check.iter().filter_map(|k| k.name.as_ref()))
                    .chain(c.references.iter().filter_map(|r| r.constraint.as_ref()))
            }));
        for name in declared {
            if constraint_names.contains(&name.as_str()) {
                return Err(syn::Error::new(
                    name_span,
                    format!(
                        "two constraints of `{}` are named \"{name}\"; a table's constraint names differ",
                        self.name
                    ),
                ));
            }
            constraint_names.push(name);
        }
        let named = self
            .uniques
            .iter()
            .flat_map(|u| &u.columns)
            .chain(self.indexes.iter().flat_map(|(c, _)| c))
            .chain(self.foreign_keys.iter().flat_map(|fk| &fk.columns));
        for key in named {
            if self.column(key).is_none() {
                return Err(syn::Error::new(
                    key.span(),
                    format!("column `{key}` is not declared in `{}`", self.name),
                ));
            }
        }
        Ok(())
    }
}
