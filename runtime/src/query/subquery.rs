//! Subqueries: scalar subqueries, `EXISTS`, `IN (SELECT ..)`, `ANY`/`ALL`, correlated
//! subqueries, derived tables in FROM, and CTEs (`WITH`, `WITH RECURSIVE`).
//!
//! A subquery is any SELECT (or set operation). One that reads columns of an enclosing query
//! declares which of its sources it reads with [`Select::correlate`]; where it is used, those
//! sources must be in the enclosing query's FROM clause, or it does not compile.

use super::compose::{FromClause, SubSelect};
use super::select::{rebuild, DefaultSelection, Select, SingleFrom};
use super::{Source, Table};
use crate::check::{AppearsIn, Append, Neutral, Nil, Outer, OuterRefs, ValidGrouping};
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

fn render_nested<'a, Q: SubSelect<J>, J>(q: &'a Q, out: &mut SqlWriter<'a>) {
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

// ---- derived tables -------------------------------------------------------------------------

/// A query's row type fits the columns of the table that names it: same SQL types in the same
/// order (a non-nullable value may fill a column declared nullable).
#[diagnostic::on_unimplemented(
    message = "the query's rows `{Self}` do not match the declared columns `{Cols}`",
    label = "select the declared columns' types, in their order",
    note = "a derived table or CTE is declared with `table!` (with `#[derived]`); its columns name the query's columns in order"
)]
pub trait FitsRow<Cols> {}

/// One value fits a declared column.
#[diagnostic::on_unimplemented(
    message = "the query selects a `{Self}` where the derived table declares a `{C}` column",
    label = "the query's columns must have the declared columns' types, in their order",
    note = "a derived table or CTE is declared with `table!` (with `#[derived]`); its columns name the query's columns in order"
)]
pub trait FitsColumn<C> {}
impl<A: SqlType> FitsColumn<A> for A {}
impl<A: SqlType<Nullability = NotNull>> FitsColumn<Nullable<A>> for A {}

#[diagnostic::do_not_recommend]
impl<A: SqlType + FitsColumn<B>, B> FitsRow<(B,)> for A {}

macro_rules! fits_rows {
    ($(($($a:ident $b:ident)+))*) => {$(
        #[diagnostic::do_not_recommend]
        impl<$($a: FitsColumn<$b>, $b),+> FitsRow<($($b,)+)> for ($($a,)+) {}
    )*};
}
fits_rows! {
    (A0 B0) (A0 B0 A1 B1) (A0 B0 A1 B1 A2 B2) (A0 B0 A1 B1 A2 B2 A3 B3)
    (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4) (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4 A5 B5)
    (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4 A5 B5 A6 B6)
    (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4 A5 B5 A6 B6 A7 B7)
    (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4 A5 B5 A6 B6 A7 B7 A8 B8)
    (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4 A5 B5 A6 B6 A7 B7 A8 B8 A9 B9)
    (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4 A5 B5 A6 B6 A7 B7 A8 B8 A9 B9 A10 B10)
    (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4 A5 B5 A6 B6 A7 B7 A8 B8 A9 B9 A10 B10 A11 B11)
}

/// A derived table: `(query) AS "name"("col", ..)`, named by table `T`'s declaration.
pub struct Derived<T, Q, J> {
    query: Q,
    _t: PhantomData<(T, J)>,
}

fn render_name_and_columns<T: Table>(out: &mut SqlWriter<'_>) {
    out.ident(T::SQL_NAME);
    out.sql("(");
    for (i, c) in T::META.columns.iter().enumerate() {
        if i > 0 {
            out.sql(", ");
        }
        out.ident(c.sql_name);
    }
    out.sql(")");
}

impl<T: Table, Q: SubSelect<J>, J> FromClause for Derived<T, Q, J> {
    type Needs = Q::Needs;
    fn render_from<'a>(&'a self, out: &mut SqlWriter<'a>) {
        if out.dialect() == crate::backend::Dialect::Sqlite {
            // SQLite names a subquery's columns only in a CTE: `(WITH "t"("a", ..) AS
            // (query) SELECT * FROM "t") AS "t"` reads the same rows under the same names.
            out.sql("(WITH ");
            render_name_and_columns::<T>(out);
            out.sql(" AS ");
            render_nested(&self.query, out);
            out.sql(" SELECT * FROM ");
            out.ident(T::SQL_NAME);
            out.sql(") AS ");
            out.ident(T::SQL_NAME);
            return;
        }
        render_nested(&self.query, out);
        out.sql(" AS ");
        render_name_and_columns::<T>(out);
    }
}

/// Queries over a derived table or a CTE named by a declared table.
pub trait DerivedTable: Table {
    /// `SELECT .. FROM (query) AS "name"("col", ..)`: a query over the rows of `query`,
    /// whose columns are this table's columns (SQLAlchemy's `select_from(subquery)`). The
    /// query's row must match the declared columns; it cannot be correlated.
    ///
    /// ```
    /// # use sqlwright::prelude::*;
    /// sqlwright::table! {
    ///     orders (id) { id -> Int4, customer -> Text, total -> Int4, }
    ///     /// The totals per customer: a derived table.
    ///     #[derived]
    ///     per_customer { customer -> Text, spent -> Nullable<Int8>, }
    /// }
    /// let totals = orders::table
    ///     .group_by(orders::customer)
    ///     .select((orders::customer, sum(orders::total)));
    /// let q = per_customer::table
    ///     .from_subquery(totals)
    ///     .filter(per_customer::spent.gt(100))
    ///     .select(per_customer::customer);
    /// assert_eq!(
    ///     q.to_sql(),
    ///     r#"SELECT "per_customer"."customer" FROM (SELECT "orders"."customer", SUM("orders"."total") FROM "orders" GROUP BY "orders"."customer") AS "per_customer"("customer", "spent") WHERE "per_customer"."spent" > $1"#
    /// );
    /// ```
    #[allow(clippy::type_complexity, clippy::wrong_self_convention)]
    fn from_subquery<Q: SubSelect<J>, J, I>(
        self,
        query: Q,
    ) -> Select<SingleFrom<Self>, Derived<Self, Q, J>, DefaultSelection<Self>>
    where
        Q::SqlType: FitsRow<Self::AllSqlTypes>,
        Q::FromList: OuterRefs<Nil, I>,
    {
        Select::over(
            self,
            Derived {
                query,
                _t: PhantomData,
            },
        )
    }

    /// This table as a CTE defined by `query`: `"name"("col", ..) AS (query)`, attached to a
    /// statement with [`Select::with`]. Queries read it like a table (`name::table`).
    fn cte<Q: SubSelect<J>, J, I>(self, query: Q) -> Cte<Self, Q, J>
    where
        Q::SqlType: FitsRow<Self::AllSqlTypes>,
        Q::FromList: OuterRefs<Nil, I>,
    {
        cte(query, false)
    }

    /// A recursive CTE: `query` (usually `base.union_all(step)`, where `step` reads this
    /// table) may read the CTE itself; the statement is written `WITH RECURSIVE`.
    fn recursive_cte<Q: SubSelect<J>, J, I>(self, query: Q) -> Cte<Self, Q, J>
    where
        Q::SqlType: FitsRow<Self::AllSqlTypes>,
        Q::FromList: OuterRefs<Nil, I>,
    {
        cte(query, true)
    }
}
impl<T: Table> DerivedTable for T {}

fn cte<T, Q, J>(query: Q, recursive: bool) -> Cte<T, Q, J> {
    Cte {
        query,
        recursive,
        _t: PhantomData,
    }
}

// ---- CTEs -----------------------------------------------------------------------------------

/// A common table expression: table `T`'s name and columns, defined by `query`.
pub struct Cte<T, Q, J> {
    query: Q,
    recursive: bool,
    _t: PhantomData<(T, J)>,
}

/// A FROM clause `From` with a CTE `C` attached (written in the statement's WITH clause).
pub struct WithCte<C, From> {
    cte: C,
    from: From,
}

/// A CTE as a part of a WITH clause.
pub trait CteDef {
    /// What its query needs of the backend.
    type Needs: crate::backend::Needs;
    /// Whether it is recursive.
    fn is_recursive(&self) -> bool;
    /// Writes `"name"("col", ..) AS (query)`.
    fn render_cte<'a>(&'a self, out: &mut SqlWriter<'a>);
}
impl<T: Table, Q: SubSelect<J>, J> CteDef for Cte<T, Q, J> {
    type Needs = Q::Needs;
    fn is_recursive(&self) -> bool {
        self.recursive
    }
    fn render_cte<'a>(&'a self, out: &mut SqlWriter<'a>) {
        render_name_and_columns::<T>(out);
        out.sql(" AS ");
        render_nested(&self.query, out);
    }
}

impl<C: CteDef, From: FromClause> FromClause for WithCte<C, From> {
    type Needs = crate::backend::needs::Both<C::Needs, From::Needs>;
    fn render_from<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.from.render_from(out);
    }
    fn has_ctes(&self) -> bool {
        true
    }
    fn recursive_ctes(&self) -> bool {
        self.cte.is_recursive() || self.from.recursive_ctes()
    }
    fn render_ctes<'a>(&'a self, out: &mut SqlWriter<'a>, first: &mut bool) {
        self.from.render_ctes(out, first);
        if !*first {
            out.sql(", ");
        }
        *first = false;
        self.cte.render_cte(out);
    }
}

impl<F, From, S, W, O, G, H> Select<F, From, S, W, O, G, H> {
    /// Attaches a CTE (see [`DerivedTable::cte`]): the statement is written `WITH name AS
    /// (..) SELECT ..`. Several calls add several CTEs, in order, so a later one may read an
    /// earlier one. A query used as a subquery (in INSERT .. SELECT, or in the conditions of
    /// UPDATE and DELETE) carries its CTEs with it.
    ///
    /// The CTE's table is read like any table: the query must select from it or join it.
    pub fn with<C: CteDef>(self, cte: C) -> Select<F, WithCte<C, From>, S, W, O, G, H> {
        rebuild!(self, from: WithCte { cte, from: self.from })
    }
}

// ---- derived tables joined ------------------------------------------------------------------

/// A FROM clause with a derived table joined: `left KIND (query) AS "t"(..) ON on`.
pub struct JoinDerived<L, T, Q, J, On, K> {
    left: L,
    derived: Derived<T, Q, J>,
    on: On,
    _k: PhantomData<K>,
}

impl<L: FromClause, T: Table, Q: SubSelect<J>, J, On: Render, K: super::JoinKind> FromClause
    for JoinDerived<L, T, Q, J, On, K>
{
    type Needs = crate::backend::needs::All3<L::Needs, Q::Needs, On::Needs>;
    fn render_from<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.left.render_from(out);
        out.sql(K::SQL);
        self.derived.render_from(out);
        out.sql(" ON ");
        self.on.render(out);
    }
    fn left(&self) -> Option<&dyn FromClause> {
        Some(&self.left)
    }
}

type WithSource<F, T, N> = <F as Append<crate::check::Src<T, N>>>::Out;

// Query types spell out their FROM lists; naming every piece would not make them clearer.
#[allow(clippy::type_complexity)]
impl<F, From, C, W, O> Select<F, From, DefaultSelection<C>, W, O> {
    /// `INNER JOIN (query) AS "t"("c1", ..) ON condition`: a derived table (declared with
    /// `#[derived]`, as for [`DerivedTable::from_subquery`]) joined to this query.
    pub fn inner_join_subquery<T, Q, J, I, E, IE>(
        self,
        table: T,
        query: Q,
        condition: E,
    ) -> Select<
        WithSource<F, T, NotNull>,
        JoinDerived<From, T, Q, J, E, super::join::Inner>,
        DefaultSelection<C::Out>,
        W,
        O,
    >
    where
        T: Table,
        Q: SubSelect<J>,
        Q::SqlType: FitsRow<T::AllSqlTypes>,
        Q::FromList: OuterRefs<Nil, I>,
        F: crate::check::NotInFrom<T> + Append<crate::check::Src<T, NotNull>>,
        E: super::ValidOn<WithSource<F, T, NotNull>, IE>,
        C: super::PushSource<T>,
    {
        self.join_derived(table, query, condition)
    }

    /// `LEFT JOIN (query) AS "t"("c1", ..) ON condition`: the derived table's columns load as
    /// `Option<_>`.
    pub fn left_join_subquery<T, Q, J, I, E, IE>(
        self,
        table: T,
        query: Q,
        condition: E,
    ) -> Select<
        WithSource<F, T, crate::types::Null>,
        JoinDerived<From, T, Q, J, E, super::join::Left>,
        DefaultSelection<C::Out>,
        W,
        O,
    >
    where
        T: Table,
        Q: SubSelect<J>,
        Q::SqlType: FitsRow<T::AllSqlTypes>,
        Q::FromList: OuterRefs<Nil, I>,
        F: crate::check::NotInFrom<T>
            + Append<crate::check::Src<T, NotNull>>
            + Append<crate::check::Src<T, crate::types::Null>>,
        E: super::ValidOn<WithSource<F, T, NotNull>, IE>,
        C: super::PushSource<T>,
    {
        self.join_derived(table, query, condition)
    }

    /// The query with `(query) AS "t"(..)` joined by `K` on `condition`, its FROM list `F2`.
    fn join_derived<T, Q, J, E, K, F2>(
        self,
        table: T,
        query: Q,
        condition: E,
    ) -> Select<F2, JoinDerived<From, T, Q, J, E, K>, DefaultSelection<C::Out>, W, O>
    where
        C: super::PushSource<T>,
    {
        rebuild!(
            self,
            from: JoinDerived {
                left: self.from,
                derived: Derived { query, _t: PhantomData },
                on: condition,
                _k: PhantomData,
            },
            select: DefaultSelection(self.select.0.push(table)),
        )
    }
}
