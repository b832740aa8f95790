//! Column types written with absolute paths.
//!
//! rustc shortens a type's path in an error message (`Int4` instead of
//! `sqlwright::types::Int4`) only when no other item has that name, and it counts every name
//! the crate reaches through a glob import as taken. A column declared `id -> Int4` and
//! resolved through `use ::sqlwright::types::*` would make every message that mentions `Int4`
//! spell the whole path; resolved as `::sqlwright::types::Int4`, it does not.

use syn::{GenericArgument, PathArguments, Type};

/// The SQL type markers of `sqlwright::types` a declaration may name bare: the scalar types
/// of `BUILTIN_TYPES`, their alias `Varchar`, and the wrappers.
const SQL_TYPES: &[&str] = &[
    "Int2",
    "Int4",
    "Int8",
    "UInt1",
    "UInt2",
    "UInt4",
    "UInt8",
    "Float4",
    "Float8",
    "Numeric",
    "Text",
    "Varchar",
    "Char",
    "Bool",
    "Date",
    "Time",
    "Timestamp",
    "Timestamptz",
    "Interval",
    "Uuid",
    "Json",
    "Jsonb",
    "Bytea",
    "Inet",
    "Cidr",
    "MacAddr",
    "Nullable",
    "Array",
];

/// `ty` with each bare name of a built-in SQL type (`Int4`, `Nullable<Text>`) made absolute
/// (`::sqlwright::types::Int4`); other paths (a type of one's own) are kept as written.
pub fn absolute(ty: &Type) -> Type {
    let mut ty = ty.clone();
    rewrite(&mut ty);
    ty
}

fn rewrite(ty: &mut Type) {
    match ty {
        Type::Path(p) if p.qself.is_none() => {
            for segment in &mut p.path.segments {
                if let PathArguments::AngleBracketed(args) = &mut segment.arguments {
                    for arg in &mut args.args {
                        if let GenericArgument::Type(t) = arg {
                            rewrite(t);
                        }
                    }
                }
            }
            let bare = p.path.leading_colon.is_none() && p.path.segments.len() == 1;
            if bare && SQL_TYPES.iter().any(|t| p.path.segments[0].ident == t) {
                // `::sqlwright::types::` put in front, built rather than parsed: this runs
                // for every column, in a proc macro compiled without optimisation.
                let span = proc_macro2::Span::call_site();
                p.path.leading_colon = Some(syn::Token![::](span));
                for (i, name) in ["sqlwright", "types"].into_iter().enumerate() {
                    let segment = syn::PathSegment::from(syn::Ident::new(name, span));
                    p.path.segments.insert(i, segment);
                }
            }
        }
        Type::Group(g) => rewrite(&mut g.elem),
        Type::Paren(p) => rewrite(&mut p.elem),
        Type::Tuple(t) => t.elems.iter_mut().for_each(rewrite),
        Type::Array(a) => rewrite(&mut a.elem),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn abs(ty: &str) -> String {
        absolute(&syn::parse_str(ty).unwrap())
            .into_token_stream()
            .to_string()
    }

    #[test]
    fn built_in_names_become_absolute_and_others_stay() {
        assert_eq!(abs("Int4"), ":: sqlwright :: types :: Int4");
        assert_eq!(
            abs("Nullable<Array<Text>>"),
            ":: sqlwright :: types :: Nullable < :: sqlwright :: types :: Array < :: sqlwright :: types :: Text > >"
        );
        assert_eq!(abs("Mood"), "Mood");
        assert_eq!(abs("my::Int4"), "my :: Int4");
        assert_eq!(
            abs("Nullable<Mood>"),
            ":: sqlwright :: types :: Nullable < Mood >"
        );
    }
}
