use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[allow(dead_code)]
fn labels(conn: &mut Connection) -> Result<Vec<String>, sqlwright::Error> {
    // The subquery reads `users` of an outer query, but it is used in a query over `tags`.
    let has_posts = exists(posts::table.correlate(users::table).filter(posts::user_id.eq(users::id)));
    let labels = tags::table
        .filter(has_posts)
        .select(tags::label)
        .load(conn)?;
    Ok(labels)
}

fn main() {}
