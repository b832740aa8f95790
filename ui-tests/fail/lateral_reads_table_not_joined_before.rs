use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();
sqlwright::table! {
    #[derived]
    last_post { id -> Int4, title -> Text, }
}

#[allow(dead_code)]
fn latest_titles(conn: &mut Connection) -> Result<Vec<(String, Option<String>)>, sqlwright::Error> {
    // The subquery reads `tags`, which is joined after the LATERAL subquery, not before it.
    let last = posts::table
        .correlate(users::table)
        .correlate(tags::table)
        .filter(posts::user_id.eq(users::id).and(posts::title.ne(tags::label)))
        .order_by(posts::id.desc())
        .limit(1)
        .select((posts::id, posts::title));
    let titles = users::table
        .left_join_lateral(last_post::table, last)
        .cross_join(tags::table)
        .select((users::name, last_post::title))
        .load(conn)?;
    Ok(titles)
}

fn main() {}
