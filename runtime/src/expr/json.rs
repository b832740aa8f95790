//! JSON operators (`->`, `->>`, `#>`, `#>>`, `?`, `?|`, `?&`), containment (`@>`, `<@`, for
//! `jsonb` and arrays alike) and the JSON functions `jsonb_build_object`, `jsonb_agg` and
//! `to_jsonb` (and their `json` forms).
//!
//! Each operator is a method of [`JsonMethods`] whose check is a bound on the operand's name
//! (as in `operand.rs`), so `users::name.get("a")` is one error naming `users::name` and the
//! method. Access operators exist for `json` and `jsonb`; the key and containment operators
//! for `jsonb` only (PostgreSQL has them for no other JSON type). All are PostgreSQL's: on
//! SQLite a query using one does not compile (`JsonOperators`).

use super::methods::{CmpExpr, Operand};
use super::operand::{ctx, Compared, ComparesAs, FromRhs};
use super::ops::{Binary, BinaryOp};
use super::{AggFunc, AsExpr, Bound, Expression, Func, IntoOperand, Shown, ShownAs};
use super::{Signature, SqlFunction};
use crate::backend::needs::{features, PgOnly};
use crate::types::*;
use std::marker::PhantomData;

// ---- the SQL types the operators accept ----------------------------------------------------

/// `Jsonb` and `Json`, nullable or not: what `->`, `->>`, `#>` and `#>>` read.
pub trait JsonType: SqlType {}
impl JsonType for Jsonb {}
impl JsonType for Json {}
impl<T: JsonType + SqlType<Nullability = NotNull>> JsonType for Nullable<T> {}

/// `Jsonb`, nullable or not: what `?`, `?|` and `?&` read.
pub trait JsonbType: SqlType {}
impl JsonbType for Jsonb {}
impl JsonbType for Nullable<Jsonb> {}

/// `Jsonb` and arrays: the types `@>` and `<@` compare, with what each needs of the backend.
pub trait ContainerType: SqlType {
    /// `PgOnly<JsonOperators>` for `jsonb`, `PgOnly<Arrays>` for arrays.
    type Family: crate::backend::Needs;
}
impl ContainerType for Jsonb {
    type Family = PgOnly<features::JsonOperators>;
}
impl<T: ArrayElement> ContainerType for Array<T> {
    type Family = PgOnly<features::Arrays>;
}
impl<T: ContainerType + SqlType<Nullability = NotNull>> ContainerType for Nullable<T> {
    type Family = T::Family;
}

// ---- checks on the named operand -----------------------------------------------------------

/// `Self` (an operand's name) has a JSON SQL type `ST`, as `C` needs.
#[diagnostic::on_unimplemented(
    message = "`{C}` needs JSON, but `{Self}` has SQL type `{ST}`",
    label = "not `Jsonb` or `Json`",
    note = "JSON operators read columns declared `Jsonb` or `Json`; `cast::<Jsonb, _>(..)` reads text as JSON"
)]
pub trait IsJson<ST, C> {}
#[diagnostic::do_not_recommend]
impl<S, ST: JsonType, C> IsJson<ST, C> for S {}

/// `Self` (an operand's name) has SQL type `Jsonb`, as `C` needs.
#[diagnostic::on_unimplemented(
    message = "`{C}` needs `Jsonb`, but `{Self}` has SQL type `{ST}`",
    label = "PostgreSQL has `?`, `?|` and `?&` for `jsonb` only",
    note = "declare the column `Jsonb`, or convert it with `cast::<Jsonb, _>(..)`"
)]
pub trait IsJsonb<ST, C> {}
#[diagnostic::do_not_recommend]
impl<S, ST: JsonbType, C> IsJsonb<ST, C> for S {}

/// `Self` (an operand's name) has SQL type `Jsonb` or an array type `ST`, as `C` needs.
#[diagnostic::on_unimplemented(
    message = "`{C}` needs `Jsonb` or an array, but `{Self}` has SQL type `{ST}`",
    label = "PostgreSQL has `@>` and `<@` for `jsonb` and arrays only",
    note = "a `Json` column is compared as `jsonb`: `cast::<Jsonb, _>(..)`"
)]
pub trait IsContainer<ST, C> {
    /// What the comparison needs of the backend.
    type Family: crate::backend::Needs;
}
#[diagnostic::do_not_recommend]
impl<S, ST: ContainerType, C> IsContainer<ST, C> for S {
    type Family = ST::Family;
}

/// What `@>`/`<@` of expression `E` need of the backend.
pub type FamilyOf<E, C> = <ShownAs<E> as IsContainer<<E as Expression>::SqlType, C>>::Family;

// ---- operators -----------------------------------------------------------------------------

macro_rules! json_ops {
    ($($(#[$m:meta])* $name:ident = $sql:literal => |$l:ident, $r:ident| $out:ty;)*) => {$(
        $(#[$m])*
        pub struct $name;
        impl BinaryOp for $name {
            type Needs = PgOnly<features::JsonOperators>;
            const SQL: &'static str = $sql;
            type Out<$l: SqlType, $r: SqlType> = $out;
        }
        impl crate::check::identity::NameId for $name {
            type Id = ::sqlwright::__private::name_id!(op $name);
        }
    )*};
}

json_ops! {
    /// `->`: a member by key, or an element by index (NULL when absent).
    JsonGet = "->" => |L, R| Nullable<L::NotNull>;
    /// `->>`: a member or element as text (NULL when absent).
    JsonGetText = "->>" => |L, R| Nullable<Text>;
    /// `#>`: the value at a path (NULL when absent).
    JsonGetPath = "#>" => |L, R| Nullable<L::NotNull>;
    /// `#>>`: the value at a path as text (NULL when absent).
    JsonGetPathText = "#>>" => |L, R| Nullable<Text>;
    /// `?`: the key is a top-level key (or a string element) of the document.
    HasKey = "?" => |L, R| NullableIf<L, R, Bool>;
    /// `?|`: some of the keys is.
    HasAnyKey = "?|" => |L, R| NullableIf<L, R, Bool>;
    /// `?&`: every one of the keys is.
    HasAllKeys = "?&" => |L, R| NullableIf<L, R, Bool>;
}

/// `@>`: the left side contains the right (a `jsonb` document, or an array's elements).
pub struct Contains<N>(PhantomData<N>);
impl<N: crate::backend::Needs> BinaryOp for Contains<N> {
    type Needs = N;
    const SQL: &'static str = "@>";
    type Out<L: SqlType, R: SqlType> = NullableIf<L, R, Bool>;
}
impl<N> crate::check::identity::NameId for Contains<N> {
    type Id = ::sqlwright::__private::name_id!(op Contains);
}

/// `<@`: the left side is contained in the right.
pub struct ContainedBy<N>(PhantomData<N>);
impl<N: crate::backend::Needs> BinaryOp for ContainedBy<N> {
    type Needs = N;
    const SQL: &'static str = "<@";
    type Out<L: SqlType, R: SqlType> = NullableIf<L, R, Bool>;
}
impl<N> crate::check::identity::NameId for ContainedBy<N> {
    type Id = ::sqlwright::__private::name_id!(op ContainedBy);
}

/// A key or index for `->` and `->>`: a text key (`&str`, `String`) or an array index
/// (`i32`, counted from 0, negative from the end), bound as a parameter.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a JSON key",
    label = "`get` and `get_text` take a text key (`&str`, `String`) or an array index (`i32`)"
)]
pub trait JsonKey {
    /// The bound parameter it becomes.
    type Expr: Expression;
    /// Converts.
    fn into_key(self) -> Self::Expr;
}
impl<'a> JsonKey for &'a str {
    type Expr = Bound<Text, &'a str>;
    fn into_key(self) -> Self::Expr {
        Bound::new(self)
    }
}
impl JsonKey for String {
    type Expr = Bound<Text, String>;
    fn into_key(self) -> Self::Expr {
        Bound::new(self)
    }
}
impl<'a> JsonKey for &'a String {
    type Expr = Bound<Text, &'a str>;
    fn into_key(self) -> Self::Expr {
        Bound::new(self.as_str())
    }
}
impl JsonKey for i32 {
    type Expr = Bound<Int4, i32>;
    fn into_key(self) -> Self::Expr {
        Bound::new(self)
    }
}

/// A list of keys as one `text[]` parameter (paths, `?|`, `?&`).
pub type TextArray = Bound<Array<Text>, Vec<String>>;

fn text_array<I: IntoIterator<Item: AsRef<str>>>(items: I) -> TextArray {
    Bound::new(items.into_iter().map(|k| k.as_ref().to_owned()).collect())
}

/// JSON operators, and containment (`@>`, `<@`) of `jsonb` documents and of arrays.
///
/// ```
/// use sqlwright::prelude::*;
/// sqlwright::table! { products (id) { id -> Int4, attributes -> Jsonb, } }
///
/// let q = products::table
///     .filter(products::attributes.has_key("color"))
///     .select(products::attributes.get("size").get_text(0));
/// assert_eq!(
///     q.to_sql(),
///     r#"SELECT ("products"."attributes" -> $1) ->> $2 FROM "products" WHERE "products"."attributes" ? $3"#
/// );
/// ```
pub trait JsonMethods: Expression + Sized {
    /// `self -> key`: the member named `key` (`&str`) or the element at index `key` (`i32`),
    /// as JSON of `self`'s type; NULL when absent.
    fn get<K: JsonKey>(self, key: K) -> Binary<JsonGet, Self, K::Expr>
    where
        Self: Shown,
        ShownAs<Self>: IsJson<Self::SqlType, ctx::get>,
    {
        Binary::new(self, key.into_key())
    }
    /// `self ->> key`: the member or element as text (a string without its quotes); NULL
    /// when absent or JSON `null`.
    fn get_text<K: JsonKey>(self, key: K) -> Binary<JsonGetText, Self, K::Expr>
    where
        Self: Shown,
        ShownAs<Self>: IsJson<Self::SqlType, ctx::get_text>,
    {
        Binary::new(self, key.into_key())
    }
    /// `self #> path`: the value at `path` (keys, or indexes written as text: `["tags",
    /// "0"]`), bound as one `text[]`; NULL when absent.
    fn get_path<I>(self, path: I) -> Binary<JsonGetPath, Self, TextArray>
    where
        Self: Shown,
        ShownAs<Self>: IsJson<Self::SqlType, ctx::get_path>,
        I: IntoIterator<Item: AsRef<str>>,
    {
        Binary::new(self, text_array(path))
    }
    /// `self #>> path`: the value at `path` as text; NULL when absent.
    fn get_path_text<I>(self, path: I) -> Binary<JsonGetPathText, Self, TextArray>
    where
        Self: Shown,
        ShownAs<Self>: IsJson<Self::SqlType, ctx::get_path_text>,
        I: IntoIterator<Item: AsRef<str>>,
    {
        Binary::new(self, text_array(path))
    }
    /// `self ? key` (`jsonb`): `key` is a top-level key, or a string element of an array.
    fn has_key<K: AsExpr<Text>>(self, key: K) -> Binary<HasKey, Self, K::Expr>
    where
        Self: Shown,
        ShownAs<Self>: IsJsonb<Self::SqlType, ctx::has_key>,
    {
        Binary::new(self, key.into_expr())
    }
    /// `self ?| keys` (`jsonb`): some of `keys` is a top-level key.
    fn has_any_key<I>(self, keys: I) -> Binary<HasAnyKey, Self, TextArray>
    where
        Self: Shown,
        ShownAs<Self>: IsJsonb<Self::SqlType, ctx::has_any_key>,
        I: IntoIterator<Item: AsRef<str>>,
    {
        Binary::new(self, text_array(keys))
    }
    /// `self ?& keys` (`jsonb`): every one of `keys` is a top-level key.
    fn has_all_keys<I>(self, keys: I) -> Binary<HasAllKeys, Self, TextArray>
    where
        Self: Shown,
        ShownAs<Self>: IsJsonb<Self::SqlType, ctx::has_all_keys>,
        I: IntoIterator<Item: AsRef<str>>,
    {
        Binary::new(self, text_array(keys))
    }
    /// `self @> rhs`: `self` contains `rhs`. For `jsonb`, every key and value of `rhs` is in
    /// `self` (`rhs` is a `serde_json::Value`, a [`Json<T>`](crate::Json) or a `jsonb`
    /// expression); for arrays, every element of `rhs` is one of `self`'s (`rhs` a `Vec` of
    /// the element type, or an array expression).
    fn contains<R>(
        self,
        rhs: R,
    ) -> Binary<Contains<FamilyOf<Self, ctx::contains>>, Self, CmpExpr<Self, R>>
    where
        Self: Shown,
        ShownAs<Self>: IsContainer<Self::SqlType, ctx::contains>,
        R: Compared<Operand<Self>, ShownAs<Self>>,
        R::Shown: ComparesAs<Operand<Self>, ShownAs<Self>, R::SqlType>,
        R::Expr: FromRhs<R>,
    {
        Binary::new(self, FromRhs::from_rhs(rhs))
    }
    /// `self <@ rhs`: `self` is contained in `rhs` (the converse of
    /// [`contains`](Self::contains)).
    fn contained_by<R>(
        self,
        rhs: R,
    ) -> Binary<ContainedBy<FamilyOf<Self, ctx::contained_by>>, Self, CmpExpr<Self, R>>
    where
        Self: Shown,
        ShownAs<Self>: IsContainer<Self::SqlType, ctx::contained_by>,
        R: Compared<Operand<Self>, ShownAs<Self>>,
        R::Shown: ComparesAs<Operand<Self>, ShownAs<Self>, R::SqlType>,
        R::Expr: FromRhs<R>,
    {
        Binary::new(self, FromRhs::from_rhs(rhs))
    }
}

impl<E: Expression> JsonMethods for E {}

// ---- functions -----------------------------------------------------------------------------

macro_rules! json_functions {
    ($($(#[$m:meta])* $name:ident = $sql:literal;)*) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;
        impl SqlFunction for $name {
            type Needs = PgOnly<features::JsonOperators>;
            const NAME: &'static str = $sql;
        }
        impl crate::check::identity::NameId for $name {
            type Id = ::sqlwright::__private::name_id!(fn $name);
        }
    )*};
}

json_functions! {
    /// `jsonb_build_object(key, value, ..)`
    JsonbBuildObject = "jsonb_build_object";
    /// `jsonb_agg(value)`
    JsonbAgg = "jsonb_agg";
    /// `to_jsonb(value)`
    ToJsonb = "to_jsonb";
    /// `json_build_object(key, value, ..)`
    JsonBuildObject = "json_build_object";
    /// `json_agg(value)`
    JsonAgg = "json_agg";
    /// `to_json(value)`
    ToJson = "to_json";
}

#[diagnostic::do_not_recommend]
impl<A: SqlType> Signature<(A,)> for ToJsonb {
    type Out = NullableAs<A, Jsonb>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType> Signature<(A,)> for JsonbAgg {
    type Out = Nullable<Jsonb>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType> Signature<(A,)> for ToJson {
    type Out = NullableAs<A, Json>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType> Signature<(A,)> for JsonAgg {
    type Out = Nullable<Json>;
}

/// `to_json(value)`: as [`to_jsonb`], of type `json` (keeps the text as built: key order and
/// duplicate keys).
pub fn to_json<E: IntoOperand>(value: E) -> Func<ToJson, (E::Expr,)> {
    Func::new((value.into_operand(),))
}

/// `json_agg(value)`: as [`jsonb_agg`], of type `json`.
pub fn json_agg<E: Expression>(value: E) -> AggFunc<JsonAgg, (E,)> {
    AggFunc::new((value,))
}

/// `json_build_object(key, value, ..)`: as [`jsonb_build_object`], of type `json`.
pub fn json_build_object<P: KeysAndValues>(pairs: P) -> Func<JsonBuildObject, P::Args> {
    Func::new(pairs.into_args())
}

/// `to_jsonb(value)`: any value as `jsonb` (a row's column as a number, string, array, ...);
/// NULL when the value is.
pub fn to_jsonb<E: IntoOperand>(value: E) -> Func<ToJsonb, (E::Expr,)> {
    Func::new((value.into_operand(),))
}

/// `jsonb_agg(value)`: the group's values as one `jsonb` array; an aggregate (NULL over no
/// rows), so it follows the grouping rules as `count` does.
pub fn jsonb_agg<E: Expression>(value: E) -> AggFunc<JsonbAgg, (E,)> {
    AggFunc::new((value,))
}

/// The arguments of `jsonb_build_object`: a flat tuple of keys and values, `("name",
/// users::name, "age", users::age)`, as SQL writes them. Keys are text (bound), values any
/// expression or Rust value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of keys and values",
    label = "`jsonb_build_object` takes a tuple `(key, value, key, value, ..)` of up to 4 pairs, keys text"
)]
pub trait KeysAndValues {
    /// The argument expressions.
    type Args;
    /// Converts.
    fn into_args(self) -> Self::Args;
}

macro_rules! keys_and_values {
    ($(($($k:ident $v:ident),+))*) => {$(
        #[allow(non_snake_case)]
        impl<$($k: AsExpr<Text>, $v: IntoOperand),+> KeysAndValues for ($($k, $v,)+) {
            type Args = ($($k::Expr, $v::Expr,)+);
            fn into_args(self) -> Self::Args {
                let ($($k, $v,)+) = self;
                ($($k.into_expr(), $v.into_operand(),)+)
            }
        }
        #[diagnostic::do_not_recommend]
        impl<$($k: SqlType<NotNull = Text>, $v: SqlType),+> Signature<($($k, $v,)+)>
            for JsonbBuildObject
        {
            type Out = Jsonb;
        }
        #[diagnostic::do_not_recommend]
        impl<$($k: SqlType<NotNull = Text>, $v: SqlType),+> Signature<($($k, $v,)+)>
            for JsonBuildObject
        {
            type Out = Json;
        }
    )*};
}
keys_and_values! {
    (K0 V0) (K0 V0, K1 V1) (K0 V0, K1 V1, K2 V2) (K0 V0, K1 V1, K2 V2, K3 V3)
}

/// `jsonb_build_object(key, value, ..)`: a `jsonb` object of the given members (never NULL;
/// a NULL value is JSON `null`). The tuple alternates keys and values as SQL does.
///
/// ```
/// use sqlwright::dsl::*;
/// use sqlwright::prelude::*;
/// sqlwright::table! { users (id) { id -> Int4, name -> Text, } }
/// let q = users::table.select(jsonb_build_object(("id", users::id, "name", users::name)));
/// assert_eq!(
///     q.to_sql(),
///     r#"SELECT jsonb_build_object($1, "users"."id", $2, "users"."name") FROM "users""#
/// );
/// ```
pub fn jsonb_build_object<P: KeysAndValues>(pairs: P) -> Func<JsonbBuildObject, P::Args> {
    Func::new(pairs.into_args())
}
