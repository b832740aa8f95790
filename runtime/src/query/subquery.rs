//! Subqueries: scalar subqueries, `EXISTS`, `IN (SELECT ..)`, `ANY`/`ALL` and correlated
//! subqueries. Derived tables in FROM and CTEs (`WITH`, `WITH RECURSIVE`) are in `derived.rs`.
//!
//! A subquery is any SELECT (or set operation). One that reads columns of an enclosing query
//! declares which of its sources it reads with [`Select::correlate`]; where it is used, those
//! sources must be in the enclosing query's FROM clause, or it does not compile.

use super::compose::SubSelect;
use super::select::{rebuild, Select};
use super::Source;
use crate::check::{AppearsIn, Append, Neutral, Outer, OuterRefs, ValidGrouping};
use crate::expr::{AsExpr, Expression};
use crate::render::{Render, SqlWriter};
use crate::types::{Bool, Compatible, NotNull, Nullable, NullableIf, SqlType};
use std::marker::PhantomData;

/// The one column of a subquery used as a value.
#[diagnostic::on_unimplemented(
    message = "a subquery used as a value must select exactly one column, but its rows are `{Self}`",
    label = "select a single column or expression in this subquery",
    note = "`.select(column)` before `.scalar_subquery()`, `in_query`, `eq_any`, `gt_all`, ..."
)]
pub trait SingleColumn {
    /// The column's SQL type.
    type Type: SqlType;
}
// One impl per SQL type, not a blanket one over `SqlType`: a row of several columns then
// matches no impl, so its type is not inferred as the "column" and the mistake is reported
// once, where the subquery is made.
macro_rules! single_columns {
    ($([$($gen:tt)*] $st:ty;)*) => {$(
        #[diagnostic::do_not_recommend]
        impl<$($gen)*> SingleColumn for $st {
            type Type = $st;
        }
    )*};
}
single_columns! {
    [] crate::types::Int2; [] crate::types::Int4; [] crate::types::Int8;
    [] crate::types::Float4; [] crate::types::Float8; [] crate::types::Numeric;
    [] crate::types::Text; [] Bool; [] crate::types::Date; [] crate::types::Time;
    [] crate::types::Timestamp; [] crate::types::Timestamptz; [] crate::types::Interval;
    [] crate::types::Uuid; [] crate::types::Json; [] crate::types::Jsonb; [] crate::types::Bytea;
    [ST: SqlType<Nullability = NotNull>] Nullable<ST>;
    [ST: crate::types::ArrayElement] crate::types::Array<ST>;
}

/// The SQL type of the single column of subquery `Q`.
pub type ColumnOf<Q, J> = <<Q as SubSelect<J>>::SqlType as SingleColumn>::Type;

pub(super) fn render_nested<'a, Q: SubSelect<J>, J>(q: &'a Q, out: &mut SqlWriter<'a>) {
    out.sql("(");
    out.enter_subquery();
    q.render_subselect(out);
    out.leave_subquery();
    out.sql(")");
}

// ---- correlation ------------------------------------------------------------------------

impl<F, From, S, W, O, G, H> Select<F, From, S, W, O, G, H> {
    /// Declares that this (sub)query reads columns of `outer`, a table or alias of an
    /// enclosing query (SQLAlchemy's `correlate`). Its columns may then be used in this
    /// query's conditions; `outer` is not added to this query's FROM clause, and where the
    /// subquery is used, `outer` must be in the FROM clause around it.
    ///
    /// ```
    /// # use sqlwright::prelude::*;
    /// # use sqlwright::dsl::exists;
    /// sqlwright::table! {
    ///     users (id) { id -> Int4, name -> Text, }
    ///     posts (id) { id -> Int4, #[references(users::id)] user_id -> Int4, }
    /// }
    /// # fn main() {
    /// let has_posts = exists(posts::table.correlate(users::table).filter(posts::user_id.eq(users::id)));
    /// let q = users::table.filter(has_posts).select(users::name);
    /// assert_eq!(
    ///     q.to_sql(),
    ///     r#"SELECT "users"."name" FROM "users" WHERE EXISTS (SELECT "posts"."id", "posts"."user_id" FROM "posts" WHERE "posts"."user_id" = "users"."id")"#
    /// );
    /// # }
    /// ```
    pub fn correlate<T: Source>(self, outer: T) -> Select<F::Out, From, S, W, O, G, H>
    where
        F: Append<Outer<T>>,
    {
        let _ = outer;
        rebuild!(self,)
    }
}

// ---- scalar subquery ---------------------------------------------------------------------

/// `(SELECT ..)` used as a value: its single column, NULL when it returns no row.
pub struct ScalarSubquery<Q, J> {
    query: Q,
    _j: PhantomData<J>,
}

// `J` is `(index of the query, SQL type of its column)`: `scalar_subquery` checks the single
// column once and records its type, so a query of two columns is reported there only.
impl<Q, J, T: SqlType> Expression for ScalarSubquery<Q, (J, T)> {
    type SqlType = T::Nullable;
}
impl<Q, J, T: SqlType, Fo, I> AppearsIn<Fo, I> for ScalarSubquery<Q, (J, T)>
where
    Q: SubSelect<J, FromList: OuterRefs<Fo, I>>,
{
    type Lifted = T::Nullable;
}
impl<Q, J, G> ValidGrouping<G, ()> for ScalarSubquery<Q, J> {
    type Kind = Neutral;
}
impl<Q: SubSelect<J>, J, T> Render for ScalarSubquery<Q, (J, T)> {
    type Needs = Q::Needs;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        render_nested(&self.query, out);
    }
    fn is_atomic(&self) -> bool {
        true
    }
}
crate::__impl_operators!([Q, J, T: SqlType,] ScalarSubquery<Q, (J, T)>);
crate::expr::operand::operand_for! { [Q, J, T: SqlType,] ScalarSubquery<Q, (J, T)>; }

#[diagnostic::do_not_recommend]
impl<Q, J, T: SqlType, ST: SqlType> AsExpr<ST> for ScalarSubquery<Q, (J, T)>
where
    Self: Expression<SqlType: Compatible<ST>>,
{
    type Expr = Self;
    fn into_expr(self) -> Self {
        self
    }
}

// ---- EXISTS -------------------------------------------------------------------------------

/// `EXISTS (SELECT ..)` or `NOT EXISTS (SELECT ..)`.
pub struct Exists<Q, J> {
    query: Q,
    negated: bool,
    _j: PhantomData<J>,
}

/// `EXISTS (query)`: true when the query returns a row.
pub fn exists<Q: SubSelect<J>, J>(query: Q) -> Exists<Q, J> {
    Exists {
        query,
        negated: false,
        _j: PhantomData,
    }
}
/// `NOT EXISTS (query)`: true when the query returns no row.
pub fn not_exists<Q: SubSelect<J>, J>(query: Q) -> Exists<Q, J> {
    Exists {
        query,
        negated: true,
        _j: PhantomData,
    }
}

impl<Q: SubSelect<J>, J> Expression for Exists<Q, J> {
    type SqlType = Bool;
}
impl<Q: SubSelect<J, FromList: OuterRefs<Fo, I>>, J, Fo, I> AppearsIn<Fo, I> for Exists<Q, J> {
    type Lifted = Bool;
}
impl<Q, J, G> ValidGrouping<G, ()> for Exists<Q, J> {
    type Kind = Neutral;
}
impl<Q: SubSelect<J>, J> Render for Exists<Q, J> {
    type Needs = Q::Needs;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql(if self.negated {
            "NOT EXISTS "
        } else {
            "EXISTS "
        });
        render_nested(&self.query, out);
    }
}
crate::__impl_operators!([Q: SubSelect<J>, J,] Exists<Q, J>);

// ---- IN (subquery) ------------------------------------------------------------------------

/// `expr [NOT] IN (SELECT ..)`.
pub struct InQuery<E, Q, J> {
    expr: E,
    query: Q,
    negated: bool,
    _j: PhantomData<J>,
}

impl<E, Q, J> InQuery<E, Q, J> {
    pub(crate) fn new(expr: E, query: Q, negated: bool) -> Self {
        InQuery {
            expr,
            query,
            negated,
            _j: PhantomData,
        }
    }
}

impl<E: Expression, Q: SubSelect<J, SqlType: SingleColumn>, J> Expression for InQuery<E, Q, J> {
    type SqlType = NullableIf<E::SqlType, ColumnOf<Q, J>, Bool>;
}
impl<E, Q, J, Fo, IE, IQ> AppearsIn<Fo, (IE, IQ)> for InQuery<E, Q, J>
where
    E: AppearsIn<Fo, IE, Lifted: SqlType>,
    Q: SubSelect<J, SqlType: SingleColumn, FromList: OuterRefs<Fo, IQ>>,
{
    type Lifted = NullableIf<E::Lifted, ColumnOf<Q, J>, Bool>;
}
impl<E: ValidGrouping<G, K>, Q, J, G, K> ValidGrouping<G, K> for InQuery<E, Q, J> {
    type Kind = E::Kind;
}
impl<E: Render, Q: SubSelect<J>, J> Render for InQuery<E, Q, J> {
    type Needs = crate::backend::needs::Both<E::Needs, Q::Needs>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        crate::render::operand(&self.expr, out);
        out.sql(if self.negated { " NOT IN " } else { " IN " });
        if out.dialect() == crate::backend::Dialect::Mysql && self.query.limited() {
            // MySQL refuses LIMIT in an IN subquery, and takes it in a derived table: the
            // same rows, read through one.
            out.sql("(SELECT * FROM ");
            render_nested(&self.query, out);
            out.sql(" AS ");
            out.ident("sqlwright_in");
            out.sql(")");
            return;
        }
        render_nested(&self.query, out);
    }
}
crate::__impl_operators!([E: Expression, Q: SubSelect<J, SqlType: SingleColumn>, J,] InQuery<E, Q, J>);

// ---- ANY / ALL ----------------------------------------------------------------------------

/// `ANY (SELECT ..)` or `ALL (SELECT ..)`: the right side of a comparison built by
/// `x.gt_all(query)`, `x.eq_any(query)`, ...
pub struct Quantified<Q, J> {
    query: Q,
    all: bool,
    _j: PhantomData<J>,
}

impl<Q, J> Quantified<Q, J> {
    /// `ANY (query)` (`all = false`) or `ALL (query)`: only the comparison methods
    /// (`eq_any`, `gt_all`, ...) build one, so it is never used as a value of its own.
    pub(crate) fn new(query: Q, all: bool) -> Self {
        Quantified {
            query,
            all,
            _j: PhantomData,
        }
    }
}

impl<Q: SubSelect<J, SqlType: SingleColumn>, J> Expression for Quantified<Q, J> {
    type SqlType = ColumnOf<Q, J>;
}
impl<Q, J, Fo, I> AppearsIn<Fo, I> for Quantified<Q, J>
where
    Q: SubSelect<J, SqlType: SingleColumn, FromList: OuterRefs<Fo, I>>,
{
    type Lifted = ColumnOf<Q, J>;
}
impl<Q, J, G> ValidGrouping<G, ()> for Quantified<Q, J> {
    type Kind = Neutral;
}
impl<Q: SubSelect<J>, J> Render for Quantified<Q, J> {
    type Needs = crate::backend::needs::Both<
        crate::backend::needs::PgOnly<crate::backend::needs::features::AnyAll>,
        Q::Needs,
    >;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql(if self.all { "ALL " } else { "ANY " });
        render_nested(&self.query, out);
    }
    fn is_atomic(&self) -> bool {
        true
    }
}

/// A query that can stand as a value: it selects one column, of SQL type `T`.
pub trait ScalarQuery<J, T> {}
impl<Q: SubSelect<J>, J, T> ScalarQuery<J, T> for Q where Q::SqlType: SingleColumn<Type = T> {}

/// `.scalar_subquery()` on queries.
pub trait SubqueryMethods: Sized {
    /// This query as a value: `(SELECT ..)`. It must select exactly one column; the value is
    /// nullable (NULL when the query returns no row). A query returning several rows is an
    /// error from the server when it runs.
    fn scalar_subquery<J, T>(self) -> ScalarSubquery<Self, (J, T)>
    where
        Self: ScalarQuery<J, T>,
    {
        ScalarSubquery {
            query: self,
            _j: PhantomData,
        }
    }
}
impl<F, From, S, W, O, G, H> SubqueryMethods for Select<F, From, S, W, O, G, H> {}
impl<L, R, JL, JR> SubqueryMethods for super::setop::SetOp<L, R, JL, JR> {}

crate::check::identity::opaque_keys! {
    [Q, J] ScalarSubquery<Q, J>;
    [Q, J] Exists<Q, J>;
    [E, Q, J] InQuery<E, Q, J>;
    [Q, J] Quantified<Q, J>;
}
