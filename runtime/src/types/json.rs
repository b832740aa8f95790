//! [`Json<T>`]: a `json`/`jsonb` value as the user's own serde type.
//!
//! A column stays declared `attributes -> Jsonb` in `table!`; a row struct's field, an
//! inserted value or a compared one is `Json<Attributes>`: written with `serde_json` when it
//! is sent, read back with it when it is loaded. A stored document that does not fit the
//! struct is an [`Error::Decode`](crate::Error::Decode) naming the column, with serde's
//! message as the reason; never a panic.

use super::{Json as JsonSql, Jsonb};
use crate::engine::DecodeError;
use crate::expr::{AsExpr, Bound, RustValue, SqlValue};
use bytes::{BufMut, BytesMut};
use postgres_types::{IsNull, ToSql, Type};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::error::Error as StdError;

/// A `jsonb` (or `json`) value held as `T`, encoded and decoded with serde.
///
/// ```
/// use sqlwright::prelude::*;
/// use sqlwright::Json; // the value wrapper, not the prelude's SQL type `Json`
///
/// sqlwright::table! { products (id) { id -> Int4, attributes -> Jsonb, } }
///
/// // any `serde` type: usually the user's own `#[derive(Serialize, Deserialize)]` struct
/// let red = Json(std::collections::BTreeMap::from([("color", "red")]));
/// let q = products::table.filter(products::attributes.contains(red)).select(products::id);
/// assert_eq!(
///     q.to_sql(),
///     r#"SELECT "products"."id" FROM "products" WHERE "products"."attributes" @> $1"#
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The value inside.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T> From<T> for Json<T> {
    fn from(value: T) -> Self {
        Json(value)
    }
}

/// The version byte that starts `jsonb`'s binary form (the rest is the JSON text).
const JSONB_VERSION: u8 = 1;

impl<T: Serialize + std::fmt::Debug> ToSql for Json<T> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        if *ty == Type::JSONB {
            out.put_u8(JSONB_VERSION);
        }
        serde_json::to_writer(out.writer(), &self.0)?;
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::JSON | Type::JSONB)
    }

    postgres_types::to_sql_checked!();
}

impl<T: Serialize + std::fmt::Debug + Sync> crate::backend::Encode for Json<T> {
    #[cfg(feature = "sqlite")]
    fn to_sqlite(&self) -> Result<crate::backend::SqliteArg<'_>, String> {
        serde_json::to_string(&self.0)
            .map(|text| crate::backend::SqliteArg::Text(text.into()))
            .map_err(|e| format!("the value does not serialize as JSON: {e}"))
    }
    #[cfg(feature = "mysql")]
    fn to_mysql(&self) -> Result<mysql_common::value::Value, String> {
        super::mysql_forms::json_value(&self.0)
    }
}

impl<T> RustValue for Json<T> {}

impl<T: Serialize + std::fmt::Debug + Sync> SqlValue<Jsonb> for Json<T> {}
impl<T: Serialize + std::fmt::Debug + Sync> SqlValue<JsonSql> for Json<T> {}

impl<T: Serialize + std::fmt::Debug + Sync> AsExpr<Jsonb> for Json<T> {
    type Expr = Bound<Jsonb, Json<T>>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}
impl<T: Serialize + std::fmt::Debug + Sync> AsExpr<JsonSql> for Json<T> {
    type Expr = Bound<JsonSql, Json<T>>;
    fn into_expr(self) -> Self::Expr {
        Bound::new(self)
    }
}

/// Where nothing else gives the SQL type (`value(..)`, raw SQL's `bind`, a function argument),
/// a `Json<T>` is `jsonb`.
impl<T: Serialize + std::fmt::Debug + Sync> crate::expr::NaturalSqlType for Json<T> {
    type SqlType = Jsonb;
}
impl<T: Serialize + std::fmt::Debug + Sync> crate::expr::IntoOperand for Json<T> {
    type Expr = Bound<Jsonb, Json<T>>;
    fn into_operand(self) -> Self::Expr {
        Bound::new(self)
    }
}

/// Reads the JSON text of a `json` or `jsonb` value as `T`.
fn decode_json<T: DeserializeOwned>(ty: &Type, raw: Option<&[u8]>) -> Result<Json<T>, DecodeError> {
    let rust = std::any::type_name::<T>();
    let text = match *ty {
        Type::JSON => raw,
        Type::JSONB => match raw {
            Some([JSONB_VERSION, rest @ ..]) => Some(rest),
            Some(other) => {
                return Err(DecodeError::Invalid {
                    rust,
                    reason: format!(
                        "a jsonb value starts with version byte 1, this one with {:?}",
                        other.first()
                    ),
                })
            }
            None => None,
        },
        _ => {
            return Err(DecodeError::WrongType {
                rust,
                sql: ty.name().to_string(),
            })
        }
    };
    let text = text.ok_or(DecodeError::UnexpectedNull { rust })?;
    serde_json::from_slice(text)
        .map(Json)
        .map_err(|e| DecodeError::Invalid {
            rust,
            reason: e.to_string(),
        })
}

/// Reads a JSON value as SQLite returned it (text, or a bare number) as `T`.
#[cfg(feature = "sqlite")]
fn decode_json_sqlite<T: DeserializeOwned>(
    value: crate::backend::SqliteValue<'_>,
) -> Result<Json<T>, DecodeError> {
    use crate::backend::SqliteValue;
    let rust = std::any::type_name::<T>();
    let invalid = |e: serde_json::Error| DecodeError::Invalid {
        rust,
        reason: e.to_string(),
    };
    match value {
        SqliteValue::Null => Err(DecodeError::UnexpectedNull { rust }),
        SqliteValue::Text(text) | SqliteValue::Blob(text) => {
            serde_json::from_slice(text).map(Json).map_err(invalid)
        }
        SqliteValue::Integer(n) => serde_json::from_value(n.into()).map(Json).map_err(invalid),
        SqliteValue::Real(x) => serde_json::from_value(x.into()).map(Json).map_err(invalid),
    }
}

macro_rules! json_loads {
    ($($st:ty),*) => {$(
        impl<T: DeserializeOwned> super::FromSqlValue<$st> for Json<T> {
            fn decode(ty: &Type, raw: Option<&[u8]>) -> Result<Self, DecodeError> {
                decode_json(ty, raw)
            }
            #[cfg(feature = "sqlite")]
            fn decode_sqlite(value: crate::backend::SqliteValue<'_>) -> Result<Self, DecodeError> {
                decode_json_sqlite(value)
            }
            #[cfg(feature = "mysql")]
            fn decode_mysql(value: &crate::backend::mysql::MysqlValue<'_>) -> Result<Self, DecodeError> {
                super::mysql_forms::json(value).map(Json)
            }
        }
    )*};
}
json_loads!(Jsonb, JsonSql);

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Point {
        x: i32,
    }

    #[test]
    fn decodes_json_and_jsonb_text_and_says_why_not() {
        let ok = decode_json::<Point>(&Type::JSONB, Some(b"\x01{\"x\": 3}")).unwrap();
        assert_eq!(ok, Json(Point { x: 3 }));
        let ok = decode_json::<Point>(&Type::JSON, Some(br#"{"x": -1, "y": 2}"#)).unwrap();
        assert_eq!(ok, Json(Point { x: -1 }));
        let reason = |e: DecodeError| match e {
            DecodeError::Invalid { rust, reason } => {
                assert!(rust.ends_with("Point"), "{rust}");
                reason
            }
            other => panic!("not Invalid: {other:?}"),
        };
        let missing = decode_json::<Point>(&Type::JSONB, Some(b"\x01{}")).unwrap_err();
        assert!(reason(missing).contains("missing field `x`"));
        let wrong = decode_json::<Point>(&Type::JSON, Some(br#"{"x": "3"}"#)).unwrap_err();
        assert!(reason(wrong).contains("invalid type: string"));
        let version = decode_json::<Point>(&Type::JSONB, Some(b"\x02{}")).unwrap_err();
        assert!(reason(version).contains("version byte 1"));
        let empty = decode_json::<Point>(&Type::JSONB, Some(b"")).unwrap_err();
        assert!(reason(empty).contains("None"));
        assert!(matches!(
            decode_json::<Point>(&Type::JSONB, None),
            Err(DecodeError::UnexpectedNull { .. })
        ));
        assert!(matches!(
            decode_json::<Point>(&Type::TEXT, Some(b"{}")),
            Err(DecodeError::WrongType { .. })
        ));
    }

    #[test]
    fn encodes_jsonb_with_its_version_byte() {
        let mut out = BytesMut::new();
        let doc = Json(std::collections::BTreeMap::from([("a", 1)]));
        doc.to_sql(&Type::JSONB, &mut out).unwrap();
        assert_eq!(&out[..], b"\x01{\"a\":1}");
        out.clear();
        doc.to_sql(&Type::JSON, &mut out).unwrap();
        assert_eq!(&out[..], b"{\"a\":1}");
        assert!(<Json<i32> as ToSql>::accepts(&Type::JSONB));
        assert!(!<Json<i32> as ToSql>::accepts(&Type::TEXT));
    }
}
