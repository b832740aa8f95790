//! Where a locking clause (`FOR UPDATE`, `FOR SHARE`, ..) may stand: PostgreSQL's rules,
//! checked when the query is locked (see `Select::for_update`) and, for the FROM list, when
//! it runs (after any `.of(..)`).
//!
//! PostgreSQL refuses a locking clause on a query whose rows are not rows of tables: with
//! GROUP BY or HAVING, with aggregates, with DISTINCT, with window functions, with
//! UNION/INTERSECT/EXCEPT; and on a table on the optional side of an outer join, whose
//! missing rows cannot be locked. Each rule is one leaf trait whose message names the
//! clause. The rules are chained (the select clause, then the grouping), each asking the
//! next from its passing impl, so a query breaking two of them is still one error; each
//! leaf has one impl, marked `do_not_recommend`, for a type no query part is ([`Unlocked`]),
//! and each rule a method asks has one blanket impl, so that rustc lists no impls under the
//! error. Window functions are left to the server (see docs/design.md).

use super::grouping::{GroupBy, MixedNoGroup, NoGroup};
use super::ids::True;
use super::{Cons, HasSource, Nil, Src};
use crate::query::{Source, Table};
use crate::types::NotNull;

/// A query with select clause `Self` and grouping `G` allows a locking clause: the rule
/// `Select::for_update` asks. One blanket impl, so that rustc reports the rule beneath it
/// that failed, not a list of impls.
pub trait LockRules<G, J> {}
impl<S: LockSelect<G, J>, G, J> LockRules<G, J> for S {}

/// Select clause `Self` allows a locking clause: no DISTINCT; then grouping `G` is asked.
pub trait LockSelect<G, J> {}
impl<C, G: LockGrouping> LockSelect<G, ()> for crate::query::DefaultSelection<C> {}
impl<E, I, G: LockGrouping> LockSelect<G, ()> for crate::query::Selected<E, I> {}
// A select list chosen at run time.
impl<F, G2, G: LockGrouping> LockSelect<G, ()> for crate::query::BoxedColumns<'_, F, G2> {}
impl<S, K: NoDistinct, G> LockSelect<G, ()> for crate::query::Distinct<S, K> {}

/// DISTINCT refuses a locking clause (`Self` is `All` or `On<..>`).
#[diagnostic::on_unimplemented(
    message = "FOR UPDATE / FOR SHARE cannot be used with DISTINCT",
    label = "this query is DISTINCT: a row of its result may stand for several rows of a table",
    note = "lock the rows in a query without DISTINCT"
)]
pub trait NoDistinct {}
#[diagnostic::do_not_recommend]
impl NoDistinct for Unlocked {}

/// Grouping `Self` allows a locking clause: none. HAVING and a select list of aggregates
/// make the query one group (`GroupBy<AllRows>`), so they are refused here too.
pub trait LockGrouping {}
#[diagnostic::do_not_recommend]
impl LockGrouping for NoGroup {}
// A select list mixing aggregates and columns without GROUP BY is reported where the query
// runs (`GroupingComplete`), not a second time here.
#[diagnostic::do_not_recommend]
impl LockGrouping for MixedNoGroup {}
impl<X: NotGrouped> LockGrouping for GroupBy<X> {}

/// Aggregates, GROUP BY and HAVING refuse a locking clause (`Self` is what the query is
/// grouped by: `AllRows` for aggregates without GROUP BY).
#[diagnostic::on_unimplemented(
    message = "FOR UPDATE / FOR SHARE cannot be used with aggregate functions, GROUP BY or HAVING",
    label = "this query groups its rows: a group is not a row of a table",
    note = "lock the rows in a query without grouping, and aggregate in another statement"
)]
pub trait NotGrouped {}
#[diagnostic::do_not_recommend]
impl NotGrouped for Unlocked {}

/// A type no query part is: the one impl of each leaf rule here, so that rustc does not list
/// the rule's other impls under an error.
pub struct Unlocked;

/// A source a locking clause may lock: a stored table, or an alias of one. A derived table
/// or a CTE is not (name the tables to lock with `.of(..)`).
pub trait LockableSource: Source {}
impl<S: Source> LockableSource for S where <S::Table as Table>::Stored: Stored<S> {}

/// The answer "`S` is a stored table" must be yes.
#[diagnostic::on_unimplemented(
    message = "FOR UPDATE / FOR SHARE cannot lock `{S}`: it is a derived table or a CTE, not a stored table",
    label = "the rows of `{S}` are computed by a query",
    note = "name the stored tables to lock with `.of(..)`"
)]
pub trait Stored<S> {}
#[diagnostic::do_not_recommend]
impl<S> Stored<S> for True {}

/// Nullability `Self` of source `S` in the FROM list allows locking `S`: not the optional side
/// of an outer join.
#[diagnostic::on_unimplemented(
    message = "FOR UPDATE / FOR SHARE cannot lock `{S}`: it is on the nullable side of an outer join",
    label = "a missing row cannot be locked: lock only the other tables, with `.of(..)`"
)]
pub trait LockableSide<S> {}
#[diagnostic::do_not_recommend]
impl<S> LockableSide<S> for NotNull {}

/// The sources that locking scope `L` locks in FROM list `Self` can be locked: with no `OF`
/// ([`AllSources`](crate::query::AllSources)) every source must be (a stored table or an
/// alias of one, not on the nullable side of an outer join), checked where the query runs;
/// an `OF` list was checked by `.of(..)`. `B` is the backend of the connection it runs on, so
/// that rustc reports a failure with the leaf rule's message after choosing the method (see
/// docs/design.md, "Compile errors").
pub trait LockableFrom<L, B> {}

/// A connection (`Self`) runs a query locking the sources `L` of FROM list `F`: the rule the
/// run methods ask (one blanket impl over [`LockableFrom`]).
pub trait RunsLocked<F, L> {}
impl<C: crate::engine::Runner + ?Sized, F: LockableFrom<L, C::Backend>, L> RunsLocked<F, L> for C {}
impl<B> LockableFrom<crate::query::AllSources, B> for Nil {}
impl<S: LockableSource, N: LockableSide<S>, T: LockableFrom<crate::query::AllSources, B>, B>
    LockableFrom<crate::query::AllSources, B> for Cons<Src<S, N>, T>
{
}
impl<F, T, I, B> LockableFrom<crate::query::Of<T, I>, B> for F {}

/// The `OF` list `Self` (a source or a tuple of them) names sources of FROM list `F` that
/// can be locked; `I` is the inferred index. (The rule `.of(..)` asks: one blanket impl over
/// [`LockTargets`].)
pub trait OfList<F, I> {}
impl<T: LockTargets<F, I>, F, I> OfList<F, I> for T {}

/// [`OfList`], per source and tuple.
pub trait LockTargets<F, I> {}

impl<S: LockableSource, F: HasSource<S, I>, I> LockTargets<F, I> for S where F::Null: LockableSide<S>
{}

/// The names an `OF` list writes (checked by [`LockTargets`] where it was given).
pub trait TargetNames {
    /// Writes the names, comma separated.
    fn render_names(out: &mut crate::render::SqlWriter<'_>);
}

impl<S: Source> TargetNames for S {
    fn render_names(out: &mut crate::render::SqlWriter<'_>) {
        out.ident(S::NAME);
    }
}

macro_rules! lock_target_tuples {
    ($(($s0:ident $i0:ident $($s:ident $i:ident)+))*) => {$(
        impl<F, $s0: LockTargets<F, $i0>, $i0, $($s: LockTargets<F, $i>, $i),+>
            LockTargets<F, ($i0, $($i,)+)> for ($s0, $($s,)+)
        {
        }

        impl<$s0: TargetNames, $($s: TargetNames),+> TargetNames for ($s0, $($s,)+) {
            fn render_names(out: &mut crate::render::SqlWriter<'_>) {
                $s0::render_names(out);
                $(
                    out.sql(", ");
                    $s::render_names(out);
                )+
            }
        }
    )*};
}
lock_target_tuples! {
    (S0 I0 S1 I1)
    (S0 I0 S1 I1 S2 I2)
    (S0 I0 S1 I1 S2 I2 S3 I3)
}
