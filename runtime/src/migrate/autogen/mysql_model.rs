//! The model of a schema as MySQL and MariaDB keep it, for both sides of a diff: types in
//! MySQL's spelling, no primary key name (MySQL's is always `PRIMARY`), a unique index as
//! the unique constraint it is there, `RESTRICT` as `NO ACTION` (InnoDB makes no
//! difference), literals without MariaDB's backslash escapes, and the index InnoDB makes
//! for a foreign key marked on the key instead of listed as an index of its own.

use super::model::{ForeignKey, Model, Source, Table, Type, Unique};
use super::mysql_norm::standard_literals;

/// `RESTRICT` and `NO ACTION` are one action in InnoDB (both check at once).
fn action(rule: &str) -> String {
    let upper = rule.trim().to_ascii_uppercase();
    if upper == "RESTRICT" {
        "NO ACTION".into()
    } else {
        upper
    }
}

/// Whether an index on `columns` starts with the key's columns, so that InnoDB uses it for
/// the key instead of making one.
fn covers(columns: &[String], fk: &ForeignKey) -> bool {
    columns.len() >= fk.columns.len() && columns[..fk.columns.len()] == fk.columns[..]
}

fn common(t: &mut Table<'_>) {
    t.primary_key_name = None;
    for fk in &mut t.foreign_keys {
        fk.on_delete = action(&fk.on_delete);
        fk.on_update = action(&fk.on_update);
    }
}

/// The declared side: types as `create_all` writes them on MySQL (`TEXT` in a key is
/// `VARCHAR(255)`), unique indexes as unique constraints.
pub(super) fn declared(model: &mut Model<'_>) {
    for t in &mut model.tables {
        common(t);
        let Source::Declared(meta) = t.source else {
            continue;
        };
        for c in &mut t.columns {
            if let Type::Declared(column) = c.ty {
                // A type MySQL cannot hold was refused before the model was made.
                c.spelled = crate::ddl_mysql::mysql_type(meta, column).unwrap_or_default();
            }
        }
        let (unique, plain): (Vec<_>, Vec<_>) = std::mem::take(&mut t.indexes)
            .into_iter()
            .partition(|i| i.unique);
        t.indexes = plain;
        t.uniques.extend(unique.into_iter().map(|i| Unique {
            name: i.name,
            named: false,
            columns: i.columns,
        }));
        let keys: Vec<&[String]> = std::iter::once(t.primary_key.as_slice())
            .chain(t.uniques.iter().map(|u| u.columns.as_slice()))
            .chain(t.indexes.iter().map(|i| i.columns.as_slice()))
            .collect();
        let implicit: Vec<bool> = t
            .foreign_keys
            .iter()
            .map(|fk| !keys.iter().any(|k| covers(k, fk)))
            .collect();
        for (fk, implicit) in t.foreign_keys.iter_mut().zip(implicit) {
            fk.implicit_index = implicit;
        }
    }
}

/// The live side: MariaDB's escapes undone, the foreign keys' own indexes taken out of the
/// index list and marked on the keys.
pub(super) fn live(model: &mut Model<'_>) {
    for t in &mut model.tables {
        common(t);
        for c in &mut t.columns {
            if let Type::Live(l) = c.ty {
                c.spelled = l.sql_type.clone();
            }
            c.default = c.default.as_deref().map(standard_literals);
        }
        for k in &mut t.checks {
            k.sql = standard_literals(&k.sql);
        }
        for fk in &mut t.foreign_keys {
            let own = t
                .indexes
                .iter()
                .position(|i| !i.unique && i.name == fk.name && covers(&i.columns, fk));
            if let Some(at) = own {
                t.indexes.remove(at);
                fk.implicit_index = true;
            }
        }
    }
}
