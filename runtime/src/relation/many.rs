//! The select-in family on collections: each parent paired with its related rows
//! (`with_children`, `with_parents`, `with_children_in`, `with_through`), one level further
//! down (`with_grandchildren`), and the `load_*` names the README once taught, kept as
//! deprecated aliases.

use super::steps::{
    arrays, field_keys, in_subquery, keys_in, nest_grandchildren, pair_children, pair_parents,
    pair_through, FieldKey, KeyArrays, Select, Through,
};
use super::{
    Aligned, ChildKeyOf, ChildOf, Field, ForeignKey, KeyColumns, KeyValue, Link, ParentKeyOf,
    RowOfTable, RowStruct, StructKey,
};
use crate::engine::runner::Work;
use crate::engine::step::Load;
use crate::engine::{Error, Executor, Ran, Runner};
use crate::query::{Col, ColumnDef, SubSelect};
use crate::render::Render;
use crate::types::{FromSqlValue, SqlType};

/// The select-in statement of [`WithRelated::with_children`].
#[doc(hidden)]
pub type Children<P, Ch, L> =
    Select<Ch, KeyArrays<ChildKeyOf<Ch, L>, ParentKeyOf<P, L>>, Vec<P>, Vec<(P, Vec<Ch>)>>;

/// The related row of a child along `L` (`Option` of it for a nullable key).
type RelatedOf<P, L, Pa> = <P as StructKey<<L as Link>::ChildKey>>::Related<Pa>;

/// The select-in statement of [`WithRelated::with_parents`].
#[doc(hidden)]
pub type Parents<P, Pa, L> = Select<
    Pa,
    KeyArrays<<L as Link>::ParentKey, <P as StructKey<<L as Link>::ChildKey>>::Key>,
    Vec<P>,
    Vec<(P, RelatedOf<P, L, Pa>)>,
>;

/// The subquery statement of [`WithRelated::with_children_in`].
#[doc(hidden)]
pub type ChildrenIn<P, Ch, Q> = Select<Ch, Q, Vec<P>, Vec<(P, Vec<Ch>)>>;

/// The many-to-many statement of [`WithRelated::with_through`].
#[doc(hidden)]
pub type PairsThrough<P, T, FA, FB> =
    Through<FA, FB, T, FieldKey<P, <FA as ForeignKey>::Referenced>, Vec<P>, Vec<(P, Vec<T>)>>;

/// Pairs each row of a collection with its related rows, in one statement per call
/// (select-in): `users.with_children(posts::author_id, conn)`. On a blocking connection
/// each method returns `Result`; on an async one, a future of it (`C` is the connection).
pub trait WithRelated<P, C: Runner + ?Sized>: Sized {
    /// The rows, owned (the collection this is implemented for).
    #[doc(hidden)]
    fn into_parents(self) -> Vec<P>;

    /// Each parent with its children along `fk` (a foreign-key column, or the marker of a
    /// `#[foreign_key(..)]` of several columns): one statement for all parents
    /// (`WHERE fk = ANY($1)`, from 9 keys `WHERE fk IN (SELECT unnest($1))`). Each parent's
    /// children come in the order the server returns them; sort them if the order matters.
    // The key bound is written inline so that an error quotes one short line.
    #[allow(clippy::multiple_bound_locations)]
    fn with_children<'c, Ch: StructKey<ChildKeyOf<Ch, L>, Key = ParentKeyOf<P, L>>, L: Link>(
        self,
        _fk: L,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<(P, Vec<Ch>)>>
    where
        P: StructKey<L::ParentKey>,
        Ch: RowStruct,
        Ch::Table: ChildOf<L>,
        Ch::Columns: Render,
        ChildKeyOf<Ch, L>: KeyColumns<<P as StructKey<L::ParentKey>>::Key>,
        Load<Children<P, Ch, L>>: Work<'c, C::Backend, C::Mode, Output = Vec<(P, Vec<Ch>)>>,
    {
        let parents = self.into_parents();
        let keys = super::keys_of::<P, L::ParentKey>(&parents);
        Load(Select::new(
            arrays::<ChildKeyOf<Ch, L>, _>(keys),
            keys_in::<Ch, ChildKeyOf<Ch, L>, _>,
            parents,
            pair_children::<P, Ch, L::ParentKey, ChildKeyOf<Ch, L>>,
        ))
        .run(conn.__connection())
    }

    /// Each child with its parent along `fk` (`Option` of it for a nullable key): one
    /// statement for all children.
    #[allow(clippy::type_complexity)]
    fn with_parents<'c, Pa, L>(
        self,
        _fk: L,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<(P, <P as StructKey<L::ChildKey>>::Related<Pa>)>>
    where
        L: Link,
        P: StructKey<L::ChildKey>,
        L::Parent: RowOfTable<Pa>,
        Pa: RowStruct + StructKey<L::ParentKey, Key = <P as StructKey<L::ChildKey>>::Key> + Clone,
        Pa::Columns: Render,
        L::ParentKey: KeyColumns<<P as StructKey<L::ChildKey>>::Key>,
        Load<Parents<P, Pa, L>>:
            Work<'c, C::Backend, C::Mode, Output = Vec<(P, RelatedOf<P, L, Pa>)>>,
    {
        let children = self.into_parents();
        let keys = super::keys_of::<P, L::ChildKey>(&children);
        Load(Select::new(
            arrays::<L::ParentKey, _>(keys),
            keys_in::<Pa, L::ParentKey, _>,
            children,
            pair_parents::<P, Pa, L::ChildKey, L::ParentKey>,
        ))
        .run(conn.__connection())
    }

    /// Each parent with its children along `fk`, selected by the parents' own query
    /// instead of their keys (`WHERE fk IN (SELECT ..)`): `keys` selects the referenced
    /// column, usually with the parents' filter.
    fn with_children_in<'c, Ch, FK, Q, J>(
        self,
        _fk: Col<FK>,
        keys: Q,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<(P, Vec<Ch>)>>
    where
        FK: ForeignKey,
        P: Field<FK::Referenced, Value: KeyValue>,
        <FK as ColumnDef>::Table: RowOfTable<Ch>,
        Ch: RowStruct + Field<FK, Value: KeyValue<Key = <P::Value as KeyValue>::Key>>,
        Ch::Columns: Render,
        Q: SubSelect<J, SqlType = <FK::Referenced as ColumnDef>::SqlType>,
        Load<ChildrenIn<P, Ch, Q>>: Work<'c, C::Backend, C::Mode, Output = Vec<(P, Vec<Ch>)>>,
    {
        Load(Select::new(
            Some(keys),
            in_subquery::<Ch, FK, Q, J>,
            self.into_parents(),
            pair_children::<P, Ch, FK::Referenced, FK>,
        ))
        .run(conn.__connection())
    }

    /// Each parent with the rows of `T` related to it through an association table whose
    /// foreign key `to_parent` references the parents and `to_target` references `T`
    /// (many-to-many): one statement.
    fn with_through<'c, T, FA, FB>(
        self,
        _to_parent: Col<FA>,
        _to_target: Col<FB>,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<(P, Vec<T>)>>
    where
        FA: ForeignKey,
        FB: ForeignKey<Table = <FA as ColumnDef>::Table>,
        P: Field<FA::Referenced, Value: KeyValue>,
        <FB::Referenced as ColumnDef>::Table: RowOfTable<T>,
        T: RowStruct,
        T::Columns: Render,
        FA: KeyColumns<<P::Value as KeyValue>::Key>,
        <P::Value as KeyValue>::Key: FromSqlValue<<<FA as ColumnDef>::SqlType as SqlType>::NotNull>,
        Load<PairsThrough<P, T, FA, FB>>: Work<'c, C::Backend, C::Mode, Output = Vec<(P, Vec<T>)>>,
    {
        let parents = self.into_parents();
        let keys = field_keys::<P, FA::Referenced>(&parents);
        Load(Through::new(
            keys,
            parents,
            pair_through::<P, FA::Referenced, T>,
        ))
        .run(conn.__connection())
    }
}

impl<P, C: Runner + ?Sized> WithRelated<P, C> for Vec<P> {
    fn into_parents(self) -> Vec<P> {
        self
    }
}

/// The select-in statement of [`WithGrandchildren::with_grandchildren`].
#[doc(hidden)]
#[allow(clippy::type_complexity)]
pub type Grandchildren<P, Ch, G, L> = Select<
    G,
    KeyArrays<ChildKeyOf<G, L>, <Ch as StructKey<<L as Link>::ParentKey>>::Key>,
    Vec<(P, Vec<Ch>)>,
    Vec<(P, Vec<(Ch, Vec<G>)>)>,
>;

/// One level further down: the children of the children that
/// [`with_children`](WithRelated::with_children) paired with their parents, in one more
/// statement for all of them (customers, then their orders, then the orders' lines: three
/// statements, no re-alignment by hand).
pub trait WithGrandchildren<P, Ch, C: Runner + ?Sized>: Sized {
    /// Each parent with its children, each child with its own children along `fk`.
    #[allow(clippy::type_complexity)]
    fn with_grandchildren<'c, G, L>(
        self,
        fk: L,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<(P, Vec<(Ch, Vec<G>)>)>>
    where
        L: Link,
        Ch: StructKey<L::ParentKey>,
        G: RowStruct,
        G::Table: ChildOf<L>,
        G: StructKey<ChildKeyOf<G, L>, Key = <Ch as StructKey<L::ParentKey>>::Key>,
        G::Columns: Render,
        ChildKeyOf<G, L>: KeyColumns<<Ch as StructKey<L::ParentKey>>::Key>,
        Load<Grandchildren<P, Ch, G, L>>:
            Work<'c, C::Backend, C::Mode, Output = Vec<(P, Vec<(Ch, Vec<G>)>)>>;
}

impl<P, Ch, C: Runner + ?Sized> WithGrandchildren<P, Ch, C> for Vec<(P, Vec<Ch>)> {
    fn with_grandchildren<'c, G, L>(
        self,
        _fk: L,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<(P, Vec<(Ch, Vec<G>)>)>>
    where
        L: Link,
        Ch: StructKey<L::ParentKey>,
        G: RowStruct,
        G::Table: ChildOf<L>,
        G: StructKey<ChildKeyOf<G, L>, Key = <Ch as StructKey<L::ParentKey>>::Key>,
        G::Columns: Render,
        ChildKeyOf<G, L>: KeyColumns<<Ch as StructKey<L::ParentKey>>::Key>,
        Load<Grandchildren<P, Ch, G, L>>:
            Work<'c, C::Backend, C::Mode, Output = Vec<(P, Vec<(Ch, Vec<G>)>)>>,
    {
        let mut keys: Vec<_> = self
            .iter()
            .flat_map(|(_, children)| children.iter().filter_map(StructKey::struct_key))
            .collect();
        super::dedup(&mut keys);
        Load(Select::new(
            arrays::<ChildKeyOf<G, L>, _>(keys),
            keys_in::<G, ChildKeyOf<G, L>, _>,
            self,
            nest_grandchildren::<P, Ch, G, L::ParentKey, ChildKeyOf<G, L>>,
        ))
        .run(conn.__connection())
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
        <<FA as ColumnDef>::SqlType as SqlType>::NotNull: crate::types::ListElement,
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
