//! `extract`, `date_part` and `date_trunc`: a field of a date or time value, and a
//! timestamp truncated to a field, with PostgreSQL's result types. On MySQL each field is
//! a MySQL expression that gives PostgreSQL's value (`mysql_dates.rs`).

use super::fields::{ExtractField, TruncField};
use super::mysql_dates::{write_form, Func};
use super::operand::as_expr_for;
use super::signatures::{HasFields, Truncatable};
use super::Expression;
use crate::backend::needs::Both;
use crate::backend::Dialect;
use crate::check::identity::{ExprKey, NodeOf};
use crate::check::AppearsIn;
use crate::render::{Render, SqlWriter};
use crate::types::*;

/// `EXTRACT(field FROM value)`: `numeric` (PostgreSQL 14 and later; before 14 it was
/// `double precision`), nullable as `value`. `K` is the field's kind: [`Field`](super::Field)
/// (chosen at run time) or a type of [`fields`](super::fields).
#[derive(Clone, Copy)]
pub struct Extract<K, E> {
    field: K,
    expr: E,
}

/// `date_part('field', value)`: the field as `double precision`, nullable as `value`.
#[derive(Clone, Copy)]
pub struct DatePart<K, E> {
    field: K,
    expr: E,
}

/// `date_trunc('field', value)`: the value with everything below `field` set to its
/// lowest (a `timestamp`, `timestamptz` or `interval` stays one; a `date` becomes a
/// `timestamptz`, as PostgreSQL reads it).
#[derive(Clone, Copy)]
pub struct DateTrunc<K, E> {
    field: K,
    expr: E,
}

/// `EXTRACT(field FROM value)` of a date, time, timestamp or interval, as `numeric`.
/// `field` is a [`Field`](super::Field) or one of [`fields`](super::fields)' types
/// (`fields::Year`, ...).
pub fn extract<K: ExtractField, E: Expression>(field: K, e: E) -> Extract<K, E>
where
    <E::SqlType as SqlType>::NotNull: HasFields,
{
    Extract { field, expr: e }
}

/// `date_part('field', value)`: [`extract`] as `double precision`.
pub fn date_part<K: ExtractField, E: Expression>(field: K, e: E) -> DatePart<K, E>
where
    <E::SqlType as SqlType>::NotNull: HasFields,
{
    DatePart { field, expr: e }
}

/// `date_trunc('field', value)` of a timestamp, a date or an interval: the value truncated
/// to `field` (`microseconds` to `millennium`; `week` begins on Monday).
pub fn date_trunc<K: TruncField, E: Expression>(field: K, e: E) -> DateTrunc<K, E>
where
    <E::SqlType as SqlType>::NotNull: Truncatable,
{
    DateTrunc { field, expr: e }
}

// ---- the SQL types -------------------------------------------------------------------------

impl<K, E: Expression> Expression for Extract<K, E> {
    type SqlType = NullableAs<E::SqlType, Numeric>;
}
impl<K, E: AppearsIn<F, I, Lifted: SqlType>, F, I> AppearsIn<F, I> for Extract<K, E> {
    type Lifted = NullableAs<E::Lifted, Numeric>;
}

impl<K, E: Expression> Expression for DatePart<K, E> {
    type SqlType = NullableAs<E::SqlType, Float8>;
}
impl<K, E: AppearsIn<F, I, Lifted: SqlType>, F, I> AppearsIn<F, I> for DatePart<K, E> {
    type Lifted = NullableAs<E::Lifted, Float8>;
}

impl<K, E: Expression> Expression for DateTrunc<K, E>
where
    <E::SqlType as SqlType>::NotNull: Truncatable,
{
    type SqlType = NullableAs<E::SqlType, <<E::SqlType as SqlType>::NotNull as Truncatable>::Out>;
}
impl<K, E: AppearsIn<F, I, Lifted: SqlType>, F, I> AppearsIn<F, I> for DateTrunc<K, E>
where
    <E::Lifted as SqlType>::NotNull: Truncatable,
{
    type Lifted = NullableAs<E::Lifted, <<E::Lifted as SqlType>::NotNull as Truncatable>::Out>;
}

// ---- grouping and identity ------------------------------------------------------------------

crate::check::identity::keyed_grouping!([K, E,] Extract<K, E> => E);
crate::check::identity::keyed_grouping!([K, E,] DatePart<K, E> => E);
crate::check::identity::keyed_grouping!([K, E,] DateTrunc<K, E> => E);

// The field is a value, not part of the identity: `date_trunc(Field::Year, d)` matches
// `date_trunc(Field::Month, d)` here, and PostgreSQL tells them apart.
impl<K, E: ExprKey> ExprKey for Extract<K, E> {
    type Id = NodeOf<ExtractNode, (E,)>;
}
impl<K, E: ExprKey> ExprKey for DatePart<K, E> {
    type Id = NodeOf<DatePartNode, (E,)>;
}
impl<K, E: ExprKey> ExprKey for DateTrunc<K, E> {
    type Id = NodeOf<DateTruncNode, (E,)>;
}

crate::check::identity::name_ids! {
    ExtractNode = extract;
    DatePartNode = date_part;
    DateTruncNode = date_trunc;
}

// ---- rendering ------------------------------------------------------------------------------

impl<K: ExtractField, E: Render + Expression> Render for Extract<K, E>
where
    <E::SqlType as SqlType>::NotNull: HasFields,
{
    type Needs = Both<K::NeedsOn<<E::SqlType as SqlType>::NotNull>, E::Needs>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        let field = self.field.field();
        if out.dialect() == Dialect::Mysql {
            let kind = <<E::SqlType as SqlType>::NotNull as HasFields>::KIND;
            return write_form(out, Func::Extract, field, kind, &self.expr);
        }
        out.sql("EXTRACT(");
        out.sql(field.sql());
        out.sql(" FROM ");
        self.expr.render(out);
        out.sql(")");
    }
    fn is_atomic(&self) -> bool {
        true
    }
}

impl<K: ExtractField, E: Render + Expression> Render for DatePart<K, E>
where
    <E::SqlType as SqlType>::NotNull: HasFields,
{
    type Needs = Both<K::NeedsOn<<E::SqlType as SqlType>::NotNull>, E::Needs>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        let field = self.field.field();
        if out.dialect() == Dialect::Mysql {
            let kind = <<E::SqlType as SqlType>::NotNull as HasFields>::KIND;
            return write_form(out, Func::DatePart, field, kind, &self.expr);
        }
        call(out, "date_part('", field, &self.expr);
    }
    fn is_atomic(&self) -> bool {
        true
    }
}

impl<K: ExtractField, E: Render + Expression> Render for DateTrunc<K, E>
where
    <E::SqlType as SqlType>::NotNull: Truncatable,
{
    type Needs = Both<<<E::SqlType as SqlType>::NotNull as Truncatable>::Needs, E::Needs>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        let field = self.field.field();
        if out.dialect() == Dialect::Mysql {
            let kind = <<E::SqlType as SqlType>::NotNull as HasFields>::KIND;
            return write_form(out, Func::DateTrunc, field, kind, &self.expr);
        }
        call(out, "date_trunc('", field, &self.expr);
    }
    fn is_atomic(&self) -> bool {
        true
    }
}

/// `name('field', value)`: the field as a text literal, written by sqlwright from the enum,
/// so that the same call written twice is the same expression to PostgreSQL (`GROUP BY`
/// matching, expression indexes), which two parameters would not be.
fn call<'a, E: Render>(out: &mut SqlWriter<'a>, open: &str, field: super::Field, e: &'a E) {
    out.sql(open);
    out.sql(field.sql());
    out.sql("', ");
    e.render(out);
    out.sql(")");
}

crate::__impl_operators!([K, E: Expression,] Extract<K, E>);
crate::__impl_operators!([K, E: Expression,] DatePart<K, E>);
crate::__impl_operators!([K, E: Expression,] DateTrunc<K, E>);
as_expr_for! { [K, E,] Extract<K, E>; [K, E,] DatePart<K, E>; [K, E,] DateTrunc<K, E>; }
