//! `#[derive(Insertable)]`: a struct whose fields are inserted into the columns of the same
//! names: `insert_into(users::table).values(&new_user)` or `.values(&rows[..])`.

use crate::row::{named_fields, options, table_option};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::DeriveInput;

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let name = &input.ident;
    let table = table_option(&input, "Insertable")?;
    let fields = named_fields(&input, "Insertable")?;
    let sp = quote!(::sqlwright::__private);
    let mut types = Vec::new();
    let mut values = Vec::new();
    let mut checks = Vec::new();
    let mut seen = Vec::new();
    let mut errors = Vec::new();
    for field in fields {
        let fname = field.ident.as_ref().expect("named field");
        let fty = &field.ty;
        let column = options(&field.attrs, false)?
            .column
            .unwrap_or_else(|| fname.clone());
        // A column written twice is reported, and its second field left out, so that the
        // rest of the expansion (and every statement using it) reports nothing more.
        if let Err(e) = crate::row::column_once(&mut seen, &column, fname) {
            errors.push(e.to_compile_error());
            continue;
        }
        let col = quote_spanned!(column.span()=> #table::#column);
        let st = quote!(<#col as #sp::ColumnDef>::SqlType);
        types.push(quote!(#sp::Assign<#sp::Col<#col>, #sp::Bound<#st, &'__x #fty>>));
        values.push(quote!(#sp::Assign::from_value(#sp::Bound::unchecked(&self.#fname))));
        checks.push(quote_spanned! {fty.span()=>
            __sqlwright_stores::<#fty, #col, #st>();
        });
    }
    let (_, ty_generics, where_clause) = input.generics.split_for_impl();
    let params = &input.generics.params;
    let where_preds = where_clause.map(|w| &w.predicates);
    Ok(quote! {
        #(#errors)*
        impl<'__x, #params> #sp::Insertable<'__x> for #name #ty_generics
        where
            Self: '__x,
            #where_preds
        {
            type Table = #table::table;
            type Values = (#(#types,)*);
            fn values(&'__x self) -> Self::Values {
                (#(#values,)*)
            }
        }

        const _: () = {
            fn __sqlwright_stores<T: #sp::FieldFits<C, ST>, C, ST>() {}
            fn __sqlwright_check<#params>() #where_clause {
                #(#checks)*
            }
        };
    })
}
