//! SQL functions with PostgreSQL's result types: text, math, conditional (date/time and
//! `CAST` are in `datetime.rs`, the built-in signatures in `signatures.rs`, sequences and
//! `grouping(..)` in `special.rs`), aggregates beyond the basic five, and [`sql_function!`]
//! to declare one's own.
//!
//! A call is a [`Func`] node: the function's marker type `N` and a tuple of argument
//! expressions. The marker implements [`Signature`] for the argument types it accepts,
//! which gives the result type; the same signature is evaluated on the arguments' types as
//! seen through outer joins, so a function of a nullable argument returns a nullable value
//! exactly when PostgreSQL would (every function here is strict unless its docs say
//! otherwise). A call with arguments of the wrong types does not compile, at the call.

use super::{AggregatesAllowed, AsExpr, Expression};
use crate::check::identity::{ArgKeys, ExprKey, NameId, NodeOf};
use crate::check::{Agg, AppearsIn, InsideAggregate, Neutral, ValidGrouping};
use crate::render::{Render, SqlWriter};
use crate::types::*;
use std::marker::PhantomData;

mod concat;
pub use concat::{concat, ConcatFn};
mod constructors;
pub use constructors::*;

/// The SQL types of a tuple of argument expressions.
pub trait ArgTypes {
    /// The tuple of the arguments' declared SQL types.
    type SqlTypes;
}

macro_rules! arg_types {
    ($(($($t:ident)+))*) => {$(
        impl<$($t: Expression),+> ArgTypes for ($($t,)+) {
            type SqlTypes = ($($t::SqlType,)+);
        }
    )*};
}
arg_types! { (A) (A B) (A B C) (A B C D) (A B C D E) (A B C D E F) (A B C D E F G) (A B C D E F G H) }

/// A SQL function: its name and how a call of it is written.
pub trait SqlFunction: NameId {
    /// What the function needs of the backend: `()` where every backend has it.
    type Needs: crate::backend::Needs;
    /// The function's SQL name.
    const NAME: &'static str;
    /// Its name on SQLite, where that differs (`instr` for `strpos`).
    const SQLITE_NAME: &'static str = Self::NAME;
    /// Its name on MySQL/MariaDB, where that differs (`trim` for `btrim`, `char_length`
    /// for `length`, which counts bytes there).
    const MYSQL_NAME: &'static str = Self::NAME;
    /// The argument MySQL/MariaDB take only as a literal, and what a refusal names when it
    /// is not a Rust integer (`lag`'s offset; see [`SqlWriter::integer_literal`]).
    #[doc(hidden)]
    const MYSQL_LITERAL_ARG: Option<(usize, &'static str)> = None;
    /// The most arguments MySQL/MariaDB take (`lag` and `lead` no default: 2); more are
    /// refused before the statement is sent.
    #[doc(hidden)]
    const MYSQL_MAX_ARGS: usize = usize::MAX;
    /// The name as the backend of `out` spells it.
    fn name_for(out: &SqlWriter<'_>) -> &'static str {
        match out.dialect() {
            crate::backend::Dialect::Sqlite => Self::SQLITE_NAME,
            crate::backend::Dialect::Mysql => Self::MYSQL_NAME,
            _ => Self::NAME,
        }
    }
    /// Writes a call: `NAME(arg, ...)` unless the function has its own syntax.
    fn render_call<'a, A: Render>(args: &'a A, out: &mut SqlWriter<'a>) {
        out.sql(Self::name_for(out));
        out.sql("(");
        args.render(out);
        out.sql(")");
    }
}

/// The argument types a function accepts, and its result type for them.
#[diagnostic::on_unimplemented(
    message = "SQL function `{Self}` is not defined for arguments of SQL types `{Args}`",
    label = "wrong argument types for this function",
    note = "PostgreSQL resolves functions by their argument types; cast an argument with `cast::<Type, _>(..)` if needed"
)]
pub trait Signature<Args> {
    /// The result type.
    type Out: SqlType;
}

/// A call of function `N` with the argument tuple `A`.
pub struct Func<N, A> {
    args: A,
    _f: PhantomData<N>,
}

impl<N, A: Clone> Clone for Func<N, A> {
    fn clone(&self) -> Self {
        Func::new(self.args.clone())
    }
}
impl<N, A: Copy> Copy for Func<N, A> {}

impl<N, A> Func<N, A> {
    /// A call of `N` with `args` (a tuple). The signature is checked where the call is used.
    pub fn new(args: A) -> Self {
        Func {
            args,
            _f: PhantomData,
        }
    }
}

impl<N: Signature<A::SqlTypes>, A: ArgTypes> Expression for Func<N, A> {
    type SqlType = N::Out;
}

impl<N: Signature<A::Lifted>, A: AppearsIn<F, I>, F, I> AppearsIn<F, I> for Func<N, A> {
    type Lifted = N::Out;
}

crate::check::identity::keyed_grouping!([N, A,] Func<N, A> => A);

impl<N: NameId, A: ArgKeys> ExprKey for Func<N, A> {
    type Id = NodeOf<N, A>;
}

crate::check::identity::opaque_keys! {
    [N] Niladic<N>;
    [N, A] AggFunc<N, A>;
    [N, A, O] AggOrdered<N, A, O>;
}

impl<N: SqlFunction, A: Render> Render for Func<N, A> {
    type Needs = crate::backend::needs::Both<N::Needs, A::Needs>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        N::render_call(&self.args, out);
    }
    fn is_atomic(&self) -> bool {
        true
    }
}

/// A function without arguments, or an SQL keyword value (`CURRENT_DATE`), of type `Out`.
pub struct Niladic<N>(pub(super) PhantomData<N>);

impl<N> Clone for Niladic<N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<N> Copy for Niladic<N> {}

/// The SQL and type of a [`Niladic`] value.
pub trait NiladicFunction {
    /// What it needs of the backend.
    type Needs: crate::backend::Needs;
    /// Its SQL (`now()`, `CURRENT_DATE`).
    const SQL: &'static str;
    /// Its type.
    type Out: SqlType;
}

impl<N: NiladicFunction> Expression for Niladic<N> {
    type SqlType = N::Out;
}
impl<N: NiladicFunction, F> AppearsIn<F, ()> for Niladic<N> {
    type Lifted = N::Out;
}
impl<N, G> ValidGrouping<G, ()> for Niladic<N> {
    type Kind = Neutral;
}
impl<N: NiladicFunction> Render for Niladic<N> {
    type Needs = N::Needs;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql(N::SQL);
    }
    fn is_atomic(&self) -> bool {
        true
    }
}

/// An aggregate call of function `N` over the argument tuple `A`: `NAME([DISTINCT] args)`.
pub struct AggFunc<N, A> {
    args: A,
    distinct: bool,
    _f: PhantomData<N>,
}

impl<N, A> AggFunc<N, A> {
    /// An aggregate call of `N` with `args` (a tuple).
    pub fn new(args: A) -> Self {
        AggFunc {
            args,
            distinct: false,
            _f: PhantomData,
        }
    }
    /// `NAME(DISTINCT args)`.
    pub fn distinct(mut self) -> Self {
        self.distinct = true;
        self
    }
    /// `NAME(args ORDER BY order)`: the order in which the group's values are aggregated
    /// (`array_agg(x).order_by(y.desc())`, `string_agg(name, ", ").order_by(name)`); `order` is
    /// an expression, `e.desc()`, or a tuple of them.
    pub fn order_by<O>(self, order: O) -> AggOrdered<N, A, O> {
        AggOrdered { call: self, order }
    }
}

/// An aggregate call with an ORDER BY of its own: `NAME(args ORDER BY order)`.
pub struct AggOrdered<N, A, O> {
    call: AggFunc<N, A>,
    order: O,
}

impl<N: Signature<A::SqlTypes>, A: ArgTypes, O> Expression for AggOrdered<N, A, O> {
    type SqlType = N::Out;
}

impl<N: Signature<A::Lifted>, A: AppearsIn<F, IA>, O: AppearsIn<F, IO>, F, IA, IO>
    AppearsIn<F, (IA, IO)> for AggOrdered<N, A, O>
{
    type Lifted = N::Out;
}

impl<N, A, O, G: AggregatesAllowed, JA, JO> ValidGrouping<G, (JA, JO)> for AggOrdered<N, A, O>
where
    A: ValidGrouping<InsideAggregate, JA>,
    O: ValidGrouping<InsideAggregate, JO>,
{
    type Kind = Agg;
}

impl<N: SqlFunction, A: Render, O: Render> Render for AggOrdered<N, A, O> {
    type Needs = crate::backend::needs::All3<N::Needs, A::Needs, O::Needs>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.note_aggregate();
        out.sql(N::NAME);
        out.sql(if self.call.distinct {
            "(DISTINCT "
        } else {
            "("
        });
        self.call.args.render(out);
        out.sql(" ORDER BY ");
        self.order.render(out);
        out.sql(")");
    }
    fn is_atomic(&self) -> bool {
        true
    }
}

impl<N: Signature<A::SqlTypes>, A: ArgTypes> Expression for AggFunc<N, A> {
    type SqlType = N::Out;
}

impl<N: Signature<A::Lifted>, A: AppearsIn<F, I>, F, I> AppearsIn<F, I> for AggFunc<N, A> {
    type Lifted = N::Out;
}

impl<N, A: ValidGrouping<InsideAggregate, J>, G: AggregatesAllowed, J> ValidGrouping<G, J>
    for AggFunc<N, A>
{
    type Kind = Agg;
}

impl<N: SqlFunction, A: Render> Render for AggFunc<N, A> {
    type Needs = crate::backend::needs::Both<N::Needs, A::Needs>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.note_aggregate();
        out.sql(N::NAME);
        out.sql(if self.distinct { "(DISTINCT " } else { "(" });
        self.args.render(out);
        out.sql(")");
    }
    fn is_atomic(&self) -> bool {
        true
    }
}

impl<N, A: ValidGrouping<G, J>, G, J> crate::expr::window::WindowCall<G, J> for AggFunc<N, A> {
    type Kind = A::Kind;
}

crate::__impl_operators!([N: Signature<<A as ArgTypes>::SqlTypes>, A: ArgTypes,] Func<N, A>);
crate::__impl_operators!([N: Signature<<A as ArgTypes>::SqlTypes>, A: ArgTypes,] AggFunc<N, A>);
crate::__impl_operators!([N: Signature<<A as ArgTypes>::SqlTypes>, A: ArgTypes, O,] AggOrdered<N, A, O>);
crate::__impl_operators!([N: NiladicFunction,] Niladic<N>);

pub(crate) use super::operand::as_expr_for;

as_expr_for! {
    [N, A,] Func<N, A>;
    [N, A,] AggFunc<N, A>;
    [N, A, O,] AggOrdered<N, A, O>;
    [N,] Niladic<N>;
}

/// Declares a function marker: a unit struct with its SQL name.
macro_rules! functions {
    ($($(#[$m:meta])* $name:ident = $sql:literal $(sqlite $lite:literal)? $(mysql $my:literal)?
        $([$needs:ty])?;)*) => {$(
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;
        impl SqlFunction for $name {
            type Needs = functions!(@needs $($needs)?);
            const NAME: &'static str = $sql;
            $(const SQLITE_NAME: &'static str = $lite;)?
            $(const MYSQL_NAME: &'static str = $my;)?
        }
        impl NameId for $name {
            type Id = ::sqlwright::__private::name_id!(fn $name);
        }
    )*};
    (@needs) => { () };
    (@needs $needs:ty) => { $needs };
}

use crate::backend::needs::{features as lacks, PgOnly};

functions! {
    /// `lower(text)`
    Lower = "lower";
    /// `upper(text)`
    Upper = "upper";
    /// `length(text)`
    Length = "length" mysql "char_length";
    /// `char_length(text)`
    CharLength = "char_length" sqlite "length";
    /// `btrim(text)`, SQL's `trim(both from ..)`
    Trim = "btrim" sqlite "trim" mysql "trim";
    /// `ltrim(text)`
    Ltrim = "ltrim";
    /// `rtrim(text)`
    Rtrim = "rtrim";
    /// `substr(text, from [, count])`, SQL's `substring(.. from .. for ..)`
    Substring = "substr";
    /// `strpos(text, needle)`, SQL's `position(needle in text)`
    Position = "strpos" sqlite "instr" mysql "instr";
    /// `replace(text, from, to)`
    Replace = "replace";
    /// `floor(x)`
    Floor = "floor" [PgOnly<lacks::PgFunctions>];
    /// `ceil(x)`
    Ceil = "ceil" [PgOnly<lacks::PgFunctions>];
    /// `round(x [, digits])`
    Round = "round";
    /// `abs(x)`
    Abs = "abs";
    /// `mod(a, b)`
    Mod = "mod" [PgOnly<lacks::PgFunctions>];
    /// `power(a, b)`
    Power = "power" [PgOnly<lacks::PgFunctions>];
    /// `sqrt(x)`
    Sqrt = "sqrt" [PgOnly<lacks::PgFunctions>];
    /// `coalesce(a, b, ..)`
    Coalesce = "coalesce";
    /// `nullif(a, b)`
    NullIf = "nullif";
    /// `greatest(a, b, ..)`
    Greatest = "greatest" [PgOnly<lacks::PgFunctions>];
    /// `least(a, b, ..)`
    Least = "least" [PgOnly<lacks::PgFunctions>];
    /// `array_agg(x)`
    ArrayAgg = "array_agg" [PgOnly<lacks::Arrays>];
    /// `string_agg(text, separator)`
    StringAgg = "string_agg";
    /// `bool_and(bool)`
    BoolAnd = "bool_and" sqlite "min";
    /// `bool_or(bool)`
    BoolOr = "bool_or" sqlite "max";
    /// `nextval(sequence)`
    NextVal = "nextval" [PgOnly<lacks::Sequences>];
    /// `currval(sequence)`
    CurrVal = "currval" [PgOnly<lacks::Sequences>];
}

/// Whether any type of a tuple of SQL types is nullable.
pub trait AnyNullable {
    /// `Null` when one of them is.
    type N: Nullability;
}
macro_rules! any_nullable {
    ($(($($t:ident)+))*) => {$(
        impl<$($t: SqlType),+> AnyNullable for ($($t,)+) {
            type N = any_nullable!(@fold $($t)+);
        }
    )*};
    (@fold $a:ident) => { $a::Nullability };
    (@fold $a:ident $($rest:ident)+) => {
        <$a::Nullability as Nullability>::Or<any_nullable!(@fold $($rest)+)>
    };
}
any_nullable! { (A) (A B) (A B C) (A B C D) (A B C D E) (A B C D E F) (A B C D E F G) (A B C D E F G H) }

/// Declares a SQL function (or aggregate) with a checked signature, as a Rust function that
/// builds a call of it.
///
/// ```
/// use sqlwright::prelude::*;
/// sqlwright::table! { users (id) { id -> Int4, name -> Text, } }
/// // `levenshtein(text, text) -> integer` from the fuzzystrmatch extension:
/// sqlwright::sql_function!(fn levenshtein(a: Text, b: Text) -> Int4);
/// // an aggregate: `aggregate fn name(args) -> result type`
/// sqlwright::sql_function!(aggregate fn every(b: Bool) -> Nullable<Bool>);
///
/// let q = users::table.select((users::name, levenshtein(users::name, "alice")));
/// assert_eq!(
///     q.to_sql(),
///     r#"SELECT "users"."name", levenshtein("users"."name", $1) FROM "users""#
/// );
/// let q = users::table.select(every(users::id.gt(0)));
/// assert_eq!(q.to_sql(), r#"SELECT every("users"."id" > $1) FROM "users""#);
/// ```
///
/// Arguments are declared with non-nullable SQL types and accept columns and expressions of
/// that type (nullable ones too) and Rust values; a plain function is taken to be strict (its
/// result is nullable when an argument is), an aggregate's result type is used as written.
#[macro_export]
macro_rules! sql_function {
    ($(#[$m:meta])* fn $name:ident($($arg:ident: $ty:ty),+ $(,)?) -> $ret:ty) => {
        $(#[$m])*
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name {}
        impl $crate::expr::SqlFunction for $name {
            type Needs = ();
            const NAME: &'static str = stringify!($name);
        }
        impl $crate::check::identity::NameId for $name {
            type Id = $crate::__private::name_id!(user_fn $name);
        }
        #[allow(non_camel_case_types)]
        #[diagnostic::do_not_recommend]
        impl<$($arg: $crate::types::SqlType<NotNull = $ty>),+> $crate::expr::Signature<($($arg,)+)> for $name {
            type Out = <<($($arg,)+) as $crate::expr::AnyNullable>::N as $crate::types::Nullability>::Apply<$ret>;
        }
        $(#[$m])*
        #[allow(non_camel_case_types, dead_code)]
        pub fn $name<$($arg: $crate::expr::AsExpr<$ty>),+>($($arg: $arg),+) -> $crate::expr::Func<$name, ($($arg::Expr,)+)> {
            $crate::expr::Func::new(($($crate::expr::AsExpr::into_expr($arg),)+))
        }
    };
    ($(#[$m:meta])* aggregate fn $name:ident($($arg:ident: $ty:ty),+ $(,)?) -> $ret:ty) => {
        $(#[$m])*
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name {}
        impl $crate::expr::SqlFunction for $name {
            type Needs = ();
            const NAME: &'static str = stringify!($name);
        }
        impl $crate::check::identity::NameId for $name {
            type Id = $crate::__private::name_id!(user_fn $name);
        }
        #[allow(non_camel_case_types)]
        #[diagnostic::do_not_recommend]
        impl<$($arg: $crate::types::SqlType<NotNull = $ty>),+> $crate::expr::Signature<($($arg,)+)> for $name {
            type Out = $ret;
        }
        $(#[$m])*
        #[allow(non_camel_case_types, dead_code)]
        pub fn $name<$($arg: $crate::expr::AsExpr<$ty>),+>($($arg: $arg),+) -> $crate::expr::AggFunc<$name, ($($arg::Expr,)+)> {
            $crate::expr::AggFunc::new(($($crate::expr::AsExpr::into_expr($arg),)+))
        }
    };
}
