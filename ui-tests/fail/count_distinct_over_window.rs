use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    // PostgreSQL has no DISTINCT in window aggregates.
    let _ = users::table.select(count_distinct(users::name).over(window()));
}
