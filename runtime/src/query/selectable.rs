//! Structs as select clauses: `User::as_select()`.

use crate::check::{AppearsIn, ValidGrouping};
use crate::render::{Render, SqlWriter};
use crate::types::Tagged;
use std::marker::PhantomData;

/// A struct with its own select clause, from `#[derive(Row)]`: one column per field,
/// matched by name, so two fields of the same type can never swap.
pub trait Selectable: Sized {
    /// The tuple of columns the struct's fields load from, in field order.
    type Columns;
    /// The columns, as a value.
    const COLUMNS: Self::Columns;

    /// The struct's select clause: `query.select(User::as_select())` loads `Vec<User>`.
    fn as_select() -> AsSelect<Self, Self::Columns> {
        AsSelect {
            columns: Self::COLUMNS,
            _row: PhantomData,
        }
    }
}

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

impl<S, C: AppearsIn<F, I>, F, I> AppearsIn<F, I> for AsSelect<S, C> {
    type Lifted = Tagged<S, C::Lifted>;
}

impl<S, C: ValidGrouping<G, J>, G, J> ValidGrouping<G, J> for AsSelect<S, C> {
    type Kind = C::Kind;
}

impl<S, C: Render> Render for AsSelect<S, C> {
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.columns.render(out);
    }
    fn render_select<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.columns.render_select(out);
    }
}
