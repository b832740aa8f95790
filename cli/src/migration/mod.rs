//! `sqlwright migration ...`: migrations as files, shaped like diesel_cli and Alembic.
//! The work is `sqlwright::migrate`'s (the runner embedded programs use too); this module
//! parses the command line, connects and prints.

mod act;
mod generate;
mod new;

use clap::{ArgGroup, Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// The exit statuses, as `--help` states them.
pub const EXIT_HELP: &str = "Exit status: 0 on success; 1 when `status` finds a changed, \
missing or dirty migration, or `check` finds that the declarations and the migrations \
disagree; 2 on an error (including a run, revert or redo refused because \
an applied migration was changed, is missing or is dirty).";

#[derive(Args, Debug)]
#[command(after_help = EXIT_HELP)]
pub struct MigrationArgs {
    /// The migrations directory: one `<version>_<name>/` directory per migration, holding
    /// `up.sql` and `down.sql`.
    #[arg(long, value_name = "DIR", default_value = "migrations", global = true)]
    pub dir: PathBuf,
    /// Print each step and each SQL statement to standard error.
    #[arg(long, global = true)]
    pub echo: bool,

    #[command(subcommand)]
    pub command: MigrationCommand,
}

#[derive(Subcommand, Debug)]
pub enum MigrationCommand {
    /// Create `<DIR>/<UTC timestamp>_<NAME>/` with empty up.sql and down.sql to fill in.
    New {
        /// What the migration does, in letters, digits, `_` and `-` (`add_users_email`).
        name: String,
    },
    /// Apply the pending migrations, oldest first, each in its own transaction (unless its
    /// first lines hold `-- sqlwright: no-transaction`).
    Run {
        /// Stop after this version (default: apply all).
        #[arg(long, value_name = "VERSION")]
        to: Option<u64>,
    },
    /// Revert the newest applied migrations with their down.sql.
    Revert {
        /// How many to revert.
        #[arg(short = 'n', long = "steps", value_name = "N", default_value_t = 1)]
        steps: usize,
    },
    /// Revert the newest applied migration and apply it again (after editing it).
    Redo,
    /// List every migration: applied, pending, changed (up.sql edited after it was
    /// applied), missing (applied, files gone) or dirty.
    #[command(visible_alias = "list")]
    Status,
    /// Write the next migration from the `table!` declarations in FILE...: the schema the
    /// existing migrations produce (replayed on a scratch database on the server the
    /// database URL names, or in memory for SQLite; the database itself is not touched)
    /// is compared with the declarations, and up.sql/down.sql are written for the
    /// difference, each starting with what it does, what could lose data, and warnings.
    /// Renames come from `#[renamed_from(old)]` in the declarations.
    Generate {
        /// What the migration does, in letters, digits, `_` and `-`.
        name: String,
        /// Rust source files holding `table!` declarations.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Map an SQL type sqlwright does not know to a Rust SQL-type marker
        /// (`--map-type mood=crate::Mood`, repeatable).
        #[arg(long = "map-type", value_name = "SQLNAME=RUSTPATH", value_parser = crate::parse_map)]
        map_types: Vec<(String, String)>,
    },
    /// Exit with status 1 when the declarations in FILE... and the migrations disagree
    /// (what `generate` would write is printed): for CI, like `alembic check`.
    Check {
        /// Rust source files holding `table!` declarations.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// As for `generate`.
        #[arg(long = "map-type", value_name = "SQLNAME=RUSTPATH", value_parser = crate::parse_map)]
        map_types: Vec<(String, String)>,
    },
    /// Record what became of a dirty migration (one that ran outside a transaction and
    /// failed half-way) once the database was repaired by hand.
    #[command(group(ArgGroup::new("outcome").required(true).args(["applied", "rolled_back"])))]
    Resolve {
        /// The dirty migration's version.
        version: u64,
        /// Its effect is in the database: keep it as applied.
        #[arg(long)]
        applied: bool,
        /// Its effect is not in the database: forget it, so that `run` applies it again.
        #[arg(long)]
        rolled_back: bool,
    },
}

/// Runs `sqlwright migration ...` against the database `url` names.
pub fn run(args: MigrationArgs, url: Option<&str>) -> Result<ExitCode, String> {
    match &args.command {
        MigrationCommand::New { name } => new::create(&args.dir, name),
        MigrationCommand::Generate {
            name,
            files,
            map_types,
        } => generate::generate(&args.dir, name, files, map_types, url),
        MigrationCommand::Check { files, map_types } => {
            generate::check(&args.dir, files, map_types, url)
        }
        command => act::on_database(&args.dir, args.echo, command, url),
    }
}
