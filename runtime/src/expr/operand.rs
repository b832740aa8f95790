//! Operands as compile errors name them, and the checks that name them.
//!
//! An operator's mistake is reported with what the user wrote: the column `users::id`, a
//! Rust `&str`, the operator or clause (`filter`, `like`). A column is the value
//! `Col<users::id>`, but errors call it by its marker `users::id` ([`Shown`]): every check
//! here is a bound whose self type is the marker (or, for a Rust value, the value's type), so
//! the first line of the error is about it, and no note says `Col<..>`.
//!
//! Right operands go through one trait per context ([`Compared`], [`ArithRhs`], [`Branch`]):
//! a Rust value takes the other side's SQL type (so `id.eq(1)` binds an `i32` for an `Int4`
//! column and `big.eq(1)` an `i64`), checked by the trait itself, whose message names the
//! other side; a column or another expression is taken as it is, and its type is checked by
//! a second bound on its [`Shown`] name ([`ComparesAs`], [`IsNumeric`], [`SameBranchType`]).

use super::{Bound, Expression, SqlValue};
use crate::types::*;

/// What a compile error calls an expression: a column by its marker (`users::name`), a bound
/// value by its Rust type, anything else by its own type.
pub trait Shown {
    /// The name.
    type As;
    /// `L` itself. A check on the left operand of `&` or `+` written as a bound on
    /// `<R as Shown>::Wait<L>` waits for the right operand's type, which Rust's operator
    /// lookup leaves open at first: the operator impl is chosen, and the check is reported
    /// with its own message instead of "cannot add `R` to `L`".
    type Wait<L>;
}

/// The name of expression `E` in compile errors.
pub type ShownAs<E> = <E as Shown>::As;

/// The Rust types that become bound parameters (`i32`, `&str`, `Option<_>`, ...): they take
/// the SQL type of what they are compared with, added to or assigned to.
pub trait RustValue {}

/// The operators and clauses the checks name (`filter needs a boolean expression`): types
/// only, spelled as the methods are.
#[allow(non_camel_case_types)]
pub mod ctx {
    /// `filter` (a WHERE condition).
    pub enum filter {}
    /// An ON condition (`inner_join_on`, ...).
    pub enum on {}
    /// `&` / `.and(..)`.
    pub enum and {}
    /// `|` / `.or(..)`.
    pub enum or {}
    /// `case_when` / `.when(..)`.
    pub enum case_when {}
    /// `.like(..)`.
    pub enum like {}
    /// `.not_like(..)`.
    pub enum not_like {}
    /// `.ilike(..)`.
    pub enum ilike {}
    /// `.not_ilike(..)`.
    pub enum not_ilike {}
    /// `.concat(..)` (`||`).
    pub enum concat {}
    /// `.get(..)` (`->`).
    pub enum get {}
    /// `.get_text(..)` (`->>`).
    pub enum get_text {}
    /// `.get_path(..)` (`#>`).
    pub enum get_path {}
    /// `.get_path_text(..)` (`#>>`).
    pub enum get_path_text {}
    /// `.contains(..)` (`@>`).
    pub enum contains {}
    /// `.contained_by(..)` (`<@`).
    pub enum contained_by {}
    /// `.has_key(..)` (`?`).
    pub enum has_key {}
    /// `.has_any_key(..)` (`?|`).
    pub enum has_any_key {}
    /// `.has_all_keys(..)` (`?&`).
    pub enum has_all_keys {}
    /// `.overlaps(..)` (`&&`).
    pub enum overlaps {}
    /// `.any_eq(..)` (`= ANY(array)`).
    pub enum any_eq {}
}

// ---- checks on a named operand ---------------------------------------------------------------

/// `Self` (an operand's name) has a boolean SQL type `ST`, as `C` needs.
#[diagnostic::on_unimplemented(
    message = "`{C}` needs a boolean expression, but `{Self}` has SQL type `{ST}`",
    label = "not a boolean",
    note = "compare it first, e.g. `.eq(..)`, `.gt(..)`, `.is_null()`"
)]
pub trait IsBool<ST, C> {}
#[diagnostic::do_not_recommend]
impl<S, ST: BoolLike, C> IsBool<ST, C> for S {}

/// `Self` (an operand's name) has a text SQL type `ST`, as `C` needs.
#[diagnostic::on_unimplemented(
    message = "`{C}` needs text, but `{Self}` has SQL type `{ST}`",
    label = "not text: `cast::<Text, _>(..)` makes text of it"
)]
pub trait IsText<ST, C> {}
#[diagnostic::do_not_recommend]
impl<S, ST: TextLike, C> IsText<ST, C> for S {}

/// `Self` (an operand's name) has a numeric SQL type `ST`, as `+ - * /` need.
#[diagnostic::on_unimplemented(
    message = "`+ - * /` need numbers, but `{Self}` has SQL type `{ST}`",
    label = "not a number",
    note = "cast it to a number first, e.g. `cast::<Numeric, _>(..)`; text is joined with `a.concat(b)` or `concat(a, b)`"
)]
pub trait IsNumeric<ST> {}
#[diagnostic::do_not_recommend]
impl<S, ST: Arithmetic> IsNumeric<ST> for S {}

/// `Self` (an expression's name), of SQL type `X`, can be compared with `L`, of type `ST`: the
/// same type, or two numeric types ([`RanksCompare`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be compared with `{L}`: it has SQL type `{X}`, not `{ST}`",
    label = "of another SQL type: cast one side to the other's, `cast::<Type, _>(..)`"
)]
pub trait ComparesAs<ST, L, X> {}
#[diagnostic::do_not_recommend]
impl<S, ST: SqlType, L, X: SqlType> ComparesAs<ST, L, X> for S where
    X::Rank: RanksCompare<ST::Rank, X, ST>
{
}

/// Whether an expression of SQL type `X` (of rank `Self`) compares with one of type `ST` (of
/// rank `R`): two numeric types always do (PostgreSQL has cross-type integer operators and
/// casts the narrower side implicitly: `int4 = int8`, `int4 < numeric`); other types only
/// with their own type.
pub trait RanksCompare<R, X, ST> {}
impl<X: Compatible<ST>, ST> RanksCompare<NotNumeric, X, ST> for NotNumeric {}
macro_rules! numeric_ranks_compare {
    ($($a:ident)*) => { numeric_ranks_compare!(@each [$($a)*] $($a)*); };
    (@each $all:tt $($a:ident)*) => { $(numeric_ranks_compare!(@row $a $all);)* };
    (@row $a:ident [$($b:ident)*]) => { $(impl<X, ST> RanksCompare<$b, X, ST> for $a {})* };
}
numeric_ranks_compare!(RankInt2 RankInt4 RankInt8 RankNumeric RankFloat4 RankFloat8
    RankUInt1 RankUInt2 RankUInt4 RankUInt8);

/// `Self` (an expression's name), of SQL type `X`, can be a branch of a CASE whose first
/// branch has SQL type `ST`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has SQL type `{X}`, but this CASE's first branch has `{ST}`",
    label = "every THEN and the ELSE have the first THEN's type: cast it, `cast::<Type, _>(..)`"
)]
pub trait SameBranchType<ST, X> {}
#[diagnostic::do_not_recommend]
impl<S, ST, X: Compatible<ST>> SameBranchType<ST, X> for S {}

// ---- right operands ----------------------------------------------------------------------------

/// A Rust value or an expression compared with `L` (the other side's name), of SQL type
/// `ST`: `=`, `<`, `BETWEEN`, ...
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be compared with `{L}`, of SQL type `{ST}`",
    label = "expected a value of SQL type `{ST}`",
    note = "a Rust value takes the SQL type of what it is compared with: `i32` for `Int4`, `i64` for `Int8`, `&str` or `String` for `Text`, `rust_decimal::Decimal` for `Numeric`, ..."
)]
pub trait Compared<ST, L> {
    /// The expression it becomes (built by [`FromRhs`]).
    type Expr: Expression;
    /// Its name in errors.
    type Shown;
    /// Its SQL type.
    type SqlType: SqlType;
}

/// Builds expression `Self` from right operand `R`: a Rust value bound as `Bound<ST, R>`, an
/// expression as itself. The checks ([`Compared`], [`ArithRhs`], `AssignTo`) name the other
/// side and say which expression an operand becomes; the building does not depend on the other
/// side, so it is compiled once per value type and SQL type, not once per column it meets.
pub trait FromRhs<R> {
    /// Builds it.
    fn from_rhs(rhs: R) -> Self;
}
impl<ST, T> FromRhs<T> for Bound<ST, T> {
    fn from_rhs(rhs: T) -> Self {
        Bound::unchecked(rhs)
    }
}
impl<E> FromRhs<E> for E {
    fn from_rhs(rhs: E) -> E {
        rhs
    }
}
/// `&String` is bound as `&str` (as `AsExpr` makes it).
impl<'a> FromRhs<&'a String> for Bound<Text, &'a str> {
    fn from_rhs(rhs: &'a String) -> Self {
        Bound::unchecked(rhs.as_str())
    }
}

/// A Rust value or an expression on the right of `+ - * /`, beside `L` (the left operand's
/// name); a Rust value takes SQL type `ST`, the left operand's.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used in arithmetic with `{L}`: a Rust value takes its SQL type, `{ST}`",
    label = "expected a Rust value of SQL type `{ST}`",
    note = "for a value of another numeric type, bind it with its own: `value(2.5)`, `value(Decimal::ONE)`"
)]
pub trait ArithRhs<ST, L> {
    /// The expression it becomes (built by [`FromRhs`]).
    type Expr: Expression;
    /// Its name in errors.
    type Shown;
    /// Its SQL type.
    type SqlType: SqlType;
    /// `L`, reached through `Self` (see [`Shown::Wait`]).
    type Left;
}

/// A Rust value or an expression as a later branch of a CASE whose first branch has SQL type
/// `ST`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not have the SQL type of this CASE's first branch, `{ST}`",
    label = "expected a value of SQL type `{ST}`",
    note = "every THEN and the ELSE have the first THEN's type"
)]
pub trait Branch<ST> {
    /// The expression it becomes.
    type Expr: Expression;
    /// Its name in errors.
    type Shown;
    /// Its SQL type.
    type SqlType: SqlType;
    /// Converts.
    fn into_branch(self) -> Self::Expr;
}

/// A Rust value in an `IN` list compared with `L`, of SQL type `ST`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be compared with `{L}`, of SQL type `{ST}`",
    label = "the listed values must have SQL type `{ST}`",
    note = "a Rust value takes the SQL type of what it is compared with: `i32` for `Int4`, `i64` for `Int8`, `&str` or `String` for `Text`, ..."
)]
pub trait ListValue<ST, L>: SqlValue<ST> {}
#[diagnostic::do_not_recommend]
impl<T: RustValue + SqlValue<ST>, ST, L> ListValue<ST, L> for T {}

#[diagnostic::do_not_recommend]
impl<T: RustValue + SqlValue<ST>, ST: SqlType, L> Compared<ST, L> for T {
    type Expr = Bound<ST, T>;
    type Shown = T;
    type SqlType = ST;
}

#[diagnostic::do_not_recommend]
impl<T: RustValue + SqlValue<ST>, ST: SqlType, L> ArithRhs<ST, L> for T {
    type Expr = Bound<ST, T>;
    type Shown = T;
    type SqlType = ST;
    type Left = L;
}

#[diagnostic::do_not_recommend]
impl<T: RustValue + SqlValue<ST>, ST: SqlType> Branch<ST> for T {
    type Expr = Bound<ST, T>;
    type Shown = T;
    type SqlType = ST;
    fn into_branch(self) -> Self::Expr {
        Bound::new(self)
    }
}

/// The right-operand impls of an expression type: itself, named by its [`Shown`] name, of
/// its own SQL type (checked beside, by [`ComparesAs`] and its kin). Every expression type
/// that implements [`AsExpr`](crate::expr::AsExpr) uses this, so that anything usable as a value in one place is
/// usable as an operand.
macro_rules! operand_for {
    ($([$($gen:tt)*] $ty:ty;)*) => {$(
        #[diagnostic::do_not_recommend]
        impl<$($gen)* __ST: $crate::types::SqlType, __L> $crate::expr::Compared<__ST, __L> for $ty
        where
            $ty: $crate::expr::Expression + $crate::expr::Shown,
        {
            type Expr = Self;
            type Shown = <$ty as $crate::expr::Shown>::As;
            type SqlType = <$ty as $crate::expr::Expression>::SqlType;
        }
        #[diagnostic::do_not_recommend]
        impl<$($gen)* __ST: $crate::types::SqlType, __L> $crate::expr::ArithRhs<__ST, __L> for $ty
        where
            $ty: $crate::expr::Expression + $crate::expr::Shown,
        {
            type Expr = Self;
            type Shown = <$ty as $crate::expr::Shown>::As;
            type SqlType = <$ty as $crate::expr::Expression>::SqlType;
            type Left = __L;
        }
        #[diagnostic::do_not_recommend]
        impl<$($gen)* __ST: $crate::types::SqlType> $crate::expr::Branch<__ST> for $ty
        where
            $ty: $crate::expr::Expression + $crate::expr::Shown,
        {
            type Expr = Self;
            type Shown = <$ty as $crate::expr::Shown>::As;
            type SqlType = <$ty as $crate::expr::Expression>::SqlType;
            fn into_branch(self) -> Self {
                self
            }
        }
    )*};
}
pub(crate) use operand_for;

/// [`AsExpr`](crate::expr::AsExpr) for an expression node (itself, when its type is `ST` or `Nullable<ST>`), and
/// its right-operand impls.
macro_rules! as_expr_for {
    ($([$($gen:tt)*] $ty:ty;)*) => {$(
        #[diagnostic::do_not_recommend]
        impl<$($gen)* __ST: $crate::types::SqlType> $crate::expr::AsExpr<__ST> for $ty
        where
            $ty: $crate::expr::Expression<SqlType: $crate::types::Compatible<__ST>>,
        {
            type Expr = Self;
            fn into_expr(self) -> Self {
                self
            }
        }
        $crate::expr::operand::operand_for! { [$($gen)*] $ty; }
    )*};
}
pub(crate) use as_expr_for;
