use sqlwright::prelude::*;
sqlwright::table! {
    products (id) {
        id -> Int4,
        attributes -> Jsonb,
    }
}

#[allow(dead_code)]
fn colors(conn: &mut sqlwright::SqliteConnection) -> Result<Vec<Option<String>>, sqlwright::Error> {
    let colors = products::table
        .select(products::attributes.get_text("color"))
        .load(conn)?;
    Ok(colors)
}

fn main() {}
