//! Column assignments: `users::name.to("Петя")`, for INSERT, UPDATE and upserts.

use super::{Col, ColumnDef, SingleFrom, Source};
use crate::check::ids::IdEq;
use crate::check::writes::{
    ColumnItem, DistinctColumns, DoUpdateSet, InsertColumns, InsertsInto, SameTable, UpdateSet,
    UpdatesIn, UpsertsIn,
};
use crate::check::{AppearsIn, InsideWhere, Nil, ValidGrouping};
use crate::expr::{AsExpr, Bound, Expression, SqlValue};
use crate::render::{Render, SqlWriter};
use crate::types::{NotNull, Null, Nullable, SqlType};

/// `column = value` in an INSERT or UPDATE.
pub struct Assign<C, E> {
    pub(crate) value: E,
    _column: std::marker::PhantomData<C>,
}

impl<C, E> Assign<C, E> {
    /// An assignment of an already typed value (for derived impls).
    #[doc(hidden)]
    pub fn from_value(value: E) -> Self {
        Assign {
            value,
            _column: std::marker::PhantomData,
        }
    }
}

/// How a value is accepted for a column: a value or expression of the column's type
/// ([`ByValue`]), or an `Option` for a nullable column ([`ByOption`]).
pub struct ByValue;
/// See [`ByValue`].
pub struct ByOption;

/// A value that may be stored in column `C` of SQL type `ST`.
#[diagnostic::on_unimplemented(
    message = "the value assigned to `{C}` does not fit the column's SQL type",
    label = "`{Self}` is not a value of SQL type `{ST}`",
    note = "a column takes a value or expression of its own SQL type; a nullable column also takes `Some(value)` or `None`, a NOT NULL column no nullable expression"
)]
pub trait AssignTo<C, ST, J> {
    /// The expression stored (built by [`FromRhs`](crate::expr::FromRhs), which does not
    /// depend on the column, so it is compiled once per value type and SQL type).
    type Expr;
}

/// An expression of type `Self` may be stored in a column of type `ST`: the same type, or
/// a not-null value into a nullable column.
#[diagnostic::on_unimplemented(
    message = "an expression of SQL type `{Self}` cannot be stored in a column of SQL type `{ST}`",
    note = "a column takes values of its own SQL type; a NOT NULL column takes no nullable expression"
)]
pub trait StoresInto<ST> {}
#[diagnostic::do_not_recommend]
impl<T: SqlType<Nullability = NotNull>> StoresInto<T> for T {}
#[diagnostic::do_not_recommend]
impl<T: SqlType<Nullability = NotNull>> StoresInto<Nullable<T>> for T {}
#[diagnostic::do_not_recommend]
impl<T: SqlType<Nullability = NotNull>> StoresInto<Nullable<T>> for Nullable<T> {}

macro_rules! stores_tuples {
    ($(($($a:ident $b:ident),+))*) => {$(
        #[diagnostic::do_not_recommend]
        impl<$($a: StoresInto<$b>, $b),+> StoresInto<($($b,)+)> for ($($a,)+) {}
    )*};
}
stores_tuples! {
    (A1 B1) (A1 B1, A2 B2) (A1 B1, A2 B2, A3 B3) (A1 B1, A2 B2, A3 B3, A4 B4)
    (A1 B1, A2 B2, A3 B3, A4 B4, A5 B5) (A1 B1, A2 B2, A3 B3, A4 B4, A5 B5, A6 B6)
    (A1 B1, A2 B2, A3 B3, A4 B4, A5 B5, A6 B6, A7 B7)
    (A1 B1, A2 B2, A3 B3, A4 B4, A5 B5, A6 B6, A7 B7, A8 B8)
}

/// The column names of `INSERT ... SELECT` (one column, or a tuple), as they are written.
/// Holds for any columns, checked or not; [`ColumnList`] is the check.
pub trait ColumnNames {
    /// Writes `"a", "b"`.
    fn render_names(out: &mut SqlWriter<'_>);
}

impl<M: ColumnDef> ColumnNames for Col<M> {
    fn render_names(out: &mut SqlWriter<'_>) {
        out.ident(M::NAME);
    }
}

/// Columns of table `T` named by `INSERT ... SELECT`: one, or a tuple (each once: checked
/// apart, by [`DistinctColumns`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of columns of `{T}`",
    note = "name the target columns as a column of `{T}` or a tuple of them"
)]
pub trait ColumnList<T>: ColumnNames {
    /// Their declared SQL types (one type, or a tuple).
    type Types;
    /// Their marker types (`users::name`), for messages.
    type Names;
}

impl<M: ColumnDef, T: Source> ColumnList<T> for Col<M>
where
    <M::Table as Source>::Id: IdEq<T::Id>,
    SameTable<M::Table, T>: InsertsInto<T, M, M::Table>,
{
    type Types = M::SqlType;
    type Names = M;
}

impl<M: ColumnDef> ColumnItem for Col<M> {
    type Column = M;
    type Position = M::Position;
}

/// One column is named once.
impl<K, M: ColumnDef> DistinctColumns<K> for Col<M> {}

macro_rules! column_lists {
    ($(($first:ident $($t:ident)*))*) => {$(
        impl<$first: ColumnNames, $($t: ColumnNames),*> ColumnNames for ($first, $($t,)*) {
            fn render_names(out: &mut SqlWriter<'_>) {
                $first::render_names(out);
                $( out.sql(", "); $t::render_names(out); )*
            }
        }
        impl<Tb, $first: ColumnList<Tb>, $($t: ColumnList<Tb>),*> ColumnList<Tb>
            for ($first, $($t,)*)
        {
            type Types = ($first::Types, $($t::Types,)*);
            type Names = ($first::Names, $($t::Names,)*);
        }
    )*};
}
column_lists! { (A) (A B) (A B C) (A B C D) (A B C D E) (A B C D E F) (A B C D E F G) (A B C D E F G H) }

#[diagnostic::do_not_recommend]
impl<V, C, ST> AssignTo<C, ST, ByValue> for V
where
    ST: SqlType,
    V: AsExpr<ST::NotNull>,
    <V::Expr as Expression>::SqlType: StoresInto<ST>,
{
    type Expr = V::Expr;
}

#[diagnostic::do_not_recommend]
impl<T, C, ST> AssignTo<C, ST, ByOption> for Option<T>
where
    ST: SqlType<Nullability = Null>,
    T: SqlValue<ST::NotNull>,
{
    type Expr = Bound<ST, Option<T>>;
}

/// `.to(value)` on every column.
pub trait AssignMethods: Sized {
    /// The column's marker type (`users::name`).
    type Column;
    /// The column's declared SQL type.
    type SqlType: SqlType;
    /// `column = value`: a Rust value (`Some`/`None` for a nullable column), or an
    /// expression such as `users::age + 1` in an UPDATE. Not `eq`, which is a comparison.
    fn to<V: AssignTo<Self::Column, Self::SqlType, J>, J>(self, value: V) -> Assign<Self, V::Expr>
    where
        V::Expr: crate::expr::FromRhs<V>,
    {
        Assign {
            value: crate::expr::FromRhs::from_rhs(value),
            _column: std::marker::PhantomData,
        }
    }
}

impl<M: ColumnDef> AssignMethods for Col<M> {
    type Column = M;
    type SqlType = M::SqlType;
}

/// A list of assignments as the write statements render it: one `column.to(value)`, a
/// tuple of them, or a derived changeset by reference.
///
/// It holds for every list `.to(..)` and the derives build, checked or not: the checks
/// ([`Assignments`]) are made where the list is given (`values`, `set`, `do_update`), and
/// running the statement asks only this, so that a mistake is reported once.
pub trait AssignList {
    /// What the assigned values need of the backend.
    type Needs: crate::backend::Needs;
    /// Writes the column names: `"a", "b"`.
    fn render_columns(out: &mut SqlWriter<'_>);
    /// Writes the values: `$1, $2`.
    fn render_values<'a>(&'a self, out: &mut SqlWriter<'a>);
    /// Writes `"a" = $1, "b" = $2`.
    fn render_set<'a>(&'a self, out: &mut SqlWriter<'a>);
    /// Whether there is nothing to assign (a changeset whose fields are all `None`).
    fn is_empty(&self) -> bool {
        false
    }
    /// What `set` stores: the list itself, or for a derived changeset by reference, its
    /// fields as `Bound`s borrowing them (so that a field whose type is no `Encode` of its
    /// own, an unsigned integer, is bound as `column.to(&field)` binds it).
    type List: AssignList;
    /// This list as `set` stores it.
    fn into_list(self) -> Self::List
    where
        Self: Sized;
}

/// A valid list of assignments in clause `K` ([`InsertColumns`], [`UpdateSet`],
/// [`DoUpdateSet`]) of a statement on table `T`: columns of `T`, each once, with values
/// that read only what the clause may read.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be assigned in a statement on `{T}`",
    note = "assign columns of `{T}` only, each with `column.to(value)`"
)]
pub trait Assignments<T, K, I>: AssignList {}

/// A valid SET list (of an UPDATE, `K` = [`UpdateSet`], or of ON CONFLICT DO UPDATE, `K` =
/// [`DoUpdateSet`]) for table `T`: the rule `set` and `do_update` check, stated once over
/// [`Assignments`] so that a compiler error does not list every tuple impl.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a SET list of a statement on `{T}`",
    note = "assign columns of `{T}` with `column.to(value)`, a tuple of them, or `&changes` of a struct deriving `Changeset`"
)]
pub trait ValidSet<T, K, I>: AssignList {}
impl<S: Assignments<T, K, I>, T, K, I> ValidSet<T, K, I> for S {}

/// One `column.to(value)` in clause `K` of a statement on table `T`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an assignment",
    note = "write each assignment as `column.to(value)`"
)]
pub trait Assignment<T, K, I>: AssignList + ColumnItem {}

/// Starts the next `"column" = ` of a SET list written field by field (derived changesets).
#[doc(hidden)]
pub fn set_item(out: &mut SqlWriter<'_>, first: &mut bool, column: &str) {
    if !*first {
        out.sql(", ");
    }
    *first = false;
    out.ident(column);
    out.sql(" = ");
}

/// Writes one field of a derived changeset (`"column" = $n`), bound as `column.to(&field)`
/// binds it.
#[doc(hidden)]
#[inline]
pub fn set_field<'a, C: ColumnDef, T: crate::backend::BindValue>(
    out: &mut SqlWriter<'a>,
    first: &mut bool,
    value: &'a Option<Bound<C::SqlType, T>>,
) {
    if let Some(value) = value {
        set_item(out, first, C::NAME);
        let outer = out.begin_redacting(C::SENSITIVE);
        value.render(out);
        out.end_redacting(outer);
    }
}

/// What a derived changeset by reference writes if it is ever written itself rather than
/// through the list `set` stores ([`AssignList::into_list`]): a refusal, before sending.
#[doc(hidden)]
pub fn unlisted_changeset(out: &mut SqlWriter<'_>) {
    out.refuse("a #[derive(Changeset)] struct is written through `set(&changes)`".into());
}

impl<M: ColumnDef, E: Render> AssignList for Assign<Col<M>, E> {
    type Needs = E::Needs;
    type List = Self;
    #[inline]
    fn into_list(self) -> Self {
        self
    }
    fn render_columns(out: &mut SqlWriter<'_>) {
        out.ident(M::NAME);
    }
    fn render_values<'a>(&'a self, out: &mut SqlWriter<'a>) {
        let outer = out.begin_redacting(M::SENSITIVE);
        self.value.render(out);
        out.end_redacting(outer);
    }
    fn render_set<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.ident(M::NAME);
        out.sql(" = ");
        let outer = out.begin_redacting(M::SENSITIVE);
        self.value.render(out);
        out.end_redacting(outer);
    }
}

impl<M: ColumnDef, E> ColumnItem for Assign<Col<M>, E> {
    type Column = M;
    type Position = M::Position;
}

// One impl per clause, each naming its own rule, so that an error's notes are one step
// shorter than through a dispatch on the clause. `Assignments` repeats the bounds of
// `Assignment` rather than asking `Self: Assignment`, for the same reason.
macro_rules! assignment_in {
    ($($clause:ident $rule:ident $from:ty;)*) => {$(
        impl<M, E, T, I, J> Assignment<T, $clause, (I, J)> for Assign<Col<M>, E>
        where
            M: ColumnDef,
            T: Source,
            <M::Table as Source>::Id: IdEq<T::Id>,
            SameTable<M::Table, T>: $rule<T, M, M::Table>,
            E: AppearsIn<$from, I> + ValidGrouping<InsideWhere, J> + Render,
        {
        }
        impl<M, E, T, I, J> Assignments<T, $clause, (I, J)> for Assign<Col<M>, E>
        where
            M: ColumnDef,
            T: Source,
            <M::Table as Source>::Id: IdEq<T::Id>,
            SameTable<M::Table, T>: $rule<T, M, M::Table>,
            E: AppearsIn<$from, I> + ValidGrouping<InsideWhere, J> + Render,
        {
        }
    )*};
}

assignment_in! {
    InsertColumns InsertsInto Nil;
    UpdateSet UpdatesIn SingleFrom<T>;
    DoUpdateSet UpsertsIn SingleFrom<T>;
}

macro_rules! assignment_tuples {
    ($(($first:ident $fi:ident $(, $t:ident $i:ident)*))*) => {$(
        #[allow(non_snake_case)]
        impl<$first: AssignList, $($t: AssignList),*> AssignList for ($first, $($t,)*) {
            type Needs = assignment_tuples!(@needs $first $($t)*);
            type List = Self;
            #[inline]
            fn into_list(self) -> Self {
                self
            }
            fn render_columns(out: &mut SqlWriter<'_>) {
                $first::render_columns(out);
                $( out.sql(", "); $t::render_columns(out); )*
            }
            fn render_values<'a>(&'a self, out: &mut SqlWriter<'a>) {
                let ($first, $($t,)*) = self;
                $first.render_values(out);
                $( out.sql(", "); $t.render_values(out); )*
            }
            fn render_set<'a>(&'a self, out: &mut SqlWriter<'a>) {
                let ($first, $($t,)*) = self;
                $first.render_set(out);
                $( out.sql(", "); $t.render_set(out); )*
            }
        }

        impl<Tb, Kd, $first: Assignment<Tb, Kd, $fi>, $fi, $($t: Assignment<Tb, Kd, $i>, $i),*>
            Assignments<Tb, Kd, ($fi, $($i,)*)> for ($first, $($t,)*)
        where
            Self: DistinctColumns<Kd>,
        {
        }
    )*};
    (@needs $only:ident) => { <$only as AssignList>::Needs };
    (@needs $first:ident $($t:ident)+) => {
        crate::backend::needs::Both<<$first as AssignList>::Needs, assignment_tuples!(@needs $($t)+)>
    };
}

assignment_tuples! {
    (A IA)
    (A IA, B IB)
    (A IA, B IB, C IC)
    (A IA, B IB, C IC, D ID)
    (A IA, B IB, C IC, D ID, E IE)
    (A IA, B IB, C IC, D ID, E IE, F IF)
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG)
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH)
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, I II)
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, I II, J IJ)
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, I II, J IJ, K IK)
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, I II, J IJ, K IK, L IL)
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, I II, J IJ, K IK, L IL, M IM)
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, I II, J IJ, K IK, L IL, M IM, N IN)
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, I II, J IJ, K IK, L IL, M IM, N IN, O IO)
    (A IA, B IB, C IC, D ID, E IE, F IF, G IG, H IH, I II, J IJ, K IK, L IL, M IM, N IN, O IO, P IP)
}

/// `EXCLUDED.column` in `ON CONFLICT ... DO UPDATE`: the value the INSERT proposed.
pub struct Excluded<C>(std::marker::PhantomData<C>);

/// `EXCLUDED.column`: `users::name.to(excluded(users::name))` in an upsert.
pub fn excluded<M: ColumnDef>(_: Col<M>) -> Excluded<Col<M>> {
    Excluded(std::marker::PhantomData)
}

impl<M: ColumnDef> Expression for Excluded<Col<M>> {
    type SqlType = M::SqlType;
}
impl<M: ColumnDef> crate::expr::Shown for Excluded<Col<M>> {
    type As = Self;
    type Wait<L> = L;
}
crate::expr::operand::operand_for! { [M: ColumnDef,] Excluded<Col<M>>; }
impl<M: ColumnDef, F> AppearsIn<F, ()> for Excluded<Col<M>> {
    type Lifted = M::SqlType;
}
impl<M: ColumnDef, G> ValidGrouping<G, ()> for Excluded<Col<M>> {
    type Kind = crate::check::Neutral;
}
impl<M: ColumnDef> Render for Excluded<Col<M>> {
    type Needs = ();
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        if out.dialect() == crate::backend::Dialect::Mysql {
            // MariaDB's only spelling (MySQL 8.0.20+ still takes it, deprecated).
            out.sql("VALUES(");
            out.ident(M::NAME);
            out.sql(")");
            return;
        }
        out.sql("EXCLUDED.");
        out.ident(M::NAME);
    }
    fn is_atomic(&self) -> bool {
        true
    }
}
impl<M: ColumnDef, ST: SqlType> AsExpr<ST> for Excluded<Col<M>>
where
    M::SqlType: crate::types::Compatible<ST>,
{
    type Expr = Self;
    fn into_expr(self) -> Self {
        self
    }
}

crate::check::identity::opaque_keys! {
    [M] Excluded<Col<M>>;
}
