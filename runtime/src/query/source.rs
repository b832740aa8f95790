//! FROM items: tables and their aliases, and what a query reads from them.

use super::{Column, Table};
use crate::check::{AppearsIn, HasColumn, ValidGrouping};
use crate::expr::{AsExpr, Expression};
use crate::render::{Label, Render, SqlWriter};
use crate::types::{FromRow, NotNull, Null, RowOf, RowReader, SqlType};
use std::marker::PhantomData;

/// A named relation of a FROM clause: a table, or an alias of one.
pub trait Source: Copy + Default + 'static {
    /// A type-level id (a hash of the name), so that "already in this FROM clause" and
    /// "this column is grouped" can be computed without ambiguity.
    type Id;
    /// The table this source reads.
    type Table: Table;
    /// The name that qualifies its columns: the table's SQL name, or the alias.
    const NAME: &'static str;

    /// Writes the source as a FROM item: `"users"` or `"users" AS "author"`.
    fn render_from(out: &mut SqlWriter<'_>) {
        out.ident(<Self::Table as Table>::SQL_NAME);
        if Self::NAME != <Self::Table as Table>::SQL_NAME {
            out.sql(" AS ");
            out.ident(Self::NAME);
        }
    }
}

/// An alias declared with [`alias!`](crate::alias).
pub trait Alias: Source {}

/// Methods of every alias.
pub trait AliasMethods: Alias {
    /// Column `column` of the aliased table, read through this alias: `n1.col(nation::name)`.
    fn col<C: Column<Table = Self::Table>>(self, column: C) -> AliasCol<Self, C> {
        let _ = column;
        AliasCol(PhantomData)
    }
}
impl<A: Alias> AliasMethods for A {}

/// Column `C` read through alias `A`.
pub struct AliasCol<A, C>(PhantomData<(A, C)>);

impl<A, C> Clone for AliasCol<A, C> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<A, C> Copy for AliasCol<A, C> {}

impl<A: Alias, C: Column> Expression for AliasCol<A, C> {
    type SqlType = C::SqlType;
}

impl<A: Alias, C: Column, F: HasColumn<Self, A, I>, I> AppearsIn<F, I> for AliasCol<A, C> {
    type Lifted = crate::check::LiftColumn<F, Self, A, I, C::SqlType>;
}

impl<A: Alias, C: Column, G: crate::check::ColumnMode<Self>> ValidGrouping<G, ()>
    for AliasCol<A, C>
{
    type Kind = G::Kind;
}

impl<A: Alias, C: Column> crate::check::identity::ExprKey for AliasCol<A, C> {
    type Id = crate::check::IdOf<Self>;
}

impl<A: Alias, C: Column> Render for AliasCol<A, C> {
    type Needs = <<C as Expression>::SqlType as crate::types::SqlType>::Needs;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.column(A::NAME, C::NAME);
    }
    fn is_atomic(&self) -> bool {
        true
    }
    fn is_sensitive(&self) -> bool {
        C::SENSITIVE
    }
    fn label(&self) -> Option<Label> {
        Some(Label::Column {
            table: A::NAME,
            column: C::NAME,
        })
    }
}

#[diagnostic::do_not_recommend]
impl<A: Alias, C: Column, ST: SqlType> AsExpr<ST> for AliasCol<A, C>
where
    C::SqlType: crate::types::Compatible<ST>,
{
    type Expr = Self;
    fn into_expr(self) -> Self {
        self
    }
}

crate::__impl_operators!([A: Alias, C: Column,] AliasCol<A, C>);
crate::expr::operand::operand_for! { [A: Alias, C: Column,] AliasCol<A, C>; }

/// Where a column is read from, and its identity there: a table's own column, or a column
/// of an alias.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column",
    label = "GROUP BY takes columns (or a tuple of them)"
)]
pub trait SourceColumn {
    /// The source the column is read from.
    type Source: Source;
    /// The column's position in its table.
    type Position;
    /// How the column is named in error messages.
    type Name;
}

#[diagnostic::do_not_recommend]
impl<M: super::ColumnDef> SourceColumn for super::Col<M> {
    type Source = M::Table;
    type Position = M::Position;
    type Name = M;
}

#[diagnostic::do_not_recommend]
impl<A: Alias, C: Column> SourceColumn for AliasCol<A, C> {
    type Source = A;
    type Position = C::Position;
    type Name = Self;
}

/// A whole source as one item of a select list: all its columns. `N` is its nullability in
/// the query; on the optional side of an outer join the row loads as `Option<_>`.
pub struct TableRow<S, N>(PhantomData<(S, N)>);

impl<S: Source> RowOf for TableRow<S, NotNull>
where
    <S::Table as Table>::AllSqlTypes: RowOf,
    <<S::Table as Table>::AllSqlTypes as RowOf>::Row: FromRow<<S::Table as Table>::AllSqlTypes>,
{
    type Row = <<S::Table as Table>::AllSqlTypes as RowOf>::Row;
}

impl<S: Source> RowOf for TableRow<S, Null>
where
    <S::Table as Table>::AllSqlTypes: RowOf,
    <<S::Table as Table>::AllSqlTypes as RowOf>::Row: FromRow<<S::Table as Table>::AllSqlTypes>,
{
    type Row = Option<<<S::Table as Table>::AllSqlTypes as RowOf>::Row>;
}

impl<S: Source, R: FromRow<<S::Table as Table>::AllSqlTypes>> FromRow<TableRow<S, NotNull>> for R {
    fn from_row(row: &mut RowReader<'_>) -> Result<Self, crate::Error> {
        R::from_row(row)
    }
}

impl<S: Source, R: FromRow<<S::Table as Table>::AllSqlTypes>> FromRow<TableRow<S, Null>>
    for Option<R>
{
    fn from_row(row: &mut RowReader<'_>) -> Result<Self, crate::Error> {
        let width = <S::Table as Table>::META.columns.len();
        if row.next_are_null(width) {
            row.skip(width);
            Ok(None)
        } else {
            R::from_row(row).map(Some)
        }
    }
}

/// Renders every column of a source, qualified by its name, with labels.
fn render_all<S: Source>(out: &mut SqlWriter<'_>) {
    for (i, column) in <S::Table as Table>::META.columns.iter().enumerate() {
        if i > 0 {
            out.sql(", ");
        }
        out.label(Some(Label::Column {
            table: S::NAME,
            column: column.sql_name,
        }));
        out.column(S::NAME, column.sql_name);
        out.end_item();
    }
}

/// Every source renders, as a select item, as the list of its columns.
impl<S: Source> Render for S {
    type Needs = ();
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        render_all::<S>(out);
    }
    fn render_select<'a>(&'a self, out: &mut SqlWriter<'a>) {
        render_all::<S>(out);
    }
}
