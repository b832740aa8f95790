use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn lowered(conn: &mut Connection) -> Result<Vec<String>, sqlwright::Error> {
    let rows = users::table
        .select(lower(users::id))
        .load(conn)?;
    Ok(rows)
}

fn main() {}
