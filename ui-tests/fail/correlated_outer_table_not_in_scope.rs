use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    // The subquery reads `users` of an outer query, but it is used in a query over `tags`.
    let has_posts = exists(posts::table.correlate(users::table).filter(posts::user_id.eq(users::id)));
    let _ = tags::table.filter(has_posts);
}
