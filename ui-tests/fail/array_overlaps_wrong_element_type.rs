use sqlwright::prelude::*;
sqlwright::table! {
    posts (id) {
        id -> Int4,
        tags -> Array<Text>,
    }
}

#[allow(dead_code)]
fn tagged(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    // the tags are text, the values integers
    let ids = posts::table
        .filter(posts::tags.overlaps(vec![1, 2]))
        .select(posts::id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
