//! `sqlwright migration ...`: migrations as files, shaped like diesel_cli and Alembic.
//! The work is `sqlwright::migrate`'s (the runner embedded programs use too); this module
//! parses the command line, connects and prints.

mod act;
mod new;

use clap::{ArgGroup, Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// The exit statuses, as `--help` states them.
pub const EXIT_HELP: &str = "Exit status: 0 on success; 1 when `status` finds a changed, \
missing or dirty migration; 2 on an error (including a run, revert or redo refused because \
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
        command => act::on_database(&args.dir, args.echo, command, url),
    }
}
