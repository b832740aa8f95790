use sqlwright::prelude::*;
sqlwright_ui_tests::schema!();

// A struct of `posts` given to an INSERT into `users`.
#[derive(sqlwright::Insertable)]
#[sqlwright(table = posts)]
struct NewPost {
    title: String,
}

#[allow(dead_code)]
fn add(conn: &mut Connection, post: &NewPost) -> Result<u64, sqlwright::Error> {
    let n = insert_into(users::table).values(post).execute(conn)?;
    Ok(n)
}

fn main() {}
