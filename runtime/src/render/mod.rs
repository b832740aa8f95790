//! Lowering a typed query to SQL text plus bound parameters, in one traversal.
//!
//! [`Render::render`] walks the query once and writes into a [`SqlWriter`]: the SQL text,
//! the parameters (borrowed from the query, never copied), their declared types, and a
//! label per selected column for error messages. Text, parameters and debug output all
//! come from that one walk, so placeholders and parameters cannot disagree. Identifiers
//! are always quoted; values are always parameters.

use postgres::types::{ToSql, Type};
use std::fmt::{self, Write as _};

/// A parameter as the driver takes it.
pub type Param<'a> = &'a (dyn ToSql + Sync);

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
pub struct SqlWriter<'a> {
    sql: String,
    params: Vec<Param<'a>>,
    types: Vec<Type>,
    labels: Vec<Label>,
    nul_in_text: bool,
}

impl Default for SqlWriter<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'a> SqlWriter<'a> {
    /// An empty writer.
    pub fn new() -> Self {
        SqlWriter {
            sql: String::with_capacity(128),
            params: Vec::new(),
            types: Vec::new(),
            labels: Vec::new(),
            nul_in_text: false,
        }
    }

    /// Appends SQL keywords or punctuation (never user data).
    pub fn sql(&mut self, text: &str) {
        self.sql.push_str(text);
    }

    /// Appends a quoted identifier: `"name"`, with embedded quotes doubled.
    pub fn ident(&mut self, name: &str) {
        self.sql.push('"');
        for ch in name.chars() {
            if ch == '"' {
                self.sql.push('"');
            }
            self.sql.push(ch);
        }
        self.sql.push('"');
    }

    /// Appends a qualified column: `"table"."column"`.
    pub fn column(&mut self, table: &str, column: &str) {
        self.ident(table);
        self.sql.push('.');
        self.ident(column);
    }

    /// Appends a placeholder and records `value` as its parameter, declared as `ty`.
    pub fn bind(&mut self, value: Param<'a>, ty: Type) {
        self.params.push(value);
        self.types.push(ty);
        let _ = write!(self.sql, "${}", self.params.len());
    }

    /// Binds a value that has not been wrapped in a [`crate::expr::Bound`] (fields of derived
    /// structs, by reference): a text value holding a NUL byte is recorded, and the statement
    /// is refused before it is sent.
    pub fn bind_value<T: ToSql + Sync>(&mut self, value: &'a T, ty: Type) {
        if [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME].contains(&ty) {
            let mut buf = bytes::BytesMut::new();
            if value.to_sql_checked(&ty, &mut buf).is_ok() && buf.contains(&0) {
                self.nul_in_text = true;
            }
        }
        self.bind(value, ty);
    }

    /// Records the label of the next selected column.
    pub fn label(&mut self, label: Option<Label>) {
        let n = self.labels.len() + 1;
        self.labels.push(label.unwrap_or(Label::Expression(n)));
    }

    /// The SQL text so far.
    pub fn as_sql(&self) -> &str {
        &self.sql
    }

    /// Splits the writer into its parts.
    pub fn finish(self) -> Rendered<'a> {
        Rendered {
            sql: self.sql,
            params: self.params,
            types: self.types,
            labels: self.labels,
            nul_in_text: self.nul_in_text,
        }
    }
}

/// A rendered statement, ready to execute or to show.
pub struct Rendered<'a> {
    /// The SQL text with `$1`, `$2`, ... placeholders.
    pub sql: String,
    /// The parameters, in placeholder order.
    pub params: Vec<Param<'a>>,
    /// The declared type of each parameter.
    pub types: Vec<Type>,
    /// The label of each selected column.
    pub labels: Vec<Label>,
    /// Whether a text parameter holds a NUL byte (the statement must not be sent).
    pub nul_in_text: bool,
}

impl fmt::Display for Rendered<'_> {
    /// Shows the SQL followed by its parameters, as a comment: for logs and debugging.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql)?;
        if !self.params.is_empty() {
            f.write_str(" -- binds: [")?;
            for (i, p) in self.params.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{p:?}")?;
            }
            f.write_str("]")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rendered")
            .field("sql", &self.sql)
            .field("params", &self.params)
            .finish()
    }
}

/// A piece of a query that can write itself as SQL.
pub trait Render {
    /// Writes this piece's SQL and parameters.
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>);

    /// Whether the SQL is a single term that needs no parentheses as an operand.
    fn is_atomic(&self) -> bool {
        false
    }

    /// Writes this piece as a select list, recording a label per column.
    fn render_select<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.label(self.label());
        self.render(out);
    }

    /// The label of this expression as a selected column.
    fn label(&self) -> Option<Label> {
        None
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
        }
    )*};
}

crate::for_tuples!(tuple_render);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_and_escaped() {
        let mut w = SqlWriter::new();
        w.ident("order");
        w.sql(" ");
        w.ident("we\"ird");
        w.sql(" ");
        w.column("пользователь_", "имя");
        assert_eq!(w.as_sql(), r#""order" "we""ird" "пользователь_"."имя""#);
    }

    #[test]
    fn placeholders_count_parameters() {
        let (a, b) = (1i32, "x");
        let mut w = SqlWriter::new();
        w.bind(&a, Type::INT4);
        w.sql(" ");
        w.bind(&b, Type::TEXT);
        let r = w.finish();
        assert_eq!(r.sql, "$1 $2");
        assert_eq!(r.types, vec![Type::INT4, Type::TEXT]);
        assert_eq!(r.to_string(), "$1 $2 -- binds: [1, \"x\"]");
    }
}
