use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    // A window function is computed after WHERE: filtering on it is an error.
    let _ = users::table.filter(row_number().over(window().order_by(users::id)).gt(1));
}
