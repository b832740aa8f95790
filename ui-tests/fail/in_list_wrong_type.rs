use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = users::table.filter(users::id.in_(["a", "b"]));
}
