use sqlwright::prelude::*;

sqlwright::table! {
    enum OrderStatus { pending, paid, shipped }
    orders (id) {
        id -> Int4,
        status -> OrderStatus,
    }
}

#[allow(dead_code)]
fn pay(conn: &mut Connection) -> Result<u64, sqlwright::Error> {
    let n = update(orders::table)
        .filter(orders::id.eq(1))
        .set(orders::status.to("paid"))
        .execute(conn)?;
    Ok(n)
}

fn main() {}
