use sqlwright::prelude::*;

sqlwright::table! {
    counters (id) {
        id -> UInt8,
        hits -> UInt4,
    }
}

#[allow(dead_code)]
fn busy(conn: &mut sqlwright::MysqlConnection, at_least: i32) -> Result<Vec<u64>, sqlwright::Error> {
    let ids = counters::table
        .filter(counters::hits.ge(at_least))
        .select(counters::id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
