use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn counts(conn: &mut Connection) -> Result<Vec<(i32, i64)>, sqlwright::Error> {
    let counts = posts::table
        .group_by(posts::user_id)
        .having(posts::title.eq("x"))
        .select((posts::user_id, count_star()))
        .load(conn)?;
    Ok(counts)
}

fn main() {}
