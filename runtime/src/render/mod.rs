//! Lowering a typed query to SQL text plus bound parameters, in one traversal.
//!
//! [`Render::render`] walks the query once and writes into a [`SqlWriter`]: the SQL text,
//! the parameters (borrowed from the query, never copied), their declared types, and a
//! label per selected column for error messages. Text, parameters and debug output all
//! come from that one walk, so placeholders and parameters cannot disagree. Identifiers
//! are always quoted; values are always parameters.

use crate::backend::{Dialect, Encode};
use postgres_types::Type;
use std::fmt;

/// A parameter as the driver takes it: a value that says for itself how each backend
/// stores it.
pub type Param<'a> = &'a dyn Encode;

/// What logs, echo and [`Rendered`]'s `Display` show in place of a redacted parameter.
pub const REDACTED: &str = "<redacted>";

/// What a selected column is called in error messages: `table.column`, or its position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Label {
    /// A column of a table.
    Column {
        /// The table's SQL name.
        table: &'static str,
        /// The column's SQL name.
        column: &'static str,
    },
    /// Any other expression, by its 1-based position in the select list.
    Expression(usize),
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Column { table, column } => write!(f, "{table}.{column}"),
            Label::Expression(n) => write!(f, "select-list expression #{n}"),
        }
    }
}

/// The output of rendering: SQL text, parameters, their types and column labels.
///
/// Every piece written also goes into a 64-bit fingerprint of the statement (the `key` of
/// [`Rendered`]). A connection keys its prepared statements by that fingerprint, so a
/// query it has run before is rendered with [`SqlWriter::fingerprint_only`]: the same walk
/// collects the parameters, but no SQL text is built; the text is made once, the first
/// time a statement of that shape runs. Only SQL that sqlwright writes (keywords, quoted
/// identifiers, placeholders) is fingerprinted; values never are.
///
/// Parameters bound inside [`SqlWriter::redacting`] are recorded as sensitive: shown as
/// [`REDACTED`] wherever the statement is logged, sent unchanged.
pub struct SqlWriter<'a> {
    sql: String,
    text: bool,
    key: Fingerprint,
    params: Vec<Param<'a>>,
    sensitive: Vec<usize>,
    redacting: bool,
    types: Vec<Type>,
    types_key: TypesKey,
    labels: Vec<Label>,
    nul_in_text: bool,
    refused: Option<(usize, String)>,
    depth: u32,
    dialect: Dialect,
    lacking: Option<&'static str>,
    /// On MySQL, the declared type of the last value bound (a list's element type picks
    /// the column type of the `JSON_TABLE` that reads it); `None` on the other backends.
    last_type: Option<Type>,
    mysql: MysqlMarks,
}

/// From how many elements a list is matched as `IN (SELECT unnest($1))` rather than
/// `= ANY($1)` (see [`SqlWriter::in_array`]): PostgreSQL hashes `= ANY(array)` from 9
/// elements on (`MIN_ARRAY_SIZE_FOR_HASHED_SAOP`), but only for an array known when the
/// statement is planned, never in a prepared statement's generic plan.
pub const UNNEST_FROM: usize = 9;

mod cast;
mod erased;
mod fingerprint;
mod lists;
mod mysql_list;
mod mysql_shape;
mod rendered;
pub(crate) use cast::mysql_cast_type;
pub use erased::DynRender;
pub(crate) use erased::Erased;
pub(crate) use fingerprint::{Fingerprint, TypesKey};
pub(crate) use rendered::MysqlMarks;
pub use rendered::Rendered;
pub(crate) use rendered::ShownParams;

impl Default for SqlWriter<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> SqlWriter<'a> {
    /// An empty writer for PostgreSQL.
    pub fn new() -> Self {
        Self::for_dialect(Dialect::Postgres)
    }

    /// An empty writer for the backend that spells SQL as `dialect` says.
    pub fn for_dialect(dialect: Dialect) -> Self {
        SqlWriter {
            sql: String::with_capacity(128),
            text: true,
            key: Fingerprint::new(),
            params: Vec::new(),
            sensitive: Vec::new(),
            redacting: false,
            types: Vec::new(),
            types_key: TypesKey::new(),
            labels: Vec::new(),
            nul_in_text: false,
            refused: None,
            depth: 0,
            dialect,
            lacking: None,
            last_type: None,
            mysql: MysqlMarks::default(),
        }
    }

    /// A writer that collects parameters, labels and the fingerprint but builds no SQL
    /// text: for statements whose text the connection already has.
    pub fn fingerprint_only() -> Self {
        Self::fingerprint_only_for(Dialect::Postgres)
    }

    /// [`fingerprint_only`](Self::fingerprint_only) for the backend of `dialect`.
    pub fn fingerprint_only_for(dialect: Dialect) -> Self {
        SqlWriter {
            sql: String::new(),
            text: false,
            ..Self::for_dialect(dialect)
        }
    }

    /// Records that a piece written here uses `feature`, which SQLite lacks (`None`:
    /// nothing): a piece of a boxed query, whose type no longer says. On SQLite the statement
    /// is then refused before it is sent ([`Error::Unsupported`](crate::Error::Unsupported));
    /// MySQL has its own list ([`lacks_on_mysql`](Self::lacks_on_mysql)).
    #[inline]
    pub fn needs_postgres(&mut self, feature: Option<&'static str>) {
        if !matches!(self.dialect, Dialect::Postgres | Dialect::Mysql) && self.lacking.is_none() {
            self.lacking = feature;
        }
    }

    /// Records that a piece written here uses `feature`, which MySQL lacks (`None`:
    /// nothing), as [`needs_postgres`](Self::needs_postgres) does for SQLite.
    #[inline]
    pub fn lacks_on_mysql(&mut self, feature: Option<&'static str>) {
        if self.dialect == Dialect::Mysql && self.lacking.is_none() {
            self.lacking = feature;
        }
    }

    /// Records that a piece written here uses `feature`, which only MySQL has (SQLite's
    /// typed queries never get here: a compile error). PostgreSQL runs every typed query's
    /// needs without looking at them, so its statement is refused here, before it is sent
    /// ([`Error::Unsupported`](crate::Error::Unsupported)).
    #[inline]
    pub(crate) fn mysql_only(&mut self, feature: &'static str) {
        if self.dialect != Dialect::Mysql && self.lacking.is_none() {
            self.lacking = Some(feature);
        }
    }

    /// What a MySQL statement tells its connection (nothing on another backend).
    #[inline]
    pub(crate) fn mysql_marks(&mut self) -> Option<&mut MysqlMarks> {
        (self.dialect == Dialect::Mysql).then_some(&mut self.mysql)
    }

    /// How the backend this statement is for spells SQL.
    #[inline]
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Appends SQL keywords or punctuation (never user data).
    #[inline]
    pub fn sql(&mut self, text: &str) {
        self.key.bytes(b's', text.as_bytes());
        if self.text {
            self.sql.push_str(text);
        }
    }

    /// Appends SQL punctuation without adding it to the fingerprint: only for pieces that the
    /// rest of the fingerprint already determines (the separators between the rows of a
    /// multi-row VALUES list, whose row count is hashed instead).
    #[inline]
    pub(crate) fn sql_unhashed(&mut self, text: &str) {
        if self.text {
            self.sql.push_str(text);
        }
    }

    /// Adds a number to the fingerprint (a count that shapes the statement's text).
    #[inline]
    pub(crate) fn hash_count(&mut self, n: usize) {
        self.key.word(0x5000_0000_0000_0000 | n as u64);
    }

    /// Appends a quoted identifier: `"name"` (`` `name` `` on MySQL), with embedded quotes
    /// doubled.
    #[inline]
    pub fn ident(&mut self, name: &str) {
        self.key.bytes(b'i', name.as_bytes());
        if !self.text {
            return;
        }
        let quote = self.dialect.quote();
        self.sql.push(quote);
        for ch in name.chars() {
            if ch == quote {
                self.sql.push(quote);
            }
            self.sql.push(ch);
        }
        self.sql.push(quote);
    }

    /// Appends a qualified column: `"table"."column"`.
    #[inline]
    pub fn column(&mut self, table: &str, column: &str) {
        self.ident(table);
        self.key.word(u64::from(b'.'));
        if self.text {
            self.sql.push('.');
        }
        self.ident(column);
    }

    /// Appends a placeholder and records `value` as its parameter, declared as `ty`.
    #[inline]
    pub fn bind(&mut self, value: Param<'a>, ty: Type) {
        // `Type::oid` is a large match, not inlined: asked once for both hashes.
        let oid = ty.oid();
        self.key.word(0x7000_0000_0000_0000 | u64::from(oid));
        if self.redacting {
            self.sensitive.push(self.params.len());
        }
        self.params.push(value);
        // Declared types are PostgreSQL's (its statements are prepared with them); another
        // backend binds by storage class and does not keep them. Without the text they are
        // not kept either: the statement is prepared already, and its cache entry, found by
        // the fingerprint and the types' own key, has them. One match on the dialect: this
        // runs for every bound value.
        match self.dialect {
            Dialect::Postgres => {
                self.types_key.add(oid);
                if self.text {
                    self.types.push(ty);
                    self.dialect
                        .write_placeholder(&mut self.sql, self.params.len());
                }
            }
            Dialect::Mysql => {
                self.last_type = Some(ty);
                if self.text {
                    // A decimal needs no cast: it is sent as MYSQL_TYPE_NEWDECIMAL, which
                    // the server types as DECIMAL with the value's own scale.
                    self.dialect
                        .write_placeholder(&mut self.sql, self.params.len());
                }
            }
            _ => {
                if self.text {
                    self.dialect
                        .write_placeholder(&mut self.sql, self.params.len());
                }
            }
        }
    }

    /// Binds a value that has not been wrapped in a [`crate::expr::Bound`] (fields of derived
    /// structs, by reference): a text value holding a NUL byte is recorded, and the statement
    /// is refused before it is sent.
    pub fn bind_value<T: Encode>(&mut self, value: &'a T, ty: Type) {
        self.check_value(value);
        let text = crate::types::is_text(&ty);
        if text || crate::types::is_text_array(&ty) {
            // A string says so without being encoded (no buffer per value); anything else
            // is encoded once to look.
            let nul = match value.text_nul() {
                Some(nul) if text => nul,
                _ => {
                    let mut buf = bytes::BytesMut::new();
                    value.to_sql_checked(&ty, &mut buf).is_ok()
                        && crate::types::text_has_nul(&ty, &buf)
                }
            };
            if nul {
                self.nul_in_text = true;
            }
        }
        self.bind(value, ty);
    }

    /// Runs `f`; when `on`, the parameters it binds are sensitive: logs show them as
    /// [`REDACTED`], the server gets them unchanged. Called where a value is bound next to a
    /// `#[sensitive]` column ([`Render::is_sensitive`]): compared with it, assigned to it.
    #[inline]
    pub fn redacting(&mut self, on: bool, f: impl FnOnce(&mut Self)) {
        let outer = self.begin_redacting(on);
        f(self);
        self.end_redacting(outer);
    }

    /// [`redacting`](Self::redacting) without a closure: what follows, up to
    /// [`end_redacting`](Self::end_redacting) with the returned value, is redacted when `on`.
    /// The library's own pieces use this pair, so that no closure is compiled per piece
    /// (see docs/design.md, "Compile time: less code per query").
    #[doc(hidden)]
    #[inline]
    pub fn begin_redacting(&mut self, on: bool) -> bool {
        let outer = self.redacting;
        self.redacting = outer || on;
        outer
    }

    /// Ends what [`begin_redacting`](Self::begin_redacting) began.
    #[doc(hidden)]
    #[inline]
    pub fn end_redacting(&mut self, outer: bool) {
        self.redacting = outer;
    }

    /// The number of parameters bound so far.
    #[inline]
    pub fn param_count(&self) -> usize {
        self.params.len()
    }

    /// Makes room for `n` more parameters (a statement that knows how many it binds).
    #[inline]
    pub fn reserve_params(&mut self, n: usize) {
        self.params.reserve(n);
        if self.dialect == Dialect::Postgres && self.text {
            self.types.reserve(n);
        }
    }

    /// Records the label of the next selected column.
    #[inline]
    pub fn label(&mut self, label: Option<Label>) {
        if self.depth > 0 {
            return;
        }
        let n = self.labels.len() + 1;
        self.labels.push(label.unwrap_or(Label::Expression(n)));
    }

    /// Enters a nested query (a subquery, the right side of a UNION): its select list
    /// records no labels, since its columns are not the statement's.
    #[inline]
    pub fn enter_subquery(&mut self) {
        self.depth += 1;
    }

    /// Leaves a nested query.
    #[inline]
    pub fn leave_subquery(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// The SQL text so far.
    pub fn as_sql(&self) -> &str {
        &self.sql
    }

    /// Splits the writer into its parts.
    pub fn finish(self) -> Rendered<'a> {
        Rendered {
            sql: self.sql,
            key: self.key.finish(),
            has_text: self.text,
            params: self.params,
            dialect: self.dialect,
            sensitive: self.sensitive,
            types: self.types,
            types_key: self.types_key.finish(),
            labels: self.labels,
            nul_in_text: self.nul_in_text,
            refused: self.refused,
            lacking: self.lacking,
            mysql: self.mysql,
        }
    }
}

/// Renders a statement to run on `conn`: only its parameters and fingerprint when the
/// connection already has the statement prepared, with its SQL text otherwise.
pub(crate) fn render_for<'a, C: crate::engine::Executor + ?Sized>(
    conn: &mut C,
    write: &mut dyn FnMut(&mut SqlWriter<'a>),
) -> Rendered<'a> {
    let dialect = conn.connection().dialect();
    let mut out = SqlWriter::fingerprint_only_for(dialect);
    write(&mut out);
    let rendered = out.finish();
    if conn
        .connection()
        .knows_key(rendered.key, rendered.types_key)
    {
        return rendered;
    }
    let mut out = SqlWriter::for_dialect(dialect);
    write(&mut out);
    out.finish()
}

/// A piece of a query that can write itself as SQL.
pub trait Render {
    /// What this piece needs of the backend (`()` when every backend has it; see
    /// [`crate::backend::needs`]).
    type Needs: crate::backend::Needs;

    /// Writes this piece's SQL and parameters.
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>);

    /// Whether the SQL is a single term that needs no parentheses as an operand.
    fn is_atomic(&self) -> bool {
        false
    }

    /// Whether this is a condition that is absent (`filter_opt(None)`): `AND` then writes
    /// only its other side, and a WHERE clause of nothing else is left out.
    fn is_absent(&self) -> bool {
        false
    }

    /// Whether this is a column declared `#[sensitive]` (plain, or through an alias): the
    /// nodes that bind a value next to a column (comparisons, `IN`, `BETWEEN`) then bind it
    /// inside [`SqlWriter::redacting`]. Any other expression is not sensitive, even one that
    /// reads a sensitive column (`lower(password)`).
    fn is_sensitive(&self) -> bool {
        false
    }

    /// The value, when this piece is a bound value (`Bound`), for the nodes that write a
    /// value differently on some backend (an interval's parts on MySQL).
    #[doc(hidden)]
    fn bound_value(&self) -> Option<&dyn crate::backend::Encode> {
        None
    }

    /// Writes this piece as a select list, recording a label per column.
    fn render_select<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.label(self.label());
        self.render(out);
        out.end_item();
    }

    /// The label of this expression as a selected column.
    fn label(&self) -> Option<Label> {
        None
    }

    /// Writes this piece as a HAVING condition ([`SqlWriter::having`]; an AND writes each
    /// side as one).
    #[doc(hidden)]
    fn render_having<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.having(|out| self.render(out));
    }

    /// The number of arguments a function's argument list (a tuple) holds; 1 for anything
    /// else.
    #[doc(hidden)]
    fn argument_count(&self) -> usize {
        1
    }

    /// Writes a function's argument list (a tuple) with its element `at` as an integer
    /// literal on MySQL (see [`SqlWriter::integer_literal`]); anything but a tuple writes
    /// itself as [`render`](Self::render) does.
    #[doc(hidden)]
    fn render_literal_at<'a>(&'a self, out: &mut SqlWriter<'a>, at: usize, what: &'static str) {
        let _ = (at, what);
        self.render(out);
    }
}

/// Renders `e`, parenthesised unless it is a single term.
pub fn operand<'a, E: Render + ?Sized>(e: &'a E, out: &mut SqlWriter<'a>) {
    if e.is_atomic() {
        e.render(out);
    } else {
        out.sql("(");
        e.render(out);
        out.sql(")");
    }
}

macro_rules! tuple_render {
    ($(($first:ident $($t:ident)*))*) => {$(
        #[allow(non_snake_case)]
        impl<$first: Render, $($t: Render),*> Render for ($first, $($t,)*) {
            type Needs = crate::__tuple_needs!($first $($t)*);
            fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
                let ($first, $($t,)*) = self;
                $first.render(out);
                $( out.sql(", "); $t.render(out); )*
            }
            fn render_select<'a>(&'a self, out: &mut SqlWriter<'a>) {
                let ($first, $($t,)*) = self;
                $first.render_select(out);
                $( out.sql(", "); $t.render_select(out); )*
            }
            fn argument_count(&self) -> usize {
                [stringify!($first) $(, stringify!($t))*].len()
            }
            #[allow(unused_mut, unused_assignments)]
            fn render_literal_at<'a>(
                &'a self,
                out: &mut SqlWriter<'a>,
                at: usize,
                what: &'static str,
            ) {
                let ($first, $($t,)*) = self;
                let mut i = 0usize;
                if at == i {
                    out.integer_literal(what, |out| $first.render(out));
                } else {
                    $first.render(out);
                }
                $(
                    i += 1;
                    out.sql(", ");
                    if at == i {
                        out.integer_literal(what, |out| $t.render(out));
                    } else {
                        $t.render(out);
                    }
                )*
            }
        }
    )*};
}

/// The needs of a tuple's elements, folded with [`Both`](crate::backend::needs::Both).
#[doc(hidden)]
#[macro_export]
macro_rules! __tuple_needs {
    ($only:ident) => { <$only as $crate::render::Render>::Needs };
    ($first:ident $($rest:ident)+) => {
        $crate::backend::needs::Both<<$first as $crate::render::Render>::Needs, $crate::__tuple_needs!($($rest)+)>
    };
}

crate::for_tuples!(tuple_render);

#[cfg(test)]
mod tests;
