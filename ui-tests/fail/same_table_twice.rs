use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn user_posts(conn: &mut Connection) -> Result<Vec<(String, String)>, sqlwright::Error> {
    let rows = users::table
        .inner_join(posts::table)
        .inner_join_on(users::table, users::id.eq(posts::user_id))
        .select((users::name, posts::title))
        .load(conn)?;
    Ok(rows)
}

fn main() {}
