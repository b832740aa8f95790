//! A batch of statements on a PostgreSQL connection: prepared (or found in the cache) one
//! by one, then sent together and answered in one round trip (see `wire/pipeline.rs`).

use super::connection::is_stale_statement;
use super::wire::{self, Piped};
use super::{log, Connection, Error};
use crate::render::Rendered;
use std::time::Instant;

impl Connection {
    /// Runs `statements` as one pipeline: the number of rows each affected, or
    /// [`Error::Batch`] naming the first that failed.
    pub(crate) fn pg_pipeline(&mut self, statements: &[Rendered<'_>]) -> Result<Vec<u64>, Error> {
        wire::now(self.pg_pipeline_io(statements))
    }

    /// [`pg_pipeline`](Self::pg_pipeline), on either kind of socket.
    pub(crate) async fn pg_pipeline_io(
        &mut self,
        statements: &[Rendered<'_>],
    ) -> Result<Vec<u64>, Error> {
        self.link.wire.close_abandoned_scopes()?;
        if statements.is_empty() {
            return Ok(Vec::new());
        }
        let in_batch = |index: usize| {
            move |e: Error| Error::Batch {
                index,
                source: Box::new(e),
            }
        };
        let started = Instant::now();
        let mut prepared = Vec::with_capacity(statements.len());
        for (index, statement) in statements.iter().enumerate() {
            Self::check(statement).map_err(in_batch(index))?;
            let found = self.prepare_logged(statement, started).await;
            prepared.push(self.note(found).map_err(in_batch(index))?);
        }
        let mut result = self.run_prepared(&prepared, statements).await;
        if matches!(&result, Err(Error::Batch { source, .. }) if is_stale_statement(source)) {
            // A schema change under a cached statement (or a pooler that lost it): forgotten,
            // and outside a transaction (where the failed batch left nothing) prepared again
            // from the text the cache kept and run once more, as a single statement is.
            let forgotten: Vec<_> = statements
                .iter()
                .map(|statement| self.forget(statement.key))
                .collect();
            if self.depth == 0 && !self.link.wire.in_transaction() {
                for (index, statement) in statements.iter().enumerate() {
                    // Rendered without its text, a statement has no types: the cache's.
                    let types = forgotten[index].as_deref().unwrap_or(&statement.types);
                    let again = self
                        .prepare_text(statement.key, &prepared[index].1, types)
                        .await;
                    prepared[index].0 = self.note(again).map_err(in_batch(index))?;
                }
                result = self.run_prepared(&prepared, statements).await;
            }
        }
        let elapsed = started.elapsed();
        for (i, ((_, sql), rendered)) in prepared.iter().zip(statements).enumerate() {
            let outcome = match &result {
                Ok(counts) => Ok(counts.get(i).copied()),
                Err(e) => Err(e),
            };
            log::rendered(&self.echo, sql, rendered, elapsed, outcome);
        }
        let first = Arc::clone(&prepared[0].1);
        self.settle(result, &first)
    }

    /// One pipeline of `statements`, prepared as `prepared` says.
    async fn run_prepared(
        &mut self,
        prepared: &[(wire::Statement, Arc<str>)],
        statements: &[Rendered<'_>],
    ) -> Result<Vec<u64>, Error> {
        let piped: Vec<Piped<'_, '_>> = prepared
            .iter()
            .zip(statements)
            .map(|((statement, sql), rendered)| {
                let text = statement.name.is_empty().then_some(&**sql);
                (statement, text, &rendered.params[..])
            })
            .collect();
        self.link.wire.run_pipeline(&piped).await
    }
}

use std::sync::Arc;
