use sqlwright::prelude::*;
sqlwright::table! {
    posts (id) {
        id -> Int4,
        title -> Text,
    }
}

#[allow(dead_code)]
fn tagged(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    // `title` is not an array
    let ids = posts::table
        .filter(posts::title.any_eq("rust"))
        .select(posts::id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
