//! The TPC-H schema: the eight tables with the specification's column names, as `table!`
//! declarations for typed queries, and as the `CREATE TABLE` text that makes them.
//!
//! Every column is `NOT NULL`, as the specification has it. `char(n)` columns are `Text`
//! (PostgreSQL's `bpchar` travels as text), `varchar(n)` columns `Varchar`, `decimal(15,2)`
//! columns `Numeric` (`rust_decimal::Decimal`), dates `Date` (`chrono::NaiveDate`), keys
//! `Int4`.

sqlwright::table! {
    /// The five regions.
    region (r_regionkey) {
        r_regionkey -> Int4,
        r_name -> Text,
        r_comment -> Varchar,
    }

    /// The 25 nations, each in one region.
    nation (n_nationkey) {
        n_nationkey -> Int4,
        n_name -> Text,
        #[references(region::r_regionkey)] n_regionkey -> Int4,
        n_comment -> Varchar,
    }

    /// Parts (SF * 200 000 rows).
    part (p_partkey) {
        p_partkey -> Int4,
        p_name -> Varchar,
        p_mfgr -> Text,
        p_brand -> Text,
        p_type -> Varchar,
        p_size -> Int4,
        p_container -> Text,
        p_retailprice -> Numeric,
        p_comment -> Varchar,
    }

    /// Suppliers (SF * 10 000 rows).
    supplier (s_suppkey) {
        s_suppkey -> Int4,
        s_name -> Text,
        s_address -> Varchar,
        #[references(nation::n_nationkey)] s_nationkey -> Int4,
        s_phone -> Text,
        s_acctbal -> Numeric,
        s_comment -> Varchar,
    }

    /// Which supplier offers which part (SF * 800 000 rows).
    partsupp (ps_partkey, ps_suppkey) {
        #[references(part::p_partkey)] ps_partkey -> Int4,
        #[references(supplier::s_suppkey)] ps_suppkey -> Int4,
        ps_availqty -> Int4,
        ps_supplycost -> Numeric,
        ps_comment -> Varchar,
    }

    /// Customers (SF * 150 000 rows).
    customer (c_custkey) {
        c_custkey -> Int4,
        c_name -> Varchar,
        c_address -> Varchar,
        #[references(nation::n_nationkey)] c_nationkey -> Int4,
        c_phone -> Text,
        c_acctbal -> Numeric,
        c_mktsegment -> Text,
        c_comment -> Varchar,
    }

    /// Orders (SF * 1 500 000 rows).
    orders (o_orderkey) {
        o_orderkey -> Int4,
        #[references(customer::c_custkey)] o_custkey -> Int4,
        o_orderstatus -> Text,
        o_totalprice -> Numeric,
        o_orderdate -> Date,
        o_orderpriority -> Text,
        o_clerk -> Text,
        o_shippriority -> Int4,
        o_comment -> Varchar,
    }

    /// Order lines (about SF * 6 000 000 rows).
    #[foreign_key((l_partkey, l_suppkey) -> partsupp (ps_partkey, ps_suppkey))]
    lineitem (l_orderkey, l_linenumber) {
        #[references(orders::o_orderkey)] l_orderkey -> Int4,
        #[references(part::p_partkey)] l_partkey -> Int4,
        #[references(supplier::s_suppkey)] l_suppkey -> Int4,
        l_linenumber -> Int4,
        l_quantity -> Numeric,
        l_extendedprice -> Numeric,
        l_discount -> Numeric,
        l_tax -> Numeric,
        l_returnflag -> Text,
        l_linestatus -> Text,
        l_shipdate -> Date,
        l_commitdate -> Date,
        l_receiptdate -> Date,
        l_shipinstruct -> Text,
        l_shipmode -> Text,
        l_comment -> Varchar,
    }
}

/// The eight table names, referenced tables first (the order to create and load them in).
pub const TABLES: [&str; 8] = [
    "region", "nation", "part", "supplier", "partsupp", "customer", "orders", "lineitem",
];

// The schema's SQL text, written once and put together by `concat!` below.
macro_rules! create_tables {
    () => {
        "
CREATE TABLE region (
    r_regionkey integer NOT NULL PRIMARY KEY,
    r_name char(25) NOT NULL,
    r_comment varchar(152) NOT NULL
);
CREATE TABLE nation (
    n_nationkey integer NOT NULL PRIMARY KEY,
    n_name char(25) NOT NULL,
    n_regionkey integer NOT NULL,
    n_comment varchar(152) NOT NULL
);
CREATE TABLE part (
    p_partkey integer NOT NULL PRIMARY KEY,
    p_name varchar(55) NOT NULL,
    p_mfgr char(25) NOT NULL,
    p_brand char(10) NOT NULL,
    p_type varchar(25) NOT NULL,
    p_size integer NOT NULL,
    p_container char(10) NOT NULL,
    p_retailprice decimal(15,2) NOT NULL,
    p_comment varchar(23) NOT NULL
);
CREATE TABLE supplier (
    s_suppkey integer NOT NULL PRIMARY KEY,
    s_name char(25) NOT NULL,
    s_address varchar(40) NOT NULL,
    s_nationkey integer NOT NULL,
    s_phone char(15) NOT NULL,
    s_acctbal decimal(15,2) NOT NULL,
    s_comment varchar(101) NOT NULL
);
CREATE TABLE partsupp (
    ps_partkey integer NOT NULL,
    ps_suppkey integer NOT NULL,
    ps_availqty integer NOT NULL,
    ps_supplycost decimal(15,2) NOT NULL,
    ps_comment varchar(199) NOT NULL,
    PRIMARY KEY (ps_partkey, ps_suppkey)
);
CREATE TABLE customer (
    c_custkey integer NOT NULL PRIMARY KEY,
    c_name varchar(25) NOT NULL,
    c_address varchar(40) NOT NULL,
    c_nationkey integer NOT NULL,
    c_phone char(15) NOT NULL,
    c_acctbal decimal(15,2) NOT NULL,
    c_mktsegment char(10) NOT NULL,
    c_comment varchar(117) NOT NULL
);
CREATE TABLE orders (
    o_orderkey integer NOT NULL PRIMARY KEY,
    o_custkey integer NOT NULL,
    o_orderstatus char(1) NOT NULL,
    o_totalprice decimal(15,2) NOT NULL,
    o_orderdate date NOT NULL,
    o_orderpriority char(15) NOT NULL,
    o_clerk char(15) NOT NULL,
    o_shippriority integer NOT NULL,
    o_comment varchar(79) NOT NULL
);
CREATE TABLE lineitem (
    l_orderkey integer NOT NULL,
    l_partkey integer NOT NULL,
    l_suppkey integer NOT NULL,
    l_linenumber integer NOT NULL,
    l_quantity decimal(15,2) NOT NULL,
    l_extendedprice decimal(15,2) NOT NULL,
    l_discount decimal(15,2) NOT NULL,
    l_tax decimal(15,2) NOT NULL,
    l_returnflag char(1) NOT NULL,
    l_linestatus char(1) NOT NULL,
    l_shipdate date NOT NULL,
    l_commitdate date NOT NULL,
    l_receiptdate date NOT NULL,
    l_shipinstruct char(25) NOT NULL,
    l_shipmode char(10) NOT NULL,
    l_comment varchar(44) NOT NULL,
    PRIMARY KEY (l_orderkey, l_linenumber)
);
"
    };
}
macro_rules! add_foreign_keys {
    () => {
        "
ALTER TABLE nation ADD FOREIGN KEY (n_regionkey) REFERENCES region (r_regionkey);
ALTER TABLE supplier ADD FOREIGN KEY (s_nationkey) REFERENCES nation (n_nationkey);
ALTER TABLE partsupp ADD FOREIGN KEY (ps_partkey) REFERENCES part (p_partkey),
    ADD FOREIGN KEY (ps_suppkey) REFERENCES supplier (s_suppkey);
ALTER TABLE customer ADD FOREIGN KEY (c_nationkey) REFERENCES nation (n_nationkey);
ALTER TABLE orders ADD FOREIGN KEY (o_custkey) REFERENCES customer (c_custkey);
ALTER TABLE lineitem ADD FOREIGN KEY (l_orderkey) REFERENCES orders (o_orderkey),
    ADD FOREIGN KEY (l_partkey) REFERENCES part (p_partkey),
    ADD FOREIGN KEY (l_suppkey) REFERENCES supplier (s_suppkey),
    ADD FOREIGN KEY (l_partkey, l_suppkey) REFERENCES partsupp (ps_partkey, ps_suppkey);
"
    };
}

macro_rules! create_indexes {
    () => {
        "
CREATE INDEX lineitem_part_supp ON lineitem (l_partkey, l_suppkey);
"
    };
}

/// The standard TPC-H schema: `CREATE TABLE` for the eight tables with the
/// specification's types and primary keys ([`CREATE_TABLES`]), their foreign keys
/// ([`ADD_FOREIGN_KEYS`]) and one index on foreign-key columns ([`CREATE_INDEXES`]).
///
/// Written as text rather than made by `schema!(..).create_all`: `table!` declares a
/// column's SQL type without a length or precision, so `create_all` would make `text` and
/// `numeric` columns where TPC-H has `char(25)`, `varchar(152)` and `decimal(15,2)`, and
/// `char(n)` (blank-padded) compares and prints differently from `text`.
pub const DDL: &str = concat!(create_tables!(), add_foreign_keys!(), create_indexes!());

/// The first part of [`DDL`]: the tables with their primary keys, no foreign keys.
pub const CREATE_TABLES: &str = create_tables!();

/// The second part of [`DDL`]: the foreign keys. [`load`](super::load::load) adds them
/// after the data is in, checking each key once for the whole table, which is about ten
/// times faster than checking every row as `COPY` stores it.
pub const ADD_FOREIGN_KEYS: &str = add_foreign_keys!();

/// Drops the eight tables where they exist (and what depends on them).
pub const DROP: &str =
    "DROP TABLE IF EXISTS lineitem, orders, customer, partsupp, supplier, part, nation, region CASCADE";

/// The third part of [`DDL`]: an index on `lineitem (l_partkey, l_suppkey)`, the columns
/// of its foreign key to `partsupp` (the specification allows indexes on key columns).
/// PostgreSQL runs the correlated subqueries of Q17 and Q20 once per outer row; without
/// it each run reads all of `lineitem`, and at scale factor 0.1 the two queries take a
/// minute and a half instead of half a second.
pub const CREATE_INDEXES: &str = create_indexes!();
