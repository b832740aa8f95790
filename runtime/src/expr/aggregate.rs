//! Aggregate functions with PostgreSQL's result types.
//!
//! `count(*)`, `count(e)` and `count(DISTINCT e)` are `Int8` and never NULL; every other
//! aggregate is NULL over no rows, so its type is nullable. `sum` of `int2`/`int4` is `int8`,
//! of `int8`/`numeric` is `numeric`; `avg` of integers and `numeric` is `numeric`, of floats
//! `float8`; `min`/`max` keep the argument's type.

use super::Expression;
use crate::check::{Agg, AppearsIn, InsideAggregate, ValidGrouping};
use crate::render::{Render, SqlWriter};
use crate::types::*;

/// Grouping modes in which an aggregate may appear: not inside WHERE, not inside another
/// aggregate.
#[diagnostic::on_unimplemented(
    message = "aggregate functions are not allowed in WHERE, ON, GROUP BY, SET, RETURNING or inside another aggregate",
    label = "an aggregate is used where only row-level expressions are allowed",
    note = "WHERE and ON filter rows before grouping (use `.having(..)` for conditions on aggregates), and aggregates cannot be nested"
)]
pub trait AggregatesAllowed {}
#[diagnostic::do_not_recommend]
impl<F> AggregatesAllowed for crate::check::WithFrom<crate::check::NoGroup, F> {}
#[diagnostic::do_not_recommend]
impl<G, F> AggregatesAllowed for crate::check::WithFrom<crate::check::GroupBy<G>, F> {}
#[diagnostic::do_not_recommend]
impl<F> AggregatesAllowed for crate::check::WithFrom<crate::check::MixedNoGroup, F> {}
#[diagnostic::do_not_recommend]
impl AggregatesAllowed for crate::check::distinct::Probe {}
#[diagnostic::do_not_recommend]
impl<G, F> AggregatesAllowed for crate::check::InHaving<G, F> where
    crate::check::WithFrom<G, F>: AggregatesAllowed
{
}

/// SQL types `sum` accepts, and its result type.
#[diagnostic::on_unimplemented(message = "`sum` is not defined for SQL type `{Self}`")]
pub trait Summable: SqlType {
    /// The type of the sum.
    type Sum: SqlType<Nullability = NotNull>;
}
/// SQL types `avg` accepts, and its result type.
#[diagnostic::on_unimplemented(message = "`avg` is not defined for SQL type `{Self}`")]
pub trait Averageable: SqlType {
    /// The type of the average.
    type Avg: SqlType<Nullability = NotNull>;
}

macro_rules! agg_types {
    ($trait:ident $assoc:ident: $($arg:ty => $out:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl $trait for $arg {
            type $assoc = $out;
        }
    )*};
}
agg_types!(Summable Sum: Int2 => Int8, Int4 => Int8, Int8 => Numeric, Numeric => Numeric,
    Float4 => Float4, Float8 => Float8, Interval => Interval);
agg_types!(Averageable Avg: Int2 => Numeric, Int4 => Numeric, Int8 => Numeric,
    Numeric => Numeric, Float4 => Float8, Float8 => Float8, Interval => Interval);
// The unsigned types sum as PostgreSQL sums their storage (`smallint`/`integer` to `bigint`,
// `bigint`/`numeric` to `numeric`): never an overflow for the types' own range.
agg_types!(Summable Sum: UInt1 => Int8, UInt2 => Int8, UInt4 => Numeric, UInt8 => Numeric);
agg_types!(Averageable Avg: UInt1 => Numeric, UInt2 => Numeric, UInt4 => Numeric,
    UInt8 => Numeric);

/// `sum`
pub struct SumFn;
/// `avg`
pub struct AvgFn;
/// `min`
pub struct MinFn;
/// `max`
pub struct MaxFn;
/// `count`
pub struct CountFn;
/// `count(DISTINCT ..)`
pub struct CountDistinctFn;

/// The result type of aggregate `K` over argument type `A`, when defined.
pub trait AggregateOf<K> {
    /// The result type.
    type Out: SqlType;
}
impl<A: SqlType> AggregateOf<SumFn> for A
where
    A::NotNull: Summable,
{
    type Out = Nullable<<A::NotNull as Summable>::Sum>;
}
impl<A: SqlType> AggregateOf<AvgFn> for A
where
    A::NotNull: Averageable,
{
    type Out = Nullable<<A::NotNull as Averageable>::Avg>;
}
impl<A: SqlType> AggregateOf<MinFn> for A
where
    A::NotNull: Comparable,
{
    type Out = A::Nullable;
}
impl<A: SqlType> AggregateOf<MaxFn> for A
where
    A::NotNull: Comparable,
{
    type Out = A::Nullable;
}
impl<A: SqlType> AggregateOf<CountFn> for A {
    type Out = Int8;
}
impl<A: SqlType> AggregateOf<CountDistinctFn> for A {
    type Out = Int8;
}

/// `NAME([DISTINCT] arg)`.
#[derive(Clone, Copy)]
pub struct Aggregate<K, E> {
    arg: E,
    distinct: bool,
    _fn: std::marker::PhantomData<K>,
}

impl<K, E: Expression> Expression for Aggregate<K, E>
where
    E::SqlType: AggregateOf<K>,
{
    type SqlType = <E::SqlType as AggregateOf<K>>::Out;
}

impl<K, E: AppearsIn<F, I>, F, I> AppearsIn<F, I> for Aggregate<K, E>
where
    E::Lifted: AggregateOf<K>,
{
    type Lifted = <E::Lifted as AggregateOf<K>>::Out;
}

impl<K, E: ValidGrouping<InsideAggregate, J>, G: AggregatesAllowed, J> ValidGrouping<G, J>
    for Aggregate<K, E>
{
    type Kind = Agg;
}

impl<K: AggregateFnName, E: Render> Render for Aggregate<K, E> {
    type Needs = E::Needs;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.note_aggregate();
        out.sql(K::NAME);
        out.sql(if self.distinct { "(DISTINCT " } else { "(" });
        self.arg.render(out);
        out.sql(")");
    }
    fn is_atomic(&self) -> bool {
        true
    }
}

/// The SQL name of an aggregate.
pub trait AggregateFnName {
    /// `SUM`, `AVG`, ...
    const NAME: &'static str;
}
impl AggregateFnName for SumFn {
    const NAME: &'static str = "SUM";
}
impl AggregateFnName for AvgFn {
    const NAME: &'static str = "AVG";
}
impl AggregateFnName for MinFn {
    const NAME: &'static str = "MIN";
}
impl AggregateFnName for MaxFn {
    const NAME: &'static str = "MAX";
}
impl AggregateFnName for CountFn {
    const NAME: &'static str = "COUNT";
}
impl AggregateFnName for CountDistinctFn {
    const NAME: &'static str = "COUNT";
}

fn aggregate<K, E>(arg: E, distinct: bool) -> Aggregate<K, E> {
    Aggregate {
        arg,
        distinct,
        _fn: std::marker::PhantomData,
    }
}

// The argument's type is checked where the aggregate is used (select, having, order by),
// not in the constructor as well: one mistake, one error.

/// `SUM(e)`: `Int8` for `int2`/`int4`, `Numeric` for `int8`/`numeric`, nullable.
pub fn sum<E: Expression>(e: E) -> Aggregate<SumFn, E> {
    aggregate(e, false)
}
/// `AVG(e)`: `Numeric` for integers and `numeric`, `Float8` for floats, nullable.
pub fn avg<E: Expression>(e: E) -> Aggregate<AvgFn, E> {
    aggregate(e, false)
}
/// `MIN(e)`: the argument's type, nullable.
pub fn min<E: Expression>(e: E) -> Aggregate<MinFn, E> {
    aggregate(e, false)
}
/// `MAX(e)`: the argument's type, nullable.
pub fn max<E: Expression>(e: E) -> Aggregate<MaxFn, E> {
    aggregate(e, false)
}
/// `COUNT(e)`: the number of rows where `e` is not NULL, `Int8`.
pub fn count<E: Expression>(e: E) -> Aggregate<CountFn, E> {
    aggregate(e, false)
}
/// `COUNT(DISTINCT e)`, `Int8`.
pub fn count_distinct<E: Expression>(e: E) -> Aggregate<CountDistinctFn, E> {
    aggregate(e, true)
}

/// `COUNT(*)`, `Int8`.
#[derive(Clone, Copy, Default)]
pub struct CountStar;

/// `COUNT(*)`: the number of rows, `Int8`.
pub fn count_star() -> CountStar {
    CountStar
}

impl Expression for CountStar {
    type SqlType = Int8;
}
impl<F> AppearsIn<F, ()> for CountStar {
    type Lifted = Int8;
}
impl<G: AggregatesAllowed> ValidGrouping<G, ()> for CountStar {
    type Kind = Agg;
}
impl Render for CountStar {
    type Needs = ();
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.note_aggregate();
        out.sql("COUNT(*)");
    }
    fn is_atomic(&self) -> bool {
        true
    }
}

crate::__impl_operators!([K, E: Expression<SqlType: AggregateOf<K>>,] Aggregate<K, E>);
crate::__impl_operators!([] CountStar, shown = Self, arith = Int8, CountStar);

impl<K, E: Expression, ST: SqlType> super::AsExpr<ST> for Aggregate<K, E>
where
    Aggregate<K, E>: Expression<SqlType: crate::types::Compatible<ST>>,
{
    type Expr = Self;
    fn into_expr(self) -> Self {
        self
    }
}

impl super::AsExpr<Int8> for CountStar {
    type Expr = Self;
    fn into_expr(self) -> Self {
        self
    }
}
super::operand::operand_for! {
    [K, E: Expression,] Aggregate<K, E>;
    [] CountStar;
}

crate::check::identity::opaque_keys! {
    [K, E] Aggregate<K, E>;
    [] CountStar;
}
