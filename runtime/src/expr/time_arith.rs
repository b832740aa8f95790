//! Date and time arithmetic (`plus`/`minus`) with PostgreSQL's result types, and how MySQL
//! writes the part of it it computes exactly.
//!
//! What each pair needs ([`TimeNeeds`]): a `date`, `timestamp` or `timestamptz` plus or
//! minus an interval value, a `date` plus or minus days and the days between two dates are
//! [`DateArithmetic`](crate::backend::needs::features::DateArithmetic), which MySQL has;
//! every other pair (a `time`, intervals added together, the interval between two
//! timestamps, `date + time`) is [`Intervals`](crate::backend::needs::features::Intervals),
//! PostgreSQL's.
//!
//! A `timestamptz`'s sum follows the session's time zone on PostgreSQL (a day is 23 or 25
//! hours across a DST change there). sqlwright pins every MySQL session to `+00:00` and
//! keeps a `timestamptz` as its UTC `DATETIME`, so MySQL's sum is PostgreSQL's in a
//! session whose `TimeZone` is UTC: that is the rule, as for `date_trunc` of a
//! `timestamptz`.

use super::{Expression, IntoOperand};
use crate::backend::needs::{features, Both, Needs, PgOnly};
use crate::backend::Dialect;
use crate::check::identity::{ExprKey, NameId, NodeOf};
use crate::check::AppearsIn;
use crate::render::{Render, SqlWriter};
use crate::types::*;

/// `+` on dates and times: `date + interval` is a `timestamp`, `date + integer` a `date`,
/// `timestamp[tz] + interval` keeps its type, `interval + interval` is an interval.
#[diagnostic::on_unimplemented(message = "cannot add SQL type `{R}` to `{Self}`")]
pub trait TimePlus<R> {
    /// The type of the sum.
    type Out: SqlType<Nullability = NotNull>;
}
/// `-` on dates and times: `date - date` is an `integer` (days), `date - interval` a
/// `timestamp`, `timestamp - timestamp` an interval.
#[diagnostic::on_unimplemented(message = "cannot subtract SQL type `{R}` from `{Self}`")]
pub trait TimeMinus<R> {
    /// The type of the difference.
    type Out: SqlType<Nullability = NotNull>;
}

/// How MySQL writes `l + r` / `l - r` of these SQL types, if it computes them exactly.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MysqlForm {
    /// `l ± INTERVAL ? MONTH ± INTERVAL ? DAY ± INTERVAL ? MICROSECOND`, the interval
    /// (which must be a bound value) split into its three parts: PostgreSQL adds months,
    /// then days, then the time.
    Interval,
    /// `l ± INTERVAL r DAY`.
    Days,
    /// `DATEDIFF(l, r)`.
    DaysBetween,
    /// None: a PostgreSQL-only pair (its needs say so).
    None,
}

/// What `Self ± R` needs of the backend, given `N`, what the right operand needs.
pub trait TimeNeeds<R> {
    /// The needs of the operation and its right operand.
    type Needs<N: Needs>: Needs;
    /// How MySQL writes it.
    #[doc(hidden)]
    const MYSQL: MysqlForm;
}

macro_rules! time_ops {
    ($tr:ident: $($l:ty, $r:ty => $o:ty;)*) => {$(
        impl $tr<$r> for $l {
            type Out = $o;
        }
    )*};
}
time_ops! { TimePlus:
    Date, Interval => Timestamp;
    Date, Int4 => Date;
    Date, Time => Timestamp;
    Timestamp, Interval => Timestamp;
    Timestamptz, Interval => Timestamptz;
    Time, Interval => Time;
    Interval, Interval => Interval;
}
time_ops! { TimeMinus:
    Date, Interval => Timestamp;
    Date, Int4 => Date;
    Date, Date => Int4;
    Timestamp, Interval => Timestamp;
    Timestamptz, Interval => Timestamptz;
    Timestamp, Timestamp => Interval;
    Timestamptz, Timestamptz => Interval;
    Time, Interval => Time;
    Time, Time => Interval;
    Interval, Interval => Interval;
}

macro_rules! time_needs {
    ($($l:ty, $r:ty => $form:ident, $needs:ty;)*) => {$(
        impl TimeNeeds<$r> for $l {
            type Needs<N: Needs> = $needs;
            const MYSQL: MysqlForm = MysqlForm::$form;
        }
    )*};
}
// With an interval on the right, `N` (its needs) is left out: on MySQL it must be a bound
// value (checked where it is written), and a bound interval's need as a value on its own
// (`Intervals`) is met by writing it as three parts.
time_needs! {
    Date, Interval => Interval, PgOnly<features::DateArithmetic>;
    Timestamp, Interval => Interval, PgOnly<features::DateArithmetic>;
    Timestamptz, Interval => Interval, PgOnly<features::DateArithmetic>;
    Date, Int4 => Days, Both<PgOnly<features::DateArithmetic>, N>;
    Date, Date => DaysBetween, Both<PgOnly<features::DateArithmetic>, N>;
    Date, Time => None, Both<PgOnly<features::Intervals>, N>;
    Timestamp, Timestamp => None, Both<PgOnly<features::Intervals>, N>;
    Timestamptz, Timestamptz => None, Both<PgOnly<features::Intervals>, N>;
    Time, Interval => None, Both<PgOnly<features::Intervals>, N>;
    Time, Time => None, Both<PgOnly<features::Intervals>, N>;
    Interval, Interval => None, Both<PgOnly<features::Intervals>, N>;
}

/// `left + right` or `left - right` on dates and times.
pub struct TimeArith<L, R, const PLUS: bool> {
    left: L,
    right: R,
}

/// `+` (`PLUS`) or `-` of SQL types `Self` and `R`: the result type, from [`TimePlus`] or
/// [`TimeMinus`] (one bridge, so that each node impl below is written once).
pub trait TimeResult<R, const PLUS: bool>: TimeNeeds<R> {
    /// The result type.
    type Out: SqlType<Nullability = NotNull>;
}
impl<L: TimePlus<R> + TimeNeeds<R>, R> TimeResult<R, true> for L {
    type Out = L::Out;
}
impl<L: TimeMinus<R> + TimeNeeds<R>, R> TimeResult<R, false> for L {
    type Out = L::Out;
}

/// The type of `l + r` / `l - r` for operand types `L` and `R`, NULL when either may be.
type TimeOut<L, R, const P: bool> =
    NullableIf<L, R, <<L as SqlType>::NotNull as TimeResult<<R as SqlType>::NotNull, P>>::Out>;

impl<L: Expression, R: Expression, const P: bool> Expression for TimeArith<L, R, P>
where
    <L::SqlType as SqlType>::NotNull: TimeResult<<R::SqlType as SqlType>::NotNull, P>,
{
    type SqlType = TimeOut<L::SqlType, R::SqlType, P>;
}
impl<L, R, F, IL, IR, const P: bool> AppearsIn<F, (IL, IR)> for TimeArith<L, R, P>
where
    L: AppearsIn<F, IL, Lifted: SqlType>,
    R: AppearsIn<F, IR, Lifted: SqlType>,
    <L::Lifted as SqlType>::NotNull: TimeResult<<R::Lifted as SqlType>::NotNull, P>,
{
    type Lifted = TimeOut<L::Lifted, R::Lifted, P>;
}
crate::check::identity::keyed_grouping!([L, R, const P: bool,] TimeArith<L, R, P> => (L, R));
impl<L: ExprKey, R: ExprKey, const P: bool> ExprKey for TimeArith<L, R, P>
where
    TimeNode<P>: NameId,
{
    type Id = NodeOf<TimeNode<P>, (L, R)>;
}

/// The marker of `+` (`P`) or `-` on dates and times, for [`ExprKey`].
#[doc(hidden)]
pub struct TimeNode<const P: bool>;
impl NameId for TimeNode<true> {
    type Id = ::sqlwright::__private::name_id!(node time_plus);
}
impl NameId for TimeNode<false> {
    type Id = ::sqlwright::__private::name_id!(node time_minus);
}

/// What `l ± r` of SQL types `L` and `R` needs, `r`'s needs being `N`.
type NeedsOf<L, R, N> = <<L as SqlType>::NotNull as TimeNeeds<<R as SqlType>::NotNull>>::Needs<N>;

impl<L, R, const P: bool> Render for TimeArith<L, R, P>
where
    L: Render + Expression,
    R: Render + Expression,
    <L::SqlType as SqlType>::NotNull: TimeNeeds<<R::SqlType as SqlType>::NotNull>,
{
    type Needs = Both<L::Needs, NeedsOf<L::SqlType, R::SqlType, R::Needs>>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        if out.dialect() == Dialect::Mysql {
            let form = <<L::SqlType as SqlType>::NotNull as TimeNeeds<
                <R::SqlType as SqlType>::NotNull,
            >>::MYSQL;
            return mysql(&self.left, &self.right, P, form, out);
        }
        crate::render::operand(&self.left, out);
        out.sql(if P { " + " } else { " - " });
        crate::render::operand(&self.right, out);
    }
}

/// `l ± r` as MySQL writes it.
fn mysql<'a>(
    left: &'a impl Render,
    right: &'a impl Render,
    plus: bool,
    form: MysqlForm,
    out: &mut SqlWriter<'a>,
) {
    let op = if plus { " + " } else { " - " };
    match form {
        MysqlForm::Interval => {
            let Some(interval) = right.bound_value().and_then(|v| v.interval()) else {
                // A cast, a CASE: MySQL has no interval values, so only a bound interval
                // (whose parts are bound one by one) can be written; the rest is refused as
                // the interval values it needs.
                out.lacks_on_mysql(Some("Intervals"));
                return;
            };
            // A NULL interval makes the sum NULL, as on PostgreSQL: each part is NULL.
            const NULL_I32: Option<i32> = None;
            const NULL_I64: Option<i64> = None;
            crate::render::operand(left, out);
            out.sql(op);
            out.sql("INTERVAL ");
            match interval {
                Some(iv) => out.bind_value_as::<Int4, _>(&iv.months),
                None => out.bind_value_as::<Int4, _>(&NULL_I32),
            }
            out.sql(" MONTH");
            out.sql(op);
            out.sql("INTERVAL ");
            match interval {
                Some(iv) => out.bind_value_as::<Int4, _>(&iv.days),
                None => out.bind_value_as::<Int4, _>(&NULL_I32),
            }
            out.sql(" DAY");
            out.sql(op);
            out.sql("INTERVAL ");
            match interval {
                Some(iv) => out.bind_value_as::<Int8, _>(&iv.microseconds),
                None => out.bind_value_as::<Int8, _>(&NULL_I64),
            }
            out.sql(" MICROSECOND");
        }
        MysqlForm::Days => {
            crate::render::operand(left, out);
            out.sql(op);
            out.sql("INTERVAL ");
            crate::render::operand(right, out);
            out.sql(" DAY");
        }
        MysqlForm::DaysBetween => {
            out.sql("DATEDIFF(");
            left.render(out);
            out.sql(", ");
            right.render(out);
            out.sql(")");
        }
        MysqlForm::None => {
            // Not reached: the pair's needs make it a compile error on MySQL.
            out.lacks_on_mysql(Some("Intervals"));
        }
    }
}

super::operand::as_expr_for! { [L, R, const P: bool,] TimeArith<L, R, P>; }
impl<L, R, const P: bool> super::Shown for TimeArith<L, R, P> {
    type As = Self;
    type Wait<X> = X;
}

/// Date and time arithmetic: `plus` / `minus` with PostgreSQL's result types.
pub trait TimeMethods: Expression + Sized {
    /// `self + rhs`: `date + interval` (a timestamp), `date + n` days, `timestamp +
    /// interval`, `timestamptz + interval` (on MySQL PostgreSQL's sum in a session at
    /// UTC), ...
    fn plus<R: IntoOperand>(self, rhs: R) -> TimeArith<Self, R::Expr, true>
    where
        <Self::SqlType as SqlType>::NotNull:
            TimePlus<<<R::Expr as Expression>::SqlType as SqlType>::NotNull>,
    {
        TimeArith {
            left: self,
            right: rhs.into_operand(),
        }
    }
    /// `self - rhs`: `date - interval` (a timestamp), `date - n` days, `date - date`
    /// (days), `timestamp - timestamp` (an interval), ...
    fn minus<R: IntoOperand>(self, rhs: R) -> TimeArith<Self, R::Expr, false>
    where
        <Self::SqlType as SqlType>::NotNull:
            TimeMinus<<<R::Expr as Expression>::SqlType as SqlType>::NotNull>,
    {
        TimeArith {
            left: self,
            right: rhs.into_operand(),
        }
    }
}
impl<E: Expression> TimeMethods for E {}
