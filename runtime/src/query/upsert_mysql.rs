//! Upserts on MySQL: `ON DUPLICATE KEY UPDATE`, and when a typed conflict target can be
//! honoured there (see docs/design.md, "MySQL capabilities, RETURNING and upserts").

use super::meta::TableMeta;
use crate::render::SqlWriter;

/// Whether `key` holds the same columns as `target` (in any order).
fn same_columns(key: &[&str], target: &[&'static str]) -> bool {
    key.len() == target.len() && key.iter().all(|c| target.contains(c))
}

/// Why MySQL cannot honour conflict target `target` on table `meta`, if it cannot.
///
/// MySQL's `ON DUPLICATE KEY UPDATE` fires on a duplicate of ANY unique key, not of one
/// named key. So the target is honoured only when it is the table's one unique key, leaving
/// aside a single-column `#[serial]` primary key (AUTO_INCREMENT: an INSERT that lets it
/// take its next value never collides on it).
pub(crate) fn unhonoured_target(meta: &TableMeta, target: &[&'static str]) -> Option<String> {
    let serial_key = match meta.primary_key {
        [only] => meta.columns.iter().any(|c| c.sql_name == *only && c.serial),
        _ => false,
    };
    let pk = (!meta.primary_key.is_empty() && !serial_key).then_some(meta.primary_key);
    let singles = meta
        .columns
        .iter()
        .filter(|c| c.unique)
        .map(|c| std::slice::from_ref(&c.sql_name));
    let uniques = meta.uniques.iter().map(|u| u.columns);
    let indexes = meta.indexes.iter().filter(|i| i.unique).map(|i| i.columns);
    let other = pk
        .into_iter()
        .chain(singles)
        .chain(uniques)
        .chain(indexes)
        .find(|key| !same_columns(key, target))?;
    Some(format!(
        "MySQL's ON DUPLICATE KEY UPDATE fires on any unique key, and `{}` has one besides \
         the conflict target ({}): ({}); an upsert on ({}) cannot be written exactly",
        meta.sql_name,
        target.join(", "),
        other.join(", "),
        target.join(", "),
    ))
}

/// Writes ` ON DUPLICATE KEY UPDATE `c` = `c``: a duplicate leaves the row as it was and,
/// without `CLIENT_FOUND_ROWS`, counts 0 affected rows, so the count is the rows inserted
/// (PostgreSQL's `DO NOTHING` count). Unlike `INSERT IGNORE` it silences nothing else: a
/// foreign key, NOT NULL or CHECK violation, or a value out of range, is still an error.
pub(crate) fn do_nothing(out: &mut SqlWriter<'_>, column: &str) {
    out.sql(" ON DUPLICATE KEY UPDATE ");
    out.ident(column);
    out.sql(" = ");
    out.ident(column);
}

/// Refuses the statement on MySQL when `target` cannot be honoured there.
pub(crate) fn check_target(out: &mut SqlWriter<'_>, meta: &TableMeta, target: &[&'static str]) {
    if let Some(marks) = out.mysql_marks() {
        if marks.refused.is_none() {
            marks.refused = unhonoured_target(meta, target);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unhonoured_target;
    use crate::query::Table;

    mod shapes {
        crate::table! {
            serial_and_email (id) {
                #[serial] id -> Int4,
                #[unique] email -> Text,
                name -> Text,
            }
            #[unique(owner, slug)]
            repos (owner, slug) {
                owner -> Text,
                slug -> Text,
                stars -> Int4,
            }
            #[index(code, unique)]
            coded (id) {
                id -> Int4,
                code -> Int4,
            }
            plain (id) {
                id -> Int4,
                n -> Int4,
            }
        }
    }
    use shapes::*;

    #[test]
    fn a_target_is_honoured_only_as_the_one_unique_key() {
        // A serial single-column key is left aside.
        assert_eq!(
            unhonoured_target(serial_and_email::table::META, &["email"]),
            None
        );
        let refused = unhonoured_target(serial_and_email::table::META, &["id"]).unwrap();
        assert!(refused.contains("(email)"), "{refused}");
        // The same columns twice (primary key and a unique constraint), in any order.
        assert_eq!(
            unhonoured_target(repos::table::META, &["slug", "owner"]),
            None
        );
        assert!(unhonoured_target(repos::table::META, &["owner"]).is_some());
        // A unique index counts; a plain key alone is honoured.
        let refused = unhonoured_target(coded::table::META, &["id"]).unwrap();
        assert!(
            refused.contains("(code)") && refused.contains("`coded`"),
            "{refused}"
        );
        assert_eq!(unhonoured_target(plain::table::META, &["id"]), None);
    }
}
