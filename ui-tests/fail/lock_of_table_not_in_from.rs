use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn titles(conn: &mut Connection) -> Result<Vec<String>, sqlwright::Error> {
    // PostgreSQL: "relation "users" in FOR UPDATE clause not found in FROM clause"
    let titles = posts::table
        .select(posts::title)
        .for_update()
        .of(users::table)
        .load(conn)?;
    Ok(titles)
}

fn main() {}
