//! Code generation for an enum declared in `table!`: a SQL-type marker, like `Text`, whose
//! values are the declared labels.

use proc_macro2::TokenStream;
use quote::quote;
use sqlwright_schema::SqlEnum;

pub fn sql_enum(e: &SqlEnum) -> TokenStream {
    let name = &e.name;
    let sql_name = &e.sql_name;
    let array_name = format!("{sql_name}[]");
    let labels = &e.labels;
    let sp = quote!(::sqlwright::__private);
    let ty = quote!(::sqlwright::types);
    let docs = &e.docs;
    let doc = format!(
        "The SQL enum type `{sql_name}` ({}): a column of it loads as the label (`String`), \
         or as a Rust enum deriving `DbEnum` with `#[sqlwright(sql_type = {name})]`.",
        labels.join(", ")
    );
    let doc = if docs.is_empty() {
        quote!(#[doc = #doc])
    } else {
        quote!(#(#docs)*)
    };
    quote! {
        #doc
        // An empty enum: a type only, as the built-in markers are used (never a value).
        #[allow(non_camel_case_types)]
        pub enum #name {}

        impl #ty::SqlType for #name {
            const NAME: &'static str = #sql_name;
            const IS_NULLABLE: bool = false;
            const PG_TYPE: #sp::PgType = #sp::PgType::TEXT;
            type Nullability = #ty::NotNull;
            type NotNull = Self;
            type Nullable = #ty::Nullable<Self>;
            type Needs = ();
            type Rank = #ty::NotNumeric;
            const ENUM: ::core::option::Option<&'static #ty::EnumMeta> =
                ::core::option::Option::Some(<Self as #ty::EnumType>::META);
        }
        impl #ty::EnumType for #name {
            const META: &'static #ty::EnumMeta = &#ty::EnumMeta {
                sql_name: #sql_name,
                labels: &[#(#labels),*],
            };
        }
        impl #ty::ArrayElement for #name {
            const ARRAY_NAME: &'static str = #array_name;
            const ARRAY_PG_TYPE: #sp::PgType = #sp::PgType::TEXT_ARRAY;
        }
        impl #ty::Comparable for #name {}
        // The label as text is the same on both backends (SQLite stores the text); text to
        // the type is PostgreSQL's (SQLite's CAST reads the name by affinity).
        impl ::sqlwright::expr::casts::CastTo<#name> for #name {
            type Needs = ();
        }
        impl ::sqlwright::expr::casts::CastTo<#ty::Text> for #name {
            type Needs = ();
        }
        impl ::sqlwright::expr::casts::CastTo<#name> for #ty::Text {
            type Needs = ::sqlwright::backend::needs::PgOnly<
                ::sqlwright::backend::needs::features::PgCasts,
            >;
        }
        impl #ty::DefaultRust for #name {
            type Rust = ::std::string::String;
        }
        impl #ty::FromSqlValue<#name> for ::std::string::String {
            fn decode(
                ty: &#sp::PgType,
                raw: ::core::option::Option<&[u8]>,
            ) -> ::core::result::Result<Self, #sp::DecodeError> {
                #ty::label_from_pg(ty, raw, #sql_name, |l| {
                    ::core::option::Option::Some(::std::string::String::from(l))
                })
            }
            ::sqlwright::__if_sqlite! {
                fn decode_sqlite(
                    value: ::sqlwright::backend::SqliteValue<'_>,
                ) -> ::core::result::Result<Self, #sp::DecodeError> {
                    #ty::label_from_sqlite(value, |l| {
                        ::core::option::Option::Some(::std::string::String::from(l))
                    })
                }
            }
            ::sqlwright::__if_mysql! {
                fn decode_mysql(
                    value: &::sqlwright::__private::MysqlValue<'_>,
                ) -> ::core::result::Result<Self, #sp::DecodeError> {
                    #ty::label_from_mysql(value, |l| {
                        ::core::option::Option::Some(::std::string::String::from(l))
                    })
                }
            }
        }
        // Written per Rust type (here and by `DbEnum`), not as one blanket impl over enum
        // types: a blanket `FromRow` impl buries the messages of mistaken tuple loads.
        impl #ty::FromRow<#name> for ::std::string::String {
            #[inline(always)]
            fn from_row(
                row: &mut #ty::RowReader<'_>,
            ) -> ::core::result::Result<Self, ::sqlwright::Error> {
                row.read::<Self, #name>()
            }
        }
        impl #ty::RowOf for #name {
            type Row = ::std::string::String;
        }
    }
}
