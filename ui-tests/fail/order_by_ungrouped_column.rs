use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = posts::table
        .group_by(posts::user_id)
        .select((posts::user_id, count_star()))
        .order_by(posts::title);
}
