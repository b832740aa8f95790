sqlwright_ui_tests::schema!();

#[derive(sqlwright::Row)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    hair_color: String,
}

fn main() {}
