//! Window functions (`row_number() OVER (PARTITION BY .. ORDER BY .. ROWS ..)`) and aggregates
//! used as windows (ordered-set aggregates are in `ordered_set.rs`).
//!
//! A window call is allowed in the select list and ORDER BY; in WHERE, GROUP BY, HAVING, an
//! ON condition or inside an aggregate it does not compile. Its arguments, PARTITION BY and
//! ORDER BY are checked like the select list: in a grouped query they must be grouped
//! columns or aggregates.

use super::aggregate::{Aggregate, CountStar};
use super::func::{ArgTypes, Signature, SqlFunction};
use super::{AggregatesAllowed, AsExpr, Expression};
use crate::check::{AppearsIn, Mix, Neutral, ValidGrouping, WithFrom};
use crate::render::{Render, SqlWriter};
use crate::types::*;
use postgres_types::Type;
use std::marker::PhantomData;

/// Grouping modes in which a window function may appear: the select list and ORDER BY.
#[diagnostic::on_unimplemented(
    message = "window functions are only allowed in `select` and `order_by`",
    label = "`.over(..)` is used where windows are not computed",
    note = "window functions run after WHERE, GROUP BY and HAVING, and not inside an aggregate or another window: filter on one from an outer query"
)]
pub trait WindowsAllowed {}
#[diagnostic::do_not_recommend]
impl<G, F> WindowsAllowed for WithFrom<G, F> {}
#[diagnostic::do_not_recommend]
impl WindowsAllowed for crate::check::distinct::Probe {}

/// The mode in which a window's arguments, PARTITION BY and ORDER BY are checked: as in the
/// enclosing mode `G`, but without windows (PostgreSQL does not nest them).
pub struct InWindow<G>(PhantomData<G>);
impl<C, G: crate::check::ColumnMode<C>> crate::check::ColumnMode<C> for InWindow<G> {
    type Kind = G::Kind;
}
impl<S, G: crate::check::SourceMode<S>> crate::check::SourceMode<S> for InWindow<G> {
    type Kind = G::Kind;
}
impl<E, G: crate::check::identity::GroupedExpr<E>> crate::check::identity::GroupedExpr<E>
    for InWindow<G>
{
    type Out = G::Out;
}
#[diagnostic::do_not_recommend]
impl<G: AggregatesAllowed> AggregatesAllowed for InWindow<G> {}
#[diagnostic::do_not_recommend]
impl<G: super::special::GroupingAllowed> super::special::GroupingAllowed for InWindow<G> {}

/// A call that can be used with `OVER`: the grouping kind of its arguments in mode `G`.
pub trait WindowCall<G, J> {
    /// The arguments' kind.
    type Kind;
}

impl<K, E: ValidGrouping<G, J>, G, J> WindowCall<G, J> for Aggregate<K, E> {
    type Kind = E::Kind;
}
impl<G> WindowCall<G, ()> for CountStar {
    type Kind = Neutral;
}
impl<N, A: ValidGrouping<G, J>, G, J> WindowCall<G, J> for WinFn<N, A> {
    type Kind = A::Kind;
}

/// The argument list of a window function without arguments.
#[derive(Clone, Copy, Default)]
pub struct NoArgs;
impl ArgTypes for NoArgs {
    type SqlTypes = ();
}
impl<F> AppearsIn<F, ()> for NoArgs {
    type Lifted = ();
}
impl<G> ValidGrouping<G, ()> for NoArgs {
    type Kind = Neutral;
}
impl Render for NoArgs {
    type Needs = ();
    fn render<'a>(&'a self, _: &mut SqlWriter<'a>) {}
}

/// A call of window function `N` with argument tuple `A`; usable only with `.over(..)`.
pub struct WinFn<N, A> {
    args: A,
    _f: PhantomData<N>,
}

impl<N: Signature<A::SqlTypes>, A: ArgTypes> Expression for WinFn<N, A> {
    type SqlType = N::Out;
}
impl<N: Signature<A::Lifted>, A: AppearsIn<F, I>, F, I> AppearsIn<F, I> for WinFn<N, A> {
    type Lifted = N::Out;
}

/// A window function used without `OVER`.
#[diagnostic::on_unimplemented(
    message = "window function `{N}` needs `.over(..)`",
    label = "add `.over(window())` or `.over(window().partition_by(..).order_by(..))`"
)]
pub trait NeedsOver<N> {}

impl<N, A, G: NeedsOver<N>> ValidGrouping<G, ()> for WinFn<N, A> {
    type Kind = Neutral;
}

impl<N: SqlFunction, A: Render> Render for WinFn<N, A> {
    type Needs = crate::backend::needs::Both<N::Needs, A::Needs>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql(N::NAME);
        out.sql("(");
        match N::MYSQL_LITERAL_ARG {
            Some((at, what)) if out.dialect() == crate::backend::Dialect::Mysql => {
                if N::MYSQL_MAX_ARGS < self.args.argument_count() {
                    // MariaDB's `lag`/`lead` take no default (`lag_or`, `lead_or`).
                    out.lacks_on_mysql(Some(
                        "lag_or/lead_or (MariaDB's lag and lead take no default)",
                    ));
                }
                self.args.render_literal_at(out, at, what)
            }
            _ => self.args.render(out),
        }
        out.sql(")");
    }
    fn is_atomic(&self) -> bool {
        true
    }
}

/// `call OVER (window)`.
pub struct Over<C, W> {
    call: C,
    window: W,
}

/// A call that may run as a window (a [`OverMethod::Call`]): window functions and aggregates
/// without DISTINCT. Only `count_distinct`'s aggregate is not.
#[diagnostic::on_unimplemented(
    message = "`count_distinct(..)` cannot be used with `.over(..)`: PostgreSQL has no DISTINCT in window aggregates",
    label = "remove DISTINCT, or aggregate in a subquery first"
)]
pub trait Windowable {}

/// `.over(window)` on window functions and aggregates.
pub trait OverMethod: Sized {
    /// The call as errors name it, without its arguments (an aggregate by its kind,
    /// `CountDistinctFn`), and what [`Windowable`] is asked of.
    type Call;
    /// `self OVER (window)`: see [`window`].
    fn over<P, O>(self, window: Window<P, O>) -> Over<Self, Window<P, O>>
    where
        Self::Call: Windowable,
    {
        Over { call: self, window }
    }
}
impl<N, A> OverMethod for WinFn<N, A> {
    type Call = WinFn<N, NoArgs>;
}
impl<K, E> OverMethod for Aggregate<K, E> {
    type Call = K;
}
impl<N, A> OverMethod for super::func::AggFunc<N, A> {
    type Call = super::func::AggFunc<N, ()>;
}
impl OverMethod for CountStar {
    type Call = CountStar;
}
#[diagnostic::do_not_recommend]
impl<N> Windowable for WinFn<N, NoArgs> {}
// Not `count_distinct`'s aggregate.
#[diagnostic::do_not_recommend]
impl Windowable for super::aggregate::SumFn {}
#[diagnostic::do_not_recommend]
impl Windowable for super::aggregate::AvgFn {}
#[diagnostic::do_not_recommend]
impl Windowable for super::aggregate::MinFn {}
#[diagnostic::do_not_recommend]
impl Windowable for super::aggregate::MaxFn {}
#[diagnostic::do_not_recommend]
impl Windowable for super::aggregate::CountFn {}
#[diagnostic::do_not_recommend]
impl<N> Windowable for super::func::AggFunc<N, ()> {}
#[diagnostic::do_not_recommend]
impl Windowable for CountStar {}

impl<C: Expression, W> Expression for Over<C, W> {
    type SqlType = C::SqlType;
}
impl<C: AppearsIn<F, IC>, W: AppearsIn<F, IW>, F, IC, IW> AppearsIn<F, (IC, IW)> for Over<C, W> {
    type Lifted = C::Lifted;
}
impl<C, W, G, JC, JW> ValidGrouping<G, (JC, JW)> for Over<C, W>
where
    G: WindowsAllowed,
    C: WindowCall<InWindow<G>, JC>,
    W: ValidGrouping<InWindow<G>, JW>,
    C::Kind: Mix<W::Kind>,
{
    type Kind = <C::Kind as Mix<W::Kind>>::Out;
}
impl<C: Render, W: Render> Render for Over<C, W> {
    type Needs = crate::backend::needs::Both<C::Needs, W::Needs>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.call.render(out);
        out.sql(" OVER (");
        self.window.render(out);
        out.sql(")");
    }
    fn is_atomic(&self) -> bool {
        true
    }
}
crate::__impl_operators!([C: Expression, W,] Over<C, W>);
super::func::as_expr_for! { [C, W,] Over<C, W>; }

/// A window definition: `PARTITION BY`, `ORDER BY` and a frame, each optional.
pub struct Window<P, O> {
    partition: P,
    order: O,
    frame: Option<Frame>,
}

/// No `PARTITION BY` / no `ORDER BY` in a window.
#[derive(Clone, Copy, Default)]
pub struct Empty;
/// `PARTITION BY e` (a tuple for several).
pub struct PartitionBy<E>(E);
/// `ORDER BY e` in a window (`e`, `e.desc()`, or a tuple).
pub struct WindowOrder<E>(E);

/// An empty window, `OVER ()`: the whole result (or group) is one partition.
pub fn window() -> Window<Empty, Empty> {
    Window {
        partition: Empty,
        order: Empty,
        frame: None,
    }
}

impl<P, O> Window<P, O> {
    /// `PARTITION BY e` (an expression or a tuple of them).
    pub fn partition_by<E>(self, e: E) -> Window<PartitionBy<E>, O> {
        Window {
            partition: PartitionBy(e),
            order: self.order,
            frame: self.frame,
        }
    }
    /// `ORDER BY e` (an expression, `e.desc()`, or a tuple of them).
    pub fn order_by<E>(self, e: E) -> Window<P, WindowOrder<E>> {
        Window {
            partition: self.partition,
            order: WindowOrder(e),
            frame: self.frame,
        }
    }
    /// `ROWS BETWEEN start AND end`.
    pub fn rows_between(mut self, start: FrameBound, end: FrameBound) -> Self {
        self.frame = Some(Frame {
            unit: "ROWS",
            start,
            end,
        });
        self
    }
    /// `RANGE BETWEEN start AND end`. Numeric offsets (`Preceding(n)`) are sent as `bigint`,
    /// for an integer ORDER BY column; interval offsets (`PrecedingBy(days(7))`) for a date,
    /// time or timestamp ORDER BY column. PostgreSQL wants exactly one ORDER BY column for a
    /// RANGE frame with offsets.
    pub fn range_between(mut self, start: FrameBound, end: FrameBound) -> Self {
        self.frame = Some(Frame {
            unit: "RANGE",
            start,
            end,
        });
        self
    }
    /// `GROUPS BETWEEN start AND end`: offsets count peer groups.
    pub fn groups_between(mut self, start: FrameBound, end: FrameBound) -> Self {
        self.frame = Some(Frame {
            unit: "GROUPS",
            start,
            end,
        });
        self
    }
}

/// One end of a window frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameBound {
    /// `UNBOUNDED PRECEDING`
    UnboundedPreceding,
    /// `n PRECEDING` (bound as a parameter)
    Preceding(i64),
    /// `CURRENT ROW`
    CurrentRow,
    /// `n FOLLOWING` (bound as a parameter)
    Following(i64),
    /// `interval PRECEDING`: for RANGE frames ordered by a date, time or timestamp
    /// (`RANGE BETWEEN '7 days' PRECEDING AND CURRENT ROW`), bound as an `interval`.
    PrecedingBy(PgInterval),
    /// `interval FOLLOWING`, for RANGE frames ordered by a date, time or timestamp.
    FollowingBy(PgInterval),
    /// `UNBOUNDED FOLLOWING`
    UnboundedFollowing,
}

struct Frame {
    unit: &'static str,
    start: FrameBound,
    end: FrameBound,
}

fn render_bound<'a>(b: &'a FrameBound, out: &mut SqlWriter<'a>) {
    match b {
        FrameBound::UnboundedPreceding => out.sql("UNBOUNDED PRECEDING"),
        FrameBound::Preceding(n) => {
            out.bind(n, Type::INT8);
            out.sql(" PRECEDING");
        }
        FrameBound::CurrentRow => out.sql("CURRENT ROW"),
        FrameBound::Following(n) => {
            out.bind(n, Type::INT8);
            out.sql(" FOLLOWING");
        }
        FrameBound::PrecedingBy(i) => {
            out.bind(i, Type::INTERVAL);
            out.sql(" PRECEDING");
        }
        FrameBound::FollowingBy(i) => {
            out.bind(i, Type::INTERVAL);
            out.sql(" FOLLOWING");
        }
        FrameBound::UnboundedFollowing => out.sql("UNBOUNDED FOLLOWING"),
    }
}

impl<F> AppearsIn<F, ()> for Empty {
    type Lifted = ();
}
impl<G> ValidGrouping<G, ()> for Empty {
    type Kind = Neutral;
}
impl<E: AppearsIn<F, I>, F, I> AppearsIn<F, I> for PartitionBy<E> {
    type Lifted = ();
}
impl<E: ValidGrouping<G, J>, G, J> ValidGrouping<G, J> for PartitionBy<E> {
    type Kind = E::Kind;
}
impl<E: AppearsIn<F, I>, F, I> AppearsIn<F, I> for WindowOrder<E> {
    type Lifted = ();
}
impl<E: ValidGrouping<G, J>, G, J> ValidGrouping<G, J> for WindowOrder<E> {
    type Kind = E::Kind;
}
impl<P: AppearsIn<F, IP>, O: AppearsIn<F, IO>, F, IP, IO> AppearsIn<F, (IP, IO)> for Window<P, O> {
    type Lifted = ();
}
impl<P, O, G, JP, JO> ValidGrouping<G, (JP, JO)> for Window<P, O>
where
    P: ValidGrouping<G, JP>,
    O: ValidGrouping<G, JO>,
    P::Kind: Mix<O::Kind>,
{
    type Kind = <P::Kind as Mix<O::Kind>>::Out;
}

/// Writes a window's parts.
pub trait WindowPart {
    /// What the part needs of the backend.
    type Needs: crate::backend::Needs;
    /// Writes ` KEYWORD ..` or nothing; returns whether it wrote.
    fn render_part<'a>(&'a self, out: &mut SqlWriter<'a>, first: bool) -> bool;
}
impl WindowPart for Empty {
    type Needs = ();
    fn render_part<'a>(&'a self, _: &mut SqlWriter<'a>, _: bool) -> bool {
        false
    }
}
impl<E: Render> WindowPart for PartitionBy<E> {
    type Needs = E::Needs;
    fn render_part<'a>(&'a self, out: &mut SqlWriter<'a>, first: bool) -> bool {
        out.sql(if first {
            "PARTITION BY "
        } else {
            " PARTITION BY "
        });
        self.0.render(out);
        true
    }
}
impl<E: Render> WindowPart for WindowOrder<E> {
    type Needs = E::Needs;
    fn render_part<'a>(&'a self, out: &mut SqlWriter<'a>, first: bool) -> bool {
        out.sql(if first { "ORDER BY " } else { " ORDER BY " });
        self.0.render(out);
        true
    }
}

impl<P: WindowPart, O: WindowPart> Render for Window<P, O> {
    type Needs = crate::backend::needs::Both<P::Needs, O::Needs>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        let wrote = self.partition.render_part(out, true);
        let wrote = self.order.render_part(out, !wrote) || wrote;
        if let Some(frame) = &self.frame {
            if wrote {
                out.sql(" ");
            }
            out.sql(frame.unit);
            out.sql(" BETWEEN ");
            render_bound(&frame.start, out);
            out.sql(" AND ");
            render_bound(&frame.end, out);
        }
    }
}

macro_rules! window_functions {
    ($($(#[$m:meta])* $fn_name:ident, $name:ident = $sql:literal => $out:ty;)*) => {$(
        /// The window function's marker (what compile errors call it).
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;
        impl SqlFunction for $name {
            type Needs = ();
            const NAME: &'static str = $sql;
        }
        impl crate::check::identity::NameId for $name {
            type Id = ::sqlwright::__private::name_id!(window $name);
        }
        #[diagnostic::do_not_recommend]
        impl Signature<()> for $name {
            type Out = $out;
        }
        $(#[$m])*
        pub fn $fn_name() -> WinFn<$name, NoArgs> {
            WinFn { args: NoArgs, _f: PhantomData }
        }
    )*};
}

window_functions! {
    /// `row_number()`: 1, 2, 3, ... within the partition.
    row_number, RowNumber = "row_number" => Int8;
    /// `rank()`: rank with gaps.
    rank, Rank = "rank" => Int8;
    /// `dense_rank()`: rank without gaps.
    dense_rank, DenseRank = "dense_rank" => Int8;
    /// `percent_rank()`: (rank - 1) / (rows - 1).
    percent_rank, PercentRank = "percent_rank" => Float8;
    /// `cume_dist()`: the fraction of rows up to this row's peers.
    cume_dist, CumeDist = "cume_dist" => Float8;
}

macro_rules! value_window_functions {
    ($($name:ident = $sql:literal $(literal $at:literal $what:literal)? $(max $max:literal)?;)*)
    => {$(
        /// The window function's marker (what compile errors call it).
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;
        impl SqlFunction for $name {
            type Needs = ();
            const NAME: &'static str = $sql;
            $(const MYSQL_LITERAL_ARG: Option<(usize, &'static str)> = Some(($at, $what));)?
            $(const MYSQL_MAX_ARGS: usize = $max;)?
        }
        impl crate::check::identity::NameId for $name {
            type Id = ::sqlwright::__private::name_id!(window $name);
        }
    )*};
}
value_window_functions! {
    Ntile = "ntile" literal 0 "ntile(n) with an n that is not a Rust integer";
    Lag = "lag" literal 1 "lag(e, offset) with an offset that is not a Rust integer" max 2;
    Lead = "lead" literal 1 "lead(e, offset) with an offset that is not a Rust integer" max 2;
    FirstValue = "first_value";
    LastValue = "last_value";
    NthValue = "nth_value" literal 1 "nth_value(e, n) with an n that is not a Rust integer";
}

#[diagnostic::do_not_recommend]
impl<A: SqlType<NotNull = Int4>> Signature<(A,)> for Ntile {
    type Out = NullableAs<A, Int4>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType> Signature<(A,)> for Lag {
    type Out = A::Nullable;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType, B: SqlType<NotNull = Int4>> Signature<(A, B)> for Lag {
    type Out = A::Nullable;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType, B: SqlType<NotNull = Int4>, C: SqlType<NotNull = A::NotNull>> Signature<(A, B, C)>
    for Lag
{
    /// NULL when the offset is; otherwise when the value and the default both may be.
    type Out = NullableIf<B, NullableIfBoth<A, C, A::NotNull>, A::NotNull>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType> Signature<(A,)> for Lead {
    type Out = A::Nullable;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType, B: SqlType<NotNull = Int4>> Signature<(A, B)> for Lead {
    type Out = A::Nullable;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType, B: SqlType<NotNull = Int4>, C: SqlType<NotNull = A::NotNull>> Signature<(A, B, C)>
    for Lead
{
    /// NULL when the offset is; otherwise when the value and the default both may be.
    type Out = NullableIf<B, NullableIfBoth<A, C, A::NotNull>, A::NotNull>;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType> Signature<(A,)> for FirstValue {
    type Out = A::Nullable;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType> Signature<(A,)> for LastValue {
    type Out = A::Nullable;
}
#[diagnostic::do_not_recommend]
impl<A: SqlType, B: SqlType<NotNull = Int4>> Signature<(A, B)> for NthValue {
    type Out = A::Nullable;
}

fn win<N, A>(args: A) -> WinFn<N, A> {
    WinFn {
        args,
        _f: PhantomData,
    }
}

/// `ntile(n)`: the bucket number, 1 to `n`, dividing the partition as evenly as possible.
pub fn ntile<N: AsExpr<Int4>>(n: N) -> WinFn<Ntile, (N::Expr,)> {
    win((n.into_expr(),))
}
/// `lag(e)`: `e` of the previous row (NULL on the first).
pub fn lag<E: Expression>(e: E) -> WinFn<Lag, (E,)> {
    win((e,))
}
/// `lag(e, offset, default)`: `e` of the row `offset` rows before, else `default`.
pub fn lag_or<E: Expression, O: AsExpr<Int4>, D: AsExpr<<E::SqlType as SqlType>::NotNull>>(
    e: E,
    offset: O,
    default: D,
) -> WinFn<Lag, (E, O::Expr, D::Expr)> {
    win((e, offset.into_expr(), default.into_expr()))
}
/// `lag(e, offset)`: `e` of the row `offset` rows before (NULL when there is none).
pub fn lag_by<E: Expression, O: AsExpr<Int4>>(e: E, offset: O) -> WinFn<Lag, (E, O::Expr)> {
    win((e, offset.into_expr()))
}
/// `lead(e, offset)`: `e` of the row `offset` rows after (NULL when there is none).
pub fn lead_by<E: Expression, O: AsExpr<Int4>>(e: E, offset: O) -> WinFn<Lead, (E, O::Expr)> {
    win((e, offset.into_expr()))
}
/// `lead(e)`: `e` of the next row (NULL on the last).
pub fn lead<E: Expression>(e: E) -> WinFn<Lead, (E,)> {
    win((e,))
}
/// `lead(e, offset, default)`: `e` of the row `offset` rows after, else `default`.
pub fn lead_or<E: Expression, O: AsExpr<Int4>, D: AsExpr<<E::SqlType as SqlType>::NotNull>>(
    e: E,
    offset: O,
    default: D,
) -> WinFn<Lead, (E, O::Expr, D::Expr)> {
    win((e, offset.into_expr(), default.into_expr()))
}
/// `first_value(e)`: `e` of the first row of the frame (nullable: a frame that excludes the
/// current row may be empty).
pub fn first_value<E: Expression>(e: E) -> WinFn<FirstValue, (E,)> {
    win((e,))
}
/// `last_value(e)`: `e` of the last row of the frame (nullable, as a frame may be empty; mind
/// the default frame, which ends at the current row's last peer).
pub fn last_value<E: Expression>(e: E) -> WinFn<LastValue, (E,)> {
    win((e,))
}
/// `nth_value(e, n)`: `e` of the `n`-th row of the frame, NULL when there is none.
pub fn nth_value<E: Expression, N: AsExpr<Int4>>(e: E, n: N) -> WinFn<NthValue, (E, N::Expr)> {
    win((e, n.into_expr()))
}

crate::check::identity::opaque_keys! {
    [] NoArgs;
    [N, A] WinFn<N, A>;
    [C, W] Over<C, W>;
}
