use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = users::table.order_by(posts::title.desc());
}
