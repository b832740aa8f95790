//! COPY FROM STDIN on an async connection: the rows come from a `futures::Stream`, and
//! each is checked and encoded by the blocking path's code ([`CopyPlan`]).

use super::{CopyIn, CopyPlan, CopyRow};
use crate::backend::Postgres;
use crate::engine::runner::{Async, BoxFuture, Runner};
use crate::engine::{CopyFeed, CopySink, Error};
use crate::query::Table;
use futures_core::Stream;
use std::pin::Pin;

impl<'p, T: Table> CopyIn<'p, T> {
    /// Sends the rows of `rows`, a `futures::Stream`, in one `COPY` on an async connection,
    /// and returns how many were stored: [`rows`](Self::rows) for streams, with the same
    /// checks, errors and progress reports. No rows send nothing. (A `Vec` of rows is
    /// `futures::stream::iter(rows)`.)
    pub fn stream_rows<'c, R, I, S, C>(
        mut self,
        rows: S,
        conn: &'c mut C,
    ) -> BoxFuture<'c, Result<u64, Error>>
    where
        R: CopyRow<T, I> + Send + 'c,
        S: Stream<Item = R> + Send + 'c,
        C: Runner<Backend = Postgres, Mode = Async> + ?Sized,
        T: Send + 'c,
        I: 'c,
        'p: 'c,
    {
        let conn = conn.__connection();
        Box::pin(async move {
            let mut rows = Box::pin(rows);
            let Some(first) = next(rows.as_mut()).await else {
                if let Some(f) = &mut self.progress {
                    f(0);
                }
                return Ok(0);
            };
            let plan = CopyPlan::new::<T, I, R>(&first)?;
            let sql = plan.sql.clone();
            let feed = Feed {
                plan,
                first: Some(first),
                rows,
                n: 0,
                every: self.every,
                reported: None,
                progress: self.progress.take(),
                _marker: std::marker::PhantomData,
            };
            conn.copy_in_io(&sql, feed).await
        })
    }
}

/// The next item of a stream.
async fn next<S: Stream + ?Sized>(mut rows: Pin<&mut S>) -> Option<S::Item> {
    std::future::poll_fn(|cx| rows.as_mut().poll_next(cx)).await
}

/// A stream's rows fed to the COPY, with the progress reports of the blocking path.
struct Feed<'p, T, I, R, S> {
    plan: CopyPlan,
    first: Option<R>,
    rows: Pin<Box<S>>,
    n: u64,
    every: u64,
    /// The count last reported: the total is reported at the end unless it just was.
    reported: Option<u64>,
    progress: Option<Box<dyn FnMut(u64) + Send + 'p>>,
    _marker: std::marker::PhantomData<fn() -> (T, I)>,
}

impl<T, I, R: CopyRow<T, I> + Send, S: Stream<Item = R> + Send> CopyFeed for Feed<'_, T, I, R, S> {
    async fn next_row(&mut self, sink: &mut CopySink<'_>) -> Result<bool, Error> {
        let row = match self.first.take() {
            Some(row) => row,
            // The server refused a row already: pulling more rows from the caller's
            // stream would only produce data it drops.
            None if sink.refused() => return Ok(false),
            None => match next(self.rows.as_mut()).await {
                Some(row) => row,
                None => return Ok(false),
            },
        };
        self.n += 1;
        let n = self.n;
        let plan = &self.plan;
        row.with_values(false, |r| {
            plan.write(n, r, |params, types| sink.encode(params, types))
        })?;
        if let Some(f) = self
            .progress
            .as_mut()
            .filter(|_| n.is_multiple_of(self.every))
        {
            f(n);
            self.reported = Some(n);
        }
        Ok(true)
    }

    fn finished(&mut self, stored: Result<u64, Error>) -> Result<u64, Error> {
        let stored = stored.map_err(|error| self.plan.finished(error))?;
        if let Some(f) = self
            .progress
            .as_mut()
            .filter(|_| self.reported != Some(stored))
        {
            f(stored);
        }
        Ok(stored)
    }
}
