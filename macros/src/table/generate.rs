//! Code generation for one table: a module with the table type, a type per column, and
//! the metadata. Per column only a handful of small impls are emitted: users pay for each
//! on every build.

use super::types::absolute;
use crate::ids;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use sqlwright_schema::{doc_text, Check, Column, CompositeKey, Table};
use syn::ext::IdentExt;

pub fn table(t: &Table) -> TokenStream {
    let name = &t.name;
    let docs = &t.docs;
    let sql_name = &t.sql_name;
    let rust_name = name.unraw().to_string();
    let doc = doc_text(&t.docs);
    let renamed_from = opt_str(&t.renamed_from);
    let sp = quote!(::sqlwright::__private);
    let cols: Vec<_> = t.columns.iter().map(|c| &c.name).collect();
    let col_types: Vec<_> = cols.iter().map(|c| quote!(#sp::Col<#c>)).collect();
    let types: Vec<_> = t.columns.iter().map(|c| absolute(&c.ty)).collect();
    let pk_sql: Vec<_> = t
        .primary_key
        .iter()
        .map(|k| t.column(k).map(|c| c.sql_name.clone()).unwrap_or_default())
        .collect();
    let metas = t
        .columns
        .iter()
        .zip(&types)
        .map(|(c, ty)| column_meta(t, c, ty));
    let columns = (t.columns.iter().zip(&types).enumerate()).map(|(i, (c, ty))| column(i, c, ty));
    let relations = relations(t);
    let composites = t.foreign_keys.iter().map(composite_key);
    let composite_metas = t.foreign_keys.iter().map(|fk| composite_meta(t, fk));
    let id = ids::source_id("table", &format!("{rust_name}/{sql_name}"));
    let key_positions = t.primary_key.iter().map(|k| {
        let pos = t.columns.iter().position(|c| c.name == *k).unwrap_or(0);
        ids::bits(pos as u32, 8)
    });
    let sql_of = |k: &syn::Ident| t.column(k).map(|c| c.sql_name.clone()).unwrap_or_default();
    let uniques = t.uniques.iter().map(|u| {
        let names = u.columns.iter().map(sql_of);
        let name = opt_str(&u.name);
        quote!(#sp::UniqueMeta { columns: &[#(#names),*], name: #name })
    });
    let checks = t.checks.iter().map(check_meta);
    let primary_key_name = opt_str(&t.primary_key_name);
    let index_cols = t.indexes.iter().map(|(c, _)| {
        let names = c.iter().map(sql_of);
        quote!(#(#names),*)
    });
    let index_unique = t.indexes.iter().map(|(_, u)| *u);
    let unique_keys = unique_keys(t);
    let (pk_type, pk_value) = match t.primary_key.as_slice() {
        [one] => (quote!(#sp::Col<#one>), quote!(#one)),
        many => (quote!((#(#sp::Col<#many>,)*)), quote!((#(#many,)*))),
    };
    // A derived table's key is a position no group list holds: grouping by its columns
    // never makes its other columns grouped (PostgreSQL only infers that for real keys).
    let key_positions: Vec<TokenStream> = if t.derived {
        vec![quote!(#sp::NoKey)]
    } else {
        key_positions.collect()
    };
    let stored = if t.derived {
        quote!(#sp::False)
    } else {
        quote!(#sp::True)
    };
    let table_doc = format!("The `{sql_name}` table as a FROM item.");
    let all_doc = format!("All columns of `{sql_name}`, in declaration order.");

    quote! {
        #(#docs)*
        #[allow(non_camel_case_types, non_upper_case_globals, dead_code, unused_imports)]
        pub mod #name {
            use ::sqlwright::types::*;
            use super::*;

            #[doc = #table_doc]
            #[derive(Clone, Copy, Default)]
            pub struct table;

            impl #sp::Table for table {
                const SQL_NAME: &'static str = #sql_name;
                const META: &'static #sp::TableMeta = &#sp::TableMeta {
                    name: #rust_name,
                    sql_name: #sql_name,
                    columns: &[#(#metas),*],
                    primary_key: &[#(#pk_sql),*],
                    primary_key_name: #primary_key_name,
                    uniques: &[#(#uniques),*],
                    checks: &[#(#checks),*],
                    indexes: &[#(#sp::IndexMeta { columns: &[#index_cols], unique: #index_unique }),*],
                    foreign_keys: &[#(#composite_metas),*],
                    doc: #doc,
                    renamed_from: #renamed_from,
                };
                type KeyPositions = (#(#key_positions,)*);
                type PrimaryKey = #pk_type;
                const PRIMARY_KEY: Self::PrimaryKey = #pk_value;
                type AllColumns = (#(#col_types,)*);
                const ALL_COLUMNS: Self::AllColumns = (#(#cols,)*);
                type AllSqlTypes = (#(#types,)*);
                type Stored = #stored;
                type UniqueKeys = #unique_keys;
            }

            impl #sp::Source for table {
                type Id = #id;
                type Table = table;
                const NAME: &'static str = #sql_name;
            }
            impl<F: #sp::HasSource<table, I>, I> #sp::AppearsIn<F, I> for table {
                type Lifted = #sp::TableRow<table, F::Null>;
            }
            impl<G: #sp::SourceMode<table>> #sp::ValidGrouping<G, ()> for table {
                type Kind = G::Kind;
            }

            #(#relations)*
            #(#composites)*

            #[doc = #all_doc]
            pub const all_columns: (#(#col_types,)*) = (#(#cols,)*);

            #(#columns)*

            // Each column's name also names a type here, so that compiler messages print the
            // column as `users::name`, not `name` (rustc shortens a path to its last segment
            // when no other item has that name).
            mod __sqlwright_names {
                #(type #cols = ();)*
            }
        }
    }
}

/// The list `(key, (key, .. ()))` of the table's unique keys as tuples of column positions:
/// the primary key, each `#[unique]` column, each `#[unique(..)]` and `#[index(.., unique)]`.
/// A derived table has none.
fn unique_keys(t: &Table) -> TokenStream {
    if t.derived {
        return quote!(());
    }
    let position = |k: &syn::Ident| t.columns.iter().position(|c| c.name == *k).unwrap_or(0);
    let mut keys: Vec<Vec<usize>> = vec![t.primary_key.iter().map(position).collect()];
    keys.extend(
        t.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.unique)
            .map(|(i, _)| vec![i]),
    );
    keys.extend(
        t.uniques
            .iter()
            .map(|u| u.columns.iter().map(position).collect()),
    );
    keys.extend(
        t.indexes
            .iter()
            .filter(|(_, unique)| *unique)
            .map(|(c, _)| c.iter().map(position).collect()),
    );
    keys.iter().rev().fold(quote!(()), |rest, key| {
        let positions = key.iter().map(|&p| ids::bits(p as u32, 8));
        quote!(((#(#positions,)*), #rest))
    })
}

/// `Some("text")` or `None`, as tokens.
fn opt_str(v: &Option<String>) -> TokenStream {
    match v {
        Some(d) => quote!(::core::option::Option::Some(#d)),
        None => quote!(::core::option::Option::None),
    }
}

fn check_meta(check: &Check) -> TokenStream {
    let sql = &check.sql;
    let name = opt_str(&check.name);
    quote!(::sqlwright::__private::CheckMeta { sql: #sql, name: #name })
}

fn column_meta(t: &Table, c: &Column, ty: &syn::Type) -> TokenStream {
    let sp = quote!(::sqlwright::__private);
    let name = c.name.unraw().to_string();
    let sql_name = &c.sql_name;
    let primary_key = t.primary_key.contains(&c.name);
    let serial = c.serial;
    let unique = c.unique;
    let doc = doc_text(&c.docs);
    let renamed_from = opt_str(&c.renamed_from);
    let default = opt_str(&c.default);
    let check = match &c.check {
        Some(check) => {
            let meta = check_meta(check);
            quote!(::core::option::Option::Some(#meta))
        }
        None => quote!(::core::option::Option::None),
    };
    let sized_type = opt_str(&c.sized_type);
    let unique_name = opt_str(&c.unique_name);
    let references = match &c.references {
        Some(r) => {
            let col = &r.column;
            let on_delete = r.on_delete.sql();
            let on_update = r.on_update.sql();
            let constraint = opt_str(&r.constraint);
            quote!(::core::option::Option::Some(#sp::ForeignKeyMeta {
                table: <<#col as #sp::ColumnDef>::Table as #sp::Table>::SQL_NAME,
                column: <#col as #sp::ColumnDef>::NAME,
                constraint: #constraint,
                on_delete: #on_delete,
                on_update: #on_update,
            }))
        }
        None => quote!(::core::option::Option::None),
    };
    quote! {
        #sp::ColumnMeta {
            name: #name,
            sql_name: #sql_name,
            sql_type: <#ty as #sp::SqlType>::NAME,
            enum_type: <#ty as #sp::SqlType>::ENUM,
            sized_type: #sized_type,
            nullable: <#ty as #sp::SqlType>::IS_NULLABLE,
            primary_key: #primary_key,
            serial: #serial,
            unique: #unique,
            unique_name: #unique_name,
            default: #default,
            check: #check,
            references: #references,
            doc: #doc,
            renamed_from: #renamed_from,
        }
    }
}

/// For each foreign key: a named join path, and (when it is the table's only key to that
/// table) the relation that lets `join` find the ON condition by itself, in both directions.
fn relations(t: &Table) -> Vec<TokenStream> {
    let sp = quote!(::sqlwright::__private);
    let target_of = |c: &Column| {
        c.references.as_ref().map(|r| {
            let mut table = r.column.clone();
            if let Some(last) = table.segments.last_mut() {
                last.ident = format_ident!("table");
            }
            table
        })
    };
    let mut out = Vec::new();
    let mut fk_list = Vec::new();
    for c in &t.columns {
        let (Some(r), Some(target)) = (&c.references, target_of(c)) else {
            continue;
        };
        let col = &c.name;
        let referenced = &r.column;
        let on_ty = quote!(#sp::Binary<#sp::Eq, #sp::Col<#col>, #sp::Col<#referenced>>);
        let unique = c.unique || (t.primary_key.len() == 1 && t.primary_key[0] == c.name);
        out.push(quote! {
            impl #sp::ForeignKey for #col {
                type Referenced = #referenced;
                const UNIQUE: bool = #unique;
            }
            #[diagnostic::do_not_recommend]
            impl #sp::ChildOf<#sp::Col<#col>> for table {
                type Key = #col;
            }
        });
        // The default path name is the column's without `_id`, unless that is the name of
        // the referenced table's module (it would shadow it here) or of a column.
        let module = r
            .column
            .segments
            .iter()
            .rev()
            .nth(1)
            .map(|s| s.ident.to_string());
        let path_name = r.name.clone().or_else(|| {
            let n = c.name.unraw().to_string();
            n.strip_suffix("_id")
                .filter(|s| !s.is_empty())
                .filter(|s| module.as_deref() != Some(*s))
                .filter(|s| !t.columns.iter().any(|other| other.name == *s))
                .map(|s| format_ident!("{}", s, span = c.name.span()))
        });
        if let Some(path) = path_name {
            let doc = format!(
                "Join path along `{}`: `query.inner_join({}::{})` joins the referenced table.",
                c.sql_name, t.name, path
            );
            out.push(quote! {
                #[doc = #doc]
                #[allow(non_camel_case_types)]
                #[derive(Clone, Copy, Default)]
                pub struct #path;
                impl #sp::JoinPath for #path {
                    type From = table;
                    type To = #target;
                    type On = #on_ty;
                    fn on(self) -> #on_ty {
                        #sp::binary(#col, #referenced)
                    }
                }
                #[diagnostic::do_not_recommend]
                impl<F: #sp::HasSource<table, I> + #sp::NotInFrom<#target>, I>
                    #sp::JoinTarget<F, #sp::ByPath<I>, #target, #on_ty> for #path
                {
                    fn into_on(self) -> #on_ty {
                        #sp::binary(#col, #referenced)
                    }
                }
            });
        }
        fk_list.push(quote!(#sp::FkRef<<#target as #sp::Source>::Id, #on_ty>));
    }
    // The key list joins search (`query.inner_join(table)`), innermost last.
    let list = fk_list
        .iter()
        .rev()
        .fold(quote!(()), |rest, fk| quote!((#fk, #rest)));
    out.push(quote! {
        impl #sp::ForeignKeys for table {
            type List = #list;
        }
    });
    out
}

fn column(position: usize, c: &Column, ty: &syn::Type) -> TokenStream {
    let sp = quote!(::sqlwright::__private);
    let name = &c.name;
    let docs = &c.docs;
    let sql_name = &c.sql_name;
    let fallback_doc = format!("The `{sql_name}` column.");
    let position_bits = ids::bits(position as u32, 8);
    // Only `#[sensitive]` columns override the trait's default (`false`).
    let sensitive = c.sensitive.then(|| {
        quote!(
            const SENSITIVE: bool = true;
        )
    });
    let docs = if docs.is_empty() {
        quote!(#[doc = #fallback_doc])
    } else {
        quote!(#(#docs)*)
    };
    // The marker type and the value share the column's name (type and value namespaces):
    // `users::name` is the value, of type `Col<users::name>`. All behaviour is implemented
    // once for `Col<_>` in the runtime; this is the only impl per column.
    // The marker is an empty enum: it names a type only (a unit struct would also be a value).
    // Spanned at the column's declaration: an error whose subject is the column (`users::id`
    // is not a boolean) shows that line, with the declared type.
    let marker = quote::quote_spanned!(name.span()=> pub enum #name {});
    quote! {
        #docs
        #marker

        impl #sp::ColumnDef for #name {
            type Table = table;
            type SqlType = #ty;
            const NAME: &'static str = #sql_name;
            type Position = #position_bits;
            #sensitive
        }

        #docs
        pub const #name: #sp::Col<#name> = #sp::Col::new();
    }
}

/// The path of `item` in the referenced table's module: `partsupp::ps_partkey`.
fn in_target(fk: &CompositeKey, item: &syn::Ident) -> syn::Path {
    let mut path = fk.target.clone();
    path.segments.push(syn::PathSegment::from(item.clone()));
    path
}

fn composite_meta(t: &Table, fk: &CompositeKey) -> TokenStream {
    let sp = quote!(::sqlwright::__private);
    let name = fk.name.unraw().to_string();
    let columns = fk
        .columns
        .iter()
        .map(|c| t.column(c).map(|c| c.sql_name.clone()).unwrap_or_default());
    let target = in_target(fk, &format_ident!("table"));
    let referenced = fk.referenced.iter().map(|r| {
        let r = in_target(fk, r);
        quote!(<#r as #sp::ColumnDef>::NAME)
    });
    let (on_delete, on_update) = (fk.on_delete.sql(), fk.on_update.sql());
    let constraint = opt_str(&fk.constraint);
    quote! {
        #sp::CompositeKeyMeta {
            name: #name,
            columns: &[#(#columns),*],
            table: <#target as #sp::Table>::SQL_NAME,
            referenced: &[#(#referenced),*],
            constraint: #constraint,
            on_delete: #on_delete,
            on_update: #on_update,
        }
    }
}

/// A foreign key of several columns: a named join path whose ON condition compares every
/// pair of columns (`a = x AND b = y`), and the relation marker the loaders take.
fn composite_key(fk: &CompositeKey) -> TokenStream {
    let sp = quote!(::sqlwright::__private);
    let name = &fk.name;
    let target = in_target(fk, &format_ident!("table"));
    let pairs: Vec<(TokenStream, TokenStream)> = fk
        .columns
        .iter()
        .zip(&fk.referenced)
        .map(|(c, r)| {
            let r = in_target(fk, r);
            (
                quote!(#sp::Binary<#sp::Eq, #sp::Col<#c>, #sp::Col<#r>>),
                quote!(#sp::binary::<#sp::Eq, _, _>(#c, #r)),
            )
        })
        .collect();
    let (mut on_ty, mut on) = pairs[0].clone();
    for (ty, value) in &pairs[1..] {
        on_ty = quote!(#sp::Binary<#sp::And, #on_ty, #ty>);
        on = quote!(#sp::binary::<#sp::And, _, _>(#on, #value));
    }
    let child_cols = &fk.columns;
    let parent_cols = fk.referenced.iter().map(|r| in_target(fk, r));
    let doc = format!(
        "The foreign key ({}) -> {}: a join path (`query.inner_join(this)`) and a relation for the loaders.",
        fk.columns.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", "),
        quote!(#target).to_string().replace(' ', "")
    );
    quote! {
        #[doc = #doc]
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Default)]
        pub struct #name;
        impl #sp::JoinPath for #name {
            type From = table;
            type To = #target;
            type On = #on_ty;
            fn on(self) -> #on_ty {
                #on
            }
        }
        #[diagnostic::do_not_recommend]
        impl<F: #sp::HasSource<table, I> + #sp::NotInFrom<#target>, I>
            #sp::JoinTarget<F, #sp::ByPath<I>, #target, #on_ty> for #name
        {
            fn into_on(self) -> #on_ty {
                #on
            }
        }
        #[diagnostic::do_not_recommend]
        impl #sp::ChildOf<#name> for table {
            type Key = (#(#child_cols,)*);
        }
        impl #sp::Link for #name {
            type Child = table;
            type Parent = #target;
            type ChildKey = (#(#child_cols,)*);
            type ParentKey = (#(#parent_cols,)*);
        }
    }
}
