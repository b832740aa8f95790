//! `sqlwright migration generate` and `migration check` as processes: a schema's history
//! written from its declarations (create, add a column, rename one), each step applied,
//! checked against the declarations, and reverted, on PostgreSQL, SQLite and MariaDB.

use std::path::{Path, PathBuf};
use std::process::Output;

fn sqlwright(url: &str, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_sqlwright"))
        .args(args)
        .env("DATABASE_URL", url)
        .output()
        .expect("run the sqlwright binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sqlwright-cli-gen-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The declarations, version by version.
const V1: &str = r#"
sqlwright::table! {
    notes (id) {
        #[serial] id -> Int4,
        body -> Text,
    }
}
"#;
const V2: &str = r#"
sqlwright::table! {
    notes (id) {
        #[serial] id -> Int4,
        #[renamed_from(body)] text -> Text,
        pinned -> Nullable<Bool>,
    }
}
"#;

fn migration(args: &[&str], url: &str, dir: &Path) -> Output {
    let mut all = vec!["migration", "--dir", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    sqlwright(url, &all)
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\n{}\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn history(url: &str, tag: &str) {
    let work = scratch(tag);
    let dir = work.join("migrations");
    let schema = work.join("schema.rs");
    let schema_arg = schema.to_str().unwrap();

    // Version 1: from nothing.
    std::fs::write(&schema, V1).unwrap();
    let out = migration(&["check", schema_arg], url, &work.join("none"));
    assert_eq!(
        out.status.code(),
        Some(2),
        "no migrations directory: {}",
        text(&out.stderr)
    );
    let said = ok(&migration(
        &["generate", "create_notes", schema_arg],
        url,
        &dir,
    ));
    assert!(said.contains("generated"), "{said}");
    let made: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(made.len(), 1);
    let up = std::fs::read_to_string(made[0].join("up.sql")).unwrap();
    assert!(up.starts_with("-- ") && up.contains("CREATE TABLE"), "{up}");
    // The database itself was not touched by the replay: no `notes` there (a difference,
    // or, for SQLite, no database file at all).
    let out = sqlwright(url, &["verify-schema", schema_arg]);
    assert!(!out.status.success(), "{}", text(&out.stdout));
    ok(&migration(&["run"], url, &dir));
    ok(&sqlwright(url, &["verify-schema", schema_arg]));
    let said = ok(&migration(&["check", schema_arg], url, &dir));
    assert!(said.contains("produce the declared schema"), "{said}");
    let said = ok(&migration(&["generate", "again", schema_arg], url, &dir));
    assert!(said.contains("nothing to generate"), "{said}");

    // Version 2: a rename and a new column; `check` fails until it is generated.
    std::fs::write(&schema, V2).unwrap();
    let out = migration(&["check", schema_arg], url, &dir);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("disagree"),
        "{}",
        text(&out.stdout)
    );
    std::thread::sleep(std::time::Duration::from_millis(1100)); // a later timestamp
    ok(&migration(
        &["generate", "rename_body_add_pinned", schema_arg],
        url,
        &dir,
    ));
    let mut made: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    made.sort();
    let up = std::fs::read_to_string(made[1].join("up.sql")).unwrap();
    assert!(up.contains("RENAME"), "a rename, not drop-and-add: {up}");
    assert!(!up.contains("DROP COLUMN"), "{up}");
    ok(&migration(&["run"], url, &dir));
    ok(&sqlwright(url, &["verify-schema", schema_arg]));
    ok(&migration(&["check", schema_arg], url, &dir));

    // Reverting the second step brings back version 1.
    ok(&migration(&["revert"], url, &dir));
    std::fs::write(&schema, V1).unwrap();
    ok(&sqlwright(url, &["verify-schema", schema_arg]));
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn a_history_is_generated_checked_and_reverted_on_postgres() {
    let db = sqlwright::testing::database();
    history(&db.url().to_string(), "pg");
}

#[test]
fn a_history_is_generated_checked_and_reverted_on_sqlite() {
    let work = scratch("sqlite-db");
    let url = format!("sqlite:///{}", work.join("app.db").display());
    history(&url, "sqlite");
}

#[test]
fn a_history_is_generated_checked_and_reverted_on_mariadb() {
    let db = sqlwright::testing::mariadb_database();
    history(&db.url().to_string_with_password(), "mariadb");
}
