use sqlwright::dsl::*;
use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    // GROUP BY users.id would allow users.name (the key decides it), but ROLLUP's grand-total
    // row groups nothing: PostgreSQL requires name in GROUP BY.
    let _ = users::table
        .group_by(rollup(users::id))
        .select((users::id, users::name, count_star()));
}
