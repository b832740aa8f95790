//! Ordered-set aggregates: `mode()`, `percentile_cont(..)`, `percentile_disc(..)` with
//! `WITHIN GROUP (ORDER BY ..)`.

use super::window::NoArgs;
use super::{AggregatesAllowed, Expression};
use crate::check::{Agg, AppearsIn, InsideAggregate, ValidGrouping};
use crate::render::{Render, SqlWriter};
use crate::types::*;
use std::marker::PhantomData;

/// `NAME(args) WITHIN GROUP (ORDER BY e)`.
pub struct WithinGroup<N, A, E> {
    args: A,
    order: E,
    desc: bool,
    _f: PhantomData<N>,
}

/// An ordered-set aggregate waiting for its `WITHIN GROUP (ORDER BY ..)`.
pub struct OrderedSet<N, A> {
    args: A,
    _f: PhantomData<N>,
}

impl<N, A> OrderedSet<N, A> {
    /// `WITHIN GROUP (ORDER BY e)`.
    pub fn within_group<E: Expression>(self, e: E) -> WithinGroup<N, A, E>
    where
        N: OrderedSetOf<E::SqlType>,
    {
        WithinGroup {
            args: self.args,
            order: e,
            desc: false,
            _f: PhantomData,
        }
    }
    /// `WITHIN GROUP (ORDER BY e DESC)`.
    pub fn within_group_desc<E: Expression>(self, e: E) -> WithinGroup<N, A, E>
    where
        N: OrderedSetOf<E::SqlType>,
    {
        WithinGroup {
            args: self.args,
            order: e,
            desc: true,
            _f: PhantomData,
        }
    }
}

/// The result type of ordered-set aggregate `Self` over values of type `E`.
#[diagnostic::on_unimplemented(message = "`{Self}` is not defined for values of SQL type `{E}`")]
pub trait OrderedSetOf<E> {
    /// The result type.
    type Out: SqlType;
}

#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Mode;
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default)]
pub struct PercentileCont;
#[doc(hidden)]
#[derive(Clone, Copy, Debug, Default)]
pub struct PercentileDisc;

impl<E: SqlType> OrderedSetOf<E> for Mode {
    type Out = E::Nullable;
}
impl<E: SqlType> OrderedSetOf<E> for PercentileDisc {
    type Out = E::Nullable;
}
/// Types `percentile_cont` interpolates (as `double precision`, or `interval`).
pub trait Continuous: SqlType {
    /// The interpolated type.
    type Out: SqlType<Nullability = NotNull>;
}
impl Continuous for Float8 {
    type Out = Float8;
}
impl Continuous for Float4 {
    type Out = Float8;
}
impl Continuous for Numeric {
    type Out = Float8;
}
impl Continuous for Int2 {
    type Out = Float8;
}
impl Continuous for Int4 {
    type Out = Float8;
}
impl Continuous for Int8 {
    type Out = Float8;
}
impl Continuous for Interval {
    type Out = Interval;
}
impl<E: SqlType<NotNull: Continuous>> OrderedSetOf<E> for PercentileCont {
    type Out = Nullable<<E::NotNull as Continuous>::Out>;
}

/// `mode() WITHIN GROUP (ORDER BY e)`: the most frequent value.
pub fn mode() -> OrderedSet<Mode, NoArgs> {
    OrderedSet {
        args: NoArgs,
        _f: PhantomData,
    }
}
/// `percentile_cont(fraction) WITHIN GROUP (ORDER BY e)`: the interpolated percentile.
pub fn percentile_cont(fraction: f64) -> OrderedSet<PercentileCont, super::Bound<Float8, f64>> {
    OrderedSet {
        args: super::Bound::new(fraction),
        _f: PhantomData,
    }
}
/// `percentile_disc(fraction) WITHIN GROUP (ORDER BY e)`: the first value whose position
/// reaches the fraction.
pub fn percentile_disc(fraction: f64) -> OrderedSet<PercentileDisc, super::Bound<Float8, f64>> {
    OrderedSet {
        args: super::Bound::new(fraction),
        _f: PhantomData,
    }
}

/// The SQL names of the ordered-set aggregates.
pub trait OrderedSetName {
    /// `mode`, ...
    const NAME: &'static str;
}
impl OrderedSetName for Mode {
    const NAME: &'static str = "mode";
}
impl OrderedSetName for PercentileCont {
    const NAME: &'static str = "percentile_cont";
}
impl OrderedSetName for PercentileDisc {
    const NAME: &'static str = "percentile_disc";
}

impl<N: OrderedSetOf<E::SqlType>, A, E: Expression> Expression for WithinGroup<N, A, E> {
    type SqlType = N::Out;
}
impl<N: OrderedSetOf<E::Lifted>, A, E: AppearsIn<F, I>, F, I> AppearsIn<F, I>
    for WithinGroup<N, A, E>
{
    type Lifted = N::Out;
}
impl<N, A, E: ValidGrouping<InsideAggregate, J>, G: AggregatesAllowed, J> ValidGrouping<G, J>
    for WithinGroup<N, A, E>
{
    type Kind = Agg;
}
impl<N: OrderedSetName, A: Render, E: Render> Render for WithinGroup<N, A, E> {
    type Needs =
        crate::backend::needs::PgOnly<crate::backend::needs::features::WithinGroupAggregates>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.note_aggregate();
        out.sql(N::NAME);
        out.sql("(");
        self.args.render(out);
        out.sql(") WITHIN GROUP (ORDER BY ");
        self.order.render(out);
        out.sql(if self.desc { " DESC)" } else { ")" });
    }
    fn is_atomic(&self) -> bool {
        true
    }
}
crate::__impl_operators!([N: OrderedSetOf<E::SqlType>, A, E: Expression,] WithinGroup<N, A, E>);
super::func::as_expr_for! { [N, A, E,] WithinGroup<N, A, E>; }

crate::check::identity::opaque_keys! {
    [N, A, E] WithinGroup<N, A, E>;
}
