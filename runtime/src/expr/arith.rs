//! How `+ - * /` of integers are written per backend, decided from the operands' SQL types
//! where the operator is built (`flags`) and applied where it is rendered (`render`).
//!
//! - `/` of two integers truncates toward zero, as PostgreSQL's does: MySQL spells it `DIV`
//!   (its `/` gives a decimal); `UInt8`, kept as `numeric` on PostgreSQL, is divided there
//!   with `div(a, b)` (`numeric / numeric` keeps the fraction).
//! - MySQL computes an unsigned integer with a signed one as unsigned and refuses a negative
//!   result; sqlwright types such a result as PostgreSQL types the storage (signed `int8`, or
//!   `numeric` beside a `u64`), so on MySQL the unsigned operand is cast first
//!   (`CAST(x AS SIGNED)`, exact up to `u32::MAX`; `CAST(x AS DECIMAL(20, 0))` for `UInt8`).

use crate::render::{Erased, SqlWriter};
use crate::types::{NumericRank, SqlType};

/// The result is an integer.
const INTEGER: u8 = 1;
/// The result is an integer kept as `numeric` on PostgreSQL (`UInt8`).
const PG_NUMERIC: u8 = 2;
/// The left operand is unsigned, the right a signed integer.
const CAST_LEFT: u8 = 4;
/// The right operand is unsigned, the left a signed integer.
const CAST_RIGHT: u8 = 8;

/// The flags of `L op R`.
#[inline]
pub fn flags<L: SqlType, R: SqlType>() -> u8 {
    type Joined<L, R> = <<L as SqlType>::Rank as NumericRank>::Join<<R as SqlType>::Rank>;
    let signed_int = |unsigned: bool, integer: bool| !unsigned && integer;
    let mut flags = 0;
    if <Joined<L, R> as NumericRank>::IS_INTEGER {
        flags |= INTEGER;
    }
    if <Joined<L, R> as NumericRank>::IS_PG_NUMERIC_INTEGER {
        flags |= PG_NUMERIC;
    }
    if L::UNSIGNED && signed_int(R::UNSIGNED, <R::Rank as NumericRank>::IS_INTEGER) {
        flags |= CAST_LEFT;
    }
    if R::UNSIGNED && signed_int(L::UNSIGNED, <L::Rank as NumericRank>::IS_INTEGER) {
        flags |= CAST_RIGHT;
    }
    flags
}

/// A binary operator as [`render_binary`] writes it: one constant per operator type.
pub(crate) struct Operator {
    /// Its SQL (`=`, `+`, `AND`, ...).
    pub(crate) sql: &'static str,
    /// It is `AND` (an absent side leaves the other alone).
    pub(crate) and: bool,
    /// It is `||` (MySQL writes `CONCAT`).
    pub(crate) concat: bool,
    /// It is `/`.
    pub(crate) div: bool,
}

/// Writes `left op right`: an AND with an absent side (`filter_opt(None)`) as the other
/// side alone, `||` on MySQL as `CONCAT`, integer division and unsigned operands per
/// backend (`flags`); values beside a `#[sensitive]` column redacted in logs. The operands
/// are trait objects and the operator a constant, so this is compiled once, not once per
/// operator and pair of operand types (it was a sixth of the code generated for the compile
/// benchmark's queries), and each operator node's own `render` is one call.
pub(crate) fn render_binary<'a>(
    op: &Operator,
    flags: u8,
    (left, right): (&'a dyn Erased, &'a dyn Erased),
    out: &mut SqlWriter<'a>,
) {
    use crate::backend::Dialect;
    if op.and {
        match (left.absent_erased(), right.absent_erased()) {
            (true, true) => return out.sql("TRUE"),
            (true, false) => return right.render_erased(out),
            (false, true) => return left.render_erased(out),
            (false, false) => {}
        }
    }
    let dialect = out.dialect();
    let sensitive = left.sensitive_erased() || right.sensitive_erased();
    let outer = out.begin_redacting(sensitive);
    if op.concat && dialect == Dialect::Mysql {
        // MySQL's `||` is `OR` unless the session's `sql_mode` says otherwise; `CONCAT`
        // is NULL when either side is, as `||` is elsewhere.
        out.sql("CONCAT(");
        left.render_erased(out);
        out.sql(", ");
        right.render_erased(out);
        out.sql(")");
        out.end_redacting(outer);
        return;
    }
    if op.div && flags & PG_NUMERIC != 0 && dialect == Dialect::Postgres {
        out.sql("div(");
        left.render_erased(out);
        out.sql(", ");
        right.render_erased(out);
        out.sql(")");
        out.end_redacting(outer);
        return;
    }
    let mysql = dialect == Dialect::Mysql;
    let sql = if op.div && flags & INTEGER != 0 && mysql {
        "DIV"
    } else {
        op.sql
    };
    // The target of an unsigned operand's cast beside a signed integer, on MySQL.
    let cast = if flags & INTEGER != 0 {
        " AS SIGNED)"
    } else {
        " AS DECIMAL(20, 0))"
    };
    if mysql && flags & CAST_LEFT != 0 {
        out.sql("CAST(");
        left.render_erased(out);
        out.sql(cast);
    } else {
        operand(left, out);
    }
    out.sql(" ");
    out.sql(sql);
    out.sql(" ");
    if mysql && flags & CAST_RIGHT != 0 {
        out.sql("CAST(");
        right.render_erased(out);
        out.sql(cast);
    } else {
        operand(right, out);
    }
    out.end_redacting(outer);
}

/// [`crate::render::operand`] of a piece behind a pointer.
fn operand<'a>(e: &'a dyn Erased, out: &mut SqlWriter<'a>) {
    if e.atomic_erased() {
        e.render_erased(out);
    } else {
        out.sql("(");
        e.render_erased(out);
        out.sql(")");
    }
}
