use sqlwright::prelude::*;
sqlwright::table! {
    #[derived]
    tag_list { tag -> Text, }
}

#[allow(dead_code)]
fn tags(conn: &mut Connection) -> Result<Vec<String>, sqlwright::Error> {
    // the column is text, the array's elements integers
    let tags = tag_list::table
        .from_unnest(vec![1, 2, 3])
        .select(tag_list::tag)
        .load(conn)?;
    Ok(tags)
}

fn main() {}
