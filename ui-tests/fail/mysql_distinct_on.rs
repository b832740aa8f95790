use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn first_posts(conn: &mut sqlwright::MysqlConnection) -> Result<Vec<(i32, String)>, sqlwright::Error> {
    let first = posts::table
        .distinct_on(posts::user_id)
        .select((posts::user_id, posts::title))
        .order_by((posts::user_id, posts::id))
        .load(conn)?;
    Ok(first)
}

fn main() {}
