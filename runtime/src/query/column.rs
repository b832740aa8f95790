//! Columns: `users::name` is the value of type `Col<users::columns::name>`.
//!
//! `table!` generates per column only a marker type and one [`ColumnDef`] impl; everything
//! a column can do (operators, checks, rendering) is implemented once, here, for `Col<M>`.
//! Users pay for every generated impl on every build, so this keeps a 15-column table to
//! one impl per column.

use super::{Column, Table};
use crate::check::{AppearsIn, ColumnMode, HasColumn, LiftColumn, ValidGrouping};
use crate::expr::{AsExpr, Expression};
use crate::render::{Label, Render, SqlWriter};
use crate::types::SqlType;
use std::marker::PhantomData;

/// What `table!` says about one column: generated for the marker type
/// `users::columns::name`.
pub trait ColumnDef: 'static {
    /// The table.
    type Table: Table;
    /// The declared SQL type.
    type SqlType: SqlType;
    /// The SQL name.
    const NAME: &'static str;
    /// The position in the table, as a type-level id.
    type Position;
    /// `#[sensitive]`: values bound against this column are shown as `<redacted>` where
    /// statements are logged (see [`SqlWriter::redacting`]).
    const SENSITIVE: bool = false;
}

/// The column described by marker `M`. Error messages name it by its marker, `users::name`
/// ([`Shown`](crate::expr::Shown)).
pub struct Col<M>(PhantomData<fn() -> M>);

impl<M> Col<M> {
    /// The column.
    pub const fn new() -> Self {
        Col(PhantomData)
    }
}
impl<M> Clone for Col<M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M> Copy for Col<M> {}
impl<M> Default for Col<M> {
    fn default() -> Self {
        Col::new()
    }
}

impl<M: ColumnDef> Column for Col<M> {
    type Table = M::Table;
    const NAME: &'static str = M::NAME;
    const VALUE: Self = Col::new();
    type Position = M::Position;
    const SENSITIVE: bool = M::SENSITIVE;
}

impl<M: ColumnDef> Expression for Col<M> {
    type SqlType = M::SqlType;
}

impl<M: ColumnDef, F: HasColumn<M, M::Table, I>, I> AppearsIn<F, I> for Col<M> {
    type Lifted = LiftColumn<F, M, M::Table, I, M::SqlType>;
}

impl<M: ColumnDef, G: ColumnMode<Self>> ValidGrouping<G, ()> for Col<M> {
    type Kind = G::Kind;
}

impl<M: ColumnDef> crate::check::identity::ExprKey for Col<M> {
    type Id = crate::check::IdOf<Self>;
}

#[diagnostic::do_not_recommend]
impl<M: ColumnDef, ST: SqlType> AsExpr<ST> for Col<M>
where
    M::SqlType: crate::types::Compatible<ST>,
{
    type Expr = Self;
    fn into_expr(self) -> Self {
        self
    }
}

impl<M: ColumnDef> Render for Col<M> {
    type Needs = <M::SqlType as SqlType>::Needs;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.column(<M::Table as Table>::SQL_NAME, M::NAME);
    }
    fn is_atomic(&self) -> bool {
        true
    }
    fn is_sensitive(&self) -> bool {
        M::SENSITIVE
    }
    fn label(&self) -> Option<Label> {
        Some(Label::Column {
            table: <M::Table as Table>::SQL_NAME,
            column: M::NAME,
        })
    }
}

crate::__impl_operators!([M: ColumnDef,] Col<M>, shown = M);
crate::expr::operand::operand_for! { [M: ColumnDef,] Col<M>; }
