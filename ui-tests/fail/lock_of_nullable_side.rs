use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn users_and_posts(conn: &mut Connection) -> Result<Vec<(String, Option<String>)>, sqlwright::Error> {
    // PostgreSQL: "FOR UPDATE cannot be applied to the nullable side of an outer join"
    let rows = users::table
        .left_join(posts::table)
        .select((users::name, posts::title))
        .for_update()
        .of(posts::table)
        .load(conn)?;
    Ok(rows)
}

fn main() {}
