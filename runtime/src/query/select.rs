//! SELECT statements as typed values.

use super::{SingleFrom, Table};
use crate::check::{Cons, Nil, NoGroup, Src, ValidOrder, ValidSelect, ValidWhere};
use crate::engine::{Error, Executor};
use crate::expr::{And, Binary};
use crate::render::{Render, Rendered, SqlWriter};
use crate::types::{FromRow, NotNull, RowOf};
use std::marker::PhantomData;

/// A SELECT statement.
///
/// `F` is the FROM list as a type (see [`crate::check`]), `From` the value that renders it,
/// `S` the select clause, `W` the WHERE clause, `O` the ORDER BY clause, `G` the GROUP BY
/// clause. Every builder method checks its argument against `F` and `G` where it is called,
/// so a mistake is reported at the faulty call.
#[must_use = "a query does nothing until it is run with `load`, `first`, `one`, ..."]
pub struct Select<F, From, S, W = NoFilter, O = NoOrder, G = NoGroup> {
    from: From,
    select: S,
    filter: W,
    order: O,
    group: G,
    limit: Option<i64>,
    offset: Option<i64>,
    distinct: bool,
    _from: PhantomData<F>,
}

/// The select clause when none was given: every column of the FROM clause (`C`).
#[derive(Clone, Copy, Default)]
pub struct DefaultSelection<C>(C);

/// A select clause `E`, checked with index `I`.
pub struct Selected<E, I> {
    expr: E,
    _index: PhantomData<I>,
}

/// No WHERE clause.
#[derive(Clone, Copy, Default)]
pub struct NoFilter;
/// `WHERE e`.
pub struct Filter<E>(E);
/// No ORDER BY clause.
#[derive(Clone, Copy, Default)]
pub struct NoOrder;
/// `ORDER BY o`.
pub struct OrderBy<O>(O);

/// Adds a condition to a WHERE clause (ANDed with what is there).
pub trait AddFilter<E> {
    /// The resulting WHERE clause.
    type Out;
    /// Adds `e`.
    fn add(self, e: E) -> Self::Out;
}
impl<E> AddFilter<E> for NoFilter {
    type Out = Filter<E>;
    fn add(self, e: E) -> Filter<E> {
        Filter(e)
    }
}
impl<W, E> AddFilter<E> for Filter<W> {
    type Out = Filter<Binary<And, W, E>>;
    fn add(self, e: E) -> Self::Out {
        Filter(Binary::new(self.0, e))
    }
}

/// Adds an item to an ORDER BY clause.
pub trait AddOrder<O> {
    /// The resulting ORDER BY clause.
    type Out;
    /// Adds `o` after the existing items.
    fn add(self, o: O) -> Self::Out;
}
impl<O> AddOrder<O> for NoOrder {
    type Out = OrderBy<O>;
    fn add(self, o: O) -> OrderBy<O> {
        OrderBy(o)
    }
}
impl<P, O> AddOrder<O> for OrderBy<P> {
    type Out = OrderBy<(P, O)>;
    fn add(self, o: O) -> Self::Out {
        OrderBy((self.0, o))
    }
}

/// The SQL type of the row a FROM list gives when no select clause is given.
pub trait DefaultRow {
    /// The SQL type of the row.
    type SqlType;
}

impl<T: Table> DefaultRow for Cons<Src<T, NotNull>, Nil> {
    type SqlType = T::AllSqlTypes;
}

/// The select clause of a query: what it writes and the SQL type of its rows.
pub trait SelectClause<F, G> {
    /// The SQL type of a row.
    type SqlType;
    /// Writes the select list.
    fn render_clause<'a>(&'a self, out: &mut SqlWriter<'a>);
}

impl<F: DefaultRow, G, C: Render> SelectClause<F, G> for DefaultSelection<C> {
    type SqlType = F::SqlType;
    fn render_clause<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.0.render_select(out);
    }
}

impl<E: ValidSelect<F, G, I> + Render, F, G, I> SelectClause<F, G> for Selected<E, I> {
    type SqlType = E::SqlType;
    fn render_clause<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.expr.render_select(out);
    }
}

impl<T: Table> Select<SingleFrom<T>, T, DefaultSelection<T::AllColumns>> {
    /// `SELECT * FROM table`, with every column listed.
    pub fn from_table(table: T) -> Self {
        Select {
            from: table,
            select: DefaultSelection(T::ALL_COLUMNS),
            filter: NoFilter,
            order: NoOrder,
            group: NoGroup,
            limit: None,
            offset: None,
            distinct: false,
            _from: PhantomData,
        }
    }
}

impl<F, From, S, W, O, G> Select<F, From, S, W, O, G> {
    /// Adds a WHERE condition; several calls are ANDed.
    pub fn filter<E: ValidWhere<F, I>, I>(self, condition: E) -> Select<F, From, S, W::Out, O, G>
    where
        W: AddFilter<E>,
    {
        Select {
            from: self.from,
            select: self.select,
            filter: self.filter.add(condition),
            order: self.order,
            group: self.group,
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
            _from: PhantomData,
        }
    }

    /// Sets ORDER BY to an expression, `expr.desc()`, or a tuple of them.
    pub fn order_by<E: ValidOrder<F, G, I>, I>(
        self,
        order: E,
    ) -> Select<F, From, S, W, OrderBy<E>, G> {
        Select {
            from: self.from,
            select: self.select,
            filter: self.filter,
            order: OrderBy(order),
            group: self.group,
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
            _from: PhantomData,
        }
    }

    /// Appends to ORDER BY.
    pub fn then_order_by<E: ValidOrder<F, G, I>, I>(
        self,
        order: E,
    ) -> Select<F, From, S, W, O::Out, G>
    where
        O: AddOrder<E>,
    {
        Select {
            from: self.from,
            select: self.select,
            filter: self.filter,
            order: self.order.add(order),
            group: self.group,
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
            _from: PhantomData,
        }
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

    /// `SELECT DISTINCT`.
    pub fn distinct(mut self) -> Self {
        self.distinct = true;
        self
    }
}

impl<F, From, C, W, O, G> Select<F, From, DefaultSelection<C>, W, O, G> {
    /// Sets the select clause: a column, an expression, or a tuple of them. The row type
    /// of [`load`](Select::load) follows from it.
    pub fn select<E: ValidSelect<F, G, I>, I>(
        self,
        selection: E,
    ) -> Select<F, From, Selected<E, I>, W, O, G> {
        Select {
            from: self.from,
            select: Selected {
                expr: selection,
                _index: PhantomData,
            },
            filter: self.filter,
            order: self.order,
            group: self.group,
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
            _from: PhantomData,
        }
    }
}

/// The Rust row type of a query: inferred from its select clause.
pub type RowType<F, S, G> = <<S as SelectClause<F, G>>::SqlType as RowOf>::Row;

impl<F, From, S, W, O, G> Select<F, From, S, W, O, G>
where
    From: FromClause,
    S: SelectClause<F, G>,
    W: WhereClause,
    O: OrderClause,
{
    fn render_with<'a>(&'a self, out: &mut SqlWriter<'a>, limit: Option<&'a i64>) {
        out.sql("SELECT ");
        if self.distinct {
            out.sql("DISTINCT ");
        }
        self.select.render_clause(out);
        out.sql(" FROM ");
        self.from.render_from(out);
        self.filter.render_where(out);
        self.order.render_order(out);
        if let Some(limit) = limit.or(self.limit.as_ref()) {
            out.sql(" LIMIT ");
            out.bind(limit, postgres::types::Type::INT8);
        }
        if let Some(offset) = &self.offset {
            out.sql(" OFFSET ");
            out.bind(offset, postgres::types::Type::INT8);
        }
    }

    /// The SQL text, parameters and column labels of this query, without running it.
    pub fn render(&self) -> Rendered<'_> {
        let mut out = SqlWriter::new();
        self.render_with(&mut out, None);
        out.finish()
    }

    /// The SQL text of this query.
    pub fn to_sql(&self) -> String {
        self.render().sql
    }

    /// The SQL text followed by the bound parameters, for logs and debugging.
    pub fn debug_sql(&self) -> String {
        self.render().to_string()
    }

    fn fetch<R, C: Executor + ?Sized>(
        &self,
        conn: &mut C,
        limit: Option<&i64>,
    ) -> Result<Vec<R>, Error>
    where
        R: FromRow<S::SqlType>,
    {
        let mut out = SqlWriter::new();
        self.render_with(&mut out, limit);
        let rendered = out.finish();
        let rows = conn.query_rows(&rendered)?;
        rows.iter()
            .map(|row| R::from_row(&mut crate::types::RowReader::new(row, &rendered.labels)))
            .collect()
    }

    /// Runs the query and returns every row.
    pub fn load<C: Executor + ?Sized>(self, conn: &mut C) -> Result<Vec<RowType<F, S, G>>, Error>
    where
        S::SqlType: RowOf,
    {
        self.fetch(conn, None)
    }

    /// Runs the query and loads every row into `R`, which must match the row's SQL types
    /// (a tuple of values, or a type implementing [`FromRow`]).
    pub fn load_as<R: FromRow<S::SqlType>, C: Executor + ?Sized>(
        self,
        conn: &mut C,
    ) -> Result<Vec<R>, Error> {
        self.fetch(conn, None)
    }

    /// The first row, or `None` (runs with `LIMIT 1`).
    pub fn first<C: Executor + ?Sized>(
        self,
        conn: &mut C,
    ) -> Result<Option<RowType<F, S, G>>, Error>
    where
        S::SqlType: RowOf,
    {
        let one = self.limit.map_or(1, |l| l.min(1));
        Ok(self.fetch(conn, Some(&one))?.into_iter().next())
    }

    /// Exactly one row: [`Error::NotFound`] when there is none, [`Error::MultipleRows`]
    /// when there are more.
    pub fn one<C: Executor + ?Sized>(self, conn: &mut C) -> Result<RowType<F, S, G>, Error>
    where
        S::SqlType: RowOf,
    {
        let two = self.limit.map_or(2, |l| l.min(2));
        let mut rows = self.fetch(conn, Some(&two))?;
        match rows.len() {
            0 => Err(Error::NotFound),
            1 => Ok(rows.remove(0)),
            _ => Err(Error::MultipleRows),
        }
    }

    /// The single value of the only row, or `None` when there is no row;
    /// [`Error::MultipleRows`] when there are more (SQLAlchemy's `scalar()`).
    pub fn scalar<C: Executor + ?Sized>(
        self,
        conn: &mut C,
    ) -> Result<Option<RowType<F, S, G>>, Error>
    where
        S::SqlType: RowOf,
    {
        let two = self.limit.map_or(2, |l| l.min(2));
        let mut rows = self.fetch(conn, Some(&two))?;
        match rows.len() {
            0 => Ok(None),
            1 => Ok(Some(rows.remove(0))),
            _ => Err(Error::MultipleRows),
        }
    }

    /// The number of rows this query returns: `SELECT COUNT(*) FROM (query) AS "q"`.
    pub fn count<C: Executor + ?Sized>(self, conn: &mut C) -> Result<i64, Error> {
        let mut out = SqlWriter::new();
        out.sql("SELECT COUNT(*) FROM (");
        self.render_with(&mut out, None);
        out.sql(") AS \"q\"");
        let rendered = out.finish();
        let rows = conn.query_rows(&rendered)?;
        let row = rows.first().ok_or(Error::NotFound)?;
        crate::types::RowReader::new(row, &[]).read::<i64, crate::types::Int8>()
    }
}

/// A FROM clause value: a table, or (later) a join tree.
pub trait FromClause {
    /// Writes the FROM items.
    fn render_from<'a>(&'a self, out: &mut SqlWriter<'a>);
}

impl<T: Table> FromClause for T {
    fn render_from<'a>(&'a self, out: &mut SqlWriter<'a>) {
        T::render_from(out);
    }
}

/// A WHERE clause value.
pub trait WhereClause {
    /// Writes ` WHERE ...` or nothing.
    fn render_where<'a>(&'a self, out: &mut SqlWriter<'a>);
}
impl WhereClause for NoFilter {
    fn render_where<'a>(&'a self, _: &mut SqlWriter<'a>) {}
}
impl<E: Render> WhereClause for Filter<E> {
    fn render_where<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql(" WHERE ");
        self.0.render(out);
    }
}

/// An ORDER BY clause value.
pub trait OrderClause {
    /// Writes ` ORDER BY ...` or nothing.
    fn render_order<'a>(&'a self, out: &mut SqlWriter<'a>);
}
impl OrderClause for NoOrder {
    fn render_order<'a>(&'a self, _: &mut SqlWriter<'a>) {}
}
impl<O: Render> OrderClause for OrderBy<O> {
    fn render_order<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql(" ORDER BY ");
        self.0.render(out);
    }
}
