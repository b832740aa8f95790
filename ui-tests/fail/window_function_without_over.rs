use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn numbered(conn: &mut Connection) -> Result<Vec<(String, i64)>, sqlwright::Error> {
    let rows = users::table
        .select((users::name, row_number()))
        .load(conn)?;
    Ok(rows)
}

fn main() {}
