//! A batch of write statements sent together: one round trip for all of them (PostgreSQL's
//! pipelining), in both modes; on MySQL and SQLite one after another in one transaction
//! (`query/sequenced.rs`).

use super::returning::WriteStatement;
use crate::backend::{Backend, Postgres};
use crate::engine::runner::{Blocking, Ran, Runner, Work};
use crate::engine::{Connection, Error};
use crate::render::{Rendered, SqlWriter};
use std::marker::PhantomData;

/// One statement of a batch, its type erased.
pub(crate) trait Item {
    fn write<'s>(&'s self, out: &mut SqlWriter<'s>) -> bool;
}

impl<S: WriteStatement> Item for S {
    fn write<'s>(&'s self, out: &mut SqlWriter<'s>) -> bool {
        self.render_statement(out)
    }
}

/// INSERT, UPDATE and DELETE statements sent to PostgreSQL together and answered in one
/// round trip: on a network with a 1 ms round trip, 100 statements take about 1 ms instead
/// of 100.
///
/// The server runs them in order. Outside a transaction they are one implicit
/// transaction: all are kept, or (when one fails) none. Inside one, a failure fails the
/// transaction, as any failed statement does. The first failure is [`Error::Batch`],
/// naming its position; the statements after it were not run.
///
/// On MySQL and SQLite (`Batch<'_, Mysql>`, `Batch<'_, Sqlite>`, the backend inferred from
/// the connection) the statements run one after another, each a round trip on MySQL, in a
/// transaction the batch opens (a savepoint inside the caller's transaction): all kept or,
/// when one fails, none, the transaction around it going on. The counts and
/// [`Error::Batch`] are as on PostgreSQL. Each statement is checked for the backend where
/// it is added, as its own `execute` would check it.
///
/// A batch holds at most [`Batch::MAX`] statements: on PostgreSQL the whole batch is
/// written before any answer is read, so its answers must fit in the sockets' buffers (a batch too large could
/// leave client and server each waiting for the other to read). For the same reason, rows a
/// statement returns (`RETURNING`) are read and dropped; a statement returning many rows
/// belongs outside a batch. Reads with typed results pipeline through
/// [`reads`](super::reads) (many of one type) and [`Pipeline`](super::Pipeline) (a tuple).
///
/// ```no_run
/// # use sqlwright::prelude::*;
/// # sqlwright::table! { items (id) { #[serial] id -> Int4, name -> Text, stock -> Int4, } }
/// # fn demo(conn: &mut Connection) -> Result<(), sqlwright::Error> {
/// let counts = sqlwright::query::Batch::new()
///     .with(insert_into(items::table).values((items::name.to("pen"), items::stock.to(10))))
///     .with(update(items::table).filter(items::name.eq("ink")).set(items::stock.to(0)))
///     .with(delete(items::table).filter(items::stock.lt(0)))
///     .execute(conn)?; // on an async connection: `.execute(&mut conn).await?`
/// assert_eq!(counts.len(), 3);
/// # Ok(()) }
/// ```
pub struct Batch<'a, B = Postgres> {
    pub(crate) items: Vec<Box<dyn Item + Send + 'a>>,
    _backend: PhantomData<fn() -> B>,
}

impl<B> Default for Batch<'_, B> {
    fn default() -> Self {
        Batch {
            items: Vec::new(),
            _backend: PhantomData,
        }
    }
}

impl<B> std::fmt::Debug for Batch<'_, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("statements", &self.items.len())
            .finish()
    }
}

impl<'a, B> Batch<'a, B> {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// The batch with `statement` added at its end.
    pub fn with<S>(mut self, statement: S) -> Self
    where
        S: WriteStatement + Send + 'a,
        B: crate::backend::Runs<crate::backend::Canonical<S::Needs>>,
    {
        self.push(statement);
        self
    }

    /// Adds `statement` at the end of the batch.
    pub fn push<S>(&mut self, statement: S)
    where
        S: WriteStatement + Send + 'a,
        B: crate::backend::Runs<crate::backend::Canonical<S::Needs>>,
    {
        self.items.push(Box::new(statement));
    }

    /// How many statements the batch holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the batch holds no statement.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Runs the statements: on PostgreSQL sent together (one round trip), on MySQL and
    /// SQLite one after another in one transaction. The number of rows each wrote, in
    /// order (0 for an INSERT of no rows, which is not sent).
    pub fn execute<'c, C: Runner<Backend = B> + ?Sized>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<u64>>
    where
        B: Backend,
        Self: Work<'c, B, C::Mode, Output = Vec<u64>>,
    {
        self.run(conn.__connection())
    }

    /// Renders the statements; their positions in the batch, those with nothing to run
    /// left out.
    fn render<'s>(&'s self, conn: &mut Connection) -> (Vec<Rendered<'s>>, Vec<usize>) {
        let mut rendered = Vec::with_capacity(self.items.len());
        let mut positions = Vec::with_capacity(self.items.len());
        for (i, item) in self.items.iter().enumerate() {
            let mut written = true;
            let statement = crate::render::render_for(conn, &mut |out| written = item.write(out));
            if written {
                rendered.push(statement);
                positions.push(i);
            }
        }
        (rendered, positions)
    }

    /// The counts of all the statements, from those of the ones sent.
    fn spread(
        &self,
        positions: &[usize],
        result: Result<Vec<u64>, Error>,
    ) -> Result<Vec<u64>, Error> {
        let mut all = vec![0; self.items.len()];
        match result {
            Ok(counts) => {
                for (position, count) in positions.iter().zip(counts) {
                    all[*position] = count;
                }
                Ok(all)
            }
            Err(Error::Batch { index, source }) => Err(Error::Batch {
                index: positions.get(index).copied().unwrap_or(index),
                source,
            }),
            Err(e) => Err(e),
        }
    }
}

impl Batch<'_> {
    /// The most statements one batch sends (see the type's docs); more is [`Error::Misuse`].
    pub const MAX: usize = 1000;
}

/// A batch over [`Batch::MAX`] statements.
pub(super) fn too_large(len: usize) -> Error {
    Error::Misuse(format!(
        "a batch of {len} statements; one batch sends at most {} (split it, inside a \
         transaction when it must be all or nothing)",
        Batch::MAX
    ))
}

impl<'c> Work<'c, Postgres, Blocking> for Batch<'_> {
    type Output = Vec<u64>;
    fn run(self, conn: &'c mut Connection) -> Result<Vec<u64>, Error> {
        if self.items.len() > Batch::MAX {
            return Err(too_large(self.items.len()));
        }
        let (rendered, positions) = self.render(conn);
        let result = conn.pg_pipeline(&rendered);
        self.spread(&positions, result)
    }
}

#[cfg(feature = "tokio")]
impl<'c, 'a: 'c> Work<'c, Postgres, crate::engine::Async> for Batch<'a> {
    type Output = Vec<u64>;
    fn run(
        self,
        conn: &'c mut Connection,
    ) -> crate::engine::BoxFuture<'c, Result<Vec<u64>, Error>> {
        Box::pin(async move {
            if self.items.len() > Batch::MAX {
                return Err(too_large(self.items.len()));
            }
            // What a dropped stream or COPY OUT left is ended first, as before any request.
            conn.settle_owed().await?;
            let (rendered, positions) = self.render(conn);
            let result = conn
                .pg_pipeline_io(&rendered, &mut crate::engine::wire::Discard)
                .await;
            self.spread(&positions, result)
        })
    }
}
