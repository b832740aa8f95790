//! Enum types: PostgreSQL `CREATE TYPE .. AS ENUM` declared in `table!`
//! (`enum OrderStatus { pending, paid, shipped }`), and Rust enums mapped to them or to text
//! columns (`#[derive(DbEnum)]`).
//!
//! A declared enum is a SQL-type marker like `Text`: columns declare it, and a value of it
//! is sent as its label in a text parameter cast to the type (`$1::"order_status"`), so the
//! statement needs no catalog lookup for the type's OID and arrays of labels (`in_`) cast
//! the same way (`$1::"order_status"[]`). On SQLite, which has no enum types, the column
//! is `TEXT` with a `CHECK` listing the labels, and values are sent as text.
//!
//! ```
//! sqlwright::table! {
//!     enum OrderStatus { pending, paid, shipped }
//!     orders (id) {
//!         id -> Int4,
//!         status -> OrderStatus,
//!     }
//! }
//!
//! #[derive(sqlwright::DbEnum, Debug, Clone, Copy, PartialEq)]
//! #[sqlwright(sql_type = OrderStatus)]
//! enum Status {
//!     Pending,
//!     Paid,
//!     Shipped,
//! }
//!
//! use sqlwright::prelude::*;
//!
//! fn main() {
//!     let q = orders::table.filter(orders::status.eq(Status::Paid)).select(orders::id);
//!     assert_eq!(
//!         q.to_sql(),
//!         r#"SELECT "orders"."id" FROM "orders" WHERE "orders"."status" = $1::"order_status""#
//!     );
//! }
//! ```

use super::{SqlType, Type};
use crate::engine::error::DecodeError;
use bytes::BytesMut;
use postgres_types::IsNull;

/// A declared enum type: its SQL name and labels, in declaration order (PostgreSQL sorts
/// values of the type in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumMeta {
    /// The type's SQL name (`order_status`).
    pub sql_name: &'static str,
    /// The labels.
    pub labels: &'static [&'static str],
}

/// The SQL-type marker of an enum declared in `table!`.
pub trait EnumType: SqlType {
    /// Its name and labels.
    const META: &'static EnumMeta;
}

/// A Rust enum whose variants are SQL labels: `#[derive(DbEnum)]`, which also makes it a
/// value of the SQL types it names (`#[sqlwright(sql_type = OrderStatus)]`, `Text`).
pub trait DbEnum: Sized + 'static {
    /// Every variant's label, in variant order.
    const LABELS: &'static [&'static str];
    /// The label of this variant.
    fn label(&self) -> &'static str;
    /// The variant of `label`, if any.
    fn from_label(label: &str) -> Option<Self>;
}

/// Decodes a label read from PostgreSQL (an enum value, or text) with `from_label`: the
/// column must be text or the enum type `sql_name`, and an unknown label is
/// [`DecodeError::UnknownLabel`]. Not API: for the code `table!` and `DbEnum` generate.
#[doc(hidden)]
pub fn label_from_pg<T>(
    ty: &Type,
    raw: Option<&[u8]>,
    sql_name: &str,
    from_label: impl FnOnce(&str) -> Option<T>,
) -> Result<T, DecodeError> {
    let rust = std::any::type_name::<T>();
    if !(super::is_text(ty) || ty.name() == sql_name) {
        return Err(DecodeError::WrongType {
            rust,
            sql: ty.name().to_string(),
        });
    }
    let raw = raw.ok_or(DecodeError::UnexpectedNull { rust })?;
    label_from_bytes(raw, from_label)
}

/// [`label_from_pg`] for a value SQLite returned (text).
#[cfg(feature = "sqlite")]
#[doc(hidden)]
pub fn label_from_sqlite<T>(
    value: crate::backend::SqliteValue<'_>,
    from_label: impl FnOnce(&str) -> Option<T>,
) -> Result<T, DecodeError> {
    use crate::backend::SqliteValue;
    let rust = std::any::type_name::<T>();
    match value {
        SqliteValue::Text(bytes) => label_from_bytes(bytes, from_label),
        SqliteValue::Null => Err(DecodeError::UnexpectedNull { rust }),
        other => Err(DecodeError::WrongType {
            rust,
            sql: format!("{} value", other.kind()),
        }),
    }
}

/// [`label_from_pg`] for a value MySQL returned: an `ENUM` or text column's label, as
/// bytes. Not API.
#[cfg(feature = "mysql")]
#[doc(hidden)]
pub fn label_from_mysql<T>(
    value: &crate::backend::mysql::MysqlValue<'_>,
    from_label: impl FnOnce(&str) -> Option<T>,
) -> Result<T, DecodeError> {
    use crate::backend::mysql::MysqlValue as Value;
    let rust = std::any::type_name::<T>();
    match value {
        Value::Bytes(bytes) => label_from_bytes(bytes, from_label),
        Value::Null => Err(DecodeError::UnexpectedNull { rust }),
        _ => Err(DecodeError::WrongType {
            rust,
            sql: "a MySQL value that is not text".to_string(),
        }),
    }
}

/// The label as it is bound to a MySQL statement (text, which an `ENUM` column takes by
/// its label). Not API.
#[cfg(feature = "mysql")]
#[doc(hidden)]
pub fn label_to_mysql(label: &'static str) -> ::mysql_common::value::Value {
    ::mysql_common::value::Value::Bytes(label.as_bytes().to_vec())
}

fn label_from_bytes<T>(
    raw: &[u8],
    from_label: impl FnOnce(&str) -> Option<T>,
) -> Result<T, DecodeError> {
    let rust = std::any::type_name::<T>();
    let label = std::str::from_utf8(raw).map_err(|e| DecodeError::Invalid {
        rust,
        reason: e.to_string(),
    })?;
    from_label(label).ok_or_else(|| DecodeError::UnknownLabel {
        rust,
        label: label.to_string(),
    })
}

/// Whether a label is sent to a parameter of type `ty`: text, or a type sqlwright does not
/// know (an enum type, when the parameter was declared by the server). Not API.
#[doc(hidden)]
pub fn label_accepts(ty: &Type) -> bool {
    super::is_text(ty) || Type::from_oid(ty.oid()).is_none()
}

/// Writes `label` as a parameter's value: PostgreSQL's binary form of text and of an enum
/// value are both the label's bytes. Not API.
#[doc(hidden)]
pub fn label_to_sql(
    label: &str,
    out: &mut BytesMut,
) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
    out.extend_from_slice(label.as_bytes());
    Ok(IsNull::No)
}

/// The label as SQLite stores it (text). Not API.
#[cfg(feature = "sqlite")]
#[doc(hidden)]
pub fn label_to_sqlite(label: &'static str) -> crate::backend::SqliteArg<'static> {
    crate::backend::SqliteArg::Text(std::borrow::Cow::Borrowed(label))
}

/// Whether `rust` and `sql` hold the same labels (in any order), evaluated at compile time
/// for `#[derive(DbEnum)]`: a Rust enum of an enum type has a variant for every label,
/// and no other. Not API.
#[doc(hidden)]
pub const fn same_labels(rust: &[&str], sql: &[&str]) -> bool {
    if rust.len() != sql.len() {
        return false;
    }
    let mut i = 0;
    while i < rust.len() {
        let mut found = false;
        let mut j = 0;
        while j < sql.len() {
            if same_str(rust[i], sql[j]) {
                found = true;
            }
            j += 1;
        }
        if !found {
            return false;
        }
        i += 1;
    }
    true
}

const fn same_str(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Expands to its input when sqlwright is built with SQLite (feature `sqlite`), to nothing
/// otherwise: generated impls hold their SQLite-only methods in it, since the feature is
/// sqlwright's and not the calling crate's. Not API.
#[cfg(feature = "sqlite")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_sqlite {
    ($($item:tt)*) => { $($item)* };
}

/// See the `sqlite` version.
#[cfg(not(feature = "sqlite"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_sqlite {
    ($($item:tt)*) => {};
}

/// Expands to its input when sqlwright is built with MySQL (feature `mysql`), to nothing
/// otherwise, as [`__if_sqlite`] does for SQLite. Not API.
#[cfg(feature = "mysql")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_mysql {
    ($($item:tt)*) => { $($item)* };
}

/// See the `mysql` version.
#[cfg(not(feature = "mysql"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_mysql {
    ($($item:tt)*) => {};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_compare_as_sets() {
        assert!(same_labels(&["a", "b"], &["b", "a"]));
        assert!(!same_labels(&["a", "b"], &["a", "c"]));
        assert!(!same_labels(&["a"], &["a", "b"]));
        assert!(!same_labels(&["ab"], &["a"]));
    }

    #[test]
    fn unknown_labels_are_named() {
        let from = |l: &str| (l == "paid").then_some(1u8);
        assert_eq!(
            label_from_pg(&Type::TEXT, Some(b"paid"), "order_status", from).ok(),
            Some(1)
        );
        let e = label_from_pg(&Type::TEXT, Some(b"refunded"), "order_status", from).unwrap_err();
        assert!(
            matches!(&e, DecodeError::UnknownLabel { label, .. } if label == "refunded"),
            "{e}"
        );
        let e = label_from_pg(&Type::INT4, Some(b"paid"), "order_status", from).unwrap_err();
        assert!(matches!(e, DecodeError::WrongType { .. }), "{e}");
        let e = label_from_pg(&Type::TEXT, None, "order_status", from).unwrap_err();
        assert!(matches!(e, DecodeError::UnexpectedNull { .. }), "{e}");
    }
}
