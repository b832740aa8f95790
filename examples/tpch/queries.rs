//! The 22 TPC-H queries as typed sqlwright queries over the declarations of
//! [`super::schema`], with the specification's validation parameters, their rows printed as
//! PostgreSQL prints them (see [`super::text`]) so that they compare with [`super::sql`]'s
//! hand-written SQL.
//!
//! Where the SQL text relies on PostgreSQL's implicit casts, the typed query says so:
//! `ps_supplycost * ps_availqty` multiplies `numeric` by `integer`, written
//! `ps_supplycost * cast::<Numeric, _>(ps_availqty)`. `date '..' + interval '3' month` is a
//! timestamp, which PostgreSQL compares with a date column implicitly; here the sum is cast
//! back to a date (midnight, so the same rows), and `date '..' - interval '90' day` is
//! written `value(date).minus(90)` (date minus days is a date).
//! Literal numbers keep the SQL text's scales (`100.00`, `7.0`, `0.2`), since the scale of
//! a `numeric` result depends on them.
//!
//! # Backends
//!
//! Each `qN` is generic over the connection (`C: Executor`), so the same typed value runs
//! on PostgreSQL and, where it uses nothing SQLite lacks, on SQLite: 10 of the 22 do
//! ([`PORTABLE`], run by [`run_portable`]). The other 12 say what they need with a bound
//! on their set of features, `C::Backend: Runs<PgOnly<DateParts>>` or
//! `C::Backend: Runs<DateWindow>`, which PostgreSQL and MySQL meet and SQLite does not;
//! calling one with a `Connection<Sqlite>` is a compile error whose first line names a
//! feature ([`POSTGRES_ONLY`]). None is rewritten for SQLite: a rewrite would be another
//! query. On MySQL all 22 compile ([`DATED`], [`run_dated`]).
//!
//! | Query | SQLite | MySQL | First line of the compile error on a `Connection<Sqlite>` | Why |
//! |-------|--------|-------|------------------------------------------------------------|-----|
//! | Q1  | no  | yes | `DateArithmetic is not available on sqlwright::Sqlite` | `date '1998-12-01' - 90` (date minus days) |
//! | Q2  | yes | yes | | |
//! | Q3  | yes | yes | | |
//! | Q4  | no  | yes | `DateArithmetic is not available on sqlwright::Sqlite` | `cast(date + interval '3' month as date)` |
//! | Q5  | no  | yes | `DateArithmetic is not available on sqlwright::Sqlite` | `cast(date + interval '1' year as date)` |
//! | Q6  | no  | yes | `DateArithmetic is not available on sqlwright::Sqlite` | `cast(date + interval '1' year as date)` |
//! | Q7  | no  | yes | `DateParts is not available on sqlwright::Sqlite` | `extract(year from l_shipdate)` |
//! | Q8  | no  | yes | `DateParts is not available on sqlwright::Sqlite` | `extract(year from o_orderdate)` |
//! | Q9  | no  | yes | `DateParts is not available on sqlwright::Sqlite` | `extract(year from o_orderdate)` |
//! | Q10 | no  | yes | `DateArithmetic is not available on sqlwright::Sqlite` | `cast(date + interval '3' month as date)` |
//! | Q11 | yes | yes | | (`cast(ps_availqty as numeric)`: an integer to a decimal is exact on SQLite) |
//! | Q12 | no  | yes | `DateArithmetic is not available on sqlwright::Sqlite` | `cast(date + interval '1' year as date)` |
//! | Q13 | yes | yes | | |
//! | Q14 | no  | yes | `DateArithmetic is not available on sqlwright::Sqlite` | `cast(date + interval '1' month as date)` |
//! | Q15 | no  | yes | `DateArithmetic is not available on sqlwright::Sqlite` | `cast(date + interval '3' month as date)` |
//! | Q16 | yes | yes | | |
//! | Q17 | yes | yes | | |
//! | Q18 | yes | yes | | |
//! | Q19 | yes | yes | | |
//! | Q20 | no  | yes | `DateArithmetic is not available on sqlwright::Sqlite` | `cast(date + interval '1' year as date)`, `cast(ps_availqty as numeric)` |
//! | Q21 | yes | yes | | |
//! | Q22 | yes | yes | | `substring(c_phone, 1, 2)` is SQLite's `substr`, exact for a start of 1 |
//!
//! A query's needs are the set of every feature it uses; where a query has two (a cast of
//! a date plus an interval), both would have to exist on SQLite, and the compiler reports
//! one error for each, `DateArithmetic` first, then `DateCasts`.

use super::schema::*;
use super::text::PgRow;
use super::ResultSet;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlwright::backend::needs::features::{DateArithmetic, DateCasts, DateParts};
use sqlwright::backend::needs::{Both, PgOnly};
use sqlwright::backend::{Canonical, Needs, Runs};
use sqlwright::check::GroupingComplete;
use sqlwright::dsl::*;
use sqlwright::prelude::*;
use sqlwright::query::{Clause, FromClause, RowType, Select, SelectClause, SelectNeeds};
use sqlwright::render::Rendered;
use sqlwright::types::RowOf;
use sqlwright::{Connection, Error};

sqlwright::alias!(
    n1 = nation,
    n2 = nation,
    l1 = lineitem,
    l2 = lineitem,
    l3 = lineitem
);

sqlwright::table! {
    /// Q7's derived table.
    #[derived]
    shipping {
        supp_nation -> Text,
        cust_nation -> Text,
        l_year -> Numeric,
        volume -> Numeric,
    }
    /// Q8's derived table.
    #[derived]
    all_nations {
        o_year -> Numeric,
        volume -> Numeric,
        nation -> Text,
    }
    /// Q9's derived table.
    #[derived]
    profit {
        nation -> Text,
        o_year -> Numeric,
        amount -> Numeric,
    }
    /// Q13's derived table.
    #[derived]
    c_orders {
        c_custkey -> Int4,
        c_count -> Int8,
    }
    /// Q15's view, as a CTE.
    #[derived]
    revenue0 {
        supplier_no -> Int4,
        total_revenue -> Nullable<Numeric>,
    }
    /// Q22's derived table.
    #[derived]
    custsale {
        cntrycode -> Text,
        c_acctbal -> Numeric,
    }
}

/// What a query needs that adds an interval to a date and casts the sum back to a date
/// (`cast::<Date, _>(value(start).plus(months(3)))`): Q4-Q6, Q10, Q12, Q14, Q15, Q20.
pub type DateWindow = Canonical<Both<PgOnly<DateCasts>, PgOnly<DateArithmetic>>>;

pub use super::dated::{run_dated, RunsDates, DATED};

/// Runs query `n` (1 to 22) and returns its columns and rows as PostgreSQL prints them.
pub fn run(conn: &mut Connection, n: usize) -> Result<ResultSet, Error> {
    dispatch(conn, n, ToResultSet)
}

/// The queries that compile for SQLite (and so for every backend), in order.
pub const PORTABLE: [usize; 10] = [2, 3, 11, 13, 16, 17, 18, 19, 21, 22];

/// The queries that run on PostgreSQL only, each with the first line of the compile error
/// it gives on a `Connection<Sqlite>` (see the module's table).
pub const POSTGRES_ONLY: [(usize, &str); 12] = [
    (1, "DateArithmetic is not available on sqlwright::Sqlite"),
    (4, "DateArithmetic is not available on sqlwright::Sqlite"),
    (5, "DateArithmetic is not available on sqlwright::Sqlite"),
    (6, "DateArithmetic is not available on sqlwright::Sqlite"),
    (7, "DateParts is not available on sqlwright::Sqlite"),
    (8, "DateParts is not available on sqlwright::Sqlite"),
    (9, "DateParts is not available on sqlwright::Sqlite"),
    (10, "DateArithmetic is not available on sqlwright::Sqlite"),
    (12, "DateArithmetic is not available on sqlwright::Sqlite"),
    (14, "DateArithmetic is not available on sqlwright::Sqlite"),
    (15, "DateArithmetic is not available on sqlwright::Sqlite"),
    (20, "DateArithmetic is not available on sqlwright::Sqlite"),
];

/// Runs query `n`, one of [`PORTABLE`], on a connection of any backend (the very query
/// [`run`] runs on PostgreSQL) and returns its columns and rows as PostgreSQL prints them.
/// Any other `n` is [`Error::Misuse`], naming what the query lacks on SQLite.
pub fn run_portable<C: Executor>(conn: &mut C, n: usize) -> Result<ResultSet, Error> {
    let v = ToResultSet;
    match n {
        2 => q2(conn, v),
        3 => q3(conn, v),
        11 => q11(conn, v),
        13 => q13(conn, v),
        16 => q16(conn, v),
        17 => q17(conn, v),
        18 => q18(conn, v),
        19 => q19(conn, v),
        21 => q21(conn, v),
        22 => q22(conn, v),
        _ => Err(Error::Misuse(
            match POSTGRES_ONLY.iter().find(|(q, _)| *q == n) {
                Some((_, why)) => format!(
                    "TPC-H query {n} runs on PostgreSQL only (on SQLite it is a compile error: {why})"
                ),
                None => format!("there is no TPC-H query {n} (they are 1 to 22)"),
            },
        )),
    }
}

/// Runs query `n` and returns how many rows it loaded, without printing them: the typed
/// query's own cost (render, bind, execute, decode), for benchmarks.
pub fn load_count(conn: &mut Connection, n: usize) -> Result<usize, Error> {
    dispatch(conn, n, CountRows)
}

/// A typed query whose rows print as PostgreSQL would: what each TPC-H function builds.
/// `J` is the select clause's inferred index.
pub trait TypedQuery<J> {
    /// The Rust type of a row.
    type Row: PgRow;
    /// What the query needs of a backend ([`SelectNeeds`]): it runs on a connection whose
    /// backend `Runs<Canonical<Self::Needs>>`, PostgreSQL always, SQLite when the query
    /// uses nothing it lacks.
    type Needs: Needs;
    /// Its grouping state: complete (not a select list mixing aggregates and plain
    /// columns without GROUP BY) for every backend, which `load` checks.
    type Grouping;
    /// Runs the query and loads its rows.
    fn load_rows<C: Executor>(self, conn: &mut C) -> Result<Vec<Self::Row>, Error>
    where
        C::Backend: Runs<Canonical<Self::Needs>>,
        Self::Grouping: GroupingComplete<C::Backend>;
    /// Its SQL and parameters, without running it.
    fn rendered(&self) -> Rendered<'_>;
}

impl<F, From, S, W, O, G, H, J> TypedQuery<J> for Select<F, From, S, W, O, G, H>
where
    From: FromClause,
    W: Clause,
    G: Clause,
    H: Clause,
    O: Clause,
    S: SelectClause<F, G, J, SqlType: RowOf>,
    RowType<F, S, G, J>: PgRow,
    SelectNeeds<F, From, S, W, O, G, H, J>: Needs,
{
    type Row = RowType<F, S, G, J>;
    type Needs = SelectNeeds<F, From, S, W, O, G, H, J>;
    type Grouping = G;
    fn load_rows<C: Executor>(self, conn: &mut C) -> Result<Vec<Self::Row>, Error>
    where
        C::Backend: Runs<Canonical<Self::Needs>>,
        G: GroupingComplete<C::Backend>,
    {
        self.load(conn)
    }
    fn rendered(&self) -> Rendered<'_> {
        self.render()
    }
}

/// What to do with a TPC-H query once it is built, on a connection `C` of either backend.
pub trait Rows<C: Executor> {
    /// The outcome.
    type Out;
    /// Runs (or otherwise uses) `query`, whose result has the given column names.
    fn run<Q: TypedQuery<J>, J>(
        self,
        conn: &mut C,
        columns: &[&str],
        query: Q,
    ) -> Result<Self::Out, Error>
    where
        C::Backend: Runs<Canonical<Q::Needs>>,
        Q::Grouping: GroupingComplete<C::Backend>;
}

/// Loads the rows and prints them as PostgreSQL would ([`ResultSet::from_rows`]).
pub struct ToResultSet;
impl<C: Executor> Rows<C> for ToResultSet {
    type Out = ResultSet;
    fn run<Q: TypedQuery<J>, J>(
        self,
        conn: &mut C,
        columns: &[&str],
        query: Q,
    ) -> Result<ResultSet, Error>
    where
        C::Backend: Runs<Canonical<Q::Needs>>,
        Q::Grouping: GroupingComplete<C::Backend>,
    {
        Ok(ResultSet::from_rows(columns, query.load_rows(conn)?))
    }
}

/// Loads the rows and counts them.
pub struct CountRows;
impl<C: Executor> Rows<C> for CountRows {
    type Out = usize;
    fn run<Q: TypedQuery<J>, J>(self, conn: &mut C, _: &[&str], query: Q) -> Result<usize, Error>
    where
        C::Backend: Runs<Canonical<Q::Needs>>,
        Q::Grouping: GroupingComplete<C::Backend>,
    {
        Ok(query.load_rows(conn)?.len())
    }
}

/// Hands the connection and the query's rendered SQL and parameters to a function, without
/// running the query: so that a benchmark can run the very same statement through the
/// `postgres` crate.
pub struct WithRendered<Fn>(pub Fn);
impl<T, Fn: FnOnce(&mut Connection, &Rendered<'_>) -> T> Rows<Connection> for WithRendered<Fn> {
    type Out = T;
    fn run<Q: TypedQuery<J>, J>(
        self,
        conn: &mut Connection,
        _: &[&str],
        query: Q,
    ) -> Result<T, Error> {
        Ok((self.0)(conn, &query.rendered()))
    }
}

/// Runs query `n`'s builder and hands it to `v`.
pub fn with_query<V: Rows<Connection>>(
    conn: &mut Connection,
    n: usize,
    v: V,
) -> Result<V::Out, Error> {
    dispatch(conn, n, v)
}

fn dispatch<V: Rows<Connection>>(conn: &mut Connection, n: usize, v: V) -> Result<V::Out, Error> {
    match n {
        1 => q1(conn, v),
        2 => q2(conn, v),
        3 => q3(conn, v),
        4 => q4(conn, v),
        5 => q5(conn, v),
        6 => q6(conn, v),
        7 => q7(conn, v),
        8 => q8(conn, v),
        9 => q9(conn, v),
        10 => q10(conn, v),
        11 => q11(conn, v),
        12 => q12(conn, v),
        13 => q13(conn, v),
        14 => q14(conn, v),
        15 => q15(conn, v),
        16 => q16(conn, v),
        17 => q17(conn, v),
        18 => q18(conn, v),
        19 => q19(conn, v),
        20 => q20(conn, v),
        21 => q21(conn, v),
        22 => q22(conn, v),
        _ => Err(Error::Misuse(format!(
            "there is no TPC-H query {n} (they are 1 to 22)"
        ))),
    }
}

/// A calendar date (the validation parameters are all valid dates).
fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A decimal literal: `dec(10000, 2)` is `100.00`.
fn dec(mantissa: i64, scale: u32) -> Decimal {
    Decimal::new(mantissa, scale)
}

/// `l_extendedprice * (1 - l_discount)`.
macro_rules! disc_price {
    () => {
        lineitem::l_extendedprice * (value(Decimal::ONE) - lineitem::l_discount)
    };
    ($l:ident) => {
        $l.col(lineitem::l_extendedprice) * (value(Decimal::ONE) - $l.col(lineitem::l_discount))
    };
}

/// Q1: pricing summary report.
pub fn q1<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error>
where
    C::Backend: Runs<PgOnly<DateArithmetic>>,
{
    let query = lineitem::table
        .filter(lineitem::l_shipdate.le(value(date(1998, 12, 1)).minus(90)))
        .group_by((lineitem::l_returnflag, lineitem::l_linestatus))
        .select((
            lineitem::l_returnflag,
            lineitem::l_linestatus,
            sum(lineitem::l_quantity),
            sum(lineitem::l_extendedprice),
            sum(disc_price!()),
            sum(disc_price!() * (value(Decimal::ONE) + lineitem::l_tax)),
            avg(lineitem::l_quantity),
            avg(lineitem::l_extendedprice),
            avg(lineitem::l_discount),
            count_star(),
        ))
        .order_by((lineitem::l_returnflag, lineitem::l_linestatus));
    v.run(
        conn,
        &[
            "l_returnflag",
            "l_linestatus",
            "sum_qty",
            "sum_base_price",
            "sum_disc_price",
            "sum_charge",
            "avg_qty",
            "avg_price",
            "avg_disc",
            "count_order",
        ],
        query,
    )
}

/// Q2: minimum cost supplier (a correlated scalar subquery).
pub fn q2<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error> {
    let cheapest = partsupp::table
        .correlate(part::table)
        .inner_join(supplier::table)
        .inner_join(nation::table)
        .inner_join(region::table)
        .filter(part::p_partkey.eq(partsupp::ps_partkey))
        .filter(region::r_name.eq("EUROPE"))
        .select(min(partsupp::ps_supplycost));
    let query = part::table
        .inner_join(partsupp::table)
        .inner_join(supplier::table)
        .inner_join(nation::table)
        .inner_join(region::table)
        .filter(part::p_size.eq(15))
        .filter(part::p_type.like("%BRASS"))
        .filter(region::r_name.eq("EUROPE"))
        .filter(partsupp::ps_supplycost.eq(cheapest.scalar_subquery()))
        .select((
            supplier::s_acctbal,
            supplier::s_name,
            nation::n_name,
            part::p_partkey,
            part::p_mfgr,
            supplier::s_address,
            supplier::s_phone,
            supplier::s_comment,
        ))
        .order_by((
            supplier::s_acctbal.desc(),
            nation::n_name,
            supplier::s_name,
            part::p_partkey,
        ))
        .limit(100);
    v.run(
        conn,
        &[
            "s_acctbal",
            "s_name",
            "n_name",
            "p_partkey",
            "p_mfgr",
            "s_address",
            "s_phone",
            "s_comment",
        ],
        query,
    )
}

/// Q3: shipping priority.
pub fn q3<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error> {
    let day = date(1995, 3, 15);
    let query = customer::table
        .inner_join(orders::table)
        .inner_join(lineitem::table)
        .filter(customer::c_mktsegment.eq("BUILDING"))
        .filter(orders::o_orderdate.lt(day))
        .filter(lineitem::l_shipdate.gt(day))
        .group_by((
            lineitem::l_orderkey,
            orders::o_orderdate,
            orders::o_shippriority,
        ))
        .select((
            lineitem::l_orderkey,
            sum(disc_price!()),
            orders::o_orderdate,
            orders::o_shippriority,
        ))
        .order_by((sum(disc_price!()).desc(), orders::o_orderdate))
        .limit(10);
    v.run(
        conn,
        &["l_orderkey", "revenue", "o_orderdate", "o_shippriority"],
        query,
    )
}

/// Q4: order priority checking (a correlated EXISTS).
pub fn q4<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error>
where
    C::Backend: Runs<DateWindow>,
{
    let start = date(1993, 7, 1);
    let late_line = lineitem::table
        .correlate(orders::table)
        .filter(lineitem::l_orderkey.eq(orders::o_orderkey))
        .filter(lineitem::l_commitdate.lt(lineitem::l_receiptdate));
    let query = orders::table
        .filter(orders::o_orderdate.ge(start))
        .filter(orders::o_orderdate.lt(cast::<Date, _>(value(start).plus(months(3)))))
        .filter(exists(late_line))
        .group_by(orders::o_orderpriority)
        .select((orders::o_orderpriority, count_star()))
        .order_by(orders::o_orderpriority);
    v.run(conn, &["o_orderpriority", "order_count"], query)
}

/// Q5: local supplier volume.
pub fn q5<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error>
where
    C::Backend: Runs<DateWindow>,
{
    let start = date(1994, 1, 1);
    let query = customer::table
        .inner_join(orders::table)
        .inner_join(lineitem::table)
        .inner_join_on(
            supplier::table,
            lineitem::l_suppkey
                .eq(supplier::s_suppkey)
                .and(customer::c_nationkey.eq(supplier::s_nationkey)),
        )
        .inner_join_on(nation::table, supplier::s_nationkey.eq(nation::n_nationkey))
        .inner_join(region::table)
        .filter(region::r_name.eq("ASIA"))
        .filter(orders::o_orderdate.ge(start))
        .filter(orders::o_orderdate.lt(cast::<Date, _>(value(start).plus(years(1)))))
        .group_by(nation::n_name)
        .select((nation::n_name, sum(disc_price!())))
        .order_by(sum(disc_price!()).desc());
    v.run(conn, &["n_name", "revenue"], query)
}

/// Q6: forecasting revenue change.
pub fn q6<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error>
where
    C::Backend: Runs<DateWindow>,
{
    let start = date(1994, 1, 1);
    let query = lineitem::table
        .filter(lineitem::l_shipdate.ge(start))
        .filter(lineitem::l_shipdate.lt(cast::<Date, _>(value(start).plus(years(1)))))
        .filter(lineitem::l_discount.between(dec(5, 2), dec(7, 2)))
        .filter(lineitem::l_quantity.lt(Decimal::from(24)))
        .select(sum(lineitem::l_extendedprice * lineitem::l_discount));
    v.run(conn, &["revenue"], query)
}

/// Q7: volume shipping (a derived table over two aliases of `nation`).
pub fn q7<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error>
where
    C::Backend: Runs<PgOnly<DateParts>>,
{
    let pair = |a: &'static str, b: &'static str| {
        n1.col(nation::n_name)
            .eq(a)
            .and(n2.col(nation::n_name).eq(b))
    };
    let lines = supplier::table
        .inner_join(lineitem::table)
        .inner_join(orders::table)
        .inner_join(customer::table)
        .inner_join_on(n1, supplier::s_nationkey.eq(n1.col(nation::n_nationkey)))
        .inner_join_on(n2, customer::c_nationkey.eq(n2.col(nation::n_nationkey)))
        .filter(pair("FRANCE", "GERMANY").or(pair("GERMANY", "FRANCE")))
        .filter(lineitem::l_shipdate.between(date(1995, 1, 1), date(1996, 12, 31)))
        .select((
            n1.col(nation::n_name),
            n2.col(nation::n_name),
            extract(fields::Year, lineitem::l_shipdate),
            disc_price!(),
        ));
    let query = shipping::table
        .from_subquery(lines)
        .group_by((
            shipping::supp_nation,
            shipping::cust_nation,
            shipping::l_year,
        ))
        .select((
            shipping::supp_nation,
            shipping::cust_nation,
            shipping::l_year,
            sum(shipping::volume),
        ))
        .order_by((
            shipping::supp_nation,
            shipping::cust_nation,
            shipping::l_year,
        ));
    v.run(
        conn,
        &["supp_nation", "cust_nation", "l_year", "revenue"],
        query,
    )
}

/// Q8: national market share (CASE inside an aggregate, over a derived table).
pub fn q8<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error>
where
    C::Backend: Runs<PgOnly<DateParts>>,
{
    let lines = part::table
        .inner_join(lineitem::table)
        .inner_join(supplier::table)
        .inner_join(orders::table)
        .inner_join(customer::table)
        .inner_join_on(n1, customer::c_nationkey.eq(n1.col(nation::n_nationkey)))
        .inner_join_on(
            region::table,
            n1.col(nation::n_regionkey).eq(region::r_regionkey),
        )
        .inner_join_on(n2, supplier::s_nationkey.eq(n2.col(nation::n_nationkey)))
        .filter(region::r_name.eq("AMERICA"))
        .filter(orders::o_orderdate.between(date(1995, 1, 1), date(1996, 12, 31)))
        .filter(part::p_type.eq("ECONOMY ANODIZED STEEL"))
        .select((
            extract(fields::Year, orders::o_orderdate),
            disc_price!(),
            n2.col(nation::n_name),
        ));
    let brazil = || {
        sum(
            case_when(all_nations::nation.eq("BRAZIL"), all_nations::volume)
                .otherwise(Decimal::ZERO),
        )
    };
    let query = all_nations::table
        .from_subquery(lines)
        .group_by(all_nations::o_year)
        .select((all_nations::o_year, brazil() / sum(all_nations::volume)))
        .order_by(all_nations::o_year);
    v.run(conn, &["o_year", "mkt_share"], query)
}

/// Q9: product type profit measure (a join along the composite key lineitem -> partsupp).
pub fn q9<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error>
where
    C::Backend: Runs<PgOnly<DateParts>>,
{
    let lines = part::table
        .inner_join(lineitem::table)
        .inner_join(supplier::table)
        .inner_join(lineitem::to_partsupp)
        .inner_join(orders::table)
        .inner_join(nation::table)
        .filter(part::p_name.like("%green%"))
        .select((
            nation::n_name,
            extract(fields::Year, orders::o_orderdate),
            disc_price!() - partsupp::ps_supplycost * lineitem::l_quantity,
        ));
    let query = profit::table
        .from_subquery(lines)
        .group_by((profit::nation, profit::o_year))
        .select((profit::nation, profit::o_year, sum(profit::amount)))
        .order_by((profit::nation, profit::o_year.desc()));
    v.run(conn, &["nation", "o_year", "sum_profit"], query)
}

/// Q10: returned item reporting.
pub fn q10<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error>
where
    C::Backend: Runs<DateWindow>,
{
    let start = date(1993, 10, 1);
    let query = customer::table
        .inner_join(orders::table)
        .inner_join(lineitem::table)
        .inner_join(nation::table)
        .filter(orders::o_orderdate.ge(start))
        .filter(orders::o_orderdate.lt(cast::<Date, _>(value(start).plus(months(3)))))
        .filter(lineitem::l_returnflag.eq("R"))
        .group_by((
            customer::c_custkey,
            customer::c_name,
            customer::c_acctbal,
            customer::c_phone,
            nation::n_name,
            customer::c_address,
            customer::c_comment,
        ))
        .select((
            customer::c_custkey,
            customer::c_name,
            sum(disc_price!()),
            customer::c_acctbal,
            nation::n_name,
            customer::c_address,
            customer::c_phone,
            customer::c_comment,
        ))
        .order_by(sum(disc_price!()).desc())
        .limit(20);
    v.run(
        conn,
        &[
            "c_custkey",
            "c_name",
            "revenue",
            "c_acctbal",
            "n_name",
            "c_address",
            "c_phone",
            "c_comment",
        ],
        query,
    )
}

/// Q11: important stock identification (a scalar subquery in HAVING).
pub fn q11<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error> {
    let value_of = || partsupp::ps_supplycost * cast::<Numeric, _>(partsupp::ps_availqty);
    let german = || {
        partsupp::table
            .inner_join(supplier::table)
            .inner_join(nation::table)
            .filter(nation::n_name.eq("GERMANY"))
    };
    let threshold = german()
        .select(sum(value_of()) * dec(1, 4))
        .scalar_subquery();
    let query = german()
        .group_by(partsupp::ps_partkey)
        .having(sum(value_of()).gt(threshold))
        .select((partsupp::ps_partkey, sum(value_of())))
        .order_by(sum(value_of()).desc());
    v.run(conn, &["ps_partkey", "value"], query)
}

/// Q12: shipping modes and order priority (CASE inside SUM).
pub fn q12<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error>
where
    C::Backend: Runs<DateWindow>,
{
    let start = date(1994, 1, 1);
    let urgent = || {
        orders::o_orderpriority
            .eq("1-URGENT")
            .or(orders::o_orderpriority.eq("2-HIGH"))
    };
    let not_urgent = || {
        orders::o_orderpriority
            .ne("1-URGENT")
            .and(orders::o_orderpriority.ne("2-HIGH"))
    };
    let query = orders::table
        .inner_join(lineitem::table)
        .filter(lineitem::l_shipmode.in_(["MAIL", "SHIP"]))
        .filter(lineitem::l_commitdate.lt(lineitem::l_receiptdate))
        .filter(lineitem::l_shipdate.lt(lineitem::l_commitdate))
        .filter(lineitem::l_receiptdate.ge(start))
        .filter(lineitem::l_receiptdate.lt(cast::<Date, _>(value(start).plus(years(1)))))
        .group_by(lineitem::l_shipmode)
        .select((
            lineitem::l_shipmode,
            sum(case_when(urgent(), 1).otherwise(0)),
            sum(case_when(not_urgent(), 1).otherwise(0)),
        ))
        .order_by(lineitem::l_shipmode);
    v.run(
        conn,
        &["l_shipmode", "high_line_count", "low_line_count"],
        query,
    )
}

/// Q13: customer distribution (a LEFT JOIN with an extra ON condition, then a derived
/// table grouped again).
pub fn q13<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error> {
    let per_customer = customer::table
        .left_join_on(
            orders::table,
            customer::c_custkey
                .eq(orders::o_custkey)
                .and(orders::o_comment.not_like("%special%requests%")),
        )
        .group_by(customer::c_custkey)
        .select((customer::c_custkey, count(orders::o_orderkey)));
    let query = c_orders::table
        .from_subquery(per_customer)
        .group_by(c_orders::c_count)
        .select((c_orders::c_count, count_star()))
        .order_by((count_star().desc(), c_orders::c_count.desc()));
    v.run(conn, &["c_count", "custdist"], query)
}

/// Q14: promotion effect.
pub fn q14<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error>
where
    C::Backend: Runs<DateWindow>,
{
    let start = date(1995, 9, 1);
    let promo = sum(case_when(part::p_type.like("PROMO%"), disc_price!()).otherwise(Decimal::ZERO));
    let query = lineitem::table
        .inner_join(part::table)
        .filter(lineitem::l_shipdate.ge(start))
        .filter(lineitem::l_shipdate.lt(cast::<Date, _>(value(start).plus(months(1)))))
        .select(value(dec(10000, 2)) * promo / sum(disc_price!()));
    v.run(conn, &["promo_revenue"], query)
}

/// Q15: top supplier (the view as a CTE, read by the query and by its scalar subquery).
pub fn q15<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error>
where
    C::Backend: Runs<DateWindow>,
{
    let start = date(1996, 1, 1);
    let revenue = lineitem::table
        .filter(lineitem::l_shipdate.ge(start))
        .filter(lineitem::l_shipdate.lt(cast::<Date, _>(value(start).plus(months(3)))))
        .group_by(lineitem::l_suppkey)
        .select((lineitem::l_suppkey, sum(disc_price!())));
    let best = revenue0::table
        .select(max(revenue0::total_revenue))
        .scalar_subquery();
    let query = supplier::table
        .inner_join_on(
            revenue0::table,
            supplier::s_suppkey.eq(revenue0::supplier_no),
        )
        .filter(revenue0::total_revenue.eq(best))
        .select((
            supplier::s_suppkey,
            supplier::s_name,
            supplier::s_address,
            supplier::s_phone,
            revenue0::total_revenue,
        ))
        .order_by(supplier::s_suppkey)
        .with(revenue0::table.cte(revenue));
    v.run(
        conn,
        &[
            "s_suppkey",
            "s_name",
            "s_address",
            "s_phone",
            "total_revenue",
        ],
        query,
    )
}

/// Q16: parts/supplier relationship (NOT IN a subquery, COUNT(DISTINCT)).
pub fn q16<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error> {
    let complaints = supplier::table
        .filter(supplier::s_comment.like("%Customer%Complaints%"))
        .select(supplier::s_suppkey);
    let query = partsupp::table
        .inner_join(part::table)
        .filter(part::p_brand.ne("Brand#45"))
        .filter(part::p_type.not_like("MEDIUM POLISHED%"))
        .filter(part::p_size.in_([49, 14, 23, 45, 19, 3, 36, 9]))
        .filter(partsupp::ps_suppkey.not_in_query(complaints))
        .group_by((part::p_brand, part::p_type, part::p_size))
        .select((
            part::p_brand,
            part::p_type,
            part::p_size,
            count_distinct(partsupp::ps_suppkey),
        ))
        .order_by((
            count_distinct(partsupp::ps_suppkey).desc(),
            part::p_brand,
            part::p_type,
            part::p_size,
        ));
    v.run(
        conn,
        &["p_brand", "p_type", "p_size", "supplier_cnt"],
        query,
    )
}

/// Q17: small-quantity-order revenue (a correlated scalar subquery).
pub fn q17<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error> {
    let small = l2
        .query()
        .correlate(part::table)
        .filter(l2.col(lineitem::l_partkey).eq(part::p_partkey))
        .select(value(dec(2, 1)) * avg(l2.col(lineitem::l_quantity)));
    let query = lineitem::table
        .inner_join(part::table)
        .filter(part::p_brand.eq("Brand#23"))
        .filter(part::p_container.eq("MED BOX"))
        .filter(lineitem::l_quantity.lt(small.scalar_subquery()))
        .select(sum(lineitem::l_extendedprice) / dec(70, 1));
    v.run(conn, &["avg_yearly"], query)
}

/// Q18: large volume customer (IN a grouped subquery with HAVING).
pub fn q18<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error> {
    let big_orders = l2
        .query()
        .group_by(l2.col(lineitem::l_orderkey))
        .having(sum(l2.col(lineitem::l_quantity)).gt(Decimal::from(300)))
        .select(l2.col(lineitem::l_orderkey));
    let query = customer::table
        .inner_join(orders::table)
        .inner_join(lineitem::table)
        .filter(orders::o_orderkey.in_query(big_orders))
        .group_by((
            customer::c_name,
            customer::c_custkey,
            orders::o_orderkey,
            orders::o_orderdate,
            orders::o_totalprice,
        ))
        .select((
            customer::c_name,
            customer::c_custkey,
            orders::o_orderkey,
            orders::o_orderdate,
            orders::o_totalprice,
            sum(lineitem::l_quantity),
        ))
        .order_by((orders::o_totalprice.desc(), orders::o_orderdate))
        .limit(100);
    v.run(
        conn,
        &[
            "c_name",
            "c_custkey",
            "o_orderkey",
            "o_orderdate",
            "o_totalprice",
            "sum",
        ],
        query,
    )
}

/// Q19: discounted revenue (a disjunction of conjunctions).
pub fn q19<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error> {
    let case = |brand: &'static str, containers: [&'static str; 4], qty: i64, size: i32| {
        part::p_brand
            .eq(brand)
            .and(part::p_container.in_(containers))
            .and(lineitem::l_quantity.ge(Decimal::from(qty)))
            .and(lineitem::l_quantity.le(Decimal::from(qty + 10)))
            .and(part::p_size.between(1, size))
            .and(lineitem::l_shipmode.in_(["AIR", "AIR REG"]))
            .and(lineitem::l_shipinstruct.eq("DELIVER IN PERSON"))
    };
    let query = lineitem::table
        .inner_join(part::table)
        .filter(
            case("Brand#12", ["SM CASE", "SM BOX", "SM PACK", "SM PKG"], 1, 5)
                .or(case(
                    "Brand#23",
                    ["MED BAG", "MED BOX", "MED PKG", "MED PACK"],
                    10,
                    10,
                ))
                .or(case(
                    "Brand#34",
                    ["LG CASE", "LG BOX", "LG PACK", "LG PKG"],
                    20,
                    15,
                )),
        )
        .select(sum(disc_price!()));
    v.run(conn, &["revenue"], query)
}

/// Q20: potential part promotion (nested IN subqueries and a scalar subquery correlated
/// with the middle one).
pub fn q20<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error>
where
    C::Backend: Runs<DateWindow>,
{
    let start = date(1994, 1, 1);
    let forest_parts = part::table
        .filter(part::p_name.like("forest%"))
        .select(part::p_partkey);
    let shipped_half = lineitem::table
        .correlate(partsupp::table)
        .filter(lineitem::l_partkey.eq(partsupp::ps_partkey))
        .filter(lineitem::l_suppkey.eq(partsupp::ps_suppkey))
        .filter(lineitem::l_shipdate.ge(start))
        .filter(lineitem::l_shipdate.lt(cast::<Date, _>(value(start).plus(years(1)))))
        .select(value(dec(5, 1)) * sum(lineitem::l_quantity));
    let suppliers = partsupp::table
        .filter(partsupp::ps_partkey.in_query(forest_parts))
        .filter(cast::<Numeric, _>(partsupp::ps_availqty).gt(shipped_half.scalar_subquery()))
        .select(partsupp::ps_suppkey);
    let query = supplier::table
        .inner_join(nation::table)
        .filter(supplier::s_suppkey.in_query(suppliers))
        .filter(nation::n_name.eq("CANADA"))
        .select((supplier::s_name, supplier::s_address))
        .order_by(supplier::s_name);
    v.run(conn, &["s_name", "s_address"], query)
}

/// Q21: suppliers who kept orders waiting (EXISTS and NOT EXISTS over aliases of
/// `lineitem`, correlated with a third).
pub fn q21<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error> {
    let other_supplier = l2
        .query()
        .correlate(l1)
        .filter(
            l2.col(lineitem::l_orderkey)
                .eq(l1.col(lineitem::l_orderkey)),
        )
        .filter(l2.col(lineitem::l_suppkey).ne(l1.col(lineitem::l_suppkey)));
    let other_late = l3
        .query()
        .correlate(l1)
        .filter(
            l3.col(lineitem::l_orderkey)
                .eq(l1.col(lineitem::l_orderkey)),
        )
        .filter(l3.col(lineitem::l_suppkey).ne(l1.col(lineitem::l_suppkey)))
        .filter(
            l3.col(lineitem::l_receiptdate)
                .gt(l3.col(lineitem::l_commitdate)),
        );
    let query = supplier::table
        .inner_join_on(l1, supplier::s_suppkey.eq(l1.col(lineitem::l_suppkey)))
        .inner_join_on(
            orders::table,
            orders::o_orderkey.eq(l1.col(lineitem::l_orderkey)),
        )
        .inner_join(nation::table)
        .filter(orders::o_orderstatus.eq("F"))
        .filter(
            l1.col(lineitem::l_receiptdate)
                .gt(l1.col(lineitem::l_commitdate)),
        )
        .filter(exists(other_supplier))
        .filter(not_exists(other_late))
        .filter(nation::n_name.eq("SAUDI ARABIA"))
        .group_by(supplier::s_name)
        .select((supplier::s_name, count_star()))
        .order_by((count_star().desc(), supplier::s_name))
        .limit(100);
    v.run(conn, &["s_name", "numwait"], query)
}

/// Q22: global sales opportunity (SUBSTRING, IN a list, a scalar subquery and NOT EXISTS,
/// in a derived table).
pub fn q22<C: Executor, V: Rows<C>>(conn: &mut C, v: V) -> Result<V::Out, Error> {
    const CODES: [&str; 7] = ["13", "31", "23", "29", "30", "18", "17"];
    let code = || substring(customer::c_phone, 1, 2);
    let average = customer::table
        .filter(customer::c_acctbal.gt(dec(0, 2)))
        .filter(code().in_(CODES))
        .select(avg(customer::c_acctbal))
        .scalar_subquery();
    let no_orders = orders::table
        .correlate(customer::table)
        .filter(orders::o_custkey.eq(customer::c_custkey));
    let candidates = customer::table
        .filter(code().in_(CODES))
        .filter(customer::c_acctbal.gt(average))
        .filter(not_exists(no_orders))
        .select((code(), customer::c_acctbal));
    let query = custsale::table
        .from_subquery(candidates)
        .group_by(custsale::cntrycode)
        .select((custsale::cntrycode, count_star(), sum(custsale::c_acctbal)))
        .order_by(custsale::cntrycode);
    v.run(conn, &["cntrycode", "numcust", "totacctbal"], query)
}
