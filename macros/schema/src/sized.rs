//! Column types with a size: `Varchar(255)`, `Char(10)`, `Numeric(12, 2)`, `Timestamp(3)`.
//!
//! A size is not Rust type syntax, so a column's type is read as tokens: each sized marker
//! has its parenthesised size taken out (and checked), and what is left is parsed as a
//! Rust type. The size only reaches DDL and schema checks; for the type checker a
//! `Varchar(255)` column is `Text`.

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::parse::ParseStream;
use syn::{Token, Type};

/// The markers that take a size, what the size is, and its SQL spelling.
const SIZED: &[(&str, &str)] = &[
    ("Varchar", "varchar"),
    ("Char", "char"),
    ("Numeric", "numeric"),
    ("Timestamp", "timestamp"),
    ("Timestamptz", "timestamptz"),
    ("Time", "time"),
];

/// What sizes a marker takes, for messages.
const SIZES_HELP: &str = "Varchar(n), Char(n), Numeric(precision, scale), Numeric(precision), \
                          Timestamp(p), Timestamptz(p) and Time(p) take a size";

/// A column's type as written after `->`, up to the next `,` outside angle brackets: the
/// Rust type, and the SQL type with its size when one is given (`varchar(255)`,
/// `numeric(12,2)`, `varchar(20)[]` for an `Array<Varchar(20)>`).
pub(crate) fn parse_column_type(input: ParseStream<'_>) -> syn::Result<(Type, Option<String>)> {
    let mut tokens: Vec<TokenTree> = Vec::new();
    let mut depth = 0usize;
    while !input.is_empty() {
        if depth == 0 && input.peek(Token![,]) {
            break;
        }
        let tt: TokenTree = input.parse()?;
        if let TokenTree::Punct(p) = &tt {
            match p.as_char() {
                '<' => depth += 1,
                '>' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        tokens.push(tt);
    }
    let mut rust = TokenStream::new();
    let mut sized = None;
    let mut arrays = 0usize;
    let mut after_path_separator = false;
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        let TokenTree::Ident(ident) = &tt else {
            after_path_separator = matches!(&tt, TokenTree::Punct(p) if p.as_char() == ':');
            rust.extend([tt]);
            continue;
        };
        // `my::Char` is the user's own type, not the marker.
        let own_path = std::mem::take(&mut after_path_separator);
        let name = ident.to_string();
        if name == "Array" {
            arrays += 1;
        }
        let group = match iter.peek() {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => g.clone(),
            _ => {
                if name == "Char" && !own_path {
                    return Err(syn::Error::new(
                        ident.span(),
                        "`Char` needs a length: `Char(10)`",
                    ));
                }
                rust.extend([tt]);
                continue;
            }
        };
        iter.next();
        let Some((_, sql)) = SIZED.iter().find(|(marker, _)| *marker == name) else {
            return Err(syn::Error::new(
                ident.span(),
                format!("`{name}` takes no size; {SIZES_HELP}"),
            ));
        };
        if sized.is_some() {
            return Err(syn::Error::new(
                ident.span(),
                "a column type holds one sized type",
            ));
        }
        let args = size_args(&name, group.stream(), group.span())?;
        let list: Vec<String> = args.iter().map(u32::to_string).collect();
        sized = Some(format!("{sql}({}){}", list.join(","), "[]".repeat(arrays)));
        rust.extend([tt]);
    }
    if rust.is_empty() {
        return Err(input.error("expected the column's SQL type: `id -> Int4`"));
    }
    let ty: Type = syn::parse2(rust)?;
    Ok((ty, sized))
}

/// The integers inside `Varchar( .. )`, checked against what `marker` takes.
fn size_args(marker: &str, stream: TokenStream, span: Span) -> syn::Result<Vec<u32>> {
    let expected = match marker {
        "Varchar" | "Char" => format!("the length of `{marker}` as an integer: `{marker}(255)`"),
        "Numeric" => "`Numeric(precision, scale)` or `Numeric(precision)` with integers: \
                      `Numeric(12, 2)`"
            .to_string(),
        _ => format!(
            "the fractional-second digits of `{marker}` as an integer 0 to 6: `{marker}(3)`"
        ),
    };
    let mut args = Vec::new();
    let mut want_number = true;
    for tt in stream {
        match (&tt, want_number) {
            (TokenTree::Literal(lit), true) => {
                let value = syn::parse_str::<syn::LitInt>(&lit.to_string())
                    .ok()
                    .filter(|l| l.suffix().is_empty())
                    .and_then(|l| l.base10_parse::<u32>().ok())
                    .ok_or_else(|| syn::Error::new(lit.span(), format!("expected {expected}")))?;
                args.push((value, lit.span()));
                want_number = false;
            }
            (TokenTree::Punct(p), false) if p.as_char() == ',' => want_number = true,
            _ => return Err(syn::Error::new(tt.span(), format!("expected {expected}"))),
        }
    }
    let count_ok = match marker {
        "Numeric" => matches!(args.len(), 1 | 2),
        _ => args.len() == 1,
    };
    if !count_ok || (want_number && !args.is_empty()) {
        return Err(syn::Error::new(span, format!("expected {expected}")));
    }
    let range = |(value, at): (u32, Span), low: u32, high: u32, what: &str| {
        if value < low || value > high {
            Err(syn::Error::new(
                at,
                format!("{what} of `{marker}` is {low} to {high}, not {value}"),
            ))
        } else {
            Ok(value)
        }
    };
    match marker {
        // PostgreSQL's limits: 10485760 characters, 1000 digits, 6 fractional digits.
        "Varchar" | "Char" => Ok(vec![range(args[0], 1, 10_485_760, "the length")?]),
        "Numeric" => {
            let precision = range(args[0], 1, 1000, "the precision")?;
            let mut out = vec![precision];
            // `numeric(p)` is `numeric(p,0)`, as PostgreSQL writes it back.
            out.push(match args.get(1) {
                Some(&scale) => range(scale, 0, precision, "the scale")?,
                None => 0,
            });
            Ok(out)
        }
        _ => Ok(vec![range(args[0], 0, 6, "the precision")?]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;
    use syn::parse::Parser;

    fn parse(text: &str) -> Result<(String, Option<String>), String> {
        let stream: TokenStream = text.parse().unwrap();
        parse_column_type
            .parse2(stream)
            .map(|(ty, sized)| (ty.into_token_stream().to_string(), sized))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn sizes_come_out_and_the_rust_type_stays() {
        assert_eq!(
            parse("Varchar(255)").unwrap(),
            ("Varchar".into(), Some("varchar(255)".into()))
        );
        assert_eq!(
            parse("Nullable<Numeric(12, 2)>").unwrap(),
            ("Nullable < Numeric >".into(), Some("numeric(12,2)".into()))
        );
        assert_eq!(
            parse("Array<Varchar(20)>").unwrap().1.as_deref(),
            Some("varchar(20)[]")
        );
        assert_eq!(
            parse("Timestamptz(3)").unwrap().1.as_deref(),
            Some("timestamptz(3)")
        );
        assert_eq!(
            parse("Numeric(10)").unwrap().1.as_deref(),
            Some("numeric(10,0)")
        );
        assert_eq!(parse("Nullable<Text>").unwrap().1, None);
    }

    #[test]
    fn bad_sizes_say_what_is_expected() {
        let e = parse("Varchar(x)").unwrap_err();
        assert!(
            e.contains("expected the length of `Varchar` as an integer"),
            "{e}"
        );
        let e = parse("Varchar()").unwrap_err();
        assert!(e.contains("expected the length"), "{e}");
        let e = parse("Numeric(12, 2, 3)").unwrap_err();
        assert!(e.contains("Numeric(precision, scale)"), "{e}");
        let e = parse("Numeric(2, 4)").unwrap_err();
        assert!(e.contains("the scale of `Numeric` is 0 to 2, not 4"), "{e}");
        let e = parse("Timestamp(9)").unwrap_err();
        assert!(e.contains("0 to 6, not 9"), "{e}");
        let e = parse("Text(10)").unwrap_err();
        assert!(e.contains("`Text` takes no size"), "{e}");
        let e = parse("Char").unwrap_err();
        assert!(e.contains("`Char` needs a length"), "{e}");
        let e = parse("Varchar(0)").unwrap_err();
        assert!(e.contains("1 to 10485760"), "{e}");
    }
}
