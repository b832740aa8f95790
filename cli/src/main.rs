//! `sqlwright`: the command line of sqlwright.
//!
//! - `sqlwright print-schema` prints `table!` declarations for the tables of a live
//!   database (SQLAlchemy's `MetaData.reflect`, written out as code the compiler checks).
//! - `sqlwright verify-schema FILE...` compares the `table!` declarations in Rust source
//!   files with the live database and lists every difference by `table.column`.
//!
//! - `sqlwright migration new|run|revert|redo|status|resolve` manages migrations as
//!   `up.sql`/`down.sql` files (see `sqlwright::migrate`).
//!
//! All connect with `--database-url` or `DATABASE_URL`: a PostgreSQL server
//! (`postgres://...`), a SQLite file (`sqlite:///relative.db`, `sqlite:////absolute.db`) or a
//! MySQL/MariaDB database (`mysql://user:password@host/database`).

mod declared;
mod migration;

use clap::{Args, Parser, Subcommand};
use sqlwright::backend::Dialect;
use sqlwright::reflect::{self, Catalog, PrintOptions, ReflectOptions};
use sqlwright::{Connection, DatabaseUrl, Mysql, Sqlite};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "sqlwright",
    version,
    about = "Print table! declarations for an existing PostgreSQL, SQLite or MySQL database, check declarations against it, and run migrations",
    after_help = "Exit status: 0 on success, 1 when verify-schema finds differences (or `migration status` a changed, missing or dirty migration, or `migration check` a disagreement), 2 on an error."
)]
struct Cli {
    /// The database: postgres://user:password@host:port/database, or a SQLite file as
    /// sqlite:///relative/path.db or sqlite:////absolute/path.db (default: $DATABASE_URL).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    database_url: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print `table!` declarations (with keys, constraints and comments) for the database's
    /// tables, referenced tables first, so the output compiles as is.
    PrintSchema(PrintArgs),
    /// Compare the `table!` declarations in Rust source files with the database: missing
    /// tables and columns, types, nullability, primary keys.
    VerifySchema(VerifyArgs),
    /// Migrations as SQL files: new, generate, check, run, revert, redo, status (list),
    /// resolve.
    Migration(migration::MigrationArgs),
}

#[derive(Args, Debug)]
struct Common {
    /// Read only this schema (repeatable; default: every schema but PostgreSQL's own;
    /// SQLite has one, `main`).
    #[arg(long = "schema", value_name = "SCHEMA")]
    schemas: Vec<String>,
    /// Map an SQL type sqlwright does not know to a Rust SQL-type marker:
    /// `--map-type mood=crate::sql_types::Mood` (repeatable).
    #[arg(long = "map-type", value_name = "SQLNAME=RUSTPATH", value_parser = parse_map)]
    map_types: Vec<(String, String)>,
}

#[derive(Args, Debug)]
struct PrintArgs {
    #[command(flatten)]
    common: Common,
    /// Print only these tables (`name` or `schema.name`; repeatable).
    #[arg(long, value_name = "TABLE")]
    only: Vec<String>,
    /// Leave these tables out (`name` or `schema.name`; repeatable).
    #[arg(long, value_name = "TABLE")]
    except: Vec<String>,
    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct VerifyArgs {
    #[command(flatten)]
    common: Common,
    /// Rust source files holding `table!` declarations.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

fn parse_map(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((sql, rust)) if !sql.trim().is_empty() && !rust.trim().is_empty() => {
            Ok((sql.trim().to_string(), rust.trim().to_string()))
        }
        _ => Err(format!(
            "expected SQLNAME=RUSTPATH (e.g. mood=crate::Mood), got `{text}`"
        )),
    }
}

/// The schema of the database `url` names (PostgreSQL or SQLite).
fn reflect_database(url: Option<&str>, common: &Common) -> Result<Catalog, String> {
    let url = url.ok_or(
        "no database given: pass --database-url postgres://user:password@host/database (or sqlite:///path.db, mysql://user:password@host/database) or set DATABASE_URL",
    )?;
    let url = DatabaseUrl::parse(url).map_err(|e| e.to_string())?;
    let options = ReflectOptions {
        schemas: common.schemas.clone(),
    };
    let catalog = if url.dialect == Dialect::Sqlite {
        // Opening a SQLite file that does not exist would create an empty one.
        if let Some(path) = url.database.as_deref().filter(|p| *p != ":memory:") {
            if !std::path::Path::new(path).is_file() {
                return Err(format!("no SQLite database at {path}"));
            }
        }
        let mut conn = Connection::<Sqlite>::open_url(&url).map_err(|e| e.to_string())?;
        reflect::reflect(&mut conn, &options)
    } else if url.dialect == Dialect::Mysql {
        let mut conn = Connection::<Mysql>::open_url(&url).map_err(|e| e.to_string())?;
        reflect::reflect(&mut conn, &options)
    } else {
        let mut conn = Connection::connect_url(&url).map_err(|e| e.to_string())?;
        reflect::reflect(&mut conn, &options)
    };
    catalog.map_err(|e| e.to_string())
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    // Declarations are read before connecting: a mistake in them needs no database.
    let tables = match &cli.command {
        Command::VerifySchema(args) => declared::read_files(&args.files, &args.common.map_types)?,
        Command::PrintSchema(_) | Command::Migration(_) => Vec::new(),
    };
    let url = cli.database_url.as_deref();
    match cli.command {
        Command::Migration(args) => migration::run(args, url),
        Command::PrintSchema(args) => {
            let catalog = reflect_database(url, &args.common)?;
            let options = PrintOptions {
                only: args.only,
                except: args.except,
                map_types: args.common.map_types,
            };
            let printed = reflect::print_schema(&catalog, &options).map_err(|e| e.to_string())?;
            match args.output {
                Some(path) => std::fs::write(&path, printed)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
                None => print!("{printed}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::VerifySchema(args) => {
            let catalog = reflect_database(url, &args.common)?;
            let metas: Vec<&sqlwright::query::TableMeta> = tables.iter().collect();
            let drift = reflect::compare(&catalog, &metas);
            if drift.is_empty() {
                println!("the database matches all {} declared tables", tables.len());
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "{} difference{} between the declarations and the database:",
                drift.len(),
                if drift.len() == 1 { "" } else { "s" }
            );
            for d in &drift {
                println!("  {d}");
            }
            Ok(ExitCode::from(1))
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("sqlwright: {message}");
            ExitCode::from(2)
        }
    }
}
