use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = posts::table.select(sum(posts::title));
}
