//! `#[derive(Changeset)]`: a struct of `Option` fields for UPDATE; `None` leaves the column
//! as it is: `update(users::table).filter(..).set(&changes)`.

use crate::row::{named_fields, options, table_option};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, GenericArgument, PathArguments, Type};

/// `X` of a field typed `Option<X>`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        PathArguments::AngleBracketed(a) => match a.args.first()? {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let name = &input.ident;
    let table = table_option(&input, "Changeset")?;
    let fields = named_fields(&input, "Changeset")?;
    let sp = quote!(::sqlwright::__private);
    let mut sets = Vec::new();
    let mut nones = Vec::new();
    let mut checks = Vec::new();
    let mut seen = Vec::new();
    let mut errors = Vec::new();
    for field in fields {
        let fname = field.ident.as_ref().expect("named field");
        let column = options(&field.attrs, false)?
            .column
            .unwrap_or_else(|| fname.clone());
        // A field that is not an `Option`, or that writes a column already written, is
        // reported and left out, so that the rest of the expansion (and every statement
        // using it) reports nothing more.
        let Some(inner) = option_inner(&field.ty) else {
            errors.push(syn::Error::new(
                field.ty.span(),
                "changeset fields are `Option<_>`: `None` leaves the column unchanged (use `Option<Option<_>>` to set a nullable column to NULL)",
            ).to_compile_error());
            continue;
        };
        if let Err(e) = crate::row::column_once(&mut seen, &column, fname) {
            errors.push(e.to_compile_error());
            continue;
        }
        let col = quote_spanned!(column.span()=> #table::#column);
        let st = quote!(<#col as #sp::ColumnDef>::SqlType);
        // Spanned at the field's type: a type the changeset cannot bind is reported there.
        let bind = quote_spanned! {inner.span()=> #sp::bind_field::<#st, _>(out, value)};
        sets.push(quote! {
            if let ::core::option::Option::Some(value) = &self.#fname {
                #sp::set_item(out, &mut first, <#col as #sp::ColumnDef>::NAME);
                out.redacting(<#col as #sp::ColumnDef>::SENSITIVE, |out| #bind);
            }
        });
        nones.push(quote!(self.#fname.is_none()));
        checks.push(quote_spanned! {inner.span()=>
            __sqlwright_stores::<#inner, #col, #st>();
        });
    }
    let (_, ty_generics, where_clause) = input.generics.split_for_impl();
    let params = &input.generics.params;
    let where_preds = where_clause.map(|w| &w.predicates);
    let (lifetimes, others): (Vec<_>, Vec<_>) = params
        .iter()
        .partition(|p| matches!(p, syn::GenericParam::Lifetime(_)));
    // Any UPDATE may be given the changeset; one of another table is refused by name. Spanned
    // at the struct's name, so that an error's note points there (not at the derive).
    let check = quote_spanned! {name.span()=>
        impl<'__x, #(#lifetimes,)* #(#others,)* __T>
            ::sqlwright::__private::Assignments<__T, ::sqlwright::__private::UpdateSet, ()>
            for &'__x #name #ty_generics
        where
            Self: '__x,
            __T: ::sqlwright::__private::IsTable<#table::table>,
            <__T as ::sqlwright::__private::IsTable<#table::table>>::Out:
                ::sqlwright::__private::ChangesetOf<__T, #table::table, #name #ty_generics>,
            #where_preds
        {
        }
    };
    Ok(quote! {
        #(#errors)*
        #check

        impl<'__x, #params> #sp::AssignList for &'__x #name #ty_generics
        where
            Self: '__x,
            #where_preds
        {
            // Values of the columns' own types, bound as parameters: what a SET of the
            // same columns needs.
            type Needs = ();
            fn render_columns(_: &mut #sp::SqlWriter<'_>) {}
            fn render_values<'__w>(&'__w self, _: &mut #sp::SqlWriter<'__w>) {}
            fn render_set<'__w>(&'__w self, out: &mut #sp::SqlWriter<'__w>) {
                let mut first = true;
                #(#sets)*
            }
            fn is_empty(&self) -> bool {
                true #(&& #nones)*
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
