use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    // A subquery used as a value must select one column.
    let _ = posts::table.select((posts::id, posts::title)).scalar_subquery();
}
