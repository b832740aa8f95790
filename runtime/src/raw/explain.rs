//! A raw statement's type error explained: which `:name` the server could not take, and
//! the types on both sides.

use super::{parse_named_with, RawQuery};
use crate::engine::Error;
use postgres_types::Type;

/// SQLSTATEs of a parameter whose declared type does not fit where it is used:
/// `undefined_function` (`integer = text` has no operator) and `datatype_mismatch` (a text
/// value for an integer column).
const TYPE_MISMATCH: [&str; 2] = ["42883", "42804"];

/// `err` as [`Error::ParameterType`] when the server refused a parameter's declared type:
/// the statement is prepared once more with no declared types, and the first parameter
/// whose inferred type differs from its declared one is named.
pub(crate) fn explain_type_error(
    conn: &mut crate::engine::Connection,
    query: &RawQuery<'_>,
    err: Error,
) -> Error {
    if !is_type_mismatch(&err) {
        return err;
    }
    let explained = crate::engine::wire::now(async {
        Ok::<_, Error>(explain_type_error_io(conn, query, err).await)
    });
    match explained {
        Ok(e) | Err(e) => e,
    }
}

/// Whether the server refused a parameter's declared type.
fn is_type_mismatch(err: &Error) -> bool {
    err.database_error()
        .is_some_and(|db| TYPE_MISMATCH.contains(&db.code.as_str()))
}

/// [`explain_type_error`], on either kind of socket.
pub(crate) async fn explain_type_error_io(
    conn: &mut crate::engine::Connection,
    query: &RawQuery<'_>,
    err: Error,
) -> Error {
    if !is_type_mismatch(&err) {
        return err;
    }
    let Ok(rendered) = query.render() else {
        return err;
    };
    let Ok(parsed) = parse_named_with(query.text, crate::backend::Dialect::Postgres) else {
        return err;
    };
    let Some(inferred) = conn.inferred_param_types_io(&rendered.sql).await else {
        return err;
    };
    // A parameter whose declared type differs may still be one the server converts
    // (`int4` where it reads `int8`): the culprit is the first whose type, left to the
    // server, makes the statement prepare (a few tries, on the error path only).
    let candidates: Vec<usize> = rendered
        .types
        .iter()
        .zip(&inferred)
        .enumerate()
        .filter(|(_, (declared, wanted))| declared != wanted && **wanted != Type::UNKNOWN)
        .map(|(i, _)| i)
        .take(8)
        .collect();
    let mut mismatch = None;
    for i in candidates {
        let mut types = rendered.types.clone();
        types[i] = Type::UNKNOWN;
        if conn.try_prepare_io(&rendered.sql, &types).await.is_some() {
            mismatch = Some(i);
            break;
        }
    }
    match (mismatch, mismatch.and_then(|i| parsed.names.get(i))) {
        (Some(i), Some(name)) => Error::ParameterType {
            name: name.clone(),
            position: i + 1,
            bound: rendered.types[i].name().to_string(),
            expected: inferred[i].name().to_string(),
            source: Box::new(err),
        },
        _ => err,
    }
}
