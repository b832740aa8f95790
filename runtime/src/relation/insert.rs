//! A parent row inserted with its children in one call: the children's foreign key is the
//! key the parent got from the database (SQLAlchemy's `user.photos = [...]` then
//! `session.add(user)`).

use super::{Field, ForeignKey, KeyValue, RowStruct};
use crate::check::writes::InsertColumns;
use crate::engine::{Error, Executor};
use crate::query::{Assignments, Col, ColumnDef, Insertable, Selectable, Table};
use crate::render::{render_for, Render, SqlWriter};
use crate::types::SqlType;

/// The table of foreign key `FK`'s referenced column: the parents' table.
type ParentTable<FK> = <<FK as ForeignKey>::Referenced as ColumnDef>::Table;

/// Inserts `parent`, then `children` with their foreign key `fk` set to the key the parent
/// was given (read back with RETURNING, so a `#[serial]` key works), in one transaction (a
/// savepoint when one is open): the parent and its children as rows of `P` and `Ch`.
///
/// The children's struct leaves the foreign key out (it is not known before the parent is
/// written); a struct that sets it is [`Error::Misuse`], before anything is sent. The
/// children go in multi-row INSERTs, split under the backend's parameter limit. Nothing is
/// written when any statement fails.
///
/// ```no_run
/// # fn main() {}
/// use sqlwright::prelude::*;
/// sqlwright::table! {
///     orders (id) { #[serial] id -> Int4, customer -> Text, }
///     order_lines (id) {
///         #[serial] id -> Int4,
///         #[references(orders::id)] order_id -> Int4,
///         product -> Text,
///     }
/// }
/// #[derive(sqlwright::Insertable)]
/// #[sqlwright(table = orders)]
/// struct NewOrder { customer: String }
/// #[derive(sqlwright::Insertable)]
/// #[sqlwright(table = order_lines)]
/// struct NewLine { product: String }
/// #[derive(sqlwright::Row, Debug)]
/// #[sqlwright(table = orders)]
/// struct Order { id: i32, customer: String }
/// #[derive(sqlwright::Row, Debug)]
/// #[sqlwright(table = order_lines)]
/// struct Line { id: i32, order_id: i32, product: String }
///
/// # fn demo(conn: &mut Connection) -> Result<(), sqlwright::Error> {
/// let lines = [NewLine { product: "tea".into() }, NewLine { product: "milk".into() }];
/// let (order, lines): (Order, Vec<Line>) = sqlwright::relation::insert_with_children(
///     &NewOrder { customer: "Петя".into() },
///     order_lines::order_id,
///     &lines,
///     conn,
/// )?;
/// assert!(lines.iter().all(|l| l.order_id == order.id));
/// # Ok(()) }
/// ```
#[allow(clippy::type_complexity)]
pub fn insert_with_children<P, Ch, NP, NC, FK, IP, IC, C>(
    parent: &NP,
    fk: Col<FK>,
    children: &[NC],
    conn: &mut C,
) -> Result<(P, Vec<Ch>), Error>
where
    C: Executor,
    FK: ForeignKey,
    NP: for<'x> Insertable<'x, Table = ParentTable<FK>>,
    for<'x> <NP as Insertable<'x>>::Values: Assignments<ParentTable<FK>, InsertColumns, IP>,
    P: RowStruct + Selectable<Table = ParentTable<FK>> + Field<FK::Referenced, Value: KeyValue>,
    P::Columns: Render,
    NC: for<'x> Insertable<'x, Table = <FK as ColumnDef>::Table>,
    for<'x> <NC as Insertable<'x>>::Values:
        Assignments<<FK as ColumnDef>::Table, InsertColumns, IC>,
    Ch: RowStruct + Selectable<Table = <FK as ColumnDef>::Table>,
    Ch::Columns: Render,
{
    let _ = fk;
    if !children.is_empty()
        && sets_column::<<NC as Insertable<'_>>::Values>(<FK as ColumnDef>::NAME)
    {
        return Err(Error::Misuse(format!(
            "the children's struct sets `{}.{}`, which `insert_with_children` fills in from \
             the new parent: leave it out of the struct",
            <<FK as ColumnDef>::Table as Table>::SQL_NAME,
            <FK as ColumnDef>::NAME
        )));
    }
    conn.transaction(|tx| {
        let values = parent.values();
        let select = P::as_select();
        let rendered = render_for(tx, |out| {
            out.sql("INSERT INTO ");
            out.ident(<ParentTable<FK> as Table>::SQL_NAME);
            out.sql(" (");
            <<NP as Insertable<'_>>::Values as crate::query::AssignList>::render_columns(out);
            out.sql(") VALUES (");
            crate::query::AssignList::render_values(&values, out);
            out.sql(") RETURNING ");
            select.render_select(out);
        });
        let parent: P = crate::engine::exactly_one(crate::types::decode_rows(tx, &rendered)?)?;
        let Some(key) = parent.field().key().cloned() else {
            return Err(Error::Misuse(format!(
                "the new `{}` row has no key in `{}` to give its children",
                <ParentTable<FK> as Table>::SQL_NAME,
                <FK::Referenced as ColumnDef>::NAME
            )));
        };
        let mut written = Vec::with_capacity(children.len());
        let columns = <<FK as ColumnDef>::Table as Table>::META
            .columns
            .len()
            .max(1);
        let per_statement = (tx.connection().dialect().max_params() / columns).max(1);
        let select = Ch::as_select();
        for chunk in children.chunks(per_statement) {
            let rows: Vec<_> = chunk.iter().map(|c| c.values()).collect();
            let rendered = render_for(tx, |out| {
                out.sql("INSERT INTO ");
                out.ident(<<FK as ColumnDef>::Table as Table>::SQL_NAME);
                out.sql(" (");
                <<NC as Insertable<'_>>::Values as crate::query::AssignList>::render_columns(out);
                out.sql(", ");
                out.ident(<FK as ColumnDef>::NAME);
                out.sql(") VALUES ");
                for (i, row) in rows.iter().enumerate() {
                    out.sql(if i == 0 { "(" } else { ", (" });
                    crate::query::AssignList::render_values(row, out);
                    out.sql(", ");
                    bind_key::<FK, _>(&key, out);
                    out.sql(")");
                }
                out.sql(" RETURNING ");
                select.render_select(out);
            });
            written.extend(crate::types::decode_rows::<Ch, _, _>(tx, &rendered)?);
        }
        Ok((parent, written))
    })
}

/// Binds the parent's key as a value of foreign-key column `FK`.
fn bind_key<'a, FK: ColumnDef, K: crate::backend::Encode>(key: &'a K, out: &mut SqlWriter<'a>) {
    // (cast to the key's type when it is a `table!` enum)
    out.redacting(FK::SENSITIVE, |out| {
        out.bind_value_as::<<FK::SqlType as SqlType>::NotNull, _>(key)
    });
}

/// Whether assignment list `V` names column `name`.
fn sets_column<V: crate::query::AssignList>(name: &str) -> bool {
    let mut columns = SqlWriter::new();
    V::render_columns(&mut columns);
    let mut wanted = SqlWriter::new();
    wanted.ident(name);
    columns.as_sql().split(", ").any(|c| c == wanted.as_sql())
}
