//! Related rows of one struct, loaded when asked (the lazy strategy), and the rows of a
//! joined load grouped by parent (the joined strategy).

use super::steps::{
    all, arrays, at_most_one, field_keys, keys_in, only_items, the_parent, FieldKey, KeyArrays,
    Select, Through,
};
use super::{
    ChildKeyOf, ChildOf, Field, ForeignKey, KeyColumns, KeyValue, Link, RowOfTable, RowStruct,
    StructKey,
};
use crate::engine::runner::Work;
use crate::engine::step::Load;
use crate::engine::{Ran, Runner};
use crate::query::{Col, ColumnDef, Selectable};
use crate::render::Render;
use crate::types::{FromSqlValue, SqlType};
use std::collections::HashMap;

/// The statement of [`LoadOne::children`] and [`LoadOne::child`].
#[doc(hidden)]
pub type OwnChildren<S, Ch, L, Out> = Select<
    Ch,
    KeyArrays<ChildKeyOf<Ch, L>, <S as StructKey<<L as Link>::ParentKey>>::Key>,
    (),
    Out,
>;

/// The related row of a child along `L` (`Option` of it for a nullable key).
type RelatedOf<S, L, Pa> = <S as StructKey<<L as Link>::ChildKey>>::Related<Pa>;

/// The statement of [`LoadOne::parent`].
#[doc(hidden)]
pub type OwnParent<S, Pa, L> = Select<
    Pa,
    KeyArrays<<L as Link>::ParentKey, <S as StructKey<<L as Link>::ChildKey>>::Key>,
    (),
    RelatedOf<S, L, Pa>,
>;

/// The statement of [`LoadOne::through`].
#[doc(hidden)]
pub type OwnThrough<S, T, FA, FB> =
    Through<FA, FB, T, FieldKey<S, <FA as ForeignKey>::Referenced>, (), Vec<T>>;

/// Loading the related rows of one struct when asked (the lazy strategy: one statement
/// per call). On a blocking connection each method returns `Result`; on an async one, a
/// future of it (`C` is the connection).
pub trait LoadOne<C: Runner + ?Sized>: Sized {
    /// This parent's children along `fk`.
    fn children<'c, Ch, L>(&self, _fk: L, conn: &'c mut C) -> Ran<'c, C, Vec<Ch>>
    where
        L: Link,
        Self: StructKey<L::ParentKey>,
        Ch: RowStruct,
        Ch::Table: ChildOf<L>,
        Ch: StructKey<ChildKeyOf<Ch, L>, Key = <Self as StructKey<L::ParentKey>>::Key>,
        Ch::Columns: Render,
        ChildKeyOf<Ch, L>: KeyColumns<<Self as StructKey<L::ParentKey>>::Key>,
        Load<OwnChildren<Self, Ch, L, Vec<Ch>>>: Work<'c, C::Backend, C::Mode, Output = Vec<Ch>>,
    {
        let keys = self.struct_key().into_iter().collect();
        Load(Select::new(
            arrays::<ChildKeyOf<Ch, L>, _>(keys),
            keys_in::<Ch, ChildKeyOf<Ch, L>, _>,
            (),
            all,
        ))
        .run(conn.__connection())
    }

    /// This parent's one child along a unique `fk` (one-to-one): `None` when it has none,
    /// [`Error::MultipleRows`](crate::Error::MultipleRows) when the key is not unique after all.
    fn child<'c, Ch, L>(&self, _fk: L, conn: &'c mut C) -> Ran<'c, C, Option<Ch>>
    where
        L: Link,
        Self: StructKey<L::ParentKey>,
        Ch: RowStruct,
        Ch::Table: ChildOf<L>,
        Ch: StructKey<ChildKeyOf<Ch, L>, Key = <Self as StructKey<L::ParentKey>>::Key>,
        Ch::Columns: Render,
        ChildKeyOf<Ch, L>: KeyColumns<<Self as StructKey<L::ParentKey>>::Key>,
        Load<OwnChildren<Self, Ch, L, Option<Ch>>>:
            Work<'c, C::Backend, C::Mode, Output = Option<Ch>>,
    {
        let keys = self.struct_key().into_iter().collect();
        Load(Select::new(
            arrays::<ChildKeyOf<Ch, L>, _>(keys),
            keys_in::<Ch, ChildKeyOf<Ch, L>, _>,
            (),
            at_most_one,
        ))
        .run(conn.__connection())
    }

    /// This child's parent along `fk` (`Option` of it for a nullable key).
    fn parent<'c, Pa, L>(
        &self,
        _fk: L,
        conn: &'c mut C,
    ) -> Ran<'c, C, <Self as StructKey<L::ChildKey>>::Related<Pa>>
    where
        L: Link,
        Self: StructKey<L::ChildKey>,
        L::Parent: RowOfTable<Pa>,
        Pa: RowStruct
            + StructKey<L::ParentKey, Key = <Self as StructKey<L::ChildKey>>::Key>
            + Clone,
        Pa::Columns: Render,
        L::ParentKey: KeyColumns<<Self as StructKey<L::ChildKey>>::Key>,
        Load<OwnParent<Self, Pa, L>>:
            Work<'c, C::Backend, C::Mode, Output = RelatedOf<Self, L, Pa>>,
    {
        let keys = self.struct_key().into_iter().collect();
        Load(Select::new(
            arrays::<L::ParentKey, _>(keys),
            keys_in::<Pa, L::ParentKey, _>,
            (),
            the_parent::<Self, L::ChildKey, Pa>,
        ))
        .run(conn.__connection())
    }

    /// The rows of `T` related to this one through an association table (many-to-many).
    fn through<'c, T, FA, FB>(
        &self,
        _to_self: Col<FA>,
        _to_target: Col<FB>,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<T>>
    where
        FA: ForeignKey,
        FB: ForeignKey<Table = <FA as ColumnDef>::Table>,
        Self: Field<FA::Referenced, Value: KeyValue>,
        <FB::Referenced as ColumnDef>::Table: RowOfTable<T>,
        T: RowStruct,
        T::Columns: Render,
        FA: KeyColumns<<Self::Value as KeyValue>::Key>,
        <Self::Value as KeyValue>::Key:
            FromSqlValue<<<FA as ColumnDef>::SqlType as SqlType>::NotNull>,
        Load<OwnThrough<Self, T, FA, FB>>: Work<'c, C::Backend, C::Mode, Output = Vec<T>>,
    {
        let keys = field_keys::<Self, FA::Referenced>(std::slice::from_ref(self));
        Load(Through::new(keys, (), only_items)).run(conn.__connection())
    }
}

impl<S: Selectable, C: Runner + ?Sized> LoadOne<C> for S {}

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
