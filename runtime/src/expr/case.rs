//! `CASE WHEN .. THEN .. ELSE .. END`.
//!
//! The first `THEN` fixes the result's SQL type; every later `THEN` and the `ELSE` must be of
//! that type (a mismatch does not compile, at the branch). The result is nullable when a
//! branch is, or when there is no `ELSE` (no branch matching gives NULL).

use super::operand::{ctx, Branch, IsBool, SameBranchType};
use super::{Expression, IntoOperand, Shown, ShownAs};
use crate::check::{AppearsIn, Mix, ValidGrouping};
use crate::render::{Render, SqlWriter};
use crate::types::*;

/// `CASE WHEN cond THEN value` ... without `ELSE` (yet): `Prev` holds earlier branches.
pub struct CaseWhen<Prev, C, T> {
    prev: Prev,
    cond: C,
    then: T,
}

/// `ELSE value`.
pub struct Else<E>(E);

/// A complete `CASE` expression; `E` is [`Else`] or [`NoElse`].
pub struct Case<W, E> {
    whens: W,
    otherwise: E,
}

/// No `ELSE` branch: the result is NULL when no condition holds.
#[derive(Clone, Copy, Default)]
pub struct NoElse;

/// Starts `CASE WHEN condition THEN value`: `value` (an expression, or a Rust value of its
/// natural SQL type) fixes the type of every branch.
pub fn case_when<C, T: IntoOperand>(condition: C, then: T) -> CaseWhen<(), C, T::Expr>
where
    C: Expression + Shown,
    ShownAs<C>: IsBool<C::SqlType, ctx::case_when>,
{
    CaseWhen {
        prev: (),
        cond: condition,
        then: then.into_operand(),
    }
}

/// The declared type of the first branch: the type every branch must have.
pub type CaseType<W> = <<W as CaseBranches>::First as SqlType>::NotNull;

/// The branches of a `CASE`: the first branch's type.
pub trait CaseBranches {
    /// The declared type of the first `THEN`.
    type First: SqlType;
}
impl<C, T: Expression> CaseBranches for CaseWhen<(), C, T> {
    type First = T::SqlType;
}
impl<P2, C2, T2, C, T> CaseBranches for CaseWhen<CaseWhen<P2, C2, T2>, C, T>
where
    CaseWhen<P2, C2, T2>: CaseBranches,
{
    type First = <CaseWhen<P2, C2, T2> as CaseBranches>::First;
}

impl<P, C, T> CaseWhen<P, C, T>
where
    Self: CaseBranches,
{
    /// Adds `WHEN condition THEN value`; `value` must have the first branch's type.
    pub fn when<C2, T2>(self, condition: C2, then: T2) -> CaseWhen<Self, C2, T2::Expr>
    where
        C2: Expression + Shown,
        ShownAs<C2>: IsBool<C2::SqlType, ctx::case_when>,
        T2: Branch<CaseType<Self>>,
        T2::Shown: SameBranchType<CaseType<Self>, T2::SqlType>,
    {
        CaseWhen {
            prev: self,
            cond: condition,
            then: then.into_branch(),
        }
    }
    /// Ends with `ELSE value`; `value` must have the first branch's type.
    pub fn otherwise<E>(self, value: E) -> Case<Self, Else<E::Expr>>
    where
        E: Branch<CaseType<Self>>,
        E::Shown: SameBranchType<CaseType<Self>, E::SqlType>,
    {
        Case {
            whens: self,
            otherwise: Else(value.into_branch()),
        }
    }
    /// Ends without `ELSE`: NULL when no condition holds.
    pub fn end(self) -> Case<Self, NoElse> {
        Case {
            whens: self,
            otherwise: NoElse,
        }
    }
}

/// The nullability of the branches, seen through the FROM list `F`.
pub trait BranchesIn<F, I> {
    /// `Null` when a `THEN` may be NULL.
    type N: Nullability;
}
impl<F, C, T, IC, IT> BranchesIn<F, (IC, IT)> for CaseWhen<(), C, T>
where
    C: AppearsIn<F, IC, Lifted: BoolLike>,
    T: AppearsIn<F, IT, Lifted: SqlType>,
{
    type N = <T::Lifted as SqlType>::Nullability;
}
impl<F, P2, C2, T2, C, T, IP, IC, IT> BranchesIn<F, (IP, IC, IT)>
    for CaseWhen<CaseWhen<P2, C2, T2>, C, T>
where
    CaseWhen<P2, C2, T2>: BranchesIn<F, IP>,
    C: AppearsIn<F, IC, Lifted: BoolLike>,
    T: AppearsIn<F, IT, Lifted: SqlType>,
{
    type N = <<CaseWhen<P2, C2, T2> as BranchesIn<F, IP>>::N as Nullability>::Or<
        <T::Lifted as SqlType>::Nullability,
    >;
}

/// The declared nullability of the branches.
pub trait BranchesNull {
    /// `Null` when a declared `THEN` type is nullable.
    type N: Nullability;
}
impl<C, T: Expression> BranchesNull for CaseWhen<(), C, T> {
    type N = <T::SqlType as SqlType>::Nullability;
}
impl<P2, C2, T2, C, T: Expression> BranchesNull for CaseWhen<CaseWhen<P2, C2, T2>, C, T>
where
    CaseWhen<P2, C2, T2>: BranchesNull,
{
    type N = <<CaseWhen<P2, C2, T2> as BranchesNull>::N as Nullability>::Or<
        <T::SqlType as SqlType>::Nullability,
    >;
}

/// The `ELSE` part: its nullability.
pub trait ElseBranch {
    /// Declared nullability (`Null` when there is no `ELSE`).
    type N: Nullability;
}
impl ElseBranch for NoElse {
    type N = Null;
}
impl<E: Expression> ElseBranch for Else<E> {
    type N = <E::SqlType as SqlType>::Nullability;
}

/// The `ELSE` part seen through FROM list `F`.
pub trait ElseIn<F, I> {
    /// Nullability there.
    type N: Nullability;
}
impl<F> ElseIn<F, ()> for NoElse {
    type N = Null;
}
impl<F, E: AppearsIn<F, I, Lifted: SqlType>, I> ElseIn<F, I> for Else<E> {
    type N = <E::Lifted as SqlType>::Nullability;
}

type Or<A, B> = <A as Nullability>::Or<B>;

impl<W: CaseBranches + BranchesNull, E: ElseBranch> Expression for Case<W, E> {
    type SqlType = <Or<W::N, E::N> as Nullability>::Apply<CaseType<W>>;
}

impl<W, E, F, IW, IE> AppearsIn<F, (IW, IE)> for Case<W, E>
where
    W: CaseBranches + BranchesIn<F, IW>,
    E: ElseIn<F, IE>,
{
    type Lifted = <Or<W::N, E::N> as Nullability>::Apply<CaseType<W>>;
}

/// The grouping kind of the branches.
pub trait BranchesGrouping<G, J> {
    /// Their kind.
    type Kind;
}
impl<G, C, T, JC, JT> BranchesGrouping<G, (JC, JT)> for CaseWhen<(), C, T>
where
    C: ValidGrouping<G, JC>,
    T: ValidGrouping<G, JT>,
    C::Kind: Mix<T::Kind>,
{
    type Kind = <C::Kind as Mix<T::Kind>>::Out;
}
impl<G, P2, C2, T2, C, T, JP, JC, JT> BranchesGrouping<G, (JP, JC, JT)>
    for CaseWhen<CaseWhen<P2, C2, T2>, C, T>
where
    CaseWhen<P2, C2, T2>: BranchesGrouping<G, JP>,
    C: ValidGrouping<G, JC>,
    T: ValidGrouping<G, JT>,
    (
        (<CaseWhen<P2, C2, T2> as BranchesGrouping<G, JP>>::Kind,),
        C::Kind,
        T::Kind,
    ): super::MixAll,
{
    type Kind = <(
        (<CaseWhen<P2, C2, T2> as BranchesGrouping<G, JP>>::Kind,),
        C::Kind,
        T::Kind,
    ) as super::MixAll>::Out;
}

impl<G, W: BranchesGrouping<G, JW>, JW> ValidGrouping<G, (JW, ())> for Case<W, NoElse> {
    type Kind = W::Kind;
}
impl<G, W: BranchesGrouping<G, JW>, E: ValidGrouping<G, JE>, JW, JE> ValidGrouping<G, (JW, JE)>
    for Case<W, Else<E>>
where
    W::Kind: Mix<E::Kind>,
{
    type Kind = <W::Kind as Mix<E::Kind>>::Out;
}

/// Writes the `WHEN .. THEN ..` branches.
pub trait RenderBranches {
    /// What the branches need of the backend.
    type Needs: crate::backend::Needs;
    /// Writes them in order.
    fn render_branches<'a>(&'a self, out: &mut SqlWriter<'a>);
}
impl RenderBranches for () {
    type Needs = ();
    fn render_branches<'a>(&'a self, _: &mut SqlWriter<'a>) {}
}
impl<P: RenderBranches, C: Render, T: Render> RenderBranches for CaseWhen<P, C, T> {
    type Needs = crate::backend::needs::All3<P::Needs, C::Needs, T::Needs>;
    fn render_branches<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.prev.render_branches(out);
        out.sql(" WHEN ");
        self.cond.render(out);
        out.sql(" THEN ");
        self.then.render(out);
    }
}

impl<W: RenderBranches> Render for Case<W, NoElse> {
    type Needs = W::Needs;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql("CASE");
        self.whens.render_branches(out);
        out.sql(" END");
    }
    fn is_atomic(&self) -> bool {
        true
    }
}
impl<W: RenderBranches, E: Render> Render for Case<W, Else<E>> {
    type Needs = crate::backend::needs::Both<W::Needs, E::Needs>;
    fn render<'a>(&'a self, out: &mut SqlWriter<'a>) {
        out.sql("CASE");
        self.whens.render_branches(out);
        out.sql(" ELSE ");
        self.otherwise.0.render(out);
        out.sql(" END");
    }
    fn is_atomic(&self) -> bool {
        true
    }
}

crate::__impl_operators!([W: CaseBranches + BranchesNull, E: ElseBranch,] Case<W, E>);
super::func::as_expr_for! { [W, E,] Case<W, E>; }

crate::check::identity::opaque_keys! {
    [W, E] Case<W, E>;
}
