//! Array operators and functions: `&&` ([`ArrayMethods::overlaps`]), `value = ANY(array)`
//! ([`ArrayMethods::any_eq`]), `array_length`, `cardinality` and `unnest` in a select list.
//! Containment (`@>`, `<@`) is shared with `jsonb`, in `json.rs`. All are PostgreSQL's
//! (feature `Arrays` on other backends).

use super::methods::{CmpExpr, Operand};
use super::operand::{ctx, Compared, ComparesAs, FromRhs};
use super::ops::{Binary, BinaryOp};
use super::{AsExpr, Expression, Func, Shown, ShownAs, Signature, SqlFunction};
use crate::backend::needs::{features, All3, PgOnly};
use crate::check::{AppearsIn, Mix, ValidGrouping};
use crate::render::{operand, Render, SqlWriter};
use crate::types::*;
use std::marker::PhantomData;

/// Array types, nullable or not, with their element type.
pub trait ArrayType: SqlType {
    /// The element's SQL type (`Nullable<_>` when elements may be NULL).
    type Elem: SqlType;
}
impl<T: ArrayElement> ArrayType for Array<T> {
    type Elem = T;
}
impl<T: ArrayElement> ArrayType for Nullable<Array<T>> {
    type Elem = T;
}

/// `Self` (an operand's name) has an array SQL type `ST`, as `C` needs.
#[diagnostic::on_unimplemented(
    message = "`{C}` needs an array, but `{Self}` has SQL type `{ST}`",
    label = "not an array: declare the column `Array<..>`"
)]
pub trait IsArray<ST, C> {
    /// The element type.
    type Elem: SqlType;
}
#[diagnostic::do_not_recommend]
impl<S, ST: ArrayType, C> IsArray<ST, C> for S {
    type Elem = ST::Elem;
}

/// The element type of array expression `E` (nullable when its elements may be NULL).
pub type ElementOf<E, C> = <ShownAs<E> as IsArray<<E as Expression>::SqlType, C>>::Elem;

/// The element type of array expression `E` without NULL: what `any_eq` compares with.
pub type ElementOperand<E, C> = <ElementOf<E, C> as SqlType>::NotNull;

/// The elements of array `C` (a column's name), as errors call them: "`7` cannot be compared
/// with `Elements<posts::tags>`, of SQL type `Text`".
pub struct Elements<C>(PhantomData<C>);

/// `&&`: the arrays have an element in common.
pub struct Overlaps;
impl BinaryOp for Overlaps {
    type Needs = PgOnly<features::Arrays>;
    const SQL: &'static str = "&&";
    type Out<L: SqlType, R: SqlType> = NullableIf<L, R, Bool>;
}
impl crate::check::identity::NameId for Overlaps {
    type Id = ::sqlwright::__private::name_id!(op Overlaps);
}

/// `value = ANY(array)`: the value is one of the array's elements. NULL (false in a filter)
/// when either is NULL, or when no element equals the value and some element is NULL.
/// `El` is the array's element type, which makes the result nullable when elements may be.
pub struct AnyEq<A, V, El> {
    array: A,
    value: V,
    _elem: PhantomData<El>,
}

impl<A: Clone, V: Clone, El> Clone for AnyEq<A, V, El> {
    fn clone(&self) -> Self {
        AnyEq {
            array: self.array.clone(),
            value: self.value.clone(),
            _elem: PhantomData,
        }
    }
}
impl<A: Copy, V: Copy, El> Copy for AnyEq<A, V, El> {}

/// The result type of `value = ANY(array)`, for elements of type `El`.
pub type AnyEqType<V, A, El> = NullableIf<V, NullableIf<A, El, Bool>, Bool>;

impl<A: Expression, V: Expression, El: SqlType> Expression for AnyEq<A, V, El> {
    type SqlType = AnyEqType<V::SqlType, A::SqlType, El>;
}

impl<A, V, El: SqlType, F, IA, IV> AppearsIn<F, (IA, IV)> for AnyEq<A, V, El>
where
    A: AppearsIn<F, IA, Lifted: SqlType>,
    V: AppearsIn<F, IV, Lifted: SqlType>,
{
    type Lifted = AnyEqType<V::Lifted, A::Lifted, El>;
}

impl<A, V, El, G, JA, JV> ValidGrouping<G, (JA, JV)> for AnyEq<A, V, El>
where
    A: ValidGrouping<G, JA>,
    V: ValidGrouping<G, JV>,
    A::Kind: Mix<V::Kind>,
{
    type Kind = <A::Kind as Mix<V::Kind>>::Out;
}

impl<A: Render, V: Render, El> Render for AnyEq<A, V, El> {
    type Needs = All3<PgOnly<features::Arrays>, V::Needs, A::Needs>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        let sensitive = self.array.is_sensitive() || self.value.is_sensitive();
        let outer = out.begin_redacting(sensitive);
        operand(&self.value, out);
        out.sql(" = ANY(");
        self.array.render(out);
        out.sql(")");
        out.end_redacting(outer);
    }
}

crate::__impl_operators!([A: Expression, V: Expression, El: SqlType,] AnyEq<A, V, El>);
super::operand::as_expr_for! { [A, V, El,] AnyEq<A, V, El>; }

/// Operators of arrays beyond containment (which [`JsonMethods`](super::JsonMethods) has).
///
/// ```
/// use sqlwright::prelude::*;
/// sqlwright::table! { posts (id) { id -> Int4, tags -> Array<Text>, } }
///
/// let q = posts::table
///     .filter(posts::tags.any_eq("rust") & posts::tags.overlaps(vec!["sql", "db"]))
///     .select(posts::id);
/// assert_eq!(
///     q.to_sql(),
///     r#"SELECT "posts"."id" FROM "posts" WHERE ($1 = ANY("posts"."tags")) AND ("posts"."tags" && $2)"#
/// );
/// ```
pub trait ArrayMethods: Expression + Sized {
    /// `self && rhs`: the arrays have an element in common.
    fn overlaps<R>(self, rhs: R) -> Binary<Overlaps, Self, CmpExpr<Self, R>>
    where
        Self: Shown,
        ShownAs<Self>: IsArray<Self::SqlType, ctx::overlaps>,
        R: Compared<Operand<Self>, ShownAs<Self>>,
        R::Shown: ComparesAs<Operand<Self>, ShownAs<Self>, R::SqlType>,
        R::Expr: FromRhs<R>,
    {
        Binary::new(self, FromRhs::from_rhs(rhs))
    }
    /// `value = ANY(self)`: `value` (a Rust value of the element type, or an expression) is
    /// one of the array's elements: "the rows whose tags include `rust`".
    #[allow(clippy::type_complexity)]
    fn any_eq<R>(
        self,
        value: R,
    ) -> AnyEq<
        Self,
        <R as Compared<ElementOperand<Self, ctx::any_eq>, Elements<ShownAs<Self>>>>::Expr,
        ElementOf<Self, ctx::any_eq>,
    >
    where
        Self: Shown,
        ShownAs<Self>: IsArray<Self::SqlType, ctx::any_eq>,
        R: Compared<ElementOperand<Self, ctx::any_eq>, Elements<ShownAs<Self>>>,
        R::Shown:
            ComparesAs<ElementOperand<Self, ctx::any_eq>, Elements<ShownAs<Self>>, R::SqlType>,
        R::Expr: FromRhs<R>,
    {
        AnyEq {
            array: self,
            value: FromRhs::from_rhs(value),
            _elem: PhantomData,
        }
    }
}

impl<E: Expression> ArrayMethods for E {}

// ---- functions -----------------------------------------------------------------------------

macro_rules! array_functions {
    ($($(#[$m:meta])* $name:ident = $sql:literal;)*) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;
        impl SqlFunction for $name {
            type Needs = PgOnly<features::Arrays>;
            const NAME: &'static str = $sql;
        }
        impl crate::check::identity::NameId for $name {
            type Id = ::sqlwright::__private::name_id!(fn $name);
        }
    )*};
}

array_functions! {
    /// `array_length(array, dimension)`
    ArrayLength = "array_length";
    /// `cardinality(array)`
    Cardinality = "cardinality";
    /// `unnest(array)`
    Unnest = "unnest";
}

#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull: ArrayType>, D: SqlType<NotNull = Int4>> Signature<(A, D)> for ArrayLength {
    type Out = Nullable<Int4>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull: ArrayType>> Signature<(A,)> for Cardinality {
    type Out = NullableAs<A, Int4>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull: ArrayType>> Signature<(A,)> for Unnest {
    type Out = <A::NotNull as ArrayType>::Elem;
}

/// `array_length(array, dimension)`: the length of the array along `dimension` (1 for a
/// one-dimensional array), `Int4`; NULL for an empty or NULL array.
pub fn array_length<E: Expression, D: AsExpr<Int4>>(
    array: E,
    dimension: D,
) -> Func<ArrayLength, (E, D::Expr)> {
    Func::new((array, dimension.into_expr()))
}

/// `cardinality(array)`: the number of elements, `Int4`; 0 for an empty array, NULL for a
/// NULL one.
pub fn cardinality<E: Expression>(array: E) -> Func<Cardinality, (E,)> {
    Func::new((array,))
}

/// `unnest(array)` in a select list: one row per element, of the element's type (a NULL or
/// empty array gives no row). For `unnest` as a FROM source with a named column, see
/// [`FromUnnest::from_unnest`](crate::query::FromUnnest::from_unnest).
pub fn unnest<E: Expression>(array: E) -> Func<Unnest, (E,)> {
    Func::new((array,))
}

crate::check::identity::opaque_keys! {
    [A, V, El] AnyEq<A, V, El>;
}
