//! `ExpressionMethods`: the methods every expression has (comparisons, NULL tests, LIKE, IN,
//! BETWEEN, ordering), building the operator nodes of `ops.rs`.

use super::operand::{ctx, Compared, ComparesAs, FromRhs, IsBool, IsText, ListValue};
use super::ops::*;
use super::{AsExpr, Bound, Expression, Shown, ShownAs};
use crate::types::*;

/// The SQL type a value compared with expression `E` must have: `E`'s type without NULL.
pub type Operand<E> = <<E as Expression>::SqlType as SqlType>::NotNull;

/// `R` as the right side of a comparison with `E`.
pub type CmpExpr<E, R> = <R as Compared<Operand<E>, ShownAs<E>>>::Expr;

/// Methods every expression has: comparisons, NULL tests, LIKE, IN, BETWEEN, ordering.
pub trait ExpressionMethods: Expression + Sized {
    /// `self = rhs`.
    ///
    /// `rhs` is a Rust value of `self`'s SQL type (`i32` for an `Int4` column) or an expression
    /// of that type; a mismatch is reported with the names of both sides.
    fn eq<R>(self, rhs: R) -> Binary<Eq, Self, CmpExpr<Self, R>>
    where
        Self: Shown,
        Self::SqlType: Comparable,
        R: Compared<Operand<Self>, ShownAs<Self>>,
        R::Shown: ComparesAs<Operand<Self>, ShownAs<Self>, R::SqlType>,
        R::Expr: FromRhs<R>,
    {
        Binary::new(self, FromRhs::from_rhs(rhs))
    }
    /// `self <> rhs`.
    fn ne<R>(self, rhs: R) -> Binary<Ne, Self, CmpExpr<Self, R>>
    where
        Self: Shown,
        Self::SqlType: Comparable,
        R: Compared<Operand<Self>, ShownAs<Self>>,
        R::Shown: ComparesAs<Operand<Self>, ShownAs<Self>, R::SqlType>,
        R::Expr: FromRhs<R>,
    {
        Binary::new(self, FromRhs::from_rhs(rhs))
    }
    /// `self < rhs`.
    fn lt<R>(self, rhs: R) -> Binary<Lt, Self, CmpExpr<Self, R>>
    where
        Self: Shown,
        Self::SqlType: Comparable,
        R: Compared<Operand<Self>, ShownAs<Self>>,
        R::Shown: ComparesAs<Operand<Self>, ShownAs<Self>, R::SqlType>,
        R::Expr: FromRhs<R>,
    {
        Binary::new(self, FromRhs::from_rhs(rhs))
    }
    /// `self <= rhs`.
    fn le<R>(self, rhs: R) -> Binary<Le, Self, CmpExpr<Self, R>>
    where
        Self: Shown,
        Self::SqlType: Comparable,
        R: Compared<Operand<Self>, ShownAs<Self>>,
        R::Shown: ComparesAs<Operand<Self>, ShownAs<Self>, R::SqlType>,
        R::Expr: FromRhs<R>,
    {
        Binary::new(self, FromRhs::from_rhs(rhs))
    }
    /// `self > rhs`.
    fn gt<R>(self, rhs: R) -> Binary<Gt, Self, CmpExpr<Self, R>>
    where
        Self: Shown,
        Self::SqlType: Comparable,
        R: Compared<Operand<Self>, ShownAs<Self>>,
        R::Shown: ComparesAs<Operand<Self>, ShownAs<Self>, R::SqlType>,
        R::Expr: FromRhs<R>,
    {
        Binary::new(self, FromRhs::from_rhs(rhs))
    }
    /// `self >= rhs`.
    fn ge<R>(self, rhs: R) -> Binary<Ge, Self, CmpExpr<Self, R>>
    where
        Self: Shown,
        Self::SqlType: Comparable,
        R: Compared<Operand<Self>, ShownAs<Self>>,
        R::Shown: ComparesAs<Operand<Self>, ShownAs<Self>, R::SqlType>,
        R::Expr: FromRhs<R>,
    {
        Binary::new(self, FromRhs::from_rhs(rhs))
    }
    /// `self IS NULL`.
    #[allow(clippy::wrong_self_convention)]
    fn is_null(self) -> Unary<IsNull, Self> {
        Unary::new(self)
    }
    /// `self IS NOT NULL`.
    #[allow(clippy::wrong_self_convention)]
    fn is_not_null(self) -> Unary<IsNotNull, Self> {
        Unary::new(self)
    }
    /// `self LIKE pattern` (text only).
    fn like<R: AsExpr<Text>>(self, pattern: R) -> Binary<Like, Self, R::Expr>
    where
        Self: Shown,
        ShownAs<Self>: IsText<Self::SqlType, ctx::like>,
    {
        Binary::new(self, pattern.into_expr())
    }
    /// `self NOT LIKE pattern` (text only).
    fn not_like<R: AsExpr<Text>>(self, pattern: R) -> Binary<NotLike, Self, R::Expr>
    where
        Self: Shown,
        ShownAs<Self>: IsText<Self::SqlType, ctx::not_like>,
    {
        Binary::new(self, pattern.into_expr())
    }
    /// `self ILIKE pattern`: case-insensitive LIKE (text only).
    fn ilike<R: AsExpr<Text>>(self, pattern: R) -> Binary<ILike, Self, R::Expr>
    where
        Self: Shown,
        ShownAs<Self>: IsText<Self::SqlType, ctx::ilike>,
    {
        Binary::new(self, pattern.into_expr())
    }
    /// `self NOT ILIKE pattern` (text only).
    fn not_ilike<R: AsExpr<Text>>(self, pattern: R) -> Binary<NotILike, Self, R::Expr>
    where
        Self: Shown,
        ShownAs<Self>: IsText<Self::SqlType, ctx::not_ilike>,
    {
        Binary::new(self, pattern.into_expr())
    }
    /// `self || rhs`: text concatenation.
    fn concat<R: AsExpr<Text>>(self, rhs: R) -> Binary<Concat, Self, R::Expr>
    where
        Self: Shown,
        ShownAs<Self>: IsText<Self::SqlType, ctx::concat>,
    {
        Binary::new(self, rhs.into_expr())
    }
    /// `self IN (values...)`, sent as one array parameter: `self = ANY($1)`, or from 9
    /// values `self IN (SELECT unnest($1))` (planned well by a prepared statement).
    /// An empty list matches no row.
    fn in_<T, I>(self, values: I) -> InList<Self, Operand<Self>, T>
    where
        Self: Shown,
        I: IntoIterator<Item = T>,
        T: ListValue<Operand<Self>, ShownAs<Self>>,
        Operand<Self>: ListElement + Comparable,
    {
        InList {
            expr: self,
            values: Bound::unchecked(T::items(values.into_iter().collect())),
            negated: false,
        }
    }
    /// `self NOT IN (values...)`, sent as one array parameter: `self <> ALL($1)`.
    /// An empty list matches every non-NULL row.
    fn not_in<T, I>(self, values: I) -> InList<Self, Operand<Self>, T>
    where
        Self: Shown,
        I: IntoIterator<Item = T>,
        T: ListValue<Operand<Self>, ShownAs<Self>>,
        Operand<Self>: ListElement + Comparable,
    {
        InList {
            expr: self,
            values: Bound::unchecked(T::items(values.into_iter().collect())),
            negated: true,
        }
    }
    /// `self IN (subquery)`: the subquery must select one column of this expression's type.
    fn in_query<Q, J>(self, query: Q) -> crate::query::InQuery<Self, Q, J>
    where
        Q: crate::query::SubSelect<J, SqlType: crate::query::SingleColumn>,
        crate::query::ColumnOf<Q, J>: Compatible<Operand<Self>>,
    {
        crate::query::InQuery::new(self, query, false)
    }
    /// `self NOT IN (subquery)` (NULL, so false in a filter, when the subquery returns a
    /// NULL and no row equals `self`).
    fn not_in_query<Q, J>(self, query: Q) -> crate::query::InQuery<Self, Q, J>
    where
        Q: crate::query::SubSelect<J, SqlType: crate::query::SingleColumn>,
        crate::query::ColumnOf<Q, J>: Compatible<Operand<Self>>,
    {
        crate::query::InQuery::new(self, query, true)
    }
    /// `self = ANY (subquery)`: true when `self =` some value the subquery returns.
    fn eq_any<Q, J>(self, query: Q) -> Binary<Eq, Self, crate::query::Quantified<Q, J>>
    where
        Q: crate::query::SubSelect<J, SqlType: crate::query::SingleColumn>,
        crate::query::ColumnOf<Q, J>: Compatible<Operand<Self>>,
        Self::SqlType: Comparable,
    {
        Binary::new(self, crate::query::Quantified::new(query, false))
    }
    /// `self = ALL (subquery)`: true when `self =` every value the subquery returns.
    fn eq_all<Q, J>(self, query: Q) -> Binary<Eq, Self, crate::query::Quantified<Q, J>>
    where
        Q: crate::query::SubSelect<J, SqlType: crate::query::SingleColumn>,
        crate::query::ColumnOf<Q, J>: Compatible<Operand<Self>>,
        Self::SqlType: Comparable,
    {
        Binary::new(self, crate::query::Quantified::new(query, true))
    }
    /// `self <> ANY (subquery)`: true when `self <>` some value the subquery returns.
    fn ne_any<Q, J>(self, query: Q) -> Binary<Ne, Self, crate::query::Quantified<Q, J>>
    where
        Q: crate::query::SubSelect<J, SqlType: crate::query::SingleColumn>,
        crate::query::ColumnOf<Q, J>: Compatible<Operand<Self>>,
        Self::SqlType: Comparable,
    {
        Binary::new(self, crate::query::Quantified::new(query, false))
    }
    /// `self <> ALL (subquery)`: true when `self <>` every value the subquery returns.
    fn ne_all<Q, J>(self, query: Q) -> Binary<Ne, Self, crate::query::Quantified<Q, J>>
    where
        Q: crate::query::SubSelect<J, SqlType: crate::query::SingleColumn>,
        crate::query::ColumnOf<Q, J>: Compatible<Operand<Self>>,
        Self::SqlType: Comparable,
    {
        Binary::new(self, crate::query::Quantified::new(query, true))
    }
    /// `self < ANY (subquery)`: true when `self <` some value the subquery returns.
    fn lt_any<Q, J>(self, query: Q) -> Binary<Lt, Self, crate::query::Quantified<Q, J>>
    where
        Q: crate::query::SubSelect<J, SqlType: crate::query::SingleColumn>,
        crate::query::ColumnOf<Q, J>: Compatible<Operand<Self>>,
        Self::SqlType: Comparable,
    {
        Binary::new(self, crate::query::Quantified::new(query, false))
    }
    /// `self < ALL (subquery)`: true when `self <` every value the subquery returns.
    fn lt_all<Q, J>(self, query: Q) -> Binary<Lt, Self, crate::query::Quantified<Q, J>>
    where
        Q: crate::query::SubSelect<J, SqlType: crate::query::SingleColumn>,
        crate::query::ColumnOf<Q, J>: Compatible<Operand<Self>>,
        Self::SqlType: Comparable,
    {
        Binary::new(self, crate::query::Quantified::new(query, true))
    }
    /// `self <= ANY (subquery)`: true when `self <=` some value the subquery returns.
    fn le_any<Q, J>(self, query: Q) -> Binary<Le, Self, crate::query::Quantified<Q, J>>
    where
        Q: crate::query::SubSelect<J, SqlType: crate::query::SingleColumn>,
        crate::query::ColumnOf<Q, J>: Compatible<Operand<Self>>,
        Self::SqlType: Comparable,
    {
        Binary::new(self, crate::query::Quantified::new(query, false))
    }
    /// `self <= ALL (subquery)`: true when `self <=` every value the subquery returns.
    fn le_all<Q, J>(self, query: Q) -> Binary<Le, Self, crate::query::Quantified<Q, J>>
    where
        Q: crate::query::SubSelect<J, SqlType: crate::query::SingleColumn>,
        crate::query::ColumnOf<Q, J>: Compatible<Operand<Self>>,
        Self::SqlType: Comparable,
    {
        Binary::new(self, crate::query::Quantified::new(query, true))
    }
    /// `self > ANY (subquery)`: true when `self >` some value the subquery returns.
    fn gt_any<Q, J>(self, query: Q) -> Binary<Gt, Self, crate::query::Quantified<Q, J>>
    where
        Q: crate::query::SubSelect<J, SqlType: crate::query::SingleColumn>,
        crate::query::ColumnOf<Q, J>: Compatible<Operand<Self>>,
        Self::SqlType: Comparable,
    {
        Binary::new(self, crate::query::Quantified::new(query, false))
    }
    /// `self > ALL (subquery)`: true when `self >` every value the subquery returns.
    fn gt_all<Q, J>(self, query: Q) -> Binary<Gt, Self, crate::query::Quantified<Q, J>>
    where
        Q: crate::query::SubSelect<J, SqlType: crate::query::SingleColumn>,
        crate::query::ColumnOf<Q, J>: Compatible<Operand<Self>>,
        Self::SqlType: Comparable,
    {
        Binary::new(self, crate::query::Quantified::new(query, true))
    }
    /// `self >= ANY (subquery)`: true when `self >=` some value the subquery returns.
    fn ge_any<Q, J>(self, query: Q) -> Binary<Ge, Self, crate::query::Quantified<Q, J>>
    where
        Q: crate::query::SubSelect<J, SqlType: crate::query::SingleColumn>,
        crate::query::ColumnOf<Q, J>: Compatible<Operand<Self>>,
        Self::SqlType: Comparable,
    {
        Binary::new(self, crate::query::Quantified::new(query, false))
    }
    /// `self >= ALL (subquery)`: true when `self >=` every value the subquery returns.
    fn ge_all<Q, J>(self, query: Q) -> Binary<Ge, Self, crate::query::Quantified<Q, J>>
    where
        Q: crate::query::SubSelect<J, SqlType: crate::query::SingleColumn>,
        crate::query::ColumnOf<Q, J>: Compatible<Operand<Self>>,
        Self::SqlType: Comparable,
    {
        Binary::new(self, crate::query::Quantified::new(query, true))
    }
    /// `self BETWEEN low AND high` (inclusive).
    fn between<Lo, Hi>(
        self,
        low: Lo,
        high: Hi,
    ) -> Between<Self, CmpExpr<Self, Lo>, CmpExpr<Self, Hi>>
    where
        Self: Shown,
        Self::SqlType: Comparable,
        Lo: Compared<Operand<Self>, ShownAs<Self>>,
        Lo::Shown: ComparesAs<Operand<Self>, ShownAs<Self>, Lo::SqlType>,
        Hi: Compared<Operand<Self>, ShownAs<Self>>,
        Hi::Shown: ComparesAs<Operand<Self>, ShownAs<Self>, Hi::SqlType>,
        Lo::Expr: FromRhs<Lo>,
        Hi::Expr: FromRhs<Hi>,
    {
        Between {
            expr: self,
            low: FromRhs::from_rhs(low),
            high: FromRhs::from_rhs(high),
            negated: false,
        }
    }
    /// `self NOT BETWEEN low AND high`.
    fn not_between<Lo, Hi>(
        self,
        low: Lo,
        high: Hi,
    ) -> Between<Self, CmpExpr<Self, Lo>, CmpExpr<Self, Hi>>
    where
        Self: Shown,
        Self::SqlType: Comparable,
        Lo: Compared<Operand<Self>, ShownAs<Self>>,
        Lo::Shown: ComparesAs<Operand<Self>, ShownAs<Self>, Lo::SqlType>,
        Hi: Compared<Operand<Self>, ShownAs<Self>>,
        Hi::Shown: ComparesAs<Operand<Self>, ShownAs<Self>, Hi::SqlType>,
        Lo::Expr: FromRhs<Lo>,
        Hi::Expr: FromRhs<Hi>,
    {
        Between {
            expr: self,
            low: FromRhs::from_rhs(low),
            high: FromRhs::from_rhs(high),
            negated: true,
        }
    }
    /// `self AND rhs` (also written `a & b`).
    fn and<R>(self, rhs: R) -> Binary<And, Self, R>
    where
        Self: Shown,
        R: Expression + Shown,
        ShownAs<Self>: IsBool<Self::SqlType, ctx::and>,
        ShownAs<R>: IsBool<R::SqlType, ctx::and>,
    {
        Binary::new(self, rhs)
    }
    /// `self OR rhs` (also written `a | b`).
    fn or<R>(self, rhs: R) -> Binary<Or, Self, R>
    where
        Self: Shown,
        R: Expression + Shown,
        ShownAs<Self>: IsBool<Self::SqlType, ctx::or>,
        ShownAs<R>: IsBool<R::SqlType, ctx::or>,
    {
        Binary::new(self, rhs)
    }
    /// Ascending order, for `order_by`.
    fn asc(self) -> Ordered<Self> {
        Ordered {
            expr: self,
            desc: false,
            nulls: None,
        }
    }
    /// Descending order, for `order_by`.
    fn desc(self) -> Ordered<Self> {
        Ordered {
            expr: self,
            desc: true,
            nulls: None,
        }
    }
}

impl<E: Expression> ExpressionMethods for E {}
