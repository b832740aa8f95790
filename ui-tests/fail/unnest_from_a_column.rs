use sqlwright::prelude::*;
sqlwright::table! {
    posts (id) {
        id -> Int4,
        tags -> Array<Text>,
    }
    #[derived]
    tag_list { tag -> Text, }
}

#[allow(dead_code)]
fn tags(conn: &mut Connection) -> Result<Vec<String>, sqlwright::Error> {
    // the array reads `posts`, which the FROM clause does not have
    let tags = tag_list::table
        .from_unnest(posts::tags)
        .select(tag_list::tag)
        .load(conn)?;
    Ok(tags)
}

fn main() {}
