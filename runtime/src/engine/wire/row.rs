//! Rows and statement descriptions as the protocol delivers them.

use postgres_types::Type;
use std::sync::Arc;

/// A result column: its name and type.
#[derive(Debug, Clone)]
pub struct Column {
    name: String,
    ty: Type,
}

impl Column {
    pub(crate) fn new(name: String, ty: Type) -> Self {
        Column { name, ty }
    }

    /// The column's name as the server gave it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The column's SQL type.
    pub fn type_(&self) -> &Type {
        &self.ty
    }
}

/// A prepared statement on one connection.
#[derive(Debug, Clone)]
pub(crate) struct Statement {
    pub(crate) name: Arc<str>,
    pub(crate) params: Arc<[Type]>,
    pub(crate) columns: Arc<[Column]>,
    /// The server described a result (RowDescription, possibly of zero columns), rather
    /// than NoData (UPDATE without RETURNING, DDL, SET, ...).
    pub(crate) returns_rows: bool,
}

/// Where one value lies in a row's bytes: `len` is -1 for NULL.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    start: u32,
    len: i32,
}

impl Span {
    /// A value of `len` bytes (-1: NULL) at `start`.
    pub(crate) fn new(start: usize, len: i32) -> Self {
        Span {
            start: start as u32,
            len,
        }
    }
}

/// A row as it arrived, borrowed from the read buffer: column descriptions and each
/// value's bytes (binary format).
#[derive(Clone, Copy)]
pub struct RowRef<'r> {
    columns: &'r Arc<[Column]>,
    buf: &'r [u8],
    spans: &'r [Span],
}

impl<'r> RowRef<'r> {
    pub(crate) fn new(columns: &'r Arc<[Column]>, buf: &'r [u8], spans: &'r [Span]) -> Self {
        RowRef {
            columns,
            buf,
            spans,
        }
    }

    /// The number of values.
    #[inline]
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the row has no values.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The columns.
    #[inline]
    pub fn columns(&self) -> &'r [Column] {
        self.columns
    }

    /// The bytes of value `idx` (`None` for NULL, or when there is no such value).
    #[inline]
    pub fn value(&self, idx: usize) -> Option<&'r [u8]> {
        let span = self.spans.get(idx)?;
        if span.len < 0 {
            return None;
        }
        let start = span.start as usize;
        self.buf.get(start..start + span.len as usize)
    }

    /// Copies the row out of the read buffer.
    pub fn to_row(&self) -> OwnedRow {
        OwnedRow {
            columns: Arc::clone(self.columns),
            buf: self.buf.to_vec(),
            spans: self.spans.to_vec(),
        }
    }
}

/// A row owned by the caller (see [`RowRef`] for one borrowed from the connection).
#[derive(Clone)]
pub struct OwnedRow {
    columns: Arc<[Column]>,
    buf: Vec<u8>,
    spans: Vec<Span>,
}

impl std::fmt::Debug for OwnedRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnedRow")
            .field("columns", &self.columns.len())
            .finish_non_exhaustive()
    }
}

impl OwnedRow {
    /// The row as a borrowed view.
    #[inline]
    pub fn raw(&self) -> RowRef<'_> {
        RowRef::new(&self.columns, &self.buf, &self.spans)
    }

    /// The columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether the row has no values.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}
