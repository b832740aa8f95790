//! Migrations: the history of a schema as reviewable SQL files, applied in order and
//! recorded in the database; [`autogen`] writes them from the `table!` declarations.
//!
//! A migrations directory holds one directory per migration, `<version>_<name>`, with an
//! `up.sql` that applies it and a `down.sql` that reverts it (`sqlwright migration new`
//! makes them, the version a UTC timestamp `YYYYMMDDHHMMSS`). [`Migrations::from_dir`]
//! loads and checks them; [`Migrations::run`], [`revert`](Migrations::revert),
//! [`redo`](Migrations::redo), [`status`](Migrations::status) and
//! [`resolve`](Migrations::resolve) act on a database; [`embed_migrations!`](crate::embed_migrations)
//! compiles a directory into the program and [`EmbeddedMigrations::run_pending`] applies it
//! at start-up through the same runner; [`replay`] reads the schema the files produce on a
//! scratch database.
//!
//! Safety when applying:
//! - The bookkeeping table `sqlwright_migrations` records each applied migration's version,
//!   name, SHA-256 of `up.sql`, time, duration and a dirty flag. A run refuses to start when
//!   an applied migration's `up.sql` changed, its files are missing, or it is dirty.
//! - Each migration runs in its own transaction together with its bookkeeping row, so a
//!   failure leaves nothing of it. A file whose leading comments hold
//!   `-- sqlwright: no-transaction` runs statement by statement outside a transaction
//!   (`CREATE INDEX CONCURRENTLY`); its row is written first, marked dirty, and cleared
//!   when all its statements succeeded.
//! - Concurrent runs apply each migration once: a PostgreSQL advisory lock held for the
//!   run (`GET_LOCK` on MySQL); on SQLite, the write lock of each migration's `BEGIN
//!   IMMEDIATE` transaction, inside which the bookkeeping row is read again.
//! - On MySQL and MariaDB DDL commits implicitly, so every migration runs as a
//!   no-transaction one does: a failure half way leaves the statements before it applied
//!   and the dirty mark set, and runs refuse to start until `resolve`.
//!
//! ```no_run
//! use sqlwright::migrate::{Migrations, Target};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut conn = sqlwright::Connection::connect("postgres://postgres@localhost/shop")?;
//! let migrations = Migrations::from_dir("migrations")?;
//! for version in migrations.run(&mut conn, Target::Latest)? {
//!     println!("applied {version}");
//! }
//! for line in migrations.status(&mut conn)? {
//!     println!("{} {} {}", line.version, line.name, line.state.as_str());
//! }
//! # Ok(()) }
//! ```

pub mod autogen;
mod embed;
mod error;
mod files;
mod runner;
mod scratch;
mod split;
mod store;
#[cfg(feature = "mysql")]
mod store_mysql;

pub use embed::{EmbeddedMigration, EmbeddedMigrations};
pub use error::MigrateError;
pub use files::{Migration, Migrations};
pub use runner::{MigrationState, MigrationStatus, Resolution, Target};
pub use scratch::replay;
pub use split::NO_TRANSACTION;
pub use store::{AppliedRow, Bookkeeping, MigrationBackend, ADVISORY_LOCK_KEY, BOOKKEEPING_TABLE};
