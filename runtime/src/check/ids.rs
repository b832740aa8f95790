//! Type-level identities: bit strings that name a table, an alias or a column, and
//! type-level booleans computed from them.
//!
//! Membership proofs by inferred index (`HasSource<T, I>`) answer "where is `T`?" but cannot
//! answer "is `T` absent?" nor "is this column one of those?" without ambiguity. For those
//! questions every source carries an `Id` (a 32-bit hash of its name, spelled as a chain of
//! hexadecimal digits [`X0`] .. [`XF`] ending in [`BEnd`], lowest digit outermost) and every
//! column a [`ColumnId`] (its source's id and its position, two digits), and equality is
//! computed as an associated type: no inference, no ambiguity, and the walk stops at the
//! first differing digit. Digits rather than bits: two equal ids (a column of the table an
//! INSERT writes, a grouped column) are walked to their end, 8 steps rather than 32 (see
//! docs/design.md, "Compile time: ids in hexadecimal").

use std::marker::PhantomData;

macro_rules! digits {
    ($($d:ident)*) => {$(
        /// A hexadecimal digit of an id, followed by the rest of the id.
        pub struct $d<Rest>(PhantomData<Rest>);
        impl<A> IdEq<NoKey> for $d<A> {
            type Out = False;
        }
    )*};
}
digits!(X0 X1 X2 X3 X4 X5 X6 X7 X8 X9 XA XB XC XD XE XF);
/// The end of an id.
pub struct BEnd;

/// Type-level true.
pub struct True;
/// Type-level false.
pub struct False;

/// Type-level boolean operations.
pub trait Bool {
    /// `Self || B`.
    type Or<B: Bool>: Bool;
    /// `Self && B`.
    type And<B: Bool>: Bool;
    /// `!Self`.
    type Not: Bool;
}
impl Bool for True {
    type Or<B: Bool> = True;
    type And<B: Bool> = B;
    type Not = False;
}
impl Bool for False {
    type Or<B: Bool> = B;
    type And<B: Bool> = False;
    type Not = True;
}

/// Computes whether two ids are equal.
pub trait IdEq<Other> {
    /// [`True`] or [`False`].
    type Out: Bool;
}
impl IdEq<BEnd> for BEnd {
    type Out = True;
}
/// Digit `d` against every digit: the same one walks on, any other is `False`.
macro_rules! digit_eq {
    ($($d:ident; $($other:ident)*),*) => {$(
        impl<A: IdEq<B>, B> IdEq<$d<B>> for $d<A> {
            type Out = A::Out;
        }
        $(
            impl<A, B> IdEq<$other<B>> for $d<A> {
                type Out = False;
            }
        )*
    )*};
}
digit_eq! {
    X0; X1 X2 X3 X4 X5 X6 X7 X8 X9 XA XB XC XD XE XF,
    X1; X0 X2 X3 X4 X5 X6 X7 X8 X9 XA XB XC XD XE XF,
    X2; X0 X1 X3 X4 X5 X6 X7 X8 X9 XA XB XC XD XE XF,
    X3; X0 X1 X2 X4 X5 X6 X7 X8 X9 XA XB XC XD XE XF,
    X4; X0 X1 X2 X3 X5 X6 X7 X8 X9 XA XB XC XD XE XF,
    X5; X0 X1 X2 X3 X4 X6 X7 X8 X9 XA XB XC XD XE XF,
    X6; X0 X1 X2 X3 X4 X5 X7 X8 X9 XA XB XC XD XE XF,
    X7; X0 X1 X2 X3 X4 X5 X6 X8 X9 XA XB XC XD XE XF,
    X8; X0 X1 X2 X3 X4 X5 X6 X7 X9 XA XB XC XD XE XF,
    X9; X0 X1 X2 X3 X4 X5 X6 X7 X8 XA XB XC XD XE XF,
    XA; X0 X1 X2 X3 X4 X5 X6 X7 X8 X9 XB XC XD XE XF,
    XB; X0 X1 X2 X3 X4 X5 X6 X7 X8 X9 XA XC XD XE XF,
    XC; X0 X1 X2 X3 X4 X5 X6 X7 X8 X9 XA XB XD XE XF,
    XD; X0 X1 X2 X3 X4 X5 X6 X7 X8 X9 XA XB XC XE XF,
    XE; X0 X1 X2 X3 X4 X5 X6 X7 X8 X9 XA XB XC XD XF,
    XF; X0 X1 X2 X3 X4 X5 X6 X7 X8 X9 XA XB XC XD XE
}

/// The key position of a table without a primary key (a derived table): equal to nothing.
pub struct NoKey;
impl<X> IdEq<X> for NoKey {
    type Out = False;
}
impl IdEq<NoKey> for BEnd {
    type Out = False;
}

/// A tuple of ids (a grouping set) equals `Id` when it holds it: so a list of grouping
/// sets "holds" every column of every set.
impl<Id> IdEq<Id> for () {
    type Out = False;
}
macro_rules! tuple_id_eq {
    ($(($($t:ident)+))*) => {$(
        impl<Id, $($t),+> IdEq<Id> for ($($t,)+)
        where
            ($($t,)+): ListHas<Id>,
        {
            type Out = <($($t,)+) as ListHas<Id>>::Out;
        }
    )*};
}
tuple_id_eq! {
    (A) (A B) (A B C) (A B C D) (A B C D E) (A B C D E F) (A B C D E F G) (A B C D E F G H)
    (A B C D E F G H I) (A B C D E F G H I J) (A B C D E F G H I J K) (A B C D E F G H I J K L)
}

/// The identity of a column: the id of the source it is read from and its position.
pub struct ColumnId<Source, Position>(PhantomData<(Source, Position)>);

impl<S1: IdEq<S2>, P1: IdEq<P2>, S2, P2> IdEq<ColumnId<S2, P2>> for ColumnId<S1, P1> {
    type Out = <S1::Out as Bool>::And<P1::Out>;
}

/// `True` when the list (a tuple) holds an id equal to `Id`.
pub trait ListHas<Id> {
    /// [`True`] or [`False`].
    type Out: Bool;
}

impl<Id> ListHas<Id> for () {
    type Out = False;
}

macro_rules! list_has {
    ($(($first:ident $($rest:ident)*))*) => {$(
        impl<Id, $first: IdEq<Id>, $($rest),*> ListHas<Id> for ($first, $($rest,)*)
        where
            ($($rest,)*): ListHas<Id>,
        {
            type Out = <$first::Out as Bool>::Or<<($($rest,)*) as ListHas<Id>>::Out>;
        }
    )*};
}

list_has! {
    (A) (A B) (A B C) (A B C D) (A B C D E) (A B C D E F) (A B C D E F G) (A B C D E F G H)
    (A B C D E F G H I) (A B C D E F G H I J) (A B C D E F G H I J K) (A B C D E F G H I J K L)
    (A B C D E F G H I J K L M) (A B C D E F G H I J K L M N) (A B C D E F G H I J K L M N O)
    (A B C D E F G H I J K L M N O P)
}

/// `True` when every id of the tuple `Self` is in the list `L`.
pub trait AllIn<L> {
    /// [`True`] or [`False`].
    type Out: Bool;
}

impl<L> AllIn<L> for () {
    type Out = True;
}

macro_rules! all_in {
    ($(($first:ident $($rest:ident)*))*) => {$(
        impl<Lst: ListHas<$first>, $first, $($rest),*> AllIn<Lst> for ($first, $($rest,)*)
        where
            ($($rest,)*): AllIn<Lst>,
        {
            type Out = <Lst::Out as Bool>::And<<($($rest,)*) as AllIn<Lst>>::Out>;
        }
    )*};
}

all_in! {
    (A) (A B) (A B C) (A B C D) (A B C D E) (A B C D E F) (A B C D E F G) (A B C D E F G H)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compiles only when `T` is `True`; returns its name to use the parameter.
    fn is_true<T: Bool<Not = False>>() -> bool {
        std::any::type_name::<T>().ends_with("True")
    }
    fn is_false<T: Bool<Not = True>>() -> bool {
        std::any::type_name::<T>().ends_with("False")
    }

    type X = X0<XA<BEnd>>;
    type Y = X0<X5<BEnd>>;

    #[test]
    fn equality_and_lists() {
        assert!(is_true::<<X as IdEq<X>>::Out>());
        assert!(is_false::<<X as IdEq<Y>>::Out>());
        assert!(is_true::<<(Y, X) as ListHas<X>>::Out>());
        assert!(is_false::<<(Y, Y) as ListHas<X>>::Out>());
        assert!(is_true::<<(X, Y) as AllIn<(Y, X, Y)>>::Out>());
        assert!(is_false::<<(X, Y) as AllIn<(Y,)>>::Out>());
        assert!(is_true::<<ColumnId<X, Y> as IdEq<ColumnId<X, Y>>>::Out>());
        assert!(is_false::<<ColumnId<X, Y> as IdEq<ColumnId<X, X>>>::Out>());
    }
}
