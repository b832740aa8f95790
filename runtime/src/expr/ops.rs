//! Operators: comparisons, boolean logic, arithmetic, LIKE, IN, BETWEEN, IS NULL, ordering.

use super::{AsExpr, Bound, Expression, SqlValue};
use crate::backend::needs::{features, PgOnly};
use crate::backend::BindValue;
use crate::check::identity::{ExprKey, NameId, NodeOf};
use crate::check::{AppearsIn, ValidGrouping};
use crate::render::{operand, Render, SqlWriter};
use crate::types::*;
use std::marker::PhantomData;

/// A binary operator: its SQL spelling and result type.
pub trait BinaryOp: NameId {
    /// What the operator needs of the backend.
    type Needs: crate::backend::Needs;
    /// The operator as SQL (`=`, `AND`, `+`, ...).
    const SQL: &'static str;
    /// The result type for operand types `L` and `R` (already lifted through joins).
    type Out<L: SqlType, R: SqlType>: SqlType;
    /// Whether this is `AND`, which leaves out an absent side (`filter_opt(None)`).
    const IS_AND: bool = false;
    /// Whether this is `||`, which MySQL spells `CONCAT(a, b)`.
    const IS_CONCAT: bool = false;
    /// Whether this is `/`, which MySQL spells `DIV` between two integers.
    const IS_DIV: bool = false;
}

/// Whether two strings are equal, at compile time.
const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

macro_rules! binary_ops {
    ($($(#[$m:meta])* $name:ident = $sql:literal $([$needs:ty])? => |$l:ident, $r:ident| $out:ty;)*) => {$(
        $(#[$m])*
        pub struct $name;
        impl BinaryOp for $name {
            type Needs = binary_ops!(@needs $($needs)?);
            const SQL: &'static str = $sql;
            type Out<$l: SqlType, $r: SqlType> = $out;
            const IS_AND: bool = same_text($sql, "AND");
            const IS_CONCAT: bool = same_text($sql, "||");
            const IS_DIV: bool = same_text($sql, "/");
        }
        impl crate::check::identity::NameId for $name {
            type Id = ::sqlwright::__private::name_id!(op $name);
        }
    )*};
    (@needs) => { () };
    (@needs $needs:ty) => { $needs };
}

binary_ops! {
    /// `=`
    Eq = "=" => |L, R| NullableIf<L, R, Bool>;
    /// `<>`
    Ne = "<>" => |L, R| NullableIf<L, R, Bool>;
    /// `<`
    Lt = "<" => |L, R| NullableIf<L, R, Bool>;
    /// `<=`
    Le = "<=" => |L, R| NullableIf<L, R, Bool>;
    /// `>`
    Gt = ">" => |L, R| NullableIf<L, R, Bool>;
    /// `>=`
    Ge = ">=" => |L, R| NullableIf<L, R, Bool>;
    /// `AND`
    And = "AND" => |L, R| NullableIf<L, R, Bool>;
    /// `OR`
    Or = "OR" => |L, R| NullableIf<L, R, Bool>;
    /// `LIKE`
    Like = "LIKE" => |L, R| NullableIf<L, R, Bool>;
    /// `NOT LIKE`
    NotLike = "NOT LIKE" => |L, R| NullableIf<L, R, Bool>;
    /// `ILIKE`
    ILike = "ILIKE" [PgOnly<features::Ilike>] => |L, R| NullableIf<L, R, Bool>;
    /// `NOT ILIKE`
    NotILike = "NOT ILIKE" [PgOnly<features::Ilike>] => |L, R| NullableIf<L, R, Bool>;
    /// `+` (of two numeric types: the wider, as [`Promoted`])
    Add = "+" => |L, R| NullableIf<L, R, Promoted<L, R>>;
    /// `-`
    Sub = "-" => |L, R| NullableIf<L, R, Promoted<L, R>>;
    /// `*`
    Mul = "*" => |L, R| NullableIf<L, R, Promoted<L, R>>;
    /// `/` (integer division of two integers, as in PostgreSQL)
    Div = "/" => |L, R| NullableIf<L, R, Promoted<L, R>>;
    /// `||` (text concatenation)
    Concat = "||" => |L, R| NullableIf<L, R, <L as SqlType>::NotNull>;
}

/// `left OP right`.
#[derive(Clone, Copy)]
pub struct Binary<Op, L, R> {
    left: L,
    right: R,
    /// How `+ - * /` of integers are written (set by the arithmetic operators: an integer
    /// result, one kept as `numeric` on PostgreSQL, an unsigned operand beside a signed
    /// one; `expr/arith.rs`); 0 for every other operator.
    integers: u8,
    _op: PhantomData<Op>,
}

impl<Op, L, R> Binary<Op, L, R> {
    pub(crate) fn new(left: L, right: R) -> Self {
        Binary {
            left,
            right,
            integers: 0,
            _op: PhantomData,
        }
    }

    /// `left OP right` of arithmetic, with its `expr::arith::flags`.
    pub(crate) fn arith(left: L, right: R, integers: u8) -> Self {
        Binary {
            left,
            right,
            integers,
            _op: PhantomData,
        }
    }
}

impl<Op: BinaryOp, L: Expression, R: Expression> Expression for Binary<Op, L, R> {
    type SqlType = Op::Out<L::SqlType, R::SqlType>;
}

impl<Op: BinaryOp, L, R, F, IL, IR> AppearsIn<F, (IL, IR)> for Binary<Op, L, R>
where
    L: AppearsIn<F, IL>,
    R: AppearsIn<F, IR>,
    L::Lifted: SqlType,
    R::Lifted: SqlType,
{
    type Lifted = Op::Out<L::Lifted, R::Lifted>;
}

crate::check::identity::keyed_grouping!([Op, L, R,] Binary<Op, L, R> => (L, R));

impl<Op: NameId, L: ExprKey, R: ExprKey> ExprKey for Binary<Op, L, R> {
    type Id = NodeOf<Op, (L, R)>;
}

impl<Op: BinaryOp, L: Render, R: Render> Render for Binary<Op, L, R> {
    type Needs = crate::backend::needs::All3<Op::Needs, L::Needs, R::Needs>;
    fn is_absent(&self) -> bool {
        Op::IS_AND && self.left.is_absent() && self.right.is_absent()
    }
    /// On MySQL each side of an AND in HAVING is a condition of its own, so that one
    /// without an aggregate can be written through `MAX(..)` beside one with an aggregate.
    fn render_having<'a>(&'a self, out: &mut SqlWriter<'a>) {
        if !Op::IS_AND || out.dialect() != crate::engine::Dialect::Mysql {
            return out.having(|out| self.render(out));
        }
        match (self.left.is_absent(), self.right.is_absent()) {
            (true, true) => out.sql("TRUE"),
            (true, false) => self.right.render_having(out),
            (false, true) => self.left.render_having(out),
            (false, false) => {
                out.sql("(");
                self.left.render_having(out);
                out.sql(") AND (");
                self.right.render_having(out);
                out.sql(")");
            }
        }
    }
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        let op = const {
            &super::arith::Operator {
                sql: Op::SQL,
                and: Op::IS_AND,
                concat: Op::IS_CONCAT,
                div: Op::IS_DIV,
            }
        };
        super::arith::render_binary(op, self.integers, (&self.left, &self.right), out);
    }
}

/// A unary form: its SQL shape and result type.
pub trait UnaryOp: NameId {
    /// Text before the operand.
    const PREFIX: &'static str;
    /// Text after the operand.
    const SUFFIX: &'static str;
    /// The result type for operand type `E`.
    type Out<E: SqlType>: SqlType;
}

macro_rules! unary_ops {
    ($($(#[$m:meta])* $name:ident = $pre:literal, $post:literal => |$e:ident| $out:ty;)*) => {$(
        $(#[$m])*
        pub struct $name;
        impl UnaryOp for $name {
            const PREFIX: &'static str = $pre;
            const SUFFIX: &'static str = $post;
            type Out<$e: SqlType> = $out;
        }
        impl crate::check::identity::NameId for $name {
            type Id = ::sqlwright::__private::name_id!(unary $name);
        }
    )*};
}

unary_ops! {
    /// `NOT e`
    Not = "NOT ", "" => |E| E;
    /// `e IS NULL`
    IsNull = "", " IS NULL" => |E| Bool;
    /// `e IS NOT NULL`
    IsNotNull = "", " IS NOT NULL" => |E| Bool;
    /// `-e`
    Neg = "-", "" => |E| E;
}

/// `OP expr` or `expr OP`.
#[derive(Clone, Copy)]
pub struct Unary<Op, E> {
    expr: E,
    _op: PhantomData<Op>,
}

impl<Op, E> Unary<Op, E> {
    pub(crate) fn new(expr: E) -> Self {
        Unary {
            expr,
            _op: PhantomData,
        }
    }
}

impl<Op: UnaryOp, E: Expression> Expression for Unary<Op, E> {
    type SqlType = Op::Out<E::SqlType>;
}

impl<Op: UnaryOp, E: AppearsIn<F, I, Lifted: SqlType>, F, I> AppearsIn<F, I> for Unary<Op, E> {
    type Lifted = Op::Out<E::Lifted>;
}

crate::check::identity::keyed_grouping!([Op, E,] Unary<Op, E> => E);

impl<Op: NameId, E: ExprKey> ExprKey for Unary<Op, E> {
    type Id = NodeOf<Op, (E,)>;
}

impl<Op: UnaryOp, E: Render> Render for Unary<Op, E> {
    type Needs = E::Needs;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql(Op::PREFIX);
        operand(&self.expr, out);
        out.sql(Op::SUFFIX);
    }
}

/// `expr = ANY($1)` / `expr <> ALL($1)`, from 9 values `expr [NOT] IN (SELECT
/// unnest($1))`: membership in a list of values, bound as one array parameter (so the SQL
/// text does not change with the list's length; see [`SqlWriter::in_array`]).
pub struct InList<E, ST: ListElement, T: BindValue> {
    pub(super) expr: E,
    // Each value as a list item: the value itself, or an unsigned integer in a `Bound`
    // (which MySQL binds element by element).
    pub(super) values: Bound<ST::List, Vec<T::Item<ST>>>,
    pub(super) negated: bool,
}

impl<E: Expression, ST: ListElement, T: BindValue> Expression for InList<E, ST, T> {
    type SqlType = NullableIf<E::SqlType, E::SqlType, Bool>;
}

impl<E: AppearsIn<F, I, Lifted: SqlType>, ST: ListElement, T: BindValue, F, I> AppearsIn<F, I>
    for InList<E, ST, T>
{
    type Lifted = NullableIf<E::Lifted, E::Lifted, Bool>;
}

impl<E: ValidGrouping<G, J>, ST: ListElement, T: BindValue, G, J> ValidGrouping<G, J>
    for InList<E, ST, T>
{
    type Kind = E::Kind;
}

crate::check::identity::opaque_keys! {
    [E, ST: ListElement, T: BindValue] InList<E, ST, T>;
    [E, Lo, Hi] Between<E, Lo, Hi>;
    [E] Ordered<E>;
}

// The list's values were checked by `in_` (`ListValue`); rendering asks only that they can be
// sent, so that a mistaken list is reported there, once.
impl<E: Render, ST: ListElement, T: BindValue> Render for InList<E, ST, T> {
    type Needs = E::Needs;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        operand(&self.expr, out);
        let sensitive = self.expr.is_sensitive();
        let outer = out.begin_redacting(sensitive);
        out.in_list(
            self.values.value(),
            &crate::types::list_type::<ST>(out.dialect()),
            self.negated,
            |out| self.values.render(out),
        );
        out.end_redacting(outer);
    }
}

/// `expr [NOT] BETWEEN low AND high`.
pub struct Between<E, Lo, Hi> {
    pub(super) expr: E,
    pub(super) low: Lo,
    pub(super) high: Hi,
    pub(super) negated: bool,
}

impl<E: Expression, Lo: Expression, Hi: Expression> Expression for Between<E, Lo, Hi> {
    type SqlType = NullableIf<E::SqlType, NullableIf<Lo::SqlType, Hi::SqlType, Bool>, Bool>;
}

impl<E, Lo, Hi, F, IE, IL, IH> AppearsIn<F, (IE, IL, IH)> for Between<E, Lo, Hi>
where
    E: AppearsIn<F, IE, Lifted: SqlType>,
    Lo: AppearsIn<F, IL, Lifted: SqlType>,
    Hi: AppearsIn<F, IH, Lifted: SqlType>,
{
    type Lifted = NullableIf<E::Lifted, NullableIf<Lo::Lifted, Hi::Lifted, Bool>, Bool>;
}

impl<E, Lo, Hi, G, JE, JL, JH> ValidGrouping<G, (JE, JL, JH)> for Between<E, Lo, Hi>
where
    E: ValidGrouping<G, JE>,
    Lo: ValidGrouping<G, JL>,
    Hi: ValidGrouping<G, JH>,
    ((E::Kind,), Lo::Kind, Hi::Kind): crate::expr::MixAll,
{
    type Kind = <((E::Kind,), Lo::Kind, Hi::Kind) as crate::expr::MixAll>::Out;
}

impl<E: Render, Lo: Render, Hi: Render> Render for Between<E, Lo, Hi> {
    type Needs = crate::backend::needs::All3<E::Needs, Lo::Needs, Hi::Needs>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        operand(&self.expr, out);
        out.sql(if self.negated {
            " NOT BETWEEN "
        } else {
            " BETWEEN "
        });
        let outer = out.begin_redacting(self.expr.is_sensitive());
        operand(&self.low, out);
        out.sql(" AND ");
        operand(&self.high, out);
        out.end_redacting(outer);
    }
}

/// Sort direction and NULL placement of an ORDER BY item.
#[derive(Clone, Copy)]
pub struct Ordered<E> {
    pub(super) expr: E,
    pub(super) desc: bool,
    pub(super) nulls: Option<bool>,
}

impl<E> Ordered<E> {
    /// `NULLS FIRST`.
    pub fn nulls_first(mut self) -> Self {
        self.nulls = Some(true);
        self
    }
    /// `NULLS LAST`.
    pub fn nulls_last(mut self) -> Self {
        self.nulls = Some(false);
        self
    }
}

impl<E: AppearsIn<F, I>, F, I> AppearsIn<F, I> for Ordered<E> {
    type Lifted = E::Lifted;
}

impl<E: ValidGrouping<G, J>, G, J> ValidGrouping<G, J> for Ordered<E> {
    type Kind = E::Kind;
}

impl<E: Render> Render for Ordered<E> {
    type Needs = E::Needs;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        let mysql = out.dialect() == crate::backend::Dialect::Mysql;
        if let (Some(first), true) = (self.nulls, mysql) {
            // MySQL has no NULLS FIRST/LAST: sort on `x IS NULL` (1 for NULL) first, which
            // places the NULLs exactly; `x`'s values are bound again for the second key.
            operand(&self.expr, out);
            out.sql(if first {
                " IS NULL DESC, "
            } else {
                " IS NULL ASC, "
            });
        }
        self.expr.render(out);
        out.sql(if self.desc { " DESC" } else { " ASC" });
        if mysql {
            return;
        }
        match self.nulls {
            Some(true) => out.sql(" NULLS FIRST"),
            Some(false) => out.sql(" NULLS LAST"),
            None => {}
        }
    }
}

/// An expression of SQL type `Bool` or `Nullable<Bool>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a boolean SQL expression",
    label = "`&`, `|`, `!` and `filter` need an expression of SQL type `Bool`",
    note = "compare it first, e.g. `.eq(..)`, `.gt(..)`, `.is_null()`"
)]
pub trait BoolExpression: Expression {}

#[diagnostic::do_not_recommend]
impl<E: Expression<SqlType: BoolLike>> BoolExpression for E {}

/// An expression of SQL type `Text` or `Nullable<Text>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a text SQL expression",
    label = "`like`, `ilike` and `concat` need an expression of SQL type `Text`"
)]
pub trait TextExpression: Expression {}

#[diagnostic::do_not_recommend]
impl<E: Expression<SqlType: TextLike>> TextExpression for E {}

/// An expression with `+ - * /`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a numeric SQL expression",
    label = "`+`, `-`, `*` and `/` need numeric operands"
)]
pub trait NumericExpression: Expression {}

#[diagnostic::do_not_recommend]
impl<E: Expression<SqlType: Arithmetic>> NumericExpression for E {}

/// `BoolExpression`, stated with a lifetime so that an operator impl on a concrete column
/// type is checked where it is used, not where it is declared (a bound without generic
/// parameters would be checked eagerly, failing every non-boolean column).
pub trait BoolOperand<'a> {}
impl<E: BoolExpression> BoolOperand<'_> for E {}

/// `NumericExpression`, stated with a lifetime for the same reason as [`BoolOperand`].
pub trait NumericOperand<'a> {}
impl<E: NumericExpression> NumericOperand<'_> for E {}

/// The SQL type a Rust value takes on the right of `+ - * /` beside expression `E`.
#[doc(hidden)]
pub type ArithOf<E> = ArithValue<<E as Expression>::SqlType>;

/// Implements [`Shown`] (the expression's name in errors: `shown = ..`, itself by default),
/// `& | !` and `+ - * /` for an expression type: Rust's operators must be implemented on each
/// type, so the columns and every node call this.
///
/// The checks of `&`, `|` and `+ - * /` are bounds on the operands' names, and the left
/// operand's is reached through the right one's type ([`Shown::Wait`], [`ArithRhs::Left`]):
/// Rust picks an operator impl before it knows the right operand's type, so a check stated
/// on the left operand alone would fail there with "no implementation for `L & R`"; stated
/// this way it is reported afterwards, with its own message.
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_operators {
    ([$($gen:tt)*] $ty:ty) => {
        $crate::__impl_operators!([$($gen)*] $ty, shown = Self);
    };
    ([$($gen:tt)*] $ty:ty, shown = $shown:ty) => {
        $crate::__impl_operators!(
            [$($gen)*] $ty, shown = $shown,
            arith = $crate::expr::ArithOf<Self>, $crate::expr::ShownAs<Self>
        );
    };
    // `arith`: the SQL type a Rust value takes on the right of `+`, and the type's name, written
    // out for a type without parameters (whose projections in a where clause would be
    // normalised before the clause is, and then not found).
    ([$($gen:tt)*] $ty:ty, shown = $shown:ty, arith = $v:ty, $l:ty) => {
        impl<$($gen)*> $crate::expr::Shown for $ty {
            type As = $shown;
            type Wait<__L> = __L;
        }
        $crate::__impl_operators!(@bool [$($gen)*] $ty, BitAnd bitand And and);
        $crate::__impl_operators!(@bool [$($gen)*] $ty, BitOr bitor Or or);
        impl<'__a, $($gen)*> ::std::ops::Not for $ty
        where
            Self: $crate::expr::BoolOperand<'__a>,
        {
            type Output = $crate::expr::Unary<$crate::expr::Not, Self>;
            fn not(self) -> Self::Output {
                $crate::__private::unary(self)
            }
        }
        $crate::__impl_operators!(@arith [$($gen)*] $ty, Add add, $v, $l);
        $crate::__impl_operators!(@arith [$($gen)*] $ty, Sub sub, $v, $l);
        $crate::__impl_operators!(@arith [$($gen)*] $ty, Mul mul, $v, $l);
        $crate::__impl_operators!(@arith [$($gen)*] $ty, Div div, $v, $l);
    };
    (@bool [$($gen:tt)*] $ty:ty, $tr:ident $method:ident $op:ident $ctx:ident) => {
        impl<$($gen)* __R> ::std::ops::$tr<__R> for $ty
        where
            Self: $crate::expr::Expression + $crate::expr::Shown,
            __R: $crate::expr::Expression + $crate::expr::Shown,
            <__R as $crate::expr::Shown>::Wait<$crate::expr::ShownAs<Self>>: $crate::expr::IsBool<
                <Self as $crate::expr::Expression>::SqlType,
                $crate::expr::ctx::$ctx,
            >,
            $crate::expr::ShownAs<__R>: $crate::expr::IsBool<
                <__R as $crate::expr::Expression>::SqlType,
                $crate::expr::ctx::$ctx,
            >,
        {
            type Output = $crate::expr::Binary<$crate::expr::$op, Self, __R>;
            fn $method(self, rhs: __R) -> Self::Output {
                $crate::__private::binary(self, rhs)
            }
        }
    };
    (@arith [$($gen:tt)*] $ty:ty, $op:ident $method:ident, $v:ty, $l:ty) => {
        impl<$($gen)* __R> ::std::ops::$op<__R> for $ty
        where
            Self: $crate::expr::Expression + $crate::expr::Shown,
            __R: $crate::expr::ArithRhs<$v, $l>,
            <__R as $crate::expr::ArithRhs<$v, $l>>::Left:
                $crate::expr::IsNumeric<<Self as $crate::expr::Expression>::SqlType>,
            <__R as $crate::expr::ArithRhs<$v, $l>>::Shown:
                $crate::expr::IsNumeric<<__R as $crate::expr::ArithRhs<$v, $l>>::SqlType>,
            <__R as $crate::expr::ArithRhs<$v, $l>>::Expr: $crate::expr::FromRhs<__R>,
        {
            type Output = $crate::expr::Binary<
                $crate::expr::$op,
                Self,
                <__R as $crate::expr::ArithRhs<$v, $l>>::Expr,
            >;
            fn $method(self, rhs: __R) -> Self::Output {
                $crate::__private::arith(
                    self,
                    $crate::expr::FromRhs::from_rhs(rhs),
                    $crate::__private::both_integers::<
                        <Self as $crate::expr::Expression>::SqlType,
                        <__R as $crate::expr::ArithRhs<$v, $l>>::SqlType,
                    >(),
                )
            }
        }
    };
}

crate::__impl_operators!([Op: BinaryOp, L: Expression, R: Expression,] Binary<Op, L, R>);
crate::__impl_operators!([Op: UnaryOp, E: Expression,] Unary<Op, E>);
crate::__impl_operators!([E: Expression, ST: ListElement, T: BindValue,] InList<E, ST, T>);
crate::__impl_operators!([E: Expression, Lo: Expression, Hi: Expression,] Between<E, Lo, Hi>);

super::operand::as_expr_for! {
    [Op, L, R,] Binary<Op, L, R>;
    [Op, E,] Unary<Op, E>;
    [E, ST: ListElement, T: BindValue,] InList<E, ST, T>;
    [E, Lo, Hi,] Between<E, Lo, Hi>;
}

impl<ST: SqlType, T: SqlValue<ST>> AsExpr<ST> for Bound<ST, T> {
    type Expr = Self;
    fn into_expr(self) -> Self {
        self
    }
}
super::operand::operand_for! { [ST: SqlType, T: SqlValue<ST>,] Bound<ST, T>; }
