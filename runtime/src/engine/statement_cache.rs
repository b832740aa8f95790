//! How a connection keeps the statements it runs: as named prepared statements on the
//! server in a bounded least-recently-used cache, or only as descriptions on the client
//! (for connection poolers).

use super::log;
use super::wire::Statement;
use super::{Connection, Error};
use crate::render::{Rendered, TypesKey};
use postgres_types::Type;
use std::sync::Arc;
use std::time::Instant;

/// How a [`Connection`](crate::Connection) keeps the statements it runs (see
/// [`Connection::set_statement_cache_mode`](crate::Connection::set_statement_cache_mode)
/// and [`EngineBuilder::statement_cache_mode`](crate::engine::EngineBuilder::statement_cache_mode)).
///
/// Which one a connection pooler needs: PgBouncer in `transaction` or `statement` pool mode
/// before 1.21, or 1.21 and later without `max_prepared_statements`: `Unnamed` (or `Off`).
/// PgBouncer 1.21+ with `max_prepared_statements` set, and any pooler in session mode:
/// `Named`. See the guide's "Production connections" chapter for other poolers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StatementCacheMode {
    /// Each statement is prepared once under its own name, kept on the server in a
    /// least-recently-used cache of bounded size, and run by name: the fewest bytes and
    /// no planning per run. Needs the same server session from one statement to the next.
    #[default]
    Named,
    /// Each run parses the SQL text again as the unnamed statement, in the same request
    /// as its Bind and Execute (one round trip), so nothing outlives the request on the
    /// server and any server connection of a pooler can run it. The statement's
    /// description is still cached on the client (asked for once per statement), so rows
    /// decode without a round trip to describe them; the server plans each run.
    Unnamed,
    /// No cache at all: each run describes the statement first (an extra round trip),
    /// then runs it as in `Unnamed`.
    Off,
}

/// A statement the connection has described (and, when named, prepared).
pub(super) struct CachedStatement {
    pub(super) sql: Arc<str>,
    pub(super) types: Vec<Type>,
    /// [`TypesKey::of`] the `types`: compared on every hit instead of the types.
    pub(super) types_key: u64,
    pub(super) statement: Statement,
    pub(super) last_used: u64,
}

impl Connection {
    /// How many prepared statements to keep (least recently used are closed first);
    /// at least 1.
    pub fn set_statement_cache_size(&mut self, size: usize) {
        self.link.capacity = size.max(1);
        while self.link.statements.len() > self.link.capacity {
            self.evict();
        }
    }

    /// How statements are kept: named prepared statements (the default), or only their
    /// descriptions on the client, for connection poolers that hand each transaction to any
    /// server connection (see [`StatementCacheMode`]). Changing it empties the cache (the
    /// named statements are closed with the next request).
    pub fn set_statement_cache_mode(&mut self, mode: StatementCacheMode) {
        if mode != self.link.mode {
            for (_, old) in self.link.statements.drain() {
                self.link.wire.close_statement(old.statement.name);
            }
            self.link.mode = mode;
        }
    }

    /// The statement cache mode in force.
    pub fn statement_cache_mode(&self) -> StatementCacheMode {
        self.link.mode
    }

    /// How many prepared statements are cached now.
    pub fn cached_statements(&self) -> usize {
        self.link.statements.len()
    }

    /// The prepared statement of `rendered` and its SQL text, when the cache has it: the
    /// same fingerprint and the same key of the parameter types (a second, independent
    /// hash), and, when `rendered` has its text, the same text and types.
    #[inline]
    pub(super) fn cached(&mut self, rendered: &Rendered<'_>) -> Option<(Statement, Arc<str>)> {
        self.link.tick += 1;
        let tick = self.link.tick;
        let found = self.link.statements.get_mut(&rendered.key).filter(|c| {
            c.types_key == rendered.types_key
                && (!rendered.has_text || (*c.sql == *rendered.sql && c.types == rendered.types))
        })?;
        found.last_used = tick;
        Some((found.statement.clone(), Arc::clone(&found.sql)))
    }

    /// Prepares `rendered` (which needs its text) when the cache does not have it.
    async fn prepare_new(
        &mut self,
        rendered: &Rendered<'_>,
    ) -> Result<(Statement, Arc<str>), Error> {
        if !rendered.has_text {
            return Err(Error::Misuse(
                "a statement rendered without its SQL text reached a connection that has not \
                 prepared it; render it with SqlWriter::new()"
                    .into(),
            ));
        }
        let sql: Arc<str> = Arc::from(rendered.sql.as_str());
        let statement = self
            .prepare_text(rendered.key, &sql, &rendered.types)
            .await?;
        Ok((statement, sql))
    }

    /// Prepares `sql` with parameter `types` and caches it under `key`.
    pub(super) async fn prepare_text(
        &mut self,
        key: u64,
        sql: &Arc<str>,
        types: &[Type],
    ) -> Result<Statement, Error> {
        let name = match self.link.mode {
            StatementCacheMode::Named => self.link.wire.statement_name(),
            StatementCacheMode::Unnamed | StatementCacheMode::Off => Arc::from(""),
        };
        let prepared = self.link.wire.prepare(name, sql, types).await;
        let statement = self.note(prepared)?;
        if self.link.mode == StatementCacheMode::Off {
            return Ok(statement);
        }
        if self.link.statements.len() >= self.link.capacity
            && !self.link.statements.contains_key(&key)
        {
            self.evict();
        }
        if let Some(old) = self.link.statements.insert(
            key,
            CachedStatement {
                sql: Arc::clone(sql),
                types: types.to_vec(),
                types_key: TypesKey::of(types),
                statement: statement.clone(),
                last_used: self.link.tick,
            },
        ) {
            self.link.wire.close_statement(old.statement.name);
        }
        Ok(statement)
    }

    /// The prepared statement of `rendered` and its SQL text: from the cache, or prepared
    /// now, logging a statement that fails to prepare.
    pub(super) async fn prepare_logged(
        &mut self,
        rendered: &Rendered<'_>,
        started: Instant,
    ) -> Result<(Statement, Arc<str>), Error> {
        if let Some(found) = self.cached(rendered) {
            return Ok(found);
        }
        // Boxed: the rare path keeps its state off the caller's future.
        Box::pin(self.prepare_new(rendered)).await.inspect_err(|e| {
            log::rendered(
                &self.echo,
                &rendered.sql,
                rendered,
                started.elapsed(),
                Err(e),
            );
        })
    }

    /// Closes the least recently used statement.
    pub(super) fn evict(&mut self) {
        let oldest = self
            .link
            .statements
            .iter()
            .min_by_key(|(_, c)| c.last_used)
            .map(|(key, _)| *key);
        if let Some(key) = oldest {
            if let Some(old) = self.link.statements.remove(&key) {
                self.link.wire.close_statement(old.statement.name);
            }
        }
    }

    /// Forgets a cached statement (the server refused it as stale), giving back its
    /// declared parameter types (to prepare it again from a statement rendered without
    /// them), or `None` when it was not cached.
    pub(super) fn forget(&mut self, key: u64) -> Option<Vec<Type>> {
        let old = self.link.statements.remove(&key)?;
        self.link.wire.close_statement(old.statement.name);
        Some(old.types)
    }
}

impl super::connection::PgLink {
    /// Whether a statement of this fingerprint and this key of its parameter types
    /// ([`TypesKey`]) is prepared, so that it can run without its SQL text (see
    /// [`crate::render::SqlWriter`]).
    #[inline]
    pub(crate) fn knows(&self, key: u64, types_key: u64) -> bool {
        self.statements
            .get(&key)
            .is_some_and(|c| c.types_key == types_key)
    }
}

impl Connection {
    /// The types PostgreSQL infers for the parameters of `sql` when none is declared, or
    /// `None` when that cannot be asked without side effects (a statement cache mode for
    /// poolers, where a named statement may land on another server connection) or the
    /// server cannot infer them. For explaining a raw statement's type error: the
    /// statement is prepared under a fresh name and closed with the next request.
    pub(crate) async fn inferred_param_types_io(&mut self, sql: &str) -> Option<Vec<Type>> {
        self.try_prepare_io(sql, &[]).await
    }

    /// The parameter types of `sql` prepared with `types` declared (`Type::UNKNOWN` for
    /// one the server is to infer), or `None` when the server refuses it or asking would
    /// have effects (see [`inferred_param_types_io`](Self::inferred_param_types_io)): in a
    /// pooler cache mode, or inside a transaction, which a refused statement would abort.
    pub(crate) async fn try_prepare_io(&mut self, sql: &str, types: &[Type]) -> Option<Vec<Type>> {
        if self.link.mode != StatementCacheMode::Named || self.link.wire.in_transaction() {
            return None;
        }
        let name = self.link.wire.statement_name();
        let prepared = self.link.wire.prepare(Arc::clone(&name), sql, types).await;
        match prepared {
            Ok(statement) => {
                self.link.wire.close_statement(name);
                Some(statement.params.to_vec())
            }
            Err(_) => None,
        }
    }
}
