use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn counts(conn: &mut Connection) -> Result<Vec<(String, i64)>, sqlwright::Error> {
    let counts = posts::table
        .group_by(posts::user_id)
        .select((posts::title, count_star()))
        .load(conn)?;
    Ok(counts)
}

fn main() {}
