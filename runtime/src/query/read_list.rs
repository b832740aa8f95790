//! The machinery of pipelined reads: one read (a query, how it writes itself, how its rows
//! decode and what they become), lists of reads (of one type, or a tuple of up to eight),
//! and their run in both modes through one pipeline (see `engine/pipeline.rs`).

use super::batch::too_large;
use super::Batch;
use crate::backend::Postgres;
use crate::engine::runner::{Blocking, Work};
use crate::engine::{Connection, Error, PipeSink, Piping};
use crate::render::{Rendered, SqlWriter};
use crate::types::{FromRow, RowReader};
use std::marker::PhantomData;

/// Writes a query, with `LIMIT limit` when given.
pub(crate) type WriteRead<Q> = for<'q> fn(&'q Q, Option<&'q i64>, &mut SqlWriter<'q>);

/// One read of a pipeline: the query, the LIMIT its run adds, how it writes itself, and
/// what its rows (decoded as `R` from SQL type `ST`) become.
#[doc(hidden)]
pub struct Read<Q, R, ST, T> {
    query: Q,
    limit: Option<i64>,
    write: WriteRead<Q>,
    finish: fn(Vec<R>, u64) -> Result<T, Error>,
    _types: PhantomData<fn() -> ST>,
}

impl<Q, R, ST, T> Read<Q, R, ST, T> {
    pub(crate) fn new(
        query: Q,
        limit: Option<i64>,
        write: WriteRead<Q>,
        finish: fn(Vec<R>, u64) -> Result<T, Error>,
    ) -> Self {
        Read {
            query,
            limit,
            write,
            finish,
            _types: PhantomData,
        }
    }
}

/// One read of a pipeline, its types hidden behind associated types.
#[doc(hidden)]
pub trait PipedRead {
    /// One decoded row.
    type Row;
    /// What the rows become.
    type Output;
    /// The statement, rendered for `conn`.
    fn render<'s, B: crate::backend::Backend>(&'s self, conn: &mut Connection<B>) -> Rendered<'s>;
    /// Decodes one row.
    fn decode(row: &mut RowReader<'_>) -> Result<Self::Row, Error>;
    /// What the rows (and the row count) become.
    fn finish(&self, rows: Vec<Self::Row>, count: u64) -> Result<Self::Output, Error>;
}

impl<Q, R: FromRow<ST>, ST, T> PipedRead for Read<Q, R, ST, T> {
    type Row = R;
    type Output = T;
    fn render<'s, B: crate::backend::Backend>(&'s self, conn: &mut Connection<B>) -> Rendered<'s> {
        crate::render::render_for(conn, &mut |out| {
            (self.write)(&self.query, self.limit.as_ref(), out);
        })
    }
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn decode(row: &mut RowReader<'_>) -> Result<R, Error> {
        R::from_row(row)
    }
    fn finish(&self, rows: Vec<R>, count: u64) -> Result<T, Error> {
        (self.finish)(rows, count)
    }
}

/// The reads of one pipeline, and where their rows go until they are finished.
#[doc(hidden)]
pub trait ReadList {
    /// The rows of every read, as they are decoded.
    type Rows;
    /// What the reads give.
    type Output;
    /// How many reads.
    fn count(&self) -> usize;
    /// The statements, rendered for `conn`.
    fn render<'s>(&'s self, conn: &mut Connection) -> Vec<Rendered<'s>>;
    /// Statement `index`, rendered for `conn` (`None` past the last).
    fn render_at<'s, B: crate::backend::Backend>(
        &'s self,
        index: usize,
        conn: &mut Connection<B>,
    ) -> Option<Rendered<'s>>;
    /// Nothing read yet.
    fn no_rows(&self) -> Self::Rows;
    /// A row of read `index`.
    fn row(rows: &mut Self::Rows, index: usize, row: &mut RowReader<'_>) -> Result<(), Error>;
    /// Drops what was read (the pipeline runs again).
    fn restart(rows: &mut Self::Rows);
    /// The result of every read; the first that fails is [`Error::Batch`] naming it.
    fn finish(&self, rows: Self::Rows, counts: Vec<u64>) -> Result<Self::Output, Error>;
}

/// Error `e` of read `index`.
pub(super) fn in_batch(index: usize) -> impl Fn(Error) -> Error {
    move |e| Error::Batch {
        index,
        source: Box::new(e),
    }
}

/// Reads of one type: a list of results.
impl<X: PipedRead> ReadList for Vec<X> {
    type Rows = Vec<Vec<X::Row>>;
    type Output = Vec<X::Output>;
    fn count(&self) -> usize {
        self.len()
    }
    fn render<'s>(&'s self, conn: &mut Connection) -> Vec<Rendered<'s>> {
        self.iter().map(|read| read.render(conn)).collect()
    }
    fn render_at<'s, B: crate::backend::Backend>(
        &'s self,
        index: usize,
        conn: &mut Connection<B>,
    ) -> Option<Rendered<'s>> {
        self.get(index).map(|read| read.render(conn))
    }
    fn no_rows(&self) -> Self::Rows {
        self.iter().map(|_| Vec::new()).collect()
    }
    #[inline]
    fn row(rows: &mut Self::Rows, index: usize, row: &mut RowReader<'_>) -> Result<(), Error> {
        if let Some(rows) = rows.get_mut(index) {
            rows.push(X::decode(row)?);
        }
        Ok(())
    }
    fn restart(rows: &mut Self::Rows) {
        rows.iter_mut().for_each(Vec::clear);
    }
    fn finish(&self, rows: Self::Rows, counts: Vec<u64>) -> Result<Self::Output, Error> {
        self.iter()
            .zip(rows)
            .enumerate()
            .map(|(i, (read, rows))| {
                let count = counts.get(i).copied().unwrap_or(0);
                read.finish(rows, count).map_err(in_batch(i))
            })
            .collect()
    }
}

/// Reads of different types, as a tuple: a tuple of results.
macro_rules! tuple_reads {
    ($($X:ident $i:tt),+) => {
        impl<$($X: PipedRead),+> ReadList for ($($X,)+) {
            type Rows = ($(Vec<$X::Row>,)+);
            type Output = ($($X::Output,)+);
            fn count(&self) -> usize {
                [$($i),+].len()
            }
            fn render<'s>(&'s self, conn: &mut Connection) -> Vec<Rendered<'s>> {
                vec![$(self.$i.render(conn)),+]
            }
            fn render_at<'s, BK: crate::backend::Backend>(
                &'s self,
                index: usize,
                conn: &mut Connection<BK>,
            ) -> Option<Rendered<'s>> {
                match index {
                    $($i => Some(self.$i.render(conn)),)+
                    _ => None,
                }
            }
            fn no_rows(&self) -> Self::Rows {
                ($(Vec::<$X::Row>::new(),)+)
            }
            #[inline]
            fn row(
                rows: &mut Self::Rows,
                index: usize,
                row: &mut RowReader<'_>,
            ) -> Result<(), Error> {
                match index {
                    $($i => rows.$i.push($X::decode(row)?),)+
                    _ => {}
                }
                Ok(())
            }
            fn restart(rows: &mut Self::Rows) {
                $(rows.$i.clear();)+
            }
            fn finish(&self, rows: Self::Rows, counts: Vec<u64>) -> Result<Self::Output, Error> {
                Ok(($(
                    self.$i
                        .finish(rows.$i, counts.get($i).copied().unwrap_or(0))
                        .map_err(in_batch($i))?,
                )+))
            }
        }
    };
}

tuple_reads!(A 0);
tuple_reads!(A 0, B 1);
tuple_reads!(A 0, B 1, C 2);
tuple_reads!(A 0, B 1, C 2, D 3);
tuple_reads!(A 0, B 1, C 2, D 3, E 4);
tuple_reads!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_reads!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_reads!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);

/// The rows of a list of reads, as the pipeline's sink.
pub(super) struct Collect<L: ReadList> {
    pub(super) rows: L::Rows,
    _list: PhantomData<fn() -> L>,
}

impl<L: ReadList> Piping for Collect<L> {
    const ROWS: bool = true;
    #[inline]
    fn row(&mut self, index: usize, row: &mut RowReader<'_>) -> Result<(), Error> {
        L::row(&mut self.rows, index, row)
    }
}

impl<L: ReadList> PipeSink for Collect<L> {
    fn restart(&mut self) {
        L::restart(&mut self.rows);
    }
}

/// A list of reads, run as one pipeline.
#[doc(hidden)]
pub struct Pipelined<L>(pub(crate) L);

impl<L: ReadList> Pipelined<L> {
    /// The reads and an empty sink for their rows; a list over [`Batch::MAX`] refused.
    pub(super) fn start(self) -> Result<(L, Collect<L>), Error> {
        let list = self.0;
        if list.count() > Batch::MAX {
            return Err(too_large(list.count()));
        }
        let rows = list.no_rows();
        Ok((
            list,
            Collect {
                rows,
                _list: PhantomData,
            },
        ))
    }
}

impl<'c, L: ReadList> Work<'c, Postgres, Blocking> for Pipelined<L>
where
    L::Output: 'c,
{
    type Output = L::Output;
    fn run(self, conn: &'c mut Connection) -> Result<L::Output, Error> {
        let (list, mut sink) = self.start()?;
        let rendered = list.render(conn);
        let counts = crate::engine::wire::now(conn.pg_pipeline_io(&rendered, &mut sink))?;
        list.finish(sink.rows, counts)
    }
}

#[cfg(feature = "tokio")]
impl<'c, L: ReadList + Send + 'c> Work<'c, Postgres, crate::engine::Async> for Pipelined<L>
where
    L::Rows: Send,
    L::Output: Send + 'c,
{
    type Output = L::Output;
    fn run(
        self,
        conn: &'c mut Connection,
    ) -> crate::engine::BoxFuture<'c, Result<L::Output, Error>> {
        Box::pin(async move {
            let (list, mut sink) = self.start()?;
            conn.settle_owed().await?;
            let rendered = list.render(conn);
            let counts = conn.pg_pipeline_io(&rendered, &mut sink).await?;
            drop(rendered);
            list.finish(sink.rows, counts)
        })
    }
}
