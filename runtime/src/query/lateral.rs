//! LATERAL joins: `LEFT JOIN LATERAL (query) AS "t"("c1", ..) ON TRUE`, a derived table whose
//! query reads the tables joined before it (PostgreSQL only).
//!
//! The subquery is built first, so it declares the outer sources it reads with
//! [`Select::correlate`], as a correlated subquery does; joining it LATERAL checks that each
//! of them is in the FROM clause before the join ([`LateralRefs`]). Its columns are named by
//! a `#[derived]` table, as for [`inner_join_subquery`](Select::inner_join_subquery).

// Query types spell out their FROM lists; naming every piece would not make them clearer.
#![allow(clippy::type_complexity)]

use super::compose::{FromClause, SubSelect};
use super::derived::{render_name_and_columns, FitsRow};
use super::join::{Appended, Inner, JoinKind, Left, PushSource, ValidOn};
use super::select::{rebuild, DefaultSelection, Select, SingleFrom};
use super::subquery::render_nested;
use super::{Source, Table, TableQuery};
use crate::backend::needs::{features, All3, Both, PgOnly};
use crate::check::{Append, LateralRefs, NotInFrom, Src};
use crate::render::{Render, SqlWriter};
use crate::types::{NotNull, Null};
use std::marker::PhantomData;

/// A FROM clause with a LATERAL subquery joined: `left KIND LATERAL (query) AS "t"(..) ON on`.
pub struct JoinLateral<L, T, Q, J, On, K> {
    left: L,
    query: Q,
    on: On,
    _t: PhantomData<(T, J, K)>,
}

/// The ON condition of a LATERAL join whose subquery holds the correlation: `ON TRUE`.
#[derive(Clone, Copy, Debug, Default)]
pub struct OnTrue;

impl Render for OnTrue {
    type Needs = ();
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql("TRUE");
    }
    fn is_atomic(&self) -> bool {
        true
    }
}

impl<L: FromClause, T: Table, Q: SubSelect<J>, J, On: Render, K: JoinKind> FromClause
    for JoinLateral<L, T, Q, J, On, K>
{
    type Needs = All3<L::Needs, Both<PgOnly<features::Lateral>, Q::Needs>, On::Needs>;
    fn render_from<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.left.render_from(out);
        out.sql(K::SQL);
        out.sql("LATERAL ");
        render_nested(&self.query, out);
        out.sql(" AS ");
        render_name_and_columns::<T>(out);
        out.sql(" ON ");
        self.on.render(out);
    }
    fn left(&self) -> Option<&dyn FromClause> {
        Some(&self.left)
    }
}

/// The query after a LATERAL join of table `T` (query `Q`, ON condition `On`, kind `K`) to a
/// query with FROM list `F`, FROM clause `From` and default selection `C`; `N` is `Null`
/// under a LEFT join.
pub type LateralJoined<F, From, C, T, Q, J, On, K, N, W, O> =
    Select<Appended<F, T, N>, JoinLateral<From, T, Q, J, On, K>, DefaultSelection<C>, W, O>;

impl<F, From, C, W, O> Select<F, From, DefaultSelection<C>, W, O> {
    /// `LEFT JOIN LATERAL (query) AS "t"("c1", ..) ON TRUE`: for each row so far, the rows of
    /// `query`, which may read the tables joined before it (declared with
    /// [`correlate`](Select::correlate)); its columns, named by the `#[derived]` table `table`,
    /// load as `Option<_>` (NULL for a row the query gives no row for). PostgreSQL only.
    ///
    /// ```
    /// # use sqlwright::prelude::*;
    /// sqlwright::table! {
    ///     customers (id) { id -> Int4, name -> Text, }
    ///     orders (id) { id -> Int4, #[references(customers::id)] customer_id -> Int4, total -> Int4, }
    ///     /// A customer's latest order.
    ///     #[derived]
    ///     latest { id -> Int4, total -> Int4, }
    /// }
    /// # fn main() {
    /// let last = orders::table
    ///     .correlate(customers::table)
    ///     .filter(orders::customer_id.eq(customers::id))
    ///     .order_by(orders::id.desc())
    ///     .limit(1)
    ///     .select((orders::id, orders::total));
    /// let q = customers::table
    ///     .left_join_lateral(latest::table, last)
    ///     .select((customers::name, latest::total));
    /// assert_eq!(
    ///     q.to_sql(),
    ///     r#"SELECT "customers"."name", "latest"."total" FROM "customers" LEFT JOIN LATERAL (SELECT "orders"."id", "orders"."total" FROM "orders" WHERE "orders"."customer_id" = "customers"."id" ORDER BY "orders"."id" DESC LIMIT $1) AS "latest"("id", "total") ON TRUE"#
    /// );
    /// # }
    /// ```
    pub fn left_join_lateral<T, Q: SubSelect<J, FromList: LateralRefs<F, I>>, J, I>(
        self,
        table: T,
        query: Q,
    ) -> LateralJoined<F, From, C::Out, T, Q, J, OnTrue, Left, Null, W, O>
    where
        T: Table,
        Q::SqlType: FitsRow<T::AllSqlTypes>,
        F: NotInFrom<T> + Append<Src<T, Null>>,
        C: PushSource<T>,
    {
        self.join_lateral(table, query, OnTrue)
    }

    /// `INNER JOIN LATERAL (query) AS "t"("c1", ..) ON TRUE`: as
    /// [`left_join_lateral`](Select::left_join_lateral), but a row the query gives no row for
    /// is left out, and the columns load as they are declared.
    pub fn inner_join_lateral<T, Q: SubSelect<J, FromList: LateralRefs<F, I>>, J, I>(
        self,
        table: T,
        query: Q,
    ) -> LateralJoined<F, From, C::Out, T, Q, J, OnTrue, Inner, NotNull, W, O>
    where
        T: Table,
        Q::SqlType: FitsRow<T::AllSqlTypes>,
        F: NotInFrom<T> + Append<Src<T, NotNull>>,
        C: PushSource<T>,
    {
        self.join_lateral(table, query, OnTrue)
    }

    /// `LEFT JOIN LATERAL (query) AS "t"(..) ON condition`: the condition may read the
    /// LATERAL table's columns and those of the tables joined before it.
    pub fn left_join_lateral_on<T, Q: SubSelect<J, FromList: LateralRefs<F, I>>, J, I, E, IE>(
        self,
        table: T,
        query: Q,
        condition: E,
    ) -> LateralJoined<F, From, C::Out, T, Q, J, E, Left, Null, W, O>
    where
        T: Table,
        Q::SqlType: FitsRow<T::AllSqlTypes>,
        F: NotInFrom<T> + Append<Src<T, NotNull>> + Append<Src<T, Null>>,
        E: ValidOn<Appended<F, T, NotNull>, IE>,
        C: PushSource<T>,
    {
        self.join_lateral(table, query, condition)
    }

    /// `INNER JOIN LATERAL (query) AS "t"(..) ON condition`.
    pub fn inner_join_lateral_on<T, Q: SubSelect<J, FromList: LateralRefs<F, I>>, J, I, E, IE>(
        self,
        table: T,
        query: Q,
        condition: E,
    ) -> LateralJoined<F, From, C::Out, T, Q, J, E, Inner, NotNull, W, O>
    where
        T: Table,
        Q::SqlType: FitsRow<T::AllSqlTypes>,
        F: NotInFrom<T> + Append<Src<T, NotNull>>,
        E: ValidOn<Appended<F, T, NotNull>, IE>,
        C: PushSource<T>,
    {
        self.join_lateral(table, query, condition)
    }

    /// The query with `LATERAL (query) AS "t"(..)` joined by `K` on `on`, its FROM list `F2`.
    fn join_lateral<T, Q, J, On, K, F2>(
        self,
        table: T,
        query: Q,
        on: On,
    ) -> Select<F2, JoinLateral<From, T, Q, J, On, K>, DefaultSelection<C::Out>, W, O>
    where
        C: PushSource<T>,
    {
        rebuild!(
            self,
            from: JoinLateral {
                left: self.from,
                query,
                on,
                _t: PhantomData,
            },
            select: DefaultSelection(self.select.0.push(table)),
        )
    }
}

/// The LATERAL joins called directly on a table or alias: `customers::table.left_join_lateral(..)`.
/// Each is the same as on [`Select`].
pub trait LateralJoins: Source {
    /// See [`Select::left_join_lateral`].
    fn left_join_lateral<T, Q: SubSelect<J, FromList: LateralRefs<SingleFrom<Self>, I>>, J, I>(
        self,
        table: T,
        query: Q,
    ) -> LateralJoined<SingleFrom<Self>, Self, (Self, T), T, Q, J, OnTrue, Left, Null, NoF, NoO>
    where
        T: Table,
        Q::SqlType: FitsRow<T::AllSqlTypes>,
        SingleFrom<Self>: NotInFrom<T>,
    {
        self.query().left_join_lateral(table, query)
    }

    /// See [`Select::inner_join_lateral`].
    fn inner_join_lateral<T, Q: SubSelect<J, FromList: LateralRefs<SingleFrom<Self>, I>>, J, I>(
        self,
        table: T,
        query: Q,
    ) -> LateralJoined<SingleFrom<Self>, Self, (Self, T), T, Q, J, OnTrue, Inner, NotNull, NoF, NoO>
    where
        T: Table,
        Q::SqlType: FitsRow<T::AllSqlTypes>,
        SingleFrom<Self>: NotInFrom<T>,
    {
        self.query().inner_join_lateral(table, query)
    }

    /// See [`Select::left_join_lateral_on`].
    fn left_join_lateral_on<
        T,
        Q: SubSelect<J, FromList: LateralRefs<SingleFrom<Self>, I>>,
        J,
        I,
        E,
        IE,
    >(
        self,
        table: T,
        query: Q,
        condition: E,
    ) -> LateralJoined<SingleFrom<Self>, Self, (Self, T), T, Q, J, E, Left, Null, NoF, NoO>
    where
        T: Table,
        Q::SqlType: FitsRow<T::AllSqlTypes>,
        SingleFrom<Self>: NotInFrom<T>,
        E: ValidOn<Appended<SingleFrom<Self>, T, NotNull>, IE>,
    {
        self.query().left_join_lateral_on(table, query, condition)
    }

    /// See [`Select::inner_join_lateral_on`].
    fn inner_join_lateral_on<
        T,
        Q: SubSelect<J, FromList: LateralRefs<SingleFrom<Self>, I>>,
        J,
        I,
        E,
        IE,
    >(
        self,
        table: T,
        query: Q,
        condition: E,
    ) -> LateralJoined<SingleFrom<Self>, Self, (Self, T), T, Q, J, E, Inner, NotNull, NoF, NoO>
    where
        T: Table,
        Q::SqlType: FitsRow<T::AllSqlTypes>,
        SingleFrom<Self>: NotInFrom<T>,
        E: ValidOn<Appended<SingleFrom<Self>, T, NotNull>, IE>,
    {
        self.query().inner_join_lateral_on(table, query, condition)
    }
}
impl<S: Source> LateralJoins for S {}

type NoF = super::clauses::NoFilter;
type NoO = super::clauses::NoOrder;
