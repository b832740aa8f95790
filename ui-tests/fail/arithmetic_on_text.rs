use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn next_names(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    let rows = users::table
        .select(users::name + 1)
        .load(conn)?;
    Ok(rows)
}

fn main() {}
