//! Parsing `table!` input into the model.

use crate::enums::{peek_enum, SqlEnum};
use crate::model::{Check, Column, CompositeKey, References, Rule, Schema, Table, Unique};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{braced, parenthesized, Attribute, Expr, ExprLit, Ident, Lit, Meta, Path, Token};

impl Parse for Schema {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let (mut tables, mut enums) = (Vec::new(), Vec::<SqlEnum>::new());
        while !input.is_empty() {
            if peek_enum(input) {
                let e: SqlEnum = input.parse()?;
                if enums
                    .iter()
                    .any(|d| d.name == e.name || d.sql_name == e.sql_name)
                {
                    return Err(syn::Error::new(
                        e.name.span(),
                        format!("enum `{}` is declared twice", e.name),
                    ));
                }
                enums.push(e);
            } else {
                tables.push(input.parse()?);
            }
        }
        if tables.is_empty() && enums.is_empty() {
            return Err(input.error("`table!` needs a table: `users (id) { id -> Int4, }`"));
        }
        Ok(Schema { tables, enums })
    }
}

/// The value of `#[name = "value"]`.
fn string_value(meta: &Meta) -> syn::Result<String> {
    let nv = meta.require_name_value()?;
    match &nv.value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(s.value()),
        other => Err(syn::Error::new_spanned(other, "expected a string literal")),
    }
}

pub(crate) fn check_sql_name(name: &str, span: proc_macro2::Span) -> syn::Result<()> {
    if name.is_empty() || name.contains('\0') {
        return Err(syn::Error::new(
            span,
            "a SQL name must be non-empty and contain no NUL byte",
        ));
    }
    Ok(())
}

impl Parse for Table {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let mut docs = Vec::new();
        let mut sql_name = None;
        let (mut uniques, mut checks, mut indexes) = (Vec::new(), Vec::new(), Vec::new());
        let mut foreign_keys = Vec::new();
        let mut derived = false;
        let mut primary_key_name = None;
        let mut renamed_from = None;
        let column_list = |attr: &Attribute| {
            attr.parse_args_with(|input: ParseStream<'_>| {
                Punctuated::<Ident, Token![,]>::parse_separated_nonempty_with(
                    input,
                    Ident::parse_any,
                )
            })
            .map(|list| list.into_iter().collect::<Vec<_>>())
        };
        for attr in attrs {
            let path = attr.path();
            if path.is_ident("doc") {
                docs.push(attr);
            } else if path.is_ident("sql_name") {
                let name = string_value(&attr.meta)?;
                check_sql_name(&name, attr.span())?;
                sql_name = Some(name);
            } else if path.is_ident("unique") {
                uniques.push(attr.parse_args_with(parse_unique)?);
            } else if path.is_ident("check") {
                checks.push(parse_check(&attr)?);
            } else if path.is_ident("primary_key") {
                primary_key_name = Some(attr.parse_args_with(|input: ParseStream<'_>| {
                    only_name(input, "`#[primary_key(name = \"users_pkey\")]`")
                })?);
            } else if path.is_ident("index") {
                let mut cols = column_list(&attr)?;
                let unique = cols.last().is_some_and(|l| l == "unique");
                if unique {
                    cols.pop();
                }
                if cols.is_empty() {
                    return Err(syn::Error::new_spanned(
                        &attr,
                        "an index needs at least one column",
                    ));
                }
                indexes.push((cols, unique));
            } else if path.is_ident("derived") {
                attr.meta.require_path_only()?;
                derived = true;
            } else if path.is_ident("foreign_key") {
                foreign_keys.push(attr.parse_args_with(parse_composite_key)?);
            } else if path.is_ident("renamed_from") {
                renamed_from = Some(parse_renamed_from(&attr)?);
            } else {
                return Err(syn::Error::new_spanned(
                    path,
                    format!(
                        "unknown table attribute `{}`; expected sql_name, unique(..), check, primary_key(name = ..), index(..), foreign_key(..), derived, renamed_from(..) or a doc comment",
                        path_text(path)
                    ),
                ));
            }
        }
        let name = Ident::parse_any(input)?;
        let mut primary_key = Vec::new();
        if input.peek(syn::token::Paren) {
            let keys;
            parenthesized!(keys in input);
            let list =
                Punctuated::<Ident, Token![,]>::parse_terminated_with(&keys, Ident::parse_any)?;
            if list.is_empty() {
                return Err(keys.error("the primary key list is empty"));
            }
            primary_key.extend(list);
        }
        let body;
        braced!(body in input);
        let mut columns = Vec::new();
        while !body.is_empty() {
            columns.push(body.parse::<Column>()?);
            if !body.is_empty() {
                body.parse::<Token![,]>()?;
            }
        }
        let mut table = Table {
            docs,
            sql_name: sql_name.unwrap_or_else(|| name.unraw().to_string()),
            name,
            primary_key,
            primary_key_name,
            columns,
            uniques,
            checks,
            indexes,
            foreign_keys,
            derived,
            renamed_from,
        };
        table.validate(table.name.span())?;
        Ok(table)
    }
}

fn path_text(path: &Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

impl Parse for Column {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let mut column = Column {
            docs: Vec::new(),
            name: Ident::new("_", proc_macro2::Span::call_site()),
            sql_name: String::new(),
            ty: syn::parse_quote!(()),
            sized_type: None,
            serial: false,
            unique: false,
            unique_name: None,
            sensitive: false,
            default: None,
            check: None,
            references: None,
            renamed_from: None,
        };
        let mut sql_name = None;
        for attr in attrs {
            let path = attr.path();
            if path.is_ident("doc") {
                column.docs.push(attr);
            } else if path.is_ident("sql_name") {
                let name = string_value(&attr.meta)?;
                check_sql_name(&name, attr.span())?;
                sql_name = Some(name);
            } else if path.is_ident("serial") {
                attr.meta.require_path_only()?;
                column.serial = true;
            } else if path.is_ident("unique") {
                if !matches!(attr.meta, Meta::Path(_)) {
                    column.unique_name = Some(attr.parse_args_with(|input: ParseStream<'_>| {
                        only_name(input, "`#[unique(name = \"users_email_key\")]`")
                    })?);
                }
                column.unique = true;
            } else if path.is_ident("sensitive") {
                attr.meta.require_path_only()?;
                column.sensitive = true;
            } else if path.is_ident("default") {
                column.default = Some(string_value(&attr.meta)?);
            } else if path.is_ident("check") {
                column.check = Some(parse_check(&attr)?);
            } else if path.is_ident("references") {
                column.references = Some(attr.parse_args_with(parse_references)?);
            } else if path.is_ident("renamed_from") {
                column.renamed_from = Some(parse_renamed_from(&attr)?);
            } else {
                return Err(syn::Error::new_spanned(
                    path,
                    format!(
                        "unknown column attribute `{}`; expected one of sql_name, serial, unique, sensitive, default, check, references, renamed_from",
                        path_text(path)
                    ),
                ));
            }
        }
        column.name = Ident::parse_any(input)?;
        column.sql_name = sql_name.unwrap_or_else(|| column.name.unraw().to_string());
        input.parse::<Token![->]>()?;
        (column.ty, column.sized_type) = crate::sized::parse_column_type(input)?;
        Ok(column)
    }
}

/// `#[renamed_from(old_name)]` or `#[renamed_from("old name")]`: a former SQL name.
fn parse_renamed_from(attr: &Attribute) -> syn::Result<String> {
    let name = attr.parse_args_with(|input: ParseStream<'_>| {
        let name = if input.peek(syn::LitStr) {
            input.parse::<syn::LitStr>()?.value()
        } else {
            Ident::parse_any(input)?.unraw().to_string()
        };
        if !input.is_empty() {
            return Err(input.error("expected one former name: `#[renamed_from(old_name)]`"));
        }
        Ok(name)
    })?;
    check_sql_name(&name, attr.span())?;
    Ok(name)
}

/// `users::id, on_delete = cascade, on_update = restrict`
fn parse_references(input: ParseStream<'_>) -> syn::Result<References> {
    let column: Path = input.parse()?;
    if column.segments.len() < 2 {
        return Err(syn::Error::new_spanned(
            &column,
            "expected a column path such as `users::id`",
        ));
    }
    let KeyOptions {
        name,
        constraint,
        on_delete,
        on_update,
    } = key_options(input)?;
    let refs = References {
        column,
        name,
        constraint,
        on_delete,
        on_update,
    };
    Ok(refs)
}

/// `(a, b) -> other (x, y), name = link, on_delete = cascade, on_update = restrict`
fn parse_composite_key(input: ParseStream<'_>) -> syn::Result<CompositeKey> {
    let idents = |input: ParseStream<'_>| -> syn::Result<Vec<Ident>> {
        let list;
        parenthesized!(list in input);
        let names = Punctuated::<Ident, Token![,]>::parse_terminated_with(&list, Ident::parse_any)?;
        Ok(names.into_iter().collect())
    };
    let columns = idents(input)?;
    input.parse::<Token![->]>()?;
    let target: Path = input.parse()?;
    let referenced = idents(input)?;
    if columns.len() > 4 {
        return Err(syn::Error::new_spanned(
            &target,
            "a table foreign key takes at most 4 columns",
        ));
    }
    if columns.len() < 2 || columns.len() != referenced.len() {
        return Err(syn::Error::new_spanned(
            &target,
            "a table foreign key names two or more columns and as many referenced columns; \
             one column is declared on the column: `#[references(users::id)]`",
        ));
    }
    let KeyOptions {
        name,
        constraint,
        on_delete,
        on_update,
    } = key_options(input)?;
    // `to_<table>` by default: the referenced table's own name would hide its module here.
    let default_name = target
        .segments
        .last()
        .map(|s| quote::format_ident!("to_{}", s.ident.unraw(), span = s.ident.span()))
        .ok_or_else(|| syn::Error::new_spanned(&target, "expected a table"))?;
    let key = CompositeKey {
        columns,
        name: name.unwrap_or(default_name),
        constraint,
        target,
        referenced,
        on_delete,
        on_update,
    };
    Ok(key)
}

/// The options after a foreign key's columns.
struct KeyOptions {
    name: Option<Ident>,
    constraint: Option<String>,
    on_delete: Rule,
    on_update: Rule,
}

/// The options after a foreign key's columns: `, name = path, constraint = "..",
/// on_delete = cascade, on_update = restrict`.
fn key_options(input: ParseStream<'_>) -> syn::Result<KeyOptions> {
    let mut options = KeyOptions {
        name: None,
        constraint: None,
        on_delete: Rule::NoAction,
        on_update: Rule::NoAction,
    };
    while !input.is_empty() {
        input.parse::<Token![,]>()?;
        if input.is_empty() {
            break;
        }
        let option: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        if option == "constraint" {
            options.constraint = Some(constraint_name(
                input,
                "`constraint = \"posts_user_id_fkey\"`",
            )?);
            continue;
        }
        if option == "name" && input.peek(syn::LitStr) {
            return Err(input.error(
                "`name = ..` names the join path with an identifier (`name = author`); \
                 the constraint's SQL name is `constraint = \"..\"`",
            ));
        }
        let value: Ident = Ident::parse_any(input)?;
        match option.to_string().as_str() {
            "name" => options.name = Some(value),
            "on_delete" => options.on_delete = Rule::parse(&value)?,
            "on_update" => options.on_update = Rule::parse(&value)?,
            other => {
                return Err(syn::Error::new(
                    option.span(),
                    format!(
                    "unknown option `{other}`; expected on_delete, on_update, name or constraint"
                ),
                ))
            }
        }
    }
    Ok(options)
}

/// A constraint's SQL name: a non-empty string literal of at most 63 bytes (PostgreSQL
/// cuts longer names, and the cut one would never match the declaration again).
fn constraint_name(input: ParseStream<'_>, example: &str) -> syn::Result<String> {
    let expected = || {
        input.error(format!(
            "expected the constraint's name as a string: {example}"
        ))
    };
    if !input.peek(syn::LitStr) {
        return Err(expected());
    }
    let lit: syn::LitStr = input.parse()?;
    let name = lit.value();
    if name.is_empty() || name.contains('\0') || name.len() > 63 {
        return Err(syn::Error::new(
            lit.span(),
            "a constraint name is 1 to 63 bytes (PostgreSQL's limit) without a NUL byte",
        ));
    }
    Ok(name)
}

/// `name = "..."`.
fn named_option(input: ParseStream<'_>, example: &str) -> syn::Result<String> {
    let option: Ident = input
        .parse()
        .map_err(|_| input.error(format!("expected `name = \"..\"`: {example}")))?;
    if option != "name" {
        return Err(syn::Error::new(
            option.span(),
            format!("unknown option `{option}`; expected `name = \"..\"`: {example}"),
        ));
    }
    input.parse::<Token![=]>()?;
    constraint_name(input, example)
}

/// `name = "..."` and nothing else: `#[primary_key(..)]`, a column's `#[unique(..)]`.
fn only_name(input: ParseStream<'_>, example: &str) -> syn::Result<String> {
    let name = named_option(input, example)?;
    if !input.is_empty() {
        return Err(input.error(format!("expected only `name = \"..\"`: {example}")));
    }
    Ok(name)
}

/// A table's `#[unique(a, b)]` or `#[unique(a, b, name = "t_a_b_key")]`.
fn parse_unique(input: ParseStream<'_>) -> syn::Result<Unique> {
    let mut columns = Vec::new();
    let mut name = None;
    while !input.is_empty() {
        if input.peek(Ident::peek_any) && input.peek2(Token![=]) {
            name = Some(named_option(
                input,
                "`#[unique(a, b, name = \"t_a_b_key\")]`",
            )?);
            if !input.is_empty() {
                return Err(input.error("`name = \"..\"` comes last"));
            }
            break;
        }
        columns.push(Ident::parse_any(input)?);
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    if columns.is_empty() {
        return Err(input.error("a unique constraint needs at least one column: `#[unique(a, b)]`"));
    }
    Ok(Unique { columns, name })
}

/// `#[check = "sql"]` or `#[check("sql", name = "..")]`.
fn parse_check(attr: &Attribute) -> syn::Result<Check> {
    if let Meta::NameValue(_) = attr.meta {
        return Ok(Check {
            sql: string_value(&attr.meta)?,
            name: None,
        });
    }
    attr.parse_args_with(|input: ParseStream<'_>| {
        let example = "`#[check(\"price > 0\", name = \"price_positive\")]`";
        let sql: syn::LitStr = input
            .parse()
            .map_err(|_| input.error(format!("expected the check's SQL as a string: {example}")))?;
        let mut name = None;
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
            name = Some(named_option(input, example)?);
        }
        if !input.is_empty() {
            return Err(input.error(format!("expected only the SQL and a name: {example}")));
        }
        Ok(Check {
            sql: sql.value(),
            name,
        })
    })
}
