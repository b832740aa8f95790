use sqlwright::prelude::*;
sqlwright::table! {
    events (id) {
        id -> Int4,
        payload -> Json,
    }
}

#[allow(dead_code)]
fn with_user(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    // `?` exists for jsonb only
    let ids = events::table
        .filter(events::payload.has_key("user"))
        .select(events::id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
