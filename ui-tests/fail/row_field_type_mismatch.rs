use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

#[derive(sqlwright::Row)]
#[sqlwright(table = users)]
struct User {
    id: i32,
    name: i64,
}

#[allow(dead_code)]
fn all_users(conn: &mut Connection) -> Result<Vec<User>, sqlwright::Error> {
    let users = users::table.select(User::as_select()).load(conn)?;
    Ok(users)
}

fn main() {}
