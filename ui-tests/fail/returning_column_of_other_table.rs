use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = delete(users::table).returning(posts::id);
}
