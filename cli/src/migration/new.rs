//! `sqlwright migration new NAME`.

use sqlwright::deps::chrono::Utc;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Creates `dir/<UTC YYYYMMDDHHMMSS>_<name>/` with empty `up.sql` and `down.sql`.
pub fn create(dir: &Path, name: &str) -> Result<ExitCode, String> {
    check_name(name)?;
    let migration = make_dir(dir, name)?;
    for file in ["up.sql", "down.sql"] {
        let path = migration.join(file);
        std::fs::write(&path, "").map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!("created {}", migration.display());
    Ok(ExitCode::SUCCESS)
}

/// Refuses a migration name other than letters, digits, `_` and `-`.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(format!(
            "a migration name is letters, digits, `_` and `-` (e.g. add_users_email), not `{name}`"
        ));
    }
    Ok(())
}

/// Makes `dir/<UTC YYYYMMDDHHMMSS>_<name>/` (and `dir` when missing).
pub fn make_dir(dir: &Path, name: &str) -> Result<PathBuf, String> {
    let stamp = Utc::now().format("%Y%m%d%H%M%S");
    let migration = dir.join(format!("{stamp}_{name}"));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    std::fs::create_dir(&migration)
        .map_err(|e| format!("cannot create {}: {e}", migration.display()))?;
    Ok(migration)
}
