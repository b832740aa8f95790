//! Integration tests against a real PostgreSQL server, through `sqlwright::testing`.
//! Each test gets its own fresh database; each asserts the rendered SQL and the rows.

mod aggregate_types;
mod errors;
mod grouping;
mod joins;
mod names;
mod operators;
mod results;
mod rows;
mod schema;
mod schemas;
mod types;
mod writes;

use sqlwright::testing::TestDatabase;
use sqlwright::Connection;

/// A connection to a fresh database with `ddl` applied; the database is dropped after.
pub struct Db {
    pub conn: Connection,
    _db: TestDatabase,
}

pub fn setup(ddl: &str) -> Db {
    let db = sqlwright::testing::database();
    let mut conn = db.connect().expect("connect to the test database");
    conn.batch_execute(ddl).expect("apply the test schema");
    Db { conn, _db: db }
}
