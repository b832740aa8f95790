use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();
sqlwright::table! {
    #[derived]
    last_post { id -> Int4, title -> Text, }
}

#[allow(dead_code)]
fn latest_titles(conn: &mut Connection) -> Result<Vec<(String, Option<String>)>, sqlwright::Error> {
    // A derived table joined without LATERAL cannot read `users`, even joined before it.
    let last = posts::table
        .correlate(users::table)
        .filter(posts::user_id.eq(users::id))
        .order_by(posts::id.desc())
        .limit(1)
        .select((posts::id, posts::title));
    let titles = users::table
        .left_join_subquery(last_post::table, last, last_post::id.is_not_null())
        .select((users::name, last_post::title))
        .load(conn)?;
    Ok(titles)
}

fn main() {}
