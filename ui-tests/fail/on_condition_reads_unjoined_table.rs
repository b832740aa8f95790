use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = users::table.inner_join_on(posts::table, posts::user_id.eq(articles::author_id));
}
