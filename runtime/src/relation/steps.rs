//! The loaders as [`Step`]s: one statement each, its rows decoded as they are read, then
//! paired with the rows the loader was called on. A loader method builds one of these and
//! runs it through [`Work`](crate::engine::runner::Work), so the same method returns
//! `Result` on a blocking connection and a future on an async one (see "Relations on
//! async" in docs/design.md).

use super::{Field, ForeignKey, KeyColumns, KeyValue, RowStruct, StructKey};
use crate::engine::step::Step;
use crate::engine::Error;
use crate::query::{AsSelect, ColumnDef, Selectable, SubSelect, Table};
use crate::render::{Render, SqlWriter};
use crate::types::{FromSqlValue, RowReader, SqlType};
use std::collections::HashMap;
use std::marker::PhantomData;

/// `SELECT <Ch's columns> FROM <Ch's table> WHERE <filter>`, then `finish(state, rows)`;
/// no statement when there is no filter (no keys to look up).
#[doc(hidden)]
pub struct Select<Ch: Selectable, F, St, Out> {
    select: AsSelect<Ch, Ch::Columns>,
    filter: Option<F>,
    write_filter: for<'a> fn(&'a F, &mut SqlWriter<'a>),
    state: St,
    finish: fn(St, Vec<Ch>) -> Result<Out, Error>,
}

impl<Ch: RowStruct, F, St, Out> Select<Ch, F, St, Out> {
    pub(crate) fn new(
        filter: Option<F>,
        write_filter: for<'a> fn(&'a F, &mut SqlWriter<'a>),
        state: St,
        finish: fn(St, Vec<Ch>) -> Result<Out, Error>,
    ) -> Self {
        Select {
            select: Ch::as_select(),
            filter,
            write_filter,
            state,
            finish,
        }
    }
}

impl<Ch: RowStruct, F, St, Out> Step for Select<Ch, F, St, Out>
where
    Ch::Columns: Render,
{
    type Row = Ch;
    type Output = Out;
    fn write<'q>(&'q self, out: &mut SqlWriter<'q>) -> bool {
        let Some(filter) = &self.filter else {
            return false;
        };
        out.sql("SELECT ");
        self.select.render_select(out);
        out.sql(" FROM ");
        out.ident(<Ch::Table as Table>::SQL_NAME);
        out.sql(" WHERE ");
        (self.write_filter)(filter, out);
        true
    }
    fn decode(row: &mut RowReader<'_>) -> Result<Ch, Error> {
        Ch::from_row(row)
    }
    fn finish(self, rows: Vec<Ch>) -> Result<Out, Error> {
        (self.finish)(self.state, rows)
    }
}

/// The arrays of keys that select the rows of `R` by its columns `K` (one array per column).
pub type KeyArrays<K, Key> = <K as KeyColumns<Key>>::Arrays;

/// The arrays of `keys`, or `None` when there are none (nothing to look up).
pub(crate) fn arrays<K: KeyColumns<Key>, Key>(keys: Vec<Key>) -> Option<K::Arrays> {
    (!keys.is_empty()).then(|| K::arrays(keys))
}

/// `"table"."key" = ANY($1)` (and the forms for many keys or several columns).
pub(crate) fn keys_in<'a, R: Selectable, K: KeyColumns<Key>, Key>(
    arrays: &'a K::Arrays,
    out: &mut SqlWriter<'a>,
) {
    K::render_in(<R::Table as Table>::SQL_NAME, arrays, out);
}

/// `"table"."fk" IN (<keys query>)`.
pub(crate) fn in_subquery<'a, R: Selectable, FK: ColumnDef, Q: SubSelect<J>, J>(
    keys: &'a Q,
    out: &mut SqlWriter<'a>,
) {
    out.column(<R::Table as Table>::SQL_NAME, FK::NAME);
    out.sql(" IN (");
    keys.render_subselect(out);
    out.sql(")");
}

/// The rows as they came.
pub(crate) fn all<R>(_: (), rows: Vec<R>) -> Result<Vec<R>, Error> {
    Ok(rows)
}

/// The only row, or none ([`Error::MultipleRows`] for more).
pub(crate) fn at_most_one<R>(_: (), rows: Vec<R>) -> Result<Option<R>, Error> {
    crate::engine::at_most_one(rows)
}

/// The parent of one child, looked up by the child's key (`K`: the child's key columns).
pub(crate) fn the_parent<S: StructKey<K>, K, Pa>(
    _: (),
    rows: Vec<Pa>,
) -> Result<S::Related<Pa>, Error> {
    S::related(rows.into_iter().next())
}

/// Each parent with its children (keyed by `PK` on the parents, `CK` on the children).
pub(crate) fn pair_children<P, Ch, PK, CK>(
    parents: Vec<P>,
    children: Vec<Ch>,
) -> Result<Vec<(P, Vec<Ch>)>, Error>
where
    P: StructKey<PK>,
    Ch: StructKey<CK, Key = P::Key>,
{
    let grouped = super::group::<P, Ch, PK, CK>(&parents, children);
    Ok(parents.into_iter().zip(grouped).collect())
}

/// Each child with its parent (keyed by `CK` on the children, `PK` on the parents).
#[allow(clippy::type_complexity)]
pub(crate) fn pair_parents<P, Pa, CK, PK>(
    children: Vec<P>,
    parents: Vec<Pa>,
) -> Result<Vec<(P, P::Related<Pa>)>, Error>
where
    P: StructKey<CK>,
    Pa: StructKey<PK, Key = P::Key> + Clone,
{
    let by_key: HashMap<_, Pa> = parents
        .into_iter()
        .filter_map(|p| p.struct_key().map(|k| (k, p)))
        .collect();
    children
        .into_iter()
        .map(|child| {
            let found = child.struct_key().and_then(|k| by_key.get(&k)).cloned();
            Ok((child, P::related(found)?))
        })
        .collect()
}

/// Each child of each parent with its own children (keyed by `PK` on the children, `GK`
/// on the grandchildren). A child listed twice (under two parents) gets its children at its
/// first place.
#[allow(clippy::type_complexity)]
pub(crate) fn nest_grandchildren<P, Ch, G, PK, GK>(
    tree: Vec<(P, Vec<Ch>)>,
    grandchildren: Vec<G>,
) -> Result<Vec<(P, Vec<(Ch, Vec<G>)>)>, Error>
where
    Ch: StructKey<PK>,
    G: StructKey<GK, Key = Ch::Key>,
{
    // As many slots as children (the keys looked up), so the map never grows.
    let children = tree.iter().map(|(_, c)| c.len()).sum();
    let mut by_key: HashMap<_, Vec<G>> = HashMap::with_capacity(children);
    for g in grandchildren {
        if let Some(k) = g.struct_key() {
            by_key.entry(k).or_default().push(g);
        }
    }
    Ok(tree
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

/// The not-NULL SQL type of column `M`.
type NotNullOf<M> = <<M as ColumnDef>::SqlType as SqlType>::NotNull;

/// What a [`Through`] step's rows and state become.
type FinishThrough<K, T, St, Out> = fn(St, Vec<(K, T)>) -> Result<Out, Error>;

/// The rows of `T` related through an association table whose foreign key `FA` references
/// the rows the loader was called on and `FB` references `T`: `SELECT <FA>, <T's columns>
/// FROM <link> JOIN <T's table> ON <FB> = <T's key> WHERE <FA> = ANY($1)`, each row read as
/// (key, `T`), then `finish(state, rows)`.
#[doc(hidden)]
pub struct Through<FA: KeyColumns<K>, FB, T: Selectable, K, St, Out> {
    select: AsSelect<T, T::Columns>,
    /// The keys as bound (`None`: no keys, nothing to run).
    keys: Option<FA::Arrays>,
    state: St,
    finish: FinishThrough<K, T, St, Out>,
    columns: PhantomData<fn() -> (FA, FB)>,
}

impl<FA: KeyColumns<K>, FB, T: RowStruct, K, St, Out> Through<FA, FB, T, K, St, Out> {
    pub(crate) fn new(keys: Vec<K>, state: St, finish: FinishThrough<K, T, St, Out>) -> Self {
        Through {
            select: T::as_select(),
            keys: arrays::<FA, K>(keys),
            state,
            finish,
            columns: PhantomData,
        }
    }
}

impl<FA, FB, T, K, St, Out> Step for Through<FA, FB, T, K, St, Out>
where
    FA: ForeignKey,
    FB: ForeignKey<Table = <FA as ColumnDef>::Table>,
    T: RowStruct,
    T::Columns: Render,
    FA: KeyColumns<K>,
    K: FromSqlValue<NotNullOf<FA>>,
{
    type Row = (K, T);
    type Output = Out;
    fn write<'q>(&'q self, out: &mut SqlWriter<'q>) -> bool {
        let Some(keys) = &self.keys else {
            return false;
        };
        let link = <<FA as ColumnDef>::Table as Table>::SQL_NAME;
        let target = <T::Table as Table>::SQL_NAME;
        out.sql("SELECT ");
        out.column(link, <FA as ColumnDef>::NAME);
        out.sql(", ");
        self.select.render_select(out);
        out.sql(" FROM ");
        out.ident(link);
        out.sql(" INNER JOIN ");
        out.ident(target);
        out.sql(" ON ");
        out.column(link, <FB as ColumnDef>::NAME);
        out.sql(" = ");
        out.column(target, <FB::Referenced as ColumnDef>::NAME);
        out.sql(" WHERE ");
        FA::render_in(link, keys, out);
        true
    }
    fn decode(row: &mut RowReader<'_>) -> Result<(K, T), Error> {
        let key = row.read::<K, NotNullOf<FA>>()?;
        Ok((key, T::from_row(row)?))
    }
    fn finish(self, rows: Vec<(K, T)>) -> Result<Out, Error> {
        (self.finish)(self.state, rows)
    }
}

/// The key of a parent in the referenced column `M`, without NULL.
pub(crate) type FieldKey<P, M> = <<P as Field<M>>::Value as KeyValue>::Key;

/// The keys of `rows` in column `M`, without NULLs and duplicates.
pub(crate) fn field_keys<P: Field<M, Value: KeyValue>, M>(rows: &[P]) -> Vec<FieldKey<P, M>> {
    let mut keys: Vec<_> = rows
        .iter()
        .filter_map(|p| p.field().key().cloned())
        .collect();
    super::dedup(&mut keys);
    keys
}

/// Each parent with its rows through the association table (keyed by column `M` on the
/// parents).
#[allow(clippy::type_complexity)]
pub(crate) fn pair_through<P: Field<M, Value: KeyValue>, M, T>(
    parents: Vec<P>,
    rows: Vec<(FieldKey<P, M>, T)>,
) -> Result<Vec<(P, Vec<T>)>, Error> {
    let mut slots: HashMap<FieldKey<P, M>, usize> = HashMap::new();
    for (i, p) in parents.iter().enumerate() {
        if let Some(k) = p.field().key() {
            slots.insert(k.clone(), i);
        }
    }
    let mut out: Vec<Vec<T>> = (0..parents.len()).map(|_| Vec::new()).collect();
    for (key, item) in rows {
        if let Some(&i) = slots.get(&key) {
            out[i].push(item);
        }
    }
    Ok(parents.into_iter().zip(out).collect())
}

/// The rows of one parent through the association table.
pub(crate) fn only_items<K, T>(_: (), rows: Vec<(K, T)>) -> Result<Vec<T>, Error> {
    Ok(rows.into_iter().map(|(_, t)| t).collect())
}
