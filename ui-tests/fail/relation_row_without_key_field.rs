use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[derive(sqlwright::Row)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    name: String,
}

#[derive(sqlwright::Row)]
#[sqlwright(table = posts)]
struct Post {
    id: i32,
    title: String,
}

fn load(users: &[User], conn: &mut Connection) {
    // Post does not load posts.user_id, so its rows cannot be matched to users
    let _ = users.load_children::<Post, _>(posts::user_id, conn);
}

fn main() {}
