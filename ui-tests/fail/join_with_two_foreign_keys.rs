use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    // articles has two keys to users (author_id, editor_id): name the path instead
    let _ = users::table.inner_join(articles::table);
}
