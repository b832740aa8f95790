sqlwright_ui_tests::schema!();

#[derive(sqlwright::Row)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    name: i64,
}

fn main() {}
