//! Reading a query's rows as they arrive, one at a time or in batches, without holding
//! them all in memory.

use crate::engine::{Error, RowRef, RowStream};
use crate::render::Label;
use std::fmt;

/// Decodes one row of a stream.
pub trait DecodeRow<R> {
    /// Decodes `row`; `labels` name the selected columns for errors.
    fn decode(&mut self, row: RowRef<'_>, labels: &[Label]) -> Result<R, Error>;
}

impl<R, F: FnMut(RowRef<'_>, &[Label]) -> Result<R, Error>> DecodeRow<R> for F {
    #[inline]
    fn decode(&mut self, row: RowRef<'_>, labels: &[Label]) -> Result<R, Error> {
        self(row, labels)
    }
}

/// The rows of a query, decoded one at a time as the server sends them. Memory stays
/// bounded: the connection reads the socket only as far as the rows asked for. Stops after the
/// first error.
pub struct Rows<'c, R, F> {
    stream: RowStream<'c>,
    decode: F,
    done: bool,
    _row: std::marker::PhantomData<fn() -> R>,
}

impl<R, F> fmt::Debug for Rows<'_, R, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rows")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<'c, R, F: DecodeRow<R>> Rows<'c, R, F> {
    pub(crate) fn new(stream: RowStream<'c>, decode: F) -> Self {
        Rows {
            stream,
            decode,
            done: false,
            _row: std::marker::PhantomData,
        }
    }

    /// Up to `n` rows at a time (SQLAlchemy's `fetchmany(n)`); `n` of 0 is taken as 1.
    pub fn batches(self, n: usize) -> Batches<'c, R, F> {
        Batches {
            rows: self,
            n: n.max(1),
        }
    }

    /// The next `n` rows (fewer at the end, none after it).
    pub fn fetch_many(&mut self, n: usize) -> Result<Vec<R>, Error> {
        let mut out = Vec::with_capacity(n.min(1024));
        while out.len() < n {
            match self.next() {
                Some(row) => out.push(row?),
                None => break,
            }
        }
        Ok(out)
    }
}

impl<R, F: DecodeRow<R>> Iterator for Rows<'_, R, F> {
    type Item = Result<R, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let decode = &mut self.decode;
        let item = self
            .stream
            .next_with(|row, labels| decode.decode(row, labels));
        if !matches!(item, Some(Ok(_))) {
            self.done = true;
        }
        item
    }
}

/// A query's rows in batches of up to `n`: see [`Rows::batches`].
pub struct Batches<'c, R, F> {
    rows: Rows<'c, R, F>,
    n: usize,
}

impl<R, F> fmt::Debug for Batches<'_, R, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batches")
            .field("n", &self.n)
            .finish_non_exhaustive()
    }
}

impl<'c, R, F: DecodeRow<R>> Batches<'c, R, F> {
    pub(crate) fn new(stream: RowStream<'c>, n: usize, decode: F) -> Self {
        Rows::new(stream, decode).batches(n)
    }
}

impl<R, F: DecodeRow<R>> Iterator for Batches<'_, R, F> {
    type Item = Result<Vec<R>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.rows.fetch_many(self.n) {
            Ok(batch) if batch.is_empty() => None,
            other => Some(other),
        }
    }
}

/// Long reads with a progress hook: `.on_progress(every, f)` on [`Rows`],
/// [`CopyRows`](crate::copy::CopyRows) or any iterator of `Result<row, Error>`.
pub trait WithProgress: Iterator + Sized {
    /// Calls `f` with the number of rows read so far every `every` rows, and at the end with
    /// the total (once: not again when the last call already gave it).
    fn on_progress<F: FnMut(u64)>(self, every: u64, f: F) -> Progress<Self, F> {
        Progress {
            inner: self,
            every: every.max(1),
            seen: 0,
            f,
            finished: false,
        }
    }
}

impl<R, I: Iterator<Item = Result<R, Error>>> WithProgress for I {}

/// An iterator that reports progress; see [`WithProgress::on_progress`].
pub struct Progress<I, F> {
    inner: I,
    every: u64,
    seen: u64,
    f: F,
    finished: bool,
}

impl<I, F> fmt::Debug for Progress<I, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Progress")
            .field("seen", &self.seen)
            .finish_non_exhaustive()
    }
}

impl<R, I: Iterator<Item = Result<R, Error>>, F: FnMut(u64)> Iterator for Progress<I, F> {
    type Item = Result<R, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.inner.next();
        match &item {
            Some(Ok(_)) => {
                self.seen += 1;
                if self.seen.is_multiple_of(self.every) {
                    (self.f)(self.seen);
                }
            }
            None if !self.finished => {
                self.finished = true;
                // The total, unless the last report was it already (a multiple of `every`).
                if self.seen == 0 || !self.seen.is_multiple_of(self.every) {
                    (self.f)(self.seen);
                }
            }
            _ => {}
        }
        item
    }
}
