//! Aggregate kinds: which expressions may appear together in a select list.
//!
//! Every expression has a kind under a grouping `G`: [`Plain`] (reads a column row by row),
//! [`Agg`] (an aggregate), or [`Neutral`] (a constant, or a column that is in GROUP BY).
//! Kinds combine through [`Mix`]; `Plain` with `Agg` has no combination, which is the
//! compile error for a select list that mixes the two.

/// No GROUP BY clause.
pub struct NoGroup;

/// Kind of an expression that reads columns row by row.
pub struct Plain;
/// Kind of an aggregate call.
pub struct Agg;
/// Kind of a constant, or of a grouped column: mixes with either.
pub struct Neutral;

/// The kind of an expression under grouping `G` (`J` is an inferred index).
pub trait ValidGrouping<G, J> {
    /// `Plain`, `Agg` or `Neutral`.
    type Kind;
}

/// Combines two kinds: the kind of an expression built from both.
#[diagnostic::on_unimplemented(
    message = "cannot mix aggregate expressions and plain columns without GROUP BY",
    label = "this select list has both an aggregate and a plain column",
    note = "add `.group_by(..)` with the plain columns, or aggregate them too"
)]
pub trait Mix<K> {
    /// The combined kind.
    type Out;
}

#[diagnostic::do_not_recommend]
impl Mix<Plain> for Plain {
    type Out = Plain;
}
#[diagnostic::do_not_recommend]
impl Mix<Neutral> for Plain {
    type Out = Plain;
}
#[diagnostic::do_not_recommend]
impl Mix<Plain> for Neutral {
    type Out = Plain;
}
#[diagnostic::do_not_recommend]
impl Mix<Neutral> for Neutral {
    type Out = Neutral;
}
#[diagnostic::do_not_recommend]
impl Mix<Agg> for Agg {
    type Out = Agg;
}
#[diagnostic::do_not_recommend]
impl Mix<Neutral> for Agg {
    type Out = Agg;
}
#[diagnostic::do_not_recommend]
impl Mix<Agg> for Neutral {
    type Out = Agg;
}

/// Kinds allowed in WHERE: anything but an aggregate.
#[diagnostic::on_unimplemented(
    message = "aggregate functions are not allowed in WHERE",
    label = "this filter contains an aggregate",
    note = "filter on aggregates with `.having(..)` after `.group_by(..)`"
)]
pub trait NotAggregate {}
impl NotAggregate for Plain {}
impl NotAggregate for Neutral {}

/// Kinds allowed as the argument of an aggregate: anything but another aggregate.
#[diagnostic::on_unimplemented(
    message = "aggregate function calls cannot be nested",
    label = "this aggregate's argument is itself an aggregate"
)]
pub trait AggregateArg {}
impl AggregateArg for Plain {}
impl AggregateArg for Neutral {}
