use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn top_users(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = posts::table
        .group_by(posts::user_id)
        .having(rank().over(window().order_by(count_star())).lt(3))
        .select(posts::user_id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
