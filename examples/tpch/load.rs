//! Loads TPC-H data made by the `tpchgen` crate into the schema of [`super::schema`], on
//! PostgreSQL ([`load`]), SQLite ([`load_sqlite`]) or MySQL/MariaDB ([`load_mysql`]), the
//! same rows on each.
//!
//! Rows are built from the generator's rows as `column.to(value)` tuples of the `table!`
//! declarations, so the compiler checks every value against its column. On PostgreSQL
//! each table is one binary `COPY` through sqlwright's [`copy_in`]; on SQLite, which has no
//! COPY, multi-row `insert_into(table).values(rows)` statements of as many rows as fit
//! SQLite's 32766 parameters, all in one transaction. The foreign keys are added once the
//! data is in. The whole load is one transaction: a failure leaves no half-loaded tables
//! behind. `ANALYZE` follows, so that the planner knows the tables' sizes before the
//! queries run.
//!
//! `tpchgen` builds its pool of comment text (300 MB) on first use, which the first table
//! (`region`) pays for: about 1 s in a release build, 4 to 5 s in a debug build.

use super::schema::{
    customer, lineitem, nation, orders, part, partsupp, region, supplier, ADD_FOREIGN_KEYS,
    CREATE_INDEXES, CREATE_TABLES, DROP,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlwright::backend::Dialect;
use sqlwright::backend::{Backend, Runs};
use sqlwright::check::writes::InsertColumns;
use sqlwright::copy::CopyRow;
use sqlwright::prelude::*;
use sqlwright::query::{AssignList, Assignments, StoredTable};
use sqlwright::{Mysql, Postgres, Sqlite};
use std::fmt;
use std::time::{Duration, Instant};
use tpchgen::dates::TPCHDate;
use tpchgen::decimal::TPCHDecimal;
use tpchgen::generators::{
    CustomerGenerator, LineItemGenerator, NationGenerator, OrderGenerator, PartGenerator,
    PartSuppGenerator, RegionGenerator, SupplierGenerator,
};

/// The largest scale factor whose keys fit the schema's `integer` columns: order keys
/// reach about SF * 6 000 000.
pub const MAX_SCALE_FACTOR: f64 = 300.0;

/// How long each table took and how many rows it got.
#[derive(Debug, Clone, PartialEq)]
pub struct TableStats {
    /// The table's name.
    pub table: &'static str,
    /// Rows stored.
    pub rows: u64,
    /// Time to generate and send them.
    pub elapsed: Duration,
}

/// What [`load`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadStats {
    /// The scale factor loaded.
    pub scale_factor: f64,
    /// One entry per table, in load order.
    pub tables: Vec<TableStats>,
    /// Time to add (and so check) the foreign keys and to build the index once the data
    /// was in.
    pub foreign_keys: Duration,
    /// Time of the closing `ANALYZE`.
    pub analyze: Duration,
    /// Time of the whole load, schema and `ANALYZE` included.
    pub total: Duration,
}

impl LoadStats {
    /// Rows stored in `table`, if it was loaded.
    pub fn rows(&self, table: &str) -> Option<u64> {
        self.tables
            .iter()
            .find(|t| t.table == table)
            .map(|t| t.rows)
    }
}

/// Why a load failed.
#[derive(Debug)]
pub enum LoadError {
    /// A scale factor that is not a positive number up to [`MAX_SCALE_FACTOR`].
    ScaleFactor(f64),
    /// A generated value that does not fit its column (a key past `integer`, a date
    /// outside chrono's range).
    Value {
        /// `table.column`.
        column: &'static str,
        /// The value as generated.
        value: String,
    },
    /// The database refused a statement or the COPY.
    Database(sqlwright::Error),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::ScaleFactor(sf) => write!(
                f,
                "scale factor {sf} is not usable: it must be greater than 0 and at most \
                 {MAX_SCALE_FACTOR} (keys are `integer` columns)"
            ),
            LoadError::Value { column, value } => {
                write!(f, "generated value {value} does not fit column {column}")
            }
            LoadError::Database(e) => write!(f, "loading TPC-H data failed: {e}"),
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::Database(e) => Some(e),
            _ => None,
        }
    }
}

impl From<sqlwright::Error> for LoadError {
    fn from(e: sqlwright::Error) -> Self {
        LoadError::Database(e)
    }
}

/// Drops the eight TPC-H tables where they exist, creates them from
/// [`DDL`](super::schema::DDL), fills them with the data `tpchgen` generates at scale factor
/// `sf` and runs `ANALYZE`. The foreign keys and the index are added after the data, in
/// the same transaction.
///
/// The tables are dropped with `CASCADE`: point this at a database whose `region`,
/// `nation`, `part`, `supplier`, `partsupp`, `customer`, `orders` and `lineitem` may go.
pub fn load<C: Executor<Backend = Postgres>>(
    conn: &mut C,
    sf: f64,
) -> Result<LoadStats, LoadError> {
    if !(sf > 0.0 && sf <= MAX_SCALE_FACTOR) {
        return Err(LoadError::ScaleFactor(sf));
    }
    let started = Instant::now();
    let (tables, foreign_keys) = conn.transaction(|tx| {
        tx.batch_execute(DROP)?;
        tx.batch_execute(CREATE_TABLES)?;
        let tables = fill(&mut Copying(tx), sf)?;
        let checking = Instant::now();
        tx.batch_execute(ADD_FOREIGN_KEYS)?;
        tx.batch_execute(CREATE_INDEXES)?;
        let foreign_keys = checking.elapsed();
        Ok::<_, LoadError>((tables, foreign_keys))
    })?;
    let analyzing = Instant::now();
    conn.batch_execute("ANALYZE")?;
    Ok(LoadStats {
        scale_factor: sf,
        tables,
        foreign_keys,
        analyze: analyzing.elapsed(),
        total: started.elapsed(),
    })
}

/// [`load`] for SQLite: drops the eight tables where they exist, creates them from the
/// `table!` declarations (`STRICT` tables, foreign keys inline, as
/// [`Schema::create_sql_for`](sqlwright::ddl::Schema::create_sql_for) writes them for
/// SQLite), fills them with the same rows as [`load`] in multi-row INSERTs, adds the same
/// index ([`CREATE_INDEXES`]) and runs `ANALYZE`, all but `ANALYZE` in one transaction.
///
/// The columns are typed as the declarations say, not as TPC-H's DDL: `char(n)` and
/// `varchar(n)` are TEXT (tpchgen's values have no trailing blanks, so they compare and
/// print as PostgreSQL's `char(n)` does), `decimal(15,2)` is REAL holding each value
/// exactly (15 significant digits fit a double; sqlwright refuses a decimal that does
/// not), dates are `YYYY-MM-DD` text. SQLite checks each foreign key as its row is
/// inserted, so the tables are filled parents first.
pub fn load_sqlite<C: Executor<Backend = Sqlite>>(
    conn: &mut C,
    sf: f64,
) -> Result<LoadStats, LoadError> {
    if !(sf > 0.0 && sf <= MAX_SCALE_FACTOR) {
        return Err(LoadError::ScaleFactor(sf));
    }
    let schema =
        sqlwright::schema!(region, nation, part, supplier, partsupp, customer, orders, lineitem);
    let started = Instant::now();
    let (tables, foreign_keys) = conn.transaction(|tx| {
        tx.batch_execute(&schema.drop_sql_for(Dialect::Sqlite, true))?;
        tx.batch_execute(&schema.create_sql_for(Dialect::Sqlite, false))?;
        let tables = fill(&mut Inserting(tx), sf)?;
        let indexing = Instant::now();
        tx.batch_execute(CREATE_INDEXES)?;
        Ok::<_, LoadError>((tables, indexing.elapsed()))
    })?;
    let analyzing = Instant::now();
    conn.batch_execute("ANALYZE")?;
    Ok(LoadStats {
        scale_factor: sf,
        tables,
        foreign_keys,
        analyze: analyzing.elapsed(),
        total: started.elapsed(),
    })
}

/// [`load`] for MySQL and MariaDB: drops the eight tables where they exist, creates them
/// from TPC-H's own DDL ([`CREATE_TABLES`]: `char(n)`, `varchar(n)`, `decimal(15,2)`,
/// `date`, which MySQL takes as written), fills them with the same rows as [`load`] in
/// multi-row INSERTs of bound values (one transaction), then adds the foreign keys and the
/// index and runs `ANALYZE TABLE`. MySQL commits DDL implicitly, so the schema statements
/// run outside the transaction. MySQL's `char(n)` drops the padding blanks PostgreSQL
/// prints; decimals and dates are exact.
pub fn load_mysql<C: Executor<Backend = Mysql>>(
    conn: &mut C,
    sf: f64,
) -> Result<LoadStats, LoadError> {
    if !(sf > 0.0 && sf <= MAX_SCALE_FACTOR) {
        return Err(LoadError::ScaleFactor(sf));
    }
    let started = Instant::now();
    conn.batch_execute(DROP)?;
    conn.batch_execute(CREATE_TABLES)?;
    let tables = conn.transaction(|tx| fill(&mut Inserting(tx), sf))?;
    let checking = Instant::now();
    conn.batch_execute(ADD_FOREIGN_KEYS)?;
    conn.batch_execute(CREATE_INDEXES)?;
    let foreign_keys = checking.elapsed();
    let analyzing = Instant::now();
    conn.batch_execute(
        "ANALYZE TABLE region, nation, part, supplier, partsupp, customer, orders, lineitem",
    )?;
    Ok(LoadStats {
        scale_factor: sf,
        tables,
        foreign_keys,
        analyze: analyzing.elapsed(),
        total: started.elapsed(),
    })
}

/// Generates the eight tables at scale factor `sf` into `store`, parents first, timing each.
fn fill(store: &mut impl Store, sf: f64) -> Result<Vec<TableStats>, LoadError> {
    let mut tables = Vec::with_capacity(8);
    let mut timed = |table: &'static str,
                     store: &mut dyn FnMut() -> Result<u64, LoadError>|
     -> Result<(), LoadError> {
        let started = Instant::now();
        let rows = store()?;
        tables.push(TableStats {
            table,
            rows,
            elapsed: started.elapsed(),
        });
        Ok(())
    };
    timed("region", &mut || load_region(store))?;
    timed("nation", &mut || load_nation(store))?;
    timed("part", &mut || load_part(store, sf))?;
    timed("supplier", &mut || load_supplier(store, sf))?;
    timed("partsupp", &mut || load_partsupp(store, sf))?;
    timed("customer", &mut || load_customer(store, sf))?;
    timed("orders", &mut || load_orders(store, sf))?;
    timed("lineitem", &mut || load_lineitem(store, sf))?;
    Ok(tables)
}

/// Where generated rows go: a COPY per table on PostgreSQL ([`Copying`]), multi-row
/// INSERTs on SQLite and MySQL ([`Inserting`]). Each store stops at the first row that could not be
/// built and returns its error.
trait Store {
    /// Stores `rows` into `table`; the number of rows stored.
    fn store<T, R, I, J>(
        &mut self,
        table: T,
        rows: impl Iterator<Item = Result<R, LoadError>>,
    ) -> Result<u64, LoadError>
    where
        T: StoredTable + Copy,
        R: CopyRow<T, I>
            + Assignments<T, InsertColumns, J>
            + AssignList<Needs: sqlwright::backend::Needs<Canon = ()>>;
}

/// Rows sent with one binary COPY per table.
struct Copying<'c, C>(&'c mut C);

impl<C: Executor<Backend = Postgres>> Store for Copying<'_, C> {
    fn store<T, R, I, J>(
        &mut self,
        table: T,
        rows: impl Iterator<Item = Result<R, LoadError>>,
    ) -> Result<u64, LoadError>
    where
        T: StoredTable + Copy,
        R: CopyRow<T, I>
            + Assignments<T, InsertColumns, J>
            + AssignList<Needs: sqlwright::backend::Needs<Canon = ()>>,
    {
        let mut failed = None;
        let rows = rows.map_while(|row| row.map_err(|e| failed = Some(e)).ok());
        let stored = copy_in(table).rows(rows, self.0)?;
        match failed {
            Some(e) => Err(e),
            None => Ok(stored),
        }
    }
}

/// Rows inserted with multi-row INSERTs, each of as many rows as the backend's parameter
/// limit allows (one parameter per column: on SQLite 2047 rows of `lineitem`'s 16 columns,
/// on MySQL 4095).
struct Inserting<'c, C>(&'c mut C);

impl<C: Executor<Backend: Runs<()>>> Store for Inserting<'_, C> {
    fn store<T, R, I, J>(
        &mut self,
        table: T,
        rows: impl Iterator<Item = Result<R, LoadError>>,
    ) -> Result<u64, LoadError>
    where
        T: StoredTable + Copy,
        R: CopyRow<T, I>
            + Assignments<T, InsertColumns, J>
            + AssignList<Needs: sqlwright::backend::Needs<Canon = ()>>,
    {
        let per_statement = C::Backend::DIALECT.max_params() / T::META.columns.len().max(1);
        let mut stored = 0;
        let mut chunk = Vec::with_capacity(per_statement);
        for row in rows {
            chunk.push(row?);
            if chunk.len() == per_statement {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(per_statement));
                stored += insert_into(table).values(full).execute(self.0)?;
            }
        }
        stored += insert_into(table).values(chunk).execute(self.0)?;
        Ok(stored)
    }
}

/// A key as the schema's `integer`.
fn key(column: &'static str, value: i64) -> Result<i32, LoadError> {
    i32::try_from(value).map_err(|_| LoadError::Value {
        column,
        value: value.to_string(),
    })
}

/// A `decimal(15,2)` value: tpchgen keeps hundredths in an `i64`.
fn money(value: TPCHDecimal) -> Decimal {
    Decimal::new(value.into_inner(), 2)
}

/// tpchgen makes whole quantities; the column is `decimal(15,2)`, so they get scale 2.
fn quantity(value: i64) -> Decimal {
    let mut quantity = Decimal::from(value);
    quantity.rescale(2);
    quantity
}

fn date(column: &'static str, value: TPCHDate) -> Result<NaiveDate, LoadError> {
    NaiveDate::from_epoch_days(value.to_unix_epoch()).ok_or_else(|| LoadError::Value {
        column,
        value: value.to_string(),
    })
}

fn load_region(store: &mut impl Store) -> Result<u64, LoadError> {
    let rows = RegionGenerator::new(1.0, 1, 1).into_iter().map(|r| {
        Ok::<_, LoadError>((
            region::r_regionkey.to(key("region.r_regionkey", r.r_regionkey)?),
            region::r_name.to(r.r_name),
            region::r_comment.to(r.r_comment),
        ))
    });
    store.store(region::table, rows)
}

fn load_nation(store: &mut impl Store) -> Result<u64, LoadError> {
    let rows = NationGenerator::new(1.0, 1, 1).into_iter().map(|n| {
        Ok::<_, LoadError>((
            nation::n_nationkey.to(key("nation.n_nationkey", n.n_nationkey)?),
            nation::n_name.to(n.n_name),
            nation::n_regionkey.to(key("nation.n_regionkey", n.n_regionkey)?),
            nation::n_comment.to(n.n_comment),
        ))
    });
    store.store(nation::table, rows)
}

fn load_part(store: &mut impl Store, sf: f64) -> Result<u64, LoadError> {
    let rows = PartGenerator::new(sf, 1, 1).into_iter().map(|p| {
        Ok::<_, LoadError>((
            part::p_partkey.to(key("part.p_partkey", p.p_partkey)?),
            part::p_name.to(p.p_name.to_string()),
            part::p_mfgr.to(p.p_mfgr.to_string()),
            part::p_brand.to(p.p_brand.to_string()),
            part::p_type.to(p.p_type),
            part::p_size.to(p.p_size),
            part::p_container.to(p.p_container),
            part::p_retailprice.to(money(p.p_retailprice)),
            part::p_comment.to(p.p_comment),
        ))
    });
    store.store(part::table, rows)
}

fn load_supplier(store: &mut impl Store, sf: f64) -> Result<u64, LoadError> {
    let rows = SupplierGenerator::new(sf, 1, 1).into_iter().map(|s| {
        Ok::<_, LoadError>((
            supplier::s_suppkey.to(key("supplier.s_suppkey", s.s_suppkey)?),
            supplier::s_name.to(s.s_name.to_string()),
            supplier::s_address.to(s.s_address.to_string()),
            supplier::s_nationkey.to(key("supplier.s_nationkey", s.s_nationkey)?),
            supplier::s_phone.to(s.s_phone.to_string()),
            supplier::s_acctbal.to(money(s.s_acctbal)),
            supplier::s_comment.to(s.s_comment),
        ))
    });
    store.store(supplier::table, rows)
}

fn load_partsupp(store: &mut impl Store, sf: f64) -> Result<u64, LoadError> {
    let rows = PartSuppGenerator::new(sf, 1, 1).into_iter().map(|ps| {
        Ok::<_, LoadError>((
            partsupp::ps_partkey.to(key("partsupp.ps_partkey", ps.ps_partkey)?),
            partsupp::ps_suppkey.to(key("partsupp.ps_suppkey", ps.ps_suppkey)?),
            partsupp::ps_availqty.to(ps.ps_availqty),
            partsupp::ps_supplycost.to(money(ps.ps_supplycost)),
            partsupp::ps_comment.to(ps.ps_comment),
        ))
    });
    store.store(partsupp::table, rows)
}

fn load_customer(store: &mut impl Store, sf: f64) -> Result<u64, LoadError> {
    let rows = CustomerGenerator::new(sf, 1, 1).into_iter().map(|c| {
        Ok::<_, LoadError>((
            customer::c_custkey.to(key("customer.c_custkey", c.c_custkey)?),
            customer::c_name.to(c.c_name.to_string()),
            customer::c_address.to(c.c_address.to_string()),
            customer::c_nationkey.to(key("customer.c_nationkey", c.c_nationkey)?),
            customer::c_phone.to(c.c_phone.to_string()),
            customer::c_acctbal.to(money(c.c_acctbal)),
            customer::c_mktsegment.to(c.c_mktsegment),
            customer::c_comment.to(c.c_comment),
        ))
    });
    store.store(customer::table, rows)
}

fn load_orders(store: &mut impl Store, sf: f64) -> Result<u64, LoadError> {
    let rows = OrderGenerator::new(sf, 1, 1).into_iter().map(|o| {
        Ok::<_, LoadError>((
            orders::o_orderkey.to(key("orders.o_orderkey", o.o_orderkey)?),
            orders::o_custkey.to(key("orders.o_custkey", o.o_custkey)?),
            orders::o_orderstatus.to(o.o_orderstatus.to_string()),
            orders::o_totalprice.to(money(o.o_totalprice)),
            orders::o_orderdate.to(date("orders.o_orderdate", o.o_orderdate)?),
            orders::o_orderpriority.to(o.o_orderpriority),
            orders::o_clerk.to(o.o_clerk.to_string()),
            orders::o_shippriority.to(o.o_shippriority),
            orders::o_comment.to(o.o_comment),
        ))
    });
    store.store(orders::table, rows)
}

fn load_lineitem(store: &mut impl Store, sf: f64) -> Result<u64, LoadError> {
    let rows = LineItemGenerator::new(sf, 1, 1).into_iter().map(|l| {
        Ok::<_, LoadError>((
            lineitem::l_orderkey.to(key("lineitem.l_orderkey", l.l_orderkey)?),
            lineitem::l_partkey.to(key("lineitem.l_partkey", l.l_partkey)?),
            lineitem::l_suppkey.to(key("lineitem.l_suppkey", l.l_suppkey)?),
            lineitem::l_linenumber.to(l.l_linenumber),
            lineitem::l_quantity.to(quantity(l.l_quantity)),
            lineitem::l_extendedprice.to(money(l.l_extendedprice)),
            lineitem::l_discount.to(money(l.l_discount)),
            lineitem::l_tax.to(money(l.l_tax)),
            lineitem::l_returnflag.to(l.l_returnflag),
            lineitem::l_linestatus.to(l.l_linestatus),
            lineitem::l_shipdate.to(date("lineitem.l_shipdate", l.l_shipdate)?),
            lineitem::l_commitdate.to(date("lineitem.l_commitdate", l.l_commitdate)?),
            lineitem::l_receiptdate.to(date("lineitem.l_receiptdate", l.l_receiptdate)?),
            lineitem::l_shipinstruct.to(l.l_shipinstruct),
            lineitem::l_shipmode.to(l.l_shipmode),
            lineitem::l_comment.to(l.l_comment),
        ))
    });
    store.store(lineitem::table, rows)
}
