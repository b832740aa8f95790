//! Render pieces behind a pointer: [`DynRender`] for boxed queries' pieces, and the
//! crate's own [`Erased`], through which a binary operator renders its operands.

use super::{Render, SqlWriter};

/// A [`Render`] piece behind a pointer, with its needs erased: the pieces of boxed queries
/// (WHERE, ORDER BY and select lists chosen at run time).
pub trait DynRender {
    /// [`Render::render`].
    fn render_dyn<'a>(&'a self, out: &mut SqlWriter<'a>);
    /// [`Render::render_select`].
    fn render_select_dyn<'a>(&'a self, out: &mut SqlWriter<'a>);
    /// [`Render::is_atomic`].
    fn is_atomic_dyn(&self) -> bool;
    /// [`Render::is_sensitive`].
    fn is_sensitive_dyn(&self) -> bool;
}

impl<T: Render> DynRender for T {
    fn render_dyn<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.render(out);
    }
    fn render_select_dyn<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.render_select(out);
    }
    fn is_atomic_dyn(&self) -> bool {
        self.is_atomic()
    }
    fn is_sensitive_dyn(&self) -> bool {
        self.is_sensitive()
    }
}

/// A [`Render`] piece behind a pointer, for the library's own writers that are compiled
/// once rather than once per piece type (a binary operator's, `expr/arith.rs`): what such
/// a writer asks of a piece is behind the pointer, so the node that calls it passes two
/// pointers and compiles to one call. See docs/design.md, "Compile time: less code per
/// query".
pub(crate) trait Erased {
    /// [`Render::render`].
    fn render_erased<'a>(&'a self, out: &mut SqlWriter<'a>);
    /// [`Render::is_atomic`].
    fn atomic_erased(&self) -> bool;
    /// [`Render::is_absent`].
    fn absent_erased(&self) -> bool;
    /// [`Render::is_sensitive`].
    fn sensitive_erased(&self) -> bool;
}

impl<T: Render> Erased for T {
    fn render_erased<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.render(out);
    }
    fn atomic_erased(&self) -> bool {
        self.is_atomic()
    }
    fn absent_erased(&self) -> bool {
        self.is_absent()
    }
    fn sensitive_erased(&self) -> bool {
        self.is_sensitive()
    }
}

/// A boxed piece needs nothing the type system can still see: boxed queries are checked for
/// their backend when each piece is added (see [`crate::query::Select::into_boxed`]). It is
/// `Send`, so a boxed query runs on an async connection too.
impl Render for Box<dyn DynRender + Send + '_> {
    type Needs = ();
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        (**self).render_dyn(out);
    }
    fn render_select<'a>(&'a self, out: &mut SqlWriter<'a>) {
        (**self).render_select_dyn(out);
    }
    fn is_atomic(&self) -> bool {
        (**self).is_atomic_dyn()
    }
    fn is_sensitive(&self) -> bool {
        (**self).is_sensitive_dyn()
    }
}
