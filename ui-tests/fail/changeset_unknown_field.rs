sqlwright_ui_tests::schema!();

#[derive(sqlwright::Changeset)]
#[sqlwright(table = users)]
struct Changes {
    nickname: Option<String>,
}

fn main() {}
