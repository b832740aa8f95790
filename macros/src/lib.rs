//! Procedural macros for [sqlwright](https://docs.rs/sqlwright): `table!` and
//! `#[derive(Row)]`. Use them through the `sqlwright` crate, which re-exports them.
//!
//! Each macro parses its input into a small model, validates it with errors that point at
//! the offending tokens, then generates code that names runtime items by absolute path
//! (`::sqlwright::...`). The entry points are thin shims over functions on
//! `proc_macro2::TokenStream`, so expansions can be tested without a compiler run.

#![deny(missing_docs)]

mod alias;
mod changeset;
mod db_enum;
mod ids;
mod insertable;
mod migrations;
mod raw_row;
mod row;
mod table;

use proc_macro::TokenStream;

/// Declares one or more tables. See the `sqlwright` crate documentation.
#[proc_macro]
pub fn table(input: TokenStream) -> TokenStream {
    table::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// The type-level id of a function or operator marker, for the grouping rule that matches
/// a GROUP BY expression with the same expression elsewhere: `__name_id!(fn lower)`.
/// Not API: used by the `sqlwright` crate's own macros.
#[doc(hidden)]
#[proc_macro]
pub fn __name_id(input: TokenStream) -> TokenStream {
    let text = input
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(":");
    ids::bits(ids::hash(&text), 32).into()
}

/// The migrations of a directory (relative to the crate's `Cargo.toml`), compiled into the
/// program: `sqlwright::embed_migrations!("migrations")` is a
/// `sqlwright::migrate::EmbeddedMigrations`. A missing directory, a malformed migration
/// directory name or a missing `up.sql`/`down.sql` is a compile error naming the path.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    migrations::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Declares aliases of tables, for self-joins and tables joined twice:
/// `sqlwright::alias!(n1 = nation, n2 = nation);`.
#[proc_macro]
pub fn alias(input: TokenStream) -> TokenStream {
    alias::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives mapping a Rust enum of unit variants to SQL labels: a declared enum type
/// (`#[sqlwright(sql_type = OrderStatus)]`) and/or text (`#[sqlwright(text)]`, the default
/// without `sql_type`); labels are the variant names in snake case unless
/// `#[sqlwright(rename_all = "..")]` or a variant's `#[sqlwright(rename = "..")]` says.
#[proc_macro_derive(DbEnum, attributes(sqlwright))]
pub fn derive_db_enum(input: TokenStream) -> TokenStream {
    let input: proc_macro2::TokenStream = input.into();
    db_enum::expand(input.clone())
        .unwrap_or_else(|e| {
            let mut out = e.into_compile_error();
            out.extend(db_enum::fallback(input));
            out
        })
        .into()
}

/// Derives inserting a struct: its fields go into the columns of the same names.
#[proc_macro_derive(Insertable, attributes(sqlwright))]
pub fn derive_insertable(input: TokenStream) -> TokenStream {
    insertable::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives updating from a struct of `Option` fields: `None` leaves a column unchanged.
#[proc_macro_derive(Changeset, attributes(sqlwright))]
pub fn derive_changeset(input: TokenStream) -> TokenStream {
    changeset::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives loading a struct from its own select clause: one column per field, by name.
#[proc_macro_derive(Row, attributes(sqlwright))]
pub fn derive_row(input: TokenStream) -> TokenStream {
    row::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives reading a struct from a row of hand-written SQL (`sqlwright::raw`), each field
/// from the column of its name (or `#[sqlwright(column = name)]`).
#[proc_macro_derive(RawRow, attributes(sqlwright))]
pub fn derive_raw_row(input: TokenStream) -> TokenStream {
    let input: proc_macro2::TokenStream = input.into();
    raw_row::expand(input.clone())
        .unwrap_or_else(|e| {
            let mut out = e.into_compile_error();
            out.extend(raw_row::fallback(input));
            out
        })
        .into()
}
