use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let mut conn = Connection::connect("postgres://localhost/db").unwrap();
    let _titles: Vec<(String, String)> = users::table
        .left_join(posts::table)
        .select((users::name, posts::title))
        .load(&mut conn)
        .unwrap();
}
