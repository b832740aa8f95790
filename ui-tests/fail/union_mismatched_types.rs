use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    let names = users::table.select((users::id, users::name));
    let ids = posts::table.select((posts::id, posts::user_id));
    let _ = names.union(ids);
}
