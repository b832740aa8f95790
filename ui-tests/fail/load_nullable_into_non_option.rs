use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn hair_colors(conn: &mut Connection) -> Result<Vec<(i32, String)>, sqlwright::Error> {
    let rows: Vec<(i32, String)> = users::table
        .select((users::id, users::hair_color))
        .load_as(conn)?;
    Ok(rows)
}

fn main() {}
