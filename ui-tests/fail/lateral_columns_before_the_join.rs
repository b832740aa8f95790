use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();
sqlwright::table! {
    #[derived]
    last_post { id -> Int4, title -> Text, }
}

#[allow(dead_code)]
fn latest_titles(conn: &mut Connection) -> Result<Vec<(String, String)>, sqlwright::Error> {
    let last = posts::table
        .correlate(users::table)
        .filter(posts::user_id.eq(users::id))
        .order_by(posts::id.desc())
        .limit(1)
        .select((posts::id, posts::title));
    // The filter reads `last_post` before the LATERAL join brings it in.
    let titles = users::table
        .filter(last_post::title.ne("draft"))
        .inner_join_lateral(last_post::table, last)
        .select((users::name, last_post::title))
        .load(conn)?;
    Ok(titles)
}

fn main() {}
