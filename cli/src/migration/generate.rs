//! `sqlwright migration generate NAME FILE...` and `sqlwright migration check FILE...`:
//! the `table!` declarations against the schema the migrations produce, replayed on a
//! scratch database (never the target one).

use sqlwright::migrate::autogen::{self, Plan};
use sqlwright::migrate::{self, Migrations};
use sqlwright::DatabaseUrl;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The plan from the schema the migrations under `dir` produce to the declarations in
/// `files`.
fn plan_for(
    dir: &Path,
    files: &[PathBuf],
    map_types: &[(String, String)],
    url: Option<&str>,
) -> Result<Plan, String> {
    // The declarations and files are read first: a mistake in them needs no database.
    let tables = crate::declared::read_files(files, map_types)?;
    let migrations = Migrations::from_dir(dir).map_err(|e| e.to_string())?;
    let url = url.ok_or(
        "no database given: pass --database-url postgres://user:password@host/database (or sqlite:///path.db, mysql://user:password@host/database) or set DATABASE_URL; the migrations are replayed on a scratch database there",
    )?;
    let url = DatabaseUrl::parse(url).map_err(|e| e.to_string())?;
    let catalog = migrate::replay(&url, &migrations).map_err(|e| e.to_string())?;
    let metas: Vec<&sqlwright::query::TableMeta> = tables.iter().collect();
    autogen::plan(&metas, &catalog, url.dialect).map_err(|e| e.to_string())
}

/// Prints what the plan does and warns of.
fn describe(plan: &Plan) {
    for action in &plan.actions {
        println!("  {action}");
    }
    for loss in &plan.data_loss {
        println!("  could lose data: {loss}");
    }
    for warning in &plan.warnings {
        println!("  warning: {warning}");
    }
}

/// `migration generate`: writes `<dir>/<UTC timestamp>_<name>/` with the plan's files.
pub fn generate(
    dir: &Path,
    name: &str,
    files: &[PathBuf],
    map_types: &[(String, String)],
    url: Option<&str>,
) -> Result<ExitCode, String> {
    super::new::check_name(name)?;
    // The first migration: the directory is made here, and the plan is from nothing.
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let plan = plan_for(dir, files, map_types, url)?;
    if plan.is_empty() {
        println!("nothing to generate: the migrations already produce the declared schema");
        return Ok(ExitCode::SUCCESS);
    }
    let path = super::new::make_dir(dir, name)?;
    for (file, text) in [("up.sql", plan.up_file()), ("down.sql", plan.down_file())] {
        let at = path.join(file);
        std::fs::write(&at, text).map_err(|e| format!("cannot write {}: {e}", at.display()))?;
    }
    println!("generated {} (review it before running):", path.display());
    describe(&plan);
    Ok(ExitCode::SUCCESS)
}

/// `migration check`: exit status 1 when the declarations and the migrations disagree.
pub fn check(
    dir: &Path,
    files: &[PathBuf],
    map_types: &[(String, String)],
    url: Option<&str>,
) -> Result<ExitCode, String> {
    let plan = plan_for(dir, files, map_types, url)?;
    if plan.is_empty() {
        println!("the migrations produce the declared schema");
        return Ok(ExitCode::SUCCESS);
    }
    println!("the declarations and the migrations disagree; `migration generate` would:");
    describe(&plan);
    Ok(ExitCode::from(1))
}
