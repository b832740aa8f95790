use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[derive(sqlwright::Row)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    name: String,
}

#[allow(dead_code)]
fn user(conn: &mut Connection) -> Result<Option<User>, sqlwright::Error> {
    // the primary key is an integer
    let user = User::get("5", conn)?;
    Ok(user)
}

fn main() {}
