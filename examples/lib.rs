//! Runnable examples: `cargo run --example quickstart`, and what they share: the database
//! they work in, picked from `DATABASE_URL` ([`portable`], [`postgres`]).

// `#[path]`: `tpch.rs` next to this file is the example program, `tpch/` the library part.
#[path = "tpch/mod.rs"]
pub mod tpch;

// `#[path]` as for `tpch`: `probe.rs` is the program, `probes/` the probes it runs.
#[path = "probes/mod.rs"]
pub mod probes;

// `#[path]` as for `tpch`: `shop.rs` is the program, `shop/` its fixed data.
#[path = "shop/mod.rs"]
pub mod shop;

use sqlwright::engine::Dialect;
use sqlwright::testing::{SqliteDatabase, TestDatabase};
use sqlwright::DatabaseUrl;

/// The database an example works in, picked from `DATABASE_URL` the way SQLAlchemy's
/// `create_engine(url)` takes a URL:
///
/// - `DATABASE_URL` set: that database. Examples create their tables there if they are
///   missing and leave tables and rows behind, so `psql`, `sqlite3` or other programs can
///   read them afterwards; a second run finds its rows there and does not fail.
/// - unset (or empty): a throwaway database, deleted when this value is dropped: a SQLite
///   file in a temporary directory ([`portable`]) or a fresh PostgreSQL database from
///   `sqlwright::testing` ([`postgres`]).
pub struct ExampleDatabase {
    url: DatabaseUrl,
    throwaway: Throwaway,
}

enum Throwaway {
    /// `DATABASE_URL`'s database: kept.
    Given,
    Sqlite(SqliteDatabase),
    Postgres(TestDatabase),
}

/// Why an example has no database to work in.
pub type SetupError = Box<dyn std::error::Error>;

/// `DATABASE_URL`, unless unset or blank.
pub fn database_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .map(|url| url.trim().to_string())
        .filter(|url| !url.is_empty())
}

fn given(url: &str) -> Result<ExampleDatabase, SetupError> {
    let url = DatabaseUrl::parse(url).map_err(|e| format!("DATABASE_URL: {e}"))?;
    Ok(ExampleDatabase {
        url,
        throwaway: Throwaway::Given,
    })
}

/// For an example whose queries run on both backends: `DATABASE_URL`'s database, whichever
/// backend its scheme names (`postgres://`, `sqlite:///path.db`), else a throwaway SQLite
/// file.
pub fn portable() -> Result<ExampleDatabase, SetupError> {
    match database_url() {
        Some(url) => given(&url),
        None => throwaway_sqlite(),
    }
}

/// For an example that needs PostgreSQL: `DATABASE_URL`'s database, refused with a message
/// naming `needs` (what the example uses that SQLite lacks) when it is a SQLite URL; else a
/// throwaway PostgreSQL database (`sqlwright::testing`: a temporary local cluster).
pub fn postgres(example: &str, needs: &str) -> Result<ExampleDatabase, SetupError> {
    match database_url() {
        Some(url) => {
            let db = given(&url)?;
            if db.is_sqlite() {
                return Err(format!(
                    "{example} needs PostgreSQL ({needs}), but DATABASE_URL names a SQLite \
                     database; set DATABASE_URL to a postgres:// URL, or unset it to use a \
                     throwaway PostgreSQL database"
                )
                .into());
            }
            Ok(db)
        }
        None => throwaway_postgres(),
    }
}

/// A throwaway SQLite file in a new temporary directory.
pub fn throwaway_sqlite() -> Result<ExampleDatabase, SetupError> {
    let db = sqlwright::testing::try_sqlite_database()?;
    Ok(ExampleDatabase {
        url: db.url().clone(),
        throwaway: Throwaway::Sqlite(db),
    })
}

/// A throwaway PostgreSQL database (`sqlwright::testing::try_database`), or why there is
/// none (no PostgreSQL installed).
pub fn throwaway_postgres() -> Result<ExampleDatabase, SetupError> {
    let db = sqlwright::testing::try_database()?;
    Ok(ExampleDatabase {
        url: db.url().clone(),
        throwaway: Throwaway::Postgres(db),
    })
}

impl ExampleDatabase {
    /// The URL to connect to (its password redacted when displayed).
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Whether it is a SQLite database.
    pub fn is_sqlite(&self) -> bool {
        self.url.dialect == Dialect::Sqlite
    }

    /// Whether it is deleted at the end (no `DATABASE_URL`).
    pub fn is_throwaway(&self) -> bool {
        !matches!(self.throwaway, Throwaway::Given)
    }

    /// One line saying which database this is and what stays there afterwards.
    pub fn describe(&self) -> String {
        match &self.throwaway {
            Throwaway::Given => format!(
                "using {} from DATABASE_URL (tables created if missing; they and their rows \
                 stay there)",
                self.url
            ),
            Throwaway::Sqlite(db) => format!(
                "using a throwaway SQLite database at {} (deleted at the end; set \
                 DATABASE_URL to keep one)",
                db.path().display()
            ),
            Throwaway::Postgres(db) => format!(
                "using a throwaway PostgreSQL database {} (dropped at the end; set \
                 DATABASE_URL to keep one)",
                db.name()
            ),
        }
    }
}
