//! Keys of relations: a foreign key of one column (`Col<FK>`) or of several (the marker
//! `table!` generates for `#[foreign_key((a, b) -> other (x, y), name = ..)]`), the key a
//! row struct holds in those columns, and the SQL that selects rows by many keys at once.

use super::{Field, ForeignKey, KeyValue};
use crate::backend::BindValue;
use crate::engine::Error;
use crate::query::{Col, ColumnDef, Table};
use crate::render::SqlWriter;
use crate::types::{ListElement, SqlType};
use std::hash::Hash;

/// A foreign key as the loaders take it: which table holds it, which it references, and
/// the key columns on each side (one column marker, or a tuple of them).
pub trait Link: Copy {
    /// The table holding the foreign key.
    type Child: Table;
    /// The referenced table.
    type Parent: Table;
    /// The referencing column(s).
    type ChildKey;
    /// The referenced column(s), in the same order.
    type ParentKey;
}

impl<FK: ForeignKey> Link for Col<FK> {
    type Child = <FK as ColumnDef>::Table;
    type Parent = <FK::Referenced as ColumnDef>::Table;
    type ChildKey = FK;
    type ParentKey = FK::Referenced;
}

/// The key a row struct holds in columns `K`: read from its fields for those columns
/// (`#[derive(Row)]` generates a [`Field`] impl per field).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no field that loads key column `{K}`",
    label = "related rows are matched by that column",
    note = "add a field for it to the struct: the foreign key on the child's struct, the referenced key on the parent's"
)]
pub trait StructKey<K> {
    /// The key; a tuple for several columns.
    type Key: Eq + Hash + Clone + 'static;
    /// What a lookup by this key gives: the related row, or an `Option` of it when the key
    /// column is nullable; always an `Option` for a key of several columns (PostgreSQL does
    /// not check a composite key with a NULL part, so its parent may be missing).
    type Related<P>;
    /// The key, or `None` when a key column is NULL.
    fn struct_key(&self) -> Option<Self::Key>;
    /// The related row found for this key, or the right "none".
    fn related<P>(found: Option<P>) -> Result<Self::Related<P>, Error>;
}

// Not recommended: a missing field is then reported as this trait's own message, naming the
// key column, without the list of the struct's fields.
#[diagnostic::do_not_recommend]
impl<S, M: ColumnDef> StructKey<M> for S
where
    S: Field<M, Value: KeyValue>,
{
    type Key = <S::Value as KeyValue>::Key;
    type Related<P> = <S::Value as KeyValue>::Related<P>;
    fn struct_key(&self) -> Option<Self::Key> {
        self.field().key().cloned()
    }
    fn related<P>(found: Option<P>) -> Result<Self::Related<P>, Error> {
        <S::Value as KeyValue>::related(found)
    }
}

/// Selecting rows by many keys in one statement: `"t"."c" = ANY($1)` for one column,
/// `("t"."a", "t"."b") IN (SELECT * FROM unnest($1, $2))` for several, one array
/// parameter per column.
pub trait KeyColumns<K> {
    /// The keys as one array per column.
    type Arrays;
    /// Splits `keys` into arrays.
    fn arrays(keys: Vec<K>) -> Self::Arrays;
    /// Writes the condition on table `table`'s key columns.
    fn render_in<'a>(table: &str, arrays: &'a Self::Arrays, out: &mut SqlWriter<'a>);
    /// The column names, for ` ORDER BY` and joins.
    fn names() -> Vec<&'static str>;
}

/// The SQL type of keys of column `M`, without NULL.
type KeyType<M> = <<M as ColumnDef>::SqlType as SqlType>::NotNull;

/// The SQL type a list of keys of column `M` is bound as.
fn list_type<M: ColumnDef>(out: &SqlWriter<'_>) -> postgres_types::Type
where
    KeyType<M>: ListElement,
{
    crate::types::list_type::<KeyType<M>>(out.dialect())
}

impl<M: ColumnDef, K: BindValue + Clone> KeyColumns<K> for M
where
    KeyType<M>: ListElement,
{
    type Arrays = Vec<K::Item<KeyType<M>>>;
    fn arrays(keys: Vec<K>) -> Self::Arrays {
        K::items(keys)
    }
    fn render_in<'a>(table: &str, arrays: &'a Self::Arrays, out: &mut SqlWriter<'a>) {
        out.column(table, M::NAME);
        let outer = out.begin_redacting(M::SENSITIVE);
        out.in_list(arrays, &list_type::<M>(out), false, |out| {
            out.bind(arrays, list_type::<M>(out))
        });
        out.end_redacting(outer);
    }
    fn names() -> Vec<&'static str> {
        vec![M::NAME]
    }
}

macro_rules! composite_keys {
    ($(($($col:ident $key:ident $i:tt),+))*) => {$(
        #[diagnostic::do_not_recommend]
        impl<S, $($col: ColumnDef),+> StructKey<($($col,)+)> for S
        where
            $(S: Field<$col, Value: KeyValue>,)+
        {
            type Key = ($(<<S as Field<$col>>::Value as KeyValue>::Key,)+);
            type Related<P> = Option<P>;
            fn struct_key(&self) -> Option<Self::Key> {
                Some(($(<S as Field<$col>>::field(self).key()?.clone(),)+))
            }
            fn related<P>(found: Option<P>) -> Result<Option<P>, Error> {
                Ok(found)
            }
        }

        impl<$($col: ColumnDef,)+ $($key: BindValue + Clone,)+> KeyColumns<($($key,)+)> for ($($col,)+)
        where
            $(KeyType<$col>: ListElement,)+
        {
            type Arrays = ($(Vec<<$key as BindValue>::Item<KeyType<$col>>>,)+);
            fn arrays(keys: Vec<($($key,)+)>) -> Self::Arrays {
                let mut arrays = ($(Vec::<<$key as BindValue>::Item<KeyType<$col>>>::with_capacity(keys.len()),)+);
                for key in keys {
                    $(arrays.$i.push(key.$i.item());)+
                }
                arrays
            }
            fn render_in<'a>(table: &str, arrays: &'a Self::Arrays, out: &mut SqlWriter<'a>) {
                out.sql("(");
                $(
                    if $i > 0 {
                        out.sql(", ");
                    }
                    out.column(table, $col::NAME);
                )+
                if out.dialect() == crate::backend::Dialect::Mysql {
                    // MySQL has no arrays either: each list is a JSON array, read by
                    // JSON_TABLE and zipped by position (`i`).
                    out.sql(") IN (SELECT ");
                    $(
                        if $i > 0 {
                            out.sql(", ");
                        }
                        out.sql(concat!("`k", $i, "`.`v`"));
                    )+
                    out.sql(" FROM ");
                    $(
                        if $i > 0 {
                            out.sql(" JOIN ");
                        }
                        out.mysql_list(|out| {
                            let outer = out.begin_redacting($col::SENSITIVE);
                            out.bind(&arrays.$i, list_type::<$col>(out));
                            out.end_redacting(outer);
                        });
                        out.sql(concat!(" AS `k", $i, "`"));
                        if $i > 0 {
                            out.sql(concat!(" ON `k", $i, "`.`i` = `k0`.`i`"));
                        }
                    )+
                    out.sql(")");
                    return;
                }
                if out.dialect() == crate::backend::Dialect::Sqlite {
                    // SQLite has no unnest: each list is a JSON array, read by json_each and
                    // zipped by position (`key`).
                    out.sql(") IN (SELECT ");
                    $(
                        if $i > 0 {
                            out.sql(", ");
                        }
                        out.sql(concat!("\"k", $i, "\".value"));
                    )+
                    out.sql(" FROM ");
                    $(
                        if $i > 0 {
                            out.sql(" JOIN ");
                        }
                        out.sql("json_each(");
                        let outer = out.begin_redacting($col::SENSITIVE);
                        out.bind(&arrays.$i, list_type::<$col>(out));
                        out.end_redacting(outer);
                        out.sql(concat!(") AS \"k", $i, "\""));
                        if $i > 0 {
                            out.sql(concat!(" ON \"k", $i, "\".key = \"k0\".key"));
                        }
                    )+
                    out.sql(")");
                    return;
                }
                out.sql(") IN (SELECT * FROM unnest(");
                $(
                    if $i > 0 {
                        out.sql(", ");
                    }
                    let outer = out.begin_redacting($col::SENSITIVE);
                    out.bind(&arrays.$i, list_type::<$col>(out));
                    out.end_redacting(outer);
                )+
                out.sql("))");
            }
            fn names() -> Vec<&'static str> {
                vec![$($col::NAME),+]
            }
        }
    )*};
}

composite_keys! {
    (A KA 0, B KB 1)
    (A KA 0, B KB 1, C KC 2)
    (A KA 0, B KB 1, C KC 2, D KD 3)
}
