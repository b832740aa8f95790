use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = insert_into(users::table).values((users::id.to("one"), users::name.to("Ann")));
}
