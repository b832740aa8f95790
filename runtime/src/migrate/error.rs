//! What can go wrong with migrations, each case naming the migration it is about.

use crate::engine::Error;
use std::fmt;
use std::path::PathBuf;

/// A migration error. Each variant names the migration (version and name) or the file it
/// is about.
#[derive(Debug)]
#[non_exhaustive]
pub enum MigrateError {
    /// A migrations directory, or a file in it, could not be read or is malformed.
    Load {
        /// The path at fault.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Two migrations have the same version.
    DuplicateVersion {
        /// The version.
        version: u64,
        /// The two migrations' directories.
        paths: [PathBuf; 2],
    },
    /// An applied migration's `up.sql` is not the one that was applied: its SHA-256 differs.
    Changed {
        /// The version.
        version: u64,
        /// The migration's name.
        name: String,
        /// The checksum recorded when it was applied.
        recorded: String,
        /// The checksum of the file now.
        now: String,
    },
    /// A migration the database records as applied has no files.
    Missing {
        /// The version.
        version: u64,
        /// The name it was applied under.
        name: String,
    },
    /// A migration that runs outside a transaction failed half-way: the database is in an
    /// unknown state until [`Migrations::resolve`](super::Migrations::resolve) says which.
    Dirty {
        /// The version.
        version: u64,
        /// The migration's name.
        name: String,
    },
    /// A pending migration is older than the newest applied one (a branch merged late):
    /// applying it would run history out of order.
    OutOfOrder {
        /// The pending migration's version.
        version: u64,
        /// Its name.
        name: String,
        /// The newest applied version.
        latest: u64,
    },
    /// A version named in a command is not one of the migrations (or, for `resolve`, not
    /// one marked dirty).
    UnknownVersion {
        /// The version asked for.
        version: u64,
        /// Why it cannot be used.
        reason: String,
    },
    /// A request that cannot be carried out as asked (reverting more migrations than are
    /// applied, running inside a transaction).
    Misuse(String),
    /// A migration's SQL failed. When it ran in a transaction nothing of it is left; when it
    /// did not, the migration is marked dirty.
    Failed {
        /// The version.
        version: u64,
        /// The migration's name.
        name: String,
        /// `up.sql` or `down.sql`.
        file: &'static str,
        /// Whether the migration is now marked dirty (it ran outside a transaction).
        dirty: bool,
        /// The database's error.
        source: Box<Error>,
    },
    /// The database failed outside a migration's SQL (the bookkeeping table, the lock).
    Database(Box<Error>),
}

impl From<Error> for MigrateError {
    fn from(e: Error) -> Self {
        MigrateError::Database(Box::new(e))
    }
}

impl fmt::Display for MigrateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MigrateError::Load { path, reason } => write!(f, "{}: {reason}", path.display()),
            MigrateError::DuplicateVersion { version, paths } => write!(
                f,
                "two migrations have version {version}: {} and {}",
                paths[0].display(),
                paths[1].display()
            ),
            MigrateError::Changed {
                version,
                name,
                recorded,
                now,
            } => write!(
                f,
                "migration {version}_{name} was changed after it was applied: its up.sql has \
                 SHA-256 {now}, the one applied had {recorded}; put the change in a new \
                 migration (or restore the file)"
            ),
            MigrateError::Missing { version, name } => write!(
                f,
                "migration {version}_{name} is applied in the database but its files are \
                 missing from the migrations"
            ),
            MigrateError::Dirty { version, name } => write!(
                f,
                "migration {version}_{name} ran outside a transaction and did not finish: the \
                 database may hold part of it; repair it by hand, then mark it with \
                 `sqlwright migration resolve {version} --applied` or `--rolled-back`"
            ),
            MigrateError::OutOfOrder {
                version,
                name,
                latest,
            } => write!(
                f,
                "migration {version}_{name} is pending but older than the newest applied \
                 migration ({latest}); give it a newer version (rename its directory)"
            ),
            MigrateError::UnknownVersion { version, reason } => {
                write!(f, "version {version}: {reason}")
            }
            MigrateError::Misuse(message) => f.write_str(message),
            MigrateError::Failed {
                version,
                name,
                file,
                dirty,
                source,
            } => {
                write!(f, "migration {version}_{name} failed in {file}: {source}")?;
                if *dirty {
                    write!(
                        f,
                        "; it ran outside a transaction, so it is marked dirty: repair the \
                         database, then run `sqlwright migration resolve {version} --applied` \
                         or `--rolled-back`"
                    )
                } else {
                    f.write_str("; its transaction was rolled back, nothing of it was kept")
                }
            }
            MigrateError::Database(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for MigrateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MigrateError::Failed { source, .. } => Some(&**source),
            MigrateError::Database(e) => Some(&**e),
            _ => None,
        }
    }
}
