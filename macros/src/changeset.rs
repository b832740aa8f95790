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
    let list = quote::format_ident!("__SqlwrightSet{}", name);
    let mut list_fields = Vec::new();
    let mut list_values = Vec::new();
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
        // The list `set` stores: each field as a `Bound` borrowing it, as `column.to(&field)`
        // binds it (an unsigned integer has no `Encode` of its own to borrow).
        list_fields.push(quote!(#fname: ::core::option::Option<#sp::Bound<#st, &'__x #inner>>));
        list_values.push(quote!(#fname: self.#fname.as_ref().map(#sp::Bound::unchecked)));
        // Spanned at the field's type: a type the changeset cannot bind is reported there.
        sets.push(quote_spanned! {inner.span()=>
            #sp::set_field::<#col, _>(out, &mut first, &self.#fname);
        });
        nones.push(quote!(self.#fname.is_none()));
        checks.push(quote_spanned! {inner.span()=>
            __sqlwright_stores::<#inner, #col, #st>();
        });
    }
    let vis = &input.vis;
    let (_, ty_generics, where_clause) = input.generics.split_for_impl();
    let params = &input.generics.params;
    let args: Vec<TokenStream> = params
        .iter()
        .map(|p| match p {
            syn::GenericParam::Lifetime(l) => {
                let l = &l.lifetime;
                quote!(#l)
            }
            syn::GenericParam::Type(t) => {
                let t = &t.ident;
                quote!(#t)
            }
            syn::GenericParam::Const(c) => {
                let c = &c.ident;
                quote!(#c)
            }
        })
        .collect();
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

        /// The fields of a changeset as `set(&changes)` stores them (not API).
        #[doc(hidden)]
        #vis struct #list<'__x, #params>
        where
            #where_preds
        {
            #(#list_fields,)*
            __sqlwright_of: ::core::marker::PhantomData<&'__x #name #ty_generics>,
        }

        impl<'__x, #params> #sp::AssignList for &'__x #name #ty_generics
        where
            Self: '__x,
            #where_preds
        {
            // Values of the columns' own types, bound as parameters: what a SET of the
            // same columns needs.
            type Needs = ();
            type List = #list<'__x, #(#args),*>;
            fn into_list(self) -> Self::List {
                #list {
                    #(#list_values,)*
                    __sqlwright_of: ::core::marker::PhantomData,
                }
            }
            fn render_columns(_: &mut #sp::SqlWriter<'_>) {}
            fn render_values<'__w>(&'__w self, _: &mut #sp::SqlWriter<'__w>) {}
            fn render_set<'__w>(&'__w self, out: &mut #sp::SqlWriter<'__w>) {
                #sp::unlisted_changeset(out);
            }
            fn is_empty(&self) -> bool {
                true #(&& #nones)*
            }
        }

        impl<'__x, #params> #sp::AssignList for #list<'__x, #(#args),*>
        where
            #where_preds
        {
            type Needs = ();
            type List = Self;
            fn into_list(self) -> Self {
                self
            }
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
