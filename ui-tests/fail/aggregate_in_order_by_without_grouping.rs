use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = users::table.select(users::name).order_by(count_star());
}
