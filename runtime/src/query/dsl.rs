//! Query methods called directly on a table or alias: `users::table.filter(..)`.

// Query types spell out their FROM lists; naming every piece would not make them clearer.
#![allow(clippy::type_complexity)]

use super::clauses::{Filter, NoFilter, NoOrder, OrderBy};
use super::group::ValidGroupBy;
use super::join::{
    Appended, CrossJoin, Full, Inner, Join, JoinTarget, Left, Nulled, Right, ValidOn,
};
use super::select::{RowType, Selected, SingleFrom};
use super::{Col, DefaultSelection, Select, Source, SubSelect};
use crate::check::{GroupBy, NoGroup, NotInFrom, Uncorrelated, ValidOrder};
use crate::check::{ValidSelect, ValidWhere};
use crate::engine::runner::{As, Job, Ran, Runner, Work};

use crate::expr::{And, Binary, Eq};
use crate::types::{NotNull, Null};

/// The query of a whole source, as the source methods start it.
pub type TableSelect<S, W = NoFilter, O = NoOrder, G = NoGroup, H = super::NoHaving> =
    Select<SingleFrom<S>, S, DefaultSelection<S>, W, O, G, H>;

/// A source's query after `select` (`G2`: the grouping the select list implies).
pub type TableSelected<S, E, I, G2> =
    Select<SingleFrom<S>, S, Selected<E, I>, NoFilter, NoOrder, G2>;

/// The query after joining source `S2` (ON condition `On`, kind `K`, FROM list `F2`) to a
/// single source `S`.
pub type TableJoined<S, F2, S2, On, K> = Select<F2, Join<S, S2, On, K>, DefaultSelection<(S, S2)>>;

/// Starts a query from a table or alias: every method is the same as on [`Select`].
pub trait TableQuery: Source {
    /// `SELECT <all columns> FROM source`.
    fn query(self) -> TableSelect<Self> {
        Select::from_source(self)
    }

    /// See [`Select::filter`].
    fn filter<E: ValidWhere<SingleFrom<Self>, I>, I>(self, e: E) -> TableSelect<Self, Filter<E>> {
        self.query().filter(e)
    }

    /// See [`Select::filter_opt`].
    fn filter_opt<E: ValidWhere<SingleFrom<Self>, I>, I>(
        self,
        e: Option<E>,
    ) -> TableSelect<Self, Filter<crate::expr::Optional<E>>> {
        self.query().filter_opt(e)
    }

    /// See [`Select::select`].
    fn select<E: ValidSelect<SingleFrom<Self>, NoGroup, I, G2>, I, G2>(
        self,
        e: E,
    ) -> TableSelected<Self, E, I, G2> {
        self.query().select(e)
    }

    /// See [`Select::order_by`].
    fn order_by<E: ValidOrder<SingleFrom<Self>, NoGroup, I>, I>(
        self,
        e: E,
    ) -> TableSelect<Self, NoFilter, OrderBy<E>> {
        self.query().order_by(e)
    }

    /// See [`Select::limit`].
    fn limit(self, n: i64) -> TableSelect<Self> {
        self.query().limit(n)
    }

    /// See [`Select::for_update`].
    fn for_update(self) -> super::Locked<TableSelect<Self>, super::ForUpdate> {
        self.query().for_update()
    }

    /// See [`Select::for_no_key_update`].
    fn for_no_key_update(self) -> super::Locked<TableSelect<Self>, super::ForNoKeyUpdate> {
        self.query().for_no_key_update()
    }

    /// See [`Select::for_share`].
    fn for_share(self) -> super::Locked<TableSelect<Self>, super::ForShare> {
        self.query().for_share()
    }

    /// See [`Select::for_key_share`].
    fn for_key_share(self) -> super::Locked<TableSelect<Self>, super::ForKeyShare> {
        self.query().for_key_share()
    }

    /// See [`Select::distinct`].
    fn distinct(
        self,
    ) -> Select<SingleFrom<Self>, Self, super::Distinct<DefaultSelection<Self>, super::All>> {
        self.query().distinct()
    }

    /// See [`Select::distinct_on`].
    fn distinct_on<X, IX>(
        self,
        columns: X,
    ) -> Select<SingleFrom<Self>, Self, super::Distinct<DefaultSelection<Self>, super::On<X>>>
    where
        X: crate::check::distinct::DistinctOnList
            + crate::check::AppearsIn<SingleFrom<Self>, IX>
            + crate::render::Render,
    {
        self.query().distinct_on(columns)
    }

    /// See [`Select::correlate`].
    #[allow(clippy::type_complexity)]
    fn correlate<T: Source>(
        self,
        outer: T,
    ) -> Select<
        <SingleFrom<Self> as crate::check::Append<crate::check::Outer<T>>>::Out,
        Self,
        DefaultSelection<Self>,
    > {
        self.query().correlate(outer)
    }

    /// See [`Select::group_by`].
    fn group_by<E: ValidGroupBy<SingleFrom<Self>, I, F2>, I, F2>(
        self,
        e: E,
    ) -> Select<F2, Self, DefaultSelection<Self>, NoFilter, NoOrder, GroupBy<E>> {
        self.query().group_by(e)
    }

    /// See [`Select::having`]: an aggregate query without GROUP BY.
    fn having<E: super::ValidHaving<SingleFrom<Self>, GroupBy<super::AllRows>, I>, I>(
        self,
        e: E,
    ) -> TableSelect<Self, NoFilter, NoOrder, GroupBy<super::AllRows>, super::Having<E>> {
        self.query().having(e)
    }

    /// See [`Select::inner_join`].
    fn inner_join<T: JoinTarget<SingleFrom<Self>, J, S, On>, J, S: Source, On>(
        self,
        target: T,
    ) -> TableJoined<Self, Appended<SingleFrom<Self>, S, NotNull>, S, On, Inner> {
        self.query().inner_join(target)
    }

    /// See [`Select::left_join`].
    fn left_join<T: JoinTarget<SingleFrom<Self>, J, S, On>, J, S: Source, On>(
        self,
        target: T,
    ) -> TableJoined<Self, Appended<SingleFrom<Self>, S, Null>, S, On, Left> {
        self.query().left_join(target)
    }

    /// See [`Select::right_join`].
    fn right_join<T: JoinTarget<SingleFrom<Self>, J, S, On>, J, S: Source, On>(
        self,
        target: T,
    ) -> TableJoined<Self, Nulled<SingleFrom<Self>, S, NotNull>, S, On, Right> {
        self.query().right_join(target)
    }

    /// See [`Select::full_join`].
    fn full_join<T: JoinTarget<SingleFrom<Self>, J, S, On>, J, S: Source, On>(
        self,
        target: T,
    ) -> TableJoined<Self, Nulled<SingleFrom<Self>, S, Null>, S, On, Full> {
        self.query().full_join(target)
    }

    /// See [`Select::inner_join_on`].
    fn inner_join_on<S: Source, E: ValidOn<Appended<SingleFrom<Self>, S, NotNull>, I>, I>(
        self,
        source: S,
        condition: E,
    ) -> TableJoined<Self, Appended<SingleFrom<Self>, S, NotNull>, S, E, Inner>
    where
        SingleFrom<Self>: NotInFrom<S>,
    {
        self.query().inner_join_on(source, condition)
    }

    /// See [`Select::inner_join_subquery`].
    #[allow(clippy::type_complexity)]
    fn inner_join_subquery<T, Q: SubSelect<J, FromList: Uncorrelated>, J, E, IE>(
        self,
        table: T,
        query: Q,
        condition: E,
    ) -> Select<
        Appended<SingleFrom<Self>, T, NotNull>,
        super::derived::JoinDerived<Self, T, Q, J, E, Inner>,
        DefaultSelection<(Self, T)>,
    >
    where
        T: super::Table,
        Q::SqlType: super::FitsRow<T::AllSqlTypes>,
        SingleFrom<Self>: NotInFrom<T>,
        E: ValidOn<Appended<SingleFrom<Self>, T, NotNull>, IE>,
    {
        self.query().inner_join_subquery(table, query, condition)
    }

    /// See [`Select::left_join_subquery`].
    #[allow(clippy::type_complexity)]
    fn left_join_subquery<T, Q: SubSelect<J, FromList: Uncorrelated>, J, E, IE>(
        self,
        table: T,
        query: Q,
        condition: E,
    ) -> Select<
        Appended<SingleFrom<Self>, T, crate::types::Null>,
        super::derived::JoinDerived<Self, T, Q, J, E, super::join::Left>,
        DefaultSelection<(Self, T)>,
    >
    where
        T: super::Table,
        Q::SqlType: super::FitsRow<T::AllSqlTypes>,
        SingleFrom<Self>: NotInFrom<T>,
        E: ValidOn<Appended<SingleFrom<Self>, T, NotNull>, IE>,
    {
        self.query().left_join_subquery(table, query, condition)
    }

    /// See [`Select::left_join_on`].
    fn left_join_on<S: Source, E: ValidOn<Appended<SingleFrom<Self>, S, NotNull>, I>, I>(
        self,
        source: S,
        condition: E,
    ) -> TableJoined<Self, Appended<SingleFrom<Self>, S, Null>, S, E, Left>
    where
        SingleFrom<Self>: NotInFrom<S>,
    {
        self.query().left_join_on(source, condition)
    }

    /// See [`Select::right_join_on`].
    fn right_join_on<S: Source, E: ValidOn<Appended<SingleFrom<Self>, S, NotNull>, I>, I>(
        self,
        source: S,
        condition: E,
    ) -> TableJoined<Self, Nulled<SingleFrom<Self>, S, NotNull>, S, E, Right>
    where
        SingleFrom<Self>: NotInFrom<S>,
    {
        self.query().right_join_on(source, condition)
    }

    /// See [`Select::full_join_on`].
    fn full_join_on<S: Source, E: ValidOn<Appended<SingleFrom<Self>, S, NotNull>, I>, I>(
        self,
        source: S,
        condition: E,
    ) -> TableJoined<Self, Nulled<SingleFrom<Self>, S, Null>, S, E, Full>
    where
        SingleFrom<Self>: NotInFrom<S>,
    {
        self.query().full_join_on(source, condition)
    }

    /// See [`Select::cross_join`].
    #[allow(clippy::type_complexity)]
    fn cross_join<S2: Source>(
        self,
        source: S2,
    ) -> Select<
        Appended<SingleFrom<Self>, S2, NotNull>,
        CrossJoin<Self, S2>,
        DefaultSelection<(Self, S2)>,
    >
    where
        SingleFrom<Self>: NotInFrom<S2>,
    {
        self.query().cross_join(source)
    }

    /// Every row: see [`Select::load`].
    #[allow(clippy::type_complexity)]
    fn load<'c, C: Runner + ?Sized, J>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<RowType<SingleFrom<Self>, DefaultSelection<Self>, NoGroup, J>>>
    where
        DefaultSelection<Self>:
            super::SelectClause<SingleFrom<Self>, NoGroup, J, SqlType: crate::types::RowOf>,
        C::Backend: crate::backend::Runs<crate::backend::Canonical<TableNeeds<Self, NoFilter, J>>>,
        Job<
            TableSelect<Self>,
            As<
                RowType<SingleFrom<Self>, DefaultSelection<Self>, NoGroup, J>,
                <DefaultSelection<Self> as super::SelectClause<SingleFrom<Self>, NoGroup, J>>::SqlType,
            >,
            Vec<RowType<SingleFrom<Self>, DefaultSelection<Self>, NoGroup, J>>,
        >: Work<
            'c,
            C::Backend,
            C::Mode,
            Output = Vec<RowType<SingleFrom<Self>, DefaultSelection<Self>, NoGroup, J>>,
        >,
    {
        self.query().load(conn)
    }

    /// The number of rows.
    fn count<'c, C: Runner + ?Sized, J>(self, conn: &'c mut C) -> Ran<'c, C, i64>
    where
        DefaultSelection<Self>: super::SelectClause<SingleFrom<Self>, NoGroup, J>,
        C::Backend: crate::backend::Runs<crate::backend::Canonical<TableNeeds<Self, NoFilter, J>>>,
        Job<TableSelect<Self>, As<i64, crate::types::Int8>, i64>:
            Work<'c, C::Backend, C::Mode, Output = i64>,
    {
        self.query().count(conn)
    }
}

impl<S: Source> TableQuery for S {}

/// What loading struct `S` by a key filter `E` needs of the backend (the shape of
/// [`SelectNeeds`](super::SelectNeeds) for that query).
pub type RowNeeds<S, E> = crate::backend::needs::Both<
    (),
    crate::backend::needs::Both<
        <super::AsSelect<S, <S as super::Selectable>::Columns> as crate::render::Render>::Needs,
        crate::backend::needs::Both<
            crate::backend::needs::All3<<E as crate::render::Render>::Needs, (), ()>,
            (),
        >,
    >,
>;

/// What a query of table `T`'s own rows with WHERE clause `W` needs of the backend.
pub type TableNeeds<T, W, J> = super::SelectNeeds<
    SingleFrom<T>,
    T,
    DefaultSelection<T>,
    W,
    super::clauses::NoOrder,
    NoGroup,
    super::clauses::NoHaving,
    J,
>;

/// A table's primary key compared with a key value: `id = $1`, or `a = $1 AND b = $2` for a
/// composite key (give a tuple).
#[diagnostic::on_unimplemented(
    message = "`{K}` is not a value of this table's primary key",
    label = "`get`, `find` and `by_key` take the primary key's value",
    note = "give a value of the key column's type, or a tuple of them for a composite key, in key order"
)]
pub trait KeyFilter<K, E> {
    /// The condition.
    fn key_filter(self, key: K) -> E;
}

// Not recommended: a key of the wrong type is reported as this trait's message, naming the
// primary key, not as the comparison inside it.
#[diagnostic::do_not_recommend]
impl<M: super::ColumnDef, K> KeyFilter<K, Binary<Eq, Col<M>, K::Expr>> for Col<M>
where
    K: crate::expr::AsExpr<<M::SqlType as crate::types::SqlType>::NotNull>,
{
    fn key_filter(self, key: K) -> Binary<Eq, Col<M>, K::Expr> {
        Binary::new(self, key.into_expr())
    }
}

macro_rules! key_filters {
    ($(($first:ident $fk:ident $fe:ident $(, $t:ident $k:ident $e:ident)*))*) => {$(
        #[allow(non_snake_case)]
        #[diagnostic::do_not_recommend]
        impl<$first: KeyFilter<$fk, $fe>, $fk, $fe, $($t: KeyFilter<$k, $e>, $k, $e),*>
            KeyFilter<($fk, $($k,)*), key_and!($fe $(, $e)*)> for ($first, $($t,)*)
        {
            fn key_filter(self, key: ($fk, $($k,)*)) -> key_and!($fe $(, $e)*) {
                let ($first, $($t,)*) = self;
                let ($fk, $($k,)*) = key;
                key_and_value!($first.key_filter($fk) $(, $t.key_filter($k))*)
            }
        }
    )*};
}
macro_rules! key_and {
    ($a:ident) => { $a };
    ($a:ident, $($rest:ident),+) => { Binary<And, $a, key_and!($($rest),+)> };
}
macro_rules! key_and_value {
    ($a:expr) => { $a };
    ($a:expr, $($rest:expr),+) => { Binary::new($a, key_and_value!($($rest),+)) };
}
key_filters! {
    (A KA EA, B KB EB)
    (A KA EA, B KB EB, C KC EC)
    (A KA EA, B KB EB, C KC EC, D KD ED)
}

/// Rows by primary key: `users::table.get(5, &mut conn)`.
pub trait KeyQuery: super::Table {
    /// The query for the row whose primary key is `key` (a tuple for a composite key), to
    /// refine with `select`: `users::table.by_key(5).select(User::as_select()).first(conn)`.
    fn by_key<K, E: ValidWhere<SingleFrom<Self>, I>, I>(
        self,
        key: K,
    ) -> TableSelect<Self, Filter<E>>
    where
        Self::PrimaryKey: KeyFilter<K, E>,
    {
        self.query().filter(Self::PRIMARY_KEY.key_filter(key))
    }

    /// The row whose primary key is `key`, or `None` (SQLAlchemy's `get`).
    #[allow(clippy::type_complexity)]
    fn get<
        'c,
        K,
        E: ValidWhere<SingleFrom<Self>, I> + crate::render::Render,
        I,
        C: Runner + ?Sized,
        J,
    >(
        self,
        key: K,
        conn: &'c mut C,
    ) -> Ran<'c, C, Option<RowType<SingleFrom<Self>, DefaultSelection<Self>, NoGroup, J>>>
    where
        Self::PrimaryKey: KeyFilter<K, E>,
        DefaultSelection<Self>:
            super::SelectClause<SingleFrom<Self>, NoGroup, J, SqlType: crate::types::RowOf>,
        C::Backend: crate::backend::Runs<
            crate::backend::Canonical<TableNeeds<Self, super::clauses::Filter<E>, J>>,
        >,
        Job<
            TableSelect<Self, Filter<E>>,
            As<
                RowType<SingleFrom<Self>, DefaultSelection<Self>, NoGroup, J>,
                <DefaultSelection<Self> as super::SelectClause<SingleFrom<Self>, NoGroup, J>>::SqlType,
            >,
            Option<RowType<SingleFrom<Self>, DefaultSelection<Self>, NoGroup, J>>,
        >: Work<
            'c,
            C::Backend,
            C::Mode,
            Output = Option<RowType<SingleFrom<Self>, DefaultSelection<Self>, NoGroup, J>>,
        >,
    {
        self.by_key(key).first(conn)
    }

    /// The row whose primary key is `key`; [`Error::NotFound`](crate::Error::NotFound) when
    /// there is none.
    #[allow(clippy::type_complexity)]
    fn find<
        'c,
        K,
        E: ValidWhere<SingleFrom<Self>, I> + crate::render::Render,
        I,
        C: Runner + ?Sized,
        J,
    >(
        self,
        key: K,
        conn: &'c mut C,
    ) -> Ran<'c, C, RowType<SingleFrom<Self>, DefaultSelection<Self>, NoGroup, J>>
    where
        Self::PrimaryKey: KeyFilter<K, E>,
        DefaultSelection<Self>:
            super::SelectClause<SingleFrom<Self>, NoGroup, J, SqlType: crate::types::RowOf>,
        C::Backend: crate::backend::Runs<
            crate::backend::Canonical<TableNeeds<Self, super::clauses::Filter<E>, J>>,
        >,
        Job<
            TableSelect<Self, Filter<E>>,
            As<
                RowType<SingleFrom<Self>, DefaultSelection<Self>, NoGroup, J>,
                <DefaultSelection<Self> as super::SelectClause<SingleFrom<Self>, NoGroup, J>>::SqlType,
            >,
            RowType<SingleFrom<Self>, DefaultSelection<Self>, NoGroup, J>,
        >: Work<
            'c,
            C::Backend,
            C::Mode,
            Output = RowType<SingleFrom<Self>, DefaultSelection<Self>, NoGroup, J>,
        >,
    {
        self.by_key(key).one(conn)
    }
}

impl<T: super::Table> KeyQuery for T {}

/// The query [`RowByKey`] runs: the struct's columns of the row whose key matches `E`
/// (`I`: how the select list was checked).
#[doc(hidden)]
pub type KeyRowQuery<S, E, I> = Select<
    SingleFrom<<S as super::Selectable>::Table>,
    <S as super::Selectable>::Table,
    Selected<super::AsSelect<S, <S as super::Selectable>::Columns>, I>,
    Filter<E>,
>;

/// Structs deriving `Row` loaded by primary key: `User::get(5, &mut conn)` (a future of the
/// result on an async connection).
pub trait RowByKey: super::Selectable + Sized {
    /// The struct of the row whose primary key is `key` (a tuple for a composite key), or
    /// `None`.
    fn get<'c, K, E, I, JA, JB, ST, C>(key: K, conn: &'c mut C) -> Ran<'c, C, Option<Self>>
    where
        <Self::Table as super::Table>::PrimaryKey: KeyFilter<K, E>,
        E: ValidWhere<SingleFrom<Self::Table>, I> + crate::render::Render,
        super::AsSelect<Self, Self::Columns>: ValidSelect<SingleFrom<Self::Table>, NoGroup, (JA, JB, ST), NoGroup>
            + crate::check::AppearsIn<SingleFrom<Self::Table>, JA, Lifted = ST>
            + crate::render::Render,
        ST: crate::types::RowOf<Row = Self>,
        Self: crate::types::FromRow<ST>,
        C: Runner + ?Sized,
        C::Backend: crate::backend::Runs<crate::backend::Canonical<RowNeeds<Self, E>>>,
        Job<KeyRowQuery<Self, E, (JA, JB, ST)>, As<Self, ST>, Option<Self>>:
            Work<'c, C::Backend, C::Mode, Output = Option<Self>>,
    {
        let table = <Self::Table as Default>::default();
        table.by_key(key).select(Self::as_select()).first(conn)
    }

    /// The struct of the row whose primary key is `key`;
    /// [`Error::NotFound`](crate::Error::NotFound) when there is none.
    fn find<'c, K, E, I, JA, JB, ST, C>(key: K, conn: &'c mut C) -> Ran<'c, C, Self>
    where
        <Self::Table as super::Table>::PrimaryKey: KeyFilter<K, E>,
        E: ValidWhere<SingleFrom<Self::Table>, I> + crate::render::Render,
        super::AsSelect<Self, Self::Columns>: ValidSelect<SingleFrom<Self::Table>, NoGroup, (JA, JB, ST), NoGroup>
            + crate::check::AppearsIn<SingleFrom<Self::Table>, JA, Lifted = ST>
            + crate::render::Render,
        ST: crate::types::RowOf<Row = Self>,
        Self: crate::types::FromRow<ST>,
        C: Runner + ?Sized,
        C::Backend: crate::backend::Runs<crate::backend::Canonical<RowNeeds<Self, E>>>,
        Job<KeyRowQuery<Self, E, (JA, JB, ST)>, As<Self, ST>, Self>:
            Work<'c, C::Backend, C::Mode, Output = Self>,
    {
        // The key is unique, so `one` can only fail with `NotFound`.
        let table = <Self::Table as Default>::default();
        table.by_key(key).select(Self::as_select()).one(conn)
    }
}

impl<S: super::Selectable> RowByKey for S {}
