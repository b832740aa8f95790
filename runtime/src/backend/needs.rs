//! What a query needs of its backend, decided by the compiler at the call that runs it.
//!
//! Every piece of a query has a [`Needs`] type: `()` for what every backend has,
//! [`PgOnly<F>`] for a feature `F` only PostgreSQL has (or had, until another backend got a
//! spelling of it), [`Both<A, B>`] for a piece made of two. Nothing is computed while a
//! query is built. At `load`/`execute` the query's needs are folded into their canonical
//! form ([`Needs::Canon`]): the SET of features it uses, every one of them, each once,
//! sorted by a fixed order (`()` for none, the feature itself for one, [`Uses`] for more),
//! and the connection's backend must implement [`Runs`] for it:
//!
//! - PostgreSQL runs everything, without looking (so code generic over a query's parts
//!   needs no bound on PostgreSQL);
//! - every backend runs `()` (so code generic over the backend runs portable queries);
//! - the other backends run a set when they run each feature in it: `PgOnly<F>` where `F`
//!   implements [`AvailableOn<B>`] (for MySQL: row locks, and the date parts, truncation,
//!   arithmetic and casts it spells exactly, [`features::DateParts`] and its three
//!   neighbours; for SQLite: none). The error names the first feature missing, "`Ilike` is not available on
//!   `Mysql`", even when another feature of the same query is available there.
//!
//! A second kind, [`NotOnMysql<F>`], marks a feature PostgreSQL and SQLite have and MySQL
//! lacks (`FULL JOIN`, `UPDATE .. RETURNING`). Every backend but PostgreSQL runs it where
//! `F: PresentOn<Self>`: SQLite for every such feature ([`MysqlLacks`]), MySQL and `Any`
//! (which can pick MySQL) never, and the error reads "`FullJoin` is not available on
//! `Mysql`".
//!
//! Because the set does not depend on the order or number of times a query uses its
//! features, code generic over the backend can say what a query needs with a bound:
//! `B: Runs<PgOnly<F>>` for a query using only `F`, `B: Runs<Canonical<Both<PgOnly<F>,
//! PgOnly<G>>>>` for one using both.

use std::marker::PhantomData;

/// A query's needs in canonical form: `()`, one feature ([`PgOnly<F>`] or
/// [`NotOnMysql<F>`]), or a [`Uses`] list of several, sorted by their [`Feature::Key`] and
/// without repeats.
pub trait Canon {
    /// The union of this set and `Z`.
    type And<Z: Canon>: Canon;
    /// This set with feature `X` added (once).
    type Insert<X: Item>: Canon;
    /// The first feature SQLite lacks, by name, when there is one (the pieces of boxed
    /// queries, whose types are erased, are checked with it when they are written).
    const LACKS: Option<&'static str>;
    /// The first feature MySQL lacks, by name, when there is one.
    const MYSQL_LACKS: Option<&'static str>;
}

/// One feature of a set: [`PgOnly<F>`] or [`NotOnMysql<F>`].
pub trait Item: Canon {
    /// Where it sorts.
    type Key: Key;
}

/// Several features: `X`, then the set `R` (one feature or another `Uses`), `X` sorting
/// before every feature of `R`.
pub struct Uses<X, R>(PhantomData<(X, R)>);

impl Canon for () {
    type And<Z: Canon> = Z;
    type Insert<X: Item> = X;
    const LACKS: Option<&'static str> = None;
    const MYSQL_LACKS: Option<&'static str> = None;
}

impl<F: Feature> Canon for PgOnly<F> {
    type And<Z: Canon> = Z::Insert<Self>;
    type Insert<X: Item> = <<X::Key as Key>::Cmp<F::Key> as Order>::Pair<X, Self>;
    const LACKS: Option<&'static str> = Some(F::NAME);
    const MYSQL_LACKS: Option<&'static str> = if F::ON_MYSQL { None } else { Some(F::NAME) };
}

impl<F: Feature> Item for PgOnly<F> {
    type Key = F::Key;
}

impl<F: Feature> Canon for NotOnMysql<F> {
    type And<Z: Canon> = Z::Insert<Self>;
    type Insert<X: Item> = <<X::Key as Key>::Cmp<F::Key> as Order>::Pair<X, Self>;
    const LACKS: Option<&'static str> = None;
    const MYSQL_LACKS: Option<&'static str> = Some(F::NAME);
}

impl<F: Feature> Item for NotOnMysql<F> {
    type Key = F::Key;
}

impl<Y: Item, R: Canon> Canon for Uses<Y, R> {
    type And<Z: Canon> = R::And<Z::Insert<Y>>;
    type Insert<X: Item> = <<X::Key as Key>::Cmp<Y::Key> as Order>::Front<X, Y, R>;
    const LACKS: Option<&'static str> = first(Y::LACKS, R::LACKS);
    const MYSQL_LACKS: Option<&'static str> = first(Y::MYSQL_LACKS, R::MYSQL_LACKS);
}

const fn first(a: Option<&'static str>, b: Option<&'static str>) -> Option<&'static str> {
    match a {
        Some(_) => a,
        None => b,
    }
}

/// A feature's place in the order, as a number in unary (`K0`, `KNext<K0>`, ...).
#[doc(hidden)]
pub struct K0;
/// The number after `N`.
#[doc(hidden)]
pub struct KNext<N>(PhantomData<N>);

/// A key of the order: compared with another by [`Key::Cmp`].
#[doc(hidden)]
pub trait Key {
    /// How `Self` compares with `O`: [`Before`], [`Same`] or [`After`].
    type Cmp<O: Key>: Order;
    /// How zero compares with `Self`.
    type ZeroCmp: Order;
    /// How `KNext<N>` compares with `Self`.
    type SuccCmp<N: Key>: Order;
}
impl Key for K0 {
    type Cmp<O: Key> = O::ZeroCmp;
    type ZeroCmp = Same;
    type SuccCmp<N: Key> = After;
}
impl<M: Key> Key for KNext<M> {
    type Cmp<O: Key> = O::SuccCmp<M>;
    type ZeroCmp = Before;
    type SuccCmp<N: Key> = N::Cmp<M>;
}

/// The result of comparing `X` with the first feature `Y` of a set, and what adding `X`
/// makes of it.
#[doc(hidden)]
pub trait Order {
    /// `X` added to the one-feature set `Y`.
    type Pair<X: Item, Y: Item>: Canon;
    /// `X` added to `Uses<Y, R>`.
    type Front<X: Item, Y: Item, R: Canon>: Canon;
}
#[doc(hidden)]
pub struct Before;
#[doc(hidden)]
pub struct Same;
#[doc(hidden)]
pub struct After;
impl Order for Before {
    type Pair<X: Item, Y: Item> = Uses<X, Y>;
    type Front<X: Item, Y: Item, R: Canon> = Uses<X, Uses<Y, R>>;
}
impl Order for Same {
    type Pair<X: Item, Y: Item> = Y;
    type Front<X: Item, Y: Item, R: Canon> = Uses<Y, R>;
}
impl Order for After {
    type Pair<X: Item, Y: Item> = Uses<Y, X>;
    type Front<X: Item, Y: Item, R: Canon> = Uses<Y, R::Insert<X>>;
}

/// A feature some backend lacks, with its name for errors.
pub trait Feature {
    /// The name, as errors spell it.
    const NAME: &'static str;
    /// Where it sorts in a query's set of features (fixed by [`features`]' list).
    type Key: Key;
    /// Whether MySQL has it (`F: AvailableOn<Mysql>`, written by the same line of
    /// [`features`]), for the run-time check of boxed pieces.
    const ON_MYSQL: bool;
}

/// The first feature of needs `N` that SQLite lacks, by name, if any.
pub const fn lacks<N: Needs>() -> Option<&'static str> {
    <N::Canon as Canon>::LACKS
}

/// The first feature of needs `N` that MySQL lacks, by name, if any.
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

/// A PostgreSQL feature MySQL has too (written by [`features`]' list). `AvailableOn<Mysql>`
/// is one blanket impl over it rather than one impl per feature, so that SQLite's error
/// for such a feature does not add "but `AvailableOn<Mysql>` is implemented for it".
pub trait OnMysql {}

#[cfg(feature = "mysql")]
#[diagnostic::do_not_recommend]
impl<F: OnMysql> AvailableOn<super::Mysql> for F {}

/// Backend `Self` runs a query whose canonical needs are `N`.
pub trait Runs<N> {}

#[diagnostic::do_not_recommend]
impl<N> Runs<N> for super::Postgres {}

/// The backends that lack PostgreSQL's own features: they run portable queries, and a
/// `PgOnly<F>` one only where `F: AvailableOn<Self>` (on MySQL: the date features it spells
/// exactly), a set of features where they run each.
pub trait LacksPgFeatures {}

#[cfg(feature = "sqlite")]
impl LacksPgFeatures for super::Sqlite {}

#[cfg(feature = "mysql")]
impl LacksPgFeatures for super::Mysql {}

impl<B: LacksPgFeatures> Runs<()> for B {}

impl<B: LacksPgFeatures, F: AvailableOn<B>> Runs<PgOnly<F>> for B {}

// A set runs where its first feature and the rest do. The first feature is matched here
// rather than through `Runs<X>`, so that an error about it is one note shorter.
impl<B: LacksPgFeatures + Runs<R>, F: AvailableOn<B>, R> Runs<Uses<PgOnly<F>, R>> for B {}

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

impl<B: LacksPgFeatures + Runs<R>, F: PresentOn<B>, R> Runs<Uses<NotOnMysql<F>, R>> for B {}

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
    /// `extract` and `date_part` of any field (a [`Field`](crate::dsl::Field) value or a
    /// type of [`fields`](crate::dsl::fields)) from a `date`, `time`, `timestamp` or
    /// `timestamptz`: MySQL writes each field as an expression that gives PostgreSQL's value
    /// (a `timestamptz`'s as PostgreSQL gives it in a session at UTC, as every MySQL session
    /// of sqlwright's is).
    pub struct DateParts;
    /// A `date`, `timestamp` or `timestamptz` plus or minus an interval value (`days(n)`,
    /// `months(n)`, `years(n)`, a bound `PgInterval`), a `date` plus or minus a number of
    /// days, and the days between two dates. MySQL writes them with `INTERVAL ? MONTH`,
    /// `INTERVAL ? DAY` and `INTERVAL ? MICROSECOND`, in PostgreSQL's order (a
    /// `timestamptz`'s sum as PostgreSQL gives it in a session at UTC, as every MySQL
    /// session of sqlwright's is).
    pub struct DateArithmetic;
    /// `CAST` of a `timestamp` to a `date` and back (`CAST(.. AS DATE)` on MySQL).
    pub struct DateCasts;
    /// `date_trunc` of a `timestamp`, `timestamptz` or `date`: MySQL counts whole units
    /// since 0001-01-01 and adds them back (`TIMESTAMPADD(MONTH, TIMESTAMPDIFF(MONTH, ..))`).
    pub struct DateTrunc;
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
    /// the whole database for a write transaction, and has no locking clause). MySQL and
    /// MariaDB have them (`FOR SHARE` is written `LOCK IN SHARE MODE` there).
    pub struct RowLocks;
    /// The key-level lock strengths `FOR NO KEY UPDATE` and `FOR KEY SHARE` (MySQL and
    /// MariaDB lock whole rows only: `for_update()` or `for_share()` is the nearest).
    pub struct ForNoKeyUpdateOrKeyShare;
    /// A locking clause naming the tables it locks, `FOR UPDATE OF t` / `FOR SHARE OF t`
    /// (`.of(..)`): MariaDB has no `OF`, so a locked join locks every table's rows there.
    pub struct ForUpdateOf;
    /// `CAST` to an unsigned type (`cast::<UInt1, _>` .. `cast::<UInt8, _>`) of an integer or
    /// a decimal: MySQL's, written so that a value outside the type's range is the server's
    /// out-of-range error (MySQL's own `CAST(-1 AS UNSIGNED)` wraps around). SQLite lacks it
    /// (a compile error); PostgreSQL, which has no unsigned types and runs every need without
    /// looking, refuses the statement before sending it (`Error::Unsupported`).
    pub struct UnsignedCasts;
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

    /// Writes each feature's `Feature` impl, its key its place in this list (the first
    /// feature of a set missing on a backend is the one its error names), and for the
    /// features marked `mysql` the `AvailableOn<Mysql>` that goes with `ON_MYSQL`.
    macro_rules! features {
        ($key:ty;) => {};
        ($key:ty; $f:ident $(($on:ident))? $(, $($rest:tt)*)?) => {
            impl super::Feature for $f {
                const NAME: &'static str = stringify!($f);
                type Key = $key;
                const ON_MYSQL: bool = features!(@on $($on)?);
            }
            $(features!(@impl $on $f);)?
            features!(super::KNext<$key>; $($($rest)*)?);
        };
        (@on) => { false };
        (@on mysql) => { true };
        (@impl mysql $f:ident) => {
            impl super::OnMysql for $f {}
        };
    }

    // PostgreSQL's own features first, then what only MySQL lacks, then what MySQL has: a
    // backend's error is shortest when the feature it names comes first in the set.
    features!(super::K0;
        Ilike, Arrays, JsonOperators, NetworkTypes, DistinctOn, Lateral, AnyAll,
        ForNoKeyUpdateOrKeyShare, ForUpdateOf, RollupCubeGroupingSets, WithinGroupAggregates,
        Sequences, PgFunctions, PgCasts, Intervals, Streams, COPY, FullJoin,
        UpdateReturning, DoNothingReturning, RowLocks(mysql), DateParts(mysql),
        DateArithmetic(mysql), DateCasts(mysql), DateTrunc(mysql), UnsignedCasts(mysql),
    );

    impl super::MysqlLacks for DoNothingReturning {}
    impl super::MysqlLacks for FullJoin {}
    impl super::MysqlLacks for UpdateReturning {}
}

#[cfg(test)]
mod tests {
    use super::features::*;
    use super::*;

    /// Compiles only when `A` and `B` are the same type.
    fn same<A, B: Is<A>>() {}
    trait Is<T> {}
    impl<T> Is<T> for T {}

    type C<N> = <N as Needs>::Canon;

    #[test]
    fn a_set_keeps_every_feature_once_whatever_the_order() {
        same::<C<Both<PgOnly<Ilike>, PgOnly<DateParts>>>, Uses<PgOnly<Ilike>, PgOnly<DateParts>>>();
        same::<C<Both<PgOnly<DateParts>, PgOnly<Ilike>>>, Uses<PgOnly<Ilike>, PgOnly<DateParts>>>();
        same::<C<All3<PgOnly<DateParts>, (), PgOnly<DateParts>>>, PgOnly<DateParts>>();
        same::<
            C<All3<PgOnly<DateCasts>, Both<PgOnly<DateArithmetic>, PgOnly<DateCasts>>, ()>>,
            Uses<PgOnly<DateArithmetic>, PgOnly<DateCasts>>,
        >();
        same::<
            C<Both<All3<NotOnMysql<FullJoin>, PgOnly<Arrays>, PgOnly<DateParts>>, PgOnly<Arrays>>>,
            Uses<PgOnly<Arrays>, Uses<NotOnMysql<FullJoin>, PgOnly<DateParts>>>,
        >();
        same::<C<Both<(), ()>>, ()>();
    }

    #[test]
    fn the_names_for_boxed_pieces_are_the_first_feature_each_backend_lacks() {
        type Mixed = Both<PgOnly<DateParts>, Both<NotOnMysql<FullJoin>, PgOnly<DateCasts>>>;
        assert_eq!(lacks::<Mixed>(), Some("DateParts"));
        assert_eq!(lacks::<Both<Mixed, PgOnly<Ilike>>>(), Some("Ilike"));
        assert_eq!(mysql_lacks::<Mixed>(), Some("FullJoin"));
        assert_eq!(
            mysql_lacks::<Both<PgOnly<DateParts>, PgOnly<DateCasts>>>(),
            None
        );
        assert_eq!(lacks::<NotOnMysql<FullJoin>>(), None);
        assert_eq!(
            mysql_lacks::<Both<PgOnly<DateParts>, PgOnly<Ilike>>>(),
            Some("Ilike")
        );
        assert_eq!(lacks::<()>(), None);
    }
}
