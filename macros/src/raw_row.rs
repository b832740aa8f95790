//! `#[derive(RawRow)]`: a struct filled from a row of hand-written SQL by column name.
//!
//! ```text
//! #[derive(RawRow)]
//! struct Total { name: String, #[sqlwright(column = n)] count: i64 }
//! ```
//! generates `FromRawRow<R>` for every row type `R` that reads each field's type
//! (`GetColumn`: PostgreSQL's `DynRow`, `MysqlDynRow`, `SqliteDynRow`), reading each field
//! from the column of its name (or the one `#[sqlwright(column = ..)]` gives) with the
//! backend's conversion, so a missing column, a type that does not fit or an unexpected
//! NULL is an error naming the column. `FromDynRow` follows from `FromRawRow<DynRow>`.

use crate::row::{named_fields, options};
use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::DeriveInput;

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let name = &input.ident;
    let fields = named_fields(&input, "RawRow")?;
    let (_, ty_generics, _) = input.generics.split_for_impl();
    let mut generic_reads = Vec::new();
    let mut any_row = input.generics.clone();
    any_row.params.push(syn::parse_quote!(__SqlwrightRow));
    let bounds = any_row.make_where_clause();
    for field in fields {
        let fname = field.ident.as_ref().expect("named fields have names");
        let column = match options(&field.attrs, false)?.column {
            Some(c) => c.to_string(),
            None => fname.to_string(),
        };
        let column = column.strip_prefix("r#").unwrap_or(&column).to_string();
        let ty = &field.ty;
        generic_reads.push(quote!(
            #fname: ::sqlwright::raw::GetColumn::<#ty>::get_column(row, #column)?
        ));
        // Spanned at the field's type: a row that cannot read it points there.
        bounds.predicates.push(syn::parse_quote_spanned!(ty.span()=>
            __SqlwrightRow: ::sqlwright::raw::GetColumn<#ty>
        ));
    }
    let (any_impl, _, any_where) = any_row.split_for_impl();
    Ok(quote! {
        #[diagnostic::do_not_recommend]
        impl #any_impl ::sqlwright::raw::FromRawRow<__SqlwrightRow> for #name #ty_generics
            #any_where
        {
            fn from_raw_row(
                row: &__SqlwrightRow,
            ) -> ::core::result::Result<Self, ::sqlwright::Error> {
                ::core::result::Result::Ok(#name { #(#generic_reads,)* })
            }
        }
    })
}

/// What a `RawRow` derive that failed still generates: the impl, so that the queries loading
/// the struct add no error to the derive's own; it returns an error, and is never built
/// (the derive's error stops the build).
pub fn fallback(input: TokenStream) -> TokenStream {
    let Ok(input) = syn::parse2::<DeriveInput>(input) else {
        return TokenStream::new();
    };
    let name = &input.ident;
    let (_, ty_generics, where_clause) = input.generics.split_for_impl();
    let mut any_row = input.generics.clone();
    any_row.params.push(syn::parse_quote!(__SqlwrightRow));
    let (any_impl, _, _) = any_row.split_for_impl();
    quote! {
        impl #any_impl ::sqlwright::raw::FromRawRow<__SqlwrightRow> for #name #ty_generics
            #where_clause
        {
            fn from_raw_row(
                _: &__SqlwrightRow,
            ) -> ::core::result::Result<Self, ::sqlwright::Error> {
                ::core::result::Result::Err(::sqlwright::Error::Misuse(
                    "the RawRow derive of this struct failed".into(),
                ))
            }
        }
    }
}
