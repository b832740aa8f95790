//! `enum OrderStatus { pending, paid, shipped }` inside `table!`: a PostgreSQL enum type
//! declared next to the tables whose columns use it.

use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{braced, Attribute, Ident, LitStr, Token};

/// A declared enum type.
pub struct SqlEnum {
    /// Doc comments carried onto the generated SQL-type marker.
    pub docs: Vec<Attribute>,
    /// The marker's Rust name (`OrderStatus`), which columns name as their type.
    pub name: Ident,
    /// The type's SQL name: `#[sql_name = ".."]`, else the Rust name in snake case
    /// (`order_status`).
    pub sql_name: String,
    /// The labels, in declaration order (which is PostgreSQL's sort order for the type).
    pub labels: Vec<String>,
}

/// `OrderStatus` → `order_status`, `HTTPCode` → `http_code`.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let after_lower = i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_numeric());
            let ends_acronym = i > 0
                && chars[i - 1].is_uppercase()
                && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if (after_lower || ends_acronym) && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether the next item of a `table!` body is an enum (after its attributes).
pub fn peek_enum(input: ParseStream<'_>) -> bool {
    let fork = input.fork();
    fork.call(Attribute::parse_outer).is_ok() && fork.peek(Token![enum])
}

impl Parse for SqlEnum {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let mut docs = Vec::new();
        let mut sql_name = None;
        for attr in attrs {
            if attr.path().is_ident("doc") {
                docs.push(attr);
            } else if attr.path().is_ident("sql_name") {
                let value: LitStr = attr.meta.require_name_value().and_then(|nv| {
                    syn::parse2(quote::ToTokens::to_token_stream(&nv.value)).map_err(|_| {
                        syn::Error::new(
                            nv.value.span(),
                            "expected a string literal: `#[sql_name = \"order_status\"]`",
                        )
                    })
                })?;
                crate::parse::check_sql_name(&value.value(), value.span())?;
                sql_name = Some(value.value());
            } else {
                return Err(syn::Error::new_spanned(
                    attr.path(),
                    "unknown enum attribute; expected `#[sql_name = \"..\"]` or a doc comment",
                ));
            }
        }
        input.parse::<Token![enum]>()?;
        let name = Ident::parse_any(input)?;
        let body;
        braced!(body in input);
        let mut labels: Vec<(String, proc_macro2::Span)> = Vec::new();
        while !body.is_empty() {
            let (label, span) = if body.peek(LitStr) {
                let lit: LitStr = body.parse()?;
                (lit.value(), lit.span())
            } else if body.peek(Ident::peek_any) {
                let ident = Ident::parse_any(&body)?;
                (ident.unraw().to_string(), ident.span())
            } else {
                return Err(body.error(
                    "expected an enum label: a name (`pending`) or a string (`\"on hold\"`)",
                ));
            };
            if label.is_empty() || label.len() > 63 || label.contains('\0') {
                return Err(syn::Error::new(
                    span,
                    "an enum label has 1 to 63 bytes and no NUL byte",
                ));
            }
            if labels.iter().any(|(l, _)| *l == label) {
                return Err(syn::Error::new(
                    span,
                    format!("label `{label}` is declared twice in enum `{name}`"),
                ));
            }
            labels.push((label, span));
            if !body.is_empty() {
                body.parse::<Token![,]>()?;
            }
        }
        if labels.is_empty() {
            return Err(syn::Error::new(
                name.span(),
                format!("enum `{name}` needs at least one label: `enum {name} {{ a, b }}`"),
            ));
        }
        Ok(SqlEnum {
            docs,
            sql_name: sql_name.unwrap_or_else(|| snake_case(&name.unraw().to_string())),
            name,
            labels: labels.into_iter().map(|(l, _)| l).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_names() {
        assert_eq!(snake_case("OrderStatus"), "order_status");
        assert_eq!(snake_case("Mood"), "mood");
        assert_eq!(snake_case("HTTPCode"), "http_code");
        assert_eq!(snake_case("Level2Access"), "level2_access");
        assert_eq!(snake_case("already_snake"), "already_snake");
    }

    #[test]
    fn labels_are_names_or_strings() {
        let e: SqlEnum =
            syn::parse_str(r#"#[sql_name = "st"] enum S { a, r#type, "on hold" }"#).unwrap();
        assert_eq!(e.sql_name, "st");
        assert_eq!(e.labels, ["a", "type", "on hold"]);
        let err = syn::parse_str::<SqlEnum>("enum S { a, a }")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("label `a` is declared twice"), "{err}");
        let err = syn::parse_str::<SqlEnum>("enum S {}")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("needs at least one label"), "{err}");
    }
}
