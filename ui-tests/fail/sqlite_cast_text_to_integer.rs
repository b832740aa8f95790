use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn numbers(conn: &mut sqlwright::SqliteConnection) -> Result<Vec<i32>, sqlwright::Error> {
    let numbers = posts::table
        .select(cast::<Int4, _>(posts::title))
        .load(conn)?;
    Ok(numbers)
}

fn main() {}
