use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = users::table.select(
        case_when(users::active, users::name).otherwise(users::id),
    );
}
