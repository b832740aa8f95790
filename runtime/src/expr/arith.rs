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

use crate::render::{operand, Render, SqlWriter};
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

/// Writes `left op right` (`op` is `sql`; `div` says it is `/`) as `flags` and the dialect
/// say, its values redacted when `sensitive`.
#[inline]
pub(crate) fn render<'a, L: Render, R: Render>(
    sql: &'static str,
    div: bool,
    flags: u8,
    (left, right): (&'a L, &'a R),
    sensitive: bool,
    out: &mut SqlWriter<'a>,
) {
    use crate::backend::Dialect;
    let dialect = out.dialect();
    if div && flags & PG_NUMERIC != 0 && dialect == Dialect::Postgres {
        return out.redacting(sensitive, |out| {
            out.sql("div(");
            left.render(out);
            out.sql(", ");
            right.render(out);
            out.sql(")");
        });
    }
    let mysql = dialect == Dialect::Mysql;
    let sql = if div && flags & INTEGER != 0 && mysql {
        "DIV"
    } else {
        sql
    };
    // The target of an unsigned operand's cast beside a signed integer, on MySQL.
    let cast = if flags & INTEGER != 0 {
        " AS SIGNED)"
    } else {
        " AS DECIMAL(20, 0))"
    };
    out.redacting(sensitive, |out| {
        if mysql && flags & CAST_LEFT != 0 {
            out.sql("CAST(");
            left.render(out);
            out.sql(cast);
        } else {
            operand(left, out);
        }
        out.sql(" ");
        out.sql(sql);
        out.sql(" ");
        if mysql && flags & CAST_RIGHT != 0 {
            out.sql("CAST(");
            right.render(out);
            out.sql(cast);
        } else {
            operand(right, out);
        }
    });
}
