use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = posts::table.group_by(posts::user_id).having(posts::title.eq("x"));
}
