//! Runs the notes' three relationship programs (built by `cargo test` with the other
//! targets) and checks what they print, plain and with `--echo`.

use std::path::PathBuf;
use std::process::Command;

/// `target/<profile>/examples/<name>`, next to this test's own `deps/` directory.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    profile.join("examples").join(name)
}

/// Standard output of the program (and standard error after it, when `with_stderr`).
fn run_full(name: &str, args: &[&str], with_stderr: bool) -> String {
    let path = example(name);
    let out = Command::new(&path)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", path.display()));
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    if with_stderr {
        text.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    assert!(
        out.status.success(),
        "{name} failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn run(name: &str, args: &[&str]) -> String {
    run_full(name, args, false)
}

#[test]
fn one_to_many_prints_the_profile_its_photos_and_each_photos_owner() {
    let out = run("one_to_many", &[]);
    for expected in [
        "f_name: \"Петя\"",
        "l_name: \"Федоров\"",
        "photos of Петя Федоров",
        "path_image: \"Фото_3\"",
        "Фото_1 belongs to Петя Федоров (id 1)",
        "Фото_3 belongs to Петя Федоров (id 1)",
    ] {
        assert!(out.contains(expected), "{expected:?} not in:\n{out}");
    }
}

#[test]
fn one_to_one_prints_both_directions_and_the_refused_second_passport() {
    let out = run("one_to_one", &[]);
    for expected in [
        "passport: Some(Passport { id: 1, id_person: 1, passport_number: \"Паспорт_1\" })",
        "owner: Петя Федоров",
        "second passport refused, as expected: duplicate key value violates unique constraint",
        "table паспорт_",
    ] {
        assert!(out.contains(expected), "{expected:?} not in:\n{out}");
    }
}

#[test]
fn many_to_many_prints_each_buyers_products_and_each_products_buyers() {
    let out = run("many_to_many", &[]);
    for expected in [
        "Петя <peta@gmail.com, +79989123123> bought: Колбаса (300 ₽), Молоко (50 ₽)",
        "bought: Колбаса (300 ₽)\n",
        "Колбаса (id 1) was bought by: Петя, Катя",
        "Молоко (id 2) was bought by: Петя",
    ] {
        assert!(out.contains(expected), "{expected:?} not in:\n{out}");
    }
}

#[test]
fn echo_shows_the_sql_the_programs_run() {
    let out = run_full("many_to_many", &["--echo"], true);
    assert!(
        out.contains("INSERT INTO \"корзина_\""),
        "no INSERT in:\n{out}"
    );
    assert!(out.contains("SELECT "), "no SELECT in:\n{out}");
    assert!(out.contains("Молоко (id 2) was bought by: Петя"), "{out}");
}

#[test]
fn batch_job_streams_transforms_and_copies_every_row() {
    let out = run("batch_job", &["3000"]);
    assert!(out.contains("loaded 3000 cleaned orders"), "{out}");
    assert!(out.contains("  #1 Peter: 1.26 EUR"), "{out}");
    assert!(out.contains("  #3 Anna: 4.11 EUR"), "{out}");
}

#[test]
fn quickstart_and_tour_run_to_the_end() {
    let out = run("quickstart", &[]);
    assert!(!out.is_empty());
    let out = run("tour", &[]);
    assert!(out.contains("copied 2 rows"), "{out}");
    assert!(out.contains("[\"Bulk 2\", \"Bulk 1\"]"), "{out}");
    // the expression-language part
    assert!(
        out.contains("[(\"Alice\", \"adult\"), (\"Anton\", \"senior\"), (\"Bob\", \"minor\")]"),
        "{out}"
    );
    assert!(out.contains("[1, 2, 3]"), "{out}");
    assert!(out.contains("(None, Some(3.5), 1)"), "{out}");
    assert!(out.contains("expressions done"), "{out}");
}
