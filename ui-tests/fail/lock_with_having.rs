use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn busy_users(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    // PostgreSQL: "FOR UPDATE is not allowed with GROUP BY clause"
    let ids = posts::table
        .group_by(posts::user_id)
        .having(count_star().gt(3))
        .select(posts::user_id)
        .for_update()
        .load(conn)?;
    Ok(ids)
}

fn main() {}
