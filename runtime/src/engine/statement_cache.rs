//! How a connection keeps the statements it runs: as named prepared statements on the
//! server, or only as descriptions on the client (for connection poolers).

/// How a [`Connection`](crate::Connection) keeps the statements it runs (see
/// [`Connection::set_statement_cache_mode`](crate::Connection::set_statement_cache_mode)
/// and [`EngineBuilder::statement_cache_mode`](crate::engine::EngineBuilder::statement_cache_mode)).
///
/// Which one a connection pooler needs: PgBouncer in `transaction` or `statement` pool mode
/// before 1.21, or 1.21 and later without `max_prepared_statements`: `Unnamed` (or `Off`).
/// PgBouncer 1.21+ with `max_prepared_statements` set, and any pooler in session mode:
/// `Named`. See the README's "Production" section for other poolers.
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
