//! The runner: run to the newest or to a version, revert, redo, status, resolve. The CLI
//! and embedded migrations both call these.

use super::store::{AppliedRow, Bookkeeping, MigrationBackend};
use super::{MigrateError, Migration, Migrations};
use crate::engine::{Connection, Error, Executor};
use std::time::Instant;

/// How far [`Migrations::run`] goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Every pending migration.
    Latest,
    /// The pending migrations up to and including this version.
    Version(u64),
}

/// What [`Migrations::resolve`] records about a dirty migration, once its half-done work
/// has been repaired by hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// The migration's effect is in the database: keep it as applied.
    Applied,
    /// The migration's effect is not in the database: forget it (it is pending again).
    RolledBack,
}

/// Where a migration stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MigrationState {
    /// Applied, and its `up.sql` is the one that was applied.
    Applied,
    /// Not applied yet.
    Pending,
    /// Applied, but its `up.sql` changed since.
    Changed,
    /// Applied, but its files are gone.
    Missing,
    /// Ran outside a transaction and did not finish.
    Dirty,
}

impl MigrationState {
    /// The word `status` shows.
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationState::Applied => "applied",
            MigrationState::Pending => "pending",
            MigrationState::Changed => "changed",
            MigrationState::Missing => "missing",
            MigrationState::Dirty => "dirty",
        }
    }
}

/// One line of [`Migrations::status`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationStatus {
    /// The version.
    pub version: u64,
    /// The name (from the files; from the bookkeeping table when they are missing).
    pub name: String,
    /// Where it stands.
    pub state: MigrationState,
    /// Its bookkeeping row, when it has one.
    pub applied: Option<AppliedRow>,
}

impl Migrations {
    /// Every migration, of the files and of the bookkeeping table, by version, with where
    /// it stands. Reads only: it takes no lock (a run in progress shows as far as it got)
    /// and writes nothing (without a bookkeeping table, everything is pending).
    pub fn status<E>(&self, conn: &mut E) -> Result<Vec<MigrationStatus>, MigrateError>
    where
        E: Executor + ?Sized,
        E::Backend: MigrationBackend,
    {
        let conn = start(conn.connection())?;
        echoing(conn, self.echo, |conn| {
            let rows = if <E::Backend as MigrationBackend>::has_table(conn)? {
                <E::Backend as MigrationBackend>::read(conn, None)?
            } else {
                Vec::new()
            };
            Ok(self.states(&rows))
        })
    }

    /// Applies the pending migrations, oldest first, up to `target`; returns the versions
    /// applied by this call. Refuses to start when an applied migration was changed, is
    /// missing or is dirty, or when a pending one is older than the newest applied one.
    /// Each migration runs in its own transaction with its bookkeeping row, unless it opts
    /// out (`-- sqlwright: no-transaction`).
    pub fn run<E>(&self, conn: &mut E, target: Target) -> Result<Vec<u64>, MigrateError>
    where
        E: Executor + ?Sized,
        E::Backend: MigrationBackend,
    {
        if let Target::Version(v) = target {
            if self.get(v).is_none() {
                return Err(MigrateError::UnknownVersion {
                    version: v,
                    reason: "no migration has this version".into(),
                });
            }
        }
        let conn = start(conn.connection())?;
        locked(conn, self.echo, |conn| {
            let rows = <E::Backend as MigrationBackend>::read(conn, None)?;
            self.check(&rows, None)?;
            let latest = rows.last().map_or(0, |r| r.version);
            let pending = self.list.iter().filter(|m| {
                !rows.iter().any(|r| r.version == m.version)
                    && match target {
                        Target::Latest => true,
                        Target::Version(v) => m.version <= v,
                    }
            });
            let mut done = Vec::new();
            for m in pending {
                if m.version < latest {
                    return Err(MigrateError::OutOfOrder {
                        version: m.version,
                        name: m.name().into(),
                        latest,
                    });
                }
                if apply(conn, m, self.echo)? {
                    done.push(m.version);
                }
            }
            Ok(done)
        })
    }

    /// Reverts the `steps` newest applied migrations, newest first, with their `down.sql`;
    /// returns the versions reverted. Asking for more than are applied is an error.
    pub fn revert<E>(&self, conn: &mut E, steps: usize) -> Result<Vec<u64>, MigrateError>
    where
        E: Executor + ?Sized,
        E::Backend: MigrationBackend,
    {
        let conn = start(conn.connection())?;
        locked(conn, self.echo, |conn| {
            let rows = <E::Backend as MigrationBackend>::read(conn, None)?;
            self.check(&rows, None)?;
            if steps > rows.len() {
                return Err(MigrateError::Misuse(format!(
                    "cannot revert {steps} migration{}: {} {} applied",
                    if steps == 1 { "" } else { "s" },
                    rows.len(),
                    if rows.len() == 1 { "is" } else { "are" }
                )));
            }
            let mut done = Vec::new();
            for row in rows.iter().rev().take(steps) {
                let m = self.get(row.version).ok_or_else(|| MigrateError::Missing {
                    version: row.version,
                    name: row.name.clone(),
                })?;
                if unapply(conn, m, self.echo)? {
                    done.push(m.version);
                }
            }
            Ok(done)
        })
    }

    /// Reverts the newest applied migration and applies it again from its files (for
    /// editing the newest migration while developing: that one may have changed since it
    /// was applied); returns its version.
    pub fn redo<E>(&self, conn: &mut E) -> Result<u64, MigrateError>
    where
        E: Executor + ?Sized,
        E::Backend: MigrationBackend,
    {
        let conn = start(conn.connection())?;
        locked(conn, self.echo, |conn| {
            let rows = <E::Backend as MigrationBackend>::read(conn, None)?;
            let Some(newest) = rows.last() else {
                return Err(MigrateError::Misuse(
                    "nothing to redo: no migration is applied".into(),
                ));
            };
            self.check(&rows, Some(newest.version))?;
            let m = self
                .get(newest.version)
                .ok_or_else(|| MigrateError::Missing {
                    version: newest.version,
                    name: newest.name.clone(),
                })?;
            unapply(conn, m, self.echo)?;
            apply(conn, m, self.echo)?;
            Ok(m.version)
        })
    }

    /// Records what became of a dirty migration once the database was repaired by hand:
    /// [`Resolution::Applied`] keeps it applied, [`Resolution::RolledBack`] forgets it.
    /// A version that is not dirty is an error.
    pub fn resolve<E>(
        &self,
        conn: &mut E,
        version: u64,
        resolution: Resolution,
    ) -> Result<(), MigrateError>
    where
        E: Executor + ?Sized,
        E::Backend: MigrationBackend,
    {
        let conn = start(conn.connection())?;
        locked(conn, self.echo, |conn| {
            let rows = <E::Backend as MigrationBackend>::read(conn, Some(version))?;
            if !rows.first().is_some_and(|r| r.dirty) {
                return Err(MigrateError::UnknownVersion {
                    version,
                    reason: "no migration of this version is marked dirty".into(),
                });
            }
            let change = match resolution {
                Resolution::Applied => Bookkeeping::Dirty {
                    version,
                    dirty: false,
                },
                Resolution::RolledBack => Bookkeeping::Delete { version },
            };
            <E::Backend as MigrationBackend>::write(conn, change)?;
            Ok(())
        })
    }

    /// Each migration's state, given the bookkeeping rows.
    fn states(&self, rows: &[AppliedRow]) -> Vec<MigrationStatus> {
        let mut out: Vec<MigrationStatus> = self
            .list
            .iter()
            .map(|m| {
                let row = rows.iter().find(|r| r.version == m.version);
                let state = match row {
                    None => MigrationState::Pending,
                    Some(r) if r.dirty => MigrationState::Dirty,
                    Some(r) if r.checksum != m.checksum() => MigrationState::Changed,
                    Some(_) => MigrationState::Applied,
                };
                MigrationStatus {
                    version: m.version,
                    name: m.name().to_string(),
                    state,
                    applied: row.cloned(),
                }
            })
            .collect();
        for r in rows.iter().filter(|r| self.get(r.version).is_none()) {
            out.push(MigrationStatus {
                version: r.version,
                name: r.name.clone(),
                state: if r.dirty {
                    MigrationState::Dirty
                } else {
                    MigrationState::Missing
                },
                applied: Some(r.clone()),
            });
        }
        out.sort_by_key(|s| s.version);
        out
    }

    /// The first problem with the applied migrations: dirty, missing, changed (`allow_changed`
    /// may have changed: `redo` runs it again).
    fn check(&self, rows: &[AppliedRow], allow_changed: Option<u64>) -> Result<(), MigrateError> {
        for r in rows {
            if r.dirty {
                return Err(MigrateError::Dirty {
                    version: r.version,
                    name: r.name.clone(),
                });
            }
        }
        for r in rows {
            match self.get(r.version) {
                None => {
                    return Err(MigrateError::Missing {
                        version: r.version,
                        name: r.name.clone(),
                    })
                }
                Some(m) if m.checksum() != r.checksum && allow_changed != Some(r.version) => {
                    return Err(MigrateError::Changed {
                        version: r.version,
                        name: m.name().to_string(),
                        recorded: r.checksum.clone(),
                        now: m.checksum().to_string(),
                    })
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

/// The connection, checked to be outside a transaction (a migration commits its own).
fn start<B: MigrationBackend>(
    conn: &mut Connection<B>,
) -> Result<&mut Connection<B>, MigrateError> {
    if conn.in_transaction() {
        return Err(MigrateError::Misuse(
            "migrations run outside a transaction: each one commits its own".into(),
        ));
    }
    Ok(conn)
}

/// Runs `body` holding the migration lock, with the bookkeeping table in place and the
/// connection's echo on when `echo` is; releases the lock whatever `body` returns.
fn locked<B: MigrationBackend, T>(
    conn: &mut Connection<B>,
    echo: bool,
    body: impl FnOnce(&mut Connection<B>) -> Result<T, MigrateError>,
) -> Result<T, MigrateError> {
    echoing(conn, echo, |conn| {
        let locked = B::try_lock(conn).and_then(|free| {
            if free {
                return Ok(());
            }
            note(
                echo,
                format_args!("waiting for another migration run to finish (it holds the lock)"),
            );
            B::lock(conn)
        });
        locked.map_err(MigrateError::from).and_then(|()| {
            let result = B::create_table(conn)
                .map_err(MigrateError::from)
                .and_then(|()| body(conn));
            let unlocked = B::unlock(conn);
            match (result, unlocked) {
                (Ok(_), Err(e)) => Err(e.into()),
                (result, _) => result,
            }
        })
    })
}

/// Runs `body` with the connection's echo on when `echo` is, then as it was.
fn echoing<B: MigrationBackend, T>(
    conn: &mut Connection<B>,
    echo: bool,
    body: impl FnOnce(&mut Connection<B>) -> Result<T, MigrateError>,
) -> Result<T, MigrateError> {
    let echo_before = conn.echo.print;
    conn.set_echo(echo_before || echo);
    let result = body(conn);
    conn.set_echo(echo_before);
    result
}

fn note(echo: bool, text: std::fmt::Arguments<'_>) {
    tracing::info!(target: "sqlwright::migrate", "{text}");
    if echo {
        eprintln!("sqlwright migrate: {text}");
    }
}

fn insert_row<B: MigrationBackend>(
    conn: &mut Connection<B>,
    m: &Migration,
    duration_ms: i64,
    dirty: bool,
) -> Result<(), Error> {
    B::write(
        conn,
        Bookkeeping::Insert {
            version: m.version(),
            name: m.name(),
            checksum: m.checksum(),
            duration_ms,
            dirty,
        },
    )
}

fn millis(since: Instant) -> i64 {
    i64::try_from(since.elapsed().as_millis()).unwrap_or(i64::MAX)
}

/// Applies `m`; `false` when another process applied it meanwhile.
fn apply<B: MigrationBackend>(
    conn: &mut Connection<B>,
    m: &Migration,
    echo: bool,
) -> Result<bool, MigrateError> {
    let how = if m.up_in_transaction() && B::transactional_ddl(conn) {
        "in a transaction"
    } else {
        "outside a transaction"
    };
    note(echo, format_args!("applying {} ({how})", m.label()));
    let started = Instant::now();
    let failed = |dirty: bool, source: Error| MigrateError::Failed {
        version: m.version(),
        name: m.name().into(),
        file: "up.sql",
        dirty,
        source: Box::new(source),
    };
    let applied = if m.up_in_transaction() && B::transactional_ddl(conn) {
        conn.transaction(|tx| {
            let c = tx.connection();
            if !B::read(c, Some(m.version()))?.is_empty() {
                return Ok(false);
            }
            c.batch_execute(m.up_sql()).map_err(|e| failed(false, e))?;
            insert_row(c, m, millis(started), false)?;
            Ok::<_, MigrateError>(true)
        })?
    } else {
        // The row goes in first, dirty: if the statements stop half-way it says so.
        let claimed = conn.transaction(|tx| {
            let c = tx.connection();
            if !B::read(c, Some(m.version()))?.is_empty() {
                return Ok(false);
            }
            insert_row(c, m, 0, true)?;
            Ok::<_, MigrateError>(true)
        })?;
        if !claimed {
            return Ok(false);
        }
        run_outside_transaction(conn, m.up_sql()).map_err(|e| failed(true, e))?;
        B::write(
            conn,
            Bookkeeping::Finished {
                version: m.version(),
                duration_ms: millis(started),
            },
        )?;
        true
    };
    if applied {
        note(
            echo,
            format_args!("applied {} in {} ms", m.label(), millis(started)),
        );
    } else {
        note(
            echo,
            format_args!("{} was applied by another run meanwhile", m.label()),
        );
    }
    Ok(applied)
}

/// Runs a no-transaction file. It fails when a statement fails, and when the file opened a
/// transaction and did not end it (what it did is not committed): either way a transaction
/// it left open is rolled back.
fn run_outside_transaction<B: MigrationBackend>(
    conn: &mut Connection<B>,
    sql: &str,
) -> Result<(), Error> {
    if let Err(e) = B::run_untransacted(conn, sql) {
        end_script_transaction(conn);
        return Err(e);
    }
    if conn.server_in_transaction() {
        end_script_transaction(conn);
        return Err(Error::Misuse(
            "the file left a transaction open (a BEGIN without COMMIT); nothing of that \
             transaction was kept"
                .into(),
        ));
    }
    Ok(())
}

/// After a no-transaction script failed: a transaction the script itself opened (`BEGIN`
/// in the file, as SQLite's table rebuild does) is rolled back, so the connection is left
/// as it was found; the dirty mark, committed before the script ran, stays.
fn end_script_transaction<B: MigrationBackend>(conn: &mut Connection<B>) {
    if conn.server_in_transaction() {
        let _ = conn.batch_execute("ROLLBACK");
    }
}

/// Reverts `m`; `false` when another process reverted it meanwhile.
fn unapply<B: MigrationBackend>(
    conn: &mut Connection<B>,
    m: &Migration,
    echo: bool,
) -> Result<bool, MigrateError> {
    let how = if m.down_in_transaction() && B::transactional_ddl(conn) {
        "in a transaction"
    } else {
        "outside a transaction"
    };
    note(echo, format_args!("reverting {} ({how})", m.label()));
    let started = Instant::now();
    let failed = |dirty: bool, source: Error| MigrateError::Failed {
        version: m.version(),
        name: m.name().into(),
        file: "down.sql",
        dirty,
        source: Box::new(source),
    };
    let delete = Bookkeeping::Delete {
        version: m.version(),
    };
    let reverted = if m.down_in_transaction() && B::transactional_ddl(conn) {
        conn.transaction(|tx| {
            let c = tx.connection();
            if B::read(c, Some(m.version()))?.is_empty() {
                return Ok(false);
            }
            c.batch_execute(m.down_sql())
                .map_err(|e| failed(false, e))?;
            B::write(c, delete)?;
            Ok::<_, MigrateError>(true)
        })?
    } else {
        let claimed = conn.transaction(|tx| {
            let c = tx.connection();
            if B::read(c, Some(m.version()))?.is_empty() {
                return Ok(false);
            }
            B::write(
                c,
                Bookkeeping::Dirty {
                    version: m.version(),
                    dirty: true,
                },
            )?;
            Ok::<_, MigrateError>(true)
        })?;
        if !claimed {
            return Ok(false);
        }
        run_outside_transaction(conn, m.down_sql()).map_err(|e| failed(true, e))?;
        B::write(conn, delete)?;
        true
    };
    if reverted {
        note(
            echo,
            format_args!("reverted {} in {} ms", m.label(), millis(started)),
        );
    }
    Ok(reverted)
}
