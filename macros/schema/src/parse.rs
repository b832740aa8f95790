//! Parsing `table!` input into the model.

use crate::enums::{peek_enum, SqlEnum};
use crate::model::{Column, CompositeKey, References, Rule, Schema, Table};
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
                uniques.push(column_list(&attr)?);
            } else if path.is_ident("check") {
                checks.push(string_value(&attr.meta)?);
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
            } else {
                return Err(syn::Error::new_spanned(
                    path,
                    format!(
                        "unknown table attribute `{}`; expected sql_name, unique(..), check, index(..), foreign_key(..), derived or a doc comment",
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
            columns,
            uniques,
            checks,
            indexes,
            foreign_keys,
            derived,
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
            serial: false,
            unique: false,
            sensitive: false,
            default: None,
            check: None,
            references: None,
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
                attr.meta.require_path_only()?;
                column.unique = true;
            } else if path.is_ident("sensitive") {
                attr.meta.require_path_only()?;
                column.sensitive = true;
            } else if path.is_ident("default") {
                column.default = Some(string_value(&attr.meta)?);
            } else if path.is_ident("check") {
                column.check = Some(string_value(&attr.meta)?);
            } else if path.is_ident("references") {
                column.references = Some(attr.parse_args_with(parse_references)?);
            } else {
                return Err(syn::Error::new_spanned(
                    path,
                    format!(
                        "unknown column attribute `{}`; expected one of sql_name, serial, unique, sensitive, default, check, references",
                        path_text(path)
                    ),
                ));
            }
        }
        column.name = Ident::parse_any(input)?;
        column.sql_name = sql_name.unwrap_or_else(|| column.name.unraw().to_string());
        input.parse::<Token![->]>()?;
        column.ty = input.parse()?;
        Ok(column)
    }
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
    let (name, on_delete, on_update) = key_options(input)?;
    let refs = References {
        column,
        name,
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
    let (name, on_delete, on_update) = key_options(input)?;
    // `to_<table>` by default: the referenced table's own name would hide its module here.
    let default_name = target
        .segments
        .last()
        .map(|s| quote::format_ident!("to_{}", s.ident.unraw(), span = s.ident.span()))
        .ok_or_else(|| syn::Error::new_spanned(&target, "expected a table"))?;
    let key = CompositeKey {
        columns,
        name: name.unwrap_or(default_name),
        target,
        referenced,
        on_delete,
        on_update,
    };
    Ok(key)
}

/// The options after a foreign key's columns: `, name = path, on_delete = cascade,
/// on_update = restrict`.
fn key_options(input: ParseStream<'_>) -> syn::Result<(Option<Ident>, Rule, Rule)> {
    let (mut name, mut on_delete, mut on_update) = (None, Rule::NoAction, Rule::NoAction);
    while !input.is_empty() {
        input.parse::<Token![,]>()?;
        if input.is_empty() {
            break;
        }
        let option: Ident = input.parse()?;
        input.parse::<Token![=]>()?;
        let value: Ident = Ident::parse_any(input)?;
        match option.to_string().as_str() {
            "name" => name = Some(value),
            "on_delete" => on_delete = Rule::parse(&value)?,
            "on_update" => on_update = Rule::parse(&value)?,
            other => {
                return Err(syn::Error::new(
                    option.span(),
                    format!("unknown option `{other}`; expected on_delete, on_update or name"),
                ))
            }
        }
    }
    Ok((name, on_delete, on_update))
}
