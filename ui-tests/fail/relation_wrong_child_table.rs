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

#[allow(dead_code)]
fn tags_of(users: Vec<User>, conn: &mut Connection) -> Result<Vec<(User, Vec<Tag>)>, sqlwright::Error> {
    // posts.user_id links users to posts, not to tags
    let tags = users.with_children::<Tag, _>(posts::user_id, conn)?;
    Ok(tags)
}

fn main() {}
