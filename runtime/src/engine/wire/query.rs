//! Statements: the simple protocol, Parse/Describe, Bind/Execute, catalog type lookups.

use super::*;

/// The largest value PostgreSQL accepts (its 1 GiB allocation limit, less one byte).
const MAX_VALUE: usize = (1 << 30) - 1;

/// The most parameters one statement can have (the protocol counts them in 16 bits).
pub(crate) const MAX_PARAMS: usize = 65535;

/// How many array levels a catalog type lookup follows (see [`Wire::type_of`]).
const MAX_TYPE_DEPTH: u32 = 4;

impl Wire {
    /// Runs SQL text through the simple protocol (several statements allowed), discarding
    /// any rows.
    pub(crate) async fn simple_query(&mut self, sql: &str) -> Result<(), Error> {
        self.begin_request().await?;
        self.write_text(|buf| frontend::query(sql, buf))?;
        self.send_request().await?;
        self.until_ready(None).await.map(drop)
    }

    /// Runs SQL text through the simple protocol and returns the rows of all its
    /// statements, as text (`None` for NULL).
    pub(crate) async fn simple_rows(
        &mut self,
        sql: &str,
    ) -> Result<Vec<Vec<Option<String>>>, Error> {
        self.begin_request().await?;
        self.write_text(|buf| frontend::query(sql, buf))?;
        self.send_request().await?;
        let mut rows = Vec::new();
        self.read_until_ready(None, &mut |message| {
            let mut values = Vec::new();
            let mut at = 7;
            let count = message
                .get(5..7)
                .map_or(0, |c| u16::from_be_bytes([c[0], c[1]]));
            for _ in 0..count {
                let Some(head) = message.get(at..at + 4) else {
                    break;
                };
                let len = i32::from_be_bytes([head[0], head[1], head[2], head[3]]);
                at += 4;
                if len < 0 {
                    values.push(None);
                } else {
                    let end = (at + len as usize).min(message.len());
                    values.push(Some(
                        String::from_utf8_lossy(&message[at..end]).into_owned(),
                    ));
                    at = end;
                }
            }
            rows.push(values);
        })
        .await?;
        Ok(rows)
    }

    /// Reads until ReadyForQuery: the first error seen (or `failed`) wins; otherwise the
    /// row count of the last CommandComplete.
    pub(super) async fn until_ready(&mut self, failed: Option<Error>) -> Result<u64, Error> {
        self.read_until_ready(failed, &mut |_| {}).await
    }

    /// [`until_ready`](Self::until_ready), handing each DataRow message to `row`.
    pub(super) async fn read_until_ready(
        &mut self,
        mut failed: Option<Error>,
        row: &mut (dyn FnMut(&[u8]) + Send),
    ) -> Result<u64, Error> {
        let mut count = 0;
        loop {
            let (tag, total) = next_message!(self)?;
            if tag == b'D' {
                row(&self.rbuf[..total]);
                self.rbuf.advance(total);
                continue;
            }
            match self.read_message().await? {
                Message::ReadyForQuery(body) => {
                    self.ready(body.status());
                    return match failed {
                        Some(e) => Err(e),
                        None => Ok(count),
                    };
                }
                Message::ErrorResponse(body) => {
                    failed.get_or_insert_with(|| self.server_error(body.fields()));
                }
                Message::CommandComplete(body) => {
                    count = body.tag().map(rows_of_tag).unwrap_or(0);
                }
                Message::CopyInResponse(_) => {
                    // COPY FROM STDIN in a script: refuse it, the server answers with an error.
                    frontend::copy_fail("COPY FROM STDIN is not supported here", &mut self.wbuf)
                        .map_err(|e| lost(&e))?;
                    self.send().await?;
                }
                Message::NoticeResponse(body) => notice(body.fields()),
                _ => {}
            }
        }
    }

    /// Prepares `sql` under `name` ("" for the unnamed statement) with parameter `types`,
    /// and describes it.
    pub(crate) async fn prepare(
        &mut self,
        name: Arc<str>,
        sql: &str,
        types: &[Type],
    ) -> Result<Statement, Error> {
        self.begin_request().await?;
        self.write_text(|buf| frontend::parse(&name, sql, types.iter().map(Type::oid), buf))?;
        frontend::describe(b'S', &name, &mut self.wbuf).map_err(|e| lost(&e))?;
        frontend::sync(&mut self.wbuf);
        self.send_request().await?;
        let mut params: Vec<u32> = Vec::new();
        let mut columns: Vec<(String, u32)> = Vec::new();
        let mut returns_rows = false;
        let mut failed = None;
        loop {
            match self.read_message().await? {
                Message::ParseComplete | Message::NoData | Message::CloseComplete => {}
                Message::ParameterDescription(body) => {
                    let mut it = body.parameters();
                    while let Some(oid) = fallible_next(&mut it)? {
                        params.push(oid);
                    }
                }
                Message::RowDescription(body) => {
                    returns_rows = true;
                    let mut fields = body.fields();
                    while let Some(f) = fallible_next(&mut fields)? {
                        columns.push((f.name().to_string(), f.type_oid()));
                    }
                }
                Message::ErrorResponse(body) => {
                    failed.get_or_insert_with(|| self.server_error(body.fields()));
                }
                Message::ReadyForQuery(body) => {
                    self.ready(body.status());
                    break;
                }
                Message::NoticeResponse(body) => notice(body.fields()),
                Message::ParameterStatus(_) | Message::NotificationResponse(_) => {}
                _ => {
                    return Err(self.broke(protocol("unexpected message after Parse")));
                }
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let mut param_types = Vec::with_capacity(params.len());
        for oid in params {
            param_types.push(self.type_of(oid).await?);
        }
        let mut cols = Vec::with_capacity(columns.len());
        for (name, oid) in columns {
            let ty = self.type_of(oid).await?;
            cols.push(Column::new(name, ty));
        }
        Ok(Statement {
            name,
            params: param_types.into(),
            columns: cols.into(),
            returns_rows,
        })
    }

    /// The type of an OID: a built-in one, or looked up in the catalog (named, and
    /// treated as an opaque value; arrays of built-in types keep their element).
    pub(super) async fn type_of(&mut self, oid: u32) -> Result<Type, Error> {
        self.type_at_depth(oid, 0).await
    }

    /// [`type_of`](Self::type_of) for an element type `depth` arrays down: PostgreSQL's
    /// arrays of arrays are one type, so a chain deeper than a few links (or a cycle a
    /// broken or hostile catalog answers with) is refused.
    fn type_at_depth(
        &mut self,
        oid: u32,
        depth: u32,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Type, Error>> + Send + '_>> {
        Box::pin(async move {
            if depth > MAX_TYPE_DEPTH {
                return Err(self.broke(protocol(format!(
                    "array element types nest deeper than {MAX_TYPE_DEPTH} (type OID {oid})"
                ))));
            }
            if let Some(t) = Type::from_oid(oid) {
                return Ok(t);
            }
            if let Some(t) = self.types.get(&oid) {
                return Ok(t.clone());
            }
            // Arrays name their element type (typcategory 'A'); other types with a typelem
            // (fixed-length subscriptable ones) are built in.
            let sql = format!(
                "SELECT t.typname::text, n.nspname::text, \
             CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE 0 END \
             FROM pg_catalog.pg_type t \
             JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.oid = {oid}"
            );
            let statement = Statement {
                name: Arc::from(""),
                params: Arc::from([]),
                columns: Arc::from([
                    Column::new("typname".into(), Type::TEXT),
                    Column::new("nspname".into(), Type::TEXT),
                    Column::new("typelem".into(), Type::OID),
                ]),
                returns_rows: true,
            };
            frontend::parse("", &sql, std::iter::empty(), &mut self.wbuf).map_err(|e| lost(&e))?;
            let mut found: Option<(String, String, u32)> = None;
            let mut take = |row: crate::engine::RowData<'_>| {
                use postgres_types::FromSql;
                let Some(row) = row.as_pg() else {
                    return Ok(());
                };
                let text = |i: usize| {
                    row.value(i)
                        .and_then(|v| <&str>::from_sql(&Type::TEXT, v).ok())
                        .unwrap_or("")
                        .to_string()
                };
                let elem = row
                    .value(2)
                    .and_then(|v| u32::from_sql(&Type::OID, v).ok())
                    .unwrap_or(0);
                found = Some((text(0), text(1), elem));
                Ok(())
            };
            self.execute(&statement, &[], 0, &mut take).await?;
            let (name, schema, elem) =
                found.unwrap_or_else(|| (format!("oid {oid}"), "pg_catalog".into(), 0));
            let kind = if elem != 0 && elem != oid {
                Kind::Array(self.type_at_depth(elem, depth + 1).await?)
            } else {
                Kind::Simple
            };
            let ty = Type::new(name, oid, kind, schema);
            self.types.insert(oid, ty.clone());
            Ok(ty)
        })
    }

    /// Writes Bind for `statement` with `params` into the unnamed portal. Nothing is
    /// written when a value fails to serialize.
    pub(super) fn write_bind(
        &mut self,
        statement: &Statement,
        params: &[crate::render::Param<'_>],
    ) -> Result<(), Error> {
        if params.len() != statement.params.len() {
            return Err(Error::Parameter(format!(
                "the statement takes {} parameters, {} were given",
                statement.params.len(),
                params.len()
            )));
        }
        let start = self.wbuf.len();
        let mut failed: Option<(usize, String)> = None;
        let mut index = 0;
        let result = frontend::bind(
            "",
            &statement.name,
            params
                .iter()
                .zip(statement.params.iter())
                .map(|(p, t)| match p.encode_format(t) {
                    Format::Binary => 1,
                    Format::Text => 0,
                }),
            params.iter().zip(statement.params.iter()),
            |(p, ty), buf| {
                let i = index;
                index += 1;
                let before = buf.len();
                match p.to_sql_checked(ty, buf) {
                    Ok(IsNull::No) if buf.len() - before > MAX_VALUE => {
                        let reason = format!(
                            "the value is {} bytes; PostgreSQL takes at most 1 GiB \
                             ({MAX_VALUE} bytes) in one value",
                            buf.len() - before
                        );
                        failed = Some((i, reason.clone()));
                        Err(reason.into())
                    }
                    Ok(IsNull::No) => Ok(postgres_protocol::IsNull::No),
                    Ok(IsNull::Yes) => Ok(postgres_protocol::IsNull::Yes),
                    Err(e) => {
                        failed = Some((i, e.to_string()));
                        Err(e)
                    }
                }
            },
            Some(1),
            &mut self.wbuf,
        );
        if let Err(e) = result {
            self.wbuf.truncate(start);
            if let Some((i, reason)) = failed {
                if reason == crate::expr::NulInText.to_string() {
                    return Err(Error::NulInText);
                }
                return Err(Error::Parameter(format!("parameter ${}: {reason}", i + 1)));
            }
            return Err(Error::Parameter(match e {
                frontend::BindError::Conversion(e) => e.to_string(),
                frontend::BindError::Serialization(e) => e.to_string(),
            }));
        }
        Ok(())
    }

    /// The start of running `statement` (`text`: parsed again first, for an unnamed
    /// one): refused while a stream reads the connection; then Parse (if any), Bind and
    /// Describe of the portal are buffered — all of them or, when a value cannot be
    /// sent, nothing (a Parse written ahead, by catalog lookups or unnamed statements,
    /// must not be sent half).
    pub(super) async fn begin_statement(
        &mut self,
        statement: &Statement,
        text: Option<&str>,
        params: &[crate::render::Param<'_>],
    ) -> Result<(), Error> {
        if self.portal.is_some() && !self.recoverable() {
            return Err(Error::Misuse(
                "a stream is still reading this connection".into(),
            ));
        }
        self.begin_request().await?;
        let written = self
            .write_parse_ahead(statement, text)
            .and_then(|()| self.write_bind(statement, params))
            .and_then(|()| self.write_describe_portal(text.is_some()));
        if written.is_err() {
            self.wbuf.clear();
        }
        written
    }

    /// Runs a prepared statement, handing each row to `sink` as it is read; returns the
    /// number of rows affected (or returned). When `sink` fails, the rest of the result
    /// is read and dropped and its error returned.
    ///
    /// `max_rows` (0: no limit) is a guard: a result with more rows is
    /// [`Error::TooManyRows`], and the server stops after one row more (the portal is
    /// closed with the request).
    pub(crate) async fn execute<S: Sink + ?Sized>(
        &mut self,
        statement: &Statement,
        params: &[crate::render::Param<'_>],
        max_rows: u32,
        sink: &mut S,
    ) -> Result<u64, Error> {
        self.run_statement(statement, None, params, max_rows, sink)
            .await
    }

    /// [`execute`](Self::execute), with `text` (when given) parsed as the unnamed
    /// statement in the same request and the portal described (see
    /// [`Wire::execute_text`]).
    pub(super) async fn run_statement<S: Sink + ?Sized>(
        &mut self,
        statement: &Statement,
        text: Option<&str>,
        params: &[crate::render::Param<'_>],
        max_rows: u32,
        sink: &mut S,
    ) -> Result<u64, Error> {
        self.begin_statement(statement, text, params).await?;
        let limit = if max_rows == 0 {
            0
        } else {
            i32::try_from(max_rows.saturating_add(1)).unwrap_or(i32::MAX)
        };
        frontend::execute("", limit, &mut self.wbuf).map_err(|e| lost(&e))?;
        frontend::sync(&mut self.wbuf);
        self.send_request().await?;
        self.read_answer(statement, text.is_some(), max_rows, sink)
            .await
    }

    /// Reads the answer to one Bind/Execute/Sync (with the portal described when
    /// `described`) to its ReadyForQuery, handing each row to `sink`.
    #[inline]
    pub(super) async fn read_answer<S: Sink + ?Sized>(
        &mut self,
        statement: &Statement,
        described: bool,
        max_rows: u32,
        sink: &mut S,
    ) -> Result<u64, Error> {
        let mut columns = Arc::clone(&statement.columns);
        let mut failed: Option<Error> = None;
        let mut count = 0;
        loop {
            let (tag, total) = next_message!(self)?;
            if tag == b'D' {
                if failed.is_none() {
                    self.row_spans(total, columns.len())?;
                    let row = RowRef::new(&columns, &self.rbuf[..total], &self.spans);
                    if let Err(e) = sink(crate::engine::RowData::pg(row)) {
                        failed = Some(e);
                    }
                }
                self.rbuf.advance(total);
                continue;
            }
            match self.read_message().await? {
                Message::BindComplete | Message::ParseComplete | Message::CloseComplete => {}
                Message::CommandComplete(body) => {
                    count = body.tag().map(rows_of_tag).unwrap_or(0);
                }
                Message::EmptyQueryResponse | Message::NoData => {}
                Message::RowDescription(body) if described => {
                    match self.described_columns(&body, &statement.columns) {
                        Ok(described) => columns = described,
                        Err(e) => {
                            failed.get_or_insert(e);
                        }
                    }
                }
                Message::PortalSuspended => {
                    failed.get_or_insert(Error::TooManyRows {
                        limit: u64::from(max_rows),
                    });
                }
                Message::ErrorResponse(body) => {
                    failed.get_or_insert_with(|| self.server_error(body.fields()));
                }
                Message::ReadyForQuery(body) => {
                    self.ready(body.status());
                    break;
                }
                Message::NoticeResponse(body) => notice(body.fields()),
                Message::ParameterStatus(_) | Message::NotificationResponse(_) => {}
                Message::CopyInResponse(_) => {
                    return Err(Box::pin(self.refuse_copy(true, true)).await)
                }
                Message::CopyOutResponse(_) => {
                    return Err(Box::pin(self.refuse_copy(false, true)).await)
                }
                _ => {
                    return Err(self.broke(protocol("unexpected message after Execute")));
                }
            }
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(count),
        }
    }
}
