//! Related rows of one struct, loaded when asked (the lazy strategy), and the rows of a
//! joined load grouped by parent (the joined strategy).

use super::{
    children_in, ChildKeyOf, ChildOf, Field, ForeignKey, KeyColumns, KeyValue, Link, RowOfTable,
    RowStruct, StructKey,
};
use crate::engine::{Error, Executor};
use crate::query::{Col, ColumnDef, Selectable};
use crate::render::Render;
use crate::types::{Array, FromSqlValue, SqlType};
use std::collections::HashMap;

/// Loading the related rows of one struct when asked (the lazy strategy: one statement
/// per call).
pub trait LoadOne: Sized {
    /// This parent's children along `fk`.
    fn children<Ch, L>(&self, _fk: L, conn: &mut (impl Executor + ?Sized)) -> Result<Vec<Ch>, Error>
    where
        L: Link,
        Self: StructKey<L::ParentKey>,
        Ch: RowStruct,
        Ch::Table: ChildOf<L>,
        Ch: StructKey<ChildKeyOf<Ch, L>, Key = <Self as StructKey<L::ParentKey>>::Key>,
        Ch::Columns: Render,
        ChildKeyOf<Ch, L>: KeyColumns<<Self as StructKey<L::ParentKey>>::Key>,
    {
        let Some(key) = self.struct_key() else {
            return Ok(Vec::new());
        };
        children_in::<Ch, ChildKeyOf<Ch, L>, _>(vec![key], conn)
    }

    /// This parent's one child along a unique `fk` (one-to-one): `None` when it has none,
    /// [`Error::MultipleRows`] when the key is not unique after all.
    fn child<Ch, L>(&self, fk: L, conn: &mut (impl Executor + ?Sized)) -> Result<Option<Ch>, Error>
    where
        L: Link,
        Self: StructKey<L::ParentKey>,
        Ch: RowStruct,
        Ch::Table: ChildOf<L>,
        Ch: StructKey<ChildKeyOf<Ch, L>, Key = <Self as StructKey<L::ParentKey>>::Key>,
        Ch::Columns: Render,
        ChildKeyOf<Ch, L>: KeyColumns<<Self as StructKey<L::ParentKey>>::Key>,
    {
        crate::engine::at_most_one(self.children::<Ch, L>(fk, conn)?)
    }

    /// This child's parent along `fk` (`Option` of it for a nullable key).
    fn parent<Pa, L>(
        &self,
        fk: L,
        conn: &mut (impl Executor + ?Sized),
    ) -> Result<<Self as StructKey<L::ChildKey>>::Related<Pa>, Error>
    where
        L: Link,
        Self: StructKey<L::ChildKey>,
        L::Parent: RowOfTable<Pa>,
        Pa: RowStruct
            + StructKey<L::ParentKey, Key = <Self as StructKey<L::ChildKey>>::Key>
            + Clone,
        Pa::Columns: Render,
        L::ParentKey: KeyColumns<<Self as StructKey<L::ChildKey>>::Key>,
    {
        let mut found =
            super::Aligned::load_parents::<Pa, L>(std::slice::from_ref(self), fk, conn)?;
        match found.pop() {
            Some(p) => Ok(p),
            None => <Self as StructKey<L::ChildKey>>::related(None),
        }
    }

    /// The rows of `T` related to this one through an association table (many-to-many).
    fn through<T, FA, FB>(
        &self,
        to_self: Col<FA>,
        to_target: Col<FB>,
        conn: &mut (impl Executor + ?Sized),
    ) -> Result<Vec<T>, Error>
    where
        FA: ForeignKey,
        FB: ForeignKey<Table = <FA as ColumnDef>::Table>,
        Self: Field<FA::Referenced, Value: KeyValue>,
        <FB::Referenced as ColumnDef>::Table: RowOfTable<T>,
        T: RowStruct,
        T::Columns: Render,
        Array<<<FA as ColumnDef>::SqlType as SqlType>::NotNull>: SqlType,
        <Self::Value as KeyValue>::Key:
            FromSqlValue<<<FA as ColumnDef>::SqlType as SqlType>::NotNull>,
    {
        let mut all = super::Aligned::load_through::<T, FA, FB>(
            std::slice::from_ref(self),
            to_self,
            to_target,
            conn,
        )?;
        Ok(all.pop().unwrap_or_default())
    }
}

impl<S: Selectable> LoadOne for S {}

/// Groups the rows of a joined load, `(parent, Option<child>)` from a left join, into each
/// parent with its children (the joined strategy: one statement). Parents come in the order
/// of their first row; a parent without children gets an empty `Vec`.
pub fn group_children<P, Ch, L>(_fk: L, rows: Vec<(P, Option<Ch>)>) -> Vec<(P, Vec<Ch>)>
where
    L: Link,
    P: StructKey<L::ParentKey>,
{
    let mut index: HashMap<P::Key, usize> = HashMap::new();
    let mut out: Vec<(P, Vec<Ch>)> = Vec::new();
    for (parent, child) in rows {
        let slot = match parent.struct_key() {
            Some(k) => match index.get(&k) {
                Some(&i) => i,
                None => {
                    index.insert(k, out.len());
                    out.push((parent, Vec::new()));
                    out.len() - 1
                }
            },
            None => {
                out.push((parent, Vec::new()));
                out.len() - 1
            }
        };
        if let Some(child) = child {
            out[slot].1.push(child);
        }
    }
    out
}
