sqlwright_ui_tests::schema!();

#[derive(sqlwright::Changeset)]
#[sqlwright(table = users)]
struct Changes {
    name: Option<i64>,
}

fn main() {}
