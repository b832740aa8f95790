//! What MySQL's writes report differently: whether the server has RETURNING, the count of
//! an upsert, and the AUTO_INCREMENT value a write generated (`last_insert_id`).

use super::super::Mysql;
use crate::engine::{Connection, Error};

impl Connection<Mysql> {
    /// The AUTO_INCREMENT value of the last statement on this connection that generated
    /// one (MySQL's `LAST_INSERT_ID()`, read from that statement's OK packet, so without a
    /// round trip: for a multi-row INSERT, the first row's), or `None` when none has. A
    /// statement that generates none leaves it as it was, as on the server. The way to a
    /// new row's key on a server without RETURNING; MariaDB 10.5+ also has
    /// `insert(..).returning(..)`.
    pub fn last_insert_id(&self) -> Option<u64> {
        self.link.last_insert_id
    }

    /// Whether the server takes RETURNING on INSERT and DELETE (MariaDB 10.5 and later;
    /// MySQL has none). Asked of the server once, the first time a statement needs it.
    pub fn has_returning(&mut self) -> Result<bool, Error> {
        if let Some(known) = self.link.returning {
            return Ok(known);
        }
        self.learn_server()?;
        Ok(self.link.returning.unwrap_or(false))
    }

    /// Whether the server is MariaDB rather than MySQL. Asked of the server once, the first
    /// time a statement needs it.
    pub fn is_mariadb(&mut self) -> Result<bool, Error> {
        if let Some(known) = self.link.mariadb {
            return Ok(known);
        }
        self.learn_server()?;
        Ok(self.link.mariadb.unwrap_or(false))
    }

    /// Asks the server's version and keeps what sqlwright reads from it.
    fn learn_server(&mut self) -> Result<(), Error> {
        let version = self.server_version()?;
        self.link.returning = Some(has_returning(&version));
        self.link.mariadb = Some(version.contains("MariaDB"));
        Ok(())
    }

    /// Refuses a statement this server cannot run as sqlwright wrote it (before sending).
    pub(super) fn mysql_refusal(&mut self, marks: &crate::render::MysqlMarks) -> Result<(), Error> {
        if let Some(reason) = &marks.refused {
            return Err(Error::Misuse(reason.clone()));
        }
        if marks.shared_lock_option && !self.is_mariadb()? {
            return Err(Error::Misuse(
                "`for_share()` with `no_wait()` or `skip_locked()` is written as MariaDB's \
                 `LOCK IN SHARE MODE NOWAIT` / `SKIP LOCKED`, which MySQL refuses: on MySQL use \
                 `for_update()` with them, or `for_share()` alone"
                    .into(),
            ));
        }
        if marks.returning && !self.has_returning()? {
            return Err(Error::Misuse(
                "this MySQL server has no RETURNING (MariaDB has it on INSERT and DELETE from \
                 10.5): run the INSERT with `execute` and read the new key with \
                 `last_insert_id()`"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// Whether a server of `VERSION()` `version` takes INSERT/DELETE .. RETURNING: MariaDB
/// from 10.5 (`10.11.19-MariaDB-0+deb12u1`); never MySQL (`8.0.36`).
pub(crate) fn has_returning(version: &str) -> bool {
    if !version.contains("MariaDB") {
        return false;
    }
    // The handshake's form of the same version (MariaDB 10 prefixes it for old clients).
    let version = version.strip_prefix("5.5.5-").unwrap_or(version);
    let mut parts = version
        .split(|c: char| !c.is_ascii_digit())
        .map(|n| n.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor) >= (10, 5),
        _ => false,
    }
}

/// The count of an upsert that updates, as PostgreSQL counts it: every row the statement
/// proposed was inserted or updated. MySQL's OK packet says `Records: N  Duplicates: D
/// Warnings: W` for a statement of several rows (N is the rows proposed) and nothing for
/// one row; its affected-rows figure (1 per insert, 2 per changed row, 0 per row left as
/// it was) cannot be turned back into that count. `records` is `N` as the client read it
/// from the OK packet (`None` when the info text says no `Records: N`).
pub(crate) fn upsert_count(records: Option<u64>) -> u64 {
    records.unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::super::client::records;
    use super::{has_returning, upsert_count};

    #[test]
    fn returning_is_mariadb_10_5_and_later() {
        assert!(has_returning("10.11.19-MariaDB-0+deb12u1"));
        assert!(has_returning("10.5.0-MariaDB"));
        assert!(has_returning("11.4.2-MariaDB-ubu2404"));
        assert!(!has_returning("10.4.34-MariaDB-1:10.4.34+maria~ubu2004"));
        assert!(!has_returning("10.3.39-MariaDB"));
        assert!(!has_returning("8.0.36"));
        assert!(!has_returning("8.4.0-commercial"));
        assert!(has_returning("5.5.5-10.11.19-MariaDB-log"));
        assert!(!has_returning("MariaDB"));
    }

    #[test]
    fn an_upsert_counts_its_rows() {
        let count = |info: &str| upsert_count(records(info.as_bytes()));
        assert_eq!(count("Records: 3  Duplicates: 1  Warnings: 0"), 3);
        assert_eq!(count("Records: 0  Duplicates: 0  Warnings: 0"), 0);
        assert_eq!(count(""), 1);
        assert_eq!(
            count("Records: 18446744073709551615  Duplicates: 0"),
            u64::MAX
        );
        // More digits than a u64 holds, or none: not a count.
        assert_eq!(count("Records: 184467440737095516150000  Duplicates: 0"), 1);
        assert_eq!(count("Records: x"), 1);
    }
}
