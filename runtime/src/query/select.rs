//! SELECT statements as typed values.

use super::clauses::{
    AddCondition, AddOrder, AllRows, Clause, NoFilter, NoHaving, NoOrder, OrderBy,
};
use super::distinct::{AppendItemFor, OrderItemFor, SelectFor, Unselected};
use super::Source;
use crate::check::{Agg, Cons, GroupBy, MixedNoGroup, Neutral, Nil, NoGroup};
use crate::check::{Plain, Src, ValidOrder};
use crate::check::{ValidSelect, ValidWhere};
use crate::render::{Render, Rendered, SqlWriter};
use crate::types::{NotNull, RowOf};
use std::marker::PhantomData;

mod run;

/// A SELECT statement.
///
/// `F` is the FROM list as a type (see [`crate::check`]), `From` the value that renders the
/// FROM clause, `S` the select clause, `W` WHERE, `O` ORDER BY, `G` GROUP BY, `H` HAVING.
/// Every builder method checks its argument against `F` and `G` where it is called, so a
/// mistake is reported at the faulty call. The order is the one SQL reads in: joins, then
/// `filter`, `group_by`, `having`, `select`, `distinct`, `order_by` (filters and ordering
/// may repeat); `group_by` may also follow `select` (the select list is then checked again),
/// and `distinct` may come anywhere after the joins.
#[must_use = "a query does nothing until it is run with `load`, `first`, `one`, ..."]
pub struct Select<F, From, S, W = NoFilter, O = NoOrder, G = NoGroup, H = NoHaving> {
    pub(crate) from: From,
    pub(crate) select: S,
    pub(crate) filter: W,
    pub(crate) order: O,
    pub(crate) group: G,
    pub(crate) having: H,
    pub(crate) limit: Option<i64>,
    pub(crate) offset: Option<i64>,
    pub(crate) _from: PhantomData<F>,
}

/// Rebuilds query `$q` (an identifier, usually `self`) with some parts replaced (and so,
/// possibly, of another type): `rebuild!(self, filter: self.filter.add(c))`.
macro_rules! rebuild {
    ($q:ident, $($field:ident: $value:expr),* $(,)?) => {
        Select {
            from: rebuild!(@pick from $q [$($field: $value,)*]),
            select: rebuild!(@pick select $q [$($field: $value,)*]),
            filter: rebuild!(@pick filter $q [$($field: $value,)*]),
            order: rebuild!(@pick order $q [$($field: $value,)*]),
            group: rebuild!(@pick group $q [$($field: $value,)*]),
            having: rebuild!(@pick having $q [$($field: $value,)*]),
            limit: $q.limit,
            offset: $q.offset,
            _from: PhantomData,
        }
    };
    (@pick $want:ident $q:ident []) => { $q.$want };
    (@pick from $q:ident [from: $v:expr, $($rest:tt)*]) => { $v };
    (@pick select $q:ident [select: $v:expr, $($rest:tt)*]) => { $v };
    (@pick filter $q:ident [filter: $v:expr, $($rest:tt)*]) => { $v };
    (@pick order $q:ident [order: $v:expr, $($rest:tt)*]) => { $v };
    (@pick group $q:ident [group: $v:expr, $($rest:tt)*]) => { $v };
    (@pick having $q:ident [having: $v:expr, $($rest:tt)*]) => { $v };
    (@pick $want:ident $q:ident [$other:ident: $v:expr, $($rest:tt)*]) => {
        rebuild!(@pick $want $q [$($rest)*])
    };
}
pub(crate) use rebuild;

/// The select clause when none was given: every column of the FROM clause's sources
/// (`C` is one source, or a tuple of them after joins).
#[derive(Clone, Copy, Default)]
pub struct DefaultSelection<C>(pub(crate) C);

/// A select clause `E`, checked with index `I`.
pub struct Selected<E, I> {
    pub(crate) expr: E,
    pub(crate) _index: PhantomData<I>,
}

impl<E, I> Selected<E, I> {
    pub(crate) fn new(expr: E) -> Self {
        Selected {
            expr,
            _index: PhantomData,
        }
    }

    /// The same select list with the index of a new check.
    pub(crate) fn recheck<I2>(self) -> Selected<E, I2> {
        Selected::new(self.expr)
    }
}

/// The select clause of a query: what it writes and the SQL type of its rows. `J` is an
/// inferred index (the default selection is checked when the query runs).
pub trait SelectClause<F, G, J> {
    /// The SQL type of a row.
    type SqlType;
    /// What the select list needs of the backend.
    type Needs: crate::backend::Needs;
    /// Writes the select list.
    fn render_list<'a>(&'a self, out: &mut SqlWriter<'a>);
}

impl<C, F, G, I, K, ST, G2> SelectClause<F, G, (I, K, ST, G2)> for DefaultSelection<C>
where
    C: ValidSelect<F, G, (I, K, ST), G2> + Render,
{
    type SqlType = C::SqlType;
    type Needs = C::Needs;
    fn render_list<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.0.render_select(out);
    }
}

/// Checked by `select`, which found the row type `ST`; here nothing is checked again, so a
/// mistake in the select list is reported once, not again where the query runs. (A list
/// that mixes aggregates and plain columns is reported where the query runs, see
/// [`GroupingComplete`].)
impl<E: Render, F, G, I, J, ST> SelectClause<F, G, ()> for Selected<E, (I, J, ST)> {
    type SqlType = ST;
    type Needs = E::Needs;
    fn render_list<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.expr.render_select(out);
    }
}

/// How choosing a select list changes the grouping: a list of aggregates without GROUP BY
/// makes the query one implicit group, so ORDER BY is then checked as under GROUP BY.
pub trait Regroup<G> {
    /// The grouping after the select clause.
    type Out;
    /// Converts the grouping value.
    fn regroup(g: G) -> Self::Out;
}
impl Regroup<NoGroup> for Agg {
    type Out = GroupBy<AllRows>;
    fn regroup(_: NoGroup) -> GroupBy<AllRows> {
        GroupBy(AllRows)
    }
}
impl Regroup<NoGroup> for Plain {
    type Out = NoGroup;
    fn regroup(g: NoGroup) -> NoGroup {
        g
    }
}
impl Regroup<NoGroup> for Neutral {
    type Out = NoGroup;
    fn regroup(g: NoGroup) -> NoGroup {
        g
    }
}
impl Regroup<NoGroup> for crate::check::Mixed {
    type Out = MixedNoGroup;
    fn regroup(_: NoGroup) -> MixedNoGroup {
        MixedNoGroup
    }
}
impl<K, X> Regroup<GroupBy<X>> for K {
    type Out = GroupBy<X>;
    fn regroup(g: GroupBy<X>) -> GroupBy<X> {
        g
    }
}

/// The FROM list of a query over source `S` alone.
pub type SingleFrom<S> = Cons<Src<S, NotNull>, Nil>;

impl<S: Source> Select<SingleFrom<S>, S, DefaultSelection<S>> {
    /// `SELECT <all columns> FROM source`.
    pub fn from_source(source: S) -> Self {
        Select::over(source, source)
    }
}

impl<S: Source, From> Select<SingleFrom<S>, From, DefaultSelection<S>> {
    /// `SELECT <all columns of source> FROM <from>`, where `from` writes `source` as a FROM
    /// item (the source itself, or a derived table named by it).
    pub(crate) fn over(source: S, from: From) -> Self {
        Select {
            from,
            select: DefaultSelection(source),
            filter: NoFilter,
            order: NoOrder,
            group: NoGroup,
            having: NoHaving,
            limit: None,
            offset: None,
            _from: PhantomData,
        }
    }
}

impl<F, From, S, W, O, G, H> Select<F, From, S, W, O, G, H> {
    /// Adds a WHERE condition; several calls are ANDed.
    pub fn filter<E: ValidWhere<F, I>, I>(self, condition: E) -> Select<F, From, S, W::Out, O, G, H>
    where
        W: AddCondition<E>,
    {
        rebuild!(self, filter: self.filter.add(condition))
    }

    /// Adds a WHERE condition when `condition` is `Some`, keeping the query's type either
    /// way: for filters chosen at run time.
    pub fn filter_opt<E: ValidWhere<F, I>, I>(
        self,
        condition: Option<E>,
    ) -> Select<F, From, S, W::Out, O, G, H>
    where
        W: AddCondition<crate::expr::Optional<E>>,
    {
        rebuild!(self, filter: self.filter.add(crate::expr::Optional(condition)))
    }

    /// Sets ORDER BY to an expression, `expr.desc()`, or a tuple of them. Under GROUP BY,
    /// the same grouping rule as for the select list applies.
    pub fn order_by<E: ValidOrder<F, G, I> + OrderItemFor<S, J>, I, J>(
        self,
        order: E,
    ) -> Select<F, From, S, W, OrderBy<E>, G, H> {
        rebuild!(self, order: OrderBy(order))
    }

    /// Appends to ORDER BY.
    pub fn then_order_by<E: ValidOrder<F, G, I> + AppendItemFor<S, J>, I, J>(
        self,
        order: E,
    ) -> Select<F, From, S, W, O::Out, G, H>
    where
        O: AddOrder<E>,
    {
        rebuild!(self, order: self.order.add(order))
    }

    /// `LIMIT n`.
    pub fn limit(mut self, n: i64) -> Self {
        self.limit = Some(n);
        self
    }

    /// `OFFSET n`.
    pub fn offset(mut self, n: i64) -> Self {
        self.offset = Some(n);
        self
    }
}

impl<F, From, S: Unselected, W, O, G, H> Select<F, From, S, W, O, G, H> {
    /// Sets the select clause: a column, an expression, a table, a `Row` struct's
    /// `as_select()`, or a tuple of them. The row type of [`load`](Select::load) follows
    /// from it.
    pub fn select<E: ValidSelect<F, G, I, G2> + SelectFor<S, O, I, J>, I, G2, J>(
        self,
        selection: E,
    ) -> Select<F, From, S::With<E, I>, W, O, G2, H> {
        rebuild!(
            self,
            select: self.select.with(selection),
            group: E::regroup(self.group),
        )
    }
}

/// The Rust row type of a query: inferred from its select clause.
pub type RowType<F, S, G, J> = <<S as SelectClause<F, G, J>>::SqlType as RowOf>::Row;

impl<F, From, S, W, O, G, H> Select<F, From, S, W, O, G, H>
where
    From: super::FromClause,
    W: Clause,
    G: Clause,
    H: Clause,
    O: Clause,
{
    pub(crate) fn render_with<'a, J>(&'a self, out: &mut SqlWriter<'a>, limit: Option<&'a i64>)
    where
        S: SelectClause<F, G, J>,
    {
        if self.from.has_ctes() {
            out.sql(if self.from.recursive_ctes() {
                "WITH RECURSIVE "
            } else {
                "WITH "
            });
            let mut first = true;
            self.from.render_ctes(out, &mut first);
            out.sql(" ");
        }
        out.sql("SELECT ");
        self.select.render_list(out);
        out.sql(" FROM ");
        self.from.render_from(out);
        self.filter.render_clause(out);
        self.group.render_clause(out);
        self.having.render_clause(out);
        self.order.render_clause(out);
        out.limit_offset(limit.or(self.limit.as_ref()), self.offset.as_ref());
    }

    /// The SQL text, parameters and column labels of this query, without running it.
    pub fn render<J>(&self) -> Rendered<'_>
    where
        S: SelectClause<F, G, J>,
    {
        let mut out = SqlWriter::new();
        self.render_with(&mut out, None);
        out.finish()
    }

    /// The parameters and fingerprint of this query without its SQL text: what rendering
    /// costs when the connection already has the statement prepared (see
    /// [`SqlWriter::fingerprint_only`]).
    pub fn render_fingerprint<J>(&self) -> Rendered<'_>
    where
        S: SelectClause<F, G, J>,
    {
        let mut out = SqlWriter::fingerprint_only();
        self.render_with(&mut out, None);
        out.finish()
    }

    /// The SQL text of this query.
    pub fn to_sql<J>(&self) -> String
    where
        S: SelectClause<F, G, J>,
    {
        self.render().sql
    }

    /// The SQL text followed by the bound parameters, for logs and debugging.
    pub fn debug_sql<J>(&self) -> String
    where
        S: SelectClause<F, G, J>,
    {
        self.render().to_string()
    }

    /// [`debug_sql`](Self::debug_sql) as the backend of `dialect` spells it
    /// (`users.debug_sql_for(Sqlite::DIALECT)`).
    pub fn debug_sql_for<J>(&self, dialect: crate::backend::Dialect) -> String
    where
        S: SelectClause<F, G, J>,
    {
        let mut out = SqlWriter::for_dialect(dialect);
        self.render_with(&mut out, None);
        out.finish().to_string()
    }
}
