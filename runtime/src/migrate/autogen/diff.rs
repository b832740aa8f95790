//! The differ: the steps that take the database from one [`Model`] to another. Up is
//! `diff(live, declared)`, down is `diff(declared, live)`: renames are found in either
//! direction because `renamed_from` is read on whichever side declares it.

use super::lint::Warning;
use super::model::{Column, Model, Source, Table, Type};
use super::sql::{
    column_def, create_index, create_table, foreign_key, literal, q, q_list, type_sql,
};
use crate::backend::Dialect;

/// When a step runs: steps are written phase by phase, so that constraints go before the
/// columns and tables they use, and foreign keys come after the tables they reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Phase {
    Types,
    Renames,
    DropForeignKeys,
    DropConstraints,
    CreateTables,
    Columns,
    AddConstraints,
    AddForeignKeys,
    Indexes,
    Comments,
    DropTables,
    DropTypes,
}

/// One statement (or a few that belong together) with what it does.
pub(super) struct Step {
    pub phase: Phase,
    pub sql: String,
    pub what: String,
    pub loses: Option<String>,
    pub warning: Option<Warning>,
}

/// What [`diff`] found.
#[derive(Default)]
pub(super) struct Diff {
    pub steps: Vec<Step>,
    /// A SQLite table is rebuilt.
    pub rebuilds: bool,
    /// A rebuilt SQLite table is referenced by another table: dropping the old copy with
    /// foreign keys enforced would run their ON DELETE actions, so the migration turns
    /// enforcement off, which SQLite allows only outside a transaction.
    pub rebuilds_referenced: bool,
}

impl Diff {
    pub(super) fn push_step(&mut self, phase: Phase, sql: String, what: String) -> &mut Step {
        let at = self.steps.len();
        self.steps.push(Step {
            phase,
            sql,
            what,
            loses: None,
            warning: None,
        });
        &mut self.steps[at]
    }
}

/// For each of `to`, the index of the one of `from` it continues: the same name, or a
/// `renamed_from` naming the other while the old name is gone from `to`.
fn pair(from: &[(&str, Option<&str>)], to: &[(&str, Option<&str>)]) -> Vec<Option<usize>> {
    let mut out: Vec<Option<usize>> = to
        .iter()
        .map(|(name, _)| from.iter().position(|(f, _)| f == name))
        .collect();
    for (ti, (name, renamed)) in to.iter().enumerate() {
        if out[ti].is_some() {
            continue;
        }
        let found = (0..from.len()).find(|&fi| {
            let (old, old_renamed) = from[fi];
            !out.contains(&Some(fi))
                && (*renamed == Some(old) || old_renamed == Some(*name))
                && !to.iter().any(|(n, _)| *n == old)
        });
        out[ti] = found;
    }
    out
}

fn borrow(v: &[(String, Option<String>)]) -> Vec<(&str, Option<&str>)> {
    v.iter().map(|(n, r)| (n.as_str(), r.as_deref())).collect()
}

/// A paired table: `to`'s index, `from`'s index, and for each `to` column its `from` one.
struct Pair {
    to: usize,
    from: usize,
    columns: Vec<Option<usize>>,
}

/// The steps from `from` to `to` on `dialect`.
pub(super) fn diff(from: &Model<'_>, to: &Model<'_>, dialect: Dialect) -> Diff {
    let mut d = Diff::default();
    if dialect == Dialect::Postgres {
        enums(from, to, &mut d);
    }
    let names = |m: &Model<'_>| -> Vec<(String, Option<String>)> {
        m.tables
            .iter()
            .map(|t| (t.name.clone(), t.renamed_from.clone()))
            .collect()
    };
    let (from_names, to_names) = (names(from), names(to));
    let table_pairs = pair(&borrow(&from_names), &borrow(&to_names));
    let pairs: Vec<Pair> = table_pairs
        .iter()
        .enumerate()
        .filter_map(|(ti, fi)| {
            let fi = (*fi)?;
            let cols = |t: &Table<'_>| -> Vec<(String, Option<String>)> {
                t.columns
                    .iter()
                    .map(|c| (c.name.clone(), c.renamed_from.clone()))
                    .collect()
            };
            let (fc, tc) = (cols(&from.tables[fi]), cols(&to.tables[ti]));
            Some(Pair {
                to: ti,
                from: fi,
                columns: pair(&borrow(&fc), &borrow(&tc)),
            })
        })
        .collect();
    let names = Names {
        from,
        to,
        pairs: &pairs,
    };
    for p in &pairs {
        let (f, t) = (&from.tables[p.from], &to.tables[p.to]);
        let quote = |n: &str| match dialect {
            Dialect::Mysql => super::mysql::q(n),
            _ => q(n),
        };
        if f.name != t.name {
            d.push_step(
                Phase::Renames,
                format!(
                    "ALTER TABLE {} RENAME TO {};\n",
                    quote(&f.name),
                    quote(&t.name)
                ),
                format!("rename table {} to {}", f.name, t.name),
            );
        }
        if dialect == Dialect::Mysql {
            super::mysql::table(&names, p.to, p.from, &p.columns, &mut d);
        } else {
            super::table::table(&names, p.to, p.from, &p.columns, dialect, &mut d);
        }
    }
    if dialect == Dialect::Postgres {
        rekey_references(&names, &pairs, &mut d);
    }
    if dialect == Dialect::Mysql {
        super::mysql::create_tables(&names, &table_pairs, &mut d);
    } else {
        create_tables(&names, &table_pairs, dialect, &mut d);
    }
    drop_tables(from, &table_pairs, dialect, &mut d);
    d.steps.sort_by_key(|s| s.phase);
    d
}

/// PostgreSQL refuses to drop a primary key or unique constraint that foreign keys depend
/// on: those keys that stay are dropped before it changes and added again after.
fn rekey_references(names: &Names<'_, '_>, pairs: &[Pair], d: &mut Diff) {
    for p in pairs {
        let (f, t) = (&names.from.tables[p.from], &names.to.tables[p.to]);
        let to_names = |columns: &[String]| -> Vec<String> {
            columns.iter().map(|c| names.column(&f.name, c)).collect()
        };
        // The keys of `f` (in `from` names) that go away.
        let mut dropped: Vec<&[String]> = Vec::new();
        if !f.primary_key.is_empty() && to_names(&f.primary_key) != t.primary_key {
            dropped.push(&f.primary_key);
        }
        for u in &f.uniques {
            if !t.uniques.iter().any(|v| v.columns == to_names(&u.columns)) {
                dropped.push(&u.columns);
            }
        }
        if dropped.is_empty() {
            continue;
        }
        for other in pairs {
            let (qf, qt) = (&names.from.tables[other.from], &names.to.tables[other.to]);
            let kept = super::table::foreign_key_matches(names, qf, qt);
            for (i, fk) in qf.foreign_keys.iter().enumerate() {
                let depends = fk.table == f.name && dropped.contains(&fk.referenced.as_slice());
                let Some(j) = kept[i].filter(|_| depends) else {
                    continue;
                };
                let again = &qt.foreign_keys[j];
                d.push_step(
                    Phase::DropForeignKeys,
                    format!(
                        "ALTER TABLE {} DROP CONSTRAINT {};\n",
                        q(&qt.name),
                        q(&fk.name)
                    ),
                    format!(
                        "drop foreign key {} on {} (the key of {} changes)",
                        fk.name, qt.name, t.name
                    ),
                );
                d.push_step(
                    Phase::AddForeignKeys,
                    format!(
                        "ALTER TABLE {} ADD CONSTRAINT {} {};\n",
                        q(&qt.name),
                        q(&again.name),
                        foreign_key(again)
                    ),
                    format!("add foreign key {} on {} again", again.name, qt.name),
                );
            }
        }
    }
}

/// Names on the `from` side translated to the `to` side (through table and column renames),
/// so that constraints compare by what they mean after the renames.
pub(super) struct Names<'m, 'a> {
    pub from: &'m Model<'a>,
    pub to: &'m Model<'a>,
    pairs: &'m [Pair],
}

impl Names<'_, '_> {
    /// The `to` name of the `from` table `name`.
    pub fn table(&self, name: &str) -> String {
        self.pairs
            .iter()
            .find(|p| self.from.tables[p.from].name == name)
            .map_or_else(|| name.to_string(), |p| self.to.tables[p.to].name.clone())
    }

    /// The `to` name of column `column` of the `from` table `table`.
    pub fn column(&self, table: &str, column: &str) -> String {
        let Some(p) = self
            .pairs
            .iter()
            .find(|p| self.from.tables[p.from].name == table)
        else {
            return column.to_string();
        };
        let (f, t) = (&self.from.tables[p.from], &self.to.tables[p.to]);
        p.columns
            .iter()
            .enumerate()
            .find(|(_, fc)| fc.is_some_and(|fc| f.columns[fc].name == column))
            .map_or_else(|| column.to_string(), |(tc, _)| t.columns[tc].name.clone())
    }

    /// Whether `to` table `name` exists before the plan creates tables (it continues a
    /// `from` table).
    pub fn exists(&self, name: &str) -> bool {
        self.pairs.iter().any(|p| self.to.tables[p.to].name == name)
    }
}

/// `CREATE TYPE`, `ADD VALUE`, the rebuild of a type that loses or reorders labels, and
/// `DROP TYPE` (PostgreSQL).
fn enums(from: &Model<'_>, to: &Model<'_>, d: &mut Diff) {
    for (name, labels) in &to.enums {
        let Some((_, old)) = from.enums.iter().find(|(n, _)| n == name) else {
            let list: Vec<String> = labels.iter().map(|l| literal(l)).collect();
            d.push_step(
                Phase::Types,
                format!("CREATE TYPE {} AS ENUM ({});\n", q(name), list.join(", ")),
                format!("create enum type {name}"),
            );
            continue;
        };
        if old == labels {
            continue;
        }
        let kept: Vec<&String> = labels.iter().filter(|l| old.contains(l)).collect();
        if kept.len() == old.len() && kept.iter().copied().eq(old.iter()) {
            for (i, label) in labels.iter().enumerate().filter(|(_, l)| !old.contains(l)) {
                let place = match i {
                    0 => format!("BEFORE {}", literal(&old[0])),
                    i => format!("AFTER {}", literal(&labels[i - 1])),
                };
                d.push_step(
                    Phase::Types,
                    format!(
                        "ALTER TYPE {} ADD VALUE {} {place};\n",
                        q(name),
                        literal(label)
                    ),
                    format!("add label {label} to enum type {name}"),
                );
            }
            continue;
        }
        // Labels removed or reordered: PostgreSQL cannot, so the type is made anew and the
        // columns converted through text.
        let old_name = format!("_old_{name}");
        let mut sql = format!("ALTER TYPE {} RENAME TO {};\n", q(name), q(&old_name));
        let list: Vec<String> = labels.iter().map(|l| literal(l)).collect();
        sql.push_str(&format!(
            "CREATE TYPE {} AS ENUM ({});\n",
            q(name),
            list.join(", ")
        ));
        for t in &from.tables {
            for c in t
                .columns
                .iter()
                .filter(|c| enum_of(c) == Some(name.as_str()))
            {
                let alter = format!("ALTER TABLE {} ALTER COLUMN {}", q(&t.name), q(&c.name));
                if c.default.is_some() {
                    sql.push_str(&format!("{alter} DROP DEFAULT;\n"));
                }
                let array = if is_array(c) { "[]" } else { "" };
                sql.push_str(&format!(
                    "{alter} TYPE {}{array} USING {}::text{array}::{}{array};\n",
                    q(name),
                    q(&c.name),
                    q(name)
                ));
                if let Some(default) = &c.default {
                    sql.push_str(&format!("{alter} SET DEFAULT {default};\n"));
                }
            }
        }
        sql.push_str(&format!("DROP TYPE {};\n", q(&old_name)));
        let removed: Vec<&str> = old
            .iter()
            .filter(|l| !labels.contains(l))
            .map(String::as_str)
            .collect();
        let step = d.push_step(
            Phase::Types,
            sql,
            format!(
                "recreate enum type {name} with labels ({})",
                labels.join(", ")
            ),
        );
        if !removed.is_empty() {
            step.loses = Some(format!(
                "enum type {name} loses labels {} (fails if a row holds one)",
                removed.join(", ")
            ));
        }
    }
    for (name, _) in &from.enums {
        if !to.enums.iter().any(|(n, _)| n == name) {
            d.push_step(
                Phase::DropTypes,
                format!("DROP TYPE {};\n", q(name)),
                format!("drop enum type {name}"),
            );
        }
    }
}

/// The enum type a column is of (or an array of).
fn enum_of<'c>(c: &'c Column<'_>) -> Option<&'c str> {
    match c.ty {
        Type::Declared(m) => m.enum_type.map(|e| e.sql_name),
        Type::Live(l) if l.is_enum => Some(l.type_name.trim_end_matches("[]")),
        Type::Live(_) => None,
    }
}

fn is_array(c: &Column<'_>) -> bool {
    match c.ty {
        Type::Declared(m) => m.sql_type.ends_with("[]"),
        Type::Live(l) => l.type_name.ends_with("[]"),
    }
}

/// `CREATE TABLE` for the `to` tables without a `from` one, each after those it references.
fn create_tables(names: &Names<'_, '_>, pairs: &[Option<usize>], dialect: Dialect, d: &mut Diff) {
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
    for (i, meta) in order.iter().enumerate() {
        let earlier = |name: &str| {
            dialect == Dialect::Sqlite
                || name == meta.sql_name
                || names.exists(name)
                || order[..i].iter().any(|m| m.sql_name == name)
        };
        let sql = meta.create_sql_with(dialect, false, &earlier);
        d.push_step(
            Phase::CreateTables,
            sql,
            format!("create table {}", meta.sql_name),
        );
        let Some(t) = new.iter().find(|t| t.name == meta.sql_name) else {
            continue;
        };
        for fk in t.foreign_keys.iter().filter(|fk| !earlier(&fk.table)) {
            d.push_step(
                Phase::AddForeignKeys,
                format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} {};\n",
                    q(&t.name),
                    q(&fk.name),
                    foreign_key(fk)
                ),
                format!("add foreign key {} on {}", fk.name, t.name),
            );
        }
    }
    // Tables re-created from the live schema (a down migration undoing a drop): foreign
    // keys afterwards on PostgreSQL, where the referenced table must exist.
    for t in new.iter().filter(|t| matches!(t.source, Source::Live)) {
        let pg = dialect == Dialect::Postgres;
        let (mut sql, indexes) = create_table(dialect, t, &t.name, !pg);
        sql.push_str(&indexes);
        if pg {
            if let Some(comment) = &t.comment {
                sql.push_str(&format!(
                    "COMMENT ON TABLE {} IS {};\n",
                    q(&t.name),
                    literal(comment)
                ));
            }
            for c in &t.columns {
                if let Some(comment) = &c.comment {
                    sql.push_str(&format!(
                        "COMMENT ON COLUMN {}.{} IS {};\n",
                        q(&t.name),
                        q(&c.name),
                        literal(comment)
                    ));
                }
            }
            for fk in &t.foreign_keys {
                d.push_step(
                    Phase::AddForeignKeys,
                    format!(
                        "ALTER TABLE {} ADD CONSTRAINT {} {};\n",
                        q(&t.name),
                        q(&fk.name),
                        foreign_key(fk)
                    ),
                    format!("add foreign key {} on {}", fk.name, t.name),
                );
            }
        }
        d.push_step(
            Phase::CreateTables,
            sql,
            format!("create table {} (as it was)", t.name),
        );
    }
}

/// `DROP TABLE` for the `from` tables without a `to` one, tables that reference others
/// first.
fn drop_tables(from: &Model<'_>, pairs: &[Option<usize>], dialect: Dialect, d: &mut Diff) {
    let mut left: Vec<&Table<'_>> = from
        .tables
        .iter()
        .enumerate()
        .filter(|(fi, _)| !pairs.contains(&Some(*fi)))
        .map(|(_, t)| t)
        .collect();
    while !left.is_empty() {
        // One no other remaining table references; in a cycle, the first.
        let i = (0..left.len())
            .find(|&i| {
                !left.iter().enumerate().any(|(j, other)| {
                    j != i && other.foreign_keys.iter().any(|fk| fk.table == left[i].name)
                })
            })
            .unwrap_or(0);
        let t = left.remove(i);
        let step = d.push_step(
            Phase::DropTables,
            format!(
                "DROP TABLE {};\n",
                match dialect {
                    Dialect::Mysql => super::mysql::q(&t.name),
                    _ => q(&t.name),
                }
            ),
            format!("drop table {}", t.name),
        );
        step.loses = Some(format!("table {} and all its rows", t.name));
        step.warning = Some(Warning::drops_table(&t.name));
    }
}

/// The `ADD COLUMN` text of a column.
pub(super) fn add_column(dialect: Dialect, table: &str, c: &Column<'_>) -> String {
    format!(
        "ALTER TABLE {} ADD COLUMN {};\n",
        q(table),
        column_def(dialect, c)
    )
}

/// The live or declared type text, for messages.
pub(super) fn shown_type(dialect: Dialect, ty: Type<'_>) -> String {
    type_sql(dialect, ty)
}

/// `CREATE INDEX` of a table's index under the table's `to` name.
pub(super) fn index_sql(table: &str, index: &super::model::Index) -> String {
    create_index(table, index)
}

/// `"a", "b"` of names.
pub(super) fn list(names: &[String]) -> String {
    q_list(names)
}
