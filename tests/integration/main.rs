//! Integration tests against a real PostgreSQL server, through `sqlwright::testing`.
//! Each test gets its own fresh database; each asserts the rendered SQL and the rows.

mod aggregate_types;
mod any;
mod async_cancel;
mod async_conn;
mod async_copy;
mod async_pool;
mod async_relations;
mod async_session;
mod async_shared;
mod async_shared_tx;
mod async_sqlite;
mod async_streams;
mod async_tx;
mod autogen;
mod autogen_constraints;
mod both;
mod cancel;
mod composite_keys;
mod conflicts;
mod copy;
mod ddl;
mod distinct;
mod dynamic;
mod engine;
mod engine_both;
mod enums;
mod errors;
mod expressions;
mod failover;
mod fake;
mod faults;
mod functions;
mod galera;
mod group_exprs;
mod grouping;
mod hostile;
mod hosts;
mod interop;
mod joins;
mod json_arrays;
mod json_values;
mod lateral;
mod limits;
mod locking;
mod mariadb;
mod mariadb_async;
mod mariadb_async_pool;
mod mariadb_async_reflect;
mod mariadb_async_session;
mod mariadb_async_stream;
mod mariadb_async_tls;
mod mariadb_batch;
mod mariadb_date_functions;
mod mariadb_dates;
mod mariadb_dates_tz;
mod mariadb_decimals;
mod mariadb_dynamic;
mod mariadb_engine;
mod mariadb_locking;
mod mariadb_migrations;
mod mariadb_reflect;
mod mariadb_relations;
mod mariadb_schema;
mod mariadb_semantics;
mod mariadb_stream;
mod mariadb_tls;
mod mariadb_tls_fakes;
mod mariadb_types;
mod mariadb_unsigned_casts;
mod mariadb_writes;
mod migrations;
mod migrations_embed;
mod modes;
mod names;
mod operators;
mod pgbouncer;
mod pipelined_reads;
mod plans;
mod pool;
mod portable;
mod promotion;
mod raw;
mod redaction;
mod reflect;
mod reflect_sqlite;
mod relation_writes;
mod relations;
mod replicas;
mod replication;
mod results;
mod rows;
mod schema;
mod schemas;
mod session;
mod sized;
mod sqlite_dynamic;
mod streaming;
mod subqueries;
mod tls;
mod transactions;
mod trickle;
mod twice;
mod types;
mod types_more;
mod unsigned;
mod unsigned_changesets;
mod unsigned_values;
mod update_counts;
mod writes;

use sqlwright::testing::TestDatabase;
use sqlwright::Connection;

/// A connection to a fresh database with `ddl` applied; the database is dropped after.
pub struct Db {
    pub conn: Connection,
    hand: Option<postgres::Client>,
    _db: TestDatabase,
}

impl Db {
    /// A `postgres` crate client on its own connection to the same database, for
    /// hand-written comparisons that must not go through sqlwright.
    pub fn client(&mut self) -> &mut postgres::Client {
        let url = self._db.url().to_string_with_password();
        self.hand.get_or_insert_with(|| {
            postgres::Client::connect(&url, postgres::NoTls).expect("connect by hand")
        })
    }

    /// Another connection to the same database.
    pub fn connect_again(&self) -> Connection {
        self._db.connect().expect("connect to the test database")
    }
}

/// Runs hand-written SQL and maps each row with `f`, to compare with a typed query.
pub fn by_hand<T>(db: &mut Db, sql: &str, f: impl Fn(&postgres::Row) -> T) -> Vec<T> {
    db.client().query(sql, &[]).unwrap().iter().map(f).collect()
}

pub fn setup(ddl: &str) -> Db {
    let db = sqlwright::testing::database();
    let mut conn = db.connect().expect("connect to the test database");
    conn.batch_execute(ddl).expect("apply the test schema");
    Db {
        conn,
        hand: None,
        _db: db,
    }
}

/// An engine on a fresh database with `ddl` applied, its settings adjusted by `configure`.
pub struct EngineDb {
    pub engine: sqlwright::Engine,
    pub db: TestDatabase,
}

pub fn engine_setup(
    ddl: &str,
    configure: impl FnOnce(sqlwright::engine::EngineBuilder) -> sqlwright::engine::EngineBuilder,
) -> EngineDb {
    let db = sqlwright::testing::database();
    db.connect()
        .and_then(|mut c| c.batch_execute(ddl))
        .expect("apply the test schema");
    let engine = configure(sqlwright::Engine::builder_url(db.url().clone()))
        .build()
        .expect("build the engine");
    EngineDb { engine, db }
}
