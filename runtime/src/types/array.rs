//! PostgreSQL's binary array format, read without trusting its counts: every count is
//! checked against the bytes actually present before anything is allocated, so a header
//! claiming 2^31 elements is an error, not a 48 GiB allocation.
//!
//! The format (PostgreSQL's `array_send`): `ndim` (i32), flags (i32: 1 when the array
//! holds NULLs), the element type's OID (u32), then for each dimension its length and
//! lower bound (i32 each), then every element as its length in bytes (i32, -1 for NULL)
//! followed by those bytes.

/// PostgreSQL's `MAXDIM`: arrays have at most this many dimensions.
const MAX_DIMENSIONS: usize = 6;

/// An array value whose header was read and checked; its elements are read one by one.
#[derive(Debug)]
pub(crate) struct RawArray<'a> {
    /// The element type's OID, as the array names it.
    pub(crate) element: u32,
    /// Length and lower bound of each dimension (the first `ndim` entries).
    dims: [(i32, i32); MAX_DIMENSIONS],
    ndim: usize,
    /// The number of elements: the product of the dimensions' lengths.
    pub(crate) count: usize,
    /// The bytes after the header: the elements.
    body: &'a [u8],
}

fn read_i32(bytes: &[u8], at: usize) -> Option<i32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

impl<'a> RawArray<'a> {
    /// Reads and checks the header of `raw`. Errors say what is wrong, for
    /// [`DecodeError::Invalid`](crate::engine::DecodeError::Invalid).
    pub(crate) fn parse(raw: &'a [u8]) -> Result<Self, String> {
        let (Some(ndim), Some(flags), Some(element)) =
            (read_i32(raw, 0), read_i32(raw, 4), read_i32(raw, 8))
        else {
            return Err(format!(
                "an array value starts with a 12-byte header, but only {} bytes came",
                raw.len()
            ));
        };
        let element = element as u32;
        let ndim = usize::try_from(ndim)
            .ok()
            .filter(|&n| n <= MAX_DIMENSIONS)
            .ok_or_else(|| {
                format!(
                    "the array claims {ndim} dimensions (PostgreSQL arrays have 0 to {MAX_DIMENSIONS})"
                )
            })?;
        if flags != 0 && flags != 1 {
            return Err(format!("the array's flags are {flags}, not 0 or 1"));
        }
        let header = 12 + 8 * ndim;
        if raw.len() < header {
            return Err(format!(
                "the array's header claims {ndim} dimensions ({header} bytes), but only {} bytes came",
                raw.len()
            ));
        }
        let mut dims = [(0, 0); MAX_DIMENSIONS];
        let mut count: usize = if ndim == 0 { 0 } else { 1 };
        for (d, dim) in dims.iter_mut().enumerate().take(ndim) {
            let at = 12 + 8 * d;
            let (Some(len), Some(lower)) = (read_i32(raw, at), read_i32(raw, at + 4)) else {
                return Err(format!("the array ends inside dimension {}", d + 1));
            };
            let Ok(n) = usize::try_from(len) else {
                return Err(format!("dimension {} of the array has length {len}", d + 1));
            };
            if lower.checked_add(len).is_none() {
                return Err(format!(
                    "dimension {} of the array runs past the largest index (lower bound {lower}, length {len})",
                    d + 1
                ));
            }
            count = count.checked_mul(n).ok_or_else(|| {
                "the array's dimensions multiply to more elements than can be counted".to_string()
            })?;
            *dim = (len, lower);
        }
        let body = &raw[header..];
        // Each element takes at least its 4-byte length: a count the bytes cannot hold is
        // refused here, before any allocation sized by it.
        if count > body.len() / 4 {
            return Err(format!(
                "the array claims {count} elements, but only {} bytes follow its header (each element takes at least 4)",
                body.len()
            ));
        }
        Ok(RawArray {
            element,
            dims,
            ndim,
            count,
            body,
        })
    }

    /// The length and lower bound of each dimension.
    pub(crate) fn dimensions(&self) -> &[(i32, i32)] {
        &self.dims[..self.ndim]
    }

    /// The elements in order (`None` is NULL), then an error if bytes are left over.
    pub(crate) fn elements(&self) -> Elements<'a> {
        Elements {
            rest: self.body,
            left: self.count,
        }
    }
}

/// The elements of a [`RawArray`].
#[derive(Debug)]
pub(crate) struct Elements<'a> {
    rest: &'a [u8],
    left: usize,
}

impl<'a> Iterator for Elements<'a> {
    type Item = Result<Option<&'a [u8]>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            if self.rest.is_empty() {
                return None;
            }
            let extra = self.rest.len();
            self.rest = &[];
            return Some(Err(format!(
                "{extra} bytes follow the array's last element"
            )));
        }
        self.left -= 1;
        let Some(len) = read_i32(self.rest, 0) else {
            self.left = 0;
            self.rest = &[];
            return Some(Err("the array ends inside an element's length".into()));
        };
        self.rest = &self.rest[4..];
        if len == -1 {
            return Some(Ok(None));
        }
        let fits = usize::try_from(len).ok().filter(|&n| n <= self.rest.len());
        let Some(n) = fits else {
            let reason = if len < 0 {
                format!("an array element has length {len}")
            } else {
                format!(
                    "an array element claims {len} bytes, but only {} are left",
                    self.rest.len()
                )
            };
            self.left = 0;
            self.rest = &[];
            return Some(Err(reason));
        };
        let (value, rest) = self.rest.split_at(n);
        self.rest = rest;
        Some(Ok(Some(value)))
    }
}
