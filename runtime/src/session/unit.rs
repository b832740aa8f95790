//! The mode-free part of a session: the pending rows (grouped by struct type) and
//! statements, what they will write and in which order, and which item a failed commit
//! stopped at. [`Session`](super::Session) and the async session keep their pending work
//! in a [`Unit`], each with its own boxes (the async one's are `Send` and run as futures).

use super::{Pending, SessionInsert};
use crate::backend::Dialect;
use crate::query::{TableMeta, WriteStatement};
use crate::render::SqlWriter;
use std::any::{Any, TypeId};
use std::marker::PhantomData;

/// The pending rows of one struct type, whatever runs them.
pub(super) trait Group {
    fn table(&self) -> &'static TableMeta;
    fn len(&self) -> usize;
    fn as_any(&mut self) -> &mut dyn Any;
}

/// A pending statement, whatever runs it.
pub(super) trait Described {
    /// The SQL text in `dialect`, for [`Pending::Statement`].
    fn sql(&self, dialect: Dialect) -> String;
}

/// The rows of struct type `S` for table `T` (`I`: the inferred check index).
pub(super) struct Rows<S, T, I>(pub(super) Vec<S>, PhantomData<fn() -> (T, I)>);

impl<S: SessionInsert<T, I>, T: 'static, I: 'static> Group for Rows<S, T, I> {
    fn table(&self) -> &'static TableMeta {
        S::table_meta()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn as_any(&mut self) -> &mut dyn Any {
        self
    }
}

/// A pending write statement.
pub(super) struct Write<S>(pub(super) S);

impl<S: WriteStatement> Described for Write<S> {
    fn sql(&self, dialect: Dialect) -> String {
        let mut out = SqlWriter::for_dialect(dialect);
        self.0.render_statement(&mut out);
        out.finish().sql
    }
}

/// Pending work: insert groups boxed as `G`, statements boxed as `W`.
pub(super) struct Unit<G: ?Sized, W: ?Sized> {
    pub(super) inserts: Vec<(TypeId, Box<G>)>,
    pub(super) writes: Vec<Box<W>>,
    /// The item the last commit failed at (a copy: adding work later does not move it).
    failed: Option<Pending>,
    /// How the connection spells SQL: statements are shown as they will be sent.
    dialect: Dialect,
}

impl<G: Group + ?Sized, W: Described + ?Sized> Unit<G, W> {
    pub(super) fn new(dialect: Dialect) -> Self {
        Unit {
            inserts: Vec::new(),
            writes: Vec::new(),
            failed: None,
            dialect,
        }
    }

    /// Adds rows of type `S` to its group; `boxed` boxes the group the first time.
    pub(super) fn add_rows<S: SessionInsert<T, I>, T: 'static, I: 'static>(
        &mut self,
        rows: impl IntoIterator<Item = S>,
        boxed: impl FnOnce(Rows<S, T, I>) -> Box<G>,
    ) {
        let id = TypeId::of::<Rows<S, T, I>>();
        let index = match self.inserts.iter().position(|(t, _)| *t == id) {
            Some(i) => i,
            None => {
                self.inserts
                    .push((id, boxed(Rows(Vec::new(), PhantomData))));
                self.inserts.len() - 1
            }
        };
        if let Some(group) = self.inserts[index]
            .1
            .as_any()
            .downcast_mut::<Rows<S, T, I>>()
        {
            group.0.extend(rows);
        }
    }

    pub(super) fn add_write(&mut self, write: Box<W>) {
        self.writes.push(write);
    }

    /// What a commit will write, in the order it will write it.
    pub(super) fn pending(&self) -> Vec<Pending> {
        let mut out: Vec<Pending> = self
            .insert_order()
            .into_iter()
            .map(|i| {
                let group = &self.inserts[i].1;
                Pending::Insert {
                    table: group.table().sql_name,
                    rows: group.len(),
                }
            })
            .collect();
        out.extend(self.writes.iter().map(|w| Pending::Statement {
            sql: w.sql(self.dialect),
        }));
        out
    }

    pub(super) fn is_clean(&self) -> bool {
        self.inserts.iter().all(|(_, g)| g.len() == 0) && self.writes.is_empty()
    }

    /// The insert groups, tables referenced by others first, otherwise in the order their
    /// first row was added.
    pub(super) fn insert_order(&self) -> Vec<usize> {
        let mut left: Vec<usize> = (0..self.inserts.len()).collect();
        let mut order = Vec::with_capacity(left.len());
        while !left.is_empty() {
            // The first group whose table references no table still waiting (itself
            // aside). With a cycle of foreign keys none is free: take a group that others
            // wait for and that waits itself (one on the cycle), not one merely hanging off
            // it.
            let table_of = |i: usize| self.inserts[i].1.table();
            let waits_for = |i: usize, j: usize| {
                let (a, b) = (table_of(i), table_of(j));
                a.sql_name != b.sql_name
                    && a.columns
                        .iter()
                        .filter_map(|c| c.references.as_ref())
                        .any(|fk| fk.table == b.sql_name)
            };
            let pick = left
                .iter()
                .position(|&i| !left.iter().any(|&j| waits_for(i, j)))
                .or_else(|| {
                    left.iter().position(|&i| {
                        left.iter().any(|&j| waits_for(j, i))
                            && left.iter().any(|&j| waits_for(i, j))
                    })
                })
                .unwrap_or(0);
            order.push(left.remove(pick));
        }
        order
    }

    /// Records the outcome of a commit that failed while running the item at `position`
    /// of [`pending`](Self::pending) (`None`: it failed in BEGIN or COMMIT).
    pub(super) fn note_failure(&mut self, position: Option<usize>) {
        self.failed = position.and_then(|k| self.pending().into_iter().nth(k));
    }

    /// The item the last commit failed at.
    pub(super) fn failed(&self) -> Option<&Pending> {
        self.failed.as_ref()
    }

    /// Discards the pending work.
    pub(super) fn clear(&mut self) {
        self.inserts.clear();
        self.writes.clear();
        self.failed = None;
    }
}
