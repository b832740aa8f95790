sqlwright_ui_tests::schema!();

#[derive(sqlwright::Insertable)]
#[sqlwright(table = users)]
struct NewUser {
    name: String,
    nickname: String,
}

fn main() {}
