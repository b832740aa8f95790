use sqlwright::prelude::*;

sqlwright::table! {
    enum OrderStatus { pending, paid, shipped }
    orders (id) {
        id -> Int4,
        status -> OrderStatus,
    }
}

#[allow(dead_code)]
fn paid(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = orders::table
        .filter(orders::status.eq("paid"))
        .select(orders::id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
