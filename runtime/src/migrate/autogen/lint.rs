//! The lint: operations of a generated migration that lose data, or lock or rewrite a big
//! table, each with the safe way to do it instead. Warnings are advice for the reviewer of
//! the generated file; the plan itself is not changed by them.

use super::model::Type;
use std::fmt;

/// Whether changing a column from type `from` (live) to `to` (declared) rewrites the table.
/// PostgreSQL keeps the rows as they are when `varchar` becomes `text` or a longer (or
/// unbounded) `varchar`; other changes, and anything it cannot tell, count as rewrites.
pub(super) fn rewrites(from: Type<'_>, to: Type<'_>) -> bool {
    let (Type::Live(live), Type::Declared(declared)) = (from, to) else {
        return true;
    };
    if !matches!(live.type_name.as_str(), "varchar" | "text") {
        return true;
    }
    let length = |sized: &str| {
        sized
            .strip_prefix("varchar(")
            .and_then(|rest| rest.strip_suffix(')'))
            .and_then(|n| n.parse::<u32>().ok())
    };
    match (declared.sized_type, declared.sql_type) {
        (None, "text" | "varchar") => false,
        (Some(sized), _) => match (length(sized), live.size().as_slice()) {
            (Some(new), [old]) => new < *old,
            _ => true,
        },
        _ => true,
    }
}

/// What a [`Warning`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarningKind {
    /// A column is dropped: its data is lost.
    DropsColumn,
    /// A table is dropped: its rows are lost.
    DropsTable,
    /// A NOT NULL column without a default is added to an existing table (fails when the
    /// table has rows), or an existing column becomes NOT NULL (scans the table).
    NotNullWithoutDefault,
    /// A plain `CREATE INDEX` on an existing PostgreSQL table blocks writes while it builds.
    BlockingIndex,
    /// A type change, or a SQLite table rebuild, rewrites every row.
    RewritesTable,
    /// A foreign key added to an existing PostgreSQL table without `NOT VALID` checks every
    /// row while it locks both tables.
    ForeignKeyValidation,
}

/// One lint warning: what, where, and the safe recipe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// What kind of operation it is.
    pub kind: WarningKind,
    /// The table or `table.column` it concerns.
    pub subject: String,
    /// The risk and the safe recipe, in a sentence or two.
    pub advice: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.advice)
    }
}

impl Warning {
    pub(super) fn drops_column(table: &str, column: &str) -> Warning {
        Warning {
            kind: WarningKind::DropsColumn,
            subject: format!("{table}.{column}"),
            advice: "dropping the column loses its data. Safe recipe: first deploy code that \
                     no longer reads or writes it (remove it from the declaration), back the \
                     values up if they may be wanted, then drop it in a later migration."
                .into(),
        }
    }

    pub(super) fn drops_table(table: &str) -> Warning {
        Warning {
            kind: WarningKind::DropsTable,
            subject: table.to_string(),
            advice: "dropping the table loses its rows. Safe recipe: first deploy code that \
                     no longer uses it, back it up (or rename it and drop it later), then drop \
                     it in a later migration. A renamed table is declared with \
                     `#[renamed_from(old_name)]`, which renames instead."
                .into(),
        }
    }

    pub(super) fn not_null_without_default(table: &str, column: &str) -> Warning {
        Warning {
            kind: WarningKind::NotNullWithoutDefault,
            subject: format!("{table}.{column}"),
            advice: "adding a NOT NULL column without a default fails when the table has \
                     rows. Safe recipe: add it nullable (or with a default), fill it in \
                     batches, then make it NOT NULL."
                .into(),
        }
    }

    pub(super) fn sets_not_null(table: &str, column: &str) -> Warning {
        Warning {
            kind: WarningKind::NotNullWithoutDefault,
            subject: format!("{table}.{column}"),
            advice: "making a column NOT NULL reads every row (on PostgreSQL under an \
                     ACCESS EXCLUSIVE lock) and fails on a NULL. Safe recipe: fill the NULLs \
                     first, in batches; on PostgreSQL 12+ add CHECK (column IS NOT NULL) NOT \
                     VALID, VALIDATE CONSTRAINT in a later migration, then SET NOT NULL \
                     (which uses the check instead of scanning) and drop the check."
                .into(),
        }
    }

    pub(super) fn blocking_index(table: &str, index: &str) -> Warning {
        Warning {
            kind: WarningKind::BlockingIndex,
            subject: table.to_string(),
            advice: format!(
                "CREATE INDEX \"{index}\" blocks writes to the table while it builds. Safe \
                 recipe: CREATE INDEX CONCURRENTLY in a migration of its own that runs \
                 outside a transaction."
            ),
        }
    }

    pub(super) fn rewrites_column(table: &str, column: &str) -> Warning {
        Warning {
            kind: WarningKind::RewritesTable,
            subject: format!("{table}.{column}"),
            advice: "changing the type rewrites the table and its indexes under an ACCESS \
                     EXCLUSIVE lock, and fails on a value the cast refuses. Safe recipe: add \
                     a column of the new type, fill it in batches, switch the code to it, \
                     then drop the old one."
                .into(),
        }
    }

    pub(super) fn rewrites_column_mysql(table: &str, column: &str) -> Warning {
        Warning {
            kind: WarningKind::RewritesTable,
            subject: format!("{table}.{column}"),
            advice: "changing the type on MySQL copies the table (ALGORITHM=COPY: writes wait \
                     for the whole copy), and strict mode fails the change on a value the new \
                     type cannot hold. Safe recipe: add a column of the new type, fill it in \
                     batches, switch the code to it, then drop the old one."
                .into(),
        }
    }

    pub(super) fn not_null_without_default_mysql(table: &str, column: &str) -> Warning {
        Warning {
            kind: WarningKind::NotNullWithoutDefault,
            subject: format!("{table}.{column}"),
            advice: "adding a NOT NULL column without a default to a table with rows gives \
                     them the type's implicit value (0, '', or an error for dates) on MySQL. \
                     Safe recipe: add it nullable (or with a default), fill it in batches, \
                     then make it NOT NULL."
                .into(),
        }
    }

    pub(super) fn rebuilds_table(table: &str) -> Warning {
        Warning {
            kind: WarningKind::RewritesTable,
            subject: table.to_string(),
            advice: "SQLite cannot make this change with ALTER TABLE: the table is rebuilt \
                     (a new table, every row copied, the old one dropped), which holds the \
                     database's write lock for the whole copy. Run it when writes can wait."
                .into(),
        }
    }

    pub(super) fn validates_foreign_key(table: &str, constraint: &str) -> Warning {
        Warning {
            kind: WarningKind::ForeignKeyValidation,
            subject: table.to_string(),
            advice: format!(
                "ADD CONSTRAINT \"{constraint}\" FOREIGN KEY checks every row while it locks \
                 both tables against writes. Safe recipe: add it with NOT VALID (new rows are \
                 checked at once), then VALIDATE CONSTRAINT in a later migration, which \
                 locks less."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_warning_names_its_subject_and_a_recipe() {
        let all = [
            Warning::drops_column("users", "age"),
            Warning::drops_table("users"),
            Warning::not_null_without_default("users", "age"),
            Warning::sets_not_null("users", "age"),
            Warning::blocking_index("users", "users_age_idx"),
            Warning::rewrites_column("users", "age"),
            Warning::rebuilds_table("users"),
            Warning::validates_foreign_key("posts", "posts_user_id_fkey"),
            Warning::rewrites_column_mysql("users", "age"),
            Warning::not_null_without_default_mysql("users", "age"),
        ];
        for w in &all {
            let text = w.to_string();
            assert!(
                text.starts_with("users") || text.starts_with("posts"),
                "{text}"
            );
            assert!(
                text.contains("Safe recipe") || text.contains("Run it when"),
                "{text}"
            );
        }
        assert!(all[4].advice.contains("CONCURRENTLY"));
        assert!(all[7].advice.contains("NOT VALID"));
        assert_eq!(all[0].kind, WarningKind::DropsColumn);
    }
}
