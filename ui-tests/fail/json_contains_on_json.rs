use sqlwright::prelude::*;
sqlwright::table! {
    events (id) {
        id -> Int4,
        payload -> Json,
    }
}

#[allow(dead_code)]
fn clicks(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    // `@>` exists for jsonb and arrays only
    let ids = events::table
        .filter(events::payload.contains(events::payload))
        .select(events::id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
