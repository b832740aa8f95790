//! Migrations as files: `<version>_<name>/up.sql` and `down.sql`, loaded and checked.

use super::split;
use super::MigrateError;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// One migration: its version, name and the SQL of both directions.
#[derive(Clone, Debug)]
pub struct Migration {
    pub(crate) version: u64,
    name: String,
    up: Cow<'static, str>,
    down: Cow<'static, str>,
    up_in_transaction: bool,
    down_in_transaction: bool,
    checksum: String,
    path: PathBuf,
}

impl Migration {
    /// The version: the digits before the first `_` of the directory name (a UTC
    /// timestamp `YYYYMMDDHHMMSS` for directories made by `sqlwright migration new`).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The name: the directory name after the version.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The SQL that applies it.
    pub fn up_sql(&self) -> &str {
        &self.up
    }

    /// The SQL that reverts it.
    pub fn down_sql(&self) -> &str {
        &self.down
    }

    /// Whether `up.sql` runs in a transaction (it does unless its leading comments hold
    /// `-- sqlwright: no-transaction`).
    pub fn up_in_transaction(&self) -> bool {
        self.up_in_transaction
    }

    /// Whether `down.sql` runs in a transaction.
    pub fn down_in_transaction(&self) -> bool {
        self.down_in_transaction
    }

    /// The SHA-256 of `up.sql`, in lowercase hex: what the bookkeeping table records.
    pub fn checksum(&self) -> &str {
        &self.checksum
    }

    /// Its directory (for embedded migrations, the directory it was compiled from,
    /// relative to the migrations directory).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `<version>_<name>`, as the directory is called.
    pub fn label(&self) -> String {
        format!("{}_{}", self.version, self.name)
    }

    /// A migration from its parts, checked: its directives read, its checksum taken.
    pub(crate) fn new(
        dir_name: &str,
        path: PathBuf,
        up: Cow<'static, str>,
        down: Cow<'static, str>,
    ) -> Result<Migration, MigrateError> {
        let (version, name) = parse_dir_name(dir_name).map_err(|reason| MigrateError::Load {
            path: path.clone(),
            reason,
        })?;
        let read = |file: &str, sql: &str| {
            let fail = |reason| MigrateError::Load {
                path: path.join(file),
                reason,
            };
            let directives = split::directives(sql).map_err(fail)?;
            if !directives.in_transaction {
                // Run statement by statement: refused now, before anything runs.
                split::statements(sql).map_err(fail)?;
            }
            Ok::<_, MigrateError>(directives)
        };
        let up_in_transaction = read("up.sql", &up)?.in_transaction;
        let down_in_transaction = read("down.sql", &down)?.in_transaction;
        Ok(Migration {
            version,
            name: name.to_string(),
            checksum: sha256_hex(up.as_bytes()),
            up,
            down,
            up_in_transaction,
            down_in_transaction,
            path,
        })
    }
}

/// The SHA-256 of `bytes` in lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// The version and name of a migration directory called `name`: ASCII digits (at most
/// 18, so the version fits a signed 64-bit column), `_`, then letters, digits, `_` or `-`.
pub(crate) fn parse_dir_name(dir: &str) -> Result<(u64, &str), String> {
    let malformed = || {
        format!(
            "a migration directory is named `<version>_<name>` (e.g. `20261206143000_create_users`: \
             digits, `_`, then letters, digits, `_` or `-`), not `{dir}`"
        )
    };
    let (digits, name) = dir.split_once('_').ok_or_else(malformed)?;
    if digits.is_empty()
        || digits.len() > 18
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(malformed());
    }
    let version = digits.parse().map_err(|_| malformed())?;
    Ok((version, name))
}

/// The migrations of a project, in version order.
#[derive(Clone, Debug, Default)]
pub struct Migrations {
    pub(crate) list: Vec<Migration>,
    pub(crate) echo: bool,
}

impl Migrations {
    /// Loads the migrations under `dir`: each subdirectory `<version>_<name>` holds
    /// `up.sql` and `down.sql` (both required; an empty `down.sql` says the migration
    /// cannot be reverted by SQL). Files beside the directories and directories starting
    /// with `.` are skipped. A malformed directory name, a missing or unreadable file, an
    /// unknown `-- sqlwright:` directive or two directories of one version is an error
    /// naming the path.
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Migrations, MigrateError> {
        let dir = dir.as_ref();
        let load = |path: &Path, e: std::io::Error| MigrateError::Load {
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let entries = std::fs::read_dir(dir).map_err(|e| load(dir, e))?;
        let mut list = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| load(dir, e))?;
            let path = entry.path();
            let file_name = entry.file_name();
            let Some(dir_name) = file_name.to_str() else {
                return Err(MigrateError::Load {
                    path,
                    reason: "the directory name is not UTF-8".into(),
                });
            };
            if dir_name.starts_with('.') || !path.is_dir() {
                continue;
            }
            parse_dir_name(dir_name).map_err(|reason| MigrateError::Load {
                path: path.clone(),
                reason,
            })?;
            let read = |file: &str| {
                let file_path = path.join(file);
                std::fs::read_to_string(&file_path).map_err(|e| MigrateError::Load {
                    reason: if e.kind() == std::io::ErrorKind::NotFound {
                        format!("missing: a migration needs both up.sql and down.sql ({e})")
                    } else {
                        e.to_string()
                    },
                    path: file_path,
                })
            };
            let up = read("up.sql")?;
            let down = read("down.sql")?;
            list.push(Migration::new(
                dir_name,
                path.clone(),
                Cow::Owned(up),
                Cow::Owned(down),
            )?);
        }
        Migrations::from_list(list)
    }

    /// The migrations of `list`, ordered by version; two of one version are an error.
    pub(crate) fn from_list(mut list: Vec<Migration>) -> Result<Migrations, MigrateError> {
        list.sort_by(|a, b| a.version.cmp(&b.version).then(a.path.cmp(&b.path)));
        if let Some(pair) = list.windows(2).find(|w| w[0].version == w[1].version) {
            return Err(MigrateError::DuplicateVersion {
                version: pair[0].version,
                paths: [pair[0].path.clone(), pair[1].path.clone()],
            });
        }
        Ok(Migrations { list, echo: false })
    }

    /// With echo on, the runner prints each step (and, through the connection's echo, each
    /// statement) to standard error. Steps are also `tracing` events under the target
    /// `sqlwright::migrate` whatever this says.
    pub fn echo(mut self, on: bool) -> Self {
        self.echo = on;
        self
    }

    /// The migrations, oldest first.
    pub fn iter(&self) -> std::slice::Iter<'_, Migration> {
        self.list.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The migration of `version`.
    pub fn get(&self, version: u64) -> Option<&Migration> {
        self.list
            .binary_search_by_key(&version, |m| m.version)
            .ok()
            .map(|i| &self.list[i])
    }
}

impl<'a> IntoIterator for &'a Migrations {
    type Item = &'a Migration;
    type IntoIter = std::slice::Iter<'a, Migration>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "sqlwright-migrate-unit-{}-{tag}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn write(dir: &Path, migration: &str, up: Option<&str>, down: Option<&str>) {
        let m = dir.join(migration);
        std::fs::create_dir_all(&m).unwrap();
        if let Some(up) = up {
            std::fs::write(m.join("up.sql"), up).unwrap();
        }
        if let Some(down) = down {
            std::fs::write(m.join("down.sql"), down).unwrap();
        }
    }

    #[test]
    fn directory_names() {
        assert_eq!(
            parse_dir_name("20261206143000_create_users").unwrap(),
            (20261206143000, "create_users")
        );
        assert_eq!(parse_dir_name("1_a-b").unwrap(), (1, "a-b"));
        for bad in [
            "create_users",
            "2026_",
            "_x",
            "12a_x",
            "1_x y",
            "1234567890123456789_x",
        ] {
            assert!(parse_dir_name(bad).unwrap_err().contains(bad), "{bad}");
        }
    }

    #[test]
    fn loads_in_version_order_with_checksums_and_directives() {
        let dir = scratch_dir("order");
        write(
            &dir,
            "3_third",
            Some("-- sqlwright: no-transaction\nSELECT 3;"),
            Some(""),
        );
        write(&dir, "1_first", Some("abc"), Some("SELECT 1;"));
        std::fs::write(dir.join("README.md"), "notes").unwrap();
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        let m = Migrations::from_dir(&dir).unwrap();
        let versions: Vec<u64> = m.iter().map(Migration::version).collect();
        assert_eq!(versions, [1, 3]);
        let first = m.get(1).unwrap();
        assert_eq!(first.name(), "first");
        // SHA-256("abc"), FIPS 180-2's first example.
        assert_eq!(
            first.checksum(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(first.up_in_transaction());
        assert!(!m.get(3).unwrap().up_in_transaction());
        assert!(m.get(3).unwrap().down_in_transaction());
        assert!(m.get(2).is_none());
    }

    #[test]
    fn malformed_directories_name_the_path() {
        let dir = scratch_dir("missing-down");
        write(&dir, "1_first", Some("SELECT 1"), None);
        let err = Migrations::from_dir(&dir).unwrap_err().to_string();
        assert!(err.contains("1_first/down.sql: missing"), "{err}");

        let dir = scratch_dir("bad-name");
        write(&dir, "first", Some(""), Some(""));
        let err = Migrations::from_dir(&dir).unwrap_err().to_string();
        assert!(
            err.contains("/first: a migration directory is named"),
            "{err}"
        );

        let dir = scratch_dir("duplicate");
        write(&dir, "7_a", Some(""), Some(""));
        write(&dir, "07_b", Some(""), Some(""));
        let err = Migrations::from_dir(&dir).unwrap_err().to_string();
        assert!(err.contains("two migrations have version 7"), "{err}");
        assert!(err.contains("07_b") && err.contains("7_a"), "{err}");

        let dir = scratch_dir("directive");
        write(
            &dir,
            "1_a",
            Some("-- sqlwright: nontransactional\n"),
            Some(""),
        );
        let err = Migrations::from_dir(&dir).unwrap_err().to_string();
        assert!(err.contains("1_a/up.sql: unknown directive"), "{err}");

        let err = Migrations::from_dir(dir.join("nope"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("nope"), "{err}");
    }
}
