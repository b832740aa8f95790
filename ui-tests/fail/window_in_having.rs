use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = posts::table
        .group_by(posts::user_id)
        .having(rank().over(window().order_by(count_star())).lt(3));
}
