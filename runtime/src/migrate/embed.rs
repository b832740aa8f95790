//! Migrations compiled into the program by [`embed_migrations!`](crate::embed_migrations).

use super::store::MigrationBackend;
use super::{MigrateError, Migration, Migrations, Target};
use crate::engine::Executor;
use std::borrow::Cow;
use std::path::PathBuf;

/// One migration's files, as `embed_migrations!` includes them. Not for use by hand.
#[doc(hidden)]
#[derive(Debug)]
pub struct EmbeddedMigration {
    /// The directory name, `<version>_<name>`.
    pub dir: &'static str,
    /// `up.sql`.
    pub up: &'static str,
    /// `down.sql`.
    pub down: &'static str,
}

/// The migrations of a directory, compiled into the program by
/// [`embed_migrations!`](crate::embed_migrations): apply them at start-up with
/// [`run_pending`](Self::run_pending).
///
/// The path is relative to the crate's `Cargo.toml` (usually `"migrations"`; this example
/// lives in sqlwright's own crate and uses its test fixtures):
///
/// ```no_run
/// static MIGRATIONS: sqlwright::migrate::EmbeddedMigrations =
///     sqlwright::embed_migrations!("../tests/fixtures/migrations");
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut conn = sqlwright::Connection::connect("postgres://postgres@localhost/shop")?;
/// let applied = MIGRATIONS.run_pending(&mut conn)?;
/// println!("applied {applied:?}");
/// # Ok(()) }
/// ```
///
/// A directory that is not there is a compile error naming it:
///
/// ```compile_fail
/// static MIGRATIONS: sqlwright::migrate::EmbeddedMigrations =
///     sqlwright::embed_migrations!("no/such/directory");
/// ```
#[derive(Debug)]
pub struct EmbeddedMigrations {
    files: &'static [EmbeddedMigration],
}

impl EmbeddedMigrations {
    /// The files, as the macro lists them. Not for use by hand.
    #[doc(hidden)]
    pub const fn __new(files: &'static [EmbeddedMigration]) -> Self {
        EmbeddedMigrations { files }
    }

    /// The migrations, checked as [`Migrations::from_dir`] checks a directory.
    pub fn migrations(&self) -> Result<Migrations, MigrateError> {
        let list = self
            .files
            .iter()
            .map(|f| {
                Migration::new(
                    f.dir,
                    PathBuf::from(f.dir),
                    Cow::Borrowed(f.up),
                    Cow::Borrowed(f.down),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        Migrations::from_list(list)
    }

    /// Applies the migrations the database has not had yet, with the same checks, lock and
    /// bookkeeping as `sqlwright migration run` (it is the same runner:
    /// [`Migrations::run`] to [`Target::Latest`]); returns the versions applied.
    pub fn run_pending<E>(&self, conn: &mut E) -> Result<Vec<u64>, MigrateError>
    where
        E: Executor + ?Sized,
        E::Backend: MigrationBackend,
    {
        self.migrations()?.run(conn, Target::Latest)
    }
}
