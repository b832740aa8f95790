use sqlwright::prelude::*;

sqlwright::table! {
    enum OrderStatus { pending, paid, shipped }
    orders (id) {
        id -> Int4,
        status -> OrderStatus,
    }
}

#[derive(sqlwright::DbEnum, Debug, Clone, Copy)]
#[sqlwright(sql_type = OrderStatus)]
enum Status {
    Pending,
    Paid,
    Refunded,
}

#[allow(dead_code)]
fn pending(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = orders::table
        .filter(orders::status.eq(Status::Pending))
        .select(orders::id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
