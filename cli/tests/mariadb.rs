//! The `sqlwright` binary on MariaDB (`mysql://` URLs): a database made by `create_all` (and
//! a table written by hand) printed as `table!` declarations that verify clean, then drift;
//! and `migration run|status|resolve|revert|redo` with the dirty mark a half-applied
//! migration leaves (MySQL's DDL is not transactional); `migration generate` and `check`
//! (exit 0 when the migrations produce the declarations, 1 when not).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

include!("fixtures/sqlite_schema.rs");

const SCHEMA: sqlwright::ddl::Schema = sqlwright::schema!(teams, players, coaches);

const DECLARATIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/sqlite_schema.rs"
);

fn sqlwright(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sqlwright"))
        .args(args)
        .env("DATABASE_URL", url)
        .output()
        .expect("run the sqlwright binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sqlwright-cli-mariadb-{}-{tag}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn print_schema_and_verify_schema_read_a_mariadb_database() {
    let db = sqlwright::testing::mariadb_database();
    let url = db.url().to_string_with_password();
    let mut conn = db.connect().unwrap();
    SCHEMA.create_all(&mut conn, false).unwrap();
    conn.batch_execute(
        "CREATE TABLE legacy (code VARCHAR(8) PRIMARY KEY, born DATE, n BIGINT NOT NULL DEFAULT 0,
             kind ENUM('a', 'b') NOT NULL, doc JSON, hits INT UNSIGNED NOT NULL,
             total BIGINT UNSIGNED, level TINYINT UNSIGNED NOT NULL);
         CREATE TABLE log (line TEXT);",
    )
    .unwrap();

    let out = sqlwright(&url, &["print-schema"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    for expected in [
        "#[serial] id -> Int4,",
        "#[index(team_id)]\n    players (id) {",
        "#[references(teams::id, on_delete = cascade)] team_id -> Int4,",
        "active -> Bool,",
        "rating -> Nullable<Float8>,",
        "founded -> Nullable<Date>,",
        "#[default = \"0\"] n -> Int8,",
        "doc -> Nullable<Json>,",
        "hits -> UInt4,",
        "total -> Nullable<UInt8>,",
        "level -> UInt1,",
        "// Not declared (views, or tables without a primary key):",
    ] {
        assert!(
            printed.contains(expected),
            "{expected:?} not in:\n{printed}"
        );
    }
    assert!(
        printed.find("teams (id)") < printed.find("players (id)"),
        "{printed}"
    );

    // What was printed reads back and matches the database it came from; so do the
    // declarations it was made from.
    let dir = scratch("printed");
    let printed_rs = dir.join("schema.rs");
    std::fs::write(&printed_rs, &printed).unwrap();
    let out = sqlwright(&url, &["verify-schema", printed_rs.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}\n{printed}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let out = sqlwright(&url, &["verify-schema", DECLARATIONS]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    // Drift: a missing column, a type and a nullability change, a missing table.
    conn.batch_execute(
        "SET foreign_key_checks = 0;
         DROP TABLE coaches;
         ALTER TABLE teams DROP COLUMN founded;
         ALTER TABLE players MODIFY rating TEXT NULL, MODIFY team_id INT NULL;
         SET foreign_key_checks = 1;",
    )
    .unwrap();
    let out = sqlwright(&url, &["verify-schema", DECLARATIONS]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}{}", text(&out.stderr));
    for expected in [
        "4 differences between the declarations and the database:",
        "teams.founded: declared, but the database has no such column",
        "players.team_id: declared NOT NULL, the database allows NULL",
        "players.rating: declared float8, the database has text",
        "coaches: declared, but the database has no such table",
    ] {
        assert!(report.contains(expected), "{expected:?} not in:\n{report}");
    }
}

fn write(dir: &Path, name: &str, up: &str, down: &str) {
    std::fs::create_dir_all(dir.join(name)).unwrap();
    std::fs::write(dir.join(name).join("up.sql"), up).unwrap();
    std::fs::write(dir.join(name).join("down.sql"), down).unwrap();
}

fn migration(url: &str, dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sqlwright"))
        .arg("migration")
        .arg("--dir")
        .arg(dir)
        .args(args)
        .env("DATABASE_URL", url)
        .output()
        .expect("run the sqlwright binary")
}

#[test]
fn migrations_on_mariadb_run_go_dirty_resolve_revert_and_redo() {
    let db = sqlwright::testing::mariadb_database();
    let url = db.url().to_string_with_password();
    let migrations = scratch("migrations").join("migrations");
    write(
        &migrations,
        "1_t",
        "CREATE TABLE t (x INT PRIMARY KEY);",
        "DROP TABLE t;",
    );
    write(
        &migrations,
        "2_half",
        "CREATE TABLE u (y INT PRIMARY KEY);\nINSERT INTO missing VALUES (1);",
        "DROP TABLE u;",
    );
    let out = migration(&url, &migrations, &["run"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("marked dirty"),
        "{}",
        text(&out.stderr)
    );
    let out = migration(&url, &migrations, &["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("dirty    2_half"),
        "{}",
        text(&out.stdout)
    );
    let out = migration(&url, &migrations, &["run"]);
    assert_eq!(out.status.code(), Some(2));
    // The first statement stayed: the repair is by hand, then `resolve`.
    let mut conn = db.connect().unwrap();
    conn.batch_execute("DROP TABLE u").unwrap();
    let out = migration(&url, &migrations, &["resolve", "2", "--rolled-back"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    write(
        &migrations,
        "2_half",
        "CREATE TABLE u (y INT PRIMARY KEY);\nINSERT INTO t VALUES (1);",
        "DROP TABLE u;\nDELETE FROM t;",
    );
    let out = migration(&url, &migrations, &["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = migration(&url, &migrations, &["status"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = migration(&url, &migrations, &["redo"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = migration(&url, &migrations, &["revert"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = migration(&url, &migrations, &["status"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("pending  2_half"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn migration_generate_and_check_on_mariadb_agree_with_the_declarations() {
    let db = sqlwright::testing::mariadb_database();
    let url = db.url().to_string_with_password();
    let work = scratch("generate");
    let dir = work.join("migrations");
    let dir_arg = dir.to_str().unwrap();
    let out = sqlwright(
        &url,
        &[
            "migration",
            "--dir",
            dir_arg,
            "generate",
            "teams",
            DECLARATIONS,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let made: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    let up = std::fs::read_to_string(made[0].join("up.sql")).unwrap();
    assert!(up.starts_with("-- sqlwright: no-transaction\n"), "{up}");
    assert!(up.contains("CREATE TABLE `players`"), "{up}");
    // The scratch replay leaves the target database alone.
    let out = sqlwright(&url, &["verify-schema", DECLARATIONS]);
    assert!(!out.status.success(), "{}", text(&out.stdout));
    for args in [&["run"][..], &["check", DECLARATIONS][..]] {
        let mut all = vec!["migration", "--dir", dir_arg];
        all.extend_from_slice(args);
        let out = sqlwright(&url, &all);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
    }
    let out = sqlwright(&url, &["verify-schema", DECLARATIONS]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    // A declaration the migrations do not produce: exit 1, naming the change.
    let changed = work.join("changed.rs");
    let declared = std::fs::read_to_string(DECLARATIONS).unwrap();
    std::fs::write(
        &changed,
        declared.replace("rating -> Nullable<Float8>,", "rating -> Nullable<Float4>,"),
    )
    .unwrap();
    let out = sqlwright(
        &url,
        &[
            "migration",
            "--dir",
            dir_arg,
            "check",
            changed.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("modify column players.rating (type double to FLOAT)"),
        "{}",
        text(&out.stdout)
    );
    let _ = std::fs::remove_dir_all(&work);
}
