use sqlwright::prelude::*;

sqlwright::table! {
    users (user_id) {
        id -> Int4,
    }
}

#[allow(dead_code)]
fn ids(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = users::table.select(users::id).load(conn)?;
    Ok(ids)
}

fn main() {}
