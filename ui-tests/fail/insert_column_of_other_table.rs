use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let _ = insert_into(users::table).values((users::name.to("Ann"), posts::title.to("Hi")));
}
