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
/// SQLite it is a private in-memory database. The database `url` names is never changed.
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
        Dialect::Mysql => {
            return Err(MigrateError::Misuse(
                "replaying migrations (migration generate/check) is not built for MySQL yet: \
                 autogenerate writes PostgreSQL's and SQLite's DDL"
                    .into(),
            ))
        }
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
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!(
        "sqlwright_scratch_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
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
