//! Derived tables (`FROM (SELECT ..) AS name`), CTEs (`WITH name AS (..)`) and derived
//! tables joined to a query: queries that stand as tables declared with `table!`.

use super::compose::{FromClause, SubSelect};
use super::select::{rebuild, DefaultSelection, Select, SingleFrom};
use super::subquery::render_nested;
use super::Table;
use crate::check::{Append, Uncorrelated};
use crate::render::{Render, SqlWriter};
use crate::types::{NotNull, Nullable, SqlType};
use std::marker::PhantomData;

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

pub(super) fn render_name_and_columns<T: Table>(out: &mut SqlWriter<'_>) {
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
        if out.dialect() != crate::backend::Dialect::Postgres {
            // SQLite and MariaDB name a subquery's columns only in a CTE: `(WITH "t"("a",
            // ..) AS (query) SELECT * FROM "t") AS "t"` reads the same rows under the same
            // names.
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
    fn from_subquery<Q: SubSelect<J, FromList: Uncorrelated>, J>(
        self,
        query: Q,
    ) -> Select<SingleFrom<Self>, Derived<Self, Q, J>, DefaultSelection<Self>>
    where
        Q::SqlType: FitsRow<Self::AllSqlTypes>,
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
    fn cte<Q: SubSelect<J, FromList: Uncorrelated>, J>(self, query: Q) -> Cte<Self, Q, J>
    where
        Q::SqlType: FitsRow<Self::AllSqlTypes>,
    {
        cte(query, false)
    }

    /// A recursive CTE: `query` (usually `base.union_all(step)`, where `step` reads this
    /// table) may read the CTE itself; the statement is written `WITH RECURSIVE`.
    fn recursive_cte<Q: SubSelect<J, FromList: Uncorrelated>, J>(self, query: Q) -> Cte<Self, Q, J>
    where
        Q::SqlType: FitsRow<Self::AllSqlTypes>,
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
    pub fn inner_join_subquery<T, Q: SubSelect<J, FromList: Uncorrelated>, J, E, IE>(
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
        Q::SqlType: FitsRow<T::AllSqlTypes>,
        F: crate::check::NotInFrom<T> + Append<crate::check::Src<T, NotNull>>,
        E: super::ValidOn<WithSource<F, T, NotNull>, IE>,
        C: super::PushSource<T>,
    {
        self.join_derived(table, query, condition)
    }

    /// `LEFT JOIN (query) AS "t"("c1", ..) ON condition`: the derived table's columns load as
    /// `Option<_>`.
    pub fn left_join_subquery<T, Q: SubSelect<J, FromList: Uncorrelated>, J, E, IE>(
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
        Q::SqlType: FitsRow<T::AllSqlTypes>,
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
