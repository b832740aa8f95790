//! The subcommands that act on a database: run, revert, redo, status, resolve.

use super::MigrationCommand;
use sqlwright::backend::Dialect;
use sqlwright::migrate::{MigrationBackend, MigrationState, Migrations, Resolution, Target};
use sqlwright::{Connection, DatabaseUrl, Mysql, Sqlite};
use std::path::Path;
use std::process::ExitCode;

/// Loads the migrations under `dir`, connects to `url` and carries out `command`.
pub fn on_database(
    dir: &Path,
    echo: bool,
    command: &MigrationCommand,
    url: Option<&str>,
) -> Result<ExitCode, String> {
    // The files are read first: a mistake in them needs no database.
    let migrations = Migrations::from_dir(dir)
        .map_err(|e| e.to_string())?
        .echo(echo);
    let url = url.ok_or(
        "no database given: pass --database-url postgres://user:password@host/database (or sqlite:///path.db, mysql://user:password@host/database) or set DATABASE_URL",
    )?;
    let url = DatabaseUrl::parse(url).map_err(|e| e.to_string())?;
    if url.dialect == Dialect::Sqlite {
        let mut conn = Connection::<Sqlite>::open_url(&url).map_err(|e| e.to_string())?;
        conn.set_echo(echo);
        act(&mut conn, &migrations, command)
    } else if url.dialect == Dialect::Mysql {
        let mut conn = Connection::<Mysql>::open_url(&url).map_err(|e| e.to_string())?;
        conn.set_echo(echo);
        act(&mut conn, &migrations, command)
    } else {
        let mut conn = Connection::connect_url(&url).map_err(|e| e.to_string())?;
        conn.set_echo(echo);
        act(&mut conn, &migrations, command)
    }
}

fn label(migrations: &Migrations, version: u64) -> String {
    match migrations.get(version) {
        Some(m) => m.label(),
        None => version.to_string(),
    }
}

fn act<B: MigrationBackend>(
    conn: &mut Connection<B>,
    migrations: &Migrations,
    command: &MigrationCommand,
) -> Result<ExitCode, String> {
    let fail = |e: sqlwright::migrate::MigrateError| e.to_string();
    match command {
        MigrationCommand::New { .. }
        | MigrationCommand::Generate { .. }
        | MigrationCommand::Check { .. } => {
            return Err("not a command that acts on the database".into())
        }
        MigrationCommand::Run { to } => {
            let target = to.map_or(Target::Latest, Target::Version);
            let applied = migrations.run(conn, target).map_err(fail)?;
            if applied.is_empty() {
                println!("nothing to apply: the database is up to date");
            }
            for version in applied {
                println!("applied {}", label(migrations, version));
            }
        }
        MigrationCommand::Revert { steps } => {
            for version in migrations.revert(conn, *steps).map_err(fail)? {
                println!("reverted {}", label(migrations, version));
            }
        }
        MigrationCommand::Redo => {
            let version = migrations.redo(conn).map_err(fail)?;
            println!("reverted and applied again {}", label(migrations, version));
        }
        MigrationCommand::Status => {
            let lines = migrations.status(conn).map_err(fail)?;
            if lines.is_empty() {
                println!("no migrations");
            }
            let mut trouble = false;
            for line in &lines {
                trouble |= !matches!(
                    line.state,
                    MigrationState::Applied | MigrationState::Pending
                );
                let when = match &line.applied {
                    Some(row) => format!("  {} ({} ms)", row.applied_at, row.duration_ms),
                    None => String::new(),
                };
                println!(
                    "{:<8} {}_{}{when}",
                    line.state.as_str(),
                    line.version,
                    line.name
                );
            }
            if trouble {
                return Ok(ExitCode::from(1));
            }
        }
        MigrationCommand::Resolve {
            version,
            applied,
            rolled_back: _,
        } => {
            let resolution = if *applied {
                Resolution::Applied
            } else {
                Resolution::RolledBack
            };
            migrations
                .resolve(conn, *version, resolution)
                .map_err(fail)?;
            match resolution {
                Resolution::Applied => println!("{version} is recorded as applied"),
                Resolution::RolledBack => {
                    println!("{version} is forgotten: `migration run` applies it again")
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
