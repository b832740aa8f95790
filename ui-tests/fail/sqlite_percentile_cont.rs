use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn median(conn: &mut sqlwright::SqliteConnection) -> Result<Vec<Option<f64>>, sqlwright::Error> {
    let median = posts::table
        .select(percentile_cont(0.5).within_group(posts::id))
        .load(conn)?;
    Ok(median)
}

fn main() {}
