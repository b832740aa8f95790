use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn post_counts(conn: &mut Connection) -> Result<Vec<(i32, i64)>, sqlwright::Error> {
    // PostgreSQL: "FOR UPDATE is not allowed with GROUP BY clause"
    let counts = posts::table
        .group_by(posts::user_id)
        .select((posts::user_id, count_star()))
        .for_update()
        .load(conn)?;
    Ok(counts)
}

fn main() {}
