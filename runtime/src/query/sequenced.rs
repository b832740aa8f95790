//! [`Batch`], [`reads`](super::reads) and [`Pipeline`](super::Pipeline) on the backends
//! without PostgreSQL's pipelining (MySQL, SQLite): the statements run one after another,
//! each rendered just before it runs (so that a statement cache emptied by an earlier one
//! never meets a statement written without its text), inside one transaction the run opens
//! (a savepoint inside the caller's): a batch of writes is all kept or none, and the reads
//! see one snapshot under REPEATABLE READ, MySQL's default (inside a caller's transaction,
//! under the caller's isolation level; locking reads see the current rows, as MySQL's
//! always do). Why not pipelined on MySQL:
//! docs/design.md, "Unsigned casts and batches on MySQL".

use super::batch::{too_large, Batch};
use super::read_list::{in_batch, Pipelined, ReadList};
use crate::backend::Backend;
use crate::engine::runner::{Blocking, Work};
use crate::engine::{Connection, Error, Executor};
use crate::types::RowReader;

/// Statement `index` of `batch` rendered for `conn`; `None` when there is nothing to run
/// (an INSERT of no rows).
fn render_item<'s, B: Backend>(
    batch: &'s Batch<'_, B>,
    index: usize,
    conn: &mut Connection<B>,
) -> Option<crate::render::Rendered<'s>> {
    let item = batch.items.get(index)?;
    let mut written = true;
    let statement = crate::render::render_for(conn, &mut |out| written = item.write(out));
    written.then_some(statement)
}

/// Runs the batch's statements on `conn` (already in the transaction): each one's count,
/// or [`Error::Batch`] naming the first that failed. An INSERT of no rows is not sent and
/// counts 0.
fn run_writes<B: Backend>(
    batch: &Batch<'_, B>,
    conn: &mut Connection<B>,
) -> Result<Vec<u64>, Error> {
    let mut counts = Vec::with_capacity(batch.items.len());
    for index in 0..batch.items.len() {
        let count = match render_item(batch, index, conn) {
            Some(statement) => conn
                .query_each(&statement, &mut |_| Ok(()))
                .map_err(in_batch(index))?,
            None => 0,
        };
        counts.push(count);
    }
    Ok(counts)
}

/// Runs the reads on `conn` (already in the transaction), their rows into `sink`: each
/// one's row count, or [`Error::Batch`] naming the first that failed.
fn run_reads<B: Backend, L: ReadList>(
    list: &L,
    rows: &mut L::Rows,
    conn: &mut Connection<B>,
) -> Result<Vec<u64>, Error> {
    let mut counts = Vec::with_capacity(list.count());
    for index in 0..list.count() {
        let Some(statement) = list.render_at(index, conn) else {
            break;
        };
        let labels = &statement.labels;
        let count = conn
            .query_each(&statement, &mut |row| {
                L::row(rows, index, &mut RowReader::new(row, labels))
            })
            .map_err(in_batch(index))?;
        counts.push(count);
    }
    Ok(counts)
}

macro_rules! sequenced {
    ($($backend:ty: $feature:literal;)*) => {$(
        #[cfg(feature = $feature)]
        impl<'c> Work<'c, $backend, Blocking> for Batch<'_, $backend> {
            type Output = Vec<u64>;
            fn run(self, conn: &'c mut Connection<$backend>) -> Result<Vec<u64>, Error> {
                if self.items.len() > Batch::MAX {
                    return Err(too_large(self.items.len()));
                }
                if self.items.is_empty() {
                    return Ok(Vec::new());
                }
                conn.transaction(|tx| run_writes(&self, tx.connection()))
            }
        }

        #[cfg(feature = $feature)]
        impl<'c, L: ReadList> Work<'c, $backend, Blocking> for Pipelined<L>
        where
            L::Output: 'c,
        {
            type Output = L::Output;
            fn run(self, conn: &'c mut Connection<$backend>) -> Result<L::Output, Error> {
                let (list, mut sink) = self.start()?;
                if list.count() == 0 {
                    return list.finish(sink.rows, Vec::new());
                }
                let counts =
                    conn.transaction(|tx| run_reads(&list, &mut sink.rows, tx.connection()))?;
                list.finish(sink.rows, counts)
            }
        }
    )*};
}

sequenced! {
    crate::backend::Mysql: "mysql";
    crate::backend::Sqlite: "sqlite";
}

#[cfg(all(feature = "mysql", feature = "tokio"))]
mod on_tokio {
    use super::*;
    use crate::backend::Mysql;
    use crate::engine::{Async, BoxFuture, RowData, TransactionOptions, TransactionScope};

    /// Ends the transaction `tx` as `result` says: committed after success, rolled back
    /// after a failure (whose error is the one reported).
    async fn end<T>(
        tx: TransactionScope<&mut Connection<Mysql>>,
        result: Result<T, Error>,
    ) -> Result<T, Error> {
        match result {
            Ok(out) => tx.commit().await.map(|()| out),
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }

    impl<'c, 'a: 'c> Work<'c, Mysql, Async> for Batch<'a, Mysql> {
        type Output = Vec<u64>;
        fn run(self, conn: &'c mut Connection<Mysql>) -> BoxFuture<'c, Result<Vec<u64>, Error>> {
            Box::pin(async move {
                if self.items.len() > Batch::MAX {
                    return Err(too_large(self.items.len()));
                }
                if self.items.is_empty() {
                    return Ok(Vec::new());
                }
                let mut tx = TransactionScope::open(conn, TransactionOptions::default()).await?;
                let mut counts = Vec::with_capacity(self.items.len());
                let mut result = Ok(());
                for index in 0..self.items.len() {
                    let conn = tx.conn();
                    let Some(statement) = render_item(&self, index, conn) else {
                        counts.push(0);
                        continue;
                    };
                    match conn
                        .mysql_run_io(&statement, &mut |_: RowData<'_>| Ok(()))
                        .await
                    {
                        Ok(n) => counts.push(n),
                        Err(e) => {
                            result = Err(in_batch(index)(e));
                            break;
                        }
                    }
                }
                end(tx, result.map(|()| counts)).await
            })
        }
    }

    impl<'c, L: ReadList + Send + 'c> Work<'c, Mysql, Async> for Pipelined<L>
    where
        L::Rows: Send,
        L::Output: Send + 'c,
    {
        type Output = L::Output;
        fn run(self, conn: &'c mut Connection<Mysql>) -> BoxFuture<'c, Result<L::Output, Error>> {
            Box::pin(async move {
                let (list, mut sink) = self.start()?;
                if list.count() == 0 {
                    return list.finish(sink.rows, Vec::new());
                }
                let mut tx = TransactionScope::open(conn, TransactionOptions::default()).await?;
                let mut counts = Vec::with_capacity(list.count());
                let mut result = Ok(());
                for index in 0..list.count() {
                    let conn = tx.conn();
                    let Some(statement) = list.render_at(index, conn) else {
                        break;
                    };
                    let labels = &statement.labels;
                    let rows = &mut sink.rows;
                    let mut each =
                        |row: RowData<'_>| L::row(rows, index, &mut RowReader::new(row, labels));
                    match conn.mysql_run_io(&statement, &mut each).await {
                        Ok(n) => counts.push(n),
                        Err(e) => {
                            result = Err(in_batch(index)(e));
                            break;
                        }
                    }
                }
                let counts = end(tx, result.map(|()| counts)).await?;
                list.finish(sink.rows, counts)
            })
        }
    }
}
