use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn counts(conn: &mut Connection) -> Result<Vec<i64>, sqlwright::Error> {
    // PostgreSQL has no DISTINCT in window aggregates.
    let counts = users::table
        .select(count_distinct(users::name).over(window()))
        .load(conn)?;
    Ok(counts)
}

fn main() {}
