use sqlwright::prelude::*;

sqlwright::table! {
    orders (id) {
        id -> Int4,
        note -> Text,
    }
}

#[derive(sqlwright::DbEnum, Debug)]
struct Note {
    text: String,
}

#[allow(dead_code)]
fn noted(conn: &mut Connection, note: Note) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = orders::table
        .filter(orders::note.eq(note))
        .select(orders::id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
