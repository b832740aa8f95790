use sqlwright::prelude::*;
sqlwright::table! {
    products (id) {
        id -> Int4,
        name -> Text,
        attributes -> Jsonb,
    }
}

#[allow(dead_code)]
fn colors(conn: &mut Connection) -> Result<Vec<Option<String>>, sqlwright::Error> {
    // `name` is text, not JSON
    let colors = products::table
        .select(products::name.get_text("color"))
        .load(conn)?;
    Ok(colors)
}

fn main() {}
