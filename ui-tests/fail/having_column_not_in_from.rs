use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn ids(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = users::table
        .group_by(users::id)
        .having(posts::id.gt(1))
        .select(users::id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
