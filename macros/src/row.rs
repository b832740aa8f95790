//! `#[derive(Row)]`: a struct loaded from its own select clause, one column per field,
//! matched by name.
//!
//! ```text
//! #[derive(Row)]
//! #[sqlwright(table = users)]
//! struct User { id: i32, name: String, #[sqlwright(column = hair_color)] hair: Option<String> }
//! ```
//! generates `Selectable` (the select clause `(users::id, users::name, users::hair_color)`),
//! `FromRow` for that clause's SQL row type, and a check that each field's type loads from
//! its column's declared SQL type, reported at the field.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Ident, Path};

pub struct Options {
    pub table: Option<Path>,
    pub column: Option<Ident>,
}

pub fn options(attrs: &[syn::Attribute], allow_table: bool) -> syn::Result<Options> {
    let mut o = Options {
        table: None,
        column: None,
    };
    for attr in attrs.iter().filter(|a| a.path().is_ident("sqlwright")) {
        attr.parse_nested_meta(|meta| {
            if allow_table && meta.path.is_ident("table") {
                o.table = Some(meta.value()?.parse()?);
                Ok(())
            } else if !allow_table && meta.path.is_ident("column") {
                o.column = Some(meta.value()?.parse()?);
                Ok(())
            } else {
                let expected = if allow_table {
                    "table = ..."
                } else {
                    "column = ..."
                };
                Err(meta.error(format!("unknown sqlwright option; expected `{expected}`")))
            }
        })?;
    }
    Ok(o)
}

/// For the write derives: a column is written by one field only (PostgreSQL refuses a
/// column named twice). `seen` holds the columns and fields so far.
pub fn column_once(
    seen: &mut Vec<(String, Ident)>,
    column: &Ident,
    field: &Ident,
) -> syn::Result<()> {
    use syn::ext::IdentExt;
    let name = column.unraw().to_string();
    if let Some((_, first)) = seen.iter().find(|(c, _)| *c == name) {
        return Err(syn::Error::new(
            column.span(),
            format!("column `{name}` is written by two fields, `{first}` and `{field}`: each column takes one value"),
        ));
    }
    seen.push((name, field.clone()));
    Ok(())
}

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let name = &input.ident;
    let table = table_option(&input, "Row")?;
    let fields = named_fields(&input, "Row")?;
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "`#[derive(Row)]` does not support generic structs",
        ));
    }
    let sp = quote!(::sqlwright::__private);

    let mut columns = Vec::new();
    let mut reads = Vec::new();
    let mut fields_of = Vec::new();
    for field in fields {
        let fname = field.ident.as_ref().expect("named field");
        let fty = &field.ty;
        let column = options(&field.attrs, false)?
            .column
            .unwrap_or_else(|| fname.clone());
        let col_path = quote_spanned!(column.span()=> #table::#column);
        // Not recommended: a missing key field is reported by its own message, without a
        // list of the fields the struct has.
        fields_of.push(quote! {
            #[diagnostic::do_not_recommend]
            impl #sp::Field<#col_path> for #name {
                type Value = #fty;
                fn field(&self) -> &#fty {
                    &self.#fname
                }
            }
        });
        // Read in the body, not required by a where-clause: a field that does not fit its
        // column is then one error at the field, and the impl still exists for the queries
        // that load the struct (they add no error of their own).
        reads.push(quote_spanned! {fty.span()=>
            #fname: row.read::<#fty, <#col_path as #sp::ColumnDef>::SqlType>()?
        });
        columns.push(col_path);
    }

    Ok(quote! {
        #(#fields_of)*

        #[diagnostic::do_not_recommend]
        impl #sp::RowOfTable<#name> for #table::table {}

        impl #sp::Selectable for #name {
            type Table = #table::table;
            type Columns = (#(#sp::Col<#columns>,)*);
            const COLUMNS: Self::Columns = <Self::Columns as #sp::ColumnTuple>::VALUE;
        }

        // Generic over the row type (`__D`, which must be the declared one) so that it is
        // compiled only where a query loads the struct, as a generic impl is.
        impl<__D> #sp::FromRow<#sp::Tagged<#name, __D>> for #name
        where
            __D: #sp::SameType<(#(<#columns as #sp::ColumnDef>::SqlType,)*)>,
        {
            fn from_row(row: &mut #sp::RowReader<'_>) -> ::core::result::Result<Self, #sp::Error> {
                ::core::result::Result::Ok(#name { #(#reads,)* })
            }
        }
    })
}

/// The named fields of a struct, or an error naming the derive.
pub fn named_fields<'a>(
    input: &'a DeriveInput,
    derive: &str,
) -> syn::Result<&'a syn::punctuated::Punctuated<syn::Field, syn::Token![,]>> {
    let name = &input.ident;
    let fields = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(f) => &f.named,
            _ => {
                return Err(syn::Error::new(
                    name.span(),
                    format!("`#[derive({derive})]` needs a struct with named fields: fields match columns by name"),
                ))
            }
        },
        _ => {
            return Err(syn::Error::new(
                name.span(),
                format!("`#[derive({derive})]` works on structs only"),
            ))
        }
    };
    if fields.is_empty() {
        return Err(syn::Error::new(
            name.span(),
            "the struct needs at least one field",
        ));
    }
    Ok(fields)
}

/// The `#[sqlwright(table = ..)]` of a derive input, or an error naming the derive.
pub fn table_option(input: &DeriveInput, derive: &str) -> syn::Result<Path> {
    options(&input.attrs, true)?.table.ok_or_else(|| {
        syn::Error::new(
            input.ident.span(),
            format!("`#[derive({derive})]` needs the table: add `#[sqlwright(table = users)]`"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::format_ident;

    #[test]
    fn a_column_is_written_by_one_field() {
        let mut seen = Vec::new();
        let (name, nick) = (format_ident!("name"), format_ident!("nick"));
        column_once(&mut seen, &name, &name).unwrap();
        let e = column_once(&mut seen, &name, &nick)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "column `name` is written by two fields, `name` and `nick`: each column takes one value"
        );
        let r#type = format_ident!("r#type");
        column_once(&mut seen, &r#type, &r#type).unwrap();
        assert!(column_once(&mut seen, &format_ident!("type"), &nick).is_err());
    }
}
