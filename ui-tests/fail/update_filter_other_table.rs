use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = update(users::table).filter(posts::id.eq(1)).set(users::name.to("x"));
}
