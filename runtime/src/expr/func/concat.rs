//! `concat(a, b)`: PostgreSQL's `concat`, which skips NULLs, and its MySQL spelling.

use super::{Func, SqlFunction};
use crate::check::identity::NameId;
use crate::expr::IntoOperand;
use crate::render::{Render, SqlWriter};

/// `concat(..)`, which skips NULLs (so the result is never NULL). MySQL's `CONCAT` is NULL
/// when an argument is; its `CONCAT_WS('', ..)` skips them as PostgreSQL's `concat` does.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConcatFn;
impl SqlFunction for ConcatFn {
    type Needs = ();
    const NAME: &'static str = "concat";
    fn render_call<'a, A: Render>(args: &'a A, out: &mut SqlWriter<'a>) {
        out.sql(if out.dialect() == crate::backend::Dialect::Mysql {
            "CONCAT_WS('', "
        } else {
            "concat("
        });
        args.render(out);
        out.sql(")");
    }
}
impl NameId for ConcatFn {
    type Id = ::sqlwright::__private::name_id!(fn ConcatFn);
}

/// `concat(a, b)` of two values or expressions of any types, as text: NULLs are skipped, so
/// the result is never NULL. For more, nest it: `concat(users::name, concat(" ", users::id))`
/// is what `concat(name, ' ', id)` gives. (`a.concat(b)` is `||`, NULL when either is.)
///
/// Two arguments, like every function here that SQL calls with a list (`coalesce`,
/// `greatest`): Rust has no variadic functions, and `concat(a, b)` is what one writes first.
pub fn concat<A: IntoOperand, B: IntoOperand>(a: A, b: B) -> Func<ConcatFn, (A::Expr, B::Expr)> {
    Func::new((a.into_operand(), b.into_operand()))
}
