use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = update(users::table).set(users::name.to(users::hair_color));
}
