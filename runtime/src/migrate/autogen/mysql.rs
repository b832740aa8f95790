//! The statements of a plan on MySQL and MariaDB: backtick-quoted names, one statement a
//! line, and what MySQL's `ALTER TABLE` wants.
//!
//! - A column's type, nullability, default, `AUTO_INCREMENT` or comment changes through
//!   `MODIFY COLUMN` with the whole new definition (MySQL has no `ALTER COLUMN .. TYPE` or
//!   `SET NOT NULL`): one statement per changed column.
//! - Unique constraints and indexes are dropped with `DROP INDEX`, foreign keys with
//!   `DROP FOREIGN KEY` and then the index InnoDB made for them (which outlives the key),
//!   checks with `DROP CONSTRAINT` (MariaDB 10.2+ and MySQL 8.0.19+ both take it).
//! - Constraints are matched by what they do (columns, referenced table, actions); checks
//!   by name and condition. Names are the live ones when dropping.

use super::diff::{Diff, Names, Phase};
use super::lint::Warning;
use super::model::{Check, Column, ForeignKey, Source, Table};
use super::mysql_norm::{check_key, default_key, type_key};

/// `` `name` ``.
pub(super) fn q(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// `` `a`, `b` ``.
pub(super) fn q_list(names: &[String]) -> String {
    names.iter().map(|n| q(n)).collect::<Vec<_>>().join(", ")
}

/// A string literal as sqlwright's sessions read it (`NO_BACKSLASH_ESCAPES`).
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `` `c` TYPE [NOT NULL] [AUTO_INCREMENT] [DEFAULT (..)] [COMMENT '..'] ``, as
/// `create_all` writes a column.
pub(super) fn column_def(c: &Column<'_>) -> String {
    let mut out = format!("{} {}", q(&c.name), c.spelled);
    if !c.nullable {
        out.push_str(" NOT NULL");
    }
    if c.serial {
        out.push_str(" AUTO_INCREMENT");
    }
    if let Some(default) = &c.default {
        out.push_str(&format!(" DEFAULT ({default})"));
    }
    if let Some(comment) = &c.comment {
        out.push_str(&format!(" COMMENT {}", literal(comment)));
    }
    out
}

/// `FOREIGN KEY (..) REFERENCES `t` (..) ON DELETE .. ON UPDATE ..`.
pub(super) fn foreign_key(fk: &ForeignKey) -> String {
    format!(
        "FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
        q_list(&fk.columns),
        q(&fk.table),
        q_list(&fk.referenced),
        fk.on_delete,
        fk.on_update
    )
}

/// `ALTER TABLE `t` ADD CONSTRAINT `k` FOREIGN KEY ..;`.
pub(super) fn add_foreign_key(table: &str, fk: &ForeignKey) -> String {
    format!(
        "ALTER TABLE {} ADD CONSTRAINT {} {};\n",
        q(table),
        q(&fk.name),
        foreign_key(fk)
    )
}

/// `CREATE TABLE` of a live table (a down migration re-creating what up dropped), without
/// its foreign keys (added afterwards, when every table exists).
pub(super) fn create_live_table(t: &Table<'_>) -> String {
    let mut items: Vec<String> = t.columns.iter().map(column_def).collect();
    if !t.primary_key.is_empty() {
        items.push(format!("PRIMARY KEY ({})", q_list(&t.primary_key)));
    }
    for u in &t.uniques {
        items.push(format!(
            "CONSTRAINT {} UNIQUE ({})",
            q(&u.name),
            q_list(&u.columns)
        ));
    }
    for k in &t.checks {
        items.push(format!("CONSTRAINT {} CHECK ({})", q(&k.name), k.sql));
    }
    for i in &t.indexes {
        items.push(format!("INDEX {} ({})", q(&i.name), q_list(&i.columns)));
    }
    let comment = t
        .comment
        .as_deref()
        .map_or(String::new(), |c| format!(" COMMENT={}", literal(c)));
    format!(
        "CREATE TABLE {} (\n    {}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin{comment};\n",
        q(&t.name),
        items.join(",\n    ")
    )
}

/// MySQL's `CREATE TABLE` for the `to` tables without a `from` one: declared ones as
/// `create_all` writes them (foreign keys inline, in dependency order; a reference cycle
/// between new tables runs with `foreign_key_checks` off), live ones (down re-creating a
/// dropped table) with their foreign keys added once every table exists.
pub(super) fn create_tables(names: &Names<'_, '_>, pairs: &[Option<usize>], d: &mut Diff) {
    let new: Vec<&Table<'_>> = pairs
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_none())
        .map(|(ti, _)| &names.to.tables[ti])
        .collect();
    let metas: Vec<&crate::query::TableMeta> = new
        .iter()
        .filter_map(|t| match t.source {
            Source::Declared(m) => Some(m),
            Source::Live => None,
        })
        .collect();
    let order = crate::ddl::dependency_order(&metas);
    let cycle = order.iter().enumerate().any(|(i, m)| {
        let targets = m
            .columns
            .iter()
            .filter_map(|c| c.references.as_ref().map(|r| r.table))
            .chain(m.foreign_keys.iter().map(|fk| fk.table));
        targets.into_iter().any(|target| {
            target != m.sql_name && order[i + 1..].iter().any(|o| o.sql_name == target)
        })
    });
    for (i, meta) in order.iter().enumerate() {
        // Checked by `plan_with` before the model was made.
        let mut sql = crate::ddl_mysql::create_table(meta, false).unwrap_or_default() + ";\n";
        if cycle && i == 0 {
            sql = format!("SET foreign_key_checks = 0;\n{sql}");
        }
        if cycle && i + 1 == order.len() {
            sql.push_str("SET foreign_key_checks = 1;\n");
        }
        d.push_step(
            Phase::CreateTables,
            sql,
            format!("create table {}", meta.sql_name),
        );
    }
    for t in new.iter().filter(|t| matches!(t.source, Source::Live)) {
        d.push_step(
            Phase::CreateTables,
            create_live_table(t),
            format!("create table {} (as it was)", t.name),
        );
        for fk in &t.foreign_keys {
            d.push_step(
                Phase::AddForeignKeys,
                add_foreign_key(&t.name, fk),
                format!("add foreign key {} on {}", fk.name, t.name),
            );
        }
    }
}

/// Whether two sides' column types are the same in MySQL's terms.
fn same_type(a: &Column<'_>, b: &Column<'_>) -> bool {
    type_key(&a.spelled) == type_key(&b.spelled)
}

fn same_default(a: &Column<'_>, b: &Column<'_>) -> bool {
    a.default.as_deref().map(default_key) == b.default.as_deref().map(default_key)
}

/// Whether the change from `a` to `b` can lose values: a type other than a wider one of
/// the same kind.
fn narrows(a: &Column<'_>, b: &Column<'_>) -> bool {
    let (from, to) = (type_key(&a.spelled), type_key(&b.spelled));
    if let (Some(x), Some(y)) = (from.strip_prefix("enum"), to.strip_prefix("enum")) {
        // An ENUM keeps its values by label: only a label taken away loses some.
        let (x, y) = (labels(x), labels(y));
        return x.iter().any(|l| !y.contains(l));
    }
    let sized = |t: &str, base: &str| -> Option<u64> {
        t.strip_prefix(base)?
            .strip_prefix('(')?
            .strip_suffix(')')?
            .parse()
            .ok()
    };
    for base in ["varchar", "varbinary", "char"] {
        if let (Some(x), Some(y)) = (sized(&from, base), sized(&to, base)) {
            return y < x;
        }
    }
    let ints = ["tinyint", "smallint", "mediumint", "int", "bigint"];
    let rank = |t: &str| ints.iter().position(|i| *i == t);
    if let (Some(x), Some(y)) = (rank(&from), rank(&to)) {
        return y < x;
    }
    if from.starts_with("varchar") && matches!(to.as_str(), "text" | "mediumtext" | "longtext") {
        return false;
    }
    true
}

/// The quoted labels of an ENUM's list, as written (`'a','b''c'`).
fn labels(list: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = list;
    while let Some(start) = rest.find('\'') {
        let body = &rest[start + 1..];
        let mut end = 0;
        let bytes = body.as_bytes();
        while end < bytes.len() {
            if bytes[end] == b'\'' {
                if bytes.get(end + 1) == Some(&b'\'') {
                    end += 2;
                    continue;
                }
                break;
            }
            end += 1;
        }
        out.push(&body[..end.min(body.len())]);
        rest = body.get(end + 1..).unwrap_or("");
    }
    out
}

/// The changes inside one table that exists on both sides.
pub(super) fn table(
    names: &Names<'_, '_>,
    ti: usize,
    fi: usize,
    columns: &[Option<usize>],
    d: &mut Diff,
) {
    let (f, t) = (&names.from.tables[fi], &names.to.tables[ti]);
    let col = |name: &String| names.column(&f.name, name);
    let cols = |list: &[String]| -> Vec<String> { list.iter().map(col).collect() };
    let tq = q(&t.name);

    for (tc, fc) in columns.iter().enumerate() {
        let b = &t.columns[tc];
        let Some(fc) = fc else {
            let step = d.push_step(
                Phase::Columns,
                format!("ALTER TABLE {tq} ADD COLUMN {};\n", column_def(b)),
                format!("add column {}.{}", t.name, b.name),
            );
            if !b.nullable && b.default.is_none() && !b.serial {
                step.warning = Some(Warning::not_null_without_default_mysql(&t.name, &b.name));
            }
            continue;
        };
        let a = &f.columns[*fc];
        if a.name != b.name {
            d.push_step(
                Phase::Renames,
                format!(
                    "ALTER TABLE {tq} RENAME COLUMN {} TO {};\n",
                    q(&a.name),
                    q(&b.name)
                ),
                format!("rename column {}.{} to {}", t.name, a.name, b.name),
            );
        }
        let mut changes = Vec::new();
        let retyped = !same_type(a, b);
        if retyped {
            changes.push(format!("type {} to {}", a.spelled, b.spelled));
        }
        if a.nullable != b.nullable {
            changes.push(if b.nullable { "allow NULL" } else { "NOT NULL" }.to_string());
        }
        if !same_default(a, b) {
            changes.push(match &b.default {
                Some(v) => format!("default {v}"),
                None => "no default".into(),
            });
        }
        if a.serial != b.serial {
            changes.push(
                if b.serial {
                    "AUTO_INCREMENT"
                } else {
                    "no AUTO_INCREMENT"
                }
                .into(),
            );
        }
        if a.comment != b.comment {
            changes.push("comment".into());
        }
        if changes.is_empty() {
            continue;
        }
        let step = d.push_step(
            Phase::Columns,
            format!("ALTER TABLE {tq} MODIFY COLUMN {};\n", column_def(b)),
            format!(
                "modify column {}.{} ({})",
                t.name,
                b.name,
                changes.join(", ")
            ),
        );
        if retyped && narrows(a, b) {
            step.loses = Some(format!(
                "{}.{}: values the conversion from {} to {} cannot keep (MySQL's strict mode \
                 refuses the change then, and nothing is lost)",
                t.name, b.name, a.spelled, b.spelled
            ));
        }
        // One warning a step: NOT NULL first (it fails on a NULL), else the copy.
        if a.nullable && !b.nullable {
            step.warning = Some(Warning::sets_not_null(&t.name, &b.name));
        } else if retyped {
            step.warning = Some(Warning::rewrites_column_mysql(&t.name, &b.name));
        }
    }
    for (i, a) in f.columns.iter().enumerate() {
        if columns.contains(&Some(i)) {
            continue;
        }
        let step = d.push_step(
            Phase::Columns,
            format!("ALTER TABLE {tq} DROP COLUMN {};\n", q(&a.name)),
            format!("drop column {}.{}", t.name, a.name),
        );
        step.loses = Some(format!("column {}.{} and its values", t.name, a.name));
        step.warning = Some(Warning::drops_column(&t.name, &a.name));
    }

    if cols(&f.primary_key) != t.primary_key {
        let mut parts = Vec::new();
        if !f.primary_key.is_empty() {
            parts.push("DROP PRIMARY KEY".to_string());
        }
        if !t.primary_key.is_empty() {
            parts.push(format!("ADD PRIMARY KEY ({})", q_list(&t.primary_key)));
        }
        // One statement: an AUTO_INCREMENT column must stay part of a key throughout.
        d.push_step(
            Phase::AddConstraints,
            format!("ALTER TABLE {tq} {};\n", parts.join(", ")),
            format!(
                "set the primary key of {} to ({})",
                t.name,
                t.primary_key.join(", ")
            ),
        );
    }

    // A kept foreign key whose index goes away with a unique or index dropped here: InnoDB
    // refuses that drop (error 1553), so the key gets an index of its own first, named as
    // InnoDB would name it.
    let fk_match = super::table::foreign_key_matches(names, f, t);
    let after: Vec<&[String]> = std::iter::once(t.primary_key.as_slice())
        .chain(t.uniques.iter().map(|u| u.columns.as_slice()))
        .chain(t.indexes.iter().map(|i| i.columns.as_slice()))
        .collect();
    for (i, fk) in f.foreign_keys.iter().enumerate() {
        let columns = cols(&fk.columns);
        let covered = after
            .iter()
            .any(|k| k.len() >= columns.len() && k[..columns.len()] == columns[..]);
        if fk_match[i].is_some() && !fk.implicit_index && !covered {
            d.push_step(
                Phase::DropConstraints,
                format!(
                    "CREATE INDEX {} ON {tq} ({});\n",
                    q(&fk.name),
                    q_list(&columns)
                ),
                format!(
                    "create index {} on {} (for the foreign key, before the index it used goes)",
                    fk.name, t.name
                ),
            );
        }
    }

    let unique_match = matches(&f.uniques, &t.uniques, |a, b| cols(&a.columns) == b.columns);
    for (i, u) in f.uniques.iter().enumerate() {
        if unique_match[i].is_none() {
            d.push_step(
                Phase::DropConstraints,
                format!("ALTER TABLE {tq} DROP INDEX {};\n", q(&u.name)),
                format!("drop unique constraint {} on {}", u.name, t.name),
            );
        }
    }
    for (j, u) in t.uniques.iter().enumerate() {
        if !unique_match.contains(&Some(j)) {
            d.push_step(
                Phase::AddConstraints,
                format!(
                    "ALTER TABLE {tq} ADD CONSTRAINT {} UNIQUE ({});\n",
                    q(&u.name),
                    q_list(&u.columns)
                ),
                format!("add unique constraint {} on {}", u.name, t.name),
            );
        }
    }

    let index_match = matches(&f.indexes, &t.indexes, |a, b| {
        a.unique == b.unique && cols(&a.columns) == b.columns
    });
    for (i, index) in f.indexes.iter().enumerate() {
        if index_match[i].is_none() {
            d.push_step(
                Phase::DropConstraints,
                format!("ALTER TABLE {tq} DROP INDEX {};\n", q(&index.name)),
                format!("drop index {} on {}", index.name, t.name),
            );
        }
    }
    for (j, index) in t.indexes.iter().enumerate() {
        if !index_match.contains(&Some(j)) {
            d.push_step(
                Phase::Indexes,
                format!(
                    "CREATE {}INDEX {} ON {tq} ({});\n",
                    if index.unique { "UNIQUE " } else { "" },
                    q(&index.name),
                    q_list(&index.columns)
                ),
                format!("create index {} on {}", index.name, t.name),
            );
        }
    }

    let check_match = matches(&f.checks, &t.checks, |a: &Check, b: &Check| {
        a.name == b.name && check_key(&a.sql) == check_key(&b.sql)
    });
    for (i, k) in f.checks.iter().enumerate() {
        if check_match[i].is_none() {
            d.push_step(
                Phase::DropConstraints,
                format!("ALTER TABLE {tq} DROP CONSTRAINT {};\n", q(&k.name)),
                format!("drop check {} on {}", k.name, t.name),
            );
        }
    }
    for (j, k) in t.checks.iter().enumerate() {
        if !check_match.contains(&Some(j)) {
            d.push_step(
                Phase::AddConstraints,
                format!(
                    "ALTER TABLE {tq} ADD CONSTRAINT {} CHECK ({});\n",
                    q(&k.name),
                    k.sql
                ),
                format!("add check {} on {}", k.name, t.name),
            );
        }
    }

    for (i, fk) in f.foreign_keys.iter().enumerate() {
        if fk_match[i].is_some() {
            continue;
        }
        d.push_step(
            Phase::DropForeignKeys,
            format!("ALTER TABLE {tq} DROP FOREIGN KEY {};\n", q(&fk.name)),
            format!("drop foreign key {} on {}", fk.name, t.name),
        );
        if fk.implicit_index {
            d.push_step(
                Phase::DropConstraints,
                format!("ALTER TABLE {tq} DROP INDEX {};\n", q(&fk.name)),
                format!(
                    "drop index {} on {} (made for the foreign key)",
                    fk.name, t.name
                ),
            );
        }
    }
    for (j, fk) in t.foreign_keys.iter().enumerate() {
        if !fk_match.contains(&Some(j)) {
            d.push_step(
                Phase::AddForeignKeys,
                add_foreign_key(&t.name, fk),
                format!("add foreign key {} on {}", fk.name, t.name),
            );
        }
    }

    if f.comment != t.comment {
        d.push_step(
            Phase::Comments,
            format!(
                "ALTER TABLE {tq} COMMENT = {};\n",
                literal(t.comment.as_deref().unwrap_or(""))
            ),
            format!("set the comment of table {}", t.name),
        );
    }
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
