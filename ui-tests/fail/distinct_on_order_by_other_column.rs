use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn latest_titles(conn: &mut Connection) -> Result<Vec<(i32, String)>, sqlwright::Error> {
    // PostgreSQL: "SELECT DISTINCT ON expressions must match initial ORDER BY expressions"
    let latest = posts::table
        .distinct_on(posts::user_id)
        .select((posts::user_id, posts::title))
        .order_by((posts::id.desc(), posts::user_id))
        .load(conn)?;
    Ok(latest)
}

fn main() {}
