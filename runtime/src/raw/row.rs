//! Rows of hand-written SQL, read by column name or position.

use super::*;

/// A row of hand-written SQL: columns by name or position, each converted with a typed
/// error when it does not fit.
pub struct DynRow(pub(crate) OwnedRow);

impl fmt::Debug for DynRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (i, column) in self.0.columns().iter().enumerate() {
            let raw = self.0.raw().value(i);
            let shown = match raw {
                None => Ok(Shown("NULL".into())),
                Some(bytes) => Shown::from_sql(column.type_(), bytes),
            }
            .map_or_else(|_| "?".to_string(), |s| s.0);
            map.entry(&column.name(), &format_args!("{shown}"));
        }
        map.finish()
    }
}

/// A value's text for `Debug` output, when its type has a simple one.
struct Shown(String);
impl<'a> FromSql<'a> for Shown {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        let text = match *ty {
            Type::INT2 => i16::from_sql(ty, raw)?.to_string(),
            Type::INT4 => i32::from_sql(ty, raw)?.to_string(),
            Type::INT8 => i64::from_sql(ty, raw)?.to_string(),
            Type::FLOAT4 => f32::from_sql(ty, raw)?.to_string(),
            Type::FLOAT8 => f64::from_sql(ty, raw)?.to_string(),
            Type::BOOL => bool::from_sql(ty, raw)?.to_string(),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
                format!("{:?}", <&str>::from_sql(ty, raw)?)
            }
            _ => format!("<{}>", ty.name()),
        };
        Ok(Shown(text))
    }
    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Shown("NULL".into()))
    }
    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A column of a [`DynRow`]: its name (`&str`) or 0-based position (`usize`).
pub trait ColumnKey: fmt::Display {
    /// The column's position among columns called `names`.
    fn position<'n>(&self, names: impl ExactSizeIterator<Item = &'n str>) -> Option<usize>;
}

impl ColumnKey for &str {
    fn position<'n>(&self, mut names: impl ExactSizeIterator<Item = &'n str>) -> Option<usize> {
        names.position(|name| name == *self)
    }
}

impl ColumnKey for usize {
    fn position<'n>(&self, names: impl ExactSizeIterator<Item = &'n str>) -> Option<usize> {
        (*self < names.len()).then_some(*self)
    }
}

/// The names of a PostgreSQL row's columns.
fn names(row: &OwnedRow) -> impl ExactSizeIterator<Item = &str> {
    row.columns().iter().map(|c| c.name())
}

impl DynRow {
    pub(crate) fn new(row: OwnedRow) -> Self {
        DynRow(row)
    }

    /// The column names, in order (SQLAlchemy's `keys()`).
    pub fn keys(&self) -> Vec<&str> {
        self.0.columns().iter().map(|c| c.name()).collect()
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The SQL type name of a column (`int4`, `text`), if it exists.
    pub fn sql_type(&self, key: impl ColumnKey) -> Option<&str> {
        key.position(names(&self.0))
            .map(|i| self.0.columns()[i].type_().name())
    }

    /// A column's value as `T`: an error names the column when there is no such column,
    /// when its SQL type does not load into `T`, or when it is NULL and `T` is not an
    /// `Option`.
    pub fn get<T: for<'r> FromSql<'r>>(&self, key: impl ColumnKey) -> Result<T, Error> {
        let rust = std::any::type_name::<T>();
        let Some(i) = key.position(names(&self.0)) else {
            return Err(Error::Decode {
                column: key.to_string(),
                source: DecodeError::MissingColumn,
            });
        };
        let column = &self.0.columns()[i];
        let label = || column.name().to_string();
        if !T::accepts(column.type_()) {
            return Err(Error::Decode {
                column: label(),
                source: DecodeError::WrongType {
                    rust,
                    sql: column.type_().name().to_string(),
                },
            });
        }
        let value = self.0.raw().value(i);
        if let Some(bytes) = value {
            crate::types::guard::check(
                column.type_(),
                bytes,
                crate::types::guard::Exact::of::<T>(),
            )
            .map_err(|reason| Error::Decode {
                column: label(),
                source: DecodeError::Invalid { rust, reason },
            })?;
        }
        let decoded = match value {
            Some(bytes) => T::from_sql(column.type_(), bytes),
            None => T::from_sql_null(column.type_()),
        };
        decoded.map_err(|e| Error::Decode {
            column: label(),
            source: if e.is::<postgres_types::WasNull>() && value.is_none() {
                DecodeError::UnexpectedNull { rust }
            } else if e.is::<postgres_types::WasNull>() {
                // The value is there: one of its elements is NULL.
                DecodeError::Invalid {
                    rust,
                    reason: "an element is NULL; load the array into a Vec of Option".into(),
                }
            } else {
                DecodeError::Invalid {
                    rust,
                    reason: e.to_string(),
                }
            },
        })
    }

    /// The row underneath.
    pub fn into_inner(self) -> OwnedRow {
        self.0
    }
}

/// A struct filled from a [`DynRow`] by column name: `#[derive(RawRow)]`.
pub trait FromDynRow: Sized {
    /// Reads each field from the column of its name.
    fn from_dyn_row(row: &DynRow) -> Result<Self, Error>;
}

/// Every struct that fills from a PostgreSQL row (`#[derive(RawRow)]` with fields
/// PostgreSQL's rows read).
impl<T: FromRawRow<DynRow>> FromDynRow for T {
    fn from_dyn_row(row: &DynRow) -> Result<Self, Error> {
        T::from_raw_row(row)
    }
}

/// A row of hand-written SQL that reads a column, by name, as `T`: [`DynRow`] on
/// PostgreSQL, [`MysqlDynRow`](super::MysqlDynRow) on MySQL,
/// [`SqliteDynRow`](super::SqliteDynRow) on SQLite. What `#[derive(RawRow)]` reads each
/// field with.
#[diagnostic::on_unimplemented(
    message = "a field of type `{T}` cannot be read from a `{Self}`",
    note = "give the field a type this backend's rows load (i32, i64, f64, bool, String, ...), or an Option of one"
)]
pub trait GetColumn<T> {
    /// The column's value as `T`, with the errors of the row's `get`.
    fn get_column(&self, column: &str) -> Result<T, Error>;
}

#[diagnostic::do_not_recommend]
impl<T: for<'r> FromSql<'r>> GetColumn<T> for DynRow {
    fn get_column(&self, column: &str) -> Result<T, Error> {
        self.get(column)
    }
}

/// A struct filled from a row `R` of hand-written SQL by column name, on whichever backend
/// the row comes from: `#[derive(RawRow)]` implements it for every row type whose
/// [`GetColumn`] reads each field (dynamic statements' `load_as`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be loaded from a `{R}`: a field has a type these rows do not read",
    note = "`#[derive(RawRow)]` reads each field with `GetColumn`; give every field a type this backend loads (i32, i64, f64, bool, String, ...), or an Option of one"
)]
pub trait FromRawRow<R>: Sized {
    /// Reads each field from the column of its name.
    fn from_raw_row(row: &R) -> Result<Self, Error>;
}
