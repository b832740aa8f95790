use sqlwright::prelude::*;

sqlwright::table! {
    lines (order_id, line_no) {
        order_id -> Int4,
        line_no -> Int4,
    }
    #[foreign_key((order_id, line_no) -> lines (order_id, line_no), name = line)]
    shipments (id) {
        id -> Int4,
        order_id -> Int4,
        line_no -> Int4,
    }
}

#[derive(sqlwright::Row)]
#[sqlwright(table = lines)]
struct Line {
    order_id: i32,
    line_no: i32,
}

#[derive(sqlwright::Row)]
#[sqlwright(table = shipments)]
struct Shipment {
    id: i32,
    order_id: i32,
}

#[allow(dead_code)]
fn shipments_of(lines: Vec<Line>, conn: &mut Connection) -> Result<Vec<(Line, Vec<Shipment>)>, sqlwright::Error> {
    let shipments = lines.with_children::<Shipment, _>(shipments::line, conn)?;
    Ok(shipments)
}

fn main() {}
