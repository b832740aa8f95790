//! Autogenerate: the SQL that takes a live schema to the `table!` declarations (up) and
//! back (down), with what it does, what could lose data, and lint warnings.
//!
//! ```
//! use sqlwright::backend::Dialect;
//! use sqlwright::migrate::autogen::plan;
//! use sqlwright::query::Table as _;
//! use sqlwright::reflect::Catalog;
//!
//! sqlwright::table! {
//!     users (id) {
//!         #[serial] id -> Int4,
//!         #[renamed_from(mail)] email -> Text,
//!     }
//! }
//!
//! // Against an empty database: create the table; down drops it again.
//! let empty = Catalog::default();
//! let plan = plan(&[users::table::META], &empty, Dialect::Postgres).unwrap();
//! assert!(plan.up.contains("CREATE TABLE \"users\""));
//! assert!(plan.down.contains("DROP TABLE \"users\""));
//! assert!(plan.up_file().starts_with("-- "));
//! ```
//!
//! Both directions come from one differ over one model of a schema ([`plan`] diffs live →
//! declared and declared → live). Types are compared by the rules of
//! [`reflect::compare`](crate::reflect::compare), so a difference `verify-schema` reports
//! is one the plan changes. A table or column declared with `#[renamed_from(old)]` is
//! renamed when the database has the old name and not the new one. On SQLite, changes its
//! `ALTER TABLE` cannot make rebuild the table (see [`Plan::up_in_transaction`]).
//! On MySQL and MariaDB a changed column is one `ALTER TABLE .. MODIFY COLUMN` with its
//! whole definition, uniques and indexes are dropped with `DROP INDEX`, foreign keys with
//! `DROP FOREIGN KEY` (and the index InnoDB made for them), checks with `DROP CONSTRAINT`;
//! types, defaults and checks are compared in MySQL's spelling as MariaDB gives it back
//! (`int(11)` is `INT`, `current_timestamp(6)` is `now()`), so a schema made by
//! `create_all` plans nothing. DDL commits by itself there: the plan never runs in the
//! runner's transaction.

mod diff;
mod lint;
mod model;
mod mysql;
mod mysql_model;
mod mysql_norm;
mod rebuild;
mod sql;
mod table;

pub use lint::{Warning, WarningKind};

use crate::backend::Dialect;
use crate::engine::Error;
use crate::query::TableMeta;
use crate::reflect::Catalog;

/// A generated migration: up and down SQL and what they do.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The backend the SQL is written for.
    pub dialect: Dialect,
    /// The statements that take the live schema to the declarations.
    pub up: String,
    /// The statements that take the declarations' schema back to the live one.
    pub down: String,
    /// What up does, one line per change.
    pub actions: Vec<String>,
    /// What up could lose: dropped tables and columns, narrowing casts, enum labels.
    pub data_loss: Vec<String>,
    /// What down does.
    pub down_actions: Vec<String>,
    /// What down could lose (what up created, dropped again).
    pub down_data_loss: Vec<String>,
    /// The lint's warnings about up, each with the safe recipe.
    pub warnings: Vec<Warning>,
    /// Other things the reviewer should know (what a backend cannot store).
    pub notes: Vec<String>,
    /// Whether up may run inside the runner's transaction. `false` when a SQLite table
    /// that other tables reference is rebuilt: dropping the old copy with foreign keys
    /// enforced would run those tables' ON DELETE actions, and `PRAGMA foreign_keys=OFF`
    /// works only outside a transaction, so the script turns enforcement off, opens its
    /// own transaction, checks the keys (`pragma_foreign_key_check`) and commits. Always
    /// `false` on MySQL, where each DDL statement commits by itself.
    pub up_in_transaction: bool,
    /// The same for down.
    pub down_in_transaction: bool,
}

/// What [`plan_with`] leaves alone.
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    /// Live tables that are not the declarations' business (neither dropped nor changed).
    /// The migration bookkeeping table `sqlwright_migrations`, and tables whose names
    /// start with `_sqlwright`, are always left alone.
    pub ignore_tables: Vec<String>,
    /// The PostgreSQL schema the declared tables live in; empty means `public` (where
    /// `create_all` puts them when the search path is the default). Tables of other
    /// schemas are left alone. Names in the SQL are not schema-qualified (as in
    /// `create_all`): run it with that schema first on the `search_path`. SQLite reads its
    /// `main` database whatever this says.
    pub schema: String,
}

/// The migration from the `live` schema to the `declared` tables, for `dialect` (which
/// must be the catalog's: its types are compared by that backend's rules).
pub fn plan(declared: &[&TableMeta], live: &Catalog, dialect: Dialect) -> Result<Plan, Error> {
    plan_with(declared, live, dialect, &PlanOptions::default())
}

/// [`plan`] with options.
pub fn plan_with(
    declared: &[&TableMeta],
    live: &Catalog,
    dialect: Dialect,
    options: &PlanOptions,
) -> Result<Plan, Error> {
    if live.dialect != dialect {
        return Err(Error::Misuse(format!(
            "the catalog was read from {:?}, the plan is asked for {:?}: reflect the database the migration is for",
            live.dialect, dialect
        )));
    }
    for t in declared {
        if model::is_internal(t.sql_name) {
            return Err(Error::Misuse(format!(
                "table `{}`: names starting with `_sqlwright` are sqlwright's own",
                t.sql_name
            )));
        }
    }
    if dialect == Dialect::Mysql {
        // A type MySQL cannot hold, or an action InnoDB refuses: an error naming the
        // column before anything is planned.
        for t in declared {
            crate::ddl_mysql::create_table(t, false)?;
        }
    }
    let declared_model = model::declared(declared, dialect);
    let schema = match options.schema.as_str() {
        "" => "public",
        other => other,
    };
    let live_model = model::live(live, schema, &options.ignore_tables);
    let up = diff::diff(&live_model, &declared_model, dialect);
    let down = diff::diff(&declared_model, &live_model, dialect);
    let mut notes = Vec::new();
    let documented = declared
        .iter()
        .any(|t| !t.doc.trim().is_empty() || t.columns.iter().any(|c| !c.doc.trim().is_empty()));
    if dialect == Dialect::Sqlite && documented {
        notes.push(
            "doc comments are not written as database comments: SQLite has no COMMENT ON"
                .to_string(),
        );
    }
    let (up_sql, up_tx) = script(&up, dialect);
    let (down_sql, down_tx) = script(&down, dialect);
    Ok(Plan {
        dialect,
        up: up_sql,
        down: down_sql,
        actions: up.steps.iter().map(|s| s.what.clone()).collect(),
        data_loss: up.steps.iter().filter_map(|s| s.loses.clone()).collect(),
        down_actions: down.steps.iter().map(|s| s.what.clone()).collect(),
        down_data_loss: down.steps.iter().filter_map(|s| s.loses.clone()).collect(),
        warnings: up.steps.iter().filter_map(|s| s.warning.clone()).collect(),
        notes,
        up_in_transaction: up_tx,
        down_in_transaction: down_tx,
    })
}

/// A count of foreign-key violations put into a table that accepts only zero: fails the
/// migration when a rebuild left a row pointing nowhere (`PRAGMA foreign_key_check` only
/// lists them).
const FOREIGN_KEY_CHECK: &str = "CREATE TEMP TABLE \"_sqlwright_fk_check\" (\"violations\" INTEGER NOT NULL CHECK (\"violations\" = 0));\n\
INSERT INTO \"_sqlwright_fk_check\" SELECT count(*) FROM pragma_foreign_key_check;\n\
DROP TABLE \"_sqlwright_fk_check\";\n";

/// The statements of a diff as one script, and whether it runs in the runner's transaction.
fn script(d: &diff::Diff, dialect: Dialect) -> (String, bool) {
    let body: String = d.steps.iter().map(|s| s.sql.as_str()).collect();
    if dialect == Dialect::Mysql {
        // Each DDL statement commits by itself: the file runs statement by statement.
        return (body, false);
    }
    if d.rebuilds_referenced {
        let sql = format!(
            "PRAGMA foreign_keys=OFF;\nBEGIN;\n{body}{FOREIGN_KEY_CHECK}COMMIT;\nPRAGMA foreign_keys=ON;\n"
        );
        return (sql, false);
    }
    if d.rebuilds {
        // Inside the runner's transaction: key checks wait for the commit, so rows copied
        // between tables may point at each other in any order.
        return (
            format!("PRAGMA defer_foreign_keys=ON;\n{body}{FOREIGN_KEY_CHECK}"),
            true,
        );
    }
    (body, true)
}

/// One line of a `--` comment: line breaks in names would end the comment.
fn comment_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// A header comment listing `actions`, `losses` and `warnings`.
fn header(
    title: &str,
    actions: &[String],
    losses: &[String],
    extra: &[String],
    tx: bool,
    dialect: Dialect,
) -> String {
    let mut out = String::new();
    if !tx {
        // The runner's directive (part of the leading comment): run the file as it is.
        out.push_str("-- sqlwright: no-transaction\n");
    }
    out.push_str(&format!("-- {title}\n-- What it does:\n"));
    if actions.is_empty() {
        out.push_str("--   nothing\n");
    }
    for a in actions {
        out.push_str(&format!("--   - {}\n", comment_line(a)));
    }
    out.push_str("-- What could lose data:\n");
    if losses.is_empty() {
        out.push_str("--   nothing\n");
    }
    for l in losses {
        out.push_str(&format!("--   - {}\n", comment_line(l)));
    }
    if !extra.is_empty() {
        out.push_str("-- Warnings and notes:\n");
        for e in extra {
            out.push_str(&format!("--   - {}\n", comment_line(e)));
        }
    }
    if !tx && dialect == Dialect::Mysql {
        out.push_str(
            "-- MySQL commits each DDL statement by itself: the statements run one by one, \
             and a failure half way leaves those before it applied and the migration marked \
             dirty (`sqlwright migration resolve`).\n",
        );
    } else if !tx {
        out.push_str(
            "-- Runs outside the runner's transaction: it turns SQLite's foreign keys off \
             (which a transaction ignores) and opens its own.\n",
        );
    }
    out.push('\n');
    out
}

impl Plan {
    /// Whether the declarations and the live schema agree (nothing to do either way).
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty() && self.down_actions.is_empty()
    }

    /// The text of `up.sql`: a comment listing what it does, what could lose data and the
    /// lint's warnings, then the statements.
    pub fn up_file(&self) -> String {
        let extra: Vec<String> = self
            .warnings
            .iter()
            .map(Warning::to_string)
            .chain(self.notes.iter().cloned())
            .collect();
        header(
            "Generated by sqlwright from the table! declarations. Review before running.",
            &self.actions,
            &self.data_loss,
            &extra,
            self.up_in_transaction,
            self.dialect,
        ) + &self.up
    }

    /// The text of `down.sql`: the same comment for down, then the statements.
    pub fn down_file(&self) -> String {
        header(
            "Generated by sqlwright: reverts up.sql.",
            &self.down_actions,
            &self.down_data_loss,
            &[],
            self.down_in_transaction,
            self.dialect,
        ) + &self.down
    }
}

#[cfg(test)]
mod tests;
#[cfg(all(test, feature = "mysql", feature = "testing"))]
mod tests_mysql;
