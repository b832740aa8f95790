use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn latest_posts(conn: &mut Connection) -> Result<Vec<(String, Option<i32>)>, sqlwright::Error> {
    // A subquery used as a value must select one column.
    let latest = posts::table.select((posts::id, posts::title)).scalar_subquery();
    let rows = users::table
        .select((users::name, latest))
        .load(conn)?;
    Ok(rows)
}

fn main() {}
