//! A synchronous PostgreSQL connection with a prepared-statement cache.

use super::{DatabaseUrl, Error, Executor};
use crate::render::Rendered;
use postgres::types::Type;
use postgres::{Client, NoTls, Statement};
use std::collections::HashMap;

/// One connection to PostgreSQL. Statements are prepared once per SQL text and parameter
/// types, then reused.
pub struct Connection {
    client: Client,
    statements: HashMap<String, Vec<(Vec<Type>, Statement)>>,
    target: String,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("target", &self.target)
            .field("cached_statements", &self.statements.len())
            .finish()
    }
}

impl Connection {
    /// Connects to the database a URL names: `postgres://user:password@host:port/database`.
    ///
    /// A URL that does not parse gives [`Error::InvalidUrl`] naming the bad part; a server
    /// that cannot be reached gives [`Error::Connect`].
    pub fn connect(url: &str) -> Result<Self, Error> {
        Self::connect_url(&DatabaseUrl::parse(url)?)
    }

    /// Connects with an already parsed URL.
    pub fn connect_url(url: &DatabaseUrl) -> Result<Self, Error> {
        let target = url.target();
        let client = url.to_config().connect(NoTls).map_err(|e| {
            let reason = match e.as_db_error() {
                Some(db) => format!("{} (SQLSTATE {})", db.message(), db.code().code()),
                None => {
                    let mut text = e.to_string();
                    let mut source = std::error::Error::source(&e);
                    while let Some(s) = source {
                        text = format!("{text}: {s}");
                        source = s.source();
                    }
                    text
                }
            };
            Error::Connect {
                target: target.clone(),
                reason,
            }
        })?;
        Ok(Connection {
            client,
            statements: HashMap::new(),
            target,
        })
    }

    /// Runs one or more SQL statements given as text, without parameters: for schema
    /// scripts and migrations. Never build this text from user data; queries built with
    /// sqlwright send every value as a parameter.
    pub fn batch_execute(&mut self, sql: &str) -> Result<(), Error> {
        self.client.batch_execute(sql).map_err(Error::from_driver)
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// The driver's client, for what sqlwright does not cover yet.
    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    fn statement(&mut self, sql: &str, types: &[Type]) -> Result<Statement, Error> {
        if let Some(found) = self
            .statements
            .get(sql)
            .and_then(|v| v.iter().find(|(t, _)| t == types))
        {
            return Ok(found.1.clone());
        }
        let statement = self
            .client
            .prepare_typed(sql, types)
            .map_err(Error::from_driver)?;
        self.statements
            .entry(sql.to_string())
            .or_default()
            .push((types.to_vec(), statement.clone()));
        Ok(statement)
    }
}

impl Executor for Connection {
    fn query_rows(&mut self, statement: &Rendered<'_>) -> Result<Vec<postgres::Row>, Error> {
        if statement.nul_in_text {
            return Err(Error::NulInText);
        }
        let prepared = self.statement(&statement.sql, &statement.types)?;
        self.client
            .query(&prepared, &statement.params)
            .map_err(Error::from_driver)
    }

    fn execute_rendered(&mut self, statement: &Rendered<'_>) -> Result<u64, Error> {
        if statement.nul_in_text {
            return Err(Error::NulInText);
        }
        let prepared = self.statement(&statement.sql, &statement.types)?;
        self.client
            .execute(&prepared, &statement.params)
            .map_err(Error::from_driver)
    }
}
