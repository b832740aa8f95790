use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = users::table
        .inner_join(posts::table)
        .inner_join_on(users::table, users::id.eq(posts::user_id));
}
