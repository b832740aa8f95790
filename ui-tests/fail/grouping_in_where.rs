use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = users::table.filter(grouping(users::id).eq(0));
}
