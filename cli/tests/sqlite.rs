//! The `sqlwright` binary on SQLite files: a file made by `create_all` (and a table written
//! by hand) printed as `table!` declarations, verified clean, then with drift.

use std::path::Path;
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

fn url_of(path: &Path) -> String {
    // An absolute path gives the four-slash form.
    format!("sqlite:///{}", path.display())
}

#[test]
fn print_schema_and_verify_schema_read_a_sqlite_file() {
    let db = sqlwright::testing::sqlite_database();
    let mut conn = db.connect().unwrap();
    SCHEMA.create_all(&mut conn, false).unwrap();
    conn.batch_execute(
        "CREATE TABLE legacy (code VARCHAR(8) PRIMARY KEY, born DATE, n INTEGER NOT NULL DEFAULT 0);
         CREATE TABLE log (line TEXT);",
    )
    .unwrap();
    let url = url_of(&db.path());

    let out = sqlwright(&url, &["print-schema"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    for expected in [
        "    teams (id) {\n        #[serial] id -> Int8,\n        #[unique] name -> Text,\n        founded -> Nullable<Text>,\n    }",
        "    #[index(team_id)]\n    players (id) {",
        "        #[references(teams::id, on_delete = cascade)] team_id -> Int8,\n",
        "        active -> Bool,\n        rating -> Nullable<Float8>,\n        #[default = \"'?'\"] nickname -> Text,\n",
        // A non-INTEGER key of a rowid table that is not STRICT takes NULL (SQLite's quirk).
        "    legacy (code) {\n        code -> Nullable<Varchar>,\n        born -> Nullable<Date>,\n        #[default = \"0\"] n -> Int8,\n    }",
        "// Not declared (views, or tables without a primary key): main.log",
    ] {
        assert!(printed.contains(expected), "{expected:?} not in:\n{printed}");
    }
    assert!(
        printed.find("teams (id)") < printed.find("players (id)"),
        "{printed}"
    );

    // What was printed matches the file it came from; so do the declarations it was made from.
    let dir = db.path().with_file_name("printed");
    std::fs::create_dir_all(&dir).unwrap();
    let printed_rs = dir.join("schema.rs");
    std::fs::write(&printed_rs, &printed).unwrap();
    let out = sqlwright(&url, &["verify-schema", printed_rs.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(
        text(&out.stdout).contains("matches all 4 declared tables"),
        "{}",
        text(&out.stdout)
    );
    let out = sqlwright(&url, &["verify-schema", "--schema", "main", DECLARATIONS]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );

    // Drift: every difference, by table.column, and exit status 1.
    conn.batch_execute(
        "DROP TABLE coaches;
         ALTER TABLE teams DROP COLUMN founded;
         DROP TABLE players;
         CREATE TABLE players (id INTEGER NOT NULL, team_id INTEGER, active INTEGER NOT NULL,
             rating TEXT, nickname TEXT NOT NULL DEFAULT '?', PRIMARY KEY (id, active)) STRICT;",
    )
    .unwrap();
    let out = sqlwright(&url, &["verify-schema", DECLARATIONS]);
    let report = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{report}{}", text(&out.stderr));
    for expected in [
        "5 differences between the declarations and the database:",
        "teams.founded: declared, but the database has no such column",
        "players.team_id: declared NOT NULL, the database allows NULL",
        "players.rating: declared float8, the database has TEXT",
        "players: declared primary key (id), the database has (id, active)",
        "coaches: declared, but the database has no such table",
    ] {
        assert!(report.contains(expected), "{expected:?} not in:\n{report}");
    }
}

#[test]
fn sqlite_errors_exit_with_status_2() {
    // A file that is not there is not created.
    let out = sqlwright("sqlite:////nonexistent/dir/none.db", &["print-schema"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no SQLite database at /nonexistent/dir/none.db"),
        "{}",
        text(&out.stderr)
    );
    assert!(!Path::new("/nonexistent/dir/none.db").exists());

    let db = sqlwright::testing::sqlite_database();
    SCHEMA
        .create_all(&mut db.connect().unwrap(), false)
        .unwrap();
    let out = sqlwright(&url_of(&db.path()), &["print-schema", "--schema", "public"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("`main` database") && err.contains("`public`"),
        "{err}"
    );
}
