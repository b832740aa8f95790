sqlwright_ui_tests::schema!();

#[derive(sqlwright::Row)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    nickname: String,
}

fn main() {}
