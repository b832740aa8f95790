//! Statements run without a named prepared statement on the server: for connection
//! poolers that hand each transaction to any server connection (PgBouncer in transaction
//! mode before 1.21), where a statement prepared by one transaction is not there for the
//! next.
//!
//! Each execution sends Parse of the unnamed statement, Bind, Describe of the portal,
//! Execute and Sync in one write: one round trip, and nothing outlives the request on the
//! server. The statement's description (parameter and column types) is still kept by the
//! client, so parameters are encoded and rows decoded without asking first; the portal's
//! description, which the server sends ahead of the rows, is compared with it, so a
//! schema change that altered the result's columns is noticed instead of decoding rows
//! with the types of before.

use super::*;
use postgres_protocol::message::backend::RowDescriptionBody;

impl Wire {
    /// Runs `statement` (a description of `sql` made earlier, on this or another server
    /// connection) by parsing `sql` again as the unnamed statement, with the parameter
    /// types of the description, in the same request as its Bind and Execute.
    pub(crate) async fn execute_text<S: Sink + ?Sized>(
        &mut self,
        statement: &Statement,
        sql: &str,
        params: &[crate::render::Param<'_>],
        max_rows: u32,
        sink: &mut S,
    ) -> Result<u64, Error> {
        self.run_statement(statement, Some(sql), params, max_rows, sink)
            .await
    }

    /// Writes Parse of `text` as the unnamed statement with the described parameter types
    /// (nothing without `text`).
    pub(super) fn write_parse_ahead(
        &mut self,
        statement: &Statement,
        text: Option<&str>,
    ) -> Result<(), Error> {
        let Some(sql) = text else { return Ok(()) };
        if !statement.name.is_empty() {
            return Err(Error::Misuse(
                "a named prepared statement cannot be parsed again as the unnamed one".into(),
            ));
        }
        self.write_text(|buf| frontend::parse("", sql, statement.params.iter().map(Type::oid), buf))
    }

    /// Writes Describe of the unnamed portal when `on`.
    pub(super) fn write_describe_portal(&mut self, on: bool) -> Result<(), Error> {
        if on {
            frontend::describe(b'P', "", &mut self.wbuf).map_err(|e| lost(&e))?;
        }
        Ok(())
    }

    /// The columns the portal's description names: `cached` when their types are the
    /// same (the usual case, no allocation), else columns built from the description —
    /// the schema changed since `cached` was made, and [`Wire::take_redescribe`] then
    /// says so. A type that is neither built in nor looked up already cannot be looked up
    /// while the rows are on their way: that is an error for this execution (the next one
    /// describes the statement again).
    pub(super) fn described_columns(
        &mut self,
        body: &RowDescriptionBody,
        cached: &Arc<[Column]>,
    ) -> Result<Arc<[Column]>, Error> {
        let mut fields = body.fields();
        let mut same = true;
        let mut seen = 0;
        while let Some(f) = fallible_next(&mut fields)? {
            same &= cached
                .get(seen)
                .is_some_and(|c| c.type_().oid() == f.type_oid());
            seen += 1;
        }
        if same && seen == cached.len() {
            return Ok(Arc::clone(cached));
        }
        self.redescribe = true;
        let mut columns = Vec::with_capacity(seen);
        let mut fields = body.fields();
        while let Some(f) = fallible_next(&mut fields)? {
            let oid = f.type_oid();
            let ty = Type::from_oid(oid).or_else(|| self.types.get(&oid).cloned());
            let Some(ty) = ty else {
                return Err(Error::Decode {
                    column: f.name().to_string(),
                    source: crate::engine::DecodeError::WrongType {
                        rust: "the statement's cached description",
                        sql: format!(
                            "type OID {oid} (the result's columns changed since the statement \
                             was described; it is described again on its next run)"
                        ),
                    },
                });
            };
            columns.push(Column::new(f.name().to_string(), ty));
        }
        Ok(columns.into())
    }

    /// Whether a portal's description differed from the statement's cached one since the
    /// last call: the cached description is stale. Resets the flag.
    pub(crate) fn take_redescribe(&mut self) -> bool {
        std::mem::take(&mut self.redescribe)
    }
}
