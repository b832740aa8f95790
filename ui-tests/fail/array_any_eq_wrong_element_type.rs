use sqlwright::prelude::*;
sqlwright::table! {
    posts (id) {
        id -> Int4,
        tags -> Array<Text>,
    }
}

#[allow(dead_code)]
fn tagged(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    // the tags are text
    let ids = posts::table
        .filter(posts::tags.any_eq(7))
        .select(posts::id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
