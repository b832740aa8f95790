use sqlwright::prelude::*;

sqlwright::table! {
    users (id) {
        id -> Int4,
    }
    posts (id) {
        id -> Int4,
        #[references(users::id, name = "posts_user_fk")]
        user_id -> Int4,
    }
}

#[allow(dead_code)]
fn authors(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = posts::table.select(posts::user_id).load(conn)?;
    Ok(ids)
}

fn main() {}
