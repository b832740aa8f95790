//! `embed_migrations!("dir")`: the migrations of a directory (relative to the crate's
//! `CARGO_MANIFEST_DIR`) as a `::sqlwright::migrate::EmbeddedMigrations`, each file included
//! with `include_str!` so that editing it rebuilds the crate. The directory's layout is
//! checked here, with the runtime loader's rule for names (kept in step with
//! `sqlwright::migrate`'s `parse_dir_name`); everything else (directives, order, checksums)
//! is checked by the runtime, the same code as for a directory read at run time.

use proc_macro2::TokenStream;
use quote::quote;
use std::path::{Path, PathBuf};
use syn::LitStr;

pub fn expand(input: TokenStream) -> syn::Result<TokenStream> {
    let lit: LitStr = syn::parse2(input)?;
    let root = std::env::var("CARGO_MANIFEST_DIR").map_err(|_| {
        syn::Error::new(
            lit.span(),
            "CARGO_MANIFEST_DIR is not set: build with cargo",
        )
    })?;
    let dir = Path::new(&root).join(lit.value());
    let found = scan(&dir).map_err(|message| syn::Error::new(lit.span(), message))?;
    let items = found.iter().map(|(name, up, down)| {
        let up = up.to_string_lossy().into_owned();
        let down = down.to_string_lossy().into_owned();
        quote! {
            ::sqlwright::migrate::EmbeddedMigration {
                dir: #name,
                up: ::core::include_str!(#up),
                down: ::core::include_str!(#down),
            }
        }
    });
    Ok(quote! {
        ::sqlwright::migrate::EmbeddedMigrations::__new(&[#(#items),*])
    })
}

/// The migration directories under `dir`, sorted by name: (name, up.sql path, down.sql path).
fn scan(dir: &Path) -> Result<Vec<(String, PathBuf, PathBuf)>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        format!(
            "cannot read the migrations directory {}: {e}",
            dir.display()
        )
    })?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            return Err(format!(
                "{}: the directory name is not UTF-8",
                path.display()
            ));
        };
        if name.starts_with('.') || !path.is_dir() {
            continue;
        }
        if !well_named(&name) {
            return Err(format!(
                "{}: a migration directory is named `<version>_<name>` (e.g. \
                 `20261206143000_create_users`: digits, `_`, then letters, digits, `_` or `-`)",
                path.display()
            ));
        }
        let mut files = ["up.sql", "down.sql"].into_iter().map(|f| {
            let file = path.join(f);
            if file.is_file() {
                Ok(file)
            } else {
                Err(format!(
                    "{}: missing: a migration needs both up.sql and down.sql",
                    file.display()
                ))
            }
        });
        let up = files.next().expect("two files")?;
        let down = files.next().expect("two files")?;
        found.push((name, up, down));
    }
    found.sort();
    Ok(found)
}

fn well_named(dir: &str) -> bool {
    let Some((digits, name)) = dir.split_once('_') else {
        return false;
    };
    !digits.is_empty()
        && digits.len() <= 18
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_runtime_rule() {
        assert!(well_named("20261206143000_create_users"));
        assert!(well_named("1_a-b"));
        for bad in [
            "create_users",
            "2026_",
            "_x",
            "12a_x",
            "1_x y",
            "1234567890123456789_x",
        ] {
            assert!(!well_named(bad), "{bad}");
        }
    }

    #[test]
    fn a_missing_directory_or_file_is_named() {
        let dir = std::env::temp_dir().join(format!("sqlwright-embed-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let err = scan(&dir).unwrap_err();
        assert!(
            err.contains("cannot read the migrations directory"),
            "{err}"
        );
        std::fs::create_dir_all(dir.join("1_a")).unwrap();
        std::fs::write(dir.join("1_a/up.sql"), "").unwrap();
        let err = scan(&dir).unwrap_err();
        assert!(
            err.ends_with("1_a/down.sql: missing: a migration needs both up.sql and down.sql"),
            "{err}"
        );
        std::fs::write(dir.join("1_a/down.sql"), "").unwrap();
        let found = scan(&dir).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "1_a");
    }
}
