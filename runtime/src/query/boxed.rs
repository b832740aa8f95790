//! Boxed queries: filters, orderings and select lists chosen at run time.
//!
//! A query's type records every condition it has, so `if name.is_some() { q = q.filter(..) }`
//! would change `q`'s type. [`Select::into_boxed`] turns WHERE and ORDER BY into lists of
//! boxed pieces: afterwards `filter` and `then_order_by` keep the query's type, so they can be
//! added in loops and branches. Each piece is still checked where it is added (its columns
//! must be in the FROM clause, a filter must be boolean), only its concrete type is erased.
//! [`BoxedColumns`] does the same for a select list whose columns are chosen at run time; its
//! rows load as [`DynRow`]s, read by column name or position.

use super::clauses::{AddCondition, AddOrder, Clause, Filter, NoFilter, NoOrder, OrderBy};
use super::compose::FromClause;
use super::select::{rebuild, Select, SelectClause};
use crate::backend::Postgres;
use crate::check::ValidSelect;
use crate::engine::runner::{Ran, Runner, Work};
use crate::engine::step::{Load, Step};
use crate::engine::Error;
use crate::raw::DynRow;
use crate::render::{DynRender, Render, SqlWriter};
use crate::types::RowReader;
use std::marker::PhantomData;

/// A WHERE clause of boxed conditions, ANDed.
pub struct BoxedFilter<'a>(Vec<Piece<'a>>);
/// An ORDER BY clause of boxed items.
pub struct BoxedOrder<'a>(Vec<Piece<'a>>);

/// A boxed piece, with the first feature it uses that SQLite lacks (its type, which said
/// so, is erased; see [`SqlWriter::needs_postgres`]). `Send`, so that the query can run on
/// an async connection: a piece's values are `Encode`, hence `Sync`, and held by value or
/// by shared reference.
/// The third field is the first feature it uses that MySQL lacks, if any
/// ([`SqlWriter::lacks_on_mysql`]).
struct Piece<'a>(
    Box<dyn DynRender + Send + 'a>,
    Option<&'static str>,
    Option<&'static str>,
);

impl<'a> Piece<'a> {
    fn new<E: Render + Send + 'a>(e: E) -> Self {
        Piece(
            Box::new(e),
            crate::backend::needs::lacks::<E::Needs>(),
            crate::backend::needs::mysql_lacks::<E::Needs>(),
        )
    }
}

/// A WHERE clause that can become a [`BoxedFilter`].
pub trait IntoBoxedFilter<'a> {
    /// Converts.
    fn into_boxed(self) -> BoxedFilter<'a>;
}
impl<'a> IntoBoxedFilter<'a> for NoFilter {
    fn into_boxed(self) -> BoxedFilter<'a> {
        BoxedFilter(Vec::new())
    }
}
impl<'a, E: Render + Send + 'a> IntoBoxedFilter<'a> for Filter<E> {
    fn into_boxed(self) -> BoxedFilter<'a> {
        BoxedFilter(vec![Piece::new(self.0)])
    }
}
impl<'a> IntoBoxedFilter<'a> for BoxedFilter<'a> {
    fn into_boxed(self) -> BoxedFilter<'a> {
        self
    }
}

/// An ORDER BY clause that can become a [`BoxedOrder`].
pub trait IntoBoxedOrder<'a> {
    /// Converts.
    fn into_boxed(self) -> BoxedOrder<'a>;
}
impl<'a> IntoBoxedOrder<'a> for NoOrder {
    fn into_boxed(self) -> BoxedOrder<'a> {
        BoxedOrder(Vec::new())
    }
}
impl<'a, E: Render + Send + 'a> IntoBoxedOrder<'a> for OrderBy<E> {
    fn into_boxed(self) -> BoxedOrder<'a> {
        BoxedOrder(vec![Piece::new(self.0)])
    }
}
impl<'a> IntoBoxedOrder<'a> for BoxedOrder<'a> {
    fn into_boxed(self) -> BoxedOrder<'a> {
        self
    }
}

impl<'a, E: Render + Send + 'a> AddCondition<E> for BoxedFilter<'a> {
    type Out = BoxedFilter<'a>;
    fn add(mut self, e: E) -> Self {
        self.0.push(Piece::new(e));
        self
    }
}
impl<'a, E: Render + Send + 'a> AddOrder<E> for BoxedOrder<'a> {
    type Out = BoxedOrder<'a>;
    fn add(mut self, e: E) -> Self {
        self.0.push(Piece::new(e));
        self
    }
}

fn render_list<'a>(items: &'a [Piece<'a>], out: &mut SqlWriter<'a>, sep: &str) {
    for (i, Piece(item, lacks, mysql)) in items.iter().enumerate() {
        if i > 0 {
            out.sql(sep);
        }
        out.needs_postgres(*lacks);
        out.lacks_on_mysql(*mysql);
        item.render(out);
    }
}

impl Clause for BoxedFilter<'_> {
    type Needs = ();
    fn render_clause<'b>(&'b self, out: &mut SqlWriter<'b>) {
        if self.0.is_empty() {
            return;
        }
        out.sql(" WHERE ");
        for (i, Piece(item, lacks, mysql)) in self.0.iter().enumerate() {
            if i > 0 {
                out.sql(" AND ");
            }
            out.needs_postgres(*lacks);
            out.lacks_on_mysql(*mysql);
            crate::render::operand(item, out);
        }
    }
}
impl Clause for BoxedOrder<'_> {
    type Needs = ();
    fn render_clause<'b>(&'b self, out: &mut SqlWriter<'b>) {
        if self.0.is_empty() {
            return;
        }
        out.sql(" ORDER BY ");
        render_list(&self.0, out, ", ");
    }
}

impl<F, From, S, W, O, G, H> Select<F, From, S, W, O, G, H> {
    /// The same query with its WHERE and ORDER BY boxed: further `filter`, `filter_opt` and
    /// `then_order_by` calls keep its type, so they can be chosen at run time.
    ///
    /// ```
    /// # use sqlwright::prelude::*;
    /// # sqlwright::table! { users (id) { id -> Int4, name -> Text, age -> Int4, } }
    /// fn search(name: Option<&str>, min_age: Option<i32>, by_age: bool) -> String {
    ///     let mut q = users::table.select(users::name).into_boxed();
    ///     if let Some(name) = name {
    ///         q = q.filter(users::name.like(format!("{name}%")));
    ///     }
    ///     if let Some(age) = min_age {
    ///         q = q.filter(users::age.ge(age));
    ///     }
    ///     q = if by_age { q.then_order_by(users::age.desc()) } else { q.then_order_by(users::name) };
    ///     q.to_sql()
    /// }
    /// assert_eq!(
    ///     search(Some("A"), Some(30), true),
    ///     r#"SELECT "users"."name" FROM "users" WHERE ("users"."name" LIKE $1) AND ("users"."age" >= $2) ORDER BY "users"."age" DESC"#
    /// );
    /// assert_eq!(search(None, None, false), r#"SELECT "users"."name" FROM "users" ORDER BY "users"."name""#);
    /// ```
    pub fn into_boxed<'a>(self) -> Select<F, From, S, BoxedFilter<'a>, BoxedOrder<'a>, G, H>
    where
        W: IntoBoxedFilter<'a>,
        O: IntoBoxedOrder<'a>,
    {
        rebuild!(self, filter: self.filter.into_boxed(), order: self.order.into_boxed())
    }
}

/// A select list chosen at run time, for a query with FROM list `F` and grouping `G`: each
/// item is checked as `select` checks it when it is pushed. Rows load as [`DynRow`]s.
pub struct BoxedColumns<'a, F, G> {
    items: Vec<Box<dyn DynRender + Send + 'a>>,
    _q: PhantomData<(F, G)>,
}

impl<'a, F, G> Default for BoxedColumns<'a, F, G> {
    fn default() -> Self {
        BoxedColumns {
            items: Vec::new(),
            _q: PhantomData,
        }
    }
}

impl<'a, F, G> BoxedColumns<'a, F, G> {
    /// Adds a column or expression (of any type; aggregates need a GROUP BY first).
    pub fn push<E: ValidSelect<F, G, I, G> + Render + Send + 'a, I>(&mut self, e: E) -> &mut Self {
        self.items.push(Box::new(e));
        self
    }
    /// The number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }
    /// Whether there is no item.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// The row type of a query whose select list was chosen at run time: loads as [`DynRow`].
pub struct DynamicRow;

impl<F, G> SelectClause<F, G, ()> for BoxedColumns<'_, F, G> {
    type SqlType = DynamicRow;
    type Needs = ();
    fn render_list<'b>(&'b self, out: &mut SqlWriter<'b>) {
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                out.sql(", ");
            }
            item.render_select(out);
        }
    }
}

impl<F, From, C, W, O, G, H> Select<F, From, super::DefaultSelection<C>, W, O, G, H> {
    /// Sets a select list chosen at run time. An empty list is [`Error::Misuse`] when the
    /// query runs.
    pub fn select_boxed(
        self,
        columns: BoxedColumns<'_, F, G>,
    ) -> Select<F, From, BoxedColumns<'_, F, G>, W, O, G, H> {
        rebuild!(self, select: columns)
    }
}

/// A select list chosen at run time, possibly under DISTINCT.
pub trait DynSelect<F, G>: SelectClause<F, G, ()> {
    /// Whether it has no column (an error when the query runs).
    fn is_empty(&self) -> bool;
}
impl<F, G> DynSelect<F, G> for BoxedColumns<'_, F, G> {
    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}
impl<F, G, K: super::DistinctKind> DynSelect<F, G> for super::Distinct<BoxedColumns<'_, F, G>, K> {
    fn is_empty(&self) -> bool {
        self.inner.items.is_empty()
    }
}

impl<F, From, S: DynSelect<F, G>, W, O, G, H> Select<F, From, S, W, O, G, H>
where
    From: FromClause,
    W: Clause,
    G: Clause,
    H: Clause,
    O: Clause,
{
    /// Runs the query; each row is read by column name or position.
    pub fn load_dyn<'c, C: Runner<Backend = Postgres> + ?Sized>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<DynRow>>
    where
        Load<DynLoad<Self>>: Work<'c, Postgres, C::Mode, Output = Vec<DynRow>>,
    {
        Load(DynLoad(self)).run(conn.__connection())
    }
}

/// The run of a query whose select list was chosen at run time: its rows kept whole, as
/// [`DynRow`]s.
#[doc(hidden)]
pub struct DynLoad<Q>(Q);

impl<F, From, S: DynSelect<F, G>, W, O, G, H> Step for DynLoad<Select<F, From, S, W, O, G, H>>
where
    From: FromClause,
    W: Clause,
    G: Clause,
    H: Clause,
    O: Clause,
{
    type Row = DynRow;
    type Output = Vec<DynRow>;
    fn write<'q>(&'q self, out: &mut SqlWriter<'q>) -> bool {
        // An empty list writes nothing; `finish` refuses it.
        if self.0.select.is_empty() {
            return false;
        }
        self.0.render_with::<()>(out, None);
        true
    }
    fn decode(row: &mut RowReader<'_>) -> Result<DynRow, Error> {
        match row.data().as_pg() {
            Some(row) => Ok(DynRow::new(row.to_row())),
            None => Err(Error::Misuse(
                "a boxed select list loads rows of PostgreSQL only".into(),
            )),
        }
    }
    fn finish(self, rows: Vec<DynRow>) -> Result<Vec<DynRow>, Error> {
        if self.0.select.is_empty() {
            return Err(Error::Misuse(
                "a boxed select list needs at least one column".into(),
            ));
        }
        Ok(rows)
    }
}
