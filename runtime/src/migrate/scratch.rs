//! Replaying the migrations on a scratch database, to read the schema they produce (what
//! autogenerate compares the declarations with) without touching the target database.

use super::store::BOOKKEEPING_TABLE;
use super::{MigrateError, Migrations, Target};
use crate::backend::Dialect;
use crate::engine::{Connection, DatabaseUrl};
use crate::reflect::{self, Catalog, ReflectOptions};
use std::sync::atomic::{AtomicU64, Ordering};

/// The schema the migrations produce: they are applied, in order and by the same runner as
/// `migration run`, to a scratch database, which is then reflected. On PostgreSQL the
/// scratch database is created (`CREATE DATABASE ... TEMPLATE template0`, a name of its
/// own) on the server `url` names and dropped afterwards, also when a migration fails; on
/// SQLite it is a private in-memory database; on MySQL and MariaDB a database of its own
/// (utf8mb4, binary collation) on the server `url` names, dropped afterwards (the URL's
/// user needs `CREATE` and `DROP` on databases). The database `url` names is never changed.
/// The bookkeeping table is left out of the catalog.
pub fn replay(url: &DatabaseUrl, migrations: &Migrations) -> Result<Catalog, MigrateError> {
    let migrations = Migrations {
        list: migrations.list.clone(),
        echo: false,
    };
    let mut catalog = match url.dialect {
        Dialect::Postgres => replay_postgres(url, &migrations)?,
        #[cfg(feature = "sqlite")]
        Dialect::Sqlite => {
            let mut conn = Connection::<crate::Sqlite>::open_in_memory()?;
            migrations.run(&mut conn, Target::Latest)?;
            reflect::reflect(&mut conn, &ReflectOptions::default())?
        }
        #[cfg(feature = "mysql")]
        Dialect::Mysql => replay_mysql(url, &migrations)?,
        #[allow(unreachable_patterns)]
        other => {
            return Err(MigrateError::Misuse(format!(
                "replaying migrations on {other} needs sqlwright's `sqlite` feature"
            )))
        }
    };
    catalog.tables.retain(|t| t.name != BOOKKEEPING_TABLE);
    Ok(catalog)
}

/// A scratch PostgreSQL database, dropped (with its connections) when this is dropped.
struct Scratch {
    admin: Connection,
    name: String,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let sql = format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quoted(&self.name)
        );
        if let Err(e) = self.admin.batch_execute(&sql) {
            tracing::warn!(target: "sqlwright::migrate", "could not drop scratch database {}: {e}", self.name);
        }
    }
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn replay_postgres(url: &DatabaseUrl, migrations: &Migrations) -> Result<Catalog, MigrateError> {
    let name = scratch_name();
    let mut admin = Connection::connect_url(url)?;
    admin.batch_execute(&format!(
        "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'",
        quoted(&name)
    ))?;
    let scratch = Scratch { admin, name };
    let mut conn = Connection::connect_url(&url.with_database(&scratch.name))?;
    migrations.run(&mut conn, Target::Latest)?;
    let catalog = reflect::reflect(&mut conn, &ReflectOptions::default())?;
    drop(conn);
    drop(scratch);
    Ok(catalog)
}

/// A scratch MySQL database, dropped when this is dropped.
#[cfg(feature = "mysql")]
struct MysqlScratch {
    admin: Connection<crate::Mysql>,
    name: String,
}

#[cfg(feature = "mysql")]
impl Drop for MysqlScratch {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {}", backticked(&self.name));
        if let Err(e) = self.admin.batch_execute(&sql) {
            tracing::warn!(target: "sqlwright::migrate", "could not drop scratch database {}: {e}", self.name);
        }
    }
}

#[cfg(feature = "mysql")]
fn backticked(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

#[cfg(feature = "mysql")]
fn replay_mysql(url: &DatabaseUrl, migrations: &Migrations) -> Result<Catalog, MigrateError> {
    let mut admin = Connection::<crate::Mysql>::open_url(url)?;
    let name = scratch_name();
    admin.batch_execute(&format!(
        "CREATE DATABASE {} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
        backticked(&name)
    ))?;
    let scratch = MysqlScratch { admin, name };
    let mut conn = Connection::<crate::Mysql>::open_url(&url.with_database(&scratch.name))?;
    migrations.run(&mut conn, Target::Latest)?;
    let catalog = reflect::reflect(&mut conn, &ReflectOptions::default())?;
    drop(conn);
    drop(scratch);
    Ok(catalog)
}

/// A database name no other replay uses: the process, a counter and the clock.
fn scratch_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "sqlwright_scratch_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}
