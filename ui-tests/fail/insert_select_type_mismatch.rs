use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

fn main() {
    // posts.title (Text) cannot take users.id (Int4)
    let _ = insert_into(posts::table).from_select(
        (posts::user_id, posts::title),
        users::table.select((users::id, users::id)),
    );
}
