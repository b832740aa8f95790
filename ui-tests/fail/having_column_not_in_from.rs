use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = users::table.group_by(users::id).having(posts::id.gt(1));
}
