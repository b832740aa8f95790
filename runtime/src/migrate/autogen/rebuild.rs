//! SQLite's table rebuild, for the changes its `ALTER TABLE` cannot make (a type,
//! nullability or default, a key or constraint, dropping a column something uses): the
//! recipe of <https://www.sqlite.org/lang_altertable.html#otheralter>. A new table
//! `"_new_x"` with the target definition, the kept columns copied into it, the old table
//! dropped, the new one renamed, its indexes created.

use super::diff::shown_type;
use super::diff::{Diff, Names, Phase};
use super::lint::Warning;
use super::model::{normalize, Check, Column, Source, Table};
use super::sql::{create_table, q, q_list};
use super::table::{is_bool, same_type};
use crate::backend::Dialect;

pub(super) fn rebuild(
    names: &Names<'_, '_>,
    f: &Table<'_>,
    t: &Table<'_>,
    columns: &[Option<usize>],
    dropped: &[&Column<'_>],
    details: &[String],
    d: &mut Diff,
) {
    let scratch = format!("_new_{}", t.name);
    let (table, indexes) = match t.source {
        Source::Declared(meta) => {
            // The declaration's own `CREATE TABLE` (as `create_all` writes it), under the
            // scratch name; its indexes after the rename.
            let sql = meta.create_sql_with(Dialect::Sqlite, false, &|_| true);
            let end = ") STRICT;\n";
            let (table, indexes) = match sql.find(end) {
                Some(at) => (
                    sql[..at + end.len()].to_string(),
                    sql[at + end.len()..].to_string(),
                ),
                None => (sql, String::new()),
            };
            let head = format!("CREATE TABLE {} (", q(&t.name));
            let table = table.replacen(&head, &format!("CREATE TABLE {} (", q(&scratch)), 1);
            (table, indexes)
        }
        Source::Live => create_table(Dialect::Sqlite, t, &scratch, true),
    };
    let (mut into, mut select) = (Vec::new(), Vec::new());
    for (tc, fc) in columns.iter().enumerate() {
        if let Some(fc) = fc {
            into.push(t.columns[tc].name.clone());
            select.push(f.columns[*fc].name.clone());
        }
    }
    let mut sql = table;
    sql.push_str(&format!(
        "INSERT INTO {} ({}) SELECT {} FROM {};\n",
        q(&scratch),
        q_list(&into),
        q_list(&select),
        q(&t.name)
    ));
    sql.push_str(&format!("DROP TABLE {};\n", q(&t.name)));
    sql.push_str(&format!(
        "ALTER TABLE {} RENAME TO {};\n",
        q(&scratch),
        q(&t.name)
    ));
    sql.push_str(&indexes);
    let step = d.push_step(
        Phase::Columns,
        sql,
        format!(
            "rebuild table {} (SQLite's ALTER TABLE cannot make the change)",
            t.name
        ),
    );
    step.warning = Some(Warning::rebuilds_table(&t.name));
    for detail in details {
        d.push_step(
            Phase::Columns,
            String::new(),
            format!("{detail} (in the rebuild)"),
        );
    }
    for (tc, fc) in columns.iter().enumerate() {
        let c = &t.columns[tc];
        let what = match fc {
            None => format!("add column {}.{} (in the rebuild)", t.name, c.name),
            Some(fc) if f.columns[*fc].name != c.name => format!(
                "rename column {}.{} to {} (in the rebuild)",
                t.name, f.columns[*fc].name, c.name
            ),
            Some(fc) => {
                let a = &f.columns[*fc];
                if a.nullable && !c.nullable {
                    let step = d.push_step(
                        Phase::Columns,
                        String::new(),
                        format!("make {}.{} NOT NULL (in the rebuild)", t.name, c.name),
                    );
                    step.warning = Some(Warning::sets_not_null(&t.name, &c.name));
                }
                continue;
            }
        };
        let step = d.push_step(Phase::Columns, String::new(), what);
        if fc.is_none() && !c.nullable && c.default.is_none() && !c.serial {
            step.warning = Some(Warning::not_null_without_default(&t.name, &c.name));
        }
    }
    for c in dropped {
        let step = d.push_step(
            Phase::Columns,
            String::new(),
            format!("drop column {}.{} (in the rebuild)", t.name, c.name),
        );
        step.loses = Some(format!("column {}.{} and its values", t.name, c.name));
        step.warning = Some(Warning::drops_column(&t.name, &c.name));
    }
    d.rebuilds = true;
    let referenced = names
        .from
        .tables
        .iter()
        .filter(|other| other.name != f.name)
        .any(|other| other.foreign_keys.iter().any(|fk| fk.table == f.name));
    if referenced {
        d.rebuilds_referenced = true;
    }
}

/// What a rebuild changes, one line each, for the migration's header.
pub(super) fn details(
    f: &Table<'_>,
    t: &Table<'_>,
    paired: &[(&Column<'_>, &Column<'_>)],
    [fk_match, unique_match, check_match]: [&[Option<usize>]; 3],
    primary_key_changes: bool,
) -> Vec<String> {
    let dialect = Dialect::Sqlite;
    let mut details = Vec::new();
    if primary_key_changes {
        details.push(format!(
            "set the primary key of {} to ({})",
            t.name,
            t.primary_key.join(", ")
        ));
    }
    let mut changed =
        |what: &str, from_names: Vec<&str>, found: &[Option<usize>], to_names: Vec<&str>| {
            for (i, name) in from_names.iter().enumerate() {
                if found[i].is_none() {
                    details.push(format!("drop {what} {name} on {}", t.name));
                }
            }
            for (j, name) in to_names.iter().enumerate() {
                if !found.contains(&Some(j)) {
                    details.push(format!("add {what} {name} on {}", t.name));
                }
            }
        };
    changed(
        "foreign key",
        f.foreign_keys.iter().map(|k| k.name.as_str()).collect(),
        fk_match,
        t.foreign_keys.iter().map(|k| k.name.as_str()).collect(),
    );
    changed(
        "unique constraint",
        f.uniques.iter().map(|k| k.name.as_str()).collect(),
        unique_match,
        t.uniques.iter().map(|k| k.name.as_str()).collect(),
    );
    let check_name = |k: &Check| {
        if k.name.is_empty() {
            format!("({})", k.sql)
        } else {
            k.name.clone()
        }
    };
    let (from_checks, to_checks): (Vec<String>, Vec<String>) = (
        f.checks.iter().map(check_name).collect(),
        t.checks.iter().map(check_name).collect(),
    );
    changed(
        "check",
        from_checks.iter().map(String::as_str).collect(),
        check_match,
        to_checks.iter().map(String::as_str).collect(),
    );
    for (a, b) in paired {
        if !same_type(dialect, a.ty, b.ty) || is_bool(a.ty) != is_bool(b.ty) {
            details.push(format!(
                "change the type of {}.{} from {} to {}",
                t.name,
                b.name,
                shown_type(dialect, a.ty),
                shown_type(dialect, b.ty)
            ));
        }
        if a.default.as_deref().map(normalize) != b.default.as_deref().map(normalize) {
            details.push(match &b.default {
                Some(v) => format!("set the default of {}.{} to {v}", t.name, b.name),
                None => format!("drop the default of {}.{}", t.name, b.name),
            });
        }
        if !a.nullable && b.nullable {
            details.push(format!("allow NULL in {}.{}", t.name, b.name));
        }
    }
    details
}
