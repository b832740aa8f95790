//! The changes inside one table that exists on both sides: columns, keys, constraints,
//! indexes and comments; on SQLite, the rebuild when `ALTER TABLE` cannot make them.

use super::diff::{add_column, index_sql, list, shown_type, Diff, Names, Phase};
use super::lint::Warning;
use super::model::{normalize, Column, ForeignKey, Table, Type};
use super::sql::{foreign_key, literal, q};
use crate::backend::Dialect;

/// A `from` foreign key in `to` names: columns, table, referenced columns, actions.
type FkKey = (Vec<String>, String, Vec<String>, String, String);

pub(super) fn table(
    names: &Names<'_, '_>,
    ti: usize,
    fi: usize,
    columns: &[Option<usize>],
    dialect: Dialect,
    d: &mut Diff,
) {
    let (f, t) = (&names.from.tables[fi], &names.to.tables[ti]);
    let col = |name: &String| names.column(&f.name, name);
    let cols = |list: &[String]| -> Vec<String> { list.iter().map(col).collect() };
    let fk_match = foreign_key_matches(names, f, t);
    let unique_match = matches(&f.uniques, &t.uniques, |a, b| cols(&a.columns) == b.columns);
    let check_match = matches(&f.checks, &t.checks, |a, b| {
        normalize(&a.sql) == normalize(&b.sql)
    });
    let index_match = matches(&f.indexes, &t.indexes, |a, b| {
        a.unique == b.unique && cols(&a.columns) == b.columns
    });
    let primary_key_changes = cols(&f.primary_key) != t.primary_key;
    let dropped: Vec<&Column<'_>> = f
        .columns
        .iter()
        .enumerate()
        .filter(|(i, _)| !columns.contains(&Some(*i)))
        .map(|(_, c)| c)
        .collect();
    let paired: Vec<(&Column<'_>, &Column<'_>)> = columns
        .iter()
        .enumerate()
        .filter_map(|(tc, fc)| fc.map(|fc| (&f.columns[fc], &t.columns[tc])))
        .collect();
    let added: Vec<&Column<'_>> = columns
        .iter()
        .enumerate()
        .filter(|(_, fc)| fc.is_none())
        .map(|(tc, _)| &t.columns[tc])
        .collect();

    // SQLite adds a nullable column without a default with its foreign key inline: such a
    // key needs no rebuild.
    let inline_key = |j: usize| {
        let fk = &t.foreign_keys[j];
        dialect == Dialect::Sqlite
            && fk.columns.len() == 1
            && added
                .iter()
                .any(|c| c.name == fk.columns[0] && c.nullable && c.default.is_none())
    };
    if dialect == Dialect::Sqlite {
        let new_keys: Vec<usize> = (0..t.foreign_keys.len())
            .filter(|j| !fk_match.contains(&Some(*j)))
            .collect();
        let constraints_change = primary_key_changes
            || fk_match.iter().any(Option::is_none)
            || new_keys.iter().any(|j| !inline_key(*j))
            || unmatched(&unique_match, t.uniques.len())
            || unmatched(&check_match, t.checks.len());
        let columns_change = paired.iter().any(|(a, b)| {
            !same_type(dialect, a.ty, b.ty)
                || is_bool(a.ty) != is_bool(b.ty)
                || a.nullable != b.nullable
                || a.default.as_deref().map(normalize) != b.default.as_deref().map(normalize)
        });
        let uses = |c: &Column<'_>| {
            f.primary_key.contains(&c.name)
                || f.uniques.iter().any(|u| u.columns.contains(&c.name))
                || f.foreign_keys.iter().any(|k| k.columns.contains(&c.name))
                || f.indexes.iter().any(|i| i.columns.contains(&c.name))
                || f.checks
                    .iter()
                    .any(|k| normalize(&k.sql).contains(&c.name.to_lowercase()))
                || is_bool(c.ty)
        };
        let hard_add = |c: &Column<'_>| {
            let default = c.default.as_deref().map(normalize);
            (!c.nullable && c.default.is_none())
                || c.default
                    .as_deref()
                    .is_some_and(|d| d.trim_start().starts_with('('))
                || default.as_deref().is_some_and(|d| {
                    matches!(d, "current_time" | "current_date" | "current_timestamp")
                })
        };
        if constraints_change
            || columns_change
            || dropped.iter().any(|c| uses(c))
            || added.iter().any(|c| hard_add(c))
        {
            let details = super::rebuild::details(
                f,
                t,
                &paired,
                [&fk_match, &unique_match, &check_match],
                primary_key_changes,
            );
            super::rebuild::rebuild(names, f, t, columns, &dropped, &details, d);
            return;
        }
    }

    for (a, b) in &paired {
        if a.name != b.name {
            d.push_step(
                Phase::Renames,
                format!(
                    "ALTER TABLE {} RENAME COLUMN {} TO {};\n",
                    q(&t.name),
                    q(&a.name),
                    q(&b.name)
                ),
                format!("rename column {}.{} to {}", t.name, a.name, b.name),
            );
        }
    }
    for c in &added {
        let mut sql = add_column(dialect, &t.name, c);
        let inline = (0..t.foreign_keys.len()).find(|&j| {
            !fk_match.contains(&Some(j)) && inline_key(j) && t.foreign_keys[j].columns[0] == c.name
        });
        if let Some(j) = inline {
            let fk = &t.foreign_keys[j];
            let reference = format!(
                " REFERENCES {} ({}) ON DELETE {} ON UPDATE {};\n",
                q(&fk.table),
                list(&fk.referenced),
                fk.on_delete,
                fk.on_update
            );
            sql = sql.trim_end().trim_end_matches(';').to_string() + &reference;
        }
        let step = d.push_step(
            Phase::Columns,
            sql,
            format!("add column {}.{}", t.name, c.name),
        );
        if !c.nullable && c.default.is_none() && !c.serial {
            step.warning = Some(Warning::not_null_without_default(&t.name, &c.name));
        }
    }
    for c in &dropped {
        let step = d.push_step(
            Phase::Columns,
            format!("ALTER TABLE {} DROP COLUMN {};\n", q(&t.name), q(&c.name)),
            format!("drop column {}.{}", t.name, c.name),
        );
        step.loses = Some(format!("column {}.{} and its values", t.name, c.name));
        step.warning = Some(Warning::drops_column(&t.name, &c.name));
    }
    // Indexes can be created and dropped on SQLite too.
    for (i, index) in f.indexes.iter().enumerate() {
        if index_match[i].is_none() {
            d.push_step(
                Phase::DropConstraints,
                format!("DROP INDEX {};\n", q(&index.name)),
                format!("drop index {} on {}", index.name, t.name),
            );
        }
    }
    for (j, index) in t.indexes.iter().enumerate() {
        if !index_match.contains(&Some(j)) {
            let step = d.push_step(
                Phase::Indexes,
                index_sql(&t.name, index),
                format!("create index {} on {}", index.name, t.name),
            );
            if dialect == Dialect::Postgres {
                step.warning = Some(Warning::blocking_index(&t.name, &index.name));
            }
        }
    }
    if dialect == Dialect::Sqlite {
        return;
    }

    let alter = |c: &str| format!("ALTER TABLE {} ALTER COLUMN {}", q(&t.name), q(c));
    for (a, b) in &paired {
        let retyped = !same_type(dialect, a.ty, b.ty);
        if retyped {
            let ty = shown_type(dialect, b.ty);
            let mut sql = String::new();
            if a.default.is_some() {
                sql.push_str(&format!("{} DROP DEFAULT;\n", alter(&b.name)));
            }
            sql.push_str(&format!(
                "{} TYPE {ty} USING {}::{ty};\n",
                alter(&b.name),
                q(&b.name)
            ));
            if let Some(default) = &b.default {
                sql.push_str(&format!("{} SET DEFAULT {default};\n", alter(&b.name)));
            }
            let step = d.push_step(
                Phase::Columns,
                sql,
                format!(
                    "change the type of {}.{} from {} to {ty}",
                    t.name,
                    b.name,
                    shown_type(dialect, a.ty)
                ),
            );
            step.loses = Some(format!(
                "{}.{}: values the cast to {ty} changes (text cut to a length, numbers \
                 rounded to a scale), or refuses (the migration fails)",
                t.name, b.name
            ));
            if super::lint::rewrites(a.ty, b.ty) {
                step.warning = Some(Warning::rewrites_column(&t.name, &b.name));
            }
        }
        if a.serial != b.serial {
            let sql = if b.serial {
                // The sequence starts after the values already there.
                format!(
                    "{} ADD GENERATED BY DEFAULT AS IDENTITY;\nSELECT setval(pg_get_serial_sequence({}, {}), coalesce(max({}), 0) + 1, false) FROM {};\n",
                    alter(&b.name),
                    literal(&q(&t.name)),
                    literal(&b.name),
                    q(&b.name),
                    q(&t.name)
                )
            } else if matches!(a.ty, Type::Live(l) if l.default.is_some()) {
                // A `serial`: its numbers come from a `nextval(..)` default.
                format!("{} DROP DEFAULT;\n", alter(&b.name))
            } else {
                format!("{} DROP IDENTITY IF EXISTS;\n", alter(&b.name))
            };
            let what = if b.serial { "make" } else { "stop making" };
            d.push_step(
                Phase::Columns,
                sql,
                format!("{what} {}.{} an identity column", t.name, b.name),
            );
        }
        if !retyped && a.default.as_deref().map(normalize) != b.default.as_deref().map(normalize) {
            let (sql, what) = match &b.default {
                Some(default) => (
                    format!("{} SET DEFAULT {default};\n", alter(&b.name)),
                    format!("set the default of {}.{} to {default}", t.name, b.name),
                ),
                None => (
                    format!("{} DROP DEFAULT;\n", alter(&b.name)),
                    format!("drop the default of {}.{}", t.name, b.name),
                ),
            };
            d.push_step(Phase::Columns, sql, what);
        }
        if a.nullable != b.nullable {
            if b.nullable {
                d.push_step(
                    Phase::Columns,
                    format!("{} DROP NOT NULL;\n", alter(&b.name)),
                    format!("allow NULL in {}.{}", t.name, b.name),
                );
            } else {
                let step = d.push_step(
                    Phase::Columns,
                    format!("{} SET NOT NULL;\n", alter(&b.name)),
                    format!("make {}.{} NOT NULL", t.name, b.name),
                );
                step.warning = Some(Warning::sets_not_null(&t.name, &b.name));
            }
        }
        if a.comment != b.comment {
            comment_column(d, &t.name, &b.name, b.comment.as_deref());
        }
    }
    for c in added.iter().filter(|c| c.comment.is_some()) {
        comment_column(d, &t.name, &c.name, c.comment.as_deref());
    }
    if f.comment != t.comment {
        d.push_step(
            Phase::Comments,
            format!(
                "COMMENT ON TABLE {} IS {};\n",
                q(&t.name),
                t.comment.as_deref().map_or("NULL".into(), literal)
            ),
            format!("set the comment of table {}", t.name),
        );
    }

    // Constraints, by PostgreSQL's name.
    let drop = |d: &mut Diff, phase: Phase, name: &str, what: String| {
        d.push_step(
            phase,
            format!("ALTER TABLE {} DROP CONSTRAINT {};\n", q(&t.name), q(name)),
            what,
        );
    };
    let rename = |d: &mut Diff, old: &str, new: &str| {
        d.push_step(
            Phase::AddConstraints,
            format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {};\n",
                q(&t.name),
                q(old),
                q(new)
            ),
            format!("rename constraint {old} of {} to {new}", t.name),
        );
    };
    if primary_key_changes {
        if !f.primary_key.is_empty() {
            let name = f
                .primary_key_name
                .clone()
                .unwrap_or_else(|| format!("{}_pkey", f.name));
            drop(
                d,
                Phase::DropConstraints,
                &name,
                format!("drop the primary key of {}", t.name),
            );
        }
        if !t.primary_key.is_empty() {
            let constraint = t
                .primary_key_name
                .as_deref()
                .map_or(String::new(), |n| format!("CONSTRAINT {} ", q(n)));
            d.push_step(
                Phase::AddConstraints,
                format!(
                    "ALTER TABLE {} ADD {constraint}PRIMARY KEY ({});\n",
                    q(&t.name),
                    list(&t.primary_key)
                ),
                format!(
                    "set the primary key of {} to ({})",
                    t.name,
                    t.primary_key.join(", ")
                ),
            );
        }
    } else if let (Some(a), Some(b)) = (&f.primary_key_name, &t.primary_key_name) {
        if a != b {
            rename(d, a, b);
        }
    }
    for (i, u) in f.uniques.iter().enumerate() {
        match unique_match[i] {
            None => drop(
                d,
                Phase::DropConstraints,
                &u.name,
                format!("drop unique constraint {} on {}", u.name, t.name),
            ),
            Some(j) if u.named && t.uniques[j].named && u.name != t.uniques[j].name => {
                rename(d, &u.name, &t.uniques[j].name)
            }
            Some(_) => {}
        }
    }
    for (j, u) in t.uniques.iter().enumerate() {
        if !unique_match.contains(&Some(j)) {
            d.push_step(
                Phase::AddConstraints,
                format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({});\n",
                    q(&t.name),
                    q(&u.name),
                    list(&u.columns)
                ),
                format!("add unique constraint {} on {}", u.name, t.name),
            );
        }
    }
    for (i, k) in f.checks.iter().enumerate() {
        match check_match[i] {
            None => drop(
                d,
                Phase::DropConstraints,
                &k.name,
                format!("drop check {} on {}", k.name, t.name),
            ),
            Some(j) if k.named && t.checks[j].named && k.name != t.checks[j].name => {
                rename(d, &k.name, &t.checks[j].name)
            }
            Some(_) => {}
        }
    }
    for (j, k) in t.checks.iter().enumerate() {
        if !check_match.contains(&Some(j)) {
            d.push_step(
                Phase::AddConstraints,
                format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({});\n",
                    q(&t.name),
                    q(&k.name),
                    k.sql
                ),
                format!("add check {} on {}", k.name, t.name),
            );
        }
    }
    for (i, fk) in f.foreign_keys.iter().enumerate() {
        match fk_match[i] {
            None => drop(
                d,
                Phase::DropForeignKeys,
                &fk.name,
                format!("drop foreign key {} on {}", fk.name, t.name),
            ),
            Some(j) if fk.named && t.foreign_keys[j].named && fk.name != t.foreign_keys[j].name => {
                rename(d, &fk.name, &t.foreign_keys[j].name)
            }
            Some(_) => {}
        }
    }
    for (j, fk) in t.foreign_keys.iter().enumerate() {
        if !fk_match.contains(&Some(j)) {
            let step = d.push_step(
                Phase::AddForeignKeys,
                format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} {};\n",
                    q(&t.name),
                    q(&fk.name),
                    foreign_key(fk)
                ),
                format!("add foreign key {} on {}", fk.name, t.name),
            );
            step.warning = Some(Warning::validates_foreign_key(&t.name, &fk.name));
        }
    }
}

fn comment_column(d: &mut Diff, table: &str, column: &str, comment: Option<&str>) {
    d.push_step(
        Phase::Comments,
        format!(
            "COMMENT ON COLUMN {}.{} IS {};\n",
            q(table),
            q(column),
            comment.map_or("NULL".into(), literal)
        ),
        format!("set the comment of column {table}.{column}"),
    );
}

/// For each foreign key of `f` (a `from` table), the one of `t` (its `to` table) that is
/// the same after the renames.
pub(super) fn foreign_key_matches(
    names: &Names<'_, '_>,
    f: &Table<'_>,
    t: &Table<'_>,
) -> Vec<Option<usize>> {
    let key = |fk: &ForeignKey| -> FkKey {
        (
            fk.columns
                .iter()
                .map(|c| names.column(&f.name, c))
                .collect(),
            names.table(&fk.table),
            fk.referenced
                .iter()
                .map(|r| names.column(&fk.table, r))
                .collect(),
            fk.on_delete.clone(),
            fk.on_update.clone(),
        )
    };
    let to_key = |fk: &ForeignKey| -> FkKey {
        (
            fk.columns.clone(),
            fk.table.clone(),
            fk.referenced.clone(),
            fk.on_delete.clone(),
            fk.on_update.clone(),
        )
    };
    matches(&f.foreign_keys, &t.foreign_keys, |a, b| key(a) == to_key(b))
}

/// For each of `from`, the first unclaimed one of `to` that `same` accepts.
fn matches<A, B>(from: &[A], to: &[B], same: impl Fn(&A, &B) -> bool) -> Vec<Option<usize>> {
    let mut out: Vec<Option<usize>> = Vec::new();
    for a in from {
        let found = (0..to.len()).find(|&j| !out.contains(&Some(j)) && same(a, &to[j]));
        out.push(found);
    }
    out
}

/// Whether some `from` or some of the `to_len` `to` items has no partner.
fn unmatched(found: &[Option<usize>], to_len: usize) -> bool {
    found.iter().any(Option::is_none) || (0..to_len).any(|j| !found.contains(&Some(j)))
}

/// Whether two column types are the same by `reflect::compare`'s rules.
pub(super) fn same_type(dialect: Dialect, a: Type<'_>, b: Type<'_>) -> bool {
    match (a, b) {
        (Type::Declared(d), Type::Live(l)) | (Type::Live(l), Type::Declared(d)) => {
            crate::reflect::type_agrees(dialect, d, l)
        }
        (a, b) => super::sql::type_sql(dialect, a) == super::sql::type_sql(dialect, b),
    }
}

/// Whether the column is a boolean (on SQLite, an integer with a 0-or-1 check).
pub(super) fn is_bool(ty: Type<'_>) -> bool {
    match ty {
        Type::Declared(c) => c.sql_type == "bool",
        Type::Live(c) => c.type_name == "bool",
    }
}
