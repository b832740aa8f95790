//! The select-in family on collections: each parent paired with its related rows
//! (`with_children`, `with_parents`, `with_children_in`, `with_through`), one level further
//! down (`with_grandchildren`), and the `load_*` names the README once taught, kept as
//! deprecated aliases.

use super::{
    Aligned, ChildKeyOf, ChildOf, Field, ForeignKey, KeyColumns, KeyValue, Link, ParentKeyOf,
    RowOfTable, RowStruct, StructKey,
};
use crate::engine::{Error, Executor};
use crate::query::{Col, ColumnDef, SubSelect};
use crate::render::Render;
use crate::types::{Array, FromSqlValue, SqlType};
use std::collections::HashMap;

/// Pairs each row of a collection with its related rows, in one statement per call
/// (select-in): `users.with_children(posts::author_id, conn)`.
pub trait WithRelated<P>: Sized {
    /// The rows, owned (the collection this is implemented for).
    #[doc(hidden)]
    fn into_parents(self) -> Vec<P>;

    /// Each parent with its children along `fk` (a foreign-key column, or the marker of a
    /// `#[foreign_key(..)]` of several columns): one statement for all parents
    /// (`WHERE fk = ANY($1)`, from 9 keys `WHERE fk IN (SELECT unnest($1))`). Each parent's
    /// children come in the order the server returns them; sort them if the order matters.
    // The key bound is written inline so that an error quotes one short line.
    #[allow(clippy::multiple_bound_locations)]
    fn with_children<Ch: StructKey<ChildKeyOf<Ch, L>, Key = ParentKeyOf<P, L>>, L: Link>(
        self,
        fk: L,
        conn: &mut (impl Executor + ?Sized),
    ) -> Result<Vec<(P, Vec<Ch>)>, Error>
    where
        P: StructKey<L::ParentKey>,
        Ch: RowStruct,
        Ch::Table: ChildOf<L>,
        Ch::Columns: Render,
        ChildKeyOf<Ch, L>: KeyColumns<<P as StructKey<L::ParentKey>>::Key>,
    {
        let parents = self.into_parents();
        let children = Aligned::load_children::<Ch, L>(&parents[..], fk, conn)?;
        Ok(parents.into_iter().zip(children).collect())
    }

    /// Each child with its parent along `fk` (`Option` of it for a nullable key): one
    /// statement for all children.
    #[allow(clippy::type_complexity)]
    fn with_parents<Pa, L>(
        self,
        fk: L,
        conn: &mut (impl Executor + ?Sized),
    ) -> Result<Vec<(P, <P as StructKey<L::ChildKey>>::Related<Pa>)>, Error>
    where
        L: Link,
        P: StructKey<L::ChildKey>,
        L::Parent: RowOfTable<Pa>,
        Pa: RowStruct + StructKey<L::ParentKey, Key = <P as StructKey<L::ChildKey>>::Key> + Clone,
        Pa::Columns: Render,
        L::ParentKey: KeyColumns<<P as StructKey<L::ChildKey>>::Key>,
    {
        let children = self.into_parents();
        let parents = Aligned::load_parents::<Pa, L>(&children[..], fk, conn)?;
        Ok(children.into_iter().zip(parents).collect())
    }

    /// Each parent with its children along `fk`, selected by the parents' own query
    /// instead of their keys (`WHERE fk IN (SELECT ..)`): `keys` selects the referenced
    /// column, usually with the parents' filter.
    fn with_children_in<Ch, FK, Q, J>(
        self,
        fk: Col<FK>,
        keys: Q,
        conn: &mut (impl Executor + ?Sized),
    ) -> Result<Vec<(P, Vec<Ch>)>, Error>
    where
        FK: ForeignKey,
        P: Field<FK::Referenced, Value: KeyValue>,
        <FK as ColumnDef>::Table: RowOfTable<Ch>,
        Ch: RowStruct + Field<FK, Value: KeyValue<Key = <P::Value as KeyValue>::Key>>,
        Ch::Columns: Render,
        Q: SubSelect<J, SqlType = <FK::Referenced as ColumnDef>::SqlType>,
    {
        let parents = self.into_parents();
        let children = Aligned::load_children_in::<Ch, FK, Q, J>(&parents[..], fk, keys, conn)?;
        Ok(parents.into_iter().zip(children).collect())
    }

    /// Each parent with the rows of `T` related to it through an association table whose
    /// foreign key `to_parent` references the parents and `to_target` references `T`
    /// (many-to-many): one statement.
    fn with_through<T, FA, FB>(
        self,
        to_parent: Col<FA>,
        to_target: Col<FB>,
        conn: &mut (impl Executor + ?Sized),
    ) -> Result<Vec<(P, Vec<T>)>, Error>
    where
        FA: ForeignKey,
        FB: ForeignKey<Table = <FA as ColumnDef>::Table>,
        P: Field<FA::Referenced, Value: KeyValue>,
        <FB::Referenced as ColumnDef>::Table: RowOfTable<T>,
        T: RowStruct,
        T::Columns: Render,
        Array<<<FA as ColumnDef>::SqlType as SqlType>::NotNull>: SqlType,
        <P::Value as KeyValue>::Key: FromSqlValue<<<FA as ColumnDef>::SqlType as SqlType>::NotNull>,
    {
        let parents = self.into_parents();
        let targets = Aligned::load_through::<T, FA, FB>(&parents[..], to_parent, to_target, conn)?;
        Ok(parents.into_iter().zip(targets).collect())
    }
}

impl<P> WithRelated<P> for Vec<P> {
    fn into_parents(self) -> Vec<P> {
        self
    }
}

/// One level further down: the children of the children that
/// [`with_children`](WithRelated::with_children) paired with their parents, in one more
/// statement for all of them (customers, then their orders, then the orders' lines: three
/// statements, no re-alignment by hand).
pub trait WithGrandchildren<P, Ch>: Sized {
    /// Each parent with its children, each child with its own children along `fk`.
    #[allow(clippy::type_complexity)]
    fn with_grandchildren<G, L>(
        self,
        fk: L,
        conn: &mut (impl Executor + ?Sized),
    ) -> Result<Vec<(P, Vec<(Ch, Vec<G>)>)>, Error>
    where
        L: Link,
        Ch: StructKey<L::ParentKey>,
        G: RowStruct,
        G::Table: ChildOf<L>,
        G: StructKey<ChildKeyOf<G, L>, Key = <Ch as StructKey<L::ParentKey>>::Key>,
        G::Columns: Render,
        ChildKeyOf<G, L>: KeyColumns<<Ch as StructKey<L::ParentKey>>::Key>;
}

impl<P, Ch> WithGrandchildren<P, Ch> for Vec<(P, Vec<Ch>)> {
    fn with_grandchildren<G, L>(
        self,
        _fk: L,
        conn: &mut (impl Executor + ?Sized),
    ) -> Result<Vec<(P, Vec<(Ch, Vec<G>)>)>, Error>
    where
        L: Link,
        Ch: StructKey<L::ParentKey>,
        G: RowStruct,
        G::Table: ChildOf<L>,
        G: StructKey<ChildKeyOf<G, L>, Key = <Ch as StructKey<L::ParentKey>>::Key>,
        G::Columns: Render,
        ChildKeyOf<G, L>: KeyColumns<<Ch as StructKey<L::ParentKey>>::Key>,
    {
        let mut keys: Vec<_> = self
            .iter()
            .flat_map(|(_, children)| children.iter().filter_map(StructKey::struct_key))
            .collect();
        super::dedup(&mut keys);
        let parents = keys.len();
        let grandchildren = if keys.is_empty() {
            Vec::new()
        } else {
            super::children_in::<G, ChildKeyOf<G, L>, _>(keys, conn)?
        };
        let mut by_key: HashMap<_, Vec<G>> = HashMap::with_capacity(parents);
        for g in grandchildren {
            if let Some(k) = g.struct_key() {
                by_key.entry(k).or_default().push(g);
            }
        }
        // A child listed twice (under two parents) gets its children at its first place.
        Ok(self
            .into_iter()
            .map(|(parent, children)| {
                let children = children
                    .into_iter()
                    .map(|child| {
                        let own = child
                            .struct_key()
                            .and_then(|k| by_key.remove(&k))
                            .unwrap_or_default();
                        (child, own)
                    })
                    .collect();
                (parent, children)
            })
            .collect())
    }
}

/// The names the README once taught for the subquery and many-to-many strategies, which
/// return the related rows aligned with the parents rather than paired with them.
pub trait LoadMany<P> {
    /// The rows (the slice this is implemented for).
    #[doc(hidden)]
    fn parents(&self) -> &[P];

    /// The children of the parents that `keys` selects, aligned with the parents.
    #[deprecated(note = "use `with_children_in`, which pairs each parent with its children")]
    fn load_children_in<Ch, FK, Q, J>(
        &self,
        fk: Col<FK>,
        keys: Q,
        conn: &mut (impl Executor + ?Sized),
    ) -> Result<Vec<Vec<Ch>>, Error>
    where
        FK: ForeignKey,
        P: Field<FK::Referenced, Value: KeyValue>,
        <FK as ColumnDef>::Table: RowOfTable<Ch>,
        Ch: RowStruct + Field<FK, Value: KeyValue<Key = <P::Value as KeyValue>::Key>>,
        Ch::Columns: Render,
        Q: SubSelect<J, SqlType = <FK::Referenced as ColumnDef>::SqlType>,
    {
        Aligned::load_children_in(self.parents(), fk, keys, conn)
    }

    /// The rows of `T` related to each parent through an association table, aligned with
    /// the parents.
    #[deprecated(note = "use `with_through`, which pairs each parent with its rows")]
    fn load_through<T, FA, FB>(
        &self,
        to_parent: Col<FA>,
        to_target: Col<FB>,
        conn: &mut (impl Executor + ?Sized),
    ) -> Result<Vec<Vec<T>>, Error>
    where
        FA: ForeignKey,
        FB: ForeignKey<Table = <FA as ColumnDef>::Table>,
        P: Field<FA::Referenced, Value: KeyValue>,
        <FB::Referenced as ColumnDef>::Table: RowOfTable<T>,
        T: RowStruct,
        T::Columns: Render,
        Array<<<FA as ColumnDef>::SqlType as SqlType>::NotNull>: SqlType,
        <P::Value as KeyValue>::Key: FromSqlValue<<<FA as ColumnDef>::SqlType as SqlType>::NotNull>,
    {
        Aligned::load_through(self.parents(), to_parent, to_target, conn)
    }
}

impl<P> LoadMany<P> for [P] {
    fn parents(&self) -> &[P] {
        self
    }
}
