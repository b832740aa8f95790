use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn totals(conn: &mut sqlwright::MysqlConnection) -> Result<(), sqlwright::Error> {
    let _rows = posts::table
        .group_by(rollup((posts::user_id, posts::title)))
        .select((posts::user_id, count(posts::id)))
        .load(conn)?;
    Ok(())
}

fn main() {}
