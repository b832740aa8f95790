//! A TPC-H harness: the schema ([`schema`]), data from the `tpchgen` crate ([`load`]), the 22
//! queries as hand-written SQL ([`sql`]) and as typed sqlwright queries ([`queries`]), and
//! their results as PostgreSQL prints them ([`text`], [`ResultSet`], [`write_csv`]).
//!
//! `cargo run --release --example tpch -- --sf 0.01 --out DIR` loads the data and writes
//! `DIR/q01.csv` .. `DIR/q22.csv`.
//!
//! On SQLite, [`load::load_sqlite`] loads the same rows into a SQLite database and
//! [`queries::run_portable`] runs the 10 queries that compile for SQLite
//! ([`queries::PORTABLE`]); the other 12 are compile errors there, each listed with the
//! feature it lacks ([`queries::POSTGRES_ONLY`]). On MySQL and MariaDB,
//! [`load::load_mysql`] loads them with TPC-H's own DDL and all 22 compile
//! ([`queries::run_dated`]: the 12 others use date arithmetic, date casts and
//! `extract(year ..)`, which MySQL computes as PostgreSQL does). The example program stays
//! on PostgreSQL.

pub mod dated;
pub mod load;
pub mod queries;
pub mod schema;
pub mod sql;
pub mod text;

use std::io;
use std::path::Path;
use text::PgRow;

/// The result of one query: column names, and each row's values as PostgreSQL's text
/// output shows them (`None` for NULL).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultSet {
    /// The result's column names, in order.
    pub columns: Vec<String>,
    /// The rows, each with one value per column.
    pub rows: Vec<Vec<Option<String>>>,
}

impl ResultSet {
    /// A result from column names and rows of Rust values printed with [`PgRow`]: how the
    /// typed queries turn their rows into the form the hand-written SQL gives.
    pub fn from_rows<R: PgRow>(columns: &[&str], rows: impl IntoIterator<Item = R>) -> ResultSet {
        ResultSet {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: rows.into_iter().map(|r| r.pg_row()).collect(),
        }
    }

    /// The result as CSV text: a header line of the column names, then one line per row,
    /// fields separated by `|`, NULL as an empty field, each line ending in `\n`. Values
    /// are written as they are (TPC-H's values hold no `|` or line breaks).
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.columns.join("|"));
        out.push('\n');
        for row in &self.rows {
            for (i, value) in row.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                if let Some(value) = value {
                    out.push_str(value);
                }
            }
            out.push('\n');
        }
        out
    }
}

/// Writes `result` to `path` as [`ResultSet::to_csv`] gives it.
pub fn write_csv(result: &ResultSet, path: impl AsRef<Path>) -> io::Result<()> {
    std::fs::write(path, result.to_csv())
}

/// The file name of query `n`'s result: `q01.csv` .. `q22.csv`.
pub fn csv_name(n: usize) -> String {
    format!("q{n:02}.csv")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_header_and_empty_fields_for_null() {
        let result = ResultSet::from_rows(
            &["a", "b", "c"],
            [(1i32, Some("x"), 2.5f64), (2, None, -0.0)],
        );
        assert_eq!(result.to_csv(), "a|b|c\n1|x|2.5\n2||-0\n");
        let empty = ResultSet::from_rows::<(i32,)>(&["n"], []);
        assert_eq!(empty.to_csv(), "n\n");
        assert_eq!(csv_name(1), "q01.csv");
        assert_eq!(csv_name(22), "q22.csv");
    }
}
