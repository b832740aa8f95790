sqlwright_ui_tests::schema!();

#[derive(sqlwright::Changeset)]
#[sqlwright(table = users)]
struct Changes {
    name: String,
}

fn main() {}
