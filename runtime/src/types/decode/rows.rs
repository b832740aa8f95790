//! Rows: reading a row's columns in order, and building Rust values (tuples, structs) from
//! them.

use super::*;

/// Where a row decoder reads from: the row as it arrived (borrowed from the connection), the next column index, and the labels
/// (`table.column`) the renderer recorded for the select list.
pub struct RowReader<'r> {
    row: RowData<'r>,
    next: usize,
    labels: &'r [Label],
}

impl<'r> RowReader<'r> {
    /// A reader of `row`, whose selected columns have `labels`.
    #[inline]
    pub(crate) fn new(row: RowData<'r>, labels: &'r [Label]) -> Self {
        RowReader {
            row,
            next: 0,
            labels,
        }
    }

    /// The row as its backend delivered it (for rows kept whole, as [`DynRow`](crate::raw::DynRow)s).
    pub(crate) fn data(&self) -> RowData<'r> {
        self.row
    }

    /// Decodes the next column as `T` loaded from SQL type `ST`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub fn read<T: FromSqlValue<ST>, ST>(&mut self) -> Result<T, Error> {
        let idx = self.next;
        self.next += 1;
        let label = || match self.labels.get(idx) {
            Some(l) => l.to_string(),
            None => self
                .row
                .column_name(idx)
                .unwrap_or_else(|| format!("column {}", idx + 1)),
        };
        let decoded = match self.row.0 {
            Inner::Pg(row) => match row.columns().get(idx) {
                Some(column) => T::decode(column.type_(), row.value(idx)),
                None => Err(DecodeError::MissingColumn),
            },
            #[cfg(feature = "sqlite")]
            Inner::Sqlite(row) => match row.value(idx) {
                Some(value) => T::decode_sqlite(value),
                None => Err(DecodeError::MissingColumn),
            },
            #[cfg(feature = "mysql")]
            Inner::Mysql(row) => match row.value(idx) {
                Some(value) => T::decode_mysql(&value),
                None => Err(DecodeError::MissingColumn),
            },
        };
        decoded.map_err(|source| Error::Decode {
            column: label(),
            source,
        })
    }

    /// Whether the next `n` columns are all NULL (a missing row of an outer join).
    pub fn next_are_null(&self, n: usize) -> bool {
        (self.next..self.next + n).all(|i| self.row.is_null(i))
    }

    /// Skips the next `n` columns.
    pub fn skip(&mut self, n: usize) {
        self.next += n;
    }

    /// Number of columns in the row.
    pub fn len(&self) -> usize {
        self.row.len()
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.row.len() == 0
    }
}

/// Decodes every row of a result into `R`, into a `Vec` allocated once for all of them.
pub(crate) fn decode_rows<R: FromRow<ST>, ST, C: crate::engine::Executor + ?Sized>(
    conn: &mut C,
    statement: &crate::render::Rendered<'_>,
) -> Result<Vec<R>, Error> {
    let mut out = Vec::new();
    let labels = &statement.labels;
    conn.query_each(statement, &mut |row| {
        out.push(R::from_row(&mut RowReader::new(row, labels))?);
        Ok(())
    })?;
    Ok(out)
}

/// A Rust value built from a row whose columns have SQL types `ST`.
///
/// `ST` is a SQL type (one column), a tuple of row types, or `Tagged<S, _>` for a struct `S`
/// that derives [`Row`](crate::Row): such a struct loads only from its own select clause, so
/// its fields always meet the columns of the same name.
#[diagnostic::on_unimplemented(
    message = "cannot load SQL `{ST}` into `{Self}`",
    note = "a struct that derives `Row` loads from its own select clause: `.select(Struct::as_select())`"
)]
pub trait FromRow<ST: ?Sized>: Sized {
    /// Decodes the value from the next columns of `row`.
    fn from_row(row: &mut RowReader<'_>) -> Result<Self, Error>;
}

/// One column loads through [`FromSqlValue`]; one impl per SQL type (not one blanket
/// impl over all), so that a tuple's impl is the only candidate for a tuple and a
/// mismatch is reported at the element that does not fit. `RowOf` gives the type's default
/// Rust type as a whole row (written by `table!` for the enum types it declares).
#[doc(hidden)]
#[macro_export]
macro_rules! __from_row_via_value {
    ($([$($gen:tt)*] $st:ty;)*) => {
        $crate::__from_row_only! { $([$($gen)*] $st;)* }
        $(
            impl<$($gen)*> $crate::types::RowOf for $st
            where
                $st: $crate::types::DefaultRust,
            {
                type Row = <$st as $crate::types::DefaultRust>::Rust;
            }
        )*
    };
}

/// The `FromRow` half of [`__from_row_via_value`]: for the SQL types whose default Rust
/// type comes with a feature (a row of `Date` loads as `time::Date` without chrono).
#[doc(hidden)]
#[macro_export]
macro_rules! __from_row_only {
    ($([$($gen:tt)*] $st:ty;)*) => {$(
        impl<__T: $crate::types::FromSqlValue<$st>, $($gen)*> $crate::types::FromRow<$st> for __T {
            #[cfg_attr(not(debug_assertions), inline(always))]
            fn from_row(
                row: &mut $crate::types::RowReader<'_>,
            ) -> ::core::result::Result<Self, $crate::Error> {
                row.read::<__T, $st>()
            }
        }
    )*};
}

/// `RowOf` of the SQL types whose default Rust type needs feature `$feature`.
macro_rules! row_of_with {
    ($feature:literal: $($st:ty),*) => {$(
        #[cfg(feature = $feature)]
        impl crate::types::RowOf for $st {
            type Row = <$st as crate::types::DefaultRust>::Rust;
        }
    )*};
}

crate::__from_row_via_value! {
    [] Int2; [] Int4; [] Int8; [] Float4; [] Float8; [] Text; [] Bool; [] Interval; [] Bytea;
    [] Inet; [] MacAddr; [] UInt1; [] UInt2; [] UInt4; [] UInt8;
    [ST: SqlType<Nullability = NotNull>] Nullable<ST>; [ST: ArrayElement] Array<ST>;
}
crate::__from_row_only! {
    [] Numeric; [] Date; [] Time; [] Timestamp; [] Timestamptz; [] Uuid; [] Json; [] Jsonb;
}
row_of_with!("rust_decimal": Numeric);
row_of_with!("chrono": Date, Time, Timestamp, Timestamptz);
row_of_with!("uuid": Uuid);
row_of_with!("serde_json": Json, Jsonb);

// `cidr` loads only as `ipnetwork::IpNetwork`.
#[cfg(feature = "ipnetwork")]
crate::__from_row_via_value! { [] Cidr; }

/// The SQL row type of a struct's own select clause: `S` marks whose it is.
pub struct Tagged<S, ST>(PhantomData<(S, ST)>);

/// A row's SQL type and the Rust type it loads into when nothing is annotated.
pub trait RowOf {
    /// The inferred Rust row type.
    type Row: FromRow<Self>;
}

macro_rules! tuple_rows {
    ($(($($t:ident $s:ident),+))*) => {$(
        impl<$($t: FromRow<$s>, $s),+> FromRow<($($s,)+)> for ($($t,)+) {
            #[cfg_attr(not(debug_assertions), inline(always))]
            fn from_row(row: &mut RowReader<'_>) -> Result<Self, Error> {
                Ok(($($t::from_row(row)?,)+))
            }
        }
        impl<$($s: RowOf),+> RowOf for ($($s,)+) {
            type Row = ($($s::Row,)+);
        }
    )*};
}

tuple_rows! {
    (T0 S0)
    (T0 S0, T1 S1)
    (T0 S0, T1 S1, T2 S2)
    (T0 S0, T1 S1, T2 S2, T3 S3)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16, T17 S17)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16, T17 S17, T18 S18)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16, T17 S17, T18 S18, T19 S19)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16, T17 S17, T18 S18, T19 S19, T20 S20)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16, T17 S17, T18 S18, T19 S19, T20 S20, T21 S21)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16, T17 S17, T18 S18, T19 S19, T20 S20, T21 S21, T22 S22)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16, T17 S17, T18 S18, T19 S19, T20 S20, T21 S21, T22 S22, T23 S23)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16, T17 S17, T18 S18, T19 S19, T20 S20, T21 S21, T22 S22, T23 S23, T24 S24)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16, T17 S17, T18 S18, T19 S19, T20 S20, T21 S21, T22 S22, T23 S23, T24 S24, T25 S25)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16, T17 S17, T18 S18, T19 S19, T20 S20, T21 S21, T22 S22, T23 S23, T24 S24, T25 S25, T26 S26)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16, T17 S17, T18 S18, T19 S19, T20 S20, T21 S21, T22 S22, T23 S23, T24 S24, T25 S25, T26 S26, T27 S27)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16, T17 S17, T18 S18, T19 S19, T20 S20, T21 S21, T22 S22, T23 S23, T24 S24, T25 S25, T26 S26, T27 S27, T28 S28)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16, T17 S17, T18 S18, T19 S19, T20 S20, T21 S21, T22 S22, T23 S23, T24 S24, T25 S25, T26 S26, T27 S27, T28 S28, T29 S29)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16, T17 S17, T18 S18, T19 S19, T20 S20, T21 S21, T22 S22, T23 S23, T24 S24, T25 S25, T26 S26, T27 S27, T28 S28, T29 S29, T30 S30)
    (T0 S0, T1 S1, T2 S2, T3 S3, T4 S4, T5 S5, T6 S6, T7 S7, T8 S8, T9 S9, T10 S10, T11 S11, T12 S12, T13 S13, T14 S14, T15 S15, T16 S16, T17 S17, T18 S18, T19 S19, T20 S20, T21 S21, T22 S22, T23 S23, T24 S24, T25 S25, T26 S26, T27 S27, T28 S28, T29 S29, T30 S30, T31 S31)
}
