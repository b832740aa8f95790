//! `table!`: parse into a `sqlwright_schema::Schema`, then [`generate`].

mod enums;
mod generate;
mod types;

use proc_macro2::TokenStream;

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let schema: sqlwright_schema::Schema = syn::parse2(input)?;
    let enums = schema.enums.iter().map(enums::sql_enum);
    Ok(enums
        .chain(schema.tables.iter().map(generate::table))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn err(input: TokenStream) -> String {
        expand(input).unwrap_err().to_string()
    }

    #[test]
    fn expands_a_table() {
        let out = expand(quote! {
            /// People.
            users (id) {
                #[serial] id -> Int4,
                #[sql_name = "full name"] name -> Text,
                r#type -> Nullable<Text>,
            }
        })
        .unwrap()
        .to_string();
        assert!(out.contains("pub mod users"));
        assert!(out.contains("\"full name\""));
        assert!(out.contains("\"type\""));
        assert!(out.contains("\" People.\""));
    }

    #[test]
    fn sensitive_columns_say_so_and_only_they() {
        let out = expand(quote! {
            users (id) {
                id -> Int4,
                #[sensitive] password_hash -> Text,
            }
        })
        .unwrap()
        .to_string();
        assert_eq!(
            out.matches("const SENSITIVE : bool = true").count(),
            1,
            "{out}"
        );
        let hash = out.find("pub enum password_hash").unwrap();
        assert!(
            out[hash..].contains("const SENSITIVE : bool = true"),
            "{out}"
        );
        let e = err(quote! { users (id) { id -> Int4, #[sensitive(yes)] pw -> Text, } });
        assert!(e.contains("unexpected token in attribute"), "{e}");
    }

    #[test]
    fn unique_keys_list_every_declared_key() {
        let out = expand(quote! {
            #[unique(b, a)]
            #[index(c, unique)]
            #[index(a)]
            t (id) { id -> Int4, a -> Int4, #[unique] b -> Int4, c -> Int4, }
        })
        .unwrap()
        .to_string()
        .replace(' ', "");
        let keys = &out[out.find("typeUniqueKeys=").unwrap()..];
        let keys = &keys[..keys.find(';').unwrap()];
        let bits = |p: u32| crate::ids::bits(p, 8).to_string().replace(' ', "");
        let key = |ps: &[u32]| {
            let inner: String = ps.iter().map(|&p| format!("{},", bits(p))).collect();
            format!("({inner})")
        };
        // The primary key, the `#[unique]` column, `#[unique(b, a)]`, the unique index; not
        // the plain index.
        let expected = format!(
            "typeUniqueKeys=({},({},({},({},()))))",
            key(&[0]),
            key(&[2]),
            key(&[2, 1]),
            key(&[3])
        );
        assert_eq!(keys, expected);
        let derived = expand(quote! { #[derived] d { a -> Int4, } })
            .unwrap()
            .to_string();
        assert!(
            derived.replace(' ', "").contains("typeUniqueKeys=();"),
            "{derived}"
        );
    }

    #[test]
    fn columns_also_name_a_private_type_for_messages() {
        let out = expand(quote! { users (id) { id -> Int4, name -> Text, } })
            .unwrap()
            .to_string()
            .replace(' ', "");
        assert!(
            out.contains("mod__sqlwright_names{typeid=();typename=();}"),
            "{out}"
        );
    }

    #[test]
    fn enums_expand_to_sql_type_markers() {
        let out = expand(quote! {
            enum OrderStatus { pending, "on hold" }
            #[sql_name = "mood"] enum Feeling { sad }
            orders (id) { id -> Int4, status -> OrderStatus, }
        })
        .unwrap()
        .to_string();
        assert!(out.contains("pub enum OrderStatus { }"), "{out}");
        assert!(out.contains("\"order_status\""), "{out}");
        assert!(out.contains("\"order_status[]\""), "{out}");
        assert!(out.contains("\"pending\" , \"on hold\""), "{out}");
        assert!(out.contains("\"mood\""), "{out}");
        let e = err(quote! { enum E { a } enum E { b } t (id) { id -> Int4, } });
        assert!(e.contains("enum `E` is declared twice"), "{e}");
    }

    #[test]
    fn sizes_and_constraint_names_reach_the_metadata() {
        let out = expand(quote! {
            #[primary_key(name = "t_pk")]
            #[unique(a, b, name = "t_ab")]
            #[check("a > 0", name = "t_a_positive")]
            t (id) {
                id -> Int4,
                #[unique(name = "t_a_key")] a -> Varchar(40),
                b -> Nullable<Numeric(12, 2)>,
                #[references(other::id, constraint = "t_other_fk")] c -> Int4,
            }
        })
        .unwrap()
        .to_string()
        .replace(' ', "");
        for expected in [
            "primary_key_name:::core::option::Option::Some(\"t_pk\")",
            "name:::core::option::Option::Some(\"t_ab\")",
            "sql:\"a>0\",name:::core::option::Option::Some(\"t_a_positive\")",
            "sized_type:::core::option::Option::Some(\"varchar(40)\")",
            "unique_name:::core::option::Option::Some(\"t_a_key\")",
            "sized_type:::core::option::Option::Some(\"numeric(12,2)\")",
            "constraint:::core::option::Option::Some(\"t_other_fk\")",
            // The type checker sees the plain types.
            "typeAllSqlTypes=(::sqlwright::types::Int4,::sqlwright::types::Varchar,::sqlwright::types::Nullable<::sqlwright::types::Numeric>,",
        ] {
            assert!(out.contains(expected), "{expected} not in {out}");
        }
        let e = err(quote! {
            #[unique(a, name = "dup")]
            t (id) { id -> Int4, #[unique(name = "dup")] a -> Int4, }
        });
        assert!(
            e.contains("two constraints of `t` are named \"dup\""),
            "{e}"
        );
        let e = err(quote! { t (id) { id -> Int4, #[unique(nme = "x")] a -> Int4, } });
        assert!(e.contains("unknown option `nme`"), "{e}");
        let e = err(quote! { #[primary_key(name = "")] t (id) { id -> Int4, } });
        assert!(e.contains("1 to 63 bytes"), "{e}");
    }

    #[test]
    fn renamed_from_reaches_the_metadata() {
        let out = expand(quote! {
            #[renamed_from(people)]
            persons (id) { id -> Int4, #[renamed_from("old mail")] email -> Text, }
        })
        .unwrap()
        .to_string()
        .replace(' ', "");
        assert!(
            out.contains("renamed_from:::core::option::Option::Some(\"people\")"),
            "{out}"
        );
        assert!(
            out.contains("renamed_from:::core::option::Option::Some(\"oldmail\")"),
            "{out}"
        );
        let e = err(quote! { t (id) { id -> Int4, #[renamed_from(a, b)] c -> Int4, } });
        assert!(e.contains("expected one former name"), "{e}");
    }

    #[test]
    fn unknown_attribute_is_named() {
        let e = err(quote! { users (id) { #[colour] id -> Int4, } });
        assert!(e.contains("unknown column attribute `colour`"), "{e}");
    }

    #[test]
    fn primary_key_must_be_a_column() {
        let e = err(quote! { users (uid) { id -> Int4, } });
        assert!(
            e.contains("primary key column `uid` is not declared"),
            "{e}"
        );
    }

    #[test]
    fn duplicate_columns_are_rejected() {
        let e = err(quote! { users (id) { id -> Int4, id -> Text, } });
        assert!(e.contains("column `id` is declared twice"), "{e}");
    }

    #[test]
    fn missing_primary_key_without_id() {
        let e = err(quote! { users { name -> Text, } });
        assert!(e.contains("needs a primary key"), "{e}");
    }

    #[test]
    fn bad_references_action() {
        let e = err(
            quote! { posts (id) { id -> Int4, #[references(users::id, on_delete = explode)] user_id -> Int4, } },
        );
        assert!(e.contains("unknown action `explode`"), "{e}");
    }

    #[test]
    fn composite_foreign_keys_are_checked() {
        let e = err(quote! {
            #[foreign_key((a) -> other (x))]
            t (id) { id -> Int4, a -> Int4, }
        });
        assert!(e.contains("two or more columns"), "{e}");
        let e = err(quote! {
            #[foreign_key((a, b) -> other (x))]
            t (id) { id -> Int4, a -> Int4, b -> Int4, }
        });
        assert!(e.contains("as many referenced columns"), "{e}");
        let e = err(quote! {
            #[foreign_key((a, c) -> other (x, y))]
            t (id) { id -> Int4, a -> Int4, b -> Int4, }
        });
        assert!(e.contains("column `c` is not declared in `t`"), "{e}");
        let e = err(quote! {
            #[foreign_key((a, b) -> other (x, y), name = other)]
            t (id) { id -> Int4, a -> Int4, b -> Int4, }
        });
        assert!(e.contains("would hide the module"), "{e}");
        let e = err(quote! {
            #[foreign_key((a, b) -> other (x, y), name = a)]
            t (id) { id -> Int4, a -> Int4, b -> Int4, }
        });
        assert!(e.contains("is also a column of `t`"), "{e}");
        let e = err(quote! {
            #[foreign_key((a, b) -> other (x, y))]
            #[foreign_key((b, a) -> other (y, x))]
            t (id) { id -> Int4, a -> Int4, b -> Int4, }
        });
        assert!(
            e.contains("two foreign keys of `t` are named `to_other`"),
            "{e}"
        );
        let e = err(quote! {
            #[foreign_key((a, a) -> other (x, y))]
            t (id) { id -> Int4, a -> Int4, }
        });
        assert!(e.contains("column `a` appears twice"), "{e}");
        let e = err(quote! {
            #[foreign_key((a, b, c, d, e) -> other (v, w, x, y, z))]
            t (id) { id -> Int4, a -> Int4, b -> Int4, c -> Int4, d -> Int4, e -> Int4, }
        });
        assert!(e.contains("at most 4 columns"), "{e}");
        let out = expand(quote! {
            #[foreign_key((a, b) -> other (x, y), on_delete = cascade)]
            t (id) { id -> Int4, a -> Int4, b -> Int4, }
        })
        .unwrap()
        .to_string();
        assert!(out.contains("pub struct to_other"), "{out}");
    }
}
