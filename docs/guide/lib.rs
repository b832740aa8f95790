//! The sqlwright guide (`docs/guide/src/*.md`), compiled and run as doctests: each page is
//! the documentation of a hidden module below, so `cargo test -p sqlwright-guide --doc` runs
//! every code block of every page (edition 2024 builds them into one test binary). The
//! README is checked the same way.
//!
//! The pages' examples share the blog schema in [`blog`]: a block starts from a fresh
//! database with those tables and a few rows (`blog::sqlite()` or `blog::postgres()`, in the
//! block's hidden lines), so each block runs alone and leaves nothing behind.

#![deny(missing_docs)]

pub mod blog;

macro_rules! pages {
    ($($name:ident => $file:literal,)*) => {
        $(
            #[doc = include_str!($file)]
            #[doc(hidden)]
            pub mod $name {}
        )*
    };
}

pages! {
    readme => "../../README.md",
    summary => "src/SUMMARY.md",
    introduction => "src/introduction.md",
    installation => "src/installation.md",
    engines => "src/engines.md",
    logging => "src/logging.md",
    existing_databases => "src/existing-databases.md",
    core => "src/core.md",
    raw_sql => "src/raw-sql.md",
    models => "src/models.md",
    reading => "src/reading.md",
    updates => "src/updates.md",
    transactions => "src/transactions.md",
    relationships => "src/relationships.md",
    batch_jobs => "src/batch-jobs.md",
    backends => "src/backends.md",
    mysql => "src/mysql.md",
    production => "src/production.md",
    migrations => "src/migrations.md",
    async_ => "src/async.md",
    from_sqlalchemy => "src/from-sqlalchemy.md",
    from_diesel => "src/from-diesel.md",
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Every page in `src/` is in the book's table of contents and is run as a doctest
    /// here, so a new page cannot be left untested.
    #[test]
    fn every_page_is_listed_and_tested() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let summary = std::fs::read_to_string(dir.join("src/SUMMARY.md")).unwrap();
        let lib = std::fs::read_to_string(dir.join("lib.rs")).unwrap();
        let mut pages = 0;
        for entry in std::fs::read_dir(dir.join("src")).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if !name.ends_with(".md") {
                continue;
            }
            pages += 1;
            assert!(
                lib.contains(&format!("\"src/{name}\"")),
                "{name} is not run as a doctest: add it to `pages!` in lib.rs"
            );
            if name != "SUMMARY.md" {
                assert!(
                    summary.contains(&format!("({name})")),
                    "{name} is not in SUMMARY.md"
                );
            }
        }
        assert!(pages > 10, "found only {pages} pages");
    }
}
