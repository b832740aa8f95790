use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let mut conn = Connection::connect("postgres://localhost/db").unwrap();
    let _rows: Result<Vec<(i32, String)>, _> = users::table
        .select((users::id, users::hair_color))
        .load_as(&mut conn);
}
