//! The enum types of printed tables, declared in the `table!` that `print-schema` writes:
//! `enum OrderStatus { pending, paid, shipped }`, with `#[sql_name]` where the Rust name
//! does not give the SQL one back.

use super::print::{escape, rust_ident};
use super::{Catalog, ReflectedTable};

/// `order_status` → `OrderStatus`; a name that gives no identifier gets a prefix.
fn pascal_case(sql_name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in sql_name.chars() {
        if c.is_alphanumeric() {
            if upper {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.chars().next().is_none_or(|c| !c.is_alphabetic()) {
        out.insert_str(0, "Enum");
    }
    out
}

/// The declarations of the enum types the tables' columns use (each once, in order of
/// first use), and the type map to print columns with: `map` (which wins: a type mapped by
/// `--map-type` is not declared) and each declared type's SQL name to its Rust name.
pub(super) fn declare(
    catalog: &Catalog,
    tables: &[&ReflectedTable],
    map: &[(String, String)],
) -> (String, Vec<(String, String)>) {
    let mut out = String::new();
    let mut types = map.to_vec();
    for column in tables.iter().flat_map(|t| &t.columns).filter(|c| c.is_enum) {
        let name = column.type_name.trim_end_matches("[]");
        if types.iter().any(|(sql, _)| sql == name) {
            continue;
        }
        let Some(labels) = catalog.enums.get(&format!("{}.{name}", column.type_schema)) else {
            continue;
        };
        let rust = pascal_case(name);
        if sqlwright_snake_case(&rust) != name {
            out.push_str(&format!("    #[sql_name = \"{}\"]\n", escape(name)));
        }
        let labels: Vec<String> = labels
            .iter()
            .map(|l| match rust_ident(l) {
                (ident, false) => ident,
                _ => format!("\"{}\"", escape(l)),
            })
            .collect();
        out.push_str(&format!("    enum {rust} {{ {} }}\n\n", labels.join(", ")));
        types.push((name.to_string(), rust));
    }
    (out, types)
}

/// The SQL name `table!` gives an enum of Rust name `name`: the macro's rule
/// (`sqlwright_schema::snake_case`), written again here because the runtime does not depend
/// on the macro's parser; a test holds the two to the same answers.
fn sqlwright_snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_or_say_so() {
        assert_eq!(pascal_case("order_status"), "OrderStatus");
        assert_eq!(sqlwright_snake_case("OrderStatus"), "order_status");
        assert_eq!(pascal_case("mood"), "Mood");
        assert_eq!(pascal_case("2fa kind"), "Enum2faKind");
        assert_ne!(
            sqlwright_snake_case(&pascal_case("Weird Name")),
            "Weird Name"
        );
    }

    #[test]
    fn the_macro_names_enums_by_the_same_rule() {
        for name in [
            "OrderStatus",
            "HTTPCode",
            "Mood",
            "A",
            "ABC",
            "Enum2faKind",
            "X11Display",
            "already_snake",
            "ÉtatCivil",
            "IPv6Kind",
            "Version2B",
        ] {
            assert_eq!(
                sqlwright_snake_case(name),
                sqlwright_schema::snake_case(name),
                "{name}"
            );
        }
    }
}
