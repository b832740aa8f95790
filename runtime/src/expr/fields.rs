//! Fields of [`extract`](super::extract) named by their type, so that the query's type says
//! which field it reads: MySQL's `EXTRACT` gives PostgreSQL's numbers for these six from a
//! `date`, `time` or `timestamp`, and they compile for MySQL
//! ([`DateParts`](crate::backend::needs::features::DateParts)). A [`Field`] value is chosen
//! at run time and may be any field, so it stays PostgreSQL's
//! ([`DateFunctions`](crate::backend::needs::features::DateFunctions)), as do the fields
//! MySQL computes differently (`second` has no fraction there, `week` is not ISO's, `dow`
//! counts from 1, `epoch` is `UNIX_TIMESTAMP`'s, and the rest are missing).
//!
//! ```
//! use sqlwright::dsl::{current_date, extract, fields, Field};
//! let year = extract(fields::Year, current_date()); // PostgreSQL and MySQL
//! let week = extract(Field::Week, current_date()); // PostgreSQL only
//! # let _ = (year, week);
//! ```

use super::datetime::Field;
use super::signatures::HasFields;
use crate::backend::needs::{features, Needs, PgOnly};

/// The field argument of [`extract`](super::extract): a [`Field`] chosen at run time, or
/// one of this module's types.
pub trait ExtractField: Copy {
    /// The field.
    fn field(self) -> Field;
    /// What extracting it from a value of SQL type `T` needs of the backend.
    type NeedsOn<T: HasFields>: Needs;
}

impl ExtractField for Field {
    fn field(self) -> Field {
        self
    }
    type NeedsOn<T: HasFields> = PgOnly<features::DateFunctions>;
}

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
}

/// What reading one of this module's fields from SQL type `T` needs: `DateParts` from a
/// `date`, `time` or `timestamp`; PostgreSQL's `DateFunctions` from a `timestamptz` (its
/// fields follow the session's time zone) or an `interval`.
pub type PartsOf<T> = <T as HasFields>::Parts;

pub(super) type ExactParts = PgOnly<features::DateParts>;
pub(super) type PgParts = PgOnly<features::DateFunctions>;
