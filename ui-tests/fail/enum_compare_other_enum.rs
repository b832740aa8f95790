use sqlwright::prelude::*;

sqlwright::table! {
    enum OrderStatus { pending, paid, shipped }
    orders (id) {
        id -> Int4,
        status -> OrderStatus,
        note -> Text,
    }
}

/// Mapped to text, not to `OrderStatus`.
#[derive(sqlwright::DbEnum, Debug, Clone, Copy)]
enum Color {
    Red,
    Green,
}

#[allow(dead_code)]
fn red(conn: &mut Connection) -> Result<Vec<i32>, sqlwright::Error> {
    let ids = orders::table
        .filter(orders::status.eq(Color::Red))
        .select(orders::id)
        .load(conn)?;
    Ok(ids)
}

fn main() {}
