//! What a query needs of its backend, decided by the compiler at the call that runs it.
//!
//! Every piece of a query has a [`Needs`] type: `()` for what every backend has,
//! [`PgOnly<F>`] for a feature `F` only PostgreSQL has, [`Both<A, B>`] for a piece made of
//! two. Nothing is computed while a query is built. At `load`/`execute` the query's needs
//! are folded into their canonical form ([`Needs::Canon`]: `()`, or the first `PgOnly<F>`),
//! and the connection's backend must implement [`Runs`] for it:
//!
//! - PostgreSQL runs everything, without looking (so code generic over a query's parts
//!   needs no bound on PostgreSQL);
//! - every backend runs `()` (so code generic over the backend runs portable queries);
//! - SQLite runs `PgOnly<F>` only where `F` implements [`AvailableOn<Sqlite>`], which no
//!   feature does: the error names the feature and the backend, "`Ilike` is not available
//!   on `Sqlite`".
//!
//! A second kind, [`NotOnMysql<F>`], marks a feature PostgreSQL and SQLite have and MySQL
//! lacks (`FULL JOIN`, `UPDATE .. RETURNING`). It folds below `PgOnly`: a query with both
//! kinds has the `PgOnly` canon, so SQLite still refuses it by its PostgreSQL-only feature.
//! Every backend but PostgreSQL runs it where `F: PresentOn<Self>`: SQLite for every such
//! feature ([`MysqlLacks`]), MySQL and `Any` (which can pick MySQL) never, and the error
//! reads "`FullJoin` is not available on `Mysql`".

use std::marker::PhantomData;

/// A query's needs in canonical form: `()`, the first [`PgOnly<F>`] it uses, or (when it
/// uses none) the first [`NotOnMysql<F>`].
pub trait Canon {
    /// This form followed by `Z`'s: the first feature wins, a `PgOnly` one over a
    /// `NotOnMysql` one.
    type And<Z: Canon>: Canon;
    /// `NotOnMysql<F>` followed by this form: `PgOnly` wins, otherwise the first.
    type AfterMysqlGap<F: Feature>: Canon;
    /// The PostgreSQL-only feature, by name, when there is one (the pieces of boxed
    /// queries, whose types are erased, are checked with it when they are written).
    const LACKS: Option<&'static str>;
    /// The feature MySQL lacks (and the others have), by name, when there is one and no
    /// PostgreSQL-only feature.
    const MYSQL_LACKS: Option<&'static str>;
}

impl Canon for () {
    type And<Z: Canon> = Z;
    type AfterMysqlGap<F: Feature> = NotOnMysql<F>;
    const LACKS: Option<&'static str> = None;
    const MYSQL_LACKS: Option<&'static str> = None;
}

impl<F: Feature> Canon for PgOnly<F> {
    type And<Z: Canon> = Self;
    type AfterMysqlGap<G: Feature> = Self;
    const LACKS: Option<&'static str> = Some(F::NAME);
    const MYSQL_LACKS: Option<&'static str> = None;
}

impl<F: Feature> Canon for NotOnMysql<F> {
    type And<Z: Canon> = Z::AfterMysqlGap<F>;
    type AfterMysqlGap<G: Feature> = NotOnMysql<G>;
    const LACKS: Option<&'static str> = None;
    const MYSQL_LACKS: Option<&'static str> = Some(F::NAME);
}

/// A feature some backend lacks, with its name for errors.
pub trait Feature {
    /// The name, as errors spell it.
    const NAME: &'static str;
}

/// The feature that needs `N` use first, by name, if any.
pub const fn lacks<N: Needs>() -> Option<&'static str> {
    <N::Canon as Canon>::LACKS
}

/// The feature MySQL lacks that needs `N` use first, by name, if any (and no PostgreSQL-only
/// one: that is [`lacks`]'s).
pub const fn mysql_lacks<N: Needs>() -> Option<&'static str> {
    <N::Canon as Canon>::MYSQL_LACKS
}

/// What a piece of a query needs of the backend.
pub trait Needs {
    /// The canonical form.
    type Canon: Canon;
}

/// Nothing beyond what every backend has.
impl Needs for () {
    type Canon = ();
}

/// The needs of two pieces.
pub struct Both<A, B>(PhantomData<(A, B)>);

impl<A: Needs, B: Needs> Needs for Both<A, B> {
    type Canon = <A::Canon as Canon>::And<B::Canon>;
}

/// Feature `F`, which only PostgreSQL has.
pub struct PgOnly<F>(PhantomData<F>);

impl<F: Feature> Needs for PgOnly<F> {
    type Canon = PgOnly<F>;
}

/// Feature `F`, which PostgreSQL and SQLite have and MySQL lacks.
pub struct NotOnMysql<F>(PhantomData<F>);

impl<F: Feature> Needs for NotOnMysql<F> {
    type Canon = NotOnMysql<F>;
}

/// The needs of three pieces.
pub type All3<A, B, C> = Both<A, Both<B, C>>;

/// A piece of a query that every backend runs: what code generic over both the backend and
/// a piece asks of the piece (`fn names<B: Backend, E: ValidWhere<..> + Portable>(..)`).
pub trait Portable: crate::render::Render<Needs: Needs<Canon = ()>> {}

impl<T: crate::render::Render<Needs: Needs<Canon = ()>>> Portable for T {}

/// Feature `Self` exists on backend `B`.
#[diagnostic::on_unimplemented(
    message = "{Self} is not available on {B}",
    label = "this query uses {Self}",
    note = "the query type-checks for every backend, but runs only where its features exist: \
            README's feature table lists them, and docs/design.md says what to write instead"
)]
pub trait AvailableOn<B> {}

/// Backend `Self` runs a query whose canonical needs are `N`.
pub trait Runs<N> {}

#[diagnostic::do_not_recommend]
impl<N> Runs<N> for super::Postgres {}

/// The backends that lack PostgreSQL's own features: they run portable queries, and a
/// `PgOnly<F>` one only where `F: AvailableOn<Self>` (never, so far).
pub trait LacksPgFeatures {}

#[cfg(feature = "sqlite")]
impl LacksPgFeatures for super::Sqlite {}

#[cfg(feature = "mysql")]
impl LacksPgFeatures for super::Mysql {}

impl<B: LacksPgFeatures> Runs<()> for B {}

impl<B: LacksPgFeatures, F: AvailableOn<B>> Runs<PgOnly<F>> for B {}

/// Feature `Self`, which MySQL lacks, exists on backend `B` (SQLite: every such feature;
/// MySQL and `Any`: none). Its own trait, not [`AvailableOn`], so that the errors about
/// PostgreSQL-only features read exactly as before this kind existed.
#[diagnostic::on_unimplemented(
    message = "{Self} is not available on {B}",
    label = "this query uses {Self}",
    note = "the query type-checks for every backend, but runs only where its features exist: \
            README's feature table lists them, and docs/design.md says what to write instead"
)]
pub trait PresentOn<B> {}

impl<B: LacksPgFeatures, F: PresentOn<B>> Runs<NotOnMysql<F>> for B {}

/// A feature PostgreSQL and SQLite have and MySQL lacks (used as `NotOnMysql<Self>`).
pub trait MysqlLacks: Feature {}

#[cfg(feature = "sqlite")]
#[diagnostic::do_not_recommend]
impl<F: MysqlLacks> PresentOn<super::Sqlite> for F {}

// `Any` has none of these features: it can pick MySQL (with feature `mysql`), and what it
// refuses must not depend on that feature, or enabling it in one crate would break another
// crate's build.

/// A backend with PostgreSQL-only feature `F` (a method only PostgreSQL's connection has:
/// COPY, streams); gives the PostgreSQL connection to use it on.
#[diagnostic::on_unimplemented(
    message = "{F} is not available on {Self}",
    label = "this connection's backend has no {F}",
    note = "README's feature table lists what each backend has"
)]
pub trait PostgresOnly<F>: super::Backend {
    /// The connection, as PostgreSQL's.
    fn postgres(conn: &mut crate::engine::Connection<Self>) -> &mut crate::engine::Connection;
}

#[diagnostic::do_not_recommend]
impl<F> PostgresOnly<F> for super::Postgres {
    #[inline]
    fn postgres(conn: &mut crate::engine::Connection) -> &mut crate::engine::Connection {
        conn
    }
}

/// The features only PostgreSQL has, as they are named in errors.
pub mod features {
    /// `ILIKE` / `NOT ILIKE` (SQLite's LIKE is not the same: see docs/design.md).
    pub struct Ilike;
    /// Arrays: array types, array values and operators, `array_agg`, `ANY(array)`.
    pub struct Arrays;
    /// Intervals and date/time arithmetic with them.
    pub struct Intervals;
    /// PostgreSQL's JSON operators and functions (`->`, `->>`, `#>`, `@>`, `?`,
    /// `jsonb_build_object`, `jsonb_agg`, `to_jsonb`): SQLite's JSON functions differ in
    /// name and meaning, so they are not written instead.
    pub struct JsonOperators;
    /// `date_trunc`, `extract`, `date_part`.
    pub struct DateFunctions;
    /// `ROLLUP`, `CUBE`, `GROUPING SETS` and `grouping(..)`.
    pub struct RollupCubeGroupingSets;
    /// Ordered-set aggregates: `percentile_cont`, `percentile_disc`, `mode` `WITHIN GROUP`.
    pub struct WithinGroupAggregates;
    /// Sequences: `nextval`, `currval`.
    pub struct Sequences;
    /// PostgreSQL's own functions with no SQLite counterpart of the same meaning
    /// (`greatest`/`least` with NULLs, `bool_and`/`bool_or`, `now()` as a timestamp, ...).
    pub struct PgFunctions;
    /// `SELECT DISTINCT ON (..)`.
    pub struct DistinctOn;
    /// `CAST(.. AS type)` (SQLite reads a type name by its affinity: `CAST(x AS timestamp)`
    /// would make a number).
    pub struct PgCasts;
    /// `= ANY (subquery)`, `> ALL (subquery)`.
    pub struct AnyAll;
    /// `JOIN LATERAL (subquery)`: a subquery in FROM that reads the tables joined before it.
    pub struct Lateral;
    /// Streams: a result read as an iterator while the statement runs (a PostgreSQL portal);
    /// on SQLite, [`Select::for_each`](crate::query::Select::for_each) reads rows one at a
    /// time into a closure.
    pub struct Streams;
    /// Row locks: `SELECT .. FOR UPDATE`, `FOR SHARE`, `NOWAIT`, `SKIP LOCKED` (SQLite locks
    /// the whole database for a write transaction, and has no locking clause).
    pub struct RowLocks;
    /// `COPY ... FROM STDIN` and `COPY ... TO STDOUT` (named as SQL spells it: `Copy` is
    /// Rust's).
    #[allow(non_camel_case_types)]
    pub struct COPY;
    /// The network types `inet`, `cidr` and `macaddr`: their columns and values.
    pub struct NetworkTypes;

    /// `FULL [OUTER] JOIN` (SQLite has it since 3.39; MySQL and MariaDB do not).
    pub struct FullJoin;
    /// `UPDATE .. RETURNING` (MariaDB has RETURNING on INSERT and DELETE only; MySQL has
    /// none).
    pub struct UpdateReturning;

    /// RETURNING on an INSERT that skips duplicates (`DO NOTHING`): MariaDB's
    /// `ON DUPLICATE KEY UPDATE .. RETURNING` returns the skipped rows too, PostgreSQL only
    /// the rows inserted.
    pub struct DoNothingReturning;

    impl super::Feature for DoNothingReturning {
        const NAME: &'static str = "DoNothingReturning";
    }
    impl super::Feature for FullJoin {
        const NAME: &'static str = "FullJoin";
    }
    impl super::Feature for UpdateReturning {
        const NAME: &'static str = "UpdateReturning";
    }
    impl super::MysqlLacks for DoNothingReturning {}
    impl super::MysqlLacks for FullJoin {}
    impl super::MysqlLacks for UpdateReturning {}
    impl super::Feature for DistinctOn {
        const NAME: &'static str = "DistinctOn";
    }
    impl super::Feature for Ilike {
        const NAME: &'static str = "Ilike";
    }
    impl super::Feature for Arrays {
        const NAME: &'static str = "Arrays";
    }
    impl super::Feature for JsonOperators {
        const NAME: &'static str = "JsonOperators";
    }
    impl super::Feature for Intervals {
        const NAME: &'static str = "Intervals";
    }
    impl super::Feature for DateFunctions {
        const NAME: &'static str = "DateFunctions";
    }
    impl super::Feature for RollupCubeGroupingSets {
        const NAME: &'static str = "RollupCubeGroupingSets";
    }
    impl super::Feature for WithinGroupAggregates {
        const NAME: &'static str = "WithinGroupAggregates";
    }
    impl super::Feature for Sequences {
        const NAME: &'static str = "Sequences";
    }
    impl super::Feature for PgFunctions {
        const NAME: &'static str = "PgFunctions";
    }
    impl super::Feature for PgCasts {
        const NAME: &'static str = "PgCasts";
    }
    impl super::Feature for AnyAll {
        const NAME: &'static str = "AnyAll";
    }
    impl super::Feature for Lateral {
        const NAME: &'static str = "Lateral";
    }
    impl super::Feature for Streams {
        const NAME: &'static str = "Streams";
    }
    impl super::Feature for RowLocks {
        const NAME: &'static str = "RowLocks";
    }
    impl super::Feature for COPY {
        const NAME: &'static str = "COPY";
    }
    impl super::Feature for NetworkTypes {
        const NAME: &'static str = "NetworkTypes";
    }
}
