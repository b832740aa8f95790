//! How a SELECT stands inside other statements (subqueries, INSERT .. SELECT, compound
//! SELECTs) and what its FROM clause is; and what a SELECT needs of the backend.

use super::clauses::Clause;
use super::select::{Select, SelectClause};
use super::Source;
use crate::render::SqlWriter;

/// A SELECT usable inside another statement (`INSERT ... SELECT`): its row's SQL type and
/// its SQL. `J` is the inferred index of its select clause.
pub trait SubSelect<J> {
    /// The SQL type of a row.
    type SqlType;
    /// Its FROM list (with the outer sources of a correlated subquery).
    type FromList;
    /// What the query needs of the backend.
    type Needs: crate::backend::Needs;
    /// Writes the whole SELECT.
    fn render_subselect<'a>(&'a self, out: &mut SqlWriter<'a>);
    /// How it stands as a member of a compound SELECT where members take no parentheses
    /// (SQLite): [`Member::Wrapped`] unless it says otherwise.
    #[doc(hidden)]
    fn member(&self) -> Member {
        Member::Wrapped
    }
    /// Whether it has a LIMIT or OFFSET (MySQL refuses one in `IN (..)`).
    #[doc(hidden)]
    fn limited(&self) -> bool {
        false
    }
}

/// How a query stands as a member of a compound SELECT on a backend that takes no
/// parenthesised members (SQLite), whose compound operators group from left to right.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Member {
    /// A plain SELECT: written as it is.
    Simple,
    /// A compound SELECT without ORDER BY, LIMIT or OFFSET: written as it is on the left
    /// (the grouping is the same), as `SELECT * FROM (..)` on the right.
    Compound,
    /// Anything else (ORDER BY, LIMIT, OFFSET, WITH): written as `SELECT * FROM (..)`.
    Wrapped,
}

impl<F, From, S, W, O, G, H, J> SubSelect<J> for Select<F, From, S, W, O, G, H>
where
    From: FromClause,
    W: Clause,
    G: Clause,
    H: Clause,
    O: Clause,
    S: SelectClause<F, G, J>,
    G: crate::check::GroupingComplete<()>,
{
    type SqlType = S::SqlType;
    type FromList = F;
    type Needs = SelectNeeds<F, From, S, W, O, G, H, J>;
    fn render_subselect<'a>(&'a self, out: &mut SqlWriter<'a>) {
        self.render_with(out, None);
    }
    fn limited(&self) -> bool {
        self.limit.is_some() || self.offset.is_some()
    }
    fn member(&self) -> Member {
        if self.limit.is_some() || self.offset.is_some() || self.from.has_ctes() {
            return Member::Wrapped;
        }
        // Whether there is an ORDER BY: written into a scratch writer, so the statement's
        // own text and fingerprint are not touched.
        let mut probe = SqlWriter::for_dialect(crate::backend::Dialect::Sqlite);
        self.order.render_clause(&mut probe);
        if probe.as_sql().is_empty() {
            Member::Simple
        } else {
            Member::Wrapped
        }
    }
}

/// A FROM clause value: a source, or a join tree.
pub trait FromClause {
    /// What its sources, joins and derived tables need of the backend.
    type Needs: crate::backend::Needs
    where
        Self: Sized;
    /// Writes the FROM items.
    fn render_from<'a>(&'a self, out: &mut SqlWriter<'a>);
    /// The FROM clause a join extends: where CTEs attached before the join are.
    fn left(&self) -> Option<&dyn FromClause> {
        None
    }
    /// Whether a WITH clause comes with this FROM clause (see `Select::with`).
    fn has_ctes(&self) -> bool {
        left_has_ctes(self.left())
    }
    /// Whether one of its CTEs is recursive (`WITH RECURSIVE`).
    fn recursive_ctes(&self) -> bool {
        left_recursive_ctes(self.left())
    }
    /// Writes the CTEs, `name(cols) AS (query)`, separated by commas.
    fn render_ctes<'a>(&'a self, out: &mut SqlWriter<'a>, first: &mut bool) {
        if let Some(left) = self.left() {
            left.render_ctes(out, first);
        }
    }
}

// The default methods above are compiled once per FROM clause type; their bodies call these,
// compiled once (docs/design.md, "Compile time: less code per query").
fn left_has_ctes(left: Option<&dyn FromClause>) -> bool {
    match left {
        Some(l) => l.has_ctes(),
        None => false,
    }
}

fn left_recursive_ctes(left: Option<&dyn FromClause>) -> bool {
    match left {
        Some(l) => l.recursive_ctes(),
        None => false,
    }
}

/// The needs of a SELECT: its FROM list's, its select list's and its clauses'.
pub type SelectNeeds<F, From, S, W, O, G, H, J> = crate::backend::needs::Both<
    <From as FromClause>::Needs,
    crate::backend::needs::Both<
        <S as SelectClause<F, G, J>>::Needs,
        crate::backend::needs::Both<
            crate::backend::needs::All3<
                <W as Clause>::Needs,
                <G as Clause>::Needs,
                <H as Clause>::Needs,
            >,
            <O as Clause>::Needs,
        >,
    >,
>;

impl<S: Source> FromClause for S {
    type Needs = ();
    fn render_from<'a>(&'a self, out: &mut SqlWriter<'a>) {
        S::render_from(out);
    }
}
