use sqlwright::prelude::*;

sqlwright::table! {
    counters (id) {
        id -> Int4,
        hits -> UInt4,
    }
}

#[derive(sqlwright::Changeset)]
#[sqlwright(table = counters)]
struct Changes {
    hits: Option<u32>,
}

#[allow(dead_code)]
fn save(conn: &mut Connection, id: i32, changes: &Changes) -> Result<u64, sqlwright::Error> {
    let n = update(counters::table)
        .filter(counters::id.eq(id))
        .set(changes)
        .execute(conn)?;
    Ok(n)
}

fn main() {}
