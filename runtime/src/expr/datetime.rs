//! Date and time functions (`now()`, `current_date`), the fields `extract`, `date_part` and
//! `date_trunc` name, `CAST`, and interval values, with PostgreSQL's result types (the
//! arithmetic is in `time_arith.rs`, the field functions in `date_parts.rs`).

use super::func::*;
use super::Expression;
use crate::backend::needs::{features as lacks, PgOnly};
use crate::check::identity::{ExprKey, NodeOf};
use crate::check::AppearsIn;
use crate::render::{Render, SqlWriter};
use crate::types::*;
use std::marker::PhantomData;

// ---- date and time ------------------------------------------------------------------------

macro_rules! niladic {
    ($($(#[$m:meta])* $fn_name:ident, $name:ident = $sql:literal $([$needs:ty])? => $out:ty;)*) => {$(
        #[doc(hidden)]
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;
        impl NiladicFunction for $name {
            type Needs = niladic!(@needs $($needs)?);
            const SQL: &'static str = $sql;
            type Out = $out;
        }
        $(#[$m])*
        pub fn $fn_name() -> Niladic<$name> {
            Niladic(PhantomData)
        }
    )*};
    (@needs) => { () };
    (@needs $needs:ty) => { $needs };
}

niladic! {
    /// `now()`: the start time of the current transaction, `timestamptz`.
    now, Now = "now()" [PgOnly<lacks::PgFunctions>] => Timestamptz;
    /// `CURRENT_DATE`.
    current_date, CurrentDate = "CURRENT_DATE" => Date;
    /// `CURRENT_TIME` as `time` (the time of day in the session's time zone; PostgreSQL's
    /// `timetz` has no Rust type here).
    current_time, CurrentTime = "CAST(CURRENT_TIME AS time)" [PgOnly<lacks::PgFunctions>] => Time;
    /// `CURRENT_TIMESTAMP`, `timestamptz`.
    current_timestamp, CurrentTimestamp = "CURRENT_TIMESTAMP" => Timestamptz;
    /// `LOCALTIME`, `time`.
    localtime, LocalTime = "LOCALTIME" [PgOnly<lacks::PgFunctions>] => Time;
    /// `LOCALTIMESTAMP`, `timestamp`.
    localtimestamp, LocalTimestamp = "LOCALTIMESTAMP" [PgOnly<lacks::PgFunctions>] => Timestamp;
    /// `CURRENT_USER`.
    current_user, CurrentUser = "CAST(CURRENT_USER AS text)" [PgOnly<lacks::PgFunctions>] => Text;
    /// `SESSION_USER`.
    session_user, SessionUser = "CAST(SESSION_USER AS text)" [PgOnly<lacks::PgFunctions>] => Text;
    /// `random()`: a `double precision` in [0, 1).
    random, Random = "random()" [PgOnly<lacks::PgFunctions>] => Float8;
}

/// The fields `extract` and `date_trunc` name. Written by sqlwright as keywords, never
/// taken from user text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// `century`
    Century,
    /// `day`
    Day,
    /// `decade`
    Decade,
    /// `dow` (day of week, Sunday = 0)
    Dow,
    /// `doy` (day of year)
    Doy,
    /// `epoch` (seconds since 1970-01-01 00:00 UTC)
    Epoch,
    /// `hour`
    Hour,
    /// `isodow` (Monday = 1)
    IsoDow,
    /// `isoyear`
    IsoYear,
    /// `microseconds`
    Microseconds,
    /// `millennium`
    Millennium,
    /// `milliseconds`
    Milliseconds,
    /// `minute`
    Minute,
    /// `month`
    Month,
    /// `quarter`
    Quarter,
    /// `second`
    Second,
    /// `week`
    Week,
    /// `year`
    Year,
}

impl Field {
    /// The field's SQL name.
    pub fn sql(self) -> &'static str {
        match self {
            Field::Century => "century",
            Field::Day => "day",
            Field::Decade => "decade",
            Field::Dow => "dow",
            Field::Doy => "doy",
            Field::Epoch => "epoch",
            Field::Hour => "hour",
            Field::IsoDow => "isodow",
            Field::IsoYear => "isoyear",
            Field::Microseconds => "microseconds",
            Field::Millennium => "millennium",
            Field::Milliseconds => "milliseconds",
            Field::Minute => "minute",
            Field::Month => "month",
            Field::Quarter => "quarter",
            Field::Second => "second",
            Field::Week => "week",
            Field::Year => "year",
        }
    }
}

/// An interval of `n` days, as a bound value.
pub fn days(n: i32) -> super::Bound<Interval, PgInterval> {
    super::Bound::new(PgInterval::new(0, n, 0))
}
/// An interval of `n` months, as a bound value.
pub fn months(n: i32) -> super::Bound<Interval, PgInterval> {
    super::Bound::new(PgInterval::new(n, 0, 0))
}
/// An interval of `n` years, as a bound value.
pub fn years(n: i32) -> super::Bound<Interval, PgInterval> {
    super::Bound::new(PgInterval::new(n.saturating_mul(12), 0, 0))
}

// ---- CAST -----------------------------------------------------------------------------------

/// `CAST(e AS T)`.
pub struct Cast<E, T> {
    expr: E,
    _t: PhantomData<fn() -> T>,
}
impl<E: Clone, T> Clone for Cast<E, T> {
    fn clone(&self) -> Self {
        Cast {
            expr: self.expr.clone(),
            _t: PhantomData,
        }
    }
}
impl<E: Copy, T> Copy for Cast<E, T> {}

/// `CAST(e AS T)`: `e` converted to SQL type `T` (nullable when `e` is). Any SQL type can
/// be named; PostgreSQL reports a conversion it does not know, or a value that does not
/// convert, when the statement runs.
pub fn cast<T: SqlType<Nullability = NotNull>, E: Expression>(e: E) -> Cast<E, T> {
    Cast {
        expr: e,
        _t: PhantomData,
    }
}

impl<E: Expression, T: SqlType<Nullability = NotNull>> Expression for Cast<E, T> {
    type SqlType = NullableAs<E::SqlType, T>;
}
impl<E: AppearsIn<F, I, Lifted: SqlType>, T: SqlType<Nullability = NotNull>, F, I> AppearsIn<F, I>
    for Cast<E, T>
{
    type Lifted = NullableAs<E::Lifted, T>;
}
crate::check::identity::keyed_grouping!([E, T,] Cast<E, T> => E);
impl<E: ExprKey, T> ExprKey for Cast<E, T> {
    type Id = NodeOf<CastNode, (E,)>;
}
impl<E: Render + Expression, T: SqlType> Render for Cast<E, T>
where
    <E::SqlType as SqlType>::NotNull: super::casts::CastTo<T>,
{
    type Needs = crate::backend::needs::Both<
        <<E::SqlType as SqlType>::NotNull as super::casts::CastTo<T>>::Needs,
        E::Needs,
    >;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        if T::UNSIGNED {
            return super::casts::render_unsigned::<E::SqlType, T>(&self.expr, out);
        }
        out.sql("CAST(");
        self.expr.render(out);
        out.sql(" AS ");
        match T::ENUM {
            // A declared enum type's name is an identifier of the program's, quoted.
            Some(e) => {
                out.ident(e.sql_name);
                if T::NAME.ends_with("[]") {
                    out.sql("[]");
                }
            }
            None if out.dialect() == crate::backend::Dialect::Mysql => {
                out.sql(crate::render::mysql_cast_type(T::NAME))
            }
            None => out.sql(T::NAME),
        }
        out.sql(")");
    }
    fn is_atomic(&self) -> bool {
        true
    }
}

crate::__impl_operators!([E: Expression, T: SqlType<Nullability = NotNull>,] Cast<E, T>);
as_expr_for! { [E, T,] Cast<E, T>; }

crate::check::identity::name_ids! {
    CastNode = cast;
}
