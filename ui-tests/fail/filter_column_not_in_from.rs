use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = users::table.filter(posts::title.eq("Hello"));
}
