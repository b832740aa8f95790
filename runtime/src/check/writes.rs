//! Rules of the write statements that PostgreSQL would otherwise enforce at run time: a
//! column is given one value per INSERT row or SET list, and an ON CONFLICT target is the
//! primary key or a unique constraint of the table.
//!
//! Both are questions about sets of columns of one table, answered with the columns'
//! positions (type-level ids, [`super::ids`]): "is this position among those" is computed,
//! never inferred, so the answer can be *no* and the error names the column.

use super::ids::{AllIn, Bool, False, IdEq, ListHas, True};
use crate::query::Source;

/// The clauses a list of assignments (or of columns) is written in. Each decides what its
/// values may read and how its mistakes are worded.
///
/// `INSERT INTO t (..) VALUES (..)` and `INSERT INTO t (..) SELECT ..`: values read no table.
pub struct InsertColumns;
/// `UPDATE t SET ..`: values may read the row.
pub struct UpdateSet;
/// `INSERT .. ON CONFLICT (..) DO UPDATE SET ..`: values may read the row and `excluded(..)`.
pub struct DoUpdateSet;

/// An item of a column list: a column, or an assignment to one.
pub trait ColumnItem {
    /// The column's marker type (`users::name`), for messages.
    type Column;
    /// The column's position in its table, as a type-level id.
    type Position;
}

/// No column of the tuple `Self` appears twice, in clause `K`.
pub trait DistinctColumns<K> {}

impl<K> DistinctColumns<K> for () {}

macro_rules! distinct_columns {
    ($(($first:ident $($rest:ident)*))*) => {$(
        impl<Kd, $first: ColumnItem, $($rest: ColumnItem),*> DistinctColumns<Kd>
            for ($first, $($rest,)*)
        where
            ($($rest::Position,)*): ListHas<$first::Position>,
            Kd: ColumnOnce<$first::Column, <($($rest::Position,)*) as ListHas<$first::Position>>::Out>,
            ($($rest,)*): DistinctColumns<Kd>,
        {
        }
    )*};
}

distinct_columns! {
    (A) (A B) (A B C) (A B C D) (A B C D E) (A B C D E F) (A B C D E F G) (A B C D E F G H)
    (A B C D E F G H I) (A B C D E F G H I J) (A B C D E F G H I J K) (A B C D E F G H I J K L)
    (A B C D E F G H I J K L M) (A B C D E F G H I J K L M N) (A B C D E F G H I J K L M N O)
    (A B C D E F G H I J K L M N O P)
}

/// Column `C` appears again later in the list when `Twice` is [`True`]: an error, worded
/// for the clause `Self`.
pub trait ColumnOnce<C, Twice> {}
impl<C, Twice: InsertedOnce<C>> ColumnOnce<C, Twice> for InsertColumns {}
impl<C, Twice: UpdatedOnce<C>> ColumnOnce<C, Twice> for UpdateSet {}
impl<C, Twice: UpsertedOnce<C>> ColumnOnce<C, Twice> for DoUpdateSet {}

/// The answer "column `C` is named again in this INSERT" must be no.
#[diagnostic::on_unimplemented(
    message = "column `{C}` is given two values in this INSERT",
    label = "`{C}` is named twice",
    note = "an INSERT names each column once"
)]
pub trait InsertedOnce<C> {}
#[diagnostic::do_not_recommend]
impl<C> InsertedOnce<C> for False {}

/// The answer "column `C` is assigned again in this UPDATE" must be no.
#[diagnostic::on_unimplemented(
    message = "column `{C}` is assigned twice in this UPDATE",
    label = "`{C}` is assigned twice",
    note = "a SET list assigns each column once"
)]
pub trait UpdatedOnce<C> {}
#[diagnostic::do_not_recommend]
impl<C> UpdatedOnce<C> for False {}

/// The answer "column `C` is assigned again in this DO UPDATE" must be no.
#[diagnostic::on_unimplemented(
    message = "column `{C}` is assigned twice in this ON CONFLICT DO UPDATE",
    label = "`{C}` is assigned twice",
    note = "a SET list assigns each column once"
)]
pub trait UpsertedOnce<C> {}
#[diagnostic::do_not_recommend]
impl<C> UpsertedOnce<C> for False {}

/// The answer "column `C` of table `Of` is a column of `T`, the table an INSERT writes"
/// must be yes.
#[diagnostic::on_unimplemented(
    message = "column `{C}` is inserted into `{T}`, which does not have it",
    label = "`{C}` is a column of `{Of}`",
    note = "an INSERT into `{T}` gives values to columns of `{T}` only"
)]
pub trait InsertsInto<T, C, Of> {}
#[diagnostic::do_not_recommend]
impl<T, C, Of> InsertsInto<T, C, Of> for True {}

/// The answer "column `C` of table `Of` is a column of `T`, the table an UPDATE writes"
/// must be yes.
#[diagnostic::on_unimplemented(
    message = "column `{C}` is assigned in an UPDATE of `{T}`, which does not have it",
    label = "`{C}` is a column of `{Of}`",
    note = "an UPDATE of `{T}` assigns columns of `{T}` only"
)]
pub trait UpdatesIn<T, C, Of> {}
#[diagnostic::do_not_recommend]
impl<T, C, Of> UpdatesIn<T, C, Of> for True {}

/// The answer "column `C` of table `Of` is a column of `T`, the table an upsert writes"
/// must be yes.
#[diagnostic::on_unimplemented(
    message = "column `{C}` is assigned in the ON CONFLICT DO UPDATE of an INSERT into `{T}`, which does not have it",
    label = "`{C}` is a column of `{Of}`",
    note = "DO UPDATE assigns columns of `{T}` only"
)]
pub trait UpsertsIn<T, C, Of> {}
#[diagnostic::do_not_recommend]
impl<T, C, Of> UpsertsIn<T, C, Of> for True {}

/// Whether table `Of` is table `T`, computed from their ids.
pub type SameTable<Of, T> = <<Of as Source>::Id as IdEq<<T as Source>::Id>>::Out;

/// [`SameTable`] as a trait, for generated code: a where clause `T: IsTable<users::table>`
/// needs no normalising of `users::table`'s id, which a where clause cannot rely on.
pub trait IsTable<Other> {
    /// [`True`] when `Self` is `Other`.
    type Out: Bool;
}
impl<T: Source, Other: Source> IsTable<Other> for T
where
    T::Id: IdEq<Other::Id>,
{
    type Out = SameTable<T, Other>;
}

/// The unique keys of a table: its primary key and each declared unique constraint or
/// unique index, as a list `(key, (key, (.., ())))` of tuples of column positions.
/// An ON CONFLICT target must be one of them, in any order.
pub trait IsUniqueKey<Target> {
    /// [`True`] when `Target` (a tuple of positions) has exactly the columns of a key.
    type Out: Bool;
}
impl<Target> IsUniqueKey<Target> for () {
    type Out = False;
}
impl<Target, Key, Rest> IsUniqueKey<Target> for (Key, Rest)
where
    Target: AllIn<Key>,
    Key: AllIn<Target>,
    Rest: IsUniqueKey<Target>,
{
    type Out =
        <<<Target as AllIn<Key>>::Out as Bool>::And<<Key as AllIn<Target>>::Out> as Bool>::Or<
            <Rest as IsUniqueKey<Target>>::Out,
        >;
}

/// The answer "the columns `C` are a unique key of `T`" must be yes.
#[diagnostic::on_unimplemented(
    message = "ON CONFLICT target `{C}` is not the primary key or a unique constraint of `{T}`",
    label = "not the columns of a unique constraint of `{T}`",
    note = "PostgreSQL needs a unique index on exactly these columns: name the primary key's or a unique constraint's columns (in any order), or declare the constraint in `table!` (`#[unique]` on a column, `#[unique(a, b)]` or `#[index(a, b, unique)]` on the table)"
)]
pub trait ConflictKey<C, T> {}
#[diagnostic::do_not_recommend]
impl<C, T> ConflictKey<C, T> for True {}

/// The verdict on an ON CONFLICT target (its columns `N`) of an INSERT into `T`, from two
/// answers: whether every column is `T`'s, and whether the columns are a unique key of `T`.
/// A column of another table is reported as such, not also as "no key".
pub trait TargetVerdict<N, T> {}
impl<N, T, Key: ConflictKey<N, T>> TargetVerdict<N, T> for (True, Key) {}
impl<N, T, Key> TargetVerdict<N, T> for (False, Key) where False: ConflictColumnsOf<N, T> {}

/// The answer "every column of the ON CONFLICT target `N` is a column of `T`" must be yes.
#[diagnostic::on_unimplemented(
    message = "ON CONFLICT target `{N}` names a column that `{T}` does not have",
    label = "not a column of `{T}`",
    note = "the conflict target is a unique constraint of the table the INSERT writes"
)]
pub trait ConflictColumnsOf<N, T> {}
#[diagnostic::do_not_recommend]
impl<N, T> ConflictColumnsOf<N, T> for True {}

/// The answer "`T`, the table an UPDATE writes, is `Of`, the table of changeset `S` (a
/// struct deriving `Changeset`)" must be yes.
#[diagnostic::on_unimplemented(
    message = "`{S}` is a changeset of `{Of}`, but this UPDATE is of `{T}`",
    label = "a changeset of `{Of}`"
)]
pub trait ChangesetOf<T, Of, S> {}
#[diagnostic::do_not_recommend]
impl<T, Of, S> ChangesetOf<T, Of, S> for True {}

/// The answer "`T`, the table an INSERT writes, is `Of`, the table of `S` (a struct deriving
/// `Insertable`)" must be yes.
#[diagnostic::on_unimplemented(
    message = "`{S}` is an `Insertable` of `{Of}`, but this INSERT is into `{T}`",
    label = "a row of `{Of}`"
)]
pub trait InsertableInto<T, Of, S> {}
#[diagnostic::do_not_recommend]
impl<T, Of, S> InsertableInto<T, Of, S> for True {}

/// A field of Rust type `Self`, in a struct deriving `Insertable` or `Changeset`, holds the
/// values of column `C`, of SQL type `ST`.
#[diagnostic::on_unimplemented(
    message = "a field of type `{Self}` cannot hold the values of `{C}`",
    label = "`{C}` has SQL type `{ST}`",
    note = "a field's Rust type is one its column's SQL type takes: `i32` for `Int4`, `String` or `&str` for `Text`, an `Option` for a nullable column"
)]
pub trait FieldFits<C, ST> {}
#[diagnostic::do_not_recommend]
impl<T: crate::expr::SqlValue<ST>, C, ST> FieldFits<C, ST> for T {}

#[cfg(test)]
mod tests {
    use super::super::ids::{BEnd, X0, X1, X2};
    use super::*;

    fn is_true<T: Bool<Not = False>>() {}
    fn is_false<T: Bool<Not = True>>() {}

    type P0 = X0<X0<BEnd>>;
    type P1 = X1<X0<BEnd>>;
    type P2 = X2<X0<BEnd>>;
    /// A primary key `(P0)` and a unique constraint `(P1, P2)`.
    type Keys = ((P0,), ((P1, P2), ()));

    #[test]
    fn a_conflict_target_is_a_key_in_any_order_and_nothing_more() {
        is_true::<<Keys as IsUniqueKey<(P0,)>>::Out>();
        is_true::<<Keys as IsUniqueKey<(P2, P1)>>::Out>();
        is_false::<<Keys as IsUniqueKey<(P1,)>>::Out>();
        is_false::<<Keys as IsUniqueKey<(P0, P1)>>::Out>();
        is_false::<<Keys as IsUniqueKey<(P0, P1, P2)>>::Out>();
    }
}
