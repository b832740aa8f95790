//! Set operations: `UNION [ALL]`, `INTERSECT [ALL]`, `EXCEPT [ALL]`.
//!
//! The two sides' rows must have the same column types in the same order (nullability may
//! differ: a column is nullable in the result when it is on either side). ORDER BY, LIMIT
//! and OFFSET apply to the whole result; ORDER BY names result columns by position.

use super::compose::{Member, SubSelect};
use super::select::Select;
use super::TableRow;
use crate::backend::Dialect;
use crate::check::Both;
use crate::engine::runner::{self, As, Job, Ran, Runner, Work};
use crate::engine::Error;
use crate::render::{Rendered, SqlWriter};
use crate::types::{FromRow, Nullability, NullableIf, RowOf, SqlType, Tagged};
use std::marker::PhantomData;

/// The row type of a set operation whose sides have rows `Self` and `R`.
#[diagnostic::on_unimplemented(
    message = "the two sides of this set operation have different column types: `{Self}` and `{R}`",
    label = "the queries must select the same number of columns, of the same SQL types, in the same order"
)]
pub trait UnionRow<R> {
    /// The result's row type.
    type Out;
}

#[diagnostic::do_not_recommend]
impl<A: SqlType, B: SqlType> UnionRow<B> for A
where
    A::NotNull: SameColumnType<B::NotNull>,
{
    type Out = NullableIf<A, B, A::NotNull>;
}

/// A column of a set operation has the same SQL type on both sides.
#[diagnostic::on_unimplemented(
    message = "a column of this set operation is `{Self}` on the left and `{R}` on the right",
    label = "the queries must select the same number of columns, of the same SQL types, in the same order",
    note = "cast one side with `cast::<Type, _>(..)` if the values are compatible"
)]
pub trait SameColumnType<R> {}
impl<T> SameColumnType<T> for T {}

#[diagnostic::do_not_recommend]
impl<S, A: UnionRow<B>, B> UnionRow<Tagged<S, B>> for Tagged<S, A> {
    type Out = Tagged<S, A::Out>;
}

#[diagnostic::do_not_recommend]
impl<S, N1: Nullability, N2: Nullability> UnionRow<TableRow<S, N2>> for TableRow<S, N1> {
    type Out = TableRow<S, N1::Or<N2>>;
}

macro_rules! union_rows {
    ($(($($a:ident $b:ident)+))*) => {$(
        #[diagnostic::do_not_recommend]
        impl<$($a: UnionRow<$b>, $b),+> UnionRow<($($b,)+)> for ($($a,)+) {
            type Out = ($($a::Out,)+);
        }
    )*};
}
union_rows! {
    (A0 B0) (A0 B0 A1 B1) (A0 B0 A1 B1 A2 B2) (A0 B0 A1 B1 A2 B2 A3 B3)
    (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4) (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4 A5 B5)
    (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4 A5 B5 A6 B6)
    (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4 A5 B5 A6 B6 A7 B7)
    (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4 A5 B5 A6 B6 A7 B7 A8 B8)
    (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4 A5 B5 A6 B6 A7 B7 A8 B8 A9 B9)
    (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4 A5 B5 A6 B6 A7 B7 A8 B8 A9 B9 A10 B10)
    (A0 B0 A1 B1 A2 B2 A3 B3 A4 B4 A5 B5 A6 B6 A7 B7 A8 B8 A9 B9 A10 B10 A11 B11)
}

/// Which set operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetKind {
    /// `UNION`: rows of either side, without duplicates.
    Union,
    /// `UNION ALL`: rows of both sides.
    UnionAll,
    /// `INTERSECT`: rows on both sides, without duplicates.
    Intersect,
    /// `INTERSECT ALL`
    IntersectAll,
    /// `EXCEPT`: rows of the left side that are not on the right, without duplicates.
    Except,
    /// `EXCEPT ALL`
    ExceptAll,
}

impl SetKind {
    fn sql(self) -> &'static str {
        match self {
            SetKind::Union => " UNION ",
            SetKind::UnionAll => " UNION ALL ",
            SetKind::Intersect => " INTERSECT ",
            SetKind::IntersectAll => " INTERSECT ALL ",
            SetKind::Except => " EXCEPT ",
            SetKind::ExceptAll => " EXCEPT ALL ",
        }
    }
}

/// `(left) OP (right) [ORDER BY ..] [LIMIT ..] [OFFSET ..]`.
#[must_use = "a query does nothing until it is run with `load`"]
pub struct SetOp<L, R, JL, JR> {
    left: L,
    right: R,
    kind: SetKind,
    order: Vec<(usize, bool)>,
    limit: Option<i64>,
    offset: Option<i64>,
    _j: PhantomData<(JL, JR)>,
}

// Written out, not generated: an error at one of these calls then shows the method, not a
// macro expansion.
/// Set operations on queries.
// `R: SetMember` (no locked query as a member) sits in the where clauses, apart from
// `R: SubSelect`, so that the note under a set operation's other errors shows the same lines.
#[allow(clippy::multiple_bound_locations)]
pub trait Compound: Sized {
    /// `self UNION other`.
    fn union<R: SubSelect<JR>, JL, JR, ST>(self, other: R) -> SetOp<Self, R, JL, (JR, ST)>
    where
        Self: SubSelect<JL, SqlType: UnionRow<R::SqlType, Out = ST>>,
        R: super::SetMember,
    {
        set_op(self, other, SetKind::Union)
    }
    /// `self UNION ALL other`.
    fn union_all<R: SubSelect<JR>, JL, JR, ST>(self, other: R) -> SetOp<Self, R, JL, (JR, ST)>
    where
        Self: SubSelect<JL, SqlType: UnionRow<R::SqlType, Out = ST>>,
        R: super::SetMember,
    {
        set_op(self, other, SetKind::UnionAll)
    }
    /// `self INTERSECT other`.
    fn intersect<R: SubSelect<JR>, JL, JR, ST>(self, other: R) -> SetOp<Self, R, JL, (JR, ST)>
    where
        Self: SubSelect<JL, SqlType: UnionRow<R::SqlType, Out = ST>>,
        R: super::SetMember,
    {
        set_op(self, other, SetKind::Intersect)
    }
    /// `self INTERSECT ALL other`.
    fn intersect_all<R: SubSelect<JR>, JL, JR, ST>(self, other: R) -> SetOp<Self, R, JL, (JR, ST)>
    where
        Self: SubSelect<JL, SqlType: UnionRow<R::SqlType, Out = ST>>,
        R: super::SetMember,
    {
        set_op(self, other, SetKind::IntersectAll)
    }
    /// `self EXCEPT other`.
    fn except<R: SubSelect<JR>, JL, JR, ST>(self, other: R) -> SetOp<Self, R, JL, (JR, ST)>
    where
        Self: SubSelect<JL, SqlType: UnionRow<R::SqlType, Out = ST>>,
        R: super::SetMember,
    {
        set_op(self, other, SetKind::Except)
    }
    /// `self EXCEPT ALL other`.
    fn except_all<R: SubSelect<JR>, JL, JR, ST>(self, other: R) -> SetOp<Self, R, JL, (JR, ST)>
    where
        Self: SubSelect<JL, SqlType: UnionRow<R::SqlType, Out = ST>>,
        R: super::SetMember,
    {
        set_op(self, other, SetKind::ExceptAll)
    }
}

fn set_op<L, R, JL, JR>(left: L, right: R, kind: SetKind) -> SetOp<L, R, JL, JR> {
    SetOp {
        left,
        right,
        kind,
        order: Vec::new(),
        limit: None,
        offset: None,
        _j: PhantomData,
    }
}

impl<F, From, S, W, O, G, H> Compound for Select<F, From, S, W, O, G, H> {}
impl<L, R, JL, JR> Compound for SetOp<L, R, JL, JR> {}

/// Checked by the set operation's method, which found the row type `ST`: not again here, so
/// a mismatch is reported once.
impl<L: SubSelect<JL>, R: SubSelect<JR>, JL, JR, ST> SubSelect<()> for SetOp<L, R, JL, (JR, ST)> {
    type SqlType = ST;
    type FromList = Both<L::FromList, R::FromList>;
    type Needs = crate::backend::needs::Both<L::Needs, R::Needs>;
    fn limited(&self) -> bool {
        self.limit.is_some() || self.offset.is_some()
    }
    fn render_subselect<'a>(&'a self, out: &mut SqlWriter<'a>) {
        if out.dialect() == Dialect::Sqlite {
            // SQLite takes no parenthesised members and groups compound operators from left
            // to right: a member with its own ORDER BY or LIMIT, and a compound on the
            // right, are read from a subquery instead.
            let wrap = |member: Member, left: bool| match member {
                Member::Simple => false,
                Member::Compound => !left,
                Member::Wrapped => true,
            };
            let (left, right) = (
                wrap(self.left.member(), true),
                wrap(self.right.member(), false),
            );
            if left {
                out.sql("SELECT * FROM (");
            }
            self.left.render_subselect(out);
            if left {
                out.sql(")");
            }
            out.sql(self.kind.sql());
            out.enter_subquery();
            if right {
                out.sql("SELECT * FROM (");
            }
            self.right.render_subselect(out);
            if right {
                out.sql(")");
            }
            out.leave_subquery();
        } else {
            out.sql("(");
            self.left.render_subselect(out);
            out.sql(")");
            out.sql(self.kind.sql());
            out.sql("(");
            out.enter_subquery();
            self.right.render_subselect(out);
            out.leave_subquery();
            out.sql(")");
        }
        if !self.order.is_empty() {
            out.sql(" ORDER BY ");
            for (i, (position, desc)) in self.order.iter().enumerate() {
                if i > 0 {
                    out.sql(", ");
                }
                // A position is an integer written by sqlwright, not user text; ORDER BY
                // reads an integer literal as a column position, so it cannot be bound.
                out.sql(&position.to_string());
                out.sql(if *desc { " DESC" } else { " ASC" });
            }
        }
        out.limit_offset(self.limit.as_ref(), self.offset.as_ref());
    }
    fn member(&self) -> Member {
        if self.order.is_empty() && self.limit.is_none() && self.offset.is_none() {
            Member::Compound
        } else {
            Member::Wrapped
        }
    }
}

impl<L, R, JL, JR> SetOp<L, R, JL, JR>
where
    Self: SubSelect<()>,
{
    /// Adds `ORDER BY position` (1-based column position of the result), ascending. Position
    /// 0 is [`Error::Misuse`] when the statement runs; one past the last column is the
    /// server's error.
    pub fn order_by_column(mut self, position: usize) -> Self {
        self.order.push((position, false));
        self
    }
    /// Adds `ORDER BY position DESC`.
    pub fn order_by_column_desc(mut self, position: usize) -> Self {
        self.order.push((position, true));
        self
    }
    /// `LIMIT n`.
    pub fn limit(mut self, n: i64) -> Self {
        self.limit = Some(n);
        self
    }
    /// `OFFSET n`.
    pub fn offset(mut self, n: i64) -> Self {
        self.offset = Some(n);
        self
    }

    /// The SQL text and parameters, without running.
    pub fn render(&self) -> Rendered<'_> {
        let mut out = SqlWriter::new();
        self.render_subselect(&mut out);
        out.finish()
    }
    /// The SQL text.
    pub fn to_sql(&self) -> String {
        self.render().sql
    }

    /// The SQL text followed by the bound parameters, as the backend of `dialect` spells
    /// it (`union.debug_sql_for(Sqlite::DIALECT)`).
    pub fn debug_sql_for(&self, dialect: Dialect) -> String {
        let mut out = SqlWriter::for_dialect(dialect);
        self.render_subselect(&mut out);
        out.finish().to_string()
    }

    /// Runs the statement and loads every row into `T`, which must match the rows' SQL types.
    pub fn load_as<'c, T: FromRow<<Self as SubSelect<()>>::SqlType>, C: Runner + ?Sized>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<T>>
    where
        C::Backend: crate::backend::Runs<crate::backend::Canonical<<Self as SubSelect<()>>::Needs>>,
        Job<Self, As<T, <Self as SubSelect<()>>::SqlType>, Vec<T>>:
            Work<'c, C::Backend, C::Mode, Output = Vec<T>>,
    {
        Job::<_, As<T, <Self as SubSelect<()>>::SqlType>, _>::rows(
            self,
            None,
            |query, _, out| {
                if query.order.iter().any(|(position, _)| *position == 0) {
                    return Err(Error::Misuse(
                        "ORDER BY positions of a set operation count from 1".into(),
                    ));
                }
                query.render_subselect(out);
                Ok(true)
            },
            runner::all,
        )
        .run(conn.__connection())
    }

    /// Runs the statement and returns every row, typed from the select lists.
    #[allow(clippy::type_complexity)]
    pub fn load<'c, C: Runner + ?Sized>(
        self,
        conn: &'c mut C,
    ) -> Ran<'c, C, Vec<<<Self as SubSelect<()>>::SqlType as RowOf>::Row>>
    where
        <Self as SubSelect<()>>::SqlType: RowOf,
        <<Self as SubSelect<()>>::SqlType as RowOf>::Row: FromRow<<Self as SubSelect<()>>::SqlType>,
        C::Backend: crate::backend::Runs<crate::backend::Canonical<<Self as SubSelect<()>>::Needs>>,
        Job<
            Self,
            As<<<Self as SubSelect<()>>::SqlType as RowOf>::Row, <Self as SubSelect<()>>::SqlType>,
            Vec<<<Self as SubSelect<()>>::SqlType as RowOf>::Row>,
        >: Work<
            'c,
            C::Backend,
            C::Mode,
            Output = Vec<<<Self as SubSelect<()>>::SqlType as RowOf>::Row>,
        >,
    {
        self.load_as(conn)
    }
}
