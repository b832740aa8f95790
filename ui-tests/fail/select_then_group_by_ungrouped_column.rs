use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn counts(conn: &mut Connection) -> Result<Vec<(String, i64)>, sqlwright::Error> {
    // select before group_by (SQLAlchemy's order): the list is checked at `group_by`
    let counts = posts::table
        .select((posts::title, count_star()))
        .group_by(posts::user_id)
        .load(conn)?;
    Ok(counts)
}

fn main() {}
