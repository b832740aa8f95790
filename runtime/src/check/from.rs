//! Operations on FROM lists: appending a joined source, making every entry nullable (right
//! and full joins), and proving a source is not already in the list.

use super::ids::{Bool, False, IdEq};
use super::{Cons, Nil, Outer, Src};
use crate::query::Source;
use crate::types::{Null, Nullability};

/// The list with `X` appended at the end (so the indices of earlier entries stay valid).
pub trait Append<X> {
    /// The new list.
    type Out;
}
impl<X> Append<X> for Nil {
    type Out = Cons<X, Nil>;
}
impl<H, T: Append<X>, X> Append<X> for Cons<H, T> {
    type Out = Cons<H, T::Out>;
}

/// The list with every entry on the optional side (after a right or full join).
pub trait AllNullable {
    /// The new list.
    type Out;
}
impl AllNullable for Nil {
    type Out = Nil;
}
impl<S, N: Nullability, T: AllNullable> AllNullable for Cons<Src<S, N>, T> {
    type Out = Cons<Src<S, Null>, T::Out>;
}

impl<S, T: AllNullable> AllNullable for Cons<Outer<S>, T> {
    type Out = Cons<Outer<S>, T::Out>;
}

/// Whether the list holds a source with id `Id`.
pub trait HasId<Id> {
    /// [`super::ids::True`] or [`False`].
    type Out: Bool;
}
impl<Id> HasId<Id> for Nil {
    type Out = False;
}
impl<S: Source, N, T: HasId<Id>, Id> HasId<Id> for Cons<Src<S, N>, T>
where
    S::Id: IdEq<Id>,
{
    type Out = <<S::Id as IdEq<Id>>::Out as Bool>::Or<T::Out>;
}

impl<S, T: HasId<Id>, Id> HasId<Id> for Cons<Outer<S>, T> {
    type Out = T::Out;
}

/// Source `S` is not yet in this FROM list.
pub trait NotInFrom<S> {}

impl<F, S> NotInFrom<S> for F
where
    S: Source,
    F: HasId<S::Id>,
    <F as HasId<S::Id>>::Out: Absent<S>,
{
}

/// The answer "`S` is already in the FROM clause" must be no.
#[diagnostic::on_unimplemented(
    message = "`{S}` is already in the FROM clause of this query",
    label = "joined a second time",
    note = "to read a table twice, join an alias of it: `sqlwright::alias!(second = table_module);`"
)]
pub trait Absent<S> {}
#[diagnostic::do_not_recommend]
impl<S> Absent<S> for False {}
