//! Structs as select clauses: `User::as_select()`.

use super::Table;
use crate::check::{AppearsIn, HasSource, ValidGrouping};
use crate::expr::Expression;
use crate::render::{Render, SqlWriter};
use crate::types::{FromRow, NotNull, Null, RowOf, RowReader, Tagged};
use std::marker::PhantomData;

/// A struct with its own select clause, from `#[derive(Row)]`: one column per field,
/// matched by name, so two fields of the same type can never swap.
pub trait Selectable: Sized {
    /// The table the columns belong to.
    type Table: Table;
    /// The tuple of columns the struct's fields load from, in field order.
    type Columns: ColumnTypes;
    /// The columns, as a value.
    const COLUMNS: Self::Columns;

    /// The struct's select clause: `query.select(User::as_select())` loads `Vec<User>`, or
    /// `Vec<Option<User>>` when the table is on the optional side of an outer join.
    fn as_select() -> AsSelect<Self, Self::Columns> {
        AsSelect {
            columns: Self::COLUMNS,
            _row: PhantomData,
        }
    }
}

/// The declared SQL types of a tuple of columns.
pub trait ColumnTypes {
    /// A tuple of SQL types.
    type Types;
    /// The number of columns.
    const WIDTH: usize;
}

macro_rules! column_types {
    ($(($($t:ident)+))*) => {$(
        impl<$($t: Expression),+> ColumnTypes for ($($t,)+) {
            type Types = ($($t::SqlType,)+);
            const WIDTH: usize = [$(stringify!($t)),+].len();
        }
    )*};
}

crate::for_tuples!(column_types);

/// The select clause of struct `S`: its columns `C`, loading into `S`.
pub struct AsSelect<S, C> {
    columns: C,
    _row: PhantomData<S>,
}

impl<S, C: Clone> Clone for AsSelect<S, C> {
    fn clone(&self) -> Self {
        AsSelect {
            columns: self.columns.clone(),
            _row: PhantomData,
        }
    }
}
impl<S, C: Copy> Copy for AsSelect<S, C> {}

/// The row of struct `S` whose table has nullability `N` in the query.
pub struct TaggedIn<S, N>(PhantomData<(S, N)>);

impl<S: Selectable, C: AppearsIn<F, I>, F: HasSource<S::Table, K>, I, K> AppearsIn<F, (I, K)>
    for AsSelect<S, C>
{
    type Lifted = TaggedIn<S, F::Null>;
}

impl<S, C: ValidGrouping<G, J>, G, J> ValidGrouping<G, J> for AsSelect<S, C> {
    type Kind = C::Kind;
}

impl<S, C: Render> Render for AsSelect<S, C> {
    type Needs = C::Needs;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.columns.render(out);
    }
    fn render_select<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.columns.render_select(out);
    }
}

/// The declared row type of struct `S`.
type Declared<S> = Tagged<S, <<S as Selectable>::Columns as ColumnTypes>::Types>;

impl<S: Selectable + FromRow<Declared<S>>> RowOf for TaggedIn<S, NotNull> {
    type Row = S;
}
impl<S: Selectable + FromRow<Declared<S>>> RowOf for TaggedIn<S, Null> {
    type Row = Option<S>;
}

impl<S: Selectable + FromRow<Declared<S>>> FromRow<TaggedIn<S, NotNull>> for S {
    fn from_row(row: &mut RowReader<'_>) -> Result<Self, crate::Error> {
        S::from_row(row)
    }
}

impl<S: Selectable + FromRow<Declared<S>>> FromRow<TaggedIn<S, Null>> for Option<S> {
    fn from_row(row: &mut RowReader<'_>) -> Result<Self, crate::Error> {
        let width = <S::Columns as ColumnTypes>::WIDTH;
        if row.next_are_null(width) {
            row.skip(width);
            Ok(None)
        } else {
            S::from_row(row).map(Some)
        }
    }
}

crate::check::identity::opaque_keys! {
    [S, C] AsSelect<S, C>;
}
