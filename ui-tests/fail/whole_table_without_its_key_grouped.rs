use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn posts_with_counts(conn: &mut Connection) -> Result<Vec<((i32, i32, String), i64)>, sqlwright::Error> {
    let rows = posts::table
        .group_by(posts::user_id)
        .select((posts::table, count_star()))
        .load(conn)?;
    Ok(rows)
}

fn main() {}
