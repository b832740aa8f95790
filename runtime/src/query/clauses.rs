//! The clause values of a SELECT: WHERE, GROUP BY, HAVING, ORDER BY.

use crate::check::{GroupBy, NoGroup};
use crate::expr::{And, Binary};
use crate::render::{Render, SqlWriter};

/// No WHERE clause.
#[derive(Clone, Copy, Default)]
pub struct NoFilter;
/// `WHERE e`.
pub struct Filter<E>(pub(crate) E);

/// No HAVING clause.
#[derive(Clone, Copy, Default)]
pub struct NoHaving;
/// `HAVING e`.
pub struct Having<E>(pub(crate) E);

/// No ORDER BY clause.
#[derive(Clone, Copy, Default)]
pub struct NoOrder;
/// `ORDER BY o`.
pub struct OrderBy<O>(pub(crate) O);

/// The single implicit group of an aggregate query without GROUP BY (after `having`, or a
/// select list of aggregates): every plain column must then be aggregated.
#[derive(Clone, Copy, Default)]
pub struct AllRows;

impl crate::check::GroupList for AllRows {
    type Ids = ();
    type Sets = crate::check::ids::False;
    type Common = ();
}

/// Adds a condition to a WHERE or HAVING clause (ANDed with what is there).
pub trait AddCondition<E> {
    /// The resulting clause.
    type Out;
    /// Adds `e`.
    fn add(self, e: E) -> Self::Out;
}
impl<E> AddCondition<E> for NoFilter {
    type Out = Filter<E>;
    fn add(self, e: E) -> Filter<E> {
        Filter(e)
    }
}
impl<W, E> AddCondition<E> for Filter<W> {
    type Out = Filter<Binary<And, W, E>>;
    fn add(self, e: E) -> Self::Out {
        Filter(Binary::new(self.0, e))
    }
}
impl<E> AddCondition<E> for NoHaving {
    type Out = Having<E>;
    fn add(self, e: E) -> Having<E> {
        Having(e)
    }
}
impl<H, E> AddCondition<E> for Having<H> {
    type Out = Having<Binary<And, H, E>>;
    fn add(self, e: E) -> Self::Out {
        Having(Binary::new(self.0, e))
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

/// A clause that writes itself after the FROM clause (or nothing when absent).
pub trait Clause {
    /// What the clause needs of the backend.
    type Needs: crate::backend::Needs;
    /// Writes ` KEYWORD ...` or nothing.
    fn render_clause<'a>(&'a self, out: &mut SqlWriter<'a>);
}

impl Clause for NoFilter {
    type Needs = ();
    fn render_clause<'a>(&'a self, _: &mut SqlWriter<'a>) {}
}
impl<E: Render> Clause for Filter<E> {
    type Needs = E::Needs;
    fn render_clause<'a>(&'a self, out: &mut SqlWriter<'a>) {
        if self.0.is_absent() {
            return;
        }
        out.sql(" WHERE ");
        self.0.render(out);
    }
}
impl Clause for NoGroup {
    type Needs = ();
    fn render_clause<'a>(&'a self, _: &mut SqlWriter<'a>) {}
}
impl Clause for crate::check::MixedNoGroup {
    type Needs = ();
    fn render_clause<'a>(&'a self, _: &mut SqlWriter<'a>) {}
}
impl Clause for GroupBy<AllRows> {
    type Needs = ();
    fn render_clause<'a>(&'a self, _: &mut SqlWriter<'a>) {}
}
impl<E: Render> Clause for GroupBy<E> {
    type Needs = E::Needs;
    fn render_clause<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql(" GROUP BY ");
        self.0.render(out);
        out.note_group_by();
    }
}
impl Clause for NoHaving {
    type Needs = ();
    fn render_clause<'a>(&'a self, _: &mut SqlWriter<'a>) {}
}
impl<E: Render> Clause for Having<E> {
    type Needs = E::Needs;
    fn render_clause<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql(" HAVING ");
        self.0.render_having(out);
    }
}
impl Clause for NoOrder {
    type Needs = ();
    fn render_clause<'a>(&'a self, _: &mut SqlWriter<'a>) {}
}
impl<O: Render> Clause for OrderBy<O> {
    type Needs = O::Needs;
    fn render_clause<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql(" ORDER BY ");
        self.0.render(out);
    }
}
