//! A batch of statements on a PostgreSQL connection: prepared (or found in the cache) one
//! by one, then sent together and answered in one round trip (see `wire/pipeline.rs`).

use super::connection::is_stale_statement;
use super::wire::{self, Piped, Piping};
use super::StatementCacheMode;
use super::{log, Connection, Error};
use crate::render::Rendered;
use postgres_types::Type;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

/// Where a pipeline's rows go, and how to start again: a run that met a stale cached
/// statement is run once more, so the rows of its first try are dropped.
pub(crate) trait PipeSink: Piping {
    /// Drops the rows collected so far.
    fn restart(&mut self);
}

impl PipeSink for wire::Discard {
    fn restart(&mut self) {}
}

impl Connection {
    /// Runs `statements` as one pipeline: the number of rows each affected, or
    /// [`Error::Batch`] naming the first that failed.
    pub(crate) fn pg_pipeline(&mut self, statements: &[Rendered<'_>]) -> Result<Vec<u64>, Error> {
        wire::now(self.pg_pipeline_io(statements, &mut wire::Discard))
    }

    /// [`pg_pipeline`](Self::pg_pipeline), on either kind of socket, with the rows of
    /// each statement handed to `sink` (dropped unread by [`wire::Discard`]).
    pub(crate) async fn pg_pipeline_io<P: PipeSink + ?Sized>(
        &mut self,
        statements: &[Rendered<'_>],
        sink: &mut P,
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
        for (index, statement) in statements.iter().enumerate() {
            Self::check(statement).map_err(in_batch(index))?;
        }
        self.keep_for_batch(statements)?;
        let mut prepared = Vec::with_capacity(statements.len());
        for (index, statement) in statements.iter().enumerate() {
            let found = self.prepare_logged(statement, started).await;
            prepared.push(self.note(found).map_err(in_batch(index))?);
        }
        let max_rows = if P::ROWS { self.link.max_rows } else { 0 };
        let mut result = self
            .run_prepared(&prepared, statements, max_rows, sink)
            .await;
        if matches!(&result, Err(Error::Batch { source, .. }) if is_stale_statement(source)) {
            // A schema change under a cached statement (or a pooler that lost it): forgotten,
            // and outside a transaction (where the failed batch left nothing) prepared again
            // from the text the cache kept and run once more, as a single statement is.
            // By key, not by position: a batch may run one statement several times, and
            // only the first `forget` of a key finds it.
            let mut forgotten: HashMap<u64, Vec<Type>> = HashMap::new();
            for statement in statements {
                if let Some(types) = self.forget(statement.key) {
                    forgotten.entry(statement.key).or_insert(types);
                }
            }
            if self.depth == 0 && !self.link.wire.in_transaction() {
                // Each statement prepared once, however often the batch runs it (a second
                // prepare of a key would replace, and close, the first).
                let mut again: HashMap<u64, wire::Statement> = HashMap::new();
                for (index, statement) in statements.iter().enumerate() {
                    if let Some(done) = again.get(&statement.key) {
                        prepared[index].0 = done.clone();
                        continue;
                    }
                    // Rendered without its text, a statement has no types: the cache's.
                    let types = forgotten
                        .get(&statement.key)
                        .map_or(&statement.types[..], Vec::as_slice);
                    let prepared_again = self
                        .prepare_text(statement.key, &prepared[index].1, types)
                        .await;
                    let done = self.note(prepared_again).map_err(in_batch(index))?;
                    again.insert(statement.key, done.clone());
                    prepared[index].0 = done;
                }
                sink.restart();
                result = self
                    .run_prepared(&prepared, statements, max_rows, sink)
                    .await;
            }
        }
        if P::ROWS && self.link.wire.take_redescribe() {
            // The result columns of a statement parsed again changed since it was described.
            for ((statement, _), rendered) in prepared.iter().zip(statements) {
                if statement.name.is_empty() {
                    self.forget(rendered.key);
                }
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

    /// Makes the cached statements of a batch the most recently used before any of its new
    /// ones is prepared, so that preparing them evicts none of the batch's own (an evicted
    /// statement rendered without its text could not be prepared again, and its Close
    /// would go out ahead of the batch). A batch of more different statements than the
    /// cache holds is refused before anything is sent.
    fn keep_for_batch(&mut self, statements: &[Rendered<'_>]) -> Result<(), Error> {
        if self.link.mode == StatementCacheMode::Off {
            return Ok(());
        }
        let distinct: HashSet<u64> = statements.iter().map(|s| s.key).collect();
        if distinct.len() > self.link.capacity {
            return Err(Error::Misuse(format!(
                "a batch of {} different statements on a connection that keeps {} prepared \
                 statements: raise set_statement_cache_size, or split the batch",
                distinct.len(),
                self.link.capacity
            )));
        }
        for statement in statements {
            let _ = self.cached(statement);
        }
        Ok(())
    }

    /// One pipeline of `statements`, prepared as `prepared` says.
    async fn run_prepared<P: PipeSink + ?Sized>(
        &mut self,
        prepared: &[(wire::Statement, Arc<str>)],
        statements: &[Rendered<'_>],
        max_rows: u32,
        sink: &mut P,
    ) -> Result<Vec<u64>, Error> {
        let piped: Vec<Piped<'_, '_>> = prepared
            .iter()
            .zip(statements)
            .map(|((statement, sql), rendered)| {
                let text = statement.name.is_empty().then_some(&**sql);
                (statement, text, &rendered.params[..], &rendered.labels[..])
            })
            .collect();
        self.link.wire.run_pipeline(&piped, max_rows, sink).await
    }
}
