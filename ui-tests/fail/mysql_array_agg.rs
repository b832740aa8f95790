use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn ids(conn: &mut sqlwright::MysqlConnection) -> Result<Vec<Option<Vec<i32>>>, sqlwright::Error> {
    let ids = posts::table
        .group_by(posts::user_id)
        .select(array_agg(posts::id))
        .load(conn)?;
    Ok(ids)
}

fn main() {}
