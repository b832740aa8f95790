//! ON CONFLICT (upserts): the target, its check, and the clause as each backend writes it.

use super::assign::AssignList;
use super::meta::TableMeta;
use super::returning::ReturningClause;
use super::{upsert_mysql, Col, ColumnDef, Source, Table};
use crate::backend::Dialect;
use crate::check::ids::{Bool, IdEq};
use crate::check::writes::{ColumnItem, IsUniqueKey, TargetVerdict};
use crate::render::SqlWriter;
use std::marker::PhantomData;

/// No ON CONFLICT clause.
#[derive(Clone, Copy, Default)]
pub struct NoConflict;
/// `ON CONFLICT [(target)] DO NOTHING`.
pub struct DoNothing<K>(pub(super) PhantomData<K>);
/// `ON CONFLICT (target) DO UPDATE SET ...`.
pub struct DoUpdate<K, S> {
    pub(super) set: S,
    pub(super) _target: PhantomData<K>,
}
/// No conflict target: any constraint.
pub struct AnyConstraint;

/// The columns of an ON CONFLICT target as they are written: a column, or a tuple of them.
pub trait TargetNames {
    /// Writes `"a", "b"`.
    fn render_target(out: &mut SqlWriter<'_>);
    /// The columns' SQL names, in order (MySQL's check of the target).
    fn names(into: &mut Vec<&'static str>);
}

impl<M: ColumnDef> TargetNames for Col<M> {
    fn render_target(out: &mut SqlWriter<'_>) {
        out.ident(M::NAME);
    }
    fn names(into: &mut Vec<&'static str>) {
        into.push(M::NAME);
    }
}

/// A conflict target of table `T`: a column, or a tuple of columns. Whether it is a key of
/// `T` is computed (from [`ConflictTarget::Positions`]), so that every mistake is one error.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a conflict target",
    note = "name the columns of a unique constraint: `on_conflict(users::email)`"
)]
pub trait ConflictTarget<T>: TargetNames {
    /// The columns' positions, a tuple.
    type Positions;
    /// The columns' marker types (`users::email`, or a tuple), for messages.
    type Names;
    /// [`True`](crate::check::ids::True) when every column is a column of `T`.
    type Own: Bool;
}

/// Whether column `M` is a column of table `T`.
type OwnColumn<M, T> = <<<M as ColumnDef>::Table as Source>::Id as IdEq<<T as Source>::Id>>::Out;

impl<M: ColumnDef, T: Table> ConflictTarget<T> for Col<M>
where
    <M::Table as Source>::Id: IdEq<T::Id>,
{
    type Positions = (M::Position,);
    type Names = M;
    type Own = OwnColumn<M, T>;
}

macro_rules! conflict_targets {
    ($(($first:ident $($t:ident)*))*) => {$(
        impl<$first: TargetNames, $($t: TargetNames),*> TargetNames for ($first, $($t,)*) {
            fn render_target(out: &mut SqlWriter<'_>) {
                $first::render_target(out);
                $( out.sql(", "); $t::render_target(out); )*
            }
            fn names(into: &mut Vec<&'static str>) {
                $first::names(into);
                $( $t::names(into); )*
            }
        }
        impl<Tb, $first, $($t),*> ConflictTarget<Tb> for ($first, $($t,)*)
        where
            $first: ConflictTarget<Tb> + ColumnItem,
            $($t: ConflictTarget<Tb> + ColumnItem,)*
        {
            type Positions = ($first::Position, $($t::Position,)*);
            type Names = ($first::Column, $($t::Column,)*);
            type Own = conflict_targets!(@own Tb $first $($t)*);
        }
    )*};
    (@own $tb:ident $only:ident) => { <$only as ConflictTarget<$tb>>::Own };
    (@own $tb:ident $first:ident $($t:ident)+) => {
        <<$first as ConflictTarget<$tb>>::Own as Bool>::And<conflict_targets!(@own $tb $($t)+)>
    };
}
conflict_targets! { (A) (A B) (A B C) (A B C D) (A B C D E) (A B C D E F) }

/// A conflict target `Self` that is a unique key of `T`: checked by `on_conflict`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a conflict target of `{T}`",
    note = "name the columns of the primary key or of a unique constraint: `on_conflict(users::email)`"
)]
pub trait UniqueTarget<T> {}
impl<T, K> UniqueTarget<T> for K
where
    T: Table,
    K: ConflictTarget<T>,
    T::UniqueKeys: IsUniqueKey<K::Positions>,
    (K::Own, <T::UniqueKeys as IsUniqueKey<K::Positions>>::Out): TargetVerdict<K::Names, T>,
{
}

/// The ON CONFLICT clause of an INSERT (on MySQL, `ON DUPLICATE KEY UPDATE`).
pub trait ConflictClause {
    /// What the clause needs of the backend (the values of DO UPDATE SET).
    type Needs: crate::backend::Needs;
    /// What it needs with RETURNING clause `R`.
    type Returned<R: ReturningClause>: crate::backend::Needs;
    /// Writes ` ON CONFLICT ...` or nothing, for an INSERT into the table `meta` describes.
    fn render_conflict<'a>(&'a self, out: &mut SqlWriter<'a>, meta: &'static TableMeta);
}
impl ConflictClause for NoConflict {
    type Needs = ();
    type Returned<R: ReturningClause> = ();
    fn render_conflict<'a>(&'a self, _: &mut SqlWriter<'a>, _: &'static TableMeta) {}
}
impl ConflictClause for DoNothing<AnyConstraint> {
    type Needs = ();
    type Returned<R: ReturningClause> = R::OnDoNothing;
    fn render_conflict<'a>(&'a self, out: &mut SqlWriter<'a>, meta: &'static TableMeta) {
        if out.dialect() == Dialect::Mysql {
            // Any key: exactly MySQL's meaning. A table has at least one column.
            upsert_mysql::do_nothing(out, meta.columns[0].sql_name);
            return;
        }
        out.sql(" ON CONFLICT DO NOTHING");
    }
}
impl<K: TargetNames> ConflictClause for DoNothing<(K,)> {
    type Needs = ();
    type Returned<R: ReturningClause> = R::OnDoNothing;
    fn render_conflict<'a>(&'a self, out: &mut SqlWriter<'a>, meta: &'static TableMeta) {
        if out.dialect() == Dialect::Mysql {
            let mut names = Vec::new();
            K::names(&mut names);
            upsert_mysql::check_target(out, meta, &names);
            upsert_mysql::do_nothing(out, names[0]);
            return;
        }
        out.sql(" ON CONFLICT (");
        K::render_target(out);
        out.sql(") DO NOTHING");
    }
}
impl<K: TargetNames, S: AssignList> ConflictClause for DoUpdate<K, S> {
    type Needs = S::Needs;
    type Returned<R: ReturningClause> = ();
    fn render_conflict<'a>(&'a self, out: &mut SqlWriter<'a>, meta: &'static TableMeta) {
        if out.dialect() == Dialect::Mysql {
            let mut names = Vec::new();
            K::names(&mut names);
            upsert_mysql::check_target(out, meta, &names);
            if let Some(marks) = out.mysql_marks() {
                marks.upsert_counts_rows = true;
            }
            out.sql(" ON DUPLICATE KEY UPDATE ");
            self.set.render_set(out);
            return;
        }
        out.sql(" ON CONFLICT (");
        K::render_target(out);
        out.sql(") DO UPDATE SET ");
        self.set.render_set(out);
    }
}
