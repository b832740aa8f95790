use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn titles(conn: &mut Connection) -> Result<Vec<(String, String)>, sqlwright::Error> {
    let rows = users::table
        .select((users::name, posts::title))
        .load(conn)?;
    Ok(rows)
}

fn main() {}
