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

#[allow(dead_code)]
fn posts_of(users: Vec<User>, conn: &mut Connection) -> Result<Vec<(User, Vec<Post>)>, sqlwright::Error> {
    // Post does not load posts.user_id, so its rows cannot be matched to users
    let posts = users.with_children::<Post, _>(posts::user_id, conn)?;
    Ok(posts)
}

fn main() {}
