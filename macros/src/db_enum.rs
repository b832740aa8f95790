//! `#[derive(DbEnum)]`: a Rust enum of unit variants whose values are SQL labels, stored in
//! a declared enum type (`#[sqlwright(sql_type = OrderStatus)]`) and/or in text columns
//! (`#[sqlwright(text)]`, the default without `sql_type`).
//!
//! ```text
//! #[derive(DbEnum, Debug)]
//! #[sqlwright(sql_type = OrderStatus, rename_all = "snake_case")]
//! enum Status { Pending, #[sqlwright(rename = "paid")] PaidInFull, Shipped }
//! ```

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr, Path};

/// How variant names become labels when no `rename` says.
#[derive(Clone, Copy)]
enum RenameAll {
    Snake,
    Lower,
    Upper,
    ScreamingSnake,
    Kebab,
    Camel,
    Pascal,
}

const RULES: &str = "\"snake_case\", \"lowercase\", \"UPPERCASE\", \"SCREAMING_SNAKE_CASE\", \"kebab-case\", \"camelCase\" or \"PascalCase\"";

impl RenameAll {
    fn parse(lit: &LitStr) -> syn::Result<Self> {
        Ok(match lit.value().as_str() {
            "snake_case" => RenameAll::Snake,
            "lowercase" => RenameAll::Lower,
            "UPPERCASE" => RenameAll::Upper,
            "SCREAMING_SNAKE_CASE" => RenameAll::ScreamingSnake,
            "kebab-case" => RenameAll::Kebab,
            "camelCase" => RenameAll::Camel,
            "PascalCase" => RenameAll::Pascal,
            other => {
                return Err(syn::Error::new(
                    lit.span(),
                    format!("unknown rename_all rule \"{other}\"; expected {RULES}"),
                ))
            }
        })
    }

    /// The label of variant `name` (written in PascalCase, as Rust names variants).
    fn apply(self, name: &str) -> String {
        let snake = sqlwright_schema::snake_case(name);
        match self {
            RenameAll::Snake => snake,
            RenameAll::Lower => name.to_lowercase(),
            RenameAll::Upper => name.to_uppercase(),
            RenameAll::ScreamingSnake => snake.to_uppercase(),
            RenameAll::Kebab => snake.replace('_', "-"),
            RenameAll::Camel => {
                let mut chars = name.chars();
                chars
                    .next()
                    .map(|c| c.to_lowercase().chain(chars).collect())
                    .unwrap_or_default()
            }
            RenameAll::Pascal => name.to_string(),
        }
    }
}

struct Options {
    sql_type: Option<Path>,
    text: bool,
    rename_all: RenameAll,
}

fn options(input: &DeriveInput) -> syn::Result<Options> {
    let mut o = Options {
        sql_type: None,
        text: false,
        rename_all: RenameAll::Snake,
    };
    for attr in input
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("sqlwright"))
    {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("sql_type") {
                o.sql_type = Some(meta.value()?.parse()?);
            } else if meta.path.is_ident("text") {
                o.text = true;
            } else if meta.path.is_ident("rename_all") {
                o.rename_all = RenameAll::parse(&meta.value()?.parse()?)?;
            } else {
                return Err(meta.error(
                    "unknown sqlwright option; expected `sql_type = EnumType`, `text` or `rename_all = \"..\"`",
                ));
            }
            Ok(())
        })?;
    }
    Ok(o)
}

/// `#[sqlwright(rename = "..")]` on a variant.
fn rename(attrs: &[syn::Attribute]) -> syn::Result<Option<LitStr>> {
    let mut out = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("sqlwright")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                out = Some(meta.value()?.parse::<LitStr>()?);
                Ok(())
            } else {
                Err(meta.error("unknown sqlwright option on a variant; expected `rename = \"..\"`"))
            }
        })?;
    }
    Ok(out)
}

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(input)?;
    let name = &input.ident;
    let data = match &input.data {
        Data::Enum(data) => data,
        Data::Struct(s) => {
            return Err(syn::Error::new(
                s.struct_token.span(),
                format!("`DbEnum` derives for enums, and `{name}` is a struct: each variant of an enum is one SQL label"),
            ))
        }
        Data::Union(u) => {
            return Err(syn::Error::new(
                u.union_token.span(),
                format!("`DbEnum` derives for enums, and `{name}` is a union: each variant of an enum is one SQL label"),
            ))
        }
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "a `DbEnum` enum has no generic parameters",
        ));
    }
    let o = options(&input)?;
    let mut variants = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            return Err(syn::Error::new(
                v.span(),
                format!(
                    "variant `{}` has fields; a `DbEnum` variant is a SQL label and holds no data",
                    v.ident
                ),
            ));
        }
        let label = match rename(&v.attrs)? {
            Some(lit) => lit.value(),
            None => o
                .rename_all
                .apply(&syn::ext::IdentExt::unraw(&v.ident).to_string()),
        };
        if label.is_empty() || label.contains('\0') {
            return Err(syn::Error::new(
                v.span(),
                "a label is not empty and has no NUL byte",
            ));
        }
        if let Some(i) = labels.iter().position(|l| *l == label) {
            return Err(syn::Error::new(
                v.ident.span(),
                format!(
                    "variants `{}` and `{}` both have the label \"{label}\"",
                    data.variants[i].ident, v.ident
                ),
            ));
        }
        labels.push(label);
        variants.push(&v.ident);
    }
    if variants.is_empty() {
        return Err(syn::Error::new(
            name.span(),
            format!("`{name}` has no variants: a `DbEnum` needs one per SQL label"),
        ));
    }

    let ty = quote!(::sqlwright::types);
    // The variants must be exactly the declared type's labels: checked when the program is
    // built, so that no label of the type fails to load and no variant fails to store.
    let label_check = o.sql_type.as_ref().map(|st| {
        quote_spanned! {st.span()=>
            const _: () = ::core::assert!(
                #ty::same_labels(
                    <#name as #ty::DbEnum>::LABELS,
                    <#st as #ty::EnumType>::META.labels,
                ),
                "the labels of this `DbEnum` (its variants, renamed) differ from the labels its `sql_type` declares",
            );
        }
    });
    let label = quote! {
        match self {
            #(Self::#variants => #labels,)*
        }
    };
    let from_label = quote! {
        match label {
            #(#labels => ::core::option::Option::Some(Self::#variants),)*
            _ => ::core::option::Option::None,
        }
    };
    let mut out = impls(name, &o, &labels, label, from_label);
    out.extend(label_check);
    Ok(out)
}

/// What a `DbEnum` derive that failed still generates: the impls, with no labels, so that
/// the queries using the type add no error to the derive's own (the derive's error stops
/// the build, so they are never run).
pub fn fallback(input: TokenStream) -> TokenStream {
    let Ok(input) = syn::parse2::<DeriveInput>(input) else {
        return TokenStream::new();
    };
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let o = options(&input).unwrap_or(Options {
        sql_type: None,
        text: false,
        rename_all: RenameAll::Snake,
    });
    let label = quote! {
        let _ = self;
        ""
    };
    let from_label = quote! {
        let _ = label;
        ::core::option::Option::None
    };
    impls(&input.ident, &o, &[], label, from_label)
}

/// The impls of a `DbEnum`: the trait (`label` and `from_label` bodies given), sending
/// (`ToSql`, `Encode`), and per SQL type it maps to, a value of it and a load from it.
fn impls(
    name: &syn::Ident,
    o: &Options,
    labels: &[String],
    label: TokenStream,
    from_label: TokenStream,
) -> TokenStream {
    let sp = quote!(::sqlwright::__private);
    let ty = quote!(::sqlwright::types);
    let mut sql_types = Vec::new();
    if let Some(st) = &o.sql_type {
        sql_types.push(quote!(#st));
    }
    if o.text || o.sql_type.is_none() {
        sql_types.push(quote!(#ty::Text));
    }
    // A column of the declared type loads into the enum; `Text` columns load through the
    // runtime's impl for every `FromSqlValue<Text>` type.
    let from_row = o.sql_type.as_ref().map(|st| {
        quote! {
            impl #ty::FromRow<#st> for #name {
                #[inline(always)]
                fn from_row(
                    row: &mut #ty::RowReader<'_>,
                ) -> ::core::result::Result<Self, ::sqlwright::Error> {
                    row.read::<Self, #st>()
                }
            }
        }
    });
    let per_type = sql_types.iter().map(|st| {
        quote! {
            impl #sp::SqlValue<#st> for #name {}
            impl #sp::AsExpr<#st> for #name {
                type Expr = #sp::Bound<#st, #name>;
                fn into_expr(self) -> Self::Expr {
                    #sp::Bound::new(self)
                }
            }
            impl #ty::FromSqlValue<#st> for #name {
                fn decode(
                    ty: &#sp::PgType,
                    raw: ::core::option::Option<&[u8]>,
                ) -> ::core::result::Result<Self, #sp::DecodeError> {
                    #ty::label_from_pg(
                        ty,
                        raw,
                        <#st as #ty::SqlType>::NAME,
                        <Self as #ty::DbEnum>::from_label,
                    )
                }
                ::sqlwright::__if_sqlite! {
                    fn decode_sqlite(
                        value: ::sqlwright::backend::SqliteValue<'_>,
                    ) -> ::core::result::Result<Self, #sp::DecodeError> {
                        #ty::label_from_sqlite(value, <Self as #ty::DbEnum>::from_label)
                    }
                }
                ::sqlwright::__if_mysql! {
                    fn decode_mysql(
                        value: &::sqlwright::__private::MysqlValue<'_>,
                    ) -> ::core::result::Result<Self, #sp::DecodeError> {
                        #ty::label_from_mysql(value, <Self as #ty::DbEnum>::from_label)
                    }
                }
            }
        }
    });
    quote! {
        impl #ty::DbEnum for #name {
            const LABELS: &'static [&'static str] = &[#(#labels),*];
            fn label(&self) -> &'static str {
                #label
            }
            fn from_label(label: &str) -> ::core::option::Option<Self> {
                #from_label
            }
        }

        impl #sp::ToSql for #name {
            fn to_sql(
                &self,
                _: &#sp::PgType,
                out: &mut #sp::BytesMut,
            ) -> ::core::result::Result<
                #sp::IsNull,
                ::std::boxed::Box<dyn ::std::error::Error + ::core::marker::Sync + ::core::marker::Send>,
            > {
                #ty::label_to_sql(#ty::DbEnum::label(self), out)
            }
            fn accepts(ty: &#sp::PgType) -> bool {
                #ty::label_accepts(ty)
            }
            fn to_sql_checked(
                &self,
                ty: &#sp::PgType,
                out: &mut #sp::BytesMut,
            ) -> ::core::result::Result<
                #sp::IsNull,
                ::std::boxed::Box<dyn ::std::error::Error + ::core::marker::Sync + ::core::marker::Send>,
            > {
                if !#ty::label_accepts(ty) {
                    return ::core::result::Result::Err(::std::format!(
                        "cannot send Rust `{}` as PostgreSQL `{}`",
                        ::core::stringify!(#name),
                        ty.name()
                    ).into());
                }
                self.to_sql(ty, out)
            }
        }

        impl #sp::Encode for #name {
            ::sqlwright::__if_sqlite! {
                fn to_sqlite(
                    &self,
                ) -> ::core::result::Result<::sqlwright::backend::SqliteArg<'_>, ::std::string::String> {
                    ::core::result::Result::Ok(#ty::label_to_sqlite(#ty::DbEnum::label(self)))
                }
            }
            ::sqlwright::__if_mysql! {
                fn to_mysql(
                    &self,
                ) -> ::core::result::Result<::sqlwright::__private::MysqlParam, ::std::string::String> {
                    ::core::result::Result::Ok(#ty::label_to_mysql(#ty::DbEnum::label(self)))
                }
            }
        }

        impl #sp::RustValue for #name {}

        #(#per_type)*
        #from_row
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn err(input: TokenStream) -> String {
        expand(input).unwrap_err().to_string()
    }

    #[test]
    fn rename_rules() {
        let apply = |rule: &str, name: &str| {
            RenameAll::parse(&LitStr::new(rule, proc_macro2::Span::call_site()))
                .unwrap()
                .apply(name)
        };
        assert_eq!(apply("snake_case", "OnHold"), "on_hold");
        assert_eq!(apply("lowercase", "OnHold"), "onhold");
        assert_eq!(apply("UPPERCASE", "OnHold"), "ONHOLD");
        assert_eq!(apply("SCREAMING_SNAKE_CASE", "OnHold"), "ON_HOLD");
        assert_eq!(apply("kebab-case", "OnHold"), "on-hold");
        assert_eq!(apply("camelCase", "OnHold"), "onHold");
        assert_eq!(apply("PascalCase", "OnHold"), "OnHold");
        let e = RenameAll::parse(&LitStr::new("snake", proc_macro2::Span::call_site()))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("unknown rename_all rule \"snake\""), "{e}");
    }

    #[test]
    fn labels_follow_renames() {
        let out = expand(quote! {
            #[sqlwright(rename_all = "kebab-case")]
            enum S { OnHold, #[sqlwright(rename = "done")] Finished }
        })
        .unwrap()
        .to_string();
        assert!(out.contains("\"on-hold\" , \"done\""), "{out}");
    }

    #[test]
    fn raw_identifiers_lose_their_prefix() {
        let out = expand(quote! { enum S { r#type, r#Match } })
            .unwrap()
            .to_string();
        assert!(out.contains("\"type\" , \"match\""), "{out}");
    }

    #[test]
    fn misuse_is_named() {
        let e = err(quote! { struct S { a: i32 } });
        assert!(e.contains("`S` is a struct"), "{e}");
        let e = err(quote! { enum S { A, B(i32) } });
        assert!(e.contains("variant `B` has fields"), "{e}");
        let e = err(quote! { enum S { A, #[sqlwright(rename = "a")] B } });
        assert!(
            e.contains("variants `A` and `B` both have the label \"a\""),
            "{e}"
        );
        let e = err(quote! { #[sqlwright(sql = X)] enum S { A } });
        assert!(e.contains("unknown sqlwright option"), "{e}");
    }
}
