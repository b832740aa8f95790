//! A parent row inserted with its children in one call: the children's foreign key is the
//! key the parent got from the database (SQLAlchemy's `user.photos = [...]` then
//! `session.add(user)`).

use super::{Declared, Field, ForeignKey, KeyValue, RowStruct};
use crate::backend::Backend;
use crate::check::writes::InsertColumns;
use crate::engine::runner::{Blocking, Ran, Runner, Work};
use crate::engine::step::{Io, Now};
use crate::engine::{Connection, Error, Executor};
use crate::query::{Assignments, Col, ColumnDef, Insertable, Selectable, Table};
use crate::render::{render_for, Render, Rendered, SqlWriter};
use crate::types::{FromRow, RowReader, SqlType};
use std::marker::PhantomData;

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
pub fn insert_with_children<'c, P, Ch, NP, NC, FK, IP, IC, C>(
    parent: &'c NP,
    fk: Col<FK>,
    children: &'c [NC],
    conn: &'c mut C,
) -> Ran<'c, C, (P, Vec<Ch>)>
where
    C: Runner + ?Sized,
    FK: ForeignKey,
    NP: for<'x> Insertable<'x, Table = ParentTable<FK>>,
    NC: for<'x> Insertable<'x, Table = <FK as ColumnDef>::Table>,
    WithChildren<'c, P, Ch, NP, NC, FK, IP, IC>:
        Work<'c, C::Backend, C::Mode, Output = (P, Vec<Ch>)>,
{
    let _ = fk;
    WithChildren {
        parent,
        children,
        _rows: PhantomData,
    }
    .run(conn.__connection())
}

/// The types a [`WithChildren`] writes and reads, without holding them.
type Rows<P, Ch, FK, IP, IC> = fn() -> (P, Ch, FK, IP, IC);

/// A run of [`insert_with_children`] in either mode: the parent and the children to write,
/// and the row types they come back as.
#[doc(hidden)]
pub struct WithChildren<'a, P, Ch, NP, NC, FK, IP, IC> {
    parent: &'a NP,
    children: &'a [NC],
    _rows: PhantomData<Rows<P, Ch, FK, IP, IC>>,
}

impl<'c, 'a: 'c, B, P, Ch, NP, NC, FK, IP, IC> Work<'c, B, Blocking>
    for WithChildren<'a, P, Ch, NP, NC, FK, IP, IC>
where
    B: Backend,
    FK: ForeignKey,
    NP: for<'x> Insertable<'x, Table = ParentTable<FK>>,
    for<'x> <NP as Insertable<'x>>::Values: Assignments<ParentTable<FK>, InsertColumns, IP>,
    P: RowStruct
        + Selectable<Table = ParentTable<FK>>
        + Field<FK::Referenced, Value: KeyValue>
        + 'c,
    P::Columns: Render,
    NC: for<'x> Insertable<'x, Table = <FK as ColumnDef>::Table>,
    for<'x> <NC as Insertable<'x>>::Values:
        Assignments<<FK as ColumnDef>::Table, InsertColumns, IC>,
    Ch: RowStruct + Selectable<Table = <FK as ColumnDef>::Table> + 'c,
    Ch::Columns: Render,
{
    type Output = (P, Vec<Ch>);
    fn run(self, conn: &'c mut Connection<B>) -> Result<(P, Vec<Ch>), Error> {
        check_children::<<NC as Insertable<'_>>::Values, FK>(self.children.is_empty())?;
        conn.transaction(|tx| {
            crate::engine::wire::now(write_all::<_, P, Ch, NP, NC, FK, IP, IC>(
                &mut Now(tx.connection()),
                self.parent,
                self.children,
            ))
        })
    }
}

/// The async run of [`WithChildren`], one text for each server with an async connection
/// (`$backend`, its async [`Io`] `$io`): what a stream dropped early left owed ended, a
/// transaction (or savepoint) opened through the generic `TransactionScope`, the
/// statements, then COMMIT, or ROLLBACK and the statement's error. A macro, not one impl
/// generic over `AsyncDriver`: with the server generic, the future of `write_all` over the
/// server's `Io` cannot be proved `Send` on stable Rust (docs/design.md, "Async reflection
/// on MySQL, and one async insert_with_children").
#[cfg(feature = "tokio")]
macro_rules! async_with_children {
    ($(#[$attr:meta])* $backend:ty, $io:path) => {
        $(#[$attr])*
        impl<'c, 'a: 'c, P, Ch, NP, NC, FK, IP, IC> Work<'c, $backend, crate::engine::Async>
            for WithChildren<'a, P, Ch, NP, NC, FK, IP, IC>
        where
            FK: ForeignKey,
            NP: for<'x> Insertable<'x, Table = ParentTable<FK>> + Sync,
            for<'x> <NP as Insertable<'x>>::Values:
                Assignments<ParentTable<FK>, InsertColumns, IP> + Send,
            P: RowStruct
                + Selectable<Table = ParentTable<FK>>
                + Field<FK::Referenced, Value: KeyValue<Key: Send> + Send>
                + Send
                + 'c,
            KeyItem<P, FK>: Send,
            P::Columns: Render + Send,
            NC: for<'x> Insertable<'x, Table = <FK as ColumnDef>::Table> + Sync,
            for<'x> <NC as Insertable<'x>>::Values:
                Assignments<<FK as ColumnDef>::Table, InsertColumns, IC> + Send,
            Ch: RowStruct + Selectable<Table = <FK as ColumnDef>::Table> + Send + 'c,
            Ch::Columns: Render + Send,
            IP: 'c,
            IC: 'c,
        {
            type Output = (P, Vec<Ch>);
            fn run(
                self,
                conn: &'c mut Connection<$backend>,
            ) -> crate::engine::BoxFuture<'c, Result<(P, Vec<Ch>), Error>> {
                Box::pin(async move {
                    check_children::<<NC as Insertable<'_>>::Values, FK>(
                        self.children.is_empty(),
                    )?;
                    <$backend as crate::backend::driver::AsyncDriver>::__settle_owed(conn).await?;
                    let options = crate::engine::TransactionOptions::default();
                    let mut tx = crate::engine::TransactionScope::open(conn, options).await?;
                    let written = write_all::<_, P, Ch, NP, NC, FK, IP, IC>(
                        &mut $io(tx.conn()),
                        self.parent,
                        self.children,
                    )
                    .await;
                    match written {
                        Ok(rows) => tx.commit().await.map(|()| rows),
                        Err(e) => {
                            // The statement's error is the one to report; a failed
                            // rollback has closed the connection, which says so at its
                            // next use.
                            let _ = tx.rollback().await;
                            Err(e)
                        }
                    }
                })
            }
        }
    };
}

#[cfg(feature = "tokio")]
async_with_children!(crate::Postgres, crate::engine::step::Wait);
#[cfg(feature = "tokio")]
async_with_children!(
    #[cfg(feature = "mysql")]
    crate::backend::Mysql,
    crate::engine::step::WaitMysql
);

/// A children's struct that sets the foreign key is refused before anything is sent.
fn check_children<V: crate::query::AssignList, FK: ForeignKey>(
    no_children: bool,
) -> Result<(), Error> {
    if !no_children && sets_column::<V>(<FK as ColumnDef>::NAME) {
        return Err(Error::Misuse(format!(
            "the children's struct sets `{}.{}`, which `insert_with_children` fills in from \
             the new parent: leave it out of the struct",
            <<FK as ColumnDef>::Table as Table>::SQL_NAME,
            <FK as ColumnDef>::NAME
        )));
    }
    Ok(())
}

/// The statements, inside the transaction: the parent's INSERT, then the children's in
/// chunks, each read back with RETURNING. Written once, run blocking (`Now`, polled once)
/// or awaited (`Wait`).
#[allow(clippy::type_complexity)]
async fn write_all<I, P, Ch, NP, NC, FK, IP, IC>(
    io: &mut I,
    parent: &NP,
    children: &[NC],
) -> Result<(P, Vec<Ch>), Error>
where
    I: Io,
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
    let values = parent.values();
    let select = P::as_select();
    let rendered = render_for(io.conn(), &mut |out| {
        out.sql("INSERT INTO ");
        out.ident(<ParentTable<FK> as Table>::SQL_NAME);
        out.sql(" (");
        <<NP as Insertable<'_>>::Values as crate::query::AssignList>::render_columns(out);
        out.sql(") VALUES (");
        crate::query::AssignList::render_values(&values, out);
        out.sql(") RETURNING ");
        select.render_select(out);
    });
    let parent: P = crate::engine::exactly_one(decode_all(io, &rendered).await?)?;
    drop(rendered);
    let Some(key) = parent.field().key().cloned() else {
        return Err(Error::Misuse(format!(
            "the new `{}` row has no key in `{}` to give its children",
            <ParentTable<FK> as Table>::SQL_NAME,
            <FK::Referenced as ColumnDef>::NAME
        )));
    };
    // Bound as one value of its own (an unsigned key in a `Bound`; any other as it is).
    let key = crate::backend::BindValue::item::<<FK::SqlType as SqlType>::NotNull>(key);
    let mut written = Vec::with_capacity(children.len());
    let columns = <<FK as ColumnDef>::Table as Table>::META
        .columns
        .len()
        .max(1);
    let per_statement = (io.conn().dialect().max_params() / columns).max(1);
    let select = Ch::as_select();
    for chunk in children.chunks(per_statement) {
        let rows: Vec<_> = chunk.iter().map(|c| c.values()).collect();
        let rendered = render_for(io.conn(), &mut |out| {
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
        written.extend(decode_all::<_, Ch>(io, &rendered).await?);
    }
    Ok((parent, written))
}

/// Runs `statement` and decodes every row as `R`.
async fn decode_all<I: Io, R: RowStruct>(
    io: &mut I,
    statement: &Rendered<'_>,
) -> Result<Vec<R>, Error> {
    let mut rows = Vec::new();
    let labels = &statement.labels;
    io.run(statement, &mut |row| {
        rows.push(<R as FromRow<Declared<R>>>::from_row(&mut RowReader::new(
            row, labels,
        ))?);
        Ok(())
    })
    .await?;
    Ok(rows)
}

/// The parent's key as [`bind_key`] binds it.
#[cfg(feature = "tokio")]
type KeyItem<P, FK> = <<<P as Field<<FK as ForeignKey>::Referenced>>::Value as KeyValue>::Key as crate::backend::BindValue>::Item<<<FK as ColumnDef>::SqlType as SqlType>::NotNull>;

/// Binds the parent's key as a value of foreign-key column `FK`.
fn bind_key<'a, FK: ColumnDef, K: crate::backend::Encode>(key: &'a K, out: &mut SqlWriter<'a>) {
    // (cast to the key's type when it is a `table!` enum)
    let outer = out.begin_redacting(FK::SENSITIVE);
    out.bind_value_as::<<FK::SqlType as SqlType>::NotNull, _>(key);
    out.end_redacting(outer);
}

/// Whether assignment list `V` names column `name`.
fn sets_column<V: crate::query::AssignList>(name: &str) -> bool {
    let mut columns = SqlWriter::new();
    V::render_columns(&mut columns);
    let mut wanted = SqlWriter::new();
    wanted.ident(name);
    columns.as_sql().split(", ").any(|c| c == wanted.as_sql())
}
