use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[derive(sqlwright::Row)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    name: String,
}

#[derive(sqlwright::Row)]
#[sqlwright(table = tags)]
struct Tag {
    id: i32,
    label: String,
}

fn load(users: &[User], conn: &mut Connection) {
    // posts.user_id links users to posts, not to tags
    let _ = users.load_children::<Tag, _>(posts::user_id, conn);
}

fn main() {}
