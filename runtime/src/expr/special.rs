//! Calls with rules of their own: a sequence's `nextval`/`currval`, and `grouping(..)`,
//! which only a grouped query's select list, HAVING and ORDER BY may hold.

use super::func::*;
use super::Expression;
use crate::check::{AppearsIn, Neutral, ValidGrouping};
use crate::render::{Render, SqlWriter};
use crate::types::*;

/// A sequence declared in code: `const ORDER_NUMBERS: Sequence = Sequence::new("order_numbers");`
#[derive(Clone, Copy, Debug)]
pub struct Sequence {
    name: &'static str,
}

impl Sequence {
    /// The sequence named `name` (its SQL name, quoted when written).
    pub const fn new(name: &'static str) -> Self {
        Sequence { name }
    }
    /// The sequence's SQL name.
    pub fn name(&self) -> &'static str {
        self.name
    }
    /// `nextval(sequence)`: advances the sequence, `Int8`.
    pub fn nextval(&self) -> SequenceCall<true> {
        SequenceCall { name: self.name }
    }
    /// `currval(sequence)`: the value `nextval` last returned in this session, `Int8`.
    pub fn currval(&self) -> SequenceCall<false> {
        SequenceCall { name: self.name }
    }
    /// `CREATE SEQUENCE IF NOT EXISTS "name"`.
    pub fn create_sql(&self) -> String {
        let mut out = SqlWriter::new();
        out.sql("CREATE SEQUENCE IF NOT EXISTS ");
        out.ident(self.name);
        out.finish().sql
    }
    /// `DROP SEQUENCE IF EXISTS "name"`.
    pub fn drop_sql(&self) -> String {
        let mut out = SqlWriter::new();
        out.sql("DROP SEQUENCE IF EXISTS ");
        out.ident(self.name);
        out.finish().sql
    }
}

/// `nextval(..)` (`NEXT = true`) or `currval(..)` of a [`Sequence`]: `Int8`, never NULL.
#[derive(Clone, Copy, Debug)]
pub struct SequenceCall<const NEXT: bool> {
    name: &'static str,
}

impl<const N: bool> Expression for SequenceCall<N> {
    type SqlType = Int8;
}
impl<const N: bool, F> AppearsIn<F, ()> for SequenceCall<N> {
    type Lifted = Int8;
}
impl<const N: bool, G> ValidGrouping<G, ()> for SequenceCall<N> {
    type Kind = crate::check::Plain;
}
impl<const N: bool> Render for SequenceCall<N> {
    type Needs = crate::backend::needs::PgOnly<crate::backend::needs::features::Sequences>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql(if N { NextVal::NAME } else { CurrVal::NAME });
        // The sequence is named by a quoted identifier inside a regclass literal, written
        // from the declared name (code, not user input).
        out.sql("('");
        let mut quoted = SqlWriter::new();
        quoted.ident(self.name);
        let quoted = quoted.finish().sql.replace('\'', "''");
        out.sql(&quoted);
        out.sql("'::regclass)");
    }
    fn is_atomic(&self) -> bool {
        true
    }
}
crate::__impl_operators!([const N: bool,] SequenceCall<N>);
as_expr_for! { [const N: bool,] SequenceCall<N>; }

/// `grouping(columns)`: under ROLLUP, CUBE or GROUPING SETS, a bit mask of which of the
/// columns (a column or a tuple of them) are rolled up in this row, `Int4`. Only in a
/// grouped query's select list, HAVING and ORDER BY, of grouped columns.
pub fn grouping<A: AsArgs>(columns: A) -> GroupingCall<A::Args> {
    GroupingCall(columns.into_args())
}

/// A column, or a tuple of columns, as an argument tuple.
pub trait AsArgs {
    /// The argument tuple.
    type Args;
    /// Converts.
    fn into_args(self) -> Self::Args;
}
impl<M: crate::query::ColumnDef> AsArgs for crate::query::Col<M> {
    type Args = (Self,);
    fn into_args(self) -> (Self,) {
        (self,)
    }
}
macro_rules! as_args {
    ($(($($t:ident)+))*) => {$(
        impl<$($t),+> AsArgs for ($($t,)+) {
            type Args = Self;
            fn into_args(self) -> Self {
                self
            }
        }
    )*};
}
as_args! { (A) (A B) (A B C) (A B C D) (A B C D E) (A B C D E F) }

/// `GROUPING(columns)`.
#[derive(Clone, Copy)]
pub struct GroupingCall<A>(A);

/// Grouping modes where `grouping(..)` may appear: a grouped query's select list, HAVING and
/// ORDER BY.
#[diagnostic::on_unimplemented(
    message = "`grouping(..)` is only allowed in a grouped query's select list, HAVING or ORDER BY",
    label = "there is no GROUP BY here"
)]
pub trait GroupingAllowed {}
#[diagnostic::do_not_recommend]
impl<X, F> GroupingAllowed for crate::check::WithFrom<crate::check::GroupBy<X>, F> {}
#[diagnostic::do_not_recommend]
impl<X, F> GroupingAllowed for crate::check::InHaving<crate::check::GroupBy<X>, F> {}
#[diagnostic::do_not_recommend]
impl GroupingAllowed for crate::check::distinct::Probe {}

impl<A> Expression for GroupingCall<A> {
    type SqlType = Int4;
}
impl<A: AppearsIn<F, I>, F, I> AppearsIn<F, I> for GroupingCall<A> {
    type Lifted = Int4;
}
impl<A: ValidGrouping<G, J>, G: GroupingAllowed, J> ValidGrouping<G, J> for GroupingCall<A> {
    type Kind = Neutral;
}
impl<A: Render> Render for GroupingCall<A> {
    type Needs =
        crate::backend::needs::PgOnly<crate::backend::needs::features::RollupCubeGroupingSets>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql("GROUPING(");
        self.0.render(out);
        out.sql(")");
    }
    fn is_atomic(&self) -> bool {
        true
    }
}
crate::__impl_operators!([A,] GroupingCall<A>);
as_expr_for! { [A,] GroupingCall<A>; }

crate::check::identity::opaque_keys! {
    [const NEXT: bool] SequenceCall<NEXT>;
    [A] GroupingCall<A>;
}
