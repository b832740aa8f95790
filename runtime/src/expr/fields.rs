//! Fields of [`extract`](super::extract), [`date_part`](super::date_part) and
//! [`date_trunc`](super::date_trunc) named by their type, so that the query's type says which
//! field it reads. A [`Field`] value is chosen at run time instead. Both compile for MySQL
//! and MariaDB when the value is a `date`, `time`, `timestamp` or `timestamptz`: sqlwright
//! writes each field as a MySQL expression that gives PostgreSQL's value and type
//! ([`DateParts`](crate::backend::needs::features::DateParts),
//! [`DateTrunc`](crate::backend::needs::features::DateTrunc); a `timestamptz` as PostgreSQL
//! gives it in a session whose time zone is UTC, which every MySQL session of sqlwright's
//! is). A field PostgreSQL has no value of for the type (`extract(year from time)`,
//! `date_trunc('dow', ..)`) is its error on PostgreSQL, and refused before anything is sent
//! on MySQL. An `interval` has its fields on PostgreSQL only (an interval value needs
//! [`Intervals`](crate::backend::needs::features::Intervals), which MySQL lacks).
//!
//! ```
//! use sqlwright::dsl::{current_date, date_trunc, extract, fields, Field};
//! let year = extract(fields::Year, current_date()); // PostgreSQL and MySQL
//! let week = extract(Field::Week, current_date()); // the same, chosen at run time
//! let month = date_trunc(fields::Month, current_date()); // a `timestamptz`
//! # let _ = (year, week, month);
//! ```

use super::datetime::Field;
use super::signatures::HasFields;
use crate::backend::needs::{features, Needs, PgOnly};

/// The field argument of [`extract`](super::extract), [`date_part`](super::date_part) and
/// [`date_trunc`](super::date_trunc): a [`Field`] chosen at run time, or one of this
/// module's types.
pub trait ExtractField: Copy {
    /// The field.
    fn field(self) -> Field;
    /// What extracting it from a value of SQL type `T` needs of the backend.
    type NeedsOn<T: HasFields>: Needs;
}

impl ExtractField for Field {
    #[inline]
    fn field(self) -> Field {
        self
    }
    type NeedsOn<T: HasFields> = T::Parts;
}

/// A field [`date_trunc`](super::date_trunc) truncates to: `microseconds` to `millennium`
/// (not `dow`, `isodow`, `doy`, `isoyear` or `epoch`, which are no unit of time). A
/// [`Field`] value may be any field; PostgreSQL refuses the others when the statement runs,
/// and MySQL before it is sent.
#[diagnostic::on_unimplemented(
    message = "`date_trunc` has no field `{Self}`",
    label = "not a unit `date_trunc` truncates to",
    note = "`date_trunc` takes `fields::Microseconds`, `Milliseconds`, `Second`, `Minute`, `Hour`, \
            `Day`, `Week`, `Month`, `Quarter`, `Year`, `Decade`, `Century` or `Millennium`"
)]
pub trait TruncField: ExtractField {}

/// The fields [`TruncField`] is written for (a blanket impl, so that an error about a
/// field lists no others: the note names them).
#[doc(hidden)]
pub trait Unit: ExtractField {}

#[diagnostic::do_not_recommend]
impl<K: Unit> TruncField for K {}

impl Unit for Field {}

macro_rules! fields {
    ($($(#[$m:meta])* $name:ident = $field:ident;)*) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct $name;
        impl ExtractField for $name {
            #[inline]
            fn field(self) -> Field {
                Field::$field
            }
            type NeedsOn<T: HasFields> = T::Parts;
        }
    )*};
}

macro_rules! units {
    ($($name:ident),*) => {$(
        impl Unit for $name {}
    )*};
}

fields! {
    /// `year`.
    Year = Year;
    /// `quarter` (1 to 4).
    Quarter = Quarter;
    /// `month` (1 to 12).
    Month = Month;
    /// `day` of the month.
    Day = Day;
    /// `hour` (0 to 23).
    Hour = Hour;
    /// `minute` (0 to 59).
    Minute = Minute;
    /// `second`, with its fraction (0 to 59.999999).
    Second = Second;
    /// `milliseconds`: the seconds times 1000, with the fraction.
    Milliseconds = Milliseconds;
    /// `microseconds`: the seconds times 1000000.
    Microseconds = Microseconds;
    /// `dow`: the day of the week, Sunday = 0.
    Dow = Dow;
    /// `isodow`: the day of the week, Monday = 1 to Sunday = 7.
    IsoDow = IsoDow;
    /// `doy`: the day of the year (1 to 366).
    Doy = Doy;
    /// `week`: the ISO 8601 week (weeks begin on Monday; week 1 holds the year's first
    /// Thursday).
    Week = Week;
    /// `isoyear`: the ISO 8601 year the week belongs to.
    IsoYear = IsoYear;
    /// `epoch`: seconds since 1970-01-01 00:00 (a `timestamp` read as UTC).
    Epoch = Epoch;
    /// `decade`: the year divided by 10.
    Decade = Decade;
    /// `century` (2000 is in the 20th, 2001 in the 21st).
    Century = Century;
    /// `millennium` (2000 is in the 2nd, 2001 in the 3rd).
    Millennium = Millennium;
}

units!(
    Microseconds,
    Milliseconds,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
    Millennium
);

/// What reading one of these fields from SQL type `T` needs: `DateParts` from a `date`,
/// `time`, `timestamp` or `timestamptz`; nothing more from an `interval`, whose own
/// `Intervals` already keeps the call PostgreSQL's (one error, naming that).
pub type PartsOf<T> = <T as HasFields>::Parts;

pub(super) type ExactParts = PgOnly<features::DateParts>;
pub(super) type ExactTrunc = PgOnly<features::DateTrunc>;
pub(super) type IntervalParts = ();
