//! PostgreSQL's reflection: `pg_catalog` read in four statements (and one for enum labels),
//! each filtered by an array of relation OIDs.

use super::{
    Catalog, ReflectOptions, ReflectedColumn, ReflectedForeignKey, ReflectedIndex, ReflectedTable,
    RelationKind,
};
use crate::backend::{Encode, Postgres};
use crate::engine::step::Io;
use crate::engine::{Error, RowData};
use crate::raw::DynRow;
use postgres_types::Type;
use std::collections::HashMap;

/// Runs catalog query `text`, with `bound`'s value (of its type) wherever its `:name`
/// stands, on either kind of connection; the rows, read by column name.
async fn load<X: Io<Backend = Postgres>>(
    x: &mut X,
    text: &str,
    bound: Option<(&str, &(dyn Encode + '_), Type)>,
) -> Result<Vec<DynRow>, Error> {
    let rendered = crate::render::render_for(x.conn(), &mut |out| match &bound {
        None => out.sql(text),
        Some((name, value, ty)) => {
            let mut pieces = text.split(name);
            out.sql(pieces.next().unwrap_or_default());
            for piece in pieces {
                out.bind(*value, ty.clone());
                out.sql(piece);
            }
        }
    });
    let mut rows = Vec::new();
    x.run(&rendered, &mut |row: RowData<'_>| {
        rows.extend(row.as_pg().map(|row| DynRow(row.to_row())));
        Ok(())
    })
    .await?;
    Ok(rows)
}

fn action(code: &str) -> &'static str {
    match code {
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => "NO ACTION",
    }
}

/// Reads the schema of the PostgreSQL database `conn` is connected to.
pub(super) async fn reflect<X: Io<Backend = Postgres>>(
    x: &mut X,
    options: &ReflectOptions,
) -> Result<Catalog, Error> {
    let relations = load(
        x,
        "SELECT c.oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS kind,
                obj_description(c.oid, 'pg_class') AS comment
         FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
           AND (cardinality(:schemas) = 0 AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                AND n.nspname NOT LIKE 'pg\\_%' OR n.nspname = ANY(:schemas))
         ORDER BY n.nspname, c.relname",
        Some((":schemas", &options.schemas, Type::TEXT_ARRAY)),
    )
    .await?;
    let mut oids: Vec<u32> = Vec::with_capacity(relations.len());
    let mut tables: Vec<ReflectedTable> = Vec::with_capacity(relations.len());
    let mut index_of: HashMap<u32, usize> = HashMap::new();
    for row in &relations {
        let oid: u32 = row.get("oid")?;
        index_of.insert(oid, tables.len());
        oids.push(oid);
        let kind = match row.get::<String>("kind")?.as_str() {
            "p" => RelationKind::PartitionedTable,
            "v" => RelationKind::View,
            "m" => RelationKind::MaterializedView,
            "f" => RelationKind::ForeignTable,
            _ => RelationKind::Table,
        };
        tables.push(ReflectedTable {
            schema: row.get("schema")?,
            name: row.get("name")?,
            kind,
            comment: row.get("comment")?,
            columns: Vec::new(),
            primary_key: Vec::new(),
            primary_key_name: None,
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            checks: Vec::new(),
        });
    }
    if oids.is_empty() {
        return Ok(Catalog::default());
    }
    let oid_array = || oids.iter().map(|o| *o as i64).collect::<Vec<i64>>();

    // Columns, with a name per attribute number for the constraints below.
    let columns = load(
        x,
        "SELECT a.attrelid::int8 AS rel, a.attnum, a.attname::text AS name,
                format_type(a.atttypid, a.atttypmod) AS sql_type, a.atttypid AS type_oid,
                CASE WHEN t.typcategory = 'A' THEN et.typname::text || '[]' ELSE t.typname::text END AS type_name,
                CASE WHEN t.typcategory = 'A' THEN etn.nspname::text ELSE tn.nspname::text END AS type_schema,
                (CASE WHEN t.typcategory = 'A' THEN et.typtype ELSE t.typtype END) = 'e' AS is_enum,
                NOT a.attnotnull AS nullable,
                pg_get_expr(d.adbin, d.adrelid) AS default_expr,
                a.attidentity::text AS identity,
                col_description(a.attrelid, a.attnum) AS comment
         FROM pg_catalog.pg_attribute a
         JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
         JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
         LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
         LEFT JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace
         LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid::int8 = ANY(:rels) AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attrelid, a.attnum",
        Some((":rels", &oid_array(), Type::INT8_ARRAY)),
    )
    .await?;
    let mut names: HashMap<(i64, i16), String> = HashMap::new();
    for row in &columns {
        let rel: i64 = row.get("rel")?;
        let attnum: i16 = row.get("attnum")?;
        let name: String = row.get("name")?;
        names.insert((rel, attnum), name.clone());
        let default: Option<String> = row.get("default_expr")?;
        let identity: String = row.get("identity")?;
        let serial = !identity.is_empty()
            || default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval("));
        if let Some(&i) = index_of.get(&(rel as u32)) {
            tables[i].columns.push(ReflectedColumn {
                name,
                sql_type: row.get("sql_type")?,
                type_name: row.get("type_name")?,
                type_schema: row.get("type_schema")?,
                type_oid: row.get("type_oid")?,
                is_enum: row.get("is_enum")?,
                nullable: row.get("nullable")?,
                default,
                serial,
                comment: row.get("comment")?,
            });
        }
    }
    let column_names = |rel: i64, nums: &[i16]| -> Vec<String> {
        nums.iter()
            .map(|n| names.get(&(rel, *n)).cloned().unwrap_or_default())
            .collect()
    };

    // Constraints: primary key, unique, foreign keys, checks.
    let constraints = load(
        x,
        "SELECT c.conrelid::int8 AS rel, c.conname::text AS name, c.contype::text AS kind,
                c.conkey AS columns, c.confrelid::int8 AS ref_rel,
                rn.nspname::text AS ref_schema, r.relname::text AS ref_table, c.confkey AS ref_columns,
                c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update,
                pg_get_constraintdef(c.oid) AS definition
         FROM pg_catalog.pg_constraint c
         LEFT JOIN pg_catalog.pg_class r ON r.oid = c.confrelid
         LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
         WHERE c.conrelid::int8 = ANY(:rels)
         ORDER BY c.conrelid, c.conname",
        Some((":rels", &oid_array(), Type::INT8_ARRAY)),
    )
    .await?;
    let mut referenced: Vec<(usize, usize, i64, Vec<i16>)> = Vec::new();
    for row in &constraints {
        let rel: i64 = row.get("rel")?;
        let Some(&i) = index_of.get(&(rel as u32)) else {
            continue;
        };
        let name: String = row.get("name")?;
        let keys: Vec<i16> = row.get::<Option<Vec<i16>>>("columns")?.unwrap_or_default();
        match row.get::<String>("kind")?.as_str() {
            "p" => {
                tables[i].primary_key = column_names(rel, &keys);
                tables[i].primary_key_name = Some(name);
            }
            "u" => tables[i].uniques.push((name, column_names(rel, &keys))),
            "c" => tables[i].checks.push((name, row.get("definition")?)),
            "f" => {
                let ref_rel: i64 = row.get("ref_rel")?;
                let ref_keys: Vec<i16> = row
                    .get::<Option<Vec<i16>>>("ref_columns")?
                    .unwrap_or_default();
                referenced.push((i, tables[i].foreign_keys.len(), ref_rel, ref_keys.clone()));
                tables[i].foreign_keys.push(ReflectedForeignKey {
                    name,
                    columns: column_names(rel, &keys),
                    referenced_schema: row.get::<Option<String>>("ref_schema")?.unwrap_or_default(),
                    referenced_table: row.get::<Option<String>>("ref_table")?.unwrap_or_default(),
                    referenced_columns: Vec::new(),
                    on_delete: action(&row.get::<String>("on_delete")?),
                    on_update: action(&row.get::<String>("on_update")?),
                });
            }
            _ => {}
        }
    }
    // Referenced columns may be in a schema that was not reflected: look their names up.
    let missing: Vec<i64> = referenced
        .iter()
        .filter(|(_, _, rel, _)| !index_of.contains_key(&(*rel as u32)))
        .map(|(_, _, rel, _)| *rel)
        .collect();
    if !missing.is_empty() {
        let extra = load(
            x,
            "SELECT attrelid::int8 AS rel, attnum, attname::text AS name FROM pg_catalog.pg_attribute
             WHERE attrelid::int8 = ANY(:rels) AND attnum > 0",
            Some((":rels", &missing, Type::INT8_ARRAY)),
        )
        .await?;
        for row in &extra {
            names.insert((row.get("rel")?, row.get("attnum")?), row.get("name")?);
        }
    }
    for (table, fk, rel, keys) in referenced {
        tables[table].foreign_keys[fk].referenced_columns = keys
            .iter()
            .map(|n| names.get(&(rel, *n)).cloned().unwrap_or_default())
            .collect();
    }

    // Indexes.
    let indexes = load(
        x,
        "SELECT x.indrelid::int8 AS rel, i.relname::text AS name, x.indisunique AS is_unique,
                x.indisprimary AS is_primary, (x.indkey::int2[])[:] AS columns,
                pg_get_indexdef(x.indexrelid) AS definition
         FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
         WHERE x.indrelid::int8 = ANY(:rels)
         ORDER BY x.indrelid, i.relname",
        Some((":rels", &oid_array(), Type::INT8_ARRAY)),
    )
    .await?;
    for row in &indexes {
        let rel: i64 = row.get("rel")?;
        let Some(&i) = index_of.get(&(rel as u32)) else {
            continue;
        };
        let keys: Vec<i16> = row.get("columns")?;
        tables[i].indexes.push(ReflectedIndex {
            name: row.get("name")?,
            columns: keys
                .iter()
                .map(|n| names.get(&(rel, *n)).cloned().unwrap_or_default())
                .collect(),
            unique: row.get("is_unique")?,
            primary: row.get("is_primary")?,
            definition: row.get("definition")?,
        });
    }

    let enums = load(
        x,
        "SELECT n.nspname::text || '.' || t.typname::text AS name,
                array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
         FROM pg_catalog.pg_enum e
         JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
         GROUP BY 1",
        None,
    )
    .await?
    .iter()
    .map(|row| Ok((row.get("name")?, row.get("labels")?)))
    .collect::<Result<HashMap<String, Vec<String>>, Error>>()?;
    Ok(Catalog {
        tables,
        enums,
        ..Catalog::default()
    })
}
