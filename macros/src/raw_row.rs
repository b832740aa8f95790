//! `#[derive(RawRow)]`: a struct filled from a row of hand-written SQL by column name.
//!
//! ```text
//! #[derive(RawRow)]
//! struct Total { name: String, #[sqlwright(column = n)] count: i64 }
//! ```
//! generates `FromDynRow`, reading each field from the column of its name (or the one
//! `#[sqlwright(column = ..)]` gives) with the driver's conversion, so a missing column,
//! a type that does not fit or an unexpected NULL is an error naming the column.

use crate::row::{named_fields, options};
use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let name = &input.ident;
    let fields = named_fields(&input, "RawRow")?;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let mut reads = Vec::new();
    for field in fields {
        let fname = field.ident.as_ref().expect("named fields have names");
        let column = match options(&field.attrs, false)?.column {
            Some(c) => c.to_string(),
            None => fname.to_string(),
        };
        let column = column.strip_prefix("r#").unwrap_or(&column).to_string();
        reads.push(quote!(#fname: row.get(#column)?));
    }
    Ok(quote! {
        impl #impl_generics ::sqlwright::raw::FromDynRow for #name #ty_generics #where_clause {
            fn from_dyn_row(
                row: &::sqlwright::raw::DynRow,
            ) -> ::core::result::Result<Self, ::sqlwright::Error> {
                ::core::result::Result::Ok(#name { #(#reads,)* })
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
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        impl #impl_generics ::sqlwright::raw::FromDynRow for #name #ty_generics #where_clause {
            fn from_dyn_row(
                _: &::sqlwright::raw::DynRow,
            ) -> ::core::result::Result<Self, ::sqlwright::Error> {
                ::core::result::Result::Err(::sqlwright::Error::Misuse(
                    "the RawRow derive of this struct failed".into(),
                ))
            }
        }
    }
}
