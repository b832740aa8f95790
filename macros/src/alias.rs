//! `alias!(n1 = nation, n2 = nation)`: named copies of a table for one query.

use crate::ids;
use proc_macro2::TokenStream;
use quote::quote;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, Path, Token, Visibility};

struct Alias {
    vis: Visibility,
    name: Ident,
    table: Path,
}

impl Parse for Alias {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let vis = input.parse()?;
        let name = input.parse()?;
        input.parse::<Token![=]>()?;
        let table = input.parse()?;
        Ok(Alias { vis, name, table })
    }
}

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let list = syn::parse::Parser::parse2(Punctuated::<Alias, Token![,]>::parse_terminated, input)?;
    if list.is_empty() {
        return Err(syn::Error::new(
            proc_macro2::Span::call_site(),
            "`alias!` needs at least one alias: `alias!(n1 = nation)`",
        ));
    }
    let sp = quote!(::sqlwright::__private);
    let items = list.iter().map(|a| {
        let Alias { vis, name, table } = a;
        let sql = syn::ext::IdentExt::unraw(name).to_string();
        let id = ids::source_id("alias", &sql);
        let doc = format!("The alias `{sql}`: its columns are `{sql}.col(column)`.");
        quote! {
            #[doc = #doc]
            #[allow(non_camel_case_types)]
            #[derive(Clone, Copy, Default)]
            #vis struct #name;

            impl #sp::Source for #name {
                type Id = #id;
                type Table = #table::table;
                const NAME: &'static str = #sql;
            }
            impl #sp::Alias for #name {}
            impl #sp::ForeignKeys for #name {
                type List = ();
            }

            impl<F: #sp::HasSource<#name, I>, I> #sp::AppearsIn<F, I> for #name {
                type Lifted = #sp::TableRow<#name, F::Null>;
            }
            impl<G: #sp::SourceMode<#name>> #sp::ValidGrouping<G, ()> for #name {
                type Kind = G::Kind;
            }
        }
    });
    Ok(items.collect())
}
