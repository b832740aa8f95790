use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = users::table.inner_join_on(posts::table, count_star().gt(1));
}
