//! The parts of a locking clause: its strength (`FOR UPDATE` .. `FOR KEY SHARE`), what it
//! does about rows locked by another transaction (wait, `NOWAIT`, `SKIP LOCKED`) and which
//! sources it locks (all, or `OF ..`), each with its SQL and what it needs of the backend.

use crate::backend::needs::features::{ForNoKeyUpdateOrKeyShare, ForUpdateOf, RowLocks};
use crate::backend::needs::{Both, Needs, PgOnly};
use crate::check::lock::TargetNames;
use crate::render::SqlWriter;
use std::marker::PhantomData;

/// `FOR UPDATE`: the rows may be updated or deleted by this transaction; blocks every other
/// lock on them.
pub struct ForUpdate;
/// `FOR NO KEY UPDATE`: as `FOR UPDATE`, but lets `FOR KEY SHARE` through (rows referencing
/// these may still be inserted), for updates that do not change a key.
pub struct ForNoKeyUpdate;
/// `FOR SHARE`: the rows may not change until this transaction ends; other `FOR SHARE`
/// locks are let through.
pub struct ForShare;
/// `FOR KEY SHARE`: the rows' keys may not change (nor the rows be deleted); blocks only
/// `FOR UPDATE`.
pub struct ForKeyShare;

/// A lock strength, as SQL writes it, and what it needs of the backend.
pub trait LockStrength {
    /// ` FOR UPDATE`, ...
    const SQL: &'static str;
    /// MySQL's spelling: ` FOR UPDATE`, or ` LOCK IN SHARE MODE` for a shared lock (what
    /// MariaDB, which has no `FOR SHARE`, and MySQL 8 both take).
    const MYSQL: &'static str;
    /// Whether it is `FOR SHARE` (MySQL 8 takes `NOWAIT`/`SKIP LOCKED` only after its own
    /// `FOR SHARE`, MariaDB only after `LOCK IN SHARE MODE`).
    const SHARED: bool;
    /// The needs of this strength locking sources `L`: row locks (which MySQL has), or the
    /// key-level strengths and `OF` (which it has not).
    type Needs<L: LockNames>: Needs;
}
impl LockStrength for ForUpdate {
    const SQL: &'static str = " FOR UPDATE";
    const MYSQL: &'static str = Self::SQL;
    const SHARED: bool = false;
    type Needs<L: LockNames> = L::Needs;
}
impl LockStrength for ForNoKeyUpdate {
    const SQL: &'static str = " FOR NO KEY UPDATE";
    const MYSQL: &'static str = Self::SQL;
    const SHARED: bool = false;
    type Needs<L: LockNames> = L::KeyNeeds;
}
impl LockStrength for ForShare {
    const SQL: &'static str = " FOR SHARE";
    const MYSQL: &'static str = " LOCK IN SHARE MODE";
    const SHARED: bool = true;
    type Needs<L: LockNames> = L::Needs;
}
impl LockStrength for ForKeyShare {
    const SQL: &'static str = " FOR KEY SHARE";
    const MYSQL: &'static str = Self::SQL;
    const SHARED: bool = false;
    type Needs<L: LockNames> = L::KeyNeeds;
}

/// Wait for rows another transaction has locked (the default; bounded by the session's
/// `lock_timeout` and `statement_timeout`).
pub struct Wait;
/// `NOWAIT`: fail at once when a row is locked, with [`DbErrorKind::LockNotAvailable`](
/// crate::engine::DbErrorKind::LockNotAvailable).
pub struct NoWait;
/// `SKIP LOCKED`: leave out the rows another transaction has locked.
pub struct SkipLocked;

/// What a locked query does about rows locked by another transaction.
pub trait LockWait {
    /// Nothing, ` NOWAIT` or ` SKIP LOCKED`.
    const SQL: &'static str;
    /// Whether it is `NOWAIT` (MariaDB reports a lock not taken with the lock wait
    /// timeout's error number, 1205: a statement with `NOWAIT` is how the two are told
    /// apart).
    const NOWAIT: bool = false;
}
impl LockWait for Wait {
    const SQL: &'static str = "";
}
impl LockWait for NoWait {
    const SQL: &'static str = " NOWAIT";
    const NOWAIT: bool = true;
}
impl LockWait for SkipLocked {
    const SQL: &'static str = " SKIP LOCKED";
}

/// Lock the rows of every source of the FROM clause (no `OF`).
pub struct AllSources;
/// `OF t, ..`: lock the rows of the sources `T` (a source or a tuple of up to 4), found in
/// the FROM list at index `I`.
pub struct Of<T, I>(PhantomData<(T, I)>);

/// Which sources a locking clause locks, and how it writes them: every one (no `OF`) or
/// those named by `.of(..)`.
pub trait LockNames {
    /// The needs of `FOR UPDATE` / `FOR SHARE` locking these sources: `PgOnly<RowLocks>`
    /// without `OF` (MySQL has it), `PgOnly<ForUpdateOf>` with it (MariaDB has no `OF`).
    type Needs: Needs;
    /// The same for `FOR NO KEY UPDATE` / `FOR KEY SHARE`.
    type KeyNeeds: Needs;
    /// Writes ` OF ..` or nothing.
    fn render_of(out: &mut SqlWriter<'_>);
}
impl LockNames for AllSources {
    type Needs = PgOnly<RowLocks>;
    type KeyNeeds = PgOnly<ForNoKeyUpdateOrKeyShare>;
    fn render_of(_: &mut SqlWriter<'_>) {}
}
impl<T: TargetNames, I> LockNames for Of<T, I> {
    type Needs = PgOnly<ForUpdateOf>;
    type KeyNeeds = Both<PgOnly<ForNoKeyUpdateOrKeyShare>, PgOnly<ForUpdateOf>>;
    fn render_of(out: &mut SqlWriter<'_>) {
        out.sql(" OF ");
        T::render_names(out);
    }
}
