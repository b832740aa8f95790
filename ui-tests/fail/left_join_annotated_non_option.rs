use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn titles(conn: &mut Connection) -> Result<Vec<(String, String)>, sqlwright::Error> {
    let titles: Vec<(String, String)> = users::table
        .left_join(posts::table)
        .select((users::name, posts::title))
        .load(conn)?;
    Ok(titles)
}

fn main() {}
