//! Integration tests against a real PostgreSQL server, through `sqlwright::testing`.

mod schema;
mod smoke;
