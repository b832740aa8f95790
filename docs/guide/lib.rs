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
    production => "src/production.md",
}
