use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();
sqlwright::table! {
    #[derived]
    last_post { id -> Int4, title -> Text, }
}

#[allow(dead_code)]
fn latest_titles(
    conn: &mut sqlwright::SqliteConnection,
) -> Result<Vec<(String, Option<String>)>, sqlwright::Error> {
    let last = posts::table
        .correlate(users::table)
        .filter(posts::user_id.eq(users::id))
        .order_by(posts::id.desc())
        .limit(1)
        .select((posts::id, posts::title));
    let titles = users::table
        .left_join_lateral(last_post::table, last)
        .select((users::name, last_post::title))
        .load(conn)?;
    Ok(titles)
}

fn main() {}
