//! `unnest(array)` as a FROM source: `FROM unnest($1) AS "t"("c")`, its one column named
//! and typed by a `#[derived]` table declared with `table!`, as derived tables are.

use super::derived::render_name_and_columns;
use super::select::{DefaultSelection, Select, SingleFrom};
use super::{FromClause, Table};
use crate::backend::needs::{features, Both, PgOnly};
use crate::check::{AppearsIn, Nil};
use crate::expr::AsExpr;
use crate::expr::{Shown, ShownAs};
use crate::render::{Render, SqlWriter};
use crate::types::{Array, ArrayElement};
use std::marker::PhantomData;

/// `unnest(array) AS "t"("c")`: the rows of an array, named by table `T`'s declaration.
pub struct Unnest<T, A> {
    array: A,
    _t: PhantomData<T>,
}

impl<T: Table, A: Render> FromClause for Unnest<T, A> {
    type Needs = Both<PgOnly<features::Arrays>, A::Needs>;
    fn render_from<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql("unnest(");
        self.array.render(out);
        out.sql(") AS ");
        render_name_and_columns::<T>(out);
    }
}

/// A table declared with one column: the column's SQL type.
#[diagnostic::on_unimplemented(
    message = "`unnest` names one column, but the table declares the columns `{Self}`",
    label = "declare the `#[derived]` table with exactly one column, of the array's element type"
)]
pub trait OneColumn {
    /// The column's SQL type.
    type SqlType: ArrayElement;
}
impl<C: ArrayElement> OneColumn for (C,) {
    type SqlType = C;
}

/// `Self` (a Rust value's type) is an array of `ST`, the one column of the table it is unnested
/// into.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be unnested into a column of SQL type `{ST}`",
    label = "expected a `Vec` of the column's Rust type, or an array expression of `{ST}`"
)]
pub trait UnnestArray<ST> {
    /// The array expression.
    type Expr: Render;
    /// Converts.
    fn into_array(self) -> Self::Expr;
}
#[diagnostic::do_not_recommend]
impl<A: AsExpr<Array<ST>, Expr: Render>, ST: ArrayElement> UnnestArray<ST> for A {
    type Expr = A::Expr;
    fn into_array(self) -> A::Expr {
        self.into_expr()
    }
}

/// `Self` (an expression's name) reads no table, as an array unnested in FROM must.
#[diagnostic::on_unimplemented(
    message = "`{Self}` reads a table, but `from_unnest` takes an array that reads none",
    label = "a `Vec` of values, or an expression over values only",
    note = "`unnest(column)` in a select list expands each row's array"
)]
pub trait ReadsNoTable<E, I> {}
#[diagnostic::do_not_recommend]
impl<S, E: AppearsIn<Nil, I>, I> ReadsNoTable<E, I> for S {}

/// The element type of the array a one-column table `T` unnests.
pub type UnnestElement<T> = <<T as Table>::AllSqlTypes as OneColumn>::SqlType;

/// Queries over the elements of an array, as the rows of a one-column `#[derived]` table.
pub trait FromUnnest: Table {
    /// `SELECT .. FROM unnest(array) AS "name"("column")`: one row per element of `array` (a
    /// `Vec` of the column's type, bound as one parameter, or an array expression that reads
    /// no table), whose one column is this table's.
    ///
    /// ```
    /// # use sqlwright::prelude::*;
    /// sqlwright::table! {
    ///     /// The elements of an array.
    ///     #[derived]
    ///     wanted { tag -> Text, }
    /// }
    /// let q = wanted::table
    ///     .from_unnest(vec!["rust", "sql"])
    ///     .filter(wanted::tag.ne("sql"))
    ///     .select(wanted::tag);
    /// assert_eq!(
    ///     q.to_sql(),
    ///     r#"SELECT "wanted"."tag" FROM unnest($1) AS "wanted"("tag") WHERE "wanted"."tag" <> $2"#
    /// );
    /// ```
    #[allow(clippy::type_complexity, clippy::wrong_self_convention)]
    fn from_unnest<A, I>(
        self,
        array: A,
    ) -> Select<SingleFrom<Self>, Unnest<Self, A::Expr>, DefaultSelection<Self>>
    where
        Self::AllSqlTypes: OneColumn,
        A: UnnestArray<UnnestElement<Self>>,
        A::Expr: Shown,
        ShownAs<A::Expr>: ReadsNoTable<A::Expr, I>,
    {
        Select::over(
            self,
            Unnest {
                array: array.into_array(),
                _t: PhantomData,
            },
        )
    }
}
impl<T: Table> FromUnnest for T {}
