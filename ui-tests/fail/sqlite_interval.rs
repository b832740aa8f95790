use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn recent(conn: &mut sqlwright::SqliteConnection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = users::table
        .filter(users::id.eq(1).and(days(1).gt(days(0))))
        .select(users::id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
